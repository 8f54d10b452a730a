/* graphbit-embedding-document.h - a document's content, metadata and embedding
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"
#include "graphbit-embeddings.h"

G_BEGIN_DECLS

#define GRAPHBIT_TYPE_EMBEDDING_DOCUMENT (graphbit_embedding_document_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitEmbeddingDocument, graphbit_embedding_document, GRAPHBIT, EMBEDDING_DOCUMENT, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
const char         *graphbit_embedding_document_get_content    (GraphbitEmbeddingDocument *self);
GRAPHBIT_AVAILABLE_IN_ALL
GVariant           *graphbit_embedding_document_get_metadata   (GraphbitEmbeddingDocument *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddings *graphbit_embedding_document_get_embeddings (GraphbitEmbeddingDocument *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char         *graphbit_embedding_document_get_model      (GraphbitEmbeddingDocument *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint               graphbit_embedding_document_get_dimensions (GraphbitEmbeddingDocument *self);

G_END_DECLS
