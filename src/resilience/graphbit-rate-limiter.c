/* graphbit-rate-limiter.c - a client's own limits: requests per second, calls in flight
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Over the limit, calls queue instead of failing; only a full queue fails
 * (ResourceExhaustedError). The rate is kept by spacing call starts
 * 1/rate apart (a schedule of reserved start times), so a burst of calls
 * is spread out rather than sent at once; calls waiting for their start
 * time count as queued.
 */

#include "config.h"

#include <math.h>

#include "graphbit-rate-limiter-private.h"

typedef struct
{
  GraphbitAdmitFunc admit;
  gpointer data;
} Waiter;

struct _GraphbitRateLimiter
{
  GMutex mutex;
  gdouble rate;                 /* 0: none */
  guint max_in_flight;          /* 0: none */
  guint max_queued;
  guint in_flight;
  GQueue waiters;               /* Waiter*, waiting for an in-flight slot */
  gint64 next_start;            /* monotonic µs: the next free start time */
  guint64 rejected_total;
};

GraphbitRateLimiter *
graphbit_rate_limiter_new (void)
{
  GraphbitRateLimiter *limiter = g_new0 (GraphbitRateLimiter, 1);

  g_mutex_init (&limiter->mutex);
  g_queue_init (&limiter->waiters);
  limiter->max_queued = GRAPHBIT_RATE_LIMITER_DEFAULT_MAX_QUEUED;
  return limiter;
}

void
graphbit_rate_limiter_free (GraphbitRateLimiter *limiter)
{
  if (limiter == NULL)
    return;
  /* Queued calls hold a reference to their client, so none can be left. */
  g_warn_if_fail (g_queue_is_empty (&limiter->waiters));
  g_queue_clear_full (&limiter->waiters, g_free);
  g_mutex_clear (&limiter->mutex);
  g_free (limiter);
}

void
graphbit_rate_limiter_configure (GraphbitRateLimiter *limiter,
                                 gdouble              requests_per_second,
                                 guint                max_in_flight,
                                 guint                max_queued)
{
  g_mutex_lock (&limiter->mutex);
  limiter->rate = requests_per_second;
  limiter->max_in_flight = max_in_flight;
  limiter->max_queued = max_queued;
  g_mutex_unlock (&limiter->mutex);
}

gboolean
graphbit_rate_limiter_limits_in_flight (GraphbitRateLimiter *limiter)
{
  gboolean limits;

  g_mutex_lock (&limiter->mutex);
  limits = limiter->max_in_flight != 0;
  g_mutex_unlock (&limiter->mutex);
  return limits;
}

/* Called with the mutex held. */
static guint
waiting_locked (GraphbitRateLimiter *limiter,
                gint64               now)
{
  guint waiting = g_queue_get_length (&limiter->waiters);

  /* Calls admitted but still waiting for their start time: those
   * scheduled after now, 1/rate apart before next_start. */
  if (limiter->rate > 0 && limiter->next_start > now)
    waiting += (guint) ceil ((limiter->next_start - now) * limiter->rate / G_USEC_PER_SEC) - 1;
  return waiting;
}

/* Called with the mutex held: reserves the next start time. */
static gint64
reserve_start_locked (GraphbitRateLimiter *limiter,
                      gint64               now)
{
  gint64 start;

  if (limiter->rate <= 0)
    return 0;
  start = MAX (now, limiter->next_start);
  limiter->next_start = start + (gint64) (G_USEC_PER_SEC / limiter->rate);
  return start - now;
}

static gboolean
has_free_slot_locked (GraphbitRateLimiter *limiter)
{
  return limiter->max_in_flight == 0 || limiter->in_flight < limiter->max_in_flight;
}

GraphbitAdmission
graphbit_rate_limiter_acquire (GraphbitRateLimiter *limiter,
                               gint64               now,
                               GraphbitAdmitFunc    admit,
                               gpointer             data,
                               gint64              *delay_us)
{
  GraphbitAdmission admission;
  gboolean slot_now, would_wait;

  g_mutex_lock (&limiter->mutex);
  slot_now = has_free_slot_locked (limiter) && g_queue_is_empty (&limiter->waiters);
  would_wait = !slot_now || (limiter->rate > 0 && limiter->next_start > now);
  if (would_wait && waiting_locked (limiter, now) >= limiter->max_queued)
    {
      /* Whether it would wait for a slot or for its start time, there is
       * no room left to wait in. */
      limiter->rejected_total++;
      admission = GRAPHBIT_ADMISSION_REJECTED;
    }
  else if (slot_now)
    {
      limiter->in_flight++;
      *delay_us = reserve_start_locked (limiter, now);
      admission = GRAPHBIT_ADMISSION_ADMITTED;
    }
  else
    {
      Waiter *waiter = g_new (Waiter, 1);

      waiter->admit = admit;
      waiter->data = data;
      g_queue_push_tail (&limiter->waiters, waiter);
      admission = GRAPHBIT_ADMISSION_QUEUED;
    }
  g_mutex_unlock (&limiter->mutex);
  return admission;
}

void
graphbit_rate_limiter_release (GraphbitRateLimiter *limiter,
                               gint64               now)
{
  Waiter *next = NULL;
  gint64 delay = 0;

  g_mutex_lock (&limiter->mutex);
  g_warn_if_fail (limiter->in_flight > 0);
  limiter->in_flight--;
  if (!g_queue_is_empty (&limiter->waiters) && has_free_slot_locked (limiter))
    {
      next = g_queue_pop_head (&limiter->waiters);
      limiter->in_flight++;
      delay = reserve_start_locked (limiter, now);
    }
  g_mutex_unlock (&limiter->mutex);

  if (next != NULL)
    {
      next->admit (next->data, delay);
      g_free (next);
    }
}

gboolean
graphbit_rate_limiter_withdraw (GraphbitRateLimiter *limiter,
                                gpointer             data)
{
  gboolean found = FALSE;

  g_mutex_lock (&limiter->mutex);
  for (GList *l = limiter->waiters.head; l != NULL; l = l->next)
    {
      Waiter *waiter = l->data;

      if (waiter->data == data)
        {
          g_queue_delete_link (&limiter->waiters, l);
          g_free (waiter);
          found = TRUE;
          break;
        }
    }
  g_mutex_unlock (&limiter->mutex);
  return found;
}

void
graphbit_rate_limiter_snapshot (GraphbitRateLimiter *limiter,
                                guint               *in_flight,
                                guint               *queued,
                                guint64             *rejected_total)
{
  g_mutex_lock (&limiter->mutex);
  *in_flight = limiter->in_flight;
  *queued = waiting_locked (limiter, g_get_monotonic_time ());
  *rejected_total = limiter->rejected_total;
  g_mutex_unlock (&limiter->mutex);
}
