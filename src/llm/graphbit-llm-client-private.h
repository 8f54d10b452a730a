/* graphbit-llm-client-private.h - what other parts of the library use of a client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-client.h"
#include "graphbit-llm-stats-private.h"

G_BEGIN_DECLS

/* Counts one finished request in the client's statistics. Thread-safe. */
void graphbit_llm_client_record_outcome (GraphbitLlmClient  *self,
                                         GraphbitLlmOutcome  outcome,
                                         gint64              duration_us,
                                         guint               prompt_tokens,
                                         guint               completion_tokens);

/* Warm-ups are remembered per client. Thread-safe. */
gboolean graphbit_llm_client_is_warm   (GraphbitLlmClient  *self);
void     graphbit_llm_client_mark_warm (GraphbitLlmClient  *self);

G_END_DECLS
