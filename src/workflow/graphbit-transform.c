/* graphbit-transform.c - what transform nodes do to text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Transformations are parsed when the node is made, so a typo is a
 * validation error at once rather than a failed run later.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "graphbit-transform-private.h"
#include "graphbit-error-private.h"
#include "graphbit-json-private.h"
#include "graphbit-strings-private.h"

typedef enum {
  TRANSFORM_UPPERCASE,
  TRANSFORM_LOWERCASE,
  TRANSFORM_TRIM,
  TRANSFORM_JSON_EXTRACT,
  TRANSFORM_SPLIT,
  TRANSFORM_JOIN,
  TRANSFORM_TEMPLATE,
} TransformKind;

struct _GraphbitTransform
{
  TransformKind kind;
  char *argument;
};

static const struct {
  const char *name;
  TransformKind kind;
  gboolean takes_argument;
} transforms[] = {
  { "uppercase", TRANSFORM_UPPERCASE, FALSE },
  { "lowercase", TRANSFORM_LOWERCASE, FALSE },
  { "trim", TRANSFORM_TRIM, FALSE },
  { "json_extract", TRANSFORM_JSON_EXTRACT, TRUE },
  { "split", TRANSFORM_SPLIT, TRUE },
  { "join", TRANSFORM_JOIN, TRUE },
  { "template", TRANSFORM_TEMPLATE, TRUE },
};

static GError *
invalid (const char *text,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static GError *
invalid (const char *text,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return graphbit_error_new_validation ("Node.transform", "transformation", text, "%s", message);
}

GraphbitTransform *
graphbit_transform_parse (const char  *text,
                          GError     **error)
{
  g_autofree char *name = NULL;
  const char *colon;
  GraphbitTransform *transform;

  if (graphbit_str_is_blank (text))
    {
      g_propagate_error (error, invalid (text != NULL ? text : "",
                                         "The transformation is empty: use uppercase, lowercase, trim, "
                                         "json_extract:<path>, split:<sep>, join:<sep> or template:<text>"));
      return NULL;
    }

  colon = strchr (text, ':');
  name = colon != NULL ? g_strndup (text, colon - text) : g_strdup (text);
  g_strstrip (name);
  for (guint i = 0; i < G_N_ELEMENTS (transforms); i++)
    {
      if (g_ascii_strcasecmp (name, transforms[i].name) != 0)
        continue;
      if (transforms[i].takes_argument && (colon == NULL || colon[1] == '\0'))
        {
          g_propagate_error (error, invalid (text, "The transformation '%s' needs an argument: write %s:<%s>",
                                             transforms[i].name, transforms[i].name,
                                             transforms[i].kind == TRANSFORM_JSON_EXTRACT ? "path"
                                             : transforms[i].kind == TRANSFORM_TEMPLATE ? "text" : "separator"));
          return NULL;
        }
      if (!transforms[i].takes_argument && colon != NULL)
        {
          g_propagate_error (error, invalid (text, "The transformation '%s' takes no argument",
                                             transforms[i].name));
          return NULL;
        }
      transform = g_new0 (GraphbitTransform, 1);
      transform->kind = transforms[i].kind;
      transform->argument = colon != NULL ? g_strdup (colon + 1) : NULL;
      return transform;
    }
  g_propagate_error (error, invalid (text, "Unknown transformation '%s': use uppercase, lowercase, trim, "
                                     "json_extract:<path>, split:<sep>, join:<sep> or template:<text>", name));
  return NULL;
}

void
graphbit_transform_free (GraphbitTransform *transform)
{
  if (transform == NULL)
    return;
  g_free (transform->argument);
  g_free (transform);
}

const char *
graphbit_transform_get_template (GraphbitTransform *transform)
{
  return transform->kind == TRANSFORM_TEMPLATE ? transform->argument : NULL;
}

/* json-glib writes numbers with %.17g (0.9 as 0.90000000000000002): a
 * number on its own gets the shortest text that reads back the same. */
static char *
double_to_text (gdouble value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 2];

  for (guint precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%ug", precision);
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  /* Still a decimal number, as json-glib writes it: 2.0, not 2. */
  if (strpbrk (buffer, ".eEn") == NULL)
    g_strlcat (buffer, ".0", sizeof buffer);
  return g_strdup (buffer);
}

static char *
node_to_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return double_to_text (json_node_get_double (node));
  return json_to_string (node, FALSE);
}

char *
graphbit_json_extract (const char  *json,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  g_auto(GStrv) steps = NULL;
  g_autofree char *normalised = NULL;
  JsonNode *node;

  /* Empty or blank text: said as such (json-glib takes blank text as a
   * document without a root). */
  if (json[strspn (json, " \t\r\n")] == '\0'
      || !graphbit_json_load (parser, json, -1, &parse_error) || json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW,
                   "json_extract:%s needs JSON input, but the input is not JSON (%s)", path,
                   parse_error != NULL ? parse_error->message : "it is empty");
      return NULL;
    }
  /* items[2].name and items.2.name mean the same. */
  normalised = g_strdelimit (g_strdup (path), "[]", '.');
  steps = g_strsplit (normalised, ".", -1);
  node = json_parser_get_root (parser);
  for (guint i = 0; steps[i] != NULL && node != NULL; i++)
    {
      const char *step = steps[i];
      char *end = NULL;
      guint64 index;

      if (step[0] == '\0')
        continue;
      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), step);
      else if (JSON_NODE_HOLDS_ARRAY (node) && (index = g_ascii_strtoull (step, &end, 10), *end == '\0'))
        node = index < json_array_get_length (json_node_get_array (node))
             ? json_array_get_element (json_node_get_array (node), (guint) index) : NULL;
      else
        node = NULL;
    }
  if (node == NULL)
    {
      g_set_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW,
                   "json_extract: the input has nothing at '%s'", path);
      return NULL;
    }
  return node_to_text (node);
}

/* split:<sep> gives a JSON array of the parts, which join:<sep> reverses. */
static char *
split_to_json (const char *input,
               const char *separator)
{
  g_auto(GStrv) parts = g_strsplit (input, separator, -1);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; parts[i] != NULL; i++)
    json_builder_add_string_value (builder, parts[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
join_json (const char  *input,
           const char  *separator,
           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  JsonNode *root;
  JsonArray *array;

  if (!graphbit_json_load (parser, input, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL   /* empty or blank input */
      || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW,
                   "join:%s needs a JSON array as input (for example the output of a split)", separator);
      return NULL;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (parts, node_to_text (json_array_get_element (array, i)));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (separator, (char **) parts->pdata);
}

char *
graphbit_transform_apply (GraphbitTransform  *transform,
                          const char         *input,
                          GError            **error)
{
  switch (transform->kind)
    {
    case TRANSFORM_UPPERCASE:
      return g_utf8_strup (input, -1);
    case TRANSFORM_LOWERCASE:
      return g_utf8_strdown (input, -1);
    case TRANSFORM_TRIM:
      return g_strstrip (g_strdup (input));
    case TRANSFORM_JSON_EXTRACT:
      return graphbit_json_extract (input, transform->argument, error);
    case TRANSFORM_SPLIT:
      return split_to_json (input, transform->argument);
    case TRANSFORM_JOIN:
      return join_json (input, transform->argument, error);
    case TRANSFORM_TEMPLATE:
    default:
      /* Rendered by the run, which knows the variables. */
      return g_strdup (transform->argument);
    }
}
