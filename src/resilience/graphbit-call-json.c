/* graphbit-call-json.c - one attempt of a call: a JSON request, a whole JSON answer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What every non-streamed provider request does with its answer, whatever
 * the client: an error status becomes the provider's typed error (its own
 * message from the body), a 2xx answer that is not JSON is a provider
 * error (usually a wrong base URL), and a JSON answer goes to the reader's
 * parser. A provider that says it is still loading the model is reported
 * as such, so the call waits for it instead of counting a failure.
 */

#include "config.h"

#include "graphbit-call-private.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"

typedef struct
{
  GraphbitCall *call;
  GraphbitCallReader *reader;   /* lives as long as the call's data */
} Attempt;

/* Worker thread: the attempt's HTTP exchange is over. */
static void
on_attempt_done (SoupMessage *msg,
                 GBytes      *body,
                 GError      *error,
                 gpointer     user_data)
{
  g_autofree Attempt *attempt = user_data;
  g_autoptr(GraphbitCall) call = attempt->call;
  GraphbitCallReader *reader = attempt->reader;
  const GraphbitHttpOptions *options = &reader->options;
  guint status = soup_message_get_status (msg);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *kept_body = NULL;
  GraphbitAttemptFailure failure = { 0 };
  guint prompt_tokens = 0, completion_tokens = 0;
  const char *data = NULL;
  gsize len = 0;

  if (reader->debug)
    graphbit_log_message (GRAPHBIT_LOG_DEBUG, "%s %s: %s %s -> %u (attempt %u)",
                          options->provider, options->operation,
                          soup_message_get_method (msg), g_uri_get_path (soup_message_get_uri (msg)),
                          status, graphbit_call_get_attempt (call));

  if (error == NULL)
    {
      data = g_bytes_get_data (body, &len);
      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          g_autofree char *message = reader->error_message (data, len);
          gdouble loading = reader->loading_time != NULL ? reader->loading_time (status, data, len) : -1;

          local_error = graphbit_http_error_from_status (msg, body, options, options->provider_label, message);
          kept_body = g_strndup (data, len);
          if (loading >= 0)
            {
              failure.loading = TRUE;
              /* A day is long enough for any estimate, and keeps the product in range. */
              failure.loading_delay_us = (gint64) (MIN (loading, 86400.0) * G_USEC_PER_SEC);
              graphbit_error_set_retry (local_error, 0, loading);
            }
        }
      else if (!graphbit_http_is_json (msg))
        {
          const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

          local_error = graphbit_error_new (GRAPHBIT_ERROR_PROVIDER,
                                            "%s %s: expected a JSON response but got content type '%s'; "
                                            "is the base URL an %s-compatible API?",
                                            options->provider_label, options->operation,
                                            type != NULL ? type : "(none)", options->provider_label);
          graphbit_error_set_http (local_error, status, NULL);
        }
      else if (reader->parse (data, len, reader->user_data, &prompt_tokens, &completion_tokens, &local_error))
        {
          graphbit_call_attempt_succeeded (call, prompt_tokens, completion_tokens);
          return;
        }
      else
        graphbit_error_set_http (local_error, status, NULL);
    }

  failure.error = error != NULL ? error : local_error;
  failure.status = error != NULL ? 0 : status;
  failure.headers = soup_message_get_response_headers (msg);
  failure.body = kept_body;
  /* Any status means the response started: never re-send then on a
   * transport failure. */
  failure.response_started = status != 0;
  graphbit_call_attempt_failed (call, &failure);
}

void
graphbit_call_send_json (GraphbitCall       *call,
                         SoupMessage        *msg,
                         GError             *build_error,
                         GraphbitCallReader *reader,
                         guint               timeout_ms)
{
  Attempt *attempt;

  if (msg == NULL)
    {
      GraphbitAttemptFailure failure = { 0 };

      failure.error = build_error;
      graphbit_call_attempt_failed (call, &failure);
      g_error_free (build_error);
      return;
    }

  attempt = g_new (Attempt, 1);
  attempt->call = graphbit_call_ref (call);
  attempt->reader = reader;
  reader->options.timeout_ms = timeout_ms;
  if (graphbit_call_is_blocking_here (call))
    graphbit_http_send_blocking (msg, &reader->options, graphbit_call_get_cancellable (call), on_attempt_done, attempt);
  else
    {
      GraphbitHttpOptions options = reader->options;

      /* An attempt started elsewhere (a slot released by another thread's
       * call) goes to the workers, not to that thread's loop. */
      options.threads_only |= !graphbit_call_may_use_caller_loop (call);
      graphbit_http_send (msg, &options, graphbit_call_get_cancellable (call), on_attempt_done, attempt);
    }
}
