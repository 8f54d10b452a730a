/* graphbit-call.c - one logical call: limits, attempts, retries, deadline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every client call (an LLM completion, chat, batch item or stream; an
 * embedding request) goes through here, whatever its client and wire
 * format; the client lends its identity, settings and state through its
 * call host (graphbit-call-host.c):
 *
 *   admission (requests per second, calls in flight; queue or refuse)
 *   → attempt: circuit breaker check, then the operation's own attempt
 *   → on failure: retry after a backoff (or the server's Retry-After /
 *     rate-limit reset) while retries, the deadline and the breaker allow
 *   → done: statistics, breaker, slot released, error details filled in.
 *
 * Waits (for a rate-limit start time or a backoff) run on a runtime worker
 * as a timer plus a watch on the call's cancellable, counted as an
 * operation of that worker, so cancelling the call or shutting the runtime
 * down ends them at once.
 */

#include "config.h"

#include "graphbit-call-private.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"
#include "runtime/graphbit-runtime-private.h"
#include "graphbit-cancel-watch-private.h"

struct _GraphbitCall
{
  GraphbitCallHost *host;             /* lives in owner, kept alive here */
  GObject *owner;
  const char *operation;              /* static string */
  const char *provider;
  const char *provider_label;
  GraphbitCallAttemptFunc attempt;
  GraphbitCallDoneFunc done;
  gpointer data;

  /* Cancelled by the caller's cancellable or by a shutdown. */
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong caller_handler;

  /* The client's settings, fixed when the call starts. */
  GraphbitRetryPolicy policy;
  guint attempt_timeout_ms;
  gint64 deadline;                    /* monotonic µs; 0: none */
  GThread *blocking_thread;           /* a blocking variant's caller, or NULL */
  /* The thread whose running loop the call's exchanges and waits may use
   * (referenced), or NULL: set when the call starts from a callback of
   * that loop. Never for a call that waits for a slot of a limit, which
   * the loop's own calls may hold while the loop waits for it. */
  GThread *loop_thread;

  gint64 started_at;
  guint attempt_number;               /* 1 for the first attempt */
  guint loading_attempts;             /* attempts the model was loading: free */
  gint64 loading_waited_us;
  GError *loading_error;              /* the last "model loading" answer */
  gboolean breaker_allowed;           /* the current attempt was let through */
  gint state;                         /* CallState, atomic */
};

typedef enum {
  CALL_NEW,
  CALL_QUEUED,        /* waiting in the rate limiter's queue */
  CALL_RUNNING,       /* holds a slot: waiting, attempting */
  CALL_DONE,
} CallState;

static void
call_clear (GraphbitCall *call)
{
  g_clear_object (&call->cancellable);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->owner);
  g_clear_error (&call->loading_error);
  g_clear_pointer (&call->loop_thread, g_thread_unref);
}

GraphbitCall *
graphbit_call_ref (GraphbitCall *call)
{
  return g_atomic_rc_box_acquire (call);
}

void
graphbit_call_unref (GraphbitCall *call)
{
  g_atomic_rc_box_release_full (call, (GDestroyNotify) call_clear);
}

GraphbitCall *
graphbit_call_new (GraphbitCallHost        *host,
                   const char              *operation,
                   GCancellable            *cancellable,
                   GraphbitCallAttemptFunc  attempt,
                   GraphbitCallDoneFunc     done,
                   gpointer                 data)
{
  GraphbitCall *call = g_atomic_rc_box_new0 (GraphbitCall);

  call->host = host;
  call->owner = g_object_ref (host->owner);
  call->operation = operation;
  call->provider = host->provider;
  call->provider_label = host->provider_label;
  call->attempt = attempt;
  call->done = done;
  call->data = data;
  call->cancellable = g_cancellable_new ();
  call->caller_cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  graphbit_call_host_snapshot (host, &call->policy, &call->attempt_timeout_ms, &call->deadline);
  return call;
}

GCancellable *
graphbit_call_get_cancellable (GraphbitCall *call)
{
  return call->cancellable;
}

guint
graphbit_call_get_attempt (GraphbitCall *call)
{
  return call->attempt_number;
}

void
graphbit_call_set_blocking (GraphbitCall *call)
{
  call->blocking_thread = g_thread_self ();
}

