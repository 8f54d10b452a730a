/* graphbit-llm-client-queued.c - LLM calls whose outcome goes to a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The call is started on a worker (graphbit_completion_sink_start()), so
 * its result is delivered there, in C, and pushed to the queue: the
 * caller's loop is woken once per batch of outcomes, and no main context
 * of the caller's is involved.
 */

#include "config.h"

#include "graphbit-llm-client-private.h"
#include "graphbit-llm-response-private.h"
#include "runtime/graphbit-completion-queue-private.h"

typedef enum {
  QUEUED_COMPLETION,
  QUEUED_TEXT,                   /* a completion whose outcome is its text alone */
  QUEUED_BATCH,
  QUEUED_WARMUP,
} QueuedKind;

typedef struct
{
  GraphbitLlmClient *client;
  QueuedKind kind;
  GPtrArray *requests;           /* GraphbitLlmRequest*, referenced; none for a warm-up */
  char *prompt;                  /* or the prompt of a request made on the worker */
  guint max_concurrency;
  GraphbitQueuedTarget target;
} QueuedCall;

/* A NULL request (refused when the batch starts) may be in the array. */
static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
queued_call_free (QueuedCall *queued)
{
  g_object_unref (queued->client);
  g_ptr_array_unref (queued->requests);
  g_free (queued->prompt);
  graphbit_queued_target_clear (&queued->target);
  g_free (queued);
}

/* Worker thread. */
static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  QueuedCall *queued = data;
  GError *error = NULL;
  gpointer outcome = NULL;

  switch (queued->kind)
    {
    case QUEUED_COMPLETION:
    case QUEUED_TEXT:
      outcome = graphbit_llm_client_complete_full_finish (queued->client, result, &error);
      break;
    case QUEUED_BATCH:
      outcome = graphbit_llm_client_complete_batch_finish (queued->client, result, &error);
      break;
    case QUEUED_WARMUP:
    default:
      graphbit_llm_client_warmup_finish (queued->client, result, &error);   /* no result object */
      break;
    }
  if (queued->kind == QUEUED_TEXT)
    {
      graphbit_completion_sink_push_text (queued->target.sink, queued->target.tag,
                                          outcome != NULL ? graphbit_llm_response_steal_content (outcome) : NULL,
                                          error);
      g_clear_object (&outcome);
    }
  else
    graphbit_completion_sink_push (queued->target.sink, queued->target.tag, outcome, error);
  queued_call_free (queued);
}

/* Worker thread. */
static void
start (gpointer data)
{
  QueuedCall *queued = data;

  /* Made here, so it is also freed here, in the thread running libsoup:
   * not in a binding's thread (see GraphbitOutcome on GObjects freed
   * there). */
  if (queued->prompt != NULL)
    g_ptr_array_add (queued->requests, graphbit_llm_request_new (queued->prompt));

  switch (queued->kind)
    {
    case QUEUED_COMPLETION:
    case QUEUED_TEXT:
      graphbit_llm_client_complete_full_async (queued->client, g_ptr_array_index (queued->requests, 0),
                                               queued->target.cancellable, on_done, queued);
      break;
    case QUEUED_BATCH:
      graphbit_llm_client_complete_batch_async (queued->client, (GraphbitLlmRequest **) queued->requests->pdata,
                                                queued->requests->len, queued->max_concurrency,
                                                queued->target.cancellable, on_done, queued);
      break;
    case QUEUED_WARMUP:
    default:
      graphbit_llm_client_warmup_async (queued->client, queued->target.cancellable, on_done, queued);
      break;
    }
}

static void
call_queued (GraphbitLlmClient        *self,
             QueuedKind                kind,
             GraphbitLlmRequest      **requests,
             guint                     n_requests,
             const char               *prompt,
             guint                     max_concurrency,
             GCancellable             *cancellable,
             GraphbitCompletionQueue  *queue,
             guint64                   tag)
{
  QueuedCall *queued = g_new0 (QueuedCall, 1);

  queued->client = g_object_ref (self);
  queued->kind = kind;
  queued->requests = g_ptr_array_new_full (n_requests, unref_if_set);
  for (guint i = 0; i < n_requests; i++)
    g_ptr_array_add (queued->requests, requests[i] != NULL ? g_object_ref (requests[i]) : NULL);
  queued->prompt = g_strdup (prompt);
  queued->max_concurrency = max_concurrency;
  graphbit_queued_target_init (&queued->target, queue, tag, cancellable);
  graphbit_completion_sink_start (queued->target.sink, tag, start, queued, (GDestroyNotify) queued_call_free);
}

