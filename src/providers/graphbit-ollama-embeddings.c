/* graphbit-ollama-embeddings.c - Ollama's /api/embed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST {base_url}/api/embed {"model", "input": [texts]}: "embeddings" is
 * always 2-D, one row per input. The legacy /api/embeddings answer
 * ({"embedding": [...]}, one input) is read too, for servers that proxy
 * it. See shared/reference/wire-protocols.md §5.3.
 */

#include "config.h"

#include "graphbit-embedding-codec-private.h"
#include "graphbit-json-private.h"

static SoupMessage *
ollama_build_request (GraphbitEmbeddingConfig  *config,
                      const char * const       *texts,
                      guint                     n_texts,
                      GError                  **error)
{
  g_autoptr(JsonBuilder) builder = graphbit_embedding_codec_begin_body (config, TRUE);
  g_autofree char *url = g_strconcat (graphbit_embedding_config_get_base_url (config), "/api/embed", NULL);

  graphbit_embedding_codec_add_texts (builder, "input", texts, n_texts, FALSE);
  return graphbit_embedding_codec_post (config, url, builder, error);
}

static GraphbitEmbeddings *
ollama_parse_response (const char  *data,
                       gsize        len,
                       guint        n_texts,
                       GError     **error)
{
  const GraphbitEmbeddingCodec *codec = &graphbit_ollama_embedding_codec;
  g_autoptr(JsonNode) root = graphbit_embedding_codec_parse_object (codec, data, len, error);
  GraphbitVectorSet set;
  GraphbitEmbeddings *embeddings = NULL;
  JsonObject *object;
  JsonArray *rows;
  JsonNode *legacy;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  rows = graphbit_json_get_array (object, "embeddings");
  legacy = json_object_get_member (object, "embedding");

  graphbit_vector_set_init (&set, codec, n_texts, len);
  if (rows == NULL && legacy != NULL && n_texts == 1 ? graphbit_vector_set_put (&set, 0, legacy, FALSE, error)
                                                     : graphbit_vector_set_put_rows (&set, rows, FALSE, error))
    /* Counts are left out when zero. */
    embeddings = graphbit_vector_set_finish (&set, graphbit_json_get_string (object, "model"),
                                             graphbit_json_get_uint (object, "prompt_eval_count"), error);
  graphbit_vector_set_clear (&set);
  return embeddings;
}

const GraphbitEmbeddingCodec graphbit_ollama_embedding_codec = {
  .name = "ollama",
  .label = "Ollama",
  /* Local models can take minutes to load. */
  .default_timeout_ms = 180 * 1000,
  /* The server embeds the inputs one after the other: keep each request
   * well inside the attempt timeout. */
  .max_inputs = 256,
  .build_request = ollama_build_request,
  .parse_response = ollama_parse_response,
  /* {"error": "model 'x' not found"} */
  .error_message = graphbit_json_error_text,
};
