/* graphbit-embedding-config.h - which embedding provider, model and endpoint to use
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
 * GraphbitEmbeddingProvider:
 * @GRAPHBIT_EMBEDDING_PROVIDER_OPENAI: OpenAI's `/embeddings`, or any
 *   server that speaks it (vLLM, llama.cpp server, LiteLLM, Hugging Face
 *   TEI's `/v1`) via the base URL.
 * @GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE: Hugging Face Inference
 *   feature extraction.
 * @GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA: Ollama's `/api/embed`.
 *
 * The wire protocol a #GraphbitEmbeddingConfig speaks.
 */
typedef enum {
  GRAPHBIT_EMBEDDING_PROVIDER_OPENAI,
  GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE,
  GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA,
} GraphbitEmbeddingProvider;

#define GRAPHBIT_TYPE_EMBEDDING_CONFIG (graphbit_embedding_config_get_type ())

GRAPHBIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraphbitEmbeddingConfig, graphbit_embedding_config, GRAPHBIT, EMBEDDING_CONFIG, GObject)

GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingConfig   *graphbit_embedding_config_openai            (const char               *api_key,
                                                                        const char               *model,
                                                                        const char               *base_url,
                                                                        GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingConfig   *graphbit_embedding_config_huggingface       (const char               *api_key,
                                                                        const char               *model,
                                                                        const char               *base_url,
                                                                        GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingConfig   *graphbit_embedding_config_ollama            (const char               *model,
                                                                        const char               *base_url,
                                                                        GError                  **error);
GRAPHBIT_AVAILABLE_IN_ALL
GraphbitEmbeddingProvider  graphbit_embedding_config_get_provider      (GraphbitEmbeddingConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char                *graphbit_embedding_config_get_provider_name (GraphbitEmbeddingConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char                *graphbit_embedding_config_get_model         (GraphbitEmbeddingConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
const char                *graphbit_embedding_config_get_base_url      (GraphbitEmbeddingConfig  *self);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean                   graphbit_embedding_config_has_api_key       (GraphbitEmbeddingConfig  *self);

G_END_DECLS
