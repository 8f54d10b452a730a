/* workflow-fan-out.c - fan-out / fan-in, asynchronously, with progress signals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Three reviewers share one parent and no edges between them, so they run
 * at once; the verdict waits for all three and sees their reviews. The run
 * is started with execute_async(); node-finished reports progress in this
 * thread's main context.
 */

#include "example-provider.h"

static const char * const reviewers[] = { "security", "performance", "readability" };

static gboolean
add_agent (GraphbitWorkflow  *workflow,
           const char        *name,
           const char        *prompt,
           GError           **error)
{
  g_autoptr(GraphbitNode) node = graphbit_node_agent (name, prompt, NULL, error);

  return node != NULL && graphbit_workflow_add_node (workflow, node, error) != NULL;
}

static gboolean
build (GraphbitWorkflow  *workflow,
       GError           **error)
{
  if (!add_agent (workflow, "change", "Describe this change in one line: {change}", error)
      || !add_agent (workflow, "verdict", "Given the reviews, approve or reject, with one reason.", error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reviewers); i++)
    {
      g_autofree char *prompt = g_strdup_printf ("Review the change for %s in two sentences.", reviewers[i]);

      if (!add_agent (workflow, reviewers[i], prompt, error)
          || !graphbit_workflow_connect (workflow, "change", reviewers[i], error)
          || !graphbit_workflow_connect (workflow, reviewers[i], "verdict", error))
        return FALSE;
    }
  return TRUE;
}

static void
on_node_finished (GraphbitExecutor   *executor,
                  const char         *node_name,
                  GraphbitNodeStatus  status,
                  const char         *output,
                  gpointer            user_data)
{
  g_print ("  %s: %s\n", node_name, status == GRAPHBIT_NODE_STATUS_COMPLETED ? "done" : "not done");
}

static void
on_run_done (GObject      *source,
             GAsyncResult *async_result,
             gpointer      user_data)
{
  int *status = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitWorkflowResult) result =
    graphbit_executor_execute_finish (GRAPHBIT_EXECUTOR (source), async_result, &error);

  if (result == NULL || !graphbit_workflow_result_check (result, &error))
    {
      g_printerr ("failed: %s\n", error->message);
      *status = 1;
      return;
    }
  g_print ("verdict after %.0f ms:\n%s\n", graphbit_workflow_result_get_execution_time_ms (result),
           graphbit_workflow_result_get_node_output (result, "verdict"));
  *status = 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = example_config_from_argv (argc, argv, &error);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("review");
  g_autoptr(GraphbitExecutor) executor = NULL;
  g_autoptr(GHashTable) inputs = g_hash_table_new (g_str_hash, g_str_equal);
  int status = -1;

  if (config == NULL || !build (workflow, &error)
      || (executor = graphbit_executor_new_high_throughput (config, 120, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_signal_connect (executor, "node-finished", G_CALLBACK (on_node_finished), NULL);
  g_hash_table_insert (inputs, (gpointer) "change", (gpointer) "cache parsed configs per thread");
  graphbit_executor_execute_async (executor, workflow, inputs, NULL, on_run_done, &status);
  while (status < 0)
    g_main_context_iteration (NULL, TRUE);

  graphbit_shutdown ();
  return status;
}
