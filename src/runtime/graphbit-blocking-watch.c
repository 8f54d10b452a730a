/* graphbit-blocking-watch.c - timeouts and cancellation for exchanges run in the caller's thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A blocking call sends its request with libsoup's blocking API in the
 * calling thread (no hand-over to a worker and back). While it waits in
 * poll(), nothing in that thread can time it out, so one watch thread per
 * process does: it sleeps until the earliest deadline of the registered
 * exchanges and cancels what is overdue. It also cancels every exchange
 * for graphbit_shutdown(), and, when a SIGINT arrives on the interrupt fd
 * (Python's Ctrl-C), the cancellables of the blocking calls registered as
 * interruptible.
 *
 * Registering is a list append under a mutex; the watch thread is woken
 * only when a new deadline is earlier than what it sleeps until, so a run
 * of calls with the same timeout wakes it about once per timeout period.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <glib-unix.h>

#include "graphbit-blocking-watch-private.h"

typedef struct
{
  GMutex mutex;
  GCond ended;                 /* a ticket ended while stopping */
  GQueue tickets;              /* GraphbitBlockingTicket, through their link */
  gboolean stopping;

  /* The watch thread: started by the first timeout or interrupt fd. */
  GThread *thread;
  int wake[2];                 /* a pipe that wakes it */
  gboolean woken;              /* a byte is in the pipe */
  gint64 sleeping_until;       /* monotonic µs; G_MAXINT64: no timeout */
  int interrupt_fd;
  GPtrArray *interruptible;    /* GCancellable*, referenced */
} Watch;

static Watch watch = { .wake = { -1, -1 }, .sleeping_until = G_MAXINT64, .interrupt_fd = -1 };

/* Bumped in a forked child: what a thread kept from before is the
 * parent's (a cancellable's wake-up fd is shared with it). */
static gint fork_generation;

typedef struct
{
  GCancellable *cancellable;
  gint generation;
} ThreadCancellable;

static void
thread_cancellable_free (gpointer data)
{
  ThreadCancellable *kept = data;

  /* Closing a wake-up fd inherited from the parent only closes the
   * child's copy; writing to it (cancelling) is what must not happen. */
  g_cancellable_release_fd (kept->cancellable);
  g_object_unref (kept->cancellable);
  g_free (kept);
}

static GPrivate thread_cancellable = G_PRIVATE_INIT (thread_cancellable_free);

gboolean
graphbit_blocking_watch_in_forked_child (void)
{
  return g_atomic_int_get (&fork_generation) > 0;
}

GCancellable *
graphbit_blocking_watch_get_thread_cancellable (void)
{
  ThreadCancellable *kept = g_private_get (&thread_cancellable);
  gint generation = g_atomic_int_get (&fork_generation);

  if (kept == NULL || kept->generation != generation)
    {
      kept = g_new0 (ThreadCancellable, 1);
      kept->cancellable = g_cancellable_new ();
      kept->generation = generation;
      /* Held open for the thread's life: GIO opens and closes the
       * cancellable's wake-up fd around every wait otherwise. */
      g_cancellable_get_fd (kept->cancellable);
      g_private_replace (&thread_cancellable, kept);
    }
  else if (g_cancellable_is_cancelled (kept->cancellable))
    g_cancellable_reset (kept->cancellable);
  return kept->cancellable;
}

/* Called with the lock held: a ticket is never cancelled after its end(),
 * when its thread may already reuse the cancellable for the next one. */
static void
cancel_locked (GraphbitBlockingTicket *ticket,
               GraphbitBlockingReason  reason)
{
  ticket->deadline = G_MAXINT64;
  if (g_atomic_int_compare_and_exchange (&ticket->reason, GRAPHBIT_BLOCKING_RUNNING, reason))
    g_cancellable_cancel (ticket->cancellable);
}

static void
wake_locked (void)
{
  if (!watch.woken && watch.wake[1] >= 0)
    {
      watch.woken = TRUE;
      while (write (watch.wake[1], "", 1) < 0 && errno == EINTR)
        ;
    }
}

