/* graphbit-session-pool-private.h - a worker's SoupSessions, sharded by load
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>


G_BEGIN_DECLS

/* One worker's sessions. A SoupSession walks its whole queue of messages
 * on every event, so one session with a thousand requests in flight costs
 * milliseconds of CPU per request; a pool keeps each session to a few
 * dozen and opens another when all are busy. Requests go to the first
 * session with room, so light traffic stays on one session and keeps
 * reusing its connections. Worker thread only. */
typedef struct _GraphbitSessionPool  GraphbitSessionPool;
typedef struct _GraphbitSessionShard GraphbitSessionShard;

GraphbitSessionPool       *graphbit_session_pool_new          (void);
/* Frees the sessions (their connections close on the next iterations). */
void                       graphbit_session_pool_free         (GraphbitSessionPool  *pool);
/* A session for one request, counted until released. */
GraphbitSessionShard      *graphbit_session_pool_take         (GraphbitSessionPool  *pool);
void                       graphbit_session_pool_release      (GraphbitSessionPool  *pool,
                                                               GraphbitSessionShard *shard);
SoupSession               *graphbit_session_shard_get_session (GraphbitSessionShard *shard);
/* The session other threads send on with libsoup's blocking API (see
 * graphbit-http-blocking.c); created on first use, freed with the pool. */
SoupSession               *graphbit_session_pool_get_blocking_session (GraphbitSessionPool *pool);
/* How many sessions the pool has opened. */
guint                      graphbit_session_pool_get_n_shards (GraphbitSessionPool  *pool);

G_END_DECLS
