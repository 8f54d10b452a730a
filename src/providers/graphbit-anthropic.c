/* graphbit-anthropic.c - Anthropic Messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST {base_url}/v1/messages with x-api-key and anthropic-version. System
 * messages are lifted into the top-level "system" field (the API has no
 * system role), and max_tokens, which the API requires, defaults to 4096.
 * See shared/reference/wire-protocols.md §4.
 */

#include "config.h"

#include <string.h>

#include "graphbit-llm-codec-private.h"
#include "graphbit-json-private.h"
#include "graphbit-error-private.h"
#include "http/graphbit-http-private.h"

#define ANTHROPIC_VERSION "2023-06-01"
#define DEFAULT_MAX_TOKENS 4096

static void
anthropic_authorize (SoupMessage       *msg,
                     GraphbitLlmConfig *config)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "x-api-key", graphbit_llm_config_get_api_key (config));
  soup_message_headers_replace (headers, "anthropic-version", ANTHROPIC_VERSION);
}

static char *
joined_system_prompt (GraphbitLlmRequest *request)
{
  g_autoptr(GString) system = NULL;

  for (guint i = 0; i < graphbit_llm_request_get_n_messages (request); i++)
    {
      if (graphbit_llm_request_get_message_role (request, i) != GRAPHBIT_LLM_ROLE_SYSTEM)
        continue;
      if (system == NULL)
        system = g_string_new (NULL);
      else
        g_string_append (system, "\n\n");
      g_string_append (system, graphbit_llm_request_get_message_content (request, i));
    }
  return system != NULL ? g_string_free (g_steal_pointer (&system), FALSE) : NULL;
}

static SoupMessage *
anthropic_build_request (GraphbitLlmConfig  *config,
                         GraphbitLlmRequest *request,
                         gboolean            stream,
                         GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *url = g_strconcat (graphbit_llm_config_get_base_url (config), "/v1/messages", NULL);
  g_autofree char *system = joined_system_prompt (request);
  g_autofree char *json = NULL;
  gint max_tokens = graphbit_llm_request_get_max_tokens (request);
  SoupMessage *msg;
  gsize len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, graphbit_llm_config_get_model (config));
  json_builder_set_member_name (builder, "max_tokens");
  json_builder_add_int_value (builder, max_tokens > 0 ? max_tokens : DEFAULT_MAX_TOKENS);
  if (system != NULL)
    {
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, system);
    }

  /* The API has no system role: those went into "system" above. */
  graphbit_llm_codec_add_messages (builder, request, TRUE);

  if (graphbit_llm_request_has_temperature (request))
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, graphbit_llm_request_get_temperature (request));
    }
  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);

  json = graphbit_json_builder_to_data (builder, &len);
  msg = graphbit_http_new_json_post (url, json, len, error);
  if (msg != NULL)
    anthropic_authorize (msg, config);
  return msg;
}

/* The text of every text block; tool_use and thinking blocks carry none. */
static char *
text_of_content (JsonArray *content)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; content != NULL && i < json_array_get_length (content); i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      JsonObject *block = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (graphbit_json_get_string (block, "type"), "text") == 0
          && graphbit_json_get_string (block, "text") != NULL)
        g_string_append (text, graphbit_json_get_string (block, "text"));
    }
  return g_string_free (text, FALSE);
}

static GraphbitLlmResponse *
anthropic_parse_response (const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  JsonObject *object, *usage;
  JsonArray *content;
  GraphbitLlmResponse *response;
  guint input_tokens = 0, output_tokens = 0;

  root = graphbit_llm_codec_parse_object (&graphbit_anthropic_codec, "the body", data, len, error);
  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  content = graphbit_json_get_array (object, "content");
  if (content == NULL)
    {
      g_propagate_error (error, graphbit_llm_codec_bad_body (&graphbit_anthropic_codec,
                                                             "the message has no content array"));
      return NULL;
    }

  text = text_of_content (content);
  response = graphbit_llm_response_new (text,
                                        graphbit_json_get_string (object, "stop_reason"),
                                        graphbit_json_get_string (object, "model"),
                                        graphbit_json_get_string (object, "id"));
  usage = graphbit_json_get_object (object, "usage");
  if (usage != NULL)
    {
      input_tokens = graphbit_json_get_uint (usage, "input_tokens");
      output_tokens = graphbit_json_get_uint (usage, "output_tokens");
    }
  /* Anthropic reports no total; it is input plus output. */
  graphbit_llm_response_set_usage (response, input_tokens, output_tokens, input_tokens + output_tokens);
  return response;
}

