/* graphbit-embeddings.h - embedding vectors of one dimension, in input order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

#define GRAPHBIT_TYPE_EMBEDDINGS (graphbit_embeddings_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitEmbeddings, graphbit_embeddings, GRAPHBIT, EMBEDDINGS, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
guint          graphbit_embeddings_get_n_vectors     (GraphbitEmbeddings *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint          graphbit_embeddings_get_dimensions    (GraphbitEmbeddings *self);
GRAPHBIT_AVAILABLE_IN_ALL
const gdouble *graphbit_embeddings_get_vector        (GraphbitEmbeddings *self,
                                                      guint               index,
                                                      gsize              *n_values);
GRAPHBIT_AVAILABLE_IN_ALL
GBytes        *graphbit_embeddings_get_bytes         (GraphbitEmbeddings *self);
GRAPHBIT_AVAILABLE_IN_ALL
GBytes        *graphbit_embeddings_get_vector_bytes  (GraphbitEmbeddings *self,
                                                      guint               index);
GRAPHBIT_AVAILABLE_IN_ALL
const char    *graphbit_embeddings_get_model         (GraphbitEmbeddings *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint          graphbit_embeddings_get_prompt_tokens (GraphbitEmbeddings *self);

G_END_DECLS
