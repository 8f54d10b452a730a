/* graphbit-llm-codec.c - what all chat codecs share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "graphbit-llm-codec-private.h"
#include "graphbit-error-private.h"

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
  GError *error = graphbit_error_new (GRAPHBIT_ERROR_PROVIDER,
                                      "%s returned a response graphbit could not understand: %s",
                                      codec->label, what);

  graphbit_error_set_provider (error, codec->name);
  return error;
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
