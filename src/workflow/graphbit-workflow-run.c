/* graphbit-workflow-run.c - the scheduler: one run of a workflow plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "graphbit-workflow-run-private.h"
#include "graphbit-node-private.h"
#include "graphbit-template-private.h"
#include "graphbit-workflow-result-private.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"
#include "llm/graphbit-llm-client.h"
#include "llm/graphbit-llm-request.h"
#include "llm/graphbit-llm-response.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-cancel-watch-private.h"

/* A run lives on one I/O worker and is touched only from its thread, so
 * it needs no locks. Each node keeps a count of parents still to finish;
 * when it reaches zero the node joins the ready queue, and pump() starts
 * ready nodes while the mode's concurrency allows. Agent calls and delays
 * complete asynchronously; transforms and conditions are computed inline.
 * Nothing recurses: finishing a node only queues its children, and the
 * next pump() starts them. Work is O(nodes + edges) per run.
 *
 * A node runs when none of its parents failed (or was skipped because of
 * a failure upstream) and at least one of its incoming edges is live: the
 * parent completed and, for an edge leaving a condition, the condition
 * had the edge's value. Otherwise it is skipped, which lets branches
 * after a condition join again downstream. */

typedef struct _Run Run;

struct _Run
{
  GraphbitExecutor *executor;
  GraphbitWorkflowPlan *plan;
  GraphbitRunSettings settings;
  GHashTable *inputs;               /* char* → char* */
  GTask *task;
  GraphbitWorker *worker;
  GMainContext *caller_context;
  GCancellable *cancellable;        /* the run's own: stops every node */
  GCancellable *caller_cancellable;
  gulong caller_handler;
  GraphbitCancelWatch *cancel_watch;
  GSource *deadline_source;
  gint64 started_us;

  GraphbitNodeRecord *records;      /* handed to the result at the end */
  char **condition_inputs;          /* what a condition passes on */
  gint8 *verdicts;                  /* a condition's value, -1 before */
  guint *waiting_parents;
  guint *live_parents;
  gboolean *doomed;                 /* failed, or skipped for a failure upstream */
  gboolean *failed_parent;
  guint *unread;                    /* consumers that have not started */
  GSource **delays;
  GQueue ready;
  guint running;
  guint n_finished;

  GError *first_error;              /* the first node failure */
  GError *stop_error;               /* why the run stopped early, if it did */
  gboolean stopping;
};

typedef struct
{
  Run *run;
  guint index;
  GraphbitLlmClient *client;
} AgentCall;

typedef struct
{
  Run *run;
  guint index;
  char *input;
} DelayWait;

static void pump (Run *run);

static gdouble
elapsed_ms (Run *run)
{
  return (g_get_monotonic_time () - run->started_us) / 1000.0;
}

static GraphbitNode *
node_at (Run   *run,
         guint  index)
{
  return run->plan->nodes[index];
}

static const char *
node_name (Run   *run,
           guint  index)
{
  return graphbit_node_get_name (node_at (run, index));
}

static gboolean
is_running (Run   *run,
            guint  index)
{
  return run->records[index].started_ms >= 0 && run->records[index].status == GRAPHBIT_NODE_STATUS_PENDING;
}

/* What a node hands its children: a condition passes its input through,
 * every other node its output. */
static const char *
forwarded (Run   *run,
           guint  index)
{
  if (graphbit_node_get_kind (node_at (run, index)) == GRAPHBIT_NODE_KIND_CONDITION)
    return run->condition_inputs[index];
  return run->records[index].output;
}

static gboolean
edge_is_live (Run   *run,
              guint  parent,
              guint  child)
{
  GArray *links = run->plan->children[parent];

  if (run->records[parent].status != GRAPHBIT_NODE_STATUS_COMPLETED)
    return FALSE;
  for (guint l = 0; l < links->len; l++)
    {
      const GraphbitPlanLink *link = &g_array_index (links, GraphbitPlanLink, l);

      if (link->node == child && (link->condition < 0 || link->condition == run->verdicts[parent]))
        return TRUE;
    }
  return FALSE;
}

