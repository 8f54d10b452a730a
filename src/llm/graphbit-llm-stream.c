/* graphbit-llm-stream.c - a streamed answer, pulled chunk by chunk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The stream is pull-based: nothing is read from the network until the
 * consumer asks for the next chunk, so a slow consumer slows the
 * provider down (TCP backpressure) instead of buffering without bound.
 * Each next() returns all the text decoded from one network read (one
 * or more tokens), which keeps the per-chunk cost low for bindings.
 *
 * All the I/O state lives in a StreamCore that only the exchange's worker
 * thread touches; the GObject is the caller's handle. The HTTP exchange
 * (and the worker operation it holds) is created by the first next(), so
 * a stream that is never read costs nothing.
 */

#include "config.h"

#include "graphbit-llm-stream-private.h"
#include "graphbit-llm-client-private.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"
#include "http/graphbit-http-private.h"
#include "http/graphbit-sse-decoder-private.h"
#include "http/graphbit-ndjson-decoder-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-sync-private.h"

/* How much is read from the network at a time. */
#define READ_SIZE 16384
/* An error body (non-2xx) is kept up to this size. */
#define MAX_ERROR_BODY (1024 * 1024)

typedef enum {
  CORE_NEW,        /* nothing sent yet */
  CORE_OPENING,    /* request sent, waiting for the headers */
  CORE_OPEN,       /* reading the event stream */
  CORE_FINISHED,   /* the whole answer arrived */
  CORE_FAILED,     /* failed, cancelled or closed: failure says which */
} CoreState;

typedef struct
{
  /* Immutable after creation. */
  const GraphbitLlmCodec *codec;
  GraphbitLlmClient *client;          /* for statistics */
  GraphbitHttpOptions options;
  gboolean debug;

  /* Set by the first next() (under the busy flag), then worker only. */
  SoupMessage *msg;                   /* until the exchange takes it */
  GraphbitHttpExchange *exchange;

  /* Worker thread only. */
  CoreState state;
  GInputStream *body;
  gboolean at_eof;
  GraphbitSseDecoder *sse;
  GraphbitNdjsonDecoder *ndjson;
  GByteArray *whole_body;             /* error body, or a non-streamed JSON answer */
  gboolean whole_is_error;
  GraphbitStreamAccumulator acc;
  GError *failure;
  guint8 buffer[READ_SIZE];

  /* Shared: set once on the worker, read from any thread. */
  gint busy;                          /* a next() is in progress */
  gint finished;
  GraphbitLlmResponse *response;      /* once finished */
} StreamCore;

struct _GraphbitLlmStream
{
  GObject parent_instance;

  StreamCore *core;
};

G_DEFINE_FINAL_TYPE (GraphbitLlmStream, graphbit_llm_stream, G_TYPE_OBJECT)

/* One next() call in flight. */
typedef struct
{
  StreamCore *core;
  GTask *task;
  GCancellable *cancellable;
  gulong cancel_handler;
} NextOp;

static void core_pull (GraphbitHttpExchange *exchange,
                       gpointer              data);
static void core_read (StreamCore *core,
                       NextOp     *op);

static void
core_clear (StreamCore *core)
{
  g_clear_object (&core->msg);
  g_clear_pointer (&core->exchange, graphbit_http_exchange_unref);
  g_clear_object (&core->client);
  g_clear_object (&core->body);
  g_clear_pointer (&core->sse, graphbit_sse_decoder_free);
  g_clear_pointer (&core->ndjson, graphbit_ndjson_decoder_free);
  g_clear_pointer (&core->whole_body, g_byte_array_unref);
  graphbit_stream_accumulator_clear (&core->acc);
  g_clear_error (&core->failure);
  g_clear_object (&core->response);
}

static StreamCore *
core_ref (StreamCore *core)
{
  return g_atomic_rc_box_acquire (core);
}

static void
core_unref (StreamCore *core)
{
  g_atomic_rc_box_release_full (core, (GDestroyNotify) core_clear);
}

/* Worker: the body stream goes away with the exchange. A body not read to
 * its end is cancelled first, so closing it does not wait for the rest. */
