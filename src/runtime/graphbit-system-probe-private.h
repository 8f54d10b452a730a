/* graphbit-system-probe-private.h - facts about the machine and the process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 total_bytes;       /* MemTotal, lowered to the cgroup limit if any */
  guint64 available_bytes;   /* MemAvailable, lowered to the cgroup headroom */
  gboolean from_cgroup;      /* a cgroup v2 memory.max limit applied */
} GraphbitMemoryInfo;

gboolean    graphbit_probe_memory            (GraphbitMemoryInfo *info,
                                              GError            **error);
/* Parses /proc/meminfo-style text; exposed for tests. */
gboolean    graphbit_probe_parse_meminfo     (const char         *text,
                                              guint64            *total_bytes,
                                              guint64            *available_bytes);
const char *graphbit_probe_memory_allocator  (void);
guint64     graphbit_probe_resident_bytes    (void);

G_END_DECLS
