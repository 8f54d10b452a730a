/* graphbit-executor-queued.c - workflow runs whose outcome goes to a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Started on a worker (graphbit_completion_sink_start()), so the run's
 * result is delivered there, in C, and pushed to the queue. Node signals
 * are emitted in that worker's context too: a queued run is for callers
 * that follow results, not progress.
 */

#include "config.h"

#include "graphbit-executor.h"
#include "runtime/graphbit-completion-queue-private.h"

typedef struct
{
  GraphbitExecutor *executor;
  GraphbitWorkflow *workflow;
  GHashTable *inputs;           /* copied, or NULL */
  GraphbitQueuedTarget target;
} QueuedRun;

static void
queued_run_free (QueuedRun *queued)
{
  g_object_unref (queued->executor);
  g_object_unref (queued->workflow);
  g_clear_pointer (&queued->inputs, g_hash_table_unref);
  graphbit_queued_target_clear (&queued->target);
  g_free (queued);
}

/* Worker thread. */
static void
on_run (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  QueuedRun *queued = data;
  GError *error = NULL;
  GraphbitWorkflowResult *run = graphbit_executor_execute_finish (queued->executor, result, &error);

  graphbit_completion_sink_push (queued->target.sink, queued->target.tag, run, error);
  queued_run_free (queued);
}

/* Worker thread. */
static void
start (gpointer data)
{
  QueuedRun *queued = data;

  graphbit_executor_execute_async (queued->executor, queued->workflow, queued->inputs, queued->target.cancellable,
                                   on_run, queued);
}

/**
 * graphbit_executor_execute_queued:
 * @self: a #GraphbitExecutor
 * @workflow: the workflow to run
 * @inputs: (element-type utf8 utf8) (nullable): execution inputs, as for
 *   [method@Graphbit.Executor.execute_async]
 * @cancellable: (nullable): a #GCancellable to stop the run
 * @queue: where the outcome goes
 * @tag: identifies the run in @queue
 *
 * Like [method@Graphbit.Executor.execute_async], but the outcome (a
 * [class@Graphbit.WorkflowResult], or the error) is pushed to @queue as a
 * [class@Graphbit.Completion] tagged @tag. The executor's node signals
 * are emitted on a graphbit worker thread then. See
 * [class@Graphbit.CompletionQueue].
 */
void
graphbit_executor_execute_queued (GraphbitExecutor        *self,
                                  GraphbitWorkflow        *workflow,
                                  GHashTable              *inputs,
                                  GCancellable            *cancellable,
                                  GraphbitCompletionQueue *queue,
                                  guint64                  tag)
{
  QueuedRun *queued;

  g_return_if_fail (GRAPHBIT_IS_EXECUTOR (self));
  g_return_if_fail (GRAPHBIT_IS_WORKFLOW (workflow));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  queued = g_new0 (QueuedRun, 1);
  queued->executor = g_object_ref (self);
  queued->workflow = g_object_ref (workflow);
  if (inputs != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      queued->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, inputs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (queued->inputs, g_strdup (key), g_strdup (value));
    }
  graphbit_queued_target_init (&queued->target, queue, tag, cancellable);
  graphbit_completion_sink_start (queued->target.sink, tag, start, queued, (GDestroyNotify) queued_run_free);
}
