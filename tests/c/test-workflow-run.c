/* test-workflow-run.c - the executor and its scheduler, end to end against the mock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The mock answers "Mock reply to: <the last user message>", so a node's
 * output shows exactly what it was asked, and what flowed into it.
 */

#include "config.h"

#include <string.h>

#include "graphbit.h"
#include "graphbit-error-private.h"
#include "mock-server.h"
#include "workflow-test-helpers.h"

static MockServer *mock;

static GraphbitLlmConfig *
mock_config (void)
{
  g_autofree char *base = g_strconcat (mock->url, "/v1", NULL);
  g_autoptr(GError) error = NULL;
  GraphbitLlmConfig *config = graphbit_llm_config_openai ("sk-test-secret", "gpt-4o-mini", base, &error);

  g_assert_no_error (error);
  return config;
}

/* Execution inputs from key, value, ..., NULL. */
static GHashTable *
inputs_new (const char *key,
            ...)
{
  GHashTable *inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list args;

  va_start (args, key);
  for (; key != NULL; key = va_arg (args, const char *))
    g_hash_table_insert (inputs, g_strdup (key), g_strdup (va_arg (args, const char *)));
  va_end (args);
  return inputs;
}

static GraphbitExecutor *
new_executor (GraphbitExecutionMode mode,
              gdouble               timeout_seconds)
{
  g_autoptr(GraphbitLlmConfig) config = mock_config ();
  g_autoptr(GError) error = NULL;
  GraphbitExecutor *executor = graphbit_executor_new (config, mode, timeout_seconds, &error);

  g_assert_no_error (error);
  /* Quick retries, so tests of failures stay short. */
  g_assert_true (graphbit_llm_client_set_retry_policy (graphbit_executor_get_llm_client (executor),
                                                       graphbit_executor_get_max_retries (executor),
                                                       0.005, 0.02, NULL));
  return executor;
}

