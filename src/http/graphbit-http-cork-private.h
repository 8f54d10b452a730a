/* graphbit-http-cork-private.h - one TCP segment for a request's headers and body
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Which socket each of a session's connections uses. One per worker, used
 * on that worker's thread only. */
typedef struct _GraphbitConnectionSockets GraphbitConnectionSockets;

GraphbitConnectionSockets *graphbit_connection_sockets_new  (void);
void                       graphbit_connection_sockets_free (GraphbitConnectionSockets *sockets);

/* libsoup writes a request's headers and its body with two writes. With
 * TCP_NODELAY (which GIO sets) that is two segments, and the server reads
 * the request twice. Corking the socket from "starting" until
 * "wrote-body" makes the kernel send both in one segment. Call before the
 * message is sent, on the thread that sends it. */
void graphbit_http_cork_message (SoupMessage               *msg,
                                 GraphbitConnectionSockets *sockets);

G_END_DECLS
