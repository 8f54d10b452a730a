/* graphbit-http-errors.c - HTTP and transport failures as graphbit errors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "graphbit-http-private.h"
#include "graphbit-error-private.h"
#include "graphbit-proxy-private.h"

/* Error bodies are kept in the error details for diagnosis, up to this. */
#define MAX_KEPT_BODY 8192

static char *
uri_for_message (GUri *uri)
{
  /* Never print userinfo or query strings: they may carry credentials. */
  return uri != NULL
       ? g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT)
       : g_strdup ("(no URL)");
}

static void
set_common_details (GError                    *error,
                    const GraphbitHttpOptions *options)
{
  graphbit_error_set_operation (error, options->operation);
  graphbit_error_set_provider (error, options->provider);
}

GError *
graphbit_http_error_from_transport (const GError              *error,
                                    const GraphbitHttpOptions *options,
                                    GUri                      *uri)
{
  g_autofree char *where = NULL;
  g_autofree char *proxy = NULL;
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s %s was cancelled",
                        options->provider_label, options->operation);

  /* A failure through a proxy may be the proxy's: name it. */
  proxy = graphbit_proxy_describe_for (uri);
  where = uri_for_message (uri);
  if (proxy != NULL)
    {
      char *through = g_strdup_printf ("%s (through the proxy %s)", where, proxy);

      g_free (where);
      where = through;
    }

  if (error->domain == G_RESOLVER_ERROR)
    mapped = graphbit_error_new (GRAPHBIT_ERROR_NETWORK,
                                 "%s %s: could not resolve the host of %s: %s",
                                 options->provider_label, options->operation, where, error->message);
  else if (error->domain == G_TLS_ERROR)
    mapped = graphbit_error_new (GRAPHBIT_ERROR_NETWORK,
                                 "%s %s: TLS failure talking to %s: %s "
                                 "(certificate verification is always on; fix the server's certificate "
                                 "or the system's trust store)",
                                 options->provider_label, options->operation, where, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    mapped = graphbit_error_new (GRAPHBIT_ERROR_NETWORK,
                                 "%s %s: connection to %s refused; %s",
                                 options->provider_label, options->operation, where,
                                 proxy != NULL ? "is the proxy running, and are the proxy variables right?"
                                               : "is the server running and the base URL right?");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NEED_AUTH)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_AUTH_FAILED))
    mapped = graphbit_error_new (GRAPHBIT_ERROR_AUTHENTICATION,
                                 "%s %s: the proxy refused to connect to %s: %s; give its credentials "
                                 "in the proxy variable, as http://user:password@host:port",
                                 options->provider_label, options->operation, where, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)
           || error->domain == SOUP_SESSION_ERROR)
    mapped = graphbit_error_new (GRAPHBIT_ERROR_NETWORK,
                                 "%s %s: the connection to %s was closed before the response was complete: %s",
                                 options->provider_label, options->operation, where, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    mapped = graphbit_error_new (GRAPHBIT_ERROR_TIMEOUT,
                                 "%s %s: %s did not answer in time: %s",
                                 options->provider_label, options->operation, where, error->message);
  else
    mapped = graphbit_error_new (GRAPHBIT_ERROR_NETWORK,
                                 "%s %s: network error talking to %s: %s",
                                 options->provider_label, options->operation, where, error->message);

  set_common_details (mapped, options);
  return mapped;
}

gdouble
graphbit_http_parse_retry_after (SoupMessageHeaders *headers)
{
  const char *value;
  char *end = NULL;
  gdouble seconds;

  /* The non-standard millisecond header is more precise; prefer it. */
  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL)
    {
      seconds = g_ascii_strtod (value, &end) / 1000.0;
      if (end != value && seconds >= 0)
        return seconds;
    }

  value = soup_message_headers_get_one (headers, "Retry-After");
  if (value == NULL)
    return -1.0;
  seconds = g_ascii_strtod (value, &end);
  if (end != value && seconds >= 0)
    return seconds;

  /* The HTTP-date form. */
  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    if (when != NULL)
      return MAX (0.0, g_date_time_difference (when, now) / (gdouble) G_TIME_SPAN_SECOND);
  }
  return -1.0;
}

gboolean
graphbit_http_is_json (SoupMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

  return type != NULL
      && (g_ascii_strcasecmp (type, "application/json") == 0 || g_str_has_suffix (type, "+json"));
}

