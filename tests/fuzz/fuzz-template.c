/* fuzz-template.c - the template renderer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lookups answer a few fixed variables and node outputs (JSON and not).
 * A template that references no node must render; valid UTF-8 in gives
 * valid UTF-8 out (the result becomes a prompt in a JSON body).
 */

#include "config.h"

#include "graphbit.h"
#include "graphbit-template-private.h"
#include "fuzz-common.h"

static const char * const variables[][2] = {
  { "topic", "GLib" },
  { "input", "Hello, wörld" },
  { "empty", "" },
  { "braces", "{{node.classify}} {topic}" },
};

static const char * const outputs[][2] = {
  { "classify", "{\"label\": \"yes\", \"n\": 2, \"tags\": [\"a\", {\"b\": null}], \"deep\": {\"x\": 1.5}}" },
  { "research", "three facts" },
  { "Research Step", "[1, 2, 3]" },
};

static char *
find (const char * const  table[][2],
      guint               n,
      const char         *name)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (name, table[i][0]))
      return g_strdup (table[i][1]);
  return NULL;
}

static char *
lookup_variable (const char *name,
                 gpointer    user_data)
{
  return find (variables, G_N_ELEMENTS (variables), name);
}

static char *
lookup_output (const char *name,
               gpointer    user_data)
{
  return find (outputs, G_N_ELEMENTS (outputs), name);
}

void
fuzz_one (const guint8 *data,
          gsize         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GPtrArray) references = graphbit_template_node_references (text);
  g_autoptr(GError) error = NULL;
  g_autofree char *rendered = graphbit_template_render (text, lookup_variable, lookup_output, NULL, &error);

  for (guint i = 0; i < references->len; i++)
    g_assert_nonnull (g_ptr_array_index (references, i));
  if (rendered == NULL)
    {
      g_assert_cmpuint (references->len, >, 0);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
      fuzz_check_error (&error, g_utf8_validate (text, -1, NULL));
      return;
    }
  if (g_utf8_validate (text, -1, NULL))
    g_assert_true (g_utf8_validate (rendered, -1, NULL));
}
