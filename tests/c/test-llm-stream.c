/* test-llm-stream.c - streams, batches and warm-ups end to end against the mock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The C-level view of the paths the Python tests also take, so the
 * sanitizer builds cover them: every provider's stream, close and cancel
 * mid-stream, errors before and inside a stream, a cut connection, and a
 * batch with a failing item.
 */

#include "config.h"

#include "graphbit.h"
#include "mock-server.h"

static MockServer *mock;

static GraphbitLlmClient *
new_client (const char *provider)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GraphbitLlmConfig) config = NULL;
  g_autofree char *openai_base = g_strconcat (mock->url, "/v1", NULL);
  GraphbitLlmClient *client;

  if (g_str_equal (provider, "openai"))
    config = graphbit_llm_config_openai ("sk-test", NULL, openai_base, &error);
  else if (g_str_equal (provider, "anthropic"))
    config = graphbit_llm_config_anthropic ("sk-ant-test", NULL, mock->url, &error);
  else
    config = graphbit_llm_config_ollama (NULL, mock->url, &error);

  g_assert_no_error (error);
  client = graphbit_llm_client_new (config);
  /* One attempt per call: retries are tested apart. */
  g_assert_true (graphbit_llm_client_set_retry_policy (client, 0, 0.1, 5, NULL));
  g_assert_true (graphbit_llm_client_set_circuit_breaker (client, 0, 60, NULL));
  return client;
}

static GraphbitLlmStream *
new_stream (const char *provider,
            const char *prompt)
{
  g_autoptr(GraphbitLlmClient) client = new_client (provider);
  g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new (prompt);
  g_autoptr(GError) error = NULL;
  GraphbitLlmStream *stream = graphbit_llm_client_stream (client, request, &error);

  g_assert_no_error (error);
  return stream;
}

/* Reads a stream to its end with the blocking API; returns the text, or
 * NULL with @error. */
static char *
read_all (GraphbitLlmStream  *stream,
          guint              *n_chunks,
          GError            **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char *chunk;

  *n_chunks = 0;
  while ((chunk = graphbit_llm_stream_next (stream, NULL, error)) != NULL)
    {
      g_string_append (text, chunk);
      (*n_chunks)++;
      g_free (chunk);
    }
  if (*error != NULL)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The worker reads ahead while the consumer is between next() calls, so
 * a next() can be answered the moment it is made; each here carries a
 * cancellable, whose handler is connected before the next() is published
 * and disconnected when it is answered. Under the sanitizers this walks
 * that path thousands of times (the race it once had showed up in about
 * one Python streaming run in ten, through the dispatch thread). */
static void
test_read_ahead_with_cancellables (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ("openai");

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GraphbitLlmRequest) request = graphbit_llm_request_new ("x mock:tokens=40");
      g_autoptr(GraphbitLlmStream) stream = graphbit_llm_client_stream (client, request, NULL);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;

      for (;;)
        {
          g_autoptr(GCancellable) cancellable = g_cancellable_new ();
          g_autofree char *chunk = graphbit_llm_stream_next (stream, cancellable, &error);

          g_assert_no_error (error);
          if (chunk == NULL)
            break;
          g_string_append (text, chunk);
        }
      g_assert_true (g_str_has_prefix (text->str, "tok1 tok2 "));
      g_assert_true (g_str_has_suffix (text->str, " tok40"));
    }
}

static void
test_every_provider_streams (gconstpointer data)
{
  const char *provider = data;
  g_autoptr(GraphbitLlmStream) stream = new_stream (provider, "x mock:tokens=6 mock:token_delay_ms=2");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GraphbitLlmResponse *response;
  guint n_chunks;

  g_assert_null (graphbit_llm_stream_get_response (stream));
  text = read_all (stream, &n_chunks, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "tok1 tok2 tok3 tok4 tok5 tok6");
  g_assert_cmpuint (n_chunks, >, 1);
  g_assert_true (graphbit_llm_stream_is_finished (stream));
  response = graphbit_llm_stream_get_response (stream);
  g_assert_cmpstr (graphbit_llm_response_get_content (response), ==, text);
  g_assert_cmpuint (graphbit_llm_response_get_completion_tokens (response), ==, 6);
  /* After the end, next keeps answering "end". */
  g_assert_null (graphbit_llm_stream_next (stream, NULL, &error));
  g_assert_no_error (error);
}

