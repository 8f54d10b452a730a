/* graphbit-line-splitter.c - incremental line splitting of streamed bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Network reads end anywhere: inside a line, between the "\r" and "\n" of
 * one terminator, inside a multi-byte UTF-8 character. Bytes are kept
 * until a terminator completes a line, and only whole lines are decoded.
 * Bytes already buffered are never scanned again, so the cost stays
 * linear however the input is cut (one byte per read included).
 */

#include "config.h"

#include <string.h>

#include "graphbit-line-splitter-private.h"
#include "graphbit-error-private.h"

/* A line buffer that grew past this is dropped after use rather than
 * reused, so one huge line does not pin its memory for the whole stream. */
#define KEEP_BUFFER_MAX ((guint) 64 * 1024)

struct _GraphbitLineSplitter
{
  GByteArray *line;          /* bytes of the line not yet terminated */
  gsize max_line_length;
  GraphbitLineEndings endings;
  gboolean skip_lf;          /* a "\r" ended the last line: a "\n" next is its pair */
  gboolean failed;
};

GraphbitLineSplitter *
graphbit_line_splitter_new (gsize               max_line_length,
                            GraphbitLineEndings endings)
{
  GraphbitLineSplitter *splitter = g_new0 (GraphbitLineSplitter, 1);

  splitter->line = g_byte_array_new ();
  splitter->max_line_length = max_line_length != 0 ? max_line_length
                                                   : GRAPHBIT_LINE_SPLITTER_DEFAULT_MAX_LINE;
  /* GByteArray lengths are guint, and the buffer may hold the limit plus
   * a "\r" (see too_long()) plus a NUL. */
  splitter->max_line_length = MIN (splitter->max_line_length, (gsize) G_MAXUINT / 2);
  splitter->endings = endings;
  return splitter;
}

void
graphbit_line_splitter_free (GraphbitLineSplitter *splitter)
{
  if (splitter == NULL)
    return;
  g_byte_array_unref (splitter->line);
  g_free (splitter);
}

static void
reset_line (GraphbitLineSplitter *splitter)
{
  if (splitter->line->len > KEEP_BUFFER_MAX)
    {
      g_byte_array_unref (splitter->line);
      splitter->line = g_byte_array_new ();
    }
  else
    g_byte_array_set_size (splitter->line, 0);
}

/* Whether @n more bytes, the last of them @last, make the pending line too
 * long. In LF mode one byte over is allowed while it is a "\r": it may be
 * the first half of a "\r\n" terminator, which is not counted. */
static gboolean
too_long (GraphbitLineSplitter *splitter,
          gsize                 n,
          char                  last)
{
  gsize new_len = splitter->line->len + n;

  if (new_len <= splitter->max_line_length)
    return FALSE;
  return !(splitter->endings == GRAPHBIT_LINE_ENDINGS_LF
           && new_len == splitter->max_line_length + 1
           && last == '\r');
}

static GError *
new_too_long_error (GraphbitLineSplitter *splitter)
{
  GError *error;

  error = graphbit_error_new (GRAPHBIT_ERROR_RESOURCE_EXHAUSTED,
                              "A line of the response stream is longer than the maximum line length "
                              "of %" G_GSIZE_FORMAT " bytes; if the server really sends lines this "
                              "long, raise the maximum line length, otherwise the response is not a "
                              "well-formed stream",
                              splitter->max_line_length);
  graphbit_error_set_resource_type (error, "stream_line");
  return error;
}

static const char *
find_terminator (GraphbitLineEndings  endings,
                 const char          *p,
                 const char          *end)
{
  if (endings == GRAPHBIT_LINE_ENDINGS_LF)
    return memchr (p, '\n', end - p);
  for (; p < end; p++)
    {
      if (*p == '\n' || *p == '\r')
        return p;
    }
  return NULL;
}

/* Like g_utf8_validate_len(), but a NUL byte is a valid character (U+0000)
 * here: SSE gives it a meaning (an id containing NUL is ignored). */
static gboolean
utf8_validate_with_nul (const char *text,
                        gsize       len)
{
  const char *end;
  const char *stop;

  /* An empty buffer may have no storage at all (data == NULL). */
  if (len == 0)
    return TRUE;
  end = text + len;
  while (!g_utf8_validate_len (text, end - text, &stop))
    {
      if (*stop != '\0')
        return FALSE;
      text = stop + 1;
    }
  return TRUE;
}

