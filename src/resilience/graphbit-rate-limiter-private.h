/* graphbit-rate-limiter-private.h - a client's own limits: requests per second, calls in flight
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GraphbitRateLimiter GraphbitRateLimiter;

/* Called (outside the limiter's lock, on the thread that released a slot)
 * when a queued call is admitted; it must start after @delay_us. */
typedef void (*GraphbitAdmitFunc) (gpointer data,
                                   gint64   delay_us);

typedef enum {
  GRAPHBIT_ADMISSION_ADMITTED,   /* start after the returned delay; a slot is held */
  GRAPHBIT_ADMISSION_QUEUED,     /* the admit function will be called later */
  GRAPHBIT_ADMISSION_REJECTED,   /* the queue is full */
} GraphbitAdmission;

#define GRAPHBIT_RATE_LIMITER_DEFAULT_MAX_QUEUED 1000

GraphbitRateLimiter *graphbit_rate_limiter_new       (void);
void                 graphbit_rate_limiter_free      (GraphbitRateLimiter *limiter);
/* @requests_per_second 0: no rate limit; @max_in_flight 0: no limit;
 * @max_queued: how many calls may wait (for a slot or their turn). */
void                 graphbit_rate_limiter_configure (GraphbitRateLimiter *limiter,
                                                      gdouble              requests_per_second,
                                                      guint                max_in_flight,
                                                      guint                max_queued);
/* Whether calls may have to wait for a slot (max_in_flight is set). */
gboolean             graphbit_rate_limiter_limits_in_flight (GraphbitRateLimiter *limiter);
GraphbitAdmission    graphbit_rate_limiter_acquire   (GraphbitRateLimiter *limiter,
                                                      gint64               now,
                                                      GraphbitAdmitFunc    admit,
                                                      gpointer             data,
                                                      gint64              *delay_us);
/* A call holding a slot is over; may admit a queued one. */
void                 graphbit_rate_limiter_release   (GraphbitRateLimiter *limiter,
                                                      gint64               now);
/* A queued call gave up. FALSE if it had already been admitted (it then
 * holds a slot, and its admit function has been or is being called). */
gboolean             graphbit_rate_limiter_withdraw  (GraphbitRateLimiter *limiter,
                                                      gpointer             data);
void                 graphbit_rate_limiter_snapshot  (GraphbitRateLimiter *limiter,
                                                      guint               *in_flight,
                                                      guint               *queued,
                                                      guint64             *rejected_total);

G_END_DECLS
