/* test-decoders.c - line splitting, Server-Sent Events and NDJSON decoding
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Streams arrive in reads cut anywhere, so every fixture is decoded whole,
 * cut at every byte boundary and fed one byte at a time, and all must give
 * the same events. The LF-only fixtures are also checked against a naive
 * split of the whole file, so a decoder that is consistently wrong fails.
 */

#include "config.h"

#include <pthread.h>

#include <string.h>

#include "graphbit.h"
#include "graphbit-error-private.h"
#include "graphbit-json-private.h"
#include "graphbit-line-splitter-private.h"
#include "graphbit-sse-decoder-private.h"
#include "graphbit-ndjson-decoder-private.h"

#define REPLACEMENT "\xEF\xBF\xBD"   /* U+FFFD in UTF-8 */

/* -------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------- */

static const char *
fixtures_dir (void)
{
  const char *dir = g_getenv ("GRAPHBIT_FIXTURES_DIR");

  if (dir != NULL && *dir != '\0')
    return dir;
  return g_test_get_filename (G_TEST_DIST, "fixtures", "providers", NULL);
}

static char *
read_fixture (const char *relative,
              gsize      *len)
{
  g_autofree char *path = g_build_filename (fixtures_dir (), relative, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       expected_len)
{
  gsize len;
  const char *got = g_bytes_get_data (bytes, &len);

  g_assert_cmpuint (len, ==, expected_len);
  if (len > 0)
    g_assert_cmpmem (got, len, expected, expected_len);
}

/* Appends " @what[@len]=" without g_string_append_printf(), which
 * allocates: the fixture loops log millions of records, and sanitizer
 * builds make every allocation slow. */
static void
append_length (GString    *log,
               const char *what,
               gsize       len)
{
  char number[32];

  g_snprintf (number, sizeof number, "%" G_GSIZE_FORMAT, len);
  g_string_append_c (log, ' ');
  g_string_append (log, what);
  g_string_append_c (log, '[');
  g_string_append (log, number);
  g_string_append (log, "]=");
}

static void
assert_error_is_line_too_long (const GError *error,
                               gsize         limit)
{
  g_autofree char *limit_text = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", limit);
  const GraphbitErrorDetails *details;

  g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_RESOURCE_EXHAUSTED);
  details = graphbit_error_get_details (error);
  g_assert_nonnull (details);
  g_assert_cmpstr (graphbit_error_details_get_resource_type (details), ==, "stream_line");
  g_assert_nonnull (strstr (error->message, limit_text));
  g_assert_nonnull (strstr (error->message, "raise the maximum line length"));
}

/* -------------------------------------------------------------------------
 * Line splitter
 * ------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *lines;   /* GBytes */
  guint fail_at;      /* the callback fails on this line (1-based); 0 = never */
} LineLog;

static gboolean
collect_line (const char  *line,
              gsize        len,
              gpointer     user_data,
              GError     **error)
{
  LineLog *log = user_data;

  g_assert_cmpint (line[len], ==, '\0');
  g_ptr_array_add (log->lines, g_bytes_new (line, len));
  if (log->lines->len == log->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "stop here");
      return FALSE;
    }
  return TRUE;
}

/* Feeds the NULL-terminated @pieces; the unterminated rest goes to @rest. */
static GPtrArray *
split_pieces (GraphbitLineEndings  endings,
              const char * const  *pieces,
              char               **rest)
{
  g_autoptr(GraphbitLineSplitter) splitter = graphbit_line_splitter_new (0, endings);
  LineLog log = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), 0 };

  for (guint i = 0; pieces[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (graphbit_line_splitter_feed (splitter, pieces[i], strlen (pieces[i]),
                                                  collect_line, &log, &error));
      g_assert_no_error (error);
    }
  *rest = graphbit_line_splitter_finish (splitter, NULL);
  return log.lines;
}

static void
assert_lines (GPtrArray          *lines,
              const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (lines->len, ==, n);
  for (guint i = 0; i < n; i++)
    assert_bytes (lines->pdata[i], expected[i], strlen (expected[i]));
}

static void
test_split_terminators (void)
{
  const char *pieces[] = { "a\r\nb\nc\rd\n\ne\r\rf\r\n\r\n", NULL };
  const char *expected[] = { "a", "b", "c", "d", "", "e", "", "f", "", NULL };
  g_autofree char *rest = NULL;
  g_autoptr(GPtrArray) lines = split_pieces (GRAPHBIT_LINE_ENDINGS_ANY, pieces, &rest);

  assert_lines (lines, expected);
  g_assert_null (rest);
}