static void
core_release_io (StreamCore *core)
{
  if (core->body != NULL)
    {
      if (!core->at_eof)
        g_cancellable_cancel (graphbit_http_exchange_get_cancellable (core->exchange));
      g_input_stream_close (core->body, NULL, NULL);
      g_clear_object (&core->body);
    }
  if (core->exchange != NULL)
    graphbit_http_exchange_end (core->exchange);
}

static void
core_record (StreamCore         *core,
             GraphbitLlmOutcome  outcome)
{
  gint64 duration_us = g_get_monotonic_time () - graphbit_http_exchange_get_started_at (core->exchange);

  graphbit_llm_client_record_call (core->client, outcome, duration_us, 0,
                                   core->acc.prompt_tokens, core->acc.completion_tokens);
  if (core->debug)
    graphbit_log_message (GRAPHBIT_LOG_DEBUG, "%s stream: %s after %.1f ms, %" G_GSIZE_FORMAT " bytes of text",
                          core->codec->name,
                          outcome == GRAPHBIT_LLM_OUTCOME_SUCCESS ? "finished"
                          : outcome == GRAPHBIT_LLM_OUTCOME_CANCELLED ? "cancelled" : "failed",
                          duration_us / 1000.0, core->acc.content->len);
}

/* Worker: the stream failed for good; @error is taken. Only the first
 * failure counts (a read cancelled by close() reports again). */
static void
core_fail (StreamCore *core,
           GError     *error)
{
  gboolean sent = core->exchange != NULL && core->state != CORE_NEW;

  if (core->state == CORE_FAILED || core->state == CORE_FINISHED)
    {
      g_error_free (error);
      return;
    }

  if (error->domain == GRAPHBIT_ERROR)
    {
      graphbit_error_set_operation (error, "stream");
      graphbit_error_set_provider (error, core->codec->name);
      if (core->exchange != NULL)
        graphbit_error_set_duration_ms (error, (g_get_monotonic_time ()
                                                - graphbit_http_exchange_get_started_at (core->exchange)) / 1000);
    }
  core->state = CORE_FAILED;
  core->failure = error;
  if (sent)
    core_record (core, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                         ? GRAPHBIT_LLM_OUTCOME_CANCELLED : GRAPHBIT_LLM_OUTCOME_FAILURE);
  core_release_io (core);
}

/* Worker: the provider finished the answer and the body ended. */
static void
core_finish (StreamCore *core)
{
  core->state = CORE_FINISHED;
  g_atomic_pointer_set (&core->response, graphbit_stream_accumulator_to_response (&core->acc));
  g_atomic_int_set (&core->finished, TRUE);
  core_record (core, GRAPHBIT_LLM_OUTCOME_SUCCESS);
  core_release_io (core);
}

static void
next_op_free (NextOp *op)
{
  g_clear_object (&op->task);
  g_clear_object (&op->cancellable);
  core_unref (op->core);
  g_free (op);
}

/* Worker: answers the pending next() with @text (taken; NULL at the end)
 * or with @error (taken). */
static void
next_op_return (NextOp *op,
                char   *text,
                GError *error)
{
  GTask *task = g_steal_pointer (&op->task);

  if (op->core->exchange != NULL)
    graphbit_http_exchange_disconnect_cancellable (op->core->exchange, op->cancellable, op->cancel_handler);
  /* Cleared before returning, so the callback may call next() again. */
  g_atomic_int_set (&op->core->busy, FALSE);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
  g_object_unref (task);
  next_op_free (op);
}

static void
next_op_fail (NextOp *op,
              GError *error)
{
  core_fail (op->core, error);
  if (op->core->state == CORE_FAILED)
    next_op_return (op, NULL, g_error_copy (op->core->failure));
  else
    next_op_return (op, NULL, NULL);
}

/* Worker: an I/O callback that arrives after close() has no work left. */
static gboolean
next_op_closed_meanwhile (NextOp *op)
{
  if (op->core->state != CORE_FAILED)
    return FALSE;
  next_op_return (op, NULL, g_error_copy (op->core->failure));
  return TRUE;
}

