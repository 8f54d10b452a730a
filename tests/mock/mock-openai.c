/* mock-openai.c - the mock's OpenAI Chat Completions endpoint
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST /v1/chat/completions, whole or streamed (SSE data-only events
 * ending with "data: [DONE]"), in the current wire shape.
 */

#include <string.h>

#include "mock-private.h"

/* A 429 is a rate limit, which clients retry, or with mock:quota=1 an
 * exhausted quota, which they must not: a billing matter. */
static GBytes *
openai_error_body (guint             status,
                   const char       *message,
                   const Directives *d)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *error = json_object_new ();
  gboolean quota = status == 429 && d->quota;
  char *json;

  json_object_set_string_member (error, "message",
                                 quota ? "You exceeded your current quota, please check your plan and billing "
                                         "details. For more information on this error, read the docs: "
                                         "https://platform.openai.com/docs/guides/error-codes/api-errors."
                                       : message);
  json_object_set_string_member (error, "type",
                                 quota ? "insufficient_quota"
                                 : status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error");
  json_object_set_null_member (error, "param");
  if (status == 429)
    json_object_set_string_member (error, "code", quota ? "insufficient_quota" : "rate_limit_exceeded");
  else
    json_object_set_null_member (error, "code");
  json_object_set_object_member (root, "error", error);
  json = mock_json_to_string (root);
  return g_bytes_new_take (json, strlen (json));
}

/* A duration as Go's time.Duration.String() writes it, which is how OpenAI
 * sends its resets: "120ms", "1.5s", "6m0s", "1h0m0s". */
static char *
go_duration (guint64 ms)
{
  GString *text;
  guint64 hours = ms / 3600000, minutes = ms / 60000 % 60, seconds = ms / 1000 % 60;
  guint millis = (guint) (ms % 1000);

  if (ms == 0)
    return g_strdup ("0s");
  if (ms < 1000)
    return g_strdup_printf ("%ums", millis);

  text = g_string_new (NULL);
  if (hours > 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "h", hours);
  if (hours > 0 || minutes > 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "m", minutes);
  g_string_append_printf (text, "%" G_GUINT64_FORMAT, seconds);
  if (millis > 0)
    {
      char fraction[5];

      /* Go leaves out the trailing zeros of the fraction. */
      g_snprintf (fraction, sizeof fraction, ".%03u", millis);
      for (gsize end = strlen (fraction); fraction[end - 1] == '0'; end--)
        fraction[end - 1] = '\0';
      g_string_append (text, fraction);
    }
  g_string_append_c (text, 's');
  return g_string_free (text, FALSE);
}

/* mock:rate_reset: no requests left, and when both limits reset. */
static void
openai_rate_limit_headers (SoupMessageHeaders *headers,
                           guint64             reset_ms)
{
  g_autofree char *reset = go_duration (reset_ms);

  soup_message_headers_replace (headers, "x-ratelimit-remaining-requests", "0");
  soup_message_headers_replace (headers, "x-ratelimit-reset-requests", reset);
  soup_message_headers_replace (headers, "x-ratelimit-reset-tokens", reset);
}

const MockDialect mock_openai_dialect = {
  .error_content_type = "application/json",
  .error_body = openai_error_body,
  .rate_limit_headers = openai_rate_limit_headers,
};

static JsonObject *
usage_new (guint prompt_tokens,
           guint completion_tokens)
{
  JsonObject *usage = json_object_new ();

  json_object_set_int_member (usage, "prompt_tokens", prompt_tokens);
  json_object_set_int_member (usage, "completion_tokens", completion_tokens);
  json_object_set_int_member (usage, "total_tokens", prompt_tokens + completion_tokens);
  return usage;
}

/* What every chunk of a streamed completion shares, and a whole one carries. */
typedef struct
{
  const char *id;
  gint64 created;
  const char *model;
  gboolean include_usage;
} Completion;

/* Adds one chat.completion.chunk: a choice with @delta, or (@delta NULL)
 * the usage chunk, whose choices are empty. Takes @delta and @usage. */
