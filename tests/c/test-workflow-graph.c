/* test-workflow-graph.c - nodes, workflows, their validation and plan, and
 * their JSON and Graphviz forms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nothing here runs a workflow: these are the checks made before a run.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphbit.h"
#include "workflow-test-helpers.h"
#include "graphbit-error-private.h"
#include "graphbit-node-private.h"
#include "graphbit-workflow-private.h"
#include "graphbit-workflow-plan-private.h"

#define SECRET_KEY "sk-test-SECRET-0123456789abcdef"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static void
assert_not_contains (const char *haystack,
                     const char *needle)
{
  g_assert_nonnull (haystack);
  if (strstr (haystack, needle) != NULL)
    g_error ("did not expect \"%s\" in \"%s\"", needle, haystack);
}

static const char *
error_value (const GError *error)
{
  return graphbit_error_details_get_value (graphbit_error_get_details (error));
}

/* A workflow of agents named by @names ("a", "b", ...). */
static GraphbitWorkflow *
workflow_of_agents (const char         *name,
                    const char * const *names)
{
  GraphbitWorkflow *workflow = graphbit_workflow_new (name);

  for (guint i = 0; names[i] != NULL; i++)
    add (workflow, agent (names[i], "Do your part"));
  return workflow;
}

static void
assert_valid (GraphbitWorkflow *workflow)
{
  g_autoptr(GError) error = NULL;

  if (!graphbit_workflow_validate (workflow, &error))
    g_error ("expected a valid workflow: %s", error->message);
}

/* Validates @workflow, expecting a validation error naming @field with
 * @fragment; returns the error. */
static GError *
validate_fails (GraphbitWorkflow *workflow,
                const char       *field,
                const char       *fragment)
{
  GError *error = NULL;

  g_assert_false (graphbit_workflow_validate (workflow, &error));
  assert_validation (error, "validate", field, fragment);
  return error;
}

/* The index of the node named @name in @plan, checked against lookup. */
static guint
plan_index (GraphbitWorkflowPlan *plan,
            const char           *name)
{
  gint index = graphbit_workflow_plan_lookup (plan, name);

  g_assert_cmpint (index, >=, 0);
  g_assert_cmpstr (graphbit_node_get_name (plan->nodes[index]), ==, name);
  return (guint) index;
}

static char *
plan_names (GraphbitWorkflowPlan *plan,
            GArray               *indices)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < indices->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "",
                            graphbit_node_get_name (plan->nodes[g_array_index (indices, guint, i)]));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
