/* graphbit-llm-stats-private.h - a client's request statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GraphbitLlmStats GraphbitLlmStats;

typedef enum {
  GRAPHBIT_LLM_OUTCOME_SUCCESS,
  GRAPHBIT_LLM_OUTCOME_FAILURE,
  GRAPHBIT_LLM_OUTCOME_CANCELLED,   /* by the caller or a shutdown: not a failure */
} GraphbitLlmOutcome;

GraphbitLlmStats *graphbit_llm_stats_new            (void);
void              graphbit_llm_stats_free           (GraphbitLlmStats *stats);
/* Thread-safe; called once per finished call. */
void              graphbit_llm_stats_record         (GraphbitLlmStats *stats,
                                                     GraphbitLlmOutcome outcome,
                                                     gint64            duration_us,
                                                     guint             prompt_tokens,
                                                     guint             completion_tokens);
void              graphbit_llm_stats_record_retry   (GraphbitLlmStats *stats);
void              graphbit_llm_stats_reset          (GraphbitLlmStats *stats);
/* Adds the statistics to @builder (an a{sv} builder). */
void              graphbit_llm_stats_snapshot       (GraphbitLlmStats *stats,
                                                     GVariantBuilder  *builder);

G_END_DECLS
