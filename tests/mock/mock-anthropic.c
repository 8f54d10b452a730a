/* mock-anthropic.c - the mock's Anthropic Messages endpoint
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST /v1/messages, whole or streamed (SSE with event: lines), with the
 * API's header and body checks and its error envelope.
 */

#include <string.h>

#include "mock-private.h"

static const char *
error_type (guint status)
{
  switch (status)
    {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 402: return "billing_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 500: return "api_error";
    case 504: return "timeout_error";
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
    }
}

static GBytes *
anthropic_error_body (guint             status,
                      const char       *message,
                      const Directives *d)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *error = json_object_new ();
  char *json;

  json_object_set_string_member (root, "type", "error");
  json_object_set_string_member (error, "type", error_type (status));
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (root, "error", error);
  json_object_set_string_member (root, "request_id", "req_mock");
  json = mock_json_to_string (root);
  return g_bytes_new_take (json, strlen (json));
}

/* The SDKs obey this before looking at the status. */
static void
anthropic_error_headers (SoupMessageHeaders *headers,
                         guint               status)
{
  gboolean retry = status == 408 || status == 409 || status == 429 || status >= 500;

  soup_message_headers_replace (headers, "x-should-retry", retry ? "true" : "false");
}

/* mock:rate_reset: no requests left until a time, not a duration as with
 * OpenAI: an RFC 3339 UTC timestamp in whole seconds, rounded up so that
 * it is never earlier than the duration says (capped at about 68 years,
 * which GDateTime can still represent). */
static void
anthropic_rate_limit_headers (SoupMessageHeaders *headers,
                              guint64             reset_ms)
{
  gint64 reset_us = g_get_real_time () + (gint64) MIN (reset_ms, (guint64) G_MAXINT32 * 1000) * 1000;
  g_autoptr(GDateTime) reset = g_date_time_new_from_unix_utc ((reset_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  g_autofree char *text = g_date_time_format (reset, "%Y-%m-%dT%H:%M:%SZ");

  soup_message_headers_replace (headers, "anthropic-ratelimit-requests-remaining", "0");
  soup_message_headers_replace (headers, "anthropic-ratelimit-requests-reset", text);
}

static const MockDialect anthropic_dialect = {
  .error_content_type = "application/json",
  .error_body = anthropic_error_body,
  .error_headers = anthropic_error_headers,
  .rate_limit_headers = anthropic_rate_limit_headers,
};

static JsonObject *
usage_new (guint input_tokens,
           guint output_tokens)
{
  JsonObject *usage = json_object_new ();

  json_object_set_int_member (usage, "input_tokens", input_tokens);
  json_object_set_int_member (usage, "output_tokens", output_tokens);
  return usage;
}

static JsonObject *
message_new (const char *id,
             const char *model,
             JsonArray  *content,
             const char *stop_reason,
             JsonObject *usage)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "id", id);
  json_object_set_string_member (message, "type", "message");
  json_object_set_string_member (message, "role", "assistant");
  json_object_set_string_member (message, "model", model);
  json_object_set_array_member (message, "content", content);
  if (stop_reason != NULL)
    json_object_set_string_member (message, "stop_reason", stop_reason);
  else
    json_object_set_null_member (message, "stop_reason");
  json_object_set_null_member (message, "stop_sequence");
  json_object_set_object_member (message, "usage", usage);
  return message;
}

static JsonObject *
text_block_new (const char *text)
{
  JsonObject *block = json_object_new ();

  json_object_set_string_member (block, "type", "text");
  json_object_set_string_member (block, "text", text);
  return block;
}

static JsonObject *
event_new (const char *type)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "type", type);
  return data;
}

/* Adds @data as the event its "type" names, as the API writes them;
 * takes @data. */
static void
add_event (MockReply  *reply,
           JsonObject *data)
{
  g_autoptr(JsonObject) owned = data;
  g_autofree char *json = mock_json_to_string (owned);

  mock_reply_add_sse (reply, json_object_get_string_member (owned, "type"), json);
}

static void
reply_streamed (Mock              *mock,
                SoupServerMessage *msg,
                const char        *id,
                const char        *model,
                GPtrArray         *tokens,
                const char        *stop_reason,
                guint              input_tokens,
                const Directives  *d)
{
  MockReply *reply = mock_reply_new (mock, msg, 200, "text/event-stream; charset=utf-8");
  JsonObject *data, *delta, *usage;

  mock_reply_set_streamed (reply);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "cache-control", "no-cache");

  data = event_new ("message_start");
  /* The API counts the first output token up front. */
  json_object_set_object_member (data, "message",
                                 message_new (id, model, json_array_new (), NULL, usage_new (input_tokens, 1)));
  add_event (reply, data);

  data = event_new ("content_block_start");
  json_object_set_int_member (data, "index", 0);
  json_object_set_object_member (data, "content_block", text_block_new (""));
  add_event (reply, data);

  /* Written as the API writes it, spaces included. */
  mock_reply_add_sse (reply, "ping", "{\"type\": \"ping\"}");

  for (guint i = 0; i < tokens->len; i++)
    {
      data = event_new ("content_block_delta");
      delta = json_object_new ();
      json_object_set_int_member (data, "index", 0);
      json_object_set_string_member (delta, "type", "text_delta");
      json_object_set_string_member (delta, "text", g_ptr_array_index (tokens, i));
      json_object_set_object_member (data, "delta", delta);
      add_event (reply, data);
    }

  data = event_new ("content_block_stop");
  json_object_set_int_member (data, "index", 0);
  add_event (reply, data);

  data = event_new ("message_delta");
  delta = json_object_new ();
  json_object_set_string_member (delta, "stop_reason", stop_reason);
  json_object_set_null_member (delta, "stop_sequence");
  json_object_set_object_member (data, "delta", delta);
  /* A total, not an increment. */
  usage = json_object_new ();
  json_object_set_int_member (usage, "output_tokens", tokens->len);
  json_object_set_object_member (data, "usage", usage);
  add_event (reply, data);

  add_event (reply, event_new ("message_stop"));
  mock_reply_send (reply, d);
}

