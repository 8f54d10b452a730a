/* graphbit-workflow-result.c - what a workflow run produced
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-workflow-result-private.h"
#include "graphbit-error-private.h"

/**
 * GraphbitWorkflowResult:
 *
 * The outcome of one run of a [class@Graphbit.Workflow]: whether it
 * completed or failed (and the first node error), how long it took, and
 * for each node its status, output, timing, token usage and error.
 *
 * Variables hold the execution inputs, each node's output under the
 * node's name, and, for code written for GraphBit v0.1, every output
 * again as `node_result_N` in the order the nodes finished.
 *
 * Immutable; safe to read from any thread.
 */
struct _GraphbitWorkflowResult
{
  GObject parent_instance;

  char *workflow_name;
  GPtrArray *nodes;                 /* GraphbitNode*, the plan's order */
  GArray *records;                  /* GraphbitNodeRecord, same order */
  GHashTable *by_name_or_id;        /* → index + 1 */
  GPtrArray *variable_keys;         /* char*, in order */
  GHashTable *variables;            /* char* → char* */
  GError *error;
  gdouble execution_time_ms;
};

G_DEFINE_FINAL_TYPE (GraphbitWorkflowResult, graphbit_workflow_result, G_TYPE_OBJECT)

static const char * const status_names[] = { "pending", "completed", "failed", "skipped", "cancelled" };

const char *
graphbit_node_status_to_string (GraphbitNodeStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), "pending");
  return status_names[status];
}

static void
record_clear (gpointer data)
{
  GraphbitNodeRecord *record = data;

  g_free (record->output);
  g_clear_error (&record->error);
}

static void
graphbit_workflow_result_finalize (GObject *object)
{
  GraphbitWorkflowResult *self = GRAPHBIT_WORKFLOW_RESULT (object);

  g_free (self->workflow_name);
  g_hash_table_unref (self->by_name_or_id);
  g_array_unref (self->records);
  g_ptr_array_unref (self->nodes);
  g_ptr_array_unref (self->variable_keys);
  g_hash_table_unref (self->variables);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (graphbit_workflow_result_parent_class)->finalize (object);
}

static void
graphbit_workflow_result_class_init (GraphbitWorkflowResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_workflow_result_finalize;
}

static void
graphbit_workflow_result_init (GraphbitWorkflowResult *self)
{
  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->records = g_array_new (FALSE, TRUE, sizeof (GraphbitNodeRecord));
  g_array_set_clear_func (self->records, record_clear);
  self->by_name_or_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->variable_keys = g_ptr_array_new_with_free_func (g_free);
  self->variables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

static void
set_variable (GraphbitWorkflowResult *self,
              const char             *key,
              const char             *value)
{
  char *owned_key;

  if (g_hash_table_contains (self->variables, key))
    return;   /* the first definition wins: inputs before outputs */
  owned_key = g_strdup (key);
  g_ptr_array_add (self->variable_keys, owned_key);
  g_hash_table_insert (self->variables, owned_key, g_strdup (value));
}

static gint
compare_completion (gconstpointer a,
                    gconstpointer b)
{
  const GraphbitNodeRecord *x = *(const GraphbitNodeRecord * const *) a;
  const GraphbitNodeRecord *y = *(const GraphbitNodeRecord * const *) b;

  return (gint) x->completion_order - (gint) y->completion_order;
}

GraphbitWorkflowResult *
graphbit_workflow_result_new (const char          *workflow_name,
                              GraphbitNode       **nodes,
                              GraphbitNodeRecord  *records,
                              guint                n_records,
                              GHashTable          *inputs,
                              GError              *error,
                              gdouble              execution_time_ms)
{
  GraphbitWorkflowResult *self = g_object_new (GRAPHBIT_TYPE_WORKFLOW_RESULT, NULL);
  g_autoptr(GPtrArray) finished = g_ptr_array_new ();

  self->workflow_name = g_strdup (workflow_name);
  self->error = error;
  self->execution_time_ms = execution_time_ms;
  g_array_append_vals (self->records, records, n_records);
  for (guint i = 0; i < n_records; i++)
    {
      GraphbitNodeRecord *record = &g_array_index (self->records, GraphbitNodeRecord, i);

      g_ptr_array_add (self->nodes, g_object_ref (nodes[i]));
      record->node = nodes[i];
      g_hash_table_insert (self->by_name_or_id, (gpointer) graphbit_node_get_name (nodes[i]), GUINT_TO_POINTER (i + 1));
      g_hash_table_insert (self->by_name_or_id, (gpointer) graphbit_node_get_id (nodes[i]), GUINT_TO_POINTER (i + 1));
      if (record->completion_order > 0)
        g_ptr_array_add (finished, record);
    }

  if (inputs != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, inputs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        set_variable (self, key, value);
    }
  g_ptr_array_sort (finished, compare_completion);
  for (guint i = 0; i < finished->len; i++)
    {
      GraphbitNodeRecord *record = g_ptr_array_index (finished, i);

      if (record->output != NULL)
        set_variable (self, graphbit_node_get_name (record->node), record->output);
    }
  for (guint i = 0; i < finished->len; i++)
    {
      GraphbitNodeRecord *record = g_ptr_array_index (finished, i);
      g_autofree char *key = g_strdup_printf ("node_result_%u", i + 1);

      if (record->output != NULL)
        set_variable (self, key, record->output);
    }
  return self;
}

static GraphbitNodeRecord *
find_record (GraphbitWorkflowResult *self,
             const char             *name_or_id)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->by_name_or_id, name_or_id));

  return index > 0 ? &g_array_index (self->records, GraphbitNodeRecord, index - 1) : NULL;
}

