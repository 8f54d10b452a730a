/* graphbit-embedding-document.c - a document's content, metadata and embedding
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-embedding-document-private.h"

/**
 * GraphbitEmbeddingDocument:
 *
 * What [method@Graphbit.EmbeddingClient.embed_document_async] returns: the
 * document's content and metadata as given, and the embedding of its
 * content with the model that made it. Immutable.
 */
struct _GraphbitEmbeddingDocument
{
  GObject parent_instance;

  char *content;
  GVariant *metadata;              /* a{sv} */
  GraphbitEmbeddings *embeddings;  /* one vector */
};

G_DEFINE_FINAL_TYPE (GraphbitEmbeddingDocument, graphbit_embedding_document, G_TYPE_OBJECT)

static void
graphbit_embedding_document_finalize (GObject *object)
{
  GraphbitEmbeddingDocument *self = GRAPHBIT_EMBEDDING_DOCUMENT (object);

  g_free (self->content);
  g_variant_unref (self->metadata);
  g_object_unref (self->embeddings);
  G_OBJECT_CLASS (graphbit_embedding_document_parent_class)->finalize (object);
}

static void
graphbit_embedding_document_class_init (GraphbitEmbeddingDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_embedding_document_finalize;
}

static void
graphbit_embedding_document_init (GraphbitEmbeddingDocument *self)
{
}

GraphbitEmbeddingDocument *
graphbit_embedding_document_new (const char         *content,
                                 GVariant           *metadata,
                                 GraphbitEmbeddings *embeddings)
{
  GraphbitEmbeddingDocument *self = g_object_new (GRAPHBIT_TYPE_EMBEDDING_DOCUMENT, NULL);

  self->content = g_strdup (content);
  self->metadata = metadata != NULL ? g_variant_ref_sink (metadata)
                                    : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  self->embeddings = g_object_ref (embeddings);
  return self;
}

/**
 * graphbit_embedding_document_get_content:
 * @self: a #GraphbitEmbeddingDocument
 *
 * Gets the text that was embedded.
 *
 * Returns: the document's content, as given
 */
const char *
graphbit_embedding_document_get_content (GraphbitEmbeddingDocument *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_DOCUMENT (self), NULL);
  return self->content;
}

/**
 * graphbit_embedding_document_get_metadata:
 * @self: a #GraphbitEmbeddingDocument
 *
 * Gets the metadata passed to the embedding call, kept unchanged and not
 * embedded.
 *
 * Returns: (transfer none): the document's metadata as given, an `a{sv}`
 *   dictionary (empty when none was given)
 */
GVariant *
graphbit_embedding_document_get_metadata (GraphbitEmbeddingDocument *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_DOCUMENT (self), NULL);
  return self->metadata;
}

/**
 * graphbit_embedding_document_get_embeddings:
 * @self: a #GraphbitEmbeddingDocument
 *
 * Gets the document's vector, as a #GraphbitEmbeddings with one row.
 *
 * Returns: (transfer none): the content's embedding (one vector)
 */
GraphbitEmbeddings *
graphbit_embedding_document_get_embeddings (GraphbitEmbeddingDocument *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_DOCUMENT (self), NULL);
  return self->embeddings;
}

/**
 * graphbit_embedding_document_get_model:
 * @self: a #GraphbitEmbeddingDocument
 *
 * Gets the name of the model that embedded the document: the provider's,
 * else the configured one.
 *
 * Returns: the model that made the embedding
 */
const char *
graphbit_embedding_document_get_model (GraphbitEmbeddingDocument *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_DOCUMENT (self), NULL);
  return graphbit_embeddings_get_model (self->embeddings);
}

/**
 * graphbit_embedding_document_get_dimensions:
 * @self: a #GraphbitEmbeddingDocument
 *
 * Gets the number of values in the document's vector.
 *
 * Returns: the length of the embedding
 */
guint
graphbit_embedding_document_get_dimensions (GraphbitEmbeddingDocument *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_DOCUMENT (self), 0);
  return graphbit_embeddings_get_dimensions (self->embeddings);
}
