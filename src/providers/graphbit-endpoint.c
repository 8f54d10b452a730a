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

void
graphbit_endpoint_install_properties (GObjectClass *klass,
                                      GType         provider_type)
{
  GParamSpec *properties[GRAPHBIT_ENDPOINT_N_PROPS] = { NULL, };
  g_autoptr(GEnumClass) providers = g_type_class_ref (provider_type);

  properties[GRAPHBIT_ENDPOINT_PROP_PROVIDER] =
    g_param_spec_enum ("provider", NULL, NULL, provider_type, providers->minimum,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[GRAPHBIT_ENDPOINT_PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[GRAPHBIT_ENDPOINT_PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Write-only: the key cannot be read back through introspection. */
  properties[GRAPHBIT_ENDPOINT_PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (klass, GRAPHBIT_ENDPOINT_N_PROPS, properties);
}

void
graphbit_endpoint_get_property (GraphbitEndpoint *endpoint,
                                GObject          *object,
                                guint             prop_id,
                                GValue           *value,
                                GParamSpec       *pspec)
{
  switch ((GraphbitEndpointProperty) prop_id)
    {
    case GRAPHBIT_ENDPOINT_PROP_PROVIDER:
      g_value_set_enum (value, endpoint->provider);
      break;
    case GRAPHBIT_ENDPOINT_PROP_MODEL:
      g_value_set_string (value, endpoint->model);
      break;
    case GRAPHBIT_ENDPOINT_PROP_BASE_URL:
      g_value_set_string (value, endpoint->base_url);
      break;
    case GRAPHBIT_ENDPOINT_PROP_API_KEY:   /* write-only */
    case GRAPHBIT_ENDPOINT_N_PROPS:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
graphbit_endpoint_set_property (GraphbitEndpoint *endpoint,
                                GObject          *object,
                                guint             prop_id,
                                const GValue     *value,
                                GParamSpec       *pspec)
{
  switch ((GraphbitEndpointProperty) prop_id)
    {
    case GRAPHBIT_ENDPOINT_PROP_PROVIDER:
      endpoint->provider = g_value_get_enum (value);
      break;
    case GRAPHBIT_ENDPOINT_PROP_MODEL:
      endpoint->model = g_value_dup_string (value);
      break;
    case GRAPHBIT_ENDPOINT_PROP_BASE_URL:
      endpoint->base_url = g_value_dup_string (value);
      break;
    case GRAPHBIT_ENDPOINT_PROP_API_KEY:
      endpoint->api_key = g_value_dup_string (value);
      break;
    case GRAPHBIT_ENDPOINT_N_PROPS:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
graphbit_endpoint_fill_defaults (GraphbitEndpoint               *endpoint,
                                 const GraphbitEndpointDefaults *defaults)
{
  if (endpoint->model == NULL || endpoint->model[0] == '\0')
    {
      g_free (endpoint->model);
      endpoint->model = g_strdup (defaults->default_model);
    }
  if (endpoint->base_url == NULL)
    endpoint->base_url = g_strdup (defaults->default_base_url);
}

void
graphbit_endpoint_clear (GraphbitEndpoint *endpoint)
{
  g_clear_pointer (&endpoint->model, g_free);
  g_clear_pointer (&endpoint->base_url, g_free);
  if (endpoint->api_key != NULL)
    memset (endpoint->api_key, 0, strlen (endpoint->api_key));
  g_clear_pointer (&endpoint->api_key, g_free);
}

gpointer
graphbit_endpoint_new_config (GType                            type,
                              const char                      *kind,
                              const GraphbitEndpointDefaults  *defaults,
                              gint                             provider,
                              const char                      *api_key,
                              const char                      *model,
                              const char                      *base_url,
                              GError                         **error)
{
  g_autofree char *operation = g_strdup_printf ("%s.%s", kind, defaults[provider].name);
  g_autofree char *resolved_key = NULL;
  g_autofree char *resolved_url = NULL;
  gpointer config;

  if (!graphbit_endpoint_resolve (&defaults[provider], operation, api_key, model, base_url,
                                  &resolved_key, &resolved_url, error))
    return NULL;

  config = g_object_new (type,
                         "provider", provider,
                         "model", model,
                         "base-url", resolved_url,
                         "api-key", resolved_key,
                         NULL);
  if (resolved_key != NULL)
    memset (resolved_key, 0, strlen (resolved_key));
  return config;
}
