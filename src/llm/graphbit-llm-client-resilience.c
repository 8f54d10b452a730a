/* graphbit-llm-client-resilience.c - retries, timeouts, circuit breaker and rate limits of an LLM client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The public face of the client's call host (resilience/graphbit-call-host.c),
 * which every kind of client shares: the checks and the state live there.
 */

#include "config.h"

#include "graphbit-llm-client-private.h"

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
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);
  return graphbit_call_host_set_retry_policy (graphbit_llm_client_get_call_host (self), max_retries, base_delay,
                                              max_delay, error);
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
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  graphbit_call_host_get_retry_policy (graphbit_llm_client_get_call_host (self), max_retries, base_delay, max_delay);
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
  GraphbitCallHost *host;
  guint before;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);

  host = graphbit_llm_client_get_call_host (self);
  before = graphbit_call_host_get_attempt_timeout_ms (host);
  if (!graphbit_call_host_set_timeouts (host, attempt_timeout, deadline, error))
    return FALSE;
  if (graphbit_call_host_get_attempt_timeout_ms (host) != before)
    g_object_notify (G_OBJECT (self), "attempt-timeout-ms");
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
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  graphbit_call_host_get_timeouts (graphbit_llm_client_get_call_host (self), attempt_timeout, deadline);
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
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);
  return graphbit_call_host_set_circuit_breaker (graphbit_llm_client_get_call_host (self), failure_threshold,
                                                 recovery_time, error);
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
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  graphbit_call_host_get_circuit_breaker (graphbit_llm_client_get_call_host (self), failure_threshold,
                                          recovery_time);
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
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);
  return graphbit_call_host_set_rate_limit (graphbit_llm_client_get_call_host (self), requests_per_second,
                                            max_in_flight, max_queued, error);
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
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  graphbit_call_host_get_rate_limit (graphbit_llm_client_get_call_host (self), requests_per_second, max_in_flight,
                                     max_queued);
}
