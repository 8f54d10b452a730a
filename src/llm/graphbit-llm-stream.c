/* graphbit-llm-stream.c - a streamed answer, pulled chunk by chunk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first next() sends the request; from then on the worker reads
 * ahead, decoding text into a buffer while the consumer is busy, up to
 * READ_AHEAD_MAX bytes, then stops reading, so a slow consumer slows the
 * provider down (TCP backpressure) instead of buffering without bound.
 * Each next() returns all the text buffered by then (at least one
 * network read's worth), so a fast provider and a busy consumer (a
 * binding's event loop) cost one hand-over per batch of tokens, not per
 * token.
 *
 * A stream is one logical call (resilience/graphbit-call.c): the first next()
 * starts it, through the client's rate limits and circuit breaker. An
 * attempt that fails before any text reached the consumer is retried like
 * any call, invisibly, while that next() waits; once text was delivered a
 * failure is final, so nothing is ever delivered twice. The call ends,
 * and its statistics and limiter slot with it, when the stream finishes,
 * fails or is closed.
 *
 * All the I/O state lives in a StreamCore that only the current
 * exchange's worker thread touches; the GObject is the caller's handle.
 */

#include "config.h"

#include "graphbit-llm-stream-private.h"
#include "graphbit-llm-client-private.h"
#include "resilience/graphbit-call-private.h"
#include "graphbit-llm-config-private.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"
#include "http/graphbit-http-private.h"
#include "http/graphbit-sse-decoder-private.h"
#include "http/graphbit-ndjson-decoder-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "runtime/graphbit-sync-private.h"

/* How much is read from the network at a time. */
#define READ_SIZE 16384
/* Decoded text buffered for the consumer before reading stops. */
#define READ_AHEAD_MAX (64 * 1024)
/* An error body (non-2xx) is kept up to this size. */
#define MAX_ERROR_BODY (1024 * 1024)

typedef enum {
  CORE_NEW,        /* nothing sent yet */
  CORE_ACTIVE,     /* the call runs: attempts, waits, reads */
  CORE_FINISHED,   /* the whole answer arrived */
  CORE_FAILED,     /* failed, cancelled or closed: failure says which */
} CoreState;

typedef struct _NextOp NextOp;

