/* graphbit-embedding-codec.c - what all embedding codecs share: requests, and vectors read safely
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Providers disagree on shapes (an object with indexed entries, a 2-D
 * array, a bare array whose rank depends on the model), but a vector is
 * always an array of numbers, or for OpenAI's base64 encoding a string of
 * float32 values. Anything else is a typed provider error, never a vector
 * of zeros, and a body never makes graphbit allocate more than it could
 * hold.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "graphbit-embedding-codec-private.h"
#include "graphbit-json-private.h"
#include "http/graphbit-http-private.h"

/* Ranks beyond this (vector, tokens, a singleton batch, the batch) are not
 * a feature-extraction answer. */
#define MAX_POOL_DEPTH 4

const GraphbitEmbeddingCodec *
graphbit_embedding_codec_for_provider (GraphbitEmbeddingProvider provider)
{
  switch (provider)
    {
    case GRAPHBIT_EMBEDDING_PROVIDER_OPENAI:
      return &graphbit_openai_embedding_codec;
    case GRAPHBIT_EMBEDDING_PROVIDER_HUGGINGFACE:
      return &graphbit_huggingface_embedding_codec;
    case GRAPHBIT_EMBEDDING_PROVIDER_OLLAMA:
      return &graphbit_ollama_embedding_codec;
    default:
      g_return_val_if_reached (NULL);
    }
}

GError *
graphbit_embedding_codec_bad_body (const GraphbitEmbeddingCodec *codec,
                                   const char                   *format,
                                   ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  return graphbit_json_bad_body (codec->name, codec->label, what);
}

JsonBuilder *
graphbit_embedding_codec_begin_body (GraphbitEmbeddingConfig *config,
                                     gboolean                 with_model)
{
  JsonBuilder *builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  if (with_model)
    {
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, graphbit_embedding_config_get_model (config));
    }
  return builder;
}

SoupMessage *
graphbit_embedding_codec_post (GraphbitEmbeddingConfig  *config,
                               const char               *url,
                               JsonBuilder              *builder,
                               GError                  **error)
{
  g_autofree char *json = NULL;
  SoupMessage *msg;
  gsize len;

  json_builder_end_object (builder);
  json = graphbit_json_builder_to_data (builder, &len);
  msg = graphbit_http_new_json_post (url, json, len, error);
  if (msg != NULL)
    graphbit_http_set_bearer (msg, graphbit_embedding_config_get_api_key (config));
  return msg;
}

JsonNode *
graphbit_embedding_codec_parse_object (const GraphbitEmbeddingCodec  *codec,
                                       const char                    *data,
                                       gsize                          len,
                                       GError                       **error)
{
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root = graphbit_json_parse_object (data, len, &parse_error);

  if (root == NULL)
    g_propagate_error (error, graphbit_embedding_codec_bad_body (codec, "the body is not a JSON object (%s)",
                                                                 parse_error->message));
  return root;
}

void
graphbit_embedding_codec_add_texts (JsonBuilder        *builder,
                                    const char         *name,
                                    const char * const *texts,
                                    guint               n_texts,
                                    gboolean            single_as_string)
{
  json_builder_set_member_name (builder, name);
  if (n_texts == 1 && single_as_string)
    {
      json_builder_add_string_value (builder, texts[0]);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_texts; i++)
    json_builder_add_string_value (builder, texts[i]);
  json_builder_end_array (builder);
}

void
graphbit_vector_set_init (GraphbitVectorSet            *set,
                          const GraphbitEmbeddingCodec *codec,
                          guint                         n_vectors,
                          gsize                         body_len)
{
  memset (set, 0, sizeof *set);
  set->codec = codec;
  set->n_vectors = n_vectors;
  set->max_values = body_len;
  set->filled = g_new0 (gboolean, n_vectors);
}

void
graphbit_vector_set_clear (GraphbitVectorSet *set)
{
  g_clear_pointer (&set->values, g_free);
  g_clear_pointer (&set->filled, g_free);
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_DOUBLE || type == G_TYPE_INT64;
}

/* The first vector fixes the dimensions, and the room for all of them. */
static gboolean
check_dimensions (GraphbitVectorSet  *set,
                  guint               index,
                  gsize               dimensions,
                  GError            **error)
{
  if (dimensions == 0)
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec, "embedding %u is empty", index));
      return FALSE;
    }
  if (set->dimensions == 0)
    {
      if (dimensions > G_MAXUINT || dimensions > set->max_values / set->n_vectors)
        {
          g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                             "embedding %u claims %" G_GSIZE_FORMAT " values, more than the body holds",
                             index, dimensions));
          return FALSE;
        }
      set->dimensions = (guint) dimensions;
      set->values = g_new0 (gdouble, (gsize) set->n_vectors * set->dimensions);
      return TRUE;
    }
  if (dimensions != set->dimensions)
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                         "embedding %u has %" G_GSIZE_FORMAT " values where the others have %u",
                         index, dimensions, set->dimensions));
      return FALSE;
    }
  return TRUE;
}

/* Reads an array of numbers into @out (its length already checked). */
static gboolean
read_numbers (GraphbitVectorSet  *set,
              guint               index,
              JsonArray          *array,
              gdouble            *out,
              GError            **error)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_number (element))
        {
          g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                             "value %u of embedding %u is not a number", i, index));
          return FALSE;
        }
      out[i] = json_node_get_double (element);
    }
  return TRUE;
}

