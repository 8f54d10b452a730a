/* mock-request.c - what the mock reads from a provider request: the record
 * kept for the stats, the JSON body and the conversation it carries
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "mock-private.h"

static gboolean
is_secret_header (const char *name)
{
  return g_ascii_strcasecmp (name, "Authorization") == 0 || g_ascii_strcasecmp (name, "x-api-key") == 0;
}

/* Keeps what GET /_mock/stats reports about the last provider request. */
void
mock_request_record (Mock              *mock,
                     SoupServerMessage *msg,
                     const char        *route)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(JsonObject) recorded = json_object_new ();
  SoupMessageHeadersIter iter;
  const char *name, *value;

  mock->last_route = route;

  g_free (mock->last_request);
  mock->last_request = g_strndup (body->data, body->length);
  g_free (mock->last_authorization_scheme);
  mock->last_authorization_scheme = authorization != NULL ? g_strndup (authorization, strcspn (authorization, " ")) : NULL;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      /* A repeated header reads as its values joined, as HTTP allows. */
      const char *earlier = json_object_get_string_member_with_default (recorded, name, NULL);
      g_autofree char *joined = earlier != NULL ? g_strconcat (earlier, ", ", value, NULL) : NULL;

      json_object_set_string_member (recorded, name,
                                     is_secret_header (name) ? "<redacted>" : joined != NULL ? joined : value);
    }
  g_clear_pointer (&mock->last_headers, json_node_unref);
  mock->last_headers = json_node_init_object (json_node_alloc (), recorded);
}

/* The request body as a JSON object, or NULL if it is not one. */
JsonObject *
mock_request_json (SoupServerMessage *msg,
                   JsonParser        *parser)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (body->length == 0
      || !json_parser_load_from_data (parser, body->data, body->length, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_get_object (json_parser_get_root (parser));
}

/* Typed member lookups that treat a member of another type as absent:
 * clients under test send all sorts of things. */
const char *
mock_json_string (JsonObject *object,
                  const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
mock_json_int (JsonObject *object,
               const char *name,
               gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

gboolean
mock_json_bool (JsonObject *object,
                const char *name,
                gboolean    fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

JsonObject *
mock_json_object (JsonObject *object,
                  const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
mock_json_array (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

char *
mock_json_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), object);

  return json_to_string (root, FALSE);
}

/* The text of a message content: a string, or the text of an array of
 * blocks ({"type":"text","text":...}), one block per line. */
char *
mock_content_text (JsonNode *content)
{
  GString *text;
  JsonArray *blocks;

  if (content == NULL)
    return g_strdup ("");
  if (json_node_get_value_type (content) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (content));
  if (!JSON_NODE_HOLDS_ARRAY (content))
    return g_strdup ("");

  text = g_string_new (NULL);
  blocks = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      JsonNode *block = json_array_get_element (blocks, i);
      const char *part = JSON_NODE_HOLDS_OBJECT (block)
                         ? mock_json_string (json_node_get_object (block), "text") : NULL;

      if (part == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, part);
    }
  return g_string_free (text, FALSE);
}

guint
mock_count_words (const char *text)
{
  guint n = 0;
  gboolean in_word = FALSE;

  for (; *text != '\0'; text++)
    {
      gboolean space = g_ascii_isspace (*text);

      if (!space && !in_word)
        n++;
      in_word = !space;
    }
  return n;
}

/* Returns the text of the last user message ("" if none) and adds the
 * words of every message to @words: the mock's token counts are words. */
char *
mock_conversation_read (JsonArray *messages,
                        guint     *words)
{
  char *last_user = g_strdup ("");

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *m = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *text = m != NULL ? mock_content_text (json_object_get_member (m, "content")) : NULL;

      if (text == NULL)
        continue;
      *words += mock_count_words (text);
      if (g_strcmp0 (mock_json_string (m, "role"), "user") == 0)
        {
          g_free (last_user);
          last_user = g_steal_pointer (&text);
        }
    }
  return last_user;
}