typedef struct
{
  /* Immutable after creation. */
  GraphbitLlmClient *client;
  GraphbitLlmConfig *config;
  GraphbitLlmRequest *request;
  const GraphbitLlmCodec *codec;
  GraphbitHttpOptions options;
  gboolean debug;

  GraphbitCall *call;              /* set by the first next() */

  /* The current attempt; the worker of its exchange only. */
  GraphbitHttpExchange *exchange;
  GInputStream *body;
  gboolean at_eof;
  gboolean reading;                   /* a read is in flight */
  GraphbitSseDecoder *sse;
  GraphbitNdjsonDecoder *ndjson;
  GByteArray *whole_body;             /* error body, or a non-streamed JSON answer */
  gboolean whole_is_error;
  SoupMessageHeaders *failure_headers;
  GSource *idle_watch;                /* between two next() calls */
  guint8 buffer[READ_SIZE];

  /* The answer: only the thread currently running the stream touches it. */
  CoreState state;
  GraphbitStreamAccumulator acc;
  gboolean committed_text;            /* this attempt decoded text: a failure is final now */
  GError *failure;
  NextOp *pending;                    /* the next() waiting for text */

  /* Shared, atomic: the worker holds decoded text no next() took yet. A
   * next() only needs to wake the worker then: otherwise a read is in
   * flight (or the stream is ending), and the worker looks for a waiting
   * next() when it completes. */
  gint has_text;

  /* Shared: the thread whose own loop runs the current attempt, if one
   * does (a blocking next() there would wait for itself). */
  GThread *loop_thread;

  /* Shared: set once, read from any thread. */
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
struct _NextOp
{
  StreamCore *core;
  GTask *task;
  GCancellable *cancellable;
  gulong cancel_handler;
};

static void core_read (StreamCore *core);
static void core_pull (StreamCore *core);
static void attempt_failed (StreamCore *core,
                            GError     *error,
                            guint       status);

static void
core_clear (StreamCore *core)
{
  g_clear_pointer (&core->call, graphbit_call_unref);
  g_clear_pointer (&core->exchange, graphbit_http_exchange_unref);
  g_clear_object (&core->client);
  g_clear_object (&core->config);
  g_clear_object (&core->request);
  g_clear_object (&core->body);
  g_clear_pointer (&core->sse, graphbit_sse_decoder_free);
  g_clear_pointer (&core->ndjson, graphbit_ndjson_decoder_free);
  g_clear_pointer (&core->whole_body, g_byte_array_unref);
  g_clear_pointer (&core->failure_headers, soup_message_headers_unref);
  graphbit_stream_accumulator_clear (&core->acc);
  g_clear_error (&core->failure);
  g_clear_object (&core->response);
  g_clear_pointer (&core->loop_thread, g_thread_unref);
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

static void
unwatch_idle (StreamCore *core)
{
  if (core->idle_watch != NULL)
    {
      g_source_destroy (core->idle_watch);
      g_clear_pointer (&core->idle_watch, g_source_unref);
    }
}

/* Between two next() calls no read is pending, so nothing would notice the
 * exchange being aborted (a close, a dropped stream, a shutdown, which
 * waits for the exchange to end). This watch does. */
static gboolean
on_idle_cancelled (GCancellable *cancellable,
                   gpointer      data)
{
  StreamCore *core = data;

  g_clear_pointer (&core->idle_watch, g_source_unref);
  if (core->pending == NULL && core->state == CORE_ACTIVE && core->body != NULL)
    attempt_failed (core, graphbit_http_exchange_map_error (core->exchange, NULL), 0);
  return G_SOURCE_REMOVE;
}

static void
watch_idle (StreamCore *core)
{
  unwatch_idle (core);
  core->idle_watch = g_cancellable_source_new (graphbit_http_exchange_get_cancellable (core->exchange));
  g_source_set_callback (core->idle_watch, (GSourceFunc) (void (*) (void)) on_idle_cancelled,
                         core_ref (core), (GDestroyNotify) core_unref);
  g_source_attach (core->idle_watch, g_main_context_get_thread_default ());
}

/* The current attempt's I/O goes away. A body not read to its end is
 * cancelled first, so closing it does not wait for the rest. */
static void
attempt_release_io (StreamCore *core)
{
  unwatch_idle (core);
  if (core->body != NULL)
    {
      if (!core->at_eof)
        g_cancellable_cancel (graphbit_http_exchange_get_cancellable (core->exchange));
      g_input_stream_close (core->body, NULL, NULL);
      g_clear_object (&core->body);
    }
  g_clear_pointer (&core->sse, graphbit_sse_decoder_free);
  g_clear_pointer (&core->ndjson, graphbit_ndjson_decoder_free);
  g_clear_pointer (&core->whole_body, g_byte_array_unref);
  if (core->exchange != NULL)
    graphbit_http_exchange_end (core->exchange);
}

static void
next_op_free (NextOp *op)
{
  g_clear_object (&op->task);
  g_clear_object (&op->cancellable);
  core_unref (op->core);
  g_free (op);
}

/* Answers @op with @text (taken; NULL at the end) or with @error (taken). */
static void
answer_op (StreamCore *core,
           NextOp     *op,
           char       *text,
           GError     *error)
{
  GTask *task;

  if (op->cancel_handler != 0)
    g_cancellable_disconnect (op->cancellable, op->cancel_handler);
  task = g_steal_pointer (&op->task);
  /* Cleared before returning, so the callback may call next() again. */
  g_atomic_int_set (&core->busy, FALSE);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
  g_object_unref (task);
  next_op_free (op);
}

/* The waiting next(), taken by exactly one thread: once the stream has
 * ended, the consumer's thread and the worker may both try to answer it. */
static NextOp *
claim_pending (StreamCore *core)
{
  return g_atomic_pointer_exchange (&core->pending, NULL);
}

/* Worker thread, while the stream runs: hands the text buffered so far to
 * the waiting next(), if both exist. */
static gboolean
core_deliver_pending_text (StreamCore *core)
{
  GString *delta = core->acc.delta;
  NextOp *op;
  char *text;

  if (delta->len == 0)
    return FALSE;
  if (g_atomic_pointer_get (&core->pending) == NULL)
    {
      /* Announced, then checked again: a next() published meanwhile either
       * is seen here or sees has_text and wakes this worker. */
      g_atomic_int_set (&core->has_text, TRUE);
      if (g_atomic_pointer_get (&core->pending) == NULL)
        return FALSE;
    }
  if ((op = claim_pending (core)) == NULL)
    return FALSE;
  text = g_strndup (delta->str, delta->len);
  g_string_truncate (delta, 0);
  /* Before answering: the consumer may ask for more at once. */
  g_atomic_int_set (&core->has_text, FALSE);
  answer_op (core, op, text, NULL);
  return TRUE;
}

/* Once the stream has ended (any thread): the waiting next() gets the
 * text still buffered, else the end, or the failure. */
static void
core_answer_ended (StreamCore *core)
{
  NextOp *op = claim_pending (core);
  GString *delta = core->acc.delta;

  if (op == NULL)
    return;
  if (delta->len > 0)
    {
      char *text = g_strndup (delta->str, delta->len);

      g_string_truncate (delta, 0);
      g_atomic_int_set (&core->has_text, FALSE);
      answer_op (core, op, text, NULL);
    }
  else
    answer_op (core, op, NULL, core->state == CORE_FAILED ? g_error_copy (core->failure) : NULL);
}

/* Reads on while the buffer has room; past that, waits for the consumer
 * (and watches for an abort meanwhile). */
static void
core_read_ahead (StreamCore *core)
{
  if (core->state != CORE_ACTIVE || core->body == NULL || core->at_eof || core->reading)
    return;
  if (core->acc.delta->len < READ_AHEAD_MAX)
    core_read (core);
  else
    watch_idle (core);
}

/* The current attempt failed with @error (taken). Before any text reached
 * the consumer the call may retry it; after, the failure is final. */
static void
attempt_failed (StreamCore *core,
                GError     *error,
                guint       status)
{
  GraphbitAttemptFailure failure = { 0 };
  g_autoptr(SoupMessageHeaders) headers = g_steal_pointer (&core->failure_headers);
  g_autofree char *body = NULL;

  if (core->whole_body != NULL && core->whole_is_error)
    body = g_strndup ((const char *) core->whole_body->data, core->whole_body->len);
  attempt_release_io (core);

  failure.error = error;
  failure.status = status;
  failure.headers = headers;
  failure.body = body;
  failure.response_started = core->committed_text;
  if (core->committed_text)
    graphbit_call_end_with_error (core->call, g_error_copy (error));
  else
    graphbit_call_attempt_failed (core->call, &failure);
  g_error_free (error);
}

/* The provider finished the answer and the body ended. */
static void
attempt_finished (StreamCore *core)
{
  g_atomic_pointer_set (&core->response, graphbit_stream_accumulator_to_response (&core->acc));
  attempt_release_io (core);
  graphbit_call_attempt_succeeded (core->call, core->acc.prompt_tokens, core->acc.completion_tokens);
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

/* End of the body. A stream the provider did not finish was cut. */
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

/* A whole (non-event-stream) body has been read. */
static void
core_whole_body_done (StreamCore *core)
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

      attempt_failed (core, graphbit_http_error_from_status (msg, body, &core->options, core->codec->label, message),
                      soup_message_get_status (msg));
      return;
    }

  /* A compatible server that ignored "stream": one JSON answer. */
  response = core->codec->parse_response (data, len, &error);
  if (response == NULL)
    {
      attempt_failed (core, error, 0);
      return;
    }
  graphbit_stream_accumulator_add_text (&core->acc, graphbit_llm_response_get_content (response));
  graphbit_stream_accumulator_set (&core->acc.finish_reason, graphbit_llm_response_get_finish_reason (response));
  graphbit_stream_accumulator_set (&core->acc.model, graphbit_llm_response_get_model (response));
  graphbit_stream_accumulator_set (&core->acc.id, graphbit_llm_response_get_id (response));
  core->acc.prompt_tokens = graphbit_llm_response_get_prompt_tokens (response);
  core->acc.completion_tokens = graphbit_llm_response_get_completion_tokens (response);
  core->acc.finished = TRUE;
  attempt_finished (core);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  StreamCore *core = user_data;
  g_autoptr(GError) read_error = NULL;
  GError *error = NULL;
  gssize n;

  core->reading = FALSE;
  graphbit_http_exchange_disarm_timeout (core->exchange);
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &read_error);
  if (n < 0)
    {
      attempt_failed (core, graphbit_http_exchange_map_error (core->exchange, read_error), 0);
      core_unref (core);
      return;
    }

  if (n == 0)
    {
      core->at_eof = TRUE;
      if (core->whole_body != NULL)
        core_whole_body_done (core);
      else if (!core_feed_end (core, &error))
        attempt_failed (core, error, 0);
      else
        attempt_finished (core);
      core_unref (core);
      return;
    }

  if (core->whole_body != NULL)
    {
      if (core->whole_body->len + n > MAX_ERROR_BODY)
        {
          /* Enough to report it; the rest is not needed. */
          core_whole_body_done (core);
          core_unref (core);
          return;
        }
      g_byte_array_append (core->whole_body, core->buffer, n);
      core_read (core);
    }
  else if (!core_feed (core, (const char *) core->buffer, n, &error))
    attempt_failed (core, error, 0);
  else
    {
      if (core->acc.delta->len > 0)
        core->committed_text = TRUE;
      core_deliver_pending_text (core);
      core_read_ahead (core);
    }
  core_unref (core);
}

