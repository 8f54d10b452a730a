/* graphbit-sync.c - blocking variants built on the async ones
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-sync-private.h"

static GPrivate thread_context = G_PRIVATE_INIT ((GDestroyNotify) g_main_context_unref);

gboolean
graphbit_sync_is_private_context (GMainContext *context)
{
  return context != NULL && context == g_private_get (&thread_context);
}

void
graphbit_sync_call_begin (GraphbitSyncCall *call)
{
  GMainContext *context = g_private_get (&thread_context);

  if (context == NULL)
    {
      context = g_main_context_new ();
      g_private_set (&thread_context, context);
    }
  call->context = g_main_context_ref (context);
  call->result = NULL;
  g_main_context_push_thread_default (call->context);
}

void
graphbit_sync_call_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GraphbitSyncCall *call = user_data;

  call->result = g_object_ref (result);
}

GAsyncResult *
graphbit_sync_call_wait (GraphbitSyncCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
  g_main_context_pop_thread_default (call->context);
  return call->result;
}

void
graphbit_sync_call_end (GraphbitSyncCall *call)
{
  g_clear_object (&call->result);
  g_clear_pointer (&call->context, g_main_context_unref);
}
