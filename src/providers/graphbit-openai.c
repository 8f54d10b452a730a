/* graphbit-openai.c - OpenAI Chat Completions (and compatible servers)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST {base_url}/chat/completions with a bearer key. The official endpoint
 * gets max_completion_tokens (reasoning models reject max_tokens); other
 * OpenAI-compatible servers get max_tokens, which all of them understand.
 * See shared/reference/wire-protocols.md §2.
 */

#include "config.h"

#include "graphbit-llm-codec-private.h"
#include "graphbit-json-private.h"
#include "graphbit-endpoint-private.h"
#include "graphbit-error-private.h"
#include "http/graphbit-http-private.h"

static void
openai_authorize (SoupMessage       *msg,
                  GraphbitLlmConfig *config)
{
  graphbit_http_set_bearer (msg, graphbit_llm_config_get_api_key (config));
}

static SoupMessage *
openai_build_request (GraphbitLlmConfig  *config,
                      GraphbitLlmRequest *request,
                      gboolean            stream,
                      GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *url = g_strconcat (graphbit_llm_config_get_base_url (config), "/chat/completions", NULL);
  g_autofree char *json = NULL;
  gboolean official = graphbit_endpoint_host_is (graphbit_llm_config_get_base_url (config), "api.openai.com");
  SoupMessage *msg;
  gsize len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, graphbit_llm_config_get_model (config));

  graphbit_llm_codec_add_messages (builder, request, FALSE);

  if (graphbit_llm_request_get_max_tokens (request) > 0)
    {
      json_builder_set_member_name (builder, official ? "max_completion_tokens" : "max_tokens");
      json_builder_add_int_value (builder, graphbit_llm_request_get_max_tokens (request));
    }
  if (graphbit_llm_request_has_temperature (request))
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, graphbit_llm_request_get_temperature (request));
    }
  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "stream_options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "include_usage");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json = graphbit_json_builder_to_data (builder, &len);
  msg = graphbit_http_new_json_post (url, json, len, error);
  if (msg == NULL)
    return NULL;

  openai_authorize (msg, config);
  return msg;
}

/* The text of a message's or a delta's "content" into *@text: a string
 * (borrowed from @holder); null or absent (a tool call) as NULL; or, as
 * some compatible servers send (Mistral's reasoning models, for one), a
 * list of parts, whose "text" parts are the answer, joined in order into
 * *@joined, which *@text then points to ("thinking" parts and the like
 * are left out). FALSE, with @error, for anything else: the answer would
 * be lost without a word otherwise. */
static gboolean
openai_content_text (JsonObject  *holder,
                     const char  *where,
                     const char **text,
                     char       **joined,
                     GError     **error)
{
  JsonArray *parts;
  GString *buffer;

  /* Text, or null, in nearly every answer and chunk: one lookup. */
  if (graphbit_json_get_optional_string (holder, "content", text))
    return TRUE;
  parts = graphbit_json_get_array (holder, "content");
  if (parts == NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s.content is neither text nor a list of parts", where);

      g_propagate_error (error, graphbit_llm_codec_bad_body (&graphbit_openai_codec, why));
      return FALSE;
    }
  buffer = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode *node = json_array_get_element (parts, i);
      JsonObject *part = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *part_text = graphbit_json_get_string (part, "text");

      if (g_strcmp0 (graphbit_json_get_string (part, "type"), "text") == 0 && part_text != NULL)
        g_string_append (buffer, part_text);
    }
  *joined = g_string_free (buffer, FALSE);
  *text = *joined;
  return TRUE;
}

static GraphbitLlmResponse *
openai_parse_response (const char  *data,
                       gsize        len,
                       GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *choice = NULL, *message, *usage;
  JsonArray *choices;
  GraphbitLlmResponse *response;
  const char *content;
  g_autofree char *joined = NULL;

  root = graphbit_llm_codec_parse_object (&graphbit_openai_codec, "the body", data, len, error);
  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);

  choices = graphbit_json_get_array (object, "choices");
  if (choices != NULL && json_array_get_length (choices) > 0)
    {
      JsonNode *first = json_array_get_element (choices, 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        choice = json_node_get_object (first);
    }
  message = graphbit_json_get_object (choice, "message");
  if (message == NULL)
    {
      g_propagate_error (error, graphbit_llm_codec_bad_body (&graphbit_openai_codec,
                                                             "the completion has no choices[0].message"));
      return NULL;
    }

  /* content is null when the model called tools instead of answering. */
  if (!openai_content_text (message, "choices[0].message", &content, &joined, error))
    return NULL;
  response = graphbit_llm_response_new (content,
                                        graphbit_json_get_string (choice, "finish_reason"),
                                        graphbit_json_get_string (object, "model"),
                                        graphbit_json_get_string (object, "id"));
  usage = graphbit_json_get_object (object, "usage");
  if (usage != NULL)
    graphbit_llm_response_set_usage (response,
                                     graphbit_json_get_uint (usage, "prompt_tokens"),
                                     graphbit_json_get_uint (usage, "completion_tokens"),
                                     graphbit_json_get_uint (usage, "total_tokens"));
  return response;
}

