/* mock-provider.c - the project's loopback mock of the LLM providers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SoupServer on 127.0.0.1 that speaks the providers' real wire protocols,
 * for the tests, the examples' local mode and the benchmarks.
 *
 *   graphbit-mock-provider [--port N] [--fixtures DIR]
 *
 * It prints "READY http://127.0.0.1:PORT" on stdout once listening, and
 * exits when its stdin reaches end of file, so it never outlives the test
 * that started it.
 *
 * Routes:
 *   POST /v1/chat/completions   OpenAI Chat Completions (non-streaming)
 *   GET  /_mock/stats           what the mock has seen, as JSON
 *   POST /_mock/reset           zero the counters
 *
 * Replies are deterministic: "Mock reply to: <last user message>". The last
 * user message may carry directives, words of the form mock:NAME=VALUE:
 *   mock:delay_ms=N      answer after N ms (the client may give up first)
 *   mock:status=N        answer with HTTP status N and the provider's
 *                        error envelope
 *   mock:fixture=PATH    answer with the bytes of a shared fixture file
 *                        (relative to the fixtures directory)
 *   mock:retry_after=S   add a Retry-After header
 *   mock:content=TEXT    reply with TEXT instead (underscores become spaces)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

typedef struct
{
  GMainLoop *loop;
  char *fixtures_dir;
  GHashTable *sockets;         /* GSocket* (weak) → NULL: connections alive */
  guint64 connections_total;
  guint64 requests;
  guint64 completed;
  guint64 disconnected_early;  /* client went away before the reply */
  char *last_request;          /* body of the last provider request */
  char *last_authorization_scheme;
  guint64 completion_counter;
} Mock;

typedef struct
{
  guint delay_ms;
  guint status;
  char *fixture;
  char *retry_after;
  char *content;
} Directives;

static void
directives_clear (Directives *d)
{
  g_free (d->fixture);
  g_free (d->retry_after);
  g_free (d->content);
}

static void
parse_directives (const char *text,
                  Directives *d)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];

      if (!g_str_has_prefix (w, "mock:"))
        continue;
      w += strlen ("mock:");
      if (g_str_has_prefix (w, "delay_ms="))
        d->delay_ms = (guint) g_ascii_strtoull (w + strlen ("delay_ms="), NULL, 10);
      else if (g_str_has_prefix (w, "status="))
        d->status = (guint) g_ascii_strtoull (w + strlen ("status="), NULL, 10);
      else if (g_str_has_prefix (w, "fixture="))
        d->fixture = g_strdup (w + strlen ("fixture="));
      else if (g_str_has_prefix (w, "retry_after="))
        d->retry_after = g_strdup (w + strlen ("retry_after="));
      else if (g_str_has_prefix (w, "content="))
        d->content = g_strdelimit (g_strdup (w + strlen ("content=")), "_", ' ');
    }
}

/* A reply that may be sent later (mock:delay_ms). */
typedef struct
{
  Mock *mock;
  SoupServerMessage *msg;
  guint status;
  char *content_type;
  GBytes *body;
  char *retry_after;
  guint timer;
  GSource *hangup_watch;
} PendingReply;

static void
pending_free (PendingReply *reply)
{
  if (reply->timer != 0)
    g_source_remove (reply->timer);
  if (reply->hangup_watch != NULL)
    {
      g_source_destroy (reply->hangup_watch);
      g_source_unref (reply->hangup_watch);
    }
  g_object_unref (reply->msg);
  g_free (reply->content_type);
  g_bytes_unref (reply->body);
  g_free (reply->retry_after);
  g_free (reply);
}

static void
reply_now (PendingReply *reply)
{
  gsize len;
  const char *data = g_bytes_get_data (reply->body, &len);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (reply->msg);

  if (reply->retry_after != NULL)
    soup_message_headers_replace (headers, "Retry-After", reply->retry_after);
  soup_message_headers_replace (headers, "x-request-id", "req_mock");
  soup_server_message_set_status (reply->msg, reply->status, NULL);
  soup_server_message_set_response (reply->msg, reply->content_type, SOUP_MEMORY_COPY, data, len);
  reply->mock->completed++;
}

