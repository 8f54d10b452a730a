/* graphbit-llm-client.c - talking to an LLM provider
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-llm-client-private.h"
#include "graphbit-llm-config-private.h"
#include "graphbit-llm-stream-private.h"
#include "graphbit-llm-response-private.h"
#include "graphbit-error-private.h"
#include "http/graphbit-http-private.h"
#include "providers/graphbit-llm-codec-private.h"
#include "resilience/graphbit-call-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-sync-private.h"

/**
 * GraphbitLlmClient:
 *
 * A client for one [class@Graphbit.LlmConfig]. Every call has an
 * asynchronous variant (`_async`/`_finish`, delivering its result in the
 * thread-default main context of the caller, as GIO does) and a blocking
 * one that never iterates the caller's main context.
 *
 * The HTTP exchanges run on the runtime's I/O threads, whose sessions keep
 * connections alive and are shared by every client. A client is
 * thread-safe and meant to be created once and reused.
 */
struct _GraphbitLlmClient
{
  GObject parent_instance;

  GraphbitLlmConfig *config;
  const GraphbitLlmCodec *codec;   /* NULL: provider not supported */
  gboolean debug;
  GraphbitCallHost host;           /* settings, breaker, limits, statistics */
  gint warm;
};

G_DEFINE_FINAL_TYPE (GraphbitLlmClient, graphbit_llm_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_DEBUG,
  PROP_ATTEMPT_TIMEOUT_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
graphbit_llm_client_constructed (GObject *object)
{
  GraphbitLlmClient *self = GRAPHBIT_LLM_CLIENT (object);

  G_OBJECT_CLASS (graphbit_llm_client_parent_class)->constructed (object);

  if (self->config == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* g_object_new() without a config: fall back to the environment's
       * OpenAI settings; calls report the problem if there are none. */
      self->config = graphbit_llm_config_openai (NULL, NULL, NULL, &error);
    }
  self->codec = graphbit_llm_codec_for_provider (self->config != NULL
                                                 ? graphbit_llm_config_get_provider (self->config)
                                                 : GRAPHBIT_LLM_PROVIDER_OPENAI);
  graphbit_call_host_set_identity (&self->host, "llm", self->codec->name, self->codec->label,
                                   self->config != NULL ? graphbit_llm_config_get_model (self->config) : NULL,
                                   self->codec->default_timeout_ms);
}

static void
graphbit_llm_client_finalize (GObject *object)
{
  GraphbitLlmClient *self = GRAPHBIT_LLM_CLIENT (object);

  /* The host first: it unlists itself before the config's model goes. */
  graphbit_call_host_clear (&self->host);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (graphbit_llm_client_parent_class)->finalize (object);
}

static void
graphbit_llm_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GraphbitLlmClient *self = GRAPHBIT_LLM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    case PROP_DEBUG:
      g_value_set_boolean (value, graphbit_llm_client_get_debug (self));
      break;
    case PROP_ATTEMPT_TIMEOUT_MS:
      g_value_set_uint (value, graphbit_llm_client_get_attempt_timeout_ms (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graphbit_llm_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  GraphbitLlmClient *self = GRAPHBIT_LLM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    case PROP_DEBUG:
      graphbit_llm_client_set_debug (self, g_value_get_boolean (value));
      break;
    case PROP_ATTEMPT_TIMEOUT_MS:
      graphbit_llm_client_set_attempt_timeout_ms (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graphbit_llm_client_class_init (GraphbitLlmClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = graphbit_llm_client_constructed;
  object_class->finalize = graphbit_llm_client_finalize;
  object_class->get_property = graphbit_llm_client_get_property;
  object_class->set_property = graphbit_llm_client_set_property;

  /**
   * GraphbitLlmClient:config: (getter get_config)
   *
   * The endpoint this client talks to.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, GRAPHBIT_TYPE_LLM_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GraphbitLlmClient:debug: (getter get_debug) (setter set_debug)
   *
   * Whether to log each of this client's requests at debug level (the
   * method, URL, status and timing; never headers or keys).
   */
  properties[PROP_DEBUG] =
    g_param_spec_boolean ("debug", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GraphbitLlmClient:attempt-timeout-ms: (getter get_attempt_timeout_ms) (setter set_attempt_timeout_ms)
   *
   * How long one HTTP attempt may take in all, in milliseconds; 0 means the
   * provider's default (60 s, 180 s for Ollama). Enforced by graphbit
   * itself: libsoup's own timeout only measures silence.
   */
  properties[PROP_ATTEMPT_TIMEOUT_MS] =
    g_param_spec_uint ("attempt-timeout-ms", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
graphbit_llm_client_init (GraphbitLlmClient *self)
{
  graphbit_call_host_init (&self->host, G_OBJECT (self));
}

/**
 * graphbit_llm_client_new:
 * @config: the endpoint to talk to
 *
 * Creates a client. No connection is made until the first call.
 *
 * Returns: (transfer full): a new #GraphbitLlmClient
 */
GraphbitLlmClient *
graphbit_llm_client_new (GraphbitLlmConfig *config)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CONFIG (config), NULL);

  return g_object_new (GRAPHBIT_TYPE_LLM_CLIENT, "config", config, NULL);
}

/**
 * graphbit_llm_client_get_config:
 * @self: a #GraphbitLlmClient
 *
 * Gets the configuration the client sends its requests with.
 *
 * Returns: (transfer none): the client's configuration
 */
GraphbitLlmConfig *
graphbit_llm_client_get_config (GraphbitLlmClient *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), NULL);
  return self->config;
}

/**
 * graphbit_llm_client_get_debug:
 * @self: a #GraphbitLlmClient
 *
 * Gets whether the client logs a line per request at debug level.
 *
 * Returns: whether per-request debug lines are logged for this client
 */
gboolean
graphbit_llm_client_get_debug (GraphbitLlmClient *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);
  return g_atomic_int_get (&self->debug);
}

/**
 * graphbit_llm_client_set_debug:
 * @self: a #GraphbitLlmClient
 * @debug: whether to log this client's requests
 *
 * Turns per-request debug lines on or off for this client. They are
 * written to stderr whatever the global log level.
 */
void
graphbit_llm_client_set_debug (GraphbitLlmClient *self,
                               gboolean           debug)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));

  debug = !!debug;
  if (g_atomic_int_exchange (&self->debug, debug) != debug)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEBUG]);
}