static GraphbitWorkflowResult *
run (GraphbitExecutor *executor,
     GraphbitWorkflow *workflow,
     GHashTable       *inputs)
{
  g_autoptr(GError) error = NULL;
  GraphbitWorkflowResult *result = graphbit_executor_execute (executor, workflow, inputs, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static gint64
stat_of (GraphbitExecutor *executor,
         const char       *key)
{
  g_autoptr(GVariant) stats = graphbit_executor_get_stats (executor);
  g_autoptr(GVariant) value = g_variant_lookup_value (stats, key, NULL);

  g_assert_nonnull (value);
  return g_variant_get_int64 (value);
}

static void
assert_status (GraphbitWorkflowResult *result,
               const char             *node,
               GraphbitNodeStatus      status)
{
  g_assert_cmpint (graphbit_workflow_result_get_node_status (result, node), ==, status);
}

/* research → summarize → shout: each output flows into the next node. */
static void
test_chain_outputs_flow (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("chain");
  g_autoptr(GHashTable) inputs = inputs_new ("topic", "GLib main loops", NULL);
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  const char *summary;

  add (workflow, agent ("research", "Research {topic}"));
  add (workflow, agent ("summarize", "Summarize it"));
  add (workflow, transform ("shout", "uppercase"));
  connect_nodes (workflow, "research", "summarize");
  connect_nodes (workflow, "summarize", "shout");

  result = run (executor, workflow, inputs);
  g_assert_true (graphbit_workflow_result_is_success (result));
  g_assert_cmpstr (graphbit_workflow_result_get_node_output (result, "research"), ==,
                   "Mock reply to: Research GLib main loops");
  summary = graphbit_workflow_result_get_node_output (result, "summarize");
  /* The parent's output came first, as context, then the prompt. */
  g_assert_nonnull (strstr (summary, "[research]\nMock reply to: Research GLib main loops"));
  g_assert_true (g_str_has_suffix (summary, "Summarize it"));
  g_assert_true (g_str_has_prefix (graphbit_workflow_result_get_node_output (result, "shout"),
                                   "MOCK REPLY TO: CONTEXT"));
  g_assert_cmpstr (graphbit_workflow_result_get_variable (result, "topic"), ==, "GLib main loops");
  g_assert_cmpstr (graphbit_workflow_result_get_variable (result, "node_result_1"), ==,
                   graphbit_workflow_result_get_node_output (result, "research"));
  g_assert_cmpstr (graphbit_workflow_result_get_variable (result, "node_result_3"), ==,
                   graphbit_workflow_result_get_node_output (result, "shout"));
  g_assert_cmpuint (graphbit_workflow_result_get_prompt_tokens (result), >, 0);

  g_assert_cmpint (stat_of (executor, "total_executions"), ==, 1);
  g_assert_cmpint (stat_of (executor, "successful_executions"), ==, 1);
}

/* A run started with a completion queue lands there, with the inputs it
 * was given even though the caller's table is gone by then. */
static void
test_run_through_completion_queue (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("queued");
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitCompletionQueue) queue = graphbit_completion_queue_new (&error);
  g_autoptr(GraphbitCompletion) completion = NULL;
  g_autoptr(GObject) result = NULL;
  GPollFD poll_fd = { 0, G_IO_IN, 0 };

  g_assert_no_error (error);
  add (workflow, agent ("ask", "Tell me about {topic}"));
  {
    g_autoptr(GHashTable) inputs = inputs_new ("topic", "queues", NULL);

    graphbit_executor_execute_queued (executor, workflow, inputs, NULL, queue, 42);
  }
  poll_fd.fd = graphbit_completion_queue_get_fd (queue);
  g_assert_cmpint (g_poll (&poll_fd, 1, 5000), ==, 1);
  completion = graphbit_completion_queue_pop (queue);
  g_assert_nonnull (completion);
  g_assert_cmpuint (graphbit_completion_get_tag (completion), ==, 42);
  result = graphbit_completion_propagate (completion, &error);
  g_assert_no_error (error);
  g_assert_true (graphbit_workflow_result_is_success (GRAPHBIT_WORKFLOW_RESULT (result)));
  g_assert_cmpstr (graphbit_workflow_result_get_node_output (GRAPHBIT_WORKFLOW_RESULT (result), "ask"), ==,
                   "Mock reply to: Tell me about queues");
}

/* {input}, {{node.X}} and {{node.X.path}} place outputs where the prompt
 * says, and then the parent is not repeated as context. */
static void
test_references_and_input (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("references");
  g_autoptr(GraphbitWorkflowResult) result = NULL;

  add (workflow, agent ("classify", "mock:content={\"label\":\"urgent\",\"score\":0.9}"));
  add (workflow, agent ("explicit", "Label={{node.classify.label}} all={{node.classify}}"));
  add (workflow, agent ("piped", "Got: {input}"));
  connect_nodes (workflow, "classify", "explicit");
  connect_nodes (workflow, "classify", "piped");

  result = run (executor, workflow, NULL);
  g_assert_true (graphbit_workflow_result_is_success (result));
  g_assert_cmpstr (graphbit_workflow_result_get_node_output (result, "explicit"), ==,
                   "Mock reply to: Label=urgent all={\"label\":\"urgent\",\"score\":0.9}");
  g_assert_cmpstr (graphbit_workflow_result_get_node_output (result, "piped"), ==,
                   "Mock reply to: Got: {\"label\":\"urgent\",\"score\":0.9}");
}

/* 1 → 20 → 1: the twenty middle calls overlap in time. */
static void
test_fan_out_runs_concurrently (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("fan");
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GVariant) records = NULL;
  gdouble last_start = 0, first_end = G_MAXDOUBLE;
  GVariantIter iter;
  GVariant *record;
  const char *join;

  add (workflow, agent ("root", "start mock:delay_ms=200"));
  add (workflow, agent ("join", "join mock:delay_ms=200"));
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("worker%02u", i);
      g_autofree char *prompt = g_strdup_printf ("part %u mock:delay_ms=200", i);

      add (workflow, agent (name, prompt));
      connect_nodes (workflow, "root", name);
      connect_nodes (workflow, name, "join");
    }

  result = run (executor, workflow, NULL);
  g_assert_true (graphbit_workflow_result_is_success (result));

  records = graphbit_workflow_result_get_node_results (result);
  g_variant_iter_init (&iter, records);
  while ((record = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *name;
      gdouble started, duration;

      g_assert_true (g_variant_lookup (record, "name", "&s", &name));
      g_assert_true (g_variant_lookup (record, "started_ms", "d", &started));
      g_assert_true (g_variant_lookup (record, "duration_ms", "d", &duration));
      if (g_str_has_prefix (name, "worker"))
        {
          last_start = MAX (last_start, started);
          first_end = MIN (first_end, started + duration);
        }
      g_variant_unref (record);
    }
  /* Every worker started before any of them finished. */
  g_assert_cmpfloat (last_start, <, first_end);
  /* The join saw all twenty. */
  join = graphbit_workflow_result_get_node_output (result, "join");
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *part = g_strdup_printf ("[worker%02u]", i);

      g_assert_nonnull (strstr (join, part));
    }
}

