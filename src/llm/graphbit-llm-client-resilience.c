/* graphbit-llm-client-resilience.c - retries, timeouts, circuit breaker and rate limits of a client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The settings are grouped the way they are used, and every setter checks
 * its values and fails with GRAPHBIT_ERROR_VALIDATION naming the field:
 * nothing is half-applied. Times are in seconds (fractions allowed), as
 * in the Python API. Calls already running keep the settings they started
 * with.
 */

#include "config.h"

#include <math.h>

#include "graphbit-llm-client-private.h"
#include "graphbit-llm-resilience-private.h"
#include "graphbit-error-private.h"

void
graphbit_llm_resilience_init (GraphbitLlmResilience *resilience)
{
  g_mutex_init (&resilience->mutex);
  resilience->policy.max_retries = GRAPHBIT_RETRY_DEFAULT_MAX_RETRIES;
  resilience->policy.base_delay_us = GRAPHBIT_RETRY_DEFAULT_BASE_DELAY_US;
  resilience->policy.max_delay_us = GRAPHBIT_RETRY_DEFAULT_MAX_DELAY_US;
  resilience->breaker_threshold = GRAPHBIT_BREAKER_DEFAULT_THRESHOLD;
  resilience->breaker_recovery_us = GRAPHBIT_BREAKER_DEFAULT_RECOVERY_US;
  resilience->max_queued = GRAPHBIT_RATE_LIMITER_DEFAULT_MAX_QUEUED;
  resilience->breaker = graphbit_circuit_breaker_new (resilience->breaker_threshold,
                                                     resilience->breaker_recovery_us);
  resilience->limiter = graphbit_rate_limiter_new ();
}

void
graphbit_llm_resilience_clear (GraphbitLlmResilience *resilience)
{
  graphbit_circuit_breaker_free (resilience->breaker);
  graphbit_rate_limiter_free (resilience->limiter);
  g_mutex_clear (&resilience->mutex);
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

static gboolean
check_count (const char  *operation,
             const char  *field,
             gint         value,
             gint         max,
             GError     **error)
{
  g_autofree char *text = NULL;

  if (value >= 0 && value <= max)
    return TRUE;
  text = g_strdup_printf ("%d", value);
  graphbit_propagate_error (error,
    graphbit_error_new_validation (operation, field, text, "%s must be between 0 and %d, got %d",
                                   field, max, value));
  return FALSE;
}

/**
 * graphbit_llm_client_set_retry_policy:
 * @self: a #GraphbitLlmClient
 * @max_retries: retries after a failed first attempt, 0 to 20 (default 3)
 * @base_delay: the first backoff in seconds, 0.001 to 60 (default 0.1)
 * @max_delay: the longest backoff in seconds, @base_delay to 600
 *   (default 5)
 * @error: return location for a #GError
 *
 * Sets how failed attempts are retried: after
 * `min(base_delay × 2^n, max_delay)` seconds, less up to 25 % at random,
 * or after the delay the provider asked for (`Retry-After`,
 * `retry-after-ms`, OpenAI's `x-ratelimit-reset-*`, Anthropic's
 * `anthropic-ratelimit-*-reset`). Timeouts, 408, 409, 429, 5xx and 529
 * are retried, and network failures before any response byte; client
 * errors (400, 401, 403, 404), `insufficient_quota` and spend limits never
 * are. A provider's `x-should-retry` header overrides this.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_llm_client_set_retry_policy (GraphbitLlmClient  *self,
                                      gint                max_retries,
                                      gdouble             base_delay,
                                      gdouble             max_delay,
                                      GError            **error)
{
  GraphbitLlmResilience *resilience;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);

  if (!check_count ("set_retry_policy", "max_retries", max_retries, 20, error)
      || !check_seconds ("set_retry_policy", "retry_base_delay", base_delay, 0.001, 60, FALSE, error)
      || !check_seconds ("set_retry_policy", "retry_max_delay", max_delay, MAX (base_delay, 0.001), 600, FALSE,
                         error))
    return FALSE;

  resilience = graphbit_llm_client_get_resilience_state (self);
  g_mutex_lock (&resilience->mutex);
  resilience->policy.max_retries = (guint) max_retries;
  resilience->policy.base_delay_us = (gint64) (base_delay * G_USEC_PER_SEC);
  resilience->policy.max_delay_us = (gint64) (max_delay * G_USEC_PER_SEC);
  g_mutex_unlock (&resilience->mutex);
  return TRUE;
}

/**
 * graphbit_llm_client_get_retry_policy:
 * @self: a #GraphbitLlmClient
 * @max_retries: (out) (optional): retries after a failed first attempt
 * @base_delay: (out) (optional): the first backoff in seconds
 * @max_delay: (out) (optional): the longest backoff in seconds
 *
 * Gets the retry policy; see [method@Graphbit.LlmClient.set_retry_policy].
 */
void
graphbit_llm_client_get_retry_policy (GraphbitLlmClient *self,
                                      gint              *max_retries,
                                      gdouble           *base_delay,
                                      gdouble           *max_delay)
{
  GraphbitLlmResilience *resilience;

  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));

  resilience = graphbit_llm_client_get_resilience_state (self);
  g_mutex_lock (&resilience->mutex);
  if (max_retries != NULL)
    *max_retries = (gint) resilience->policy.max_retries;
  if (base_delay != NULL)
    *base_delay = resilience->policy.base_delay_us / (gdouble) G_USEC_PER_SEC;
  if (max_delay != NULL)
    *max_delay = resilience->policy.max_delay_us / (gdouble) G_USEC_PER_SEC;
  g_mutex_unlock (&resilience->mutex);
}