/**
 * graphbit_workflow_result_is_success:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets whether the run completed with no node failing.
 *
 * Returns: whether the run completed without a node failing
 */
gboolean
graphbit_workflow_result_is_success (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), FALSE);
  return self->error == NULL;
}

/**
 * graphbit_workflow_result_is_failed:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets whether the run failed because a node failed.
 *
 * Returns: whether a node failed
 */
gboolean
graphbit_workflow_result_is_failed (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), FALSE);
  return self->error != NULL;
}

/**
 * graphbit_workflow_result_get_state:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets how the run ended: completed, or failed because a node failed.
 *
 * Returns: how the run ended
 */
GraphbitWorkflowState
graphbit_workflow_result_get_state (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), GRAPHBIT_WORKFLOW_STATE_FAILED);
  return self->error == NULL ? GRAPHBIT_WORKFLOW_STATE_COMPLETED : GRAPHBIT_WORKFLOW_STATE_FAILED;
}

/**
 * graphbit_workflow_result_get_state_name:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets how the run ended, as Python's `WorkflowResult.state()` shows it.
 *
 * Returns: "Completed" or "Failed"
 */
const char *
graphbit_workflow_result_get_state_name (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);
  return self->error == NULL ? "Completed" : "Failed";
}

/**
 * graphbit_workflow_result_get_error_message:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets the message of the run's first node failure;
 * [method@Graphbit.WorkflowResult.check] gives it as a #GError.
 *
 * Returns: (nullable): the first node error's message, or %NULL
 */
const char *
graphbit_workflow_result_get_error_message (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);
  return self->error != NULL ? self->error->message : NULL;
}

/**
 * graphbit_workflow_result_check:
 * @self: a #GraphbitWorkflowResult
 * @error: return location for the run's error
 *
 * Reports the run's first node error, with its type and details (a
 * provider's 429 stays a %GRAPHBIT_ERROR_RATE_LIMIT, ...).
 *
 * Returns: %TRUE if the run completed, else %FALSE with @error set
 */
gboolean
graphbit_workflow_result_check (GraphbitWorkflowResult  *self,
                                GError                 **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), FALSE);

  if (self->error == NULL)
    return TRUE;
  graphbit_propagate_error (error, g_error_copy (self->error));
  return FALSE;
}

/**
 * graphbit_workflow_result_get_workflow_name:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets the name of the workflow this result is for.
 *
 * Returns: the name of the workflow that ran
 */
const char *
graphbit_workflow_result_get_workflow_name (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);
  return self->workflow_name;
}

/**
 * graphbit_workflow_result_get_execution_time_ms:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets the wall-clock duration of the run, in milliseconds.
 *
 * Returns: how long the run took, in milliseconds
 */
gdouble
graphbit_workflow_result_get_execution_time_ms (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), 0);
  return self->execution_time_ms;
}

/**
 * graphbit_workflow_result_get_node_output:
 * @self: a #GraphbitWorkflowResult
 * @name_or_id: a node's name or id
 *
 * Gets the output of one node, as text.
 *
 * Returns: (nullable): the node's output, or %NULL if it has none (it did
 *   not complete, or in memory-optimized mode was not a final node)
 */
const char *
graphbit_workflow_result_get_node_output (GraphbitWorkflowResult *self,
                                          const char             *name_or_id)
{
  GraphbitNodeRecord *record;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  record = find_record (self, name_or_id);
  return record != NULL ? record->output : NULL;
}

/**
 * graphbit_workflow_result_get_all_node_outputs:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets the output of every node that has one.
 *
 * Returns: (transfer full): every node output as `a{ss}`, by node name
 */
GVariant *
graphbit_workflow_result_get_all_node_outputs (GraphbitWorkflowResult *self)
{
  GVariantBuilder builder;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; i < self->records->len; i++)
    {
      GraphbitNodeRecord *record = &g_array_index (self->records, GraphbitNodeRecord, i);

      if (record->output != NULL)
        g_variant_builder_add (&builder, "{ss}", graphbit_node_get_name (record->node), record->output);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * graphbit_workflow_result_get_node_status:
 * @self: a #GraphbitWorkflowResult
 * @name_or_id: a node's name or id
 *
 * Gets whether one node completed, failed, was skipped, was cancelled or
 * never started.
 *
 * Returns: what happened to the node (%GRAPHBIT_NODE_STATUS_PENDING for an
 *   unknown node)
 */
GraphbitNodeStatus
graphbit_workflow_result_get_node_status (GraphbitWorkflowResult *self,
                                          const char             *name_or_id)
{
  GraphbitNodeRecord *record;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), GRAPHBIT_NODE_STATUS_PENDING);

  record = find_record (self, name_or_id);
  return record != NULL ? record->status : GRAPHBIT_NODE_STATUS_PENDING;
}

