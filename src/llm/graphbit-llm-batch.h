/* graphbit-llm-batch.h - the outcome of a batch of completions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"
#include "graphbit-llm-response.h"
#include "graphbit-llm-request.h"

G_BEGIN_DECLS

/**
 * GRAPHBIT_LLM_MAX_BATCH_SIZE:
 *
 * The most requests one batch accepts.
 */
#define GRAPHBIT_LLM_MAX_BATCH_SIZE 1000

#define GRAPHBIT_TYPE_LLM_BATCH_RESULT (graphbit_llm_batch_result_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitLlmBatchResult, graphbit_llm_batch_result, GRAPHBIT, LLM_BATCH_RESULT, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
guint                graphbit_llm_batch_result_get_n_items   (GraphbitLlmBatchResult  *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_batch_result_check_item    (GraphbitLlmBatchResult  *self,
                                                              guint                    index,
                                                              GError                 **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmResponse *graphbit_llm_batch_result_get_response  (GraphbitLlmBatchResult  *self,
                                                              guint                    index);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_request_validate_batch     (GraphbitLlmRequest     **requests,
                                                              guint                    n_requests,
                                                              GError                 **error);
GRAPHBIT_AVAILABLE_IN_ALL
guint                graphbit_llm_batch_result_get_n_failed  (GraphbitLlmBatchResult  *self);

G_END_DECLS