/**
 * graphbit_llm_client_set_timeouts:
 * @self: a #GraphbitLlmClient
 * @attempt_timeout: how long one HTTP attempt may take in seconds, or 0
 *   for the provider's default (60 s; 180 s for Ollama); for streams it is
 *   the longest silence, so a stream whose tokens keep flowing is never cut
 * @deadline: how long a whole call may take, retries and waits included,
 *   in seconds, or 0 for no deadline
 * @error: return location for a #GError
 *
 * Sets the client's timeouts, both enforced by graphbit itself.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_llm_client_set_timeouts (GraphbitLlmClient  *self,
                                  gdouble             attempt_timeout,
                                  gdouble             deadline,
                                  GError            **error)
{
  GraphbitLlmResilience *resilience;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);

  if (!check_seconds ("set_timeouts", "request_timeout", attempt_timeout, 0.001, 86400, TRUE, error)
      || !check_seconds ("set_timeouts", "deadline", deadline, 0.001, 7 * 86400, TRUE, error))
    return FALSE;

  resilience = graphbit_llm_client_get_resilience_state (self);
  g_mutex_lock (&resilience->mutex);
  resilience->deadline_us = (gint64) (deadline * G_USEC_PER_SEC);
  g_mutex_unlock (&resilience->mutex);
  graphbit_llm_client_set_attempt_timeout_ms (self, (guint) ceil (attempt_timeout * 1000));
  return TRUE;
}

/**
 * graphbit_llm_client_get_timeouts:
 * @self: a #GraphbitLlmClient
 * @attempt_timeout: (out) (optional): seconds per attempt (the provider's
 *   default is reported when none was set)
 * @deadline: (out) (optional): seconds per call, 0 for none
 *
 * Gets the timeouts; see [method@Graphbit.LlmClient.set_timeouts].
 */
void
graphbit_llm_client_get_timeouts (GraphbitLlmClient *self,
                                  gdouble           *attempt_timeout,
                                  gdouble           *deadline)
{
  GraphbitLlmResilience *resilience;
  guint timeout_ms;

  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));

  resilience = graphbit_llm_client_get_resilience_state (self);
  timeout_ms = graphbit_llm_client_get_attempt_timeout_ms (self);
  if (timeout_ms == 0)
    timeout_ms = graphbit_llm_client_get_codec (self)->default_timeout_ms;
  if (attempt_timeout != NULL)
    *attempt_timeout = timeout_ms / 1000.0;
  g_mutex_lock (&resilience->mutex);
  if (deadline != NULL)
    *deadline = resilience->deadline_us / (gdouble) G_USEC_PER_SEC;
  g_mutex_unlock (&resilience->mutex);
}

/**
 * graphbit_llm_client_set_circuit_breaker:
 * @self: a #GraphbitLlmClient
 * @failure_threshold: consecutive failed attempts that open the breaker,
 *   1 to 1000, or 0 to turn it off (default 5)
 * @recovery_time: seconds the breaker stays open before one probe call is
 *   let through, 0.001 to 86400 (default 60)
 * @error: return location for a #GError
 *
 * Sets the client's circuit breaker. Failures that count are network
 * errors, timeouts, 408, 429, 5xx and 529; client errors do not. While it
 * is open, calls fail at once with %GRAPHBIT_ERROR_CIRCUIT_OPEN (the
 * details' retry-after says when it half-opens); a successful probe closes
 * it, a failed one opens it again.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_llm_client_set_circuit_breaker (GraphbitLlmClient  *self,
                                         gint                failure_threshold,
                                         gdouble             recovery_time,
                                         GError            **error)
{
  GraphbitLlmResilience *resilience;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);

  if (!check_count ("set_circuit_breaker", "circuit_breaker_threshold", failure_threshold, 1000, error)
      || !check_seconds ("set_circuit_breaker", "circuit_breaker_recovery", recovery_time, 0.001, 86400, FALSE,
                         error))
    return FALSE;

  resilience = graphbit_llm_client_get_resilience_state (self);
  g_mutex_lock (&resilience->mutex);
  resilience->breaker_threshold = (guint) failure_threshold;
  resilience->breaker_recovery_us = (gint64) (recovery_time * G_USEC_PER_SEC);
  graphbit_circuit_breaker_configure (resilience->breaker, resilience->breaker_threshold,
                                      resilience->breaker_recovery_us);
  g_mutex_unlock (&resilience->mutex);
  return TRUE;
}

/**
 * graphbit_llm_client_get_circuit_breaker:
 * @self: a #GraphbitLlmClient
 * @failure_threshold: (out) (optional): the threshold, 0 when off
 * @recovery_time: (out) (optional): the recovery time in seconds
 *
 * Gets the circuit breaker's settings; its state is in
 * [method@Graphbit.LlmClient.get_stats].
 */