static gboolean
on_delay_elapsed (gpointer data)
{
  PendingReply *reply = data;

  reply->timer = 0;
  if (reply->hangup_watch != NULL)
    {
      g_source_destroy (reply->hangup_watch);
      g_clear_pointer (&reply->hangup_watch, g_source_unref);
    }
  reply_now (reply);
  soup_server_message_unpause (reply->msg);
  pending_free (reply);
  return G_SOURCE_REMOVE;
}

/* libsoup does not read a connection while its message is paused, so it
 * would only notice a client that gave up when the delayed reply is
 * written. Watch the socket instead: end of file there means the client
 * went away before the reply (for example, it cancelled). */
static gboolean
on_socket_readable (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      data)
{
  PendingReply *reply = data;
  GInputVector vector;
  char byte;
  gssize n;

  vector.buffer = &byte;
  vector.size = 1;
  n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL,
                                (gint[]) { G_SOCKET_MSG_PEEK }, NULL, NULL);
  if (n > 0)
    {
      /* A pipelined request, not a hang-up: stop watching. */
      g_clear_pointer (&reply->hangup_watch, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  reply->mock->disconnected_early++;
  g_clear_pointer (&reply->hangup_watch, g_source_unref);
  /* Let libsoup finish (and close) the exchange now. */
  reply->status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  soup_server_message_unpause (reply->msg);
  pending_free (reply);
  return G_SOURCE_REMOVE;
}

static void
send_reply (Mock              *mock,
            SoupServerMessage *msg,
            guint              status,
            const char        *content_type,
            GBytes            *body,
            const Directives  *d)
{
  PendingReply *reply = g_new0 (PendingReply, 1);

  reply->mock = mock;
  reply->msg = g_object_ref (msg);
  reply->status = status;
  reply->content_type = g_strdup (content_type);
  reply->body = g_bytes_ref (body);
  reply->retry_after = g_strdup (d->retry_after);

  if (d->delay_ms == 0)
    {
      reply_now (reply);
      pending_free (reply);
      return;
    }
  soup_server_message_pause (msg);
  reply->timer = g_timeout_add (d->delay_ms, on_delay_elapsed, reply);
  reply->hangup_watch = g_socket_create_source (soup_server_message_get_socket (msg),
                                                G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (reply->hangup_watch, (GSourceFunc) on_socket_readable, reply, NULL);
  g_source_attach (reply->hangup_watch, NULL);
}

static GBytes *
load_fixture (Mock        *mock,
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

static GBytes *
json_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize len;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &len);
  return g_bytes_new_take (data, len);
}

static GBytes *
openai_error_body (guint       status,
                   const char *message,
                   const char *type,
                   const char *code)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "param");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "code");
  if (code != NULL)
    json_builder_add_string_value (b, code);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_bytes (b);
}

static guint
count_words (const char *text)
{
  guint n = 0;
  gboolean in_word = FALSE;

  for (; *text != '\0'; text++)
    {
      gboolean space = g_ascii_isspace (*text);

      if (!space && !in_word)
        n++;
      in_word = !space;
    }
  return n;
}

