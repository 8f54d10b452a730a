/* floor.c - the floor: a hand-written libsoup + json-glib client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-floor SCENARIO [--count N] [--rounds N] [--lanes N] [--tokens N]
 *                        [--delay-ms MS] [--sessions N]
 *
 * The same HTTP work as graphbit's OpenAI client, with nothing else: the
 * same request JSON (built with JsonBuilder), keep-alive (IDEMPOTENT POSTs,
 * 256 connections per host), the answer parsed with JsonParser to get its
 * text, streams read 16 kB at a time and split into SSE lines, each data:
 * event parsed. Everything runs in the main thread on its main context: the
 * cheapest a competent client gets. Scenarios and their result keys are
 * listed in scenarios[] at the end; bench/run_suite.py drives them.
 */

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bench-common.h"

#define IMPL "floor"
#define READ_SIZE 16384

/* What one "client" of the floor is: a shared session, a URL, a key. */
typedef struct
{
  SoupSession *session;
  char *url;
  char *authorization;
} FloorClient;

typedef void (*FloorDone) (char     *text,
                           gpointer  user_data);

typedef struct
{
  FloorDone done;
  gpointer user_data;
} FloorCall;

static FloorClient *
floor_client_new (SoupSession *session)
{
  FloorClient *client = g_new0 (FloorClient, 1);

  client->session = g_object_ref (session);
  client->url = g_strconcat (bench_mock_url (), "/v1/chat/completions", NULL);
  client->authorization = g_strdup ("Bearer sk-bench");
  return client;
}

static void
floor_client_free (FloorClient *client)
{
  g_object_unref (client->session);
  g_free (client->url);
  g_free (client->authorization);
  g_free (client);
}

static SoupSession *
floor_session_new_with_conns (guint conns)
{
  /* libsoup's default of 2 connections per host serialises everything. */
  return soup_session_new_with_options ("max-conns", MAX (conns, 1024), "max-conns-per-host", conns, NULL);
}

static SoupSession *
floor_session_new (void)
{
  return floor_session_new_with_conns (256);
}

static SoupMessage *
floor_message (FloorClient *client,
               const char  *prompt,
               gboolean     stream)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, client->url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  GBytes *body = bench_chat_body (prompt, stream);

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  g_bytes_unref (body);
  /* Without IDEMPOTENT, libsoup opens a connection per POST. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_headers_replace (headers, "Authorization", client->authorization);
  soup_message_headers_replace (headers, "Accept", stream ? "text/event-stream" : "application/json");
  return msg;
}

/* choices[0].<member>.content of an OpenAI answer or stream chunk. */
static const char *
choice_content (JsonNode   *root,
                const char *member)
{
  JsonNode *node;
  JsonArray *choices;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  node = json_object_get_member (json_node_get_object (root), "choices");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  choices = json_node_get_array (node);
  if (json_array_get_length (choices) == 0)
    return NULL;
  node = json_array_get_element (choices, 0);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (node), "content", NULL);
}

/* The text of a whole answer. */
static char *
answer_text (SoupMessage *msg,
             GBytes      *body,
             GError      *error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *text;
  const char *data;
  gsize len;

  if (body == NULL)
    g_error ("floor: request failed: %s", error->message);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("floor: HTTP %u", soup_message_get_status (msg));
  data = g_bytes_get_data (body, &len);
  if (!json_parser_load_from_data (parser, data, len, &error))
    g_error ("floor: bad JSON: %s", error->message);
  text = choice_content (json_parser_get_root (parser), "message");
  if (text == NULL)
    g_error ("floor: no choices[0].message.content");
  return g_strdup (text);
}

static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FloorCall *call = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  call->done (answer_text (msg, body, error), call->user_data);
  g_free (call);
}

/* The blocking way: libsoup reads and writes the socket in this thread. */
static char *
floor_complete (FloorClient *client,
                const char  *prompt)
{
  g_autoptr(SoupMessage) msg = floor_message (client, prompt, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (client->session, msg, NULL, &error);

  return answer_text (msg, body, error);
}

static void
floor_complete_async (FloorClient *client,
                      SoupSession *session,
                      const char  *prompt,
                      FloorDone    done,
                      gpointer     user_data)
{
  g_autoptr(SoupMessage) msg = floor_message (client, prompt, FALSE);
  FloorCall *call = g_new (FloorCall, 1);

  call->done = done;
  call->user_data = user_data;
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_call_done, call);
}

static void
on_lane_done (char     *text,
              gpointer  user_data)
{
  g_free (text);
  bench_lanes_ended (user_data);
}

