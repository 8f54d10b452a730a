/* test-resilience.c - retry policy, circuit breaker and rate limiter in isolation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit.h"
#include "graphbit-error-private.h"
#include "graphbit-retry-policy-private.h"
#include "graphbit-circuit-breaker-private.h"
#include "graphbit-rate-limiter-private.h"

static gboolean
retryable (GraphbitError  code,
           guint          status,
           const char    *should_retry,
           const char    *body,
           gboolean       started)
{
  g_autoptr(GError) error = graphbit_error_new (code, "x");
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  GraphbitAttemptFailure failure = { error, status, headers, body, started };

  if (should_retry != NULL)
    soup_message_headers_replace (headers, "x-should-retry", should_retry);
  return graphbit_retry_policy_is_retryable (&failure);
}

static void
test_what_is_retried (void)
{
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "c");
  GraphbitAttemptFailure cancel = { cancelled, 0, NULL, NULL, FALSE };

  g_assert_true (retryable (GRAPHBIT_ERROR_PROVIDER, 500, NULL, NULL, TRUE));
  g_assert_true (retryable (GRAPHBIT_ERROR_PROVIDER, 503, NULL, NULL, TRUE));
  g_assert_true (retryable (GRAPHBIT_ERROR_RATE_LIMIT, 529, NULL, NULL, TRUE));
  g_assert_true (retryable (GRAPHBIT_ERROR_RATE_LIMIT, 429, NULL, "{\"error\":{\"code\":\"rate_limit_exceeded\"}}", TRUE));
  g_assert_true (retryable (GRAPHBIT_ERROR_PROVIDER, 408, NULL, NULL, TRUE));
  g_assert_true (retryable (GRAPHBIT_ERROR_PROVIDER, 409, NULL, NULL, TRUE));
  /* Client errors and billing problems would fail again. */
  g_assert_false (retryable (GRAPHBIT_ERROR_PROVIDER, 400, NULL, NULL, TRUE));
  g_assert_false (retryable (GRAPHBIT_ERROR_AUTHENTICATION, 401, NULL, NULL, TRUE));
  g_assert_false (retryable (GRAPHBIT_ERROR_AUTHENTICATION, 403, NULL, NULL, TRUE));
  g_assert_false (retryable (GRAPHBIT_ERROR_PROVIDER, 404, NULL, NULL, TRUE));
  g_assert_false (retryable (GRAPHBIT_ERROR_RATE_LIMIT, 429, NULL, "{\"error\":{\"code\":\"insufficient_quota\"}}", TRUE));
  g_assert_false (retryable (GRAPHBIT_ERROR_RATE_LIMIT, 429, NULL,
                             "{\"error\":{\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}", TRUE));
  /* The server's x-should-retry wins. */
  g_assert_false (retryable (GRAPHBIT_ERROR_PROVIDER, 500, "false", NULL, TRUE));
  g_assert_true (retryable (GRAPHBIT_ERROR_PROVIDER, 400, "true", NULL, TRUE));
  /* Transport failures: only before any response byte. */
  g_assert_true (retryable (GRAPHBIT_ERROR_NETWORK, 0, NULL, NULL, FALSE));
  g_assert_false (retryable (GRAPHBIT_ERROR_NETWORK, 0, NULL, NULL, TRUE));
  g_assert_true (retryable (GRAPHBIT_ERROR_TIMEOUT, 0, NULL, NULL, FALSE));
  g_assert_false (retryable (GRAPHBIT_ERROR_VALIDATION, 0, NULL, NULL, FALSE));
  g_assert_false (graphbit_retry_policy_is_retryable (&cancel));
}

static void
test_go_durations (void)
{
  g_assert_cmpint (graphbit_retry_parse_go_duration ("1s"), ==, G_USEC_PER_SEC);
  g_assert_cmpint (graphbit_retry_parse_go_duration ("6m0s"), ==, G_GINT64_CONSTANT (360) * G_USEC_PER_SEC);
  g_assert_cmpint (graphbit_retry_parse_go_duration ("1.5s"), ==, 1500000);
  g_assert_cmpint (graphbit_retry_parse_go_duration ("120ms"), ==, 120000);
  g_assert_cmpint (graphbit_retry_parse_go_duration ("3ms"), ==, 3000);
  g_assert_cmpint (graphbit_retry_parse_go_duration ("1h2m3s"), ==, G_GINT64_CONSTANT (3723) * G_USEC_PER_SEC);
  g_assert_cmpint (graphbit_retry_parse_go_duration ("soon"), ==, -1);
  g_assert_cmpint (graphbit_retry_parse_go_duration ("5"), ==, -1);
  g_assert_cmpint (graphbit_retry_parse_go_duration (""), ==, -1);
}

static gint64
delay_with (const char *name,
            const char *value,
            gint64      now)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

  soup_message_headers_replace (headers, name, value);
  return graphbit_retry_server_delay (headers, now);
}

