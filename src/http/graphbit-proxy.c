/* graphbit-proxy.c - which proxy graphbit's HTTP sessions use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Proxies come from the environment, as for curl, Python's requests and
 * httpx, the providers' SDKs and upstream GraphBit: http_proxy,
 * https_proxy, all_proxy and no_proxy, lower case first. libsoup's
 * default, GIO's system resolver (libproxy, or GNOME's settings), is used
 * only when GRAPHBIT_PROXY_RESOLVER=system asks for it, because:
 *
 *  - it looks up every new connection's proxy on GTask's shared thread
 *    pool; a process forked while such a lookup runs copies the GLib lock
 *    that thread holds, and the child waits for it forever (one run in
 *    50 to 300 of tests/c's fork test hung so, at its first fork);
 *  - in a forked child that pool has no threads, and every connection
 *    waited for its attempt timeout;
 *  - the settings it reads (GNOME's, PAC files) are rarely a server-side
 *    program's.
 *
 * (GIO still loads its default resolver once, when GSocketClient makes its
 * first proxy enumerator; the lookups are what go through ours.)
 *
 * Read when a session is made, so a change to the variables applies to
 * sessions made after it.
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "graphbit-proxy-private.h"

/* Each variable, lower case first (as curl, requests and httpx read them). */
static const char * const all_proxy_names[] = { "all_proxy", "ALL_PROXY", NULL };
static const char * const http_proxy_names[] = { "http_proxy", "HTTP_PROXY", NULL };
static const char * const https_proxy_names[] = { "https_proxy", "HTTPS_PROXY", NULL };
static const char * const no_proxy_names[] = { "no_proxy", "NO_PROXY", NULL };

/* The first of @names set in the environment (not empty), or NULL. */
static const char *
first_env (const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = g_getenv (names[i]);

      if (value != NULL && *value != '\0')
        return value;
    }
  return NULL;
}

gboolean
graphbit_proxy_uses_system_settings (void)
{
  static gsize checked = 0;
  static gboolean system = FALSE;

  if (g_once_init_enter (&checked))
    {
      const char *choice = g_getenv ("GRAPHBIT_PROXY_RESOLVER");

      if (g_strcmp0 (choice, "system") == 0)
        system = TRUE;
      else if (choice != NULL && *choice != '\0' && g_strcmp0 (choice, "environment") != 0)
        g_warning ("graphbit: GRAPHBIT_PROXY_RESOLVER is '%s', which is not 'environment' or 'system'; "
                   "using 'environment' (proxies from http_proxy, https_proxy, all_proxy, no_proxy)", choice);
      g_once_init_leave (&checked, 1);
    }
  return system;
}

/* no_proxy as curl reads it: comma-separated, blanks around entries
 * ignored, "*" alone for every host (sets @everything). GSimpleProxyResolver
 * already matches a name's subdomains and IP ranges. */
static GStrv
ignore_hosts_from (const char *no_proxy,
                   gboolean   *everything)
{
  g_auto(GStrv) entries = g_strsplit (no_proxy, ",", -1);
  g_autoptr(GStrvBuilder) hosts = g_strv_builder_new ();

  *everything = FALSE;
  for (guint i = 0; entries[i] != NULL; i++)
    {
      const char *entry = g_strstrip (entries[i]);

      if (g_str_equal (entry, "*"))
        *everything = TRUE;
      else if (*entry != '\0')
        g_strv_builder_add (hosts, entry);
    }
  return g_strv_builder_end (hosts);
}

/* A proxy variable's value as GIO wants it: curl and requests take
 * "host:port" for "http://host:port", and "socks5h" (the proxy resolves
 * names) for what GIO's "socks5" always does. NULL when @value is. */
static char *
proxy_uri_from (const char *value)
{
  if (value == NULL)
    return NULL;
  if (strstr (value, "://") == NULL)
    return g_strconcat ("http://", value, NULL);
  if (g_ascii_strncasecmp (value, "socks5h://", strlen ("socks5h://")) == 0)
    return g_strconcat ("socks5://", value + strlen ("socks5h://"), NULL);
  return g_strdup (value);
}

GProxyResolver *
graphbit_proxy_resolver_new (gboolean in_forked_child)
{
  const char *ignored = first_env (no_proxy_names);
  g_autofree char *all_uri = NULL;
  g_autofree char *http_uri = NULL;
  g_autofree char *https_uri = NULL;
  g_auto(GStrv) ignore_hosts = NULL;
  gboolean everything = FALSE;
  GProxyResolver *resolver;

  if (graphbit_proxy_uses_system_settings () && !in_forked_child)
    return NULL;
  if (ignored != NULL)
    ignore_hosts = ignore_hosts_from (ignored, &everything);
  if (everything)
    return g_simple_proxy_resolver_new (NULL, NULL);

  all_uri = proxy_uri_from (first_env (all_proxy_names));
  http_uri = proxy_uri_from (first_env (http_proxy_names));
  https_uri = proxy_uri_from (first_env (https_proxy_names));
  resolver = g_simple_proxy_resolver_new (all_uri, ignore_hosts);
  if (http_uri != NULL)
    g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "http", http_uri);
  if (https_uri != NULL)
    g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "https", https_uri);
  return resolver;
}

