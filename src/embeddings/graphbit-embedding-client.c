/* graphbit-embedding-client.c - turning texts into embedding vectors: the client and its settings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The operations (embed_text, embed_batch, embed_document) are in
 * graphbit-embedding-batch.c; retries, breaker, limits and statistics are
 * the call host's (resilience/graphbit-call-host.c), shared with the LLM
 * client.
 */

#include "config.h"

#include <math.h>

#include "graphbit-embedding-client-private.h"
#include "graphbit-error-private.h"

/**
 * GraphbitEmbeddingClient:
 *
 * A client for one [class@Graphbit.EmbeddingConfig]. Every call has an
 * asynchronous variant (`_async`/`_finish`, delivering its result in the
 * thread-default main context of the caller, as GIO does) and a blocking
 * one that never iterates the caller's main context.
 *
 * Texts are sent in requests of at most the provider's batch size (2048
 * for OpenAI, 32 for Hugging Face, 256 for Ollama; see
 * [method@Graphbit.EmbeddingClient.set_batching]), a few at a time, and
 * the vectors come back in input order. Each request is a call with the
 * same resilience as an [class@Graphbit.LlmClient]'s: retries with backoff
 * and `Retry-After`, a circuit breaker, per-attempt timeouts and a
 * deadline, client-side rate limits, cancellation, typed errors with
 * details. A Hugging Face model that is still loading is waited for.
 *
 * A client is thread-safe and meant to be created once and reused.
 */
struct _GraphbitEmbeddingClient
{
  GObject parent_instance;

  GraphbitEmbeddingConfig *config;
  const GraphbitEmbeddingCodec *codec;
  gboolean debug;
  gint max_batch_size;               /* atomic; 0: the provider's */
  gint max_concurrency;              /* atomic; 0: the default */
  GraphbitCallHost host;             /* settings, breaker, limits, statistics */
};

G_DEFINE_FINAL_TYPE (GraphbitEmbeddingClient, graphbit_embedding_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_DEBUG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
graphbit_embedding_client_constructed (GObject *object)
{
  GraphbitEmbeddingClient *self = GRAPHBIT_EMBEDDING_CLIENT (object);

  G_OBJECT_CLASS (graphbit_embedding_client_parent_class)->constructed (object);

  if (self->config == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* g_object_new() without a config: fall back to the environment's
       * OpenAI settings; calls report the problem if there are none. */
      self->config = graphbit_embedding_config_openai (NULL, NULL, NULL, &error);
    }
  self->codec = graphbit_embedding_codec_for_provider (self->config != NULL
                                                       ? graphbit_embedding_config_get_provider (self->config)
                                                       : GRAPHBIT_EMBEDDING_PROVIDER_OPENAI);
  graphbit_call_host_set_identity (&self->host, "embedding", self->codec->name, self->codec->label,
                                   self->config != NULL ? graphbit_embedding_config_get_model (self->config) : NULL,
                                   self->codec->default_timeout_ms);
}

static void
graphbit_embedding_client_finalize (GObject *object)
{
  GraphbitEmbeddingClient *self = GRAPHBIT_EMBEDDING_CLIENT (object);

  /* The host first: it unlists itself before the config's model goes. */
  graphbit_call_host_clear (&self->host);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (graphbit_embedding_client_parent_class)->finalize (object);
}

static void
graphbit_embedding_client_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  GraphbitEmbeddingClient *self = GRAPHBIT_EMBEDDING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    case PROP_DEBUG:
      g_value_set_boolean (value, graphbit_embedding_client_get_debug (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graphbit_embedding_client_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  GraphbitEmbeddingClient *self = GRAPHBIT_EMBEDDING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    case PROP_DEBUG:
      graphbit_embedding_client_set_debug (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graphbit_embedding_client_class_init (GraphbitEmbeddingClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = graphbit_embedding_client_constructed;
  object_class->finalize = graphbit_embedding_client_finalize;
  object_class->get_property = graphbit_embedding_client_get_property;
  object_class->set_property = graphbit_embedding_client_set_property;

  /**
   * GraphbitEmbeddingClient:config: (getter get_config)
   *
   * The endpoint this client talks to.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, GRAPHBIT_TYPE_EMBEDDING_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GraphbitEmbeddingClient:debug: (getter get_debug) (setter set_debug)
   *
   * Whether to log each of this client's requests at debug level (the
   * method, URL path, status and attempt; never headers or keys).
   */
  properties[PROP_DEBUG] =
    g_param_spec_boolean ("debug", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
graphbit_embedding_client_init (GraphbitEmbeddingClient *self)
{
  graphbit_call_host_init (&self->host, G_OBJECT (self));
}

/**
 * graphbit_embedding_client_new:
 * @config: the endpoint to talk to
 *
 * Creates a client. No connection is made until the first call.
 *
 * Returns: (transfer full): a new #GraphbitEmbeddingClient
 */
GraphbitEmbeddingClient *
graphbit_embedding_client_new (GraphbitEmbeddingConfig *config)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CONFIG (config), NULL);

  return g_object_new (GRAPHBIT_TYPE_EMBEDDING_CLIENT, "config", config, NULL);
}

/**
 * graphbit_embedding_client_get_config:
 * @self: a #GraphbitEmbeddingClient
 *
 * Gets the configuration the client sends its requests with.
 *
 * Returns: (transfer none) (nullable): the client's configuration (%NULL
 *   only for a client made without one and no OpenAI key in the
 *   environment)
 */
GraphbitEmbeddingConfig *
graphbit_embedding_client_get_config (GraphbitEmbeddingClient *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), NULL);
  return self->config;
}

/**
 * graphbit_embedding_client_get_debug:
 * @self: a #GraphbitEmbeddingClient
 *
 * Gets whether the client logs a line per request at debug level.
 *
 * Returns: whether per-request debug lines are logged for this client
 */
gboolean
graphbit_embedding_client_get_debug (GraphbitEmbeddingClient *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), FALSE);
  return g_atomic_int_get (&self->debug);
}

