/* graphbit-inbox-private.h - work handed to a main context, one wake-up per batch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Items pushed from any thread are run, in order, by the thread that
 * iterates @context. Unlike g_main_context_invoke_full(), which attaches
 * a source (and wakes the context) per call, an inbox keeps one source:
 * pushes that find it already armed only append to a list, so a burst of
 * work costs one wake-up and no allocation beyond the list link. */
typedef struct _GraphbitInbox GraphbitInbox;

typedef void (*GraphbitInboxFunc) (gpointer item,
                                   gpointer user_data);

GraphbitInbox *graphbit_inbox_new  (GMainContext      *context,
                                    GraphbitInboxFunc  run,
                                    gpointer           user_data);
/* Any thread. */
void           graphbit_inbox_push (GraphbitInbox     *inbox,
                                    gpointer           item);
/* Detaches the inbox; items never run go to @discard. */
void           graphbit_inbox_free (GraphbitInbox     *inbox,
                                    GDestroyNotify     discard);

G_END_DECLS
