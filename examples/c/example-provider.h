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

/* The provider named by the first argument (default "openai"), and the
 * model from @model_variable, NULL when it is unset or empty. */
static inline const char *
example_provider (int          argc,
                  char       **argv,
                  const char  *model_variable,
                  const char **model)
{
  *model = g_getenv (model_variable);
  if (*model != NULL && **model == '\0')
    *model = NULL;
  return argc > 1 ? argv[1] : "openai";
}

static inline gpointer
example_unknown_provider (const char  *provider,
                          const char  *choices,
                          GError     **error)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown provider '%s': use %s", provider, choices);
  return NULL;
}

static inline GraphbitLlmConfig *
example_config_from_argv (int      argc,
                          char   **argv,
                          GError **error)
{
  const char *model;
  const char *provider = example_provider (argc, argv, "GRAPHBIT_MODEL", &model);

  if (g_str_equal (provider, "openai"))
    return graphbit_llm_config_openai (NULL, model, NULL, error);
  if (g_str_equal (provider, "anthropic"))
    return graphbit_llm_config_anthropic (NULL, model, NULL, error);
  if (g_str_equal (provider, "ollama"))
    return graphbit_llm_config_ollama (model, NULL, error);
  return example_unknown_provider (provider, "openai, anthropic or ollama", error);
}

static inline GraphbitEmbeddingConfig *
example_embedding_config_from_argv (int      argc,
                                    char   **argv,
                                    GError **error)
{
  const char *model;
  const char *provider = example_provider (argc, argv, "GRAPHBIT_EMBEDDING_MODEL", &model);

  if (g_str_equal (provider, "openai"))
    return graphbit_embedding_config_openai (NULL, model, NULL, error);
  if (g_str_equal (provider, "huggingface"))
    return graphbit_embedding_config_huggingface (NULL, model, NULL, error);
  if (g_str_equal (provider, "ollama"))
    return graphbit_embedding_config_ollama (model, NULL, error);
  return example_unknown_provider (provider, "openai, huggingface or ollama", error);
}
