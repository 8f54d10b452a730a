/* graphbit-template.c - placeholders in prompts and templates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "graphbit-template-private.h"
#include "graphbit-transform-private.h"
#include "graphbit-error-private.h"

#define NODE_PREFIX "{{node."

/* The reference inside "{{node.X.path}}" starting at @p: returns its end
 * ("}}") or NULL, and the reference text in @reference. */
static const char *
parse_node_reference (const char  *p,
                      char       **reference)
{
  const char *start = p + strlen (NODE_PREFIX);
  const char *end = strstr (start, "}}");

  if (end == NULL || end == start || memchr (start, '{', end - start) != NULL)
    return NULL;
  *reference = g_strstrip (g_strndup (start, end - start));
  return end;
}

static gboolean
is_variable_name (const char *start,
                  gsize       len)
{
  if (len == 0 || !(g_ascii_isalpha (start[0]) || start[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!(g_ascii_isalnum (start[i]) || start[i] == '_'))
      return FALSE;
  return TRUE;
}

/* "name.json.path": the node part is the longest prefix the lookup knows,
 * since node names may contain dots. */
static char *
lookup_node_path (const char             *reference,
                  GraphbitTemplateLookup  node_output,
                  gpointer                user_data,
                  GError                **error)
{
  g_autofree char *name = g_strdup (reference);
  char *dot;

  for (;;)
    {
      g_autofree char *output = node_output (name, user_data);

      if (output != NULL)
        {
          const char *path = reference + strlen (name);

          if (*path == '\0')
            return g_steal_pointer (&output);
          return graphbit_json_extract (output, path + 1, error);
        }
      dot = strrchr (name, '.');
      if (dot == NULL)
        break;
      *dot = '\0';
    }
  g_set_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW,
               "{{node.%s}} refers to no finished node (is the name right, and is it upstream?)", reference);
  return NULL;
}

char *
graphbit_template_render (const char              *text,
                          GraphbitTemplateLookup   variable,
                          GraphbitTemplateLookup   node_output,
                          gpointer                 user_data,
                          GError                 **error)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (text) + 64);
  const char *p = text;

  while (*p != '\0')
    {
      const char *brace = strchr (p, '{');
      const char *close;
      g_autofree char *reference = NULL;

      if (brace == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, brace - p);

      if (g_str_has_prefix (brace, NODE_PREFIX) && (close = parse_node_reference (brace, &reference)) != NULL)
        {
          g_autofree char *value = lookup_node_path (reference, node_output, user_data, error);

          if (value == NULL)
            return NULL;
          g_string_append (out, value);
          p = close + 2;
          continue;
        }

      close = strchr (brace + 1, '}');
      if (close != NULL && is_variable_name (brace + 1, close - brace - 1))
        {
          g_autofree char *name = g_strndup (brace + 1, close - brace - 1);
          g_autofree char *value = variable (name, user_data);

          if (value != NULL)
            {
              g_string_append (out, value);
              p = close + 1;
              continue;
            }
        }
      /* Not a placeholder we know: keep the brace as written. */
      g_string_append_c (out, '{');
      p = brace + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GPtrArray *
graphbit_template_node_references (const char *text)
{
  GPtrArray *references = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while ((p = strstr (p, NODE_PREFIX)) != NULL)
    {
      char *reference = NULL;
      const char *close = parse_node_reference (p, &reference);

      if (close == NULL)
        {
          p += strlen (NODE_PREFIX);
          continue;
        }
      g_ptr_array_add (references, reference);
      p = close + 2;
    }
  return references;
}
