/* graphbit-completion-queue.h - results of asynchronous calls, collected for another event loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

#define GRAPHBIT_TYPE_COMPLETION (graphbit_completion_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitCompletion, graphbit_completion, GRAPHBIT, COMPLETION, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
guint64  graphbit_completion_get_tag   (GraphbitCompletion  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char *graphbit_completion_get_text (GraphbitCompletion *self);
GRAPHBIT_AVAILABLE_IN_ALL
GObject *graphbit_completion_propagate (GraphbitCompletion  *self,
                                        GError             **error);

#define GRAPHBIT_TYPE_COMPLETION_QUEUE (graphbit_completion_queue_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitCompletionQueue, graphbit_completion_queue, GRAPHBIT, COMPLETION_QUEUE, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitCompletionQueue *graphbit_completion_queue_new    (GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
int                      graphbit_completion_queue_get_fd (GraphbitCompletionQueue  *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitCompletion      *graphbit_completion_queue_pop    (GraphbitCompletionQueue  *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                 graphbit_completion_queue_pop_text (GraphbitCompletionQueue  *self,
                                                             guint64                  *tag,
                                                             char                    **text,
                                                             GraphbitCompletion      **completion);
GRAPHBIT_AVAILABLE_IN_ALL
void                     graphbit_completion_queue_cancel (GraphbitCompletionQueue  *self,
                                                           guint64                   tag);

G_END_DECLS