static void
test_split_cr_lf_across_reads (void)
{
  struct
  {
    const char *pieces[5];
    const char *expected[5];
    const char *rest;
  } cases[] = {
    /* openai-node: no spurious blank line from a "\r" | "\n" cut. */
    { { "foo\r", "\n\n", "bar\n", NULL }, { "foo", "", "bar", NULL }, NULL },
    { { "foo\r", "\r\n", NULL }, { "foo", "", NULL }, NULL },
    { { "a\r", "b", NULL }, { "a", NULL }, "b" },
    { { "a\r", "\r", "\n", "\n", NULL }, { "a", "", "", NULL }, NULL },
    { { "foo", " bar\nbaz", NULL }, { "foo bar", NULL }, "baz" },
    { { "foo", " bar\r\nbaz", NULL }, { "foo bar", NULL }, "baz" },
    { { "foo", " bar", "baz\r\n", "thing\r\n", NULL }, { "foo barbaz", "thing", NULL }, NULL },
    { { "a\r", "", "\n", NULL }, { "a", NULL }, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rest = NULL;
      g_autoptr(GPtrArray) lines = split_pieces (GRAPHBIT_LINE_ENDINGS_ANY, cases[i].pieces, &rest);

      assert_lines (lines, cases[i].expected);
      g_assert_cmpstr (rest, ==, cases[i].rest);
    }
}

static void
test_split_unicode_separators_are_not_terminators (void)
{
  /* U+2028, U+2029, NEL, VT and FF stay inside the line. */
  const char *pieces[] = { "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\xC2\x85" "d\x0B\x0C" "e\n", NULL };
  const char *expected[] = { "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\xC2\x85" "d\x0B\x0C" "e", NULL };
  g_autofree char *rest = NULL;
  g_autoptr(GPtrArray) lines = split_pieces (GRAPHBIT_LINE_ENDINGS_ANY, pieces, &rest);

  assert_lines (lines, expected);
  g_assert_null (rest);
}

static void
test_split_utf8_across_reads (void)
{
  const char *text = "известни\n";
  gsize len = strlen (text);
  guint runs = 0;

  /* Every way of cutting it into three reads, cuts inside characters too. */
  for (gsize i = 0; i <= len; i++)
    for (gsize j = i; j <= len; j++)
      {
        g_autoptr(GraphbitLineSplitter) splitter = graphbit_line_splitter_new (0, GRAPHBIT_LINE_ENDINGS_ANY);
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        LineLog log = { lines, 0 };

        g_assert_true (graphbit_line_splitter_feed (splitter, text, i, collect_line, &log, NULL));
        g_assert_true (graphbit_line_splitter_feed (splitter, text + i, j - i, collect_line, &log, NULL));
        g_assert_true (graphbit_line_splitter_feed (splitter, text + j, len - j, collect_line, &log, NULL));
        g_assert_null (graphbit_line_splitter_finish (splitter, NULL));
        g_assert_cmpuint (lines->len, ==, 1);
        assert_bytes (lines->pdata[0], "известни", len - 1);
        runs++;
      }
  g_assert_cmpuint (runs, ==, (len + 1) * (len + 2) / 2);
}

static void
test_split_invalid_utf8_is_repaired (void)
{
  static const char input[] = "a\xFF" "b\n\xD0\n\xFF\0\xFF\na\0b\n\xFF";
  g_autoptr(GraphbitLineSplitter) splitter = graphbit_line_splitter_new (0, GRAPHBIT_LINE_ENDINGS_ANY);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  LineLog log = { lines, 0 };
  g_autofree char *rest = NULL;
  gsize rest_len = 0;

  g_assert_true (graphbit_line_splitter_feed (splitter, input, sizeof input - 1, collect_line, &log, NULL));
  g_assert_cmpuint (lines->len, ==, 4);
  assert_bytes (lines->pdata[0], "a" REPLACEMENT "b", 5);
  /* A truncated two-byte sequence. */
  assert_bytes (lines->pdata[1], REPLACEMENT, 3);
  /* NUL is a valid character and survives the repair. */
  assert_bytes (lines->pdata[2], REPLACEMENT "\0" REPLACEMENT, 7);
  assert_bytes (lines->pdata[3], "a\0b", 3);

  rest = graphbit_line_splitter_finish (splitter, &rest_len);
  g_assert_cmpuint (rest_len, ==, 3);
  g_assert_cmpstr (rest, ==, REPLACEMENT);
}

static void
test_split_max_line_length (void)
{
  struct
  {
    GraphbitLineEndings endings;
    const char *input;
    gboolean ok;
  } cases[] = {
    { GRAPHBIT_LINE_ENDINGS_ANY, "12345678\n", TRUE },
    { GRAPHBIT_LINE_ENDINGS_ANY, "12345678\r\n", TRUE },    /* terminators do not count */
    { GRAPHBIT_LINE_ENDINGS_ANY, "12345678\r", TRUE },
    { GRAPHBIT_LINE_ENDINGS_ANY, "123456789\n", FALSE },
    { GRAPHBIT_LINE_ENDINGS_ANY, "123456789", FALSE },      /* no need to wait for the end */
    { GRAPHBIT_LINE_ENDINGS_LF, "12345678\r\n", TRUE },
    { GRAPHBIT_LINE_ENDINGS_LF, "1234567\r\r\n", TRUE },
    { GRAPHBIT_LINE_ENDINGS_LF, "12345678\r", TRUE },
    { GRAPHBIT_LINE_ENDINGS_LF, "12345678\rx", FALSE },
    { GRAPHBIT_LINE_ENDINGS_LF, "12345678\r\r\n", FALSE },
    { GRAPHBIT_LINE_ENDINGS_LF, "123456789\n", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].input);

      /* Whole, then a byte at a time. */
      for (guint bytewise = 0; bytewise <= 1; bytewise++)
        {
          g_autoptr(GraphbitLineSplitter) splitter = graphbit_line_splitter_new (8, cases[i].endings);
          g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
          LineLog log = { lines, 0 };
          g_autoptr(GError) error = NULL;
          gboolean ok = TRUE;
          g_autofree char *rest = NULL;

          if (bytewise)
            {
              for (gsize k = 0; k < len && ok; k++)
                ok = graphbit_line_splitter_feed (splitter, cases[i].input + k, 1, collect_line, &log, &error);
            }
          else
            ok = graphbit_line_splitter_feed (splitter, cases[i].input, len, collect_line, &log, &error);

          g_assert_cmpint (ok, ==, cases[i].ok);
          if (!ok)
            {
              assert_error_is_line_too_long (error, 8);
              g_assert_cmpuint (lines->len, ==, 0);
              /* finish() resets a failed splitter; nothing of it is returned. */
              rest = graphbit_line_splitter_finish (splitter, NULL);
              g_assert_null (rest);
            }
          else
            {
              g_assert_no_error (error);
              rest = graphbit_line_splitter_finish (splitter, NULL);
              g_assert_cmpuint (lines->len + (rest != NULL ? 1 : 0), ==, 1);
            }
        }
    }
}

static void
test_split_finish (void)
{
  g_autoptr(GraphbitLineSplitter) splitter = graphbit_line_splitter_new (0, GRAPHBIT_LINE_ENDINGS_ANY);
  g_autoptr(GraphbitLineSplitter) lf = graphbit_line_splitter_new (0, GRAPHBIT_LINE_ENDINGS_LF);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  LineLog log = { lines, 0 };
  char *rest;
  gsize len = 99;

  /* Nothing fed. */
  g_assert_null (graphbit_line_splitter_finish (splitter, &len));
  g_assert_cmpuint (len, ==, 0);

  g_assert_true (graphbit_line_splitter_feed (splitter, "a\nbc", 4, collect_line, &log, NULL));
  rest = graphbit_line_splitter_finish (splitter, &len);
  g_assert_cmpstr (rest, ==, "bc");
  g_assert_cmpuint (len, ==, 2);
  g_free (rest);
  g_assert_cmpuint (lines->len, ==, 1);

  /* Reset: the next stream starts clean, and a "\r" that ended the last
   * stream does not swallow the next stream's first "\n". */
  g_assert_true (graphbit_line_splitter_feed (splitter, "x\r", 2, collect_line, &log, NULL));
  g_assert_null (graphbit_line_splitter_finish (splitter, NULL));
  g_assert_true (graphbit_line_splitter_feed (splitter, "\ny\n", 3, collect_line, &log, NULL));
  g_assert_null (graphbit_line_splitter_finish (splitter, NULL));
  g_assert_cmpuint (lines->len, ==, 4);
  assert_bytes (lines->pdata[1], "x", 1);
  assert_bytes (lines->pdata[2], "", 0);
  assert_bytes (lines->pdata[3], "y", 1);

  /* LF mode: a lone "\r" is data; at EOF the "\r" of a cut "\r\n" is dropped. */
  g_ptr_array_set_size (lines, 0);
  g_assert_true (graphbit_line_splitter_feed (lf, "a\rb\r\nc\r", 7, collect_line, &log, NULL));
  g_assert_cmpuint (lines->len, ==, 1);
  assert_bytes (lines->pdata[0], "a\rb", 3);
  rest = graphbit_line_splitter_finish (lf, NULL);
  g_assert_cmpstr (rest, ==, "c");
  g_free (rest);
  g_assert_true (graphbit_line_splitter_feed (lf, "\r", 1, collect_line, &log, NULL));
  g_assert_null (graphbit_line_splitter_finish (lf, NULL));
}

