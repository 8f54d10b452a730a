/* graphbit-init.c - library initialisation, version and logging
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "graphbit-init.h"
#include "graphbit-error-private.h"
#include "graphbit-log-private.h"
#include "runtime/graphbit-runtime-private.h"

/**
 * graphbit_init:
 * @log_level: (nullable): "trace", "debug", "info", "warn" or "error"
 *   (any case), or %NULL to choose from @debug and @enable_tracing
 * @enable_tracing: log one info line per request with its timings
 * @debug: shorthand for tracing at the "debug" level
 * @error: return location for a #GError
 *
 * Initialises graphbit: sets the log level and starts the runtime's worker
 * threads. Calling it is optional (everything starts lazily) and it may be
 * called any number of times; later calls can make logging more verbose but
 * never quieter, and never fail unless @log_level is not a level name.
 *
 * Log lines go through GLib structured logging with the domain "Graphbit":
 * warnings and errors to the application's log writer, the info, debug and
 * trace lines enabled here to stderr. Nothing is ever written to stdout, and
 * no log line ever contains an API key.
 *
 * Returns: %TRUE on success, %FALSE with @error set to
 *   %GRAPHBIT_ERROR_VALIDATION if @log_level is unknown
 */
gboolean
graphbit_init (const char  *log_level,
               gboolean     enable_tracing,
               gboolean     debug,
               GError     **error)
{
  GraphbitLogLevel level = GRAPHBIT_LOG_WARN;

  if (log_level != NULL)
    {
      if (!graphbit_log_level_parse (log_level, &level))
        {
          graphbit_propagate_error (error,
            graphbit_error_new_validation ("init", "log_level", log_level,
                                           "Unknown log level '%s': use one of trace, debug, info, warn, error",
                                           log_level));
          return FALSE;
        }
    }
  else if (debug)
    level = GRAPHBIT_LOG_DEBUG;
  else if (enable_tracing)
    level = GRAPHBIT_LOG_INFO;

  graphbit_log_raise_level (level);
  if (enable_tracing || debug)
    graphbit_log_enable_tracing ();

  if (!graphbit_runtime_ensure_started (error))
    return FALSE;

  GRAPHBIT_DEBUG ("graphbit %s initialised (log level %s, tracing %s)",
                  GRAPHBIT_VERSION_S,
                  graphbit_log_level_to_string (graphbit_log_get_level ()),
                  graphbit_log_tracing_enabled () ? "on" : "off");
  return TRUE;
}

/**
 * graphbit_get_version:
 *
 * Gets the version of the graphbit library in use at run time, which may be
 * newer than the headers' %GRAPHBIT_VERSION_S.
 *
 * Returns: the version, such as "0.1.0"
 */
const char *
graphbit_get_version (void)
{
  return GRAPHBIT_VERSION_S;
}

/**
 * graphbit_get_log_level:
 *
 * Gets the current log level, as set by graphbit_init() or by
 * `G_MESSAGES_DEBUG`.
 *
 * Returns: "error", "warn", "info", "debug" or "trace"
 */
const char *
graphbit_get_log_level (void)
{
  return graphbit_log_level_to_string (graphbit_log_get_level ());
}

/**
 * graphbit_get_tracing:
 *
 * Gets whether graphbit logs one line per request with its timings, as
 * enabled by graphbit_init().
 *
 * Returns: whether per-request tracing lines are enabled
 */
gboolean
graphbit_get_tracing (void)
{
  return graphbit_log_tracing_enabled ();
}