/**
 * graphbit_llm_client_get_attempt_timeout_ms:
 * @self: a #GraphbitLlmClient
 *
 * Gets the per-attempt timeout, in milliseconds.
 *
 * Returns: the per-attempt timeout in milliseconds, or 0 for the
 *   provider's default
 */
guint
graphbit_llm_client_get_attempt_timeout_ms (GraphbitLlmClient *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), 0);
  return graphbit_call_host_get_attempt_timeout_ms (&self->host);
}

/**
 * graphbit_llm_client_set_attempt_timeout_ms:
 * @self: a #GraphbitLlmClient
 * @timeout_ms: the per-attempt timeout in milliseconds, or 0 for the
 *   provider's default
 *
 * Sets how long one HTTP attempt may take. Calls already in flight keep
 * the timeout they started with.
 */
void
graphbit_llm_client_set_attempt_timeout_ms (GraphbitLlmClient *self,
                                            guint              timeout_ms)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));

  if (graphbit_call_host_set_attempt_timeout_ms (&self->host, timeout_ms))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPT_TIMEOUT_MS]);
}

/**
 * graphbit_llm_client_get_stats:
 * @self: a #GraphbitLlmClient
 *
 * Gets the client's statistics since it was created or last reset:
 * `total_requests` (every call, whatever its attempts), `successful_requests`,
 * `failed_requests`, `cancelled_requests`, `retries`, `success_rate`,
 * `average_response_time_ms`, `p50_response_time_ms`,
 * `p95_response_time_ms` (over the last 1024 calls), `prompt_tokens`,
 * `completion_tokens`, `uptime_seconds`, `circuit_breaker_state`
 * ("closed", "open" or "half_open"), `circuit_breaker_failures`,
 * `max_retries`, `in_flight`, `queued` and `rejected_requests`, plus
 * `provider` and `model`. Calls refused for invalid arguments are not
 * counted.
 *
 * Returns: (transfer full): a dictionary of type `a{sv}`
 */
