/* graphbit-endpoint-private.h - API keys and base URLs from arguments or the environment
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where a provider is and what it needs, when the caller does not say. */
typedef struct
{
  const char *name;              /* "openai": details, logs */
  const char *label;             /* "OpenAI": messages */
  const char *default_model;
  const char *default_base_url;
  const char *key_env;           /* NULL: no key needed */
  const char *base_url_env;
  guint bare_host_port;          /* non-zero: "host[:port]" is accepted */
} GraphbitEndpointDefaults;

/* What a config object (LlmConfig, EmbeddingConfig) holds. Its GObject
 * plumbing goes through the functions below, so every kind of config
 * stores, defaults and hides its key the same way. */
typedef struct
{
  gint provider;                 /* the class's provider enum */
  char *model;
  char *base_url;
  char *api_key;                 /* write-only through properties */
} GraphbitEndpoint;

/* The properties' ids: "provider", "model", "base-url", "api-key". */
typedef enum
{
  GRAPHBIT_ENDPOINT_PROP_PROVIDER = 1,
  GRAPHBIT_ENDPOINT_PROP_MODEL,
  GRAPHBIT_ENDPOINT_PROP_BASE_URL,
  GRAPHBIT_ENDPOINT_PROP_API_KEY,
  GRAPHBIT_ENDPOINT_N_PROPS
} GraphbitEndpointProperty;

/* Installs the four construct-only properties; @provider_type is the
 * class's provider enum, whose first value is the default. */
void     graphbit_endpoint_install_properties (GObjectClass                    *klass,
                                               GType                            provider_type);
void     graphbit_endpoint_get_property       (GraphbitEndpoint                *endpoint,
                                               GObject                         *object,
                                               guint                            prop_id,
                                               GValue                          *value,
                                               GParamSpec                      *pspec);
void     graphbit_endpoint_set_property       (GraphbitEndpoint                *endpoint,
                                               GObject                         *object,
                                               guint                            prop_id,
                                               const GValue                    *value,
                                               GParamSpec                      *pspec);
/* From constructed(): objects made with g_object_new() get the
 * constructors' defaults (a missing key is reported when a client needs it). */
void     graphbit_endpoint_fill_defaults      (GraphbitEndpoint                *endpoint,
                                               const GraphbitEndpointDefaults  *defaults);
/* From finalize(): frees everything, the key overwritten first. */
void     graphbit_endpoint_clear              (GraphbitEndpoint                *endpoint);
/* What a config constructor does: resolves and checks the values for
 * @provider (its row of @defaults), then creates an object of @type;
 * errors name the operation "@kind.provider". */
gpointer graphbit_endpoint_new_config         (GType                            type,
                                               const char                      *kind,
                                               const GraphbitEndpointDefaults  *defaults,
                                               gint                             provider,
                                               const char                      *api_key,
                                               const char                      *model,
                                               const char                      *base_url,
                                               GError                         **error);

/* What a config constructor checks and resolves: @model must not be empty
 * (NULL means the default); the key comes from @api_key or the key
 * variable (when the provider needs one), the base URL from @base_url, its
 * variable or the default. Errors name @operation and the field. */
gboolean graphbit_endpoint_resolve (const GraphbitEndpointDefaults  *defaults,
                                    const char                      *operation,
                                    const char                      *api_key,
                                    const char                      *model,
                                    const char                      *base_url,
                                    char                           **resolved_key,
                                    char                           **resolved_url,
                                    GError                         **error);

/* Takes @explicit_key if given, else the environment variable @env_var.
 * Fails with GRAPHBIT_ERROR_CONFIGURATION naming the variable when neither
 * is a non-blank string. The key itself never appears in the error. */
char *graphbit_endpoint_resolve_api_key  (const char  *operation,
                                          const char  *provider_label,
                                          const char  *explicit_key,
                                          const char  *env_var,
                                          GError     **error);

/* Takes @explicit_url, else the environment variable @env_var, else
 * @default_url; checks it is an absolute http(s) URL and strips trailing
 * slashes. With @default_port non-zero, a bare "host" or "host:port" (as
 * OLLAMA_HOST allows) is completed to http://host:port. */
char *graphbit_endpoint_resolve_base_url (const char  *operation,
                                          const char  *explicit_url,
                                          const char  *env_var,
                                          const char  *default_url,
                                          guint        default_port,
                                          GError     **error);

/* Whether @base_url's host is @host (used to tell the official endpoint
 * from compatible servers). */
gboolean graphbit_endpoint_host_is       (const char  *base_url,
                                          const char  *host);

G_END_DECLS
