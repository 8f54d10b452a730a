/* graphbit-embedding-batch.c - embedding texts: provider-sized requests, sent a few at a time, in input order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every operation is a batch: its texts are cut into consecutive slices of
 * at most the provider's batch size, and each slice is one request (one
 * call of resilience/graphbit-call.c: limits, retries, breaker, deadline).
 * The batch runs in the caller's thread-default main context, keeps at
 * most max_concurrency requests in flight and starts the next as each
 * finishes; the slices' vectors are put back together in input order. The
 * first failure fails the batch and cancels the requests still running,
 * since a batch returns all its vectors or none.
 */

#include "config.h"

#include "graphbit-embedding-client-private.h"
#include "graphbit-embedding-document-private.h"
#include "graphbit-error-private.h"
#include "resilience/graphbit-call-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-sync-private.h"

/* One request: a slice of a batch's texts, as one call. Owned by its task,
 * whose source object is the client. */
typedef struct
{
  GPtrArray *texts;                /* the whole batch's */
  guint offset;
  guint n_texts;
  GraphbitCallReader reader;
  GraphbitEmbeddings *result;      /* the successful attempt's */
} Slice;

static void
slice_free (Slice *slice)
{
  g_ptr_array_unref (slice->texts);
  g_clear_object (&slice->result);
  g_free (slice);
}

/* Worker thread: a 2xx answer of one attempt. */
static gboolean
slice_parse (const char  *data,
             gsize        len,
             gpointer     user_data,
             guint       *prompt_tokens,
             guint       *completion_tokens,
             GError     **error)
{
  GTask *task = user_data;
  GraphbitEmbeddingClient *self = g_task_get_source_object (task);
  Slice *slice = g_task_get_task_data (task);

  g_clear_object (&slice->result);
  slice->result = graphbit_embedding_client_get_codec (self)->parse_response (data, len, slice->n_texts, error);
  if (slice->result == NULL)
    return FALSE;
  *prompt_tokens = graphbit_embeddings_get_prompt_tokens (slice->result);
  return TRUE;
}

static void
slice_attempt (GraphbitCall *call,
               guint         timeout_ms,
               gpointer      data)
{
  GTask *task = data;
  GraphbitEmbeddingClient *self = g_task_get_source_object (task);
  Slice *slice = g_task_get_task_data (task);
  GError *error = NULL;
  SoupMessage *msg;

  /* A message is sent once: every attempt gets a fresh one. */
  msg = graphbit_embedding_client_get_codec (self)->build_request (graphbit_embedding_client_get_config (self),
                                                                   (const char * const *) slice->texts->pdata
                                                                   + slice->offset,
                                                                   slice->n_texts, &error);
  graphbit_call_send_json (call, msg, error, &slice->reader, timeout_ms);
}

static void
slice_done (GraphbitCall *call,
            GError       *error,
            gpointer      data)
{
  GTask *task = data;
  Slice *slice = g_task_get_task_data (task);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&slice->result), g_object_unref);
  g_object_unref (task);
}

/* @blocking: the caller waits in this thread (see graphbit_call_set_blocking()). */
static void
slice_start (GraphbitEmbeddingClient *self,
             const char              *operation,
             GPtrArray               *texts,
             guint                    offset,
             guint                    n_texts,
             gboolean                 blocking,
             GCancellable            *cancellable,
             GAsyncReadyCallback      callback,
             gpointer                 user_data)
{
  const GraphbitEmbeddingCodec *codec = graphbit_embedding_client_get_codec (self);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Slice *slice = g_new0 (Slice, 1);
  g_autoptr(GraphbitCall) call = NULL;

  slice->texts = g_ptr_array_ref (texts);
  slice->offset = offset;
  slice->n_texts = n_texts;
  slice->reader.options.operation = operation;
  slice->reader.options.provider = codec->name;
  slice->reader.options.provider_label = codec->label;
  slice->reader.options.threads_only = TRUE;
  slice->reader.debug = graphbit_embedding_client_get_debug (self);
  slice->reader.error_message = codec->error_message;
  slice->reader.loading_time = codec->loading_time;
  slice->reader.parse = slice_parse;
  slice->reader.user_data = task;
  g_task_set_task_data (task, slice, (GDestroyNotify) slice_free);

  call = graphbit_call_new (graphbit_embedding_client_get_call_host (self), operation, cancellable,
                            slice_attempt, slice_done, task);
  if (blocking)
    graphbit_call_set_blocking (call);
  graphbit_call_start (call);
}