/* {"error": {"message", "type", "param", "code"}} */
static char *
openai_error_message (const char *data,
                     gsize       len)
{
  return graphbit_llm_codec_envelope_message (data, len, "code");
}

/* An error object sent as a data payload of a 200 stream. */
static GError *
openai_stream_error (JsonObject *error_object)
{
  const char *message = graphbit_json_get_string (error_object, "message");
  const char *type = graphbit_json_get_string (error_object, "type");
  const char *code = graphbit_json_get_string (error_object, "code");
  GraphbitError kind = GRAPHBIT_ERROR_PROVIDER;
  GError *error;

  if (g_strcmp0 (code, "rate_limit_exceeded") == 0 || g_strcmp0 (type, "rate_limit_exceeded") == 0)
    kind = GRAPHBIT_ERROR_RATE_LIMIT;
  else if (g_strcmp0 (code, "invalid_api_key") == 0)
    kind = GRAPHBIT_ERROR_AUTHENTICATION;

  error = graphbit_error_new (kind, "OpenAI reported an error during the stream: %s%s%s%s",
                              message != NULL ? message : "(no message)",
                              type != NULL ? " (type: " : "", type != NULL ? type : "", type != NULL ? ")" : "");
  graphbit_error_set_provider (error, "openai");
  return error;
}

/* Adds a streamed choice's delta text to @acc. */
static gboolean
openai_delta_text (GraphbitStreamAccumulator  *acc,
                   JsonObject                 *choice,
                   GError                    **error)
{
  const char *text;
  g_autofree char *joined = NULL;

  if (!openai_content_text (graphbit_json_get_object (choice, "delta"), "choices[0].delta", &text, &joined, error))
    return FALSE;
  graphbit_stream_accumulator_add_text (acc, text);
  return TRUE;
}

static gboolean
openai_parse_stream_event (GraphbitStreamAccumulator  *acc,
                           const char                 *event,
                           const char                 *data,
                           gsize                       len,
                           GError                    **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *usage, *error_object;
  JsonArray *choices;

  /* The SDKs test the prefix only. */
  if (g_str_has_prefix (data, "[DONE]"))
    {
      acc->finished = TRUE;
      return TRUE;
    }

  root = graphbit_llm_codec_parse_object (&graphbit_openai_codec, "a stream event", data, len, error);
  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);

  error_object = graphbit_json_get_object (object, "error");
  if (error_object != NULL)
    {
      g_propagate_error (error, openai_stream_error (error_object));
      return FALSE;
    }

  graphbit_stream_accumulator_set (&acc->id, graphbit_json_get_string (object, "id"));
  graphbit_stream_accumulator_set (&acc->model, graphbit_json_get_string (object, "model"));

  /* The usage chunk has "choices": [], so never assume an element. */
  choices = graphbit_json_get_array (object, "choices");
  for (guint i = 0; choices != NULL && i < json_array_get_length (choices); i++)
    {
      JsonNode *node = json_array_get_element (choices, i);
      JsonObject *choice = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *index = choice != NULL ? json_object_get_member (choice, "index") : NULL;

      /* Only the first choice is an answer we deliver (n > 1 is not asked for). */
      if (choice == NULL || (index != NULL && JSON_NODE_HOLDS_VALUE (index) && json_node_get_int (index) != 0))
        continue;
      if (!openai_delta_text (acc, choice, error))
        return FALSE;
      if (graphbit_json_get_string (choice, "finish_reason") != NULL)
        {
          graphbit_stream_accumulator_set (&acc->finish_reason, graphbit_json_get_string (choice, "finish_reason"));
          /* Compatible servers may omit [DONE]; the finish reason already
           * says the answer is complete. */
          acc->finished = TRUE;
        }
    }

  usage = graphbit_json_get_object (object, "usage");
  if (usage != NULL)
    {
      acc->prompt_tokens = graphbit_json_get_uint (usage, "prompt_tokens");
      acc->completion_tokens = graphbit_json_get_uint (usage, "completion_tokens");
    }
  return TRUE;
}

/* Listing the models is cheap, authenticated and bills nothing. */
static SoupMessage *
openai_build_warmup (GraphbitLlmConfig  *config,
                     GError            **error)
{
  SoupMessage *msg = graphbit_http_new_get (graphbit_llm_config_get_base_url (config), "/models", error);

  if (msg != NULL)
    openai_authorize (msg, config);
  return msg;
}

const GraphbitLlmCodec graphbit_openai_codec = {
  .name = "openai",
  .label = "OpenAI",
  .default_timeout_ms = 60 * 1000,
  .build_request = openai_build_request,
  .parse_response = openai_parse_response,
  .error_message = openai_error_message,
  .stream_format = GRAPHBIT_STREAM_FORMAT_SSE,
  .parse_stream_event = openai_parse_stream_event,
  .build_warmup = openai_build_warmup,
};