/**
 * graphbit_workflow_result_get_node_error:
 * @self: a #GraphbitWorkflowResult
 * @name_or_id: a node's name or id
 *
 * Gets the error message of one node that failed.
 *
 * Returns: (nullable): why the node failed, or %NULL
 */
const char *
graphbit_workflow_result_get_node_error (GraphbitWorkflowResult *self,
                                         const char             *name_or_id)
{
  GraphbitNodeRecord *record;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);

  record = find_record (self, name_or_id);
  return record != NULL && record->error != NULL ? record->error->message : NULL;
}

/**
 * graphbit_workflow_result_get_node_results:
 * @self: a #GraphbitWorkflowResult
 *
 * Describes every node, in the order they were added: `name`, `id`,
 * `kind`, `status`, `output` (when kept), `error` (when failed),
 * `started_ms` (from the start of the run), `duration_ms`,
 * `prompt_tokens` and `completion_tokens`.
 *
 * Returns: (transfer full): an `aa{sv}`
 */
GVariant *
graphbit_workflow_result_get_node_results (GraphbitWorkflowResult *self)
{
  GVariantBuilder builder;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < self->records->len; i++)
    {
      GraphbitNodeRecord *record = &g_array_index (self->records, GraphbitNodeRecord, i);

      g_variant_builder_open (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string (graphbit_node_get_name (record->node)));
      g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string (graphbit_node_get_id (record->node)));
      g_variant_builder_add (&builder, "{sv}", "kind",
                             g_variant_new_string (graphbit_node_get_kind_name (record->node)));
      g_variant_builder_add (&builder, "{sv}", "status",
                             g_variant_new_string (graphbit_node_status_to_string (record->status)));
      if (record->output != NULL)
        g_variant_builder_add (&builder, "{sv}", "output", g_variant_new_string (record->output));
      if (record->error != NULL)
        g_variant_builder_add (&builder, "{sv}", "error", g_variant_new_string (record->error->message));
      g_variant_builder_add (&builder, "{sv}", "started_ms", g_variant_new_double (record->started_ms));
      g_variant_builder_add (&builder, "{sv}", "duration_ms", g_variant_new_double (record->duration_ms));
      g_variant_builder_add (&builder, "{sv}", "prompt_tokens", g_variant_new_uint32 (record->prompt_tokens));
      g_variant_builder_add (&builder, "{sv}", "completion_tokens", g_variant_new_uint32 (record->completion_tokens));
      g_variant_builder_close (&builder);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * graphbit_workflow_result_get_variables:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets every variable in order: the execution inputs, each node's output
 * under its name (in the order nodes finished), then `node_result_1`,
 * `node_result_2`, ... (the same outputs, for GraphBit v0.1 code).
 *
 * Returns: (transfer full): an `a(ss)` of (key, value)
 */
GVariant *
graphbit_workflow_result_get_variables (GraphbitWorkflowResult *self)
{
  GVariantBuilder builder;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < self->variable_keys->len; i++)
    {
      const char *key = g_ptr_array_index (self->variable_keys, i);

      g_variant_builder_add (&builder, "(ss)", key, (const char *) g_hash_table_lookup (self->variables, key));
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * graphbit_workflow_result_get_variable:
 * @self: a #GraphbitWorkflowResult
 * @key: a variable's name
 *
 * Gets one variable of the run: an execution input, a node output by node
 * name, or `node_result_N`.
 *
 * Returns: (nullable): the variable's value, or %NULL
 */
const char *
graphbit_workflow_result_get_variable (GraphbitWorkflowResult *self,
                                       const char             *key)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (self->variables, key);
}

static guint
sum_tokens (GraphbitWorkflowResult *self,
            gboolean                prompt)
{
  guint total = 0;

  for (guint i = 0; i < self->records->len; i++)
    {
      GraphbitNodeRecord *record = &g_array_index (self->records, GraphbitNodeRecord, i);

      total += prompt ? record->prompt_tokens : record->completion_tokens;
    }
  return total;
}

/**
 * graphbit_workflow_result_get_prompt_tokens:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets the number of prompt tokens sent by the run's agent nodes.
 *
 * Returns: the prompt tokens of every agent node, summed
 */
guint
graphbit_workflow_result_get_prompt_tokens (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), 0);
  return sum_tokens (self, TRUE);
}

/**
 * graphbit_workflow_result_get_completion_tokens:
 * @self: a #GraphbitWorkflowResult
 *
 * Gets the number of tokens generated by the run's agent nodes.
 *
 * Returns: the completion tokens of every agent node, summed
 */
guint
graphbit_workflow_result_get_completion_tokens (GraphbitWorkflowResult *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW_RESULT (self), 0);
  return sum_tokens (self, FALSE);
}
