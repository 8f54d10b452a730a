/* graphbit-blocking-pool-private.h - threads for work that must block
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _GraphbitBlockingPool GraphbitBlockingPool;

GraphbitBlockingPool *graphbit_blocking_pool_new           (guint                 max_threads,
                                                            gsize                 stack_size);
/* Like g_task_run_in_thread(), on this pool: @func must return a result on
 * @task. Thread-safe. After shutdown began, @task gets G_IO_ERROR_CANCELLED. */
void                  graphbit_blocking_pool_run_task      (GraphbitBlockingPool *pool,
                                                            GTask                *task,
                                                            GTaskThreadFunc       func);
guint                 graphbit_blocking_pool_get_n_threads (GraphbitBlockingPool *pool);
guint                 graphbit_blocking_pool_get_max_threads (GraphbitBlockingPool *pool);
/* Cancels queued tasks, waits for running ones, and frees the pool. */
void                  graphbit_blocking_pool_free          (GraphbitBlockingPool *pool);

G_END_DECLS