plan_children (GraphbitWorkflowPlan *plan,
               guint                 index)
{
  g_autoptr(GString) out = g_string_new (NULL);
  GArray *links = plan->children[index];

  for (guint i = 0; i < links->len; i++)
    {
      const GraphbitPlanLink *link = &g_array_index (links, GraphbitPlanLink, i);

      g_string_append_printf (out, "%s%s%s", i > 0 ? "," : "", graphbit_node_get_name (plan->nodes[link->node]),
                              link->condition < 0 ? "" : link->condition ? "?true" : "?false");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ------------------------------------------------------------------------
 * Nodes
 * ------------------------------------------------------------------------ */

static void
test_node_agent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitNode) plain = graphbit_node_agent ("writer", "Write about {topic}", NULL, &error);
  g_autoptr(GraphbitNode) full = NULL;
  g_autoptr(GraphbitLlmConfig) config = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (graphbit_node_get_kind (plain), ==, GRAPHBIT_NODE_KIND_AGENT);
  g_assert_cmpstr (graphbit_node_get_kind_name (plain), ==, "agent");
  g_assert_cmpstr (graphbit_node_get_name (plain), ==, "writer");
  g_assert_cmpstr (graphbit_node_get_prompt (plain), ==, "Write about {topic}");
  /* The agent id defaults to the name. */
  g_assert_cmpstr (graphbit_node_get_agent_id (plain), ==, "writer");
  g_assert_null (graphbit_node_get_system_prompt (plain));
  g_assert_cmpint (graphbit_node_get_max_tokens (plain), ==, 0);
  g_assert_true (isnan (graphbit_node_get_temperature (plain)));
  g_assert_false (graphbit_node_has_temperature (plain));
  g_assert_null (graphbit_node_get_llm_config (plain));
  /* The fields of other kinds are empty. */
  g_assert_null (graphbit_node_get_transformation (plain));
  g_assert_null (graphbit_node_get_expression (plain));
  g_assert_cmpfloat (graphbit_node_get_delay_seconds (plain), ==, 0);

  config = graphbit_llm_config_openai (SECRET_KEY, "gpt-4o", NULL, &error);
  g_assert_no_error (error);
  full = graphbit_node_agent_full ("critic", "Criticise", "critic-v2", "You are terse.", 256, 0.25, config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_node_get_agent_id (full), ==, "critic-v2");
  g_assert_cmpstr (graphbit_node_get_system_prompt (full), ==, "You are terse.");
  g_assert_cmpint (graphbit_node_get_max_tokens (full), ==, 256);
  g_assert_cmpfloat (graphbit_node_get_temperature (full), ==, 0.25);
  g_assert_true (graphbit_node_has_temperature (full));
  g_assert_true (graphbit_node_get_llm_config (full) == config);
  g_clear_object (&full);

  /* The limits of the options are allowed, and a blank system prompt is none. */
  full = graphbit_node_agent_full ("edge", "p", NULL, "  \n", 1, 0.0, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (graphbit_node_get_system_prompt (full));
  g_assert_cmpfloat (graphbit_node_get_temperature (full), ==, 0.0);
  g_clear_object (&full);
  full = graphbit_node_agent_full ("edge", "p", NULL, NULL, 0, 2.0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (graphbit_node_get_temperature (full), ==, 2.0);
}

static void
test_node_agent_errors (void)
{
  static const char * const blank_names[] = { "", " ", "\t\n" };
  g_autoptr(GError) error = NULL;
  GraphbitNode *node;

  for (guint i = 0; i < G_N_ELEMENTS (blank_names); i++)
    {
      node = graphbit_node_agent (blank_names[i], "A prompt", NULL, &error);
      g_assert_null (node);
      assert_validation (error, "Node.agent", "name", "A node needs a name that is not empty");
      g_assert_cmpstr (error_value (error), ==, blank_names[i]);
      g_clear_error (&error);
    }
  node = graphbit_node_agent (NULL, "A prompt", NULL, &error);
  g_assert_null (node);
  assert_validation (error, "Node.agent", "name", "not empty");
  g_clear_error (&error);

  /* An empty prompt: the message names the node. */
  node = graphbit_node_agent ("writer", "", NULL, &error);
  g_assert_null (node);
  assert_validation (error, "Node.agent", "prompt", "The agent node 'writer' has an empty prompt");
  g_clear_error (&error);
  node = graphbit_node_agent ("writer", " \n ", NULL, &error);
  g_assert_null (node);
  assert_validation (error, "Node.agent", "prompt", "'writer' has an empty prompt");
  g_clear_error (&error);
  node = graphbit_node_agent ("writer", NULL, NULL, &error);
  g_assert_null (node);
  assert_validation (error, "Node.agent", "prompt", "empty prompt");
  g_clear_error (&error);

  /* Options out of range name their field and value. */
  {
    const gint bad_tokens[] = { -1, -1000, G_MAXINT };

    for (guint i = 0; i < G_N_ELEMENTS (bad_tokens); i++)
      {
        g_autofree char *value = g_strdup_printf ("%d", bad_tokens[i]);

        node = graphbit_node_agent_full ("a", "p", NULL, NULL, bad_tokens[i], NAN, NULL, &error);
        g_assert_null (node);
        assert_validation (error, NULL, "max_tokens", "max_tokens must be between 1 and");
        g_assert_cmpstr (error_value (error), ==, value);
        g_clear_error (&error);
      }
  }
  {
    const gdouble bad_temperatures[] = { -0.1, 2.01, 100, INFINITY, -INFINITY };

    for (guint i = 0; i < G_N_ELEMENTS (bad_temperatures); i++)
      {
        node = graphbit_node_agent_full ("a", "p", NULL, NULL, 0, bad_temperatures[i], NULL, &error);
        g_assert_null (node);
        assert_validation (error, NULL, "temperature", "temperature must be between 0.0 and 2.0");
        g_clear_error (&error);
      }
  }
  node = graphbit_node_agent_full ("a", "p", NULL, NULL, 0, 3.5, NULL, &error);
  g_assert_null (node);
  g_assert_cmpstr (error_value (error), ==, "3.5");
  assert_contains (error->message, "got 3.5");
  g_clear_error (&error);

  /* The details are also kept for bindings that lose them. */
  {
    g_autoptr(GraphbitErrorDetails) last = NULL;

    node = graphbit_node_agent_full ("a", "p", NULL, NULL, -7, NAN, NULL, &error);
    g_assert_null (node);
    last = graphbit_error_dup_last_details ();
    g_assert_nonnull (last);
    g_assert_cmpstr (graphbit_error_details_get_field (last), ==, "max_tokens");
    g_assert_cmpstr (graphbit_error_details_get_value (last), ==, "-7");
    g_clear_error (&error);
  }
}

static void
test_node_transform (void)
{
  static const char * const valid[] = {
    "uppercase", "lowercase", "trim", "json_extract:a.b[0]", "split:,", "join:\n", "template:Hi {name}",
  };
  g_autoptr(GError) error = NULL;
  GraphbitNode *node;

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      node = graphbit_node_transform ("t", valid[i], &error);
      g_assert_no_error (error);
      g_assert_cmpint (graphbit_node_get_kind (node), ==, GRAPHBIT_NODE_KIND_TRANSFORM);
      g_assert_cmpstr (graphbit_node_get_kind_name (node), ==, "transform");
      g_assert_cmpstr (graphbit_node_get_transformation (node), ==, valid[i]);
      g_assert_nonnull (graphbit_node_get_transform_tree (node));
      g_assert_null (graphbit_node_get_prompt (node));
      g_object_unref (node);
    }

  node = graphbit_node_transform ("t", "reverse", &error);
  g_assert_null (node);
  assert_validation (error, "Node.transform", "transformation", "Unknown transformation 'reverse'");
  g_assert_cmpstr (error_value (error), ==, "reverse");
  g_clear_error (&error);
  node = graphbit_node_transform ("t", "", &error);
  g_assert_null (node);
  assert_validation (error, "Node.transform", "transformation", "The transformation is empty");
  g_clear_error (&error);
  node = graphbit_node_transform ("t", "json_extract", &error);
  g_assert_null (node);
  assert_validation (error, "Node.transform", "transformation", "needs an argument");
  g_clear_error (&error);
  node = graphbit_node_transform ("t", "trim:x", &error);
  g_assert_null (node);
  assert_validation (error, "Node.transform", "transformation", "takes no argument");
  g_clear_error (&error);
  node = graphbit_node_transform ("", "trim", &error);
  g_assert_null (node);
  assert_validation (error, "Node.transform", "name", "A node needs a name that is not empty");
  g_clear_error (&error);
}

static void
test_node_condition (void)
{
  g_autoptr(GError) error = NULL;
  GraphbitNode *node;

  node = graphbit_node_condition ("gate", "score > 0.5 and node.review contains 'ok'", &error);
  g_assert_no_error (error);
  g_assert_cmpint (graphbit_node_get_kind (node), ==, GRAPHBIT_NODE_KIND_CONDITION);
  g_assert_cmpstr (graphbit_node_get_kind_name (node), ==, "condition");
  g_assert_cmpstr (graphbit_node_get_expression (node), ==, "score > 0.5 and node.review contains 'ok'");
  g_assert_nonnull (graphbit_node_get_expression_tree (node));
  {
    g_autoptr(GPtrArray) references = graphbit_node_dup_references (node);

    g_assert_cmpuint (references->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (references, 0), ==, "review");
  }
  g_object_unref (node);

  node = graphbit_node_condition ("gate", "score >", &error);
  g_assert_null (node);
  assert_validation (error, "Node.condition", "expression", "Invalid condition expression at column 8");
  g_assert_cmpstr (error_value (error), ==, "score >");
  g_clear_error (&error);
  node = graphbit_node_condition ("gate", "a = b", &error);
  g_assert_null (node);
  assert_validation (error, "Node.condition", "expression", "use ==");
  g_clear_error (&error);
  node = graphbit_node_condition ("gate", "", &error);
  g_assert_null (node);
  assert_validation (error, "Node.condition", "expression", "The condition expression is empty");
  g_clear_error (&error);
  node = graphbit_node_condition ("gate", NULL, &error);
  g_assert_null (node);
  assert_validation (error, "Node.condition", "expression", "is empty");
  g_clear_error (&error);
  node = graphbit_node_condition ("  ", "true", &error);
  g_assert_null (node);
  assert_validation (error, "Node.condition", "name", "not empty");
  g_clear_error (&error);
}

static void
test_node_delay (void)
{
  static const gdouble valid[] = { 0, 0.001, 1.5, 86400 };
  static const struct {
    gdouble seconds;
    const char *value;
  } invalid[] = {
    { -1, "-1" },
    { -0.001, "-0.001" },
    { 86400.5, "86400.5" },
    { 1e9, "1000000000" },
  };
  g_autoptr(GError) error = NULL;
  GraphbitNode *node;

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      node = graphbit_node_delay ("wait", valid[i], &error);
      g_assert_no_error (error);
      g_assert_cmpint (graphbit_node_get_kind (node), ==, GRAPHBIT_NODE_KIND_DELAY);
      g_assert_cmpstr (graphbit_node_get_kind_name (node), ==, "delay");
      g_assert_cmpfloat (graphbit_node_get_delay_seconds (node), ==, valid[i]);
      g_object_unref (node);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *got = g_strdup_printf ("got %s", invalid[i].value);

      node = graphbit_node_delay ("wait", invalid[i].seconds, &error);
      g_assert_null (node);
      assert_validation (error, "Node.delay", "seconds", "A delay must be between 0 and 86400 seconds");
      assert_contains (error->message, got);
      g_assert_cmpstr (error_value (error), ==, invalid[i].value);
      g_clear_error (&error);
    }
  /* Not a number is not a delay. */
  node = graphbit_node_delay ("wait", NAN, &error);
  g_assert_null (node);
  assert_validation (error, "Node.delay", "seconds", "A delay must be between 0 and 86400 seconds");
  g_assert_cmpint (g_ascii_strcasecmp (error_value (error), "nan"), ==, 0);
  g_clear_error (&error);
  node = graphbit_node_delay ("wait", INFINITY, &error);
  g_assert_null (node);
  assert_validation (error, "Node.delay", "seconds", "between 0 and 86400");
  g_clear_error (&error);
  node = graphbit_node_delay ("", 1, &error);
  g_assert_null (node);
  assert_validation (error, "Node.delay", "name", "not empty");
  g_clear_error (&error);
}

static void
test_node_ids (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GraphbitNode) node = NULL;
      const char *id;

      switch (i % 4)
        {
        case 0:
          node = graphbit_node_agent ("same", "p", NULL, &error);
          break;
        case 1:
          node = graphbit_node_transform ("same", "trim", &error);
          break;
        case 2:
          node = graphbit_node_condition ("same", "true", &error);
          break;
        default:
          node = graphbit_node_delay ("same", 0, &error);
          break;
        }
      g_assert_no_error (error);
      id = graphbit_node_get_id (node);
      g_assert_true (g_uuid_string_is_valid (id));
      /* Unique, even for nodes of the same name. */
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, g_strdup (id));
      /* And stable. */
      g_assert_true (graphbit_node_get_id (node) == id);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 200);
}

static void
test_node_references (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitNode) node = NULL;
  g_autoptr(GPtrArray) references = NULL;

  node = graphbit_node_agent_full ("a", "Use {{node.x}} and {{node.y.json.z}} but not {y} or {\"node.q\": 1}", NULL,
                                   "System: {{node.s}}", 0, NAN, NULL, &error);
  g_assert_no_error (error);
  references = graphbit_node_dup_references (node);
  g_assert_cmpuint (references->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (references, 0), ==, "x");
  g_assert_cmpstr (g_ptr_array_index (references, 1), ==, "y.json.z");
  g_assert_cmpstr (g_ptr_array_index (references, 2), ==, "s");
  g_clear_pointer (&references, g_ptr_array_unref);
  g_clear_object (&node);

  node = graphbit_node_transform ("t", "template:{{node.up}} / {input}", &error);
  g_assert_no_error (error);
  references = graphbit_node_dup_references (node);
  g_assert_cmpuint (references->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (references, 0), ==, "up");
  g_clear_pointer (&references, g_ptr_array_unref);
  g_clear_object (&node);

  /* Only node.X names of a condition are references; other names are inputs. */
  node = graphbit_node_condition ("c", "score > 1 and node.a.label == 'x' or nodex or input", &error);
  g_assert_no_error (error);
  references = graphbit_node_dup_references (node);
  g_assert_cmpuint (references->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (references, 0), ==, "a.label");
  g_clear_pointer (&references, g_ptr_array_unref);
  g_clear_object (&node);

  node = graphbit_node_delay ("d", 1, &error);
  g_assert_no_error (error);
  references = graphbit_node_dup_references (node);
  g_assert_cmpuint (references->len, ==, 0);
}

