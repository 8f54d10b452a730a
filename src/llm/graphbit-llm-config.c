/* graphbit-llm-config.c - which LLM provider, model and endpoint to use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-llm-config-private.h"
#include "graphbit-enum-types.h"
#include "graphbit-error-private.h"
#include "providers/graphbit-endpoint-private.h"

/**
 * GraphbitLlmConfig:
 *
 * An immutable description of an LLM endpoint: the provider's protocol,
 * the model, the base URL and the API key. Create one with
 * [ctor@Graphbit.LlmConfig.openai], [ctor@Graphbit.LlmConfig.anthropic] or
 * [ctor@Graphbit.LlmConfig.ollama]; share it freely between threads and
 * clients.
 *
 * The API key can be set but never read back through the object's
 * properties, so it cannot leak through introspection, `repr()` or logs.
 */
struct _GraphbitLlmConfig
{
  GObject parent_instance;

  GraphbitEndpoint endpoint;   /* provider, model, base URL, key */
};

G_DEFINE_FINAL_TYPE (GraphbitLlmConfig, graphbit_llm_config, G_TYPE_OBJECT)

static const GraphbitEndpointDefaults provider_defaults[] = {
  [GRAPHBIT_LLM_PROVIDER_OPENAI] = {
    "openai", "OpenAI", "gpt-4o-mini", "https://api.openai.com/v1",
    "OPENAI_API_KEY", "OPENAI_BASE_URL", 0,
  },
  [GRAPHBIT_LLM_PROVIDER_ANTHROPIC] = {
    "anthropic", "Anthropic", "claude-3-5-sonnet-20241022", "https://api.anthropic.com",
    "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", 0,
  },
  [GRAPHBIT_LLM_PROVIDER_OLLAMA] = {
    "ollama", "Ollama", "llama3.2", "http://localhost:11434",
    NULL, "OLLAMA_HOST", 11434,
  },
};

static void
graphbit_llm_config_constructed (GObject *object)
{
  GraphbitEndpoint *endpoint = &GRAPHBIT_LLM_CONFIG (object)->endpoint;

  G_OBJECT_CLASS (graphbit_llm_config_parent_class)->constructed (object);
  graphbit_endpoint_fill_defaults (endpoint, &provider_defaults[endpoint->provider]);
}

static void
graphbit_llm_config_finalize (GObject *object)
{
  graphbit_endpoint_clear (&GRAPHBIT_LLM_CONFIG (object)->endpoint);
  G_OBJECT_CLASS (graphbit_llm_config_parent_class)->finalize (object);
}

static void
graphbit_llm_config_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  graphbit_endpoint_get_property (&GRAPHBIT_LLM_CONFIG (object)->endpoint, object, prop_id, value, pspec);
}

static void
graphbit_llm_config_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  graphbit_endpoint_set_property (&GRAPHBIT_LLM_CONFIG (object)->endpoint, object, prop_id, value, pspec);
}

static void
graphbit_llm_config_class_init (GraphbitLlmConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = graphbit_llm_config_constructed;
  object_class->finalize = graphbit_llm_config_finalize;
  object_class->get_property = graphbit_llm_config_get_property;
  object_class->set_property = graphbit_llm_config_set_property;

  /* The properties, installed by graphbit_endpoint_install_properties():
   * every kind of config has the same four. */

  /**
   * GraphbitLlmConfig:provider: (getter get_provider)
   *
   * The wire protocol of the endpoint.
   */

  /**
   * GraphbitLlmConfig:model: (getter get_model)
   *
   * The model name sent to the provider.
   */

  /**
   * GraphbitLlmConfig:base-url: (getter get_base_url)
   *
   * The endpoint's base URL, without a trailing slash.
   */

  /**
   * GraphbitLlmConfig:api-key:
   *
   * The API key. Write-only: it cannot be read back.
   */

  graphbit_endpoint_install_properties (object_class, GRAPHBIT_TYPE_LLM_PROVIDER);
}

static void
graphbit_llm_config_init (GraphbitLlmConfig *self)
{
}

static GraphbitLlmConfig *
config_new (GraphbitLlmProvider   provider,
            const char           *api_key,
            const char           *model,
            const char           *base_url,
            GError              **error)
{
  return graphbit_endpoint_new_config (GRAPHBIT_TYPE_LLM_CONFIG, "LlmConfig", provider_defaults, provider,
                                       api_key, model, base_url, error);
}

/**
 * graphbit_llm_config_openai: (constructor)
 * @api_key: (nullable): the API key, or %NULL to read `OPENAI_API_KEY`
 * @model: (nullable): the model, or %NULL for "gpt-4o-mini"
 * @base_url: (nullable): the base URL including the version path, or %NULL
 *   to read `OPENAI_BASE_URL` and else use "https://api.openai.com/v1".
 *   Point it at any OpenAI-compatible server (vLLM, llama.cpp server, LM
 *   Studio, LiteLLM).
 * @error: return location for a #GError
 *
 * Creates a configuration for OpenAI Chat Completions. Any non-empty key
 * is accepted; the provider checks it.
 *
 * Returns: (transfer full): a new #GraphbitLlmConfig, or %NULL with
 *   %GRAPHBIT_ERROR_CONFIGURATION if there is no key or the base URL is
 *   not an http(s) URL
 */
