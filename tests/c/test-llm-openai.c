/* test-llm-openai.c - the OpenAI codec and the client end to end against the mock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <glib-unix.h>

#include "graphbit.h"
#include "graphbit-llm-codec-private.h"
#include "graphbit-http-private.h"
#include "mock-server.h"

static MockServer *mock;

static GraphbitLlmClient *
new_client (void)
{
  g_autofree char *base = g_strconcat (mock->url, "/v1", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = graphbit_llm_config_openai ("sk-test-secret", "gpt-4o-mini", base, &error);
  GraphbitLlmClient *client;

  g_assert_no_error (error);
  client = graphbit_llm_client_new (config);
  /* These tests look at one attempt's outcome; retries are tested apart. */
  g_assert_true (graphbit_llm_client_set_retry_policy (client, 0, 0.1, 5, NULL));
  g_assert_true (graphbit_llm_client_set_circuit_breaker (client, 0, 60, NULL));
  return client;
}

/* Waits (bounded) until the mock has seen @count provider requests. */
static void
wait_for_mock_requests (gint64 count)
{
  for (guint i = 0; i < 2500 && mock_server_stat (mock, "requests") < count; i++)
    g_usleep (2000);
  g_assert_cmpint (mock_server_stat (mock, "requests"), >=, count);
}

static JsonObject *
last_request (JsonNode **owner)
{
  g_autoptr(JsonNode) stats = mock_server_stats (mock);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *body = json_object_get_string_member (json_node_get_object (stats), "last_request");

  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  *owner = json_node_ref (json_parser_get_root (parser));
  return json_node_get_object (*owner);
}

static void
test_codec_parses_recorded_completion (void)
{
  gsize len;
  g_autofree char *data = mock_fixture_read ("openai/chat_completion_text.json", &len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmResponse) response = graphbit_openai_codec.parse_response (data, len, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (graphbit_llm_response_get_content (response), "I'm unable to provide real-time"));
  g_assert_cmpstr (graphbit_llm_response_get_finish_reason (response), ==, "stop");
  g_assert_cmpstr (graphbit_llm_response_get_model (response), ==, "gpt-4o-2024-08-06");
  g_assert_cmpstr (graphbit_llm_response_get_id (response), ==, "chatcmpl-ABfvaueLEMLNYbT8YzpJxsmiQ6HSY");
  g_assert_cmpuint (graphbit_llm_response_get_prompt_tokens (response), ==, 14);
  g_assert_cmpuint (graphbit_llm_response_get_completion_tokens (response), ==, 37);
  g_assert_cmpuint (graphbit_llm_response_get_total_tokens (response), ==, 51);
}

static void
test_codec_parses_length_and_tool_calls (void)
{
  gsize len;
  g_autofree char *length = mock_fixture_read ("openai/chat_completion_length_usage_details.json", &len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmResponse) response = graphbit_openai_codec.parse_response (length, len, &error);
  g_autofree char *tools = NULL;
  g_autoptr(GraphbitLlmResponse) tool_response = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_llm_response_get_content (response), ==, "");
  g_assert_cmpstr (graphbit_llm_response_get_finish_reason (response), ==, "length");
  g_assert_cmpuint (graphbit_llm_response_get_completion_tokens (response), ==, 16);

  tools = mock_fixture_read ("openai/chat_completion_tool_calls.json", &len);
  tool_response = graphbit_openai_codec.parse_response (tools, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_llm_response_get_content (tool_response), ==, "");
  g_assert_cmpstr (graphbit_llm_response_get_finish_reason (tool_response), ==, "tool_calls");
}

static void
test_codec_rejects_garbage (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmResponse) response = graphbit_openai_codec.parse_response ("{\"choices\": []}", 15, &error);

  g_assert_null (response);
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  g_clear_error (&error);
  g_assert_null (graphbit_openai_codec.parse_response ("<html>", 6, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
}

static void
test_codec_error_messages (void)
{
  gsize len;
  g_autofree char *data = mock_fixture_read ("openai/error_401_invalid_api_key.json", &len);
  g_autofree char *message = graphbit_openai_codec.error_message (data, len);

  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, "Incorrect API key provided"));
  g_assert_nonnull (strstr (message, "(code: invalid_api_key)"));
  g_assert_null (graphbit_openai_codec.error_message ("not json", 8));
}

static void
test_complete_blocking (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("hi");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) owner = NULL;
  g_autofree char *text = NULL;
  JsonObject *sent;

  text = graphbit_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: hi");

  sent = last_request (&owner);
  g_assert_cmpstr (json_object_get_string_member (sent, "model"), ==, "gpt-4o-mini");
  g_assert_false (json_object_has_member (sent, "max_tokens"));
  g_assert_false (json_object_has_member (sent, "temperature"));
  g_assert_false (json_object_has_member (sent, "stream"));
}

static void
test_options_sent_unchanged (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("hello there");
  g_autoptr(GraphbitLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) owner = NULL;
  JsonObject *sent, *message;

  graphbit_llm_request_set_max_tokens (request, 100);
  graphbit_llm_request_set_temperature (request, 1.7);
  response = graphbit_llm_client_complete_full (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_llm_response_get_finish_reason (response), ==, "stop");
  g_assert_cmpuint (graphbit_llm_response_get_prompt_tokens (response), ==, 2);

  sent = last_request (&owner);
  /* A compatible (non-OpenAI) host gets max_tokens; the temperature is not clamped. */
  g_assert_cmpint (json_object_get_int_member (sent, "max_tokens"), ==, 100);
  g_assert_cmpfloat (json_object_get_double_member (sent, "temperature"), ==, 1.7);
  message = json_array_get_object_element (json_object_get_array_member (sent, "messages"), 0);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, "hello there");
}

