/* graphbit-executor.c - runs workflows, in one of four execution modes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "graphbit-executor-private.h"
#include "graphbit-enum-types.h"
#include "graphbit-workflow-run-private.h"
#include "graphbit-workflow-plan-private.h"
#include "graphbit-error-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-sync-private.h"

/**
 * GraphbitExecutor:
 *
 * Runs [class@Graphbit.Workflow]s. Nodes run in dependency order: every
 * node whose parents are done starts at once, up to the mode's
 * concurrency, on graphbit's I/O threads; the caller's thread only waits
 * (or, with [method@Graphbit.Executor.execute_async], not even that).
 *
 * The execution mode sets how many nodes run at once, how often a failed
 * LLM call is retried and the default overall timeout:
 *
 * | mode | nodes at once | retries | timeout |
 * |---|---|---|---|
 * | Balanced | max(32, 2 × CPUs) | 3 | 300 s |
 * | HighThroughput | max(64, 4 × CPUs) | 3 | 300 s |
 * | LowLatency | every ready node; the first failure stops the run | 1 | 30 s (1 to 300) |
 * | MemoryOptimized | 2; only final outputs are kept | 3 | 300 s |
 *
 * A node failure does not raise: the run's [class@Graphbit.WorkflowResult]
 * reports it, and the executor counts the run as failed. Passing the
 * timeout raises %GRAPHBIT_ERROR_TIMEOUT and cancels every running node.
 *
 * Agent nodes share one [class@Graphbit.LlmClient] per provider
 * configuration across runs, so connections, circuit breakers and
 * statistics carry over. Thread-safe: several runs may execute at once.
 */
struct _GraphbitExecutor
{
  GObject parent_instance;

  GMutex mutex;
  GraphbitLlmConfig *config;
  GraphbitLlmClient *client;
  GHashTable *clients;              /* GraphbitLlmConfig* → GraphbitLlmClient*, for per-node configs */
  GraphbitExecutionMode mode;
  gdouble timeout_seconds;
  gint max_retries;
  gboolean metrics_enabled;
  gboolean debug;

  guint64 total_runs;
  guint64 successful_runs;
  guint64 failed_runs;
  guint64 cancelled_runs;
  gint64 total_duration_us;
  gint64 stats_since_us;
};

G_DEFINE_FINAL_TYPE (GraphbitExecutor, graphbit_executor, G_TYPE_OBJECT)

