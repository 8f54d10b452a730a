/* mock-provider.c - the project's loopback mock of the LLM providers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SoupServer on 127.0.0.1 that speaks the providers' real wire protocols,
 * for the tests, the examples' local mode and the benchmarks.
 *
 *   graphbit-mock-provider [--port N] [--fixtures DIR] [--seed S]
 *
 * It prints "READY http://127.0.0.1:PORT" on stdout once listening, and
 * exits when its stdin reaches end of file, so it never outlives the test
 * that started it. --seed seeds the global PRNG of mock:fault_rate
 * (default 1).
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
 *   POST /v1/embeddings         openai.embeddings   OpenAI embeddings
 *   POST /hf-inference/models/{model}/pipeline/feature-extraction (and the
 *        older /hf-inference/pipeline/feature-extraction/{model},
 *        /pipeline/feature-extraction/{model}, /models/{model})
 *                               huggingface.feature_extraction
 *   POST /api/embed             ollama.embed        Ollama embeddings
 *   POST /api/embeddings        ollama.embeddings   Ollama, legacy
 *   anything else               unknown             404
 * (Embeddings: see mock-embeddings.c for their vectors and directives.)
 *   GET  /_mock/stats           what the mock has seen, as JSON (below)
 *   GET  /_mock/attempts?key=TEXT[&route=NAME]
 *                               {"attempts": N}: the attempts of one attempt
 *                               key, TEXT being the last user message
 *                               (URL-encoded); without route, the sum over
 *                               all routes; 400 without key
 *   POST /_mock/reset           zero the counters, forget the attempts and
 *                               restart the global PRNG from --seed
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
 *
 * Error replies (status >= 400) also take:
 *   mock:retry_after_ms=N  add retry-after-ms: N (like Retry-After, on any
 *                          reply)
 *   mock:should_retry=B    x-should-retry: true or false (B: true, false, 1
 *                          or 0), over Anthropic's own
 *   mock:rate_reset=MS     the rate limit resets in MS ms: OpenAI sends
 *                          x-ratelimit-remaining-requests: 0 and
 *                          x-ratelimit-reset-{requests,tokens} as Go
 *                          durations (1500 -> 1.5s, 360000 -> 6m0s, 120 ->
 *                          120ms); Anthropic anthropic-ratelimit-requests-
 *                          remaining: 0 and -reset, the RFC 3339 UTC time
 *                          now + MS rounded up to the second; Ollama none
 *   mock:empty_body=1      an error status comes with an empty body (as
 *                          from a proxy or a load balancer)
 *   mock:status=3xx        a redirect without a body, to mock:location=URL
 *                          when given
 *   mock:quota=1           an OpenAI 429 is insufficient_quota (type and
 *                          code), not rate_limit_exceeded
 *
 * Faults, for retries, circuit breakers and deadlines (mock-faults.c). A
 * retry sends the same request again, so attempts are counted per attempt
 * key: the route plus the text of the last user message (directives
 * included; /api/generate: the prompt; embeddings: the inputs joined with
 * newlines), from 1, on every chat, messages, generate and embedding
 * request that passes the key and body checks.
 *   mock:fault=KIND        the fault; without a gate below, every attempt
 *                          gets it
 *   mock:fail_first=N      gate: attempts 1..N get the fault, later ones
 *                          are answered normally
 *   mock:fault_rate=P      gate: each attempt (after the fail_first ones)
 *                          gets the fault with probability P in [0, 1]
 *   mock:seed=S            draw fault_rate outcomes from this key's own
 *                          sequence: attempt n gets the fault if
 *                          u(S, n) < P, so the same key and seed give the
 *                          same outcomes in every run; without a seed, draw
 *                          k of the mock (k = 1, 2, ... in arrival order,
 *                          since the start or a reset) uses u(--seed, k).
 *                          u(X, k) is SplitMix64: z = X + k *
 *                          0x9E3779B97F4A7C15; z = (z ^ z >> 30) *
 *                          0xBF58476D1CE4E5B9; z = (z ^ z >> 27) *
 *                          0x94D049BB133111EB; z ^= z >> 31 (modulo 2^64);
 *                          u = (z >> 11) / 2^53
 * KIND (default "status" when only a gate is given):
 *   status  the provider's error envelope with mock:status (default 500) and
 *           the error headers above; mock:fixture with a status >= 400 is
 *           sent as the body instead
 *   close   the request is read, then the connection closed cleanly (FIN)
 *           before any byte of a reply
 *   reset   the request is read, then the connection reset (SO_LINGER 0 and
 *           close: RST, the client sees ECONNRESET), no byte of a reply
 *   hang    no reply and an open connection until the client goes away
 *           (counted in hangs, then in disconnected_early)
 *   cut     the reply starts and the connection closes mid-body, after
 *           mock:cut_after events (default: half of them, at least 1; a
 *           body written whole is split in two halves for that)
 *   slow    a live but slow reply: a stream paces its events by
 *           mock:token_delay_ms (default 200); a whole answer sends its
 *           headers after mock:delay_ms (default 2000)
 * An attempt that gets a fault ignores the other faults' directives
 * (mock:status, an error fixture and the error headers unless the fault is
 * "status"; mock:cut_after unless it is "cut"). A spared attempt ignores
 * them all, and for mock:fault=slow mock:delay_ms and mock:token_delay_ms
 * too: it gets the normal answer.
 *
 * GET /_mock/stats: requests (every provider request), completed,
 * disconnected_early, connections_total, connections_open (open now, the
 * stats request's own left out; see count_open_connections()),
 * requests_by_route, streams_started, streams_completed, streams_cut,
 * model_loads, attempts (requests counted under an attempt key: each got
 * a fault or an answer), faults_injected (kind -> faults so far), hangs,
 * last_route, last_request, last_headers, last_authorization_scheme.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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
  gboolean prefix;             /* @path is a prefix (the rest names a model) */
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
  { "POST", "/v1/embeddings", "openai.embeddings", mock_openai_embeddings },
  { "POST", "/api/embed", "ollama.embed", mock_ollama_embed },
  { "POST", "/api/embeddings", "ollama.embeddings", mock_ollama_embeddings },
  { "POST", "/hf-inference/", "huggingface.feature_extraction", mock_huggingface_feature_extraction, TRUE },
  { "POST", "/pipeline/feature-extraction/", "huggingface.feature_extraction", mock_huggingface_feature_extraction, TRUE },
  { "POST", "/models/", "huggingface.feature_extraction", mock_huggingface_feature_extraction, TRUE },
};

