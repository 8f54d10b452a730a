/* test-error.c - the error domain and its structured details
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit.h"
#include "graphbit-error-private.h"

static void
test_codes_are_registered (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (GRAPHBIT_TYPE_ERROR);
  const char *expected[] = {
    "configuration", "validation", "network", "authentication", "rate-limit", "timeout",
    "resource-exhausted", "provider", "circuit-open", "workflow", "runtime",
  };

  /* Every code of API.md §2, in order, appended only. */
  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GEnumValue *value = g_enum_get_value (klass, i);
      g_assert_nonnull (value);
      g_assert_cmpstr (value->value_nick, ==, expected[i]);
    }
  g_assert_cmpstr (g_quark_to_string (GRAPHBIT_ERROR), ==, "GraphbitError");
}

static void
test_details_travel_with_the_error (void)
{
  g_autoptr(GError) error = graphbit_error_new (GRAPHBIT_ERROR_RATE_LIMIT, "slow down %d", 42);
  g_autoptr(GError) copy = NULL;
  const GraphbitErrorDetails *details;

  graphbit_error_set_operation (error, "complete");
  graphbit_error_set_provider (error, "openai");
  graphbit_error_set_http (error, 429, "{\"error\":{}}");
  graphbit_error_set_retry (error, 3, 2.5);
  graphbit_error_set_duration_ms (error, 1234);
  graphbit_error_set_field (error, "max_tokens", "0");
  graphbit_error_set_resource_type (error, "queue");

  copy = g_error_copy (error);
  g_clear_error (&error);

  details = graphbit_error_get_details (copy);
  g_assert_nonnull (details);
  g_assert_cmpint (graphbit_error_details_get_code (details), ==, GRAPHBIT_ERROR_RATE_LIMIT);
  g_assert_cmpstr (graphbit_error_details_get_message (details), ==, "slow down 42");
  g_assert_cmpstr (graphbit_error_details_get_operation (details), ==, "complete");
  g_assert_cmpstr (graphbit_error_details_get_provider (details), ==, "openai");
  g_assert_cmpuint (graphbit_error_details_get_status_code (details), ==, 429);
  g_assert_cmpstr (graphbit_error_details_get_body (details), ==, "{\"error\":{}}");
  g_assert_cmpuint (graphbit_error_details_get_retry_count (details), ==, 3);
  g_assert_cmpfloat (graphbit_error_details_get_retry_after (details), ==, 2.5);
  g_assert_cmpuint (graphbit_error_details_get_duration_ms (details), ==, 1234);
  g_assert_cmpstr (graphbit_error_details_get_field (details), ==, "max_tokens");
  g_assert_cmpstr (graphbit_error_details_get_value (details), ==, "0");
  g_assert_cmpstr (graphbit_error_details_get_resource_type (details), ==, "queue");
}

static void
test_unset_details_are_empty (void)
{
  g_autoptr(GError) error = graphbit_error_new (GRAPHBIT_ERROR_NETWORK, "refused");
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
  const GraphbitErrorDetails *details = graphbit_error_get_details (error);

  g_assert_null (graphbit_error_details_get_field (details));
  g_assert_cmpuint (graphbit_error_details_get_status_code (details), ==, 0);
  g_assert_cmpfloat (graphbit_error_details_get_retry_after (details), <, 0);
  g_assert_null (graphbit_error_get_details (other));
}

static void
test_last_details_per_thread (void)
{
  GError *error = NULL;
  g_autoptr(GraphbitErrorDetails) details = NULL;

  graphbit_propagate_error (&error, graphbit_error_new_validation ("complete", "temperature", "3",
                                                                   "temperature out of range"));
  details = graphbit_error_dup_last_details ();
  g_assert_nonnull (details);
  g_assert_cmpint (graphbit_error_details_get_code (details), ==, GRAPHBIT_ERROR_VALIDATION);
  g_assert_cmpstr (graphbit_error_details_get_message (details), ==, error->message);
  g_assert_cmpstr (graphbit_error_details_get_field (details), ==, "temperature");
  g_clear_error (&error);

  /* A non-graphbit error clears it, so stale details never match. */
  graphbit_propagate_error (&error, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
  g_assert_null (graphbit_error_dup_last_details ());
  g_clear_error (&error);
}

static gpointer
other_thread (gpointer data)
{
  return graphbit_error_dup_last_details ();
}

static void
test_last_details_not_shared_between_threads (void)
{
  GError *error = NULL;
  GThread *thread;

  graphbit_propagate_error (&error, graphbit_error_new (GRAPHBIT_ERROR_PROVIDER, "boom"));
  thread = g_thread_new ("other", other_thread, NULL);
  g_assert_null (g_thread_join (thread));
  g_clear_error (&error);
}

static void
test_propagate_to_null_does_not_crash (void)
{
  graphbit_propagate_error (NULL, graphbit_error_new (GRAPHBIT_ERROR_RUNTIME, "ignored"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error/codes-registered", test_codes_are_registered);
  g_test_add_func ("/error/details-travel", test_details_travel_with_the_error);
  g_test_add_func ("/error/unset-details", test_unset_details_are_empty);
  g_test_add_func ("/error/last-details", test_last_details_per_thread);
  g_test_add_func ("/error/last-details-per-thread", test_last_details_not_shared_between_threads);
  g_test_add_func ("/error/propagate-to-null", test_propagate_to_null_does_not_crash);
  return g_test_run ();
}
