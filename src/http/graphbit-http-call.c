/* graphbit-http-call.c - sending one HTTP exchange on a runtime worker
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The caller's GCancellable is never handed to libsoup: it may be cancelled
 * from any thread, while a message's I/O belongs to the worker that started
 * it. Cancelling it schedules the cancellation of a private cancellable on
 * the worker instead. The same private cancellable is tracked by the
 * worker so graphbit_shutdown() can abort the exchange, and is cancelled by
 * the per-attempt timer (libsoup's own timeout only measures silence).
 */

#include "config.h"

#include "graphbit-http-private.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"
#include "runtime/graphbit-runtime-private.h"

typedef struct
{
  GraphbitWorker *worker;
  SoupMessage *msg;
  GCancellable *cancellable;        /* private; cancelled on the worker only */
  GCancellable *user_cancellable;
  gulong user_handler;
  GSource *timeout_source;
  gboolean timed_out;
  GraphbitHttpOptions options;
  GraphbitHttpDoneFunc done;
  gpointer user_data;
  gint64 started_at;
} HttpCall;

static void
http_call_clear (HttpCall *call)
{
  g_clear_object (&call->msg);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->user_cancellable);
  g_clear_pointer (&call->worker, graphbit_worker_unref);
}

static HttpCall *
http_call_ref (HttpCall *call)
{
  return g_atomic_rc_box_acquire (call);
}

static void
http_call_unref (gpointer call)
{
  g_atomic_rc_box_release_full (call, (GDestroyNotify) http_call_clear);
}

SoupMessage *
graphbit_http_new_json_post (const char  *url,
                             const char  *json,
                             gsize        json_len,
                             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  SoupMessage *msg;
  GBytes *body;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;

  msg = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  body = g_bytes_new (json, json_len);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  g_bytes_unref (body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  return msg;
}

/* Worker thread: the exchange is over; report and release. Takes @error. */
static void
http_call_complete (HttpCall *call,
                    GBytes   *body,
                    GError   *error)
{
  GraphbitWorker *worker = graphbit_worker_ref (call->worker);

  if (call->timeout_source != NULL)
    {
      g_source_destroy (call->timeout_source);
      g_clear_pointer (&call->timeout_source, g_source_unref);
    }
  graphbit_worker_untrack (worker, call->cancellable);
  if (call->user_handler != 0)
    {
      g_cancellable_disconnect (call->user_cancellable, call->user_handler);
      call->user_handler = 0;
    }

  GRAPHBIT_TRACE_EVENT ("%s %s: HTTP %u in %.1f ms%s%s",
                        call->options.provider, call->options.operation,
                        soup_message_get_status (call->msg),
                        (g_get_monotonic_time () - call->started_at) / 1000.0,
                        error != NULL ? ", " : "", error != NULL ? error->message : "");

  call->done (call->msg, body, error, call->user_data);
  g_clear_error (&error);
  http_call_unref (call);
  graphbit_worker_end_operation (worker);
  graphbit_worker_unref (worker);
}

static GError *
map_failure (HttpCall     *call,
             const GError *error)
{
  GError *mapped;

  if (call->timed_out)
    {
      mapped = graphbit_error_new (GRAPHBIT_ERROR_TIMEOUT,
                                   "%s %s timed out after %u ms (per-attempt timeout)",
                                   call->options.provider_label, call->options.operation,
                                   call->options.timeout_ms);
      graphbit_error_set_operation (mapped, call->options.operation);
      graphbit_error_set_provider (mapped, call->options.provider);
      graphbit_error_set_duration_ms (mapped, call->options.timeout_ms);
      return mapped;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && graphbit_worker_is_stopping (call->worker))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                        "%s %s was cancelled because the graphbit runtime shut down",
                        call->options.provider_label, call->options.operation);
  return graphbit_http_error_from_transport (error, &call->options, soup_message_get_uri (call->msg));
}

static void
on_send_and_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HttpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    http_call_complete (call, NULL, map_failure (call, error));
  else
    http_call_complete (call, body, NULL);
}

static gboolean
on_timeout (gpointer user_data)
{
  HttpCall *call = user_data;

  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  g_clear_pointer (&call->timeout_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* Worker thread. */
static void
http_call_start (GraphbitWorker *worker,
                 gpointer        data)
{
  HttpCall *call = data;

  graphbit_worker_track (worker, call->cancellable);
  if (graphbit_worker_is_stopping (worker) || g_cancellable_is_cancelled (call->cancellable))
    {
      http_call_complete (call, NULL,
                          g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s %s was cancelled",
                                       call->options.provider_label, call->options.operation));
      return;
    }

  if (call->options.timeout_ms > 0)
    {
      call->timeout_source = g_timeout_source_new (call->options.timeout_ms);
      g_source_set_callback (call->timeout_source, on_timeout, call, NULL);
      g_source_set_static_name (call->timeout_source, "[graphbit] request timeout");
      g_source_attach (call->timeout_source, graphbit_worker_get_context (worker));
    }

  soup_session_send_and_read_async (graphbit_worker_get_session (worker), call->msg,
                                    G_PRIORITY_DEFAULT, call->cancellable,
                                    on_send_and_read, call);
}

static void
cancel_on_worker (GraphbitWorker *worker,
                  gpointer        data)
{
  HttpCall *call = data;

  g_cancellable_cancel (call->cancellable);
}

/* Any thread. */
static void
on_user_cancelled (GCancellable *cancellable,
                   gpointer      data)
{
  HttpCall *call = data;

  graphbit_worker_invoke (call->worker, cancel_on_worker, http_call_ref (call), http_call_unref);
}

void
graphbit_http_send (SoupMessage               *msg,
                    const GraphbitHttpOptions *options,
                    GCancellable              *cancellable,
                    GraphbitHttpDoneFunc       done,
                    gpointer                   user_data)
{
  HttpCall *call;
  GError *error = NULL;
  GraphbitWorker *worker;

  worker = graphbit_runtime_acquire_worker (&error);
  if (worker == NULL)
    {
      done (msg, NULL, error, user_data);
      g_error_free (error);
      g_object_unref (msg);
      return;
    }

  call = g_atomic_rc_box_new0 (HttpCall);
  call->worker = worker;
  call->msg = msg;
  call->cancellable = g_cancellable_new ();
  call->options = *options;
  call->done = done;
  call->user_data = user_data;
  call->started_at = g_get_monotonic_time ();

  if (cancellable != NULL)
    {
      call->user_cancellable = g_object_ref (cancellable);
      call->user_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                                                  http_call_ref (call), http_call_unref);
    }

  graphbit_worker_invoke (worker, http_call_start, call, NULL);
}