static void
add_chunk (MockReply        *reply,
           const Completion *completion,
           JsonObject       *delta,
           const char       *finish_reason,
           JsonObject       *usage)
{
  g_autoptr(JsonObject) chunk = json_object_new ();
  g_autofree char *json = NULL;
  JsonArray *choices = json_array_new ();

  json_object_set_string_member (chunk, "id", completion->id);
  json_object_set_string_member (chunk, "object", "chat.completion.chunk");
  json_object_set_int_member (chunk, "created", completion->created);
  json_object_set_string_member (chunk, "model", completion->model);
  json_object_set_string_member (chunk, "system_fingerprint", "fp_mock");
  if (delta != NULL)
    {
      JsonObject *choice = json_object_new ();

      json_object_set_int_member (choice, "index", 0);
      json_object_set_object_member (choice, "delta", delta);
      if (finish_reason != NULL)
        json_object_set_string_member (choice, "finish_reason", finish_reason);
      else
        json_object_set_null_member (choice, "finish_reason");
      json_array_add_object_element (choices, choice);
    }
  json_object_set_array_member (chunk, "choices", choices);
  /* Current traffic: "usage": null on every chunk but the usage chunk. */
  if (usage != NULL)
    json_object_set_object_member (chunk, "usage", usage);
  else if (completion->include_usage)
    json_object_set_null_member (chunk, "usage");

  json = mock_json_to_string (chunk);
  mock_reply_add_sse (reply, NULL, json);
}

static void
reply_streamed (Mock              *mock,
                SoupServerMessage *msg,
                const Completion  *completion,
                GPtrArray         *tokens,
                const char        *finish_reason,
                guint              prompt_words,
                const Directives  *d)
{
  MockReply *reply = mock_reply_new (mock, msg, 200, "text/event-stream; charset=utf-8");
  JsonObject *first = json_object_new ();

  mock_reply_set_streamed (reply);
  json_object_set_string_member (first, "role", "assistant");
  json_object_set_string_member (first, "content", "");
  json_object_set_null_member (first, "refusal");
  add_chunk (reply, completion, first, NULL, NULL);
  for (guint i = 0; i < tokens->len; i++)
    {
      JsonObject *delta = json_object_new ();

      json_object_set_string_member (delta, "content", g_ptr_array_index (tokens, i));
      add_chunk (reply, completion, delta, NULL, NULL);
    }
  add_chunk (reply, completion, json_object_new (), finish_reason, NULL);
  if (completion->include_usage)
    add_chunk (reply, completion, NULL, NULL, usage_new (prompt_words, tokens->len));
  mock_reply_add_sse (reply, NULL, "[DONE]");
  mock_reply_send (reply, d);
}

static void
reply_whole (Mock              *mock,
             SoupServerMessage *msg,
             const Completion  *completion,
             GPtrArray         *tokens,
             const char        *finish_reason,
             guint              prompt_words,
             const Directives  *d)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autofree char *text = mock_tokens_join (tokens);
  JsonArray *choices = json_array_new ();
  JsonObject *choice = json_object_new ();
  JsonObject *message = json_object_new ();

  json_object_set_string_member (root, "id", completion->id);
  json_object_set_string_member (root, "object", "chat.completion");
  json_object_set_int_member (root, "created", completion->created);
  json_object_set_string_member (root, "model", completion->model);
  json_object_set_string_member (message, "role", "assistant");
  json_object_set_string_member (message, "content", text);
  json_object_set_null_member (message, "refusal");
  json_object_set_int_member (choice, "index", 0);
  json_object_set_object_member (choice, "message", message);
  json_object_set_null_member (choice, "logprobs");
  json_object_set_string_member (choice, "finish_reason", finish_reason);
  json_array_add_object_element (choices, choice);
  json_object_set_array_member (root, "choices", choices);
  json_object_set_object_member (root, "usage", usage_new (prompt_words, tokens->len));
  json_object_set_string_member (root, "system_fingerprint", "fp_mock");
  mock_reply_json (mock, msg, 200, "application/json", root, d);
}