static void
complete_one_queued (GraphbitLlmClient       *self,
                     QueuedKind               kind,
                     GraphbitLlmRequest      *request,
                     GCancellable            *cancellable,
                     GraphbitCompletionQueue *queue,
                     guint64                  tag)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (GRAPHBIT_IS_LLM_REQUEST (request));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  call_queued (self, kind, &request, 1, NULL, 0, cancellable, queue, tag);
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
  complete_one_queued (self, QUEUED_COMPLETION, request, cancellable, queue, tag);
}

/**
 * graphbit_llm_client_complete_text_queued:
 * @self: a #GraphbitLlmClient
 * @request: what to ask
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.LlmClient.complete_queued], but a success is the
 * answer's content alone, as the completion's text
 * ([method@Graphbit.Completion.get_text]), with no response object:
 * [method@Graphbit.CompletionQueue.pop_text] then hands it over as a
 * plain string. An error is pushed as for
 * [method@Graphbit.LlmClient.complete_queued].
 */
void
graphbit_llm_client_complete_text_queued (GraphbitLlmClient       *self,
                                          GraphbitLlmRequest      *request,
                                          GCancellable            *cancellable,
                                          GraphbitCompletionQueue *queue,
                                          guint64                  tag)
{
  complete_one_queued (self, QUEUED_TEXT, request, cancellable, queue, tag);
}

/**
 * graphbit_llm_client_complete_prompt_queued:
 * @self: a #GraphbitLlmClient
 * @prompt: the prompt, sent as one user message with no options
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.LlmClient.complete_text_queued] for a request of
 * @prompt alone, made on the worker: a binding need not make (and free)
 * a #GraphbitLlmRequest per call. A blank @prompt fails as the request's
 * validation says ([method@Graphbit.LlmRequest.validate]), pushed to
 * @queue like any error.
 */
void
graphbit_llm_client_complete_prompt_queued (GraphbitLlmClient       *self,
                                            const char              *prompt,
                                            GCancellable            *cancellable,
                                            GraphbitCompletionQueue *queue,
                                            guint64                  tag)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (prompt != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  call_queued (self, QUEUED_TEXT, NULL, 0, prompt, 0, cancellable, queue, tag);
}

/**
 * graphbit_llm_client_complete_batch_queued:
 * @self: a #GraphbitLlmClient
 * @requests: (array length=n_requests): the requests
 * @n_requests: how many
 * @max_concurrency: as for [method@Graphbit.LlmClient.complete_batch_async]
 * @cancellable: (nullable): a #GCancellable to abort the whole batch
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.LlmClient.complete_batch_async], but the outcome
 * (a [class@Graphbit.LlmBatchResult], or the error) is pushed to @queue
 * as a [class@Graphbit.Completion] tagged @tag. See
 * [class@Graphbit.CompletionQueue].
 */
void
graphbit_llm_client_complete_batch_queued (GraphbitLlmClient        *self,
                                           GraphbitLlmRequest      **requests,
                                           guint                     n_requests,
                                           guint                     max_concurrency,
                                           GCancellable             *cancellable,
                                           GraphbitCompletionQueue  *queue,
                                           guint64                   tag)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (requests != NULL || n_requests == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  call_queued (self, QUEUED_BATCH, requests, n_requests, NULL, max_concurrency, cancellable, queue, tag);
}

/**
 * graphbit_llm_client_warmup_queued:
 * @self: a #GraphbitLlmClient
 * @cancellable: (nullable): a #GCancellable
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.LlmClient.warmup_async], but the outcome (no
 * result, or the error) is pushed to @queue as a
 * [class@Graphbit.Completion] tagged @tag. See
 * [class@Graphbit.CompletionQueue].
 */
void
graphbit_llm_client_warmup_queued (GraphbitLlmClient       *self,
                                   GCancellable            *cancellable,
                                   GraphbitCompletionQueue *queue,
                                   guint64                  tag)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  call_queued (self, QUEUED_WARMUP, NULL, 0, NULL, 0, cancellable, queue, tag);
}