static void
on_complete (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GAsyncResult **out = data;

  /* Delivered in the caller's thread-default context, as GIO does. */
  g_assert_true (g_main_context_is_owner (g_main_context_get_thread_default ()));
  *out = g_object_ref (result);
}

static GAsyncResult *
run_async (GraphbitLlmClient  *client,
           GraphbitLlmRequest *request,
           GCancellable       *cancellable)
{
  GAsyncResult *result = NULL;

  graphbit_llm_client_complete_async (client, request, cancellable, on_complete, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

static void
test_complete_async (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("async please");
  g_autoptr(GAsyncResult) result = run_async (client, request, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_client_complete_finish (client, result, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: async please");
}

static void
test_validation_before_sending (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) empty = graphbit_llm_request_new ("   ");
  g_autoptr(GraphbitLlmRequest) hot = graphbit_llm_request_new ("x");
  g_autoptr(GraphbitLlmRequest) long_answer = graphbit_llm_request_new ("x");
  g_autoptr(GError) error = NULL;
  gint64 before = mock_server_stat (mock, "requests");

  g_assert_null (graphbit_llm_client_complete (client, empty, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_clear_error (&error);

  graphbit_llm_request_set_temperature (hot, 2.5);
  g_assert_null (graphbit_llm_client_complete (client, hot, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_cmpstr (graphbit_error_details_get_field (graphbit_error_get_details (error)), ==, "temperature");
  g_clear_error (&error);

  graphbit_llm_request_set_max_tokens (long_answer, 100001);
  g_assert_null (graphbit_llm_client_complete (client, long_answer, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_cmpstr (graphbit_error_details_get_value (graphbit_error_get_details (error)), ==, "100001");

  /* Nothing reached the provider. */
  g_assert_cmpint (mock_server_stat (mock, "requests"), ==, before);
}

typedef struct
{
  GraphbitError code;
  const char *prompt;
  guint status;
  const char *message_part;
} StatusCase;

static void
test_status_errors_are_typed (void)
{
  const StatusCase cases[] = {
    { GRAPHBIT_ERROR_AUTHENTICATION, "x mock:status=401", 401, "Mock error with status 401" },
    { GRAPHBIT_ERROR_AUTHENTICATION, "x mock:status=403", 403, "HTTP 403" },
    { GRAPHBIT_ERROR_RATE_LIMIT, "x mock:status=429 mock:retry_after=2", 429, "rate_limit_exceeded" },
    { GRAPHBIT_ERROR_PROVIDER, "x mock:status=500", 500, "HTTP 500" },
    { GRAPHBIT_ERROR_PROVIDER, "x mock:status=404 mock:fixture=openai/error_404_model_not_found.json", 404,
      "does not exist" },
  };
  g_autoptr(GraphbitLlmClient) client = new_client ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (cases[i].prompt);
      g_autoptr(GError) error = NULL;
      const GraphbitErrorDetails *details;

      g_assert_null (graphbit_llm_client_complete (client, request, NULL, &error));
      g_assert_error (error, GRAPHBIT_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
      g_assert_true (g_str_has_prefix (error->message, "OpenAI complete failed with HTTP"));
      details = graphbit_error_get_details (error);
      g_assert_cmpuint (graphbit_error_details_get_status_code (details), ==, cases[i].status);
      g_assert_cmpstr (graphbit_error_details_get_provider (details), ==, "openai");
      g_assert_cmpstr (graphbit_error_details_get_operation (details), ==, "complete");
      g_assert_nonnull (graphbit_error_details_get_body (details));
      if (cases[i].code == GRAPHBIT_ERROR_RATE_LIMIT)
        g_assert_cmpfloat (graphbit_error_details_get_retry_after (details), ==, 2.0);
      /* The key never appears in an error. */
      g_assert_null (strstr (error->message, "sk-test-secret"));
    }
}

static void
test_connection_refused_is_network_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = graphbit_llm_config_openai ("k", NULL, "http://127.0.0.1:1/v1", &error);
  g_autoptr(GraphbitLlmClient) client = graphbit_llm_client_new (config);
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("x");

  g_assert_null (graphbit_llm_client_complete (client, request, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "refused"));
}

static void
test_cancellation_aborts_the_exchange (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("wait mock:delay_ms=30000");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  gint64 requests = mock_server_stat (mock, "requests");
  gint64 disconnected = mock_server_stat (mock, "disconnected_early");

  graphbit_llm_client_complete_async (client, request, cancellable, on_complete, &result);
  wait_for_mock_requests (requests + 1);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (graphbit_llm_client_complete_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (result);

  /* The mock sees the connection go away before its reply. */
  for (guint i = 0; i < 2500 && mock_server_stat (mock, "disconnected_early") == disconnected; i++)
    g_usleep (2000);
  g_assert_cmpint (mock_server_stat (mock, "disconnected_early"), ==, disconnected + 1);
}

static void
test_attempt_timeout (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("slow mock:delay_ms=20000");
  g_autoptr(GError) error = NULL;

  graphbit_llm_client_set_attempt_timeout_ms (client, 150);
  g_assert_null (graphbit_llm_client_complete (client, request, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "150 ms"));
}

static void
test_connections_are_reused (void)
{
  g_autoptr(GraphbitLlmClient) client = NULL;
  gint64 before;

  /* One worker, so every request goes through the same session. */
  graphbit_shutdown ();
  graphbit_configure_runtime (1, 0, 0, NULL);
  client = new_client ();
  before = mock_server_stat (mock, "connections_total");

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("again");
      g_autoptr(GError) error = NULL;
      g_autofree char *text = graphbit_llm_client_complete (client, request, NULL, &error);

      g_assert_no_error (error);
    }
  /* Keep-alive: 8 POSTs, one new connection (the stats query adds its own). */
  g_assert_cmpint (mock_server_stat (mock, "connections_total") - before, <=, 2);

  graphbit_shutdown ();
  graphbit_configure_runtime (0, 0, 0, NULL);
}

static gpointer
shutdown_when_seen (gpointer data)
{
  wait_for_mock_requests (GPOINTER_TO_INT (data));
  graphbit_shutdown ();
  return NULL;
}

static void
test_shutdown_cancels_in_flight (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("wait mock:delay_ms=30000");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 requests = mock_server_stat (mock, "requests");
  GThread *stopper = g_thread_new ("stopper", shutdown_when_seen, GINT_TO_POINTER (requests + 1));

  /* A blocking call in flight is answered with a cancellation. */
  text = graphbit_llm_client_complete (client, request, NULL, &error);
  g_thread_join (stopper);
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "shut down"));
  g_clear_error (&error);

  /* The library starts again on the next use. */
  g_clear_pointer (&text, g_free);
  g_object_unref (request);
  request = graphbit_llm_request_new ("after");
  text = graphbit_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: after");
}

typedef struct
{
  GCancellable *cancellable;
  gint64 requests;
  int fd;              /* with fd >= 0: writes bytes there instead of cancelling */
} CancelWhenSeen;

static gpointer
cancel_when_seen (gpointer data)
{
  CancelWhenSeen *cancel = data;

  wait_for_mock_requests (cancel->requests);
  if (cancel->fd < 0)
    g_cancellable_cancel (cancel->cancellable);
  else
    {
      /* Another signal's number first: it must not cancel. */
      const char bytes[] = { SIGCHLD, SIGINT };

      g_assert_cmpint (write (cancel->fd, bytes, sizeof bytes), ==, sizeof bytes);
    }
  return NULL;
}

/* A blocking call does its exchange in the calling thread; cancelling it
 * from another thread (or by an interrupt) aborts the exchange there. */
static void
test_blocking_call_cancelled_from_another_thread (gconstpointer data)
{
  gboolean by_interrupt = GPOINTER_TO_INT (data);
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("wait mock:delay_ms=30000");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 disconnected = mock_server_stat (mock, "disconnected_early");
  CancelWhenSeen cancel = { cancellable, mock_server_stat (mock, "requests") + 1, -1 };
  int fds[2] = { -1, -1 };
  GThread *canceller;

  if (by_interrupt)
    {
      g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
      g_assert_true (g_unix_set_fd_nonblocking (fds[0], TRUE, NULL));
      graphbit_set_interrupt_fd (fds[0]);
      graphbit_add_interruptible (cancellable);
      cancel.fd = fds[1];
    }
  canceller = g_thread_new ("canceller", cancel_when_seen, &cancel);
  g_assert_null (graphbit_llm_client_complete (client, request, cancellable, &error));
  g_thread_join (canceller);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_cancellable_is_cancelled (cancellable));

  /* The mock sees the connection go away before its reply (at least:
   * a body the previous test refused may be counted late too). */
  for (guint i = 0; i < 2500 && mock_server_stat (mock, "disconnected_early") == disconnected; i++)
    g_usleep (2000);
  g_assert_cmpint (mock_server_stat (mock, "disconnected_early"), >=, disconnected + 1);

  if (by_interrupt)
    {
      graphbit_remove_interruptible (cancellable);
      graphbit_set_interrupt_fd (-1);
      close (fds[0]);
      close (fds[1]);
    }
}

typedef struct
{
  GraphbitLlmClient *client;
  guint index;
  guint failures;
} BlockingLane;

static gpointer
run_blocking_lane (gpointer data)
{
  BlockingLane *lane = data;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("lane %u call %u", lane->index, i);
      g_autofree char *expected = g_strconcat ("Mock reply to: ", prompt, NULL);
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = graphbit_llm_client_complete (lane->client, request, NULL, &error);

      if (error != NULL || g_strcmp0 (text, expected) != 0)
        lane->failures++;
    }
  return NULL;
}

/* Threads making blocking calls at once share the blocking session: each
 * gets its own answer. */
static void
test_blocking_calls_from_many_threads (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  BlockingLane lanes[6];
  GThread *threads[G_N_ELEMENTS (lanes)];
  gint64 requests = mock_server_stat (mock, "requests");

  for (guint i = 0; i < G_N_ELEMENTS (lanes); i++)
    {
      lanes[i] = (BlockingLane) { client, i, 0 };
      threads[i] = g_thread_new ("lane", run_blocking_lane, &lanes[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (lanes); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (lanes[i].failures, ==, 0);
    }
  g_assert_cmpint (mock_server_stat (mock, "requests") - requests, ==, 25 * G_N_ELEMENTS (lanes));
}

/* A thread running its own loop, with its context attached: answers,
 * cancellation, a blocking call from it, detaching, and a shutdown from
 * the thread itself or from another one. */
typedef struct
{
  GraphbitLlmClient *client;
  gboolean shutdown_here;    /* else another thread shuts the runtime down */
  guint answered;
  guint cancelled;
  guint failed;
  guint pending;
} AttachedRun;

static void
on_attached_complete (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  AttachedRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_client_complete_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);

  if (text != NULL && g_str_has_prefix (text, "Mock reply to: attached "))
    run->answered++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    run->cancelled++;
  else
    run->failed++;
  run->pending--;
}

static gpointer
run_attached (gpointer data)
{
  AttachedRun *run = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainContext) other = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmRequest) slow = graphbit_llm_request_new ("attached wait mock:delay_ms=30000");
  g_autoptr(GraphbitLlmRequest) quick = graphbit_llm_request_new ("attached quick");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *text = NULL;
  gint64 requests;

  g_main_context_push_thread_default (context);
  g_assert_true (graphbit_runtime_attach_context (context, &error));
  g_assert_no_error (error);
  g_assert_true (graphbit_runtime_attach_context (context, &error));   /* again: nothing */
  g_assert_false (graphbit_runtime_attach_context (other, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RUNTIME);
  g_clear_error (&error);

  /* Sixteen at once, each answered with its own text. */
  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("attached %u", i);
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);

      run->pending++;
      graphbit_llm_client_complete_async (run->client, request, NULL, on_attached_complete, run);
    }
  while (run->pending > 0)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (run->answered, ==, 16);

  /* A blocking call from this thread works (it runs apart). */
  text = graphbit_llm_client_complete (run->client, quick, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: attached quick");

  /* Cancelled from another thread while this one iterates. */
  requests = mock_server_stat (mock, "requests");
  run->pending++;
  graphbit_llm_client_complete_async (run->client, slow, cancellable, on_attached_complete, run);
  {
    CancelWhenSeen cancel = { cancellable, requests + 1, -1 };
    GThread *canceller = g_thread_new ("canceller", cancel_when_seen, &cancel);

    while (run->pending > 0)
      g_main_context_iteration (context, TRUE);
    g_thread_join (canceller);
  }
  g_assert_cmpuint (run->cancelled, ==, 1);

  /* In flight when the runtime shuts down: cancelled, from either side. */
  requests = mock_server_stat (mock, "requests");
  run->pending++;
  graphbit_llm_client_complete_async (run->client, slow, NULL, on_attached_complete, run);
  if (run->shutdown_here)
    {
      /* The exchange runs on this context: iterate it while waiting. */
      for (guint i = 0; i < 2500 && mock_server_stat (mock, "requests") < requests + 1; i++)
        {
          while (g_main_context_iteration (context, FALSE))
            ;
          g_usleep (2000);
        }
      g_assert_cmpint (mock_server_stat (mock, "requests"), >=, requests + 1);
      graphbit_shutdown ();
    }
  else
    {
      GThread *stopper = g_thread_new ("stopper", shutdown_when_seen, GINT_TO_POINTER (requests + 1));

      while (run->pending > 0)
        g_main_context_iteration (context, TRUE);
      g_thread_join (stopper);
    }
  while (run->pending > 0)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (run->cancelled, ==, 2);
  g_assert_cmpuint (run->failed, ==, 0);

  /* Detached by the shutdown: calls go to the workers again. */
  graphbit_runtime_detach_context ();
  run->pending++;
  graphbit_llm_client_complete_async (run->client, quick, NULL, on_attached_complete, run);
  while (run->pending > 0)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (run->answered, ==, 17);

  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_attached_context (gconstpointer data)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  AttachedRun run = { client, GPOINTER_TO_INT (data), 0, 0, 0, 0 };

  g_thread_join (g_thread_new ("attached", run_attached, &run));
}

/* Calls started from a running loop run their exchange on that loop (no
 * worker in between), a stream started just before its loop runs too; a
 * blocking next() on such a stream from the loop's own thread is refused
 * (it would wait for itself); embeddings and the opt-out stay on the
 * workers; a shutdown from another thread while the loop is idle does not
 * wait for it; the thread's exit frees what ran there. */
typedef struct
{
  GraphbitLlmClient *client;
  gboolean use_caller_loops;
  GMainLoop *loop;
  guint pending;
  guint answered;
  guint chunks;
  GString *text;
  guint32 loops_seen;        /* runtime_caller_loops, seen from a callback */
  gboolean blocking_next_refused;
  /* hand-shake with the main thread for the shutdown */
  GMutex lock;
  GCond changed;
  gboolean idle;
  gboolean shut_down;
} LoopRun;

static guint32
caller_loops (void)
{
  g_autoptr(GVariant) info = graphbit_get_system_info ();
  guint32 n = 0;

  g_assert_true (g_variant_lookup (info, "runtime_caller_loops", "u", &n));
  return n;
}

/* Runs a loop of a context of its own (pushed as the thread-default) until
 * @start, run from it first, or what it starts quits it. */
static void
run_own_loop (LoopRun     *run,
              GSourceFunc  start)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_main_context_push_thread_default (context);
  run->loop = g_main_loop_new (context, FALSE);
  g_source_set_callback (idle, start, run, NULL);
  g_source_attach (idle, context);
  g_main_loop_run (run->loop);
  g_main_loop_unref (run->loop);
  g_main_context_pop_thread_default (context);
}

static void
on_loop_complete (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  LoopRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_client_complete_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "Mock reply to: loop "));
  run->answered++;
  run->loops_seen = MAX (run->loops_seen, caller_loops ());
  if (--run->pending == 0)
    g_main_loop_quit (run->loop);
}