enum {
  SIGNAL_NODE_STARTED,
  SIGNAL_NODE_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const mode_names[] = { "Balanced", "HighThroughput", "LowLatency", "MemoryOptimized" };

#define DEFAULT_TIMEOUT_SECONDS     300.0
#define LOW_LATENCY_TIMEOUT_SECONDS 30.0
#define MAX_TIMEOUT_SECONDS         3600.0
#define MAX_LOW_LATENCY_SECONDS     300.0
#define MAX_RETRIES_LIMIT           10

static void
graphbit_executor_finalize (GObject *object)
{
  GraphbitExecutor *self = GRAPHBIT_EXECUTOR (object);

  g_clear_object (&self->config);
  g_clear_object (&self->client);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (graphbit_executor_parent_class)->finalize (object);
}

static void
graphbit_executor_class_init (GraphbitExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = graphbit_executor_finalize;

  /**
   * GraphbitExecutor::node-started:
   * @self: the executor
   * @node_name: the node's name
   *
   * A node of a running workflow started. Emitted in the thread-default
   * main context of the thread that started the run, and only when
   * connected.
   */
  signals[SIGNAL_NODE_STARTED] =
    g_signal_new ("node-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GraphbitExecutor::node-finished:
   * @self: the executor
   * @node_name: the node's name
   * @status: how it ended, a #GraphbitNodeStatus
   * @output: (nullable): its output, if it completed
   *
   * A node of a running workflow completed, failed, was skipped or was
   * cancelled. Emitted like #GraphbitExecutor::node-started.
   */
  signals[SIGNAL_NODE_FINISHED] =
    g_signal_new ("node-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, GRAPHBIT_TYPE_NODE_STATUS, G_TYPE_STRING);
}

static void
graphbit_executor_init (GraphbitExecutor *self)
{
  g_mutex_init (&self->mutex);
  self->clients = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_object_unref);
  self->metrics_enabled = TRUE;
  self->stats_since_us = g_get_monotonic_time ();
}

static gint
default_retries (GraphbitExecutionMode mode)
{
  return mode == GRAPHBIT_EXECUTION_MODE_LOW_LATENCY ? 1 : 3;
}

static gboolean
check_timeout (const char  *operation,
               gdouble      timeout_seconds,
               gdouble      max_seconds,
               GError     **error)
{
  char value[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isnan (timeout_seconds) && timeout_seconds >= 1 && timeout_seconds <= max_seconds)
    return TRUE;
  g_ascii_dtostr (value, sizeof value, timeout_seconds);
  graphbit_propagate_error (error,
    graphbit_error_new_validation (operation, "timeout_seconds", value,
                                   "%s must be between 1 and %g seconds, got %s",
                                   max_seconds == MAX_LOW_LATENCY_SECONDS ? "Low-latency timeout" : "Timeout",
                                   max_seconds, value));
  return FALSE;
}

static void
apply_retries (GraphbitLlmClient *client,
               gint               max_retries)
{
  gint old_retries;
  gdouble base_delay, max_delay;

  graphbit_llm_client_get_retry_policy (client, &old_retries, &base_delay, &max_delay);
  if (old_retries != max_retries)
    graphbit_llm_client_set_retry_policy (client, max_retries, base_delay, max_delay, NULL);
}

static GraphbitLlmClient *
client_new (GraphbitExecutor  *self,
            GraphbitLlmConfig *config)
{
  GraphbitLlmClient *client = graphbit_llm_client_new (config);

  apply_retries (client, self->max_retries);
  graphbit_llm_client_set_debug (client, self->debug);
  return client;
}

/**
 * graphbit_executor_new: (constructor)
 * @config: the LLM provider for agent nodes
 * @mode: the execution mode
 * @timeout_seconds: the overall timeout of a run, or 0 for the mode's
 *   default (300 s, or 30 s for low latency); 1 to 3600 (1 to 300 for low
 *   latency)
 * @error: return location for a #GError
 *
 * Creates an executor.
 *
 * Returns: (transfer full): a new #GraphbitExecutor, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION for a timeout out of range
 */
GraphbitExecutor *
graphbit_executor_new (GraphbitLlmConfig      *config,
                       GraphbitExecutionMode   mode,
                       gdouble                 timeout_seconds,
                       GError                **error)
{
  GraphbitExecutor *self;
  gboolean low_latency = mode == GRAPHBIT_EXECUTION_MODE_LOW_LATENCY;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CONFIG (config), NULL);
  g_return_val_if_fail (mode < G_N_ELEMENTS (mode_names), NULL);

  if (timeout_seconds == 0)
    timeout_seconds = low_latency ? LOW_LATENCY_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS;
  if (!check_timeout ("Executor", timeout_seconds, low_latency ? MAX_LOW_LATENCY_SECONDS : MAX_TIMEOUT_SECONDS,
                      error))
    return NULL;

  self = g_object_new (GRAPHBIT_TYPE_EXECUTOR, NULL);
  self->config = g_object_ref (config);
  self->mode = mode;
  self->timeout_seconds = timeout_seconds;
  self->max_retries = default_retries (mode);
  self->client = client_new (self, config);
  return self;
}

/**
 * graphbit_executor_new_high_throughput: (constructor)
 * @config: the LLM provider for agent nodes
 * @timeout_seconds: the overall timeout, or 0 for 300 s (1 to 3600)
 * @error: return location for a #GError
 *
 * Creates an executor in %GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT.
 *
 * Returns: (transfer full): a new #GraphbitExecutor, or %NULL with @error set
 */
GraphbitExecutor *
graphbit_executor_new_high_throughput (GraphbitLlmConfig  *config,
                                       gdouble             timeout_seconds,
                                       GError            **error)
{
  return graphbit_executor_new (config, GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT, timeout_seconds, error);
}

/**
 * graphbit_executor_new_low_latency: (constructor)
 * @config: the LLM provider for agent nodes
 * @timeout_seconds: the overall timeout, or 0 for 30 s (1 to 300)
 * @error: return location for a #GError
 *
 * Creates an executor in %GRAPHBIT_EXECUTION_MODE_LOW_LATENCY.
 *
 * Returns: (transfer full): a new #GraphbitExecutor, or %NULL with @error set
 */
GraphbitExecutor *
graphbit_executor_new_low_latency (GraphbitLlmConfig  *config,
                                   gdouble             timeout_seconds,
                                   GError            **error)
{
  return graphbit_executor_new (config, GRAPHBIT_EXECUTION_MODE_LOW_LATENCY, timeout_seconds, error);
}

/**
 * graphbit_executor_new_memory_optimized: (constructor)
 * @config: the LLM provider for agent nodes
 * @timeout_seconds: the overall timeout, or 0 for 300 s (1 to 3600)
 * @error: return location for a #GError
 *
 * Creates an executor in %GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED.
 *
 * Returns: (transfer full): a new #GraphbitExecutor, or %NULL with @error set
 */
GraphbitExecutor *
graphbit_executor_new_memory_optimized (GraphbitLlmConfig  *config,
                                        gdouble             timeout_seconds,
                                        GError            **error)
{
  return graphbit_executor_new (config, GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED, timeout_seconds, error);
}

/* Running */

/**
 * graphbit_executor_execute_async:
 * @self: a #GraphbitExecutor
 * @workflow: the workflow to run; later changes to it do not affect this run
 * @inputs: (element-type utf8 utf8) (nullable): execution inputs, for
 *   `{name}` placeholders and conditions; `input` is also what nodes
 *   without parents receive
 * @cancellable: (nullable): a #GCancellable to stop the run
 * @callback: (scope async): called with the result, in the thread-default
 *   main context of the caller
 * @user_data: data for @callback
 *
 * Validates @workflow and runs it. See [class@Graphbit.Executor].
 */
void
graphbit_executor_execute_async (GraphbitExecutor    *self,
                                 GraphbitWorkflow    *workflow,
                                 GHashTable          *inputs,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GraphbitWorkflowPlan) plan = NULL;
  GError *error = NULL;

