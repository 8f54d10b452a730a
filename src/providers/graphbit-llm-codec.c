/* graphbit-llm-codec.c - which codec speaks for which provider
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-llm-codec-private.h"

const GraphbitLlmCodec *
graphbit_llm_codec_for_provider (GraphbitLlmProvider provider)
{
  switch (provider)
    {
    case GRAPHBIT_LLM_PROVIDER_OPENAI:
      return &graphbit_openai_codec;
    case GRAPHBIT_LLM_PROVIDER_ANTHROPIC:
    case GRAPHBIT_LLM_PROVIDER_OLLAMA:
    default:
      /* Their codecs arrive with the "LLM providers" issue. */
      return NULL;
    }
}
