/* graphbit-circuit-breaker-private.h - stop calling a provider that keeps failing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  GRAPHBIT_BREAKER_CLOSED,      /* calls go through */
  GRAPHBIT_BREAKER_OPEN,        /* calls are refused until the recovery time passed */
  GRAPHBIT_BREAKER_HALF_OPEN,   /* one probe call goes through; its outcome decides */
} GraphbitBreakerState;

typedef struct _GraphbitCircuitBreaker GraphbitCircuitBreaker;

#define GRAPHBIT_BREAKER_DEFAULT_THRESHOLD 5
#define GRAPHBIT_BREAKER_DEFAULT_RECOVERY_US (60 * G_TIME_SPAN_SECOND)

/* @threshold consecutive failures open it (0 disables it); after
 * @recovery_us it lets one probe through. Thread-safe. Times are
 * monotonic microseconds, passed in so tests need no clock. */
GraphbitCircuitBreaker *graphbit_circuit_breaker_new       (guint                   threshold,
                                                            gint64                  recovery_us);
void                    graphbit_circuit_breaker_free      (GraphbitCircuitBreaker *breaker);
void                    graphbit_circuit_breaker_configure (GraphbitCircuitBreaker *breaker,
                                                            guint                   threshold,
                                                            gint64                  recovery_us);
/* Whether an attempt may go now. If not, *@retry_in_us says when the
 * breaker lets a probe through (0 while another probe is in flight). */
gboolean                graphbit_circuit_breaker_allow     (GraphbitCircuitBreaker *breaker,
                                                            gint64                  now,
                                                            gint64                 *retry_in_us);
void                    graphbit_circuit_breaker_success   (GraphbitCircuitBreaker *breaker);
void                    graphbit_circuit_breaker_failure   (GraphbitCircuitBreaker *breaker,
                                                            gint64                  now);
/* An allowed attempt that ended without a verdict (cancelled). */
void                    graphbit_circuit_breaker_release   (GraphbitCircuitBreaker *breaker);
GraphbitBreakerState    graphbit_circuit_breaker_get_state (GraphbitCircuitBreaker *breaker,
                                                            gint64                  now,
                                                            guint                  *consecutive_failures);
guint                   graphbit_circuit_breaker_get_threshold (GraphbitCircuitBreaker *breaker);
const char             *graphbit_breaker_state_to_string   (GraphbitBreakerState    state);

G_END_DECLS