GVariant *
graphbit_llm_client_get_stats (GraphbitLlmClient *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), NULL);
  return graphbit_call_host_get_stats (&self->host);
}

/**
 * graphbit_llm_client_reset_stats:
 * @self: a #GraphbitLlmClient
 *
 * Zeroes the statistics and restarts their uptime.
 */
void
graphbit_llm_client_reset_stats (GraphbitLlmClient *self)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  graphbit_call_stats_reset (self->host.stats);
}

const GraphbitLlmCodec *
graphbit_llm_client_get_codec (GraphbitLlmClient *self)
{
  return self->codec;
}

GraphbitCallHost *
graphbit_llm_client_get_call_host (GraphbitLlmClient *self)
{
  return &self->host;
}

gboolean
graphbit_llm_client_is_warm (GraphbitLlmClient *self)
{
  return g_atomic_int_get (&self->warm);
}

void
graphbit_llm_client_mark_warm (GraphbitLlmClient *self)
{
  g_atomic_int_set (&self->warm, TRUE);
}

/* One completion in flight: owned by its call. */
typedef struct
{
  GraphbitLlmRequest *request;
  SoupMessage *prepared;             /* built when checked; the first attempt sends it */
  GraphbitCallReader reader;
  GraphbitLlmResponse *response;     /* the successful attempt's */
} Completion;

static void
completion_free (Completion *completion)
{
  g_clear_object (&completion->request);
  g_clear_object (&completion->prepared);
  g_clear_object (&completion->response);
  g_free (completion);
}

/* Worker thread: a 2xx answer of one attempt. */
static gboolean
completion_parse (const char  *data,
                  gsize        len,
                  gpointer     user_data,
                  guint       *prompt_tokens,
                  guint       *completion_tokens,
                  GError     **error)
{
  GTask *task = user_data;
  GraphbitLlmClient *self = g_task_get_source_object (task);
  Completion *completion = g_task_get_task_data (task);

  g_clear_object (&completion->response);
  completion->response = self->codec->parse_response (data, len, error);
  if (completion->response == NULL)
    return FALSE;
  *prompt_tokens = graphbit_llm_response_get_prompt_tokens (completion->response);
  *completion_tokens = graphbit_llm_response_get_completion_tokens (completion->response);
  return TRUE;
}

static void
completion_attempt (GraphbitCall *call,
                    guint         timeout_ms,
                    gpointer      data)
{
  GTask *task = data;
  Completion *completion = g_task_get_task_data (task);
  GraphbitLlmClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  SoupMessage *msg;

  /* A message is sent once: a retry gets a fresh one. */
  if (completion->prepared != NULL)
    msg = g_steal_pointer (&completion->prepared);
  else
    msg = self->codec->build_request (self->config, completion->request, FALSE, &error);
  graphbit_call_send_json (call, msg, error, &completion->reader, timeout_ms);
}

static void
completion_done (GraphbitCall *call,
                 GError       *error,
                 gpointer      data)
{
  GTask *task = data;
  Completion *completion = g_task_get_task_data (task);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&completion->response), g_object_unref);
  g_object_unref (task);
}

static GError *
check_can_send (GraphbitLlmClient *self,
                const char        *operation)
{
  GError *error;

  if (self->config == NULL)
    error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                "This LlmClient has no configuration: create it with LlmClient.new(config)");
  else if (graphbit_llm_config_get_provider (self->config) != GRAPHBIT_LLM_PROVIDER_OLLAMA
           && graphbit_llm_config_get_api_key (self->config) == NULL)
    error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                "This %s configuration has no API key: create it with its constructor "
                                "(which reads the key from the environment) or pass api_key",
                                self->codec->label);
  else
    return NULL;

  graphbit_error_set_operation (error, operation);
  if (self->config != NULL)
    graphbit_error_set_provider (error, graphbit_llm_config_get_provider_name (self->config));
  return error;
}

