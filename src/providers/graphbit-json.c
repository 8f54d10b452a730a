/* graphbit-json.c - tolerant, type-checked reading of provider JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Providers add and drop fields over time, and send null where a value is
 * absent; these helpers never assume a member exists or has a type.
 */

#include "config.h"

#include <string.h>

#include "graphbit-json-private.h"
#include "graphbit-error-private.h"

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips white space and the comments json-glib takes too, noting where
 * the first comment is in *@comment. */
static const char *
skip_space (const char  *p,
            const char  *end,
            const char **comment)
{
  while (p < end)
    {
      if (is_json_space (*p))
        p++;
      else if (end - p >= 2 && p[0] == '/' && (p[1] == '/' || p[1] == '*') && *comment == NULL)
        *comment = p;
      else if (end - p >= 2 && p[0] == '/' && p[1] == '/')
        {
          p = memchr (p, '\n', end - p);
          if (p == NULL)
            return end;
        }
      else if (end - p >= 2 && p[0] == '/' && p[1] == '*')
        {
          p = memmem (p + 2, end - p - 2, "*/", 2);
          if (p == NULL)
            return end;
          p += 2;
        }
      else
        break;
    }
  return p;
}

/* Just past the closing quote of the string whose contents start at @p,
 * or NULL if it is not closed. Strings are most of an answer: the quotes
 * are found with memchr(), and one ends where an even number of
 * backslashes precedes it. */
static const char *
string_end (const char *p,
            const char *end)
{
  const char *start = p;

  for (;;)
    {
      const char *quote = memchr (p, '"', end - p);
      const char *q;

      if (quote == NULL)
        return NULL;
      for (q = quote; q > start && q[-1] == '\\'; q--)
        ;
      if ((quote - q) % 2 == 0)
        return quote + 1;
      p = quote + 1;
    }
}

/* Where the JSON value at @p ends, or NULL if that cannot be told without
 * parsing (json-glib then reports what is wrong). Brackets are counted
 * outside strings and comments; a bare value runs to the first byte that
 * cannot be part of a number or literal. The first single quote met
 * outside a string goes to *@single_quote. */
static const char *
value_end (const char  *p,
           const char  *end,
           const char **comment,
           const char **single_quote,
           guint       *max_depth)
{
  guint depth = 0;

  *max_depth = 0;
  do
    {
      p = skip_space (p, end, comment);
      if (p == end)
        return NULL;
      if (*p == '"')
        {
          p = string_end (p + 1, end);
          if (p == NULL)
            return NULL;
        }
      else if (*p == '{' || *p == '[')
        {
          depth++;
          *max_depth = MAX (*max_depth, depth);
          p++;
        }
      else if (depth > 0)
        {
          if (*p == '}' || *p == ']')
            depth--;
          else if (*p == '\'' && *single_quote == NULL)
            *single_quote = p;
          p++;
        }
      else
        {
          const char *start = p;

          while (p < end && (g_ascii_isalnum (*p) || *p == '-' || *p == '+' || *p == '.'))
            p++;
          return p > start ? p : NULL;
        }
    }
  while (depth > 0 && p < end);
  return depth == 0 ? p : NULL;
}

/* The UTF-16 unit of the "\uXXXX" escape at @p, or -1. */
static gint
escaped_unit (const char *p,
              const char *end)
{
  gint unit = 0;

  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  for (guint i = 2; i < 6; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return -1;
      unit = unit * 16 + g_ascii_xdigit_value (p[i]);
    }
  return unit;
}

/* json-glib 1.6 turns an unpaired surrogate escape into invalid UTF-8, and
 * leaks when a high one is followed by another escape; and "\u0000" ends
 * a C string, which cut a model's text short there without a word:
 * returns a copy of @data with each such escape written as "\ufffd" (as
 * long), or NULL if it has none.
 * It also reads "\u" with fewer than four hex digits as some character;
 * such an escape is left in place and *@bad_escape points to it. */
static char *
repair_escapes (const char  *data,
                   const char  *end,
                   const char **bad_escape)
{
  char *copy = NULL;

  *bad_escape = NULL;
  for (const char *p = data; p < end; p++)
    {
      gint unit;

      /* Escapes are rare: jump from one to the next. */
      p = memchr (p, '\\', end - p);
      if (p == NULL)
        break;
      unit = escaped_unit (p, end);
      if (unit < 0 && p + 1 < end && p[1] == 'u' && *bad_escape == NULL)
        *bad_escape = p;
      if (unit >= 0xD800 && unit <= 0xDBFF)
        {
          gint low = escaped_unit (p + 6, end);

          if (low >= 0xDC00 && low <= 0xDFFF)
            {
              p += 11;
              continue;
            }
        }
      if ((unit >= 0xD800 && unit <= 0xDFFF) || unit == 0)
        {
          if (copy == NULL)
            {
              copy = g_malloc (end - data + 1);
              memcpy (copy, data, end - data);
              copy[end - data] = '\0';
            }
          memcpy (copy + (p - data) + 2, "fffd", 4);
        }
      /* Past the escaped character, which may be a backslash. */
      p++;
    }
  return copy;
}

