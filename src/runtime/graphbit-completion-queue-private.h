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

G_END_DECLS