/**
 * graphbit_embedding_client_set_debug:
 * @self: a #GraphbitEmbeddingClient
 * @debug: whether to log this client's requests
 *
 * Turns per-request debug lines on or off for this client. They are
 * written to stderr whatever the global log level.
 */
void
graphbit_embedding_client_set_debug (GraphbitEmbeddingClient *self,
                                     gboolean                 debug)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));

  debug = !!debug;
  if (g_atomic_int_exchange (&self->debug, debug) != debug)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEBUG]);
}

/**
 * graphbit_embedding_client_set_retry_policy:
 * @self: a #GraphbitEmbeddingClient
 * @max_retries: retries after a failed first attempt, 0 to 20 (default 3)
 * @base_delay: the first backoff in seconds, 0.001 to 60 (default 0.1)
 * @max_delay: the longest backoff in seconds, @base_delay to 600
 *   (default 5); also the longest single wait for a loading model
 * @error: return location for a #GError
 *
 * Sets how each request's failed attempts are retried; the rules are
 * those of [method@Graphbit.LlmClient.set_retry_policy]. Waiting for a
 * Hugging Face model to load does not use up retries.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_embedding_client_set_retry_policy (GraphbitEmbeddingClient  *self,
                                            gint                      max_retries,
                                            gdouble                   base_delay,
                                            gdouble                   max_delay,
                                            GError                  **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), FALSE);
  return graphbit_call_host_set_retry_policy (&self->host, max_retries, base_delay, max_delay, error);
}

/**
 * graphbit_embedding_client_get_retry_policy:
 * @self: a #GraphbitEmbeddingClient
 * @max_retries: (out) (optional): retries after a failed first attempt
 * @base_delay: (out) (optional): the first backoff in seconds
 * @max_delay: (out) (optional): the longest backoff in seconds
 *
 * Gets the retry policy.
 */
void
graphbit_embedding_client_get_retry_policy (GraphbitEmbeddingClient *self,
                                            gint                    *max_retries,
                                            gdouble                 *base_delay,
                                            gdouble                 *max_delay)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  graphbit_call_host_get_retry_policy (&self->host, max_retries, base_delay, max_delay);
}

/**
 * graphbit_embedding_client_set_timeouts:
 * @self: a #GraphbitEmbeddingClient
 * @attempt_timeout: how long one HTTP attempt may take in seconds, or 0
 *   for the provider's default (60 s; 180 s for Ollama)
 * @deadline: how long one request may take, retries and waits included,
 *   in seconds, or 0 for no deadline
 * @error: return location for a #GError
 *
 * Sets the timeouts, both enforced by graphbit itself. In a batch, each
 * provider-sized request has its own deadline.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_embedding_client_set_timeouts (GraphbitEmbeddingClient  *self,
                                        gdouble                   attempt_timeout,
                                        gdouble                   deadline,
                                        GError                  **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), FALSE);
  return graphbit_call_host_set_timeouts (&self->host, attempt_timeout, deadline, error);
}

/**
 * graphbit_embedding_client_get_timeouts:
 * @self: a #GraphbitEmbeddingClient
 * @attempt_timeout: (out) (optional): seconds per attempt (the provider's
 *   default is reported when none was set)
 * @deadline: (out) (optional): seconds per request, 0 for none
 *
 * Gets the timeouts.
 */
void
graphbit_embedding_client_get_timeouts (GraphbitEmbeddingClient *self,
                                        gdouble                 *attempt_timeout,
                                        gdouble                 *deadline)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  graphbit_call_host_get_timeouts (&self->host, attempt_timeout, deadline);
}

