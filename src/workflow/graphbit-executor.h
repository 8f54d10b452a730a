/* graphbit-executor.h - runs workflows, in one of four execution modes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "graphbit-version-macros.h"
#include "graphbit-llm-client.h"
#include "graphbit-llm-config.h"
#include "graphbit-workflow.h"
#include "graphbit-workflow-result.h"

G_BEGIN_DECLS

/**
 * GraphbitExecutionMode:
 * @GRAPHBIT_EXECUTION_MODE_BALANCED: up to max(32, 2 × CPUs) nodes at once,
 *   3 retries, 300 s
 * @GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT: up to max(64, 4 × CPUs) nodes at
 *   once, 3 retries, 300 s
 * @GRAPHBIT_EXECUTION_MODE_LOW_LATENCY: every ready node at once, 1 retry,
 *   30 s (1 to 300), and the first failure stops the run
 * @GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED: 2 nodes at once, 3 retries,
 *   300 s; an intermediate node's output is dropped as soon as the nodes
 *   that read it have started, so only final outputs are kept
 *
 * How an executor runs workflows.
 */
typedef enum {
  GRAPHBIT_EXECUTION_MODE_BALANCED,
  GRAPHBIT_EXECUTION_MODE_HIGH_THROUGHPUT,
  GRAPHBIT_EXECUTION_MODE_LOW_LATENCY,
  GRAPHBIT_EXECUTION_MODE_MEMORY_OPTIMIZED,
} GraphbitExecutionMode;

#define GRAPHBIT_TYPE_EXECUTOR (graphbit_executor_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitExecutor, graphbit_executor, GRAPHBIT, EXECUTOR, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitExecutor       *graphbit_executor_new                  (GraphbitLlmConfig      *config,
                                                                GraphbitExecutionMode   mode,
                                                                gdouble                 timeout_seconds,
                                                                GError                **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitExecutor       *graphbit_executor_new_high_throughput  (GraphbitLlmConfig      *config,
                                                                gdouble                 timeout_seconds,
                                                                GError                **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitExecutor       *graphbit_executor_new_low_latency      (GraphbitLlmConfig      *config,
                                                                gdouble                 timeout_seconds,
                                                                GError                **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitExecutor       *graphbit_executor_new_memory_optimized (GraphbitLlmConfig      *config,
                                                                gdouble                 timeout_seconds,
                                                                GError                **error);

GRAPHBIT_AVAILABLE_IN_ALL
void                    graphbit_executor_execute_async        (GraphbitExecutor       *self,
                                                                GraphbitWorkflow       *workflow,
                                                                GHashTable             *inputs,
                                                                GCancellable           *cancellable,
                                                                GAsyncReadyCallback     callback,
                                                                gpointer                user_data);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitWorkflowResult *graphbit_executor_execute_finish       (GraphbitExecutor       *self,
                                                                GAsyncResult           *result,
                                                                GError                **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                    graphbit_executor_execute_queued       (GraphbitExecutor        *self,
                                                                GraphbitWorkflow        *workflow,
                                                                GHashTable              *inputs,
                                                                GCancellable            *cancellable,
                                                                GraphbitCompletionQueue *queue,
                                                                guint64                  tag);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitWorkflowResult *graphbit_executor_execute              (GraphbitExecutor       *self,
                                                                GraphbitWorkflow       *workflow,
                                                                GHashTable             *inputs,
                                                                GCancellable           *cancellable,
                                                                GError                **error);

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitExecutionMode   graphbit_executor_get_mode             (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char             *graphbit_executor_get_mode_name        (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                    graphbit_executor_set_mode             (GraphbitExecutor       *self,
                                                                GraphbitExecutionMode   mode);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                graphbit_executor_configure            (GraphbitExecutor       *self,
                                                                gdouble                 timeout_seconds,
                                                                gint                    max_retries,
                                                                gboolean                enable_metrics,
                                                                GError                **error);
GRAPHBIT_AVAILABLE_IN_ALL
gdouble                 graphbit_executor_get_timeout_seconds  (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
gint                    graphbit_executor_get_max_retries      (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                graphbit_executor_get_metrics_enabled  (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint                   graphbit_executor_get_concurrency      (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                graphbit_executor_get_debug            (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                    graphbit_executor_set_debug            (GraphbitExecutor       *self,
                                                                gboolean                debug);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmClient      *graphbit_executor_get_llm_client       (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
GVariant               *graphbit_executor_get_stats            (GraphbitExecutor       *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                    graphbit_executor_reset_stats          (GraphbitExecutor       *self);

G_END_DECLS
