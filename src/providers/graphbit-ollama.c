/* graphbit-ollama.c - Ollama's native chat API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST {base_url}/api/chat. "stream" is always sent because the API
 * defaults it to true; sampling options go inside "options"
 * (num_predict is the output cap). Streams are NDJSON, one object per
 * line, the last one with done:true and the counts. See
 * shared/reference/wire-protocols.md §5.
 */

#include "config.h"

#include "graphbit-llm-codec-private.h"
#include "graphbit-json-private.h"
#include "graphbit-error-private.h"
#include "http/graphbit-http-private.h"

/* A local server needs no key; ollama.com takes a bearer token. */
static void
ollama_authorize (SoupMessage       *msg,
                  GraphbitLlmConfig *config)
{
  graphbit_http_set_bearer (msg, graphbit_llm_config_get_api_key (config));
}

static SoupMessage *
ollama_build_request (GraphbitLlmConfig  *config,
                      GraphbitLlmRequest *request,
                      gboolean            stream,
                      GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *url = g_strconcat (graphbit_llm_config_get_base_url (config), "/api/chat", NULL);
  g_autofree char *json = NULL;
  gboolean has_max_tokens = graphbit_llm_request_get_max_tokens (request) > 0;
  gboolean has_temperature = graphbit_llm_request_has_temperature (request);
  SoupMessage *msg;
  gsize len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, graphbit_llm_config_get_model (config));
  graphbit_llm_codec_add_messages (builder, request, FALSE);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, stream);

  if (has_max_tokens || has_temperature)
    {
      json_builder_set_member_name (builder, "options");
      json_builder_begin_object (builder);
      if (has_max_tokens)
        {
          json_builder_set_member_name (builder, "num_predict");
          json_builder_add_int_value (builder, graphbit_llm_request_get_max_tokens (request));
        }
      if (has_temperature)
        {
          json_builder_set_member_name (builder, "temperature");
          json_builder_add_double_value (builder, graphbit_llm_request_get_temperature (request));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json = graphbit_json_builder_to_data (builder, &len);
  msg = graphbit_http_new_json_post (url, json, len, error);
  if (msg != NULL)
    ollama_authorize (msg, config);
  return msg;
}

/* The final chunk and the non-streamed answer share this shape. */
static void
read_final_fields (GraphbitStreamAccumulator *acc,
                   JsonObject                *object)
{
  graphbit_stream_accumulator_set (&acc->model, graphbit_json_get_string (object, "model"));
  graphbit_stream_accumulator_set (&acc->finish_reason, graphbit_json_get_string (object, "done_reason"));
  /* Every count is omitted when zero (a prompt served from cache). */
  acc->prompt_tokens = graphbit_json_get_uint (object, "prompt_eval_count");
  acc->completion_tokens = graphbit_json_get_uint (object, "eval_count");
}

static gboolean
is_done (JsonObject *object)
{
  JsonNode *done = json_object_get_member (object, "done");

  return done != NULL && JSON_NODE_HOLDS_VALUE (done)
      && json_node_get_value_type (done) == G_TYPE_BOOLEAN && json_node_get_boolean (done);
}

/* Adds the text of @object's message to @acc: "content" is text, or
 * absent or null (a tool call, or a chunk without text); anything else is
 * refused, not read as an empty answer. */
static gboolean
add_message_text (GraphbitStreamAccumulator  *acc,
                  JsonObject                 *message,
                  GError                    **error)
{
  const char *text;

  if (!graphbit_json_get_optional_string (message, "content", &text))
    {
      g_propagate_error (error, graphbit_llm_codec_bad_body (&graphbit_ollama_codec,
                                                             "message.content is not text"));
      return FALSE;
    }
  graphbit_stream_accumulator_add_text (acc, text);
  return TRUE;
}

static GraphbitLlmResponse *
ollama_parse_response (const char  *data,
                       gsize        len,
                       GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  GraphbitStreamAccumulator acc;
  JsonObject *object, *message;
  GraphbitLlmResponse *response;

  root = graphbit_llm_codec_parse_object (&graphbit_ollama_codec, "the body", data, len, error);
  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  message = graphbit_json_get_object (object, "message");
  if (message == NULL)
    {
      g_propagate_error (error, graphbit_llm_codec_bad_body (&graphbit_ollama_codec, "the answer has no message"));
      return NULL;
    }

  graphbit_stream_accumulator_init (&acc);
  if (!add_message_text (&acc, message, error))
    {
      graphbit_stream_accumulator_clear (&acc);
      return NULL;
    }
  read_final_fields (&acc, object);
  response = graphbit_stream_accumulator_to_response (&acc);
  graphbit_stream_accumulator_clear (&acc);
  return response;
}


static gboolean
ollama_parse_stream_event (GraphbitStreamAccumulator  *acc,
                           const char                 *event,
                           const char                 *data,
                           gsize                       len,
                           GError                    **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *failure;

  root = graphbit_llm_codec_parse_object (&graphbit_ollama_codec, "a stream line", data, len, error);
  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);

  /* A failure after streaming began keeps the 200 and ends with {"error"}. */
  failure = graphbit_json_get_string (object, "error");
  if (failure != NULL)
    {
      GError *local_error = graphbit_error_new (GRAPHBIT_ERROR_PROVIDER,
                                                "Ollama reported an error during the stream: %s", failure);

      graphbit_error_set_provider (local_error, "ollama");
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (!add_message_text (acc, graphbit_json_get_object (object, "message"), error))
    return FALSE;
  if (is_done (object))
    {
      read_final_fields (acc, object);
      acc->finished = TRUE;
    }
  else
    graphbit_stream_accumulator_set (&acc->model, graphbit_json_get_string (object, "model"));
  return TRUE;
}

/* /api/generate without a prompt loads the model into memory. */
static SoupMessage *
ollama_build_warmup (GraphbitLlmConfig  *config,
                     GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *url = g_strconcat (graphbit_llm_config_get_base_url (config), "/api/generate", NULL);
  g_autofree char *json = NULL;
  SoupMessage *msg;
  gsize len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, graphbit_llm_config_get_model (config));
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  json = graphbit_json_builder_to_data (builder, &len);
  msg = graphbit_http_new_json_post (url, json, len, error);
  if (msg != NULL)
    ollama_authorize (msg, config);
  return msg;
}

const GraphbitLlmCodec graphbit_ollama_codec = {
  .name = "ollama",
  .label = "Ollama",
  /* Local models can take minutes to load and answer. */
  .default_timeout_ms = 180 * 1000,
  .build_request = ollama_build_request,
  .parse_response = ollama_parse_response,
  /* {"error": "model 'x' not found"} */
  .error_message = graphbit_json_error_text,
  .stream_format = GRAPHBIT_STREAM_FORMAT_NDJSON,
  .parse_stream_event = ollama_parse_stream_event,
  .build_warmup = ollama_build_warmup,
};