/* Reads once more; the timer measures silence, so a slow stream whose
 * tokens keep flowing is never cut, a silent one is. */
static void
core_read (StreamCore *core)
{
  unwatch_idle (core);
  core->reading = TRUE;
  graphbit_http_exchange_arm_timeout (core->exchange);
  g_input_stream_read_async (core->body, core->buffer, sizeof core->buffer, G_PRIORITY_DEFAULT,
                             graphbit_http_exchange_get_cancellable (core->exchange), on_read, core_ref (core));
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
  StreamCore *core = user_data;
  SoupMessage *msg = graphbit_http_exchange_get_message (core->exchange);
  g_autoptr(GError) send_error = NULL;
  guint status;

  graphbit_http_exchange_disarm_timeout (core->exchange);
  core->body = soup_session_send_finish (SOUP_SESSION (source), result, &send_error);
  if (core->body == NULL)
    {
      attempt_failed (core, graphbit_http_exchange_map_error (core->exchange, send_error), 0);
      core_unref (core);
      return;
    }

  /* Errors before the first event come back as ordinary JSON bodies, even
   * for streamed requests: check the status and the type before parsing. */
  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || !is_event_stream (msg))
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (status) && !graphbit_http_is_json (msg))
        {
          const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

          attempt_failed (core, g_error_new (GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER,
                                             "%s stream: expected an event stream but got content type '%s'; "
                                             "is the base URL an %s-compatible API?",
                                             core->codec->label, type != NULL ? type : "(none)",
                                             core->codec->label), 0);
          core_unref (core);
          return;
        }
      core->whole_is_error = !SOUP_STATUS_IS_SUCCESSFUL (status);
      if (core->whole_is_error)
        core->failure_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
      core->whole_body = g_byte_array_new ();
    }
  else if (core->codec->stream_format == GRAPHBIT_STREAM_FORMAT_SSE)
    core->sse = graphbit_sse_decoder_new (0);
  else
    core->ndjson = graphbit_ndjson_decoder_new (0);
  core_read (core);
  core_unref (core);
}

