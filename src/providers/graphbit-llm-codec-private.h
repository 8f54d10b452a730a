/* graphbit-llm-codec-private.h - one provider's chat protocol
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "llm/graphbit-llm-config-private.h"
#include "llm/graphbit-llm-request-private.h"
#include "llm/graphbit-llm-response-private.h"

G_BEGIN_DECLS

/* What a stream has delivered so far, filled in by the codec's stream
 * parser one event (SSE) or line (NDJSON) at a time. */
typedef struct
{
  GString *delta;             /* text not yet handed to the consumer */
  GString *content;           /* the whole answer so far */
  char *finish_reason;
  char *model;
  char *id;
  guint prompt_tokens;
  guint completion_tokens;
  gboolean finished;          /* the provider marked the end of the answer */
} GraphbitStreamAccumulator;

void                 graphbit_stream_accumulator_init        (GraphbitStreamAccumulator *acc);
void                 graphbit_stream_accumulator_clear       (GraphbitStreamAccumulator *acc);
void                 graphbit_stream_accumulator_add_text    (GraphbitStreamAccumulator *acc,
                                                              const char                *text);
/* Replaces *@slot with a copy of @value unless @value is NULL. */
void                 graphbit_stream_accumulator_set         (char                     **slot,
                                                              const char                *value);
GraphbitLlmResponse *graphbit_stream_accumulator_to_response (GraphbitStreamAccumulator *acc);

typedef enum {
  GRAPHBIT_STREAM_FORMAT_SSE,
  GRAPHBIT_STREAM_FORMAT_NDJSON,
} GraphbitStreamFormat;

/* A codec builds the HTTP request for a provider and turns its answers
 * into responses or errors. It holds no state; every function is
 * thread-safe. */
typedef struct
{
  const char *name;              /* "openai": in error details and logs */
  const char *label;             /* "OpenAI": in error messages */
  guint default_timeout_ms;      /* per attempt */

  SoupMessage         *(*build_request)  (GraphbitLlmConfig  *config,
                                          GraphbitLlmRequest *request,
                                          gboolean            stream,
                                          GError            **error);
  /* A 2xx JSON body of a non-streamed completion. */
  GraphbitLlmResponse *(*parse_response) (const char         *data,
                                          gsize               len,
                                          GError            **error);
  /* The provider's own message from an error body, or NULL. */
  char                *(*error_message)  (const char         *data,
                                          gsize               len);

  GraphbitStreamFormat stream_format;
  /* One SSE event (@event is its name, or NULL) or one NDJSON line (@event
   * NULL). An error the provider reports inside a 200 stream is returned
   * as a typed GRAPHBIT_ERROR. */
  gboolean             (*parse_stream_event) (GraphbitStreamAccumulator *acc,
                                              const char                *event,
                                              const char                *data,
                                              gsize                      len,
                                              GError                   **error);
  /* A cheap request that opens a pooled connection (and, for Ollama,
   * loads the model). */
  SoupMessage         *(*build_warmup)   (GraphbitLlmConfig  *config,
                                          GError            **error);
} GraphbitLlmCodec;

const GraphbitLlmCodec *graphbit_llm_codec_for_provider (GraphbitLlmProvider provider);

extern const GraphbitLlmCodec graphbit_openai_codec;
extern const GraphbitLlmCodec graphbit_anthropic_codec;
extern const GraphbitLlmCodec graphbit_ollama_codec;

/* For codecs: a GRAPHBIT_ERROR_PROVIDER for a body that does not have the
 * shape the provider documents. */
GError   *graphbit_llm_codec_bad_body    (const GraphbitLlmCodec *codec,
                                          const char             *what);
/* Parses a body (or stream event) that must be a JSON object; @what says
 * which in the error ("the body", "a stream event"). */
JsonNode *graphbit_llm_codec_parse_object (const GraphbitLlmCodec *codec,
                                           const char             *what,
                                           const char             *data,
                                           gsize                   len,
                                           GError                **error);
/* The message of an {"error": {"message", TAG...}} envelope (OpenAI,
 * Anthropic), as "message (TAG: value)"; NULL if the body has none. */
char     *graphbit_llm_codec_envelope_message (const char *data,
                                               gsize       len,
                                               const char *tag);
/* Writes the request's messages as [{"role", "content"}], leaving out
 * system messages when @skip_system (they go elsewhere). */
void      graphbit_llm_codec_add_messages (JsonBuilder            *builder,
                                           GraphbitLlmRequest     *request,
                                           gboolean                skip_system);

G_END_DECLS
