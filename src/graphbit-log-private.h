/* graphbit-log-private.h - the library's own log levels over GLib structured logging
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Ordered from quietest to most verbose; "trace" is below GLib's debug. */
typedef enum {
  GRAPHBIT_LOG_ERROR,
  GRAPHBIT_LOG_WARN,
  GRAPHBIT_LOG_INFO,
  GRAPHBIT_LOG_DEBUG,
  GRAPHBIT_LOG_TRACE,
} GraphbitLogLevel;

gboolean         graphbit_log_level_parse      (const char       *name,
                                                GraphbitLogLevel *level);
const char      *graphbit_log_level_to_string  (GraphbitLogLevel  level);
/* Only ever raises verbosity: later init() calls never make logging quieter. */
void             graphbit_log_raise_level      (GraphbitLogLevel  level);
void             graphbit_log_enable_tracing   (void);
GraphbitLogLevel graphbit_log_get_level        (void);
gboolean         graphbit_log_tracing_enabled  (void);
gboolean         graphbit_log_enabled          (GraphbitLogLevel  level);
void             graphbit_log_message          (GraphbitLogLevel  level,
                                                const char       *format,
                                                ...) G_GNUC_PRINTF (2, 3);

/* The level check is inline and cheap, so disabled messages cost one load. */
#define GRAPHBIT_LOG(level, ...)                  \
  G_STMT_START {                                  \
    if (graphbit_log_enabled (level))             \
      graphbit_log_message (level, __VA_ARGS__);  \
  } G_STMT_END

#define GRAPHBIT_WARN(...)  GRAPHBIT_LOG (GRAPHBIT_LOG_WARN, __VA_ARGS__)
#define GRAPHBIT_INFO(...)  GRAPHBIT_LOG (GRAPHBIT_LOG_INFO, __VA_ARGS__)
#define GRAPHBIT_DEBUG(...) GRAPHBIT_LOG (GRAPHBIT_LOG_DEBUG, __VA_ARGS__)
#define GRAPHBIT_TRACE(...) GRAPHBIT_LOG (GRAPHBIT_LOG_TRACE, __VA_ARGS__)

/* Tracing events (one line per request with its timings) are info-level
 * lines that appear only when tracing was enabled. */
#define GRAPHBIT_TRACE_EVENT(...)                                   \
  G_STMT_START {                                                    \
    if (graphbit_log_tracing_enabled ()                             \
        && graphbit_log_enabled (GRAPHBIT_LOG_INFO))                \
      graphbit_log_message (GRAPHBIT_LOG_INFO, __VA_ARGS__);        \
  } G_STMT_END

G_END_DECLS
