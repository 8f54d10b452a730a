/* graphbit-workflow-result.h - what a workflow run produced
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

/**
 * GraphbitWorkflowState:
 * @GRAPHBIT_WORKFLOW_STATE_COMPLETED: every node that could run, ran
 * @GRAPHBIT_WORKFLOW_STATE_FAILED: a node failed; its error is kept
 *
 * How a run ended.
 */
typedef enum {
  GRAPHBIT_WORKFLOW_STATE_COMPLETED,
  GRAPHBIT_WORKFLOW_STATE_FAILED,
} GraphbitWorkflowState;

/**
 * GraphbitNodeStatus:
 * @GRAPHBIT_NODE_STATUS_PENDING: it never started (the run stopped first)
 * @GRAPHBIT_NODE_STATUS_COMPLETED: it ran and produced its output
 * @GRAPHBIT_NODE_STATUS_FAILED: it ran and failed
 * @GRAPHBIT_NODE_STATUS_SKIPPED: a condition did not choose it, or a node
 *   upstream failed
 * @GRAPHBIT_NODE_STATUS_CANCELLED: it was stopped while running
 *
 * What happened to one node in a run.
 */
typedef enum {
  GRAPHBIT_NODE_STATUS_PENDING,
  GRAPHBIT_NODE_STATUS_COMPLETED,
  GRAPHBIT_NODE_STATUS_FAILED,
  GRAPHBIT_NODE_STATUS_SKIPPED,
  GRAPHBIT_NODE_STATUS_CANCELLED,
} GraphbitNodeStatus;

#define GRAPHBIT_TYPE_WORKFLOW_RESULT (graphbit_workflow_result_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitWorkflowResult, graphbit_workflow_result, GRAPHBIT, WORKFLOW_RESULT, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
gboolean              graphbit_workflow_result_is_success          (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean              graphbit_workflow_result_is_failed           (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitWorkflowState graphbit_workflow_result_get_state           (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_workflow_result_get_state_name      (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_workflow_result_get_error_message   (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean              graphbit_workflow_result_check               (GraphbitWorkflowResult *self,
                                                                    GError                **error);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_workflow_result_get_workflow_name   (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
gdouble               graphbit_workflow_result_get_execution_time_ms (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_workflow_result_get_node_output     (GraphbitWorkflowResult *self,
                                                                    const char             *name_or_id);
GRAPHBIT_AVAILABLE_IN_ALL
GVariant             *graphbit_workflow_result_get_all_node_outputs (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitNodeStatus    graphbit_workflow_result_get_node_status     (GraphbitWorkflowResult *self,
                                                                    const char             *name_or_id);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_workflow_result_get_node_error      (GraphbitWorkflowResult *self,
                                                                    const char             *name_or_id);
GRAPHBIT_AVAILABLE_IN_ALL
GVariant             *graphbit_workflow_result_get_node_results    (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
GVariant             *graphbit_workflow_result_get_variables       (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char           *graphbit_workflow_result_get_variable        (GraphbitWorkflowResult *self,
                                                                    const char             *key);
GRAPHBIT_AVAILABLE_IN_ALL
guint                 graphbit_workflow_result_get_prompt_tokens   (GraphbitWorkflowResult *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint                 graphbit_workflow_result_get_completion_tokens (GraphbitWorkflowResult *self);

G_END_DECLS
