/* graphbit-http-exchange.c - one HTTP exchange bound to a runtime worker
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The caller's GCancellable is never handed to libsoup: it may be cancelled
 * from any thread, while a message's I/O belongs to the worker that started
 * it. Cancelling it schedules the cancellation of a private cancellable on
 * the worker instead. The worker tracks that private cancellable, so
 * graphbit_shutdown() aborts the exchange, and the exchange's timer cancels
 * it too (libsoup's own timeout only measures silence between bytes).
 */

#include "config.h"

#include "graphbit-http-private.h"
#include "graphbit-error-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-session-pool-private.h"

struct _GraphbitHttpExchange
{
  GraphbitWorker *worker;
  SoupMessage *msg;
  GCancellable *cancellable;     /* private; cancelled on the worker only */
  GraphbitHttpOptions options;
  gint64 started_at;

  /* Worker thread only. */
  GSource *timeout_source;
  gboolean timed_out;
  gboolean tracked;
  gboolean ended;
  GraphbitSessionShard *shard;   /* the session it is sent on, from begin() to end() */
};

static void
exchange_clear (GraphbitHttpExchange *exchange)
{
  g_assert (exchange->ended);
  g_clear_object (&exchange->msg);
  g_clear_object (&exchange->cancellable);
  g_clear_pointer (&exchange->worker, graphbit_worker_unref);
}

GraphbitHttpExchange *
graphbit_http_exchange_ref (GraphbitHttpExchange *exchange)
{
  return g_atomic_rc_box_acquire (exchange);
}

void
graphbit_http_exchange_unref (GraphbitHttpExchange *exchange)
{
  g_atomic_rc_box_release_full (exchange, (GDestroyNotify) exchange_clear);
}

static void
end_on_worker (GraphbitHttpExchange *exchange,
               gpointer              data)
{
  graphbit_http_exchange_end (exchange);
}

GraphbitHttpExchange *
graphbit_http_exchange_new (SoupMessage               *msg,
                            const GraphbitHttpOptions *options,
                            GError                   **error)
{
  GraphbitHttpExchange *exchange;
  GraphbitWorker *worker = options->threads_only ? graphbit_runtime_acquire_thread_worker (error)
                                           : graphbit_runtime_acquire_worker (error);

  if (worker == NULL)
    {
      g_object_unref (msg);
      return NULL;
    }

  exchange = g_atomic_rc_box_new0 (GraphbitHttpExchange);
  exchange->worker = worker;
  exchange->msg = msg;
  exchange->cancellable = g_cancellable_new ();
  exchange->options = *options;
  exchange->started_at = g_get_monotonic_time ();
  return exchange;
}

SoupMessage *
graphbit_http_exchange_get_message (GraphbitHttpExchange *exchange)
{
  return exchange->msg;
}

const GraphbitHttpOptions *
graphbit_http_exchange_get_options (GraphbitHttpExchange *exchange)
{
  return &exchange->options;
}

GThread *
graphbit_http_exchange_get_loop_thread (GraphbitHttpExchange *exchange)
{
  return graphbit_worker_get_loop_thread (exchange->worker);
}

gint64
graphbit_http_exchange_get_started_at (GraphbitHttpExchange *exchange)
{
  return exchange->started_at;
}

typedef struct
{
  GraphbitHttpExchange *exchange;
  GraphbitHttpExchangeFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Invocation;

static void
invocation_run (GraphbitWorker *worker,
                gpointer        data)
{
  Invocation *inv = data;

  inv->func (inv->exchange, inv->data);
}

static void
invocation_free (gpointer data)
{
  Invocation *inv = data;

  if (inv->destroy != NULL)
    inv->destroy (inv->data);
  graphbit_http_exchange_unref (inv->exchange);
  g_free (inv);
}

void
graphbit_http_exchange_invoke (GraphbitHttpExchange     *exchange,
                               GraphbitHttpExchangeFunc  func,
                               gpointer                  data,
                               GDestroyNotify            destroy)
{
  Invocation *inv = g_new (Invocation, 1);

  inv->exchange = graphbit_http_exchange_ref (exchange);
  inv->func = func;
  inv->data = data;
  inv->destroy = destroy;
  graphbit_worker_invoke (exchange->worker, invocation_run, inv, invocation_free);
}

static void
abort_on_worker (GraphbitHttpExchange *exchange,
                 gpointer              data)
{
  g_cancellable_cancel (exchange->cancellable);
}

void
graphbit_http_exchange_abort (GraphbitHttpExchange *exchange)
{
  graphbit_http_exchange_invoke (exchange, abort_on_worker, NULL, NULL);
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      data)
{
  graphbit_http_exchange_abort (data);
}

gulong
graphbit_http_exchange_connect_cancellable (GraphbitHttpExchange *exchange,
                                            GCancellable         *cancellable)
{
  if (cancellable == NULL)
    return 0;
  return g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                graphbit_http_exchange_ref (exchange),
                                (GDestroyNotify) graphbit_http_exchange_unref);
}