static void
drain (int fd,
       gboolean *saw_sigint)
{
  char bytes[64];
  gssize n;

  while ((n = read (fd, bytes, sizeof bytes)) > 0 || (n < 0 && errno == EINTR))
    for (gssize i = 0; saw_sigint != NULL && i < n; i++)
      if (bytes[i] == SIGINT)
        *saw_sigint = TRUE;
}

/* Cancels what is overdue; returns the earliest deadline left. */
static gint64
expire_locked (gint64 now)
{
  gint64 earliest = G_MAXINT64;

  for (GList *l = watch.tickets.head; l != NULL; l = l->next)
    {
      GraphbitBlockingTicket *ticket = l->data;

      if (ticket->deadline <= now)
        cancel_locked (ticket, GRAPHBIT_BLOCKING_TIMED_OUT);
      else
        earliest = MIN (earliest, ticket->deadline);
    }
  return earliest;
}

static gpointer
watch_thread_main (gpointer data)
{
  g_mutex_lock (&watch.mutex);
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 earliest = expire_locked (now);
      struct pollfd fds[2] = { { watch.wake[0], POLLIN, 0 }, { watch.interrupt_fd, POLLIN, 0 } };
      int interrupt_fd = watch.interrupt_fd;
      gboolean saw_sigint = FALSE;
      int timeout_ms;

      /* With nothing due, keep the old wake-up time: a registration later
       * than it then does not need to wake this thread. */
      if (earliest == G_MAXINT64 && watch.sleeping_until > now)
        earliest = watch.sleeping_until;
      watch.sleeping_until = earliest;
      timeout_ms = earliest == G_MAXINT64 ? -1 : (int) MIN ((earliest - now + 999) / 1000, G_MAXINT);
      g_mutex_unlock (&watch.mutex);

      poll (fds, interrupt_fd >= 0 ? 2 : 1, timeout_ms);

      g_mutex_lock (&watch.mutex);
      if (fds[0].revents != 0)
        {
          drain (watch.wake[0], NULL);
          watch.woken = FALSE;
        }
      if (interrupt_fd >= 0 && interrupt_fd == watch.interrupt_fd && fds[1].revents != 0)
        {
          if (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL))
            watch.interrupt_fd = -1;   /* closed: nothing more will come */
          else
            drain (interrupt_fd, &saw_sigint);
        }
      if (saw_sigint && watch.interruptible != NULL && watch.interruptible->len > 0)
        {
          /* Cancelled unlocked (their handlers may do anything); the
           * references keep them alive meanwhile. */
          GPtrArray *cancellables = g_ptr_array_new_with_free_func (g_object_unref);

          for (guint i = 0; i < watch.interruptible->len; i++)
            g_ptr_array_add (cancellables, g_object_ref (g_ptr_array_index (watch.interruptible, i)));
          g_mutex_unlock (&watch.mutex);
          for (guint i = 0; i < cancellables->len; i++)
            g_cancellable_cancel (g_ptr_array_index (cancellables, i));
          g_ptr_array_unref (cancellables);
          g_mutex_lock (&watch.mutex);
        }
    }
  return NULL;
}

static gboolean
ensure_thread_locked (GError **error)
{
  if (watch.thread != NULL)
    return TRUE;
  if (!g_unix_open_pipe (watch.wake, FD_CLOEXEC, error))
    return FALSE;
  g_unix_set_fd_nonblocking (watch.wake[0], TRUE, NULL);
  g_unix_set_fd_nonblocking (watch.wake[1], TRUE, NULL);
  watch.thread = g_thread_try_new ("graphbit-watch", watch_thread_main, NULL, error);
  if (watch.thread == NULL)
    {
      close (watch.wake[0]);
      close (watch.wake[1]);
      watch.wake[0] = watch.wake[1] = -1;
      return FALSE;
    }
  return TRUE;
}

