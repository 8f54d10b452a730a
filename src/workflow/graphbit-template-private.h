/* graphbit-template-private.h - placeholders in prompts and templates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns a newly allocated value, or NULL when unknown. */
typedef char *(*GraphbitTemplateLookup) (const char *name,
                                         gpointer    user_data);

/* Renders `{{node.NAME}}` / `{{node.NAME.json.path}}` with @node_output
 * (NAME is a node's name or id; a path reads a JSON field of its output)
 * and `{var}` with @variable (a name of letters, digits and underscores).
 * A `{...}` that is not a known variable is left as written, so JSON or
 * code in a prompt is safe; an unknown node reference is an error
 * (validation rules them out before a run). */
char      *graphbit_template_render          (const char              *text,
                                              GraphbitTemplateLookup   variable,
                                              GraphbitTemplateLookup   node_output,
                                              gpointer                 user_data,
                                              GError                 **error);
/* The node names or ids `{{node.X}}` references in @text, in order. */
GPtrArray *graphbit_template_node_references (const char              *text);

G_END_DECLS