/* Worker: the attempt's exchange starts. */
static void
attempt_send (GraphbitHttpExchange *exchange,
              gpointer              data)
{
  StreamCore *core = data;
  GError *error = NULL;

  if (!graphbit_http_exchange_begin (exchange, &error))
    {
      attempt_failed (core, error, 0);
      return;
    }
  graphbit_http_exchange_arm_timeout (exchange);
  soup_session_send_async (graphbit_http_exchange_get_session (exchange), graphbit_http_exchange_get_message (exchange),
                           G_PRIORITY_DEFAULT, graphbit_http_exchange_get_cancellable (exchange), on_sent,
                           core_ref (core));
}

/* One attempt of the call: a fresh message and exchange, the text of any
 * failed earlier attempt forgotten (none of it reached the consumer). */
static void
stream_attempt (GraphbitCall *call,
                guint         timeout_ms,
                gpointer      data)
{
  StreamCore *core = data;
  GError *error = NULL;
  GThread *loop_thread;
  SoupMessage *msg;

  g_clear_pointer (&core->exchange, graphbit_http_exchange_unref);
  core->at_eof = FALSE;
  g_atomic_int_set (&core->has_text, FALSE);
  graphbit_stream_accumulator_clear (&core->acc);
  graphbit_stream_accumulator_init (&core->acc);

  msg = core->codec->build_request (core->config, core->request, TRUE, &error);
  core->options.timeout_ms = timeout_ms;
  core->options.threads_only = !graphbit_call_may_use_caller_loop (call);
  if (msg != NULL)
    core->exchange = graphbit_http_exchange_new (msg, &core->options, &error);
  if (core->exchange == NULL)
    {
      graphbit_call_end_with_error (call, error);
      return;
    }
  loop_thread = graphbit_http_exchange_get_loop_thread (core->exchange);
  /* Referenced, so no other thread's handle can take its address. */
  loop_thread = g_atomic_pointer_exchange (&core->loop_thread, loop_thread != NULL ? g_thread_ref (loop_thread) : NULL);
  if (loop_thread != NULL)
    g_thread_unref (loop_thread);
  graphbit_http_exchange_connect_cancellable (core->exchange, graphbit_call_get_cancellable (call));
  graphbit_http_exchange_invoke (core->exchange, attempt_send, core_ref (core), (GDestroyNotify) core_unref);
}