gboolean
graphbit_call_is_blocking_here (GraphbitCall *call)
{
  return call->blocking_thread != NULL && call->blocking_thread == g_thread_self ();
}

gboolean
graphbit_call_may_use_caller_loop (GraphbitCall *call)
{
  return call->loop_thread != NULL && call->loop_thread == g_thread_self ();
}

gpointer
graphbit_call_get_data (GraphbitCall *call)
{
  return call->data;
}

static gint64
elapsed_ms (GraphbitCall *call)
{
  return (g_get_monotonic_time () - call->started_at) / 1000;
}

/* Ends the call: once. @error is taken (NULL on success). */
static void
call_finish (GraphbitCall *call,
             GError       *error,
             guint         prompt_tokens,
             guint         completion_tokens)
{
  GraphbitCallOutcome outcome;
  gint previous = g_atomic_int_get (&call->state);

  if (previous == CALL_DONE || !g_atomic_int_compare_and_exchange (&call->state, previous, CALL_DONE))
    {
      g_clear_error (&error);
      return;
    }

  /* Safe here: call_finish never runs inside the caller's cancel handler. */
  if (call->caller_handler != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_handler);
  call->caller_handler = 0;

  if (error == NULL)
    outcome = GRAPHBIT_CALL_OUTCOME_SUCCESS;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    outcome = GRAPHBIT_CALL_OUTCOME_CANCELLED;
  else
    outcome = GRAPHBIT_CALL_OUTCOME_FAILURE;

  if (error != NULL && error->domain == GRAPHBIT_ERROR)
    {
      const GraphbitErrorDetails *details = graphbit_error_get_details (error);

      graphbit_error_set_operation (error, call->operation);
      graphbit_error_set_provider (error, call->provider);
      graphbit_error_set_duration_ms (error, elapsed_ms (call));
      graphbit_error_set_retry (error, call->attempt_number > 0 ? call->attempt_number - 1 : 0,
                                graphbit_error_details_get_retry_after (details));
    }

  /* Calls refused before any attempt (queue full, breaker open at once)
   * are counted too: they are requests the caller made. */
  graphbit_call_stats_record (call->host->stats, outcome, g_get_monotonic_time () - call->started_at,
                              prompt_tokens, completion_tokens);
  if (previous == CALL_RUNNING)
    graphbit_rate_limiter_release (call->host->limiter, g_get_monotonic_time ());

  call->done (call, error, call->data);
  graphbit_call_unref (call);   /* the reference start() took for the call's life */
}

/* A wait on a runtime worker: a timer racing the call's cancellable. */
typedef struct
{
  GraphbitCall *call;
  GraphbitWorker *worker;
  GSource *timer;
  GraphbitCancelWatch *cancelled;
  gint64 delay_us;
  void (*then) (GraphbitCall *call);
} Wait;

static void
wait_end (Wait   *wait,
          GError *error)
{
  GraphbitCall *call = wait->call;
  GraphbitWorker *worker = wait->worker;

  g_source_destroy (wait->timer);
  g_source_unref (wait->timer);
  graphbit_cancel_watch_free (wait->cancelled);
  graphbit_worker_untrack (worker, call->cancellable);

  if (error != NULL)
    call_finish (call, error, 0, 0);
  else
    wait->then (call);

  graphbit_call_unref (call);
  g_free (wait);
  graphbit_worker_end_operation (worker);
  graphbit_worker_unref (worker);
}

static gboolean
on_wait_over (gpointer data)
{
  wait_end (data, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_cancelled (gpointer data)
{
  Wait *wait = data;
  GError *error;

  if (graphbit_worker_is_stopping (wait->worker))
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         "%s %s was cancelled because the graphbit runtime shut down",
                         wait->call->provider_label, wait->call->operation);
  else
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s %s was cancelled",
                         wait->call->provider_label, wait->call->operation);
  wait_end (wait, error);
  return G_SOURCE_REMOVE;
}

