/* graphbit-retry-policy.c - which failures to retry, and after how long
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rules follow the providers' own SDKs (shared/reference/
 * wire-protocols.md §2.5 and §4.4): obey x-should-retry when present;
 * otherwise retry timeouts, conflicts, rate limits and server errors, but
 * never a client error (it would fail again) nor a billing problem
 * (insufficient_quota, spend limits), and never a network failure after
 * the response started (the request may have been processed).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "graphbit-retry-policy-private.h"
#include "graphbit-error.h"

static gboolean
body_names_billing_problem (const char *body)
{
  /* OpenAI: insufficient_quota; Anthropic: enforced_spend_limit_reached. */
  return body != NULL
      && (strstr (body, "insufficient_quota") != NULL || strstr (body, "enforced_spend_limit_reached") != NULL);
}

gboolean
graphbit_retry_policy_is_retryable (const GraphbitAttemptFailure *failure)
{
  const GError *error = failure->error;
  const char *should_retry;

  if (error == NULL || error->domain != GRAPHBIT_ERROR)
    return FALSE;   /* cancelled, or not ours */

  if (failure->status != 0)
    {
      should_retry = failure->headers != NULL
                   ? soup_message_headers_get_one (failure->headers, "x-should-retry") : NULL;
      if (should_retry != NULL && g_ascii_strcasecmp (should_retry, "true") == 0)
        return TRUE;
      if (should_retry != NULL && g_ascii_strcasecmp (should_retry, "false") == 0)
        return FALSE;
      if (failure->status == 429 && body_names_billing_problem (failure->body))
        return FALSE;
      return failure->status == 408 || failure->status == 409 || failure->status == 429
          || failure->status >= 500;
    }

  switch ((GraphbitError) error->code)
    {
    case GRAPHBIT_ERROR_TIMEOUT:
      return TRUE;
    case GRAPHBIT_ERROR_NETWORK:
      return !failure->response_started;
    case GRAPHBIT_ERROR_RATE_LIMIT:
      /* An overload reported inside a stream before any text arrived. */
      return !failure->response_started;
    case GRAPHBIT_ERROR_CONFIGURATION:
    case GRAPHBIT_ERROR_VALIDATION:
    case GRAPHBIT_ERROR_AUTHENTICATION:
    case GRAPHBIT_ERROR_RESOURCE_EXHAUSTED:
    case GRAPHBIT_ERROR_PROVIDER:
    case GRAPHBIT_ERROR_CIRCUIT_OPEN:
    case GRAPHBIT_ERROR_WORKFLOW:
    case GRAPHBIT_ERROR_RUNTIME:
    default:
      return FALSE;
    }
}

gint64
graphbit_retry_parse_go_duration (const char *text)
{
  gdouble total_us = 0;
  const char *p = text;

  if (text == NULL || *text == '\0')
    return -1;
  while (*p != '\0')
    {
      char *end = NULL;
      gdouble value = g_ascii_strtod (p, &end);
      gdouble unit_us;

      if (end == p || value < 0)
        return -1;
      p = end;
      if (g_str_has_prefix (p, "ms"))
        unit_us = 1e3, p += 2;
      else if (g_str_has_prefix (p, "us") || g_str_has_prefix (p, "µs"))
        unit_us = 1, p += g_str_has_prefix (p, "us") ? 2 : strlen ("µs");
      else if (g_str_has_prefix (p, "ns"))
        unit_us = 1e-3, p += 2;
      else if (*p == 'h')
        unit_us = 3600e6, p += 1;
      else if (*p == 'm')
        unit_us = 60e6, p += 1;
      else if (*p == 's')
        unit_us = 1e6, p += 1;
      else
        return -1;
      total_us += value * unit_us;
    }
  return (gint64) ceil (total_us);
}

static gint64
seconds_header (SoupMessageHeaders *headers,
                const char         *name,
                gdouble             scale_us)
{
  const char *value = soup_message_headers_get_one (headers, name);
  char *end = NULL;
  gdouble number;

  if (value == NULL)
    return -1;
  number = g_ascii_strtod (value, &end);
  if (end == value || number < 0 || isnan (number))
    return -1;
  return (gint64) ceil (number * scale_us);
}

/* An absolute time: an HTTP date or an RFC 3339 timestamp. */
static gint64
time_until (const char *value,
            gint64      now_real)
{
  g_autoptr(GDateTime) when = NULL;

  if (value == NULL)
    return -1;
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    when = g_date_time_new_from_iso8601 (value, NULL);
  if (when == NULL)
    return -1;
  return MAX (0, g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when) - now_real);
}

gint64
graphbit_retry_server_delay (SoupMessageHeaders *headers,
                             gint64              now_real)
{
  static const char * const openai_resets[] = { "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens" };
  static const char * const anthropic_resets[] = {
    "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset",
    "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-output-tokens-reset",
  };
  const char *retry_after;
  gint64 delay;

  if (headers == NULL)
    return -1;

  /* The most precise statement wins: milliseconds, then Retry-After. */
  if ((delay = seconds_header (headers, "retry-after-ms", 1e3)) >= 0)
    return delay;
  if ((delay = seconds_header (headers, "Retry-After", 1e6)) >= 0)
    return delay;
  retry_after = soup_message_headers_get_one (headers, "Retry-After");
  if ((delay = time_until (retry_after, now_real)) >= 0)
    return delay;

  /* Otherwise the rate-limit reset headers of an exhausted limit: the
   * latest of them is when a retry can succeed. */
  delay = -1;
  for (guint i = 0; i < G_N_ELEMENTS (openai_resets); i++)
    delay = MAX (delay, graphbit_retry_parse_go_duration (soup_message_headers_get_one (headers, openai_resets[i])));
  for (guint i = 0; i < G_N_ELEMENTS (anthropic_resets); i++)
    delay = MAX (delay, time_until (soup_message_headers_get_one (headers, anthropic_resets[i]), now_real));
  return delay;
}

gint64
graphbit_retry_backoff (const GraphbitRetryPolicy *policy,
                        guint                      retry,
                        gdouble                    random01)
{
  gdouble delay = (gdouble) policy->base_delay_us * pow (2.0, MIN (retry, 40));

  delay = MIN (delay, (gdouble) policy->max_delay_us);
  return (gint64) (delay * (1.0 - 0.25 * CLAMP (random01, 0.0, 1.0)));
}
