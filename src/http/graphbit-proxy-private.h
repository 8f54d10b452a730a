/* graphbit-proxy-private.h - which proxy graphbit's HTTP sessions use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Whether GRAPHBIT_PROXY_RESOLVER=system asks for GIO's default resolver
 * (desktop settings, PAC) instead of the environment variables. */
gboolean        graphbit_proxy_uses_system_settings (void);

/* The resolver for a new session: one made from http_proxy, https_proxy,
 * all_proxy and no_proxy (upper case too), or NULL to keep libsoup's
 * default, GIO's system resolver. @in_forked_child: the system resolver
 * does not work there (see graphbit-proxy.c). */
GProxyResolver *graphbit_proxy_resolver_new         (gboolean in_forked_child);

/* Gives @session the resolver above, and, when a proxy variable carries
 * credentials, sends them up front (see graphbit-proxy.c: libsoup 3.2
 * cannot answer a proxy's 407 itself). */
void            graphbit_proxy_configure_session    (SoupSession *session,
                                                     gboolean     in_forked_child);

/* For error messages: the proxy the environment's variables send @uri
 * through, without its credentials, or NULL when it goes direct (or when
 * GRAPHBIT_PROXY_RESOLVER=system, whose answer may take a lookup). */
char           *graphbit_proxy_describe_for         (GUri    *uri);

G_END_DECLS
