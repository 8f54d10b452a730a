/* graphbit-system-probe.c - facts about the machine and the process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything here is read at run time from the kernel or the dynamic
 * linker; nothing is assumed.
 */

#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <gnu/libc-version.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "graphbit-system-probe-private.h"

static gboolean
parse_kib_field (const char *text,
                 const char *name,
                 guint64    *bytes)
{
  gsize name_len = strlen (name);

  for (const char *line = text; line != NULL && *line != '\0';)
    {
      const char *next = strchr (line, '\n');

      if (strncmp (line, name, name_len) == 0 && line[name_len] == ':')
        {
          guint64 kib = g_ascii_strtoull (line + name_len + 1, NULL, 10);

          *bytes = kib * 1024;
          return TRUE;
        }
      line = next != NULL ? next + 1 : NULL;
    }
  return FALSE;
}

gboolean
graphbit_probe_parse_meminfo (const char *text,
                              guint64    *total_bytes,
                              guint64    *available_bytes)
{
  return parse_kib_field (text, "MemTotal", total_bytes)
      && parse_kib_field (text, "MemAvailable", available_bytes);
}

/* Reads a cgroup v2 file holding one number; "max" or absence means no
 * limit. */
static gboolean
read_cgroup_number (const char *path,
                    guint64    *value)
{
  g_autofree char *text = NULL;
  char *end = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  g_strstrip (text);
  if (g_str_equal (text, "max"))
    return FALSE;
  *value = g_ascii_strtoull (text, &end, 10);
  return end != text;
}

static char *
own_cgroup_dir (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  /* cgroup v2 has one line "0::/path". */
  if (!g_file_get_contents ("/proc/self/cgroup", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "0::"))
        return g_build_filename ("/sys/fs/cgroup", lines[i] + 3, NULL);
    }
  return NULL;
}

gboolean
graphbit_probe_memory (GraphbitMemoryInfo *info,
                       GError            **error)
{
  g_autofree char *meminfo = NULL;
  g_autofree char *cgroup_dir = NULL;

  memset (info, 0, sizeof *info);
  if (!g_file_get_contents ("/proc/meminfo", &meminfo, NULL, error))
    return FALSE;
  if (!graphbit_probe_parse_meminfo (meminfo, &info->total_bytes, &info->available_bytes))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "/proc/meminfo has no MemTotal or MemAvailable line");
      return FALSE;
    }

  /* In a container the cgroup limit, not the machine, bounds us. */
  cgroup_dir = own_cgroup_dir ();
  if (cgroup_dir != NULL)
    {
      g_autofree char *max_path = g_build_filename (cgroup_dir, "memory.max", NULL);
      g_autofree char *cur_path = g_build_filename (cgroup_dir, "memory.current", NULL);
      guint64 limit, current;

      if (read_cgroup_number (max_path, &limit) && limit < info->total_bytes)
        {
          info->total_bytes = limit;
          info->from_cgroup = TRUE;
          if (read_cgroup_number (cur_path, &current))
            info->available_bytes = MIN (info->available_bytes,
                                         current < limit ? limit - current : 0);
        }
    }
  return TRUE;
}

/* The object whose malloc the process really calls: the first in the
 * global lookup order (executable, then LD_PRELOADs, then libraries in load
 * order) that defines it. dlsym(RTLD_DEFAULT) alone is not enough: a
 * non-PIE executable that calls malloc exports a PLT stub under that name. */
static char *
find_malloc_provider (void)
{
  struct link_map *map = NULL;
  void *self = dlopen (NULL, RTLD_LAZY | RTLD_NOLOAD);
  void *exe_malloc = dlsym (RTLD_DEFAULT, "malloc");
  const ElfW(Sym) *symbol = NULL;
  Dl_info info;

  /* The executable itself may define (statically link) an allocator. */
  if (exe_malloc != NULL
      && dladdr1 (exe_malloc, &info, (void **) &symbol, RTLD_DL_SYMENT) != 0
      && symbol != NULL && symbol->st_shndx != SHN_UNDEF
      && info.dli_fname != NULL && strstr (info.dli_fname, ".so") == NULL)
    return g_strdup (info.dli_fname);

  if (self == NULL || dlinfo (self, RTLD_DI_LINKMAP, &map) != 0)
    return NULL;

  for (struct link_map *l = map; l != NULL; l = l->l_next)
    {
      void *handle, *address;

      if (l->l_name == NULL || l->l_name[0] == '\0')
        continue;
      handle = dlopen (l->l_name, RTLD_LAZY | RTLD_NOLOAD);
      if (handle == NULL)
        continue;
      /* dlsym also searches the object's dependencies; keep the answer
       * only if the definition lies in this very object. */
      address = dlsym (handle, "malloc");
      if (address != NULL && dladdr (address, &info) != 0 && info.dli_fname != NULL
          && g_str_equal (info.dli_fname, l->l_name))
        {
          dlclose (handle);
          return g_strdup (l->l_name);
        }
      dlclose (handle);
    }
  return NULL;
}

const char *
graphbit_probe_memory_allocator (void)
{
  static gsize once = 0;
  static char *name = NULL;

  if (g_once_init_enter (&once))
    {
      g_autofree char *path = find_malloc_provider ();
      g_autofree char *base = path != NULL ? g_path_get_basename (path) : NULL;

      if (base == NULL)
        name = g_strdup ("unknown");
      else if (g_str_has_prefix (base, "libc.so") || g_str_has_prefix (base, "libc-"))
        name = g_strdup_printf ("glibc %s malloc (ptmalloc2)", gnu_get_libc_version ());
      else if (strstr (base, "jemalloc") != NULL)
        name = g_strdup ("jemalloc");
      else if (strstr (base, "tcmalloc") != NULL)
        name = g_strdup ("tcmalloc");
      else if (strstr (base, "mimalloc") != NULL)
        name = g_strdup ("mimalloc");
      else if (strstr (base, "asan") != NULL)
        name = g_strdup ("AddressSanitizer allocator");
      else
        name = g_strdup_printf ("malloc from %s", base);
      g_once_init_leave (&once, 1);
    }
  return name;
}

guint64
graphbit_probe_resident_bytes (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  fields = g_strsplit (statm, " ", 3);
  if (fields[0] == NULL || fields[1] == NULL)
    return 0;
  return g_ascii_strtoull (fields[1], NULL, 10) * (guint64) sysconf (_SC_PAGESIZE);
}
