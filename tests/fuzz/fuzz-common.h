/* fuzz-common.h - what the fuzz targets share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each target, fuzz-NAME.c, defines fuzz_one(). libFuzzer calls it through
 * fuzz-entry.c; the replay test (fuzz-replay.c) calls it with every file
 * kept under regressions/NAME/, so both run exactly the same code. An
 * invariant that does not hold aborts.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes a warning or critical abort: it means the library called GLib
 * wrongly, a finding too. (GLib's own fatal path traps, which libFuzzer
 * does not catch.) */
void     fuzz_init        (void);

/* Checks one input and frees everything it allocated. */
void     fuzz_one         (const guint8 *data,
                           gsize         size);

/* Aborts unless *@error is a GRAPHBIT_ERROR with a non-empty message;
 * then clears it. With @utf8, the message must also be valid UTF-8
 * (bindings turn it into a string): always for what came from the
 * network; for a string an API takes, only when it was (the API takes
 * UTF-8, and may quote it). */
void     fuzz_check_error (GError      **error,
                           gboolean      utf8);

/* Feeds one piece of a stream. */
typedef gboolean (*FuzzFeedFunc) (const char  *piece,
                                  gsize        len,
                                  gpointer     user_data,
                                  GError     **error);

/* Feeds all of @data to @feed, in pieces whose lengths (1 to 32 bytes)
 * the last bytes of the input choose: network reads end anywhere, and
 * every byte is still fed, so a seed stays the stream it was. Stops at
 * the first failure. */
gboolean fuzz_feed_pieces (const guint8 *data,
                           gsize         size,
                           FuzzFeedFunc  feed,
                           gpointer      user_data,
                           GError      **error);

/* One decoding of a stream, the user data of a decoder's feed function. */
typedef struct
{
  gpointer decoder;
  GString *log;            /* what came out, and how decoding ended */
  gsize emitted;           /* bytes that came out */
  gboolean whole;          /* fed in one piece */
} FuzzDecoding;

typedef struct
{
  gpointer     (*create) (void);
  void         (*free)   (gpointer decoder);
  FuzzFeedFunc   feed;
  /* End of stream, after feeding succeeded; logs how it ended. */
  void         (*finish) (FuzzDecoding *decoding);
} FuzzDecoder;

/* Decodes @data fed whole, then in pieces: both must log the same, and
 * never put out more than fuzz_max_output(). A decoder that finished is
 * reused for the second feeding (finishing resets it); one that failed
 * must have failed on a too-long line. */
void     fuzz_decode_alike (const FuzzDecoder *type,
                            const guint8      *data,
                            gsize              size);

/* How many bytes decoding @size bytes of @data may produce: as many, or
 * three times as many when they are not valid UTF-8 (each bad byte may
 * become U+FFFD). */
gsize    fuzz_max_output  (const guint8 *data,
                           gsize         size);

G_END_DECLS
