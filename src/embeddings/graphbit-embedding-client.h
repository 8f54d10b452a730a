/* graphbit-embedding-client.h - turning texts into embedding vectors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "graphbit-version-macros.h"
#include "graphbit-completion-queue.h"
#include "graphbit-embedding-config.h"
#include "graphbit-embeddings.h"
#include "graphbit-embedding-document.h"

G_BEGIN_DECLS

/**
 * GRAPHBIT_EMBEDDING_MAX_TEXTS:
 *
 * The most texts one batch accepts; graphbit splits them into requests
 * the provider takes.
 */
#define GRAPHBIT_EMBEDDING_MAX_TEXTS 100000

/**
 * GRAPHBIT_EMBEDDING_MAX_CONCURRENCY:
 *
 * The most requests of one batch that may be in flight at once.
 */
#define GRAPHBIT_EMBEDDING_MAX_CONCURRENCY 64

#define GRAPHBIT_TYPE_EMBEDDING_CLIENT (graphbit_embedding_client_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitEmbeddingClient, graphbit_embedding_client, GRAPHBIT, EMBEDDING_CLIENT, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingClient   *graphbit_embedding_client_new                 (GraphbitEmbeddingConfig  *config);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingConfig   *graphbit_embedding_client_get_config          (GraphbitEmbeddingClient  *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_client_get_debug           (GraphbitEmbeddingClient  *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_set_debug           (GraphbitEmbeddingClient  *self,
                                                                          gboolean                  debug);

GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_client_set_retry_policy    (GraphbitEmbeddingClient  *self,
                                                                          gint                      max_retries,
                                                                          gdouble                   base_delay,
                                                                          gdouble                   max_delay,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_get_retry_policy    (GraphbitEmbeddingClient  *self,
                                                                          gint                     *max_retries,
                                                                          gdouble                  *base_delay,
                                                                          gdouble                  *max_delay);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_client_set_timeouts        (GraphbitEmbeddingClient  *self,
                                                                          gdouble                   attempt_timeout,
                                                                          gdouble                   deadline,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_get_timeouts        (GraphbitEmbeddingClient  *self,
                                                                          gdouble                  *attempt_timeout,
                                                                          gdouble                  *deadline);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_client_set_circuit_breaker (GraphbitEmbeddingClient  *self,
                                                                          gint                      failure_threshold,
                                                                          gdouble                   recovery_time,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_get_circuit_breaker (GraphbitEmbeddingClient  *self,
                                                                          gint                     *failure_threshold,
                                                                          gdouble                  *recovery_time);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_client_set_rate_limit      (GraphbitEmbeddingClient  *self,
                                                                          gdouble                   requests_per_second,
                                                                          gint                      max_in_flight,
                                                                          gint                      max_queued,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_get_rate_limit      (GraphbitEmbeddingClient  *self,
                                                                          gdouble                  *requests_per_second,
                                                                          gint                     *max_in_flight,
                                                                          gint                     *max_queued);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_client_set_batching        (GraphbitEmbeddingClient  *self,
                                                                          gint                      max_batch_size,
                                                                          gint                      max_concurrency,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_get_batching        (GraphbitEmbeddingClient  *self,
                                                                          gint                     *max_batch_size,
                                                                          gint                     *max_concurrency);

GRAPHBIT_AVAILABLE_IN_ALL
GVariant                  *graphbit_embedding_client_get_stats           (GraphbitEmbeddingClient  *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_reset_stats         (GraphbitEmbeddingClient  *self);

GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_client_validate_texts      (const char * const       *texts,
                                                                          guint                     n_texts,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
gdouble                    graphbit_embedding_client_similarity          (const gdouble            *a,
                                                                          gsize                     n_a,
                                                                          const gdouble            *b,
                                                                          gsize                     n_b,
                                                                          GError                  **error);

GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_embed_text_async    (GraphbitEmbeddingClient  *self,
                                                                          const char               *text,
                                                                          GCancellable             *cancellable,
                                                                          GAsyncReadyCallback       callback,
                                                                          gpointer                  user_data);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddings        *graphbit_embedding_client_embed_text_finish   (GraphbitEmbeddingClient  *self,
                                                                          GAsyncResult             *result,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddings        *graphbit_embedding_client_embed_text          (GraphbitEmbeddingClient  *self,
                                                                          const char               *text,
                                                                          GCancellable             *cancellable,
                                                                          GError                  **error);

GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_embed_batch_async   (GraphbitEmbeddingClient  *self,
                                                                          const char * const       *texts,
                                                                          guint                     n_texts,
                                                                          GCancellable             *cancellable,
                                                                          GAsyncReadyCallback       callback,
                                                                          gpointer                  user_data);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddings        *graphbit_embedding_client_embed_batch_finish  (GraphbitEmbeddingClient  *self,
                                                                          GAsyncResult             *result,
                                                                          GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_embed_text_queued   (GraphbitEmbeddingClient  *self,
                                                                          const char               *text,
                                                                          GCancellable             *cancellable,
                                                                          GraphbitCompletionQueue  *queue,
                                                                          guint64                   tag);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_embed_batch_queued  (GraphbitEmbeddingClient  *self,
                                                                          const char * const       *texts,
                                                                          guint                     n_texts,
                                                                          GCancellable             *cancellable,
                                                                          GraphbitCompletionQueue  *queue,
                                                                          guint64                   tag);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddings        *graphbit_embedding_client_embed_batch         (GraphbitEmbeddingClient  *self,
                                                                          const char * const       *texts,
                                                                          guint                     n_texts,
                                                                          GCancellable             *cancellable,
                                                                          GError                  **error);

GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_embed_document_async  (GraphbitEmbeddingClient *self,
                                                                            const char              *content,
                                                                            GVariant                *metadata,
                                                                            GCancellable            *cancellable,
                                                                            GAsyncReadyCallback      callback,
                                                                            gpointer                 user_data);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingDocument *graphbit_embedding_client_embed_document_finish (GraphbitEmbeddingClient *self,
                                                                            GAsyncResult            *result,
                                                                            GError                 **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                       graphbit_embedding_client_embed_document_queued (GraphbitEmbeddingClient *self,
                                                                            const char              *content,
                                                                            GVariant                *metadata,
                                                                            GCancellable            *cancellable,
                                                                            GraphbitCompletionQueue *queue,
                                                                            guint64                  tag);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingDocument *graphbit_embedding_client_embed_document        (GraphbitEmbeddingClient *self,
                                                                            const char              *content,
                                                                            GVariant                *metadata,
                                                                            GCancellable            *cancellable,
                                                                            GError                 **error);

G_END_DECLS