/* A batch in flight; owned by its task. */
typedef struct
{
  const char *operation;
  GPtrArray *texts;
  guint slice_size;
  guint max_concurrency;
  guint n_slices;
  guint next;                      /* first slice not started */
  gboolean blocking;               /* a blocking variant's, in one slice */
  guint running;
  GPtrArray *results;              /* GraphbitEmbeddings* per slice */
  GError *error;                   /* the first failure */
  GCancellable *cancellable;       /* the slices': the caller's, or a failure, cancels it */
  GCancellable *caller_cancellable;
  gulong caller_handler;
} Batch;

static void
batch_free (Batch *batch)
{
  if (batch->caller_handler != 0)
    g_cancellable_disconnect (batch->caller_cancellable, batch->caller_handler);
  g_clear_object (&batch->caller_cancellable);
  g_clear_object (&batch->cancellable);
  g_ptr_array_unref (batch->texts);
  g_ptr_array_unref (batch->results);
  g_clear_error (&batch->error);
  g_free (batch);
}

static void start_slices (GTask *task);

/* Slices not finished (or failed) have no result. */
static void
unref_result (gpointer result)
{
  if (result != NULL)
    g_object_unref (result);
}

static void
batch_complete (GTask *task)
{
  Batch *batch = g_task_get_task_data (task);
  GraphbitEmbeddingClient *self = g_task_get_source_object (task);
  GraphbitEmbeddings *result;
  GError *error = NULL;

  if (batch->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&batch->error));
      return;
    }
  result = batch->n_slices == 1 ? g_object_ref (g_ptr_array_index (batch->results, 0))
                                : graphbit_embeddings_concat (batch->results, &error);
  if (result == NULL)
    {
      graphbit_error_set_operation (error, batch->operation);
      graphbit_error_set_provider (error, graphbit_embedding_client_get_codec (self)->name);
      g_task_return_error (task, error);
      return;
    }
  /* Hugging Face does not name the model; the configured one made them. */
  graphbit_embeddings_set_model (result,
                                 graphbit_embedding_config_get_model (graphbit_embedding_client_get_config (self)));
  g_task_return_pointer (task, result, g_object_unref);
}

static void
on_slice_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Batch *batch = g_task_get_task_data (task);
  GTask *slice_task = G_TASK (result);
  Slice *slice = g_task_get_task_data (slice_task);
  guint index = slice->offset / batch->slice_size;
  GError *error = NULL;
  GraphbitEmbeddings *embeddings = g_task_propagate_pointer (slice_task, &error);

  batch->running--;
  if (embeddings != NULL)
    g_ptr_array_index (batch->results, index) = embeddings;
  else if (batch->error == NULL)
    {
      /* The others are cancelled: their cancellations are not the news. */
      batch->error = error;
      g_cancellable_cancel (batch->cancellable);
    }
  else
    g_error_free (error);

  if (batch->error == NULL && batch->next < batch->n_slices)
    start_slices (task);
  else if (batch->running == 0)
    batch_complete (task);
}

/* Starts slices until the concurrency limit is reached. */
static void
start_slices (GTask *task)
{
  Batch *batch = g_task_get_task_data (task);

  while (batch->next < batch->n_slices && batch->running < batch->max_concurrency)
    {
      guint offset = batch->next++ * batch->slice_size;

      batch->running++;
      slice_start (g_task_get_source_object (task), batch->operation, batch->texts, offset,
                   MIN (batch->slice_size, batch->texts->len - offset), batch->blocking,
                   batch->cancellable, on_slice_done, g_object_ref (task));
    }
}

