/* graphbit-c.c - the benchmark scenarios through graphbit's C API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-graphbit-c SCENARIO [--count N] [--rounds N] [--lanes N]
 *                             [--tokens N] [--delay-ms MS]
 *
 * The scenarios of floor.c, written as an application would use graphbit:
 * blocking graphbit_llm_client_complete() one call after another; the async
 * variant with its callbacks on this thread's main context for calls in
 * flight; a GraphbitLlmStream pulled with next_async(); an Executor for the
 * workflow. CPU is this process's (the I/O worker threads included); the
 * mock runs in its own process.
 */

#include <stdlib.h>

#include "graphbit.h"
#include "bench-common.h"

#define IMPL "c"

static GraphbitLlmConfig *
bench_config (void)
{
  g_autofree char *base = g_strconcat (bench_mock_url (), "/v1", NULL);
  g_autoptr(GError) error = NULL;
  GraphbitLlmConfig *config = graphbit_llm_config_openai ("sk-bench", "gpt-4o-mini", base, &error);

  if (config == NULL)
    g_error ("config: %s", error->message);
  return config;
}

static GraphbitLlmClient *
bench_client (void)
{
  g_autoptr(GraphbitLlmConfig) config = bench_config ();

  return graphbit_llm_client_new (config);
}

static void
complete_blocking (GraphbitLlmClient *client,
                   const char        *prompt)
{
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_client_complete (client, request, NULL, &error);

  if (text == NULL)
    g_error ("complete: %s", error->message);
}

static void
on_complete_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_client_complete_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);

  if (text == NULL)
    g_error ("complete_async: %s", error->message);
  if (user_data != NULL)
    bench_lanes_ended (user_data);
  else
    bench_inflight_ended ();
}

static void
complete_async (GraphbitLlmClient *client,
                const char        *prompt,
                BenchLanes        *lanes)
{
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);

  graphbit_llm_client_complete_async (client, request, NULL, on_complete_done, lanes);
}

static void
lane_start (BenchLanes *lanes)
{
  complete_async (lanes->client, lanes->prompt, lanes);
}

static void
lane_call (BenchLanes *lanes)
{
  complete_blocking (lanes->client, lanes->prompt);
}

/* Warm-up, then --rounds rounds of --count calls, @in_flight at a time. */
static void
measure_lanes (const BenchOptions *options,
               guint               in_flight)
{
  g_autoptr(GraphbitLlmClient) client = bench_client ();
  g_autofree char *prompt = bench_prompt ("");
  g_auto(BenchSamples) samples = { NULL };
  BenchLanes lanes = { client, prompt, MAX (in_flight, 50), in_flight, lane_call, lane_start, 0, 0 };

  bench_samples_init (&samples);
  bench_lanes_run (&lanes);   /* warm-up: runtime started, connections open */
  lanes.count = options->count;
  for (guint r = 0; r < options->rounds; r++)
    bench_sample (&samples, options->count, bench_lanes_run, &lanes);
  bench_report (IMPL, options->scenario,
                "cpu_us", bench_median (samples.cpu), "wall_us", bench_median (samples.wall),
                "lanes", (gdouble) MAX (in_flight, 1), "count", (gdouble) options->count, NULL);
}

/* Blocking calls, as a sequential program makes them. */
static void
scenario_sequential (const BenchOptions *options)
{
  measure_lanes (options, 0);
}

static void
scenario_concurrent (const BenchOptions *options)
{
  measure_lanes (options, options->lanes);
}

/* The "-workers" scenarios: the same with caller loops turned off
 * (graphbit_runtime_set_use_caller_loops()), so every exchange runs on a
 * worker thread and only its result comes back to the loop: what a GUI
 * that opts out pays. */
static void
scenario_concurrent_workers (const BenchOptions *options)
{
  graphbit_runtime_set_use_caller_loops (FALSE);
  measure_lanes (options, options->lanes);
}

/* One stream pulled with next_async() until its end. */
typedef struct
{
  GString *text;
  gint64 first_token_us;
  guint chunks;
  gboolean ended;
} Pull;