/* g_utf8_make_valid() over each NUL-free run, keeping the NULs: a NUL can
 * never be part of a multi-byte sequence, so cutting there changes
 * nothing else. */
static char *
utf8_repair (const char *text,
             gsize       len,
             gsize      *out_len)
{
  GString *out = g_string_sized_new (len + 6);
  const char *end = text + len;

  for (;;)
    {
      const char *nul = memchr (text, '\0', end - text);
      g_autofree char *valid = g_utf8_make_valid (text, (nul != NULL ? nul : end) - text);

      g_string_append (out, valid);
      if (nul == NULL)
        break;
      g_string_append_c (out, '\0');
      text = nul + 1;
    }
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* Makes the pending line valid UTF-8 and NUL-terminated: in place when it
 * already is valid (the common case), else in a repaired copy returned in
 * @repaired. */
static const char *
pending_line_text (GraphbitLineSplitter  *splitter,
                   gsize                 *len,
                   char                 **repaired)
{
  GByteArray *line = splitter->line;

  if (splitter->endings == GRAPHBIT_LINE_ENDINGS_LF && line->len > 0
      && line->data[line->len - 1] == '\r')
    g_byte_array_set_size (line, line->len - 1);

  *repaired = NULL;
  if (!utf8_validate_with_nul ((const char *) line->data, line->len))
    {
      *repaired = utf8_repair ((const char *) line->data, line->len, len);
      return *repaired;
    }
  /* The NUL goes just past the line, in the array's spare room. */
  g_byte_array_append (line, (const guint8 *) "", 1);
  g_byte_array_set_size (line, line->len - 1);
  *len = line->len;
  return (const char *) line->data;
}

static gboolean
emit_line (GraphbitLineSplitter  *splitter,
           GraphbitLineFunc       func,
           gpointer               user_data,
           GError               **error)
{
  g_autofree char *repaired = NULL;
  const char *text;
  gsize len;
  gboolean ok;

  text = pending_line_text (splitter, &len, &repaired);
  ok = func (text, len, user_data, error);
  reset_line (splitter);
  return ok;
}

gboolean
graphbit_line_splitter_feed (GraphbitLineSplitter  *splitter,
                             const char            *data,
                             gsize                  len,
                             GraphbitLineFunc       func,
                             gpointer               user_data,
                             GError               **error)
{
  const char *p;
  const char *end;

  g_return_val_if_fail (splitter != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!splitter->failed, FALSE);

  if (len == 0)
    return TRUE;
  p = data;
  end = data + len;
  while (p < end)
    {
      const char *term;
      gsize n;

      if (splitter->skip_lf)
        {
          splitter->skip_lf = FALSE;
          if (*p == '\n')
            {
              p++;
              continue;
            }
        }

      term = find_terminator (splitter->endings, p, end);
      n = (term != NULL ? term : end) - p;
      if (n > 0 && too_long (splitter, n, p[n - 1]))
        {
          splitter->failed = TRUE;
          reset_line (splitter);
          g_propagate_error (error, new_too_long_error (splitter));
          return FALSE;
        }
      g_byte_array_append (splitter->line, (const guint8 *) p, n);
      if (term == NULL)
        break;

      p = term + 1;
      if (*term == '\r')
        {
          /* Dispatch now rather than wait for the next read to see whether
           * a "\n" follows: a stream with "\r" line ends would otherwise
           * hold its last event until more bytes (or EOF) arrive. */
          if (p < end)
            {
              if (*p == '\n')
                p++;
            }
          else
            splitter->skip_lf = TRUE;
        }

      if (!emit_line (splitter, func, user_data, error))
        {
          splitter->failed = TRUE;
          return FALSE;
        }
    }
  return TRUE;
}

char *
graphbit_line_splitter_finish (GraphbitLineSplitter *splitter,
                               gsize                *len)
{
  g_autofree char *repaired = NULL;
  const char *text;
  gsize text_len = 0;
  char *ret = NULL;

  g_return_val_if_fail (splitter != NULL, NULL);

  if (!splitter->failed && splitter->line->len > 0)
    {
      text = pending_line_text (splitter, &text_len, &repaired);
      /* Empty only when LF mode dropped a "\r": half of a cut "\r\n". */
      if (text_len > 0)
        ret = repaired != NULL ? g_steal_pointer (&repaired) : g_memdup2 (text, text_len + 1);
    }

  reset_line (splitter);
  splitter->skip_lf = FALSE;
  splitter->failed = FALSE;
  if (len != NULL)
    *len = text_len;
  return ret;
}
