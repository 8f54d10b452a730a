/* graphbit-http-cork.c - one TCP segment for a request's headers and body
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A message does not expose its socket, but it reports its connection id,
 * and the connection itself when it is established (network-event). So
 * each worker remembers connection id → socket, forgetting entries when
 * the connection object goes away, and each message corks that socket
 * while its request is written.
 */

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "graphbit-http-cork-private.h"

struct _GraphbitConnectionSockets
{
  GHashTable *by_id;   /* connection id → Entry */
};

typedef struct
{
  GraphbitConnectionSockets *owner;
  guint64 id;
  GObject *connection;   /* weak */
  GSocket *socket;       /* owned by the connection */
} Entry;

static void
on_connection_finalized (gpointer  data,
                         GObject  *where_the_connection_was)
{
  Entry *entry = data;

  entry->connection = NULL;
  g_hash_table_remove (entry->owner->by_id, &entry->id);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  if (entry->connection != NULL)
    g_object_weak_unref (entry->connection, on_connection_finalized, entry);
  g_free (entry);
}

GraphbitConnectionSockets *
graphbit_connection_sockets_new (void)
{
  GraphbitConnectionSockets *sockets = g_new0 (GraphbitConnectionSockets, 1);

  sockets->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, entry_free);
  return sockets;
}

void
graphbit_connection_sockets_free (GraphbitConnectionSockets *sockets)
{
  if (sockets == NULL)
    return;
  g_hash_table_unref (sockets->by_id);
  g_free (sockets);
}

static void
set_cork (GSocket  *socket,
          gboolean  on)
{
  /* Failure only costs the optimisation; never fail the request. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_CORK, on, NULL);
}

static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  GraphbitConnectionSockets *sockets = user_data;
  g_autoptr(GIOStream) base = NULL;
  Entry *entry;

  if (event != G_SOCKET_CLIENT_COMPLETE || connection == NULL)
    return;
  /* A TLS connection wraps the TCP one; cork the TCP socket below it. */
  if (G_IS_TLS_CONNECTION (connection))
    g_object_get (connection, "base-io-stream", &base, NULL);
  else
    base = g_object_ref (connection);
  if (!G_IS_SOCKET_CONNECTION (base))
    return;

  entry = g_new0 (Entry, 1);
  entry->owner = sockets;
  entry->id = soup_message_get_connection_id (msg);
  entry->connection = G_OBJECT (connection);
  entry->socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));
  g_object_weak_ref (entry->connection, on_connection_finalized, entry);
  g_hash_table_replace (sockets->by_id, &entry->id, entry);
}

static void
on_starting (SoupMessage *msg,
             gpointer     user_data)
{
  GraphbitConnectionSockets *sockets = user_data;
  guint64 id = soup_message_get_connection_id (msg);
  Entry *entry = g_hash_table_lookup (sockets->by_id, &id);

  if (entry == NULL)
    return;
  set_cork (entry->socket, TRUE);
  g_object_set_data_full (G_OBJECT (msg), "graphbit-corked-socket", g_object_ref (entry->socket), g_object_unref);
}

static void
uncork (SoupMessage *msg,
        gpointer     user_data)
{
  GSocket *socket = g_object_steal_data (G_OBJECT (msg), "graphbit-corked-socket");

  if (socket == NULL)
    return;
  set_cork (socket, FALSE);
  g_object_unref (socket);
}

void
graphbit_http_cork_message (SoupMessage               *msg,
                            GraphbitConnectionSockets *sockets)
{
  g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), sockets);
  g_signal_connect (msg, "starting", G_CALLBACK (on_starting), sockets);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (uncork), sockets);
  /* If the write fails half-way, never leave the socket corked. */
  g_signal_connect (msg, "finished", G_CALLBACK (uncork), sockets);
}