/* ------------------------------------------------------------------------
 * Workflows
 * ------------------------------------------------------------------------ */

static void
test_workflow_add_node (void)
{
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("pipeline");
  g_autoptr(GraphbitWorkflow) unnamed = graphbit_workflow_new (NULL);
  g_autoptr(GraphbitNode) a = agent ("a", "p");
  g_autoptr(GraphbitNode) b = transform ("b", "trim");
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;

  g_assert_cmpstr (graphbit_workflow_get_name (workflow), ==, "pipeline");
  g_assert_cmpstr (graphbit_workflow_get_name (unnamed), ==, "");
  g_assert_cmpuint (graphbit_workflow_get_node_count (workflow), ==, 0);
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 0);

  id = graphbit_workflow_add_node (workflow, a, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, graphbit_node_get_id (a));
  id = graphbit_workflow_add_node (workflow, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, graphbit_node_get_id (b));
  g_assert_cmpuint (graphbit_workflow_get_node_count (workflow), ==, 2);

  /* Found by name and by id; unknown ones are NULL. */
  g_assert_true (graphbit_workflow_get_node (workflow, "a") == a);
  g_assert_true (graphbit_workflow_get_node (workflow, graphbit_node_get_id (a)) == a);
  g_assert_true (graphbit_workflow_get_node (workflow, "b") == b);
  g_assert_true (graphbit_workflow_get_node (workflow, graphbit_node_get_id (b)) == b);
  g_assert_null (graphbit_workflow_get_node (workflow, "c"));
  g_assert_null (graphbit_workflow_get_node (workflow, "A"));
  g_assert_cmpint (graphbit_workflow_find_node_index (workflow, "b"), ==, 1);
  g_assert_cmpint (graphbit_workflow_find_node_index (workflow, "nope"), ==, -1);

  /* In the order they were added; the workflow holds its own references. */
  nodes = graphbit_workflow_get_nodes (workflow);
  g_assert_cmpuint (nodes->len, ==, 2);
  g_assert_true (g_ptr_array_index (nodes, 0) == a);
  g_assert_true (g_ptr_array_index (nodes, 1) == b);
  g_assert_cmpuint (G_OBJECT (a)->ref_count, ==, 3);
}

static void
test_workflow_duplicates (void)
{
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("dups");
  g_autoptr(GraphbitNode) a = agent ("a", "p");
  g_autoptr(GraphbitNode) other_a = transform ("a", "trim");
  g_autoptr(GraphbitNode) twin = agent ("twin", "p");
  g_autoptr(GraphbitNode) named_like_id = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (graphbit_workflow_add_node (workflow, a, &error));
  g_assert_no_error (error);

  /* Another node with the same name. */
  g_assert_null (graphbit_workflow_add_node (workflow, other_a, &error));
  assert_validation (error, "add_node", "name",
                     "The workflow 'dups' already has a node with the name 'a'; node names and ids must be unique");
  g_assert_cmpstr (error_value (error), ==, "a");
  g_clear_error (&error);

  /* The same node twice. */
  g_assert_null (graphbit_workflow_add_node (workflow, a, &error));
  assert_validation (error, "add_node", "name", "already has a node with the name 'a'");
  g_clear_error (&error);

  /* A different name but the same id. */
  graphbit_node_set_id (twin, graphbit_node_get_id (a));
  g_assert_null (graphbit_workflow_add_node (workflow, twin, &error));
  assert_validation (error, "add_node", "id", "already has a node with the id");
  assert_contains (error->message, graphbit_node_get_id (a));
  g_assert_cmpstr (error_value (error), ==, graphbit_node_get_id (a));
  g_clear_error (&error);

  /* A name equal to another node's id would make lookups ambiguous. */
  named_like_id = agent (graphbit_node_get_id (a), "p");
  g_assert_null (graphbit_workflow_add_node (workflow, named_like_id, &error));
  assert_validation (error, "add_node", "name", "already has a node with the name");
  g_clear_error (&error);

  /* Nothing was added by the failures. */
  g_assert_cmpuint (graphbit_workflow_get_node_count (workflow), ==, 1);
  g_assert_true (graphbit_workflow_get_node (workflow, "a") == a);
  g_assert_null (graphbit_workflow_get_node (workflow, "twin"));
}

static void
test_workflow_connect (void)
{
  const char * const names[] = { "a", "b", "c", NULL };
  g_autoptr(GraphbitWorkflow) workflow = workflow_of_agents ("w", names);
  const char *id_b = graphbit_node_get_id (graphbit_workflow_get_node (workflow, "b"));
  const char *id_c = graphbit_node_get_id (graphbit_workflow_get_node (workflow, "c"));
  GArray *edges;

  /* By name, by id, and mixed. */
  connect_nodes (workflow, "a", "b");
  connect_nodes (workflow, id_b, id_c);
  connect_nodes (workflow, "a", id_c);
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 3);
  edges = graphbit_workflow_peek_edges (workflow);
  g_assert_cmpuint (g_array_index (edges, GraphbitEdge, 0).from, ==, 0);
  g_assert_cmpuint (g_array_index (edges, GraphbitEdge, 0).to, ==, 1);
  g_assert_cmpint (g_array_index (edges, GraphbitEdge, 0).condition, ==, -1);
  g_assert_cmpuint (g_array_index (edges, GraphbitEdge, 1).from, ==, 1);
  g_assert_cmpuint (g_array_index (edges, GraphbitEdge, 1).to, ==, 2);
  g_assert_cmpuint (g_array_index (edges, GraphbitEdge, 2).from, ==, 0);
  g_assert_cmpuint (g_array_index (edges, GraphbitEdge, 2).to, ==, 2);

  /* The same edge again, by name or id, is kept once. */
  connect_nodes (workflow, "a", "b");
  connect_nodes (workflow, graphbit_node_get_id (graphbit_workflow_get_node (workflow, "a")), "b");
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 3);
  /* The reverse is a different edge (a cycle, for validate to report). */
  connect_nodes (workflow, "b", "a");
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 4);
}

static void
test_workflow_connect_errors (void)
{
  const char * const names[] = { "a", "b", NULL };
  g_autoptr(GraphbitWorkflow) workflow = workflow_of_agents ("w", names);
  g_autoptr(GError) error = NULL;

  g_assert_false (graphbit_workflow_connect (workflow, "a", "ghost", &error));
  assert_validation (error, "connect", "to",
                     "The workflow 'w' has no node named or identified 'ghost' (the target of the edge); "
                     "add the node first");
  g_assert_cmpstr (error_value (error), ==, "ghost");
  g_clear_error (&error);

  g_assert_false (graphbit_workflow_connect (workflow, "ghost", "b", &error));
  assert_validation (error, "connect", "from", "no node named or identified 'ghost' (the source of the edge)");
  g_clear_error (&error);

  /* Both unknown: the source is reported. */
  g_assert_false (graphbit_workflow_connect (workflow, "x", "y", &error));
  assert_validation (error, "connect", "from", "'x'");
  g_clear_error (&error);

  /* Names are case-sensitive. */
  g_assert_false (graphbit_workflow_connect (workflow, "A", "b", &error));
  assert_validation (error, "connect", "from", "'A'");
  g_clear_error (&error);

  g_assert_false (graphbit_workflow_connect (workflow, NULL, "b", &error));
  assert_validation (error, "connect", "from", "has no node");
  g_clear_error (&error);
  g_assert_false (graphbit_workflow_connect (workflow, "a", NULL, &error));
  assert_validation (error, "connect", "to", "has no node");
  g_clear_error (&error);

  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 0);
}