static void
handle_openai_chat (Mock              *mock,
                    SoupServerMessage *msg)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *reply_text = NULL;
  g_autofree char *id = NULL;
  Directives d = { 0 };
  JsonObject *root;
  JsonArray *messages;
  const char *model, *last_user = "";
  guint prompt_words = 0;

  g_free (mock->last_request);
  mock->last_request = g_strndup (request_body->data, request_body->length);
  g_free (mock->last_authorization_scheme);
  mock->last_authorization_scheme = authorization != NULL ? g_strndup (authorization, strcspn (authorization, " ")) : NULL;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") || authorization[7] == '\0')
    {
      body = openai_error_body (401, "You didn't provide an API key.", "invalid_request_error", NULL);
      send_reply (mock, msg, 401, "application/json", body, &d);
      return;
    }

  if (!json_parser_load_from_data (parser, request_body->data, request_body->length, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      body = openai_error_body (400, "We could not parse the JSON body of your request.",
                                "invalid_request_error", NULL);
      send_reply (mock, msg, 400, "application/json", body, &d);
      return;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  model = json_object_has_member (root, "model") ? json_object_get_string_member (root, "model") : NULL;
  messages = json_object_has_member (root, "messages") ? json_object_get_array_member (root, "messages") : NULL;
  if (model == NULL || messages == NULL || json_array_get_length (messages) == 0)
    {
      body = openai_error_body (400, "'model' and a non-empty 'messages' array are required.",
                                "invalid_request_error", NULL);
      send_reply (mock, msg, 400, "application/json", body, &d);
      return;
    }

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);
      const char *content = json_object_get_string_member_with_default (m, "content", "");

      prompt_words += count_words (content);
      if (g_strcmp0 (json_object_get_string_member_with_default (m, "role", ""), "user") == 0)
        last_user = content;
    }
  parse_directives (last_user, &d);

  if (d.fixture != NULL)
    {
      body = load_fixture (mock, d.fixture, &error);
      if (body == NULL)
        body = openai_error_body (500, error->message, "server_error", NULL);
      send_reply (mock, msg, body != NULL && error == NULL ? (d.status ? d.status : 200) : 500,
                  "application/json", body, &d);
      directives_clear (&d);
      return;
    }

  if (d.status >= 400)
    {
      g_autofree char *message = g_strdup_printf ("Mock error with status %u.", d.status);

      body = openai_error_body (d.status, message,
                                d.status == 429 ? "requests" : d.status >= 500 ? "server_error" : "invalid_request_error",
                                d.status == 429 ? "rate_limit_exceeded" : NULL);
      send_reply (mock, msg, d.status, "application/json", body, &d);
      directives_clear (&d);
      return;
    }

  reply_text = d.content != NULL ? g_strdup (d.content) : g_strdup_printf ("Mock reply to: %s", last_user);
  id = g_strdup_printf ("chatcmpl-mock%" G_GUINT64_FORMAT, ++mock->completion_counter);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model);
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, reply_text);
  json_builder_set_member_name (b, "refusal");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "logprobs");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, "stop");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, prompt_words);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, count_words (reply_text));
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, prompt_words + count_words (reply_text));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "system_fingerprint");
  json_builder_add_string_value (b, "fp_mock");
  json_builder_end_object (b);

  body = json_bytes (b);
  send_reply (mock, msg, 200, "application/json", body, &d);
  directives_clear (&d);
}

static guint
count_open_connections (Mock *mock)
{
  GHashTableIter iter;
  gpointer key;
  guint open = 0;

  g_hash_table_iter_init (&iter, mock->sockets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_socket_is_closed (key))
        open++;
    }
  return open;
}

