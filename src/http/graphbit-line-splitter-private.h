/* graphbit-line-splitter-private.h - incremental line splitting of streamed bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 16 MiB: tool arguments and base64 audio can make single stream lines
 * large, so the default is generous; it only guards against a server that
 * never sends a line terminator. */
#define GRAPHBIT_LINE_SPLITTER_DEFAULT_MAX_LINE ((gsize) 16 * 1024 * 1024)

typedef enum
{
  /* "\r\n", "\n" or a lone "\r" (Server-Sent Events). */
  GRAPHBIT_LINE_ENDINGS_ANY,
  /* "\n" only; one "\r" right before it is dropped (NDJSON, where a lone
   * "\r" is just JSON whitespace). */
  GRAPHBIT_LINE_ENDINGS_LF,
} GraphbitLineEndings;

typedef struct _GraphbitLineSplitter GraphbitLineSplitter;

/* Called for each complete line. @line is valid UTF-8 (invalid sequences
 * replaced with U+FFFD; NUL bytes are kept, so use @len), without its
 * terminator and followed by a NUL; it is lent for the call only. Return
 * FALSE and set @error to stop. */
typedef gboolean (*GraphbitLineFunc) (const char  *line,
                                      gsize        len,
                                      gpointer     user_data,
                                      GError     **error);

/* @max_line_length is in bytes, terminator excluded; 0 means
 * GRAPHBIT_LINE_SPLITTER_DEFAULT_MAX_LINE. */
GraphbitLineSplitter *graphbit_line_splitter_new    (gsize                 max_line_length,
                                                     GraphbitLineEndings   endings);
void                  graphbit_line_splitter_free   (GraphbitLineSplitter *splitter);

/* Splits @data (any number of bytes, cut anywhere: inside a line, between
 * "\r" and "\n", inside a UTF-8 character) and calls @func for each line
 * it completes. Returns FALSE if @func failed or a line grew longer than
 * the maximum (GRAPHBIT_ERROR_RESOURCE_EXHAUSTED, resource type
 * "stream_line"); the splitter must not be fed again after that, only
 * freed (or finished, which resets it). */
gboolean              graphbit_line_splitter_feed   (GraphbitLineSplitter *splitter,
                                                     const char           *data,
                                                     gsize                 len,
                                                     GraphbitLineFunc      func,
                                                     gpointer              user_data,
                                                     GError              **error);

/* End of input. Returns the bytes after the last terminator as a valid
 * UTF-8 string (free with g_free(); its length in @len, which may be
 * NULL), or NULL if the input was empty or ended with a terminator. Such
 * a line is not passed to any GraphbitLineFunc: what an unterminated last
 * line means is the caller's decision. The splitter is reset for a new
 * stream. */
char                 *graphbit_line_splitter_finish (GraphbitLineSplitter *splitter,
                                                     gsize                *len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitLineSplitter, graphbit_line_splitter_free)

G_END_DECLS
