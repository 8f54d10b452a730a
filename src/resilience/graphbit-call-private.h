/* graphbit-call-private.h - one logical call: limits, attempts, retries, deadline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "graphbit-call-host-private.h"
#include "graphbit-retry-policy-private.h"
#include "http/graphbit-http-private.h"

G_BEGIN_DECLS

typedef struct _GraphbitCall GraphbitCall;

/* Starts attempt number graphbit_call_get_attempt() with @timeout_ms (the
 * per-attempt timeout, shortened to what is left of the deadline). The
 * attempt reports back with graphbit_call_attempt_succeeded() or _failed(),
 * from any thread. */
typedef void (*GraphbitCallAttemptFunc) (GraphbitCall *call,
                                         guint         timeout_ms,
                                         gpointer      data);
/* The call is over: @error is NULL on success, else the final error
 * (taken) carrying retry count, duration, provider and operation. Runs on
 * a runtime worker, or in the starting thread if the call never started. */
typedef void (*GraphbitCallDoneFunc)    (GraphbitCall *call,
                                         GError       *error,
                                         gpointer      data);

/* A call for @host's client (kept alive until the call is over), named
 * @operation (a static string) in errors and logs. */
GraphbitCall *graphbit_call_new               (GraphbitCallHost        *host,
                                               const char              *operation,
                                               GCancellable            *cancellable,
                                               GraphbitCallAttemptFunc  attempt,
                                               GraphbitCallDoneFunc     done,
                                               gpointer                 data);
GraphbitCall *graphbit_call_ref               (GraphbitCall            *call);
void          graphbit_call_unref             (GraphbitCall            *call);

/* Before start(): the calling thread blocks until the call is over (a
 * blocking variant). Attempts made in that thread (the first one, unless
 * the call is queued or waits) then run their exchange there with
 * libsoup's blocking API instead of handing it to a worker. */
void          graphbit_call_set_blocking      (GraphbitCall            *call);
/* Whether an attempt starting now runs its exchange in this thread. */
gboolean      graphbit_call_is_blocking_here  (GraphbitCall            *call);
/* Whether the calling thread is the one whose running loop the call
 * started from, so its exchanges may run there (else on worker threads). */
gboolean      graphbit_call_may_use_caller_loop (GraphbitCall          *call);

/* Admission (rate limit, in-flight limit), then the first attempt. */
void          graphbit_call_start             (GraphbitCall            *call);

/* Cancelled by the caller's cancellable or a shutdown: pass it to the
 * attempts' HTTP exchanges. */
GCancellable *graphbit_call_get_cancellable   (GraphbitCall            *call);
guint         graphbit_call_get_attempt       (GraphbitCall            *call);
gpointer      graphbit_call_get_data          (GraphbitCall            *call);

void          graphbit_call_attempt_succeeded (GraphbitCall            *call,
                                               guint                    prompt_tokens,
                                               guint                    completion_tokens);
/* Retries after a backoff if the failure is retryable, attempts and the
 * deadline allow, and the circuit breaker still lets calls through;
 * otherwise ends the call with (a copy of) the failure's error. A provider
 * that is loading the model (failure->loading) is waited for without
 * using up a retry, within the deadline (or 120 s in all without one). */
void          graphbit_call_attempt_failed    (GraphbitCall                 *call,
                                               const GraphbitAttemptFailure *failure);

/* Ends the call with @error (taken), without retrying. */
void          graphbit_call_end_with_error    (GraphbitCall            *call,
                                               GError                  *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitCall, graphbit_call_unref)

/* How one attempt that exchanges a JSON request for a whole JSON answer
 * reads the answer (graphbit-call-json.c). It must live as long as the
 * call's data. */
typedef struct
{
  GraphbitHttpOptions options;   /* operation, provider, label; the timeout is set per attempt */
  gboolean debug;                /* log each attempt (never headers or keys) */
  /* The provider's own message from an error body, or NULL. */
  char     *(*error_message) (const char  *data,
                              gsize        len);
  /* From an error answer: the seconds the provider says it needs to load
   * the model, or a negative number if it is not loading. May be NULL. */
  gdouble   (*loading_time)  (guint        status,
                              const char  *data,
                              gsize        len);
  /* Parses a 2xx JSON body and keeps what it needs in @user_data. */
  gboolean  (*parse)         (const char  *data,
                              gsize        len,
                              gpointer     user_data,
                              guint       *prompt_tokens,
                              guint       *completion_tokens,
                              GError     **error);
  gpointer user_data;
} GraphbitCallReader;

/* Sends @msg (consumed; NULL if building it failed with @build_error,
 * which is taken) as the current attempt of @call, under @timeout_ms, and
 * reports the outcome to the call: success once @reader parsed the answer,
 * otherwise a typed failure (status, transport, content type, body). */
void          graphbit_call_send_json         (GraphbitCall             *call,
                                               SoupMessage              *msg,
                                               GError                   *build_error,
                                               GraphbitCallReader       *reader,
                                               guint                     timeout_ms);

G_END_DECLS
