/* graphbit-embeddings-private.h - building embedding results inside the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-embeddings.h"

G_BEGIN_DECLS

/* Takes @values: @n_vectors rows of @dimensions doubles (both > 0).
 * @model may be NULL (set it with _set_model before handing it out). */
GraphbitEmbeddings *graphbit_embeddings_new_take       (gdouble            *values,
                                                        guint               n_vectors,
                                                        guint               dimensions,
                                                        const char         *model,
                                                        guint               prompt_tokens);
/* Sets the model if the provider did not name it. */
void                graphbit_embeddings_set_model      (GraphbitEmbeddings *self,
                                                        const char         *model);
/* The rows of @parts, one after the other: one result of them all. Fails
 * (GRAPHBIT_ERROR_PROVIDER) if their dimensions differ. */
GraphbitEmbeddings *graphbit_embeddings_concat         (GPtrArray          *parts,
                                                        GError            **error);

G_END_DECLS
