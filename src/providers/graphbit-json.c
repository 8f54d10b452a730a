/* graphbit-json.c - tolerant, type-checked reading of provider JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Providers add and drop fields over time, and send null where a value is
 * absent; these helpers never assume a member exists or has a type.
 */

#include "config.h"

#include "graphbit-json-private.h"
#include "graphbit-error-private.h"

JsonNode *
graphbit_json_parse_object (const char  *data,
                            gssize       len,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "the JSON document is not an object");
      return NULL;
    }
  return json_node_ref (root);
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

JsonObject *
graphbit_json_get_object (JsonObject *object,
                          const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
graphbit_json_get_array (JsonObject *object,
                         const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
graphbit_json_get_string (JsonObject *object,
                          const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

guint
graphbit_json_get_uint (JsonObject *object,
                        const char *name)
{
  JsonNode *node = member (object, name);
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  value = json_node_get_int (node);
  return value > 0 && value <= G_MAXUINT ? (guint) value : 0;
}

char *
graphbit_json_error_text (const char *data,
                          gsize       len)
{
  g_autoptr(JsonNode) root = graphbit_json_parse_object (data, len, NULL);
  JsonArray *list;
  const char *text;
  GString *joined;

  if (root == NULL)
    return NULL;
  text = graphbit_json_get_string (json_node_get_object (root), "error");
  if (text != NULL)
    return g_strdup (text);
  list = graphbit_json_get_array (json_node_get_object (root), "error");
  if (list == NULL)
    return NULL;

  joined = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        g_string_append_printf (joined, "%s%s", joined->len > 0 ? "; " : "", json_node_get_string (item));
    }
  if (joined->len == 0)
    {
      g_string_free (joined, TRUE);
      return NULL;
    }
  return g_string_free (joined, FALSE);
}

GError *
graphbit_json_bad_body (const char *provider,
                        const char *provider_label,
                        const char *what)
{
  GError *error = graphbit_error_new (GRAPHBIT_ERROR_PROVIDER,
                                      "%s returned a response graphbit could not understand: %s",
                                      provider_label, what);

  graphbit_error_set_provider (error, provider);
  return error;
}

char *
graphbit_json_builder_to_data (JsonBuilder *builder,
                               gsize       *len)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, len);
}