GraphbitLlmConfig *
graphbit_llm_config_openai (const char  *api_key,
                            const char  *model,
                            const char  *base_url,
                            GError     **error)
{
  return config_new (GRAPHBIT_LLM_PROVIDER_OPENAI, api_key, model, base_url, error);
}

/**
 * graphbit_llm_config_anthropic: (constructor)
 * @api_key: (nullable): the API key, or %NULL to read `ANTHROPIC_API_KEY`
 * @model: (nullable): the model, or %NULL for "claude-3-5-sonnet-20241022"
 * @base_url: (nullable): the base URL without the version path, or %NULL
 *   to read `ANTHROPIC_BASE_URL` and else use "https://api.anthropic.com"
 * @error: return location for a #GError
 *
 * Creates a configuration for Anthropic Messages.
 *
 * Returns: (transfer full): a new #GraphbitLlmConfig, or %NULL with
 *   %GRAPHBIT_ERROR_CONFIGURATION if there is no key or the base URL is
 *   not an http(s) URL
 */
GraphbitLlmConfig *
graphbit_llm_config_anthropic (const char  *api_key,
                               const char  *model,
                               const char  *base_url,
                               GError     **error)
{
  return config_new (GRAPHBIT_LLM_PROVIDER_ANTHROPIC, api_key, model, base_url, error);
}

/**
 * graphbit_llm_config_ollama: (constructor)
 * @model: (nullable): the model, or %NULL for "llama3.2"
 * @base_url: (nullable): the server, or %NULL to read `OLLAMA_HOST` (which
 *   may be a bare "host" or "host:port") and else use
 *   "http://localhost:11434"
 * @error: return location for a #GError
 *
 * Creates a configuration for a local or remote Ollama server. No key is
 * needed.
 *
 * Returns: (transfer full): a new #GraphbitLlmConfig, or %NULL with
 *   %GRAPHBIT_ERROR_CONFIGURATION if the base URL is not an http(s) URL
 */
GraphbitLlmConfig *
graphbit_llm_config_ollama (const char  *model,
                            const char  *base_url,
                            GError     **error)
{
  return config_new (GRAPHBIT_LLM_PROVIDER_OLLAMA, NULL, model, base_url, error);
}

/**
 * graphbit_llm_config_get_provider:
 * @self: a #GraphbitLlmConfig
 *
 * Gets which provider's protocol the endpoint speaks.
 *
 * Returns: the wire protocol of the endpoint
 */
GraphbitLlmProvider
graphbit_llm_config_get_provider (GraphbitLlmConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CONFIG (self), GRAPHBIT_LLM_PROVIDER_OPENAI);
  return self->endpoint.provider;
}

/**
 * graphbit_llm_config_get_provider_name:
 * @self: a #GraphbitLlmConfig
 *
 * Gets the provider's short name, as Python's `LlmConfig.provider()` shows
 * it.
 *
 * Returns: the provider's short name: "openai", "anthropic" or "ollama"
 */
const char *
graphbit_llm_config_get_provider_name (GraphbitLlmConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CONFIG (self), NULL);
  return provider_defaults[self->endpoint.provider].name;
}

/**
 * graphbit_llm_config_get_model:
 * @self: a #GraphbitLlmConfig
 *
 * Gets the model requests name, the default one if none was given.
 *
 * Returns: the model name
 */
const char *
graphbit_llm_config_get_model (GraphbitLlmConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CONFIG (self), NULL);
  return self->endpoint.model;
}

/**
 * graphbit_llm_config_get_base_url:
 * @self: a #GraphbitLlmConfig
 *
 * Gets the URL requests are sent under, as resolved from the argument, the
 * provider's environment variable or the public endpoint.
 *
 * Returns: the base URL, without a trailing slash
 */
const char *
graphbit_llm_config_get_base_url (GraphbitLlmConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CONFIG (self), NULL);
  return self->endpoint.base_url;
}

/**
 * graphbit_llm_config_has_api_key:
 * @self: a #GraphbitLlmConfig
 *
 * Gets whether an API key was given or found in the environment; the key
 * itself is write-only.
 *
 * Returns: whether the configuration holds an API key (the key itself
 *   cannot be read back)
 */
gboolean
graphbit_llm_config_has_api_key (GraphbitLlmConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CONFIG (self), FALSE);
  return self->endpoint.api_key != NULL;
}

const char *
graphbit_llm_config_get_api_key (GraphbitLlmConfig *self)
{
  return self->endpoint.api_key;
}