gboolean
graphbit_blocking_watch_begin (GraphbitBlockingTicket  *ticket,
                               GCancellable            *cancellable,
                               guint                    timeout_ms,
                               GError                 **error)
{
  GError *local_error = NULL;

  ticket->cancellable = cancellable;
  ticket->deadline = timeout_ms != 0 ? g_get_monotonic_time () + (gint64) timeout_ms * 1000 : G_MAXINT64;
  ticket->link = (GList) { ticket, NULL, NULL };
  ticket->reason = GRAPHBIT_BLOCKING_RUNNING;

  g_mutex_lock (&watch.mutex);
  if (watch.stopping)
    local_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The graphbit runtime is shutting down");
  else if (ticket->deadline < watch.sleeping_until && !ensure_thread_locked (&local_error))
    g_prefix_error (&local_error, "Could not start graphbit's timeout thread: ");
  else
    {
      g_queue_push_tail_link (&watch.tickets, &ticket->link);
      if (ticket->deadline < watch.sleeping_until)
        {
          watch.sleeping_until = ticket->deadline;
          wake_locked ();
        }
    }
  g_mutex_unlock (&watch.mutex);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

void
graphbit_blocking_watch_end (GraphbitBlockingTicket *ticket)
{
  g_mutex_lock (&watch.mutex);
  g_queue_unlink (&watch.tickets, &ticket->link);
  if (watch.stopping)
    g_cond_broadcast (&watch.ended);
  g_mutex_unlock (&watch.mutex);
}

void
graphbit_blocking_watch_stop_all (void)
{
  g_mutex_lock (&watch.mutex);
  watch.stopping = TRUE;
  for (GList *l = watch.tickets.head; l != NULL; l = l->next)
    cancel_locked (l->data, GRAPHBIT_BLOCKING_SHUT_DOWN);
  while (watch.tickets.length > 0)
    g_cond_wait (&watch.ended, &watch.mutex);
  g_mutex_unlock (&watch.mutex);
}

void
graphbit_blocking_watch_resume (void)
{
  g_mutex_lock (&watch.mutex);
  watch.stopping = FALSE;
  g_mutex_unlock (&watch.mutex);
}

guint
graphbit_blocking_watch_get_in_flight (void)
{
  guint n;

  g_mutex_lock (&watch.mutex);
  n = watch.tickets.length;
  g_mutex_unlock (&watch.mutex);
  return n;
}

void
graphbit_blocking_watch_set_interrupt_fd (int fd)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&watch.mutex);
  watch.interrupt_fd = fd;
  if (fd >= 0 && !ensure_thread_locked (&error))
    {
      g_warning ("Could not start graphbit's timeout thread, so interrupts will not cancel calls: %s",
                 error->message);
      watch.interrupt_fd = -1;
    }
  wake_locked ();   /* to poll the new fd */
  g_mutex_unlock (&watch.mutex);
}

void
graphbit_blocking_watch_add_interruptible (GCancellable *cancellable)
{
  g_mutex_lock (&watch.mutex);
  if (watch.interruptible == NULL)
    watch.interruptible = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (watch.interruptible, g_object_ref (cancellable));
  g_mutex_unlock (&watch.mutex);
}

void
graphbit_blocking_watch_remove_interruptible (GCancellable *cancellable)
{
  g_mutex_lock (&watch.mutex);
  if (watch.interruptible != NULL)
    g_ptr_array_remove_fast (watch.interruptible, cancellable);
  g_mutex_unlock (&watch.mutex);
}

void
graphbit_blocking_watch_hold_for_fork (void)
{
  g_mutex_lock (&watch.mutex);
}

void
graphbit_blocking_watch_release_after_fork (void)
{
  g_mutex_unlock (&watch.mutex);
}

/* The watch thread, its pipe and the registered exchanges are the
 * parent's: the pipe is shared with it, so it is closed here, and the
 * thread is left referenced (it cannot be joined). */
static GThread *volatile abandoned_thread;
static GPtrArray *volatile abandoned_interruptible;

void
graphbit_blocking_watch_forget_in_child (void)
{
  g_atomic_int_inc (&fork_generation);
  abandoned_thread = watch.thread;
  if (watch.wake[0] >= 0)
    {
      close (watch.wake[0]);
      close (watch.wake[1]);
    }
  g_mutex_init (&watch.mutex);
  g_cond_init (&watch.ended);
  g_queue_init (&watch.tickets);
  watch.stopping = FALSE;
  watch.thread = NULL;
  watch.wake[0] = watch.wake[1] = -1;
  watch.woken = FALSE;
  watch.sleeping_until = G_MAXINT64;
  watch.interrupt_fd = -1;
  /* The parent's calls: referenced, never used. */
  abandoned_interruptible = watch.interruptible;
  watch.interruptible = NULL;
}
