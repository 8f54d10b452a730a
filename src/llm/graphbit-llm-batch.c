/* graphbit-llm-batch.c - many completions with bounded concurrency, in input order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A batch runs in the caller's thread-default main context: it starts up to
 * max_concurrency completions and starts the next one as each finishes.
 * Every item gets its own outcome (a response or an error) in its input
 * position; one item failing never fails the batch. Cancelling the batch
 * cancels the items in flight and the ones not started.
 */

#include "config.h"

#include "graphbit-llm-batch.h"
#include "graphbit-llm-client.h"
#include "graphbit-error-private.h"

/**
 * GraphbitLlmBatchResult:
 *
 * The outcome of [method@Graphbit.LlmClient.complete_batch_async]: one
 * entry per request, in input order, each either a
 * [class@Graphbit.LlmResponse] or an error.
 */
struct _GraphbitLlmBatchResult
{
  GObject parent_instance;

  GPtrArray *responses;   /* GraphbitLlmResponse* or NULL */
  GPtrArray *errors;      /* GError* or NULL */
};

G_DEFINE_FINAL_TYPE (GraphbitLlmBatchResult, graphbit_llm_batch_result, G_TYPE_OBJECT)

static void
graphbit_llm_batch_result_finalize (GObject *object)
{
  GraphbitLlmBatchResult *self = GRAPHBIT_LLM_BATCH_RESULT (object);

  g_ptr_array_unref (self->responses);
  g_ptr_array_unref (self->errors);
  G_OBJECT_CLASS (graphbit_llm_batch_result_parent_class)->finalize (object);
}

static void
graphbit_llm_batch_result_class_init (GraphbitLlmBatchResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_llm_batch_result_finalize;
}

/* Failed items have no response and succeeded ones no error: both arrays
 * hold NULLs. */
static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
free_response (gpointer response)
{
  if (response != NULL)
    g_object_unref (response);
}

static void
graphbit_llm_batch_result_init (GraphbitLlmBatchResult *self)
{
}

static GraphbitLlmBatchResult *
batch_result_new (guint n_items)
{
  GraphbitLlmBatchResult *self = g_object_new (GRAPHBIT_TYPE_LLM_BATCH_RESULT, NULL);

  self->responses = g_ptr_array_new_full (n_items, free_response);
  self->errors = g_ptr_array_new_full (n_items, free_error);
  g_ptr_array_set_size (self->responses, n_items);
  g_ptr_array_set_size (self->errors, n_items);
  return self;
}

/**
 * graphbit_llm_batch_result_get_n_items:
 * @self: a #GraphbitLlmBatchResult
 *
 * Gets the number of items; item N is the outcome of request N.
 *
 * Returns: the number of items, equal to the number of requests
 */
guint
graphbit_llm_batch_result_get_n_items (GraphbitLlmBatchResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_BATCH_RESULT (self), 0);
  return self->responses->len;
}

/**
 * graphbit_llm_batch_result_check_item:
 * @self: a #GraphbitLlmBatchResult
 * @index: an item index
 * @error: return location for the item's error
 *
 * Tells whether item @index succeeded, and if not, what its error was.
 *
 * Returns: %TRUE if the item has a response, %FALSE with @error set to (a
 *   copy of) the item's error otherwise
 */
gboolean
graphbit_llm_batch_result_check_item (GraphbitLlmBatchResult  *self,
                                      guint                    index,
                                      GError                 **error)
{
  const GError *item_error;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_BATCH_RESULT (self), FALSE);
  g_return_val_if_fail (index < self->errors->len, FALSE);

  item_error = g_ptr_array_index (self->errors, index);
  if (item_error == NULL)
    return TRUE;
  graphbit_propagate_error (error, g_error_copy (item_error));
  return FALSE;
}

/**
 * graphbit_llm_batch_result_get_response:
 * @self: a #GraphbitLlmBatchResult
 * @index: an item index
 *
 * Gets the response of one item; [method@Graphbit.LlmBatchResult.check_item]
 * gives a failed item's error.
 *
 * Returns: (transfer none) (nullable): item @index's response, or %NULL if
 *   it failed
 */
GraphbitLlmResponse *
graphbit_llm_batch_result_get_response (GraphbitLlmBatchResult *self,
                                        guint                   index)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_BATCH_RESULT (self), NULL);
  g_return_val_if_fail (index < self->responses->len, NULL);
  return g_ptr_array_index (self->responses, index);
}

/**
 * graphbit_llm_batch_result_get_n_failed:
 * @self: a #GraphbitLlmBatchResult
 *
 * Gets the number of items that failed; 0 means every item has a response.
 *
 * Returns: how many items failed
 */
guint
graphbit_llm_batch_result_get_n_failed (GraphbitLlmBatchResult *self)
{
  guint failed = 0;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_BATCH_RESULT (self), 0);
  for (guint i = 0; i < self->errors->len; i++)
    failed += g_ptr_array_index (self->errors, i) != NULL;
  return failed;
}

/**
 * graphbit_llm_request_validate_batch:
 * @requests: (array length=n_requests): the requests of a batch
 * @n_requests: how many
 * @error: return location for a #GError
 *
 * Checks a whole batch before anything is sent: 1 to
 * %GRAPHBIT_LLM_MAX_BATCH_SIZE requests, each valid (see
 * [method@Graphbit.LlmRequest.validate]).
 *
 * Returns: %TRUE if the batch can be sent, else %FALSE with
 *   %GRAPHBIT_ERROR_VALIDATION naming the first invalid item's index and
 *   field
 */
