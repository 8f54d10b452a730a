/* mock-reply.c - how the mock writes a reply: whole, delayed, or streamed
 * piece by piece (paced, split into small writes, or cut off)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A reply is a list of events: the SSE events or NDJSON lines of a stream,
 * or a single event holding the whole body. It is written whole, with a
 * Content-Length, unless it is a stream or the directives shape it
 * (chunk_bytes, token_delay_ms, cut_after); then it is written piece by
 * piece in a chunked body. A piece is an event, or at most chunk_bytes of
 * one. The next piece is queued only once libsoup has written the previous
 * one to the socket, and token_delay_ms after that. While the exchange waits
 * (for delay_ms, or between pieces) libsoup does not read the connection,
 * so a watch on the socket notices a client that goes away.
 *
 * The faults that mock-faults.c decides are produced here too: "slow" and
 * "cut" shape a reply (mock_reply_send()); "close", "reset" and "hang" send
 * no reply at all (mock_reply_withhold()).
 */

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "mock-private.h"

struct _MockReply
{
  Mock *mock;
  SoupServerMessage *msg;
  guint status;
  char *content_type;
  char *retry_after;
  gint64 retry_after_ms;       /* -1: none */
  MockFault fault;             /* close, reset or hang: withheld */
  GPtrArray *events;           /* GBytes*, none of them empty */
  gboolean streamed;
  guint delay_ms;
  guint token_delay_ms;
  gsize chunk_bytes;           /* 0: whole events */
  gint cut_after;              /* events written before the cut; -1: never */
  guint next_event;
  gsize event_offset;          /* bytes of events[next_event] already queued */
  guint timer;
  GSource *hangup_watch;
  gboolean paused;             /* by us, for delay_ms */
  gboolean began;              /* status and headers are set */
  gboolean body_queued;        /* the whole body is in libsoup's hands */
  gboolean body_written;
  gboolean ended;              /* cut, or the client left: already counted */
};

MockReply *
mock_reply_new (Mock              *mock,
                SoupServerMessage *msg,
                guint              status,
                const char        *content_type)
{
  MockReply *reply = g_new0 (MockReply, 1);

  reply->mock = mock;
  reply->msg = g_object_ref (msg);
  reply->status = status;
  reply->content_type = g_strdup (content_type);
  reply->events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  reply->cut_after = -1;
  reply->retry_after_ms = -1;
  return reply;
}

void
mock_reply_set_streamed (MockReply *reply)
{
  reply->streamed = TRUE;
}

void
mock_reply_add (MockReply *reply,
                GBytes    *event)
{
  /* An empty chunk would end a chunked body early. */
  if (g_bytes_get_size (event) > 0)
    g_ptr_array_add (reply->events, g_bytes_ref (event));
}

static void
add_take (MockReply *reply,
          GBytes    *event)
{
  mock_reply_add (reply, event);
  g_bytes_unref (event);
}

/* One Server-Sent Event; @event may be NULL (OpenAI names none). */
void
mock_reply_add_sse (MockReply  *reply,
                    const char *event,
                    const char *data)
{
  GString *text = g_string_new (NULL);

  if (event != NULL)
    g_string_append_printf (text, "event: %s\n", event);
  g_string_append_printf (text, "data: %s\n\n", data);
  add_take (reply, g_string_free_to_bytes (text));
}

void
mock_reply_add_ndjson (MockReply  *reply,
                       JsonObject *object)
{
  g_autofree char *json = mock_json_to_string (object);
  char *line = g_strconcat (json, "\n", NULL);

  add_take (reply, g_bytes_new_take (line, strlen (line)));
}

static void
stop_watching (MockReply *reply)
{
  if (reply->hangup_watch != NULL)
    {
      g_source_destroy (reply->hangup_watch);
      g_clear_pointer (&reply->hangup_watch, g_source_unref);
    }
}

static void
reply_free (MockReply *reply)
{
  g_clear_handle_id (&reply->timer, g_source_remove);
  stop_watching (reply);
  g_signal_handlers_disconnect_by_data (reply->msg, reply);
  g_object_unref (reply->msg);
  g_free (reply->content_type);
  g_free (reply->retry_after);
  g_ptr_array_unref (reply->events);
  g_free (reply);
}

