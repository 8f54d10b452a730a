/* graphbit-executor-private.h - what a run uses of its executor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-executor.h"
#include "graphbit-workflow-result.h"

G_BEGIN_DECLS

/* The settings a run starts with. */
typedef struct
{
  GraphbitExecutionMode mode;
  guint concurrency;          /* 0: every ready node */
  gboolean fail_fast;
  gboolean keep_final_outputs_only;
  gint64 timeout_us;
  gboolean debug;
} GraphbitRunSettings;

void               graphbit_executor_get_run_settings (GraphbitExecutor   *self,
                                                       GraphbitRunSettings *settings);
/* The client for @config (NULL: the executor's own), made once and kept,
 * so connections, breakers and statistics are shared across runs. */
GraphbitLlmClient *graphbit_executor_get_client_for   (GraphbitExecutor   *self,
                                                       GraphbitLlmConfig  *config);
/* Counts a finished run. Thread-safe. */
void               graphbit_executor_record_run       (GraphbitExecutor   *self,
                                                       gboolean            succeeded,
                                                       gboolean            cancelled,
                                                       gint64              duration_us);
/* Emits node-started / node-finished in @context, if anyone listens. */
void               graphbit_executor_notify_node      (GraphbitExecutor   *self,
                                                       GMainContext       *context,
                                                       const char         *node_name,
                                                       gboolean            finished,
                                                       GraphbitNodeStatus  status,
                                                       const char         *output);

G_END_DECLS
