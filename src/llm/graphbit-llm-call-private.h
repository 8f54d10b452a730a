/* graphbit-llm-call-private.h - one logical call: limits, attempts, retries, deadline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "graphbit-llm-client.h"
#include "resilience/graphbit-retry-policy-private.h"

G_BEGIN_DECLS

typedef struct _GraphbitLlmCall GraphbitLlmCall;

/* Starts attempt number graphbit_llm_call_get_attempt() with @timeout_ms
 * (the per-attempt timeout, shortened to what is left of the deadline).
 * The attempt reports back with graphbit_llm_call_attempt_succeeded() or
 * _failed(), from any thread. */
typedef void (*GraphbitLlmCallAttemptFunc) (GraphbitLlmCall *call,
                                            guint            timeout_ms,
                                            gpointer         data);
/* The call is over: @error is NULL on success, else the final error
 * (taken) carrying retry count, duration, provider and operation. Runs on
 * a runtime worker, or in the starting thread if the call never started. */
typedef void (*GraphbitLlmCallDoneFunc)    (GraphbitLlmCall *call,
                                            GError          *error,
                                            gpointer         data);

GraphbitLlmCall *graphbit_llm_call_new         (GraphbitLlmClient          *client,
                                                const char                 *operation,
                                                GCancellable               *cancellable,
                                                GraphbitLlmCallAttemptFunc  attempt,
                                                GraphbitLlmCallDoneFunc     done,
                                                gpointer                    data);
GraphbitLlmCall *graphbit_llm_call_ref         (GraphbitLlmCall            *call);
void             graphbit_llm_call_unref       (GraphbitLlmCall            *call);

/* Admission (rate limit, in-flight limit), then the first attempt. */
void             graphbit_llm_call_start       (GraphbitLlmCall            *call);

/* Cancelled by the caller's cancellable or a shutdown: pass it to the
 * attempts' HTTP exchanges. */
GCancellable    *graphbit_llm_call_get_cancellable (GraphbitLlmCall        *call);
guint            graphbit_llm_call_get_attempt     (GraphbitLlmCall        *call);
gpointer         graphbit_llm_call_get_data        (GraphbitLlmCall        *call);

void             graphbit_llm_call_attempt_succeeded (GraphbitLlmCall      *call,
                                                      guint                 prompt_tokens,
                                                      guint                 completion_tokens);
/* Retries after a backoff if the failure is retryable, attempts and the
 * deadline allow, and the circuit breaker still lets calls through;
 * otherwise ends the call with (a copy of) the failure's error. */
void             graphbit_llm_call_attempt_failed    (GraphbitLlmCall              *call,
                                                      const GraphbitAttemptFailure *failure);

/* Ends the call with @error (taken), without retrying. */
void             graphbit_llm_call_end_with_error    (GraphbitLlmCall              *call,
                                                      GError                       *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitLlmCall, graphbit_llm_call_unref)

G_END_DECLS