/* The body checks the API makes, in its words; NULL if the body passes. */
static const char *
invalid_body (JsonObject *root)
{
  JsonArray *messages = mock_json_array (root, "messages");

  if (root == NULL)
    return "The request body is not valid JSON.";
  if (mock_json_string (root, "model") == NULL)
    return "model: Field required";
  if (messages == NULL)
    return "messages: Field required";
  if (mock_json_int (root, "max_tokens", -1) < 0)
    return "max_tokens: Field required";
  if (json_array_get_length (messages) == 0)
    return "messages: at least one message is required";
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      const char *role = JSON_NODE_HOLDS_OBJECT (node) ? mock_json_string (json_node_get_object (node), "role") : NULL;

      if (g_strcmp0 (role, "system") == 0)
        return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, "
               "not \"system\" as an input message role.";
      if (g_strcmp0 (role, "user") != 0 && g_strcmp0 (role, "assistant") != 0)
        return "messages: roles must be \"user\" or \"assistant\"";
    }
  return NULL;
}

/* A missing key, or the rejected "invalid-key", is a 401 as Anthropic
 * sends it. Replies and returns FALSE then. */
static gboolean
check_key (Mock              *mock,
           SoupServerMessage *msg)
{
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "x-api-key");
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "request-id", "req_mock");
  if (key == NULL || *key == '\0')
    {
      mock_reply_error (mock, msg, &anthropic_dialect, 401, "x-api-key header is required", &none);
      return FALSE;
    }
  if (g_str_equal (key, MOCK_INVALID_KEY))
    {
      mock_reply_error (mock, msg, &anthropic_dialect, 401, "invalid x-api-key", &none);
      return FALSE;
    }
  return TRUE;
}

/* GET /v1/models */
void
mock_anthropic_models (Mock              *mock,
                       SoupServerMessage *msg)
{
  static const char list[] = "{\"data\":[{\"type\":\"model\",\"id\":\"claude-3-5-sonnet-20241022\","
                             "\"display_name\":\"Claude 3.5 Sonnet\",\"created_at\":\"2024-10-22T00:00:00Z\"}],"
                             "\"has_more\":false,\"first_id\":\"claude-3-5-sonnet-20241022\","
                             "\"last_id\":\"claude-3-5-sonnet-20241022\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (list, sizeof list - 1);
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;

  if (check_key (mock, msg))
    mock_reply_bytes (mock, msg, 200, "application/json", body, &none);
}

void
mock_anthropic_messages (Mock              *mock,
                         SoupServerMessage *msg)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(Directives) d = MOCK_DIRECTIVES_INIT;
  g_auto(Directives) none = MOCK_DIRECTIVES_INIT;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autofree char *last_user = NULL;
  g_autofree char *system = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) whole = NULL;
  JsonObject *root;
  JsonArray *content;
  const char *model, *invalid, *stop_reason;
  guint input_tokens = 0;

  if (!check_key (mock, msg))
    return;
  if (soup_message_headers_get_one (request_headers, "anthropic-version") == NULL)
    {
      mock_reply_error (mock, msg, &anthropic_dialect, 400, "anthropic-version: header is required", &none);
      return;
    }
  root = mock_request_json (msg, parser);
  invalid = invalid_body (root);
  if (invalid != NULL)
    {
      mock_reply_error (mock, msg, &anthropic_dialect, 400, invalid, &none);
      return;
    }

  model = mock_json_string (root, "model");
  system = mock_content_text (json_object_get_member (root, "system"));
  input_tokens = mock_count_words (system);
  last_user = mock_conversation_read (mock_json_array (root, "messages"), &input_tokens);
  mock_directives_parse (last_user, &d);
  mock_faults_attempt (mock, last_user, &d);
  if (mock_reply_directed (mock, msg, &anthropic_dialect, &d))
    return;

  tokens = mock_tokens_new (&d, last_user);
  stop_reason = mock_tokens_limit (tokens, mock_json_int (root, "max_tokens", -1)) ? "max_tokens" : "end_turn";
  id = g_strdup_printf ("msg_mock%" G_GUINT64_FORMAT, ++mock->completion_counter);
  if (mock_json_bool (root, "stream", FALSE))
    {
      reply_streamed (mock, msg, id, model, tokens, stop_reason, input_tokens, &d);
      return;
    }

  text = mock_tokens_join (tokens);
  content = json_array_new ();
  json_array_add_object_element (content, text_block_new (text));
  whole = message_new (id, model, content, stop_reason, usage_new (input_tokens, tokens->len));
  mock_reply_json (mock, msg, 200, "application/json", whole, &d);
}