/* Each distinct live parent once, in edge order. */
static GArray *
live_parents_of (Run   *run,
                 guint  index)
{
  GArray *parents = run->plan->parents[index];
  GArray *live = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint p = 0; p < parents->len; p++)
    {
      guint parent = g_array_index (parents, guint, p);
      gboolean seen = FALSE;

      for (guint q = 0; q < p && !seen; q++)
        seen = g_array_index (parents, guint, q) == parent;
      if (!seen && edge_is_live (run, parent, index))
        g_array_append_val (live, parent);
    }
  return live;
}

/* A node's input: its live parents' outputs joined by blank lines, or
 * the execution input `input` for a node without parents. */
static char *
node_input (Run   *run,
            guint  index)
{
  g_autoptr(GArray) live = NULL;
  GString *joined;

  if (run->plan->parents[index]->len == 0)
    return g_strdup (run->inputs != NULL ? g_hash_table_lookup (run->inputs, "input") : NULL);

  live = live_parents_of (run, index);
  joined = g_string_new (NULL);
  for (guint p = 0; p < live->len; p++)
    {
      const char *text = forwarded (run, g_array_index (live, guint, p));

      if (text == NULL)
        continue;
      if (joined->len > 0)
        g_string_append (joined, "\n\n");
      g_string_append (joined, text);
    }
  return g_string_free (joined, FALSE);
}

/* Lookups for templates and conditions, from one node's point of view. */
typedef struct
{
  Run *run;
  const char *input;
} Scope;

static char *
lookup_variable (const char *name,
                 gpointer    user_data)
{
  Scope *scope = user_data;

  if (g_str_equal (name, "input") && scope->input != NULL)
    return g_strdup (scope->input);
  if (scope->run->inputs == NULL)
    return NULL;
  return g_strdup (g_hash_table_lookup (scope->run->inputs, name));
}

static char *
lookup_node_output (const char *name,
                    gpointer    user_data)
{
  Scope *scope = user_data;
  gint index = graphbit_workflow_plan_lookup (scope->run->plan, name);
  const char *output;

  if (index < 0)
    return NULL;
  /* Validation made every reference upstream, so the node has finished;
   * one that was skipped reads as empty. */
  output = scope->run->records[index].output;
  return g_strdup (output != NULL ? output : "");
}

static char *
lookup_condition_name (const char *name,
                       gpointer    user_data)
{
  Scope *scope = user_data;
  const char *path;
  g_autofree char *output = NULL;
  gint index;

  if (!g_str_has_prefix (name, "node."))
    return lookup_variable (name, user_data);

  index = graphbit_workflow_plan_resolve_reference (scope->run->plan, name + strlen ("node."), &path);
  if (index < 0)
    return NULL;
  output = lookup_node_output (graphbit_node_get_name (node_at (scope->run, index)), user_data);
  if (path == NULL)
    return g_steal_pointer (&output);
  return graphbit_json_extract (output, path, NULL);
}

/* Frees the outputs of @index's parents and the nodes it reads once all
 * their consumers have started, when the mode keeps final outputs only. */
static void
release_inputs (Run   *run,
                guint  index)
{
  GArray *sources[2] = { run->plan->parents[index], run->plan->references[index] };

  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    for (guint i = 0; i < sources[s]->len; i++)
      {
        guint source = g_array_index (sources[s], guint, i);

        if (--run->unread[source] == 0 && run->settings.keep_final_outputs_only)
          {
            g_clear_pointer (&run->records[source].output, g_free);
            g_clear_pointer (&run->condition_inputs[source], g_free);
          }
      }
}

