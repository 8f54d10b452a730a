/* graphbit-workflow.c - a graph of nodes and the edges between them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-workflow-private.h"
#include "graphbit-workflow-plan-private.h"
#include "graphbit-error-private.h"

/**
 * GraphbitWorkflow:
 *
 * A directed acyclic graph of [class@Graphbit.Node]s. Build it with
 * [method@Graphbit.Workflow.add_node] and [method@Graphbit.Workflow.connect]
 * (by node id or name), check it with [method@Graphbit.Workflow.validate],
 * and run it with a [class@Graphbit.Executor]: nodes run in dependency
 * order, each as soon as its parents are done, and outputs flow along the
 * edges.
 *
 * A workflow is a description: executing it takes a snapshot, so it may
 * be changed or run again while a run is in progress. It is not
 * thread-safe while being built.
 */
struct _GraphbitWorkflow
{
  GObject parent_instance;

  char *name;
  GPtrArray *nodes;          /* GraphbitNode* */
  GHashTable *index;         /* name or id → index + 1 */
  GArray *edges;             /* GraphbitEdge */
};

G_DEFINE_FINAL_TYPE (GraphbitWorkflow, graphbit_workflow, G_TYPE_OBJECT)

static void
graphbit_workflow_finalize (GObject *object)
{
  GraphbitWorkflow *self = GRAPHBIT_WORKFLOW (object);

  g_free (self->name);
  g_hash_table_unref (self->index);
  g_ptr_array_unref (self->nodes);
  g_array_unref (self->edges);
  G_OBJECT_CLASS (graphbit_workflow_parent_class)->finalize (object);
}

static void
graphbit_workflow_class_init (GraphbitWorkflowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_workflow_finalize;
}

static void
graphbit_workflow_init (GraphbitWorkflow *self)
{
  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
  self->edges = g_array_new (FALSE, FALSE, sizeof (GraphbitEdge));
}

/**
 * graphbit_workflow_new:
 * @name: the workflow's name
 *
 * Creates an empty workflow.
 *
 * Returns: (transfer full): a new #GraphbitWorkflow
 */
GraphbitWorkflow *
graphbit_workflow_new (const char *name)
{
  GraphbitWorkflow *self = g_object_new (GRAPHBIT_TYPE_WORKFLOW, NULL);

  self->name = g_strdup (name != NULL ? name : "");
  return self;
}

/**
 * graphbit_workflow_get_name:
 * @self: a #GraphbitWorkflow
 *
 * Gets the name the workflow was created with.
 *
 * Returns: the workflow's name
 */
const char *
graphbit_workflow_get_name (GraphbitWorkflow *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), NULL);
  return self->name;
}

GPtrArray *
graphbit_workflow_peek_nodes (GraphbitWorkflow *self)
{
  return self->nodes;
}

GArray *
graphbit_workflow_peek_edges (GraphbitWorkflow *self)
{
  return self->edges;
}

gint
graphbit_workflow_find_node_index (GraphbitWorkflow *self,
                                   const char       *name_or_id)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (self->index, name_or_id)) - 1;
}

/**
 * graphbit_workflow_add_node:
 * @self: a #GraphbitWorkflow
 * @node: the node to add
 * @error: return location for a #GError
 *
 * Adds @node. Its name and its id must both be new in this workflow.
 *
 * Returns: (transfer none): the node's id, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION for a duplicate name or id
 */
const char *
graphbit_workflow_add_node (GraphbitWorkflow  *self,
                            GraphbitNode      *node,
                            GError           **error)
{
  const char *name, *id;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), NULL);
  g_return_val_if_fail (GRAPHBIT_IS_NODE (node), NULL);

  name = graphbit_node_get_name (node);
  id = graphbit_node_get_id (node);
  if (g_hash_table_contains (self->index, name) || g_hash_table_contains (self->index, id))
    {
      const char *field = g_hash_table_contains (self->index, name) ? "name" : "id";

      graphbit_propagate_error (error,
        graphbit_error_new_validation ("add_node", field, g_str_equal (field, "name") ? name : id,
                                       "The workflow '%s' already has a node with the %s '%s'; "
                                       "node names and ids must be unique",
                                       self->name, field, g_str_equal (field, "name") ? name : id));
      return NULL;
    }
  g_ptr_array_add (self->nodes, g_object_ref (node));
  /* Keys are the node's own strings; the workflow holds the node. */
  g_hash_table_insert (self->index, (gpointer) name, GUINT_TO_POINTER (self->nodes->len));
  g_hash_table_insert (self->index, (gpointer) id, GUINT_TO_POINTER (self->nodes->len));
  return id;
}

static gint
endpoint (GraphbitWorkflow  *self,
          const char        *which,
          const char        *name_or_id,
          GError           **error)
{
  gint index = name_or_id != NULL ? graphbit_workflow_find_node_index (self, name_or_id) : -1;

  if (index < 0)
    graphbit_propagate_error (error,
      graphbit_error_new_validation ("connect", which, name_or_id != NULL ? name_or_id : "",
                                     "The workflow '%s' has no node named or identified '%s' (the %s of the edge); "
                                     "add the node first", self->name, name_or_id != NULL ? name_or_id : "",
                                     g_str_equal (which, "from") ? "source" : "target"));
  return index;
}

/* "an agent", "a transform", ...: for messages. */
static const char *
kind_with_article (GraphbitNode *node)
{
  switch (graphbit_node_get_kind (node))
    {
    case GRAPHBIT_NODE_KIND_AGENT:
      return "an agent";
    case GRAPHBIT_NODE_KIND_TRANSFORM:
      return "a transform";
    case GRAPHBIT_NODE_KIND_CONDITION:
      return "a condition";
    case GRAPHBIT_NODE_KIND_DELAY:
    default:
      return "a delay";
    }
}

