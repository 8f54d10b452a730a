/* graphbit-completion-queue.c - results of asynchronous calls, collected for another event loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GIO delivers a result in the main context of the thread that started
 * the call. A program whose own event loop is not GLib's (Python's
 * asyncio) would need a second thread iterating a context, and every
 * result would then cross threads twice and wake an interpreter thread
 * that must take the interpreter lock. A completion queue instead
 * collects outcomes in C, on the worker that produced them, and makes a
 * file descriptor readable for the program's loop, which pops them all at
 * once: one wake-up per batch, no extra thread.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib-unix.h>

#include "graphbit-completion-queue-private.h"
#include "graphbit-error-private.h"
#include "graphbit-runtime-private.h"

/* One outcome waiting in a queue. A plain refcounted struct, not a
 * GObject: the last unref of any GObject takes GLib's global signal lock
 * (GLib 2.74), which a worker's libsoup traffic holds again and again, so
 * freeing one per call on the loop's thread made the two threads wait for
 * each other. A #GraphbitCompletion is made from it only when popped, and
 * only for outcomes that are not text alone. */
struct _GraphbitOutcome
{
  guint64 tag;
  GObject *result;
  char *text;
  gsize text_len;        /* what text holds, and its room: text that */
  gsize text_room;       /* arrives before the loop takes it is appended */
  GError *error;
  gboolean taken;        /* taken by the popping thread; under the queue's lock */
};

static void
outcome_clear (GraphbitOutcome *self)
{
  g_clear_object (&self->result);
  g_free (self->text);
  g_clear_error (&self->error);
}

GraphbitOutcome *
graphbit_outcome_ref (GraphbitOutcome *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
graphbit_outcome_unref (GraphbitOutcome *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) outcome_clear);
}

struct _GraphbitCompletion
{
  GObject parent_instance;

  guint64 tag;
  GObject *result;
  char *text;
  GError *error;
};

G_DEFINE_FINAL_TYPE (GraphbitCompletion, graphbit_completion, G_TYPE_OBJECT)

static void
graphbit_completion_finalize (GObject *object)
{
  GraphbitCompletion *self = GRAPHBIT_COMPLETION (object);

  g_clear_object (&self->result);
  g_free (self->text);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (graphbit_completion_parent_class)->finalize (object);
}

static void
graphbit_completion_class_init (GraphbitCompletionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_completion_finalize;
}

static void
graphbit_completion_init (GraphbitCompletion *self)
{
}

/* Takes @outcome's reference: a completion holding what it held. */
static GraphbitCompletion *
completion_new_from_outcome (GraphbitOutcome *outcome)
{
  GraphbitCompletion *self = g_object_new (GRAPHBIT_TYPE_COMPLETION, NULL);

  self->tag = outcome->tag;
  self->result = g_steal_pointer (&outcome->result);
  self->text = g_steal_pointer (&outcome->text);
  self->error = g_steal_pointer (&outcome->error);
  graphbit_outcome_unref (outcome);
  return self;
}

/**
 * GraphbitCompletion:
 *
 * The outcome of one call started with a [class@Graphbit.CompletionQueue]:
 * its tag, and its result or its error.
 */

/**
 * graphbit_completion_get_tag:
 * @self: a #GraphbitCompletion
 *
 * Gets the tag the call was started with.
 *
 * Returns: the tag
 */
guint64
graphbit_completion_get_tag (GraphbitCompletion *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_COMPLETION (self), 0);
  return self->tag;
}

/**
 * graphbit_completion_get_text:
 * @self: a #GraphbitCompletion
 *
 * Gets the call's text result, for calls whose result is text (for
 * [method@Graphbit.LlmStream.next_queued], the next chunk, or %NULL at
 * the end of the stream; for
 * [method@Graphbit.LlmClient.complete_text_queued], the answer's
 * content, %NULL if the call failed). Call
 * [method@Graphbit.Completion.propagate] to see whether the call failed.
 *
 * Returns: (nullable): the text, or %NULL
 */
