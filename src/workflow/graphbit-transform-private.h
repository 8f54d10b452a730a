/* graphbit-transform-private.h - what transform nodes do to text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A parsed transformation: uppercase, lowercase, trim, json_extract:<path>,
 * split:<separator>, join:<separator>, template:<text>. */
typedef struct _GraphbitTransform GraphbitTransform;

GraphbitTransform *graphbit_transform_parse (const char         *text,
                                             GError            **error);
void               graphbit_transform_free  (GraphbitTransform  *transform);
/* For template: the text to render (its {placeholders} are the caller's). */
const char        *graphbit_transform_get_template (GraphbitTransform *transform);
/* Applies it to @input; template transforms return @rendered_template
 * instead (rendered by the caller). */
char              *graphbit_transform_apply (GraphbitTransform  *transform,
                                             const char         *input,
                                             GError            **error);

/* Reads a dotted path (`a.b.0.c`, `items[2].name`) out of a JSON document.
 * A string result comes back as its text, anything else as compact JSON.
 * NULL with @error when the input is not JSON or the path is absent. */
char              *graphbit_json_extract    (const char         *json,
                                             const char         *path,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitTransform, graphbit_transform_free)

G_END_DECLS
