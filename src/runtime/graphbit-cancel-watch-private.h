/* graphbit-cancel-watch-private.h - act on a cancellation in a given main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Calls @callback(@user_data) once, from an idle source in @context, after
 * @cancellable is cancelled from any thread (at once if it already is).
 *
 * GCancellableSource does the same, but in GLib 2.74 destroying one while
 * another thread cancels its cancellable can leak the source; a watch is
 * removed cleanly in that race. The callback never runs synchronously
 * inside g_cancellable_cancel(), so it may change any state of the
 * context's thread. */
typedef struct _GraphbitCancelWatch GraphbitCancelWatch;

GraphbitCancelWatch *graphbit_cancel_watch_new  (GCancellable        *cancellable,
                                                 GMainContext        *context,
                                                 GSourceFunc          callback,
                                                 gpointer             user_data);
/* In @context's thread (not from inside the cancellable's own handlers):
 * after this returns the callback will not run. */
void                 graphbit_cancel_watch_free (GraphbitCancelWatch *watch);

G_END_DECLS
