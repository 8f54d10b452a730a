/* graphbit-fork-guard-private.h - workers parked while fork() copies the process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GraphbitForkGuard GraphbitForkGuard;

/* Forking thread, from a pthread_atfork() prepare handler. Parks every
 * worker of @workers (GraphbitWorker*, may be NULL) except the calling
 * thread's own at the top of its loop, where it holds no lock, and waits
 * (bounded) until they are parked. Never NULL. */
GraphbitForkGuard *graphbit_fork_guard_hold             (GPtrArray         *workers);

/* The parent, after fork(): lets the workers go on and drops @guard. (The
 * child drops nothing: the parked threads are not in it, and their
 * references to @guard were copied with it.) */
void               graphbit_fork_guard_release          (GraphbitForkGuard *guard);

G_END_DECLS