static void
lane_start (BenchLanes *lanes)
{
  FloorClient *client = lanes->client;

  floor_complete_async (client, client->session, lanes->prompt, on_lane_done, lanes);
}

static void
lane_call (BenchLanes *lanes)
{
  g_free (floor_complete (lanes->client, lanes->prompt));
}

static BenchLanes
floor_lanes (FloorClient *client,
             const char  *prompt,
             guint        count,
             guint        in_flight)
{
  BenchLanes lanes = { client, prompt, count, in_flight, lane_call, lane_start, 0, 0 };

  return lanes;
}

/* One call at a time, both ways libsoup offers, in alternate rounds: the
 * blocking API is the cheaper (no main-loop round per read), so it is the
 * floor; the async one is reported too. */
static void
scenario_sequential (const BenchOptions *options)
{
  g_autoptr(SoupSession) session = floor_session_new ();
  FloorClient *client = floor_client_new (session);
  g_autofree char *prompt = bench_prompt ("");
  g_auto(BenchSamples) blocking = { NULL };
  g_auto(BenchSamples) async = { NULL };
  BenchLanes lanes = floor_lanes (client, prompt, 50, 0);
  BenchLanes async_lanes = floor_lanes (client, prompt, 50, 1);

  bench_samples_init (&blocking);
  bench_samples_init (&async);
  bench_lanes_run (&lanes);   /* warm-up: connection open */
  bench_lanes_run (&async_lanes);
  lanes.count = async_lanes.count = options->count;
  for (guint r = 0; r < options->rounds; r++)
    {
      bench_sample (&blocking, options->count, bench_lanes_run, &lanes);
      bench_sample (&async, options->count, bench_lanes_run, &async_lanes);
    }
  bench_report (IMPL, options->scenario,
                "cpu_us", bench_median (blocking.cpu), "wall_us", bench_median (blocking.wall),
                "cpu_async_us", bench_median (async.cpu), "wall_async_us", bench_median (async.wall),
                "count", (gdouble) options->count, NULL);
  floor_client_free (client);
}

static void
scenario_concurrent (const BenchOptions *options)
{
  g_autoptr(SoupSession) session = floor_session_new ();
  FloorClient *client = floor_client_new (session);
  g_autofree char *prompt = bench_prompt ("");
  g_auto(BenchSamples) samples = { NULL };
  BenchLanes lanes = floor_lanes (client, prompt, MAX (options->lanes, 50), options->lanes);

  bench_samples_init (&samples);
  bench_lanes_run (&lanes);   /* warm-up */
  lanes.count = options->count;
  for (guint r = 0; r < options->rounds; r++)
    bench_sample (&samples, options->count, bench_lanes_run, &lanes);
  bench_report (IMPL, options->scenario,
                "cpu_us", bench_median (samples.cpu), "wall_us", bench_median (samples.wall),
                "lanes", (gdouble) options->lanes, "count", (gdouble) options->count, NULL);
  floor_client_free (client);
}

/* One streamed answer, read incrementally. */
typedef struct
{
  GInputStream *body;
  GString *pending;          /* the unfinished last line */
  GString *text;
  guint8 buffer[READ_SIZE];
  gint64 start_us;
  gint64 first_token_us;     /* 0 until the first text arrives */
  guint reads;               /* network reads that brought bytes */
  gboolean saw_done;         /* [DONE] */
  gboolean at_eof;           /* read to the end, so the connection is kept */
} FloorStream;

static void stream_read (FloorStream *stream);

static void
stream_line (FloorStream *stream,
             const char  *line,
             gsize        len)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *content;

  if (len < 6 || memcmp (line, "data: ", 6) != 0)
    return;   /* blank separators; OpenAI sends no event: or id: lines */
  line += 6;
  len -= 6;
  if (len == 6 && memcmp (line, "[DONE]", 6) == 0)
    {
      stream->saw_done = TRUE;
      return;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, line, len, &error))
    g_error ("floor: bad stream event: %s", error->message);
  content = choice_content (json_parser_get_root (parser), "delta");
  if (content != NULL && *content != '\0')
    {
      if (stream->first_token_us == 0)
        stream->first_token_us = g_get_monotonic_time ();
      g_string_append (stream->text, content);
    }
}

static void
stream_feed (FloorStream *stream,
             const char  *data,
             gsize        len)
{
  const char *end = data + len;

  while (data < end)
    {
      const char *newline = memchr (data, '\n', end - data);

      if (newline == NULL)
        {
          g_string_append_len (stream->pending, data, end - data);
          return;
        }
      if (stream->pending->len > 0)
        {
          g_string_append_len (stream->pending, data, newline - data);
          stream_line (stream, stream->pending->str, stream->pending->len);
          g_string_truncate (stream->pending, 0);
        }
      else
        stream_line (stream, data, newline - data);
      data = newline + 1;
    }
}