static void
finish_node (Run                *run,
             guint               index,
             GraphbitNodeStatus  status,
             char               *output,
             GError             *error)
{
  GraphbitNodeRecord *record = &run->records[index];
  GArray *children = run->plan->children[index];

  record->status = status;
  record->output = output;
  record->error = error;
  if (record->started_ms >= 0)
    record->duration_ms = elapsed_ms (run) - record->started_ms;
  if (status == GRAPHBIT_NODE_STATUS_COMPLETED || status == GRAPHBIT_NODE_STATUS_FAILED)
    record->completion_order = ++run->n_finished;
  if (status == GRAPHBIT_NODE_STATUS_FAILED)
    run->doomed[index] = TRUE;

  if (run->settings.debug)
    graphbit_log_message (GRAPHBIT_LOG_DEBUG, "workflow '%s': node '%s' %s after %.1f ms%s%s",
                          run->plan->name, node_name (run, index), graphbit_node_status_to_string (status),
                          record->duration_ms, error != NULL ? ": " : "", error != NULL ? error->message : "");
  graphbit_executor_notify_node (run->executor, run->caller_context, node_name (run, index), TRUE, status,
                                 record->output);

  for (guint c = 0; c < children->len; c++)
    {
      const GraphbitPlanLink *link = &g_array_index (children, GraphbitPlanLink, c);

      if (run->doomed[index])
        run->failed_parent[link->node] = TRUE;
      else if (status == GRAPHBIT_NODE_STATUS_COMPLETED
               && (link->condition < 0 || link->condition == run->verdicts[index]))
        run->live_parents[link->node]++;
      if (--run->waiting_parents[link->node] == 0)
        g_queue_push_tail (&run->ready, GUINT_TO_POINTER (link->node));
    }

  if (status == GRAPHBIT_NODE_STATUS_FAILED && run->first_error == NULL)
    {
      run->first_error = g_error_copy (error);
      graphbit_error_prefix (run->first_error, "Node '%s' failed: ", node_name (run, index));
    }
}

static void stop (Run *run, GError *reason);

/* A node's error when the run did not ask for it: a cancellation from
 * elsewhere (the runtime shutting down) stops the whole run. */
static void
finish_node_with_error (Run    *run,
                        guint   index,
                        GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      stop (run, g_error_copy (error));
      finish_node (run, index, GRAPHBIT_NODE_STATUS_CANCELLED, NULL, error);
      return;
    }
  finish_node (run, index, GRAPHBIT_NODE_STATUS_FAILED, NULL, error);
  if (run->settings.fail_fast)
    stop (run, NULL);
}

/* Agents */

static char *
render (Run         *run,
        const char  *text,
        const char  *input,
        GError     **error)
{
  Scope scope = { run, input };

  return graphbit_template_render (text, lookup_variable, lookup_node_output, &scope, error);
}

/* The rendered prompt, after the outputs of the direct parents it does
 * not already place itself (with {input} or {{node.NAME}}). */
static char *
agent_prompt (Run         *run,
              guint        index,
              const char  *input,
              GError     **error)
{
  const char *prompt = graphbit_node_get_prompt (node_at (run, index));
  g_autofree char *rendered = render (run, prompt, input, error);
  g_autoptr(GArray) live = NULL;
  g_autoptr(GString) context = NULL;
  GArray *references = run->plan->references[index];

  if (rendered == NULL || strstr (prompt, "{input}") != NULL)
    return g_steal_pointer (&rendered);

  live = live_parents_of (run, index);
  context = g_string_new (NULL);
  for (guint p = 0; p < live->len; p++)
    {
      guint parent = g_array_index (live, guint, p);
      const char *text = forwarded (run, parent);
      gboolean placed = FALSE;

      for (guint r = 0; r < references->len && !placed; r++)
        placed = g_array_index (references, guint, r) == parent;
      if (placed || text == NULL || *text == '\0')
        continue;
      g_string_append_printf (context, "[%s]\n%s\n\n", node_name (run, parent), text);
    }
  if (context->len == 0)
    return g_steal_pointer (&rendered);
  return g_strdup_printf ("Context from previous steps:\n\n%s---\n\n%s", context->str, rendered);
}