/* The memory-optimized mode runs two nodes at a time. */
static void
test_memory_optimized_bounds_and_drops (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("narrow");
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GVariant) records = NULL;
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gdouble));
  GVariantIter iter;
  GVariant *record;

  add (workflow, agent ("first", "one mock:delay_ms=50"));
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("leaf%u", i);

      add (workflow, agent (name, "leaf mock:delay_ms=50"));
      connect_nodes (workflow, "first", name);
    }
  g_assert_cmpuint (graphbit_executor_get_concurrency (executor), ==, 2);

  result = run (executor, workflow, NULL);
  g_assert_true (graphbit_workflow_result_is_success (result));
  /* The intermediate output went once its readers had started; leaves stay. */
  g_assert_null (graphbit_workflow_result_get_node_output (result, "first"));
  g_assert_nonnull (graphbit_workflow_result_get_node_output (result, "leaf3"));

  records = graphbit_workflow_result_get_node_results (result);
  g_variant_iter_init (&iter, records);
  while ((record = g_variant_iter_next_value (&iter)) != NULL)
    {
      gdouble started, duration, end;

      g_assert_true (g_variant_lookup (record, "started_ms", "d", &started));
      g_assert_true (g_variant_lookup (record, "duration_ms", "d", &duration));
      end = started + duration;
      g_array_append_val (starts, started);
      g_array_append_val (ends, end);
      g_variant_unref (record);
    }
  /* At no node's start were more than two running (itself included). */
  for (guint i = 0; i < starts->len; i++)
    {
      gdouble at = g_array_index (starts, gdouble, i);
      guint running = 0;

      for (guint j = 0; j < starts->len; j++)
        if (g_array_index (starts, gdouble, j) <= at && at < g_array_index (ends, gdouble, j))
          running++;
      g_assert_cmpuint (running, <=, 2);
    }
}

/* classify → route: true → yes, false → no; both → after (a join). */
static void
test_condition_chooses_branch (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  const char *scores[] = { "0.9", "0.1" };

  for (guint i = 0; i < G_N_ELEMENTS (scores); i++)
    {
      g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("branch");
      g_autoptr(GHashTable) inputs = inputs_new ("score", scores[i], NULL);
      g_autoptr(GraphbitWorkflowResult) result = NULL;
      gboolean high = i == 0;

      add (workflow, agent ("classify", "mock:content={\"label\":\"urgent\"} classify"));
      add (workflow, condition ("route", "score > 0.5 and node.classify.label == 'urgent'"));
      add (workflow, agent ("yes", "escalate"));
      add (workflow, agent ("no", "archive"));
      add (workflow, transform ("after", "template:done: {input}"));
      connect_nodes (workflow, "classify", "route");
      connect_nodes_when (workflow, "route", "yes", TRUE);
      connect_nodes_when (workflow, "route", "no", FALSE);
      connect_nodes (workflow, "yes", "after");
      connect_nodes (workflow, "no", "after");

      result = run (executor, workflow, inputs);
      g_assert_true (graphbit_workflow_result_is_success (result));
      g_assert_cmpstr (graphbit_workflow_result_get_node_output (result, "route"), ==, high ? "true" : "false");
      assert_status (result, "yes", high ? GRAPHBIT_NODE_STATUS_COMPLETED : GRAPHBIT_NODE_STATUS_SKIPPED);
      assert_status (result, "no", high ? GRAPHBIT_NODE_STATUS_SKIPPED : GRAPHBIT_NODE_STATUS_COMPLETED);
      assert_status (result, "after", GRAPHBIT_NODE_STATUS_COMPLETED);
      /* The condition passed classify's output on to the chosen branch. */
      g_assert_nonnull (strstr (graphbit_workflow_result_get_node_output (result, high ? "yes" : "no"),
                                "[route]\n{\"label\":\"urgent\"}"));
      g_assert_true (g_str_has_prefix (graphbit_workflow_result_get_node_output (result, "after"),
                                       high ? "done: Mock reply to: Context" : "done: Mock reply to: Context"));
      g_assert_nonnull (strstr (graphbit_workflow_result_get_node_output (result, "after"),
                                high ? "escalate" : "archive"));
    }
}