static void
on_next (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pull *pull = user_data;
  GraphbitLlmStream *stream = GRAPHBIT_LLM_STREAM (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = graphbit_llm_stream_next_finish (stream, result, &error);

  if (error != NULL)
    g_error ("stream: %s", error->message);
  if (chunk == NULL)
    {
      pull->ended = TRUE;
      return;
    }
  if (pull->first_token_us == 0 && *chunk != '\0')
    pull->first_token_us = g_get_monotonic_time ();
  pull->chunks++;
  g_string_append (pull->text, chunk);
  graphbit_llm_stream_next_async (stream, NULL, on_next, pull);
}

/* A BenchStreamFunc: the pieces are the chunks next() returned. */
static char *
run_stream (gpointer     data,
            const char  *prompt,
            gdouble     *first_token_us,
            guint       *chunks)
{
  GraphbitLlmClient *client = data;
  gint64 start_us = g_get_monotonic_time ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);
  g_autoptr(GraphbitLlmStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  Pull pull = { g_string_new (NULL), 0, 0, FALSE };

  stream = graphbit_llm_client_stream (client, request, &error);
  if (stream == NULL)
    g_error ("stream: %s", error->message);
  graphbit_llm_stream_next_async (stream, NULL, on_next, &pull);
  while (!pull.ended)
    g_main_context_iteration (NULL, TRUE);
  *first_token_us = pull.first_token_us - start_us;
  *chunks = pull.chunks;
  return g_string_free (pull.text, FALSE);
}

static void
scenario_stream (const BenchOptions *options)
{
  g_autoptr(GraphbitLlmClient) client = bench_client ();

  bench_stream_scenario (IMPL, options, run_stream, client, "chunks");
}

static void
scenario_stream_workers (const BenchOptions *options)
{
  graphbit_runtime_set_use_caller_loops (FALSE);
  scenario_stream (options);
}

static void
scenario_idle (const BenchOptions *options)
{
  g_autoptr(GraphbitLlmConfig) config = bench_config ();
  g_autoptr(GraphbitLlmClient) first = graphbit_llm_client_new (config);
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *prompt = bench_prompt ("");
  gint64 before, after;

  /* Warm-up: the runtime and its sessions exist, one call made. */
  complete_blocking (first, prompt);
  before = bench_rss_bytes ();
  for (guint i = 0; i < options->count; i++)
    g_ptr_array_add (clients, graphbit_llm_client_new (config));
  after = bench_rss_bytes ();
  bench_report (IMPL, options->scenario,
                "rss_per_client", (gdouble) (after - before) / options->count,
                "count", (gdouble) options->count, NULL);
}

/* Every request at once: graphbit queues and spreads them itself. */
static void
start_all (gpointer    client,
           const char *prompt,
           guint       count)
{
  for (guint i = 0; i < count; i++)
    complete_async (client, prompt, NULL);
}

static void
scenario_inflight (const BenchOptions *options)
{
  g_autoptr(GraphbitLlmClient) client = bench_client ();

  bench_inflight_scenario (IMPL, options, start_all, client);
}

/* The 50-node workflow: a chain of 10 agents, the last feeding 40. */
#define CHAIN 10
#define FAN 40

static void
add_agent (GraphbitWorkflow *workflow,
           const char       *name,
           const char       *prompt,
           const char       *parent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitNode) node = graphbit_node_agent (name, prompt, NULL, &error);

  if (node == NULL || !graphbit_workflow_add_node (workflow, node, &error)
      || (parent != NULL && !graphbit_workflow_connect (workflow, parent, name, &error)))
    g_error ("workflow: %s", error->message);
}

static GraphbitWorkflow *
bench_workflow (const char *prompt)
{
  GraphbitWorkflow *workflow = graphbit_workflow_new ("bench");
  char name[16], parent[16] = "";

  for (guint i = 0; i < CHAIN; i++)
    {
      g_snprintf (name, sizeof name, "c%u", i);
      add_agent (workflow, name, prompt, i > 0 ? parent : NULL);
      g_strlcpy (parent, name, sizeof parent);
    }
  for (guint i = 0; i < FAN; i++)
    {
      g_snprintf (name, sizeof name, "f%u", i);
      add_agent (workflow, name, prompt, parent);
    }
  return workflow;
}

typedef struct
{
  GraphbitExecutor *executor;
  GraphbitWorkflow *workflow;
} Run;

static void
run_workflow (gpointer data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitWorkflowResult) result = graphbit_executor_execute (run->executor, run->workflow, NULL, NULL, &error);

  if (result == NULL)
    g_error ("execute: %s", error->message);
  if (!graphbit_workflow_result_is_success (result))
    g_error ("run failed: %s", graphbit_workflow_result_get_error_message (result));
}

static void
scenario_workflow (const BenchOptions *options)
{
  g_autoptr(GraphbitLlmConfig) config = bench_config ();
  g_autofree char *prompt = bench_prompt ("");
  g_autoptr(GraphbitWorkflow) workflow = bench_workflow (prompt);
  g_autoptr(GraphbitExecutor) executor = NULL;
  g_auto(BenchSamples) samples = { NULL };
  g_autoptr(GError) error = NULL;
  Run run;

  /* HighThroughput: max(64, 4 × CPUs) nodes at once, so the 40 all start. */
  executor = graphbit_executor_new_high_throughput (config, 0, &error);
  if (executor == NULL)
    g_error ("executor: %s", error->message);
  run.executor = executor;
  run.workflow = workflow;
  bench_samples_init (&samples);
  run_workflow (&run);   /* warm-up */
  run_workflow (&run);
  for (guint r = 0; r < options->rounds; r++)
    bench_sample (&samples, CHAIN + FAN, run_workflow, &run);
  bench_report (IMPL, options->scenario,
                "cpu_us_per_node", bench_median (samples.cpu),
                "wall_ms", bench_median (samples.wall) * (CHAIN + FAN) / 1000,
                "nodes", (gdouble) (CHAIN + FAN), NULL);
}

/* A process's first and only call; run_suite.py measures the process,
 * which ends as most programs do: without graphbit_shutdown(). */
static void
scenario_cold (const BenchOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmClient) client = NULL;
  g_autofree char *prompt = bench_prompt ("");

  if (!graphbit_init (NULL, FALSE, FALSE, &error))
    g_error ("init: %s", error->message);
  client = bench_client ();
  complete_blocking (client, prompt);
  exit (0);
}

static const struct
{
  const char *name;
  void (*run) (const BenchOptions *options);
} scenarios[] = {
  { "sequential", scenario_sequential },
  { "concurrent", scenario_concurrent },
  { "concurrent-workers", scenario_concurrent_workers },
  { "stream", scenario_stream },
  { "stream-workers", scenario_stream_workers },
  { "idle", scenario_idle },
  { "inflight", scenario_inflight },
  { "workflow", scenario_workflow },
  { "cold", scenario_cold },
};

int
main (int    argc,
      char **argv)
{
  BenchOptions options = { NULL, 400, 5, 64, 2000, 2000, 1 };

  bench_options_parse (&options, &argc, &argv);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (g_str_equal (options.scenario, scenarios[i].name))
      {
        scenarios[i].run (&options);
        graphbit_shutdown ();
        return 0;
      }
  g_printerr ("unknown scenario %s\n", options.scenario);
  return 2;
}
