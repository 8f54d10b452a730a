/* graphbit-llm-warmup.c - opening connections (and loading models) ahead of use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A warm-up sends the codec's cheap request (listing models for OpenAI and
 * Anthropic, loading the model for Ollama) once through each I/O worker,
 * so each worker's session holds a kept-alive, TLS-ready connection before
 * the first real call. It also checks the key early: a 401 fails it. A
 * 404 or 405 (a compatible server without that endpoint) still counts as
 * warm, since the connection was opened. Successful warm-ups are
 * remembered: later calls return at once.
 */

#include "config.h"

#include "graphbit-llm-client-private.h"
#include "graphbit-llm-config-private.h"
#include "graphbit-error-private.h"
#include "http/graphbit-http-private.h"
#include "providers/graphbit-llm-codec-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-sync-private.h"

typedef struct
{
  const GraphbitLlmCodec *codec;
  GraphbitHttpOptions options;
  gint pending;          /* requests not answered yet */
  GMutex mutex;
  GError *first_error;
} Warmup;

static void
warmup_free (gpointer data)
{
  Warmup *warmup = data;

  g_clear_error (&warmup->first_error);
  g_mutex_clear (&warmup->mutex);
  g_free (warmup);
}

static GError *
warmup_outcome (Warmup      *warmup,
                SoupMessage *msg,
                GBytes      *body,
                GError      *error)
{
  guint status;
  gsize len = 0;
  const char *data;
  g_autofree char *message = NULL;

  if (error != NULL)
    return g_error_copy (error);
  if (msg == NULL)
    return NULL;   /* nothing was sent; the reason is already recorded */
  status = soup_message_get_status (msg);
  if (SOUP_STATUS_IS_SUCCESSFUL (status) || status == SOUP_STATUS_NOT_FOUND
      || status == SOUP_STATUS_METHOD_NOT_ALLOWED)
    return NULL;
  data = g_bytes_get_data (body, &len);
  message = warmup->codec->error_message (data, len);
  return graphbit_http_error_from_status (msg, body, &warmup->options, warmup->codec->label, message);
}

/* Worker threads: one warm-up request is over. */
static void
on_warmup_done (SoupMessage *msg,
                GBytes      *body,
                GError      *error,
                gpointer     user_data)
{
  GTask *task = user_data;
  Warmup *warmup = g_task_get_task_data (task);
  GError *outcome = warmup_outcome (warmup, msg, body, error);

  g_mutex_lock (&warmup->mutex);
  if (outcome != NULL && warmup->first_error == NULL)
    warmup->first_error = g_steal_pointer (&outcome);
  g_mutex_unlock (&warmup->mutex);
  g_clear_error (&outcome);

  if (g_atomic_int_dec_and_test (&warmup->pending))
    {
      if (warmup->first_error != NULL)
        g_task_return_error (task, g_steal_pointer (&warmup->first_error));
      else
        {
          graphbit_llm_client_mark_warm (g_task_get_source_object (task));
          g_task_return_boolean (task, TRUE);
        }
    }
  g_object_unref (task);
}

/**
 * graphbit_llm_client_warmup_async:
 * @self: a #GraphbitLlmClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the warm-up is over, in the
 *   thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Opens a pooled connection to the provider from every I/O thread (and,
 * for Ollama, loads the model), so the first real calls pay no connection
 * or TLS set-up. It fails if the provider rejects the key. Once it has
 * succeeded, later calls return at once.
 */
void
graphbit_llm_client_warmup_async (GraphbitLlmClient   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GraphbitLlmConfig *config;
  GError *error = NULL;
  Warmup *warmup;
  guint n_requests;

  g_return_if_fail (GRAPHBIT_IS_LLM_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, graphbit_llm_client_warmup_async);
  g_task_set_name (task, "graphbit_llm_client_warmup_async");

  if (graphbit_llm_client_is_warm (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!graphbit_runtime_ensure_started (&error))
    {
      g_task_return_error (task, error);
      return;
    }

  config = graphbit_llm_client_get_config (self);
  warmup = g_new0 (Warmup, 1);
  g_mutex_init (&warmup->mutex);
  warmup->codec = graphbit_llm_codec_for_provider (graphbit_llm_config_get_provider (config));
  warmup->options.operation = "warmup";
  warmup->options.provider = warmup->codec->name;
  warmup->options.provider_label = warmup->codec->label;
  warmup->options.timeout_ms = graphbit_llm_client_get_attempt_timeout_ms (self);
  if (warmup->options.timeout_ms == 0)
    warmup->options.timeout_ms = warmup->codec->default_timeout_ms;
  g_task_set_task_data (task, warmup, warmup_free);

  /* Loading an Ollama model once is enough; connections to a local server
   * are cheap. Elsewhere, one request per worker reaches every session
   * (workers are picked round-robin). */
  n_requests = graphbit_llm_config_get_provider (config) == GRAPHBIT_LLM_PROVIDER_OLLAMA
             ? 1 : MAX (graphbit_runtime_get_n_workers (), 1);
  warmup->pending = (gint) n_requests;

  for (guint i = 0; i < n_requests; i++)
    {
      SoupMessage *msg = warmup->codec->build_warmup (config, &error);

      if (msg == NULL)
        {
          /* Only a malformed base URL gets here, and every request shares it. */
          g_mutex_lock (&warmup->mutex);
          if (warmup->first_error == NULL)
            warmup->first_error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION, "Cannot warm up: %s",
                                                      error->message);
          g_mutex_unlock (&warmup->mutex);
          g_clear_error (&error);
          on_warmup_done (NULL, NULL, NULL, g_object_ref (task));
          continue;
        }
      graphbit_http_send (msg, &warmup->options, cancellable, on_warmup_done, g_object_ref (task));
    }
}

/**
 * graphbit_llm_client_warmup_finish:
 * @self: a #GraphbitLlmClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.LlmClient.warmup_async].
 *
 * Returns: %TRUE if the client is warm, %FALSE with @error set
 */
gboolean
graphbit_llm_client_warmup_finish (GraphbitLlmClient  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == graphbit_llm_client_warmup_async, FALSE);

  return graphbit_task_propagate_boolean (G_TASK (result), error);
}

/**
 * graphbit_llm_client_warmup:
 * @self: a #GraphbitLlmClient
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Blocking variant of [method@Graphbit.LlmClient.warmup_async].
 *
 * Returns: %TRUE if the client is warm, %FALSE with @error set
 */
gboolean
graphbit_llm_client_warmup (GraphbitLlmClient  *self,
                            GCancellable       *cancellable,
                            GError            **error)
{
  GraphbitSyncCall call;
  gboolean ok;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_CLIENT (self), FALSE);

  if (!graphbit_runtime_check_can_block ("warmup", error))
    return FALSE;

  graphbit_sync_call_begin (&call);
  graphbit_llm_client_warmup_async (self, cancellable, graphbit_sync_call_done, &call);
  ok = graphbit_llm_client_warmup_finish (self, graphbit_sync_call_wait (&call), error);
  graphbit_sync_call_end (&call);
  return ok;
}
