/* graphbit-http-private.h - sending one HTTP exchange on a runtime worker
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  const char *operation;  /* "complete", "embed", ...; static strings */
  const char *provider;   /* "openai", ...; static strings */
  const char *provider_label; /* "OpenAI", ...: in messages */
  guint timeout_ms;       /* per attempt, total time; 0 = none */
  gboolean threads_only;  /* never on a caller's loop: answers that may be
                           * megabytes (embeddings), calls from elsewhere */
} GraphbitHttpOptions;

/* One HTTP exchange bound to a runtime worker: the message, a private
 * cancellable that only the worker cancels (tracked there, so a shutdown
 * aborts the exchange), the bridge from the caller's GCancellable, and a
 * timer. Reference-counted; the worker-side functions must run on the
 * exchange's worker. */
typedef struct _GraphbitHttpExchange GraphbitHttpExchange;

typedef void (*GraphbitHttpExchangeFunc) (GraphbitHttpExchange *exchange,
                                          gpointer              data);

/* Any thread. Acquires a worker (the exchange counts as one operation in
 * flight there until graphbit_http_exchange_end()). Consumes @msg. */
GraphbitHttpExchange *graphbit_http_exchange_new      (SoupMessage               *msg,
                                                       const GraphbitHttpOptions *options,
                                                       GError                   **error);
GraphbitHttpExchange *graphbit_http_exchange_ref      (GraphbitHttpExchange      *exchange);
void                  graphbit_http_exchange_unref    (GraphbitHttpExchange      *exchange);
SoupMessage          *graphbit_http_exchange_get_message (GraphbitHttpExchange   *exchange);
const GraphbitHttpOptions *graphbit_http_exchange_get_options (GraphbitHttpExchange *exchange);
gint64                graphbit_http_exchange_get_started_at (GraphbitHttpExchange *exchange);
/* The thread whose own main loop runs the exchange, or NULL when a worker
 * thread does (see graphbit_runtime_set_use_caller_loops()). */
GThread              *graphbit_http_exchange_get_loop_thread (GraphbitHttpExchange *exchange);
/* Any thread: runs @func on the exchange's worker. */
void                  graphbit_http_exchange_invoke   (GraphbitHttpExchange      *exchange,
                                                       GraphbitHttpExchangeFunc   func,
                                                       gpointer                   data,
                                                       GDestroyNotify             destroy);
/* Any thread: until disconnected, cancelling @cancellable aborts the
 * exchange (on its worker). Returns a handler id for _disconnect (0 if
 * @cancellable is NULL or was already cancelled, which aborts at once). */
gulong                graphbit_http_exchange_connect_cancellable    (GraphbitHttpExchange *exchange,
                                                                     GCancellable         *cancellable);
void                  graphbit_http_exchange_disconnect_cancellable (GraphbitHttpExchange *exchange,
                                                                     GCancellable         *cancellable,
                                                                     gulong                handler);
/* Any thread: aborts the exchange (its I/O fails with G_IO_ERROR_CANCELLED). */
void                  graphbit_http_exchange_abort    (GraphbitHttpExchange      *exchange);

/* Worker thread. begin() starts tracking; it fails (G_IO_ERROR_CANCELLED)
 * if the exchange was aborted or the runtime is shutting down. */
gboolean              graphbit_http_exchange_begin    (GraphbitHttpExchange      *exchange,
                                                       GError                   **error);
SoupSession          *graphbit_http_exchange_get_session     (GraphbitHttpExchange *exchange);
GCancellable         *graphbit_http_exchange_get_cancellable (GraphbitHttpExchange *exchange);
/* (Re)starts the timer: if it fires before the next arm/disarm, the
 * exchange is aborted and reported as a timeout. */
void                  graphbit_http_exchange_arm_timeout    (GraphbitHttpExchange *exchange);
void                  graphbit_http_exchange_disarm_timeout (GraphbitHttpExchange *exchange);
/* Turns a failure of the exchange's I/O into the error to report: a
 * timeout, a shutdown cancellation, or a transport error. */
GError               *graphbit_http_exchange_map_error (GraphbitHttpExchange     *exchange,
                                                        const GError             *error);
/* Stops tracking, disarms the timer and ends the operation on the
 * worker. Idempotent. */
void                  graphbit_http_exchange_end      (GraphbitHttpExchange      *exchange);

/* Called exactly once, on the worker thread (or, if no worker could be
 * had, in the thread that called graphbit_http_send()). On success @error
 * is NULL and @body holds the whole response body, whatever the status;
 * otherwise @error is G_IO_ERROR_CANCELLED (cancelled or shut down) or a
 * GRAPHBIT_ERROR_NETWORK / _TIMEOUT error, lent for the call (copy it to
 * keep it). */
