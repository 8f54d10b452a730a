/* graphbit-sse-decoder-private.h - Server-Sent Events decoding (OpenAI, Anthropic)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One dispatched event; every pointer is lent for the callback only. */
typedef struct
{
  const char *event;   /* the event: field, or NULL if none (or empty) was given */
  const char *data;    /* data: lines joined with "\n"; "" if there were none */
  gsize data_len;      /* length of @data (it may contain NUL bytes) */
  const char *id;      /* the last event ID seen in the stream so far, or NULL */
} GraphbitSseEvent;

/* Return FALSE and set @error to stop decoding. */
typedef gboolean (*GraphbitSseEventFunc) (const GraphbitSseEvent  *event,
                                          gpointer                 user_data,
                                          GError                 **error);

typedef struct _GraphbitSseDecoder GraphbitSseDecoder;

/* @max_line_length in bytes; 0 means GRAPHBIT_LINE_SPLITTER_DEFAULT_MAX_LINE
 * (16 MiB). */
GraphbitSseDecoder *graphbit_sse_decoder_new    (gsize                  max_line_length);
void                graphbit_sse_decoder_free   (GraphbitSseDecoder    *decoder);

/* Decodes @data, the next bytes of the stream (cut anywhere), and calls
 * @func for each event a blank line completes. Returns FALSE if @func
 * failed or a line is longer than the maximum
 * (GRAPHBIT_ERROR_RESOURCE_EXHAUSTED, resource type "stream_line"); the
 * decoder must not be fed again after that. */
gboolean            graphbit_sse_decoder_feed   (GraphbitSseDecoder    *decoder,
                                                 const char            *data,
                                                 gsize                  len,
                                                 GraphbitSseEventFunc   func,
                                                 gpointer               user_data,
                                                 GError               **error);

/* End of stream. An event not followed by a blank line is incomplete and
 * is not dispatched. Returns TRUE if nothing was pending, FALSE if such an
 * event (one with an event name or data) or an unterminated last line was
 * dropped. Resets the decoder for a new stream. */
gboolean            graphbit_sse_decoder_finish (GraphbitSseDecoder    *decoder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphbitSseDecoder, graphbit_sse_decoder_free)

G_END_DECLS