/* A failure skips what depends on it, lets the rest finish, and is kept. */
static void
test_failure_skips_dependents (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("partial");
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GError) error = NULL;

  add (workflow, agent ("bad", "mock:status=401 refused"));
  add (workflow, agent ("after_bad", "never"));
  add (workflow, agent ("then", "never either"));
  add (workflow, agent ("good", "independent mock:delay_ms=50"));
  connect_nodes (workflow, "bad", "after_bad");
  connect_nodes (workflow, "after_bad", "then");

  result = run (executor, workflow, NULL);
  g_assert_true (graphbit_workflow_result_is_failed (result));
  g_assert_cmpstr (graphbit_workflow_result_get_state_name (result), ==, "Failed");
  assert_status (result, "bad", GRAPHBIT_NODE_STATUS_FAILED);
  assert_status (result, "after_bad", GRAPHBIT_NODE_STATUS_SKIPPED);
  assert_status (result, "then", GRAPHBIT_NODE_STATUS_SKIPPED);
  assert_status (result, "good", GRAPHBIT_NODE_STATUS_COMPLETED);
  g_assert_nonnull (graphbit_workflow_result_get_node_error (result, "bad"));
  g_assert_true (g_str_has_prefix (graphbit_workflow_result_get_error_message (result), "Node 'bad' failed: "));

  g_assert_false (graphbit_workflow_result_check (result, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_AUTHENTICATION);
  g_assert_cmpuint (graphbit_error_get_details (error)->status_code, ==, 401);

  g_assert_cmpint (stat_of (executor, "failed_executions"), ==, 1);
  g_assert_cmpint (stat_of (executor, "successful_executions"), ==, 0);
}

/* Low latency stops at the first failure and cancels what still runs. */
static void
test_low_latency_fails_fast (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_LOW_LATENCY, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("fast");
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  gint64 disconnected = mock_server_stat (mock, "disconnected_early");
  gint64 hangs = mock_server_stat (mock, "hangs");

  /* The failure comes late enough for the other request to reach the
   * mock in the usual case; the assertions hold either way. */
  add (workflow, agent ("bad", "mock:delay_ms=200 mock:status=401 refused"));
  add (workflow, agent ("slow", "mock:fault=hang waits forever"));
  add (workflow, agent ("later", "never"));
  connect_nodes (workflow, "slow", "later");

  result = run (executor, workflow, NULL);
  g_assert_true (graphbit_workflow_result_is_failed (result));
  assert_status (result, "bad", GRAPHBIT_NODE_STATUS_FAILED);
  assert_status (result, "slow", GRAPHBIT_NODE_STATUS_CANCELLED);
  assert_status (result, "later", GRAPHBIT_NODE_STATUS_PENDING);
  /* Well before the 30 s timeout. */
  g_assert_cmpfloat (graphbit_workflow_result_get_execution_time_ms (result), <, 10000);
  /* A request the mock was holding was aborted, not left open. */
  if (mock_server_stat (mock, "hangs") > hangs)
    while (mock_server_stat (mock, "disconnected_early") <= disconnected)
      g_usleep (5000);
}

/* The overall timeout cancels every running node; the mock sees them go. */
static void
test_timeout_cancels_running_nodes (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 1);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("stuck");
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 disconnected = mock_server_stat (mock, "disconnected_early");
  const GraphbitErrorDetails *details;

  add (workflow, agent ("hang1", "mock:fault=hang one"));
  add (workflow, agent ("hang2", "mock:fault=hang two"));
  add (workflow, agent ("after", "never"));
  connect_nodes (workflow, "hang1", "after");

  result = graphbit_executor_execute (executor, workflow, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "timed out after 1 s"));
  g_assert_nonnull (strstr (error->message, "'hang1'"));
  g_assert_nonnull (strstr (error->message, "'hang2'"));
  details = graphbit_error_get_details (error);
  g_assert_cmpstr (details->operation, ==, "workflow_execution");
  g_assert_cmpuint (details->duration_ms, >=, 1000);

  /* Both HTTP requests were aborted, not left running. */
  while (mock_server_stat (mock, "disconnected_early") < disconnected + 2)
    g_usleep (5000);
  g_assert_cmpint (stat_of (executor, "failed_executions"), ==, 1);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Cancelling the caller's cancellable stops the run (asynchronously here)
 * and aborts the HTTP request the mock is holding. */