void
graphbit_http_exchange_disconnect_cancellable (GraphbitHttpExchange *exchange,
                                               GCancellable         *cancellable,
                                               gulong                handler)
{
  /* Waits for a handler running in another thread, which only queues an
   * abort: it never waits for us, so this cannot deadlock. */
  if (cancellable != NULL && handler != 0)
    g_cancellable_disconnect (cancellable, handler);
}

gboolean
graphbit_http_exchange_begin (GraphbitHttpExchange  *exchange,
                              GError               **error)
{
  g_assert (graphbit_worker_is_current (exchange->worker));

  if (!exchange->tracked && !exchange->ended)
    {
      graphbit_worker_track (exchange->worker, exchange->cancellable);
      exchange->shard = graphbit_session_pool_take (graphbit_worker_get_session_pool (exchange->worker));
      exchange->tracked = TRUE;
    }
  if (exchange->ended || graphbit_worker_is_stopping (exchange->worker)
      || g_cancellable_is_cancelled (exchange->cancellable))
    {
      g_propagate_error (error, graphbit_http_exchange_map_error (exchange, NULL));
      return FALSE;
    }
  return TRUE;
}

SoupSession *
graphbit_http_exchange_get_session (GraphbitHttpExchange *exchange)
{
  g_assert (exchange->shard != NULL);   /* begin() took it */
  return graphbit_session_shard_get_session (exchange->shard);
}

GCancellable *
graphbit_http_exchange_get_cancellable (GraphbitHttpExchange *exchange)
{
  return exchange->cancellable;
}

static gboolean
on_timeout (gpointer data)
{
  GraphbitHttpExchange *exchange = data;

  exchange->timed_out = TRUE;
  g_cancellable_cancel (exchange->cancellable);
  g_clear_pointer (&exchange->timeout_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

void
graphbit_http_exchange_disarm_timeout (GraphbitHttpExchange *exchange)
{
  if (exchange->timeout_source != NULL)
    {
      g_source_destroy (exchange->timeout_source);
      g_clear_pointer (&exchange->timeout_source, g_source_unref);
    }
}

void
graphbit_http_exchange_arm_timeout (GraphbitHttpExchange *exchange)
{
  g_assert (graphbit_worker_is_current (exchange->worker));

  graphbit_http_exchange_disarm_timeout (exchange);
  if (exchange->options.timeout_ms == 0 || exchange->ended)
    return;
  exchange->timeout_source = g_timeout_source_new (exchange->options.timeout_ms);
  g_source_set_callback (exchange->timeout_source, on_timeout, exchange, NULL);
  g_source_set_static_name (exchange->timeout_source, "[graphbit] request timeout");
  g_source_attach (exchange->timeout_source, graphbit_worker_get_context (exchange->worker));
}

GError *
graphbit_http_exchange_map_error (GraphbitHttpExchange *exchange,
                                  const GError         *error)
{
  GraphbitHttpFailureCause cause = GRAPHBIT_HTTP_FAILURE_TRANSPORT;

  if (exchange->timed_out)
    cause = GRAPHBIT_HTTP_FAILURE_TIMED_OUT;
  else if (graphbit_worker_is_stopping (exchange->worker))
    cause = GRAPHBIT_HTTP_FAILURE_SHUT_DOWN;
  return graphbit_http_error_from_failure (error, cause, &exchange->options,
                                           soup_message_get_uri (exchange->msg), exchange->started_at);
}

void
graphbit_http_exchange_end (GraphbitHttpExchange *exchange)
{
  if (!graphbit_worker_is_current (exchange->worker))
    {
      graphbit_http_exchange_invoke (exchange, end_on_worker, NULL, NULL);
      return;
    }
  if (exchange->ended)
    return;
  exchange->ended = TRUE;
  graphbit_http_exchange_disarm_timeout (exchange);
  if (exchange->tracked)
    graphbit_worker_untrack (exchange->worker, exchange->cancellable);
  if (exchange->shard != NULL)
    graphbit_session_pool_release (graphbit_worker_get_session_pool (exchange->worker),
                                   g_steal_pointer (&exchange->shard));
  graphbit_worker_end_operation (exchange->worker);
}
