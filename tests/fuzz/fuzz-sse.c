/* fuzz-sse.c - the SSE decoder, fed whole and in pieces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * However the reads cut a stream, it must decode to the same events, with
 * the same outcome (see fuzz_decode_alike()).
 */

#include "config.h"

#include <string.h>

#include "graphbit.h"
#include "graphbit-sse-decoder-private.h"
#include "fuzz-common.h"

/* Small, so the fuzzer reaches the line-length error. */
#define MAX_LINE 256

static gboolean
on_event (const GraphbitSseEvent  *event,
          gpointer                 user_data,
          GError                 **error)
{
  FuzzDecoding *decoding = user_data;

  g_assert_nonnull (event->data);
  g_assert_cmpint (event->data[event->data_len], ==, '\0');
  g_string_append_printf (decoding->log, "event %s id %s data %" G_GSIZE_FORMAT ":",
                          event->event != NULL ? event->event : "-",
                          event->id != NULL ? event->id : "-", event->data_len);
  g_string_append_len (decoding->log, event->data, event->data_len);
  g_string_append_c (decoding->log, '\n');
  decoding->emitted += event->data_len + (event->event != NULL ? strlen (event->event) : 0);
  return TRUE;
}

static gpointer
create (void)
{
  return graphbit_sse_decoder_new (MAX_LINE);
}

static gboolean
feed (const char  *piece,
      gsize        len,
      gpointer     user_data,
      GError     **error)
{
  FuzzDecoding *decoding = user_data;

  return graphbit_sse_decoder_feed (decoding->decoder, piece, len, on_event, decoding, error);
}

static void
finish (FuzzDecoding *decoding)
{
  g_string_append_printf (decoding->log, "finish %d", graphbit_sse_decoder_finish (decoding->decoder));
}

static const FuzzDecoder sse_decoder = {
  create, (GDestroyNotify) graphbit_sse_decoder_free, feed, finish,
};

void
fuzz_one (const guint8 *data,
          gsize         size)
{
  fuzz_decode_alike (&sse_decoder, data, size);
}
