/* fuzz-llm-codec.c - one LLM codec's parsers against any input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is tried as each thing the codec parses: a whole answer, an
 * error body, one stream event, and a whole stream decoded the way the
 * client decodes it (SSE or NDJSON, cut into pieces, each event to the
 * codec until one fails).
 */

#include "config.h"

#include "graphbit.h"
#include "graphbit-sse-decoder-private.h"
#include "graphbit-ndjson-decoder-private.h"
#include "fuzz-common.h"
#include "fuzz-llm-codec.h"

typedef struct
{
  const GraphbitLlmCodec *codec;
  GraphbitStreamAccumulator acc;
  GraphbitSseDecoder *sse;
  GraphbitNdjsonDecoder *ndjson;
} Decoding;

/* Nothing is handed to a consumer here, so the pending text is all of it. */
static void
check_accumulator (GraphbitStreamAccumulator *acc)
{
  g_autoptr(GraphbitLlmResponse) response = graphbit_stream_accumulator_to_response (acc);

  g_assert_true (g_string_equal (acc->delta, acc->content));
  g_assert_cmpstr (graphbit_llm_response_get_content (response), ==, acc->content->str);
}

static gboolean
on_event (const GraphbitSseEvent  *event,
          gpointer                 user_data,
          GError                 **error)
{
  Decoding *decoding = user_data;

  return decoding->codec->parse_stream_event (&decoding->acc, event->event, event->data, event->data_len, error);
}

static gboolean
on_line (const char  *line,
         gsize        len,
         gpointer     user_data,
         GError     **error)
{
  Decoding *decoding = user_data;

  return decoding->codec->parse_stream_event (&decoding->acc, NULL, line, len, error);
}

static gboolean
feed (const char  *piece,
      gsize        len,
      gpointer     user_data,
      GError     **error)
{
  Decoding *decoding = user_data;

  if (decoding->sse != NULL)
    return graphbit_sse_decoder_feed (decoding->sse, piece, len, on_event, decoding, error);
  return graphbit_ndjson_decoder_feed (decoding->ndjson, piece, len, on_line, decoding, error);
}

static void
decode_stream (const GraphbitLlmCodec *codec,
               const guint8           *data,
               gsize                   size)
{
  Decoding decoding = { codec, };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  graphbit_stream_accumulator_init (&decoding.acc);
  if (codec->stream_format == GRAPHBIT_STREAM_FORMAT_SSE)
    decoding.sse = graphbit_sse_decoder_new (0);
  else
    decoding.ndjson = graphbit_ndjson_decoder_new (0);

  ok = fuzz_feed_pieces (data, size, feed, &decoding, &error);
  if (ok && decoding.sse != NULL)
    graphbit_sse_decoder_finish (decoding.sse);
  else if (ok)
    ok = graphbit_ndjson_decoder_finish (decoding.ndjson, on_line, &decoding, NULL, &error);
  if (!ok)
    fuzz_check_error (&error, TRUE);
  check_accumulator (&decoding.acc);

  graphbit_stream_accumulator_clear (&decoding.acc);
  g_clear_pointer (&decoding.sse, graphbit_sse_decoder_free);
  g_clear_pointer (&decoding.ndjson, graphbit_ndjson_decoder_free);
}

void
fuzz_llm_codec (const GraphbitLlmCodec *codec,
                const guint8           *data,
                gsize                   size)
{
  g_autoptr(GraphbitLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  /* Stream events come from the decoders, NUL-terminated. */
  g_autofree char *event = g_strndup ((const char *) data, size);
  GraphbitStreamAccumulator acc;

  /* Whole bodies are read into a buffer without a terminator. */
  response = codec->parse_response ((const char *) data, size, &error);
  if (response != NULL)
    g_assert_nonnull (graphbit_llm_response_get_content (response));
  else
    fuzz_check_error (&error, TRUE);

  message = codec->error_message ((const char *) data, size);
  g_assert_true (message == NULL || g_utf8_validate (message, -1, NULL));

  graphbit_stream_accumulator_init (&acc);
  if (!codec->parse_stream_event (&acc, NULL, event, strlen (event), &error))
    fuzz_check_error (&error, TRUE);
  check_accumulator (&acc);
  graphbit_stream_accumulator_clear (&acc);

  decode_stream (codec, data, size);
}
