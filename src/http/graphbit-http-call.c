/* graphbit-http-call.c - one request/response exchange, body read whole
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For non-streamed calls: the request is sent on a runtime worker and the
 * whole response body is read there, under the per-attempt timeout and a
 * size bound (graphbit_http_set_max_body_size()).
 */

#include "config.h"

#include <string.h>

#include "graphbit-http-private.h"
#include "graphbit-log-private.h"
#include "graphbit-error-private.h"

/* The largest response body read whole: a power of two, because a memory
 * output stream grows to the next power of two (see bounded_realloc()).
 * 256 MiB holds a full 2048-input batch of 3072-dimension embeddings. */
#define DEFAULT_MAX_BODY ((gsize) 256 * 1024 * 1024)

static gsize max_body = DEFAULT_MAX_BODY;

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
  /* Never redirected: libsoup would turn the POST into a bodiless GET and
   * send it, with every header set here (Anthropic's x-api-key among them),
   * to whatever host the Location names. A redirect is reported instead
   * (graphbit_http_error_from_status()). */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT | SOUP_MESSAGE_NO_REDIRECT);
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
  SoupMessage *msg;

  if (uri == NULL)
    return NULL;
  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  /* As for POSTs: the key must not follow a redirect to another host. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  return msg;
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

void
graphbit_http_set_max_body_size (gsize size)
{
  g_return_if_fail (size == 0 || (size & (size - 1)) == 0);
  max_body = size != 0 ? size : DEFAULT_MAX_BODY;
}

/* A memory output stream's realloc that refuses to grow past max_body:
 * the write then fails with G_IO_ERROR_NO_SPACE, and memory stays bounded
 * however long the body is. */
static gpointer
bounded_realloc (gpointer data,
                 gsize    size)
{
  if (size > max_body)
    return NULL;
  return g_realloc (data, size);
}

GOutputStream *
graphbit_http_new_body_sink (void)
{
  return g_memory_output_stream_new (NULL, 0, bounded_realloc, g_free);
}

gboolean
graphbit_http_body_size_allowed (goffset declared)
{
  return declared <= 0 || (guint64) declared <= max_body;
}

/* "256 MiB", "4 KiB", "1000 bytes": plain ASCII (g_format_size() puts a
 * no-break space in). */
static char *
format_size (guint64 size)
{
  if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", size / (1024 * 1024));
  if (size >= 1024 && size % 1024 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " KiB", size / 1024);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " bytes", size);
}

GError *
graphbit_http_body_too_large (const GraphbitHttpOptions *options,
                              goffset                    size)
{
  g_autofree char *limit = format_size (max_body);
  GError *error;

  if (size > 0)
    {
      g_autofree char *declared = format_size ((guint64) size);

      error = graphbit_error_new (GRAPHBIT_ERROR_RESOURCE_EXHAUSTED,
                                  "%s %s: the response body is %s, more than graphbit reads (%s)",
                                  options->provider_label, options->operation, declared, limit);
    }
  else
    error = graphbit_error_new (GRAPHBIT_ERROR_RESOURCE_EXHAUSTED,
                                "%s %s: the response body is larger than graphbit reads (%s)",
                                options->provider_label, options->operation, limit);
  graphbit_error_set_resource_type (error, "response_body");
  graphbit_error_set_provider (error, options->provider);
  graphbit_error_set_operation (error, options->operation);
  return error;
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HttpCall *call = user_data;
  GOutputStream *memory = G_OUTPUT_STREAM (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  if (g_output_stream_splice_finish (memory, result, &error) < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          /* The rest of the body is not wanted: abort rather than drain. */
          g_cancellable_cancel (graphbit_http_exchange_get_cancellable (call->exchange));
          http_call_complete (call, NULL, graphbit_http_body_too_large (graphbit_http_exchange_get_options (call->exchange), 0));
        }
      else
        http_call_complete (call, NULL, graphbit_http_exchange_map_error (call->exchange, error));
      g_object_unref (memory);
      return;
    }
  body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
  g_object_unref (memory);
  http_call_complete (call, body, NULL);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HttpCall *call = user_data;
  SoupMessage *msg = graphbit_http_exchange_get_message (call->exchange);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  goffset declared;
  GOutputStream *memory;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      http_call_complete (call, NULL, graphbit_http_exchange_map_error (call->exchange, error));
      return;
    }
  declared = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  if (!graphbit_http_body_size_allowed (declared))
    {
      g_cancellable_cancel (graphbit_http_exchange_get_cancellable (call->exchange));
      g_input_stream_close (stream, NULL, NULL);
      http_call_complete (call, NULL, graphbit_http_body_too_large (graphbit_http_exchange_get_options (call->exchange), declared));
      return;
    }
  /* What soup_session_send_and_read_async() does, with a bound. */
  memory = graphbit_http_new_body_sink ();
  g_output_stream_splice_async (memory, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, graphbit_http_exchange_get_cancellable (call->exchange),
                                on_body_read, call);
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
  soup_session_send_async (graphbit_http_exchange_get_session (exchange),
                           graphbit_http_exchange_get_message (exchange),
                           G_PRIORITY_DEFAULT,
                           graphbit_http_exchange_get_cancellable (exchange),
                           on_sent, call);
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
