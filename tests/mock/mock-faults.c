/* mock-faults.c - the faults the mock injects for the resilience tests:
 * attempt keys and their counts, which attempts get a fault (fail_first,
 * fault_rate and its PRNG), and what a fault leaves of the directives
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A client that retries sends the same request again, directives and all,
 * so the mock tells its attempts apart by counting them per attempt key:
 * the route plus the text of the last user message (the prompt of
 * /api/generate). Once mock_faults_attempt() has decided, the directives
 * describe this attempt only: d->fault is the fault it gets (NONE if it is
 * spared), and the directives of faults it does not get are dropped.
 * mock-reply.c then produces the fault (see mock_reply_withhold() and
 * mock_reply_send()).
 *
 * Random outcomes come from SplitMix64 (public domain, Steele, Lea and
 * Flood 2014), written out here so that a test can recompute them: output
 * k of a generator seeded with X is mix (X + k * 0x9E3779B97F4A7C15) with
 * mix() below, all modulo 2^64, and it becomes a double in [0, 1) from its
 * top 53 bits. An attempt gets the fault when that double is < P.
 *   - mock:seed=S: attempt n of a key uses output n (n = 1, 2, ...) of the
 *     generator seeded with S, so the same seed gives the same outcomes to
 *     the same attempts of a key, whatever else the mock serves.
 *   - no seed: the global generator seeded with --seed (default 1); each
 *     draw uses its next output (1, 2, ... since the start or the last
 *     POST /_mock/reset), in the order the requests arrive.
 */

#include <string.h>

#include "mock-private.h"

static const char *const fault_names[MOCK_N_FAULTS] = {
  [MOCK_FAULT_NONE] = "none",
  [MOCK_FAULT_STATUS] = "status",
  [MOCK_FAULT_CLOSE] = "close",
  [MOCK_FAULT_RESET] = "reset",
  [MOCK_FAULT_HANG] = "hang",
  [MOCK_FAULT_CUT] = "cut",
  [MOCK_FAULT_SLOW] = "slow",
};

/* The kinds mock:fault accepts: every one but "none". */
gboolean
mock_fault_from_name (const char *name,
                      MockFault  *fault)
{
  for (guint i = MOCK_FAULT_NONE + 1; i < MOCK_N_FAULTS; i++)
    {
      if (g_str_equal (name, fault_names[i]))
        {
          *fault = (MockFault) i;
          return TRUE;
        }
    }
  return FALSE;
}

void
mock_faults_init (Mock    *mock,
                  guint64  seed)
{
  mock->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  mock->seed = seed;
  mock_faults_reset (mock);
}

/* Forgets every attempt and restarts the global PRNG from --seed, so a run
 * after a reset sees the outcomes of a fresh mock. */
void
mock_faults_reset (Mock *mock)
{
  g_hash_table_remove_all (mock->attempts);
  mock->attempts_total = 0;
  memset (mock->faults_injected, 0, sizeof mock->faults_injected);
  mock->hangs = 0;
  mock->prng_draws = 0;
}

void
mock_faults_clear (Mock *mock)
{
  g_clear_pointer (&mock->attempts, g_hash_table_unref);
}

#define SPLITMIX64_GAMMA G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

