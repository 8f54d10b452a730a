/* test-llm-resilience.c - retries, breaker, deadline, limits end to end, for the sanitizers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Python tests cover the behaviour in depth; these run the same paths
 * from C so AddressSanitizer and valgrind see every wait, retry and
 * cancellation.
 */

#include "config.h"

#include "graphbit.h"
#include <libsoup/soup.h>

#include "mock-server.h"

static MockServer *mock;
static guint serial;

static GraphbitLlmClient *
new_client (void)
{
  g_autofree char *base = g_strconcat (mock->url, "/v1", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = graphbit_llm_config_openai ("sk-test", NULL, base, &error);
  GraphbitLlmClient *client;

  g_assert_no_error (error);
  client = graphbit_llm_client_new (config);
  g_assert_true (graphbit_llm_client_set_retry_policy (client, 3, 0.005, 0.02, &error));
  return client;
}

/* A prompt of its own, so the mock counts its attempts apart. */
static GraphbitLlmRequest *
unique_request (const char *directives,
                char      **prompt)
{
  *prompt = g_strdup_printf ("c%u-%" G_GINT64_FORMAT " %s", ++serial, g_get_monotonic_time (), directives);
  return graphbit_llm_request_new (*prompt);
}

static void
test_retries_then_success (void)
{
  const char *faults[] = { "mock:fault=status mock:status=500", "mock:fault=close", "mock:fault=reset",
                           "mock:fault=status mock:status=429 mock:retry_after_ms=10" };
  g_autoptr(GraphbitLlmClient) client = new_client ();

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *directives = g_strdup_printf ("mock:fail_first=2 %s", faults[i]);
      g_autofree char *prompt = NULL;
      g_autoptr(GraphbitLlmRequest) request = unique_request (directives, &prompt);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = graphbit_llm_client_complete (client, request, NULL, &error);

      g_assert_no_error (error);
      g_assert_true (g_str_has_suffix (text, prompt));
      g_assert_cmpint (mock_server_attempts (mock, prompt), ==, 3);
    }
}

