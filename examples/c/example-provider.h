/* example-provider.h - the provider named on the command line, for the examples
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   ./example [openai|anthropic|ollama]
 *   ./embedding-example [openai|huggingface|ollama]
 *
 * Keys and base URLs come from the environment (OPENAI_API_KEY,
 * ANTHROPIC_API_KEY, HF_TOKEN, HF_BASE_URL, OLLAMA_HOST, ...);
 * GRAPHBIT_MODEL (GRAPHBIT_EMBEDDING_MODEL for embeddings) overrides the
 * model.
 */

#pragma once

#include <graphbit.h>

static inline GraphbitLlmConfig *
example_config_from_argv (int      argc,
                          char   **argv,
                          GError **error)
{
  const char *provider = argc > 1 ? argv[1] : "openai";
  const char *model = g_getenv ("GRAPHBIT_MODEL");

  if (model != NULL && *model == '\0')
    model = NULL;
  if (g_str_equal (provider, "openai"))
    return graphbit_llm_config_openai (NULL, model, NULL, error);
  if (g_str_equal (provider, "anthropic"))
    return graphbit_llm_config_anthropic (NULL, model, NULL, error);
  if (g_str_equal (provider, "ollama"))
    return graphbit_llm_config_ollama (model, NULL, error);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "unknown provider '%s': use openai, anthropic or ollama", provider);
  return NULL;
}

static inline GraphbitEmbeddingConfig *
example_embedding_config_from_argv (int      argc,
                                    char   **argv,
                                    GError **error)
{
  const char *provider = argc > 1 ? argv[1] : "openai";
  const char *model = g_getenv ("GRAPHBIT_EMBEDDING_MODEL");

  if (model != NULL && *model == '\0')
    model = NULL;
  if (g_str_equal (provider, "openai"))
    return graphbit_embedding_config_openai (NULL, model, NULL, error);
  if (g_str_equal (provider, "huggingface"))
    return graphbit_embedding_config_huggingface (NULL, model, NULL, error);
  if (g_str_equal (provider, "ollama"))
    return graphbit_embedding_config_ollama (model, NULL, error);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "unknown provider '%s': use openai, huggingface or ollama", provider);
  return NULL;
}
