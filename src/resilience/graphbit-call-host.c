/* graphbit-call-host.c - what a client lends its calls: identity, resilience settings and state, statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The settings are grouped the way they are used, and every setter checks
 * its values and fails with GRAPHBIT_ERROR_VALIDATION naming the field:
 * nothing is half-applied. Times are in seconds (fractions allowed), as
 * in the Python API. Calls already running keep the settings they started
 * with. Every client's host is listed for health_check()'s summary of
 * circuit breakers.
 */

#include "config.h"

#include <math.h>

#include "graphbit-call-host-private.h"
#include "graphbit-error-private.h"
#include "runtime/graphbit-runtime-private.h"

/* Every live host, for health_check()'s circuit-breaker summary. */
static GMutex live_hosts_mutex;
static GList *live_hosts;

static void
report_circuit_breakers (GVariantBuilder *builder)
{
  GVariantBuilder breakers;
  guint n_clients = 0, n_open = 0;
  gint64 now = g_get_monotonic_time ();

  g_variant_builder_init (&breakers, G_VARIANT_TYPE ("aa{sv}"));
  g_mutex_lock (&live_hosts_mutex);
  for (GList *l = live_hosts; l != NULL; l = l->next)
    {
      GraphbitCallHost *host = l->data;
      guint failures;
      GraphbitBreakerState state = graphbit_circuit_breaker_get_state (host->breaker, now, &failures);

      n_clients++;
      n_open += state == GRAPHBIT_BREAKER_OPEN;
      g_variant_builder_open (&breakers, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&breakers, "{sv}", "kind", g_variant_new_string (host->kind));
      g_variant_builder_add (&breakers, "{sv}", "provider", g_variant_new_string (host->provider));
      g_variant_builder_add (&breakers, "{sv}", "model", g_variant_new_string (host->model != NULL ? host->model : ""));
      g_variant_builder_add (&breakers, "{sv}", "state",
                             g_variant_new_string (graphbit_breaker_state_to_string (state)));
      g_variant_builder_add (&breakers, "{sv}", "consecutive_failures", g_variant_new_uint32 (failures));
      g_variant_builder_close (&breakers);
    }
  g_mutex_unlock (&live_hosts_mutex);

  if (n_clients == 0)
    {
      g_variant_builder_clear (&breakers);
      return;
    }
  g_variant_builder_add (builder, "{sv}", "clients", g_variant_new_uint32 (n_clients));
  g_variant_builder_add (builder, "{sv}", "circuit_breakers_open", g_variant_new_uint32 (n_open));
  g_variant_builder_add (builder, "{sv}", "circuit_breakers", g_variant_builder_end (&breakers));
}

void
graphbit_call_host_init (GraphbitCallHost *host,
                         GObject          *owner)
{
  host->owner = owner;
  g_mutex_init (&host->mutex);
  host->policy.max_retries = GRAPHBIT_RETRY_DEFAULT_MAX_RETRIES;
  host->policy.base_delay_us = GRAPHBIT_RETRY_DEFAULT_BASE_DELAY_US;
  host->policy.max_delay_us = GRAPHBIT_RETRY_DEFAULT_MAX_DELAY_US;
  host->breaker_threshold = GRAPHBIT_BREAKER_DEFAULT_THRESHOLD;
  host->breaker_recovery_us = GRAPHBIT_BREAKER_DEFAULT_RECOVERY_US;
  host->max_queued = GRAPHBIT_RATE_LIMITER_DEFAULT_MAX_QUEUED;
  host->breaker = graphbit_circuit_breaker_new (host->breaker_threshold, host->breaker_recovery_us);
  host->limiter = graphbit_rate_limiter_new ();
  host->stats = graphbit_call_stats_new ();
}

void
graphbit_call_host_set_identity (GraphbitCallHost *host,
                                 const char       *kind,
                                 const char       *provider,
                                 const char       *provider_label,
                                 const char       *model,
                                 guint             default_timeout_ms)
{
  host->kind = kind;
  host->provider = provider;
  host->provider_label = provider_label;
  host->model = model;
  host->default_timeout_ms = default_timeout_ms;

  graphbit_runtime_set_health_reporter (report_circuit_breakers);
  g_mutex_lock (&live_hosts_mutex);
  live_hosts = g_list_prepend (live_hosts, host);
  g_mutex_unlock (&live_hosts_mutex);
}

void
graphbit_call_host_clear (GraphbitCallHost *host)
{
  /* Out of the list before anything the health report reads goes away. */
  g_mutex_lock (&live_hosts_mutex);
  live_hosts = g_list_remove (live_hosts, host);
  g_mutex_unlock (&live_hosts_mutex);

  graphbit_circuit_breaker_free (host->breaker);
  graphbit_rate_limiter_free (host->limiter);
  graphbit_call_stats_free (host->stats);
  g_mutex_clear (&host->mutex);
}