static void
on_stream_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FloorStream *stream = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    g_error ("floor: stream read failed: %s", error->message);
  if (n == 0)
    {
      stream->at_eof = TRUE;
      return;
    }
  stream->reads++;
  stream_feed (stream, (const char *) stream->buffer, n);
  stream_read (stream);
}

static void
stream_read (FloorStream *stream)
{
  g_input_stream_read_async (stream->body, stream->buffer, sizeof stream->buffer,
                             G_PRIORITY_DEFAULT, NULL, on_stream_read, stream);
}

static void
on_stream_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FloorStream *stream = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  const char *type;

  stream->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream->body == NULL)
    g_error ("floor: stream failed: %s", error->message);
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK || g_strcmp0 (type, "text/event-stream") != 0)
    g_error ("floor: not an event stream (HTTP %u, %s)", soup_message_get_status (msg), type);
  stream_read (stream);
}

/* A BenchStreamFunc: streams one answer; the pieces are network reads. */
static char *
run_stream (gpointer     data,
            const char  *prompt,
            gdouble     *first_token_us,
            guint       *reads)
{
  FloorClient *client = data;
  FloorStream *stream = g_new0 (FloorStream, 1);
  g_autoptr(SoupMessage) msg = NULL;
  char *text;

  stream->pending = g_string_new (NULL);
  stream->text = g_string_new (NULL);
  stream->start_us = g_get_monotonic_time ();
  msg = floor_message (client, prompt, TRUE);
  soup_session_send_async (client->session, msg, G_PRIORITY_DEFAULT, NULL, on_stream_sent, stream);
  while (!stream->at_eof)
    g_main_context_iteration (NULL, TRUE);
  if (!stream->saw_done)
    g_error ("floor: the stream ended without [DONE]");

  *first_token_us = stream->first_token_us - stream->start_us;
  *reads = stream->reads;
  g_input_stream_close (stream->body, NULL, NULL);
  g_object_unref (stream->body);
  g_string_free (stream->pending, TRUE);
  text = g_string_free (stream->text, FALSE);
  g_free (stream);
  return text;
}

static void
scenario_stream (const BenchOptions *options)
{
  g_autoptr(SoupSession) session = floor_session_new ();
  FloorClient *client = floor_client_new (session);

  bench_stream_scenario (IMPL, options, run_stream, client, "reads");
  floor_client_free (client);
}

/* An idle client shares the session: its own cost is a struct and two strings. */
static void
scenario_idle (const BenchOptions *options)
{
  g_autoptr(SoupSession) session = floor_session_new ();
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) floor_client_free);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 before, after_clients, after_sessions;
  guint n_sessions = MIN (options->count, 200);

  g_ptr_array_add (clients, floor_client_new (session));   /* warm-up */
  before = bench_rss_bytes ();
  for (guint i = 0; i < options->count; i++)
    g_ptr_array_add (clients, floor_client_new (session));
  after_clients = bench_rss_bytes ();
  /* For scale: what a session of its own per client would cost. */
  for (guint i = 0; i < n_sessions; i++)
    g_ptr_array_add (sessions, floor_session_new ());
  after_sessions = bench_rss_bytes ();
  bench_report (IMPL, options->scenario,
                "rss_per_client", (gdouble) (after_clients - before) / options->count,
                "rss_per_session", (gdouble) (after_sessions - after_clients) / n_sessions,
                "count", (gdouble) options->count, NULL);
}

/* Many requests in flight, sharded over several sessions in this thread:
 * one session with 1000 messages costs ~3 ms CPU per request. */
typedef struct
{
  FloorClient *client;
  GPtrArray *sessions;
} Shards;

static void
on_inflight_done (char     *text,
                  gpointer  user_data)
{
  g_free (text);
  bench_inflight_ended ();
}

static void
start_sharded (gpointer    data,
               const char *prompt,
               guint       count)
{
  Shards *shards = data;

  for (guint i = 0; i < count; i++)
    floor_complete_async (shards->client, g_ptr_array_index (shards->sessions, i % shards->sessions->len),
                          prompt, on_inflight_done, NULL);
}

static void
scenario_inflight (const BenchOptions *options)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  Shards shards;

  /* Enough connections that no request waits for one. */
  for (guint i = 0; i < options->sessions; i++)
    g_ptr_array_add (sessions, floor_session_new_with_conns (MAX (256, options->count / options->sessions + 1)));
  shards.client = floor_client_new (g_ptr_array_index (sessions, 0));
  shards.sessions = sessions;
  bench_inflight_scenario (IMPL, options, start_sharded, &shards);
  floor_client_free (shards.client);
}

