/* graphbit-call-stats.c - a client's call statistics, whatever the kind of client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every call is counted once, when it ends, as a success, a failure or a
 * cancellation, whatever number of attempts it took (retries are counted
 * apart); calls refused for bad arguments are not requests. Counters
 * plus a ring of the most recent latencies, from which the percentiles
 * are computed when asked (never on the request path).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "graphbit-call-stats-private.h"

/* Percentiles are over this many most recent calls. */
#define LATENCY_WINDOW 1024

struct _GraphbitCallStats
{
  GMutex mutex;
  gint64 created_at;          /* monotonic µs; reset_stats() restarts it */
  guint64 total;
  guint64 succeeded;
  guint64 failed;
  guint64 cancelled;
  guint64 retries;
  gint64 total_duration_us;   /* of every call, failures included */
  guint64 prompt_tokens;
  guint64 completion_tokens;
  gint64 *latencies;          /* LATENCY_WINDOW, made by the first call: idle clients stay small */
  guint n_latencies;
  guint next_latency;
};

GraphbitCallStats *
graphbit_call_stats_new (void)
{
  GraphbitCallStats *stats = g_new0 (GraphbitCallStats, 1);

  g_mutex_init (&stats->mutex);
  stats->created_at = g_get_monotonic_time ();
  return stats;
}

void
graphbit_call_stats_free (GraphbitCallStats *stats)
{
  g_mutex_clear (&stats->mutex);
  g_free (stats->latencies);
  g_free (stats);
}

void
graphbit_call_stats_record (GraphbitCallStats   *stats,
                            GraphbitCallOutcome  outcome,
                            gint64               duration_us,
                            guint                prompt_tokens,
                            guint                completion_tokens)
{
  g_mutex_lock (&stats->mutex);
  stats->total++;
  if (outcome == GRAPHBIT_CALL_OUTCOME_SUCCESS)
    stats->succeeded++;
  else if (outcome == GRAPHBIT_CALL_OUTCOME_FAILURE)
    stats->failed++;
  else
    stats->cancelled++;
  stats->total_duration_us += duration_us;
  stats->prompt_tokens += prompt_tokens;
  stats->completion_tokens += completion_tokens;
  if (stats->latencies == NULL)
    stats->latencies = g_new (gint64, LATENCY_WINDOW);
  stats->latencies[stats->next_latency] = duration_us;
  stats->next_latency = (stats->next_latency + 1) % LATENCY_WINDOW;
  stats->n_latencies = MIN (stats->n_latencies + 1, LATENCY_WINDOW);
  g_mutex_unlock (&stats->mutex);
}

void
graphbit_call_stats_record_retry (GraphbitCallStats *stats)
{
  g_mutex_lock (&stats->mutex);
  stats->retries++;
  g_mutex_unlock (&stats->mutex);
}

void
graphbit_call_stats_reset (GraphbitCallStats *stats)
{
  g_mutex_lock (&stats->mutex);
  stats->retries = 0;
  stats->total = stats->succeeded = stats->failed = stats->cancelled = 0;
  stats->total_duration_us = 0;
  stats->prompt_tokens = stats->completion_tokens = 0;
  stats->n_latencies = stats->next_latency = 0;
  stats->created_at = g_get_monotonic_time ();
  g_mutex_unlock (&stats->mutex);
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values, in milliseconds. */
static gdouble
percentile_ms (const gint64 *sorted,
               guint         n,
               guint         percent)
{
  guint rank;

  if (n == 0)
    return 0.0;
  rank = (percent * n + 99) / 100;
  return sorted[MAX (rank, 1) - 1] / 1000.0;
}

void
graphbit_call_stats_snapshot (GraphbitCallStats *stats,
                              GVariantBuilder   *builder)
{
  gint64 sorted[LATENCY_WINDOW];
  guint64 total, succeeded, failed, cancelled, retries, prompt_tokens, completion_tokens;
  gint64 total_duration_us, created_at;
  guint n;

  g_mutex_lock (&stats->mutex);
  total = stats->total;
  succeeded = stats->succeeded;
  failed = stats->failed;
  cancelled = stats->cancelled;
  retries = stats->retries;
  total_duration_us = stats->total_duration_us;
  prompt_tokens = stats->prompt_tokens;
  completion_tokens = stats->completion_tokens;
  created_at = stats->created_at;
  n = stats->n_latencies;
  if (n > 0)
    memcpy (sorted, stats->latencies, n * sizeof (gint64));
  g_mutex_unlock (&stats->mutex);

  qsort (sorted, n, sizeof (gint64), compare_gint64);

  g_variant_builder_add (builder, "{sv}", "total_requests", g_variant_new_uint64 (total));
  g_variant_builder_add (builder, "{sv}", "successful_requests", g_variant_new_uint64 (succeeded));
  g_variant_builder_add (builder, "{sv}", "failed_requests", g_variant_new_uint64 (failed));
  g_variant_builder_add (builder, "{sv}", "cancelled_requests", g_variant_new_uint64 (cancelled));
  g_variant_builder_add (builder, "{sv}", "retries", g_variant_new_uint64 (retries));
  g_variant_builder_add (builder, "{sv}", "success_rate",
                         g_variant_new_double (total > 0 ? (gdouble) succeeded / total : 0.0));
  g_variant_builder_add (builder, "{sv}", "average_response_time_ms",
                         g_variant_new_double (total > 0 ? total_duration_us / 1000.0 / total : 0.0));
  g_variant_builder_add (builder, "{sv}", "p50_response_time_ms", g_variant_new_double (percentile_ms (sorted, n, 50)));
  g_variant_builder_add (builder, "{sv}", "p95_response_time_ms", g_variant_new_double (percentile_ms (sorted, n, 95)));
  g_variant_builder_add (builder, "{sv}", "prompt_tokens", g_variant_new_uint64 (prompt_tokens));
  g_variant_builder_add (builder, "{sv}", "completion_tokens", g_variant_new_uint64 (completion_tokens));
  g_variant_builder_add (builder, "{sv}", "uptime_seconds",
                         g_variant_new_double ((g_get_monotonic_time () - created_at) / (gdouble) G_TIME_SPAN_SECOND));
}
