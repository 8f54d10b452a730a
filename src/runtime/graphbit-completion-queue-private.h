/* graphbit-completion-queue-private.h - how the library fills a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-completion-queue.h"

G_BEGIN_DECLS

/* A queue's state, referenced by the calls that report to it: they never
 * touch the reference count of the queue object, which a binding wraps. */
typedef struct _GraphbitCompletionSink GraphbitCompletionSink;

/* One outcome waiting in a queue (refcounted, any thread). */
typedef struct _GraphbitOutcome GraphbitOutcome;

GraphbitOutcome *graphbit_outcome_ref   (GraphbitOutcome *self);
void             graphbit_outcome_unref (GraphbitOutcome *self);

/* Any thread. A new reference. */
GraphbitCompletionSink *graphbit_completion_queue_get_sink (GraphbitCompletionQueue *queue);
GraphbitCompletionSink *graphbit_completion_sink_ref   (GraphbitCompletionSink *self);
void                    graphbit_completion_sink_unref (GraphbitCompletionSink *self);

/* Any thread: queues the last outcome of the call tagged @tag: @result
 * (taken, may be NULL) or @error (taken). Makes the queue's fd readable
 * if it was empty. */
void graphbit_completion_sink_push      (GraphbitCompletionSink *self,
                                         guint64                 tag,
                                         gpointer                result,
                                         GError                 *error);

/* The same, for a call whose result is text (taken, may be NULL). */
void graphbit_completion_sink_push_text (GraphbitCompletionSink *self,
                                         guint64                 tag,
                                         char                   *text,
                                         GError                 *error);

/* Any thread: queues more text (taken, not NULL) of the call tagged @tag,
 * a stream's. While @last (the outcome this returned the time before, or
 * NULL) is still in the queue, the text is appended to it, so a loop that
 * falls behind takes fewer, larger pieces. Returns (transfer full) the
 * outcome the text went to: the @last of the next call. */
GraphbitOutcome *graphbit_completion_sink_push_more_text (GraphbitCompletionSink *self,
                                                          GraphbitOutcome        *last,
                                                             guint64                 tag,
                                                             char                   *text);

/* Any thread, before graphbit_completion_sink_start(): the cancellable
 * the call tagged @tag runs with (a new reference): @cancellable, or, when
 * it is NULL, a new one that graphbit_completion_queue_cancel() cancels
 * until the call's last outcome is pushed. */
GCancellable *graphbit_completion_sink_cancellable_for (GraphbitCompletionSink *self,
                                                        guint64                 tag,
                                                        GCancellable           *cancellable);

/* Starts an asynchronous call on a worker: @start (@data) runs there, so
 * the call's callback runs there too and can push the outcome for @tag.
 * If no worker can be had (a shutdown runs), @data is destroyed and the
 * error is pushed for @tag instead. */
typedef void (*GraphbitQueuedStartFunc) (gpointer data);
void graphbit_completion_sink_start     (GraphbitCompletionSink  *self,
                                         guint64                  tag,
                                         GraphbitQueuedStartFunc  start,
                                         gpointer                 data,
                                         GDestroyNotify           destroy);

/* What every call reporting to a queue keeps: where its outcomes go, its
 * tag there, and the cancellable it runs with
 * (graphbit_completion_sink_cancellable_for()). */
typedef struct
{
  GraphbitCompletionSink *sink;
  GCancellable *cancellable;
  guint64 tag;
} GraphbitQueuedTarget;

void graphbit_queued_target_init  (GraphbitQueuedTarget    *target,
                                   GraphbitCompletionQueue *queue,
                                   guint64                  tag,
                                   GCancellable            *cancellable);
void graphbit_queued_target_clear (GraphbitQueuedTarget    *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitCompletionSink, graphbit_completion_sink_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitOutcome, graphbit_outcome_unref)

G_END_DECLS