  g_return_if_fail (GRAPHBIT_IS_EXECUTOR (self));
  g_return_if_fail (GRAPHBIT_IS_WORKFLOW (workflow));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, graphbit_executor_execute_async);
  g_task_set_name (task, "[graphbit] workflow run");

  plan = graphbit_workflow_plan_new (workflow, &error);
  if (plan == NULL)
    {
      graphbit_executor_record_run (self, FALSE, FALSE, 0);
      g_task_return_error (task, error);
      return;
    }
  graphbit_workflow_run_start (self, plan, inputs, task);
}

/**
 * graphbit_executor_execute_finish:
 * @self: a #GraphbitExecutor
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.Executor.execute_async].
 *
 * Returns: (transfer full): the run's result (which may report a failed
 *   node), or %NULL with @error set: %GRAPHBIT_ERROR_VALIDATION for an
 *   invalid workflow, %GRAPHBIT_ERROR_TIMEOUT when the timeout passed,
 *   %G_IO_ERROR_CANCELLED when cancelled
 */
GraphbitWorkflowResult *
graphbit_executor_execute_finish (GraphbitExecutor  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == graphbit_executor_execute_async, NULL);

  return graphbit_task_propagate_pointer (G_TASK (result), error);
}

/**
 * graphbit_executor_execute:
 * @self: a #GraphbitExecutor
 * @workflow: the workflow to run
 * @inputs: (element-type utf8 utf8) (nullable): execution inputs
 * @cancellable: (nullable): a #GCancellable to stop the run
 * @error: return location for a #GError
 *
 * Blocking variant of [method@Graphbit.Executor.execute_async]. It waits
 * without iterating the caller's main context, and must not be called
 * from a graphbit I/O thread.
 *
 * Returns: (transfer full): the run's result, or %NULL with @error set
 */