/* Any thread: the caller cancelled. */
static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      data)
{
  g_cancellable_cancel (data);
}

/* Checks @texts: 1 to GRAPHBIT_EMBEDDING_MAX_TEXTS, none NULL or empty.
 * Errors name @field (with the index when there are several). */
static gboolean
check_texts (const char          *operation,
             const char          *field,
             const char * const  *texts,
             guint                n_texts,
             GError             **error)
{
  if (n_texts == 0 || n_texts > GRAPHBIT_EMBEDDING_MAX_TEXTS)
    {
      g_autofree char *value = g_strdup_printf ("%u", n_texts);

      graphbit_propagate_error (error,
        graphbit_error_new_validation (operation, field, value, "A batch takes 1 to %d texts, got %u",
                                       GRAPHBIT_EMBEDDING_MAX_TEXTS, n_texts));
      return FALSE;
    }
  for (guint i = 0; i < n_texts; i++)
    {
      g_autofree char *item = NULL;

      if (texts[i] != NULL && texts[i][0] != '\0')
        continue;
      item = g_strcmp0 (field, "texts") == 0 ? g_strdup_printf ("texts[%u]", i) : g_strdup (field);
      graphbit_propagate_error (error,
        graphbit_error_new_validation (operation, item, texts[i] != NULL ? "" : "(null)",
                                       "%s is empty: providers cannot embed an empty text", item));
      return FALSE;
    }
  return TRUE;
}

/**
 * graphbit_embedding_client_validate_texts:
 * @texts: (array length=n_texts): texts to embed
 * @n_texts: how many
 * @error: return location for a #GError
 *
 * Checks texts the way [method@Graphbit.EmbeddingClient.embed_batch_async]
 * does before sending anything: 1 to %GRAPHBIT_EMBEDDING_MAX_TEXTS texts,
 * none empty.
 *
 * Returns: %TRUE if they can be sent, else %FALSE with
 *   %GRAPHBIT_ERROR_VALIDATION naming the first bad one (`texts[i]`)
 */
gboolean
graphbit_embedding_client_validate_texts (const char * const  *texts,
                                          guint                n_texts,
                                          GError             **error)
{
  g_return_val_if_fail (texts != NULL || n_texts == 0, FALSE);
  return check_texts ("embed_batch", "texts", texts, n_texts, error);
}

static GError *
check_can_send (GraphbitEmbeddingClient *self,
                const char              *operation)
{
  GraphbitEmbeddingConfig *config = graphbit_embedding_client_get_config (self);
  const GraphbitEmbeddingCodec *codec = graphbit_embedding_client_get_codec (self);
  GError *error;

  if (config == NULL)
    error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                "This EmbeddingClient has no configuration: create it with "
                                "EmbeddingClient.new(config)");
  else if (graphbit_embedding_config_get_provider (config) != GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA
           && !graphbit_embedding_config_has_api_key (config))
    error = graphbit_error_new (GRAPHBIT_ERROR_CONFIGURATION,
                                "This %s configuration has no API key: create it with its constructor "
                                "(which reads the key from the environment) or pass api_key",
                                codec->label);
  else
    return NULL;

  graphbit_error_set_operation (error, operation);
  graphbit_error_set_provider (error, codec->name);
  return error;
}

/* Embeds @texts (validated here, naming @field) in slices; the task's
 * result is a GraphbitEmbeddings. @blocking: a blocking variant's batch,
 * whose only slice (if it has one) may do its I/O in the calling thread;
 * several slices still run concurrently on the workers. */