/* The 50-node workflow by hand: a chain of 10 calls, then 40 at once, each
 * prompt carrying its parent's answer as graphbit's engine sends it. */
#define CHAIN 10
#define FAN 40

typedef struct
{
  guint ended;
  char *last;
} Stage;

static void
on_stage_done (char     *text,
               gpointer  user_data)
{
  Stage *stage = user_data;

  if (stage->last == NULL)
    stage->last = text;
  else
    g_free (text);
  stage->ended++;
}

static char *
with_context (const char *parent,
              const char *parent_output,
              const char *prompt)
{
  if (parent == NULL)
    return g_strdup (prompt);
  return g_strdup_printf ("Context from previous steps:\n\n[%s]\n%s\n\n---\n\n%s", parent, parent_output, prompt);
}

typedef struct
{
  FloorClient *client;
  const char *prompt;
} Workflow;

static void
run_workflow (gpointer data)
{
  Workflow *workflow = data;
  FloorClient *client = workflow->client;
  const char *prompt = workflow->prompt;
  g_autofree char *output = NULL;
  g_autofree char *fan_prompt = NULL;
  char parent[16] = "";
  Stage stage = { 0, NULL };

  for (guint i = 0; i < CHAIN; i++)
    {
      g_autofree char *node_prompt = with_context (i > 0 ? parent : NULL, output, prompt);

      stage.ended = 0;
      stage.last = NULL;
      floor_complete_async (client, client->session, node_prompt, on_stage_done, &stage);
      while (stage.ended < 1)
        g_main_context_iteration (NULL, TRUE);
      g_free (output);
      output = stage.last;
      g_snprintf (parent, sizeof parent, "c%u", i);
    }
  stage.ended = 0;
  stage.last = NULL;
  for (guint i = 0; i < FAN; i++)
    {
      /* Each node's prompt is built when it starts, as the engine does. */
      g_free (fan_prompt);
      fan_prompt = with_context (parent, output, prompt);
      floor_complete_async (client, client->session, fan_prompt, on_stage_done, &stage);
    }
  while (stage.ended < FAN)
    g_main_context_iteration (NULL, TRUE);
  g_free (stage.last);
}

static void
scenario_workflow (const BenchOptions *options)
{
  g_autoptr(SoupSession) session = floor_session_new ();
  g_autofree char *prompt = bench_prompt ("");
  g_auto(BenchSamples) samples = { NULL };
  Workflow workflow = { floor_client_new (session), prompt };

  bench_samples_init (&samples);
  run_workflow (&workflow);   /* warm-up */
  run_workflow (&workflow);
  for (guint r = 0; r < options->rounds; r++)
    bench_sample (&samples, CHAIN + FAN, run_workflow, &workflow);
  bench_report (IMPL, options->scenario,
                "cpu_us_per_node", bench_median (samples.cpu),
                "wall_ms", bench_median (samples.wall) * (CHAIN + FAN) / 1000,
                "nodes", (gdouble) (CHAIN + FAN), NULL);
  floor_client_free (workflow.client);
}

/* A process's first and only call; run_suite.py measures the process. */
static void
scenario_cold (const BenchOptions *options)
{
  g_autoptr(SoupSession) session = floor_session_new ();
  FloorClient *client = floor_client_new (session);
  g_autofree char *prompt = bench_prompt ("");

  g_free (floor_complete (client, prompt));
  floor_client_free (client);
}

static const struct
{
  const char *name;
  void (*run) (const BenchOptions *options);
} scenarios[] = {
  { "sequential", scenario_sequential },   /* cpu_us, wall_us per call */
  { "concurrent", scenario_concurrent },   /* the same, --lanes in flight */
  { "stream", scenario_stream },           /* ttft_us (--count short streams), cpu_us_per_token */
  { "idle", scenario_idle },               /* rss_per_client (--count clients) */
  { "inflight", scenario_inflight },       /* cpu_us, wall_s, rss_per_request */
  { "workflow", scenario_workflow },       /* cpu_us_per_node, wall_ms */
  { "cold", scenario_cold },               /* nothing: one call, then exit */
};

int
main (int    argc,
      char **argv)
{
  BenchOptions options = { NULL, 400, 5, 64, 2000, 2000, 16 };

  bench_options_parse (&options, &argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (g_str_equal (options.scenario, scenarios[i].name))
      {
        scenarios[i].run (&options);
        return 0;
      }
  g_printerr ("unknown scenario %s\n", options.scenario);
  return 2;
}
