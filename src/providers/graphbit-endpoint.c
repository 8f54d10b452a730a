/* graphbit-endpoint.c - API keys and base URLs from arguments or the environment
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "graphbit-endpoint-private.h"
#include "graphbit-error-private.h"
#include "graphbit-strings-private.h"

char *
graphbit_endpoint_resolve_api_key (const char  *operation,
                                   const char  *provider_label,
                                   const char  *explicit_key,
                                   const char  *env_var,
                                   GError     **error)
{
  const char *key = explicit_key;
  GError *local_error;

  if (key == NULL)
    key = g_getenv (env_var);
  if (!graphbit_str_is_blank (key))
    return g_strstrip (g_strdup (key));

  if (explicit_key != NULL)
    local_error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                      "The %s API key is empty: pass a non-empty api_key or set %s",
                                      provider_label, env_var);
  else
    local_error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                      "No %s API key: pass api_key or set the %s environment variable",
                                      provider_label, env_var);
  graphbit_error_set_operation (local_error, operation);
  graphbit_error_set_field (local_error, "api_key", NULL);
  graphbit_propagate_error (error, local_error);
  return NULL;
}

/* "host", "host:port", "[v6]:port" → "http://host:port". */
static char *
complete_bare_host (const char *text,
                    guint       default_port)
{
  gboolean has_port;

  if (strstr (text, "://") != NULL)
    return g_strdup (text);

  if (text[0] == '[')
    has_port = strstr (text, "]:") != NULL;
  else
    has_port = strchr (text, ':') != NULL;
  return has_port ? g_strconcat ("http://", text, NULL)
                  : g_strdup_printf ("http://%s:%u", text, default_port);
}

char *
graphbit_endpoint_resolve_base_url (const char  *operation,
                                    const char  *explicit_url,
                                    const char  *env_var,
                                    const char  *default_url,
                                    guint        default_port,
                                    GError     **error)
{
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *source = "base_url";
  const char *text = explicit_url;
  const char *scheme;
  gsize len;

  if (text == NULL && env_var != NULL && !graphbit_str_is_blank (g_getenv (env_var)))
    {
      text = g_getenv (env_var);
      source = env_var;
    }
  if (text == NULL)
    text = default_url;

  url = g_strstrip (g_strdup (text));
  if (default_port != 0 && url[0] != '\0')
    {
      char *completed = complete_bare_host (url, default_port);
      g_free (url);
      url = completed;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &parse_error);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || scheme == NULL
      || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      GError *local_error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                                "Invalid %s '%s': expected an absolute http:// or https:// URL "
                                                "such as https://api.example.com/v1",
                                                source, url);
      graphbit_error_set_operation (local_error, operation);
      graphbit_error_set_field (local_error, "base_url", url);
      graphbit_propagate_error (error, local_error);
      return NULL;
    }

  /* Paths are appended with a leading '/', so drop trailing ones. */
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  return g_steal_pointer (&url);
}

gboolean
graphbit_endpoint_host_is (const char *base_url,
                           const char *host)
{
  g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL
      && g_ascii_strcasecmp (g_uri_get_host (uri), host) == 0;
}

gboolean
graphbit_endpoint_resolve (const GraphbitEndpointDefaults  *defaults,
                           const char                      *operation,
                           const char                      *api_key,
                           const char                      *model,
                           const char                      *base_url,
                           char                           **resolved_key,
                           char                           **resolved_url,
                           GError                         **error)
{
  g_autofree char *key = NULL;

  if (model != NULL && model[0] == '\0')
    {
      graphbit_propagate_error (error,
        graphbit_error_new_validation (operation, "model", model,
                                       "The model name is empty: pass a model such as '%s', or None for the default",
                                       defaults->default_model));
      return FALSE;
    }

  if (defaults->key_env != NULL)
    {
      key = graphbit_endpoint_resolve_api_key (operation, defaults->label, api_key, defaults->key_env, error);
      if (key == NULL)
        return FALSE;
    }

  *resolved_url = graphbit_endpoint_resolve_base_url (operation, base_url, defaults->base_url_env,
                                                      defaults->default_base_url, defaults->bare_host_port, error);
  if (*resolved_url == NULL)
    {
      if (key != NULL)
        memset (key, 0, strlen (key));
      return FALSE;
    }
  *resolved_key = g_steal_pointer (&key);
  return TRUE;
}