static gboolean
start_from_loop (gpointer data)
{
  LoopRun *run = data;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("loop %u", i);
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);

      run->pending++;
      graphbit_llm_client_complete_async (run->client, request, NULL, on_loop_complete, run);
    }
  return G_SOURCE_REMOVE;
}

static void
on_loop_chunk (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  LoopRun *run = data;
  GraphbitLlmStream *stream = GRAPHBIT_LLM_STREAM (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = graphbit_llm_stream_next_finish (stream, result, &error);

  g_assert_no_error (error);
  if (chunk == NULL)
    {
      g_main_loop_quit (run->loop);
      return;
    }
  g_string_append (run->text, chunk);
  if (run->chunks++ == 0)
    {
      g_autoptr(GError) blocking_error = NULL;
      g_autofree char *blocking_text = graphbit_llm_stream_next (stream, NULL, &blocking_error);

      /* On the loop it is refused; on a worker it simply works. */
      run->blocking_next_refused = g_error_matches (blocking_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RUNTIME);
      if (blocking_text != NULL)
        g_string_append (run->text, blocking_text);
    }
  run->loops_seen = MAX (run->loops_seen, caller_loops ());
  graphbit_llm_stream_next_async (stream, NULL, on_loop_chunk, run);
}

static gpointer
run_loop_thread (gpointer data)
{
  LoopRun *run = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("x mock:tokens=5 mock:token_delay_ms=1");
  g_autoptr(GraphbitLlmStream) stream = NULL;
  g_autoptr(GSource) idle = g_idle_source_new ();
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  run->loop = g_main_loop_new (context, FALSE);

  g_source_set_callback (idle, start_from_loop, run, NULL);
  g_source_attach (idle, context);
  g_main_loop_run (run->loop);
  g_assert_cmpuint (run->answered, ==, 8);

  /* Started before the loop runs, as C programs usually do. */
  stream = graphbit_llm_client_stream (run->client, request, &error);
  g_assert_no_error (error);
  graphbit_llm_stream_next_async (stream, NULL, on_loop_chunk, run);
  g_main_loop_run (run->loop);
  g_assert_cmpstr (run->text->str, ==, "tok1 tok2 tok3 tok4 tok5");
  g_assert_true (run->blocking_next_refused == run->use_caller_loops);

  /* Idle now: another thread shuts the runtime down meanwhile. */
  g_mutex_lock (&run->lock);
  run->idle = TRUE;
  g_cond_broadcast (&run->changed);
  while (!run->shut_down)
    g_cond_wait (&run->changed, &run->lock);
  g_mutex_unlock (&run->lock);

  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_loop_unref (run->loop);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_caller_loops (gconstpointer data)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  LoopRun run = { .client = client, .use_caller_loops = GPOINTER_TO_INT (data), .text = g_string_new (NULL) };
  guint32 before;
  GThread *thread;

  graphbit_shutdown ();   /* a clean count: other tests' loops are gone */
  before = caller_loops ();
  g_assert_cmpuint (before, ==, 0);
  graphbit_runtime_set_use_caller_loops (run.use_caller_loops);
  g_mutex_init (&run.lock);
  g_cond_init (&run.changed);
  thread = g_thread_new ("loop", run_loop_thread, &run);

  g_mutex_lock (&run.lock);
  while (!run.idle)
    g_cond_wait (&run.changed, &run.lock);
  g_mutex_unlock (&run.lock);
  /* One loop ran everything: the calls' and the stream's. */
  g_assert_cmpuint (run.loops_seen, ==, before + (run.use_caller_loops ? 1 : 0));

  /* Would wait 10 s and warn (fatal here) if it waited for the idle loop. */
  graphbit_shutdown ();
  g_mutex_lock (&run.lock);
  run.shut_down = TRUE;
  g_cond_broadcast (&run.changed);
  g_mutex_unlock (&run.lock);
  g_thread_join (thread);

  graphbit_runtime_set_use_caller_loops (TRUE);
  g_assert_cmpuint (caller_loops (), ==, 0);
  g_string_free (run.text, TRUE);
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.changed);
}