/* OpenAI's base64 encoding: little-endian float32 values. */
static gboolean
put_base64 (GraphbitVectorSet  *set,
            guint               index,
            const char         *text,
            GError            **error)
{
  g_autofree guchar *raw = NULL;
  gsize len = 0;
  gdouble *row;

  raw = g_base64_decode (text, &len);
  if (len % 4 != 0)
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                         "embedding %u is not a base64 list of float32 values", index));
      return FALSE;
    }
  if (!check_dimensions (set, index, len / 4, error))
    return FALSE;
  row = set->values + (gsize) index * set->dimensions;
  for (gsize i = 0; i < len / 4; i++)
    {
      guint32 bits = (guint32) raw[4 * i] | (guint32) raw[4 * i + 1] << 8
                     | (guint32) raw[4 * i + 2] << 16 | (guint32) raw[4 * i + 3] << 24;
      gfloat value;

      memcpy (&value, &bits, sizeof value);
      if (!isfinite (value))
        {
          g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                             "value %" G_GSIZE_FORMAT " of embedding %u is not a finite number", i, index));
          return FALSE;
        }
      row[i] = value;
    }
  return TRUE;
}

/* Adds every innermost vector of @node (rank 1 to MAX_POOL_DEPTH - @depth)
 * to @sum, counting them in @count; @sum is allocated by the first. */
static gboolean
accumulate (GraphbitVectorSet  *set,
            guint               index,
            JsonNode           *node,
            guint               depth,
            GArray            **sum,
            guint              *count,
            GError            **error)
{
  JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = array != NULL ? json_array_get_length (array) : 0;

  if (n == 0 || depth >= MAX_POOL_DEPTH)
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                         n == 0 ? "embedding %u is empty or not an array"
                                : "embedding %u is nested deeper than token vectors", index));
      return FALSE;
    }

  if (is_number (json_array_get_element (array, 0)))
    {
      g_autofree gdouble *values = g_new (gdouble, n);

      if (*sum == NULL)
        {
          *sum = g_array_sized_new (FALSE, TRUE, sizeof (gdouble), n);
          g_array_set_size (*sum, n);
        }
      if (n != (*sum)->len)
        {
          g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                             "the token vectors of embedding %u differ in length (%u and %u)",
                             index, (*sum)->len, n));
          return FALSE;
        }
      if (!read_numbers (set, index, array, values, error))
        return FALSE;
      for (guint i = 0; i < n; i++)
        g_array_index (*sum, gdouble, i) += values[i];
      (*count)++;
      return TRUE;
    }

  for (guint i = 0; i < n; i++)
    {
      if (!accumulate (set, index, json_array_get_element (array, i), depth + 1, sum, count, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
graphbit_vector_set_put (GraphbitVectorSet  *set,
                         guint               index,
                         JsonNode           *node,
                         gboolean            pool,
                         GError            **error)
{
  JsonArray *array;

  if (index >= set->n_vectors || set->filled[index])
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                         index >= set->n_vectors ? "an embedding has index %u, out of range"
                                                 : "two embeddings have index %u", index));
      return FALSE;
    }

  if (pool)
    {
      g_autoptr(GArray) sum = NULL;
      guint count = 0;

      if (!accumulate (set, index, node, 0, &sum, &count, error)
          || !check_dimensions (set, index, sum->len, error))
        return FALSE;
      for (guint i = 0; i < sum->len; i++)
        set->values[(gsize) index * set->dimensions + i] = g_array_index (sum, gdouble, i) / count;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (!put_base64 (set, index, json_node_get_string (node), error))
        return FALSE;
    }
  else
    {
      array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      if (array == NULL)
        {
          g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                             "embedding %u is not an array of numbers", index));
          return FALSE;
        }
      if (!check_dimensions (set, index, json_array_get_length (array), error)
          || !read_numbers (set, index, array, set->values + (gsize) index * set->dimensions, error))
        return FALSE;
    }
  set->filled[index] = TRUE;
  return TRUE;
}

gboolean
graphbit_vector_set_put_rows (GraphbitVectorSet  *set,
                              JsonArray          *rows,
                              gboolean            pool,
                              GError            **error)
{
  guint n = rows != NULL ? json_array_get_length (rows) : 0;

  if (n != set->n_vectors)
    {
      g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec, "%u embeddings for %u inputs",
                                                                   n, set->n_vectors));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      if (!graphbit_vector_set_put (set, i, json_array_get_element (rows, i), pool, error))
        return FALSE;
    }
  return TRUE;
}

GraphbitEmbeddings *
graphbit_vector_set_finish (GraphbitVectorSet  *set,
                            const char         *model,
                            guint               prompt_tokens,
                            GError            **error)
{
  for (guint i = 0; i < set->n_vectors; i++)
    {
      if (!set->filled[i])
        {
          g_propagate_error (error, graphbit_embedding_codec_bad_body (set->codec,
                             "no embedding for input %u of %u", i, set->n_vectors));
          return NULL;
        }
    }
  return graphbit_embeddings_new_take (g_steal_pointer (&set->values), set->n_vectors, set->dimensions,
                                       model, prompt_tokens);
}
