/* graphbit-workflow-plan.c - a validated workflow, ready to run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Validation and compilation are one pass over the graph: O(nodes + edges)
 * for the order (Kahn's algorithm), plus a walk up the ancestors of each
 * node that reads another node's output.
 */

#include "config.h"

#include <string.h>

#include "graphbit-workflow-plan-private.h"
#include "graphbit-node-private.h"
#include "graphbit-error-private.h"

static void
plan_clear (GraphbitWorkflowPlan *plan)
{
  for (guint i = 0; i < plan->n_nodes; i++)
    {
      g_object_unref (plan->nodes[i]);
      g_array_unref (plan->children[i]);
      g_array_unref (plan->parents[i]);
      g_array_unref (plan->references[i]);
    }
  g_free (plan->nodes);
  g_free (plan->children);
  g_free (plan->parents);
  g_free (plan->references);
  g_free (plan->n_consumers);
  g_clear_pointer (&plan->by_name_or_id, g_hash_table_unref);
  g_free (plan->name);
}

GraphbitWorkflowPlan *
graphbit_workflow_plan_ref (GraphbitWorkflowPlan *plan)
{
  return g_atomic_rc_box_acquire (plan);
}

void
graphbit_workflow_plan_unref (GraphbitWorkflowPlan *plan)
{
  g_atomic_rc_box_release_full (plan, (GDestroyNotify) plan_clear);
}

gint
graphbit_workflow_plan_lookup (GraphbitWorkflowPlan *plan,
                               const char           *name_or_id)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (plan->by_name_or_id, name_or_id)) - 1;
}

gint
graphbit_workflow_plan_resolve_reference (GraphbitWorkflowPlan  *plan,
                                          const char            *reference,
                                          const char           **path)
{
  g_autofree char *name = g_strdup (reference);
  char *dot;

  /* Names may contain dots: the longest known prefix is the node. */
  for (;;)
    {
      gint index = graphbit_workflow_plan_lookup (plan, name);

      if (index >= 0)
        {
          *path = reference[strlen (name)] == '.' ? reference + strlen (name) + 1 : NULL;
          return index;
        }
      dot = strrchr (name, '.');
      if (dot == NULL)
        return -1;
      *dot = '\0';
    }
}

static GError *
invalid_workflow (GraphbitWorkflowPlan *plan,
                  const char           *field,
                  const char           *value,
                  const char           *format,
                  ...) G_GNUC_PRINTF (4, 5);

static GError *
invalid_workflow (GraphbitWorkflowPlan *plan,
                  const char           *field,
                  const char           *value,
                  const char           *format,
                  ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return graphbit_error_new_validation ("validate", field, value, "Invalid workflow '%s': %s", plan->name, message);
}

static guint
first_pending_parent (GraphbitWorkflowPlan *plan,
                      const guint          *pending,
                      guint                 node)
{
  GArray *parents = plan->parents[node];

  for (guint p = 0; p < parents->len; p++)
    if (pending[g_array_index (parents, guint, p)] != 0)
      return g_array_index (parents, guint, p);
  g_return_val_if_reached (node);
}

/* Kahn's algorithm; on a cycle, walks parents among the nodes left over
 * until one repeats, and names that loop. */
static gboolean
check_acyclic (GraphbitWorkflowPlan  *plan,
               GError               **error)
{
  g_autofree guint *pending = g_new0 (guint, plan->n_nodes);
  g_autofree guint *queue = g_new (guint, plan->n_nodes);
  g_autofree gint *seen_at = NULL;
  g_autoptr(GString) cycle = NULL;
  guint head = 0, tail = 0, start = 0, node;

  for (guint i = 0; i < plan->n_nodes; i++)
    {
      pending[i] = plan->parents[i]->len;
      if (pending[i] == 0)
        queue[tail++] = i;
    }
  while (head < tail)
    {
      GArray *children = plan->children[queue[head++]];

      for (guint c = 0; c < children->len; c++)
        {
          guint child = g_array_index (children, GraphbitPlanLink, c).node;

          if (--pending[child] == 0)
            queue[tail++] = child;
        }
    }
  if (tail == plan->n_nodes)
    return TRUE;

  while (pending[start] == 0)
    start++;
  seen_at = g_new (gint, plan->n_nodes);
  for (guint i = 0; i < plan->n_nodes; i++)
    seen_at[i] = -1;
  /* Every left-over node has a left-over parent, so following the first
   * one repeatedly must come back to a node: that node is on a cycle. */
  node = start;
  for (gint step = 0; seen_at[node] < 0; step++)
    {
      seen_at[node] = step;
      node = first_pending_parent (plan, pending, node);
    }
  /* The same walk from there goes round the cycle once, against the edges;
   * the message lists it along them. */
  {
    g_autoptr(GPtrArray) loop = g_ptr_array_new ();
    guint current = node;

    do
      {
        g_ptr_array_add (loop, (gpointer) graphbit_node_get_name (plan->nodes[current]));
        current = first_pending_parent (plan, pending, current);
      }
    while (current != node);

    cycle = g_string_new (graphbit_node_get_name (plan->nodes[node]));
    for (guint i = loop->len; i > 0; i--)
      {
        g_string_append (cycle, " → ");
        g_string_append (cycle, g_ptr_array_index (loop, i - 1));
      }
  }
  g_propagate_error (error, invalid_workflow (plan, "edges", cycle->str,
                                              "the workflow graph contains cycles: %s. A workflow must be a directed "
                                              "acyclic graph; remove one of these edges", cycle->str));
  return FALSE;
}

