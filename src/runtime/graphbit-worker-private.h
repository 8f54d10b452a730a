/* graphbit-worker-private.h - one I/O worker thread with its own main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _GraphbitWorker GraphbitWorker;

typedef void (*GraphbitWorkerFunc) (GraphbitWorker *worker,
                                    gpointer        data);

GraphbitWorker *graphbit_worker_new              (guint               index,
                                                  gsize               stack_size,
                                                  GError            **error);
/* A worker without a thread, on @context, which the calling thread
 * iterates (graphbit_runtime_attach_context()); it is that thread's
 * current worker until it stops. */
GraphbitWorker *graphbit_worker_new_attached     (guint               index,
                                                  GMainContext       *context,
                                                  gboolean            on_demand);
gboolean        graphbit_worker_is_attached      (GraphbitWorker     *worker);
/* Made by the runtime for a loop that was running (caller loops), rather
 * than attached by graphbit_runtime_attach_context(). */
gboolean        graphbit_worker_is_on_demand     (GraphbitWorker     *worker);
/* The thread whose loop an attached worker runs on; NULL for a worker
 * thread. */
GThread        *graphbit_worker_get_loop_thread  (GraphbitWorker     *worker);
GraphbitWorker *graphbit_worker_ref              (GraphbitWorker     *worker);
void            graphbit_worker_unref            (GraphbitWorker     *worker);
guint           graphbit_worker_get_index        (GraphbitWorker     *worker);
GMainContext   *graphbit_worker_get_context      (GraphbitWorker     *worker);
gboolean        graphbit_worker_is_current       (GraphbitWorker     *worker);
guint           graphbit_worker_get_in_flight    (GraphbitWorker     *worker);

/* Runs @func on the worker's thread. Thread-safe. */
void            graphbit_worker_invoke           (GraphbitWorker     *worker,
                                                  GraphbitWorkerFunc  func,
                                                  gpointer            data,
                                                  GDestroyNotify      destroy);

/* Operation accounting. begin is called (any thread) before the operation is
 * invoked on the worker; end (worker thread) once it has completed. A
 * stopping worker quits its loop when the last operation ends. */
void            graphbit_worker_begin_operation  (GraphbitWorker     *worker);
void            graphbit_worker_end_operation    (GraphbitWorker     *worker);

/* Worker thread only. */
struct _GraphbitSessionPool *graphbit_worker_get_session_pool (GraphbitWorker *worker);
gboolean        graphbit_worker_is_stopping      (GraphbitWorker     *worker);
void            graphbit_worker_track            (GraphbitWorker     *worker,
                                                  GCancellable       *cancellable);
void            graphbit_worker_untrack          (GraphbitWorker     *worker,
                                                  GCancellable       *cancellable);

/* Any thread: cancels every tracked operation, waits for them to end, stops
 * the loop, frees the session and joins the thread. */
void            graphbit_worker_stop_and_join    (GraphbitWorker     *worker);
/* An attached worker's own thread, which will not iterate its context any
 * more (it exits): stops it without dispatching anything. FALSE if it could
 * not (the context is another thread's now, or calls were in flight); it
 * must then be left referenced. */
gboolean        graphbit_worker_stop_attached_here (GraphbitWorker   *worker);

/* The worker whose thread is calling, or NULL. */
GraphbitWorker *graphbit_worker_get_current      (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitWorker, graphbit_worker_unref)

G_END_DECLS
