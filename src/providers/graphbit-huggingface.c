/* graphbit-huggingface.c - Hugging Face Inference feature extraction
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST {base_url}/models/{model}/pipeline/feature-extraction with a bearer
 * token (the router's current shape; the base defaults to
 * https://router.huggingface.co/hf-inference). The answer is a bare array
 * whose rank depends on the model: one string to a sentence-embedding
 * model gives 1-D, a list 2-D; a token-level model gives [1][tokens][hidden]
 * for one string and [n][1][tokens][hidden] for a list. Token vectors are
 * mean-pooled, so every rank gives one vector per text. A cold model
 * answers 503 {"error": "... is currently loading", "estimated_time": s},
 * which the call waits out. See shared/reference/wire-protocols.md §6.
 */

#include "config.h"

#include <string.h>

#include "graphbit-embedding-codec-private.h"
#include "graphbit-json-private.h"

static SoupMessage *
huggingface_build_request (GraphbitEmbeddingConfig  *config,
                           const char * const       *texts,
                           guint                     n_texts,
                           GError                  **error)
{
  g_autoptr(JsonBuilder) builder = graphbit_embedding_codec_begin_body (config, FALSE);
  /* Model ids are "owner/name": the slash stays, anything odd is escaped. */
  g_autofree char *model = g_uri_escape_string (graphbit_embedding_config_get_model (config), "/", FALSE);
  g_autofree char *url = g_strconcat (graphbit_embedding_config_get_base_url (config), "/models/", model,
                                      "/pipeline/feature-extraction", NULL);

  graphbit_embedding_codec_add_texts (builder, "inputs", texts, n_texts, TRUE);
  return graphbit_embedding_codec_post (config, url, builder, error);
}

static GraphbitEmbeddings *
huggingface_parse_response (const char  *data,
                            gsize        len,
                            guint        n_texts,
                            GError     **error)
{
  const GraphbitEmbeddingCodec *codec = &graphbit_huggingface_embedding_codec;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  GraphbitVectorSet set;
  GraphbitEmbeddings *embeddings = NULL;
  JsonNode *root;
  JsonArray *items;

  if (!graphbit_json_load (parser, data, len, &parse_error))
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (codec, "the body is not JSON (%s)",
                                                                   parse_error->message));
      return NULL;
    }
  root = json_parser_get_root (parser);
  items = root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;

  if (items == NULL)
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (codec, "expected an array of %u embedding(s)",
                                                                   n_texts));
      return NULL;
    }
  /* One string: 1-D, [[v]] (TEI), or token vectors of any batch shape. */
  graphbit_vector_set_init (&set, codec, n_texts, len);
  if (n_texts == 1 ? graphbit_vector_set_put (&set, 0, root, TRUE, error)
                   : graphbit_vector_set_put_rows (&set, items, TRUE, error))
    embeddings = graphbit_vector_set_finish (&set, NULL, 0, error);
  graphbit_vector_set_clear (&set);
  return embeddings;
}

/* 503 {"error": "Model x is currently loading", "estimated_time": 20.0} */
static gdouble
huggingface_loading_time (guint       status,
                          const char *data,
                          gsize       len)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  JsonNode *estimate;

  if (status != 503 || (root = graphbit_json_parse_object (data, len, NULL)) == NULL)
    return -1;
  estimate = json_object_get_member (json_node_get_object (root), "estimated_time");
  if (estimate != NULL && JSON_NODE_HOLDS_VALUE (estimate)
      && (json_node_get_value_type (estimate) == G_TYPE_DOUBLE || json_node_get_value_type (estimate) == G_TYPE_INT64))
    return MAX (json_node_get_double (estimate), 0.0);
  message = graphbit_json_error_text (data, len);
  return message != NULL && strstr (message, "currently loading") != NULL ? 0.0 : -1;
}

const GraphbitEmbeddingCodec graphbit_huggingface_embedding_codec = {
  .name = "huggingface",
  .label = "Hugging Face",
  .default_timeout_ms = 60 * 1000,
  /* Text Embeddings Inference's default max_client_batch_size. */
  .max_inputs = 32,
  .build_request = huggingface_build_request,
  .parse_response = huggingface_parse_response,
  /* {"error": "..."} or {"error": ["...", ...]} */
  .error_message = graphbit_json_error_text,
  .loading_time = huggingface_loading_time,
};
