/* graphbit-openai-embeddings.c - OpenAI embeddings (and compatible servers)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * POST {base_url}/embeddings with a bearer key, at most 2048 inputs a
 * request. "encoding_format" is sent as "float" (the SDK sends "base64"
 * when left out; base64 answers are read too). Each entry carries the
 * index of its input, which is what places it: never the array order.
 * See shared/reference/wire-protocols.md §3.
 */

#include "config.h"

#include "graphbit-embedding-codec-private.h"
#include "graphbit-llm-codec-private.h"
#include "graphbit-json-private.h"

static SoupMessage *
openai_build_request (GraphbitEmbeddingConfig  *config,
                      const char * const       *texts,
                      guint                     n_texts,
                      GError                  **error)
{
  g_autoptr(JsonBuilder) builder = graphbit_embedding_codec_begin_body (config, TRUE);
  g_autofree char *url = g_strconcat (graphbit_embedding_config_get_base_url (config), "/embeddings", NULL);

  graphbit_embedding_codec_add_texts (builder, "input", texts, n_texts, TRUE);
  json_builder_set_member_name (builder, "encoding_format");
  json_builder_add_string_value (builder, "float");
  return graphbit_embedding_codec_post (config, url, builder, error);
}

static GraphbitEmbeddings *
openai_parse_response (const char  *data,
                       gsize        len,
                       guint        n_texts,
                       GError     **error)
{
  const GraphbitEmbeddingCodec *codec = &graphbit_openai_embedding_codec;
  g_autoptr(JsonNode) root = graphbit_embedding_codec_parse_object (codec, data, len, error);
  GraphbitVectorSet set;
  GraphbitEmbeddings *embeddings = NULL;
  JsonObject *object;
  JsonArray *entries;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);
  entries = graphbit_json_get_array (object, "data");
  if (entries == NULL || json_array_get_length (entries) != n_texts)
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (codec, "%u embeddings for %u inputs",
                                                                   entries != NULL ? json_array_get_length (entries) : 0,
                                                                   n_texts));
      return NULL;
    }

  graphbit_vector_set_init (&set, codec, n_texts, len);
  for (guint i = 0; i < n_texts; i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *index = entry != NULL ? json_object_get_member (entry, "index") : NULL;
      JsonNode *vector = entry != NULL ? json_object_get_member (entry, "embedding") : NULL;
      gint64 position = i;

      /* Placed by "index" when the server sends it, as OpenAI always does. */
      if (index != NULL && JSON_NODE_HOLDS_VALUE (index) && json_node_get_value_type (index) == G_TYPE_INT64)
        position = json_node_get_int (index);
      if (vector == NULL || position < 0 || position > G_MAXUINT)
        {
          g_propagate_error (error, graphbit_embedding_codec_bad_body (codec,
                             "data[%u] has no embedding or a bad index", i));
          goto out;
        }
      if (!graphbit_vector_set_put (&set, (guint) position, vector, FALSE, error))
        goto out;
    }
  embeddings = graphbit_vector_set_finish (&set, graphbit_json_get_string (object, "model"),
                                           graphbit_json_get_uint (graphbit_json_get_object (object, "usage"),
                                                                   "prompt_tokens"),
                                           error);
out:
  graphbit_vector_set_clear (&set);
  return embeddings;
}

/* {"error": {"message", "type", "param", "code"}} */
static char *
openai_error_message (const char *data,
                      gsize       len)
{
  return graphbit_llm_codec_envelope_message (data, len, "code");
}

const GraphbitEmbeddingCodec graphbit_openai_embedding_codec = {
  .name = "openai",
  .label = "OpenAI",
  .default_timeout_ms = 60 * 1000,
  .max_inputs = 2048,
  .build_request = openai_build_request,
  .parse_response = openai_parse_response,
  .error_message = openai_error_message,
};