static void
queue_body_end (MockReply *reply)
{
  reply->body_queued = TRUE;
  stop_watching (reply);
  soup_message_body_complete (soup_server_message_get_response_body (reply->msg));
}

static gboolean
cut_is_due (MockReply *reply)
{
  return reply->cut_after >= 0 && reply->next_event >= (guint) reply->cut_after && reply->event_offset == 0;
}

/* Closes the connection under libsoup, without the end of the body: its
 * next write fails, and it finishes the message and drops the connection
 * itself. A shutdown is a clean close (FIN); with @reset, a close with a
 * zero linger time resets the connection instead (RST), and the client
 * sees ECONNRESET. */
static void
drop_connection (MockReply *reply,
                 gboolean   reset)
{
  GSocket *socket = soup_server_message_get_socket (reply->msg);

  reply->ended = TRUE;
  g_clear_handle_id (&reply->timer, g_source_remove);
  /* Before the close: the watch must not poll a closed descriptor. */
  stop_watching (reply);
  if (reset)
    {
      struct linger linger = { .l_onoff = 1, .l_linger = 0 };

      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
      g_socket_close (socket, NULL);
    }
  else
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  queue_body_end (reply);
  soup_server_message_unpause (reply->msg);
}

static void
write_next_piece (MockReply *reply)
{
  GBytes *event;
  gsize left, size;
  g_autoptr(GBytes) piece = NULL;

  if (cut_is_due (reply))
    {
      /* The client sees the connection close mid-stream. */
      reply->mock->streams_cut++;
      drop_connection (reply, FALSE);
      return;
    }

  event = g_ptr_array_index (reply->events, reply->next_event);
  left = g_bytes_get_size (event) - reply->event_offset;
  size = reply->chunk_bytes > 0 ? MIN (left, reply->chunk_bytes) : left;
  piece = g_bytes_new_from_bytes (event, reply->event_offset, size);
  soup_message_body_append_bytes (soup_server_message_get_response_body (reply->msg), piece);
  reply->event_offset += size;
  if (reply->event_offset == g_bytes_get_size (event))
    {
      reply->next_event++;
      reply->event_offset = 0;
    }
  /* The end goes with the last piece, unless a cut is due there. */
  if (reply->next_event == reply->events->len && !cut_is_due (reply))
    queue_body_end (reply);
  soup_server_message_unpause (reply->msg);
}

static gboolean
on_piece_due (gpointer data)
{
  MockReply *reply = data;

  reply->timer = 0;
  write_next_piece (reply);
  return G_SOURCE_REMOVE;
}

/* libsoup has written the last piece to the socket: pace the next one. */
static void
on_wrote_chunk (SoupServerMessage *msg,
                gpointer           data)
{
  MockReply *reply = data;

  if (!reply->body_queued && reply->timer == 0)
    reply->timer = g_timeout_add (reply->token_delay_ms, on_piece_due, reply);
}

/* A cut before the first event: the client still gets the headers. */
static void
on_wrote_headers (SoupServerMessage *msg,
                  gpointer           data)
{
  MockReply *reply = data;

  if (reply->streamed && !reply->body_queued && cut_is_due (reply) && reply->timer == 0)
    reply->timer = g_timeout_add (reply->token_delay_ms, on_piece_due, reply);
}

static void
on_wrote_body (SoupServerMessage *msg,
               gpointer           data)
{
  MockReply *reply = data;

  reply->body_written = TRUE;
  if (reply->streamed && !reply->ended)
    {
      reply->mock->completed++;
      reply->mock->streams_completed++;
    }
}

/* The exchange is over, whatever the way: the reply goes with it. */
static void
on_finished (SoupServerMessage *msg,
             gpointer           data)
{
  MockReply *reply = data;

  /* libsoup noticed the client leave before the watch did (mid-write). */
  if (!reply->body_written && !reply->ended)
    reply->mock->disconnected_early++;
  reply_free (reply);
}

