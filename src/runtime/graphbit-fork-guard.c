/* graphbit-fork-guard.c - workers parked while fork() copies the process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * fork() copies every lock in the state it is in, but only the forking
 * thread. A worker busy finishing an exchange holds GLib's global locks
 * (in GLib 2.74 the last unref of any GObject takes the signal lock), and
 * a child copied at that moment waits forever for a lock whose holder is
 * not in it: about one child in ten did, when forked while the workers
 * were busy. So the runtime's prepare handler asks each worker to park
 * between two dispatches of its loop, where it holds no lock, and waits
 * until they all have; the parent's handler lets them go on.
 *
 * The wait is bounded: a worker that does not park in time (stuck in a
 * caller's callback, or quitting for a shutdown) is left running, which is
 * no worse than forking without the guard.
 */

#include "config.h"

#include "graphbit-fork-guard-private.h"
#include "graphbit-worker-private.h"
#include "graphbit-log-private.h"

/* How long fork() waits for the workers; a busy loop parks within
 * microseconds to milliseconds. */
#define PARK_TIMEOUT_US (1 * G_TIME_SPAN_SECOND)

/* Shared by the forking thread and the workers (each holds a reference):
 * a worker may park after the forking thread stopped waiting. */
struct _GraphbitForkGuard
{
  GMutex mutex;
  GCond changed;        /* a worker parked, or the guard was released */
  guint parked;
  gboolean released;
};

static void
guard_clear (gpointer data)
{
  GraphbitForkGuard *guard = data;

  g_mutex_clear (&guard->mutex);
  g_cond_clear (&guard->changed);
}

static void
guard_unref (gpointer guard)
{
  g_atomic_rc_box_release_full (guard, guard_clear);
}

/* Worker thread, dispatched from its inbox. */
static void
park (GraphbitWorker *worker,
      gpointer        data)
{
  GraphbitForkGuard *guard = data;

  g_mutex_lock (&guard->mutex);
  guard->parked++;
  g_cond_broadcast (&guard->changed);
  while (!guard->released)
    g_cond_wait (&guard->changed, &guard->mutex);
  g_mutex_unlock (&guard->mutex);
}

GraphbitForkGuard *
graphbit_fork_guard_hold (GPtrArray *workers)
{
  GraphbitForkGuard *guard = g_atomic_rc_box_new0 (GraphbitForkGuard);
  gint64 deadline = g_get_monotonic_time () + PARK_TIMEOUT_US;
  guint asked = 0;

  g_mutex_init (&guard->mutex);
  g_cond_init (&guard->changed);
  for (guint i = 0; workers != NULL && i < workers->len; i++)
    {
      GraphbitWorker *worker = g_ptr_array_index (workers, i);

      /* A worker's own thread forking cannot wait for itself. */
      if (graphbit_worker_is_current (worker))
        continue;
      graphbit_worker_invoke (worker, park, g_atomic_rc_box_acquire (guard), guard_unref);
      asked++;
    }

  g_mutex_lock (&guard->mutex);
  while (guard->parked < asked)
    if (!g_cond_wait_until (&guard->changed, &guard->mutex, deadline))
      {
        GRAPHBIT_DEBUG ("fork: %u of %u I/O workers parked in time; forking anyway",
                        guard->parked, asked);
        break;
      }
  g_mutex_unlock (&guard->mutex);
  return guard;
}

void
graphbit_fork_guard_release (GraphbitForkGuard *guard)
{
  g_mutex_lock (&guard->mutex);
  guard->released = TRUE;
  g_cond_broadcast (&guard->changed);
  g_mutex_unlock (&guard->mutex);
  guard_unref (guard);
}
