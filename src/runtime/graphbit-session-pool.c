/* graphbit-session-pool.c - a worker's SoupSessions, sharded by load
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-session-pool-private.h"
#include "graphbit-blocking-watch-private.h"
#include "graphbit-proxy-private.h"

/* Requests one session carries at once, each on a connection of its own.
 * Kept small: to pick a connection for a message, libsoup 3.2 checks the
 * session's idle connections with a non-blocking read each (a syscall and
 * a GError). At 64 in flight, a session of 64 cost ~52 reads per request
 * and one of 8 about 7: 119 -> 103 us of CPU per completion, against the
 * hand-written client's 106 (perf stat, scripts/bench.sh's scenario). */
#define SHARD_CAPACITY 8

struct _GraphbitSessionShard
{
  SoupSession *session;
  guint in_flight;
};

/* Connections the blocking session may open: one per thread blocked in
 * a call at the same time. */
#define BLOCKING_SESSION_CONNECTIONS 256

struct _GraphbitSessionPool
{
  GPtrArray *shards;   /* GraphbitSessionShard*, in the order they were opened */
  SoupSession *blocking;
  GMainContext *blocking_context;   /* the blocking session's; never iterated */
};

static SoupSession *
session_new (guint connections)
{
  /* libsoup's defaults are 2 connections per host and a 60 s inactivity
   * timeout; graphbit limits load itself and enforces its own deadlines. */
  SoupSession *session = soup_session_new_with_options ("max-conns", connections,
                                                        "max-conns-per-host", connections,
                                                        "timeout", 0,
                                                        "idle-timeout", 60,
                                                        "user-agent", "graphbit/" PACKAGE_VERSION " ",
                                                        NULL);

  graphbit_proxy_configure_session (session, graphbit_blocking_watch_in_forked_child ());
  return session;
}

static GraphbitSessionShard *
shard_new (void)
{
  GraphbitSessionShard *shard = g_new0 (GraphbitSessionShard, 1);

  shard->session = session_new (SHARD_CAPACITY);
  return shard;
}

static void
shard_free (gpointer data)
{
  GraphbitSessionShard *shard = data;

  g_object_unref (shard->session);
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
  if (pool->blocking != NULL)
    {
      /* What closing its connections leaves behind runs before the
       * context goes. */
      g_main_context_push_thread_default (pool->blocking_context);
      g_clear_object (&pool->blocking);
      while (g_main_context_pending (pool->blocking_context))
        g_main_context_iteration (pool->blocking_context, FALSE);
      g_main_context_pop_thread_default (pool->blocking_context);
      g_clear_pointer (&pool->blocking_context, g_main_context_unref);
    }
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

guint
graphbit_session_pool_get_n_shards (GraphbitSessionPool *pool)
{
  return pool->shards->len;
}

SoupSession *
graphbit_session_pool_get_blocking_session (GraphbitSessionPool *pool)
{
  if (pool->blocking == NULL)
    {
      /* libsoup kicks its session's context when a message is queued or
       * done. Blocking sends need nothing run there, so the session gets a
       * context of its own that no thread iterates: on the worker's, each
       * kick woke the worker to contend for the session's lock (5 futex
       * calls and 2 wake-ups per request). */
      pool->blocking_context = g_main_context_new ();
      g_main_context_push_thread_default (pool->blocking_context);
      pool->blocking = session_new (BLOCKING_SESSION_CONNECTIONS);
      g_main_context_pop_thread_default (pool->blocking_context);
    }
  return pool->blocking;
}