static gpointer
run_loop_and_leave (gpointer data)
{
  run_own_loop (data, start_from_loop);
  return NULL;
}

/* A thread that ran calls on its loop and leaves takes that loop's
 * graphbit state (sessions, connections) with it. */
static void
test_caller_loop_thread_exit (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  LoopRun run = { .client = client };
  guint32 before = caller_loops ();

  g_thread_join (g_thread_new ("loop", run_loop_and_leave, &run));
  g_assert_cmpuint (run.answered, ==, 8);
  g_assert_cmpuint (run.loops_seen, ==, before + 1);
  g_assert_cmpuint (caller_loops (), ==, before);
}

/* A blocking call from a loop's callback while that loop's own async call
 * holds the client's only slot: the async call runs on a worker (calls of
 * clients with a limit in flight never run on a caller loop), so the slot
 * is released and the blocking call gets it. On the loop it would wait for
 * itself. */
static void
on_limited_complete (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  LoopRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = graphbit_llm_client_complete_finish (GRAPHBIT_LLM_CLIENT (source), result, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: loop async");
  run->answered++;
  g_main_loop_quit (run->loop);
}

static gboolean
block_behind_own_call (gpointer data)
{
  LoopRun *run = data;
  g_autoptr(GraphbitLlmRequest) async_request = graphbit_llm_request_new ("loop async");
  g_autoptr(GraphbitLlmRequest) blocking_request = graphbit_llm_request_new ("loop blocking");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  graphbit_llm_client_complete_async (run->client, async_request, NULL, on_limited_complete, run);
  text = graphbit_llm_client_complete (run->client, blocking_request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: loop blocking");
  run->answered++;
  return G_SOURCE_REMOVE;
}

static void
test_caller_loop_blocking_behind_own_call (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  LoopRun run = { .client = client };

  g_assert_true (graphbit_llm_client_set_rate_limit (client, 0, 1, 10, NULL));
  run_own_loop (&run, block_behind_own_call);
  g_assert_cmpuint (run.answered, ==, 2);
}

/* The pattern of C programs that iterate their context by hand: a stream
 * started between two iterations, and another after it, both run on the
 * context (a blocking next() in their callback is refused: it would wait
 * for itself). */
typedef struct
{
  guint refused;
  gboolean ended;
  GString *text;
} HandIterated;

static void
on_hand_iterated_chunk (GObject      *source,
                        GAsyncResult *result,
                        gpointer      data)
{
  HandIterated *run = data;
  GraphbitLlmStream *stream = GRAPHBIT_LLM_STREAM (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = graphbit_llm_stream_next_finish (stream, result, &error);
  g_autoptr(GError) blocking_error = NULL;
  g_autofree char *blocking_text = NULL;

  g_assert_no_error (error);
  if (chunk == NULL)
    {
      run->ended = TRUE;
      return;
    }
  g_string_append (run->text, chunk);
  blocking_text = graphbit_llm_stream_next (stream, NULL, &blocking_error);
  g_assert_null (blocking_text);
  g_assert_error (blocking_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RUNTIME);
  run->refused++;
  graphbit_llm_stream_next_async (stream, NULL, on_hand_iterated_chunk, run);
}

/* Two streams, one after the other, on @context (pushed unless it is the
 * global default one, which the main thread runs without pushing). */
static void
run_hand_iterated_streams (GraphbitLlmClient *client,
                           GMainContext      *context)
{
  gboolean push = context != g_main_context_default ();

  if (push)
    g_main_context_push_thread_default (context);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("x mock:tokens=3 mock:token_delay_ms=1");
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitLlmStream) stream = graphbit_llm_client_stream (client, request, &error);
      HandIterated run = { 0, FALSE, g_string_new (NULL) };

      g_assert_no_error (error);
      graphbit_llm_stream_next_async (stream, NULL, on_hand_iterated_chunk, &run);
      while (!run.ended)
        g_main_context_iteration (context, TRUE);
      g_assert_cmpstr (run.text->str, ==, "tok1 tok2 tok3");
      g_assert_cmpuint (run.refused, >=, 1);
      g_string_free (run.text, TRUE);
    }
  if (push)
    g_main_context_pop_thread_default (context);
}

static gpointer
run_hand_iterated_streams_in_thread (gpointer data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();

  run_hand_iterated_streams (data, context);
  return NULL;
}

static void
test_caller_loop_hand_iterated_streams (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();

  /* The main thread's default context, then a thread's own. */
  run_hand_iterated_streams (client, g_main_context_default ());
  g_thread_join (g_thread_new ("hand-iterated", run_hand_iterated_streams_in_thread, client));
}

/* Waits (bounded) until @fd is readable. */
static gboolean
wait_readable (int fd)
{
  GPollFD poll_fd = { fd, G_IO_IN, 0 };

  return g_poll (&poll_fd, 1, 5000) == 1;
}

/* Outcomes of calls started with a completion queue arrive there, tagged,
 * with the fd readable until the queue is emptied. A text call's success
 * comes out of pop_text() as a plain string; every other outcome as the
 * completion. */
static void
test_completion_queue (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitCompletionQueue) queue = graphbit_completion_queue_new (&error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GraphbitLlmRequest) slow = graphbit_llm_request_new ("queued wait mock:delay_ms=30000");
  g_autoptr(GraphbitLlmRequest) failing = graphbit_llm_request_new ("queued mock:status=503");
  g_autoptr(GraphbitLlmRequest) empty = graphbit_llm_request_new ("");
  gboolean seen[11] = { FALSE };
  guint outcomes = 0;
  gint64 requests = mock_server_stat (mock, "requests");
  guint64 tag = 1;
  char *text = NULL;
  GraphbitCompletion *completion = NULL;

  g_assert_no_error (error);
  g_assert_null (graphbit_completion_queue_pop (queue));
  g_assert_false (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion));
  g_assert_cmpuint (tag, ==, 0);
  g_assert_null (text);
  g_assert_null (completion);
  /* 100..102 with a response, 103..104 with the text alone. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("queued %u", i);
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);

      if (i < 3)
        graphbit_llm_client_complete_queued (client, request, NULL, queue, 100 + i);
      else
        graphbit_llm_client_complete_text_queued (client, request, NULL, queue, 100 + i);
    }
  graphbit_llm_client_complete_text_queued (client, failing, NULL, queue, 105);
  graphbit_llm_client_complete_queued (client, empty, NULL, queue, 106);
  graphbit_llm_client_complete_queued (client, slow, cancellable, queue, 107);
  /* Started without a cancellable: cancelled by its tag. */
  graphbit_llm_client_complete_text_queued (client, slow, NULL, queue, 108);
  /* A prompt alone, its request made on the worker; a blank one fails
   * there, as the request's validation says. */
  graphbit_llm_client_complete_prompt_queued (client, "queued 9", NULL, queue, 109);
  graphbit_llm_client_complete_prompt_queued (client, " \t", NULL, queue, 110);
  wait_for_mock_requests (requests + 9);
  g_cancellable_cancel (cancellable);
  graphbit_completion_queue_cancel (queue, 108);
  graphbit_completion_queue_cancel (queue, 999);   /* no such call: nothing */

  while (outcomes < 11 && wait_readable (graphbit_completion_queue_get_fd (queue)))
    while (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion))
      {
        g_autofree char *expected = g_strdup_printf ("Mock reply to: queued %u", (guint) (tag - 100));
        g_autoptr(GError) outcome_error = NULL;
        g_autoptr(GObject) result = NULL;

        g_assert_cmpuint (tag, >=, 100);
        g_assert_cmpuint (tag, <, 111);
        g_assert_false (seen[tag - 100]);
        seen[tag - 100] = TRUE;
        outcomes++;
        if (tag == 103 || tag == 104 || tag == 109)
          {
            /* Text alone: no completion to wrap. */
            g_assert_null (completion);
            g_assert_cmpstr (text, ==, expected);
            g_clear_pointer (&text, g_free);
            continue;
          }
        g_assert_null (text);
        g_assert_nonnull (completion);
        g_assert_cmpuint (graphbit_completion_get_tag (completion), ==, tag);
        result = graphbit_completion_propagate (completion, &outcome_error);
        if (tag < 103)
          {
            g_assert_no_error (outcome_error);
            g_assert_cmpstr (graphbit_llm_response_get_content (GRAPHBIT_LLM_RESPONSE (result)), ==, expected);
          }
        else if (tag == 105)
          g_assert_error (outcome_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
        else if (tag == 106 || tag == 110)
          g_assert_error (outcome_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
        else
          g_assert_error (outcome_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_null (graphbit_completion_get_text (completion));
        g_clear_object (&completion);
      }
  g_assert_cmpuint (outcomes, ==, 11);
  /* Emptied: the fd is no longer readable. */
  {
    GPollFD poll_fd = { graphbit_completion_queue_get_fd (queue), G_IO_IN, 0 };

    g_assert_cmpint (g_poll (&poll_fd, 1, 0), ==, 0);
  }
}

/* A forked child makes blocking calls of its own: the parent's watch
 * thread, blocking session and per-thread cancellable are not used there
 * (the timeout still works, so the child's watch thread runs). */
static void
test_blocking_calls_after_fork (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("before fork");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int status = 0;
  pid_t pid;

  if (g_getenv ("GRAPHBIT_UNDER_VALGRIND") != NULL)
    {
      g_test_skip ("a forked child's view of the parent's threads is not memcheck-clean");
      return;
    }
  graphbit_llm_client_set_attempt_timeout_ms (client, 150);
  text = graphbit_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  /* Fork while the workers are idle (see test-runtime.c). */
  g_variant_unref (graphbit_health_check ());
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GraphbitLlmRequest) again = graphbit_llm_request_new ("after fork");
      g_autoptr(GraphbitLlmRequest) slow = graphbit_llm_request_new ("after fork mock:delay_ms=20000");
      g_autoptr(GError) child_error = NULL;
      g_autofree char *answer = graphbit_llm_client_complete (client, again, NULL, &child_error);
      g_autoptr(GError) timeout = NULL;
      g_autofree char *late = graphbit_llm_client_complete (client, slow, NULL, &timeout);

      if (g_strcmp0 (answer, "Mock reply to: after fork") != 0)
        {
          g_printerr ("child: %s\n", child_error != NULL ? child_error->message : "(wrong answer)");
          _exit (2);
        }
      if (late != NULL || !g_error_matches (timeout, GRAPHBIT_ERROR, GRAPHBIT_ERROR_TIMEOUT))
        _exit (3);
      graphbit_shutdown ();
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  /* The parent's own blocking calls go on working. */
  g_clear_pointer (&text, g_free);
  text = graphbit_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Mock reply to: before fork");
}

/* Forks; the child makes a blocking call of its own under a 20 s alarm,
 * so a child that waits for a lock fails here instead of hanging. */
static gpointer
fork_and_check_child (gpointer data)
{
  GraphbitLlmClient *client = data;
  int status = 0;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("in the child");
      g_autofree char *answer = NULL;

      alarm (20);
      answer = graphbit_llm_client_complete (client, request, NULL, NULL);
      _exit (g_strcmp0 (answer, "Mock reply to: in the child") == 0 ? 0 : 2);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (WIFSIGNALED (status))
    g_error ("the child was killed by signal %d (%s)", WTERMSIG (status),
             WTERMSIG (status) == SIGALRM ? "it hung" : g_strsignal (WTERMSIG (status)));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  return NULL;
}

/* Waits (bounded) for @count text outcomes of "busy" calls. */
static void
drain_busy_outcomes (GraphbitCompletionQueue *queue,
                     guint                    count)
{
  guint outcomes = 0;

  while (outcomes < count && wait_readable (graphbit_completion_queue_get_fd (queue)))
    {
      guint64 tag = 0;
      g_autofree char *text = NULL;
      GraphbitCompletion *completion = NULL;

      while (graphbit_completion_queue_pop_text (queue, &tag, &text, &completion))
        {
          g_assert_null (completion);
          g_assert_cmpstr (text, ==, "Mock reply to: busy");
          g_clear_pointer (&text, g_free);
          outcomes++;
        }
    }
  g_assert_cmpuint (outcomes, ==, count);
}

/* A child forked while the workers are busy (they complete and free
 * exchanges, which takes GLib's global locks) makes calls of its own: the
 * runtime parks its workers while fork() copies the process, so no lock
 * is copied held. Before that, about one child in ten waited forever for
 * the lock a vanished worker held. With @data, two threads fork at once
 * each round: each fork's workers are let go by that fork (the parent's
 * calls all complete). */
static void
test_fork_while_workers_are_busy (gconstpointer data)
{
  gboolean two_threads = GPOINTER_TO_INT (data);
  g_autoptr(GraphbitLlmClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitCompletionQueue) queue = graphbit_completion_queue_new (&error);
  const guint rounds = two_threads ? 10 : 25, per_round = 12;

  g_assert_no_error (error);
  if (g_getenv ("GRAPHBIT_UNDER_VALGRIND") != NULL)
    {
      g_test_skip ("a forked child's view of the parent's threads is not memcheck-clean");
      return;
    }
  for (guint round = 0; round < rounds; round++)
    {
      GThread *other = NULL;

      for (guint i = 0; i < per_round; i++)
        graphbit_llm_client_complete_prompt_queued (client, "busy", NULL, queue, i + 1);
      if (two_threads)
        other = g_thread_new ("forks-too", fork_and_check_child, client);
      fork_and_check_child (client);
      if (other != NULL)
        g_thread_join (other);
      drain_busy_outcomes (queue, per_round);
    }
}

/* Bodies larger than the bound fail with a typed error, whether the
 * server declares the length or sends chunks; memory stays bounded. */
static void
test_body_size_bound (void)
{
  const char *prompts[] = {
    "mock:tokens=1200 a long answer with a Content-Length",
    "mock:chunk_bytes=1024 mock:tokens=1200 a long answer in chunks",
  };
  g_autoptr(GraphbitLlmClient) client = new_client ();

  graphbit_http_set_max_body_size (4096);
  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompts[i]);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = graphbit_llm_client_complete (client, request, NULL, &error);

      g_assert_null (text);
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RESOURCE_EXHAUSTED);
      g_assert_cmpstr (graphbit_error_details_get_resource_type (graphbit_error_get_details (error)), ==,
                       "response_body");
      g_assert_nonnull (strstr (error->message, "(4 KiB)"));
      /* Refused from the Content-Length before reading, or while reading. */
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, i == 0 ? "bytes, more than graphbit reads" : "is larger than"));
    }
  graphbit_http_set_max_body_size (0);

  /* Under the default bound the same answers arrive whole. */
  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompts[i]);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = graphbit_llm_client_complete (client, request, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (text), >, 4096);
    }
}

