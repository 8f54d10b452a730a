/* graphbit-llm-stream-queued.c - stream chunks whose delivery goes to a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * next() is started on a worker (graphbit_completion_sink_start()), the
 * one that reads the stream, so the chunk is handed over there, in C, and
 * pushed to the queue: the caller's loop wakes once, no thread of the
 * caller's runs in between. A pump goes further: it reads the whole
 * stream on the worker and pushes text as it arrives, so the loop's only
 * work per piece is to take it.
 */

#include "config.h"

#include "graphbit-llm-stream.h"
#include "runtime/graphbit-completion-queue-private.h"

typedef struct
{
  GraphbitLlmStream *stream;
  GraphbitQueuedTarget target;
} QueuedNext;

static void
queued_next_free (QueuedNext *queued)
{
  g_object_unref (queued->stream);
  graphbit_queued_target_clear (&queued->target);
  g_free (queued);
}

/* Worker thread. */
static void
on_next (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  QueuedNext *queued = data;
  GError *error = NULL;
  char *text = graphbit_llm_stream_next_finish (queued->stream, result, &error);

  graphbit_completion_sink_push_text (queued->target.sink, queued->target.tag, text, error);
  queued_next_free (queued);
}

/* Worker thread. */
static void
start (gpointer data)
{
  QueuedNext *queued = data;

  graphbit_llm_stream_next_async (queued->stream, queued->target.cancellable, on_next, queued);
}

/**
 * graphbit_llm_stream_next_queued:
 * @self: a #GraphbitLlmStream
 * @cancellable: (nullable): a #GCancellable
 * @queue: where the outcome goes
 * @tag: identifies the call in @queue
 *
 * Like [method@Graphbit.LlmStream.next_async], but the outcome is pushed
 * to @queue as a [class@Graphbit.Completion] tagged @tag: its text
 * ([method@Graphbit.Completion.get_text], %NULL at the end of the stream)
 * or its error. For event loops that are not GLib's; see
 * [class@Graphbit.CompletionQueue].
 */
