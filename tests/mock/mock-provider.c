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
 * Routes (route names as counted in the stats; GET /v1/models counts as
 * "models" plus "openai.models" or "anthropic.models"):
 *   POST /v1/chat/completions   openai.chat         OpenAI Chat Completions
 *   POST /v1/messages           anthropic.messages  Anthropic Messages
 *   POST /api/chat              ollama.chat         Ollama chat
 *   POST /api/generate          ollama.generate     Ollama generate
 *   GET  /api/tags              ollama.tags         the pulled models
 *   POST /api/show              ollama.show         one model's details
 *   GET  /api/version           ollama.version
 *   GET  /                      ollama.root         "Ollama is running"
 *   anything else               unknown             404
 *   GET  /_mock/stats           what the mock has seen, as JSON
 *   POST /_mock/reset           zero the counters
 *
 * Replies are deterministic: "Mock reply to: <last user message>" (for
 * /api/generate, the prompt), split into tokens before each run of spaces.
 * The last user message may carry directives, words of the form
 * mock:NAME=VALUE:
 *   mock:delay_ms=N        send the headers after N ms (the client may give
 *                          up first)
 *   mock:status=N          answer with HTTP status N and the provider's
 *                          error envelope
 *   mock:fixture=PATH      answer with the bytes of a shared fixture file
 *                          (relative to the fixtures directory), typed by
 *                          its extension, with status 200 or mock:status
 *   mock:retry_after=S     add a Retry-After header
 *   mock:content=TEXT      reply with TEXT instead (underscores become spaces)
 *   mock:tokens=N          reply with exactly N tokens "tok1 tok2 ... tokN"
 *   mock:token_delay_ms=N  write each piece of the body N ms after the
 *                          previous one was written
 *   mock:chunk_bytes=N     write the body in pieces of at most N bytes
 *   mock:cut_after=N       close the connection after N events of the body,
 *                          without finishing it
 * The last three make any reply a chunked one, written piece by piece
 * (see mock-reply.c); streams always are.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "mock-private.h"

typedef void (*MockHandler) (Mock              *mock,
                             SoupServerMessage *msg);

/* GET /v1/models is both OpenAI's (under base /v1) and Anthropic's; the
 * key header tells them apart. */
static void
handle_models (Mock              *mock,
               SoupServerMessage *msg)
{
  if (soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "x-api-key") != NULL)
    {
      mock_count_route (mock, "anthropic.models");
      mock_anthropic_models (mock, msg);
    }
  else
    {
      mock_count_route (mock, "openai.models");
      mock_openai_models (mock, msg);
    }
}

typedef struct
{
  const char *method;
  const char *path;
  const char *route;
  MockHandler handler;
} Route;

static const Route routes[] = {
  { "POST", "/v1/chat/completions", "openai.chat", mock_openai_chat },
  { "POST", "/v1/messages", "anthropic.messages", mock_anthropic_messages },
  { "GET", "/v1/models", "models", handle_models },
  { "POST", "/api/chat", "ollama.chat", mock_ollama_chat },
  { "POST", "/api/generate", "ollama.generate", mock_ollama_generate },
  { "GET", "/api/tags", "ollama.tags", mock_ollama_tags },
  { "POST", "/api/show", "ollama.show", mock_ollama_show },
  { "GET", "/api/version", "ollama.version", mock_ollama_version },
  { "GET", "/", "ollama.root", mock_ollama_root },
};

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
set_count (JsonObject *object,
           const char *name,
           guint64     value)
{
  json_object_set_int_member (object, name, (gint64) value);
}

