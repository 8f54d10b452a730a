/* graphbit-embedding-queued.c - embeddings whose outcome goes to a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Started on a worker (graphbit_completion_queue_start()), so the batch's
 * result is delivered there, in C, and pushed to the queue.
 */

#include "config.h"

#include "graphbit-embedding-client.h"
#include "runtime/graphbit-completion-queue-private.h"

typedef struct
{
  GraphbitEmbeddingClient *client;
  char **texts;                 /* copied: the caller's may be gone when it starts */
  guint n_texts;
  gboolean one_text;            /* embed_text(), which names "text" in its errors */
  GCancellable *cancellable;
  GraphbitCompletionQueue *queue;
  guint64 tag;
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
  g_clear_object (&queued->cancellable);
  g_object_unref (queued->queue);
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
  GraphbitEmbeddings *embeddings = queued->one_text
    ? graphbit_embedding_client_embed_text_finish (queued->client, result, &error)
    : graphbit_embedding_client_embed_batch_finish (queued->client, result, &error);

  graphbit_completion_queue_push (queued->queue, queued->tag, embeddings, error);
  queued_embedding_free (queued);
}

/* Worker thread. */
static void
start (gpointer data)
{
  QueuedEmbedding *queued = data;

  if (queued->one_text)
    graphbit_embedding_client_embed_text_async (queued->client, queued->texts[0], queued->cancellable,
                                                on_embedded, queued);
  else
    graphbit_embedding_client_embed_batch_async (queued->client, (const char * const *) queued->texts,
                                                 queued->n_texts, queued->cancellable, on_embedded, queued);
}

static void
embed_queued (GraphbitEmbeddingClient  *self,
              const char * const       *texts,
              guint                     n_texts,
              gboolean                  one_text,
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
  queued->one_text = one_text;
  queued->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  queued->queue = g_object_ref (queue);
  queued->tag = tag;
  graphbit_completion_queue_start (queue, tag, start, queued, (GDestroyNotify) queued_embedding_free);
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
  embed_queued (self, texts, text != NULL ? 1 : 0, TRUE, cancellable, queue, tag);
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

  embed_queued (self, texts, n_texts, FALSE, cancellable, queue, tag);
}