static void
start_batch (GraphbitEmbeddingClient *self,
             const char              *operation,
             const char              *field,
             const char * const      *texts,
             guint                    n_texts,
             gboolean                 blocking,
             GCancellable            *cancellable,
             GAsyncReadyCallback      callback,
             gpointer                 user_data,
             gpointer                 source_tag)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Batch *batch;
  gint slice_size, max_concurrency;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, operation);

  /* Bad arguments are refused here, before anything counts as a request. */
  if (!check_texts (operation, field, texts, n_texts, &error)
      || (error = check_can_send (self, operation)) != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  graphbit_embedding_client_get_batching (self, &slice_size, &max_concurrency);
  batch = g_new0 (Batch, 1);
  batch->operation = operation;
  batch->texts = g_ptr_array_new_full (n_texts, g_free);
  for (guint i = 0; i < n_texts; i++)
    g_ptr_array_add (batch->texts, g_strdup (texts[i]));
  batch->slice_size = (guint) slice_size;
  batch->max_concurrency = (guint) max_concurrency;
  batch->n_slices = (n_texts + batch->slice_size - 1) / batch->slice_size;
  batch->blocking = blocking && batch->n_slices == 1;
  batch->results = g_ptr_array_new_full (batch->n_slices, unref_result);
  g_ptr_array_set_size (batch->results, batch->n_slices);
  batch->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      batch->caller_cancellable = g_object_ref (cancellable);
      batch->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                     g_object_ref (batch->cancellable), g_object_unref);
    }
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);
  start_slices (task);
}

static GraphbitEmbeddings *
finish_embeddings (GraphbitEmbeddingClient  *self,
                   GAsyncResult             *result,
                   gpointer                  source_tag,
                   GError                  **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return graphbit_task_propagate_pointer (G_TASK (result), error);
}

/**
 * graphbit_embedding_client_embed_text_async:
 * @self: a #GraphbitEmbeddingClient
 * @text: the text to embed, not empty
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @callback: (scope async): called with the result, in the thread-default
 *   main context of the caller
 * @user_data: data for @callback
 *
 * Embeds one text.
 */
void
graphbit_embedding_client_embed_text_async (GraphbitEmbeddingClient *self,
                                            const char              *text,
                                            GCancellable            *cancellable,
                                            GAsyncReadyCallback      callback,
                                            gpointer                 user_data)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_batch (self, "embed_text", "text", &text, 1, FALSE, cancellable, callback, user_data,
               graphbit_embedding_client_embed_text_async);
}

/**
 * graphbit_embedding_client_embed_text_finish:
 * @self: a #GraphbitEmbeddingClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.EmbeddingClient.embed_text_async].
 *
 * Returns: (transfer full): one vector, or %NULL with @error set: a
 *   %GRAPHBIT_ERROR code (%GRAPHBIT_ERROR_VALIDATION for an empty text),
 *   or %G_IO_ERROR_CANCELLED
 */
GraphbitEmbeddings *
graphbit_embedding_client_embed_text_finish (GraphbitEmbeddingClient  *self,
                                             GAsyncResult             *result,
                                             GError                  **error)
{
  return finish_embeddings (self, result, graphbit_embedding_client_embed_text_async, error);
}

/**
 * graphbit_embedding_client_embed_text:
 * @self: a #GraphbitEmbeddingClient
 * @text: the text to embed, not empty
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @error: return location for a #GError
 *
 * Blocking variant of [method@Graphbit.EmbeddingClient.embed_text_async].
 * It waits without iterating the caller's main context, and must not be
 * called from a graphbit I/O thread.
 *
 * Returns: (transfer full): one vector, or %NULL with @error set
 */
GraphbitEmbeddings *
graphbit_embedding_client_embed_text (GraphbitEmbeddingClient  *self,
                                      const char               *text,
                                      GCancellable             *cancellable,
                                      GError                  **error)
{
  GraphbitSyncCall call;
  GraphbitEmbeddings *embeddings;

  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!graphbit_runtime_check_can_block ("embed_text", error))
    return NULL;

  graphbit_sync_call_begin (&call);
  start_batch (self, "embed_text", "text", &text, 1, TRUE, cancellable, graphbit_sync_call_done, &call,
               graphbit_embedding_client_embed_text_async);
  embeddings = graphbit_embedding_client_embed_text_finish (self, graphbit_sync_call_wait (&call), error);
  graphbit_sync_call_end (&call);
  return embeddings;
}