static void
handle_stats (Mock              *mock,
              SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GBytes) body = NULL;
  Directives none = { 0 };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_add_int_value (b, mock->requests);
  json_builder_set_member_name (b, "completed");
  json_builder_add_int_value (b, mock->completed);
  json_builder_set_member_name (b, "disconnected_early");
  json_builder_add_int_value (b, mock->disconnected_early);
  json_builder_set_member_name (b, "connections_total");
  json_builder_add_int_value (b, mock->connections_total);
  json_builder_set_member_name (b, "connections_open");
  /* This request's own connection is open too; leave it out. */
  json_builder_add_int_value (b, count_open_connections (mock) - 1);
  json_builder_set_member_name (b, "last_authorization_scheme");
  json_builder_add_string_value (b, mock->last_authorization_scheme);
  json_builder_set_member_name (b, "last_request");
  json_builder_add_string_value (b, mock->last_request);
  json_builder_end_object (b);

  body = json_bytes (b);
  send_reply (mock, msg, 200, "application/json", body, &none);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  Mock *mock = data;
  const char *method = soup_server_message_get_method (msg);
  Directives none = { 0 };

  if (g_str_has_prefix (path, "/_mock/"))
    {
      if (g_str_equal (path, "/_mock/stats") && g_str_equal (method, "GET"))
        handle_stats (mock, msg);
      else if (g_str_equal (path, "/_mock/reset") && g_str_equal (method, "POST"))
        {
          g_autoptr(GBytes) empty = g_bytes_new_static ("{}", 2);

          mock->requests = mock->completed = mock->disconnected_early = 0;
          send_reply (mock, msg, 200, "application/json", empty, &none);
        }
      else
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  mock->requests++;
  if (g_str_equal (path, "/v1/chat/completions") && g_str_equal (method, "POST"))
    handle_openai_chat (mock, msg);
  else
    {
      g_autofree char *message = g_strdup_printf ("Invalid URL (%s %s)", method, path);
      g_autoptr(GBytes) body = openai_error_body (404, message, "invalid_request_error", NULL);

      send_reply (mock, msg, 404, "application/json", body, &none);
    }
}

static void
on_socket_finalized (gpointer  data,
                     GObject  *where_the_socket_was)
{
  Mock *mock = data;

  g_hash_table_remove (mock->sockets, where_the_socket_was);
}

/* Connections are counted through their sockets, held weakly: keeping a
 * reference would keep libsoup's per-connection state alive too. */
static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           data)
{
  Mock *mock = data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && !g_hash_table_contains (mock->sockets, socket))
    {
      g_hash_table_add (mock->sockets, socket);
      g_object_weak_ref (G_OBJECT (socket), on_socket_finalized, mock);
      mock->connections_total++;
    }
}

static gboolean
on_stdin (gint         fd,
          GIOCondition condition,
          gpointer     data)
{
  Mock *mock = data;
  char buffer[256];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    {
      g_main_loop_quit (mock->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) options = NULL;
  GSList *uris;
  Mock mock = { 0 };
  gint port = 0;
  char *fixtures = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on (0: any free port)", "N" },
    { "fixtures", 'f', 0, G_OPTION_ARG_FILENAME, &fixtures, "Directory of provider fixtures", "DIR" },
    { NULL }
  };

  options = g_option_context_new ("- loopback mock of the LLM providers");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  mock.loop = g_main_loop_new (NULL, FALSE);
  mock.sockets = g_hash_table_new (NULL, NULL);
  mock.fixtures_dir = fixtures != NULL ? fixtures
                    : g_strdup (g_getenv ("GRAPHBIT_FIXTURES_DIR") != NULL ? g_getenv ("GRAPHBIT_FIXTURES_DIR") : ".");

  server = soup_server_new ("server-header", "graphbit-mock/1 ", NULL);
  soup_server_add_handler (server, NULL, on_request, &mock, NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), &mock);

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("Could not listen on 127.0.0.1:%d: %s\n", port, error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  g_assert (uris != NULL);
  printf ("READY http://127.0.0.1:%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &mock);
  g_main_loop_run (mock.loop);

  soup_server_disconnect (server);
  g_clear_object (&server);
  /* Let closing connections finish, so leak checkers see a clean exit. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  {
    GHashTableIter iter;
    gpointer socket;

    g_hash_table_iter_init (&iter, mock.sockets);
    while (g_hash_table_iter_next (&iter, &socket, NULL))
      g_object_weak_unref (socket, on_socket_finalized, &mock);
  }
  g_hash_table_unref (mock.sockets);
  g_free (mock.fixtures_dir);
  g_free (mock.last_request);
  g_free (mock.last_authorization_scheme);
  g_main_loop_unref (mock.loop);
  return 0;
}
