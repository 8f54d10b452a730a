/* graphbit-worker.c - one I/O worker thread with its own main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each worker thread runs its own GMainContext (pushed as thread-default)
 * and owns its SoupSessions (a pool, see graphbit-session-pool), created
 * on first use in that thread: libsoup wants a session used from the
 * thread that created it, and all of a message's I/O to happen in the
 * thread that started it. Operations are
 * handed to the worker with graphbit_worker_invoke() and complete their
 * GTask from here; GTask delivers the result in the caller's context.
 *
 * Threads are created with pthreads rather than GThread so that the
 * configured stack size is honoured.
 */

#include "config.h"

#include <pthread.h>

#include "graphbit-worker-private.h"
#include "graphbit-log-private.h"
#include "graphbit-session-pool-private.h"
#include "graphbit-inbox-private.h"

struct _GraphbitWorker
{
  gatomicrefcount ref_count;
  guint index;
  pthread_t thread;
  gboolean thread_started;
  GMainContext *context;
  GMainLoop *loop;
  GraphbitInbox *inbox;          /* what other threads hand to it */

  /* Incremented from any thread by begin_operation, decremented on the
   * worker thread by end_operation. */
  gint in_flight;

  /* Worker thread only. */
  GraphbitSessionPool *sessions;
  GHashTable *tracked;   /* GCancellable* set */
  gboolean stopping;

  /* An attached worker runs on a context its caller's thread iterates
   * (graphbit_runtime_attach_context()): no thread of its own. */
  gboolean attached;
  gboolean on_demand;       /* made for a running loop, not attached by its owner */
  GThread *owner;
  pthread_t owner_thread;   /* compared instead of owner where GLib's
                             * thread handle may be gone (thread exit) */
  GMutex stop_mutex;
  GCond stop_cond;
  gboolean stopped;
};

static GPrivate current_worker;

typedef struct
{
  GraphbitWorker *worker;
  GraphbitWorkerFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Invocation;

static void
invocation_free (gpointer user_data)
{
  Invocation *inv = user_data;

  if (inv->destroy != NULL)
    inv->destroy (inv->data);
  graphbit_worker_unref (inv->worker);
  g_free (inv);
}

static void
invocation_run (gpointer item,
                gpointer user_data)
{
  Invocation *inv = item;

  inv->func (inv->worker, inv->data);
  invocation_free (inv);
}

void
graphbit_worker_invoke (GraphbitWorker     *worker,
                        GraphbitWorkerFunc  func,
                        gpointer            data,
                        GDestroyNotify      destroy)
{
  Invocation *inv;

  /* Inline on the worker itself, while it runs its context. */
  if (graphbit_worker_is_current (worker) && g_main_context_is_owner (worker->context))
    {
      func (worker, data);
      if (destroy != NULL)
        destroy (data);
      return;
    }
  inv = g_new (Invocation, 1);
  inv->worker = graphbit_worker_ref (worker);
  inv->func = func;
  inv->data = data;
  inv->destroy = destroy;
  graphbit_inbox_push (worker->inbox, inv);
}

static void *
worker_thread_main (void *user_data)
{
  GraphbitWorker *worker = user_data;

  g_private_set (&current_worker, worker);
  g_main_context_push_thread_default (worker->context);

  GRAPHBIT_DEBUG ("I/O worker %u started", worker->index);
  g_main_loop_run (worker->loop);

  /* Free the sessions in the thread that used them, then let the sources
   * they leave behind (connection closures) run before the context goes. */
  g_clear_pointer (&worker->sessions, graphbit_session_pool_free);
  while (g_main_context_pending (worker->context))
    g_main_context_iteration (worker->context, FALSE);

  g_main_context_pop_thread_default (worker->context);
  g_private_set (&current_worker, NULL);
  GRAPHBIT_DEBUG ("I/O worker %u stopped", worker->index);
  return NULL;
}

GraphbitWorker *
graphbit_worker_new (guint    index,
                     gsize    stack_size,
                     GError **error)
{
  g_autoptr(GraphbitWorker) worker = g_new0 (GraphbitWorker, 1);
  pthread_attr_t attr;
  char name[16];
  int rc;

  g_atomic_ref_count_init (&worker->ref_count);
  worker->index = index;
  worker->context = g_main_context_new ();
  worker->loop = g_main_loop_new (worker->context, FALSE);
  worker->inbox = graphbit_inbox_new (worker->context, invocation_run, NULL);
  worker->tracked = g_hash_table_new (NULL, NULL);

  pthread_attr_init (&attr);
  if (stack_size > 0)
    pthread_attr_setstacksize (&attr, stack_size);
  /* The thread borrows the caller's reference; stop_and_join() joins it
   * before that reference can go away. */
  rc = pthread_create (&worker->thread, &attr, worker_thread_main, worker);
  pthread_attr_destroy (&attr);
  if (rc != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (rc),
                   "Could not start I/O worker thread %u: %s", index, g_strerror (rc));
      return NULL;
    }
  worker->thread_started = TRUE;
  /* Named by the creator, so the name is there as soon as this returns. */
  g_snprintf (name, sizeof name, "graphbit-io-%u", index);
  pthread_setname_np (worker->thread, name);
  return g_steal_pointer (&worker);
}