/* Sets the status and the headers, then the body or its first piece. */
static void
begin (MockReply *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (reply->msg);

  reply->began = TRUE;
  if (reply->retry_after != NULL)
    soup_message_headers_replace (headers, "Retry-After", reply->retry_after);
  if (reply->retry_after_ms >= 0)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, reply->retry_after_ms);

      soup_message_headers_replace (headers, "retry-after-ms", value);
    }
  soup_server_message_set_status (reply->msg, reply->status, NULL);

  if (!reply->streamed)
    {
      GByteArray *body = g_byte_array_new ();

      for (guint i = 0; i < reply->events->len; i++)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (reply->events->pdata[i], &len);

          g_byte_array_append (body, data, len);
        }
      soup_server_message_set_response (reply->msg, reply->content_type, SOUP_MEMORY_TAKE,
                                        (const char *) body->data, body->len);
      g_byte_array_free (body, FALSE);
      reply->mock->completed++;
      reply->body_queued = TRUE;
      stop_watching (reply);
      if (reply->paused)
        soup_server_message_unpause (reply->msg);
      return;
    }

  soup_message_headers_replace (headers, "Content-Type", reply->content_type);
  /* HTTP/1.0 has no chunked bodies: the end of the body is the end of the
   * connection there. */
  soup_message_headers_set_encoding (headers,
                                     soup_server_message_get_http_version (reply->msg) == SOUP_HTTP_1_0
                                     ? SOUP_ENCODING_EOF : SOUP_ENCODING_CHUNKED);
  /* Pieces are dropped once written, not kept for the whole body. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (reply->msg), FALSE);
  /* Each piece leaves in its own segment, when it is written. */
  g_socket_set_option (soup_server_message_get_socket (reply->msg), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  reply->mock->streams_started++;

  if (cut_is_due (reply))
    soup_server_message_unpause (reply->msg);  /* The headers go first; see on_wrote_headers(). */
  else if (reply->events->len == 0)
    {
      queue_body_end (reply);
      soup_server_message_unpause (reply->msg);
    }
  else
    write_next_piece (reply);
}

static gboolean
on_delay_elapsed (gpointer data)
{
  MockReply *reply = data;

  reply->timer = 0;
  begin (reply);
  return G_SOURCE_REMOVE;
}

/* libsoup does not read a connection while its message waits, so it would
 * only notice a client that gave up at the next write. Watch the socket
 * instead: end of file there means the client went away (for example, it
 * cancelled) before the whole reply. */
static gboolean
on_socket_readable (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      data)
{
  MockReply *reply = data;
  GInputVector vector;
  char byte;
  gssize n;

  vector.buffer = &byte;
  vector.size = 1;
  n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL,
                                (gint[]) { G_SOCKET_MSG_PEEK }, NULL, NULL);
  g_clear_pointer (&reply->hangup_watch, g_source_unref);
  if (n > 0)
    return G_SOURCE_REMOVE;  /* A pipelined request, not a hang-up. */

  /* The client is gone: so is the connection, rather than kept alive. */
  reply->mock->disconnected_early++;
  drop_connection (reply, FALSE);
  return G_SOURCE_REMOVE;
}

static void
watch_for_hangup (MockReply *reply)
{
  reply->hangup_watch = g_socket_create_source (soup_server_message_get_socket (reply->msg),
                                                G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (reply->hangup_watch, (GSourceFunc) on_socket_readable, reply, NULL);
  g_source_attach (reply->hangup_watch, NULL);
}

/* From here on the reply lives as long as the exchange. */
static void
follow_exchange (MockReply *reply)
{
  g_signal_connect (reply->msg, "wrote-headers", G_CALLBACK (on_wrote_headers), reply);
  g_signal_connect (reply->msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), reply);
  g_signal_connect (reply->msg, "wrote-body", G_CALLBACK (on_wrote_body), reply);
  g_signal_connect (reply->msg, "finished", G_CALLBACK (on_finished), reply);
  watch_for_hangup (reply);
}

/* Where a cut fault cuts when mock:cut_after does not say: after half the
 * events, at least one. A body written whole is a single event, so it is
 * split in two halves first: the client gets the first. */
static void
cut_halfway (MockReply *reply)
{
  if (reply->events->len == 1 && g_bytes_get_size (reply->events->pdata[0]) >= 2)
    {
      g_autoptr(GBytes) whole = g_bytes_ref (reply->events->pdata[0]);
      gsize half = g_bytes_get_size (whole) / 2;

      g_ptr_array_set_size (reply->events, 0);
      add_take (reply, g_bytes_new_from_bytes (whole, 0, half));
      add_take (reply, g_bytes_new_from_bytes (whole, half, g_bytes_get_size (whole) - half));
    }
  reply->cut_after = MAX (1, (gint) reply->events->len / 2);
}

