/* bench-common.h - what every C benchmark program shares: the mock's URL,
 * the options, CPU and memory readings, and the result line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Scenario sizes, from the command line (see bench_options_parse()). */
typedef struct
{
  char *scenario;
  guint count;        /* calls, clients, requests or samples */
  guint rounds;       /* measured rounds (medians are taken over them) */
  guint lanes;        /* requests kept in flight ("concurrent") */
  guint tokens;       /* tokens per long stream ("stream") */
  guint delay_ms;     /* the mock's answer delay ("inflight") */
  guint sessions;     /* SoupSessions the floor shards over ("inflight") */
} BenchOptions;

/* Fills @options from argv: SCENARIO [--count N] [--rounds N] ...; a
 * missing option keeps the value already in @options. Exits on bad usage. */
void     bench_options_parse   (BenchOptions  *options,
                                int           *argc,
                                char        ***argv);

/* $GRAPHBIT_BENCH_URL (a mock started by the driver), else a mock started
 * here from $GRAPHBIT_MOCK_PROVIDER and stopped at exit. */
const char *bench_mock_url     (void);

/* Provider requests the mock has received so far (GET /_mock/stats). */
gint64   bench_mock_requests   (void);

/* User + system CPU time of this process (every thread), in seconds. */
gdouble  bench_cpu_seconds     (void);
gdouble  bench_wall_seconds    (void);
/* Resident set size of this process, in bytes. */
gint64   bench_rss_bytes       (void);

/* The median of @samples (sorted in place). */
gdouble  bench_median          (GArray        *samples);

/* The body of an OpenAI chat completion of @prompt, as graphbit's codec
 * builds it (JsonBuilder, JsonGenerator), streamed or not. */
GBytes  *bench_chat_body       (const char    *prompt,
                                gboolean       stream);

/* The prompt of a call with the given mock directives ("" for none). */
char    *bench_prompt          (const char    *directives);

/* CPU and wall time samples, in µs per unit of work (call, token, node). */
typedef struct
{
  GArray *cpu;
  GArray *wall;
} BenchSamples;

void     bench_samples_init    (BenchSamples  *samples);
void     bench_samples_clear   (BenchSamples  *samples);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BenchSamples, bench_samples_clear)

/* Runs @run (@data) once and adds its CPU and wall time divided by @units. */
void     bench_sample          (BenchSamples  *samples,
                                guint          units,
                                void         (*run) (gpointer data),
                                gpointer       data);

/* Calls one after another until @count ended: blocking ones, or async
 * ones with @in_flight at a time (their callbacks on this thread's main
 * context). An implementation fills in client, prompt and its two ways of
 * calling. */
typedef struct _BenchLanes BenchLanes;
struct _BenchLanes
{
  gpointer client;
  const char *prompt;
  guint count;
  guint in_flight;                           /* 0: blocking calls */
  void (*call)  (BenchLanes *lanes);         /* one blocking call */
  void (*start) (BenchLanes *lanes);         /* one async call; it ends with bench_lanes_ended() */
  guint started;
  guint ended;
};

/* Runs @count calls (a bench_sample() run; @lanes is a BenchLanes). */
void     bench_lanes_run       (gpointer       lanes);
void     bench_lanes_ended     (BenchLanes    *lanes);

/* Streams one answer to @prompt; returns its text, the µs to its first
 * text and how many pieces it came in. */
typedef char *(*BenchStreamFunc) (gpointer     client,
                                  const char  *prompt,
                                  gdouble     *first_token_us,
                                  guint       *pieces);

/* The "stream" scenario: --count short streams for the time to the first
 * token, then --rounds streams of --tokens tokens for the CPU per token. */
void     bench_stream_scenario (const char         *impl,
                                const BenchOptions *options,
                                BenchStreamFunc     run_stream,
                                gpointer            client,
                                const char         *pieces_key);

/* Starts --count requests answered after --delay-ms; each calls
 * bench_inflight_ended() when it ends. */
typedef void (*BenchStartFunc) (gpointer client,
                                const char *prompt,
                                guint       count);

/* The "inflight" scenario: a warm-up round, then --rounds rounds, each
 * sampling memory (and the requests that reached the mock) halfway. */
void     bench_inflight_scenario (const char         *impl,
                                  const BenchOptions *options,
                                  BenchStartFunc      start,
                                  gpointer            client);
void     bench_inflight_ended  (void);

/* Prints the result line the driver reads:
 * RESULT {"impl": IMPL, "scenario": S, KEY: VALUE, ...}
 * The variable arguments are (const char *key, gdouble value) pairs ending
 * with NULL. */
void     bench_report          (const char    *impl,
                                const char    *scenario,
                                const char    *first_key,
                                ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