static void
test_fixture_split_in_bytes (gconstpointer data)
{
  const char *fixture = data;
  const char *provider = g_str_has_prefix (fixture, "openai") ? "openai"
                       : g_str_has_prefix (fixture, "anthropic") ? "anthropic" : "ollama";
  g_autofree char *prompt = g_strdup_printf ("x mock:fixture=%s mock:chunk_bytes=3", fixture);
  g_autoptr(GraphbitLlmStream) stream = new_stream (provider, prompt);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n_chunks;

  text = read_all (stream, &n_chunks, &error);
  g_assert_no_error (error);
  g_assert_true (graphbit_llm_stream_is_finished (stream));
  g_assert_nonnull (graphbit_llm_response_get_finish_reason (graphbit_llm_stream_get_response (stream)));
  /* A tool call carries no text; every other recording does. */
  if (strstr (fixture, "tool") == NULL)
    g_assert_cmpuint (strlen (text), >, 0);
}

static void
test_closing_mid_stream (void)
{
  g_autoptr(GraphbitLlmStream) stream = new_stream ("openai", "x mock:tokens=50 mock:token_delay_ms=30");
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  gint64 disconnected = mock_server_stat (mock, "disconnected_early");

  first = graphbit_llm_stream_next (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  graphbit_llm_stream_close (stream);
  g_assert_null (graphbit_llm_stream_next (stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  for (guint i = 0; i < 2500 && mock_server_stat (mock, "disconnected_early") == disconnected; i++)
    g_usleep (2000);
  g_assert_cmpint (mock_server_stat (mock, "disconnected_early"), ==, disconnected + 1);
}

static void
test_dropping_an_unread_stream_sends_nothing (void)
{
  gint64 requests = mock_server_stat (mock, "requests");
  GraphbitLlmStream *stream = new_stream ("anthropic", "never read");

  g_object_unref (stream);
  g_assert_cmpint (mock_server_stat (mock, "requests"), ==, requests);
}

static void
on_next (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static void
test_cancelling_next (void)
{
  g_autoptr(GraphbitLlmStream) stream = new_stream ("ollama", "x mock:tokens=50 mock:token_delay_ms=30");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first = graphbit_llm_stream_next (stream, NULL, &error);
  GAsyncResult *result = NULL;

  g_assert_nonnull (first);
  /* A second next while one is pending is refused, not queued. */
  graphbit_llm_stream_next_async (stream, cancellable, on_next, &result);
  g_assert_null (graphbit_llm_stream_next (stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (graphbit_llm_stream_next_finish (stream, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (result);
}

static void
test_errors_before_inside_and_cut (void)
{
  const struct {
    const char *provider;
    const char *prompt;
    GraphbitError code;
  } cases[] = {
    { "openai", "x mock:status=401", GRAPHBIT_ERROR_AUTHENTICATION },
    { "anthropic", "x mock:status=529", GRAPHBIT_ERROR_RATE_LIMIT },
    { "ollama", "x mock:status=404", GRAPHBIT_ERROR_PROVIDER },
    { "openai", "x mock:fixture=openai/stream_error_in_data.sse", GRAPHBIT_ERROR_PROVIDER },
    { "anthropic", "x mock:fixture=anthropic/stream_error_overloaded.sse", GRAPHBIT_ERROR_RATE_LIMIT },
    { "ollama", "x mock:tokens=8 mock:cut_after=3", GRAPHBIT_ERROR_NETWORK },
    { "anthropic", "x mock:tokens=8 mock:cut_after=6", GRAPHBIT_ERROR_NETWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GraphbitLlmStream) stream = new_stream (cases[i].provider, cases[i].prompt);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      guint n_chunks;

      text = read_all (stream, &n_chunks, &error);
      g_assert_null (text);
      g_assert_error (error, GRAPHBIT_ERROR, cases[i].code);
      g_assert_cmpstr (graphbit_error_details_get_provider (graphbit_error_get_details (error)), ==,
                       cases[i].provider);
      g_assert_cmpstr (graphbit_error_details_get_operation (graphbit_error_get_details (error)), ==, "stream");
    }
}

static void
on_batch (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static void
test_batch_keeps_order_and_item_errors (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ("anthropic");
  g_autoptr(GraphbitLlmBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  GraphbitLlmRequest *requests[12];
  GAsyncResult *result = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *prompt = i == 5 ? g_strdup ("x mock:status=500")
                                       : g_strdup_printf ("item %u mock:delay_ms=%u", i, (12 - i) * 3);

      requests[i] = graphbit_llm_request_new (prompt);
    }
  graphbit_llm_client_complete_batch_async (client, requests, G_N_ELEMENTS (requests), 3, NULL, on_batch, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  batch = graphbit_llm_client_complete_batch_finish (client, result, &error);
  g_assert_no_error (error);
  g_object_unref (result);

  g_assert_cmpuint (graphbit_llm_batch_result_get_n_items (batch), ==, 12);
  g_assert_cmpuint (graphbit_llm_batch_result_get_n_failed (batch), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GError) item_error = NULL;

      if (i == 5)
        {
          g_assert_false (graphbit_llm_batch_result_check_item (batch, i, &item_error));
          g_assert_error (item_error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
          g_assert_null (graphbit_llm_batch_result_get_response (batch, i));
        }
      else
        {
          g_autofree char *expected = g_strdup_printf ("Mock reply to: item %u mock:delay_ms=%u", i, (12 - i) * 3);

          g_assert_true (graphbit_llm_batch_result_check_item (batch, i, &item_error));
          g_assert_cmpstr (graphbit_llm_response_get_content (graphbit_llm_batch_result_get_response (batch, i)),
                           ==, expected);
        }
      g_object_unref (requests[i]);
    }
}

static void
test_batch_validated_up_front (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ("openai");
  g_autoptr(GraphbitLlmRequest) good = graphbit_llm_request_new ("fine");
  g_autoptr(GraphbitLlmRequest) bad = graphbit_llm_request_new ("");
  GraphbitLlmRequest *requests[] = { good, bad };
  g_autoptr(GError) error = NULL;

  g_assert_false (graphbit_llm_request_validate_batch (requests, 2, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
  g_assert_cmpstr (graphbit_error_details_get_field (graphbit_error_get_details (error)), ==, "prompts[1].prompt");
  g_clear_error (&error);
  g_assert_false (graphbit_llm_request_validate_batch (requests, 0, &error));
  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_VALIDATION);
}

static void
test_warmup (void)
{
  g_autoptr(GraphbitLlmClient) client = new_client ("ollama");
  g_autoptr(GError) error = NULL;
  gint64 loads = mock_server_stat (mock, "model_loads");

  g_assert_true (graphbit_llm_client_warmup (client, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (graphbit_llm_client_warmup (client, NULL, &error));
  g_assert_cmpint (mock_server_stat (mock, "model_loads"), ==, loads + 1);
}

int
main (int    argc,
      char **argv)
{
  const char *providers[] = { "openai", "anthropic", "ollama" };
  const char *fixtures[] = {
    "openai/chat_stream_text.sse", "openai/chat_stream_tool_calls.sse", "anthropic/stream_text.sse",
    "anthropic/stream_max_tokens.sse", "ollama/chat_stream.ndjson",
  };
  int ret;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/stream/%s", providers[i]);
      g_test_add_data_func (path, providers[i], test_every_provider_streams);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/stream/fixture/%s", fixtures[i]);
      g_test_add_data_func (path, fixtures[i], test_fixture_split_in_bytes);
    }
  g_test_add_func ("/stream/close-mid-stream", test_closing_mid_stream);
  g_test_add_func ("/stream/read-ahead-with-cancellables", test_read_ahead_with_cancellables);
  g_test_add_func ("/stream/drop-unread", test_dropping_an_unread_stream_sends_nothing);
  g_test_add_func ("/stream/cancel-next", test_cancelling_next);
  g_test_add_func ("/stream/errors", test_errors_before_inside_and_cut);
  g_test_add_func ("/batch/order-and-item-errors", test_batch_keeps_order_and_item_errors);
  g_test_add_func ("/batch/validated-up-front", test_batch_validated_up_front);
  g_test_add_func ("/warmup/ollama", test_warmup);

  mock = mock_server_start ();
  ret = g_test_run ();
  graphbit_shutdown ();
  mock_server_stop (mock);
  return ret;
}