/* Default pacing of the "slow" fault: a stream that is live but slow, or a
 * whole answer whose headers come late. */
#define SLOW_TOKEN_DELAY_MS 200
#define SLOW_DELAY_MS 2000

/* Writes the reply as the directives say; takes @reply. */
void
mock_reply_send (MockReply        *reply,
                 const Directives *d)
{
  reply->delay_ms = d->delay_ms;
  reply->token_delay_ms = d->token_delay_ms;
  reply->chunk_bytes = d->chunk_bytes;
  reply->cut_after = d->cut_after;
  reply->retry_after = g_strdup (d->retry_after);
  reply->retry_after_ms = d->retry_after_ms;
  /* Until the shaping below, reply->streamed says whether the provider
   * streams this answer. */
  if (d->fault == MOCK_FAULT_SLOW && reply->streamed)
    reply->token_delay_ms = d->token_delay_ms > 0 ? d->token_delay_ms : SLOW_TOKEN_DELAY_MS;
  else if (d->fault == MOCK_FAULT_SLOW)
    reply->delay_ms = d->delay_ms > 0 ? d->delay_ms : SLOW_DELAY_MS;
  if (d->fault == MOCK_FAULT_CUT && reply->cut_after < 0)
    cut_halfway (reply);
  if (reply->chunk_bytes > 0 || reply->token_delay_ms > 0 || reply->cut_after >= 0)
    reply->streamed = TRUE;

  if (reply->delay_ms == 0 && !reply->streamed)
    {
      begin (reply);
      reply_free (reply);
      return;
    }

  follow_exchange (reply);
  if (reply->delay_ms > 0)
    {
      soup_server_message_pause (reply->msg);
      reply->paused = TRUE;
      reply->timer = g_timeout_add (reply->delay_ms, on_delay_elapsed, reply);
    }
  else
    begin (reply);
}

static gboolean
is_withheld (MockFault fault)
{
  return fault == MOCK_FAULT_CLOSE || fault == MOCK_FAULT_RESET || fault == MOCK_FAULT_HANG;
}

static gboolean
on_withheld (gpointer data)
{
  MockReply *reply = data;

  reply->timer = 0;
  drop_connection (reply, reply->fault == MOCK_FAULT_RESET);
  return G_SOURCE_REMOVE;
}

/* Answers with nothing, as @fault says. libsoup has read the
 * whole request; the message waits, paused, and the connection is then
 * closed ("close") or reset ("reset") before any byte of a reply, or left
 * open with nothing sent ("hang") until the client goes away: the watch
 * counts that in disconnected_early. */
static void
mock_reply_withhold (Mock              *mock,
                     SoupServerMessage *msg,
                     MockFault          fault)
{
  /* Never begun: no status or header of it is sent. */
  MockReply *reply = mock_reply_new (mock, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain");

  reply->fault = fault;
  follow_exchange (reply);
  soup_server_message_pause (msg);
  reply->paused = TRUE;
  /* Not from the handler: libsoup is still in its reading loop there. */
  if (fault != MOCK_FAULT_HANG)
    reply->timer = g_timeout_add (0, on_withheld, reply);
}

void
mock_reply_bytes (Mock              *mock,
                  SoupServerMessage *msg,
                  guint              status,
                  const char        *content_type,
                  GBytes            *body,
                  const Directives  *d)
{
  MockReply *reply = mock_reply_new (mock, msg, status, content_type);

  mock_reply_add (reply, body);
  mock_reply_send (reply, d);
}

void
mock_reply_json (Mock              *mock,
                 SoupServerMessage *msg,
                 guint              status,
                 const char        *content_type,
                 JsonObject        *object,
                 const Directives  *d)
{
  char *json = mock_json_to_string (object);
  g_autoptr(GBytes) body = g_bytes_new_take (json, strlen (json));

  mock_reply_bytes (mock, msg, status, content_type, body, d);
}

/* The headers of an error: the provider's own, then those the directives
 * ask for (mock:should_retry overrides the provider's x-should-retry). */
static void
add_error_headers (SoupServerMessage *msg,
                   const MockDialect *dialect,
                   guint              status,
                   const Directives  *d)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (status < 400)
    return;
  if (dialect->error_headers != NULL)
    dialect->error_headers (headers, status);
  if (d->should_retry >= 0)
    soup_message_headers_replace (headers, "x-should-retry", d->should_retry ? "true" : "false");
  if (d->rate_reset_ms >= 0 && dialect->rate_limit_headers != NULL)
    dialect->rate_limit_headers (headers, (guint64) d->rate_reset_ms);
}