GraphbitWorker *
graphbit_worker_new_attached (guint         index,
                              GMainContext *context,
                              gboolean      on_demand)
{
  GraphbitWorker *worker = g_new0 (GraphbitWorker, 1);

  g_atomic_ref_count_init (&worker->ref_count);
  worker->index = index;
  worker->context = g_main_context_ref (context);
  worker->inbox = graphbit_inbox_new (worker->context, invocation_run, NULL);
  worker->tracked = g_hash_table_new (NULL, NULL);
  worker->attached = TRUE;
  worker->on_demand = on_demand;
  worker->owner = g_thread_self ();
  worker->owner_thread = pthread_self ();
  g_mutex_init (&worker->stop_mutex);
  g_cond_init (&worker->stop_cond);
  g_private_set (&current_worker, worker);
  GRAPHBIT_DEBUG ("I/O worker %u attached to a caller's main context", index);
  return worker;
}

gboolean
graphbit_worker_is_attached (GraphbitWorker *worker)
{
  return worker->attached;
}

gboolean
graphbit_worker_is_on_demand (GraphbitWorker *worker)
{
  return worker->on_demand;
}

GThread *
graphbit_worker_get_loop_thread (GraphbitWorker *worker)
{
  return worker->attached ? worker->owner : NULL;
}

