/* graphbit-log.c - the library's own log levels over GLib structured logging
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A library must not install a process-wide GLib log writer (the application
 * owns that), so the level chosen with graphbit_init() is applied here:
 * warnings and errors go through g_log_structured_array() to whatever writer
 * the application has, while the info/debug/trace lines graphbit_init()
 * switched on are formatted the GLib way and written to stderr directly,
 * because GLib's default writer would drop them (or print them on stdout).
 * G_MESSAGES_DEBUG=Graphbit also enables debug output, as for any GLib
 * library.
 */

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "graphbit-log-private.h"

static gint current_level = GRAPHBIT_LOG_WARN;
static gint tracing = FALSE;
static gsize env_checked = 0;

static const char * const level_names[] = { "error", "warn", "info", "debug", "trace" };

gboolean
graphbit_log_level_parse (const char       *name,
                          GraphbitLogLevel *level)
{
  for (guint i = 0; i < G_N_ELEMENTS (level_names); i++)
    {
      if (g_ascii_strcasecmp (name, level_names[i]) == 0)
        {
          *level = (GraphbitLogLevel) i;
          return TRUE;
        }
    }
  /* "warning" is what GLib calls it; accept it as well. */
  if (g_ascii_strcasecmp (name, "warning") == 0)
    {
      *level = GRAPHBIT_LOG_WARN;
      return TRUE;
    }
  return FALSE;
}

const char *
graphbit_log_level_to_string (GraphbitLogLevel level)
{
  g_return_val_if_fail (level <= GRAPHBIT_LOG_TRACE, "warn");
  return level_names[level];
}

static void
check_environment_once (void)
{
  if (g_once_init_enter (&env_checked))
    {
      /* Honour G_MESSAGES_DEBUG the way every GLib library does. */
      if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
        graphbit_log_raise_level (GRAPHBIT_LOG_DEBUG);
      g_once_init_leave (&env_checked, 1);
    }
}

void
graphbit_log_raise_level (GraphbitLogLevel level)
{
  gint old = g_atomic_int_get (&current_level);

  while ((gint) level > old)
    {
      if (g_atomic_int_compare_and_exchange (&current_level, old, (gint) level))
        break;
      old = g_atomic_int_get (&current_level);
    }
}

void
graphbit_log_enable_tracing (void)
{
  g_atomic_int_set (&tracing, TRUE);
}

GraphbitLogLevel
graphbit_log_get_level (void)
{
  check_environment_once ();
  return (GraphbitLogLevel) g_atomic_int_get (&current_level);
}

gboolean
graphbit_log_tracing_enabled (void)
{
  return g_atomic_int_get (&tracing);
}

gboolean
graphbit_log_enabled (GraphbitLogLevel level)
{
  return (gint) level <= (gint) graphbit_log_get_level ();
}

static GLogLevelFlags
to_glib_level (GraphbitLogLevel level)
{
  switch (level)
    {
    case GRAPHBIT_LOG_ERROR:
      return G_LOG_LEVEL_CRITICAL;   /* G_LOG_LEVEL_ERROR would abort the process */
    case GRAPHBIT_LOG_WARN:
      return G_LOG_LEVEL_WARNING;
    case GRAPHBIT_LOG_INFO:
      return G_LOG_LEVEL_INFO;
    case GRAPHBIT_LOG_DEBUG:
    case GRAPHBIT_LOG_TRACE:
    default:
      return G_LOG_LEVEL_DEBUG;
    }
}

/* syslog(3) priorities, which journald expects in the PRIORITY field. */
static const char *
syslog_priority (GraphbitLogLevel level)
{
  static const char * const priorities[] = { "3", "4", "6", "7", "7" };

  return priorities[MIN ((guint) level, G_N_ELEMENTS (priorities) - 1)];
}

static void
write_to_stderr (GLogLevelFlags  glib_level,
                 const GLogField *fields,
                 gsize            n_fields)
{
  static gsize color_checked = 0;
  static gboolean use_color = FALSE;
  g_autofree char *line = NULL;

  if (g_once_init_enter (&color_checked))
    {
      use_color = g_log_writer_supports_color (STDERR_FILENO);
      g_once_init_leave (&color_checked, 1);
    }

  line = g_log_writer_format_fields (glib_level, fields, n_fields, use_color);
  /* One fprintf per line keeps lines from different threads whole. */
  fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

void
graphbit_log_message (GraphbitLogLevel  level,
                      const char       *format,
                      ...)
{
  g_autofree char *message = NULL;
  GLogLevelFlags glib_level = to_glib_level (level);
  va_list args;
  GLogField fields[] = {
    { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
    { "MESSAGE", NULL, -1 },
    { "PRIORITY", syslog_priority (level), -1 },
    { "GRAPHBIT_LEVEL", graphbit_log_level_to_string (level), -1 },
  };

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fields[1].value = message;

  if (level <= GRAPHBIT_LOG_WARN)
    g_log_structured_array (glib_level, fields, G_N_ELEMENTS (fields));
  else
    write_to_stderr (glib_level, fields, G_N_ELEMENTS (fields));
}