/* Worker: hands over the text decoded so far, if any. */
static gboolean
next_op_deliver_pending_text (NextOp *op)
{
  GString *delta = op->core->acc.delta;
  char *text;

  if (delta->len == 0)
    return FALSE;
  text = g_strndup (delta->str, delta->len);
  g_string_truncate (delta, 0);
  next_op_return (op, text, NULL);
  return TRUE;
}

static gboolean
on_sse_event (const GraphbitSseEvent  *event,
              gpointer                 user_data,
              GError                 **error)
{
  StreamCore *core = user_data;

  return core->codec->parse_stream_event (&core->acc, event->event, event->data, event->data_len, error);
}

static gboolean
on_ndjson_line (const char  *line,
                gsize        len,
                gpointer     user_data,
                GError     **error)
{
  StreamCore *core = user_data;

  return core->codec->parse_stream_event (&core->acc, NULL, line, len, error);
}

static gboolean
core_feed (StreamCore  *core,
           const char  *data,
           gsize        len,
           GError     **error)
{
  if (core->sse != NULL)
    return graphbit_sse_decoder_feed (core->sse, data, len, on_sse_event, core, error);
  return graphbit_ndjson_decoder_feed (core->ndjson, data, len, on_ndjson_line, core, error);
}

/* Worker: end of the body. A stream the provider did not finish was cut. */
static gboolean
core_feed_end (StreamCore  *core,
               GError     **error)
{
  /* NDJSON servers may omit the last newline: the decoder hands over an
   * unterminated last line too. */
  if (core->ndjson != NULL
      && !graphbit_ndjson_decoder_finish (core->ndjson, on_ndjson_line, core, NULL, error))
    return FALSE;
  if (core->sse != NULL)
    graphbit_sse_decoder_finish (core->sse);

  if (!core->acc.finished)
    {
      g_set_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_NETWORK,
                   "The %s stream ended before the answer was complete (%" G_GSIZE_FORMAT
                   " bytes of text received): the connection was closed mid-stream",
                   core->codec->label, core->acc.content->len);
      return FALSE;
    }
  return TRUE;
}

/* Worker: a whole (non-event-stream) body has been read. */
static void
core_whole_body_done (StreamCore *core,
                      NextOp     *op)
{
  SoupMessage *msg = graphbit_http_exchange_get_message (core->exchange);
  const char *data = (const char *) core->whole_body->data;
  gsize len = core->whole_body->len;
  g_autoptr(GraphbitLlmResponse) response = NULL;
  GError *error = NULL;

  if (core->whole_is_error)
    {
      g_autofree char *message = core->codec->error_message (data, len);
      g_autoptr(GBytes) body = g_bytes_new (data, len);

      next_op_fail (op, graphbit_http_error_from_status (msg, body, &core->options, core->codec->label, message));
      return;
    }

  /* A compatible server that ignored "stream": one JSON answer. */
  response = core->codec->parse_response (data, len, &error);
  if (response == NULL)
    {
      next_op_fail (op, error);
      return;
    }
  graphbit_stream_accumulator_add_text (&core->acc, graphbit_llm_response_get_content (response));
  graphbit_stream_accumulator_set (&core->acc.finish_reason, graphbit_llm_response_get_finish_reason (response));
  graphbit_stream_accumulator_set (&core->acc.model, graphbit_llm_response_get_model (response));
  graphbit_stream_accumulator_set (&core->acc.id, graphbit_llm_response_get_id (response));
  core->acc.prompt_tokens = graphbit_llm_response_get_prompt_tokens (response);
  core->acc.completion_tokens = graphbit_llm_response_get_completion_tokens (response);
  core->acc.finished = TRUE;
  core_finish (core);
  if (!next_op_deliver_pending_text (op))
    next_op_return (op, NULL, NULL);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  NextOp *op = user_data;
  StreamCore *core = op->core;
  g_autoptr(GError) read_error = NULL;
  GError *error = NULL;
  gssize n;

  graphbit_http_exchange_disarm_timeout (core->exchange);
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &read_error);
  if (next_op_closed_meanwhile (op))
    return;
  if (n < 0)
    {
      next_op_fail (op, graphbit_http_exchange_map_error (core->exchange, read_error));
      return;
    }

  if (n == 0)
    {
      core->at_eof = TRUE;
      if (core->whole_body != NULL)
        core_whole_body_done (core, op);
      else if (!core_feed_end (core, &error))
        next_op_fail (op, error);
      else
        {
          core_finish (core);
          if (!next_op_deliver_pending_text (op))
            next_op_return (op, NULL, NULL);
        }
      return;
    }

  if (core->whole_body != NULL)
    {
      if (core->whole_body->len + n > MAX_ERROR_BODY)
        {
          /* Enough to report it; the rest is not needed. */
          core->at_eof = TRUE;
          core_whole_body_done (core, op);
          return;
        }
      g_byte_array_append (core->whole_body, core->buffer, n);
      core_read (core, op);
      return;
    }

  if (!core_feed (core, (const char *) core->buffer, n, &error))
    {
      next_op_fail (op, error);
      return;
    }
  if (!next_op_deliver_pending_text (op))
    core_read (core, op);
}

