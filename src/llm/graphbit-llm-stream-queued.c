/* graphbit-llm-stream-queued.c - stream chunks whose delivery goes to a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * next() is started on a worker (graphbit_completion_queue_start()), the
 * one that reads the stream, so the chunk is handed over there, in C, and
 * pushed to the queue: the caller's loop wakes once, no thread of the
 * caller's runs in between.
 */

#include "config.h"

#include "graphbit-llm-stream.h"
#include "runtime/graphbit-completion-queue-private.h"

typedef struct
{
  GraphbitLlmStream *stream;
  GCancellable *cancellable;
  GraphbitCompletionQueue *queue;
  guint64 tag;
} QueuedNext;

static void
queued_next_free (QueuedNext *queued)
{
  g_object_unref (queued->stream);
  g_clear_object (&queued->cancellable);
  g_object_unref (queued->queue);
  g_free (queued);
}

/* Worker thread. */
static void
on_next (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  QueuedNext *queued = data;
  GError *error = NULL;
  char *text = graphbit_llm_stream_next_finish (queued->stream, result, &error);

  graphbit_completion_queue_push_text (queued->queue, queued->tag, text, error);
  queued_next_free (queued);
}

/* Worker thread. */
static void
start (gpointer data)
{
  QueuedNext *queued = data;

  graphbit_llm_stream_next_async (queued->stream, queued->cancellable, on_next, queued);
}

/**
 * graphbit_llm_stream_next_queued:
 * @self: a #GraphbitLlmStream
 * @cancellable: (nullable): a #GCancellable
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.LlmStream.next_async], but the outcome is pushed
 * to @queue as a [class@Graphbit.Completion] tagged @tag: its text
 * ([method@Graphbit.Completion.get_text], %NULL at the end of the stream)
 * or its error. For event loops that are not GLib's; see
 * [class@Graphbit.CompletionQueue].
 */
void
graphbit_llm_stream_next_queued (GraphbitLlmStream       *self,
                                 GCancellable            *cancellable,
                                 GraphbitCompletionQueue *queue,
                                 guint64                  tag)
{
  QueuedNext *queued;

  g_return_if_fail (GRAPHBIT_IS_LLM_STREAM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  queued = g_new0 (QueuedNext, 1);
  queued->stream = g_object_ref (self);
  queued->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  queued->queue = g_object_ref (queue);
  queued->tag = tag;
  graphbit_completion_queue_start (queue, tag, start, queued, (GDestroyNotify) queued_next_free);
}
