/* graphbit-embedding-codec-private.h - one provider's embedding protocol
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "embeddings/graphbit-embedding-config-private.h"
#include "embeddings/graphbit-embeddings-private.h"

G_BEGIN_DECLS

/* A codec builds the HTTP request that embeds some texts and turns the
 * provider's answers into vectors or errors. It holds no state; every
 * function is thread-safe. */
typedef struct
{
  const char *name;              /* "openai": in error details and logs */
  const char *label;             /* "OpenAI": in error messages */
  guint default_timeout_ms;      /* per attempt */
  guint max_inputs;              /* texts per request the provider takes */

  SoupMessage        *(*build_request)  (GraphbitEmbeddingConfig  *config,
                                         const char * const       *texts,
                                         guint                     n_texts,
                                         GError                  **error);
  /* A 2xx JSON body: @n_texts vectors in the texts' order. The model is
   * left unset when the provider does not name it. */
  GraphbitEmbeddings *(*parse_response) (const char               *data,
                                         gsize                     len,
                                         guint                     n_texts,
                                         GError                  **error);
  /* The provider's own message from an error body, or NULL. */
  char               *(*error_message)  (const char               *data,
                                         gsize                     len);
  /* From an error answer: the seconds the provider says it needs to load
   * the model, or a negative number. NULL if the provider never says. */
  gdouble             (*loading_time)   (guint                     status,
                                         const char               *data,
                                         gsize                     len);
} GraphbitEmbeddingCodec;

const GraphbitEmbeddingCodec *graphbit_embedding_codec_for_provider (GraphbitEmbeddingProvider provider);

extern const GraphbitEmbeddingCodec graphbit_openai_embedding_codec;
extern const GraphbitEmbeddingCodec graphbit_huggingface_embedding_codec;
extern const GraphbitEmbeddingCodec graphbit_ollama_embedding_codec;

/* For codecs: a GRAPHBIT_ERROR_PROVIDER for a body that does not have the
 * shape the provider documents. */
GError *graphbit_embedding_codec_bad_body (const GraphbitEmbeddingCodec *codec,
                                           const char                   *format,
                                           ...) G_GNUC_PRINTF (2, 3);
/* A request body: a JSON object begun, with the config's "model" when
 * @with_model. */
JsonBuilder *graphbit_embedding_codec_begin_body (GraphbitEmbeddingConfig *config,
                                                  gboolean                 with_model);
/* Ends @builder's object and POSTs it to @url with the config's bearer key. */
SoupMessage *graphbit_embedding_codec_post (GraphbitEmbeddingConfig *config,
                                            const char              *url,
                                            JsonBuilder             *builder,
                                            GError                 **error);
/* A body that must be a JSON object; a bad-body error otherwise. */
JsonNode    *graphbit_embedding_codec_parse_object (const GraphbitEmbeddingCodec *codec,
                                                    const char                   *data,
                                                    gsize                         len,
                                                    GError                      **error);
/* Writes the texts as a JSON array member @name (a bare string instead
 * for a single text when @single_as_string). */
void         graphbit_embedding_codec_add_texts (JsonBuilder        *builder,
                                                 const char         *name,
                                                 const char * const *texts,
                                                 guint               n_texts,
                                                 gboolean            single_as_string);

/* The vectors of one answer, put in place in any order and checked: all
 * of one dimension, each place filled once, all numbers. */
typedef struct
{
  const GraphbitEmbeddingCodec *codec;
  guint n_vectors;
  guint dimensions;              /* 0 until the first vector */
  gsize max_values;              /* what the body could hold at most */
  gdouble *values;               /* n_vectors × dimensions */
  gboolean *filled;
} GraphbitVectorSet;

/* @body_len bounds the values (a JSON or base64 number takes at least one
 * byte), so a body cannot make the set allocate more than it could hold. */
void                graphbit_vector_set_init   (GraphbitVectorSet            *set,
                                                const GraphbitEmbeddingCodec *codec,
                                                guint                         n_vectors,
                                                gsize                         body_len);
void                graphbit_vector_set_clear  (GraphbitVectorSet            *set);
/* Puts vector @index: a JSON array of numbers or a base64 string of
 * little-endian float32 (OpenAI's encoding_format "base64"); with @pool,
 * an array of any rank up to 4 whose innermost arrays are token vectors,
 * which are averaged (mean pooling). */
gboolean            graphbit_vector_set_put    (GraphbitVectorSet            *set,
                                                guint                         index,
                                                JsonNode                     *node,
                                                gboolean                      pool,
                                                GError                      **error);
/* Puts one vector per element of @rows (NULL counts as none), in order;
 * their number must be the set's. */
gboolean            graphbit_vector_set_put_rows (GraphbitVectorSet          *set,
                                                  JsonArray                  *rows,
                                                  gboolean                    pool,
                                                  GError                    **error);
/* The result (@model may be NULL), once every vector is in place. */
GraphbitEmbeddings *graphbit_vector_set_finish (GraphbitVectorSet            *set,
                                                const char                   *model,
                                                guint                         prompt_tokens,
                                                GError                      **error);

G_END_DECLS