/**
 * graphbit_embedding_client_set_circuit_breaker:
 * @self: a #GraphbitEmbeddingClient
 * @failure_threshold: consecutive failed attempts that open the breaker,
 *   1 to 1000, or 0 to turn it off (default 5)
 * @recovery_time: seconds the breaker stays open before one probe call is
 *   let through, 0.001 to 86400 (default 60)
 * @error: return location for a #GError
 *
 * Sets the client's circuit breaker; it works as
 * [method@Graphbit.LlmClient.set_circuit_breaker] describes. A loading
 * model does not count as a failure.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_embedding_client_set_circuit_breaker (GraphbitEmbeddingClient  *self,
                                               gint                      failure_threshold,
                                               gdouble                   recovery_time,
                                               GError                  **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), FALSE);
  return graphbit_call_host_set_circuit_breaker (&self->host, failure_threshold, recovery_time, error);
}

/**
 * graphbit_embedding_client_get_circuit_breaker:
 * @self: a #GraphbitEmbeddingClient
 * @failure_threshold: (out) (optional): the threshold, 0 when off
 * @recovery_time: (out) (optional): the recovery time in seconds
 *
 * Gets the circuit breaker's settings; its state is in
 * [method@Graphbit.EmbeddingClient.get_stats].
 */
void
graphbit_embedding_client_get_circuit_breaker (GraphbitEmbeddingClient *self,
                                               gint                    *failure_threshold,
                                               gdouble                 *recovery_time)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  graphbit_call_host_get_circuit_breaker (&self->host, failure_threshold, recovery_time);
}

/**
 * graphbit_embedding_client_set_rate_limit:
 * @self: a #GraphbitEmbeddingClient
 * @requests_per_second: most requests started per second, or 0 for no
 *   limit
 * @max_in_flight: most requests in flight at once, or 0 for no limit
 * @max_queued: most requests waiting for their turn, 0 to 1000000
 *   (default 1000)
 * @error: return location for a #GError
 *
 * Sets the client's own limits, counted in provider requests (a batch
 * makes one per provider-sized slice); see
 * [method@Graphbit.LlmClient.set_rate_limit].
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_embedding_client_set_rate_limit (GraphbitEmbeddingClient  *self,
                                          gdouble                   requests_per_second,
                                          gint                      max_in_flight,
                                          gint                      max_queued,
                                          GError                  **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), FALSE);
  return graphbit_call_host_set_rate_limit (&self->host, requests_per_second, max_in_flight, max_queued, error);
}

/**
 * graphbit_embedding_client_get_rate_limit:
 * @self: a #GraphbitEmbeddingClient
 * @requests_per_second: (out) (optional): the rate, 0 when unlimited
 * @max_in_flight: (out) (optional): the in-flight limit, 0 when unlimited
 * @max_queued: (out) (optional): the queue bound
 *
 * Gets the rate limits.
 */
void
graphbit_embedding_client_get_rate_limit (GraphbitEmbeddingClient *self,
                                          gdouble                 *requests_per_second,
                                          gint                    *max_in_flight,
                                          gint                    *max_queued)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  graphbit_call_host_get_rate_limit (&self->host, requests_per_second, max_in_flight, max_queued);
}

/**
 * graphbit_embedding_client_set_batching:
 * @self: a #GraphbitEmbeddingClient
 * @max_batch_size: texts per provider request, 1 to the provider's limit
 *   (2048 for OpenAI, 32 for Hugging Face, 256 for Ollama), or 0 for that
 *   limit; lower it for servers that take fewer
 * @max_concurrency: requests of one batch in flight at once, 1 to
 *   %GRAPHBIT_EMBEDDING_MAX_CONCURRENCY, or 0 for the default (4)
 * @error: return location for a #GError
 *
 * Sets how batches are split and sent.
 *
 * Returns: %TRUE, or %FALSE with %GRAPHBIT_ERROR_VALIDATION (nothing changed)
 */
gboolean
graphbit_embedding_client_set_batching (GraphbitEmbeddingClient  *self,
                                        gint                      max_batch_size,
                                        gint                      max_concurrency,
                                        GError                  **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), FALSE);

  if (!graphbit_check_count ("set_batching", "max_batch_size", max_batch_size, (gint) self->codec->max_inputs, error)
      || !graphbit_check_count ("set_batching", "max_concurrency", max_concurrency,
                                GRAPHBIT_EMBEDDING_MAX_CONCURRENCY, error))
    return FALSE;
  g_atomic_int_set (&self->max_batch_size, max_batch_size);
  g_atomic_int_set (&self->max_concurrency, max_concurrency);
  return TRUE;
}

