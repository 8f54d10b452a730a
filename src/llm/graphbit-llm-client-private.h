/* graphbit-llm-client-private.h - what other parts of the library use of a client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "graphbit-llm-client.h"
#include "graphbit-llm-stats-private.h"
#include "graphbit-llm-resilience-private.h"
#include "providers/graphbit-llm-codec-private.h"

G_BEGIN_DECLS

const GraphbitLlmCodec *graphbit_llm_client_get_codec            (GraphbitLlmClient  *self);
GraphbitLlmResilience  *graphbit_llm_client_get_resilience_state (GraphbitLlmClient  *self);
/* The settings a call starts with (the attempt timeout resolved). */
void                    graphbit_llm_client_get_resilience       (GraphbitLlmClient  *self,
                                                                  GraphbitRetryPolicy *policy,
                                                                  guint              *attempt_timeout_ms,
                                                                  gint64             *deadline_us);
GraphbitCircuitBreaker *graphbit_llm_client_get_breaker          (GraphbitLlmClient  *self);
GraphbitRateLimiter    *graphbit_llm_client_get_limiter          (GraphbitLlmClient  *self);

/* Counts one finished call in the client's statistics. Thread-safe. */
void graphbit_llm_client_record_call  (GraphbitLlmClient  *self,
                                       GraphbitLlmOutcome  outcome,
                                       gint64              duration_us,
                                       guint               retries,
                                       guint               prompt_tokens,
                                       guint               completion_tokens);
void graphbit_llm_client_record_retry (GraphbitLlmClient  *self);

/* Warm-ups are remembered per client. Thread-safe. */
gboolean graphbit_llm_client_is_warm   (GraphbitLlmClient  *self);
void     graphbit_llm_client_mark_warm (GraphbitLlmClient  *self);

G_END_DECLS
