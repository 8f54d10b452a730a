/* graphbit-completion-queue-private.h - how the library fills a completion queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-completion-queue.h"

G_BEGIN_DECLS

/* Any thread: queues the outcome of the call tagged @tag: @result (taken,
 * may be NULL) or @error (taken). Makes the queue's fd readable if it was
 * empty. */
void graphbit_completion_queue_push (GraphbitCompletionQueue *self,
                                     guint64                  tag,
                                     gpointer                 result,
                                     GError                  *error);

/* The same, for a call whose result is text (taken, may be NULL). */
void graphbit_completion_queue_push_text (GraphbitCompletionQueue *self,
                                          guint64                  tag,
                                          char                    *text,
                                          GError                  *error);

/* Any thread: queues more text (taken, not NULL) of the call tagged @tag,
 * a stream's. While @last (the completion this returned the time before,
 * or NULL) is still in the queue, the text is appended to it, so a loop
 * that falls behind takes fewer, larger pieces. Returns (transfer full)
 * the completion the text went to: the @last of the next call. */
GraphbitCompletion *graphbit_completion_queue_push_more_text (GraphbitCompletionQueue *self,
                                                              GraphbitCompletion      *last,
                                                              guint64                  tag,
                                                              char                    *text);

/* Starts an asynchronous call on a worker: @start (@data) runs there, so
 * the call's callback runs there too and can push the outcome for @tag.
 * If no worker can be had (a shutdown runs), @data is destroyed and the
 * error is pushed for @tag instead. */
typedef void (*GraphbitQueuedStartFunc) (gpointer data);
void graphbit_completion_queue_start     (GraphbitCompletionQueue *self,
                                          guint64                  tag,
                                          GraphbitQueuedStartFunc  start,
                                          gpointer                 data,
                                          GDestroyNotify           destroy);

G_END_DECLS