/* Worker: reads once more; the timer measures silence, so a slow stream
 * whose tokens keep flowing is never cut, a silent one is. */
static void
core_read (StreamCore *core,
           NextOp     *op)
{
  graphbit_http_exchange_arm_timeout (core->exchange);
  g_input_stream_read_async (core->body, core->buffer, sizeof core->buffer, G_PRIORITY_DEFAULT,
                             graphbit_http_exchange_get_cancellable (core->exchange), on_read, op);
}

static gboolean
is_event_stream (SoupMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

  return type != NULL
      && (g_ascii_strcasecmp (type, "text/event-stream") == 0
          || g_ascii_strcasecmp (type, "application/x-ndjson") == 0
          || g_ascii_strcasecmp (type, "application/jsonl") == 0);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  NextOp *op = user_data;
  StreamCore *core = op->core;
  SoupMessage *msg = graphbit_http_exchange_get_message (core->exchange);
  g_autoptr(GError) send_error = NULL;

  graphbit_http_exchange_disarm_timeout (core->exchange);
  core->body = soup_session_send_finish (SOUP_SESSION (source), result, &send_error);
  if (core->body != NULL && op->core->state == CORE_FAILED)
    {
      /* Closed while the headers were on their way. */
      g_input_stream_close (core->body, NULL, NULL);
      g_clear_object (&core->body);
    }
  if (next_op_closed_meanwhile (op))
    return;
  if (core->body == NULL)
    {
      next_op_fail (op, graphbit_http_exchange_map_error (core->exchange, send_error));
      return;
    }

  /* Errors before the first event come back as ordinary JSON bodies, even
   * for streamed requests: check the status and the type before parsing. */
  core->state = CORE_OPEN;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) || !is_event_stream (msg))
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) && !graphbit_http_is_json (msg))
        {
          const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

          next_op_fail (op, g_error_new (GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER,
                                         "%s stream: expected an event stream but got content type '%s'; "
                                         "is the base URL an %s-compatible API?",
                                         core->codec->label, type != NULL ? type : "(none)", core->codec->label));
          return;
        }
      core->whole_is_error = !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg));
      core->whole_body = g_byte_array_new ();
      core_read (core, op);
      return;
    }

  if (core->codec->stream_format == GRAPHBIT_STREAM_FORMAT_SSE)
    core->sse = graphbit_sse_decoder_new (0);
  else
    core->ndjson = graphbit_ndjson_decoder_new (0);
  core_read (core, op);
}

/* Worker: one next(). */
static void
core_pull (GraphbitHttpExchange *exchange,
           gpointer              data)
{
  NextOp *op = data;
  StreamCore *core = op->core;
  GError *error = NULL;

  switch (core->state)
    {
    case CORE_NEW:
      if (!graphbit_http_exchange_begin (exchange, &error))
        {
          next_op_fail (op, error);
          return;
        }
      core->state = CORE_OPENING;
      graphbit_http_exchange_arm_timeout (exchange);
      soup_session_send_async (graphbit_http_exchange_get_session (exchange),
                               graphbit_http_exchange_get_message (exchange), G_PRIORITY_DEFAULT,
                               graphbit_http_exchange_get_cancellable (exchange), on_sent, op);
      return;
    case CORE_OPEN:
      if (!next_op_deliver_pending_text (op))
        core_read (core, op);
      return;
    case CORE_FINISHED:
      next_op_return (op, NULL, NULL);
      return;
    case CORE_FAILED:
      next_op_return (op, NULL, g_error_copy (core->failure));
      return;
    case CORE_OPENING:
    default:
      g_assert_not_reached ();
    }
}