static void
test_split_callback_failure_stops (void)
{
  g_autoptr(GraphbitLineSplitter) splitter = graphbit_line_splitter_new (0, GRAPHBIT_LINE_ENDINGS_ANY);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  LineLog log = { lines, 2 };
  g_autoptr(GError) error = NULL;

  g_assert_false (graphbit_line_splitter_feed (splitter, "a\nb\nc\n", 6, collect_line, &log, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (lines->len, ==, 2);
}

/* -------------------------------------------------------------------------
 * Server-Sent Events
 * ------------------------------------------------------------------------- */

typedef struct
{
  char *event;
  char *data;
  gsize data_len;
  char *id;
} Event;

static void
event_free (Event *event)
{
  g_free (event->event);
  g_free (event->data);
  g_free (event->id);
  g_free (event);
}

typedef struct
{
  GraphbitSseDecoder *decoder;
  GPtrArray *events;   /* Event */
  GString *log;        /* the same events as text, to compare whole runs */
  gboolean log_only;   /* keep the log only (fewer allocations in long loops) */
  guint n_events;
  guint fail_at;       /* the callback fails on this event (1-based); 0 = never */
  gboolean complete;   /* what finish() said */
} SseRun;

static gboolean
collect_event (const GraphbitSseEvent  *sse,
               gpointer                 user_data,
               GError                 **error)
{
  SseRun *run = user_data;

  g_assert_nonnull (sse->data);
  g_assert_cmpint (sse->data[sse->data_len], ==, '\0');
  if (!run->log_only)
    {
      Event *event = g_new0 (Event, 1);

      event->event = g_strdup (sse->event);
      event->data = g_memdup2 (sse->data, sse->data_len + 1);
      event->data_len = sse->data_len;
      event->id = g_strdup (sse->id);
      g_ptr_array_add (run->events, event);
    }
  run->n_events++;

  g_string_append (run->log, "event=");
  g_string_append (run->log, sse->event != NULL ? sse->event : "(none)");
  g_string_append (run->log, " id=");
  g_string_append (run->log, sse->id != NULL ? sse->id : "(none)");
  append_length (run->log, "data", sse->data_len);
  g_string_append_len (run->log, sse->data, sse->data_len);
  g_string_append_c (run->log, '\n');

  if (run->n_events == run->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "stop here");
      return FALSE;
    }
  return TRUE;
}

static SseRun *
sse_run_new (gsize max_line_length)
{
  SseRun *run = g_new0 (SseRun, 1);

  run->decoder = graphbit_sse_decoder_new (max_line_length);
  run->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  run->log = g_string_new (NULL);
  return run;
}

static void
sse_run_free (SseRun *run)
{
  graphbit_sse_decoder_free (run->decoder);
  g_ptr_array_unref (run->events);
  g_string_free (run->log, TRUE);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseRun, sse_run_free)

static void
sse_run_feed (SseRun     *run,
              const char *data,
              gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (graphbit_sse_decoder_feed (run->decoder, data, len, collect_event, run, &error));
  g_assert_no_error (error);
}

static void
sse_run_feed_text (SseRun     *run,
                   const char *text)
{
  sse_run_feed (run, text, strlen (text));
}

static void
sse_run_finish (SseRun *run)
{
  run->complete = graphbit_sse_decoder_finish (run->decoder);
}

/* Decodes a whole stream with @run's decoder (finish() resets it, so it
 * can be reused): feeds [0, @cut) then [@cut, @len), or @step bytes at a
 * time if non-zero. */
static void
sse_run_decode (SseRun     *run,
                const char *data,
                gsize       len,
                gsize       cut,
                gsize       step)
{
  g_ptr_array_set_size (run->events, 0);
  g_string_truncate (run->log, 0);
  run->n_events = 0;

  if (step == 0)
    {
      sse_run_feed (run, data, cut);
      sse_run_feed (run, data + cut, len - cut);
    }
  else
    {
      for (gsize k = 0; k < len; k += step)
        sse_run_feed (run, data + k, MIN (step, len - k));
    }
  sse_run_finish (run);
}

static SseRun *
sse_decode (const char *data,
            gsize       len,
            gsize       cut,
            gsize       step)
{
  SseRun *run = sse_run_new (0);

  sse_run_decode (run, data, len, cut, step);
  return run;
}

static SseRun *
sse_decode_pieces (const char * const *pieces)
{
  SseRun *run = sse_run_new (0);

  for (guint i = 0; pieces[i] != NULL; i++)
    sse_run_feed (run, pieces[i], strlen (pieces[i]));
  sse_run_finish (run);
  return run;
}

static void
assert_event (SseRun     *run,
              guint       index,
              const char *event,
              const char *data,
              const char *id)
{
  Event *got;

  g_assert_cmpuint (index, <, run->events->len);
  got = run->events->pdata[index];
  g_assert_cmpstr (got->event, ==, event);
  g_assert_cmpuint (got->data_len, ==, strlen (data));
  g_assert_cmpstr (got->data, ==, data);
  g_assert_cmpstr (got->id, ==, id);
}

/* A deliberately naive decoder for LF-only fixtures without comments or
 * ids: events are "\n\n"-separated blocks of "event:"/"data:" lines. */
static GString *
naive_sse_log (const char *text)
{
  g_auto(GStrv) blocks = g_strsplit (text, "\n\n", -1);
  GString *log = g_string_new (NULL);

  for (guint b = 0; blocks[b] != NULL; b++)
    {
      g_auto(GStrv) lines = g_strsplit (blocks[b], "\n", -1);
      g_autofree char *event = NULL;
      g_autoptr(GString) data = g_string_new (NULL);
      gboolean has_data = FALSE;

      for (guint l = 0; lines[l] != NULL; l++)
        {
          const char *line = lines[l];

          if (*line == '\0')
            continue;
          if (g_str_has_prefix (line, "event: "))
            {
              g_free (event);
              event = g_strdup (line + strlen ("event: "));
            }
          else if (g_str_has_prefix (line, "data:"))
            {
              const char *value = line + strlen ("data:");

              if (*value == ' ')
                value++;
              if (has_data)
                g_string_append_c (data, '\n');
              g_string_append (data, value);
              has_data = TRUE;
            }
          else
            g_error ("the naive decoder does not handle the line '%s'", line);
        }
      if (event == NULL && !has_data)
        continue;
      g_string_append_printf (log, "event=%s id=(none) data[%" G_GSIZE_FORMAT "]=%s\n",
                              event != NULL ? event : "(none)", data->len, data->str);
    }
  return log;
}

static void
test_sse_fixture (gconstpointer user_data)
{
  const char *relative = user_data;
  gsize len;
  g_autofree char *data = read_fixture (relative, &len);
  g_autoptr(SseRun) whole = sse_decode (data, len, len, 0);
  g_autoptr(SseRun) split = sse_run_new (0);

  g_assert_cmpuint (whole->events->len, >, 0);
  g_assert_true (whole->complete);

  split->log_only = TRUE;
  for (gsize cut = 0; cut <= len; cut++)
    {
      sse_run_decode (split, data, len, cut, 0);
      g_assert_cmpmem (split->log->str, split->log->len, whole->log->str, whole->log->len);
      g_assert_true (split->complete);
    }

  sse_run_decode (split, data, len, 0, 1);
  g_assert_cmpmem (split->log->str, split->log->len, whole->log->str, whole->log->len);
  g_assert_true (split->complete);

  if (strchr (data, '\r') == NULL && strstr (data, "\n:") == NULL && data[0] != ':')
    {
      g_autoptr(GString) naive = naive_sse_log (data);

      g_assert_cmpstr (whole->log->str, ==, naive->str);
    }
}

static void
test_sse_edge_cases_fixture (void)
{
  gsize len;
  g_autofree char *data = read_fixture ("openai/sse_edge_cases.sse", &len);
  g_autoptr(SseRun) run = sse_decode (data, len, len, 0);

  /* Exactly the five events the fixtures README lists. */
  g_assert_cmpuint (run->events->len, ==, 5);
  assert_event (run, 0, "update", "first\nsecond", NULL);
  assert_event (run, 1, "ping", "{\n\"foo\":\n\n\ntrue}", NULL);
  assert_event (run, 2, "ping", "", NULL);
  assert_event (run, 3, NULL, "{\"content\":\" \xE2\x80\xA8\"}", NULL);
  assert_event (run, 4, NULL, "{\"content\":\"no space after colon\"}", NULL);
  g_assert_true (run->complete);
}

static void
test_sse_anthropic_stream (void)
{
  const char *names[] = {
    "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
    "content_block_delta", "content_block_stop", "message_delta", "message_stop",
  };
  gsize len;
  g_autofree char *data = read_fixture ("anthropic/stream_text.sse", &len);
  g_autoptr(SseRun) run = sse_decode (data, len, len, 0);

  g_assert_cmpuint (run->events->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      Event *event = run->events->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = graphbit_json_parse_object (event->data, event->data_len, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (event->event, ==, names[i]);
      /* Anthropic repeats the event name as the payload's "type". */
      g_assert_cmpstr (graphbit_json_get_string (json_node_get_object (root), "type"), ==, names[i]);
    }
}

static void
test_sse_openai_stream (void)
{
  gsize len;
  g_autofree char *data = read_fixture ("openai/chat_stream_text.sse", &len);
  g_autoptr(SseRun) run = sse_decode (data, len, len, 0);
  g_autoptr(GString) content = g_string_new (NULL);
  guint last;

  g_assert_cmpuint (run->events->len, >=, 3);
  last = run->events->len - 1;
  assert_event (run, last, NULL, "[DONE]", NULL);
  for (guint i = 0; i < last; i++)
    {
      Event *event = run->events->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = graphbit_json_parse_object (event->data, event->data_len, &error);
      JsonObject *object;
      JsonArray *choices;

      g_assert_no_error (error);
      g_assert_null (event->event);
      object = json_node_get_object (root);
      g_assert_cmpstr (graphbit_json_get_string (object, "object"), ==, "chat.completion.chunk");
      choices = graphbit_json_get_array (object, "choices");
      if (choices != NULL && json_array_get_length (choices) > 0)
        {
          JsonObject *delta = graphbit_json_get_object (json_array_get_object_element (choices, 0), "delta");
          const char *piece = graphbit_json_get_string (delta, "content");

          if (piece != NULL)
            g_string_append (content, piece);
        }
    }
  g_assert_cmpuint (content->len, >, 0);
}

static void
test_sse_cr_lf_across_reads (void)
{
  const char *one[] = { "event: a\r", "\ndata: 1\r", "\n\r", "\n", NULL };
  const char *two[] = { "data: foo\r", "\n\n", "data: bar\n\n", NULL };
  const char *three[] = { "data: foo\r", "\r\n\r\n\r\r", "\n", NULL };
  g_autoptr(SseRun) run_one = sse_decode_pieces (one);
  g_autoptr(SseRun) run_two = sse_decode_pieces (two);
  g_autoptr(SseRun) run_three = sse_decode_pieces (three);
  g_autoptr(SseRun) run_cr = sse_run_new (0);

  g_assert_cmpuint (run_one->events->len, ==, 1);
  assert_event (run_one, 0, "a", "1", NULL);
  g_assert_true (run_one->complete);

  g_assert_cmpuint (run_two->events->len, ==, 2);
  assert_event (run_two, 0, NULL, "foo", NULL);
  assert_event (run_two, 1, NULL, "bar", NULL);

  g_assert_cmpuint (run_three->events->len, ==, 1);
  assert_event (run_three, 0, NULL, "foo", NULL);
  g_assert_true (run_three->complete);

  /* A "\r" ending a read dispatches at once, without waiting for the next
   * read to tell whether a "\n" follows. */
  sse_run_feed_text (run_cr, "data: x\r\r");
  g_assert_cmpuint (run_cr->events->len, ==, 1);
  assert_event (run_cr, 0, NULL, "x", NULL);
  sse_run_feed_text (run_cr, "\ndata: y\r");
  g_assert_cmpuint (run_cr->events->len, ==, 1);
  sse_run_feed_text (run_cr, "\n\r\n");
  g_assert_cmpuint (run_cr->events->len, ==, 2);
  assert_event (run_cr, 1, NULL, "y", NULL);
  sse_run_finish (run_cr);
  g_assert_true (run_cr->complete);
}

static void
test_sse_utf8_across_reads (void)
{
  const char *text = "data: известни\n\n";
  gsize len = strlen (text);

  for (gsize i = 0; i <= len; i++)
    for (gsize j = i; j <= len; j++)
      {
        g_autoptr(SseRun) run = sse_run_new (0);

        sse_run_feed (run, text, i);
        sse_run_feed (run, text + i, j - i);
        sse_run_feed (run, text + j, len - j);
        sse_run_finish (run);
        g_assert_cmpuint (run->events->len, ==, 1);
        assert_event (run, 0, NULL, "известни", NULL);
        g_assert_true (run->complete);
      }
}

static void
test_sse_line_separators_in_data (void)
{
  const char *pieces[] = {
    "data: {\"content\":\"\xE2\x80\xA8\"}\n\n",
    "data: a\xE2\x80\xA9" "b\xC2\x85" "c\n\n",
    NULL,
  };
  g_autoptr(SseRun) run = sse_decode_pieces (pieces);

  g_assert_cmpuint (run->events->len, ==, 2);
  assert_event (run, 0, NULL, "{\"content\":\"\xE2\x80\xA8\"}", NULL);
  assert_event (run, 1, NULL, "a\xE2\x80\xA9" "b\xC2\x85" "c", NULL);
}

static void
test_sse_fields (void)
{
  const char *pieces[] = {
    "data:x\n\n",                       /* no space after the colon */
    "data: x\n\n",
    "data:  x\n\n",                     /* only one space is removed */
    "data\n\n",                         /* no colon: a name with an empty value */
    "data:\n\n",
    "data: \n\n",
    "foo: bar\ndata: y\nbar\n\n",       /* unknown fields are ignored */
    "event:\ndata: z\n\n",              /* an empty name is no name */
    "event: a\nevent: b\ndata: 1\ndata: 2\n\n",
    "event: ping\n\n\n\n\n",            /* a name alone dispatches; extra blank lines nothing */
    "data: a:b: c\n\n",                 /* split at the first colon only */
    "Data: no\n\n",                     /* field names are case-sensitive */
    NULL,
  };
  g_autoptr(SseRun) run = sse_decode_pieces (pieces);

  g_assert_cmpuint (run->events->len, ==, 11);
  assert_event (run, 0, NULL, "x", NULL);
  assert_event (run, 1, NULL, "x", NULL);
  assert_event (run, 2, NULL, " x", NULL);
  assert_event (run, 3, NULL, "", NULL);
  assert_event (run, 4, NULL, "", NULL);
  assert_event (run, 5, NULL, "", NULL);
  assert_event (run, 6, NULL, "y", NULL);
  assert_event (run, 7, NULL, "z", NULL);
  assert_event (run, 8, "b", "1\n2", NULL);
  assert_event (run, 9, "ping", "", NULL);
  assert_event (run, 10, NULL, "a:b: c", NULL);
  g_assert_true (run->complete);
}

static void
test_sse_data_with_nul (void)
{
  static const char input[] = "data: a\0b\ndata: \0\n\n";
  g_autoptr(SseRun) run = sse_run_new (0);
  Event *event;

  sse_run_feed (run, input, sizeof input - 1);
  g_assert_cmpuint (run->events->len, ==, 1);
  event = run->events->pdata[0];
  g_assert_cmpuint (event->data_len, ==, 5);
  g_assert_cmpmem (event->data, event->data_len, "a\0b\n\0", 5);
}

static void
test_sse_comments (void)
{
  const char *pieces[] = {
    ": keepalive\n:\n: OPENROUTER PROCESSING\n\n\n",
    "data: a\n: in the middle\ndata: b\n\n",
    ":data: not data\n\n",
    NULL,
  };
  g_autoptr(SseRun) run = sse_decode_pieces (pieces);

  g_assert_cmpuint (run->events->len, ==, 1);
  assert_event (run, 0, NULL, "a\nb", NULL);
  g_assert_true (run->complete);
}

static void
test_sse_id_and_retry (void)
{
  static const char input[] =
    "id: 1\ndata: a\n\n"
    "data: b\n\n"                       /* the last event ID persists */
    "id: 2\0x\ndata: c\n\n"             /* an id containing NUL is ignored */
    "id\ndata: d\n\n"                   /* an empty id resets it */
    "retry: 1000\ndata: e\n\n"          /* retry changes nothing we report */
    "retry: soon\ndata: f\n\n"
    "id: 3\n\n"                         /* an id alone dispatches nothing */
    "retry: 5\n\n"
    "data: g\n\n";
  g_autoptr(SseRun) run = sse_run_new (0);

  sse_run_feed (run, input, sizeof input - 1);
  sse_run_finish (run);
  g_assert_cmpuint (run->events->len, ==, 7);
  assert_event (run, 0, NULL, "a", "1");
  assert_event (run, 1, NULL, "b", "1");
  assert_event (run, 2, NULL, "c", "1");
  assert_event (run, 3, NULL, "d", "");
  assert_event (run, 4, NULL, "e", "");
  assert_event (run, 5, NULL, "f", "");
  assert_event (run, 6, NULL, "g", "3");
  g_assert_true (run->complete);
}

static void
test_sse_incomplete_last_event (void)
{
  struct
  {
    const char *input;
    guint events;
    gboolean complete;
  } cases[] = {
    { "data: a\n\ndata: b", 1, FALSE },
    { "data: a\n\ndata: b\n", 1, FALSE },
    { "data: a\n\nevent: x\n", 1, FALSE },
    { "data: a\n\nevent: x\r", 1, FALSE },
    { "data: a\n\n: tail", 1, FALSE },          /* an unterminated line is dropped */
    { "data: a\n\n", 1, TRUE },
    { "data: a\r\r", 1, TRUE },
    { "data: a\n\nid: 7\n", 1, TRUE },          /* nothing that would dispatch */
    { "data: a\n\n: bye\n", 1, TRUE },
    { "", 0, TRUE },
    /* The anthropic-sdk-python fixtures end like this. */
    { "event: message_stop\ndata: {\"type\":\"message_stop\"}", 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].input);

      for (gsize cut = 0; cut <= len; cut++)
        {
          g_autoptr(SseRun) run = sse_decode (cases[i].input, len, cut, 0);

          g_assert_cmpuint (run->events->len, ==, cases[i].events);
          g_assert_cmpint (run->complete, ==, cases[i].complete);
        }
    }
}

static void
test_sse_finish_resets (void)
{
  g_autoptr(SseRun) run = sse_run_new (0);

  sse_run_feed_text (run, "id: 9\ndata: a\n\nevent: cut\ndata: b");
  sse_run_finish (run);
  g_assert_false (run->complete);
  sse_run_feed_text (run, "data: c\n\n");
  sse_run_finish (run);
  g_assert_true (run->complete);
  g_assert_cmpuint (run->events->len, ==, 2);
  assert_event (run, 0, NULL, "a", "9");
  assert_event (run, 1, NULL, "c", NULL);
}

static void
test_sse_byte_order_mark (void)
{
  const char *pieces[] = { "\xEF\xBB", "\xBF" "data: a\n", "\n\xEF\xBB\xBF" "data: b\n\n", NULL };
  g_autoptr(SseRun) run = sse_decode_pieces (pieces);

  /* Dropped at the start of the stream only; later it makes an unknown field. */
  g_assert_cmpuint (run->events->len, ==, 1);
  assert_event (run, 0, NULL, "a", NULL);
}

static void
test_sse_invalid_utf8 (void)
{
  g_autoptr(SseRun) run = sse_run_new (0);

  sse_run_feed_text (run, "event: e\xFF\ndata: a\xC3");
  sse_run_feed_text (run, "b\n\n");
  sse_run_finish (run);
  g_assert_cmpuint (run->events->len, ==, 1);
  assert_event (run, 0, "e" REPLACEMENT, "a" REPLACEMENT "b", NULL);
}

static void
test_sse_max_line_length (void)
{
  const char *ok_line = "data: 0123456789\n\n";      /* a 16-byte line */
  const char *long_line = "data: 01234567890\n\n";   /* 17 bytes */

  for (guint bytewise = 0; bytewise <= 1; bytewise++)
    {
      g_autoptr(SseRun) ok = sse_run_new (16);
      g_autoptr(SseRun) bad = sse_run_new (16);
      g_autoptr(GError) error = NULL;
      gboolean fed = TRUE;
      gsize len = strlen (long_line);

      sse_run_feed (ok, ok_line, strlen (ok_line));
      g_assert_cmpuint (ok->events->len, ==, 1);

      if (bytewise)
        {
          for (gsize k = 0; k < len && fed; k++)
            fed = graphbit_sse_decoder_feed (bad->decoder, long_line + k, 1, collect_event, bad, &error);
        }
      else
        fed = graphbit_sse_decoder_feed (bad->decoder, long_line, len, collect_event, bad, &error);
      g_assert_false (fed);
      assert_error_is_line_too_long (error, 16);
      g_assert_cmpuint (bad->events->len, ==, 0);
    }
}

static void
test_sse_default_max_line_length (void)
{
  gsize limit = GRAPHBIT_LINE_SPLITTER_DEFAULT_MAX_LINE;
  g_autoptr(GString) line = g_string_new ("data: ");
  g_autoptr(SseRun) ok = sse_run_new (0);
  g_autoptr(SseRun) bad = sse_run_new (0);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (limit, ==, 16 * 1024 * 1024);
  while (line->len < limit)
    g_string_append_c (line, 'x');

  /* Exactly the limit is fine; one byte more is not. */
  sse_run_feed (ok, line->str, line->len);
  sse_run_feed (ok, "\n\n", 2);
  g_assert_cmpuint (ok->events->len, ==, 1);
  g_assert_cmpuint (((Event *) ok->events->pdata[0])->data_len, ==, limit - 6);

  g_string_append (line, "x\n\n");
  g_assert_false (graphbit_sse_decoder_feed (bad->decoder, line->str, line->len, collect_event, bad, &error));
  assert_error_is_line_too_long (error, limit);
}

static void
test_sse_large_event_is_linear (void)
{
  const gsize payload = 10 * 1000 * 1000;
  g_autoptr(GString) input = g_string_sized_new (payload + 64);
  g_autoptr(SseRun) run = sse_run_new (0);
  Event *event;
  gdouble elapsed;

  g_string_append (input, "event: big\ndata: ");
  for (gsize i = 0; i < payload; i++)
    g_string_append_c (input, 'a' + (char) (i % 26));
  g_string_append (input, "\n\n");

  g_test_timer_start ();
  for (gsize k = 0; k < input->len; k++)
    sse_run_feed (run, input->str + k, 1);
  elapsed = g_test_timer_elapsed ();
  g_test_message ("10 MB event fed one byte at a time in %.2f s", elapsed);

  g_assert_cmpuint (run->events->len, ==, 1);
  event = run->events->pdata[0];
  g_assert_cmpstr (event->event, ==, "big");
  g_assert_cmpuint (event->data_len, ==, payload);
  g_assert_cmpmem (event->data, payload, input->str + strlen ("event: big\ndata: "), payload);
  /* Linear work is well under a second; quadratic (10^7 copies of up to
   * 10^7 bytes) would take hours. The bound leaves room for sanitizers. */
  g_assert_cmpfloat (elapsed, <, 60.0);
}

static void
test_sse_callback_failure_stops (void)
{
  g_autoptr(SseRun) run = sse_run_new (0);
  g_autoptr(GError) error = NULL;

  run->fail_at = 1;
  g_assert_false (graphbit_sse_decoder_feed (run->decoder, "data: a\n\ndata: b\n\n", 18,
                                             collect_event, run, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (run->events->len, ==, 1);
}

/* -------------------------------------------------------------------------
 * NDJSON
 * ------------------------------------------------------------------------- */

typedef struct
{
  GraphbitNdjsonDecoder *decoder;
  GPtrArray *lines;    /* GBytes */
  GString *log;
  gboolean log_only;   /* keep the log only (fewer allocations in long loops) */
  guint n_lines;
  gboolean unterminated;
  guint fail_at;
} NdjsonRun;

static gboolean
collect_json_line (const char  *line,
                   gsize        len,
                   gpointer     user_data,
                   GError     **error)
{
  NdjsonRun *run = user_data;

  g_assert_cmpint (line[len], ==, '\0');
  if (!run->log_only)
    g_ptr_array_add (run->lines, g_bytes_new (line, len));
  run->n_lines++;
  append_length (run->log, "", len);
  g_string_append_len (run->log, line, len);
  g_string_append_c (run->log, '\n');
  if (run->n_lines == run->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "stop here");
      return FALSE;
    }
  return TRUE;
}

static NdjsonRun *
ndjson_run_new (gsize max_line_length)
{
  NdjsonRun *run = g_new0 (NdjsonRun, 1);

  run->decoder = graphbit_ndjson_decoder_new (max_line_length);
  run->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  run->log = g_string_new (NULL);
  return run;
}

static void
ndjson_run_free (NdjsonRun *run)
{
  graphbit_ndjson_decoder_free (run->decoder);
  g_ptr_array_unref (run->lines);
  g_string_free (run->log, TRUE);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdjsonRun, ndjson_run_free)

static void
ndjson_run_feed (NdjsonRun  *run,
                 const char *data,
                 gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (graphbit_ndjson_decoder_feed (run->decoder, data, len, collect_json_line, run, &error));
  g_assert_no_error (error);
}

static void
ndjson_run_finish (NdjsonRun *run)
{
  g_autoptr(GError) error = NULL;

  run->unterminated = 99;
  g_assert_true (graphbit_ndjson_decoder_finish (run->decoder, collect_json_line, run,
                                                 &run->unterminated, &error));
  g_assert_no_error (error);
}

/* As sse_run_decode(). */
static void
ndjson_run_decode (NdjsonRun  *run,
                   const char *data,
                   gsize       len,
                   gsize       cut,
                   gsize       step)
{
  g_ptr_array_set_size (run->lines, 0);
  g_string_truncate (run->log, 0);
  run->n_lines = 0;

  if (step == 0)
    {
      ndjson_run_feed (run, data, cut);
      ndjson_run_feed (run, data + cut, len - cut);
    }
  else
    {
      for (gsize k = 0; k < len; k += step)
        ndjson_run_feed (run, data + k, MIN (step, len - k));
    }
  ndjson_run_finish (run);
}

static NdjsonRun *
ndjson_decode (const char *data,
               gsize       len,
               gsize       cut,
               gsize       step)
{
  NdjsonRun *run = ndjson_run_new (0);

  ndjson_run_decode (run, data, len, cut, step);
  return run;
}

static void
test_ndjson_fixture (gconstpointer user_data)
{
  const char *relative = user_data;
  gsize len;
  g_autofree char *data = read_fixture (relative, &len);
  g_autoptr(NdjsonRun) whole = ndjson_decode (data, len, len, 0);
  g_autoptr(NdjsonRun) split = ndjson_run_new (0);
  g_auto(GStrv) naive_lines = g_strsplit (data, "\n", -1);
  g_autoptr(GString) naive = g_string_new (NULL);

  g_assert_cmpuint (whole->lines->len, >, 0);
  g_assert_false (whole->unterminated);

  split->log_only = TRUE;
  for (gsize cut = 0; cut <= len; cut++)
    {
      ndjson_run_decode (split, data, len, cut, 0);
      g_assert_cmpmem (split->log->str, split->log->len, whole->log->str, whole->log->len);
      g_assert_false (split->unterminated);
    }
  ndjson_run_decode (split, data, len, 0, 1);
  g_assert_cmpmem (split->log->str, split->log->len, whole->log->str, whole->log->len);
  g_assert_false (split->unterminated);

  for (guint i = 0; naive_lines[i] != NULL; i++)
    {
      if (*naive_lines[i] != '\0')
        g_string_append_printf (naive, " [%" G_GSIZE_FORMAT "]=%s\n", strlen (naive_lines[i]), naive_lines[i]);
    }
  g_assert_cmpstr (whole->log->str, ==, naive->str);

  for (guint i = 0; i < whole->lines->len; i++)
    {
      gsize line_len;
      const char *line = g_bytes_get_data (whole->lines->pdata[i], &line_len);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = graphbit_ndjson_parse_object (line, line_len, &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
    }
}

static JsonObject *
last_object (NdjsonRun *run,
             JsonNode **root)
{
  gsize len;
  const char *line = g_bytes_get_data (run->lines->pdata[run->lines->len - 1], &len);
  g_autoptr(GError) error = NULL;

  *root = graphbit_ndjson_parse_object (line, len, &error);
  g_assert_no_error (error);
  return json_node_get_object (*root);
}

static void
test_ndjson_ollama_streams (void)
{
  gsize len;
  g_autofree char *chat = read_fixture ("ollama/chat_stream.ndjson", &len);
  g_autoptr(NdjsonRun) chat_run = ndjson_decode (chat, len, len, 0);
  g_autofree char *failed = read_fixture ("ollama/stream_error_midstream.ndjson", &len);
  g_autoptr(NdjsonRun) failed_run = ndjson_decode (failed, len, len, 0);
  g_autoptr(JsonNode) chat_root = NULL;
  g_autoptr(JsonNode) failed_root = NULL;
  JsonObject *object;

  g_assert_cmpuint (chat_run->lines->len, ==, 3);
  object = last_object (chat_run, &chat_root);
  g_assert_true (json_object_get_boolean_member (object, "done"));
  g_assert_cmpstr (graphbit_json_get_string (object, "done_reason"), ==, "stop");

  g_assert_cmpuint (failed_run->lines->len, ==, 5);
  object = last_object (failed_run, &failed_root);
  g_assert_cmpstr (graphbit_json_get_string (object, "error"), ==,
                   "an error was encountered while running the model");
}

static void
test_ndjson_blank_lines_and_crlf (void)
{
  const char input[] = "{\"a\":1}\r\n\r\n  \n\t\r\n\n{\"b\":\r2}\n{\"c\":3}\r\r\n";
  g_autoptr(NdjsonRun) run = ndjson_decode (input, sizeof input - 1, sizeof input - 1, 0);

  /* Only "\n" ends a line: the lone "\r" inside {"b":…} is JSON whitespace. */
  g_assert_cmpuint (run->lines->len, ==, 3);
  assert_bytes (run->lines->pdata[0], "{\"a\":1}", 7);
  assert_bytes (run->lines->pdata[1], "{\"b\":\r2}", 8);
  assert_bytes (run->lines->pdata[2], "{\"c\":3}\r", 8);
  g_assert_false (run->unterminated);

  for (guint i = 0; i < run->lines->len; i++)
    {
      gsize len;
      const char *line = g_bytes_get_data (run->lines->pdata[i], &len);
      g_autoptr(JsonNode) root = graphbit_ndjson_parse_object (line, len, NULL);

      g_assert_nonnull (root);
    }
}

static void
test_ndjson_last_line_without_newline (void)
{
  const char *input = "{\"a\":1}\n{\"done\":true}";
  gsize len = strlen (input);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr(NdjsonRun) run = ndjson_decode (input, len, cut, 0);

      /* Reported, by finish(), not dropped. */
      g_assert_cmpuint (run->lines->len, ==, 2);
      assert_bytes (run->lines->pdata[1], "{\"done\":true}", 13);
      g_assert_true (run->unterminated);
    }

  {
    g_autoptr(NdjsonRun) run = ndjson_decode ("{\"a\":1}\n{\"do", 12, 12, 0);
    g_autoptr(GError) error = NULL;
    gsize last_len;
    const char *last;
    g_autoptr(JsonNode) root = NULL;

    /* A line cut short is reported too; parsing it says so. */
    g_assert_true (run->unterminated);
    g_assert_cmpuint (run->lines->len, ==, 2);
    last = g_bytes_get_data (run->lines->pdata[1], &last_len);
    root = graphbit_ndjson_parse_object (last, last_len, &error);
    g_assert_null (root);
    g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
  }

  {
    g_autoptr(NdjsonRun) run = ndjson_decode ("{\"a\":1}\n  ", 10, 10, 0);

    /* Trailing whitespace is not a line. */
    g_assert_cmpuint (run->lines->len, ==, 1);
    g_assert_false (run->unterminated);
  }
}

/* An empty document is an error with a message, whatever its pointer:
 * an empty GBytes gives NULL data, on which json-glib only warned and
 * graphbit then read an error it had not been given (a crash on every
 * error status without a body). */
static void
test_json_empty_documents (void)
{
  const char *documents[] = { NULL, "", "   ", "\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = graphbit_json_parse_object (documents[i], documents[i] != NULL
                                                                           ? (gssize) strlen (documents[i]) : 0,
                                                             &error);

      g_assert_null (root);
      g_assert_nonnull (error);
      g_assert_true (error->domain == JSON_PARSER_ERROR);
      g_test_message ("document %u: %s", i, error->message);
    }
}

/* Nesting is bounded before json-glib, whose recursive parser overflowed
 * the stack on a few hundred thousand brackets (a crash of the process a
 * server could cause). Run on a thread with a 1 MiB stack, the smallest a
 * runtime thread may have: the deepest document read must fit there. */
static gpointer
parse_nested (gpointer data)
{
  guint levels = GPOINTER_TO_UINT (data);
  GString *document = g_string_new ("{\"a\":");
  GError *error = NULL;
  JsonNode *root;

  for (guint i = 1; i < levels; i++)
    g_string_append_c (document, '[');
  for (guint i = 1; i < levels; i++)
    g_string_append_c (document, ']');
  g_string_append_c (document, '}');
  root = graphbit_json_parse_object (document->str, document->len, &error);
  g_string_free (document, TRUE);
  if (root != NULL)
    {
      json_node_unref (root);
      return NULL;
    }
  return error;
}

static void
test_json_nesting_is_bounded (void)
{
  const guint levels[] = { GRAPHBIT_JSON_MAX_DEPTH, GRAPHBIT_JSON_MAX_DEPTH + 1, 300000 };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      pthread_attr_t attr;
      pthread_t thread;
      gpointer result = NULL;
      g_autoptr(GError) error = NULL;

      pthread_attr_init (&attr);
      pthread_attr_setstacksize (&attr, 1 << 20);
      g_assert_cmpint (pthread_create (&thread, &attr, parse_nested, GUINT_TO_POINTER (levels[i])), ==, 0);
      pthread_attr_destroy (&attr);
      g_assert_cmpint (pthread_join (thread, &result), ==, 0);
      error = result;
      if (levels[i] <= GRAPHBIT_JSON_MAX_DEPTH)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
          g_assert_nonnull (strstr (error->message, "levels deep; at most 512 are read"));
        }
    }
}