typedef void (*GraphbitHttpDoneFunc) (SoupMessage *msg,
                                      GBytes      *body,
                                      GError      *error,
                                      gpointer     user_data);

/* Sends @msg (consumed) on a runtime worker's session. @cancellable may
 * be cancelled from any thread; the exchange is aborted on the worker. */
void     graphbit_http_send                (SoupMessage               *msg,
                                            const GraphbitHttpOptions *options,
                                            GCancellable              *cancellable,
                                            GraphbitHttpDoneFunc       done,
                                            gpointer                   user_data);

/* The largest response body graphbit_http_send() reads (a power of two;
 * 0 restores the default, 256 MiB). Larger ones fail with
 * GRAPHBIT_ERROR_RESOURCE_EXHAUSTED, resource type "response_body". Set it
 * before any request; for tests. */
void     graphbit_http_set_max_body_size   (gsize                      size);

/* Where a whole response body is read to: a memory output stream that
 * refuses to grow past the limit (writing more fails with
 * G_IO_ERROR_NO_SPACE). */
GOutputStream *graphbit_http_new_body_sink (void);
/* Whether a body of the declared Content-Length (<= 0: none) may be read. */
gboolean graphbit_http_body_size_allowed   (goffset                    declared);
/* GRAPHBIT_ERROR_RESOURCE_EXHAUSTED for a body over the limit (@size: the
 * declared length, or 0 when it only turned out too long). */
GError  *graphbit_http_body_too_large      (const GraphbitHttpOptions *options,
                                            goffset                    size);

/* Sends @msg (consumed) with libsoup's blocking API in the calling thread
 * (no worker hand-over) and reads the whole body, under the per-attempt
 * timeout and the body limit; calls @done in this thread before it
 * returns. Same contract as graphbit_http_send() otherwise. For a thread
 * that waits for the answer anyway: never a graphbit worker. */
void     graphbit_http_send_blocking       (SoupMessage               *msg,
                                            const GraphbitHttpOptions *options,
                                            GCancellable              *cancellable,
                                            GraphbitHttpDoneFunc       done,
                                            gpointer                   user_data);

/* Creates a POST with a JSON body in one buffer, marked idempotent so the
 * connection pool reuses kept-alive connections (libsoup opens a new
 * connection for every non-idempotent request otherwise). */
SoupMessage *graphbit_http_new_json_post   (const char                *url,
                                            const char                *json,
                                            gsize                      json_len,
                                            GError                   **error);

/* Sets "Authorization: Bearer @key" (nothing if @key is NULL), leaving
 * no copy of the key behind. */
void     graphbit_http_set_bearer          (SoupMessage               *msg,
                                            const char                *key);

/* Creates a GET of @base_url followed by @path. */
SoupMessage *graphbit_http_new_get         (const char                *base_url,
                                            const char                *path,
                                            GError                   **error);

/* Maps a GIO/libsoup/TLS transport failure to G_IO_ERROR_CANCELLED or
 * GRAPHBIT_ERROR_NETWORK with a message naming the provider and the URL. */
GError  *graphbit_http_error_from_transport (const GError             *error,
                                             const GraphbitHttpOptions *options,
                                             GUri                     *uri);

/* What ended an exchange that failed. */
typedef enum {
  GRAPHBIT_HTTP_FAILURE_TRANSPORT,   /* its I/O failed, or the caller cancelled it */
  GRAPHBIT_HTTP_FAILURE_TIMED_OUT,   /* the per-attempt timeout passed */
  GRAPHBIT_HTTP_FAILURE_SHUT_DOWN,   /* graphbit_shutdown() */
} GraphbitHttpFailureCause;

/* The error to report for a failed exchange: a per-attempt timeout
 * (GRAPHBIT_ERROR_TIMEOUT), a cancellation (by the caller or a shutdown),
 * or graphbit_http_error_from_transport() of @error. */
GError  *graphbit_http_error_from_failure  (const GError              *error,
                                            GraphbitHttpFailureCause   cause,
                                            const GraphbitHttpOptions *options,
                                            GUri                      *uri,
                                            gint64                     started_at);

/* Maps an HTTP error status to the graphbit error code for it
 * (AUTHENTICATION, RATE_LIMIT or PROVIDER) and fills the details: status,
 * body, provider, operation, retry-after. @provider_message is the
 * provider's own explanation taken from the body, if any. */
GError  *graphbit_http_error_from_status   (SoupMessage               *msg,
                                            GBytes                    *body,
                                            const GraphbitHttpOptions *options,
                                            const char                *provider_label,
                                            const char                *provider_message);

/* Seconds from Retry-After / retry-after-ms, or a negative number. */
gdouble  graphbit_http_parse_retry_after   (SoupMessageHeaders        *headers);

/* Whether the response declares a JSON body (application/json or +json). */
gboolean graphbit_http_is_json             (SoupMessage               *msg);

G_END_DECLS
