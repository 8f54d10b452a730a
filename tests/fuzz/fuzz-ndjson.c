/* fuzz-ndjson.c - the NDJSON decoder, fed whole and in pieces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * However the reads cut a stream, it must decode to the same lines, with
 * the same outcome (see fuzz_decode_alike()). Each line is also parsed as
 * the Ollama codec parses it.
 */

#include "config.h"

#include "graphbit.h"
#include "graphbit-ndjson-decoder-private.h"
#include "fuzz-common.h"

/* Small, so the fuzzer reaches the line-length error. */
#define MAX_LINE 256

static void
parse_line (const char *line,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = graphbit_ndjson_parse_object (line, len, &error);

  if (root != NULL)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  else
    {
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
      fuzz_check_error (&error, TRUE);
    }
}

static gboolean
on_line (const char  *line,
         gsize        len,
         gpointer     user_data,
         GError     **error)
{
  FuzzDecoding *decoding = user_data;

  g_assert_cmpuint (len, >, 0);
  g_assert_cmpint (line[len], ==, '\0');
  g_string_append_printf (decoding->log, "line %" G_GSIZE_FORMAT ":", len);
  g_string_append_len (decoding->log, line, len);
  g_string_append_c (decoding->log, '\n');
  decoding->emitted += len;
  /* Once is enough. */
  if (decoding->whole)
    parse_line (line, len);
  return TRUE;
}

static gpointer
create (void)
{
  return graphbit_ndjson_decoder_new (MAX_LINE);
}

static gboolean
feed (const char  *piece,
      gsize        len,
      gpointer     user_data,
      GError     **error)
{
  FuzzDecoding *decoding = user_data;

  return graphbit_ndjson_decoder_feed (decoding->decoder, piece, len, on_line, decoding, error);
}

static void
finish (FuzzDecoding *decoding)
{
  gboolean unterminated = FALSE;

  g_assert_true (graphbit_ndjson_decoder_finish (decoding->decoder, on_line, decoding, &unterminated, NULL));
  g_string_append_printf (decoding->log, "finish %d", unterminated);
}

static const FuzzDecoder ndjson_decoder = {
  create, (GDestroyNotify) graphbit_ndjson_decoder_free, feed, finish,
};

void
fuzz_one (const guint8 *data,
          gsize         size)
{
  fuzz_decode_alike (&ndjson_decoder, data, size);
}