/* Worker: the stream was closed or dropped before its end. */
static void
core_abandon (GraphbitHttpExchange *exchange,
              gpointer              data)
{
  StreamCore *core = data;

  if (core->state == CORE_FINISHED || core->state == CORE_FAILED)
    return;
  core_fail (core, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The %s stream was closed before its end",
                                core->codec->label));
}

static void
graphbit_llm_stream_dispose (GObject *object)
{
  GraphbitLlmStream *self = GRAPHBIT_LLM_STREAM (object);

  graphbit_llm_stream_close (self);
  G_OBJECT_CLASS (graphbit_llm_stream_parent_class)->dispose (object);
}

static void
graphbit_llm_stream_finalize (GObject *object)
{
  GraphbitLlmStream *self = GRAPHBIT_LLM_STREAM (object);

  core_unref (self->core);
  G_OBJECT_CLASS (graphbit_llm_stream_parent_class)->finalize (object);
}

static void
graphbit_llm_stream_class_init (GraphbitLlmStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = graphbit_llm_stream_dispose;
  object_class->finalize = graphbit_llm_stream_finalize;
}

static void
graphbit_llm_stream_init (GraphbitLlmStream *self)
{
}

GraphbitLlmStream *
graphbit_llm_stream_new (GraphbitLlmClient         *client,
                         const GraphbitLlmCodec    *codec,
                         SoupMessage               *msg,
                         const GraphbitHttpOptions *options,
                         gboolean                   debug)
{
  GraphbitLlmStream *self = g_object_new (GRAPHBIT_TYPE_LLM_STREAM, NULL);
  StreamCore *core = g_atomic_rc_box_new0 (StreamCore);

  core->codec = codec;
  core->client = g_object_ref (client);
  core->options = *options;
  core->options.operation = "stream";
  core->debug = debug;
  core->msg = msg;
  core->state = CORE_NEW;
  graphbit_stream_accumulator_init (&core->acc);
  self->core = core;
  return self;
}

/**
 * GraphbitLlmStream:
 *
 * A streamed answer from [method@Graphbit.LlmClient.stream]. Each
 * [method@Graphbit.LlmStream.next_async] returns the text that arrived
 * since the previous one (one network read: one token or several), and
 * %NULL once the answer is complete; then
 * [method@Graphbit.LlmStream.get_response] has the whole text, the finish
 * reason and the usage.
 *
 * The request is sent by the first `next`, and the network is read only
 * when the next chunk is asked for. One `next` may be in progress at a
 * time. Cancelling a `next` (or closing the stream, or dropping the last
 * reference) aborts the HTTP exchange; the stream then reports
 * %G_IO_ERROR_CANCELLED. An error the provider sends inside the stream,
 * or a connection closed before the provider finished, is a typed
 * %GRAPHBIT_ERROR.
 */

/**
 * graphbit_llm_stream_next_async:
 * @self: a #GraphbitLlmStream
 * @cancellable: (nullable): a #GCancellable; cancelling it aborts the
 *   whole stream
 * @callback: (scope async): called when text (or the end) arrived, in the
 *   thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Asks for the next chunk of text.
 */
