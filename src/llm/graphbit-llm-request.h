/* graphbit-llm-request.h - what to ask the model: messages and sampling options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

/**
 * GraphbitLlmRole:
 * @GRAPHBIT_LLM_ROLE_SYSTEM: instructions for the model
 * @GRAPHBIT_LLM_ROLE_USER: the user's turn
 * @GRAPHBIT_LLM_ROLE_ASSISTANT: an earlier answer of the model
 *
 * Who wrote a message of a conversation.
 */
typedef enum {
  GRAPHBIT_LLM_ROLE_SYSTEM,
  GRAPHBIT_LLM_ROLE_USER,
  GRAPHBIT_LLM_ROLE_ASSISTANT,
} GraphbitLlmRole;

/**
 * GRAPHBIT_LLM_MAX_TOKENS_LIMIT:
 *
 * The largest `max_tokens` a request accepts.
 */
#define GRAPHBIT_LLM_MAX_TOKENS_LIMIT 100000

#define GRAPHBIT_TYPE_LLM_REQUEST (graphbit_llm_request_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitLlmRequest, graphbit_llm_request, GRAPHBIT, LLM_REQUEST, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmRequest *graphbit_llm_request_new               (const char         *prompt);
GRAPHBIT_AVAILABLE_IN_ALL
void                graphbit_llm_request_add_message       (GraphbitLlmRequest *self,
                                                            GraphbitLlmRole     role,
                                                            const char         *content);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean            graphbit_llm_request_add_message_named (GraphbitLlmRequest *self,
                                                            const char         *role,
                                                            const char         *content,
                                                            GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
guint               graphbit_llm_request_get_n_messages    (GraphbitLlmRequest *self);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmRole     graphbit_llm_request_get_message_role  (GraphbitLlmRequest *self,
                                                            guint               index);
GRAPHBIT_AVAILABLE_IN_ALL
const char         *graphbit_llm_request_get_message_content (GraphbitLlmRequest *self,
                                                              guint               index);
GRAPHBIT_AVAILABLE_IN_ALL
void                graphbit_llm_request_set_max_tokens    (GraphbitLlmRequest *self,
                                                            gint                max_tokens);
GRAPHBIT_AVAILABLE_IN_ALL
gint                graphbit_llm_request_get_max_tokens    (GraphbitLlmRequest *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                graphbit_llm_request_set_temperature   (GraphbitLlmRequest *self,
                                                            gdouble             temperature);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean            graphbit_llm_request_has_temperature   (GraphbitLlmRequest *self);
GRAPHBIT_AVAILABLE_IN_ALL
gdouble             graphbit_llm_request_get_temperature   (GraphbitLlmRequest *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean            graphbit_llm_request_validate          (GraphbitLlmRequest *self,
                                                            GError            **error);

G_END_DECLS
