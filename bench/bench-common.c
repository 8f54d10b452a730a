/* bench-common.c - what every C benchmark program shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "bench-common.h"
#include "mock-server.h"

static MockServer *own_mock;

void
bench_options_parse (BenchOptions  *options,
                     int           *argc,
                     char        ***argv)
{
  gint count = -1, rounds = -1, lanes = -1, tokens = -1, delay_ms = -1, sessions = -1;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Calls, clients, requests or samples", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Measured rounds", "N" },
    { "lanes", 0, 0, G_OPTION_ARG_INT, &lanes, "Requests in flight (concurrent)", "N" },
    { "tokens", 0, 0, G_OPTION_ARG_INT, &tokens, "Tokens per long stream (stream)", "N" },
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay_ms, "The mock's answer delay (inflight)", "MS" },
    { "sessions", 0, 0, G_OPTION_ARG_INT, &sessions, "SoupSessions of the floor (inflight)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("SCENARIO");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error) || *argc != 2)
    {
      g_printerr ("usage: %s SCENARIO [OPTION...]%s%s\n", (*argv)[0],
                  error != NULL ? ": " : "", error != NULL ? error->message : "");
      exit (2);
    }
  options->scenario = g_strdup ((*argv)[1]);
  /* Every loop is bounded: sizes are clamped, whatever is asked. */
  if (count > 0)
    options->count = MIN (count, 100000);
  if (rounds > 0)
    options->rounds = MIN (rounds, 1000);
  if (lanes > 0)
    options->lanes = MIN (lanes, 1024);
  if (tokens > 0)
    options->tokens = MIN (tokens, 100000);
  if (delay_ms >= 0)
    options->delay_ms = MIN (delay_ms, 10000);
  if (sessions > 0)
    options->sessions = MIN (sessions, 256);
}

static void
stop_own_mock (void)
{
  mock_server_stop (own_mock);
}

const char *
bench_mock_url (void)
{
  const char *url = g_getenv ("GRAPHBIT_BENCH_URL");

  if (url != NULL && *url != '\0')
    return url;
  if (own_mock == NULL)
    {
      own_mock = mock_server_start ();
      atexit (stop_own_mock);
    }
  return own_mock->url;
}

gint64
bench_mock_requests (void)
{
  MockServer view = { NULL, (char *) bench_mock_url () };

  return mock_server_stat (&view, "requests");
}

gdouble
bench_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

gdouble
bench_wall_seconds (void)
{
  return g_get_monotonic_time () / 1e6;
}

