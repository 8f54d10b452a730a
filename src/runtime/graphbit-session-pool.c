/* graphbit-session-pool.c - a worker's SoupSessions, sharded by load
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-session-pool-private.h"

/* Requests one session carries at once: its queue stays short, and it
 * still has connections enough for them all. */
#define SHARD_CAPACITY 64

struct _GraphbitSessionShard
{
  SoupSession *session;
  GraphbitConnectionSockets *sockets;
  guint in_flight;
};

struct _GraphbitSessionPool
{
  GPtrArray *shards;   /* GraphbitSessionShard*, in the order they were opened */
};

static GraphbitSessionShard *
shard_new (void)
{
  GraphbitSessionShard *shard = g_new0 (GraphbitSessionShard, 1);

  /* libsoup's defaults are 2 connections per host and a 60 s inactivity
   * timeout; graphbit limits load itself and enforces its own deadlines. */
  shard->session = soup_session_new_with_options ("max-conns", SHARD_CAPACITY,
                                                  "max-conns-per-host", SHARD_CAPACITY,
                                                  "timeout", 0,
                                                  "idle-timeout", 60,
                                                  "user-agent", "graphbit/" PACKAGE_VERSION " ",
                                                  NULL);
  shard->sockets = graphbit_connection_sockets_new ();
  return shard;
}

static void
shard_free (gpointer data)
{
  GraphbitSessionShard *shard = data;

  g_object_unref (shard->session);
  graphbit_connection_sockets_free (shard->sockets);
  g_free (shard);
}

GraphbitSessionPool *
graphbit_session_pool_new (void)
{
  GraphbitSessionPool *pool = g_new0 (GraphbitSessionPool, 1);

  pool->shards = g_ptr_array_new_with_free_func (shard_free);
  return pool;
}

void
graphbit_session_pool_free (GraphbitSessionPool *pool)
{
  if (pool == NULL)
    return;
  g_ptr_array_unref (pool->shards);
  g_free (pool);
}

GraphbitSessionShard *
graphbit_session_pool_take (GraphbitSessionPool *pool)
{
  GraphbitSessionShard *shard = NULL;

  for (guint i = 0; i < pool->shards->len && shard == NULL; i++)
    {
      GraphbitSessionShard *candidate = g_ptr_array_index (pool->shards, i);

      if (candidate->in_flight < SHARD_CAPACITY)
        shard = candidate;
    }
  if (shard == NULL)
    {
      shard = shard_new ();
      g_ptr_array_add (pool->shards, shard);
    }
  shard->in_flight++;
  return shard;
}

void
graphbit_session_pool_release (GraphbitSessionPool  *pool,
                               GraphbitSessionShard *shard)
{
  g_return_if_fail (shard->in_flight > 0);
  shard->in_flight--;
}

SoupSession *
graphbit_session_shard_get_session (GraphbitSessionShard *shard)
{
  return shard->session;
}

GraphbitConnectionSockets *
graphbit_session_shard_get_sockets (GraphbitSessionShard *shard)
{
  return shard->sockets;
}

guint
graphbit_session_pool_get_n_shards (GraphbitSessionPool *pool)
{
  return pool->shards->len;
}