static void
test_server_delays (void)
{
  /* 2026-11-24T21:00:00Z */
  gint64 now = G_GINT64_CONSTANT (1795554000) * G_USEC_PER_SEC;
  g_autoptr(SoupMessageHeaders) both = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

  g_assert_cmpint (delay_with ("Retry-After", "2", now), ==, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (delay_with ("Retry-After", "0.5", now), ==, 500000);
  g_assert_cmpint (delay_with ("retry-after-ms", "250", now), ==, 250000);
  g_assert_cmpint (delay_with ("Retry-After", "Tue, 24 Nov 2026 21:00:30 GMT", now), ==, 30 * G_USEC_PER_SEC);
  g_assert_cmpint (delay_with ("x-ratelimit-reset-requests", "6m0s", now), ==, G_GINT64_CONSTANT (360) * G_USEC_PER_SEC);
  g_assert_cmpint (delay_with ("anthropic-ratelimit-requests-reset", "2026-11-24T21:00:10Z", now), ==,
                   10 * G_USEC_PER_SEC);
  g_assert_cmpint (delay_with ("Retry-After", "whenever", now), ==, -1);
  g_assert_cmpint (graphbit_retry_server_delay (NULL, now), ==, -1);

  /* retry-after-ms is more precise than Retry-After and wins. */
  soup_message_headers_replace (both, "Retry-After", "3");
  soup_message_headers_replace (both, "retry-after-ms", "1200");
  g_assert_cmpint (graphbit_retry_server_delay (both, now), ==, 1200000);
}

static void
test_backoff (void)
{
  GraphbitRetryPolicy policy = { 5, 100000, 1000000 };

  /* No jitter taken off: the plain doubling, capped. */
  g_assert_cmpint (graphbit_retry_backoff (&policy, 0, 0.0), ==, 100000);
  g_assert_cmpint (graphbit_retry_backoff (&policy, 1, 0.0), ==, 200000);
  g_assert_cmpint (graphbit_retry_backoff (&policy, 3, 0.0), ==, 800000);
  g_assert_cmpint (graphbit_retry_backoff (&policy, 4, 0.0), ==, 1000000);
  g_assert_cmpint (graphbit_retry_backoff (&policy, 60, 0.0), ==, 1000000);
  /* At most a quarter taken off. */
  g_assert_cmpint (graphbit_retry_backoff (&policy, 0, 0.999999), >=, 75000);
  g_assert_cmpint (graphbit_retry_backoff (&policy, 2, 0.5), ==, 350000);
}

static void
test_breaker_cycle (void)
{
  GraphbitCircuitBreaker *breaker = graphbit_circuit_breaker_new (3, 10 * G_USEC_PER_SEC);
  gint64 t = 1000, retry_in = -1;
  guint failures;

  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (graphbit_circuit_breaker_allow (breaker, t, &retry_in));
      graphbit_circuit_breaker_failure (breaker, t);
    }
  /* A success resets the count. */
  graphbit_circuit_breaker_success (breaker);
  g_assert_cmpint (graphbit_circuit_breaker_get_state (breaker, t, &failures), ==, GRAPHBIT_BREAKER_CLOSED);
  g_assert_cmpuint (failures, ==, 0);

  for (guint i = 0; i < 3; i++)
    graphbit_circuit_breaker_failure (breaker, t);
  g_assert_cmpint (graphbit_circuit_breaker_get_state (breaker, t, NULL), ==, GRAPHBIT_BREAKER_OPEN);
  g_assert_false (graphbit_circuit_breaker_allow (breaker, t + G_USEC_PER_SEC, &retry_in));
  g_assert_cmpint (retry_in, ==, 9 * G_USEC_PER_SEC);

  /* After the recovery time one probe goes through, and only one. */
  t += 10 * G_USEC_PER_SEC;
  g_assert_cmpint (graphbit_circuit_breaker_get_state (breaker, t, NULL), ==, GRAPHBIT_BREAKER_HALF_OPEN);
  g_assert_true (graphbit_circuit_breaker_allow (breaker, t, &retry_in));
  g_assert_false (graphbit_circuit_breaker_allow (breaker, t, &retry_in));
  /* The probe fails: open again for another recovery time. */
  graphbit_circuit_breaker_failure (breaker, t);
  g_assert_cmpint (graphbit_circuit_breaker_get_state (breaker, t + 5 * G_USEC_PER_SEC, NULL), ==,
                   GRAPHBIT_BREAKER_OPEN);
  t += 10 * G_USEC_PER_SEC;
  g_assert_true (graphbit_circuit_breaker_allow (breaker, t, &retry_in));
  /* This probe succeeds: closed. */
  graphbit_circuit_breaker_success (breaker);
  g_assert_cmpint (graphbit_circuit_breaker_get_state (breaker, t, NULL), ==, GRAPHBIT_BREAKER_CLOSED);
  g_assert_true (graphbit_circuit_breaker_allow (breaker, t, &retry_in));
  g_assert_true (graphbit_circuit_breaker_allow (breaker, t, &retry_in));

  /* A threshold of 0 turns it off. */
  graphbit_circuit_breaker_configure (breaker, 0, G_USEC_PER_SEC);
  for (guint i = 0; i < 100; i++)
    graphbit_circuit_breaker_failure (breaker, t);
  g_assert_true (graphbit_circuit_breaker_allow (breaker, t, &retry_in));
  graphbit_circuit_breaker_free (breaker);
}

