/* fuzz-common.c - what the fuzz targets share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "graphbit.h"
#include "fuzz-common.h"

static void
abort_on_log (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        user_data)
{
  /* Not through the default handler: for an error, it traps first. */
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_printerr ("%s: %s\n", domain != NULL ? domain : "", message);
      abort ();
    }
  g_log_default_handler (domain, level, message, user_data);
}

void
fuzz_init (void)
{
  g_log_set_default_handler (abort_on_log, NULL);
}

void
fuzz_check_error (GError   **error,
                  gboolean   utf8)
{
  g_assert_nonnull (*error);
  g_assert_cmpstr (g_quark_to_string ((*error)->domain), ==, g_quark_to_string (GRAPHBIT_ERROR));
  g_assert_nonnull ((*error)->message);
  g_assert_cmpuint (strlen ((*error)->message), >, 0);
  if (utf8 && !g_utf8_validate ((*error)->message, -1, NULL))
    g_error ("not UTF-8: %s", g_strescape ((*error)->message, NULL));
  g_clear_error (error);
}

gboolean
fuzz_feed_pieces (const guint8 *data,
                  gsize         size,
                  FuzzFeedFunc  feed,
                  gpointer      user_data,
                  GError      **error)
{
  gsize n_keys = MIN (size, 8);
  const guint8 *keys = data + size - n_keys;
  gsize offset = 0;

  for (guint i = 0; offset < size; i++)
    {
      gsize piece = MIN (1 + keys[i % n_keys] % 32, size - offset);

      if (!feed ((const char *) data + offset, piece, user_data, error))
        return FALSE;
      offset += piece;
    }
  return TRUE;
}

static GString *
decode (const FuzzDecoder *type,
        gpointer           decoder,
        const guint8      *data,
        gsize              size,
        gboolean           whole,
        gboolean          *ok)
{
  FuzzDecoding decoding = { decoder, g_string_new (NULL), 0, whole };
  g_autoptr(GError) error = NULL;

  *ok = whole ? type->feed ((const char *) data, size, &decoding, &error)
              : fuzz_feed_pieces (data, size, type->feed, &decoding, &error);
  if (*ok)
    type->finish (&decoding);
  else
    {
      g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RESOURCE_EXHAUSTED);
      fuzz_check_error (&error, TRUE);
      g_string_append (decoding.log, "too long");
    }
  g_assert_cmpuint (decoding.emitted, <=, fuzz_max_output (data, size));
  return decoding.log;
}

void
fuzz_decode_alike (const FuzzDecoder *type,
                   const guint8      *data,
                   gsize              size)
{
  gpointer decoder = type->create ();
  gboolean finished;
  g_autoptr(GString) whole = decode (type, decoder, data, size, TRUE, &finished);
  g_autoptr(GString) pieces = NULL;

  if (!finished)
    {
      type->free (decoder);
      decoder = type->create ();
    }
  pieces = decode (type, decoder, data, size, FALSE, &finished);
  g_assert_true (g_string_equal (whole, pieces));
  type->free (decoder);
}

gsize
fuzz_max_output (const guint8 *data,
                 gsize         size)
{
  return g_utf8_validate_len ((const char *) data, size, NULL) ? size : 3 * size;
}