static char *
kept_body (GBytes *body)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  if (data == NULL || len == 0)
    return NULL;
  return g_utf8_make_valid (data, MIN (len, MAX_KEPT_BODY));
}

/* "to <Location>" of a redirect, resolved against the request's URL,
 * without userinfo or query; NULL without a usable Location. */
static char *
redirect_target (SoupMessage *msg)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  g_autoptr(GUri) target = NULL;
  g_autofree char *shown = NULL;

  if (location == NULL)
    return NULL;
  target = g_uri_parse_relative (soup_message_get_uri (msg), location, SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL)
    return NULL;
  shown = uri_for_message (target);
  return g_strconcat ("to ", shown, NULL);
}

GError *
graphbit_http_error_from_status (SoupMessage               *msg,
                                 GBytes                    *body,
                                 const GraphbitHttpOptions *options,
                                 const char                *provider_label,
                                 const char                *provider_message)
{
  guint status = soup_message_get_status (msg);
  const char *reason = soup_message_get_reason_phrase (msg);
  g_autofree char *text = kept_body (body);
  g_autofree char *explanation = NULL;
  GraphbitError code;
  gdouble retry_after = -1.0;
  GError *error;

  if (provider_message != NULL && provider_message[0] != '\0')
    explanation = g_strdup (provider_message);
  else if (text != NULL)
    explanation = g_strndup (text, 500);
  else
    explanation = g_strdup ("(empty body)");

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      code = GRAPHBIT_ERROR_AUTHENTICATION;
      break;
    case SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED:
      /* Said by a proxy, not the provider: the fix is in the proxy variable. */
      code = GRAPHBIT_ERROR_AUTHENTICATION;
      g_free (explanation);
      explanation = g_strdup ("the proxy wants credentials; give them in the proxy variable, "
                              "as http://user:password@host:port");
      break;
    case 429:   /* Too Many Requests */
    case 529:   /* Anthropic: overloaded */
      code = GRAPHBIT_ERROR_RATE_LIMIT;
      retry_after = graphbit_http_parse_retry_after (soup_message_get_response_headers (msg));
      break;
    default:
      code = GRAPHBIT_ERROR_PROVIDER;
      if (SOUP_STATUS_IS_REDIRECTION (status))
        {
          /* Not followed (see graphbit_http_new_json_post()): the base URL
           * is not the API's, and the answer says where it is. */
          g_autofree char *target = redirect_target (msg);

          code = GRAPHBIT_ERROR_CONFIGURATION;
          g_free (explanation);
          explanation = g_strdup_printf ("the server redirects %s; graphbit does not follow redirects "
                                         "(one would carry the API key to another host): "
                                         "set the base URL to the address the API is at",
                                         target != NULL ? target : "without saying where");
        }
      break;
    }

  error = graphbit_error_new (code, "%s %s failed with HTTP %u%s%s: %s",
                              provider_label, options->operation, status,
                              reason != NULL && reason[0] != '\0' ? " " : "",
                              reason != NULL ? reason : "", explanation);
  set_common_details (error, options);
  graphbit_error_set_http (error, status, text);
  if (retry_after >= 0)
    graphbit_error_set_retry (error, 0, retry_after);
  return error;
}

GError *
graphbit_http_error_from_failure (const GError              *error,
                                  GraphbitHttpFailureCause   cause,
                                  const GraphbitHttpOptions *options,
                                  GUri                      *uri,
                                  gint64                     started_at)
{
  GError *mapped;

  switch (cause)
    {
    case GRAPHBIT_HTTP_FAILURE_TIMED_OUT:
      mapped = graphbit_error_new (GRAPHBIT_ERROR_TIMEOUT,
                                   "%s %s timed out: no answer within %u ms (per-attempt timeout)",
                                   options->provider_label, options->operation, options->timeout_ms);
      set_common_details (mapped, options);
      graphbit_error_set_duration_ms (mapped, (g_get_monotonic_time () - started_at) / 1000);
      return mapped;
    case GRAPHBIT_HTTP_FAILURE_SHUT_DOWN:
      return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                          "%s %s was cancelled because the graphbit runtime shut down",
                          options->provider_label, options->operation);
    case GRAPHBIT_HTTP_FAILURE_TRANSPORT:
    default:
      if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s %s was cancelled",
                            options->provider_label, options->operation);
      return graphbit_http_error_from_transport (error, options, uri);
    }
}