static void
on_agent_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AgentCall *call = user_data;
  Run *run = call->run;
  guint index = call->index;
  GError *error = NULL;
  g_autoptr(GraphbitLlmResponse) response = NULL;

  response = graphbit_llm_client_complete_full_finish (call->client, result, &error);
  g_object_unref (call->client);
  g_free (call);
  run->running--;

  if (response != NULL)
    {
      run->records[index].prompt_tokens = graphbit_llm_response_get_prompt_tokens (response);
      run->records[index].completion_tokens = graphbit_llm_response_get_completion_tokens (response);
      finish_node (run, index, GRAPHBIT_NODE_STATUS_COMPLETED,
                   g_strdup (graphbit_llm_response_get_content (response)), NULL);
    }
  else if (run->stopping && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish_node (run, index, GRAPHBIT_NODE_STATUS_CANCELLED, NULL, error);
  else
    finish_node_with_error (run, index, error);
  pump (run);
}

static void
start_agent (Run        *run,
             guint       index,
             const char *input)
{
  GraphbitNode *node = node_at (run, index);
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (NULL);
  g_autofree char *prompt = NULL;
  g_autofree char *system_prompt = NULL;
  GError *error = NULL;
  AgentCall *call;

  prompt = agent_prompt (run, index, input, &error);
  if (prompt != NULL && graphbit_node_get_system_prompt (node) != NULL)
    system_prompt = render (run, graphbit_node_get_system_prompt (node), input, &error);
  if (prompt == NULL || error != NULL)
    {
      finish_node_with_error (run, index, error);
      return;
    }

  if (system_prompt != NULL)
    graphbit_llm_request_add_message (request, GRAPHBIT_LLM_ROLE_SYSTEM, system_prompt);
  graphbit_llm_request_add_message (request, GRAPHBIT_LLM_ROLE_USER, prompt);
  if (graphbit_node_get_max_tokens (node) != 0)
    graphbit_llm_request_set_max_tokens (request, graphbit_node_get_max_tokens (node));
  if (graphbit_node_has_temperature (node))
    graphbit_llm_request_set_temperature (request, graphbit_node_get_temperature (node));

  call = g_new0 (AgentCall, 1);
  call->run = run;
  call->index = index;
  call->client = graphbit_executor_get_client_for (run->executor, graphbit_node_get_llm_config (node));
  run->running++;
  graphbit_llm_client_complete_full_async (call->client, request, run->cancellable, on_agent_done, call);
}

/* Delays */

static gboolean
on_delay_over (gpointer user_data)
{
  DelayWait *wait = user_data;
  Run *run = wait->run;

  g_clear_pointer (&run->delays[wait->index], g_source_unref);
  run->running--;
  finish_node (run, wait->index, GRAPHBIT_NODE_STATUS_COMPLETED, g_steal_pointer (&wait->input), NULL);
  pump (run);
  return G_SOURCE_REMOVE;
}

static void
delay_wait_free (gpointer data)
{
  DelayWait *wait = data;

  g_free (wait->input);
  g_free (wait);
}

static void
start_delay (Run        *run,
             guint       index,
             const char *input)
{
  gdouble seconds = graphbit_node_get_delay_seconds (node_at (run, index));
  DelayWait *wait = g_new0 (DelayWait, 1);
  GSource *source = g_timeout_source_new ((guint) (seconds * 1000.0 + 0.5));

  wait->run = run;
  wait->index = index;
  wait->input = g_strdup (input != NULL ? input : "");
  g_source_set_callback (source, on_delay_over, wait, delay_wait_free);
  g_source_set_static_name (source, "[graphbit] workflow delay");
  g_source_attach (source, graphbit_worker_get_context (run->worker));
  run->delays[index] = source;
  run->running++;
}

