/* fuzz-expression.c - the condition language: parse, then evaluate
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A lookup answers a few fixed names. An expression whose names are all
 * known must evaluate, the same way twice.
 */

#include "config.h"

#include "graphbit.h"
#include "graphbit-expression-private.h"
#include "fuzz-common.h"

static const char * const values[][2] = {
  { "score", "0.75" },
  { "count", "3" },
  { "input", "Hello, wörld" },
  { "flag", "true" },
  { "empty", "" },
  { "node.classify", "{\"label\": \"yes\", \"n\": 2, \"tags\": [\"a\", \"b\"]}" },
  { "node.classify.label", "yes" },
};

static char *
lookup (const char *name,
        gpointer    user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (g_str_equal (name, values[i][0]))
      return g_strdup (values[i][1]);
  return NULL;
}

void
fuzz_one (const guint8 *data,
          gsize         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitExpression) expression = graphbit_expression_parse (text, &error);
  GPtrArray *names;   /* the expression's own */
  gboolean known = TRUE;
  gboolean result = -1, again = -1;

  if (expression == NULL)
    {
      fuzz_check_error (&error, g_utf8_validate (text, -1, NULL));
      return;
    }

  names = graphbit_expression_get_names (expression);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *value = lookup (g_ptr_array_index (names, i), NULL);

      g_assert_cmpuint (strlen (g_ptr_array_index (names, i)), >, 0);
      known = known && value != NULL;
    }

  if (!graphbit_expression_evaluate (expression, lookup, NULL, &result, &error))
    {
      g_assert_false (known);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_WORKFLOW);
      fuzz_check_error (&error, g_utf8_validate (text, -1, NULL));
      return;
    }
  g_assert_true (result == TRUE || result == FALSE);
  g_assert_true (graphbit_expression_evaluate (expression, lookup, NULL, &again, &error));
  g_assert_cmpint (result, ==, again);
}
