/* graphbit-inbox.c - work handed to a main context, one wake-up per batch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-inbox-private.h"

typedef struct
{
  GSource source;
  GraphbitInbox *inbox;
} InboxSource;

struct _GraphbitInbox
{
  GSource *source;           /* InboxSource, ready while armed */
  GraphbitInboxFunc run;
  gpointer user_data;

  GMutex lock;
  GQueue items;
  gboolean armed;            /* the source is ready, or running the items */
};

static gboolean
inbox_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  GraphbitInbox *inbox = ((InboxSource *) source)->inbox;
  GQueue batch = G_QUEUE_INIT;

  /* Disarmed first: a push after the swap below arms it again. */
  g_source_set_ready_time (source, -1);
  g_mutex_lock (&inbox->lock);
  batch = inbox->items;
  g_queue_init (&inbox->items);
  inbox->armed = FALSE;
  g_mutex_unlock (&inbox->lock);

  for (GList *l = batch.head; l != NULL; l = l->next)
    inbox->run (l->data, inbox->user_data);
  g_queue_clear (&batch);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs inbox_funcs = {
  .dispatch = inbox_dispatch,
};

GraphbitInbox *
graphbit_inbox_new (GMainContext      *context,
                    GraphbitInboxFunc  run,
                    gpointer           user_data)
{
  GraphbitInbox *inbox = g_new0 (GraphbitInbox, 1);

  inbox->run = run;
  inbox->user_data = user_data;
  g_mutex_init (&inbox->lock);
  g_queue_init (&inbox->items);
  inbox->source = g_source_new (&inbox_funcs, sizeof (InboxSource));
  ((InboxSource *) inbox->source)->inbox = inbox;
  g_source_set_static_name (inbox->source, "[graphbit] inbox");
  g_source_set_ready_time (inbox->source, -1);
  g_source_attach (inbox->source, context);
  return inbox;
}

void
graphbit_inbox_push (GraphbitInbox *inbox,
                     gpointer       item)
{
  gboolean arm;

  g_mutex_lock (&inbox->lock);
  g_queue_push_tail (&inbox->items, item);
  arm = !inbox->armed;
  inbox->armed = TRUE;
  g_mutex_unlock (&inbox->lock);
  if (arm)
    g_source_set_ready_time (inbox->source, 0);   /* wakes the context */
}

void
graphbit_inbox_free (GraphbitInbox  *inbox,
                     GDestroyNotify  discard)
{
  g_source_destroy (inbox->source);
  g_source_unref (inbox->source);
  g_queue_clear_full (&inbox->items, discard);
  g_mutex_clear (&inbox->lock);
  g_free (inbox);
}
