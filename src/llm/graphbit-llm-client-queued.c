/* graphbit-llm-client-queued.c - completions whose outcome goes to a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The call is started on a worker, so its result is delivered there, in
 * C, and pushed to the queue (graphbit_completion_queue_start()): the caller's loop is woken once per batch
 * of outcomes, and no main context of the caller's is involved.
 */

#include "config.h"

#include "graphbit-llm-client-private.h"
#include "runtime/graphbit-completion-queue-private.h"

typedef struct
{
  GraphbitLlmClient *client;
  GraphbitLlmRequest *request;
  GCancellable *cancellable;
  GraphbitCompletionQueue *queue;
  guint64 tag;
} QueuedCompletion;

static void
queued_completion_free (QueuedCompletion *queued)
{
  g_object_unref (queued->client);
  g_object_unref (queued->request);
  g_clear_object (&queued->cancellable);
  g_object_unref (queued->queue);
  g_free (queued);
}

/* Worker thread. */
static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  QueuedCompletion *queued = data;
  GError *error = NULL;
  GraphbitLlmResponse *response = graphbit_llm_client_complete_full_finish (queued->client, result, &error);

  graphbit_completion_queue_push (queued->queue, queued->tag, response, error);
  queued_completion_free (queued);
}

/* Worker thread. */
static void
start (gpointer data)
{
  QueuedCompletion *queued = data;

  graphbit_llm_client_complete_full_async (queued->client, queued->request, queued->cancellable,
                                           on_completed, queued);
}

/**
 * graphbit_llm_client_complete_queued:
 * @self: a #GraphbitLlmClient
 * @request: what to ask
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.LlmClient.complete_full_async], but the outcome
 * (a [class@Graphbit.LlmResponse], or the error, bad arguments included)
 * is pushed to @queue as a [class@Graphbit.Completion] tagged @tag,
 * instead of a callback run in the caller's main context. For event loops
 * that are not GLib's; see [class@Graphbit.CompletionQueue].
 */
void
graphbit_llm_client_complete_queued (GraphbitLlmClient       *self,
                                     GraphbitLlmRequest      *request,
                                     GCancellable            *cancellable,
                                     GraphbitCompletionQueue *queue,
                                     guint64                  tag)
{
  QueuedCompletion *queued;

  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (GRAPHBIT_IS_LLM_REQUEST (request));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  queued = g_new0 (QueuedCompletion, 1);
  queued->client = g_object_ref (self);
  queued->request = g_object_ref (request);
  queued->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  queued->queue = g_object_ref (queue);
  queued->tag = tag;
  graphbit_completion_queue_start (queue, tag, start, queued, (GDestroyNotify) queued_completion_free);
}
