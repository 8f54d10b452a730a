/* fuzz-embeddings.c - the embedding codecs' response and error parsers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every input goes through all three codecs, as an answer to one, two and
 * three texts, as an error body and as a model-loading answer.
 */

#include "config.h"

#include <math.h>

#include "graphbit.h"
#include "graphbit-embedding-codec-private.h"
#include "fuzz-common.h"

static void
check_codec (const GraphbitEmbeddingCodec *codec,
             const char                   *data,
             gsize                         size)
{
  g_autofree char *message = NULL;

  for (guint n_texts = 1; n_texts <= 3; n_texts++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraphbitEmbeddings) embeddings = codec->parse_response (data, size, n_texts, &error);

      if (embeddings == NULL)
        {
          fuzz_check_error (&error, TRUE);
          continue;
        }
      g_assert_cmpuint (graphbit_embeddings_get_n_vectors (embeddings), ==, n_texts);
      g_assert_cmpuint (graphbit_embeddings_get_dimensions (embeddings), >, 0);
      for (guint i = 0; i < n_texts; i++)
        {
          gsize n_values;
          const gdouble *vector = graphbit_embeddings_get_vector (embeddings, i, &n_values);

          g_assert_cmpuint (n_values, ==, graphbit_embeddings_get_dimensions (embeddings));
          for (gsize j = 0; j < n_values; j++)
            g_assert_false (isnan (vector[j]));
        }
    }

  message = codec->error_message (data, size);
  g_assert_true (message == NULL || g_utf8_validate (message, -1, NULL));
  if (codec->loading_time != NULL)
    {
      g_assert_false (isnan (codec->loading_time (503, data, size)));
      g_assert_cmpfloat (codec->loading_time (500, data, size), <, 0);
    }
}

void
fuzz_one (const guint8 *data,
          gsize         size)
{
  check_codec (&graphbit_openai_embedding_codec, (const char *) data, size);
  check_codec (&graphbit_huggingface_embedding_codec, (const char *) data, size);
  check_codec (&graphbit_ollama_embedding_codec, (const char *) data, size);
}