typedef struct
{
  GPtrArray *admitted;   /* data pointers, in admission order */
  GArray *delays;
} Admissions;

static void
on_admit (gpointer data,
          gint64   delay_us)
{
  Admissions *admissions = *(Admissions **) data;

  g_ptr_array_add (admissions->admitted, data);
  g_array_append_val (admissions->delays, delay_us);
}

static void
test_in_flight_limit_and_queue (void)
{
  GraphbitRateLimiter *limiter = graphbit_rate_limiter_new ();
  Admissions admissions = { g_ptr_array_new (), g_array_new (FALSE, FALSE, sizeof (gint64)) };
  Admissions *tags[6];
  gint64 delay = -1;
  guint in_flight, queued;
  guint64 rejected;

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    tags[i] = &admissions;
  graphbit_rate_limiter_configure (limiter, 0, 2, 2);

  g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 0, on_admit, &tags[0], &delay), ==,
                   GRAPHBIT_ADMISSION_ADMITTED);
  g_assert_cmpint (delay, ==, 0);
  g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 0, on_admit, &tags[1], &delay), ==,
                   GRAPHBIT_ADMISSION_ADMITTED);
  /* Full: the next two wait, the fifth finds the queue full. */
  g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 0, on_admit, &tags[2], &delay), ==,
                   GRAPHBIT_ADMISSION_QUEUED);
  g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 0, on_admit, &tags[3], &delay), ==,
                   GRAPHBIT_ADMISSION_QUEUED);
  g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 0, on_admit, &tags[4], &delay), ==,
                   GRAPHBIT_ADMISSION_REJECTED);
  graphbit_rate_limiter_snapshot (limiter, &in_flight, &queued, &rejected);
  g_assert_cmpuint (in_flight, ==, 2);
  g_assert_cmpuint (queued, ==, 2);
  g_assert_cmpuint (rejected, ==, 1);

  /* A queued call gives up; a finished one lets the other in, in order. */
  g_assert_true (graphbit_rate_limiter_withdraw (limiter, &tags[2]));
  g_assert_false (graphbit_rate_limiter_withdraw (limiter, &tags[2]));
  graphbit_rate_limiter_release (limiter, 0);
  g_assert_cmpuint (admissions.admitted->len, ==, 1);
  g_assert_true (g_ptr_array_index (admissions.admitted, 0) == &tags[3]);
  graphbit_rate_limiter_release (limiter, 0);
  graphbit_rate_limiter_release (limiter, 0);
  graphbit_rate_limiter_snapshot (limiter, &in_flight, &queued, &rejected);
  g_assert_cmpuint (in_flight, ==, 0);
  g_assert_cmpuint (queued, ==, 0);

  g_ptr_array_unref (admissions.admitted);
  g_array_unref (admissions.delays);
  graphbit_rate_limiter_free (limiter);
}

static void
test_requests_per_second (void)
{
  GraphbitRateLimiter *limiter = graphbit_rate_limiter_new ();
  gint64 delay = -1;
  gpointer tag = NULL;

  /* 10 per second: starts are spread 100 ms apart; at most 3 may wait. */
  graphbit_rate_limiter_configure (limiter, 10, 0, 3);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 0, on_admit, &tag, &delay), ==,
                       GRAPHBIT_ADMISSION_ADMITTED);
      g_assert_cmpint (delay, ==, i * 100000);
    }
  g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 0, on_admit, &tag, &delay), ==,
                   GRAPHBIT_ADMISSION_REJECTED);
  /* Later on, the schedule has moved on. */
  g_assert_cmpint (graphbit_rate_limiter_acquire (limiter, 400000, on_admit, &tag, &delay), ==,
                   GRAPHBIT_ADMISSION_ADMITTED);
  g_assert_cmpint (delay, ==, 0);
  for (guint i = 0; i < 5; i++)
    graphbit_rate_limiter_release (limiter, 400000);
  graphbit_rate_limiter_free (limiter);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/retry/what-is-retried", test_what_is_retried);
  g_test_add_func ("/retry/go-durations", test_go_durations);
  g_test_add_func ("/retry/server-delays", test_server_delays);
  g_test_add_func ("/retry/backoff", test_backoff);
  g_test_add_func ("/breaker/cycle", test_breaker_cycle);
  g_test_add_func ("/limiter/in-flight-and-queue", test_in_flight_limit_and_queue);
  g_test_add_func ("/limiter/requests-per-second", test_requests_per_second);
  return g_test_run ();
}
