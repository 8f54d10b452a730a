/* graphbit-runtime-private.h - what the rest of the library uses of the runtime
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "graphbit-runtime.h"
#include "graphbit-worker-private.h"

G_BEGIN_DECLS

gboolean        graphbit_runtime_ensure_started        (GError         **error);

/* Starts the runtime if needed and picks a worker for one operation (the
 * calling thread's running loop, when allowed), already
 * counted in flight there (graphbit_worker_begin_operation()). The caller
 * invokes the operation on it and ends it with
 * graphbit_worker_end_operation(). Fails with G_IO_ERROR_CANCELLED while a
 * shutdown is in progress. */
GraphbitWorker *graphbit_runtime_acquire_worker        (GError         **error);
/* The same, but never a caller's running loop (see
 * graphbit_runtime_set_use_caller_loops()): for answers that may be large
 * (embeddings), whose parsing would hold the loop up; for a blocking
 * call's retry wait, whose caller holds its loop up itself; and for calls
 * whose outcome goes to a completion queue, started from loops that are
 * not GLib's. */
GraphbitWorker *graphbit_runtime_acquire_thread_worker (GError       **error);

/* The session that exchanges run in callers' threads send on (libsoup's
 * blocking API, from any thread). Starts the runtime if needed. Only valid
 * inside a blocking-watch ticket: a shutdown waits for every ticket to
 * end before it frees the session. Fails while a shutdown runs. */
SoupSession    *graphbit_runtime_get_blocking_session  (GError         **error);

/* Whether a call started now in the calling thread would run its exchange
 * on the thread's own running loop (see acquire_worker). */
gboolean        graphbit_runtime_is_caller_loop_here    (void);

/* Whether a call started now, from a thread that is not a graphbit worker
 * and whose thread-default context is not being run right now (a loop
 * about to run), would run on that loop if it were started from the
 * loop's next dispatch instead: long-lived calls (streams) defer their
 * start so. */
gboolean        graphbit_runtime_may_start_on_caller_loop (void);

/* How many I/O workers the running runtime has (0 when stopped). */
guint           graphbit_runtime_get_n_workers         (void);

/* Runs @func for @task on the runtime's blocking pool. */
void            graphbit_runtime_run_in_blocking_pool  (GTask           *task,
                                                        GTaskThreadFunc  func);

/* Fails if the calling thread is a graphbit I/O worker, where a blocking
 * call would wait for itself. */
gboolean        graphbit_runtime_check_can_block       (const char      *operation,
                                                        GError         **error);

/* Adds entries to graphbit_health_check()'s dictionary (an a{sv}
 * builder). Lets higher layers (clients) report without the runtime
 * knowing them. Set once. */
typedef void (*GraphbitHealthReporter) (GVariantBuilder *builder);
void            graphbit_runtime_set_health_reporter   (GraphbitHealthReporter reporter);

G_END_DECLS