/* Checks @value is a number of seconds within [@min, @max] (or exactly 0
 * when @zero_allowed). */
static gboolean
check_seconds (const char  *operation,
               const char  *field,
               gdouble      value,
               gdouble      min,
               gdouble      max,
               gboolean     zero_allowed,
               GError     **error)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isnan (value) && ((zero_allowed && value == 0.0) || (value >= min && value <= max)))
    return TRUE;
  g_ascii_dtostr (text, sizeof text, value);
  graphbit_propagate_error (error,
    graphbit_error_new_validation (operation, field, text,
                                   zero_allowed ? "%s must be 0 or between %g and %g seconds, got %s"
                                                : "%s must be between %g and %g seconds, got %s",
                                   field, min, max, text));
  return FALSE;
}

gboolean
graphbit_call_host_set_retry_policy (GraphbitCallHost  *host,
                                     gint               max_retries,
                                     gdouble            base_delay,
                                     gdouble            max_delay,
                                     GError           **error)
{
  if (!graphbit_check_count ("set_retry_policy", "max_retries", max_retries, 20, error)
      || !check_seconds ("set_retry_policy", "retry_base_delay", base_delay, 0.001, 60, FALSE, error)
      || !check_seconds ("set_retry_policy", "retry_max_delay", max_delay, MAX (base_delay, 0.001), 600, FALSE,
                         error))
    return FALSE;

  g_mutex_lock (&host->mutex);
  host->policy.max_retries = (guint) max_retries;
  host->policy.base_delay_us = (gint64) (base_delay * G_USEC_PER_SEC);
  host->policy.max_delay_us = (gint64) (max_delay * G_USEC_PER_SEC);
  g_mutex_unlock (&host->mutex);
  return TRUE;
}

void
graphbit_call_host_get_retry_policy (GraphbitCallHost *host,
                                     gint             *max_retries,
                                     gdouble          *base_delay,
                                     gdouble          *max_delay)
{
  g_mutex_lock (&host->mutex);
  if (max_retries != NULL)
    *max_retries = (gint) host->policy.max_retries;
  if (base_delay != NULL)
    *base_delay = host->policy.base_delay_us / (gdouble) G_USEC_PER_SEC;
  if (max_delay != NULL)
    *max_delay = host->policy.max_delay_us / (gdouble) G_USEC_PER_SEC;
  g_mutex_unlock (&host->mutex);
}

guint
graphbit_call_host_get_attempt_timeout_ms (GraphbitCallHost *host)
{
  return (guint) g_atomic_int_get (&host->attempt_timeout_ms);
}

gboolean
graphbit_call_host_set_attempt_timeout_ms (GraphbitCallHost *host,
                                           guint             timeout_ms)
{
  return (guint) g_atomic_int_exchange (&host->attempt_timeout_ms, (gint) timeout_ms) != timeout_ms;
}

gboolean
graphbit_call_host_set_timeouts (GraphbitCallHost  *host,
                                 gdouble            attempt_timeout,
                                 gdouble            deadline,
                                 GError           **error)
{
  if (!check_seconds ("set_timeouts", "request_timeout", attempt_timeout, 0.001, 86400, TRUE, error)
      || !check_seconds ("set_timeouts", "deadline", deadline, 0.001, 7 * 86400, TRUE, error))
    return FALSE;

  g_mutex_lock (&host->mutex);
  host->deadline_us = (gint64) (deadline * G_USEC_PER_SEC);
  g_mutex_unlock (&host->mutex);
  graphbit_call_host_set_attempt_timeout_ms (host, (guint) ceil (attempt_timeout * 1000));
  return TRUE;
}

void
graphbit_call_host_get_timeouts (GraphbitCallHost *host,
                                 gdouble          *attempt_timeout,
                                 gdouble          *deadline)
{
  guint timeout_ms = graphbit_call_host_get_attempt_timeout_ms (host);

  if (timeout_ms == 0)
    timeout_ms = host->default_timeout_ms;
  if (attempt_timeout != NULL)
    *attempt_timeout = timeout_ms / 1000.0;
  g_mutex_lock (&host->mutex);
  if (deadline != NULL)
    *deadline = host->deadline_us / (gdouble) G_USEC_PER_SEC;
  g_mutex_unlock (&host->mutex);
}

gboolean
graphbit_call_host_set_circuit_breaker (GraphbitCallHost  *host,
                                        gint               failure_threshold,
                                        gdouble            recovery_time,
                                        GError           **error)
{
  if (!graphbit_check_count ("set_circuit_breaker", "circuit_breaker_threshold", failure_threshold, 1000, error)
      || !check_seconds ("set_circuit_breaker", "circuit_breaker_recovery", recovery_time, 0.001, 86400, FALSE,
                         error))
    return FALSE;

  g_mutex_lock (&host->mutex);
  host->breaker_threshold = (guint) failure_threshold;
  host->breaker_recovery_us = (gint64) (recovery_time * G_USEC_PER_SEC);
  graphbit_circuit_breaker_configure (host->breaker, host->breaker_threshold, host->breaker_recovery_us);
  g_mutex_unlock (&host->mutex);
  return TRUE;
}

