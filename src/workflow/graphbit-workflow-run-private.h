/* graphbit-workflow-run-private.h - one run of a workflow plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "graphbit-executor-private.h"
#include "graphbit-workflow-plan-private.h"

G_BEGIN_DECLS

/* Runs @plan for @executor on an I/O worker and returns through @task
 * (whose source is the executor) a #GraphbitWorkflowResult, or the error
 * that stopped the run: %GRAPHBIT_ERROR_TIMEOUT when the executor's
 * deadline passed, %G_IO_ERROR_CANCELLED when @task's cancellable fired or
 * the runtime shut down. A node failure is not an error of the run: the
 * result reports it. @inputs (char* → char*, nullable) is copied. */
void graphbit_workflow_run_start (GraphbitExecutor     *executor,
                                  GraphbitWorkflowPlan *plan,
                                  GHashTable           *inputs,
                                  GTask                *task);

G_END_DECLS
