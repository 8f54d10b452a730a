/* workflow-chain.c - a sequential chain: research → draft → polish
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each agent sees its parent's output as context; {topic} comes from the
 * execution inputs; the final transform runs locally.
 */

#include "example-provider.h"

static gboolean
build (GraphbitWorkflow  *workflow,
       GError           **error)
{
  g_autoptr(GraphbitNode) research = graphbit_node_agent ("research", "List three facts about {topic}.", NULL, error);
  g_autoptr(GraphbitNode) draft = NULL;
  g_autoptr(GraphbitNode) polish = NULL;

  if (research == NULL
      || (draft = graphbit_node_agent ("draft", "Write one paragraph from these facts.", NULL, error)) == NULL
      || (polish = graphbit_node_transform ("polish", "trim", error)) == NULL)
    return FALSE;
  return graphbit_workflow_add_node (workflow, research, error) != NULL
         && graphbit_workflow_add_node (workflow, draft, error) != NULL
         && graphbit_workflow_add_node (workflow, polish, error) != NULL
         && graphbit_workflow_connect (workflow, "research", "draft", error)
         && graphbit_workflow_connect (workflow, "draft", "polish", error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = example_config_from_argv (argc, argv, &error);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("article");
  g_autoptr(GraphbitExecutor) executor = NULL;
  g_autoptr(GraphbitWorkflowResult) result = NULL;
  g_autoptr(GHashTable) inputs = g_hash_table_new (g_str_hash, g_str_equal);

  if (config == NULL || !build (workflow, &error)
      || (executor = graphbit_executor_new (config, GRAPHBIT_EXECUTION_MODE_BALANCED, 0, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_hash_table_insert (inputs, (gpointer) "topic", (gpointer) "the GLib main loop");
  result = graphbit_executor_execute (executor, workflow, inputs, NULL, &error);
  if (result == NULL || !graphbit_workflow_result_check (result, &error))
    {
      g_printerr ("failed: %s\n", error->message);
      return 1;
    }
  g_print ("%s\n\n%.0f ms, %u prompt tokens\n", graphbit_workflow_result_get_node_output (result, "polish"),
           graphbit_workflow_result_get_execution_time_ms (result),
           graphbit_workflow_result_get_prompt_tokens (result));

  graphbit_shutdown ();
  return 0;
}