/* The proxy @resolver sends @target through, or NULL when it goes direct.
 * GSimpleProxyResolver answers at once, without I/O. */
static char *
proxy_for (GProxyResolver *resolver,
           const char     *target)
{
  g_auto(GStrv) proxies = g_proxy_resolver_lookup (resolver, target, NULL, NULL);

  if (proxies == NULL || proxies[0] == NULL || g_str_equal (proxies[0], "direct://"))
    return NULL;
  return g_strdup (proxies[0]);
}

char *
graphbit_proxy_describe_for (GUri *uri)
{
  g_autoptr(GProxyResolver) resolver = NULL;
  g_autofree char *target = NULL;
  g_autofree char *proxy_text = NULL;
  g_autoptr(GUri) proxy = NULL;

  if (uri == NULL || graphbit_proxy_uses_system_settings ())
    return NULL;
  resolver = graphbit_proxy_resolver_new (FALSE);
  target = g_uri_to_string (uri);
  proxy_text = proxy_for (resolver, target);
  if (proxy_text == NULL)
    return NULL;
  proxy = g_uri_parse (proxy_text, G_URI_FLAGS_NONE, NULL);
  /* Never the userinfo: it carries the proxy's password. */
  return proxy != NULL ? g_uri_to_string_partial (proxy, G_URI_HIDE_USERINFO)
                       : g_strdup ("(an unreadable proxy URI)");
}

/* The credentials of the proxy @resolver gives for @target, as a Basic
 * Proxy-Authorization value, or NULL when it has none (or no proxy). */
static char *
proxy_authorization_for (GProxyResolver *resolver,
                         const char     *target)
{
  g_autofree char *proxy_text = proxy_for (resolver, target);
  g_autoptr(GUri) proxy = NULL;
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  if (proxy_text == NULL)
    return NULL;
  proxy = g_uri_parse (proxy_text, G_URI_FLAGS_HAS_PASSWORD, NULL);
  if (proxy == NULL || g_uri_get_user (proxy) == NULL
      || (g_strcmp0 (g_uri_get_scheme (proxy), "http") != 0 && g_strcmp0 (g_uri_get_scheme (proxy), "https") != 0))
    return NULL;
  pair = g_strconcat (g_uri_get_user (proxy), ":", g_uri_get_password (proxy) != NULL ? g_uri_get_password (proxy) : "",
                      NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  memset (pair, 0, strlen (pair));
  return g_strconcat ("Basic ", encoded, NULL);
}

/* libsoup 3.2 answers a proxy's 407 by sending the message again with the
 * proxy's own address as its target (and a POST without its body), so
 * credentials in a proxy variable never got through. They are sent up
 * front instead: on the CONNECT that opens an https tunnel, and on a plain
 * http request, which goes to the proxy itself; never on a request inside
 * a tunnel, which the provider would read. */
static void
on_request_queued (SoupSession *session,
                   SoupMessage *msg,
                   gpointer     user_data)
{
  GProxyResolver *resolver = user_data;
  GUri *uri = soup_message_get_uri (msg);
  gboolean tunnel = g_strcmp0 (soup_message_get_method (msg), SOUP_METHOD_CONNECT) == 0;
  g_autofree char *target = NULL;
  g_autofree char *authorization = NULL;

  if (!tunnel && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return;
  target = g_strdup_printf ("%s://%s:%d/", tunnel ? "https" : "http", g_uri_get_host (uri), g_uri_get_port (uri));
  authorization = proxy_authorization_for (resolver, target);
  if (authorization == NULL)
    return;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Proxy-Authorization", authorization);
  memset (authorization, 0, strlen (authorization));
}

void
graphbit_proxy_configure_session (SoupSession *session,
                                  gboolean     in_forked_child)
{
  g_autoptr(GProxyResolver) resolver = graphbit_proxy_resolver_new (in_forked_child);
  const char * const * const groups[] = { all_proxy_names, http_proxy_names, https_proxy_names };
  gboolean credentials = FALSE;

  if (resolver == NULL)
    return;
  soup_session_set_proxy_resolver (session, resolver);
  /* Only the values in use: "user@" in one the resolver ignores adds nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (groups) && !credentials; i++)
    {
      const char *value = first_env (groups[i]);

      credentials = value != NULL && strchr (value, '@') != NULL;
    }
  if (credentials)
    g_signal_connect_data (session, "request-queued", G_CALLBACK (on_request_queued),
                           g_object_ref (resolver), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
}