static void
wait_begin (GraphbitWorker *worker,
            gpointer        data)
{
  Wait *wait = data;
  GMainContext *context = graphbit_worker_get_context (worker);

  /* Tracked, so a shutdown cancels it; counted, so the worker waits for it. */
  graphbit_worker_track (worker, wait->call->cancellable);
  if (graphbit_worker_is_stopping (worker))
    g_cancellable_cancel (wait->call->cancellable);

  wait->timer = g_timeout_source_new (MAX (wait->delay_us / 1000, 0));
  g_source_set_callback (wait->timer, on_wait_over, wait, NULL);
  g_source_set_static_name (wait->timer, "[graphbit] retry wait");
  g_source_attach (wait->timer, context);
  /* Not a GCancellableSource: the caller may cancel from another thread. */
  wait->cancelled = graphbit_cancel_watch_new (wait->call->cancellable, context, on_wait_cancelled, wait);
}

/* Runs @then after @delay_us (at once if 0), unless the call is cancelled. */
static void
call_after (GraphbitCall  *call,
            gint64         delay_us,
            void         (*then) (GraphbitCall *call))
{
  GError *error = NULL;
  GraphbitWorker *worker;
  Wait *wait;

  if (delay_us <= 0)
    {
      then (call);
      return;
    }
  /* Only the loop the call started from, in its own thread (a blocking
   * caller holds its own loop up while it waits). */
  worker = graphbit_call_may_use_caller_loop (call) ? graphbit_runtime_acquire_worker (&error)
                                                    : graphbit_runtime_acquire_thread_worker (&error);
  if (worker == NULL)
    {
      call_finish (call, error, 0, 0);
      return;
    }
  wait = g_new0 (Wait, 1);
  wait->call = graphbit_call_ref (call);
  wait->worker = worker;
  wait->delay_us = delay_us;
  wait->then = then;
  graphbit_worker_invoke (worker, wait_begin, wait, NULL);
}

static GError *
deadline_error (GraphbitCall *call)
{
  return graphbit_error_new (GRAPHBIT_ERROR_TIMEOUT,
                             "%s %s exceeded its deadline of %" G_GINT64_FORMAT " ms after %u attempt(s)",
                             call->provider_label, call->operation,
                             (call->deadline - call->started_at) / 1000, call->attempt_number);
}

static void
call_attempt (GraphbitCall *call)
{
  GraphbitCircuitBreaker *breaker = call->host->breaker;
  gint64 now = g_get_monotonic_time ();
  gint64 retry_in = 0;
  guint timeout_ms = call->attempt_timeout_ms;

  if (g_cancellable_is_cancelled (call->cancellable))
    {
      call_finish (call, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s %s was cancelled",
                                      call->provider_label, call->operation), 0, 0);
      return;
    }

  if (call->deadline != 0)
    {
      gint64 left_us = call->deadline - now;
      gint64 left_ms;

      if (left_us <= 0)
        {
          /* Still loading when time ran out: that answer says more (and
           * carries the provider's estimate) than "deadline passed". */
          call_finish (call, call->loading_error != NULL ? g_steal_pointer (&call->loading_error)
                                                          : deadline_error (call), 0, 0);
          return;
        }
      /* Rounded up: the last attempt then ends at the deadline, not up
       * to 1 ms before it, when the call would report its deadline passed
       * while it had not. */
      left_ms = (left_us + 999) / 1000;
      timeout_ms = timeout_ms == 0 ? (guint) MIN (left_ms, G_MAXUINT) : (guint) MIN ((gint64) timeout_ms, left_ms);
    }

  if (!graphbit_circuit_breaker_allow (breaker, now, &retry_in))
    {
      GError *error = graphbit_error_new (GRAPHBIT_ERROR_CIRCUIT_OPEN,
                                          "%s %s was not attempted: the circuit breaker is open after "
                                          "repeated failures; it lets a call through again in %.1f s",
                                          call->provider_label, call->operation, retry_in / 1e6);

      graphbit_error_set_retry (error, 0, retry_in / 1e6);
      call_finish (call, error, 0, 0);
      return;
    }

  call->breaker_allowed = TRUE;
  call->attempt_number++;
  call->attempt (call, timeout_ms, call->data);
}

void
graphbit_call_attempt_succeeded (GraphbitCall *call,
                                 guint         prompt_tokens,
                                 guint         completion_tokens)
{
  if (call->breaker_allowed)
    graphbit_circuit_breaker_success (call->host->breaker);
  call->breaker_allowed = FALSE;
  call_finish (call, NULL, prompt_tokens, completion_tokens);
}

void
graphbit_call_end_with_error (GraphbitCall *call,
                              GError       *error)
{
  if (call->breaker_allowed)
    graphbit_circuit_breaker_release (call->host->breaker);
  call->breaker_allowed = FALSE;
  call_finish (call, error, 0, 0);
}