/* Whether the client has closed its end: end of file (a peek reads
 * nothing), a hang-up or an error. A byte to read is a next request. */
static gboolean
peer_has_closed (GSocket *socket)
{
  GIOCondition condition = g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR);
  char byte;
  gssize n;

  if (condition & (G_IO_HUP | G_IO_ERR))
    return TRUE;
  if (!(condition & G_IO_IN))
    return FALSE;
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void
on_socket_finalized (gpointer  data,
                     GObject  *where_the_socket_was)
{
  Mock *mock = data;

  g_hash_table_remove (mock->sockets, where_the_socket_was);
}

/* The connections still open, but @except. When a client closes an idle
 * kept-alive connection, libsoup 3.2 reads the end of file and stops
 * watching the socket, but neither closes it nor lets go of it: it would
 * stay open (CLOSE_WAIT) until the mock exits. So a connection whose client
 * has gone does not count, and if it is idle the mock closes its socket
 * here; libsoup never uses it again. A busy one is left to its reply, whose
 * watch sees the client go (see mock-reply.c). Closed sockets are
 * forgotten, so that the table only holds live connections. */
static guint
count_open_connections (Mock    *mock,
                        GSocket *except)
{
  GHashTableIter iter;
  gpointer key, busy;
  guint open = 0;

  g_hash_table_iter_init (&iter, mock->sockets);
  while (g_hash_table_iter_next (&iter, &key, &busy))
    {
      GSocket *socket = key;
      gboolean gone;

      if (socket == except)
        continue;
      gone = g_socket_is_closed (socket) || peer_has_closed (socket);
      if (gone && !GPOINTER_TO_INT (busy))
        g_socket_close (socket, NULL);
      if (g_socket_is_closed (socket))
        {
          g_object_weak_unref (G_OBJECT (socket), on_socket_finalized, mock);
          g_hash_table_iter_remove (&iter);
        }
      else if (!gone)
        open++;
    }
  return open;
}

/* Every second: a long-lived mock (benchmarks run many programs against
 * one) would otherwise gather thousands of connections in CLOSE_WAIT, and
 * each request then cost it more (a Python client at 64 in flight, whose
 * two threads feel a slower server most: 1.20x the floor against a fresh
 * mock, 1.5x against one that had served an hour of runs). */