static void
test_exhausted_retries_keep_details (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autofree char *prompt = NULL;
  g_autoptr(GraphbitLlmRequest) request = unique_request ("mock:fault=status mock:status=503", &prompt);
  g_autoptr(GError) error = NULL;
  const GraphbitErrorDetails *details;

  g_assert_true (graphbit_llm_client_set_circuit_breaker (client, 0, 1, NULL));
  g_assert_null (graphbit_llm_client_complete (client, request, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  details = graphbit_error_get_details (error);
  g_assert_cmpuint (graphbit_error_details_get_retry_count (details), ==, 3);
  g_assert_cmpuint (graphbit_error_details_get_status_code (details), ==, 503);
  g_assert_cmpstr (graphbit_error_details_get_operation (details), ==, "complete");
  g_assert_cmpint (mock_server_attempts (mock, prompt), ==, 4);
}

static void
test_hang_timeout_and_deadline (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autofree char *prompt = NULL;
  g_autoptr(GraphbitLlmRequest) request = unique_request ("mock:fail_first=1 mock:fault=hang", &prompt);
  g_autoptr(GraphbitLlmRequest) forever = NULL;
  g_autofree char *forever_prompt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 started;

  g_assert_true (graphbit_llm_client_set_timeouts (client, 0.2, 0, NULL));
  text = graphbit_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mock_server_attempts (mock, prompt), ==, 2);

  forever = unique_request ("mock:fault=hang", &forever_prompt);
  g_assert_true (graphbit_llm_client_set_timeouts (client, 0.1, 0.35, NULL));
  started = g_get_monotonic_time ();
  g_assert_null (graphbit_llm_client_complete (client, forever, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_TIMEOUT);
  /* Never before the deadline (a truncated millisecond once ended the
   * last attempt up to 1 ms early), and not 0.1 s per retry after it. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 350000);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);
}

static void
test_breaker_refuses_then_recovers (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmRequest) refused = graphbit_llm_request_new ("refused");
  g_autoptr(GraphbitLlmRequest) probe = graphbit_llm_request_new ("probe");
  g_autofree char *text = NULL;
  gint64 deadline;

  g_assert_true (graphbit_llm_client_set_retry_policy (client, 0, 0.01, 0.01, NULL));
  g_assert_true (graphbit_llm_client_set_circuit_breaker (client, 2, 0.2, NULL));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *prompt = NULL;
      g_autoptr(GraphbitLlmRequest) request = unique_request ("mock:fault=status mock:status=500", &prompt);

      g_assert_null (graphbit_llm_client_complete (client, request, NULL, &error));
      g_clear_error (&error);
    }
  g_assert_null (graphbit_llm_client_complete (client, refused, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_CIRCUIT_OPEN);
  g_clear_error (&error);

  /* Bounded wait for the recovery time to pass, then the probe closes it. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  do
    {
      g_usleep (20000);
      g_clear_pointer (&text, g_free);
      g_clear_error (&error);
      text = graphbit_llm_client_complete (client, probe, NULL, &error);
    }
  while (text == NULL && g_get_monotonic_time () < deadline);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: probe");
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GError **out = data;
  g_autofree char *text = graphbit_llm_client_complete_finish (GRAPHBIT_LLM_CLIENT (source), result, out);

  if (*out == NULL)
    *out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "succeeded");
}

static void
test_cancel_during_backoff_and_queue (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autofree char *prompt = NULL;
  g_autoptr(GraphbitLlmRequest) failing = unique_request ("mock:fault=status mock:status=500", &prompt);
  g_autoptr(GraphbitLlmRequest) slow = graphbit_llm_request_new ("slow mock:delay_ms=300");
  g_autoptr(GraphbitLlmRequest) queued = graphbit_llm_request_new ("queued");
  g_autoptr(GCancellable) cancel_backoff = g_cancellable_new ();
  g_autoptr(GCancellable) cancel_queued = g_cancellable_new ();
  GError *backoff_error = NULL, *slow_error = NULL, *queued_error = NULL;

  /* A long backoff, cancelled while waiting. */
  g_assert_true (graphbit_llm_client_set_retry_policy (client, 3, 30, 30, NULL));
  graphbit_llm_client_complete_async (client, failing, cancel_backoff, on_done, &backoff_error);
  while (mock_server_attempts (mock, prompt) < 1)
    g_main_context_iteration (NULL, FALSE);
  g_cancellable_cancel (cancel_backoff);
  while (backoff_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (backoff_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&backoff_error);

  /* One call in flight at most: the second waits, and is cancelled there. */
  g_assert_true (graphbit_llm_client_set_rate_limit (client, 0, 1, 10, NULL));
  graphbit_llm_client_complete_async (client, slow, NULL, on_done, &slow_error);
  graphbit_llm_client_complete_async (client, queued, cancel_queued, on_done, &queued_error);
  g_cancellable_cancel (cancel_queued);
  while (queued_error == NULL || slow_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (queued_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (slow_error, G_IO_ERROR, G_IO_ERROR_EXISTS);   /* it succeeded */
  g_clear_error (&queued_error);
  g_clear_error (&slow_error);
}

static void
test_queue_bound (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("wait mock:delay_ms=200");
  GError *errors[4] = { NULL };
  guint refused = 0, done = 0;

  g_assert_true (graphbit_llm_client_set_rate_limit (client, 0, 1, 1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    graphbit_llm_client_complete_async (client, request, NULL, on_done, &errors[i]);
  while (done < G_N_ELEMENTS (errors))
    {
      g_main_context_iteration (NULL, TRUE);
      done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
        done += errors[i] != NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      refused += g_error_matches (errors[i], GRAPHBIT_ERROR, GRAPHBIT_ERROR_RESOURCE_EXHAUSTED);
      g_clear_error (&errors[i]);
    }
  g_assert_cmpuint (refused, ==, 2);
}

static void
test_settings_validated (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  gint retries;
  gdouble base, max;

  g_assert_false (graphbit_llm_client_set_retry_policy (client, 5, 2.0, 1.0, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  /* Nothing half-applied. */
  graphbit_llm_client_get_retry_policy (client, &retries, &base, &max);
  g_assert_cmpint (retries, ==, 3);
  g_assert_cmpfloat (base, ==, 0.005);
  g_clear_error (&error);
  g_assert_false (graphbit_llm_client_set_rate_limit (client, -1, 0, 0, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/resilience/retries-then-success", test_retries_then_success);
  g_test_add_func ("/resilience/exhausted-retries", test_exhausted_retries_keep_details);
  g_test_add_func ("/resilience/hang-timeout-deadline", test_hang_timeout_and_deadline);
  g_test_add_func ("/resilience/breaker", test_breaker_refuses_then_recovers);
  g_test_add_func ("/resilience/cancel-backoff-and-queue", test_cancel_during_backoff_and_queue);
  g_test_add_func ("/resilience/queue-bound", test_queue_bound);
  g_test_add_func ("/resilience/settings-validated", test_settings_validated);

  mock = mock_server_start ();
  ret = g_test_run ();
  graphbit_shutdown ();
  mock_server_stop (mock);
  return ret;
}