/* The call is over. On success the answer is complete; otherwise the
 * stream fails for good. */
static void
stream_done (GraphbitCall *call,
             GError       *error,
             gpointer      data)
{
  StreamCore *core = data;

  if (core->debug)
    graphbit_log_message (GRAPHBIT_LOG_DEBUG, "%s stream: %s, %" G_GSIZE_FORMAT " bytes of text",
                          core->codec->name, error == NULL ? "finished" : error->message,
                          core->acc.content->len);

  /* Published with a barrier: next() on the consumer's thread reads the
   * state, then the failure and the buffered text. */
  if (error == NULL)
    g_atomic_int_set (&core->finished, TRUE);
  else
    core->failure = error;
  g_atomic_int_set ((gint *) &core->state, error == NULL ? CORE_FINISHED : CORE_FAILED);
  /* A waiting next() gets the buffered text first, then the end. */
  if (g_atomic_pointer_get (&core->pending) != NULL)
    core_answer_ended (core);
}

/* One next(), on the thread that runs the stream now. */
static void
core_pull (StreamCore *core)
{
  switch ((CoreState) g_atomic_int_get ((gint *) &core->state))
    {
    case CORE_ACTIVE:
      if (core->body == NULL)
        /* Between attempts (a retry wait), or aborted while idle: the
         * attempt, or the failure, is on its way. */
        return;
      /* Buffered text at once; else the read in flight answers. The
       * consumer made room, so reading goes on if it had stopped. */
      core_deliver_pending_text (core);
      core_read_ahead (core);
      return;
    case CORE_FINISHED:
    case CORE_FAILED:
      core_answer_ended (core);
      return;
    case CORE_NEW:
    default:
      g_assert_not_reached ();
    }
}

static void
pull_on_worker (GraphbitHttpExchange *exchange,
                gpointer              data)
{
  core_pull (data);
}

