/* graphbit-workflow-private.h - a workflow's structure, for its plan and its JSON form
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-workflow.h"

G_BEGIN_DECLS

/* An edge between node indices; condition is -1 (always taken) or the
 * value of the condition node @from that takes it (0 or 1). */
typedef struct
{
  guint from;
  guint to;
  gint condition;
} GraphbitEdge;

GPtrArray *graphbit_workflow_peek_nodes      (GraphbitWorkflow *self);   /* GraphbitNode* */
GArray    *graphbit_workflow_peek_edges      (GraphbitWorkflow *self);   /* GraphbitEdge */
/* The index of the node named or identified @name_or_id, or -1. */
gint       graphbit_workflow_find_node_index (GraphbitWorkflow *self,
                                              const char       *name_or_id);

G_END_DECLS