/* The mock rejects the key "invalid-key", as OpenAI rejects a wrong key;
 * any other non-empty bearer key is accepted. Replies and returns FALSE
 * when the key is missing or rejected. */
gboolean
mock_openai_check_key (Mock              *mock,
                       SoupServerMessage *msg)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-request-id", "req_mock");
  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") || authorization[7] == '\0')
    {
      mock_reply_error (mock, msg, &mock_openai_dialect, 401, "You didn't provide an API key.", &none);
      return FALSE;
    }
  if (g_str_equal (authorization + 7, MOCK_INVALID_KEY))
    {
      mock_reply_error (mock, msg, &mock_openai_dialect, 401,
                        "Incorrect API key provided: inval*****-key. You can find your API key at "
                        "https://platform.openai.com/account/api-keys.", &none);
      return FALSE;
    }
  return TRUE;
}

/* GET /v1/models: a small list, as cheap as the real one. */
void
mock_openai_models (Mock              *mock,
                    SoupServerMessage *msg)
{
  static const char list[] = "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\","
                             "\"created\":1721172741,\"owned_by\":\"system\"}]}";
  g_autoptr(GBytes) body = g_bytes_new_static (list, sizeof list - 1);
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  if (mock_openai_check_key (mock, msg))
    mock_reply_bytes (mock, msg, 200, "application/json", body, &none);
}

void
mock_openai_chat (Mock              *mock,
                  SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(Directives) d = MOCK_DIRECTIVES_INIT;
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autofree char *last_user = NULL;
  g_autofree char *id = NULL;
  JsonObject *root;
  JsonArray *messages;
  JsonNode *stream_options;
  Completion completion = { 0 };
  guint prompt_words = 0;
  gboolean cut;

  if (!mock_openai_check_key (mock, msg))
    return;

  root = mock_request_json (msg, parser);
  if (root == NULL)
    {
      mock_reply_error (mock, msg, &mock_openai_dialect, 400,
                        "We could not parse the JSON body of your request.", &none);
      return;
    }
  completion.model = mock_json_string (root, "model");
  messages = mock_json_array (root, "messages");
  if (completion.model == NULL || messages == NULL || json_array_get_length (messages) == 0)
    {
      mock_reply_error (mock, msg, &mock_openai_dialect, 400,
                        "'model' and a non-empty 'messages' array are required.", &none);
      return;
    }
  stream_options = json_object_get_member (root, "stream_options");
  if (stream_options != NULL && !JSON_NODE_HOLDS_NULL (stream_options) && !mock_json_bool (root, "stream", FALSE))
    {
      mock_reply_error (mock, msg, &mock_openai_dialect, 400,
                        "The 'stream_options' parameter is only allowed when 'stream' is enabled.", &none);
      return;
    }

  last_user = mock_conversation_read (messages, &prompt_words);
  mock_directives_parse (last_user, &d);
  mock_faults_attempt (mock, last_user, &d);
  if (mock_reply_directed (mock, msg, &mock_openai_dialect, &d))
    return;

  tokens = mock_tokens_new (&d, last_user);
  cut = mock_tokens_limit (tokens, mock_json_int (root, "max_completion_tokens",
                                                  mock_json_int (root, "max_tokens", -1)));
  id = g_strdup_printf ("chatcmpl-mock%" G_GUINT64_FORMAT, ++mock->completion_counter);
  completion.id = id;
  completion.created = g_get_real_time () / G_USEC_PER_SEC;
  completion.include_usage = mock_json_bool (mock_json_object (root, "stream_options"), "include_usage", FALSE);

  if (mock_json_bool (root, "stream", FALSE))
    reply_streamed (mock, msg, &completion, tokens, cut ? "length" : "stop", prompt_words, &d);
  else
    reply_whole (mock, msg, &completion, tokens, cut ? "length" : "stop", prompt_words, &d);
}