gint64
bench_rss_bytes (void)
{
  g_autofree char *text = NULL;
  gint64 pages = 0;

  /* statm: size resident shared text lib data dt, in pages. */
  if (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    sscanf (text, "%*d %" G_GINT64_FORMAT, &pages);
  return pages * sysconf (_SC_PAGESIZE);
}

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

gdouble
bench_median (GArray *samples)
{
  guint n = samples->len;

  g_return_val_if_fail (n > 0, 0);
  g_array_sort (samples, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (samples, gdouble, n / 2);
  return (g_array_index (samples, gdouble, n / 2 - 1) + g_array_index (samples, gdouble, n / 2)) / 2;
}

void
bench_samples_init (BenchSamples *samples)
{
  samples->cpu = g_array_new (FALSE, FALSE, sizeof (gdouble));
  samples->wall = g_array_new (FALSE, FALSE, sizeof (gdouble));
}

void
bench_samples_clear (BenchSamples *samples)
{
  g_clear_pointer (&samples->cpu, g_array_unref);
  g_clear_pointer (&samples->wall, g_array_unref);
}

void
bench_sample (BenchSamples  *samples,
              guint          units,
              void         (*run) (gpointer data),
              gpointer       data)
{
  gdouble c0 = bench_cpu_seconds (), w0 = bench_wall_seconds ();
  gdouble c, w;

  run (data);
  c = (bench_cpu_seconds () - c0) * 1e6 / units;
  w = (bench_wall_seconds () - w0) * 1e6 / units;
  g_array_append_val (samples->cpu, c);
  g_array_append_val (samples->wall, w);
}

static void
lanes_start (BenchLanes *lanes)
{
  lanes->started++;
  lanes->start (lanes);
}

void
bench_lanes_ended (BenchLanes *lanes)
{
  lanes->ended++;
  if (lanes->started < lanes->count)
    lanes_start (lanes);
}

void
bench_lanes_run (gpointer data)
{
  BenchLanes *lanes = data;

  lanes->started = lanes->ended = 0;
  if (lanes->in_flight == 0)
    {
      for (guint i = 0; i < lanes->count; i++)
        lanes->call (lanes);
      return;
    }
  for (guint i = 0; i < MIN (lanes->in_flight, lanes->count); i++)
    lanes_start (lanes);
  while (lanes->ended < lanes->count)
    g_main_context_iteration (NULL, TRUE);
}

void
bench_stream_scenario (const char         *impl,
                       const BenchOptions *options,
                       BenchStreamFunc     run_stream,
                       gpointer            client,
                       const char         *pieces_key)
{
  g_autofree char *long_directives = g_strdup_printf ("mock:tokens=%u", options->tokens);
  g_autofree char *last_token = g_strdup_printf ("tok%u", options->tokens);
  g_autofree char *short_prompt = bench_prompt ("mock:tokens=4");
  g_autofree char *long_prompt = bench_prompt (long_directives);
  g_autoptr(GArray) ttft = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (gdouble));
  gdouble first;
  guint pieces = 0;

  g_free (run_stream (client, short_prompt, &first, &pieces));   /* warm-up */
  for (guint i = 0; i < options->count; i++)
    {
      g_free (run_stream (client, short_prompt, &first, &pieces));
      g_array_append_val (ttft, first);
    }
  for (guint r = 0; r < options->rounds; r++)
    {
      gdouble c0 = bench_cpu_seconds ();
      g_autofree char *text = run_stream (client, long_prompt, &first, &pieces);
      gdouble c = (bench_cpu_seconds () - c0) * 1e6 / options->tokens;

      if (!g_str_has_suffix (text, last_token))
        g_error ("%s: truncated stream", impl);
      g_array_append_val (cpu, c);
    }
  bench_report (impl, options->scenario,
                "ttft_us", bench_median (ttft), "cpu_us_per_token", bench_median (cpu),
                "tokens", (gdouble) options->tokens, pieces_key, (gdouble) pieces, NULL);
}

/* One round of the "inflight" scenario; one at a time, so a static. */
static struct
{
  guint ended;
  gint64 rss_mid;
  gint64 sent_before;
  gint64 sent_mid;           /* requests the mock had received at rss_mid */
} inflight;

void
bench_inflight_ended (void)
{
  inflight.ended++;
}

static gboolean
sample_inflight (gpointer user_data)
{
  inflight.rss_mid = bench_rss_bytes ();
  inflight.sent_mid = bench_mock_requests () - inflight.sent_before;
  return G_SOURCE_REMOVE;
}

static void
run_inflight (const BenchOptions *options,
              BenchStartFunc      start,
              gpointer            client,
              const char         *prompt)
{
  inflight.ended = 0;
  inflight.rss_mid = 0;
  inflight.sent_before = bench_mock_requests ();
  g_timeout_add (options->delay_ms / 2, sample_inflight, NULL);
  start (client, prompt, options->count);
  while (inflight.ended < options->count || inflight.rss_mid == 0)
    g_main_context_iteration (NULL, TRUE);
}

void
bench_inflight_scenario (const char         *impl,
                         const BenchOptions *options,
                         BenchStartFunc      start,
                         gpointer            client)
{
  g_autofree char *directives = g_strdup_printf ("mock:delay_ms=%u", options->delay_ms);
  g_autofree char *prompt = bench_prompt (directives);
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) rss = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (gdouble));

  /* Warm-up: every connection opened once, the allocator at its size. */
  run_inflight (options, start, client, prompt);
  for (guint r = 0; r < options->rounds; r++)
    {
      gint64 rss0 = bench_rss_bytes ();
      gdouble c0 = bench_cpu_seconds (), w0 = bench_wall_seconds ();
      gdouble c, w, m, n;

      run_inflight (options, start, client, prompt);
      c = (bench_cpu_seconds () - c0) * 1e6 / options->count;
      w = bench_wall_seconds () - w0;
      m = (gdouble) (inflight.rss_mid - rss0) / options->count;
      n = inflight.sent_mid;
      g_array_append_val (cpu, c);
      g_array_append_val (wall, w);
      g_array_append_val (rss, m);
      g_array_append_val (sent, n);
    }
  bench_report (impl, options->scenario,
                "cpu_us", bench_median (cpu), "wall_s", bench_median (wall),
                "rss_per_request", bench_median (rss), "sent_at_sample", bench_median (sent),
                "count", (gdouble) options->count, NULL);
}

GBytes *
bench_chat_body (const char *prompt,
                 gboolean    stream)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *json;
  gsize len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, "gpt-4o-mini");
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "user");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, prompt);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "stream_options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "include_usage");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, &len);
  return g_bytes_new_take (json, len);
}

char *
bench_prompt (const char *directives)
{
  return g_strconcat ("Say something short about benchmarks.", *directives ? " " : "", directives, NULL);
}

void
bench_report (const char *impl,
              const char *scenario,
              const char *first_key,
              ...)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char *key;
  va_list args;

  g_string_append_printf (line, "RESULT {\"impl\": \"%s\", \"scenario\": \"%s\"", impl, scenario);
  va_start (args, first_key);
  for (key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (number, sizeof number, "%.6g", va_arg (args, gdouble));
      g_string_append_printf (line, ", \"%s\": %s", key, number);
    }
  va_end (args);
  g_string_append (line, "}\n");
  fputs (line->str, stdout);
  fflush (stdout);
}