GraphbitWorkflowResult *
graphbit_executor_execute (GraphbitExecutor  *self,
                           GraphbitWorkflow  *workflow,
                           GHashTable        *inputs,
                           GCancellable      *cancellable,
                           GError           **error)
{
  GraphbitSyncCall call;
  GraphbitWorkflowResult *result;

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (workflow), NULL);

  if (!graphbit_runtime_check_can_block ("execute", error))
    return NULL;

  graphbit_sync_call_begin (&call);
  graphbit_executor_execute_async (self, workflow, inputs, cancellable, graphbit_sync_call_done, &call);
  result = graphbit_executor_execute_finish (self, graphbit_sync_call_wait (&call), error);
  graphbit_sync_call_end (&call);
  return result;
}

/* Settings */

/**
 * graphbit_executor_get_mode:
 * @self: a #GraphbitExecutor
 *
 * Gets the execution mode, which sets the concurrency, retries and failure
 * policy.
 *
 * Returns: the execution mode
 */
GraphbitExecutionMode
graphbit_executor_get_mode (GraphbitExecutor *self)
{
  GraphbitExecutionMode mode;

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), GRAPHBIT_EXECUTION_MODE_BALANCED);
  g_mutex_lock (&self->mutex);
  mode = self->mode;
  g_mutex_unlock (&self->mutex);
  return mode;
}

/**
 * graphbit_executor_get_mode_name:
 * @self: a #GraphbitExecutor
 *
 * Gets the execution mode's name, as Python's
 * `Executor.get_execution_mode()` shows it.
 *
 * Returns: "Balanced", "HighThroughput", "LowLatency" or "MemoryOptimized"
 */
const char *
graphbit_executor_get_mode_name (GraphbitExecutor *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), NULL);
  return mode_names[graphbit_executor_get_mode (self)];
}

/**
 * graphbit_executor_set_mode:
 * @self: a #GraphbitExecutor
 * @mode: the new execution mode
 *
 * Changes the mode for runs that start from now on: the concurrency,
 * fail-fast and output keeping follow @mode; the timeout and retries stay
 * as they are.
 */
void
graphbit_executor_set_mode (GraphbitExecutor      *self,
                            GraphbitExecutionMode  mode)
{
  g_return_if_fail (GRAPHBIT_IS_EXECUTOR (self));
  g_return_if_fail (mode < G_N_ELEMENTS (mode_names));

  g_mutex_lock (&self->mutex);
  self->mode = mode;
  g_mutex_unlock (&self->mutex);
}

/**
 * graphbit_executor_configure:
 * @self: a #GraphbitExecutor
 * @timeout_seconds: the overall timeout of a run, 1 to 3600
 * @max_retries: retries of a failed LLM call in a node, 0 to 10
 * @enable_metrics: whether runs are counted in the statistics
 * @error: return location for a #GError
 *
 * Sets all three at once (pass the current value of any you keep), for
 * runs that start from now on. Nothing changes if a value is out of range.
 *
 * Returns: %TRUE on success, else %FALSE with %GRAPHBIT_ERROR_VALIDATION
 *   naming the field
 */