static void
test_workflow_connect_when (void)
{
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("branches");
  g_autoptr(GError) error = NULL;
  GArray *edges;

  add (workflow, agent ("a", "p"));
  add (workflow, condition ("gate", "input contains 'yes'"));
  add (workflow, agent ("yes", "p"));
  add (workflow, agent ("no", "p"));
  add (workflow, transform ("t", "trim"));
  add (workflow, graphbit_node_delay ("d", 1, NULL));

  connect_nodes (workflow, "a", "gate");
  connect_nodes_when (workflow, "gate", "yes", TRUE);
  connect_nodes_when (workflow, "gate", graphbit_node_get_id (graphbit_workflow_get_node (workflow, "no")), FALSE);
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 3);
  edges = graphbit_workflow_peek_edges (workflow);
  g_assert_cmpint (g_array_index (edges, GraphbitEdge, 1).condition, ==, 1);
  g_assert_cmpint (g_array_index (edges, GraphbitEdge, 2).condition, ==, 0);

  /* The same conditional edge twice is kept once; another value is another edge. */
  connect_nodes_when (workflow, "gate", "yes", TRUE);
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 3);
  connect_nodes_when (workflow, "gate", "yes", FALSE);
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 4);
  /* A plain edge from a condition is allowed too. */
  connect_nodes (workflow, "gate", "t");
  g_assert_cmpint (g_array_index (edges, GraphbitEdge, 4).condition, ==, -1);
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 5);
  assert_valid (workflow);

  /* Only a condition node can have conditional edges. */
  g_assert_false (graphbit_workflow_connect_when (workflow, "a", "yes", TRUE, &error));
  assert_validation (error, "connect", "condition",
                     "Only edges leaving a condition node can have a condition, and 'a' is an agent node");
  g_assert_cmpstr (error_value (error), ==, "true");
  g_clear_error (&error);
  g_assert_false (graphbit_workflow_connect_when (workflow, "t", "no", FALSE, &error));
  assert_validation (error, "connect", "condition", "'t' is a transform node");
  g_assert_cmpstr (error_value (error), ==, "false");
  g_clear_error (&error);
  g_assert_false (graphbit_workflow_connect_when (workflow, "d", "no", TRUE, &error));
  assert_validation (error, "connect", "condition", "'d' is a delay node");
  g_clear_error (&error);
  /* Unknown endpoints are reported before that. */
  g_assert_false (graphbit_workflow_connect_when (workflow, "gate", "ghost", TRUE, &error));
  assert_validation (error, "connect", "to", "'ghost'");
  g_clear_error (&error);
  g_assert_cmpuint (graphbit_workflow_get_edge_count (workflow), ==, 5);
}

/* ------------------------------------------------------------------------
 * Validation
 * ------------------------------------------------------------------------ */

static void
test_validate_empty (void)
{
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("nothing");
  g_autoptr(GError) error = validate_fails (workflow, "nodes", "Workflow cannot be empty");

  assert_contains (error->message, "Invalid workflow 'nothing'");
  assert_contains (error->message, "add at least one node");

  /* One node on its own is a valid workflow. */
  add (workflow, agent ("only", "p"));
  assert_valid (workflow);
}

/* Validates @workflow expecting a cycle through @cycle (names, in edge
 * order, any starting point), and nothing else, in the message. */
static void
assert_cycle (GraphbitWorkflow   *workflow,
              const char * const *cycle)
{
  g_autoptr(GError) error = validate_fails (workflow, "edges", "the workflow graph contains cycles: ");
  guint n = g_strv_length ((char **) cycle);
  gboolean found = FALSE;

  for (guint start = 0; start < n && !found; start++)
    {
      g_autoptr(GString) text = g_string_new (cycle[start]);

      for (guint i = 1; i <= n; i++)
        g_string_append_printf (text, " → %s", cycle[(start + i) % n]);
      if (g_strcmp0 (error_value (error), text->str) == 0)
        {
          g_autofree char *quoted = g_strdup_printf ("contains cycles: %s. ", text->str);

          assert_contains (error->message, quoted);
          found = TRUE;
        }
    }
  if (!found)
    g_error ("the cycle in \"%s\" is not the one expected", error->message);
  assert_contains (error->message, "A workflow must be a directed acyclic graph");
}

static void
test_validate_cycles (void)
{
  {
    const char * const names[] = { "a", "b", "c", NULL };
    g_autoptr(GraphbitWorkflow) workflow = workflow_of_agents ("loop", names);
    g_autoptr(GError) error = NULL;

    connect_nodes (workflow, "a", "b");
    connect_nodes (workflow, "b", "c");
    connect_nodes (workflow, "c", "a");
    error = validate_fails (workflow, "edges", "contains cycles");
    /* From the first node added, along the edges. */
    g_assert_cmpstr (error_value (error), ==, "a → b → c → a");
    assert_contains (error->message, "Invalid workflow 'loop': the workflow graph contains cycles: a → b → c → a");
  }
  {
    const char * const names[] = { "a", "b", NULL };
    g_autoptr(GraphbitWorkflow) workflow = workflow_of_agents ("pair", names);
    const char * const cycle[] = { "a", "b", NULL };

    connect_nodes (workflow, "a", "b");
    connect_nodes (workflow, "b", "a");
    assert_cycle (workflow, cycle);
  }
  {
    /* A cycle with a way in and a way out, the way out added first:
     * neither is on the cycle, so neither is named. */
    const char * const names[] = { "out", "in", "p", "q", "r", NULL };
    g_autoptr(GraphbitWorkflow) workflow = workflow_of_agents ("tails", names);
    const char * const cycle[] = { "p", "q", "r", NULL };

    connect_nodes (workflow, "in", "p");
    connect_nodes (workflow, "p", "q");
    connect_nodes (workflow, "q", "r");
    connect_nodes (workflow, "r", "p");
    connect_nodes (workflow, "r", "out");
    assert_cycle (workflow, cycle);
  }
  {
    /* A cycle downstream of a valid part, with a branch into it. */
    const char * const names[] = { "start", "x", "y", "z", "w", NULL };
    g_autoptr(GraphbitWorkflow) workflow = workflow_of_agents ("late", names);
    const char * const cycle[] = { "y", "z", "w", NULL };

    connect_nodes (workflow, "start", "x");
    connect_nodes (workflow, "x", "y");
    connect_nodes (workflow, "start", "z");
    connect_nodes (workflow, "y", "z");
    connect_nodes (workflow, "z", "w");
    connect_nodes (workflow, "w", "y");
    assert_cycle (workflow, cycle);
  }
  {
    /* Through a condition's branch. */
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("retry");
    const char * const cycle[] = { "draft", "check", NULL };

    add (workflow, agent ("draft", "p"));
    add (workflow, condition ("check", "input contains 'ok'"));
    connect_nodes (workflow, "draft", "check");
    connect_nodes_when (workflow, "check", "draft", FALSE);
    assert_cycle (workflow, cycle);
  }
}

static void
test_validate_self_loop (void)
{
  const char * const names[] = { "before", "a", "after", NULL };
  g_autoptr(GraphbitWorkflow) workflow = workflow_of_agents ("self", names);
  g_autoptr(GError) error = NULL;

  connect_nodes (workflow, "before", "a");
  connect_nodes (workflow, "a", "after");
  assert_valid (workflow);
  connect_nodes (workflow, "a", "a");
  error = validate_fails (workflow, "edges", "contains cycles: a → a.");
  g_assert_cmpstr (error_value (error), ==, "a → a");
}

static void
test_validate_references (void)
{
  /* To a node that does not exist, from every place a node reads. */
  {
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("refs");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("a", "p"));
    add (workflow, agent ("b", "Summarise {{node.ghost}}"));
    connect_nodes (workflow, "a", "b");
    error = validate_fails (workflow, "reference",
                            "Invalid workflow 'refs': node 'b' refers to node.ghost, but the workflow has no node "
                            "of that name or id");
    g_assert_cmpstr (error_value (error), ==, "ghost");
  }
  {
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("refs");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("a", "p"));
    add (workflow, condition ("gate", "node.ghost.score > 0.5"));
    connect_nodes (workflow, "a", "gate");
    error = validate_fails (workflow, "reference", "node 'gate' refers to node.ghost.score, but");
    g_assert_cmpstr (error_value (error), ==, "ghost.score");
  }
  {
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("refs");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("a", "p"));
    add (workflow, transform ("t", "template:{{node.a}} and {{node.A}}"));
    connect_nodes (workflow, "a", "t");
    error = validate_fails (workflow, "reference", "node 't' refers to node.A, but");
  }
  {
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("refs");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("a", "p"));
    add (workflow, graphbit_node_agent_full ("b", "p", NULL, "Follow {{node.rules}}", 0, NAN, NULL, NULL));
    connect_nodes (workflow, "a", "b");
    error = validate_fails (workflow, "reference", "node 'b' refers to node.rules, but");
  }

  /* To a node that exists but is not upstream. */
  {
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("order");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("a", "p"));
    add (workflow, agent ("b", "Use {{node.a}}"));
    error = validate_fails (workflow, "reference",
                            "Invalid workflow 'order': node 'b' reads node 'a', which is not upstream of it; "
                            "connect them so its output exists when it runs");
    g_assert_cmpstr (error_value (error), ==, "a");
    /* Connecting them fixes it. */
    connect_nodes (workflow, "a", "b");
    assert_valid (workflow);
  }
  {
    /* Downstream is not upstream. */
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("order");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("a", "Improve {{node.b}}"));
    add (workflow, agent ("b", "p"));
    connect_nodes (workflow, "a", "b");
    error = validate_fails (workflow, "reference", "node 'a' reads node 'b', which is not upstream of it");
  }
  {
    /* Nor is a node itself, nor a sibling. */
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("order");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("a", "Again: {{node.a}}"));
    error = validate_fails (workflow, "reference", "node 'a' reads node 'a', which is not upstream");
  }
  {
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("order");
    g_autoptr(GError) error = NULL;

    add (workflow, agent ("root", "p"));
    add (workflow, agent ("left", "p"));
    add (workflow, condition ("right", "node.left contains 'x'"));
    connect_nodes (workflow, "root", "left");
    connect_nodes (workflow, "root", "right");
    error = validate_fails (workflow, "reference", "node 'right' reads node 'left', which is not upstream");
  }

  /* Upstream at any distance, by name or id, with or without a path. */
  {
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("fine");
    const char *id_a = add (workflow, agent ("a", "p"));
    g_autofree char *by_id = g_strdup_printf ("Compare {{node.%s}} with {{node.b.json.verdict}} and {{node.a}}", id_a);
    g_autofree char *by_id_condition = g_strdup_printf ("node.%s contains 'x' and node.b.score > 1", id_a);

    add (workflow, agent ("b", "p"));
    add (workflow, agent ("c", by_id));
    add (workflow, condition ("d", by_id_condition));
    add (workflow, transform ("e", "template:{{node.a}} {{node.d}} {input} {\"json\": true}"));
    connect_nodes (workflow, "a", "b");
    connect_nodes (workflow, "b", "c");
    connect_nodes (workflow, "c", "d");
    connect_nodes_when (workflow, "d", "e", TRUE);
    assert_valid (workflow);
  }
  {
    /* Node names with dots: the longest known name is the node. */
    g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("dots");

    add (workflow, agent ("v1", "p"));
    add (workflow, agent ("v1.2", "p"));
    add (workflow, agent ("reader", "{{node.v1.2.label}}"));
    connect_nodes (workflow, "v1.2", "reader");
    /* v1 is not upstream, but v1.2 is what is read. */
    assert_valid (workflow);
  }
}

