/* graphbit-sync-private.h - blocking variants built on the async ones
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A blocking call runs the asynchronous variant with a private main
 * context pushed as the thread-default, and iterates only that context
 * until the result arrives: the caller's own context is never iterated,
 * and the calling thread needs none. The context is cached per thread.
 *
 *   GraphbitSyncCall call;
 *   graphbit_sync_call_begin (&call);
 *   foo_async (..., graphbit_sync_call_done, &call);
 *   ret = foo_finish (..., graphbit_sync_call_wait (&call), error);
 *   graphbit_sync_call_end (&call);
 */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} GraphbitSyncCall;

void          graphbit_sync_call_begin (GraphbitSyncCall *call);
void          graphbit_sync_call_done  (GObject          *source,
                                        GAsyncResult     *result,
                                        gpointer          user_data);
GAsyncResult *graphbit_sync_call_wait  (GraphbitSyncCall *call);
void          graphbit_sync_call_end   (GraphbitSyncCall *call);

/* Whether @context is the calling thread's private context for blocking
 * calls (never a loop exchanges may run on). */
gboolean      graphbit_sync_is_private_context (GMainContext *context);

G_END_DECLS
