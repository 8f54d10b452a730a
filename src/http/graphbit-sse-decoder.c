/* graphbit-sse-decoder.c - Server-Sent Events decoding (OpenAI, Anthropic)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The WHATWG event-stream algorithm as the official OpenAI and Anthropic
 * SDKs implement it (shared/reference/wire-protocols.md §1). Where they
 * differ from the WHATWG text, the SDKs win: an event with a name but no
 * data ("event: ping" + blank line) is dispatched, with data "".
 */

#include "config.h"

#include <string.h>

#include "graphbit-sse-decoder-private.h"
#include "graphbit-line-splitter-private.h"

/* Buffers that grew past this are dropped after an event rather than
 * reused, so one huge event does not pin its memory for the whole stream. */
#define KEEP_BUFFER_MAX ((gsize) 64 * 1024)

struct _GraphbitSseDecoder
{
  GraphbitLineSplitter *splitter;
  GString *event;          /* the pending event's name; empty = none */
  GString *data;           /* the pending event's data lines, joined */
  gboolean has_data;       /* a data field was seen (the data may be "") */
  char *last_event_id;     /* kept across events, as WHATWG says; NULL = never set */
  gboolean at_start;       /* no line yet: a leading byte order mark is dropped */

  /* Only during graphbit_sse_decoder_feed(). */
  GraphbitSseEventFunc func;
  gpointer user_data;
};

GraphbitSseDecoder *
graphbit_sse_decoder_new (gsize max_line_length)
{
  GraphbitSseDecoder *decoder = g_new0 (GraphbitSseDecoder, 1);

  decoder->splitter = graphbit_line_splitter_new (max_line_length, GRAPHBIT_LINE_ENDINGS_ANY);
  decoder->event = g_string_new (NULL);
  decoder->data = g_string_new (NULL);
  decoder->at_start = TRUE;
  return decoder;
}

void
graphbit_sse_decoder_free (GraphbitSseDecoder *decoder)
{
  if (decoder == NULL)
    return;
  graphbit_line_splitter_free (decoder->splitter);
  g_string_free (decoder->event, TRUE);
  g_string_free (decoder->data, TRUE);
  g_free (decoder->last_event_id);
  g_free (decoder);
}

static void
clear_buffer (GString **buffer)
{
  if ((*buffer)->allocated_len > KEEP_BUFFER_MAX)
    {
      g_string_free (*buffer, TRUE);
      *buffer = g_string_new (NULL);
    }
  else
    g_string_truncate (*buffer, 0);
}

static void
clear_pending_event (GraphbitSseDecoder *decoder)
{
  clear_buffer (&decoder->event);
  clear_buffer (&decoder->data);
  decoder->has_data = FALSE;
}

static gboolean
has_pending_event (GraphbitSseDecoder *decoder)
{
  return decoder->event->len > 0 || decoder->has_data;
}

static gboolean
dispatch (GraphbitSseDecoder  *decoder,
          GError             **error)
{
  GraphbitSseEvent event;
  gboolean ok;

  /* Blank lines between events (or doubled ones) dispatch nothing. */
  if (!has_pending_event (decoder))
    return TRUE;

  event.event = decoder->event->len > 0 ? decoder->event->str : NULL;
  event.data = decoder->data->str;
  event.data_len = decoder->data->len;
  event.id = decoder->last_event_id;
  ok = decoder->func (&event, decoder->user_data, error);
  clear_pending_event (decoder);
  return ok;
}

static gboolean
field_is (const char *name,
          gsize       name_len,
          const char *expected)
{
  return name_len == strlen (expected) && memcmp (name, expected, name_len) == 0;
}

static gboolean
decode_line (const char  *line,
             gsize        len,
             gpointer     user_data,
             GError     **error)
{
  GraphbitSseDecoder *decoder = user_data;
  const char *colon;
  const char *value;
  gsize name_len, value_len;

  if (decoder->at_start)
    {
      decoder->at_start = FALSE;
      if (len >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
        {
          line += 3;
          len -= 3;
        }
    }

  if (len == 0)
    return dispatch (decoder, error);
  if (line[0] == ':')
    return TRUE;  /* a comment, such as ": keepalive" */

  /* name:value, split at the first colon; one space after it is not part
   * of the value. A line without a colon is a name with an empty value. */
  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && value[0] == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = "";
      value_len = 0;
    }

  if (field_is (line, name_len, "event"))
    {
      g_string_truncate (decoder->event, 0);
      g_string_append_len (decoder->event, value, value_len);
    }
  else if (field_is (line, name_len, "data"))
    {
      if (decoder->has_data)
        g_string_append_c (decoder->data, '\n');
      g_string_append_len (decoder->data, value, value_len);
      decoder->has_data = TRUE;
    }
  else if (field_is (line, name_len, "id"))
    {
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_free (decoder->last_event_id);
          decoder->last_event_id = g_strndup (value, value_len);
        }
    }
  /* "retry" sets a reconnection delay; graphbit never reconnects a stream
   * (a retry re-sends the request), so it is ignored like unknown fields. */
  return TRUE;
}

gboolean
graphbit_sse_decoder_feed (GraphbitSseDecoder    *decoder,
                           const char            *data,
                           gsize                  len,
                           GraphbitSseEventFunc   func,
                           gpointer               user_data,
                           GError               **error)
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
graphbit_sse_decoder_finish (GraphbitSseDecoder *decoder)
{
  g_autofree char *unterminated = NULL;
  gboolean dropped;

  g_return_val_if_fail (decoder != NULL, FALSE);

  unterminated = graphbit_line_splitter_finish (decoder->splitter, NULL);
  dropped = unterminated != NULL || has_pending_event (decoder);

  clear_pending_event (decoder);
  g_clear_pointer (&decoder->last_event_id, g_free);
  decoder->at_start = TRUE;
  return !dropped;
}