gboolean
graphbit_json_load (JsonParser  *parser,
                    const char  *data,
                    gssize       len,
                    GError     **error)
{
  GError *local_error = NULL;
  gsize length = data == NULL ? 0 : len >= 0 ? (gsize) len : strlen (data);
  const char *bad_escape = NULL;
  g_autofree char *repaired = NULL;
  const char *end;
  const char *p;
  const char *comment = NULL;
  const char *single_quote = NULL;
  guint depth = 0;

  /* An empty body (NULL data from an empty GBytes: a proxy's or a load
   * balancer's error page without one) is no document; json-glib would
   * return FALSE without an error for NULL. */
  if (length == 0)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "the document is empty");
      return FALSE;
    }
  repaired = repair_escapes (data, data + length, &bad_escape);
  if (bad_escape != NULL)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "a \\u escape without four hex digits, at byte %" G_GSIZE_FORMAT,
                   (gsize) (bad_escape - data));
      return FALSE;
    }
  if (repaired != NULL)
    data = repaired;
  end = data + length;

  /* json-glib 1.6 takes "{...}{...}" or "1[]" as one document, keeping the
   * last value and leaking the others: refuse content after the value
   * before it sees any. */
  /* json-glib 1.6 reads some bytes that cannot start a value as tokens
   * of their own and goes on to parse (and leak) what follows. */
  p = skip_space (data, end, &comment);
  if (comment == NULL && p < end && (*p == '\0' || strchr ("{[\"-0123456789tfn", *p) == NULL))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "not a JSON value: unexpected character at byte %" G_GSIZE_FORMAT,
                   (gsize) (p - data));
      return FALSE;
    }
  p = value_end (data, end, &comment, &single_quote, &depth);
  /* json-glib parses nested values by recursion: a few hundred thousand
   * brackets from a broken or hostile server overflowed the stack. */
  if (depth > GRAPHBIT_JSON_MAX_DEPTH)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "the JSON document nests %u levels deep; at most %u are read",
                   depth, GRAPHBIT_JSON_MAX_DEPTH);
      return FALSE;
    }
  if (p != NULL)
    p = skip_space (p, end, &comment);
  /* json-glib 1.6 takes 'single-quoted' strings too, and leaks nodes when
   * one stands where a member name should; JSON has none. */
  if (single_quote != NULL && (comment == NULL || single_quote < comment))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "JSON strings take double quotes: a single quote at byte %" G_GSIZE_FORMAT,
                   (gsize) (single_quote - data));
      return FALSE;
    }
  /* json-glib 1.6 leaks nodes when a comment holds a quote, and JSON has
   * no comments: refused wherever the scan above met one. */
  if (comment != NULL)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "JSON does not allow comments (one starts at byte %" G_GSIZE_FORMAT ")",
                   (gsize) (comment - data));
      return FALSE;
    }
  if (p != NULL)
    {
      if (p < end)
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                       "unexpected content after the JSON value, at byte %" G_GSIZE_FORMAT,
                       (gsize) (p - data));
          return FALSE;
        }
    }

  if (json_parser_load_from_data (parser, data, length, &local_error))
    return TRUE;
  if (local_error == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "the JSON document could not be read");
      return FALSE;
    }
  if (!g_utf8_validate (local_error->message, -1, NULL))
    {
      char *valid = g_utf8_make_valid (local_error->message, -1);

      g_free (local_error->message);
      local_error->message = valid;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

JsonNode *
graphbit_json_parse_object (const char  *data,
                            gssize       len,
                            GError     **error)
{
  /* Not an immutable parser: it seals and hashes every object, ~7k
   * instructions per answer (callgrind), and these trees are read once,
   * in one thread, and freed. */
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!graphbit_json_load (parser, data, len, error))
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

gboolean
graphbit_json_get_optional_string (JsonObject  *object,
                                   const char  *name,
                                   const char **value)
{
  JsonNode *node = member (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *value = json_node_get_string (node);
  return TRUE;
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
