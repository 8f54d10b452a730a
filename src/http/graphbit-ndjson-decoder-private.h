/* graphbit-ndjson-decoder-private.h - newline-delimited JSON decoding (Ollama)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Called with each non-blank line, one JSON text, without its "\n" or
 * "\r\n" and followed by a NUL; lent for the call only. Return FALSE and
 * set @error to stop decoding. */
typedef gboolean (*GraphbitNdjsonLineFunc) (const char  *line,
                                            gsize        len,
                                            gpointer     user_data,
                                            GError     **error);

typedef struct _GraphbitNdjsonDecoder GraphbitNdjsonDecoder;

/* @max_line_length in bytes; 0 means GRAPHBIT_LINE_SPLITTER_DEFAULT_MAX_LINE
 * (16 MiB). */
GraphbitNdjsonDecoder *graphbit_ndjson_decoder_new    (gsize                    max_line_length);
void                   graphbit_ndjson_decoder_free   (GraphbitNdjsonDecoder   *decoder);

/* Decodes @data, the next bytes of the stream (cut anywhere), and calls
 * @func for each complete non-blank line. Returns FALSE if @func failed or
 * a line is longer than the maximum (GRAPHBIT_ERROR_RESOURCE_EXHAUSTED,
 * resource type "stream_line"); the decoder must not be fed again after
 * that. */
gboolean               graphbit_ndjson_decoder_feed   (GraphbitNdjsonDecoder   *decoder,
                                                       const char              *data,
                                                       gsize                    len,
                                                       GraphbitNdjsonLineFunc   func,
                                                       gpointer                 user_data,
                                                       GError                 **error);

/* End of stream. Servers sometimes omit the last "\n", so a non-blank last
 * line without one is not dropped: it is passed to @func like the others
 * and @unterminated (may be NULL) is set to TRUE. It may also be a line cut
 * short; parsing it tells. Returns FALSE only if @func failed. Resets the
 * decoder for a new stream. */
gboolean               graphbit_ndjson_decoder_finish (GraphbitNdjsonDecoder   *decoder,
                                                       GraphbitNdjsonLineFunc   func,
                                                       gpointer                 user_data,
                                                       gboolean                *unterminated,
                                                       GError                 **error);

/* Parses one line as a JSON object. Returns the root node (owning the
 * tree) or NULL with a GRAPHBIT_ERROR_PROVIDER error saying what is wrong. */
JsonNode              *graphbit_ndjson_parse_object   (const char              *line,
                                                       gsize                    len,
                                                       GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitNdjsonDecoder, graphbit_ndjson_decoder_free)

G_END_DECLS