/* ------------------------------------------------------------------------
 * Plans
 * ------------------------------------------------------------------------ */

static void
test_plan_diamond (void)
{
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("diamond");
  g_autoptr(GraphbitWorkflowPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  guint a, b, c, d, e;
  const char *path = NULL;

  /* Added out of order, so indices and names differ. */
  add (workflow, agent ("d", "Merge {{node.a}} with {{node.b.json.summary}} and {{node.a}}"));
  add (workflow, agent ("b", "p"));
  add (workflow, agent ("a", "p"));
  add (workflow, agent ("c", "p"));
  add (workflow, condition ("e", "node.c contains 'x'"));
  connect_nodes (workflow, "a", "b");
  connect_nodes (workflow, "a", "c");
  connect_nodes (workflow, "c", "d");
  connect_nodes (workflow, "b", "d");
  connect_nodes (workflow, "c", "e");

  plan = graphbit_workflow_plan_new (workflow, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  g_assert_cmpstr (plan->name, ==, "diamond");
  g_assert_cmpuint (plan->n_nodes, ==, 5);
  a = plan_index (plan, "a");
  b = plan_index (plan, "b");
  c = plan_index (plan, "c");
  d = plan_index (plan, "d");
  e = plan_index (plan, "e");
  g_assert_cmpuint (d, ==, 0);
  g_assert_cmpuint (a, ==, 2);
  /* By id too. */
  g_assert_cmpint (graphbit_workflow_plan_lookup (plan, graphbit_node_get_id (plan->nodes[c])), ==, (gint) c);
  g_assert_cmpint (graphbit_workflow_plan_lookup (plan, "ghost"), ==, -1);

  /* Parents in edge order. */
  {
    g_autofree char *pa = plan_names (plan, plan->parents[a]);
    g_autofree char *pb = plan_names (plan, plan->parents[b]);
    g_autofree char *pc = plan_names (plan, plan->parents[c]);
    g_autofree char *pd = plan_names (plan, plan->parents[d]);
    g_autofree char *pe = plan_names (plan, plan->parents[e]);

    g_assert_cmpstr (pa, ==, "");
    g_assert_cmpstr (pb, ==, "a");
    g_assert_cmpstr (pc, ==, "a");
    g_assert_cmpstr (pd, ==, "c,b");
    g_assert_cmpstr (pe, ==, "c");
  }
  {
    g_autofree char *ca = plan_children (plan, a);
    g_autofree char *cb = plan_children (plan, b);
    g_autofree char *cc = plan_children (plan, c);
    g_autofree char *cd = plan_children (plan, d);

    g_assert_cmpstr (ca, ==, "b,c");
    g_assert_cmpstr (cb, ==, "d");
    g_assert_cmpstr (cc, ==, "d,e");
    g_assert_cmpstr (cd, ==, "");
  }
  /* What each node reads, as written (a twice), paths resolved to nodes. */
  {
    g_autofree char *rd = plan_names (plan, plan->references[d]);
    g_autofree char *re = plan_names (plan, plan->references[e]);
    g_autofree char *ra = plan_names (plan, plan->references[a]);

    g_assert_cmpstr (rd, ==, "a,b,a");
    g_assert_cmpstr (re, ==, "c");
    g_assert_cmpstr (ra, ==, "");
  }
  /* Consumers: children plus reads. */
  g_assert_cmpuint (plan->n_consumers[a], ==, 2 + 2);
  g_assert_cmpuint (plan->n_consumers[b], ==, 1 + 1);
  g_assert_cmpuint (plan->n_consumers[c], ==, 2 + 1);
  g_assert_cmpuint (plan->n_consumers[d], ==, 0);
  g_assert_cmpuint (plan->n_consumers[e], ==, 0);

  /* References with paths. */
  g_assert_cmpint (graphbit_workflow_plan_resolve_reference (plan, "b.json.summary", &path), ==, (gint) b);
  g_assert_cmpstr (path, ==, "json.summary");
  g_assert_cmpint (graphbit_workflow_plan_resolve_reference (plan, "a", &path), ==, (gint) a);
  g_assert_null (path);
  g_assert_cmpint (graphbit_workflow_plan_resolve_reference (plan, "ghost.a", &path), ==, -1);

  /* A plan is a snapshot: later changes to the workflow do not show. */
  add (workflow, agent ("late", "p"));
  connect_nodes (workflow, "d", "late");
  g_assert_cmpuint (plan->n_nodes, ==, 5);
  g_assert_cmpint (graphbit_workflow_plan_lookup (plan, "late"), ==, -1);
  g_assert_cmpuint (plan->children[d]->len, ==, 0);
  {
    GraphbitWorkflowPlan *again = graphbit_workflow_plan_ref (plan);

    g_assert_true (again == plan);
    graphbit_workflow_plan_unref (again);
  }
}

static void
test_plan_conditions (void)
{
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("branches");
  g_autoptr(GraphbitWorkflowPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;
  g_autofree char *parents = NULL;
  const char * const dotted[] = { "v1", "v1.2", NULL };

  add (workflow, condition ("gate", "input == 'go'"));
  add (workflow, agent ("yes", "p"));
  add (workflow, agent ("no", "p"));
  add (workflow, agent ("join", "p"));
  connect_nodes_when (workflow, "gate", "yes", TRUE);
  connect_nodes_when (workflow, "gate", "no", FALSE);
  connect_nodes (workflow, "gate", "join");
  connect_nodes_when (workflow, "gate", "join", FALSE);
  plan = graphbit_workflow_plan_new (workflow, &error);
  g_assert_no_error (error);
  children = plan_children (plan, plan_index (plan, "gate"));
  g_assert_cmpstr (children, ==, "yes?true,no?false,join,join?false");
  parents = plan_names (plan, plan->parents[plan_index (plan, "join")]);
  g_assert_cmpstr (parents, ==, "gate,gate");
  g_assert_cmpuint (plan->n_consumers[plan_index (plan, "gate")], ==, 4);
  g_clear_pointer (&plan, graphbit_workflow_plan_unref);

  /* The plan refuses what validate refuses, with the same error. */
  {
    g_autoptr(GraphbitWorkflow) empty = graphbit_workflow_new ("e");

    plan = graphbit_workflow_plan_new (empty, &error);
    g_assert_null (plan);
    assert_validation (error, "validate", "nodes", "Workflow cannot be empty");
    g_clear_error (&error);
  }

  /* Dotted names: the longest known prefix. */
  {
    g_autoptr(GraphbitWorkflow) dots = workflow_of_agents ("dots", dotted);
    const char *path = NULL;

    plan = graphbit_workflow_plan_new (dots, &error);
    g_assert_no_error (error);
    g_assert_cmpint (graphbit_workflow_plan_resolve_reference (plan, "v1.2.x.y", &path), ==, 1);
    g_assert_cmpstr (path, ==, "x.y");
    g_assert_cmpint (graphbit_workflow_plan_resolve_reference (plan, "v1.3", &path), ==, 0);
    g_assert_cmpstr (path, ==, "3");
    g_assert_cmpint (graphbit_workflow_plan_resolve_reference (plan, "v1.2", &path), ==, 1);
    g_assert_null (path);
    g_clear_pointer (&plan, graphbit_workflow_plan_unref);
  }
}

/* ------------------------------------------------------------------------
 * JSON and DOT
 * ------------------------------------------------------------------------ */

/* A workflow with every kind of node and every kind of edge; the agent
 * "critic" has its own provider with SECRET_KEY. */
static GraphbitWorkflow *
sample_workflow (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = graphbit_llm_config_openai (SECRET_KEY, "gpt-4o",
                                                                    "http://127.0.0.1:9/v1", &error);
  GraphbitWorkflow *workflow = graphbit_workflow_new ("Review \"pipeline\"\nv2");
  GraphbitNode *node;

  g_assert_no_error (error);
  add (workflow, agent ("writer", "Write about {topic}. Ünïcödé ✓"));
  node = graphbit_node_agent_full ("critic", "Criticise {{node.writer}}", "critic-v2", "Be terse.\nVery.", 300,
                                   0.7, config, &error);
  g_assert_no_error (error);
  add (workflow, node);
  add (workflow, transform ("clean", "json_extract:review.items[0].text"));
  add (workflow, condition ("gate", "node.critic contains \"ok\" and score >= 0.5"));
  node = graphbit_node_delay ("pause", 1.5, &error);
  g_assert_no_error (error);
  add (workflow, node);
  add (workflow, transform ("publish", "template:{{node.writer}} -- {input}"));
  add (workflow, transform ("reject", "uppercase"));
  connect_nodes (workflow, "writer", "critic");
  connect_nodes (workflow, "critic", "clean");
  connect_nodes (workflow, "clean", "gate");
  connect_nodes_when (workflow, "gate", "pause", TRUE);
  connect_nodes (workflow, "pause", "publish");
  connect_nodes_when (workflow, "gate", "reject", FALSE);
  connect_nodes (workflow, "writer", "publish");
  assert_valid (workflow);
  return workflow;
}

static void
assert_same_workflow (GraphbitWorkflow *expected,
                      GraphbitWorkflow *actual)
{
  GPtrArray *want = graphbit_workflow_peek_nodes (expected);
  GPtrArray *got = graphbit_workflow_peek_nodes (actual);
  GArray *want_edges = graphbit_workflow_peek_edges (expected);
  GArray *got_edges = graphbit_workflow_peek_edges (actual);

  g_assert_cmpstr (graphbit_workflow_get_name (actual), ==, graphbit_workflow_get_name (expected));
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      GraphbitNode *w = g_ptr_array_index (want, i);
      GraphbitNode *g = g_ptr_array_index (got, i);

      g_assert_cmpstr (graphbit_node_get_id (g), ==, graphbit_node_get_id (w));
      g_assert_cmpstr (graphbit_node_get_name (g), ==, graphbit_node_get_name (w));
      g_assert_cmpint (graphbit_node_get_kind (g), ==, graphbit_node_get_kind (w));
      g_assert_cmpstr (graphbit_node_get_prompt (g), ==, graphbit_node_get_prompt (w));
      g_assert_cmpstr (graphbit_node_get_agent_id (g), ==, graphbit_node_get_agent_id (w));
      g_assert_cmpstr (graphbit_node_get_system_prompt (g), ==, graphbit_node_get_system_prompt (w));
      g_assert_cmpint (graphbit_node_get_max_tokens (g), ==, graphbit_node_get_max_tokens (w));
      g_assert_cmpint (graphbit_node_has_temperature (g), ==, graphbit_node_has_temperature (w));
      if (graphbit_node_has_temperature (w))
        g_assert_cmpfloat (graphbit_node_get_temperature (g), ==, graphbit_node_get_temperature (w));
      g_assert_cmpstr (graphbit_node_get_transformation (g), ==, graphbit_node_get_transformation (w));
      g_assert_cmpstr (graphbit_node_get_expression (g), ==, graphbit_node_get_expression (w));
      g_assert_cmpfloat (graphbit_node_get_delay_seconds (g), ==, graphbit_node_get_delay_seconds (w));
      g_assert_cmpint (graphbit_node_get_llm_config (g) != NULL, ==, graphbit_node_get_llm_config (w) != NULL);
      /* The loaded workflow is found by the same names and ids. */
      g_assert_true (graphbit_workflow_get_node (actual, graphbit_node_get_id (w)) == g);
      g_assert_true (graphbit_workflow_get_node (actual, graphbit_node_get_name (w)) == g);
    }
  g_assert_cmpuint (got_edges->len, ==, want_edges->len);
  for (guint i = 0; i < want_edges->len; i++)
    {
      const GraphbitEdge *w = &g_array_index (want_edges, GraphbitEdge, i);
      const GraphbitEdge *g = &g_array_index (got_edges, GraphbitEdge, i);

      g_assert_cmpuint (g->from, ==, w->from);
      g_assert_cmpuint (g->to, ==, w->to);
      g_assert_cmpint (g->condition, ==, w->condition);
    }
}

static void
test_json_round_trip (void)
{
  g_autoptr(GraphbitWorkflow) workflow = sample_workflow ();
  g_autoptr(GraphbitWorkflow) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = graphbit_workflow_to_json (workflow);
  g_autofree char *again = NULL;
  g_autofree char *saved_key = g_strdup (g_getenv ("OPENAI_API_KEY"));
  GraphbitLlmConfig *config;

  g_assert_nonnull (json);
  /* The node's own key is needed to load it: it comes from the environment. */
  g_setenv ("OPENAI_API_KEY", "sk-from-the-environment", TRUE);
  loaded = graphbit_workflow_new_from_json (json, &error);
  if (saved_key != NULL)
    g_setenv ("OPENAI_API_KEY", saved_key, TRUE);
  else
    g_unsetenv ("OPENAI_API_KEY");
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_same_workflow (workflow, loaded);

  config = graphbit_node_get_llm_config (graphbit_workflow_get_node (loaded, "critic"));
  g_assert_nonnull (config);
  g_assert_cmpint (graphbit_llm_config_get_provider (config), ==, GRAPHBIT_LLM_PROVIDER_OPENAI);
  g_assert_cmpstr (graphbit_llm_config_get_model (config), ==, "gpt-4o");
  g_assert_cmpstr (graphbit_llm_config_get_base_url (config), ==, "http://127.0.0.1:9/v1");
  g_assert_true (graphbit_llm_config_has_api_key (config));

  /* Loaded and saved again, it is the same document. */
  again = graphbit_workflow_to_json (loaded);
  g_assert_cmpstr (again, ==, json);
  /* And still valid. */
  assert_valid (loaded);
}

static void
test_json_no_api_key (void)
{
  g_autoptr(GraphbitWorkflow) workflow = sample_workflow ();
  g_autoptr(GraphbitWorkflow) loaded = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = graphbit_workflow_to_json (workflow);
  g_autofree char *saved_key = g_strdup (g_getenv ("OPENAI_API_KEY"));
  JsonObject *root, *critic = NULL, *llm;
  JsonArray *nodes;

  g_assert_true (graphbit_llm_config_has_api_key (graphbit_node_get_llm_config (
    graphbit_workflow_get_node (workflow, "critic"))));
  assert_not_contains (json, SECRET_KEY);
  assert_not_contains (json, "SECRET");
  assert_not_contains (json, "api_key");

  /* The node's provider is there, without the key. */
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "graphbit-workflow");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  nodes = json_object_get_array_member (root, "nodes");
  g_assert_cmpuint (json_array_get_length (nodes), ==, 7);
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (node, "id")));
      if (g_str_equal (json_object_get_string_member (node, "name"), "critic"))
        critic = node;
      else
        g_assert_false (json_object_has_member (node, "llm"));
    }
  g_assert_nonnull (critic);
  llm = json_object_get_object_member (critic, "llm");
  g_assert_nonnull (llm);
  g_assert_cmpuint (json_object_get_size (llm), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (llm, "provider"), ==, "openai");
  g_assert_cmpstr (json_object_get_string_member (llm, "model"), ==, "gpt-4o");
  g_assert_cmpstr (json_object_get_string_member (llm, "base_url"), ==, "http://127.0.0.1:9/v1");

  /* Without a key in the environment the node cannot be made again: the
   * document really does not carry one. */
  g_setenv ("OPENAI_API_KEY", "", TRUE);
  loaded = graphbit_workflow_new_from_json (json, &error);
  if (saved_key != NULL)
    g_setenv ("OPENAI_API_KEY", saved_key, TRUE);
  else
    g_unsetenv ("OPENAI_API_KEY");
  g_assert_null (loaded);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_CONFIGURATION);
  assert_contains (error->message, "OPENAI_API_KEY");
}