static guint64
splitmix64_mix (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Output @k of the generator seeded with @seed, in [0, 1). */
gdouble
mock_splitmix64_unit (guint64 seed,
                      guint64 k)
{
  return (gdouble) (splitmix64_mix (seed + k * SPLITMIX64_GAMMA) >> 11) / (gdouble) (G_GUINT64_CONSTANT (1) << 53);
}

/* Whether attempt @attempt gets the fault, as mock:fault_rate says. */
static gboolean
draw_fault (Mock             *mock,
            const Directives *d,
            guint             attempt)
{
  gdouble u = d->seeded ? mock_splitmix64_unit (d->seed, attempt)
                        : mock_splitmix64_unit (mock->seed, ++mock->prng_draws);

  return u < d->fault_rate;
}

static guint
count_attempt (Mock       *mock,
               const char *route,
               const char *prompt)
{
  char *key = g_strconcat (route, "\n", prompt, NULL);
  guint attempt = GPOINTER_TO_UINT (g_hash_table_lookup (mock->attempts, key)) + 1;

  /* Takes @key, or frees it if the table has it already. */
  g_hash_table_insert (mock->attempts, key, GUINT_TO_POINTER (attempt));
  mock->attempts_total++;
  return attempt;
}

/* Drops the directives that would make this attempt fail otherwise than
 * with @fault: the retried request must be answered as if they were not
 * there. Those of mock:fault=slow only go on a spared attempt (@fault NONE),
 * since they shape answers too. */
static void
keep_only (Directives *d,
           MockFault   fault,
           MockFault   asked)
{
  /* A fixture sent with an error status is the error's body. */
  gboolean error_fixture = d->fixture != NULL && d->status >= 400;

  if (fault == MOCK_FAULT_STATUS)
    {
      if (!error_fixture)
        {
          g_clear_pointer (&d->fixture, g_free);
          d->status = d->status >= 400 ? d->status : 500;
        }
    }
  else
    {
      if (error_fixture)
        g_clear_pointer (&d->fixture, g_free);
      d->status = 0;
      g_clear_pointer (&d->retry_after, g_free);
      d->retry_after_ms = -1;
      d->should_retry = -1;
      d->rate_reset_ms = -1;
      d->quota = FALSE;
    }
  if (fault != MOCK_FAULT_CUT)
    d->cut_after = -1;
  if (fault == MOCK_FAULT_NONE && asked == MOCK_FAULT_SLOW)
    d->delay_ms = d->token_delay_ms = 0;
}

/* Counts this attempt of the request being handled and decides its fault:
 * with mock:fail_first or mock:fault_rate, attempts 1..fail_first get it,
 * later ones with probability fault_rate (see the top of this file), the
 * rest are spared; without either, mock:fault applies to every attempt.
 * The kind is mock:fault, or "status" when only a gate is given. */
void
mock_faults_attempt (Mock       *mock,
                     const char *prompt,
                     Directives *d)
{
  /* mock_request_record() has just set it for this request. */
  guint attempt = count_attempt (mock, mock->last_route, prompt);
  gboolean gated = d->fail_first >= 0 || d->fault_rate >= 0;
  MockFault asked = d->fault != MOCK_FAULT_NONE ? d->fault : gated ? MOCK_FAULT_STATUS : MOCK_FAULT_NONE;
  gboolean faulted;

  /* No fault asked: the directives mean what they always did. */
  if (asked == MOCK_FAULT_NONE)
    return;

  if (!gated || (d->fail_first >= 0 && attempt <= (guint) d->fail_first))
    faulted = TRUE;
  else if (d->fault_rate >= 0)
    faulted = draw_fault (mock, d, attempt);
  else
    faulted = FALSE;

  d->fault = faulted ? asked : MOCK_FAULT_NONE;
  keep_only (d, d->fault, asked);
  if (faulted)
    {
      mock->faults_injected[asked]++;
      if (asked == MOCK_FAULT_HANG)
        mock->hangs++;
    }
}

static gboolean
key_text_equal (const char *key,
                const char *text)
{
  const char *newline = strchr (key, '\n');

  return newline != NULL && g_str_equal (newline + 1, text);
}

/* The attempts of one key; with @route NULL, those of @text on every
 * route. */
guint64
mock_faults_attempts (Mock       *mock,
                      const char *route,
                      const char *text)
{
  GHashTableIter iter;
  gpointer key, count;
  guint64 total = 0;

  if (route != NULL)
    {
      g_autofree char *wanted = g_strconcat (route, "\n", text, NULL);

      return GPOINTER_TO_UINT (g_hash_table_lookup (mock->attempts, wanted));
    }
  g_hash_table_iter_init (&iter, mock->attempts);
  while (g_hash_table_iter_next (&iter, &key, &count))
    {
      if (key_text_equal (key, text))
        total += GPOINTER_TO_UINT (count);
    }
  return total;
}

void
mock_faults_stats (Mock       *mock,
                   JsonObject *stats)
{
  JsonObject *injected = json_object_new ();

  for (guint i = MOCK_FAULT_NONE + 1; i < MOCK_N_FAULTS; i++)
    json_object_set_int_member (injected, fault_names[i], (gint64) mock->faults_injected[i]);
  json_object_set_object_member (stats, "faults_injected", injected);
  json_object_set_int_member (stats, "hangs", (gint64) mock->hangs);
  json_object_set_int_member (stats, "attempts", (gint64) mock->attempts_total);
}