const char *
graphbit_completion_get_text (GraphbitCompletion *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_COMPLETION (self), NULL);
  return self->text;
}

/**
 * graphbit_completion_propagate:
 * @self: a #GraphbitCompletion
 * @error: return location for a #GError
 *
 * Gets the call's result, or its error. The function that started the
 * call says what the result is (for
 * [method@Graphbit.LlmClient.complete_queued], a
 * [class@Graphbit.LlmResponse]).
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error
 *   set
 */
GObject *
graphbit_completion_propagate (GraphbitCompletion  *self,
                               GError             **error)
{
  g_return_val_if_fail (GRAPHBIT_IS_COMPLETION (self), NULL);

  if (self->error != NULL)
    {
      /* Through graphbit's own, so bindings can read the details. */
      graphbit_propagate_error (error, g_error_copy (self->error));
      return NULL;
    }
  return self->result != NULL ? g_object_ref (self->result) : NULL;
}

/* What a queue holds, apart from its GObject: calls in flight reference
 * this, not the queue, so no worker touches the reference count of an
 * object a binding wraps (measured in Python: 4-5 us per call). */
struct _GraphbitCompletionSink
{
  int fds[2];            /* a pipe: readable while completions wait */
  GMutex lock;
  GQueue completions;    /* GraphbitOutcome*, oldest first */
  GQueue taken;          /* taken from completions at once, not yet
                          * popped: the popping thread's, unlocked */
  gboolean signalled;    /* a byte is in the pipe, or about to be */
  /* guint64* tag -> GCancellable*: the calls started without a
   * cancellable, which graphbit_completion_queue_cancel() can cancel,
   * until their last outcome is pushed. */
  GHashTable *cancellables;
};

struct _GraphbitCompletionQueue
{
  GObject parent_instance;

  GraphbitCompletionSink *sink;
};

G_DEFINE_FINAL_TYPE (GraphbitCompletionQueue, graphbit_completion_queue, G_TYPE_OBJECT)

static void
sink_clear (GraphbitCompletionSink *self)
{
  g_queue_clear_full (&self->completions, (GDestroyNotify) graphbit_outcome_unref);
  g_queue_clear_full (&self->taken, (GDestroyNotify) graphbit_outcome_unref);
  g_hash_table_unref (self->cancellables);
  for (guint i = 0; i < 2; i++)
    if (self->fds[i] >= 0)
      close (self->fds[i]);
  g_mutex_clear (&self->lock);
}

GraphbitCompletionSink *
graphbit_completion_sink_ref (GraphbitCompletionSink *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
graphbit_completion_sink_unref (GraphbitCompletionSink *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) sink_clear);
}

GraphbitCompletionSink *
graphbit_completion_queue_get_sink (GraphbitCompletionQueue *self)
{
  return graphbit_completion_sink_ref (self->sink);
}

static void
graphbit_completion_queue_finalize (GObject *object)
{
  GraphbitCompletionQueue *self = GRAPHBIT_COMPLETION_QUEUE (object);

  graphbit_completion_sink_unref (self->sink);
  G_OBJECT_CLASS (graphbit_completion_queue_parent_class)->finalize (object);
}

static void
graphbit_completion_queue_class_init (GraphbitCompletionQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_completion_queue_finalize;
}

static void
graphbit_completion_queue_init (GraphbitCompletionQueue *self)
{
  GraphbitCompletionSink *sink = g_atomic_rc_box_new0 (GraphbitCompletionSink);

  sink->fds[0] = sink->fds[1] = -1;
  g_mutex_init (&sink->lock);
  g_queue_init (&sink->completions);
  g_queue_init (&sink->taken);
  sink->cancellables = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->sink = sink;
}