/* Escapes json-glib 1.6 mishandles are repaired before it reads them: an
 * unpaired surrogate (invalid UTF-8 otherwise) and U+0000 (which ended the
 * C string, cutting a model's text short) become U+FFFD; a pair stays one
 * character; "\u" without four hex digits is an error. */
static void
test_json_escapes (void)
{
  struct {
    const char *document;
    const char *text;   /* NULL: refused */
  } cases[] = {
    { "{\"t\": \"x\\ud800y\"}", "x\xef\xbf\xbdy" },
    { "{\"t\": \"x\\udc00\\u0041\"}", "x\xef\xbf\xbd" "A" },
    { "{\"t\": \"before\\u0000after\"}", "before\xef\xbf\xbd" "after" },
    { "{\"t\": \"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80" },
    { "{\"t\": \"back\\\\u0000slash\"}", "back\\u0000slash" },
    { "{\"t\": \"\\u12\"}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = graphbit_json_parse_object (cases[i].document, -1, &error);

      if (cases[i].text == NULL)
        {
          g_assert_null (root);
          g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (graphbit_json_get_string (json_node_get_object (root), "t"), ==, cases[i].text);
    }
}

static void
test_ndjson_parse_object (void)
{
  struct
  {
    const char *line;
    gboolean ok;
  } cases[] = {
    { "{\"model\":\"m\",\"done\":false}", TRUE },
    { "  {\"a\": [1, 2]}  \r", TRUE },
    { "[1,2]", FALSE },
    { "\"text\"", FALSE },
    { "{\"a\"", FALSE },
    { "", FALSE },
    { "{\"a\":1}x", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = graphbit_ndjson_parse_object (cases[i].line, strlen (cases[i].line), &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
        }
      else
        {
          g_assert_null (root);
          g_assert_error (error, GRAPHBIT_ERROR, GRAPHBIT_ERROR_PROVIDER);
          g_assert_true (g_str_has_prefix (error->message, "A line of the NDJSON stream is not a JSON object: "));
        }
    }
}

static void
test_ndjson_max_line_length (void)
{
  g_autoptr(NdjsonRun) run = ndjson_run_new (8);
  g_autoptr(GError) error = NULL;

  ndjson_run_feed (run, "{\"a\":12}\r\n", 10);
  g_assert_cmpuint (run->lines->len, ==, 1);
  g_assert_false (graphbit_ndjson_decoder_feed (run->decoder, "{\"a\":123}\n", 10,
                                                collect_json_line, run, &error));
  assert_error_is_line_too_long (error, 8);
  g_assert_cmpuint (run->lines->len, ==, 1);
}

static void
test_ndjson_callback_failure (void)
{
  g_autoptr(NdjsonRun) run = ndjson_run_new (0);
  g_autoptr(GError) error = NULL;
  gboolean unterminated = FALSE;

  run->fail_at = 2;
  ndjson_run_feed (run, "{}\n{\"x\":", 8);
  g_assert_false (graphbit_ndjson_decoder_finish (run->decoder, collect_json_line, run, &unterminated, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_true (unterminated);
  g_clear_error (&error);

  run->fail_at = 3;
  g_assert_false (graphbit_ndjson_decoder_feed (run->decoder, "{}\n{}\n", 6, collect_json_line, run, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (run->lines->len, ==, 3);
}

static void
test_ndjson_invalid_utf8 (void)
{
  g_autoptr(NdjsonRun) run = ndjson_decode ("{\"s\":\"\xFF\"}\n", 10, 7, 0);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  g_assert_cmpuint (run->lines->len, ==, 1);
  object = last_object (run, &root);
  g_assert_cmpstr (graphbit_json_get_string (object, "s"), ==, REPLACEMENT);
}

/* -------------------------------------------------------------------------
 * Fixture discovery
 * ------------------------------------------------------------------------- */

static void
collect_fixtures (const char *dir,
                  const char *prefix,
                  GPtrArray  *found)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *relative = prefix != NULL ? g_build_filename (prefix, name, NULL) : g_strdup (name);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_fixtures (path, relative, found);
      else if (g_str_has_suffix (name, ".sse") || g_str_has_suffix (name, ".ndjson"))
        g_ptr_array_add (found, g_steal_pointer (&relative));
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *fixtures;

static void
test_fixtures_found (void)
{
  const char *known[] = {
    "anthropic/stream_error_overloaded.sse", "anthropic/stream_max_tokens.sse",
    "anthropic/stream_text.sse", "anthropic/stream_text_then_tool_use.sse",
    "anthropic/stream_tool_use.sse", "openai/chat_stream_length.sse",
    "openai/chat_stream_text.sse", "openai/chat_stream_tool_calls.sse",
    "openai/sse_edge_cases.sse", "openai/stream_error_in_data.sse",
    "ollama/chat_stream.ndjson", "ollama/chat_stream_tool_call.ndjson",
    "ollama/generate_stream.ndjson", "ollama/stream_error_midstream.ndjson",
  };

  /* So the per-fixture tests cannot pass by finding nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (fixtures, known[i], g_str_equal, NULL));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/line-splitter/terminators", test_split_terminators);
  g_test_add_func ("/line-splitter/cr-lf-across-reads", test_split_cr_lf_across_reads);
  g_test_add_func ("/line-splitter/unicode-separators", test_split_unicode_separators_are_not_terminators);
  g_test_add_func ("/line-splitter/utf8-across-reads", test_split_utf8_across_reads);
  g_test_add_func ("/line-splitter/invalid-utf8", test_split_invalid_utf8_is_repaired);
  g_test_add_func ("/line-splitter/max-line-length", test_split_max_line_length);
  g_test_add_func ("/line-splitter/finish", test_split_finish);
  g_test_add_func ("/line-splitter/callback-failure", test_split_callback_failure_stops);

  g_test_add_func ("/sse/edge-cases-fixture", test_sse_edge_cases_fixture);
  g_test_add_func ("/sse/anthropic-stream", test_sse_anthropic_stream);
  g_test_add_func ("/sse/openai-stream", test_sse_openai_stream);
  g_test_add_func ("/sse/cr-lf-across-reads", test_sse_cr_lf_across_reads);
  g_test_add_func ("/sse/utf8-across-reads", test_sse_utf8_across_reads);
  g_test_add_func ("/sse/line-separators-in-data", test_sse_line_separators_in_data);
  g_test_add_func ("/sse/fields", test_sse_fields);
  g_test_add_func ("/sse/data-with-nul", test_sse_data_with_nul);
  g_test_add_func ("/sse/comments", test_sse_comments);
  g_test_add_func ("/sse/id-and-retry", test_sse_id_and_retry);
  g_test_add_func ("/sse/incomplete-last-event", test_sse_incomplete_last_event);
  g_test_add_func ("/sse/finish-resets", test_sse_finish_resets);
  g_test_add_func ("/sse/byte-order-mark", test_sse_byte_order_mark);
  g_test_add_func ("/sse/invalid-utf8", test_sse_invalid_utf8);
  g_test_add_func ("/sse/max-line-length", test_sse_max_line_length);
  g_test_add_func ("/sse/default-max-line-length", test_sse_default_max_line_length);
  g_test_add_func ("/sse/large-event-linear", test_sse_large_event_is_linear);
  g_test_add_func ("/sse/callback-failure", test_sse_callback_failure_stops);

  g_test_add_func ("/ndjson/ollama-streams", test_ndjson_ollama_streams);
  g_test_add_func ("/ndjson/blank-lines-and-crlf", test_ndjson_blank_lines_and_crlf);
  g_test_add_func ("/ndjson/last-line-without-newline", test_ndjson_last_line_without_newline);
  g_test_add_func ("/ndjson/parse-object", test_ndjson_parse_object);
  g_test_add_func ("/json/empty-documents", test_json_empty_documents);
  g_test_add_func ("/json/escapes", test_json_escapes);
  g_test_add_func ("/json/nesting-is-bounded", test_json_nesting_is_bounded);
  g_test_add_func ("/ndjson/max-line-length", test_ndjson_max_line_length);
  g_test_add_func ("/ndjson/callback-failure", test_ndjson_callback_failure);
  g_test_add_func ("/ndjson/invalid-utf8", test_ndjson_invalid_utf8);

  fixtures = g_ptr_array_new_with_free_func (g_free);
  collect_fixtures (fixtures_dir (), NULL, fixtures);
  g_ptr_array_sort (fixtures, compare_strings);
  g_test_add_func ("/fixtures/found", test_fixtures_found);
  for (guint i = 0; i < fixtures->len; i++)
    {
      const char *relative = fixtures->pdata[i];
      g_autofree char *path = NULL;

      if (g_str_has_suffix (relative, ".sse"))
        {
          path = g_strconcat ("/sse/fixture/", relative, NULL);
          g_test_add_data_func (path, relative, test_sse_fixture);
        }
      else
        {
          path = g_strconcat ("/ndjson/fixture/", relative, NULL);
          g_test_add_data_func (path, relative, test_ndjson_fixture);
        }
    }

  ret = g_test_run ();
  g_ptr_array_unref (fixtures);
  return ret;
}