/* Whether a failure says something about the provider's health (client
 * errors and cancellations do not). */
static gboolean
counts_against_provider (const GraphbitAttemptFailure *failure)
{
  const GError *error = failure->error;

  if (error == NULL || error->domain != GRAPHBIT_ERROR)
    return FALSE;
  if (failure->status != 0)
    return failure->status == 408 || failure->status == 429 || failure->status >= 500;
  return error->code == GRAPHBIT_ERROR_NETWORK || error->code == GRAPHBIT_ERROR_TIMEOUT
      || error->code == GRAPHBIT_ERROR_RATE_LIMIT;
}

/* The provider is loading the model: neither its failure nor one of the
 * call's retries. Waits what it said (capped at the longest backoff, so a
 * model that is ready early is noticed soon), within the deadline, or up
 * to 120 s of such waits in all without one. FALSE if it cannot wait. */
static gboolean
wait_for_loading (GraphbitCall                 *call,
                  const GraphbitAttemptFailure *failure,
                  gint64                        now)
{
  gint64 delay = failure->loading_delay_us > 0 ? MIN (failure->loading_delay_us, call->policy.max_delay_us)
                                               : call->policy.base_delay_us;

  if (call->deadline != 0 ? now + delay >= call->deadline
                          : call->loading_waited_us + delay > GRAPHBIT_RETRY_MAX_SERVER_DELAY_US)
    return FALSE;

  call->loading_waited_us += delay;
  call->loading_attempts++;
  g_clear_error (&call->loading_error);
  call->loading_error = g_error_copy (failure->error);
  GRAPHBIT_DEBUG ("%s %s: the model is loading (attempt %u); trying again in %.0f ms",
                  call->provider, call->operation, call->attempt_number, delay / 1000.0);
  graphbit_call_stats_record_retry (call->host->stats);
  call_after (call, delay, call_attempt);
  return TRUE;
}

/* The error a failed call reports: the attempt's, except that an attempt
 * cut short by the deadline while the model was loading reports the
 * loading answer (with the provider's estimate), which says why. */
static GError *
final_error (GraphbitCall                 *call,
             const GraphbitAttemptFailure *failure,
             gint64                        now)
{
  if (call->loading_error != NULL && call->deadline != 0 && now >= call->deadline - 1000
      && g_error_matches (failure->error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_TIMEOUT))
    return g_steal_pointer (&call->loading_error);
  return g_error_copy (failure->error);
}

void
graphbit_call_attempt_failed (GraphbitCall                 *call,
                              const GraphbitAttemptFailure *failure)
{
  GraphbitCircuitBreaker *breaker = call->host->breaker;
  gint64 now = g_get_monotonic_time ();
  gint64 server_delay, delay;
  guint retry = call->attempt_number - 1 - call->loading_attempts;

  if (call->breaker_allowed)
    {
      if (counts_against_provider (failure) && !failure->loading)
        graphbit_circuit_breaker_failure (breaker, now);
      else if (failure->status != 0)
        graphbit_circuit_breaker_success (breaker);   /* it answered: it is up */
      else
        graphbit_circuit_breaker_release (breaker);
    }
  call->breaker_allowed = FALSE;

  if (failure->loading && !g_cancellable_is_cancelled (call->cancellable) && wait_for_loading (call, failure, now))
    return;

  server_delay = graphbit_retry_server_delay (failure->headers, g_get_real_time ());
  if (failure->loading || retry >= call->policy.max_retries || !graphbit_retry_policy_is_retryable (failure)
      || server_delay > GRAPHBIT_RETRY_MAX_SERVER_DELAY_US
      || g_cancellable_is_cancelled (call->cancellable))
    {
      call_finish (call, final_error (call, failure, now), 0, 0);
      return;
    }

  delay = server_delay >= 0 ? server_delay : graphbit_retry_backoff (&call->policy, retry, g_random_double ());
  if (call->deadline != 0 && now + delay >= call->deadline)
    {
      /* Waiting would overrun the deadline: report the real failure. */
      call_finish (call, final_error (call, failure, now), 0, 0);
      return;
    }

  GRAPHBIT_DEBUG ("%s %s: attempt %u failed (%s); retrying in %.0f ms",
                  call->provider, call->operation, call->attempt_number, failure->error->message, delay / 1000.0);
  graphbit_call_stats_record_retry (call->host->stats);
  call_after (call, delay, call_attempt);
}

