/* workflow-conditional.c - a condition chooses a branch; the branches join again
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The condition reads the execution input "priority" (it could also read a
 * node's output: node.classify contains 'bug'); the edge whose value it
 * matches is taken, the other branch is skipped, and the template
 * transform after both runs either way.
 */

#include "example-provider.h"

static gboolean
add (GraphbitWorkflow  *workflow,
     GraphbitNode      *node,
     GError           **error)
{
  g_autoptr(GraphbitNode) owned = node;

  return owned != NULL && graphbit_workflow_add_node (workflow, owned, error) != NULL;
}

static gboolean
build (GraphbitWorkflow  *workflow,
       GError           **error)
{
  return add (workflow, graphbit_node_agent ("classify", "Is this ticket a bug or a question? {ticket}", NULL, error),
              error)
         && add (workflow, graphbit_node_condition ("route", "priority >= 3", error), error)
         && add (workflow, graphbit_node_agent ("escalate", "Write a short escalation note.", NULL, error), error)
         && add (workflow, graphbit_node_agent ("answer", "Write a short, friendly answer.", NULL, error), error)
         && add (workflow, graphbit_node_transform ("reply", "template:[{{node.route}}] {input}", error), error)
         && graphbit_workflow_connect (workflow, "classify", "route", error)
         && graphbit_workflow_connect_when (workflow, "route", "escalate", TRUE, error)
         && graphbit_workflow_connect_when (workflow, "route", "answer", FALSE, error)
         && graphbit_workflow_connect (workflow, "escalate", "reply", error)
         && graphbit_workflow_connect (workflow, "answer", "reply", error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = example_config_from_argv (argc, argv, &error);
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("support");
  g_autoptr(GraphbitExecutor) executor = NULL;
  const char *priorities[] = { "1", "5" };

  if (config == NULL || !build (workflow, &error)
      || (executor = graphbit_executor_new_low_latency (config, 0, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < G_N_ELEMENTS (priorities); i++)
    {
      g_autoptr(GHashTable) inputs = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GraphbitWorkflowResult) result = NULL;
      gboolean escalated;

      g_hash_table_insert (inputs, (gpointer) "ticket", (gpointer) "The app crashes on start.");
      g_hash_table_insert (inputs, (gpointer) "priority", (gpointer) priorities[i]);
      result = graphbit_executor_execute (executor, workflow, inputs, NULL, &error);
      if (result == NULL || !graphbit_workflow_result_check (result, &error))
        {
          g_printerr ("failed: %s\n", error->message);
          return 1;
        }
      escalated = graphbit_workflow_result_get_node_status (result, "escalate") == GRAPHBIT_NODE_STATUS_COMPLETED;
      g_print ("priority %s: took '%s', skipped '%s'\n", priorities[i], escalated ? "escalate" : "answer",
               escalated ? "answer" : "escalate");
    }

  graphbit_shutdown ();
  return 0;
}