void
mock_reply_error (Mock              *mock,
                  SoupServerMessage *msg,
                  const MockDialect *dialect,
                  guint              status,
                  const char        *message,
                  const Directives  *d)
{
  g_autoptr(GBytes) body = d->empty_body ? g_bytes_new (NULL, 0) : dialect->error_body (status, message, d);

  add_error_headers (msg, dialect, status, d);
  mock_reply_bytes (mock, msg, status, dialect->error_content_type, body, d);
}

GBytes *
mock_fixture_load (Mock        *mock,
                   const char  *relative,
                   GError     **error)
{
  g_autofree char *path = NULL;
  char *data;
  gsize len;

  if (strstr (relative, "..") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "fixture paths may not contain '..'");
      return NULL;
    }
  path = g_build_filename (mock->fixtures_dir, relative, NULL);
  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (data, len);
}

/* A fixture's events, as a streaming server writes them: SSE events (each
 * ends with a blank line, whatever the line ends), NDJSON lines, or the
 * whole file for anything else. */
static void
add_fixture_events (MockReply  *reply,
                    GBytes     *body,
                    const char *path)
{
  gboolean sse = g_str_has_suffix (path, ".sse");
  gboolean ndjson = g_str_has_suffix (path, ".ndjson");
  gboolean line_empty = TRUE;
  gsize len, start = 0;
  const char *data = g_bytes_get_data (body, &len);

  for (gsize i = 0; i < len && (sse || ndjson); i++)
    {
      gsize end;

      if (data[i] != '\n' && data[i] != '\r')
        {
          line_empty = FALSE;
          continue;
        }
      end = data[i] == '\r' && i + 1 < len && data[i + 1] == '\n' ? i + 2 : i + 1;
      i = end - 1;
      if (ndjson || line_empty)
        {
          add_take (reply, g_bytes_new_from_bytes (body, start, end - start));
          start = end;
        }
      line_empty = TRUE;
    }
  if (start < len)
    add_take (reply, g_bytes_new_from_bytes (body, start, len - start));
}

static const char *
fixture_content_type (const char *path)
{
  if (g_str_has_suffix (path, ".sse"))
    return "text/event-stream; charset=utf-8";
  if (g_str_has_suffix (path, ".ndjson"))
    return "application/x-ndjson";
  return "application/json";
}

/* Answers as mock:fixture or mock:status ask, or withholds the answer as a
 * fault asks, if they do; FALSE if the provider should answer itself. */
gboolean
mock_reply_directed (Mock              *mock,
                     SoupServerMessage *msg,
                     const MockDialect *dialect,
                     const Directives  *d)
{
  if (is_withheld (d->fault))
    {
      mock_reply_withhold (mock, msg, d->fault);
      return TRUE;
    }
  if (d->fixture != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = mock_fixture_load (mock, d->fixture, &error);
      guint status = d->status != 0 ? d->status : 200;
      MockReply *reply;

      if (body == NULL)
        {
          mock_reply_error (mock, msg, dialect, 500, error->message, d);
          return TRUE;
        }
      add_error_headers (msg, dialect, status, d);
      reply = mock_reply_new (mock, msg, status, fixture_content_type (d->fixture));
      add_fixture_events (reply, body, d->fixture);
      mock_reply_send (reply, d);
      return TRUE;
    }

  if (d->status >= 400)
    {
      g_autofree char *message = g_strdup_printf ("Mock error with status %u.", d->status);

      mock_reply_error (mock, msg, dialect, d->status, message, d);
      return TRUE;
    }
  if (d->status >= 300 && d->status < 400)
    {
      /* A redirect, to mock:location if given; no body. */
      g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

      if (d->location != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", d->location);
      mock_reply_bytes (mock, msg, d->status, "text/plain", empty, d);
      return TRUE;
    }
  return FALSE;
}
