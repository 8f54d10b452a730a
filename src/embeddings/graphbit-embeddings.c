/* graphbit-embeddings.c - embedding vectors of one dimension, in input order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The vectors are one contiguous row-major block of doubles held by a
 * GBytes: C reads rows in place, and a language binding can take the whole
 * block (or one row) as bytes and build its lists in one step, instead of
 * converting every number through the introspection machinery.
 */

#include "config.h"

#include <string.h>

#include "graphbit-embeddings-private.h"
#include "graphbit-error-private.h"

/**
 * GraphbitEmbeddings:
 *
 * Embedding vectors of one dimension, in the order of the texts they were
 * made from: the result of [method@Graphbit.EmbeddingClient.embed_text_async]
 * (one vector) and [method@Graphbit.EmbeddingClient.embed_batch_async].
 * Immutable.
 *
 * The values are doubles, stored row after row in one block:
 * [method@Graphbit.Embeddings.get_vector] reads a row in place, and
 * [method@Graphbit.Embeddings.get_bytes] hands out the whole block without
 * copying it, in the machine's byte order (a Python binding turns it into
 * lists with `memoryview(data).cast("d")`).
 */
struct _GraphbitEmbeddings
{
  GObject parent_instance;

  GBytes *values;          /* n_vectors × dimensions gdouble */
  guint n_vectors;
  guint dimensions;
  char *model;
  guint prompt_tokens;
};

G_DEFINE_FINAL_TYPE (GraphbitEmbeddings, graphbit_embeddings, G_TYPE_OBJECT)

static void
graphbit_embeddings_finalize (GObject *object)
{
  GraphbitEmbeddings *self = GRAPHBIT_EMBEDDINGS (object);

  g_bytes_unref (self->values);
  g_free (self->model);
  G_OBJECT_CLASS (graphbit_embeddings_parent_class)->finalize (object);
}

static void
graphbit_embeddings_class_init (GraphbitEmbeddingsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graphbit_embeddings_finalize;
}

static void
graphbit_embeddings_init (GraphbitEmbeddings *self)
{
}

GraphbitEmbeddings *
graphbit_embeddings_new_take (gdouble    *values,
                              guint       n_vectors,
                              guint       dimensions,
                              const char *model,
                              guint       prompt_tokens)
{
  GraphbitEmbeddings *self = g_object_new (GRAPHBIT_TYPE_EMBEDDINGS, NULL);

  self->values = g_bytes_new_take (values, (gsize) n_vectors * dimensions * sizeof (gdouble));
  self->n_vectors = n_vectors;
  self->dimensions = dimensions;
  self->model = g_strdup (model);
  self->prompt_tokens = prompt_tokens;
  return self;
}

void
graphbit_embeddings_set_model (GraphbitEmbeddings *self,
                               const char         *model)
{
  if (self->model == NULL)
    self->model = g_strdup (model);
}

GraphbitEmbeddings *
graphbit_embeddings_concat (GPtrArray  *parts,
                            GError    **error)
{
  GraphbitEmbeddings *first = g_ptr_array_index (parts, 0);
  guint n_vectors = 0, prompt_tokens = 0;
  gdouble *values;
  gsize offset = 0;

  for (guint i = 0; i < parts->len; i++)
    {
      GraphbitEmbeddings *part = g_ptr_array_index (parts, i);

      if (part->dimensions != first->dimensions)
        {
          graphbit_propagate_error (error,
            graphbit_error_new (GRAPHBIT_ERROR_PROVIDER,
                                "The provider returned vectors of %u dimensions for one request and %u for "
                                "another of the same batch; is the model behind the endpoint changing?",
                                first->dimensions, part->dimensions));
          return NULL;
        }
      n_vectors += part->n_vectors;
      prompt_tokens += part->prompt_tokens;
    }

  values = g_new (gdouble, (gsize) n_vectors * first->dimensions);
  for (guint i = 0; i < parts->len; i++)
    {
      GraphbitEmbeddings *part = g_ptr_array_index (parts, i);
      gsize size = g_bytes_get_size (part->values);

      memcpy ((char *) values + offset, g_bytes_get_data (part->values, NULL), size);
      offset += size;
    }
  return graphbit_embeddings_new_take (values, n_vectors, first->dimensions, first->model, prompt_tokens);
}