/**
 * graphbit_embedding_client_get_batching:
 * @self: a #GraphbitEmbeddingClient
 * @max_batch_size: (out) (optional): texts per provider request (the
 *   provider's limit when none was set)
 * @max_concurrency: (out) (optional): requests of one batch in flight at
 *   once (the default when none was set)
 *
 * Gets how batches are split and sent.
 */
void
graphbit_embedding_client_get_batching (GraphbitEmbeddingClient *self,
                                        gint                    *max_batch_size,
                                        gint                    *max_concurrency)
{
  gint size, concurrency;

  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));

  size = g_atomic_int_get (&self->max_batch_size);
  concurrency = g_atomic_int_get (&self->max_concurrency);
  if (max_batch_size != NULL)
    *max_batch_size = size > 0 ? size : (gint) self->codec->max_inputs;
  if (max_concurrency != NULL)
    *max_concurrency = concurrency > 0 ? concurrency : GRAPHBIT_EMBEDDING_DEFAULT_CONCURRENCY;
}

/**
 * graphbit_embedding_client_get_stats:
 * @self: a #GraphbitEmbeddingClient
 *
 * Gets the client's statistics, with the keys of
 * [method@Graphbit.LlmClient.get_stats]. A request is one provider
 * request: an embed_text is one, a batch one per provider-sized slice;
 * `prompt_tokens` are the input tokens the provider reported.
 *
 * Returns: (transfer full): a dictionary of type `a{sv}`
 */
GVariant *
graphbit_embedding_client_get_stats (GraphbitEmbeddingClient *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), NULL);
  return graphbit_call_host_get_stats (&self->host);
}

/**
 * graphbit_embedding_client_reset_stats:
 * @self: a #GraphbitEmbeddingClient
 *
 * Zeroes the statistics and restarts their uptime.
 */
void
graphbit_embedding_client_reset_stats (GraphbitEmbeddingClient *self)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  graphbit_call_stats_reset (self->host.stats);
}

/* Norm², or a validation error for a non-finite value. */
static gboolean
squared_norm (const char     *field,
              const gdouble  *values,
              gsize           n,
              gdouble        *norm,
              GError        **error)
{
  *norm = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (values[i]))
        {
          g_autofree char *text = g_strdup_printf ("%s[%" G_GSIZE_FORMAT "] = %g", field, i, values[i]);

          graphbit_propagate_error (error,
            graphbit_error_new_validation ("similarity", field, text,
                                           "Embeddings must hold finite numbers, got %s", text));
          return FALSE;
        }
      *norm += values[i] * values[i];
    }
  if (*norm == 0.0)
    {
      graphbit_propagate_error (error,
        graphbit_error_new_validation ("similarity", field, "zero vector",
                                       "%s is a zero vector (or empty), whose direction, and so its cosine "
                                       "similarity, is undefined", field));
      return FALSE;
    }
  return TRUE;
}

/**
 * graphbit_embedding_client_similarity:
 * @a: (array length=n_a): an embedding
 * @n_a: its length
 * @b: (array length=n_b): another embedding
 * @n_b: its length
 * @error: return location for a #GError
 *
 * Computes the cosine similarity of two embeddings: 1 for the same
 * direction, 0 for orthogonal ones, -1 for opposite ones.
 *
 * Returns: the similarity, or 0 with %GRAPHBIT_ERROR_VALIDATION (field
 *   `a` or `b`) if the lengths differ, either is empty or all zeros, or
 *   holds a non-finite number
 */
gdouble
graphbit_embedding_client_similarity (const gdouble  *a,
                                      gsize           n_a,
                                      const gdouble  *b,
                                      gsize           n_b,
                                      GError        **error)
{
  gdouble norm_a, norm_b, dot = 0.0;

  g_return_val_if_fail (a != NULL || n_a == 0, 0.0);
  g_return_val_if_fail (b != NULL || n_b == 0, 0.0);

  if (n_a != n_b)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GSIZE_FORMAT " values", n_b);

      graphbit_propagate_error (error,
        graphbit_error_new_validation ("similarity", "b", value,
                                       "Embedding dimensions must match: a has %" G_GSIZE_FORMAT
                                       " values, b has %" G_GSIZE_FORMAT, n_a, n_b));
      return 0.0;
    }
  if (!squared_norm ("a", a, n_a, &norm_a, error) || !squared_norm ("b", b, n_b, &norm_b, error))
    return 0.0;

  for (gsize i = 0; i < n_a; i++)
    dot += a[i] * b[i];
  /* Rounding may step just outside [-1, 1]. */
  return CLAMP (dot / (sqrt (norm_a) * sqrt (norm_b)), -1.0, 1.0);
}

const GraphbitEmbeddingCodec *
graphbit_embedding_client_get_codec (GraphbitEmbeddingClient *self)
{
  return self->codec;
}

GraphbitCallHost *
graphbit_embedding_client_get_call_host (GraphbitEmbeddingClient *self)
{
  return &self->host;
}