void
graphbit_call_host_get_circuit_breaker (GraphbitCallHost *host,
                                        gint             *failure_threshold,
                                        gdouble          *recovery_time)
{
  g_mutex_lock (&host->mutex);
  if (failure_threshold != NULL)
    *failure_threshold = (gint) host->breaker_threshold;
  if (recovery_time != NULL)
    *recovery_time = host->breaker_recovery_us / (gdouble) G_USEC_PER_SEC;
  g_mutex_unlock (&host->mutex);
}

gboolean
graphbit_call_host_set_rate_limit (GraphbitCallHost  *host,
                                   gdouble            requests_per_second,
                                   gint               max_in_flight,
                                   gint               max_queued,
                                   GError           **error)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (requests_per_second) || requests_per_second < 0 || requests_per_second > 100000)
    {
      g_ascii_dtostr (text, sizeof text, requests_per_second);
      graphbit_propagate_error (error,
        graphbit_error_new_validation ("set_rate_limit", "requests_per_second", text,
                                       "requests_per_second must be 0 (no limit) or up to 100000, got %s", text));
      return FALSE;
    }
  if (!graphbit_check_count ("set_rate_limit", "max_in_flight", max_in_flight, 100000, error)
      || !graphbit_check_count ("set_rate_limit", "max_queued", max_queued, 1000000, error))
    return FALSE;

  g_mutex_lock (&host->mutex);
  host->requests_per_second = requests_per_second;
  host->max_in_flight = (guint) max_in_flight;
  host->max_queued = (guint) max_queued;
  graphbit_rate_limiter_configure (host->limiter, requests_per_second, (guint) max_in_flight, (guint) max_queued);
  g_mutex_unlock (&host->mutex);
  return TRUE;
}

void
graphbit_call_host_get_rate_limit (GraphbitCallHost *host,
                                   gdouble          *requests_per_second,
                                   gint             *max_in_flight,
                                   gint             *max_queued)
{
  g_mutex_lock (&host->mutex);
  if (requests_per_second != NULL)
    *requests_per_second = host->requests_per_second;
  if (max_in_flight != NULL)
    *max_in_flight = (gint) host->max_in_flight;
  if (max_queued != NULL)
    *max_queued = (gint) host->max_queued;
  g_mutex_unlock (&host->mutex);
}

void
graphbit_call_host_snapshot (GraphbitCallHost    *host,
                             GraphbitRetryPolicy *policy,
                             guint               *attempt_timeout_ms,
                             gint64              *deadline_us)
{
  g_mutex_lock (&host->mutex);
  *policy = host->policy;
  *deadline_us = host->deadline_us;
  g_mutex_unlock (&host->mutex);
  *attempt_timeout_ms = graphbit_call_host_get_attempt_timeout_ms (host);
  if (*attempt_timeout_ms == 0)
    *attempt_timeout_ms = host->default_timeout_ms;
}

GVariant *
graphbit_call_host_get_stats (GraphbitCallHost *host)
{
  GVariantBuilder builder;
  GraphbitBreakerState state;
  guint failures, in_flight, queued;
  guint64 rejected;
  gint max_retries;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  graphbit_call_stats_snapshot (host->stats, &builder);

  state = graphbit_circuit_breaker_get_state (host->breaker, g_get_monotonic_time (), &failures);
  graphbit_rate_limiter_snapshot (host->limiter, &in_flight, &queued, &rejected);
  graphbit_call_host_get_retry_policy (host, &max_retries, NULL, NULL);
  g_variant_builder_add (&builder, "{sv}", "circuit_breaker_state",
                         g_variant_new_string (graphbit_breaker_state_to_string (state)));
  g_variant_builder_add (&builder, "{sv}", "circuit_breaker_failures", g_variant_new_uint32 (failures));
  g_variant_builder_add (&builder, "{sv}", "max_retries", g_variant_new_int32 (max_retries));
  g_variant_builder_add (&builder, "{sv}", "in_flight", g_variant_new_uint32 (in_flight));
  g_variant_builder_add (&builder, "{sv}", "queued", g_variant_new_uint32 (queued));
  g_variant_builder_add (&builder, "{sv}", "rejected_requests", g_variant_new_uint64 (rejected));

  if (host->model != NULL)
    {
      g_variant_builder_add (&builder, "{sv}", "provider", g_variant_new_string (host->provider));
      g_variant_builder_add (&builder, "{sv}", "model", g_variant_new_string (host->model));
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