void
graphbit_llm_client_get_circuit_breaker (GraphbitLlmClient *self,
                                         gint              *failure_threshold,
                                         gdouble           *recovery_time)
{
  GraphbitLlmResilience *resilience;

  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));

  resilience = graphbit_llm_client_get_resilience_state (self);
  g_mutex_lock (&resilience->mutex);
  if (failure_threshold != NULL)
    *failure_threshold = (gint) resilience->breaker_threshold;
  if (recovery_time != NULL)
    *recovery_time = resilience->breaker_recovery_us / (gdouble) G_USEC_PER_SEC;
  g_mutex_unlock (&resilience->mutex);
}

/**
 * graphbit_llm_client_set_rate_limit:
 * @self: a #GraphbitLlmClient
 * @requests_per_second: most calls started per second, or 0 for no limit
 * @max_in_flight: most calls in flight at once, or 0 for no limit
 * @max_queued: most calls waiting for their turn, 0 to 1000000 (default
 *   1000)
 * @error: return location for a #GError
 *
 * Sets the client's own limits. Calls over a limit wait in a queue (starts
 * are spread 1/rate apart) instead of failing; a call that finds the queue
 * full fails at once with %GRAPHBIT_ERROR_RESOURCE_EXHAUSTED.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_llm_client_set_rate_limit (GraphbitLlmClient  *self,
                                    gdouble             requests_per_second,
                                    gint                max_in_flight,
                                    gint                max_queued,
                                    GError            **error)
{
  GraphbitLlmResilience *resilience;
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);

  if (isnan (requests_per_second) || requests_per_second < 0 || requests_per_second > 100000)
    {
      g_ascii_dtostr (text, sizeof text, requests_per_second);
      graphbit_propagate_error (error,
        graphbit_error_new_validation ("set_rate_limit", "requests_per_second", text,
                                       "requests_per_second must be 0 (no limit) or up to 100000, got %s", text));
      return FALSE;
    }
  if (!check_count ("set_rate_limit", "max_in_flight", max_in_flight, 100000, error)
      || !check_count ("set_rate_limit", "max_queued", max_queued, 1000000, error))
    return FALSE;

  resilience = graphbit_llm_client_get_resilience_state (self);
  g_mutex_lock (&resilience->mutex);
  resilience->requests_per_second = requests_per_second;
  resilience->max_in_flight = (guint) max_in_flight;
  resilience->max_queued = (guint) max_queued;
  graphbit_rate_limiter_configure (resilience->limiter, requests_per_second, (guint) max_in_flight,
                                   (guint) max_queued);
  g_mutex_unlock (&resilience->mutex);
  return TRUE;
}

/**
 * graphbit_llm_client_get_rate_limit:
 * @self: a #GraphbitLlmClient
 * @requests_per_second: (out) (optional): the rate, 0 when unlimited
 * @max_in_flight: (out) (optional): the in-flight limit, 0 when unlimited
 * @max_queued: (out) (optional): the queue bound
 *
 * Gets the rate limits; see [method@Graphbit.LlmClient.set_rate_limit].
 */
void
graphbit_llm_client_get_rate_limit (GraphbitLlmClient *self,
                                    gdouble           *requests_per_second,
                                    gint              *max_in_flight,
                                    gint              *max_queued)
{
  GraphbitLlmResilience *resilience;

  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));

  resilience = graphbit_llm_client_get_resilience_state (self);
  g_mutex_lock (&resilience->mutex);
  if (requests_per_second != NULL)
    *requests_per_second = resilience->requests_per_second;
  if (max_in_flight != NULL)
    *max_in_flight = (gint) resilience->max_in_flight;
  if (max_queued != NULL)
    *max_queued = (gint) resilience->max_queued;
  g_mutex_unlock (&resilience->mutex);
}

void
graphbit_llm_client_get_resilience (GraphbitLlmClient   *self,
                                    GraphbitRetryPolicy *policy,
                                    guint               *attempt_timeout_ms,
                                    gint64              *deadline_us)
{
  GraphbitLlmResilience *resilience = graphbit_llm_client_get_resilience_state (self);

  g_mutex_lock (&resilience->mutex);
  *policy = resilience->policy;
  *deadline_us = resilience->deadline_us;
  g_mutex_unlock (&resilience->mutex);
  *attempt_timeout_ms = graphbit_llm_client_get_attempt_timeout_ms (self);
  if (*attempt_timeout_ms == 0)
    *attempt_timeout_ms = graphbit_llm_client_get_codec (self)->default_timeout_ms;
}

GraphbitCircuitBreaker *
graphbit_llm_client_get_breaker (GraphbitLlmClient *self)
{
  return graphbit_llm_client_get_resilience_state (self)->breaker;
}

GraphbitRateLimiter *
graphbit_llm_client_get_limiter (GraphbitLlmClient *self)
{
  return graphbit_llm_client_get_resilience_state (self)->limiter;
}