void
graphbit_llm_stream_next_queued (GraphbitLlmStream       *self,
                                 GCancellable            *cancellable,
                                 GraphbitCompletionQueue *queue,
                                 guint64                  tag)
{
  QueuedNext *queued;

  g_return_if_fail (GRAPHBIT_IS_LLM_STREAM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  queued = g_new0 (QueuedNext, 1);
  queued->stream = g_object_ref (self);
  graphbit_queued_target_init (&queued->target, queue, tag, cancellable);
  graphbit_completion_sink_start (queued->target.sink, tag, start, queued, (GDestroyNotify) queued_next_free);
}

/* A pump pushes text at most this often (the first piece at once): a
 * provider sending faster than that (a local model, a cache) costs the
 * loop one wake-up per interval instead of one per network read. At a
 * model's pace, pieces are further apart and go out as they arrive. */
#define PUMP_INTERVAL_US 1000

/* A pump: next() after next() on the worker, each piece pushed. */
typedef struct
{
  GraphbitLlmStream *stream;
  GraphbitQueuedTarget target;
  GraphbitOutcome *last;       /* where text goes while not taken yet */
  GString *held;               /* arrived within the interval */
  gint64 pushed_at;
  GSource *timer;              /* pushes what is held, once due */
} Pump;

static void
pump_free (Pump *pump)
{
  if (pump->timer != NULL)
    {
      g_source_destroy (pump->timer);
      g_source_unref (pump->timer);
    }
  g_object_unref (pump->stream);
  graphbit_queued_target_clear (&pump->target);
  g_clear_pointer (&pump->last, graphbit_outcome_unref);
  g_string_free (pump->held, TRUE);
  g_free (pump);
}

/* Worker thread. */
static void
pump_push_held (Pump *pump)
{
  GraphbitOutcome *last;

  if (pump->held->len == 0)
    return;
  last = graphbit_completion_sink_push_more_text (pump->target.sink, pump->last, pump->target.tag,
                                                   g_strndup (pump->held->str, pump->held->len));
  g_string_truncate (pump->held, 0);
  g_clear_pointer (&pump->last, graphbit_outcome_unref);
  pump->last = last;
  pump->pushed_at = g_get_monotonic_time ();
}

static gboolean
on_pump_due (gpointer data)
{
  Pump *pump = data;

  g_clear_pointer (&pump->timer, g_source_unref);
  pump_push_held (pump);
  return G_SOURCE_REMOVE;
}

static gboolean
dispatch_due (GSource     *source,
              GSourceFunc  callback,
              gpointer     data)
{
  return callback (data);
}

/* A source that is ready at its ready time, in microseconds (GLib's
 * timeouts count in milliseconds). */
static GSourceFuncs due_funcs = { NULL, NULL, dispatch_due, NULL, NULL, NULL };

/* Worker thread. */
static void
on_pumped (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Pump *pump = data;
  GError *error = NULL;
  char *text = graphbit_llm_stream_next_finish (pump->stream, result, &error);
  gint64 due;

  if (text == NULL)
    {
      /* The end, or the failure: its own completion, after the text. */
      pump_push_held (pump);
      graphbit_completion_sink_push_text (pump->target.sink, pump->target.tag, NULL, error);
      pump_free (pump);
      return;
    }
  g_string_append (pump->held, text);
  g_free (text);
  due = pump->pushed_at + PUMP_INTERVAL_US;
  if (pump->timer == NULL)
    {
      if (g_get_monotonic_time () >= due)
        pump_push_held (pump);
      else
        {
          pump->timer = g_source_new (&due_funcs, sizeof (GSource));
          g_source_set_callback (pump->timer, on_pump_due, pump, NULL);
          g_source_set_ready_time (pump->timer, due);
          g_source_set_static_name (pump->timer, "[graphbit] stream pump");
          g_source_attach (pump->timer, g_main_context_get_thread_default ());
        }
    }
  graphbit_llm_stream_next_async (pump->stream, pump->target.cancellable, on_pumped, pump);
}

/* Worker thread. */
static void
pump_start (gpointer data)
{
  Pump *pump = data;

  graphbit_llm_stream_next_async (pump->stream, pump->target.cancellable, on_pumped, pump);
}

/**
 * graphbit_llm_stream_pump_queued:
 * @self: a #GraphbitLlmStream
 * @cancellable: (nullable): a #GCancellable; cancelling it aborts the
 *   stream
 * @queue: where the text goes
 * @tag: identifies the stream in @queue
 *
 * Reads the rest of the stream on a graphbit worker and pushes its text
 * to @queue as it arrives, as [class@Graphbit.Completion]s tagged @tag:
 * each has the text that arrived since the previous one was popped (text
 * arriving while a completion waits in the queue is appended to it, so a
 * busy loop takes fewer, larger pieces). Pieces go out as they arrive, but
 * at most one per millisecond: text arriving faster waits for the rest of
 * that millisecond. Then a last completion with %NULL text
 * at the end of the answer, or with the error
 * ([method@Graphbit.Completion.propagate]). No `next` may be called on
 * the stream meanwhile.
 *
 * Unlike a `next` loop, the network is read as fast as the provider
 * sends, whether or not the loop keeps up (the stream keeps the whole
 * answer for [method@Graphbit.LlmStream.get_response] anyway). This is
 * how the Python package's `async for` reads a stream.
 */
void
graphbit_llm_stream_pump_queued (GraphbitLlmStream       *self,
                                 GCancellable            *cancellable,
                                 GraphbitCompletionQueue *queue,
                                 guint64                  tag)
{
  Pump *pump;

  g_return_if_fail (GRAPHBIT_IS_LLM_STREAM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  pump = g_new0 (Pump, 1);
  pump->held = g_string_new (NULL);
  pump->stream = g_object_ref (self);
  graphbit_queued_target_init (&pump->target, queue, tag, cancellable);
  graphbit_completion_sink_start (pump->target.sink, tag, pump_start, pump, (GDestroyNotify) pump_free);
}
