/* graphbit-llm-resilience-private.h - a client's resilience settings and state
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "resilience/graphbit-circuit-breaker-private.h"
#include "resilience/graphbit-rate-limiter-private.h"
#include "resilience/graphbit-retry-policy-private.h"

G_BEGIN_DECLS

typedef struct
{
  GMutex mutex;                        /* guards the settings below */
  GraphbitRetryPolicy policy;
  guint attempt_timeout_ms;            /* 0: the provider's default */
  gint64 deadline_us;                  /* total per call; 0: none */
  guint breaker_threshold;
  gint64 breaker_recovery_us;
  gdouble requests_per_second;
  guint max_in_flight;
  guint max_queued;

  /* Thread-safe on their own. */
  GraphbitCircuitBreaker *breaker;
  GraphbitRateLimiter *limiter;
} GraphbitLlmResilience;

void graphbit_llm_resilience_init  (GraphbitLlmResilience *resilience);
void graphbit_llm_resilience_clear (GraphbitLlmResilience *resilience);

G_END_DECLS