static gboolean
on_sweep_due (gpointer data)
{
  count_open_connections (data, NULL);
  return G_SOURCE_CONTINUE;
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
  set_count (stats, "connections_open", count_open_connections (mock, soup_server_message_get_socket (msg)));
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
  mock_faults_stats (mock, stats);
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
  mock_faults_reset (mock);
  mock_reply_bytes (mock, msg, 200, "application/json", empty, &none);
}

/* GET /_mock/attempts?key=TEXT[&route=NAME]: how many attempts one logical
 * request took. */
static void
handle_attempts (Mock              *mock,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *key = query != NULL ? g_hash_table_lookup (query, "key") : NULL;
  const char *route = query != NULL ? g_hash_table_lookup (query, "route") : NULL;
  g_autoptr(JsonObject) answer = json_object_new ();
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  if (key == NULL)
    {
      json_object_set_string_member (answer, "error", "the query parameter 'key' is required");
      mock_reply_json (mock, msg, 400, "application/json", answer, &none);
      return;
    }
  set_count (answer, "attempts", mock_faults_attempts (mock, route, key));
  mock_reply_json (mock, msg, 200, "application/json", answer, &none);
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

      if (method_matches && (routes[i].prefix ? g_str_has_prefix (path, routes[i].path)
                                              : g_str_equal (path, routes[i].path)))
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
      else if (g_str_equal (path, "/_mock/attempts") && g_str_equal (method, "GET"))
        handle_attempts (mock, msg, query);
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
      g_hash_table_insert (mock->sockets, socket, GINT_TO_POINTER (FALSE));
      g_object_weak_ref (G_OBJECT (socket), on_socket_finalized, mock);
      mock->connections_total++;
    }
}

/* A connection is busy from a whole request read to its reply's end; idle
 * (kept alive, waiting for a next request) otherwise. */
static void
set_busy (Mock              *mock,
          SoupServerMessage *msg,
          gboolean           busy)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && g_hash_table_contains (mock->sockets, socket))
    g_hash_table_insert (mock->sockets, socket, GINT_TO_POINTER (busy));
}

static void
on_request_read (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           data)
{
  set_busy (data, msg, TRUE);
}

static void
on_request_done (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           data)
{
  set_busy (data, msg, FALSE);
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

/* Like soup_server_listen_local (IPv4 only), with a backlog for bursts: the
 * benchmarks open 1000 connections at once, and GSocket's default backlog
 * of 10 makes the kernel drop or reset some of them. */
static gboolean
listen_loopback (SoupServer  *server,
                 gint         port,
                 GError     **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, (guint16) port);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, address, TRUE, error))
    return FALSE;
  g_socket_set_listen_backlog (socket, 1024);
  return g_socket_listen (socket, error) && soup_server_listen_socket (server, socket, 0, error);
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
  gint64 seed = 1;
  char *fixtures = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on (0: any free port)", "N" },
    { "fixtures", 'f', 0, G_OPTION_ARG_FILENAME, &fixtures, "Directory of provider fixtures", "DIR" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the PRNG of unseeded mock:fault_rate (default 1)", "S" },
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
  mock_faults_init (&mock, (guint64) seed);
  mock.fixtures_dir = fixtures != NULL ? fixtures
                    : g_strdup (g_getenv ("GRAPHBIT_FIXTURES_DIR") != NULL ? g_getenv ("GRAPHBIT_FIXTURES_DIR") : ".");

  server = soup_server_new ("server-header", "graphbit-mock/1 ", NULL);
  soup_server_add_handler (server, NULL, on_request, &mock, NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), &mock);
  g_signal_connect (server, "request-read", G_CALLBACK (on_request_read), &mock);
  g_signal_connect (server, "request-finished", G_CALLBACK (on_request_done), &mock);
  g_signal_connect (server, "request-aborted", G_CALLBACK (on_request_done), &mock);

  if (!listen_loopback (server, port, &error))
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
  g_timeout_add_seconds (1, on_sweep_due, &mock);
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
  mock_faults_clear (&mock);
  g_clear_pointer (&mock.last_headers, json_node_unref);
  g_free (mock.fixtures_dir);
  g_free (mock.last_request);
  g_free (mock.last_authorization_scheme);
  g_main_loop_unref (mock.loop);
  return 0;
}