/**
 * GraphbitCompletionQueue:
 *
 * Collects the outcomes of asynchronous calls for an event loop that is
 * not GLib's, such as Python's asyncio: calls started with a queue (for
 * instance [method@Graphbit.LlmClient.complete_queued]) run on graphbit's
 * workers and leave their outcome here, and the queue's file descriptor
 * becomes readable. The loop watches that descriptor and, when it is
 * readable, calls [method@Graphbit.CompletionQueue.pop] until it returns
 * %NULL. No GLib main context needs to run, and results that arrive
 * together cost one wake-up. A call started with a %NULL cancellable can
 * be cancelled by its tag ([method@Graphbit.CompletionQueue.cancel]), so a
 * binding need not make a #GCancellable per call. Tags must be unique
 * among the calls in flight on a queue.
 *
 * Pop from one thread at a time; calls may be started from any thread.
 */

/**
 * graphbit_completion_queue_new:
 * @error: return location for a #GError
 *
 * Creates an empty queue.
 *
 * Returns: (transfer full): a new queue, or %NULL if no pipe could be
 *   opened
 */
GraphbitCompletionQueue *
graphbit_completion_queue_new (GError **error)
{
  g_autoptr(GraphbitCompletionQueue) self = g_object_new (GRAPHBIT_TYPE_COMPLETION_QUEUE, NULL);

  if (!g_unix_open_pipe (self->sink->fds, FD_CLOEXEC, error)
      || !g_unix_set_fd_nonblocking (self->sink->fds[0], TRUE, error)
      || !g_unix_set_fd_nonblocking (self->sink->fds[1], TRUE, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * graphbit_completion_queue_get_fd:
 * @self: a #GraphbitCompletionQueue
 *
 * Gets the file descriptor to watch: it is readable while completions
 * wait (until [method@Graphbit.CompletionQueue.pop] returns %NULL). Do not
 * read it or close it.
 *
 * Returns: a file descriptor owned by the queue
 */
int
graphbit_completion_queue_get_fd (GraphbitCompletionQueue *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (self), -1);
  return self->sink->fds[0];
}

/* The oldest waiting completion, or NULL (the pipe then drained). All
 * that wait are taken under one lock, and popped from without it: a
 * worker pushing meanwhile does not wait for the loop, nor the loop for
 * it, once per completion. */
static GraphbitOutcome *
sink_pop (GraphbitCompletionSink *self)
{
  if (self->taken.length == 0)
    {
      g_mutex_lock (&self->lock);
      self->taken = self->completions;
      g_queue_init (&self->completions);
      /* No text joins a taken completion any more. */
      for (GList *l = self->taken.head; l != NULL; l = l->next)
        ((GraphbitOutcome *) l->data)->taken = TRUE;
      if (self->taken.length == 0)
        {
          char bytes[64];

          gssize n;

          /* Read even when not signalled: a push's byte is written after
           * its unlock, so one may land after the pop that saw its
           * completion. */
          do
            n = read (self->fds[0], bytes, sizeof bytes);
          while (n > 0 || (n < 0 && errno == EINTR));
          self->signalled = FALSE;
        }
      g_mutex_unlock (&self->lock);
    }
  return g_queue_pop_head (&self->taken);
}

/**
 * graphbit_completion_queue_pop:
 * @self: a #GraphbitCompletionQueue
 *
 * Takes the oldest waiting completion.
 *
 * Returns: (transfer full) (nullable): a completion, or %NULL when none
 *   waits (the descriptor is then no longer readable)
 */
GraphbitCompletion *
graphbit_completion_queue_pop (GraphbitCompletionQueue *self)
{
  GraphbitOutcome *outcome;

  g_return_val_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (self), NULL);

  outcome = sink_pop (self->sink);
  return outcome != NULL ? completion_new_from_outcome (outcome) : NULL;
}

/**
 * graphbit_completion_queue_pop_text:
 * @self: a #GraphbitCompletionQueue
 * @tag: (out) (optional): the tag of the completion taken
 * @text: (out) (transfer full) (optional) (nullable): its text, when it is
 *   a success with text and nothing else
 * @completion: (out) (transfer full) (optional) (nullable): the completion
 *   itself otherwise
 *
 * Takes the oldest waiting completion, like
 * [method@Graphbit.CompletionQueue.pop], but hands a success that is text
 * alone (from [method@Graphbit.LlmClient.complete_text_queued] or
 * [method@Graphbit.LlmStream.pump_queued]) over as the plain string in
 * @text, with @completion %NULL. Any other outcome (an error, a result
 * object, the end of a stream) comes as the #GraphbitCompletion in
 * @completion, with @text %NULL. A binding then makes no wrapper object
 * for the common outcome: about 6 µs per completion in Python.
 *
 * Returns: %TRUE if a completion was taken, %FALSE when none waits (the
 *   descriptor is then no longer readable)
 */
gboolean
graphbit_completion_queue_pop_text (GraphbitCompletionQueue  *self,
                                    guint64                  *tag,
                                    char                    **text,
                                    GraphbitCompletion      **completion)
{
  GraphbitOutcome *outcome;
  gboolean text_alone;

  g_return_val_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (self), FALSE);

  outcome = sink_pop (self->sink);
  if (tag != NULL)
    *tag = outcome != NULL ? outcome->tag : 0;
  if (text != NULL)
    *text = NULL;
  if (completion != NULL)
    *completion = NULL;
  if (outcome == NULL)
    return FALSE;

  text_alone = outcome->text != NULL && outcome->error == NULL && outcome->result == NULL;
  if (text_alone && text != NULL)
    *text = g_steal_pointer (&outcome->text);
  if (!text_alone && completion != NULL)
    *completion = completion_new_from_outcome (g_steal_pointer (&outcome));
  g_clear_pointer (&outcome, graphbit_outcome_unref);
  return TRUE;
}