static void
test_config_environment (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = NULL;

  g_unsetenv ("OPENAI_API_KEY");
  g_assert_null (graphbit_llm_config_openai (NULL, NULL, NULL, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_CONFIGURATION);
  g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
  g_clear_error (&error);

  g_setenv ("OPENAI_API_KEY", "sk-from-env", TRUE);
  g_setenv ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1/", TRUE);
  config = graphbit_llm_config_openai (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_llm_config_get_base_url (config), ==, "http://127.0.0.1:9/v1");
  g_assert_cmpstr (graphbit_llm_config_get_model (config), ==, "gpt-4o-mini");
  g_assert_true (graphbit_llm_config_has_api_key (config));
  g_unsetenv ("OPENAI_API_KEY");
  g_unsetenv ("OPENAI_BASE_URL");

  g_assert_null (graphbit_llm_config_openai ("k", NULL, "ftp://example.com", &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_CONFIGURATION);
  g_assert_cmpstr (graphbit_error_details_get_field (graphbit_error_get_details (error)), ==, "base_url");
  g_clear_error (&error);

  g_clear_object (&config);
  g_setenv ("OLLAMA_HOST", "10.0.0.5", TRUE);
  config = graphbit_llm_config_ollama (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graphbit_llm_config_get_base_url (config), ==, "http://10.0.0.5:11434");
  g_assert_cmpstr (graphbit_llm_config_get_model (config), ==, "llama3.2");
  g_unsetenv ("OLLAMA_HOST");
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/openai/codec/recorded-completion", test_codec_parses_recorded_completion);
  g_test_add_func ("/openai/codec/length-and-tool-calls", test_codec_parses_length_and_tool_calls);
  g_test_add_func ("/openai/codec/garbage", test_codec_rejects_garbage);
  g_test_add_func ("/openai/codec/error-messages", test_codec_error_messages);
  g_test_add_func ("/openai/config/environment", test_config_environment);
  g_test_add_func ("/openai/client/complete-blocking", test_complete_blocking);
  g_test_add_func ("/openai/client/options-sent-unchanged", test_options_sent_unchanged);
  g_test_add_func ("/openai/client/complete-async", test_complete_async);
  g_test_add_func ("/openai/client/validation", test_validation_before_sending);
  g_test_add_func ("/openai/client/status-errors", test_status_errors_are_typed);
  g_test_add_func ("/openai/client/connection-refused", test_connection_refused_is_network_error);
  g_test_add_func ("/openai/client/cancellation", test_cancellation_aborts_the_exchange);
  g_test_add_func ("/openai/client/attempt-timeout", test_attempt_timeout);
  g_test_add_func ("/openai/client/keep-alive", test_connections_are_reused);
  g_test_add_func ("/openai/client/shutdown-cancels", test_shutdown_cancels_in_flight);
  g_test_add_func ("/openai/client/body-size-bound", test_body_size_bound);
  g_test_add_data_func ("/openai/client/blocking-cancelled-from-thread", GINT_TO_POINTER (FALSE),
                        test_blocking_call_cancelled_from_another_thread);
  g_test_add_data_func ("/openai/client/blocking-cancelled-by-interrupt", GINT_TO_POINTER (TRUE),
                        test_blocking_call_cancelled_from_another_thread);
  g_test_add_func ("/openai/client/blocking-many-threads", test_blocking_calls_from_many_threads);
  g_test_add_func ("/openai/client/completion-queue", test_completion_queue);
  g_test_add_func ("/openai/client/blocking-after-fork", test_blocking_calls_after_fork);
  g_test_add_data_func ("/openai/client/fork-while-workers-are-busy", GINT_TO_POINTER (FALSE),
                        test_fork_while_workers_are_busy);
  g_test_add_data_func ("/openai/client/forks-from-two-threads", GINT_TO_POINTER (TRUE),
                        test_fork_while_workers_are_busy);
  g_test_add_data_func ("/openai/client/attached-context-shutdown-here", GINT_TO_POINTER (TRUE),
                        test_attached_context);
  g_test_add_data_func ("/openai/client/attached-context-shutdown-elsewhere", GINT_TO_POINTER (FALSE),
                        test_attached_context);
  g_test_add_data_func ("/openai/client/caller-loops", GINT_TO_POINTER (TRUE), test_caller_loops);
  g_test_add_func ("/openai/client/caller-loop-thread-exit", test_caller_loop_thread_exit);
  g_test_add_func ("/openai/client/caller-loop-blocking-behind-own-call", test_caller_loop_blocking_behind_own_call);
  g_test_add_func ("/openai/client/caller-loop-hand-iterated-streams", test_caller_loop_hand_iterated_streams);
  g_test_add_data_func ("/openai/client/caller-loops-off", GINT_TO_POINTER (FALSE), test_caller_loops);

  mock = mock_server_start ();
  ret = g_test_run ();
  graphbit_shutdown ();
  mock_server_stop (mock);
  return ret;
}
