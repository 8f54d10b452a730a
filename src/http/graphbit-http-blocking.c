/* graphbit-http-blocking.c - one exchange with libsoup's blocking API, in the caller's thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A blocking call's first attempt does not need a worker: the calling
 * thread waits anyway, so it sends the request and reads the answer
 * itself (libsoup 3.2 sends from any thread on a shared session). That
 * saves two thread hand-overs and their wake-ups, which cost more than
 * the request on loopback. The session is the runtime's blocking session;
 * the blocking watch (runtime/graphbit-blocking-watch.c) enforces the
 * per-attempt timeout and cancels the exchange for a shutdown.
 */

#include "config.h"

#include "graphbit-http-private.h"
#include "graphbit-log-private.h"
#include "graphbit-error-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-blocking-watch-private.h"

static void
cancel_attempt (GCancellable *caller,
                gpointer      attempt)
{
  g_cancellable_cancel (attempt);
}

/* Sends @msg and reads its whole body, or fails. */
static GBytes *
exchange (SoupSession               *session,
          SoupMessage               *msg,
          const GraphbitHttpOptions *options,
          GCancellable              *cancellable,
          GError                   **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  g_autoptr(GError) local_error = NULL;
  goffset declared;

  stream = soup_session_send (session, msg, cancellable, error);
  if (stream == NULL)
    return NULL;
  declared = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  if (!graphbit_http_body_size_allowed (declared))
    {
      /* Not read: closing the stream drops the connection. */
      g_cancellable_cancel (cancellable);
      g_input_stream_close (stream, NULL, NULL);
      g_propagate_error (error, graphbit_http_body_too_large (options, declared));
      return NULL;
    }
  sink = graphbit_http_new_body_sink ();
  if (g_output_stream_splice (sink, stream,
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              cancellable, &local_error) < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          g_cancellable_cancel (cancellable);
          g_input_stream_close (stream, NULL, NULL);
          g_propagate_error (error, graphbit_http_body_too_large (options, 0));
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
}

static GraphbitHttpFailureCause
failure_cause (GraphbitBlockingTicket *ticket)
{
  switch (graphbit_blocking_ticket_get_reason (ticket))
    {
    case GRAPHBIT_BLOCKING_TIMED_OUT:
      return GRAPHBIT_HTTP_FAILURE_TIMED_OUT;
    case GRAPHBIT_BLOCKING_SHUT_DOWN:
      return GRAPHBIT_HTTP_FAILURE_SHUT_DOWN;
    case GRAPHBIT_BLOCKING_RUNNING:
    default:
      return GRAPHBIT_HTTP_FAILURE_TRANSPORT;   /* a cancellation reads as one */
    }
}

void
graphbit_http_send_blocking (SoupMessage               *msg,
                             const GraphbitHttpOptions *options,
                             GCancellable              *cancellable,
                             GraphbitHttpDoneFunc       done,
                             gpointer                   user_data)
{
  g_autoptr(SoupMessage) owned = msg;
  GCancellable *attempt = graphbit_blocking_watch_get_thread_cancellable ();
  GraphbitBlockingTicket ticket;
  gint64 started_at = g_get_monotonic_time ();
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  GError *reported = NULL;
  gulong handler = 0;

  if (!graphbit_blocking_watch_begin (&ticket, attempt, options->timeout_ms, &error))
    {
      reported = graphbit_http_error_from_failure (error, GRAPHBIT_HTTP_FAILURE_SHUT_DOWN, options,
                                                   soup_message_get_uri (msg), started_at);
      g_clear_error (&error);
      done (msg, NULL, reported, user_data);
      g_error_free (reported);
      return;
    }

  /* Connected inside the ticket: disconnecting waits for a handler
   * running in another thread, so none cancels the next exchange. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_attempt), attempt, NULL);
  {
    /* Valid while the ticket is registered: a shutdown waits for it. */
    SoupSession *session = graphbit_runtime_get_blocking_session (&error);

    if (session != NULL)
      body = exchange (session, msg, options, attempt, &error);
  }
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  graphbit_blocking_watch_end (&ticket);

  if (error != NULL)
    {
      /* Errors of graphbit's own (the body limit) are reported as they are. */
      reported = error->domain == GRAPHBIT_ERROR
               ? g_error_copy (error)
               : graphbit_http_error_from_failure (error, failure_cause (&ticket), options,
                                                   soup_message_get_uri (msg), started_at);
      g_clear_error (&error);
    }
  GRAPHBIT_TRACE_EVENT ("%s %s: HTTP %u in %.1f ms (blocking)%s%s",
                        options->provider, options->operation, soup_message_get_status (msg),
                        (g_get_monotonic_time () - started_at) / 1000.0,
                        reported != NULL ? ", " : "", reported != NULL ? reported->message : "");
  done (msg, reported == NULL ? body : NULL, reported, user_data);
  g_clear_error (&reported);
}