/* Returns a new reference to the completion if @keep, else NULL. @last
 * says the call is over (its cancellable is forgotten). */
static GraphbitOutcome *
push (GraphbitCompletionSink  *self,
      guint64                  tag,
      gpointer                 result,
      char                    *text,
      GError                  *error,
      gboolean                 keep,
      gboolean                 last)
{
  GCancellable *forgotten = NULL;
  gboolean wake;

  GraphbitOutcome *outcome = g_atomic_rc_box_new0 (GraphbitOutcome);

  outcome->tag = tag;
  outcome->result = result;
  outcome->text = text;
  outcome->text_len = outcome->text_room = text != NULL ? strlen (text) : 0;
  outcome->error = error;

  g_mutex_lock (&self->lock);
  if (last)
    {
      gpointer key;

      if (g_hash_table_steal_extended (self->cancellables, &tag, &key, (gpointer *) &forgotten))
        g_free (key);
    }
  g_queue_push_tail (&self->completions, outcome);
  wake = !self->signalled;
  self->signalled = TRUE;
  /* Before unlocking: once popped, the loop may drop it at once. */
  if (keep)
    graphbit_outcome_ref (outcome);
  g_mutex_unlock (&self->lock);
  /* Written unlocked: the loop it wakes takes the lock at once, and
   * would otherwise sleep on it while this thread is in write(). */
  if (wake)
    while (write (self->fds[1], "", 1) < 0 && errno == EINTR)
      ;
  g_clear_object (&forgotten);
  return keep ? outcome : NULL;
}

GraphbitOutcome *
graphbit_completion_sink_push_more_text  (GraphbitCompletionSink  *self,
                                          GraphbitOutcome         *last,
                                          guint64                  tag,
                                          char                    *text)
{
  gsize len = strlen (text);

  if (last != NULL)
    {
      gboolean appended = FALSE;

      g_mutex_lock (&self->lock);
      if (!last->taken && last->error == NULL && last->text != NULL)
        {
          if (last->text_len + len >= last->text_room)
            {
              last->text_room = MAX (2 * last->text_room, last->text_len + len + 1);
              last->text = g_realloc (last->text, last->text_room + 1);
            }
          memcpy (last->text + last->text_len, text, len + 1);
          last->text_len += len;
          appended = TRUE;
        }
      g_mutex_unlock (&self->lock);
      if (appended)
        {
          g_free (text);
          return graphbit_outcome_ref (last);
        }
    }
  return push (self, tag, NULL, text, NULL, TRUE, FALSE);
}