gboolean
graphbit_executor_configure (GraphbitExecutor  *self,
                             gdouble            timeout_seconds,
                             gint               max_retries,
                             gboolean           enable_metrics,
                             GError           **error)
{
  GHashTableIter iter;
  gpointer client;

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), FALSE);

  if (!check_timeout ("configure", timeout_seconds, MAX_TIMEOUT_SECONDS, error))
    return FALSE;
  if (max_retries < 0 || max_retries > MAX_RETRIES_LIMIT)
    {
      g_autofree char *value = g_strdup_printf ("%d", max_retries);

      graphbit_propagate_error (error,
        graphbit_error_new_validation ("configure", "max_retries", value,
                                       "Maximum retries must be between 0 and %d, got %d",
                                       MAX_RETRIES_LIMIT, max_retries));
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  self->timeout_seconds = timeout_seconds;
  self->max_retries = max_retries;
  self->metrics_enabled = enable_metrics;
  apply_retries (self->client, max_retries);
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, &client))
    apply_retries (client, max_retries);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

/**
 * graphbit_executor_get_timeout_seconds:
 * @self: a #GraphbitExecutor
 *
 * Gets the timeout that bounds each whole run, in seconds.
 *
 * Returns: the overall timeout of a run, in seconds
 */
gdouble
graphbit_executor_get_timeout_seconds (GraphbitExecutor *self)
{
  gdouble timeout;

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), 0);
  g_mutex_lock (&self->mutex);
  timeout = self->timeout_seconds;
  g_mutex_unlock (&self->mutex);
  return timeout;
}

/**
 * graphbit_executor_get_max_retries:
 * @self: a #GraphbitExecutor
 *
 * Gets how many times an agent node's failed LLM call is retried before the
 * node fails.
 *
 * Returns: how often a node's failed LLM call is retried
 */
gint
graphbit_executor_get_max_retries (GraphbitExecutor *self)
{
  gint retries;

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), 0);
  g_mutex_lock (&self->mutex);
  retries = self->max_retries;
  g_mutex_unlock (&self->mutex);
  return retries;
}

/**
 * graphbit_executor_get_metrics_enabled:
 * @self: a #GraphbitExecutor
 *
 * Gets whether runs are counted in [method@Graphbit.Executor.get_stats].
 *
 * Returns: whether runs are counted in the statistics
 */
gboolean
graphbit_executor_get_metrics_enabled (GraphbitExecutor *self)
{
  gboolean enabled;

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), FALSE);
  g_mutex_lock (&self->mutex);
  enabled = self->metrics_enabled;
  g_mutex_unlock (&self->mutex);
  return enabled;
}

static guint
concurrency_of (GraphbitExecutionMode mode)
{
  guint cpus = g_get_num_processors ();

  switch (mode)
    {
    case GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT:
      return MAX (64, 4 * cpus);
    case GRAPHBIT_EXECUTION_MODE_LOW_LATENCY:
      return 0;
    case GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED:
      return 2;
    case GRAPHBIT_EXECUTION_MODE_BALANCED:
    default:
      return MAX (32, 2 * cpus);
    }
}

/**
 * graphbit_executor_get_concurrency:
 * @self: a #GraphbitExecutor
 *
 * Gets the most nodes of one run the executor's mode runs at the same time.
 *
 * Returns: how many nodes of a run may run at once, or 0 for every ready
 *   node (low latency)
 */
guint
graphbit_executor_get_concurrency (GraphbitExecutor *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), 0);
  return concurrency_of (graphbit_executor_get_mode (self));
}

/**
 * graphbit_executor_get_debug:
 * @self: a #GraphbitExecutor
 *
 * Gets whether runs log every node's start and end at debug level.
 *
 * Returns: whether runs log each node at debug level
 */
gboolean
graphbit_executor_get_debug (GraphbitExecutor *self)
{
  gboolean debug;

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), FALSE);
  g_mutex_lock (&self->mutex);
  debug = self->debug;
  g_mutex_unlock (&self->mutex);
  return debug;
}

/**
 * graphbit_executor_set_debug:
 * @self: a #GraphbitExecutor
 * @debug: whether to log each node and each LLM call at debug level
 *
 * Switches debug logging (to stderr, at the library's log level).
 */