gboolean
graphbit_llm_request_validate_batch (GraphbitLlmRequest **requests,
                                     guint                n_requests,
                                     GError             **error)
{
  g_return_val_if_fail (requests != NULL || n_requests == 0, FALSE);

  if (n_requests == 0 || n_requests > GRAPHBIT_LLM_MAX_BATCH_SIZE)
    {
      g_autofree char *value = g_strdup_printf ("%u", n_requests);

      graphbit_propagate_error (error,
        graphbit_error_new_validation ("complete_batch", "prompts", value,
                                       "A batch takes 1 to %d prompts, got %u",
                                       GRAPHBIT_LLM_MAX_BATCH_SIZE, n_requests));
      return FALSE;
    }
  for (guint i = 0; i < n_requests; i++)
    {
      g_autoptr(GError) item_error = NULL;

      if (!graphbit_llm_request_validate (requests[i], &item_error))
        {
          const GraphbitErrorDetails *details = graphbit_error_get_details (item_error);
          g_autofree char *field = g_strdup_printf ("prompts[%u].%s", i,
                                                    graphbit_error_details_get_field (details));

          graphbit_propagate_error (error,
            graphbit_error_new_validation ("complete_batch", field, graphbit_error_details_get_value (details),
                                           "Batch item %u: %s", i, item_error->message));
          return FALSE;
        }
    }
  return TRUE;
}

/* A batch in flight; owned by its task. */
typedef struct
{
  GPtrArray *requests;           /* GraphbitLlmRequest* */
  GraphbitLlmBatchResult *result;
  guint max_concurrency;
  guint next;                    /* first request not started */
  guint running;
  guint done;
} Batch;

/* One item in flight. */
typedef struct
{
  GTask *batch_task;
  guint index;
} Item;

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_ptr_array_unref (batch->requests);
  g_clear_object (&batch->result);
  g_free (batch);
}

static void start_items (GTask *task);

static void
on_item_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Item *item = user_data;
  g_autoptr(GTask) task = item->batch_task;
  Batch *batch = g_task_get_task_data (task);
  GError *error = NULL;

  g_ptr_array_index (batch->result->responses, item->index) =
    graphbit_llm_client_complete_full_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);
  g_ptr_array_index (batch->result->errors, item->index) = error;
  g_free (item);
  batch->running--;
  batch->done++;

  if (batch->done == batch->requests->len)
    g_task_return_pointer (task, g_steal_pointer (&batch->result), g_object_unref);
  else
    start_items (task);
}

/* Starts items until the concurrency limit is reached. */
static void
start_items (GTask *task)
{
  Batch *batch = g_task_get_task_data (task);

  while (batch->next < batch->requests->len && batch->running < batch->max_concurrency)
    {
      Item *item = g_new (Item, 1);

      item->batch_task = g_object_ref (task);
      item->index = batch->next++;
      batch->running++;
      graphbit_llm_client_complete_full_async (g_task_get_source_object (task),
                                               g_ptr_array_index (batch->requests, item->index),
                                               g_task_get_cancellable (task), on_item_done, item);
    }
}

/**
 * graphbit_llm_client_complete_batch_async:
 * @self: a #GraphbitLlmClient
 * @requests: (array length=n_requests): the requests
 * @n_requests: how many, 1 to %GRAPHBIT_LLM_MAX_BATCH_SIZE
 * @max_concurrency: most requests in flight at once, or 0 for the
 *   default (twice the CPUs, between 5 and 20)
 * @cancellable: (nullable): a #GCancellable to abort the whole batch
 * @callback: (scope async): called once every item has its outcome, in the
 *   thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Completes many requests with bounded concurrency. Every request is
 * validated before any is sent: one invalid request fails the whole call
 * with %GRAPHBIT_ERROR_VALIDATION naming its index. After that, each item
 * succeeds or fails on its own; the result keeps input order.
 */
void
graphbit_llm_client_complete_batch_async (GraphbitLlmClient    *self,
                                          GraphbitLlmRequest  **requests,
                                          guint                 n_requests,
                                          guint                 max_concurrency,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Batch *batch;

  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (requests != NULL || n_requests == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, graphbit_llm_client_complete_batch_async);
  g_task_set_name (task, "graphbit_llm_client_complete_batch_async");

  if (!graphbit_llm_request_validate_batch (requests, n_requests, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  batch = g_new0 (Batch, 1);
  batch->requests = g_ptr_array_new_full (n_requests, g_object_unref);
  for (guint i = 0; i < n_requests; i++)
    g_ptr_array_add (batch->requests, g_object_ref (requests[i]));
  batch->result = batch_result_new (n_requests);
  batch->max_concurrency = max_concurrency > 0 ? max_concurrency
                                               : CLAMP (2 * g_get_num_processors (), 5, 20);
  g_task_set_task_data (task, batch, batch_free);
  start_items (task);
}

/**
 * graphbit_llm_client_complete_batch_finish:
 * @self: a #GraphbitLlmClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.LlmClient.complete_batch_async].
 *
 * Returns: (transfer full): the outcome of every item, or %NULL with @error
 *   set if the batch was refused (invalid requests) or cancelled
 */
GraphbitLlmBatchResult *
graphbit_llm_client_complete_batch_finish (GraphbitLlmClient  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == graphbit_llm_client_complete_batch_async, NULL);

  return graphbit_task_propagate_pointer (G_TASK (result), error);
}