void
graphbit_completion_sink_push  (GraphbitCompletionSink  *self,
                                guint64                  tag,
                                gpointer                 result,
                                GError                  *error)
{
  push (self, tag, result, NULL, error, FALSE, TRUE);
}

void
graphbit_completion_sink_push_text  (GraphbitCompletionSink  *self,
                                     guint64                  tag,
                                     char                    *text,
                                     GError                  *error)
{
  push (self, tag, NULL, text, error, FALSE, TRUE);
}

typedef struct
{
  GraphbitQueuedStartFunc start;
  gpointer data;
} QueuedStart;

/* Worker thread: started here, the call's GTask delivers here, in C. */
static void
start_on_worker (GraphbitWorker *worker,
                 gpointer        data)
{
  QueuedStart *queued = data;

  queued->start (queued->data);
  g_free (queued);
  graphbit_worker_end_operation (worker);
}

void
graphbit_completion_sink_start  (GraphbitCompletionSink  *self,
                                 guint64                  tag,
                                 GraphbitQueuedStartFunc  start,
                                 gpointer                 data,
                                 GDestroyNotify           destroy)
{
  GError *error = NULL;
  GraphbitWorker *worker = graphbit_runtime_acquire_thread_worker (&error);
  QueuedStart *queued;

  if (worker == NULL)
    {
      destroy (data);
      push (self, tag, NULL, NULL, error, FALSE, TRUE);
      return;
    }
  queued = g_new (QueuedStart, 1);
  queued->start = start;
  queued->data = data;
  graphbit_worker_invoke (worker, start_on_worker, queued, NULL);
  graphbit_worker_unref (worker);
}

void
graphbit_queued_target_init (GraphbitQueuedTarget    *target,
                             GraphbitCompletionQueue *queue,
                             guint64                  tag,
                             GCancellable            *cancellable)
{
  target->sink = graphbit_completion_queue_get_sink (queue);
  target->cancellable = graphbit_completion_sink_cancellable_for (target->sink, tag, cancellable);
  target->tag = tag;
}

void
graphbit_queued_target_clear (GraphbitQueuedTarget *target)
{
  g_clear_object (&target->cancellable);
  g_clear_pointer (&target->sink, graphbit_completion_sink_unref);
}

GCancellable *
graphbit_completion_sink_cancellable_for  (GraphbitCompletionSink  *self,
                                           guint64                  tag,
                                           GCancellable            *cancellable)
{
  GCancellable *own;

  if (cancellable != NULL)
    return g_object_ref (cancellable);
  own = g_cancellable_new ();
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->cancellables, g_memdup2 (&tag, sizeof tag), g_object_ref (own));
  g_mutex_unlock (&self->lock);
  return own;
}

/**
 * graphbit_completion_queue_cancel:
 * @self: a #GraphbitCompletionQueue
 * @tag: the tag of a call reporting to @self
 *
 * Cancels the call tagged @tag, if it was started with a %NULL
 * cancellable and has not pushed its last outcome yet: its outcome is then
 * %G_IO_ERROR_CANCELLED (or whatever it finished with first). A binding
 * saves a #GCancellable per call this way. Does nothing for other tags.
 */
void
graphbit_completion_queue_cancel (GraphbitCompletionQueue *queue,
                                  guint64                  tag)
{
  GraphbitCompletionSink *self;
  GCancellable *cancellable;

  g_return_if_fail (GRAPHBIT_IS_COMPLETION_QUEUE (queue));

  self = queue->sink;
  g_mutex_lock (&self->lock);
  cancellable = g_hash_table_lookup (self->cancellables, &tag);
  if (cancellable != NULL)
    g_object_ref (cancellable);
  g_mutex_unlock (&self->lock);
  if (cancellable != NULL)
    {
      g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);
    }
}
