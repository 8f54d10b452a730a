/* graphbit-expression-private.h - the condition language of condition nodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small, safe expression language: it only compares values, it cannot
 * call anything or change anything.
 *
 *   expression := or
 *   or         := and ("or" and)*
 *   and        := not ("and" not)*
 *   not        := "not" not | comparison
 *   comparison := value (("==" | "!=" | "<" | "<=" | ">" | ">=" | "contains"
 *                        | "startswith" | "endswith") value)?
 *   value      := NUMBER | STRING | "true" | "false" | NAME | "(" expression ")"
 *
 * Strings are in single or double quotes (backslash escapes the quote). A
 * NAME is a dotted path: `score`, `input`, `node.classify`,
 * `node.classify.label` (a JSON field of that node's output). Comparisons
 * are numeric when both sides are numbers, textual otherwise; `contains`
 * and the others are textual (case-sensitive). A value on its own is true
 * unless it is empty, "false", "0", "no" or "null" (any case). */
typedef struct _GraphbitExpression GraphbitExpression;

/* Looks a NAME up; returns a newly allocated value or NULL if unknown. */
typedef char *(*GraphbitExpressionLookup) (const char *name,
                                           gpointer    user_data);

GraphbitExpression *graphbit_expression_parse     (const char          *text,
                                                   GError             **error);
void                graphbit_expression_free      (GraphbitExpression  *expression);
/* The NAMEs the expression reads, in order of appearance (no duplicates). */
GPtrArray          *graphbit_expression_get_names (GraphbitExpression  *expression);
/* Evaluates; an unknown NAME is an error (GRAPHBIT_ERROR_WORKFLOW). */
gboolean            graphbit_expression_evaluate  (GraphbitExpression  *expression,
                                                   GraphbitExpressionLookup lookup,
                                                   gpointer             user_data,
                                                   gboolean            *result,
                                                   GError             **error);
/* The truth of a value on its own (see above). */
gboolean            graphbit_expression_is_truthy (const char          *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitExpression, graphbit_expression_free)

G_END_DECLS
