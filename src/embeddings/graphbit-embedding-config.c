/* graphbit-embedding-config.c - which embedding provider, model and endpoint to use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-embedding-config-private.h"
#include "graphbit-enum-types.h"
#include "graphbit-error-private.h"
#include "providers/graphbit-endpoint-private.h"

/**
 * GraphbitEmbeddingConfig:
 *
 * An immutable description of an embedding endpoint: the provider's
 * protocol, the model, the base URL and the API key. Create one with
 * [ctor@Graphbit.EmbeddingConfig.openai],
 * [ctor@Graphbit.EmbeddingConfig.huggingface] or
 * [ctor@Graphbit.EmbeddingConfig.ollama]; share it freely between threads
 * and clients.
 *
 * The API key can be set but never read back through the object's
 * properties, so it cannot leak through introspection, `repr()` or logs.
 */
struct _GraphbitEmbeddingConfig
{
  GObject parent_instance;

  GraphbitEndpoint endpoint;   /* provider, model, base URL, key */
};

G_DEFINE_FINAL_TYPE (GraphbitEmbeddingConfig, graphbit_embedding_config, G_TYPE_OBJECT)

/* The Hugging Face base is the router's hf-inference provider; requests go
 * to {base}/models/{model}/pipeline/feature-extraction (wire-protocols §6.1). */
static const GraphbitEndpointDefaults provider_defaults[] = {
  [GRAPHBIT_EMBEDDING_PROVIDER_OPENAI] = {
    "openai", "OpenAI", "text-embedding-3-small", "https://api.openai.com/v1",
    "OPENAI_API_KEY", "OPENAI_BASE_URL", 0,
  },
  [GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE] = {
    "huggingface", "Hugging Face", "sentence-transformers/all-MiniLM-L6-v2",
    "https://router.huggingface.co/hf-inference",
    "HF_TOKEN", "HF_BASE_URL", 0,
  },
  [GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA] = {
    "ollama", "Ollama", "nomic-embed-text", "http://localhost:11434",
    NULL, "OLLAMA_HOST", 11434,
  },
};

static void
graphbit_embedding_config_constructed (GObject *object)
{
  GraphbitEndpoint *endpoint = &GRAPHBIT_EMBEDDING_CONFIG (object)->endpoint;

  G_OBJECT_CLASS (graphbit_embedding_config_parent_class)->constructed (object);
  graphbit_endpoint_fill_defaults (endpoint, &provider_defaults[endpoint->provider]);
}

static void
graphbit_embedding_config_finalize (GObject *object)
{
  graphbit_endpoint_clear (&GRAPHBIT_EMBEDDING_CONFIG (object)->endpoint);
  G_OBJECT_CLASS (graphbit_embedding_config_parent_class)->finalize (object);
}

static void
graphbit_embedding_config_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  graphbit_endpoint_get_property (&GRAPHBIT_EMBEDDING_CONFIG (object)->endpoint, object, prop_id, value, pspec);
}

static void
graphbit_embedding_config_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  graphbit_endpoint_set_property (&GRAPHBIT_EMBEDDING_CONFIG (object)->endpoint, object, prop_id, value, pspec);
}

static void
graphbit_embedding_config_class_init (GraphbitEmbeddingConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = graphbit_embedding_config_constructed;
  object_class->finalize = graphbit_embedding_config_finalize;
  object_class->get_property = graphbit_embedding_config_get_property;
  object_class->set_property = graphbit_embedding_config_set_property;

  /* The properties, installed by graphbit_endpoint_install_properties():
   * every kind of config has the same four. */

  /**
   * GraphbitEmbeddingConfig:provider: (getter get_provider)
   *
   * The wire protocol of the endpoint.
   */

  /**
   * GraphbitEmbeddingConfig:model: (getter get_model)
   *
   * The embedding model's name as the provider knows it.
   */

  /**
   * GraphbitEmbeddingConfig:base-url: (getter get_base_url)
   *
   * The endpoint's base URL, without a trailing slash.
   */

  /**
   * GraphbitEmbeddingConfig:api-key:
   *
   * The API key. Write-only: it cannot be read back.
   */

  graphbit_endpoint_install_properties (object_class, GRAPHBIT_TYPE_EMBEDDING_PROVIDER);
}

static void
graphbit_embedding_config_init (GraphbitEmbeddingConfig *self)
{
}

static GraphbitEmbeddingConfig *
config_new (GraphbitEmbeddingProvider   provider,
            const char                 *api_key,
            const char                 *model,
            const char                 *base_url,
            GError                    **error)
{
  return graphbit_endpoint_new_config (GRAPHBIT_TYPE_EMBEDDING_CONFIG, "EmbeddingConfig", provider_defaults, provider,
                                       api_key, model, base_url, error);
}

/**
 * graphbit_embedding_config_openai: (constructor)
 * @api_key: (nullable): the API key, or %NULL to read `OPENAI_API_KEY`
 * @model: (nullable): the model, or %NULL for "text-embedding-3-small"
 * @base_url: (nullable): the base URL including the version path, or %NULL
 *   to read `OPENAI_BASE_URL` and else use "https://api.openai.com/v1".
 *   Any server with an OpenAI-compatible `/embeddings` works.
 * @error: return location for a #GError
 *
 * Creates a configuration for OpenAI embeddings
 * (`POST {base_url}/embeddings`). Any non-empty key is accepted; the
 * provider checks it.
 *
 * Returns: (transfer full): a new #GraphbitEmbeddingConfig, or %NULL with
 *   %GRAPHBIT_ERROR_CONFIGURATION if there is no key or the base URL is
 *   not an http(s) URL, or %GRAPHBIT_ERROR_VALIDATION for an empty model
 */
