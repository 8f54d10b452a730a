/* graphbit-llm-client.h - talking to an LLM provider
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "graphbit-version-macros.h"
#include "graphbit-llm-config.h"
#include "graphbit-llm-request.h"
#include "graphbit-llm-response.h"
#include "graphbit-llm-stream.h"
#include "graphbit-llm-batch.h"
#include "graphbit-completion-queue.h"

G_BEGIN_DECLS

#define GRAPHBIT_TYPE_LLM_CLIENT (graphbit_llm_client_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitLlmClient, graphbit_llm_client, GRAPHBIT, LLM_CLIENT, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmClient   *graphbit_llm_client_new                  (GraphbitLlmConfig    *config);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmConfig   *graphbit_llm_client_get_config           (GraphbitLlmClient    *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_client_get_debug            (GraphbitLlmClient    *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_set_debug            (GraphbitLlmClient    *self,
                                                               gboolean              debug);

GRAPHBIT_AVAILABLE_IN_ALL
guint                graphbit_llm_client_get_attempt_timeout_ms (GraphbitLlmClient *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_set_attempt_timeout_ms (GraphbitLlmClient *self,
                                                                 guint              timeout_ms);

GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_client_set_retry_policy     (GraphbitLlmClient    *self,
                                                               gint                  max_retries,
                                                               gdouble               base_delay,
                                                               gdouble               max_delay,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_get_retry_policy     (GraphbitLlmClient    *self,
                                                               gint                 *max_retries,
                                                               gdouble              *base_delay,
                                                               gdouble              *max_delay);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_client_set_timeouts         (GraphbitLlmClient    *self,
                                                               gdouble               attempt_timeout,
                                                               gdouble               deadline,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_get_timeouts         (GraphbitLlmClient    *self,
                                                               gdouble              *attempt_timeout,
                                                               gdouble              *deadline);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_client_set_circuit_breaker  (GraphbitLlmClient    *self,
                                                               gint                  failure_threshold,
                                                               gdouble               recovery_time,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_get_circuit_breaker  (GraphbitLlmClient    *self,
                                                               gint                 *failure_threshold,
                                                               gdouble              *recovery_time);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_client_set_rate_limit       (GraphbitLlmClient    *self,
                                                               gdouble               requests_per_second,
                                                               gint                  max_in_flight,
                                                               gint                  max_queued,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_get_rate_limit       (GraphbitLlmClient    *self,
                                                               gdouble              *requests_per_second,
                                                               gint                 *max_in_flight,
                                                               gint                 *max_queued);

GRAPHBIT_AVAILABLE_IN_ALL
GVariant            *graphbit_llm_client_get_stats            (GraphbitLlmClient    *self);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_reset_stats          (GraphbitLlmClient    *self);

GRAPHBIT_AVAILABLE_IN_ALL
char                *graphbit_llm_client_complete             (GraphbitLlmClient    *self,
                                                               GraphbitLlmRequest   *request,
                                                               GCancellable         *cancellable,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_complete_async       (GraphbitLlmClient    *self,
                                                               GraphbitLlmRequest   *request,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GRAPHBIT_AVAILABLE_IN_ALL
char                *graphbit_llm_client_complete_finish      (GraphbitLlmClient    *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmResponse *graphbit_llm_client_complete_full        (GraphbitLlmClient    *self,
                                                               GraphbitLlmRequest   *request,
                                                               GCancellable         *cancellable,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_complete_full_async  (GraphbitLlmClient    *self,
                                                               GraphbitLlmRequest   *request,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmResponse *graphbit_llm_client_complete_full_finish (GraphbitLlmClient    *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_complete_queued      (GraphbitLlmClient       *self,
                                                               GraphbitLlmRequest      *request,
                                                               GCancellable            *cancellable,
                                                               GraphbitCompletionQueue *queue,
                                                               guint64                  tag);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_complete_text_queued (GraphbitLlmClient       *self,
                                                               GraphbitLlmRequest      *request,
                                                               GCancellable            *cancellable,
                                                               GraphbitCompletionQueue *queue,
                                                               guint64                  tag);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_complete_prompt_queued (GraphbitLlmClient       *self,
                                                                 const char              *prompt,
                                                                 GCancellable            *cancellable,
                                                                 GraphbitCompletionQueue *queue,
                                                                 guint64                  tag);

GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_complete_batch_async  (GraphbitLlmClient   *self,
                                                                GraphbitLlmRequest **requests,
                                                                guint                n_requests,
                                                                guint                max_concurrency,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmBatchResult *graphbit_llm_client_complete_batch_finish (GraphbitLlmClient  *self,
                                                                   GAsyncResult       *result,
                                                                   GError            **error);

GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_warmup_async         (GraphbitLlmClient    *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_client_warmup_finish        (GraphbitLlmClient    *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_complete_batch_queued (GraphbitLlmClient        *self,
                                                                GraphbitLlmRequest      **requests,
                                                                guint                     n_requests,
                                                                guint                     max_concurrency,
                                                                GCancellable             *cancellable,
                                                                GraphbitCompletionQueue  *queue,
                                                                guint64                   tag);
GRAPHBIT_AVAILABLE_IN_ALL
void                 graphbit_llm_client_warmup_queued        (GraphbitLlmClient       *self,
                                                               GCancellable            *cancellable,
                                                               GraphbitCompletionQueue *queue,
                                                               guint64                  tag);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_client_warmup               (GraphbitLlmClient    *self,
                                                               GCancellable         *cancellable,
                                                               GError              **error);

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmStream   *graphbit_llm_client_stream               (GraphbitLlmClient    *self,
                                                               GraphbitLlmRequest   *request,
                                                               GError              **error);

G_END_DECLS