static void
handle_stats (Mock              *mock,
              SoupServerMessage *msg)
{
  g_autoptr(JsonObject) stats = json_object_new ();
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  JsonObject *by_route = json_object_new ();
  GHashTableIter iter;
  gpointer route, count;

  set_count (stats, "requests", mock->requests);
  set_count (stats, "completed", mock->completed);
  set_count (stats, "disconnected_early", mock->disconnected_early);
  set_count (stats, "connections_total", mock->connections_total);
  /* This request's own connection is open too; leave it out. */
  set_count (stats, "connections_open", count_open_connections (mock) - 1);
  json_object_set_string_member (stats, "last_authorization_scheme", mock->last_authorization_scheme);
  json_object_set_string_member (stats, "last_request", mock->last_request);

  g_hash_table_iter_init (&iter, mock->requests_by_route);
  while (g_hash_table_iter_next (&iter, &route, &count))
    set_count (by_route, route, GPOINTER_TO_UINT (count));
  json_object_set_object_member (stats, "requests_by_route", by_route);
  set_count (stats, "streams_started", mock->streams_started);
  set_count (stats, "streams_completed", mock->streams_completed);
  set_count (stats, "streams_cut", mock->streams_cut);
  set_count (stats, "model_loads", mock->model_loads);
  json_object_set_string_member (stats, "last_route", mock->last_route);
  if (mock->last_headers != NULL)
    json_object_set_member (stats, "last_headers", json_node_copy (mock->last_headers));
  else
    json_object_set_null_member (stats, "last_headers");

  mock_reply_json (mock, msg, 200, "application/json", stats, &none);
}

static void
handle_reset (Mock              *mock,
              SoupServerMessage *msg)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("{}", 2);
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  mock->requests = mock->completed = mock->disconnected_early = 0;
  mock->streams_started = mock->streams_completed = mock->streams_cut = 0;
  mock->model_loads = 0;
  g_hash_table_remove_all (mock->requests_by_route);
  mock_reply_bytes (mock, msg, 200, "application/json", empty, &none);
}

void
mock_count_route (Mock       *mock,
                  const char *route)
{
  gpointer count = g_hash_table_lookup (mock->requests_by_route, route);

  g_hash_table_insert (mock->requests_by_route, (gpointer) route, GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
}

static const Route *
find_route (const char *method,
            const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      /* HEAD goes wherever GET does; libsoup leaves the body out. */
      gboolean method_matches = g_str_equal (method, routes[i].method)
                                || (g_str_equal (method, "HEAD") && g_str_equal (routes[i].method, "GET"));

      if (method_matches && g_str_equal (path, routes[i].path))
        return &routes[i];
    }
  return NULL;
}

static void
handle_unknown (Mock              *mock,
                SoupServerMessage *msg,
                const char        *method,
                const char        *path)
{
  g_autofree char *message = g_strdup_printf ("Invalid URL (%s %s)", method, path);
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  mock_count_route (mock, "unknown");
  if (g_str_has_prefix (path, "/api/"))
    {
      mock_ollama_not_found (mock, msg);
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-request-id", "req_mock");
  mock_reply_error (mock, msg, &mock_openai_dialect, 404, message, &none);
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
  const Route *route;

  if (g_str_has_prefix (path, "/_mock/"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-request-id", "req_mock");
      if (g_str_equal (path, "/_mock/stats") && g_str_equal (method, "GET"))
        handle_stats (mock, msg);
      else if (g_str_equal (path, "/_mock/reset") && g_str_equal (method, "POST"))
        handle_reset (mock, msg);
      else
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  mock->requests++;
  route = find_route (method, path);
  if (route == NULL)
    {
      handle_unknown (mock, msg, method, path);
      return;
    }
  mock_count_route (mock, route->route);
  mock_request_record (mock, msg, route->route);
  route->handler (mock, msg);
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
  mock.requests_by_route = g_hash_table_new (g_str_hash, g_str_equal);
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
  g_hash_table_unref (mock.requests_by_route);
  g_clear_pointer (&mock.last_headers, json_node_unref);
  g_free (mock.fixtures_dir);
  g_free (mock.last_request);
  g_free (mock.last_authorization_scheme);
  g_main_loop_unref (mock.loop);
  return 0;
}
