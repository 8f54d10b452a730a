/* graphbit-llm-stream.h - a streamed answer, pulled chunk by chunk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "graphbit-version-macros.h"
#include "graphbit-completion-queue.h"
#include "graphbit-llm-response.h"

G_BEGIN_DECLS

#define GRAPHBIT_TYPE_LLM_STREAM (graphbit_llm_stream_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitLlmStream, graphbit_llm_stream, GRAPHBIT, LLM_STREAM, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_stream_next_async   (GraphbitLlmStream    *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GRAPHBIT_AVAILABLE_IN_ALL
char                *graphbit_llm_stream_next_finish  (GraphbitLlmStream    *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
char                *graphbit_llm_stream_next         (GraphbitLlmStream    *self,
                                                       GCancellable         *cancellable,
                                                       GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_stream_next_queued  (GraphbitLlmStream       *self,
                                                       GCancellable            *cancellable,
                                                       GraphbitCompletionQueue *queue,
                                                       guint64                  tag);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_stream_pump_queued  (GraphbitLlmStream       *self,
                                                       GCancellable            *cancellable,
                                                       GraphbitCompletionQueue *queue,
                                                       guint64                  tag);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_stream_close        (GraphbitLlmStream    *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_stream_is_finished  (GraphbitLlmStream    *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmResponse *graphbit_llm_stream_get_response (GraphbitLlmStream    *self);

G_END_DECLS
