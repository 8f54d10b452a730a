/* graphbit-runtime.h - the runtime: I/O worker threads and a blocking pool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

GRAPHBIT_AVAILABLE_IN_ALL
gboolean  graphbit_configure_runtime (guint      worker_threads,
                                      guint      max_blocking_threads,
                                      guint      thread_stack_size_mb,
                                      GError   **error);
GRAPHBIT_AVAILABLE_IN_ALL
void      graphbit_shutdown          (void);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean  graphbit_runtime_is_started (void);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean  graphbit_runtime_attach_context (GMainContext  *context,
                                           GError       **error);
GRAPHBIT_AVAILABLE_IN_ALL
void      graphbit_runtime_detach_context (void);
GRAPHBIT_AVAILABLE_IN_ALL
void      graphbit_runtime_set_use_caller_loops (gboolean use);
GRAPHBIT_AVAILABLE_IN_ALL
void      graphbit_set_interrupt_fd   (int        fd);
GRAPHBIT_AVAILABLE_IN_ALL
void      graphbit_add_interruptible  (GCancellable *cancellable);
GRAPHBIT_AVAILABLE_IN_ALL
void      graphbit_remove_interruptible (GCancellable *cancellable);
GRAPHBIT_AVAILABLE_IN_ALL
GVariant *graphbit_get_system_info   (void);
GRAPHBIT_AVAILABLE_IN_ALL
GVariant *graphbit_health_check      (void);

G_END_DECLS
