/* graphbit-call-stats-private.h - a client's call statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GraphbitCallStats GraphbitCallStats;

typedef enum {
  GRAPHBIT_CALL_OUTCOME_SUCCESS,
  GRAPHBIT_CALL_OUTCOME_FAILURE,
  GRAPHBIT_CALL_OUTCOME_CANCELLED,   /* by the caller or a shutdown: not a failure */
} GraphbitCallOutcome;

GraphbitCallStats *graphbit_call_stats_new          (void);
void               graphbit_call_stats_free         (GraphbitCallStats   *stats);
/* Thread-safe; called once per finished call. */
void               graphbit_call_stats_record       (GraphbitCallStats   *stats,
                                                     GraphbitCallOutcome  outcome,
                                                     gint64               duration_us,
                                                     guint                prompt_tokens,
                                                     guint                completion_tokens);
void               graphbit_call_stats_record_retry (GraphbitCallStats   *stats);
void               graphbit_call_stats_reset        (GraphbitCallStats   *stats);
/* Adds the statistics to @builder (an a{sv} builder). */
void               graphbit_call_stats_snapshot     (GraphbitCallStats   *stats,
                                                     GVariantBuilder     *builder);

G_END_DECLS