void
graphbit_executor_set_debug (GraphbitExecutor *self,
                             gboolean          debug)
{
  GHashTableIter iter;
  gpointer client;

  g_return_if_fail (GRAPHBIT_IS_EXECUTOR (self));

  g_mutex_lock (&self->mutex);
  self->debug = debug;
  graphbit_llm_client_set_debug (self->client, debug);
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, &client))
    graphbit_llm_client_set_debug (client, debug);
  g_mutex_unlock (&self->mutex);
}

/**
 * graphbit_executor_get_llm_client:
 * @self: a #GraphbitExecutor
 *
 * The client agent nodes without their own configuration use; its
 * statistics cover every such call of every run.
 *
 * Returns: (transfer none): the executor's #GraphbitLlmClient
 */
GraphbitLlmClient *
graphbit_executor_get_llm_client (GraphbitExecutor *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), NULL);
  return self->client;
}

/* Statistics */

/**
 * graphbit_executor_get_stats:
 * @self: a #GraphbitExecutor
 *
 * The executor's counters, as an `a{sv}` dictionary: `total_executions`,
 * `successful_executions`, `failed_executions` (a node failed, the run
 * timed out, or the workflow was invalid), `cancelled_executions`
 * (int64 each), `success_rate`, `average_duration_ms` (doubles),
 * `total_duration_ms`, `uptime_seconds` (int64), `execution_mode`
 * (string), `timeout_seconds` (double), `max_retries` (int32),
 * `metrics_enabled` (boolean) and `node_concurrency` (uint32, 0 for
 * unbounded).
 *
 * Returns: (transfer full): the statistics
 */
