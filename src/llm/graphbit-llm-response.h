/* graphbit-llm-response.h - a model's complete answer with its metadata
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

#define GRAPHBIT_TYPE_LLM_RESPONSE (graphbit_llm_response_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitLlmResponse, graphbit_llm_response, GRAPHBIT, LLM_RESPONSE, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
const char *graphbit_llm_response_get_content           (GraphbitLlmResponse *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char *graphbit_llm_response_get_finish_reason     (GraphbitLlmResponse *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char *graphbit_llm_response_get_model             (GraphbitLlmResponse *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char *graphbit_llm_response_get_id                (GraphbitLlmResponse *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint       graphbit_llm_response_get_prompt_tokens     (GraphbitLlmResponse *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint       graphbit_llm_response_get_completion_tokens (GraphbitLlmResponse *self);
GRAPHBIT_AVAILABLE_IN_ALL
guint       graphbit_llm_response_get_total_tokens      (GraphbitLlmResponse *self);

G_END_DECLS