static void
cancel_delays (Run *run)
{
  for (guint i = 0; i < run->plan->n_nodes; i++)
    if (run->delays[i] != NULL)
      {
        g_source_destroy (run->delays[i]);
        g_clear_pointer (&run->delays[i], g_source_unref);
        run->running--;
        finish_node (run, i, GRAPHBIT_NODE_STATUS_CANCELLED, NULL,
                     g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The run stopped during the delay"));
      }
}

/* Transforms and conditions: computed at once. */

static void
run_transform (Run        *run,
               guint       index,
               const char *input)
{
  GraphbitTransform *transform = graphbit_node_get_transform_tree (node_at (run, index));
  const char *template = graphbit_transform_get_template (transform);
  GError *error = NULL;
  char *output;

  if (template != NULL)
    output = render (run, template, input, &error);
  else
    output = graphbit_transform_apply (transform, input != NULL ? input : "", &error);
  if (output == NULL)
    finish_node_with_error (run, index, error);
  else
    finish_node (run, index, GRAPHBIT_NODE_STATUS_COMPLETED, output, NULL);
}

static void
run_condition (Run        *run,
               guint       index,
               const char *input)
{
  GraphbitExpression *expression = graphbit_node_get_expression_tree (node_at (run, index));
  Scope scope = { run, input };
  GError *error = NULL;
  gboolean value;

  if (!graphbit_expression_evaluate (expression, lookup_condition_name, &scope, &value, &error))
    {
      finish_node_with_error (run, index, error);
      return;
    }
  run->verdicts[index] = value ? 1 : 0;
  run->condition_inputs[index] = g_strdup (input != NULL ? input : "");
  finish_node (run, index, GRAPHBIT_NODE_STATUS_COMPLETED, g_strdup (value ? "true" : "false"), NULL);
}

static void
start_node (Run   *run,
            guint  index)
{
  g_autofree char *input = node_input (run, index);

  run->records[index].started_ms = elapsed_ms (run);
  if (run->settings.debug)
    graphbit_log_message (GRAPHBIT_LOG_DEBUG, "workflow '%s': node '%s' (%s) starts",
                          run->plan->name, node_name (run, index),
                          graphbit_node_get_kind_name (node_at (run, index)));
  graphbit_executor_notify_node (run->executor, run->caller_context, node_name (run, index), FALSE,
                                 GRAPHBIT_NODE_STATUS_PENDING, NULL);

  switch (graphbit_node_get_kind (node_at (run, index)))
    {
    case GRAPHBIT_NODE_KIND_AGENT:
      start_agent (run, index, input);
      break;
    case GRAPHBIT_NODE_KIND_DELAY:
      start_delay (run, index, input);
      break;
    case GRAPHBIT_NODE_KIND_TRANSFORM:
      run_transform (run, index, input);
      break;
    case GRAPHBIT_NODE_KIND_CONDITION:
      run_condition (run, index, input);
      break;
    default:
      g_assert_not_reached ();
    }
  release_inputs (run, index);
}

static gboolean
must_skip (Run   *run,
           guint  index)
{
  return run->failed_parent[index]
         || (run->plan->parents[index]->len > 0 && run->live_parents[index] == 0);
}

/* Stopping */

/* Stops starting nodes and cancels the running ones; @reason (taken) is
 * the run's error, or NULL when the run should still return its result
 * (fail-fast after a node failure). */
static void
stop (Run    *run,
      GError *reason)
{
  if (run->stopping)
    {
      g_clear_error (&reason);
      return;
    }
  run->stopping = TRUE;
  run->stop_error = reason;
  cancel_delays (run);
  g_cancellable_cancel (run->cancellable);
}

static gboolean
on_run_cancelled (gpointer user_data)
{
  Run *run = user_data;

  if (!run->stopping)
    stop (run, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                            graphbit_worker_is_stopping (run->worker)
                            ? "Workflow '%s' was cancelled: the runtime is shutting down"
                            : "Workflow '%s' was cancelled", run->plan->name));
  pump (run);
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(GString) running = g_string_new (NULL);
  guint n_running = 0;
  GError *error;

  g_clear_pointer (&run->deadline_source, g_source_unref);
  for (guint i = 0; i < run->plan->n_nodes; i++)
    if (is_running (run, i))
      {
        g_string_append_printf (running, "%s'%s'", n_running++ > 0 ? ", " : "", node_name (run, i));
      }
  error = graphbit_error_new (GRAPHBIT_ERROR_TIMEOUT,
                              "Workflow '%s' timed out after %g s; %u running node(s) were cancelled%s%s. "
                              "Raise the executor's timeout with configure(timeout_seconds=...) if it needs longer",
                              run->plan->name, run->settings.timeout_us / 1e6, n_running,
                              n_running > 0 ? ": " : "", running->str);
  graphbit_error_set_operation (error, "workflow_execution");
  graphbit_error_set_duration_ms (error, (guint64) elapsed_ms (run));
  stop (run, error);
  pump (run);
  return G_SOURCE_REMOVE;
}

