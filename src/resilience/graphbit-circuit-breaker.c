/* graphbit-circuit-breaker.c - stop calling a provider that keeps failing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Closed: attempts go through; consecutive failures are counted and any
 * success resets the count. At the threshold it opens: attempts are
 * refused (CircuitOpenError) for the recovery time. Then it is half-open:
 * exactly one probe attempt goes through; its success closes the breaker,
 * its failure opens it again for another recovery time.
 */

#include "config.h"

#include "graphbit-circuit-breaker-private.h"

struct _GraphbitCircuitBreaker
{
  GMutex mutex;
  guint threshold;
  gint64 recovery_us;
  GraphbitBreakerState state;
  guint consecutive_failures;
  gint64 opened_at;
  gboolean probe_in_flight;
};

GraphbitCircuitBreaker *
graphbit_circuit_breaker_new (guint  threshold,
                              gint64 recovery_us)
{
  GraphbitCircuitBreaker *breaker = g_new0 (GraphbitCircuitBreaker, 1);

  g_mutex_init (&breaker->mutex);
  breaker->threshold = threshold;
  breaker->recovery_us = recovery_us;
  breaker->state = GRAPHBIT_BREAKER_CLOSED;
  return breaker;
}

void
graphbit_circuit_breaker_free (GraphbitCircuitBreaker *breaker)
{
  if (breaker == NULL)
    return;
  g_mutex_clear (&breaker->mutex);
  g_free (breaker);
}

void
graphbit_circuit_breaker_configure (GraphbitCircuitBreaker *breaker,
                                    guint                   threshold,
                                    gint64                  recovery_us)
{
  g_mutex_lock (&breaker->mutex);
  breaker->threshold = threshold;
  breaker->recovery_us = recovery_us;
  if (threshold == 0)
    {
      breaker->state = GRAPHBIT_BREAKER_CLOSED;
      breaker->consecutive_failures = 0;
    }
  g_mutex_unlock (&breaker->mutex);
}

/* Called with the mutex held: an open breaker whose time is up is half-open. */
static void
update_locked (GraphbitCircuitBreaker *breaker,
               gint64                  now)
{
  if (breaker->state == GRAPHBIT_BREAKER_OPEN && now - breaker->opened_at >= breaker->recovery_us)
    {
      breaker->state = GRAPHBIT_BREAKER_HALF_OPEN;
      breaker->probe_in_flight = FALSE;
    }
}

gboolean
graphbit_circuit_breaker_allow (GraphbitCircuitBreaker *breaker,
                                gint64                  now,
                                gint64                 *retry_in_us)
{
  gboolean allowed = TRUE;

  g_mutex_lock (&breaker->mutex);
  update_locked (breaker, now);
  switch (breaker->state)
    {
    case GRAPHBIT_BREAKER_OPEN:
      allowed = FALSE;
      *retry_in_us = breaker->opened_at + breaker->recovery_us - now;
      break;
    case GRAPHBIT_BREAKER_HALF_OPEN:
      if (breaker->probe_in_flight)
        {
          allowed = FALSE;
          *retry_in_us = 0;
        }
      else
        breaker->probe_in_flight = TRUE;
      break;
    case GRAPHBIT_BREAKER_CLOSED:
    default:
      break;
    }
  g_mutex_unlock (&breaker->mutex);
  return allowed;
}

void
graphbit_circuit_breaker_success (GraphbitCircuitBreaker *breaker)
{
  g_mutex_lock (&breaker->mutex);
  breaker->state = GRAPHBIT_BREAKER_CLOSED;
  breaker->consecutive_failures = 0;
  breaker->probe_in_flight = FALSE;
  g_mutex_unlock (&breaker->mutex);
}

void
graphbit_circuit_breaker_failure (GraphbitCircuitBreaker *breaker,
                                  gint64                  now)
{
  g_mutex_lock (&breaker->mutex);
  breaker->consecutive_failures++;
  if (breaker->threshold > 0
      && (breaker->state == GRAPHBIT_BREAKER_HALF_OPEN
          || (breaker->state == GRAPHBIT_BREAKER_CLOSED && breaker->consecutive_failures >= breaker->threshold)))
    {
      breaker->state = GRAPHBIT_BREAKER_OPEN;
      breaker->opened_at = now;
    }
  breaker->probe_in_flight = FALSE;
  g_mutex_unlock (&breaker->mutex);
}

void
graphbit_circuit_breaker_release (GraphbitCircuitBreaker *breaker)
{
  g_mutex_lock (&breaker->mutex);
  breaker->probe_in_flight = FALSE;
  g_mutex_unlock (&breaker->mutex);
}

GraphbitBreakerState
graphbit_circuit_breaker_get_state (GraphbitCircuitBreaker *breaker,
                                    gint64                  now,
                                    guint                  *consecutive_failures)
{
  GraphbitBreakerState state;

  g_mutex_lock (&breaker->mutex);
  update_locked (breaker, now);
  state = breaker->state;
  if (consecutive_failures != NULL)
    *consecutive_failures = breaker->consecutive_failures;
  g_mutex_unlock (&breaker->mutex);
  return state;
}

guint
graphbit_circuit_breaker_get_threshold (GraphbitCircuitBreaker *breaker)
{
  guint threshold;

  g_mutex_lock (&breaker->mutex);
  threshold = breaker->threshold;
  g_mutex_unlock (&breaker->mutex);
  return threshold;
}

const char *
graphbit_breaker_state_to_string (GraphbitBreakerState state)
{
  switch (state)
    {
    case GRAPHBIT_BREAKER_OPEN:
      return "open";
    case GRAPHBIT_BREAKER_HALF_OPEN:
      return "half_open";
    case GRAPHBIT_BREAKER_CLOSED:
    default:
      return "closed";
    }
}