GraphbitEmbeddingConfig *
graphbit_embedding_config_openai (const char  *api_key,
                                  const char  *model,
                                  const char  *base_url,
                                  GError     **error)
{
  return config_new (GRAPHBIT_EMBEDDING_PROVIDER_OPENAI, api_key, model, base_url, error);
}

/**
 * graphbit_embedding_config_huggingface: (constructor)
 * @api_key: (nullable): the access token, or %NULL to read `HF_TOKEN`
 * @model: (nullable): the model id, or %NULL for
 *   "sentence-transformers/all-MiniLM-L6-v2"
 * @base_url: (nullable): the inference base URL, or %NULL to read
 *   `HF_BASE_URL` and else use "https://router.huggingface.co/hf-inference"
 * @error: return location for a #GError
 *
 * Creates a configuration for Hugging Face feature extraction
 * (`POST {base_url}/models/{model}/pipeline/feature-extraction`). Pooled
 * sentence-embedding models and token-level models both work: token
 * vectors are mean-pooled.
 *
 * Returns: (transfer full): a new #GraphbitEmbeddingConfig, or %NULL with
 *   %GRAPHBIT_ERROR_CONFIGURATION if there is no token or the base URL is
 *   not an http(s) URL, or %GRAPHBIT_ERROR_VALIDATION for an empty model
 */
GraphbitEmbeddingConfig *
graphbit_embedding_config_huggingface (const char  *api_key,
                                       const char  *model,
                                       const char  *base_url,
                                       GError     **error)
{
  return config_new (GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE, api_key, model, base_url, error);
}

/**
 * graphbit_embedding_config_ollama: (constructor)
 * @model: (nullable): the model, or %NULL for "nomic-embed-text"
 * @base_url: (nullable): the server, or %NULL to read `OLLAMA_HOST` (which
 *   may be a bare "host" or "host:port") and else use
 *   "http://localhost:11434"
 * @error: return location for a #GError
 *
 * Creates a configuration for a local or remote Ollama server
 * (`POST {base_url}/api/embed`). No key is needed.
 *
 * Returns: (transfer full): a new #GraphbitEmbeddingConfig, or %NULL with
 *   %GRAPHBIT_ERROR_CONFIGURATION if the base URL is not an http(s) URL,
 *   or %GRAPHBIT_ERROR_VALIDATION for an empty model
 */
GraphbitEmbeddingConfig *
graphbit_embedding_config_ollama (const char  *model,
                                  const char  *base_url,
                                  GError     **error)
{
  return config_new (GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA, NULL, model, base_url, error);
}

/**
 * graphbit_embedding_config_get_provider:
 * @self: a #GraphbitEmbeddingConfig
 *
 * Gets which provider's protocol the endpoint speaks.
 *
 * Returns: the wire protocol of the endpoint
 */
GraphbitEmbeddingProvider
graphbit_embedding_config_get_provider (GraphbitEmbeddingConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CONFIG (self), GRAPHBIT_EMBEDDING_PROVIDER_OPENAI);
  return self->endpoint.provider;
}

/**
 * graphbit_embedding_config_get_provider_name:
 * @self: a #GraphbitEmbeddingConfig
 *
 * Gets the provider's short name, as Python's `EmbeddingConfig.provider()`
 * shows it.
 *
 * Returns: the provider's short name: "openai", "huggingface" or "ollama"
 */
const char *
graphbit_embedding_config_get_provider_name (GraphbitEmbeddingConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CONFIG (self), NULL);
  return provider_defaults[self->endpoint.provider].name;
}

/**
 * graphbit_embedding_config_get_model:
 * @self: a #GraphbitEmbeddingConfig
 *
 * Gets the embedding model requests name, the default one if none was given.
 *
 * Returns: the model name
 */
const char *
graphbit_embedding_config_get_model (GraphbitEmbeddingConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CONFIG (self), NULL);
  return self->endpoint.model;
}

/**
 * graphbit_embedding_config_get_base_url:
 * @self: a #GraphbitEmbeddingConfig
 *
 * Gets the URL requests are sent under, as resolved from the argument, the
 * provider's environment variable or the public endpoint.
 *
 * Returns: the base URL, without a trailing slash
 */
const char *
graphbit_embedding_config_get_base_url (GraphbitEmbeddingConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CONFIG (self), NULL);
  return self->endpoint.base_url;
}

/**
 * graphbit_embedding_config_has_api_key:
 * @self: a #GraphbitEmbeddingConfig
 *
 * Gets whether an API key was given or found in the environment; the key
 * itself is write-only.
 *
 * Returns: whether the configuration holds an API key (the key itself
 *   cannot be read back)
 */
gboolean
graphbit_embedding_config_has_api_key (GraphbitEmbeddingConfig *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CONFIG (self), FALSE);
  return self->endpoint.api_key != NULL;
}

const char *
graphbit_embedding_config_get_api_key (GraphbitEmbeddingConfig *self)
{
  return self->endpoint.api_key;
}