static void
test_cancel_async (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("cancelled");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 disconnected = mock_server_stat (mock, "disconnected_early");
  gint64 hangs = mock_server_stat (mock, "hangs");

  add (workflow, agent ("hang", "mock:fault=hang cancel me"));

  graphbit_executor_execute_async (executor, workflow, NULL, cancellable, on_run_done, &async_result);
  while (mock_server_stat (mock, "hangs") == hangs)
    g_usleep (5000);
  g_assert_null (async_result);
  g_cancellable_cancel (cancellable);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = graphbit_executor_execute_finish (executor, async_result, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  while (mock_server_stat (mock, "disconnected_early") <= disconnected)
    g_usleep (5000);
  g_assert_cmpint (stat_of (executor, "cancelled_executions"), ==, 1);
}

static void
on_started (GraphbitExecutor *executor,
            const char       *node_name,
            gpointer          user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("start %s", node_name));
}

static void
on_finished (GraphbitExecutor   *executor,
             const char         *node_name,
             GraphbitNodeStatus  status,
             const char         *output,
             gpointer            user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("end %s %d %s", node_name, status, output != NULL ? output : "-"));
}

/* Workflows without agents run too; signals arrive in order, in the
 * caller's context, before the result. */
static void
test_delay_transforms_and_signals (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("local");
  g_autoptr(GHashTable) inputs = inputs_new ("input", "  a,b,c  ", NULL);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GError) error = NULL;

  add (workflow, transform ("trim", "trim"));
  add (workflow, graphbit_node_delay ("wait", 0.05, &error));
  g_assert_no_error (error);
  add (workflow, transform ("split", "split:,"));
  add (workflow, transform ("join", "join: + "));
  connect_nodes (workflow, "trim", "wait");
  connect_nodes (workflow, "wait", "split");
  connect_nodes (workflow, "split", "join");
  g_signal_connect (executor, "node-started", G_CALLBACK (on_started), events);
  g_signal_connect (executor, "node-finished", G_CALLBACK (on_finished), events);

  result = run (executor, workflow, inputs);
  g_assert_true (graphbit_workflow_result_is_success (result));
  g_assert_cmpstr (graphbit_workflow_result_get_node_output (result, "wait"), ==, "a,b,c");
  g_assert_cmpstr (graphbit_workflow_result_get_node_output (result, "split"), ==, "[\"a\",\"b\",\"c\"]");
  g_assert_cmpstr (graphbit_workflow_result_get_node_output (result, "join"), ==, "a + b + c");
  g_assert_cmpuint (events->len, ==, 8);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "start trim");
  g_assert_cmpstr (g_ptr_array_index (events, 3), ==, "end wait 1 a,b,c");
  g_assert_cmpstr (g_ptr_array_index (events, 7), ==, "end join 1 a + b + c");
}

/* Invalid workflows are refused before anything runs, and counted. */
static void
test_invalid_workflow_refused (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) empty = graphbit_workflow_new ("empty");
  g_autoptr(GraphbitWorkflow) cyclic = graphbit_workflow_new ("cyclic");
  g_autoptr(GError) error = NULL;
  gint64 requests = mock_server_stat (mock, "requests");

  g_assert_null (graphbit_executor_execute (executor, empty, NULL, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "Workflow cannot be empty"));
  g_clear_error (&error);

  add (cyclic, agent ("a", "x"));
  add (cyclic, agent ("b", "y"));
  connect_nodes (cyclic, "a", "b");
  connect_nodes (cyclic, "b", "a");
  g_assert_null (graphbit_executor_execute (executor, cyclic, NULL, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "contains cycles"));

  g_assert_cmpint (mock_server_stat (mock, "requests"), ==, requests);
  g_assert_cmpint (stat_of (executor, "failed_executions"), ==, 2);
  g_assert_cmpint (stat_of (executor, "total_executions"), ==, 2);
}

