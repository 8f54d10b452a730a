/* graphbit-ndjson-decoder.c - newline-delimited JSON decoding (Ollama)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One line is one JSON text. Only "\n" ends a line: a lone "\r" is JSON
 * whitespace, so splitting there could cut a valid line in two.
 */

#include "config.h"

#include "graphbit-ndjson-decoder-private.h"
#include "graphbit-line-splitter-private.h"
#include "graphbit-json-private.h"
#include "graphbit-error-private.h"

struct _GraphbitNdjsonDecoder
{
  GraphbitLineSplitter *splitter;

  /* Only during graphbit_ndjson_decoder_feed(). */
  GraphbitNdjsonLineFunc func;
  gpointer user_data;
};

GraphbitNdjsonDecoder *
graphbit_ndjson_decoder_new (gsize max_line_length)
{
  GraphbitNdjsonDecoder *decoder = g_new0 (GraphbitNdjsonDecoder, 1);

  decoder->splitter = graphbit_line_splitter_new (max_line_length, GRAPHBIT_LINE_ENDINGS_LF);
  return decoder;
}

void
graphbit_ndjson_decoder_free (GraphbitNdjsonDecoder *decoder)
{
  if (decoder == NULL)
    return;
  graphbit_line_splitter_free (decoder->splitter);
  g_free (decoder);
}

/* Only JSON whitespace: nothing to parse (keep-alive newlines, padding). */
static gboolean
is_blank (const char *line,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_line (const char  *line,
             gsize        len,
             gpointer     user_data,
             GError     **error)
{
  GraphbitNdjsonDecoder *decoder = user_data;

  if (is_blank (line, len))
    return TRUE;
  return decoder->func (line, len, decoder->user_data, error);
}

gboolean
graphbit_ndjson_decoder_feed (GraphbitNdjsonDecoder   *decoder,
                              const char              *data,
                              gsize                    len,
                              GraphbitNdjsonLineFunc   func,
                              gpointer                 user_data,
                              GError                 **error)
{
  gboolean ok;

  g_return_val_if_fail (decoder != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  decoder->func = func;
  decoder->user_data = user_data;
  ok = graphbit_line_splitter_feed (decoder->splitter, data, len, decode_line, decoder, error);
  decoder->func = NULL;
  decoder->user_data = NULL;
  return ok;
}

gboolean
graphbit_ndjson_decoder_finish (GraphbitNdjsonDecoder   *decoder,
                                GraphbitNdjsonLineFunc   func,
                                gpointer                 user_data,
                                gboolean                *unterminated,
                                GError                 **error)
{
  g_autofree char *last = NULL;
  gsize len = 0;

  g_return_val_if_fail (decoder != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (unterminated != NULL)
    *unterminated = FALSE;

  last = graphbit_line_splitter_finish (decoder->splitter, &len);
  if (last == NULL || is_blank (last, len))
    return TRUE;
  if (unterminated != NULL)
    *unterminated = TRUE;
  return func (last, len, user_data, error);
}

JsonNode *
graphbit_ndjson_parse_object (const char  *line,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (line != NULL || len == 0, NULL);

  root = graphbit_json_parse_object (line != NULL ? line : "", (gssize) len, &parse_error);
  if (root == NULL)
    g_propagate_error (error, graphbit_error_new (GRAPHBIT_ERROR_PROVIDER,
                                                  "A line of the NDJSON stream is not a JSON object: %s",
                                                  parse_error->message));
  return root;
}