static void
on_admitted (gpointer data,
             gint64   delay_us)
{
  GraphbitCall *call = data;

  /* From the queue to running: unless it was cancelled meanwhile (then
   * the cancel handler could not withdraw it, and the attempt sees it). */
  g_atomic_int_set (&call->state, CALL_RUNNING);
  call_after (call, delay_us, call_attempt);
  graphbit_call_unref (call);   /* the queue's reference */
}

static void
finish_withdrawn (GraphbitCall *call)
{
  call_finish (call, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s %s was cancelled while queued",
                                  call->provider_label, call->operation), 0, 0);
  graphbit_call_unref (call);   /* the queue's reference */
}

static void
finish_on_worker (GraphbitWorker *worker,
                  gpointer        data)
{
  finish_withdrawn (data);
  graphbit_worker_end_operation (worker);
}

/* During a shutdown there is no worker to end a withdrawn call on. */
static gpointer
finish_in_thread (gpointer data)
{
  finish_withdrawn (data);
  return NULL;
}

/* Any thread, from the caller's cancellable. Must not end the call here
 * (ending disconnects this very handler): attempts and waits see the
 * call's cancellable; a queued call is taken out and ended on a worker. */
static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      data)
{
  GraphbitCall *call = data;

  g_cancellable_cancel (call->cancellable);
  if (g_atomic_int_get (&call->state) == CALL_QUEUED
      && graphbit_rate_limiter_withdraw (call->host->limiter, call))
    {
      g_autoptr(GraphbitWorker) worker = graphbit_runtime_acquire_worker (NULL);

      /* The queue's reference goes with the call to where it is ended. */
      if (worker != NULL)
        graphbit_worker_invoke (worker, finish_on_worker, call, NULL);
      else
        g_thread_unref (g_thread_new ("graphbit-cancel", finish_in_thread, call));
    }
}

void
graphbit_call_start (GraphbitCall *call)
{
  GraphbitRateLimiter *limiter = call->host->limiter;
  GraphbitAdmission admission;
  gint64 delay = 0;
  GError *error;

  call->started_at = g_get_monotonic_time ();
  if (call->deadline != 0)
    call->deadline += call->started_at;
  graphbit_call_ref (call);   /* released by call_finish() */
  if (call->blocking_thread == NULL && !graphbit_rate_limiter_limits_in_flight (limiter)
      && graphbit_runtime_is_caller_loop_here ())
    call->loop_thread = g_thread_ref (g_thread_self ());

  /* Connected first, so a cancellation is never missed; in state NEW the
   * handler only cancels, and the first attempt sees it. */
  if (call->caller_cancellable != NULL)
    call->caller_handler = g_cancellable_connect (call->caller_cancellable, G_CALLBACK (on_caller_cancelled),
                                                  graphbit_call_ref (call),
                                                  (GDestroyNotify) graphbit_call_unref);

  /* Queued until admitted: set before asking, since a release on another
   * thread may admit the call before acquire() even returns. */
  g_atomic_int_set (&call->state, CALL_QUEUED);
  admission = graphbit_rate_limiter_acquire (limiter, call->started_at, on_admitted,
                                             graphbit_call_ref (call), &delay);
  switch (admission)
    {
    case GRAPHBIT_ADMISSION_ADMITTED:
      graphbit_call_unref (call);   /* the queue's reference was not needed */
      g_atomic_int_set (&call->state, CALL_RUNNING);
      call_after (call, delay, call_attempt);
      break;
    case GRAPHBIT_ADMISSION_QUEUED:
      break;   /* on_admitted() takes over */
    case GRAPHBIT_ADMISSION_REJECTED:
    default:
      graphbit_call_unref (call);
      g_atomic_int_set (&call->state, CALL_NEW);
      error = graphbit_error_new (GRAPHBIT_ERROR_RESOURCE_EXHAUSTED,
                                  "%s %s was refused: the client's request queue is full "
                                  "(raise max_queued, or lower the load)",
                                  call->provider_label, call->operation);
      graphbit_error_set_resource_type (error, "request_queue");
      call_finish (call, error, 0, 0);
      break;
    }
}