static gboolean
add_edge (GraphbitWorkflow  *self,
          const char        *from,
          const char        *to,
          gint               condition,
          GError           **error)
{
  GraphbitEdge edge;
  gint source, target;

  if ((source = endpoint (self, "from", from, error)) < 0 || (target = endpoint (self, "to", to, error)) < 0)
    return FALSE;
  if (condition >= 0
      && graphbit_node_get_kind (g_ptr_array_index (self->nodes, source)) != GRAPHBIT_NODE_KIND_CONDITION)
    {
      graphbit_propagate_error (error,
        graphbit_error_new_validation ("connect", "condition", condition ? "true" : "false",
                                       "Only edges leaving a condition node can have a condition, and '%s' is "
                                       "%s node", from,
                                       kind_with_article (g_ptr_array_index (self->nodes, source))));
      return FALSE;
    }

  /* Connecting twice the same way is harmless: keep one edge. */
  for (guint i = 0; i < self->edges->len; i++)
    {
      const GraphbitEdge *existing = &g_array_index (self->edges, GraphbitEdge, i);

      if (existing->from == (guint) source && existing->to == (guint) target && existing->condition == condition)
        return TRUE;
    }
  edge.from = (guint) source;
  edge.to = (guint) target;
  edge.condition = condition;
  g_array_append_val (self->edges, edge);
  return TRUE;
}

/**
 * graphbit_workflow_connect:
 * @self: a #GraphbitWorkflow
 * @from: the id or name of the upstream node
 * @to: the id or name of the downstream node
 * @error: return location for a #GError
 *
 * Adds an edge: @to runs after @from and receives its output. Cycles are
 * reported by [method@Graphbit.Workflow.validate], naming the nodes.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION for an
 *   unknown node
 */
gboolean
graphbit_workflow_connect (GraphbitWorkflow  *self,
                           const char        *from,
                           const char        *to,
                           GError           **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), FALSE);
  return add_edge (self, from, to, -1, error);
}

/**
 * graphbit_workflow_connect_when:
 * @self: a #GraphbitWorkflow
 * @from: the id or name of a condition node
 * @to: the id or name of the downstream node
 * @condition: the value of @from's condition that takes this edge
 * @error: return location for a #GError
 *
 * Adds a conditional edge: it is taken when @from's condition evaluates
 * to @condition. A node none of whose incoming edges is taken is skipped,
 * and so are the nodes that only it leads to.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION for an
 *   unknown node or a @from that is not a condition
 */
gboolean
graphbit_workflow_connect_when (GraphbitWorkflow  *self,
                                const char        *from,
                                const char        *to,
                                gboolean           condition,
                                GError           **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), FALSE);
  return add_edge (self, from, to, condition ? 1 : 0, error);
}

/**
 * graphbit_workflow_validate:
 * @self: a #GraphbitWorkflow
 * @error: return location for a #GError
 *
 * Checks the workflow can run: it has nodes, no cycle (the error names the
 * nodes on it), and every `{{node.X}}` or `node.X` a node reads names an
 * upstream node. Executors run the same checks.
 *
 * Returns: %TRUE if it can run, else %FALSE with %GRAPHBIT_ERROR_VALIDATION
 */
gboolean
graphbit_workflow_validate (GraphbitWorkflow  *self,
                            GError           **error)
{
  g_autoptr(GraphbitWorkflowPlan) plan = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), FALSE);

  plan = graphbit_workflow_plan_new (self, &local_error);
  if (plan == NULL)
    {
      graphbit_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * graphbit_workflow_get_node_count:
 * @self: a #GraphbitWorkflow
 *
 * Gets the number of nodes added to the workflow.
 *
 * Returns: the number of nodes
 */
guint
graphbit_workflow_get_node_count (GraphbitWorkflow *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), 0);
  return self->nodes->len;
}

/**
 * graphbit_workflow_get_edge_count:
 * @self: a #GraphbitWorkflow
 *
 * Gets the number of edges added with [method@Graphbit.Workflow.connect] or
 * [method@Graphbit.Workflow.connect_when].
 *
 * Returns: the number of edges
 */
guint
graphbit_workflow_get_edge_count (GraphbitWorkflow *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), 0);
  return self->edges->len;
}

/**
 * graphbit_workflow_get_node:
 * @self: a #GraphbitWorkflow
 * @name_or_id: a node's name or id
 *
 * Looks a node up by its name or its id.
 *
 * Returns: (transfer none) (nullable): the node, or %NULL if there is none
 */
GraphbitNode *
graphbit_workflow_get_node (GraphbitWorkflow *self,
                            const char       *name_or_id)
{
  gint index;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  index = graphbit_workflow_find_node_index (self, name_or_id);
  return index >= 0 ? g_ptr_array_index (self->nodes, index) : NULL;
}

/**
 * graphbit_workflow_get_nodes:
 * @self: a #GraphbitWorkflow
 *
 * Gets every node of the workflow.
 *
 * Returns: (transfer container) (element-type GraphbitNode): the nodes, in
 *   the order they were added
 */
GPtrArray *
graphbit_workflow_get_nodes (GraphbitWorkflow *self)
{
  GPtrArray *nodes;

  g_return_val_if_fail (GRAPHBIT_IS_WORKFLOW (self), NULL);

  nodes = g_ptr_array_new_full (self->nodes->len, g_object_unref);
  for (guint i = 0; i < self->nodes->len; i++)
    g_ptr_array_add (nodes, g_object_ref (g_ptr_array_index (self->nodes, i)));
  return nodes;
}