/* Checks, validates and builds the HTTP request for @request, and fills
 * @options for sending it. */
static SoupMessage *
prepare_message (GraphbitLlmClient    *self,
                 GraphbitLlmRequest   *request,
                 gboolean              stream,
                 GraphbitHttpOptions  *options,
                 GError              **error)
{
  const char *operation = stream ? "stream" : "complete";
  GError *local_error = NULL;
  SoupMessage *msg;

  if ((local_error = check_can_send (self, operation)) != NULL
      || !graphbit_llm_request_validate (request, &local_error))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  options->operation = operation;
  options->provider = self->codec->name;
  options->provider_label = self->codec->label;
  options->timeout_ms = graphbit_llm_client_get_attempt_timeout_ms (self);
  if (options->timeout_ms == 0)
    options->timeout_ms = self->codec->default_timeout_ms;

  msg = self->codec->build_request (self->config, request, stream, &local_error);
  if (msg == NULL)
    {
      GError *mapped = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                           "Could not build the %s request: %s",
                                           self->codec->label, local_error->message);

      g_error_free (local_error);
      graphbit_error_set_operation (mapped, operation);
      graphbit_error_set_provider (mapped, self->codec->name);
      g_propagate_error (error, mapped);
    }
  return msg;
}

/* @blocking: the caller waits for the result in this thread (a blocking
 * variant), so the first attempt may do its I/O here. */
static void
start_completion (GraphbitLlmClient   *self,
                  GraphbitLlmRequest  *request,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data,
                  gpointer             source_tag,
                  gboolean             blocking)
{
  GTask *task;
  Completion *completion;
  GError *error = NULL;
  g_autoptr(GraphbitCall) call = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "graphbit_llm_client_complete_async");

  completion = g_new0 (Completion, 1);
  completion->request = g_object_ref (request);
  completion->reader.debug = graphbit_llm_client_get_debug (self);
  completion->reader.error_message = self->codec->error_message;
  completion->reader.parse = completion_parse;
  completion->reader.user_data = task;
  g_task_set_task_data (task, completion, (GDestroyNotify) completion_free);

  /* Bad arguments are refused here, before the call counts as a request. */
  completion->prepared = prepare_message (self, request, FALSE, &completion->reader.options, &error);
  if (completion->prepared == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  call = graphbit_call_new (&self->host, "complete", cancellable, completion_attempt, completion_done, task);
  if (blocking)
    graphbit_call_set_blocking (call);
  graphbit_call_start (call);
}

/**
 * graphbit_llm_client_stream:
 * @self: a #GraphbitLlmClient
 * @request: what to ask
 * @error: return location for a #GError
 *
 * Prepares a streamed answer to @request: real provider streaming (SSE for
 * OpenAI and Anthropic, NDJSON for Ollama), pulled chunk by chunk with
 * [method@Graphbit.LlmStream.next_async]. The request is validated now and
 * sent by the first `next`.
 *
 * Returns: (transfer full): a new #GraphbitLlmStream, or %NULL with
 *   %GRAPHBIT_ERROR_VALIDATION or %GRAPHBIT_ERROR_CONFIGURATION
 */
GraphbitLlmStream *
graphbit_llm_client_stream (GraphbitLlmClient   *self,
                            GraphbitLlmRequest  *request,
                            GError             **error)
{
  GraphbitHttpOptions options = { 0 };
  GError *local_error = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (request), NULL);

  /* Checked now; every attempt builds its own message. */
  msg = prepare_message (self, request, TRUE, &options, &local_error);
  if (msg == NULL)
    {
      graphbit_propagate_error (error, local_error);
      return NULL;
    }
  return graphbit_llm_stream_new (self, request, &options);
}

/**
 * graphbit_llm_client_complete_full_async:
 * @self: a #GraphbitLlmClient
 * @request: what to ask
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @callback: (scope async): called with the result, in the thread-default
 *   main context of the caller
 * @user_data: data for @callback
 *
 * Sends @request and collects the whole answer with its metadata. The
 * request is validated first; see [method@Graphbit.LlmRequest.validate].
 */
