/* graphbit-embedding-queued.c - embeddings whose outcome goes to a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Started on a worker (graphbit_completion_sink_start()), so the batch's
 * result is delivered there, in C, and pushed to the queue.
 */

#include "config.h"

#include "graphbit-embedding-client.h"
#include "runtime/graphbit-completion-queue-private.h"

typedef enum {
  QUEUED_TEXT,        /* embed_text(), which names "text" in its errors */
  QUEUED_BATCH,
  QUEUED_DOCUMENT,
} QueuedKind;

typedef struct
{
  GraphbitEmbeddingClient *client;
  char **texts;                 /* copied: the caller's may be gone when it starts */
  guint n_texts;
  QueuedKind kind;
  GVariant *metadata;           /* a document's, or NULL */
  GraphbitQueuedTarget target;
} QueuedEmbedding;

static void
queued_embedding_free (QueuedEmbedding *queued)
{
  g_object_unref (queued->client);
  /* Not g_strfreev(): a NULL text (refused when the batch starts) would
   * end it early. */
  for (guint i = 0; i < queued->n_texts; i++)
    g_free (queued->texts[i]);
  g_free (queued->texts);
  g_clear_pointer (&queued->metadata, g_variant_unref);
  graphbit_queued_target_clear (&queued->target);
  g_free (queued);
}

/* Worker thread. */
static void
on_embedded (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  QueuedEmbedding *queued = data;
  GError *error = NULL;
  gpointer outcome;

  switch (queued->kind)
    {
    case QUEUED_TEXT:
      outcome = graphbit_embedding_client_embed_text_finish (queued->client, result, &error);
      break;
    case QUEUED_BATCH:
      outcome = graphbit_embedding_client_embed_batch_finish (queued->client, result, &error);
      break;
    case QUEUED_DOCUMENT:
    default:
      outcome = graphbit_embedding_client_embed_document_finish (queued->client, result, &error);
      break;
    }
  graphbit_completion_sink_push (queued->target.sink, queued->target.tag, outcome, error);
  queued_embedding_free (queued);
}

/* Worker thread. */
static void
start (gpointer data)
{
  QueuedEmbedding *queued = data;

  switch (queued->kind)
    {
    case QUEUED_TEXT:
      graphbit_embedding_client_embed_text_async (queued->client, queued->texts[0], queued->target.cancellable,
                                                  on_embedded, queued);
      break;
    case QUEUED_BATCH:
      graphbit_embedding_client_embed_batch_async (queued->client, (const char * const *) queued->texts,
                                                   queued->n_texts, queued->target.cancellable, on_embedded, queued);
      break;
    case QUEUED_DOCUMENT:
    default:
      graphbit_embedding_client_embed_document_async (queued->client, queued->texts[0], queued->metadata,
                                                      queued->target.cancellable, on_embedded, queued);
      break;
    }
}

static void
embed_queued (GraphbitEmbeddingClient  *self,
              const char * const       *texts,
              guint                     n_texts,
              QueuedKind                kind,
              GVariant                 *metadata,
              GCancellable             *cancellable,
              GraphbitCompletionQueue  *queue,
              guint64                   tag)
{
  QueuedEmbedding *queued = g_new0 (QueuedEmbedding, 1);

  queued->client = g_object_ref (self);
  queued->texts = g_new0 (char *, n_texts + 1);
  for (guint i = 0; i < n_texts; i++)
    queued->texts[i] = g_strdup (texts[i]);
  queued->n_texts = n_texts;
  queued->kind = kind;
  queued->metadata = metadata != NULL ? g_variant_ref_sink (metadata) : NULL;
  graphbit_queued_target_init (&queued->target, queue, tag, cancellable);
  graphbit_completion_sink_start (queued->target.sink, tag, start, queued, (GDestroyNotify) queued_embedding_free);
}

/**
 * graphbit_embedding_client_embed_text_queued:
 * @self: a #GraphbitEmbeddingClient
 * @text: the text to embed, not empty
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.EmbeddingClient.embed_text_async], but the outcome
 * (a [class@Graphbit.Embeddings], or the error) is pushed to @queue as a
 * [class@Graphbit.Completion] tagged @tag. See
 * [class@Graphbit.CompletionQueue].
 */
void
graphbit_embedding_client_embed_text_queued (GraphbitEmbeddingClient *self,
                                             const char              *text,
                                             GCancellable            *cancellable,
                                             GraphbitCompletionQueue *queue,
                                             guint64                  tag)
{
  const char *texts[] = { text, NULL };

  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  /* A NULL text is refused by embed_text_async(), on the worker. */
  embed_queued (self, texts, text != NULL ? 1 : 0, QUEUED_TEXT, NULL, cancellable, queue, tag);
}

/**
 * graphbit_embedding_client_embed_batch_queued:
 * @self: a #GraphbitEmbeddingClient
 * @texts: (array length=n_texts): the texts to embed
 * @n_texts: how many, 1 to %GRAPHBIT_EMBEDDING_MAX_TEXTS
 * @cancellable: (nullable): a #GCancellable to abort the whole batch
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.EmbeddingClient.embed_batch_async], but the
 * outcome (a [class@Graphbit.Embeddings] with one vector per text, or the
 * error) is pushed to @queue as a [class@Graphbit.Completion] tagged @tag.
 * See [class@Graphbit.CompletionQueue].
 */
void
graphbit_embedding_client_embed_batch_queued (GraphbitEmbeddingClient *self,
                                              const char * const      *texts,
                                              guint                    n_texts,
                                              GCancellable            *cancellable,
                                              GraphbitCompletionQueue *queue,
                                              guint64                  tag)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  g_return_if_fail (texts != NULL || n_texts == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  embed_queued (self, texts, n_texts, QUEUED_BATCH, NULL, cancellable, queue, tag);
}

/**
 * graphbit_embedding_client_embed_document_queued:
 * @self: a #GraphbitEmbeddingClient
 * @content: the document's text, not empty
 * @metadata: (nullable): the document's metadata, as for
 *   [method@Graphbit.EmbeddingClient.embed_document_async]
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.EmbeddingClient.embed_document_async], but the
 * outcome (a [class@Graphbit.EmbeddingDocument], or the error) is pushed
 * to @queue as a [class@Graphbit.Completion] tagged @tag. See
 * [class@Graphbit.CompletionQueue].
 */
void
graphbit_embedding_client_embed_document_queued (GraphbitEmbeddingClient *self,
                                                 const char              *content,
                                                 GVariant                *metadata,
                                                 GCancellable            *cancellable,
                                                 GraphbitCompletionQueue *queue,
                                                 guint64                  tag)
{
  const char *texts[] = { content, NULL };

  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  embed_queued (self, texts, content != NULL ? 1 : 0, QUEUED_DOCUMENT, metadata, cancellable, queue, tag);
}
