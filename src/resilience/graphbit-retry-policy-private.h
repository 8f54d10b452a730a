/* graphbit-retry-policy-private.h - which failures to retry, and after how long
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint max_retries;        /* retries after the first attempt */
  gint64 base_delay_us;     /* first backoff */
  gint64 max_delay_us;      /* backoff cap */
} GraphbitRetryPolicy;

#define GRAPHBIT_RETRY_DEFAULT_MAX_RETRIES 3
#define GRAPHBIT_RETRY_DEFAULT_BASE_DELAY_US (100 * G_TIME_SPAN_MILLISECOND)
#define GRAPHBIT_RETRY_DEFAULT_MAX_DELAY_US (5 * G_TIME_SPAN_SECOND)
/* A server asking for a longer wait than this is not waited for: the call
 * fails with the delay in its details, for the caller to decide. */
#define GRAPHBIT_RETRY_MAX_SERVER_DELAY_US (120 * G_TIME_SPAN_SECOND)

/* What one failed attempt looked like. */
typedef struct
{
  const GError *error;           /* mapped: GRAPHBIT_ERROR or G_IO_ERROR_CANCELLED */
  guint status;                  /* HTTP status, 0 if none arrived */
  SoupMessageHeaders *headers;   /* response headers, or NULL */
  const char *body;              /* error body, or NULL */
  gboolean response_started;     /* a response byte arrived (or a chunk was delivered) */
  gboolean loading;              /* the provider is loading the model: not a failure of it */
  gint64 loading_delay_us;       /* when loading: how long it said that takes, or 0 */
} GraphbitAttemptFailure;

/* Whether the failure may be retried: never cancellations or client
 * errors (400, 401, 403, 404, 422, insufficient quota, spend limits);
 * 408, 409, 429, 5xx and 529 unless the server says x-should-retry: false;
 * timeouts; network failures only when no response byte had arrived.
 * x-should-retry: true makes any status retryable. */
gboolean graphbit_retry_policy_is_retryable (const GraphbitAttemptFailure *failure);

/* The delay the server asked for (retry-after-ms, Retry-After in seconds
 * or as an HTTP date, OpenAI's x-ratelimit-reset-* durations, Anthropic's
 * anthropic-ratelimit-*-reset times), in microseconds, or -1. @now_real is
 * the wall clock in microseconds (g_get_real_time()), for absolute times. */
gint64   graphbit_retry_server_delay (SoupMessageHeaders *headers,
                                      gint64              now_real);

/* Exponential backoff for retry @retry (0 for the first retry): base·2^n,
 * capped, with up to 25 % taken off at random (@random01 in [0, 1)) so
 * clients that failed together do not retry together. */
gint64   graphbit_retry_backoff      (const GraphbitRetryPolicy *policy,
                                      guint                      retry,
                                      gdouble                    random01);

/* Go-style duration ("6m0s", "1.5s", "120ms", "3ms", "1h2m") in
 * microseconds, or -1. */
gint64   graphbit_retry_parse_go_duration (const char *text);

G_END_DECLS