GraphbitWorker *
graphbit_worker_ref (GraphbitWorker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

void
graphbit_worker_unref (GraphbitWorker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;

  g_assert (worker->sessions == NULL);
  /* Invocations hold a reference: none is left when this runs. */
  graphbit_inbox_free (worker->inbox, invocation_free);
  g_clear_pointer (&worker->tracked, g_hash_table_unref);
  g_clear_pointer (&worker->loop, g_main_loop_unref);
  if (worker->attached)
    {
      g_mutex_clear (&worker->stop_mutex);
      g_cond_clear (&worker->stop_cond);
    }
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_free (worker);
}

guint
graphbit_worker_get_index (GraphbitWorker *worker)
{
  return worker->index;
}

GMainContext *
graphbit_worker_get_context (GraphbitWorker *worker)
{
  return worker->context;
}

GraphbitWorker *
graphbit_worker_get_current (void)
{
  return g_private_get (&current_worker);
}

gboolean
graphbit_worker_is_current (GraphbitWorker *worker)
{
  /* An attached worker's thread may have a newer one as its current (one
   * left behind by a shutdown that gave up on it still winds down). */
  if (worker->attached)
    return pthread_equal (worker->owner_thread, pthread_self ());
  return graphbit_worker_get_current () == worker;
}

guint
graphbit_worker_get_in_flight (GraphbitWorker *worker)
{
  return (guint) g_atomic_int_get (&worker->in_flight);
}

void
graphbit_worker_begin_operation (GraphbitWorker *worker)
{
  g_atomic_int_inc (&worker->in_flight);
}

/* Worker thread, once stopping and nothing is in flight any more. */
static void
worker_stopped (GraphbitWorker *worker)
{
  if (!worker->attached)
    {
      g_main_loop_quit (worker->loop);
      return;
    }
  /* What its own thread does after its loop, done in the caller's. */
  g_clear_pointer (&worker->sessions, graphbit_session_pool_free);
  if (graphbit_worker_get_current () == worker)
    g_private_set (&current_worker, NULL);
  g_mutex_lock (&worker->stop_mutex);
  worker->stopped = TRUE;
  g_cond_broadcast (&worker->stop_cond);
  g_mutex_unlock (&worker->stop_mutex);
  GRAPHBIT_DEBUG ("I/O worker %u detached", worker->index);
}

void
graphbit_worker_end_operation (GraphbitWorker *worker)
{
  g_assert (graphbit_worker_is_current (worker));

  if (g_atomic_int_dec_and_test (&worker->in_flight) && worker->stopping)
    worker_stopped (worker);
}

GraphbitSessionPool *
graphbit_worker_get_session_pool (GraphbitWorker *worker)
{
  g_assert (graphbit_worker_is_current (worker));

  if (worker->sessions == NULL)
    worker->sessions = graphbit_session_pool_new ();
  return worker->sessions;
}

gboolean
graphbit_worker_is_stopping (GraphbitWorker *worker)
{
  g_assert (graphbit_worker_is_current (worker));
  return worker->stopping;
}

void
graphbit_worker_track (GraphbitWorker *worker,
                       GCancellable   *cancellable)
{
  g_assert (graphbit_worker_is_current (worker));
  g_hash_table_add (worker->tracked, cancellable);
}

void
graphbit_worker_untrack (GraphbitWorker *worker,
                         GCancellable   *cancellable)
{
  g_assert (graphbit_worker_is_current (worker));
  g_hash_table_remove (worker->tracked, cancellable);
}

static void
begin_stop (GraphbitWorker *worker,
            gpointer        data)
{
  g_autoptr(GPtrArray) to_cancel = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;

  if (worker->stopping)
    return;   /* an attached worker's stop may be asked twice */
  worker->stopping = TRUE;

  /* Cancelling may run completion code that untracks, so copy first. */
  g_hash_table_iter_init (&iter, worker->tracked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (to_cancel, g_object_ref (key));
  for (guint i = 0; i < to_cancel->len; i++)
    g_cancellable_cancel (g_ptr_array_index (to_cancel, i));

  GRAPHBIT_DEBUG ("I/O worker %u stopping: cancelled %u operation(s), %u in flight",
                  worker->index, to_cancel->len, graphbit_worker_get_in_flight (worker));

  if (g_atomic_int_get (&worker->in_flight) == 0)
    worker_stopped (worker);
}

/* The caller must keep iterating an attached worker's context: this
 * waits that long for it to wind down, then gives up (the worker stays
 * referenced by the pending stop, so nothing is freed under it). */
#define ATTACHED_STOP_TIMEOUT_US (10 * G_TIME_SPAN_SECOND)

static void
stop_attached (GraphbitWorker *worker)
{
  gint64 give_up_at = g_get_monotonic_time () + ATTACHED_STOP_TIMEOUT_US;

  if (pthread_equal (worker->owner_thread, pthread_self ()) && worker->stopped)
    return;
  if (pthread_equal (worker->owner_thread, pthread_self ()) && g_atomic_int_get (&worker->in_flight) == 0
      && g_main_context_acquire (worker->context))
    {
      /* Nothing to wind down: stopped here, without dispatching anything
       * else the caller's context holds. */
      g_main_context_push_thread_default (worker->context);
      begin_stop (worker, NULL);
      g_main_context_pop_thread_default (worker->context);
      g_main_context_release (worker->context);
      return;
    }
  graphbit_worker_invoke (worker, begin_stop, NULL, NULL);
  if (!pthread_equal (worker->owner_thread, pthread_self ()) && g_atomic_int_get (&worker->in_flight) == 0)
    {
      /* Nothing of anyone's waits on it: its sessions go whenever its
       * thread iterates the context again (or leaves, see
       * graphbit-runtime.c), and nobody needs to wait for that. A
       * shutdown has stopped new operations from starting on it. */
      return;
    }
  if (pthread_equal (worker->owner_thread, pthread_self ()))
    {
      /* Called in the thread that iterates it: wind it down here. */
      while (!worker->stopped && g_get_monotonic_time () < give_up_at)
        g_main_context_iteration (worker->context, TRUE);
    }
  else
    {
      g_mutex_lock (&worker->stop_mutex);
      while (!worker->stopped && g_cond_wait_until (&worker->stop_cond, &worker->stop_mutex, give_up_at))
        ;
      g_mutex_unlock (&worker->stop_mutex);
    }
  if (!worker->stopped)
    g_warning ("graphbit: the main context attached with graphbit_runtime_attach_context() was not "
               "iterated while the runtime shut down; its requests are left behind");
}

gboolean
graphbit_worker_stop_attached_here (GraphbitWorker *worker)
{
  g_return_val_if_fail (worker->attached && pthread_equal (worker->owner_thread, pthread_self ()), FALSE);

  if (worker->stopped)
    return TRUE;
  if (!g_main_context_acquire (worker->context))
    return FALSE;
  /* Cancels what is in flight, which can only end if the context runs
   * again; nothing of the caller's is dispatched here. */
  g_main_context_push_thread_default (worker->context);
  begin_stop (worker, NULL);
  g_main_context_pop_thread_default (worker->context);
  g_main_context_release (worker->context);
  return worker->stopped;
}

void
graphbit_worker_stop_and_join (GraphbitWorker *worker)
{
  if (worker->attached)
    {
      stop_attached (worker);
      return;
    }
  g_return_if_fail (!graphbit_worker_is_current (worker));

  if (!worker->thread_started)
    return;
  graphbit_worker_invoke (worker, begin_stop, NULL, NULL);
  pthread_join (worker->thread, NULL);
  worker->thread_started = FALSE;
}
