/* graphbit-call-host-private.h - what a client lends its calls: identity, resilience settings and state, statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "graphbit-call-stats-private.h"
#include "graphbit-circuit-breaker-private.h"
#include "graphbit-rate-limiter-private.h"
#include "graphbit-retry-policy-private.h"

G_BEGIN_DECLS

/* Every client (LLM, embeddings) embeds one host; its calls
 * (graphbit-call.c) read the settings and update the state through it, and
 * keep the owner alive while they run. */
typedef struct
{
  /* Who the calls are made for; set once, before the first call. */
  GObject *owner;                      /* the client the host lives in */
  const char *kind;                    /* "llm", "embedding": health reports */
  const char *provider;                /* "openai": error details, logs */
  const char *provider_label;          /* "OpenAI": messages */
  const char *model;                   /* the client config's; NULL: none */
  guint default_timeout_ms;            /* the provider's per-attempt default */

  GMutex mutex;                        /* guards the settings below */
  GraphbitRetryPolicy policy;
  gint64 deadline_us;                  /* total per call; 0: none */
  guint breaker_threshold;
  gint64 breaker_recovery_us;
  gdouble requests_per_second;
  guint max_in_flight;
  guint max_queued;
  gint attempt_timeout_ms;             /* atomic; 0: the provider's default */

  /* Thread-safe on their own. */
  GraphbitCircuitBreaker *breaker;
  GraphbitRateLimiter *limiter;
  GraphbitCallStats *stats;
} GraphbitCallHost;

void     graphbit_call_host_init               (GraphbitCallHost    *host,
                                                GObject             *owner);
/* Names the host's calls and lists it in health_check()'s summary. */
void     graphbit_call_host_set_identity       (GraphbitCallHost    *host,
                                                const char          *kind,
                                                const char          *provider,
                                                const char          *provider_label,
                                                const char          *model,
                                                guint                default_timeout_ms);
void     graphbit_call_host_clear              (GraphbitCallHost    *host);

/* The settings, checked as the public setters document them: a wrong
 * value fails with GRAPHBIT_ERROR_VALIDATION naming the field, and
 * nothing is changed. Calls already running keep what they started with. */
gboolean graphbit_call_host_set_retry_policy    (GraphbitCallHost   *host,
                                                 gint                max_retries,
                                                 gdouble             base_delay,
                                                 gdouble             max_delay,
                                                 GError            **error);
void     graphbit_call_host_get_retry_policy    (GraphbitCallHost   *host,
                                                 gint               *max_retries,
                                                 gdouble            *base_delay,
                                                 gdouble            *max_delay);
gboolean graphbit_call_host_set_timeouts        (GraphbitCallHost   *host,
                                                 gdouble             attempt_timeout,
                                                 gdouble             deadline,
                                                 GError            **error);
void     graphbit_call_host_get_timeouts        (GraphbitCallHost   *host,
                                                 gdouble            *attempt_timeout,
                                                 gdouble            *deadline);
gboolean graphbit_call_host_set_circuit_breaker (GraphbitCallHost   *host,
                                                 gint                failure_threshold,
                                                 gdouble             recovery_time,
                                                 GError            **error);
void     graphbit_call_host_get_circuit_breaker (GraphbitCallHost   *host,
                                                 gint               *failure_threshold,
                                                 gdouble            *recovery_time);
gboolean graphbit_call_host_set_rate_limit      (GraphbitCallHost   *host,
                                                 gdouble             requests_per_second,
                                                 gint                max_in_flight,
                                                 gint                max_queued,
                                                 GError            **error);
void     graphbit_call_host_get_rate_limit      (GraphbitCallHost   *host,
                                                 gdouble            *requests_per_second,
                                                 gint               *max_in_flight,
                                                 gint               *max_queued);
/* The per-attempt timeout as set (0: the provider's default). Setting it
 * returns whether it changed, for the owner's property notification. */
guint    graphbit_call_host_get_attempt_timeout_ms (GraphbitCallHost *host);
gboolean graphbit_call_host_set_attempt_timeout_ms (GraphbitCallHost *host,
                                                    guint             timeout_ms);

/* The settings a call starts with (the attempt timeout resolved). */
void     graphbit_call_host_snapshot           (GraphbitCallHost    *host,
                                                GraphbitRetryPolicy *policy,
                                                guint               *attempt_timeout_ms,
                                                gint64              *deadline_us);

/* The statistics, the breaker's and the limiter's state, the retry
 * limit, the provider and the model, as an a{sv} dictionary. */
GVariant *graphbit_call_host_get_stats         (GraphbitCallHost    *host);

G_END_DECLS
