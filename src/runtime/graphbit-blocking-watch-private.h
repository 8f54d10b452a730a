/* graphbit-blocking-watch-private.h - timeouts and cancellation for exchanges run in the caller's thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Why the watch cancelled an exchange. */
typedef enum {
  GRAPHBIT_BLOCKING_RUNNING,
  GRAPHBIT_BLOCKING_TIMED_OUT,     /* its timeout passed */
  GRAPHBIT_BLOCKING_SHUT_DOWN,     /* graphbit_shutdown() */
} GraphbitBlockingReason;

/* One exchange running with libsoup's blocking API in the calling thread.
 * Lives on the caller's stack; registered from begin() to end(). */
typedef struct
{
  GCancellable *cancellable;       /* what the watch cancels */
  gint64 deadline;                 /* monotonic µs; G_MAXINT64: none */
  GList link;                      /* in the watch's list, under its lock */
  gint reason;                     /* GraphbitBlockingReason, atomic */
} GraphbitBlockingTicket;

/* Caller thread. Registers @ticket: until end(), @cancellable is cancelled
 * when @timeout_ms pass (0: never) or by graphbit_shutdown(). Fails with
 * G_IO_ERROR_CANCELLED (registering nothing) while a shutdown runs. */
gboolean graphbit_blocking_watch_begin     (GraphbitBlockingTicket *ticket,
                                            GCancellable           *cancellable,
                                            guint                   timeout_ms,
                                            GError                **error);
void     graphbit_blocking_watch_end       (GraphbitBlockingTicket *ticket);

static inline GraphbitBlockingReason
graphbit_blocking_ticket_get_reason (GraphbitBlockingTicket *ticket)
{
  return (GraphbitBlockingReason) g_atomic_int_get (&ticket->reason);
}

/* The calling thread's cancellable for its exchanges, one at a time:
 * reset, with its wake-up fd kept open. */
GCancellable *graphbit_blocking_watch_get_thread_cancellable (void);

/* Whether this process is a fork of one that had started graphbit's
 * runtime (see graphbit-session-pool.c for what that changes). */
gboolean graphbit_blocking_watch_in_forked_child (void);

/* graphbit_shutdown(): cancels every registered exchange, waits until all
 * have ended, and refuses new ones until resume(). */
void     graphbit_blocking_watch_stop_all  (void);
void     graphbit_blocking_watch_resume    (void);

/* How many exchanges are registered (health figures). */
guint    graphbit_blocking_watch_get_in_flight (void);

/* See graphbit_set_interrupt_fd(): a SIGINT read from @fd cancels the
 * cancellables added (referenced) until they are removed. */
void     graphbit_blocking_watch_set_interrupt_fd      (int           fd);
void     graphbit_blocking_watch_add_interruptible     (GCancellable *cancellable);
void     graphbit_blocking_watch_remove_interruptible  (GCancellable *cancellable);

/* Around fork(): the watch's lock is held from before to after it, so the
 * watch thread is not cancelling (GObject signals, GLib's global locks)
 * while the process is copied. */
void     graphbit_blocking_watch_hold_for_fork    (void);
void     graphbit_blocking_watch_release_after_fork (void);

/* In a forked child: the watch thread and every registered exchange
 * belong to the parent. */
void     graphbit_blocking_watch_forget_in_child (void);

G_END_DECLS
