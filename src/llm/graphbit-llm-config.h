/* graphbit-llm-config.h - which LLM provider, model and endpoint to use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib-object.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

/**
 * GraphbitLlmProvider:
 * @GRAPHBIT_LLM_PROVIDER_OPENAI: OpenAI Chat Completions, or any server
 *   that speaks it (vLLM, llama.cpp server, LM Studio, LiteLLM) via the
 *   base URL.
 * @GRAPHBIT_LLM_PROVIDER_ANTHROPIC: Anthropic Messages.
 * @GRAPHBIT_LLM_PROVIDER_OLLAMA: Ollama's native chat API.
 *
 * The wire protocol a #GraphbitLlmConfig speaks.
 */
typedef enum {
  GRAPHBIT_LLM_PROVIDER_OPENAI,
  GRAPHBIT_LLM_PROVIDER_ANTHROPIC,
  GRAPHBIT_LLM_PROVIDER_OLLAMA,
} GraphbitLlmProvider;

#define GRAPHBIT_TYPE_LLM_CONFIG (graphbit_llm_config_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitLlmConfig, graphbit_llm_config, GRAPHBIT, LLM_CONFIG, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmConfig   *graphbit_llm_config_openai            (const char         *api_key,
                                                            const char         *model,
                                                            const char         *base_url,
                                                            GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmConfig   *graphbit_llm_config_anthropic         (const char         *api_key,
                                                            const char         *model,
                                                            const char         *base_url,
                                                            GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmConfig   *graphbit_llm_config_ollama            (const char         *model,
                                                            const char         *base_url,
                                                            GError            **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitLlmProvider  graphbit_llm_config_get_provider      (GraphbitLlmConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char          *graphbit_llm_config_get_provider_name (GraphbitLlmConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char          *graphbit_llm_config_get_model         (GraphbitLlmConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char          *graphbit_llm_config_get_base_url      (GraphbitLlmConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean             graphbit_llm_config_has_api_key       (GraphbitLlmConfig  *self);

G_END_DECLS
