/* graphbit-workflow-result-private.h - filling a result in the engine
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-workflow-result.h"
#include "graphbit-node.h"

G_BEGIN_DECLS

/* One node's record, as the run leaves it; the result takes ownership of
 * output and error. */
typedef struct
{
  GraphbitNode *node;          /* (transfer none): held by the result's node list */
  GraphbitNodeStatus status;
  char *output;                /* NULL when none (or not kept) */
  GError *error;
  gdouble started_ms;          /* from the start of the run; -1 if it never started */
  gdouble duration_ms;
  guint prompt_tokens;
  guint completion_tokens;
  guint completion_order;      /* 1-based order of finishing; 0 if it never finished */
} GraphbitNodeRecord;

/* @records (n of them) are taken (their strings and errors), @inputs is
 * copied; @error (the first node error, or NULL) is taken. */
GraphbitWorkflowResult *graphbit_workflow_result_new (const char         *workflow_name,
                                                      GraphbitNode      **nodes,
                                                      GraphbitNodeRecord *records,
                                                      guint               n_records,
                                                      GHashTable         *inputs,
                                                      GError             *error,
                                                      gdouble             execution_time_ms);
const char             *graphbit_node_status_to_string (GraphbitNodeStatus status);

G_END_DECLS