/* Modes, timeouts and settings: checked, and all-or-nothing. */
static void
test_settings (void)
{
  g_autoptr(GraphbitLlmConfig) config = mock_config ();
  g_autoptr(GraphbitExecutor) executor = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (graphbit_executor_new_low_latency (config, 301, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_cmpstr (graphbit_error_get_details (error)->field, ==, "timeout_seconds");
  g_clear_error (&error);
  g_assert_null (graphbit_executor_new_high_throughput (config, 3601, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_clear_error (&error);

  executor = graphbit_executor_new_low_latency (config, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (graphbit_executor_get_timeout_seconds (executor), ==, 30);
  g_assert_cmpint (graphbit_executor_get_max_retries (executor), ==, 1);
  g_assert_cmpuint (graphbit_executor_get_concurrency (executor), ==, 0);
  g_assert_cmpstr (graphbit_executor_get_mode_name (executor), ==, "LowLatency");

  g_assert_false (graphbit_executor_configure (executor, 60, 11, FALSE, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_cmpstr (graphbit_error_get_details (error)->field, ==, "max_retries");
  g_clear_error (&error);
  /* Nothing changed. */
  g_assert_cmpfloat (graphbit_executor_get_timeout_seconds (executor), ==, 30);
  g_assert_true (graphbit_executor_get_metrics_enabled (executor));

  g_assert_true (graphbit_executor_configure (executor, 60, 5, FALSE, &error));
  g_assert_cmpfloat (graphbit_executor_get_timeout_seconds (executor), ==, 60);
  g_assert_cmpint (graphbit_executor_get_max_retries (executor), ==, 5);
  graphbit_executor_set_mode (executor, GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT);
  g_assert_cmpuint (graphbit_executor_get_concurrency (executor), >=, 64);
  g_assert_cmpfloat (graphbit_executor_get_timeout_seconds (executor), ==, 60);
}

/* A node with its own provider settings uses its own client. */
static void
test_per_node_config (void)
{
  g_autoptr(GraphbitExecutor) executor = new_executor (GRAPHBIT_EXECUTION_MODE_BALANCED, 0);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("per-node");
  g_autoptr(GraphbitLlmConfig) other = NULL;
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_strconcat (mock->url, "/v1", NULL);
  g_autoptr(JsonNode) stats = NULL;

  other = graphbit_llm_config_openai ("sk-other", "gpt-special", base, &error);
  g_assert_no_error (error);
  add (workflow, graphbit_node_agent_full ("special", "hello", NULL, "Be brief", 5, 0.5, other, &error));
  g_assert_no_error (error);

  result = run (executor, workflow, NULL);
  g_assert_true (graphbit_workflow_result_is_success (result));
  stats = mock_server_stats (mock);
  {
    const char *last = json_object_get_string_member (json_node_get_object (stats), "last_request");

    g_assert_nonnull (strstr (last, "\"model\":\"gpt-special\""));
    g_assert_nonnull (strstr (last, "\"role\":\"system\",\"content\":\"Be brief\""));
    g_assert_nonnull (strstr (last, "\"temperature\":0.5"));
  }
  /* The executor's own client made no call. */
  {
    g_autoptr(GVariant) client_stats = graphbit_llm_client_get_stats (graphbit_executor_get_llm_client (executor));
    guint64 calls = 0;

    g_assert_true (g_variant_lookup (client_stats, "total_requests", "t", &calls));
    g_assert_cmpuint (calls, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/workflow-run/chain", test_chain_outputs_flow);
  g_test_add_func ("/workflow-run/completion-queue", test_run_through_completion_queue);
  g_test_add_func ("/workflow-run/references", test_references_and_input);
  g_test_add_func ("/workflow-run/fan-out", test_fan_out_runs_concurrently);
  g_test_add_func ("/workflow-run/memory-optimized", test_memory_optimized_bounds_and_drops);
  g_test_add_func ("/workflow-run/condition", test_condition_chooses_branch);
  g_test_add_func ("/workflow-run/failure", test_failure_skips_dependents);
  g_test_add_func ("/workflow-run/fail-fast", test_low_latency_fails_fast);
  g_test_add_func ("/workflow-run/timeout", test_timeout_cancels_running_nodes);
  g_test_add_func ("/workflow-run/cancel", test_cancel_async);
  g_test_add_func ("/workflow-run/local-nodes-and-signals", test_delay_transforms_and_signals);
  g_test_add_func ("/workflow-run/invalid", test_invalid_workflow_refused);
  g_test_add_func ("/workflow-run/settings", test_settings);
  g_test_add_func ("/workflow-run/per-node-config", test_per_node_config);

  mock = mock_server_start ();
  ret = g_test_run ();
  graphbit_shutdown ();
  mock_server_stop (mock);
  return ret;
}