static void
test_json_document (void)
{
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new ("doc");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonObject *root;
  JsonArray *nodes, *edges;
  const char *id_gate;

  add (workflow, agent ("a", "p"));
  id_gate = add (workflow, condition ("gate", "true"));
  add (workflow, graphbit_node_delay ("wait", 2, NULL));
  connect_nodes (workflow, "a", "gate");
  connect_nodes_when (workflow, "gate", "wait", FALSE);
  json = graphbit_workflow_to_json (workflow);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "doc");
  nodes = json_object_get_array_member (root, "nodes");
  edges = json_object_get_array_member (root, "edges");
  g_assert_cmpuint (json_array_get_length (nodes), ==, 3);
  /* Unset options are left out. */
  {
    JsonObject *a = json_array_get_object_element (nodes, 0);

    g_assert_cmpstr (json_object_get_string_member (a, "kind"), ==, "agent");
    g_assert_cmpstr (json_object_get_string_member (a, "prompt"), ==, "p");
    g_assert_cmpstr (json_object_get_string_member (a, "agent_id"), ==, "a");
    g_assert_false (json_object_has_member (a, "system_prompt"));
    g_assert_false (json_object_has_member (a, "max_tokens"));
    g_assert_false (json_object_has_member (a, "temperature"));
    g_assert_false (json_object_has_member (a, "llm"));
  }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (nodes, 1), "expression"), ==,
                   "true");
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (nodes, 2), "seconds"), ==, 2);
  /* Edges by id; a condition only on conditional edges. */
  g_assert_cmpuint (json_array_get_length (edges), ==, 2);
  g_assert_false (json_object_has_member (json_array_get_object_element (edges, 0), "condition"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (edges, 1), "from"), ==, id_gate);
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (edges, 1), "condition"));
}