static void
on_next_cancelled (GCancellable *cancellable,
                   gpointer      data)
{
  StreamCore *core = data;

  /* Aborts the attempt, or the retry wait, the next() is waiting on. */
  g_cancellable_cancel (graphbit_call_get_cancellable (core->call));
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
                         GraphbitLlmRequest        *request,
                         const GraphbitHttpOptions *options)
{
  GraphbitLlmStream *self = g_object_new (GRAPHBIT_TYPE_LLM_STREAM, NULL);
  StreamCore *core = g_atomic_rc_box_new0 (StreamCore);

  core->client = g_object_ref (client);
  core->config = g_object_ref (graphbit_llm_client_get_config (client));
  core->request = g_object_ref (request);
  core->codec = graphbit_llm_client_get_codec (client);
  core->options = *options;
  core->options.operation = "stream";
  core->debug = graphbit_llm_client_get_debug (client);
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
 * time. A failure before any text arrived is retried like any call (the
 * `next` just takes longer); after that, failures are final, so no text
 * is ever delivered twice. Cancelling a `next` (or closing the stream, or
 * dropping the last reference) aborts the HTTP exchange; the stream then
 * reports %G_IO_ERROR_CANCELLED. An error the provider sends inside the
 * stream, or a connection closed before the provider finished, is a typed
 * %GRAPHBIT_ERROR.
 */

static gboolean
start_call_now (gpointer data)
{
  graphbit_call_start (data);
  return G_SOURCE_REMOVE;
}

/* A stream started just before its loop runs (the usual way of a C
 * program) starts from that loop's first dispatch, so that its exchange
 * and every chunk run on the loop, with no thread hand-over per chunk. */
static void
start_call (GraphbitCall *call)
{
  GSource *source;

  if (!graphbit_runtime_may_start_on_caller_loop ())
    {
      graphbit_call_start (call);
      return;
    }
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, start_call_now, graphbit_call_ref (call), (GDestroyNotify) graphbit_call_unref);
  g_source_set_static_name (source, "[graphbit] stream start");
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

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
  gboolean starting;
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

  op = g_new0 (NextOp, 1);
  op->core = core_ref (core);
  op->task = g_steal_pointer (&task);
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  starting = core->state == CORE_NEW;
  if (starting)
    {
      /* The first next(): the call starts, and its first attempt sends. */
      core->state = CORE_ACTIVE;
      core->call = graphbit_call_new (graphbit_llm_client_get_call_host (core->client), "stream", NULL,
                                      stream_attempt, stream_done, core);
    }
  /* The op is complete before it is published: from then on the worker,
   * reading ahead, may answer it at any moment. */
  if (cancellable != NULL && core->call != NULL)
    op->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_next_cancelled), core, NULL);
  g_atomic_pointer_set (&core->pending, op);

  if (starting)
    {
      start_call (core->call);
      return;
    }
  if (core->exchange != NULL && g_atomic_int_get ((gint *) &core->state) == CORE_ACTIVE)
    {
      /* No hand-over unless the worker has text for it already (or
       * stopped reading for room, which it only does holding text). */
      if (g_atomic_int_get (&core->has_text))
        graphbit_http_exchange_invoke (core->exchange, pull_on_worker, core_ref (core), (GDestroyNotify) core_unref);
    }
  else
    core_pull (core);
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
  if (g_atomic_pointer_get (&self->core->loop_thread) == g_thread_self ())
    {
      GError *local_error = graphbit_error_new (GRAPHBIT_ERROR_RUNTIME,
                                                "next() blocks, and this stream's exchange runs on this thread's "
                                                "own main loop (it was started with next_async() from that loop), "
                                                "where it would wait for itself; use next_async() here");

      graphbit_error_set_operation (local_error, "next");
      graphbit_propagate_error (error, local_error);
      return NULL;
    }

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
 * the last reference closes the stream too. Not to be called while a
 * `next` of another thread is being started.
 */
void
graphbit_llm_stream_close (GraphbitLlmStream *self)
{
  StreamCore *core;

  g_return_if_fail (GRAPHBIT_IS_LLM_STREAM (self));

  core = self->core;
  if (core == NULL || core->call == NULL || g_atomic_int_get (&core->finished))
    return;
  /* Cancels whatever runs now: an attempt, a read, a retry wait, or the
   * idle exchange between two next() calls (its watch ends the call). */
  g_cancellable_cancel (graphbit_call_get_cancellable (core->call));
}

/**
 * graphbit_llm_stream_is_finished:
 * @self: a #GraphbitLlmStream
 *
 * Gets whether the whole answer arrived, up to the provider's end marker; a
 * stream that failed or was closed is not finished.
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
