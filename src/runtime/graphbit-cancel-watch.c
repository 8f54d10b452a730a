/* graphbit-cancel-watch.c - act on a cancellation in a given main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-cancel-watch-private.h"

struct _GraphbitCancelWatch
{
  gatomicrefcount ref_count;        /* the owner's, plus one per pending idle */
  GCancellable *cancellable;
  gulong handler;
  GMainContext *context;
  GSourceFunc callback;
  gpointer user_data;
  gboolean removed;                 /* the context's thread only */
};

static GraphbitCancelWatch *
watch_ref (GraphbitCancelWatch *watch)
{
  g_atomic_ref_count_inc (&watch->ref_count);
  return watch;
}

static void
watch_unref (gpointer data)
{
  GraphbitCancelWatch *watch = data;

  if (!g_atomic_ref_count_dec (&watch->ref_count))
    return;
  g_object_unref (watch->cancellable);
  g_main_context_unref (watch->context);
  g_free (watch);
}

static gboolean
dispatch (gpointer data)
{
  GraphbitCancelWatch *watch = data;

  if (!watch->removed)
    {
      watch->removed = TRUE;   /* once */
      watch->callback (watch->user_data);
    }
  return G_SOURCE_REMOVE;
}

/* Any thread, inside g_cancellable_cancel(): only hands over to @context. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  GraphbitCancelWatch *watch = data;
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, dispatch, watch_ref (watch), watch_unref);
  g_source_set_static_name (source, "[graphbit] cancelled");
  g_source_attach (source, watch->context);
  g_source_unref (source);
}

GraphbitCancelWatch *
graphbit_cancel_watch_new (GCancellable *cancellable,
                           GMainContext *context,
                           GSourceFunc   callback,
                           gpointer      user_data)
{
  GraphbitCancelWatch *watch = g_new0 (GraphbitCancelWatch, 1);

  g_atomic_ref_count_init (&watch->ref_count);
  watch->cancellable = g_object_ref (cancellable);
  watch->context = g_main_context_ref (context);
  watch->callback = callback;
  watch->user_data = user_data;
  /* The handler borrows the owner's reference: disconnecting waits for a
   * handler running in another thread, and it never blocks. */
  watch->handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), watch, NULL);
  return watch;
}

void
graphbit_cancel_watch_free (GraphbitCancelWatch *watch)
{
  if (watch == NULL)
    return;
  watch->removed = TRUE;
  g_cancellable_disconnect (watch->cancellable, watch->handler);
  watch_unref (watch);
}
