/* graphbit-http-call.c - one request/response exchange, body read whole
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For non-streamed calls: the request is sent on a runtime worker and the
 * whole response body is read there, under the per-attempt timeout.
 */

#include "config.h"

#include <string.h>

#include "graphbit-http-private.h"
#include "graphbit-log-private.h"

typedef struct
{
  GraphbitHttpExchange *exchange;
  GCancellable *caller_cancellable;
  gulong caller_handler;
  GraphbitHttpDoneFunc done;
  gpointer user_data;
} HttpCall;

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

void
graphbit_http_set_bearer (SoupMessage *msg,
                          const char  *key)
{
  g_autofree char *authorization = NULL;

  if (key == NULL)
    return;
  authorization = g_strconcat ("Bearer ", key, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  memset (authorization, 0, strlen (authorization));
}

SoupMessage *
graphbit_http_new_get (const char  *base_url,
                       const char  *path,
                       GError     **error)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);

  return uri != NULL ? soup_message_new_from_uri (SOUP_METHOD_GET, uri) : NULL;
}

/* Worker thread: the exchange is over; report and release. Takes @error. */
static void
http_call_complete (HttpCall *call,
                    GBytes   *body,
                    GError   *error)
{
  GraphbitHttpExchange *exchange = call->exchange;
  SoupMessage *msg = graphbit_http_exchange_get_message (exchange);
  const GraphbitHttpOptions *options = graphbit_http_exchange_get_options (exchange);

  graphbit_http_exchange_disconnect_cancellable (exchange, call->caller_cancellable, call->caller_handler);
  GRAPHBIT_TRACE_EVENT ("%s %s: HTTP %u in %.1f ms%s%s",
                        options->provider, options->operation, soup_message_get_status (msg),
                        (g_get_monotonic_time () - graphbit_http_exchange_get_started_at (exchange)) / 1000.0,
                        error != NULL ? ", " : "", error != NULL ? error->message : "");

  call->done (msg, body, error, call->user_data);
  g_clear_error (&error);
  graphbit_http_exchange_end (exchange);
  graphbit_http_exchange_unref (exchange);
  g_clear_object (&call->caller_cancellable);
  g_free (call);
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
    http_call_complete (call, NULL, graphbit_http_exchange_map_error (call->exchange, error));
  else
    http_call_complete (call, body, NULL);
}

/* Worker thread. */
static void
http_call_start (GraphbitHttpExchange *exchange,
                 gpointer              data)
{
  HttpCall *call = data;
  GError *error = NULL;

  if (!graphbit_http_exchange_begin (exchange, &error))
    {
      http_call_complete (call, NULL, error);
      return;
    }
  graphbit_http_exchange_arm_timeout (exchange);
  soup_session_send_and_read_async (graphbit_http_exchange_get_session (exchange),
                                    graphbit_http_exchange_get_message (exchange),
                                    G_PRIORITY_DEFAULT,
                                    graphbit_http_exchange_get_cancellable (exchange),
                                    on_send_and_read, call);
}

void
graphbit_http_send (SoupMessage               *msg,
                    const GraphbitHttpOptions *options,
                    GCancellable              *cancellable,
                    GraphbitHttpDoneFunc       done,
                    gpointer                   user_data)
{
  g_autoptr(SoupMessage) kept = g_object_ref (msg);
  GError *error = NULL;
  HttpCall *call;
  GraphbitHttpExchange *exchange = graphbit_http_exchange_new (msg, options, &error);

  if (exchange == NULL)
    {
      done (kept, NULL, error, user_data);
      g_error_free (error);
      return;
    }

  call = g_new0 (HttpCall, 1);
  call->exchange = exchange;
  call->done = done;
  call->user_data = user_data;
  if (cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (cancellable);
      call->caller_handler = graphbit_http_exchange_connect_cancellable (exchange, cancellable);
    }
  graphbit_http_exchange_invoke (exchange, http_call_start, call, NULL);
}