/**
 * graphbit_embedding_client_embed_batch_async:
 * @self: a #GraphbitEmbeddingClient
 * @texts: (array length=n_texts): the texts to embed
 * @n_texts: how many, 1 to %GRAPHBIT_EMBEDDING_MAX_TEXTS
 * @cancellable: (nullable): a #GCancellable to abort the whole batch
 * @callback: (scope async): called once every vector arrived (or the
 *   batch failed), in the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Embeds many texts. They are validated first (none may be empty), then
 * sent in requests of at most the client's batch size, a few at a time
 * (see [method@Graphbit.EmbeddingClient.set_batching]); each request is
 * retried on its own. The vectors come back in input order. The first
 * request to fail for good fails the batch and cancels the others.
 */
void
graphbit_embedding_client_embed_batch_async (GraphbitEmbeddingClient *self,
                                             const char * const      *texts,
                                             guint                    n_texts,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data)
{
  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  g_return_if_fail (texts != NULL || n_texts == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_batch (self, "embed_batch", "texts", texts, n_texts, FALSE, cancellable, callback, user_data,
               graphbit_embedding_client_embed_batch_async);
}

/**
 * graphbit_embedding_client_embed_batch_finish:
 * @self: a #GraphbitEmbeddingClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.EmbeddingClient.embed_batch_async].
 *
 * Returns: (transfer full): one vector per text, in input order, or %NULL
 *   with @error set: a %GRAPHBIT_ERROR code (%GRAPHBIT_ERROR_VALIDATION
 *   naming `texts[i]` for an empty text), or %G_IO_ERROR_CANCELLED
 */
GraphbitEmbeddings *
graphbit_embedding_client_embed_batch_finish (GraphbitEmbeddingClient  *self,
                                              GAsyncResult             *result,
                                              GError                  **error)
{
  return finish_embeddings (self, result, graphbit_embedding_client_embed_batch_async, error);
}

/**
 * graphbit_embedding_client_embed_batch:
 * @self: a #GraphbitEmbeddingClient
 * @texts: (array length=n_texts): the texts to embed
 * @n_texts: how many, 1 to %GRAPHBIT_EMBEDDING_MAX_TEXTS
 * @cancellable: (nullable): a #GCancellable to abort the whole batch
 * @error: return location for a #GError
 *
 * Blocking variant of [method@Graphbit.EmbeddingClient.embed_batch_async].
 *
 * Returns: (transfer full): one vector per text, in input order, or %NULL
 *   with @error set
 */
GraphbitEmbeddings *
graphbit_embedding_client_embed_batch (GraphbitEmbeddingClient  *self,
                                       const char * const       *texts,
                                       guint                     n_texts,
                                       GCancellable             *cancellable,
                                       GError                  **error)
{
  GraphbitSyncCall call;
  GraphbitEmbeddings *embeddings;

  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (texts != NULL || n_texts == 0, NULL);

  if (!graphbit_runtime_check_can_block ("embed_batch", error))
    return NULL;

  graphbit_sync_call_begin (&call);
  start_batch (self, "embed_batch", "texts", texts, n_texts, TRUE, cancellable, graphbit_sync_call_done, &call,
               graphbit_embedding_client_embed_batch_async);
  embeddings = graphbit_embedding_client_embed_batch_finish (self, graphbit_sync_call_wait (&call), error);
  graphbit_sync_call_end (&call);
  return embeddings;
}

/* A document being embedded; owned by its task. */
typedef struct
{
  char *content;
  GVariant *metadata;
} Document;

static void
document_free (Document *document)
{
  g_free (document->content);
  g_clear_pointer (&document->metadata, g_variant_unref);
  g_free (document);
}

static void
on_document_embedded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Document *document = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GraphbitEmbeddings) embeddings = g_task_propagate_pointer (G_TASK (result), &error);

  if (embeddings == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task,
                           graphbit_embedding_document_new (document->content, document->metadata, embeddings),
                           g_object_unref);
}