/* Start and end */

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      user_data)
{
  /* Any thread: the run's own cancellable carries it to the worker. */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
run_free (Run *run)
{
  g_clear_object (&run->executor);
  g_clear_pointer (&run->inputs, g_hash_table_unref);
  g_clear_object (&run->task);
  g_clear_pointer (&run->caller_context, g_main_context_unref);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->caller_cancellable);
  g_free (run->records);
  /* Sparse (only conditions have one): not a NULL-terminated vector. */
  for (guint i = 0; i < run->plan->n_nodes; i++)
    g_free (run->condition_inputs[i]);
  g_free (run->condition_inputs);
  g_free (run->verdicts);
  g_free (run->waiting_parents);
  g_free (run->live_parents);
  g_free (run->doomed);
  g_free (run->failed_parent);
  g_free (run->unread);
  g_free (run->delays);
  g_queue_clear (&run->ready);
  g_clear_error (&run->first_error);
  g_clear_error (&run->stop_error);
  g_clear_pointer (&run->plan, graphbit_workflow_plan_unref);
  g_free (run);
}

static void
finish_run (Run *run)
{
  gdouble duration_ms = elapsed_ms (run);
  GraphbitWorker *worker = run->worker;

  if (run->deadline_source != NULL)
    g_source_destroy (run->deadline_source);
  g_clear_pointer (&run->deadline_source, g_source_unref);
  g_clear_pointer (&run->cancel_watch, graphbit_cancel_watch_free);
  graphbit_worker_untrack (worker, run->cancellable);
  if (run->caller_handler != 0)
    g_cancellable_disconnect (run->caller_cancellable, run->caller_handler);

  if (run->stop_error != NULL)
    {
      for (guint i = 0; i < run->plan->n_nodes; i++)
        {
          g_free (run->records[i].output);
          g_clear_error (&run->records[i].error);
        }
      graphbit_executor_record_run (run->executor, FALSE,
                                    g_error_matches (run->stop_error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
                                    (gint64) (duration_ms * 1000));
      g_task_return_error (run->task, g_steal_pointer (&run->stop_error));
    }
  else
    {
      GraphbitWorkflowResult *result;

      graphbit_executor_record_run (run->executor, run->first_error == NULL, FALSE, (gint64) (duration_ms * 1000));
      result = graphbit_workflow_result_new (run->plan->name, run->plan->nodes, run->records, run->plan->n_nodes,
                                             run->inputs, g_steal_pointer (&run->first_error), duration_ms);
      g_task_return_pointer (run->task, result, g_object_unref);
    }
  run_free (run);
  graphbit_worker_end_operation (worker);
  graphbit_worker_unref (worker);
}

static void
pump (Run *run)
{
  guint limit = run->settings.concurrency;

  while (!run->stopping && !g_queue_is_empty (&run->ready) && (limit == 0 || run->running < limit))
    {
      guint index = GPOINTER_TO_UINT (g_queue_pop_head (&run->ready));

      if (must_skip (run, index))
        {
          run->doomed[index] = run->failed_parent[index];
          release_inputs (run, index);
          finish_node (run, index, GRAPHBIT_NODE_STATUS_SKIPPED, NULL, NULL);
        }
      else
        start_node (run, index);
    }
  if (run->running == 0 && (run->stopping || g_queue_is_empty (&run->ready)))
    finish_run (run);
}

static void
run_begin (GraphbitWorker *worker,
           gpointer        user_data)
{
  Run *run = user_data;
  GMainContext *context = graphbit_worker_get_context (worker);

  run->started_us = g_get_monotonic_time ();
  graphbit_worker_track (worker, run->cancellable);
  if (graphbit_worker_is_stopping (worker))
    g_cancellable_cancel (run->cancellable);

  run->cancel_watch = graphbit_cancel_watch_new (run->cancellable, context, on_run_cancelled, run);
  if (run->settings.timeout_us > 0)
    {
      /* Rounded up: a run is never timed out before its timeout. */
      run->deadline_source = g_timeout_source_new ((guint) MIN ((run->settings.timeout_us + 999) / 1000, G_MAXUINT));
      g_source_set_callback (run->deadline_source, on_deadline, run, NULL);
      g_source_set_static_name (run->deadline_source, "[graphbit] workflow deadline");
      g_source_attach (run->deadline_source, context);
    }

  for (guint i = 0; i < run->plan->n_nodes; i++)
    if (run->waiting_parents[i] == 0)
      g_queue_push_tail (&run->ready, GUINT_TO_POINTER (i));
  pump (run);
}

static Run *
run_new (GraphbitExecutor     *executor,
         GraphbitWorkflowPlan *plan,
         GHashTable           *inputs,
         GTask                *task)
{
  Run *run = g_new0 (Run, 1);
  guint n = plan->n_nodes;

  run->executor = g_object_ref (executor);
  run->plan = graphbit_workflow_plan_ref (plan);
  graphbit_executor_get_run_settings (executor, &run->settings);
  run->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (inputs != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, inputs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (run->inputs, g_strdup (key), g_strdup (value));
    }
  run->task = g_object_ref (task);
  run->caller_context = g_main_context_ref (g_task_get_context (task));
  run->cancellable = g_cancellable_new ();

  run->records = g_new0 (GraphbitNodeRecord, n);
  run->condition_inputs = g_new0 (char *, n);
  run->verdicts = g_new (gint8, n);
  run->waiting_parents = g_new (guint, n);
  run->live_parents = g_new0 (guint, n);
  run->doomed = g_new0 (gboolean, n);
  run->failed_parent = g_new0 (gboolean, n);
  run->unread = g_memdup2 (plan->n_consumers, n * sizeof (guint));
  run->delays = g_new0 (GSource *, n);
  g_queue_init (&run->ready);
  for (guint i = 0; i < n; i++)
    {
      run->records[i].status = GRAPHBIT_NODE_STATUS_PENDING;
      run->records[i].started_ms = -1;
      run->verdicts[i] = -1;
      run->waiting_parents[i] = plan->parents[i]->len;
    }
  return run;
}

void
graphbit_workflow_run_start (GraphbitExecutor     *executor,
                             GraphbitWorkflowPlan *plan,
                             GHashTable           *inputs,
                             GTask                *task)
{
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  GraphbitWorker *worker;
  Run *run;

  worker = graphbit_runtime_acquire_worker (&error);
  if (worker == NULL)
    {
      graphbit_executor_record_run (executor, FALSE, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED), 0);
      g_task_return_error (task, error);
      return;
    }

  run = run_new (executor, plan, inputs, task);
  run->worker = worker;
  if (caller_cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (caller_cancellable);
      /* Fires at once if it is already cancelled. */
      run->caller_handler = g_cancellable_connect (caller_cancellable, G_CALLBACK (on_caller_cancelled),
                                                   g_object_ref (run->cancellable), g_object_unref);
    }
  graphbit_worker_invoke (worker, run_begin, run, NULL);
}