static void
test_json_handwritten (void)
{
  /* A document written by hand: no ids, edges by name, no format. */
  static const char *doc =
    "{\"name\": \"hand\", \"nodes\": ["
    " {\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"Hi {name}\", \"max_tokens\": 50, \"temperature\": 1},"
    " {\"name\": \"c\", \"kind\": \"condition\", \"expression\": \"node.a contains 'x'\"},"
    " {\"name\": \"t\", \"kind\": \"transform\", \"transformation\": \"trim\", \"id\": null},"
    " {\"name\": \"d\", \"kind\": \"delay\"}],"
    " \"edges\": [{\"from\": \"a\", \"to\": \"c\"}, {\"from\": \"c\", \"to\": \"t\", \"condition\": true},"
    "            {\"from\": \"c\", \"to\": \"d\", \"condition\": null}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitWorkflow) workflow = graphbit_workflow_new_from_json (doc, &error);
  GraphbitNode *a;
  GArray *edges;

  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_workflow_get_name (workflow), ==, "hand");
  g_assert_cmpuint (graphbit_workflow_get_node_count (workflow), ==, 4);
  a = graphbit_workflow_get_node (workflow, "a");
  /* Nodes without an id get a new one. */
  g_assert_true (g_uuid_string_is_valid (graphbit_node_get_id (a)));
  g_assert_true (g_uuid_string_is_valid (graphbit_node_get_id (graphbit_workflow_get_node (workflow, "t"))));
  g_assert_cmpint (graphbit_node_get_max_tokens (a), ==, 50);
  g_assert_cmpfloat (graphbit_node_get_temperature (a), ==, 1.0);
  g_assert_cmpfloat (graphbit_node_get_delay_seconds (graphbit_workflow_get_node (workflow, "d")), ==, 0);
  edges = graphbit_workflow_peek_edges (workflow);
  g_assert_cmpuint (edges->len, ==, 3);
  g_assert_cmpint (g_array_index (edges, GraphbitEdge, 0).condition, ==, -1);
  g_assert_cmpint (g_array_index (edges, GraphbitEdge, 1).condition, ==, 1);
  g_assert_cmpint (g_array_index (edges, GraphbitEdge, 2).condition, ==, -1);
  assert_valid (workflow);

  /* The smallest document: an empty workflow (which does not validate). */
  {
    g_autoptr(GraphbitWorkflow) empty = graphbit_workflow_new_from_json ("{}", &error);
    g_autoptr(GError) invalid = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (graphbit_workflow_get_name (empty), ==, "");
    g_assert_cmpuint (graphbit_workflow_get_node_count (empty), ==, 0);
    invalid = validate_fails (empty, "nodes", "Workflow cannot be empty");
  }
  /* An older or equal version is read. */
  {
    g_autoptr(GraphbitWorkflow) v1 = graphbit_workflow_new_from_json (
      "{\"format\": \"graphbit-workflow\", \"version\": 1, \"nodes\": []}", &error);

    g_assert_no_error (error);
    g_assert_nonnull (v1);
  }
}

static void
test_json_errors (void)
{
  static const struct {
    const char *json;
    const char *field;
    const char *fragment;
  } cases[] = {
    { "not json", "(document)", "Invalid workflow JSON at (document): not a JSON object: " },
    { "{\"name\": ", "(document)", "not a JSON object: " },
    { "[1, 2]", "(document)", "Invalid workflow JSON at (document): not a JSON object" },
    { "//\"a\"\n{}", "(document)", "JSON does not allow comments (one starts at byte 0)" },
    { "{\"nodes\": [] /* none */}", "(document)", "JSON does not allow comments (one starts at byte 13)" },
    { "{\"name\": \"a\"} {}", "(document)", "unexpected content after the JSON value, at byte 14" },
    { "  $02{}", "(document)", "not a JSON value: unexpected character at byte 2" },
    { "{\"name\": 'a'}", "(document)", "JSON strings take double quotes: a single quote at byte 9" },
    { "{\"name\": \"it's\", 'b\": 1}", "(document)", "a single quote at byte 17" },
    { "\"workflow\"", "(document)", "not a JSON object" },
    { "{\"format\": \"something-else\"}", "format",
      "Invalid workflow JSON at format: this is a 'something-else' document, not a graphbit workflow" },
    { "{\"format\": 3}", "(document)", "\"format\" must be a string" },
    { "{\"version\": 2}", "version", "version 2 is newer than this graphbit reads (1)" },
    { "{\"name\": 5}", "(document)", "\"name\" must be a string" },
    { "{\"nodes\": {}}", "nodes", "Invalid workflow JSON at nodes: \"nodes\" must be an array" },
    { "{\"edges\": \"a->b\"}", "edges", "\"edges\" must be an array" },
    { "{\"nodes\": [1]}", "nodes[0]", "Invalid workflow JSON at nodes[0]: a node must be an object" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}, null]}", "nodes[1]", "a node must be an object" },
    { "{\"nodes\": [{\"kind\": \"agent\", \"prompt\": \"p\"}]}", "nodes[0]", "\"name\" is missing" },
    { "{\"nodes\": [{\"name\": null, \"kind\": \"agent\", \"prompt\": \"p\"}]}", "nodes[0]", "\"name\" is missing" },
    { "{\"nodes\": [{\"name\": 5, \"kind\": \"agent\", \"prompt\": \"p\"}]}", "nodes[0]", "\"name\" must be a string" },
    { "{\"nodes\": [{\"name\": \"a\"}]}", "nodes[0]", "\"kind\" is missing" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": [\"agent\"]}]}", "nodes[0]", "\"kind\" must be a string" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"robot\"}]}", "nodes[0]",
      "unknown kind 'robot': use agent, transform, condition or delay" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"id\": 7, \"prompt\": \"p\"}]}", "nodes[0]",
      "\"id\" must be a string" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\"}]}", "nodes[0]", "\"prompt\" is missing" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": {}}]}", "nodes[0]", "\"prompt\" must be a string" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"max_tokens\": \"many\"}]}",
      "nodes[0]", "\"max_tokens\" must be a number" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"temperature\": true}]}",
      "nodes[0]", "\"temperature\" must be a number" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"temperature\": 5}]}",
      "temperature", "temperature must be between 0.0 and 2.0" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"max_tokens\": -3}]}",
      "max_tokens", "max_tokens must be between 1 and" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"llm\": {}}]}", "nodes[0]",
      "\"provider\" is missing" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"llm\": {\"provider\": \"acme\"}}]}",
      "nodes[0]", "unknown provider 'acme': use openai, anthropic or ollama" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\","
      " \"llm\": {\"provider\": \"ollama\", \"model\": 3}}]}", "nodes[0]", "\"model\" must be a string" },
    { "{\"nodes\": [{\"name\": \"\", \"kind\": \"agent\", \"prompt\": \"p\"}]}", "name", "A node needs a name" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"  \"}]}", "prompt", "has an empty prompt" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"transform\"}]}", "nodes[0]", "\"transformation\" is missing" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"transform\", \"transformation\": \"bogus\"}]}", "transformation",
      "Unknown transformation 'bogus'" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"condition\"}]}", "nodes[0]", "\"expression\" is missing" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"condition\", \"expression\": \"x >\"}]}", "expression",
      "Invalid condition expression at column 4" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\", \"seconds\": \"ten\"}]}", "nodes[0]",
      "\"seconds\" must be a number" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\", \"seconds\": -5}]}", "seconds",
      "A delay must be between 0 and 86400 seconds, got -5" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}, {\"name\": \"a\", \"kind\": \"delay\"}]}", "name",
      "already has a node with the name 'a'" },
    { "{\"nodes\": [{\"id\": \"0b0c7a55-1d2e-4f3a-9b8c-7d6e5f4a3b2c\", \"name\": \"a\", \"kind\": \"delay\"},"
      " {\"id\": \"0b0c7a55-1d2e-4f3a-9b8c-7d6e5f4a3b2c\", \"name\": \"b\", \"kind\": \"delay\"}]}", "id", "already has a node with the id '0b0c7a55-1d2e-4f3a-9b8c-7d6e5f4a3b2c'" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}], \"edges\": [\"a\"]}", "edges[0]",
      "Invalid workflow JSON at edges[0]: an edge must be an object" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}], \"edges\": [{\"from\": \"a\"}]}", "edges[0]",
      "\"to\" is missing" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}], \"edges\": [{\"to\": \"a\"}]}", "edges[0]",
      "\"from\" is missing" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}], \"edges\": [{\"from\": 1, \"to\": \"a\"}]}", "edges[0]",
      "\"from\" must be a string" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}], \"edges\": [{\"from\": \"a\", \"to\": \"ghost\"}]}", "to",
      "has no node named or identified 'ghost'" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"condition\", \"expression\": \"true\"}],"
      " \"edges\": [{\"from\": \"a\", \"to\": \"a\", \"condition\": \"yes\"}]}", "edges[0]",
      "\"condition\" must be true, false or absent" },
    { "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\"}],"
      " \"edges\": [{\"from\": \"a\", \"to\": \"a\", \"condition\": true}]}", "condition",
      "Only edges leaving a condition node can have a condition, and 'a' is a delay node" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitWorkflow) workflow = NULL;

      g_test_message ("document: %s", cases[i].json);
      workflow = graphbit_workflow_new_from_json (cases[i].json, &error);
      g_assert_null (workflow);
      assert_validation (error, NULL, cases[i].field, cases[i].fragment);
    }
}

