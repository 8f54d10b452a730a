/* graphbit-init.h - library initialisation, version and logging
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib.h>

#include "graphbit-version-macros.h"

G_BEGIN_DECLS

GRAPHBIT_AVAILABLE_IN_ALL
gboolean    graphbit_init          (const char  *log_level,
                                    gboolean     enable_tracing,
                                    gboolean     debug,
                                    GError     **error);
GRAPHBIT_AVAILABLE_IN_ALL
const char *graphbit_get_version   (void);
GRAPHBIT_AVAILABLE_IN_ALL
const char *graphbit_get_log_level (void);
GRAPHBIT_AVAILABLE_IN_ALL
gboolean    graphbit_get_tracing   (void);

G_END_DECLS