GVariant *
graphbit_executor_get_stats (GraphbitExecutor *self)
{
  GVariantBuilder builder;
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (GRAPHBIT_IS_EXECUTOR (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_mutex_lock (&self->mutex);
  g_variant_builder_add (&builder, "{sv}", "total_executions", g_variant_new_int64 ((gint64) self->total_runs));
  g_variant_builder_add (&builder, "{sv}", "successful_executions",
                         g_variant_new_int64 ((gint64) self->successful_runs));
  g_variant_builder_add (&builder, "{sv}", "failed_executions", g_variant_new_int64 ((gint64) self->failed_runs));
  g_variant_builder_add (&builder, "{sv}", "cancelled_executions",
                         g_variant_new_int64 ((gint64) self->cancelled_runs));
  g_variant_builder_add (&builder, "{sv}", "success_rate",
                         g_variant_new_double (self->total_runs > 0
                                               ? (gdouble) self->successful_runs / self->total_runs : 0.0));
  g_variant_builder_add (&builder, "{sv}", "average_duration_ms",
                         g_variant_new_double (self->total_runs > 0
                                               ? self->total_duration_us / 1000.0 / self->total_runs : 0.0));
  g_variant_builder_add (&builder, "{sv}", "total_duration_ms",
                         g_variant_new_int64 (self->total_duration_us / 1000));
  g_variant_builder_add (&builder, "{sv}", "uptime_seconds",
                         g_variant_new_int64 ((now - self->stats_since_us) / G_USEC_PER_SEC));
  g_variant_builder_add (&builder, "{sv}", "execution_mode", g_variant_new_string (mode_names[self->mode]));
  g_variant_builder_add (&builder, "{sv}", "timeout_seconds", g_variant_new_double (self->timeout_seconds));
  g_variant_builder_add (&builder, "{sv}", "max_retries", g_variant_new_int32 (self->max_retries));
  g_variant_builder_add (&builder, "{sv}", "metrics_enabled", g_variant_new_boolean (self->metrics_enabled));
  g_variant_builder_add (&builder, "{sv}", "node_concurrency", g_variant_new_uint32 (concurrency_of (self->mode)));
  g_mutex_unlock (&self->mutex);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * graphbit_executor_reset_stats:
 * @self: a #GraphbitExecutor
 *
 * Zeroes the counters and restarts the uptime.
 */
void
graphbit_executor_reset_stats (GraphbitExecutor *self)
{
  g_return_if_fail (GRAPHBIT_IS_EXECUTOR (self));

  g_mutex_lock (&self->mutex);
  self->total_runs = self->successful_runs = self->failed_runs = self->cancelled_runs = 0;
  self->total_duration_us = 0;
  self->stats_since_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->mutex);
}

/* What runs use */

void
graphbit_executor_get_run_settings (GraphbitExecutor    *self,
                                    GraphbitRunSettings *settings)
{
  g_mutex_lock (&self->mutex);
  settings->mode = self->mode;
  settings->concurrency = concurrency_of (self->mode);
  settings->fail_fast = self->mode == GRAPHBIT_EXECUTION_MODE_LOW_LATENCY;
  settings->keep_final_outputs_only = self->mode == GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED;
  settings->timeout_us = (gint64) (self->timeout_seconds * G_USEC_PER_SEC);
  settings->debug = self->debug;
  g_mutex_unlock (&self->mutex);
}

GraphbitLlmClient *
graphbit_executor_get_client_for (GraphbitExecutor  *self,
                                  GraphbitLlmConfig *config)
{
  GraphbitLlmClient *client;

  g_mutex_lock (&self->mutex);
  if (config == NULL || config == self->config)
    client = self->client;
  else
    {
      /* Keyed by the config object: configs are immutable, and the table
       * holds a reference, so the key cannot be reused by another. */
      client = g_hash_table_lookup (self->clients, config);
      if (client == NULL)
        {
          client = client_new (self, config);
          g_hash_table_insert (self->clients, g_object_ref (config), client);
        }
    }
  g_object_ref (client);
  g_mutex_unlock (&self->mutex);
  return client;
}

void
graphbit_executor_record_run (GraphbitExecutor *self,
                              gboolean          succeeded,
                              gboolean          cancelled,
                              gint64            duration_us)
{
  g_mutex_lock (&self->mutex);
  if (self->metrics_enabled)
    {
      self->total_runs++;
      if (succeeded)
        self->successful_runs++;
      else if (cancelled)
        self->cancelled_runs++;
      else
        self->failed_runs++;
      self->total_duration_us += duration_us;
    }
  g_mutex_unlock (&self->mutex);
}

typedef struct
{
  GraphbitExecutor *executor;
  char *node_name;
  gboolean finished;
  GraphbitNodeStatus status;
  char *output;
} NodeNotice;

static gboolean
emit_node_notice (gpointer data)
{
  NodeNotice *notice = data;

  if (notice->finished)
    g_signal_emit (notice->executor, signals[SIGNAL_NODE_FINISHED], 0,
                   notice->node_name, notice->status, notice->output);
  else
    g_signal_emit (notice->executor, signals[SIGNAL_NODE_STARTED], 0, notice->node_name);
  return G_SOURCE_REMOVE;
}

static void
node_notice_free (gpointer data)
{
  NodeNotice *notice = data;

  g_object_unref (notice->executor);
  g_free (notice->node_name);
  g_free (notice->output);
  g_free (notice);
}

void
graphbit_executor_notify_node (GraphbitExecutor   *self,
                               GMainContext       *context,
                               const char         *node_name,
                               gboolean            finished,
                               GraphbitNodeStatus  status,
                               const char         *output)
{
  guint signal_id = signals[finished ? SIGNAL_NODE_FINISHED : SIGNAL_NODE_STARTED];
  NodeNotice *notice;
  GSource *source;

  /* Most runs have no listener: then this costs one lookup. */
  if (!g_signal_has_handler_pending (self, signal_id, 0, TRUE))
    return;

  notice = g_new0 (NodeNotice, 1);
  notice->executor = g_object_ref (self);
  notice->node_name = g_strdup (node_name);
  notice->finished = finished;
  notice->status = status;
  notice->output = g_strdup (output);
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_node_notice, notice, node_notice_free);
  g_source_set_static_name (source, "[graphbit] workflow node notice");
  g_source_attach (source, context);
  g_source_unref (source);
}