/* Documents of the wrong shape, which once made the loader abort or warn:
 * each is refused with a clear error (criticals are fatal in the tests). */
static const char * const wrong_shapes[] = {
  "",
  "  \n",
  "{\"version\": {}}",
  "{\"version\": [2]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"llm\": \"openai\"}]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"llm\": null}]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"llm\": \"openai\"},"
  " {\"name\": \"b\", \"kind\": \"delay\"}]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"agent_id\": 5}]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"max_tokens\": 1e20}]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"agent\", \"prompt\": \"p\", \"max_tokens\": 1.5}]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\", \"id\": \"\"}]}",
  "{\"nodes\": [{\"name\": \"a\", \"kind\": \"delay\", \"id\": \"not-a-uuid\"}]}",
};

static void
test_json_wrong_shapes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (wrong_shapes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitWorkflow) workflow = NULL;

      g_test_message ("document: %s", wrong_shapes[i]);
      workflow = graphbit_workflow_new_from_json (wrong_shapes[i], &error);
      g_assert_null (workflow);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
      assert_contains (error->message, "Invalid workflow JSON at ");
    }
}

static void
test_dot (void)
{
  g_autoptr(GraphbitWorkflow) workflow = sample_workflow ();
  g_autoptr(GraphbitWorkflow) empty = graphbit_workflow_new ("empty");
  g_autofree char *dot = graphbit_workflow_to_dot (workflow);
  g_autofree char *empty_dot = graphbit_workflow_to_dot (empty);
  GPtrArray *nodes = graphbit_workflow_peek_nodes (workflow);
  GArray *edges = graphbit_workflow_peek_edges (workflow);
  guint arrows = 0;

  g_assert_true (g_str_has_prefix (dot, "digraph \"Review \\\"pipeline\\\"\\nv2\" {\n"));
  g_assert_true (g_str_has_suffix (dot, "}\n"));
  /* Every node, with its name and kind; conditions are diamonds. */
  for (guint i = 0; i < nodes->len; i++)
    {
      GraphbitNode *node = g_ptr_array_index (nodes, i);
      g_autofree char *line = g_strdup_printf ("  n%u [label=\"%s\\n(%s)\"%s];\n", i, graphbit_node_get_name (node),
                                               graphbit_node_get_kind_name (node),
                                               graphbit_node_get_kind (node) == GRAPHBIT_NODE_KIND_CONDITION
                                               ? ", shape=diamond, style=\"\"" : "");

      assert_contains (dot, line);
    }
  /* Every edge, conditional ones labelled. */
  for (guint i = 0; i < edges->len; i++)
    {
      const GraphbitEdge *edge = &g_array_index (edges, GraphbitEdge, i);
      g_autofree char *line = g_strdup_printf ("  n%u -> n%u%s;\n", edge->from, edge->to,
                                               edge->condition < 0 ? "" : edge->condition ? " [label=\"true\"]"
                                               : " [label=\"false\"]");

      assert_contains (dot, line);
    }
  assert_contains (dot, "  n3 -> n4 [label=\"true\"];\n");
  assert_contains (dot, "  n3 -> n6 [label=\"false\"];\n");
  assert_contains (dot, "  n0 -> n5;\n");
  for (const char *p = dot; (p = strstr (p, "->")) != NULL; p += 2)
    arrows++;
  g_assert_cmpuint (arrows, ==, edges->len);

  /* Names are quoted safely. */
  {
    g_autoptr(GraphbitWorkflow) odd = graphbit_workflow_new ("odd");
    g_autofree char *odd_dot = NULL;

    add (odd, agent ("say \"hi\"\\now", "p"));
    odd_dot = graphbit_workflow_to_dot (odd);
    assert_contains (odd_dot, "  n0 [label=\"say \\\"hi\\\"\\\\now\\n(agent)\"];\n");
  }

  g_assert_cmpstr (empty_dot, ==, "digraph \"empty\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n}\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/node/agent", test_node_agent);
  g_test_add_func ("/node/agent-errors", test_node_agent_errors);
  g_test_add_func ("/node/transform", test_node_transform);
  g_test_add_func ("/node/condition", test_node_condition);
  g_test_add_func ("/node/delay", test_node_delay);
  g_test_add_func ("/node/ids", test_node_ids);
  g_test_add_func ("/node/references", test_node_references);
  g_test_add_func ("/workflow/add-node", test_workflow_add_node);
  g_test_add_func ("/workflow/duplicates", test_workflow_duplicates);
  g_test_add_func ("/workflow/connect", test_workflow_connect);
  g_test_add_func ("/workflow/connect-errors", test_workflow_connect_errors);
  g_test_add_func ("/workflow/connect-when", test_workflow_connect_when);
  g_test_add_func ("/validate/empty", test_validate_empty);
  g_test_add_func ("/validate/cycles", test_validate_cycles);
  g_test_add_func ("/validate/self-loop", test_validate_self_loop);
  g_test_add_func ("/validate/references", test_validate_references);
  g_test_add_func ("/plan/diamond", test_plan_diamond);
  g_test_add_func ("/plan/conditions", test_plan_conditions);
  g_test_add_func ("/json/round-trip", test_json_round_trip);
  g_test_add_func ("/json/no-api-key", test_json_no_api_key);
  g_test_add_func ("/json/document", test_json_document);
  g_test_add_func ("/json/handwritten", test_json_handwritten);
  g_test_add_func ("/json/errors", test_json_errors);
  g_test_add_func ("/json/wrong-shapes", test_json_wrong_shapes);
  g_test_add_func ("/dot/output", test_dot);
  return g_test_run ();
}