static gboolean
is_ancestor (GraphbitWorkflowPlan *plan,
             guint                 ancestor,
             guint                 node)
{
  g_autofree gboolean *visited = g_new0 (gboolean, plan->n_nodes);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));

  g_array_append_val (stack, node);
  while (stack->len > 0)
    {
      guint current = g_array_index (stack, guint, stack->len - 1);
      GArray *parents = plan->parents[current];

      g_array_set_size (stack, stack->len - 1);
      for (guint p = 0; p < parents->len; p++)
        {
          guint parent = g_array_index (parents, guint, p);

          if (parent == ancestor)
            return TRUE;
          if (!visited[parent])
            {
              visited[parent] = TRUE;
              g_array_append_val (stack, parent);
            }
        }
    }
  return FALSE;
}

static gboolean
resolve_references (GraphbitWorkflowPlan  *plan,
                    GError               **error)
{
  for (guint i = 0; i < plan->n_nodes; i++)
    {
      GraphbitNode *node = plan->nodes[i];
      g_autoptr(GPtrArray) references = graphbit_node_dup_references (node);

      for (guint r = 0; r < references->len; r++)
        {
          const char *reference = g_ptr_array_index (references, r);
          const char *path;
          gint target = graphbit_workflow_plan_resolve_reference (plan, reference, &path);

          if (target < 0)
            {
              g_propagate_error (error, invalid_workflow (plan, "reference", reference,
                                                          "node '%s' refers to node.%s, but the workflow has no "
                                                          "node of that name or id",
                                                          graphbit_node_get_name (node), reference));
              return FALSE;
            }
          if (!is_ancestor (plan, (guint) target, i))
            {
              g_propagate_error (error, invalid_workflow (plan, "reference", reference,
                                                          "node '%s' reads node '%s', which is not upstream of it; "
                                                          "connect them so its output exists when it runs",
                                                          graphbit_node_get_name (node),
                                                          graphbit_node_get_name (plan->nodes[target])));
              return FALSE;
            }
          {
            guint t = (guint) target;

            g_array_append_val (plan->references[i], t);
            plan->n_consumers[t]++;
          }
        }
    }
  return TRUE;
}

GraphbitWorkflowPlan *
graphbit_workflow_plan_new (GraphbitWorkflow  *workflow,
                            GError           **error)
{
  GPtrArray *nodes = graphbit_workflow_peek_nodes (workflow);
  GArray *edges = graphbit_workflow_peek_edges (workflow);
  g_autoptr(GraphbitWorkflowPlan) plan = g_atomic_rc_box_new0 (GraphbitWorkflowPlan);

  plan->name = g_strdup (graphbit_workflow_get_name (workflow));
  plan->by_name_or_id = g_hash_table_new (g_str_hash, g_str_equal);
  if (nodes->len == 0)
    {
      g_propagate_error (error, invalid_workflow (plan, "nodes", "0",
                                                  "Workflow cannot be empty: add at least one node"));
      return NULL;
    }

  plan->n_nodes = nodes->len;
  plan->nodes = g_new (GraphbitNode *, nodes->len);
  plan->children = g_new (GArray *, nodes->len);
  plan->parents = g_new (GArray *, nodes->len);
  plan->references = g_new (GArray *, nodes->len);
  plan->n_consumers = g_new0 (guint, nodes->len);
  for (guint i = 0; i < nodes->len; i++)
    {
      GraphbitNode *node = g_ptr_array_index (nodes, i);

      plan->nodes[i] = g_object_ref (node);
      plan->children[i] = g_array_new (FALSE, FALSE, sizeof (GraphbitPlanLink));
      plan->parents[i] = g_array_new (FALSE, FALSE, sizeof (guint));
      plan->references[i] = g_array_new (FALSE, FALSE, sizeof (guint));
      /* The strings belong to the nodes, which the plan holds. */
      g_hash_table_insert (plan->by_name_or_id, (gpointer) graphbit_node_get_name (node), GUINT_TO_POINTER (i + 1));
      g_hash_table_insert (plan->by_name_or_id, (gpointer) graphbit_node_get_id (node), GUINT_TO_POINTER (i + 1));
    }
  for (guint e = 0; e < edges->len; e++)
    {
      const GraphbitEdge *edge = &g_array_index (edges, GraphbitEdge, e);
      GraphbitPlanLink link = { edge->to, edge->condition };

      g_array_append_val (plan->children[edge->from], link);
      g_array_append_val (plan->parents[edge->to], edge->from);
      plan->n_consumers[edge->from]++;
    }

  if (!check_acyclic (plan, error) || !resolve_references (plan, error))
    return NULL;
  return g_steal_pointer (&plan);
}