void
graphbit_llm_client_complete_full_async (GraphbitLlmClient   *self,
                                         GraphbitLlmRequest  *request,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (GRAPHBIT_IS_LLM_REQUEST (request));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_completion (self, request, cancellable, callback, user_data,
                    graphbit_llm_client_complete_full_async, FALSE);
}

/**
 * graphbit_llm_client_complete_full_finish:
 * @self: a #GraphbitLlmClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.LlmClient.complete_full_async].
 *
 * Returns: (transfer full): the response, or %NULL with @error set: a
 *   %GRAPHBIT_ERROR code, or %G_IO_ERROR_CANCELLED
 */
GraphbitLlmResponse *
graphbit_llm_client_complete_full_finish (GraphbitLlmClient  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == graphbit_llm_client_complete_full_async, NULL);

  return graphbit_task_propagate_pointer (G_TASK (result), error);
}

/**
 * graphbit_llm_client_complete_full:
 * @self: a #GraphbitLlmClient
 * @request: what to ask
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @error: return location for a #GError
 *
 * Blocking variant of [method@Graphbit.LlmClient.complete_full_async].
 * It waits without iterating the caller's main context, and must not be
 * called from a graphbit I/O thread.
 *
 * Returns: (transfer full): the response, or %NULL with @error set
 */
GraphbitLlmResponse *
graphbit_llm_client_complete_full (GraphbitLlmClient   *self,
                                   GraphbitLlmRequest  *request,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  GraphbitSyncCall call;
  GraphbitLlmResponse *response;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (GRAPHBIT_IS_LLM_REQUEST (request), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!graphbit_runtime_check_can_block ("complete_full", error))
    return NULL;

  graphbit_sync_call_begin (&call);
  start_completion (self, request, cancellable, graphbit_sync_call_done, &call,
                    graphbit_llm_client_complete_full_async, TRUE);
  response = graphbit_llm_client_complete_full_finish (self, graphbit_sync_call_wait (&call), error);
  graphbit_sync_call_end (&call);
  return response;
}

/**
 * graphbit_llm_client_complete_async:
 * @self: a #GraphbitLlmClient
 * @request: what to ask
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @callback: (scope async): called with the result, in the thread-default
 *   main context of the caller
 * @user_data: data for @callback
 *
 * Sends @request and collects the answer's text.
 */
void
graphbit_llm_client_complete_async (GraphbitLlmClient   *self,
                                    GraphbitLlmRequest  *request,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (GRAPHBIT_IS_LLM_REQUEST (request));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_completion (self, request, cancellable, callback, user_data,
                    graphbit_llm_client_complete_async, FALSE);
}

/**
 * graphbit_llm_client_complete_finish:
 * @self: a #GraphbitLlmClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.LlmClient.complete_async].
 *
 * Returns: (transfer full): the answer's text, or %NULL with @error set:
 *   a %GRAPHBIT_ERROR code, or %G_IO_ERROR_CANCELLED
 */
char *
graphbit_llm_client_complete_finish (GraphbitLlmClient  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_autoptr(GraphbitLlmResponse) response = NULL;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == graphbit_llm_client_complete_async, NULL);

  response = graphbit_task_propagate_pointer (G_TASK (result), error);
  return response != NULL ? graphbit_llm_response_steal_content (response) : NULL;
}

/**
 * graphbit_llm_client_complete:
 * @self: a #GraphbitLlmClient
 * @request: what to ask
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @error: return location for a #GError
 *
 * Blocking variant of [method@Graphbit.LlmClient.complete_async]. It waits
 * without iterating the caller's main context (language bindings such as
 * PyGObject release their interpreter lock meanwhile), and must not be
 * called from a graphbit I/O thread.
 *
 * Returns: (transfer full): the answer's text, or %NULL with @error set
 */
char *
graphbit_llm_client_complete (GraphbitLlmClient   *self,
                              GraphbitLlmRequest  *request,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(GraphbitLlmResponse) response = NULL;

  response = graphbit_llm_client_complete_full (self, request, cancellable, error);
  return response != NULL ? graphbit_llm_response_steal_content (response) : NULL;
}