/**
 * graphbit_embedding_client_embed_document_async:
 * @self: a #GraphbitEmbeddingClient
 * @content: the document's text, not empty
 * @metadata: (nullable): the document's metadata, an `a{sv}` dictionary
 *   kept as given (it is not embedded)
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @callback: (scope async): called with the result, in the thread-default
 *   main context of the caller
 * @user_data: data for @callback
 *
 * Embeds a document's content and returns it with its metadata, the model
 * and the dimensions.
 */
void
graphbit_embedding_client_embed_document_async (GraphbitEmbeddingClient *self,
                                                const char              *content,
                                                GVariant                *metadata,
                                                GCancellable            *cancellable,
                                                GAsyncReadyCallback      callback,
                                                gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  Document *document;

  g_return_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, graphbit_embedding_client_embed_document_async);
  g_task_set_name (task, "embed_document");

  if (metadata != NULL && !g_variant_is_of_type (metadata, G_VARIANT_TYPE_VARDICT))
    {
      GError *error = graphbit_error_new_validation ("embed_document", "metadata", g_variant_get_type_string (metadata),
                                                     "metadata must be an a{sv} dictionary, got a value of "
                                                     "type '%s'", g_variant_get_type_string (metadata));

      g_variant_ref_sink (metadata);
      g_variant_unref (metadata);
      g_task_return_error (task, error);
      return;
    }

  document = g_new0 (Document, 1);
  document->content = g_strdup (content);
  document->metadata = metadata != NULL ? g_variant_ref_sink (metadata) : NULL;
  g_task_set_task_data (task, document, (GDestroyNotify) document_free);
  start_batch (self, "embed_document", "content", &content, 1, FALSE, cancellable, on_document_embedded,
               g_steal_pointer (&task), graphbit_embedding_client_embed_document_async);
}

/**
 * graphbit_embedding_client_embed_document_finish:
 * @self: a #GraphbitEmbeddingClient
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.EmbeddingClient.embed_document_async].
 *
 * Returns: (transfer full): the embedded document, or %NULL with @error
 *   set: a %GRAPHBIT_ERROR code (%GRAPHBIT_ERROR_VALIDATION for an empty
 *   content or metadata that is not `a{sv}`), or %G_IO_ERROR_CANCELLED
 */
GraphbitEmbeddingDocument *
graphbit_embedding_client_embed_document_finish (GraphbitEmbeddingClient  *self,
                                                 GAsyncResult             *result,
                                                 GError                  **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == graphbit_embedding_client_embed_document_async,
                        NULL);

  return graphbit_task_propagate_pointer (G_TASK (result), error);
}

/**
 * graphbit_embedding_client_embed_document:
 * @self: a #GraphbitEmbeddingClient
 * @content: the document's text, not empty
 * @metadata: (nullable): the document's metadata, an `a{sv}` dictionary
 * @cancellable: (nullable): a #GCancellable to abort the HTTP exchange
 * @error: return location for a #GError
 *
 * Blocking variant of
 * [method@Graphbit.EmbeddingClient.embed_document_async].
 *
 * Returns: (transfer full): the embedded document, or %NULL with @error set
 */
GraphbitEmbeddingDocument *
graphbit_embedding_client_embed_document (GraphbitEmbeddingClient  *self,
                                          const char               *content,
                                          GVariant                 *metadata,
                                          GCancellable             *cancellable,
                                          GError                  **error)
{
  GraphbitSyncCall call;
  GraphbitEmbeddingDocument *document;

  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDING_CLIENT (self), NULL);

  if (!graphbit_runtime_check_can_block ("embed_document", error))
    return NULL;

  graphbit_sync_call_begin (&call);
  graphbit_embedding_client_embed_document_async (self, content, metadata, cancellable, graphbit_sync_call_done,
                                                  &call);
  document = graphbit_embedding_client_embed_document_finish (self, graphbit_sync_call_wait (&call), error);
  graphbit_sync_call_end (&call);
  return document;
}
