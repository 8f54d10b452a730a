/* graphbit-embedding-document-private.h - building a document result
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-embedding-document.h"

G_BEGIN_DECLS

/* @metadata: an a{sv} variant or NULL (sunk if floating). */
GraphbitEmbeddingDocument *graphbit_embedding_document_new (const char         *content,
                                                            GVariant           *metadata,
                                                            GraphbitEmbeddings *embeddings);

G_END_DECLS
