/* workflow-test-helpers.c - building workflows and checking errors in the C tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "workflow-test-helpers.h"

void
assert_contains (const char *haystack,
                 const char *needle)
{
  g_assert_nonnull (haystack);
  if (strstr (haystack, needle) == NULL)
    g_error ("expected \"%s\" in \"%s\"", needle, haystack);
}

void
assert_validation (const GError *error,
                   const char   *operation,
                   const char   *field,
                   const char   *fragment)
{
  const GraphbitErrorDetails *details;

  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  details = graphbit_error_get_details (error);
  g_assert_nonnull (details);
  g_assert_cmpint (graphbit_error_details_get_code (details), ==, GRAPHBIT_ERROR_VALIDATION);
  if (operation != NULL)
    g_assert_cmpstr (graphbit_error_details_get_operation (details), ==, operation);
  g_assert_cmpstr (graphbit_error_details_get_field (details), ==, field);
  assert_contains (error->message, fragment);
}

static GraphbitNode *
checked (GraphbitNode *node,
         GError       *error)
{
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

GraphbitNode *
agent (const char *name,
       const char *prompt)
{
  GError *error = NULL;
  GraphbitNode *node = graphbit_node_agent (name, prompt, NULL, &error);

  return checked (node, error);
}

GraphbitNode *
transform (const char *name,
           const char *transformation)
{
  GError *error = NULL;
  GraphbitNode *node = graphbit_node_transform (name, transformation, &error);

  return checked (node, error);
}

GraphbitNode *
condition (const char *name,
           const char *expression)
{
  GError *error = NULL;
  GraphbitNode *node = graphbit_node_condition (name, expression, &error);

  return checked (node, error);
}

const char *
add (GraphbitWorkflow *workflow,
     GraphbitNode     *node)
{
  g_autoptr(GraphbitNode) owned = node;
  g_autoptr(GError) error = NULL;
  const char *id = graphbit_workflow_add_node (workflow, owned, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

void
connect_nodes (GraphbitWorkflow *workflow,
         const char       *from,
         const char       *to)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (graphbit_workflow_connect (workflow, from, to, &error));
  g_assert_no_error (error);
}

void
connect_nodes_when (GraphbitWorkflow *workflow,
              const char       *from,
              const char       *to,
              gboolean          value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (graphbit_workflow_connect_when (workflow, from, to, value, &error));
  g_assert_no_error (error);
}