void
graphbit_llm_stream_next_async (GraphbitLlmStream   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  StreamCore *core;
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  NextOp *op;

  g_return_if_fail (GRAPHBIT_IS_LLM_STREAM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  core = self->core;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, graphbit_llm_stream_next_async);
  g_task_set_name (task, "graphbit_llm_stream_next_async");

  if (!g_atomic_int_compare_and_exchange (&core->busy, FALSE, TRUE))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A next() call on this stream is already in progress; wait for it first");
      return;
    }

  if (core->exchange == NULL)
    {
      /* The first next(): send the request. */
      core->exchange = graphbit_http_exchange_new (g_steal_pointer (&core->msg), &core->options, &error);
      if (core->exchange == NULL)
        {
          g_atomic_int_set (&core->busy, FALSE);
          g_task_return_error (task, error);
          return;
        }
    }

  op = g_new0 (NextOp, 1);
  op->core = core_ref (core);
  op->task = g_steal_pointer (&task);
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  op->cancel_handler = graphbit_http_exchange_connect_cancellable (core->exchange, cancellable);
  graphbit_http_exchange_invoke (core->exchange, core_pull, op, NULL);
}

/**
 * graphbit_llm_stream_next_finish:
 * @self: a #GraphbitLlmStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Graphbit.LlmStream.next_async].
 *
 * Returns: (transfer full) (nullable): the next text, or %NULL with @error
 *   unset at the end of the answer, or %NULL with @error set
 */
char *
graphbit_llm_stream_next_finish (GraphbitLlmStream  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_STREAM (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == graphbit_llm_stream_next_async, NULL);

  return graphbit_task_propagate_pointer (G_TASK (result), error);
}

/**
 * graphbit_llm_stream_next:
 * @self: a #GraphbitLlmStream
 * @cancellable: (nullable): a #GCancellable; cancelling it aborts the
 *   whole stream
 * @error: return location for a #GError
 *
 * Blocking variant of [method@Graphbit.LlmStream.next_async]; it does not
 * iterate the caller's main context and must not be called from a
 * graphbit I/O thread.
 *
 * Returns: (transfer full) (nullable): the next text, or %NULL with @error
 *   unset at the end of the answer, or %NULL with @error set
 */
char *
graphbit_llm_stream_next (GraphbitLlmStream  *self,
                          GCancellable       *cancellable,
                          GError            **error)
{
  GraphbitSyncCall call;
  char *text;

  g_return_val_if_fail (GRAPHBIT_IS_LLM_STREAM (self), NULL);

  if (!graphbit_runtime_check_can_block ("next", error))
    return NULL;

  graphbit_sync_call_begin (&call);
  graphbit_llm_stream_next_async (self, cancellable, graphbit_sync_call_done, &call);
  text = graphbit_llm_stream_next_finish (self, graphbit_sync_call_wait (&call), error);
  graphbit_sync_call_end (&call);
  return text;
}

/**
 * graphbit_llm_stream_close:
 * @self: a #GraphbitLlmStream
 *
 * Stops the stream: if the answer is not complete yet, the HTTP exchange
 * is aborted (the connection is not reused) and later `next` calls report
 * %G_IO_ERROR_CANCELLED. Closing a finished stream does nothing. Dropping
 * the last reference closes the stream too.
 */
void
graphbit_llm_stream_close (GraphbitLlmStream *self)
{
  StreamCore *core;

  g_return_if_fail (GRAPHBIT_IS_LLM_STREAM (self));

  core = self->core;
  if (core == NULL || core->exchange == NULL || g_atomic_int_get (&core->finished))
    return;
  graphbit_http_exchange_abort (core->exchange);
  graphbit_http_exchange_invoke (core->exchange, core_abandon, core_ref (core), (GDestroyNotify) core_unref);
}

/**
 * graphbit_llm_stream_is_finished:
 * @self: a #GraphbitLlmStream
 *
 * Returns: whether the whole answer has arrived
 */
gboolean
graphbit_llm_stream_is_finished (GraphbitLlmStream *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_STREAM (self), FALSE);
  return g_atomic_int_get (&self->core->finished);
}

/**
 * graphbit_llm_stream_get_response:
 * @self: a #GraphbitLlmStream
 *
 * Gets the whole answer once the stream is finished: the text, the finish
 * reason, the model and id, and the usage when the provider reported it.
 *
 * Returns: (transfer none) (nullable): the response, or %NULL until the
 *   stream has finished
 */
GraphbitLlmResponse *
graphbit_llm_stream_get_response (GraphbitLlmStream *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_LLM_STREAM (self), NULL);
  return g_atomic_int_get (&self->core->finished) ? g_atomic_pointer_get (&self->core->response) : NULL;
}