/* {"type": "error", "error": {"type", "message"}, "request_id"} */
static char *
anthropic_error_message (const char *data,
                        gsize       len)
{
  return graphbit_llm_codec_envelope_message (data, len, "type");
}

/* An error event inside a 200 stream: mapped by its type, not a status. */
static GError *
anthropic_stream_error (JsonObject *object)
{
  JsonObject *error_object = graphbit_json_get_object (object, "error");
  const char *type = graphbit_json_get_string (error_object, "type");
  const char *message = graphbit_json_get_string (error_object, "message");
  GraphbitError kind = GRAPHBIT_ERROR_PROVIDER;
  GError *error;

  if (g_strcmp0 (type, "rate_limit_error") == 0 || g_strcmp0 (type, "overloaded_error") == 0)
    kind = GRAPHBIT_ERROR_RATE_LIMIT;
  else if (g_strcmp0 (type, "authentication_error") == 0 || g_strcmp0 (type, "permission_error") == 0)
    kind = GRAPHBIT_ERROR_AUTHENTICATION;

  error = graphbit_error_new (kind, "Anthropic reported an error during the stream: %s (type: %s)",
                              message != NULL ? message : "(no message)", type != NULL ? type : "unknown");
  graphbit_error_set_provider (error, "anthropic");
  return error;
}

static gboolean
anthropic_parse_stream_event (GraphbitStreamAccumulator  *acc,
                              const char                 *event,
                              const char                 *data,
                              gsize                       len,
                              GError                    **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *message, *usage, *delta;
  const char *type;

  root = graphbit_llm_codec_parse_object (&graphbit_anthropic_codec, "a stream event", data, len, error);
  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  type = graphbit_json_get_string (object, "type");
  if (type == NULL)
    type = event;

  if (g_strcmp0 (type, "message_start") == 0)
    {
      message = graphbit_json_get_object (object, "message");
      graphbit_stream_accumulator_set (&acc->id, graphbit_json_get_string (message, "id"));
      graphbit_stream_accumulator_set (&acc->model, graphbit_json_get_string (message, "model"));
      usage = graphbit_json_get_object (message, "usage");
      if (usage != NULL)
        {
          acc->prompt_tokens = graphbit_json_get_uint (usage, "input_tokens");
          acc->completion_tokens = graphbit_json_get_uint (usage, "output_tokens");
        }
    }
  else if (g_strcmp0 (type, "content_block_delta") == 0)
    {
      delta = graphbit_json_get_object (object, "delta");
      if (g_strcmp0 (graphbit_json_get_string (delta, "type"), "text_delta") == 0)
        graphbit_stream_accumulator_add_text (acc, graphbit_json_get_string (delta, "text"));
    }
  else if (g_strcmp0 (type, "message_delta") == 0)
    {
      delta = graphbit_json_get_object (object, "delta");
      graphbit_stream_accumulator_set (&acc->finish_reason, graphbit_json_get_string (delta, "stop_reason"));
      /* These usage numbers are running totals, not increments. */
      usage = graphbit_json_get_object (object, "usage");
      if (usage != NULL && graphbit_json_get_uint (usage, "output_tokens") > 0)
        acc->completion_tokens = graphbit_json_get_uint (usage, "output_tokens");
      if (usage != NULL && graphbit_json_get_uint (usage, "input_tokens") > 0)
        acc->prompt_tokens = graphbit_json_get_uint (usage, "input_tokens");
      acc->finished = TRUE;
    }
  else if (g_strcmp0 (type, "message_stop") == 0)
    acc->finished = TRUE;
  else if (g_strcmp0 (type, "error") == 0)
    {
      g_propagate_error (error, anthropic_stream_error (object));
      return FALSE;
    }
  /* ping and unknown event types are ignored, as Anthropic's versioning
   * policy asks. */
  return TRUE;
}

static SoupMessage *
anthropic_build_warmup (GraphbitLlmConfig  *config,
                        GError            **error)
{
  SoupMessage *msg = graphbit_http_new_get (graphbit_llm_config_get_base_url (config), "/v1/models", error);

  if (msg != NULL)
    anthropic_authorize (msg, config);
  return msg;
}

const GraphbitLlmCodec graphbit_anthropic_codec = {
  .name = "anthropic",
  .label = "Anthropic",
  .default_timeout_ms = 60 * 1000,
  .build_request = anthropic_build_request,
  .parse_response = anthropic_parse_response,
  .error_message = anthropic_error_message,
  .stream_format = GRAPHBIT_STREAM_FORMAT_SSE,
  .parse_stream_event = anthropic_parse_stream_event,
  .build_warmup = anthropic_build_warmup,
};