/**
 * graphbit_embeddings_get_n_vectors:
 * @self: a #GraphbitEmbeddings
 *
 * Gets the number of vectors, which is the number of texts embedded.
 *
 * Returns: how many vectors there are: one per text
 */
guint
graphbit_embeddings_get_n_vectors (GraphbitEmbeddings *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDINGS (self), 0);
  return self->n_vectors;
}

/**
 * graphbit_embeddings_get_dimensions:
 * @self: a #GraphbitEmbeddings
 *
 * Gets the number of values in each vector (all vectors have the same
 * length).
 *
 * Returns: the length of every vector
 */
guint
graphbit_embeddings_get_dimensions (GraphbitEmbeddings *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDINGS (self), 0);
  return self->dimensions;
}

/**
 * graphbit_embeddings_get_vector:
 * @self: a #GraphbitEmbeddings
 * @index: which vector, from 0
 * @n_values: (out): return location for its length (the dimensions)
 *
 * Reads one vector in place. Language bindings convert the returned array
 * number by number; [method@Graphbit.Embeddings.get_vector_bytes] is the
 * faster way for them.
 *
 * Returns: (array length=n_values) (transfer none): the vector, valid as
 *   long as @self
 */
const gdouble *
graphbit_embeddings_get_vector (GraphbitEmbeddings *self,
                                guint               index,
                                gsize              *n_values)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDINGS (self), NULL);
  g_return_val_if_fail (index < self->n_vectors, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = self->dimensions;
  return (const gdouble *) g_bytes_get_data (self->values, NULL) + (gsize) index * self->dimensions;
}

/**
 * graphbit_embeddings_get_bytes:
 * @self: a #GraphbitEmbeddings
 *
 * Gets every vector, row after row, as native-endian doubles in one block,
 * without copying: [method@Graphbit.Embeddings.get_n_vectors] ×
 * [method@Graphbit.Embeddings.get_dimensions] × `sizeof (double)` bytes.
 *
 * Returns: (transfer full): the values
 */
GBytes *
graphbit_embeddings_get_bytes (GraphbitEmbeddings *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDINGS (self), NULL);
  return g_bytes_ref (self->values);
}

/**
 * graphbit_embeddings_get_vector_bytes:
 * @self: a #GraphbitEmbeddings
 * @index: which vector, from 0
 *
 * Gets one vector as native-endian doubles, without copying.
 *
 * Returns: (transfer full): the vector's values
 */
GBytes *
graphbit_embeddings_get_vector_bytes (GraphbitEmbeddings *self,
                                      guint               index)
{
  gsize row;

  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDINGS (self), NULL);
  g_return_val_if_fail (index < self->n_vectors, NULL);

  row = (gsize) self->dimensions * sizeof (gdouble);
  return g_bytes_new_from_bytes (self->values, index * row, row);
}

/**
 * graphbit_embeddings_get_model:
 * @self: a #GraphbitEmbeddings
 *
 * Gets the name of the model that made the vectors.
 *
 * Returns: the model that made the vectors, as the provider named it (or
 *   as configured, when it did not)
 */
const char *
graphbit_embeddings_get_model (GraphbitEmbeddings *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDINGS (self), NULL);
  return self->model;
}

/**
 * graphbit_embeddings_get_prompt_tokens:
 * @self: a #GraphbitEmbeddings
 *
 * Gets the number of input tokens the provider billed for the texts.
 *
 * Returns: the input tokens the provider reported (0 when it reports none,
 *   as Hugging Face)
 */
guint
graphbit_embeddings_get_prompt_tokens (GraphbitEmbeddings *self)
{
  g_return_val_if_fail (GRAPHBIT_IS_EMBEDDINGS (self), 0);
  return self->prompt_tokens;
}
