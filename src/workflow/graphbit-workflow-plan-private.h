/* graphbit-workflow-plan-private.h - a validated workflow, ready to run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-workflow-private.h"

G_BEGIN_DECLS

typedef struct
{
  guint node;
  gint condition;      /* -1: always taken */
} GraphbitPlanLink;

/* An immutable snapshot of a workflow, checked and indexed for the
 * scheduler: later changes to the workflow do not affect a plan. */
typedef struct
{
  char *name;
  guint n_nodes;
  GraphbitNode **nodes;
  GArray **children;          /* per node: GraphbitPlanLink */
  GArray **parents;           /* per node: guint, in edge order */
  GArray **references;        /* per node: guint, nodes read via {{node.X}} / node.X */
  guint *n_consumers;         /* per node: children plus readers */
  GHashTable *by_name_or_id;  /* char* → index + 1 */
} GraphbitWorkflowPlan;

/* Validates @workflow (not empty; no cycle, naming the nodes on it; every
 * node reference known and upstream) and compiles it. */
GraphbitWorkflowPlan *graphbit_workflow_plan_new    (GraphbitWorkflow     *workflow,
                                                     GError              **error);
GraphbitWorkflowPlan *graphbit_workflow_plan_ref    (GraphbitWorkflowPlan *plan);
void                  graphbit_workflow_plan_unref  (GraphbitWorkflowPlan *plan);
/* The index of @name_or_id, or -1. */
gint                  graphbit_workflow_plan_lookup (GraphbitWorkflowPlan *plan,
                                                     const char           *name_or_id);
/* Splits "name.json.path" into the node (longest known prefix) and the
 * path (NULL when none); returns the node index or -1. */
gint                  graphbit_workflow_plan_resolve_reference (GraphbitWorkflowPlan *plan,
                                                                const char           *reference,
                                                                const char          **path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitWorkflowPlan, graphbit_workflow_plan_unref)

G_END_DECLS
