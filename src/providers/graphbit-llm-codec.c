/* graphbit-llm-codec.c - what all chat codecs share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "graphbit-llm-codec-private.h"
#include "graphbit-error-private.h"
#include "graphbit-json-private.h"

const GraphbitLlmCodec *
graphbit_llm_codec_for_provider (GraphbitLlmProvider provider)
{
  switch (provider)
    {
    case GRAPHBIT_LLM_PROVIDER_OPENAI:
      return &graphbit_openai_codec;
    case GRAPHBIT_LLM_PROVIDER_ANTHROPIC:
      return &graphbit_anthropic_codec;
    case GRAPHBIT_LLM_PROVIDER_OLLAMA:
      return &graphbit_ollama_codec;
    default:
      g_return_val_if_reached (NULL);
    }
}

GError *
graphbit_llm_codec_bad_body (const GraphbitLlmCodec *codec,
                             const char             *what)
{
  return graphbit_json_bad_body (codec->name, codec->label, what);
}

JsonNode *
graphbit_llm_codec_parse_object (const GraphbitLlmCodec  *codec,
                                 const char              *what,
                                 const char              *data,
                                 gsize                    len,
                                 GError                 **error)
{
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root = graphbit_json_parse_object (data, len, &parse_error);

  if (root == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s is not a JSON object (%s)", what, parse_error->message);

      g_propagate_error (error, graphbit_llm_codec_bad_body (codec, message));
    }
  return root;
}

char *
graphbit_llm_codec_envelope_message (const char *data,
                                     gsize       len,
                                     const char *tag)
{
  g_autoptr(JsonNode) root = graphbit_json_parse_object (data, len, NULL);
  JsonObject *error;
  const char *message, *value;

  if (root == NULL)
    return NULL;
  error = graphbit_json_get_object (json_node_get_object (root), "error");
  message = graphbit_json_get_string (error, "message");
  if (message == NULL)
    return NULL;
  value = graphbit_json_get_string (error, tag);
  return value != NULL ? g_strdup_printf ("%s (%s: %s)", message, tag, value) : g_strdup (message);
}

void
graphbit_llm_codec_add_messages (JsonBuilder        *builder,
                                 GraphbitLlmRequest *request,
                                 gboolean            skip_system)
{
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < graphbit_llm_request_get_n_messages (request); i++)
    {
      GraphbitLlmRole role = graphbit_llm_request_get_message_role (request, i);

      if (skip_system && role == GRAPHBIT_LLM_ROLE_SYSTEM)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, graphbit_llm_role_to_string (role));
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, graphbit_llm_request_get_message_content (request, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

void
graphbit_stream_accumulator_init (GraphbitStreamAccumulator *acc)
{
  memset (acc, 0, sizeof *acc);
  acc->delta = g_string_new (NULL);
  acc->content = g_string_new (NULL);
}

void
graphbit_stream_accumulator_clear (GraphbitStreamAccumulator *acc)
{
  if (acc->delta != NULL)
    g_string_free (acc->delta, TRUE);
  if (acc->content != NULL)
    g_string_free (acc->content, TRUE);
  g_free (acc->finish_reason);
  g_free (acc->model);
  g_free (acc->id);
  memset (acc, 0, sizeof *acc);
}

void
graphbit_stream_accumulator_add_text (GraphbitStreamAccumulator *acc,
                                      const char                *text)
{
  if (text == NULL || text[0] == '\0')
    return;
  g_string_append (acc->delta, text);
  g_string_append (acc->content, text);
}

void
graphbit_stream_accumulator_set (char       **slot,
                                 const char  *value)
{
  if (value == NULL)
    return;
  g_free (*slot);
  *slot = g_strdup (value);
}

GraphbitLlmResponse *
graphbit_stream_accumulator_to_response (GraphbitStreamAccumulator *acc)
{
  GraphbitLlmResponse *response = graphbit_llm_response_new (acc->content->str, acc->finish_reason,
                                                             acc->model, acc->id);

  graphbit_llm_response_set_usage (response, acc->prompt_tokens, acc->completion_tokens,
                                   acc->prompt_tokens + acc->completion_tokens);
  return response;
}
