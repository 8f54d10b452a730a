/* mock-directives.c - the mock:NAME=VALUE words that steer a reply, and
 * the reply's tokens
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "mock-private.h"

void
mock_directives_clear (Directives *d)
{
  g_clear_pointer (&d->fixture, g_free);
  g_clear_pointer (&d->retry_after, g_free);
  g_clear_pointer (&d->content, g_free);
  g_clear_pointer (&d->location, g_free);
}

static guint
parse_count (const char *value)
{
  return (guint) MIN (g_ascii_strtoull (value, NULL, 10), G_MAXINT);
}

/* -1 for a value that is not a number, so the directive counts as absent. */
static gint64
parse_count64 (const char *value)
{
  char *end;
  guint64 n = g_ascii_strtoull (value, &end, 10);

  return end == value ? -1 : (gint64) MIN (n, (guint64) G_MAXINT64);
}

static gint
parse_bool (const char *value)
{
  if (g_str_equal (value, "true") || g_str_equal (value, "1"))
    return TRUE;
  if (g_str_equal (value, "false") || g_str_equal (value, "0"))
    return FALSE;
  return -1;
}

/* A probability, clamped to [0, 1]: anything but a positive number is 0. */
static gdouble
parse_probability (const char *value)
{
  gdouble p = g_ascii_strtod (value, NULL);

  return p > 0 ? MIN (p, 1.0) : 0;
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
mock_directives_parse (const char *text,
                       Directives *d)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *value;

      if (!g_str_has_prefix (words[i], "mock:") || (value = strchr (words[i], '=')) == NULL)
        continue;
      name = g_strndup (words[i] + strlen ("mock:"), value - words[i] - strlen ("mock:"));
      value++;

      if (g_str_equal (name, "delay_ms"))
        d->delay_ms = parse_count (value);
      else if (g_str_equal (name, "status"))
        d->status = parse_count (value);
      else if (g_str_equal (name, "fixture"))
        set_string (&d->fixture, value);
      else if (g_str_equal (name, "retry_after"))
        set_string (&d->retry_after, value);
      else if (g_str_equal (name, "content"))
        {
          set_string (&d->content, value);
          g_strdelimit (d->content, "_", ' ');
        }
      else if (g_str_equal (name, "tokens"))
        d->tokens = (gint) parse_count (value);
      else if (g_str_equal (name, "token_delay_ms"))
        d->token_delay_ms = parse_count (value);
      else if (g_str_equal (name, "chunk_bytes"))
        d->chunk_bytes = parse_count (value);
      else if (g_str_equal (name, "cut_after"))
        d->cut_after = (gint) parse_count (value);
      else if (g_str_equal (name, "fault"))
        {
          /* Said on stderr: a misspelt kind would go unnoticed otherwise. */
          if (!mock_fault_from_name (value, &d->fault))
            g_printerr ("graphbit-mock-provider: unknown fault kind '%s', ignored\n", value);
        }
      else if (g_str_equal (name, "fail_first"))
        d->fail_first = (gint) parse_count (value);
      else if (g_str_equal (name, "fault_rate"))
        d->fault_rate = parse_probability (value);
      else if (g_str_equal (name, "seed"))
        {
          d->seeded = TRUE;
          d->seed = g_ascii_strtoull (value, NULL, 10);
        }
      else if (g_str_equal (name, "retry_after_ms"))
        d->retry_after_ms = parse_count64 (value);
      else if (g_str_equal (name, "should_retry"))
        d->should_retry = parse_bool (value);
      else if (g_str_equal (name, "rate_reset"))
        d->rate_reset_ms = parse_count64 (value);
      else if (g_str_equal (name, "quota"))
        d->quota = parse_bool (value) == TRUE;
      else if (g_str_equal (name, "empty_body"))
        d->empty_body = parse_bool (value) == TRUE;
      else if (g_str_equal (name, "location"))
        set_string (&d->location, value);
      else if (g_str_equal (name, "dims"))
        d->dims = MIN (parse_count (value), 65536);
      else if (g_str_equal (name, "rank"))
        d->rank = (gint) MIN (parse_count (value), 4);
      else if (g_str_equal (name, "loading"))
        d->loading = parse_count (value);
      else if (g_str_equal (name, "estimated_time"))
        d->estimated_time = MAX (g_ascii_strtod (value, NULL), 0.0);
    }
}

/* The reply as the tokens a provider would stream: "tok1", " tok2", ...
 * for mock:tokens=N, else the reply text cut before each run of spaces,
 * so that the tokens put back together give the text exactly. */
GPtrArray *
mock_tokens_new (const Directives *d,
                 const char       *prompt)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  const char *start, *p;

  if (d->tokens >= 0)
    {
      for (gint i = 1; i <= d->tokens; i++)
        g_ptr_array_add (tokens, g_strdup_printf ("%stok%d", i == 1 ? "" : " ", i));
      return tokens;
    }

  text = d->content != NULL ? g_strdup (d->content) : g_strdup_printf ("Mock reply to: %s", prompt);
  start = p = text;
  while (*p != '\0')
    {
      const char *rest;

      while (g_ascii_isspace (*p))
        p++;
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      /* Trailing spaces stay with the last word. */
      for (rest = p; g_ascii_isspace (*rest); rest++)
        ;
      if (*rest == '\0')
        p = rest;
      g_ptr_array_add (tokens, g_strndup (start, p - start));
      start = p;
    }
  return tokens;
}

/* Keeps at most @limit tokens (none if @limit is negative); TRUE if some
 * were cut, which the providers report as a length stop. */
gboolean
mock_tokens_limit (GPtrArray *tokens,
                   gint64     limit)
{
  if (limit < 0 || (guint64) limit >= tokens->len)
    return FALSE;
  g_ptr_array_set_size (tokens, (guint) limit);
  return TRUE;
}

char *
mock_tokens_join (GPtrArray *tokens)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < tokens->len; i++)
    g_string_append (text, g_ptr_array_index (tokens, i));
  return g_string_free (text, FALSE);
}
