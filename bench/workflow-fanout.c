/* workflow-fanout.c - a 1 → N → 1 workflow against its critical path and raw libsoup
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   meson test -C _build --benchmark workflow-fanout --verbose
 *   _build/bench/bench-workflow-fanout [rounds] [width] [delay_ms]
 *
 * Each call of the graph is answered by the mock provider after delay_ms,
 * so the critical path is 3 × delay_ms. The same graph is run two ways in
 * the same process, against the same mock:
 *
 *   raw libsoup  one SoupSession, hand-written: POST, then N POSTs at once,
 *                then POST; the floor for any client
 *   graphbit     an Executor in HighThroughput mode running the Workflow
 *
 * and a second time with delay 0, where the difference is the engine's own
 * cost per node. Reports medians and 95th percentiles of wall time.
 */

#include "config.h"

#include <libsoup/soup.h>

#include "graphbit.h"
#include "bench-common.h"
#include "mock-server.h"

static MockServer *mock;

typedef struct
{
  SoupSession *session;
  char *url;
  guint pending;
} RawRun;

static void
on_raw_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (body == NULL)
    g_error ("raw request failed: %s", error->message);
  run->pending--;
}

static void
raw_stage (RawRun     *run,
           guint       count,
           const char *prompt)
{
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", run->url);
      g_autoptr(GBytes) body = bench_chat_body (prompt, FALSE);

      /* Without IDEMPOTENT, libsoup opens a connection per POST. */
      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", "Bearer sk-bench");
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      run->pending++;
      soup_session_send_and_read_async (run->session, msg, G_PRIORITY_DEFAULT, NULL, on_raw_done, run);
    }
  while (run->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static gdouble
raw_round (SoupSession *session,
           guint        width,
           const char  *directives)
{
  g_autofree char *url = g_strconcat (mock->url, "/v1/chat/completions", NULL);
  g_autofree char *prompt = g_strdup_printf ("stage %s", directives);
  RawRun run = { session, url, 0 };
  gint64 start = g_get_monotonic_time ();

  raw_stage (&run, 1, prompt);
  raw_stage (&run, width, prompt);
  raw_stage (&run, 1, prompt);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static GraphbitWorkflow *
fan_workflow (guint       width,
              const char *directives)
{
  GraphbitWorkflow *workflow = graphbit_workflow_new ("fan");
  g_autoptr(GError) error = NULL;
  g_autofree char *root_prompt = g_strdup_printf ("stage %s", directives);
  g_autoptr(GraphbitNode) root = graphbit_node_agent ("root", root_prompt, NULL, &error);
  g_autoptr(GraphbitNode) join = graphbit_node_agent ("join", root_prompt, NULL, &error);

  g_assert_no_error (error);
  graphbit_workflow_add_node (workflow, root, &error);
  graphbit_workflow_add_node (workflow, join, &error);
  for (guint i = 0; i < width; i++)
    {
      g_autofree char *name = g_strdup_printf ("w%u", i);
      g_autoptr(GraphbitNode) node = graphbit_node_agent (name, root_prompt, NULL, &error);

      graphbit_workflow_add_node (workflow, node, &error);
      graphbit_workflow_connect (workflow, "root", name, &error);
      graphbit_workflow_connect (workflow, name, "join", &error);
    }
  g_assert_no_error (error);
  return workflow;
}

static gdouble
graphbit_round (GraphbitExecutor *executor,
                GraphbitWorkflow *workflow)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GraphbitWorkflowResult) result = graphbit_executor_execute (executor, workflow, NULL, NULL, &error);
  gdouble elapsed = (g_get_monotonic_time () - start) / 1000.0;

  g_assert_no_error (error);
  if (!graphbit_workflow_result_is_success (result))
    g_error ("run failed: %s", graphbit_workflow_result_get_error_message (result));
  return elapsed;
}

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
percentile (GArray *samples,
            guint   p)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, gdouble, MIN (samples->len - 1, samples->len * p / 100));
}

static void
measure (guint rounds,
         guint width,
         guint delay_ms)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256, NULL);
  g_autoptr(GraphbitLlmConfig) config = NULL;
  g_autoptr(GraphbitExecutor) executor = NULL;
  g_autoptr(GraphbitWorkflow) workflow = NULL;
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_strconcat (mock->url, "/v1", NULL);
  g_autofree char *directives = g_strdup_printf ("mock:delay_ms=%u", delay_ms);
  gdouble raw_median, ours_median;

  config = graphbit_llm_config_openai ("sk-bench", "gpt-4o-mini", base, &error);
  g_assert_no_error (error);
  executor = graphbit_executor_new_high_throughput (config, 0, &error);
  g_assert_no_error (error);
  workflow = fan_workflow (width, directives);

  /* Warm both: connections open, runtime started. */
  raw_round (session, width, directives);
  graphbit_round (executor, workflow);
  for (guint r = 0; r < rounds; r++)
    {
      gdouble a = raw_round (session, width, directives);
      gdouble b = graphbit_round (executor, workflow);

      g_array_append_val (raw, a);
      g_array_append_val (ours, b);
    }

  raw_median = percentile (raw, 50);
  ours_median = percentile (ours, 50);
  g_print ("1 -> %u -> 1, %u ms per call, critical path %u ms, %u rounds\n", width, delay_ms, 3 * delay_ms, rounds);
  g_print ("  raw libsoup  median %7.2f ms  p95 %7.2f ms\n", raw_median, percentile (raw, 95));
  g_print ("  graphbit     median %7.2f ms  p95 %7.2f ms\n", ours_median, percentile (ours, 95));
  g_print ("  graphbit - raw: %+.2f ms per run, %+.3f ms per node\n\n",
           ours_median - raw_median, (ours_median - raw_median) / (width + 2));
}

int
main (int    argc,
      char **argv)
{
  guint rounds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 20;
  guint width = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 20;
  guint delay_ms = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 50;

  rounds = CLAMP (rounds, 1, 1000);
  width = CLAMP (width, 1, 1000);
  mock = mock_server_start ();
  measure (rounds, width, delay_ms);
  measure (rounds, width, 0);
  graphbit_shutdown ();
  mock_server_stop (mock);
  return 0;
}
