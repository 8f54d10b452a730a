/* fuzz-replay.c - runs a fuzz target over every file of some directories
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The normal test suite's side of a fuzz target: every input the fuzzer
 * once crashed on (regressions/NAME/), the hand-written seeds
 * (seeds/NAME/) and the provider fixtures go through the same fuzz_one()
 * as under libFuzzer. A directory that does not exist has nothing to
 * replay. TAP output.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  fuzz_init ();
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (paths, g_build_filename (argv[i], name, NULL));
    }
  g_ptr_array_sort (paths, compare_strings);

  printf ("1..%u\n", MAX (paths->len, 1));
  if (paths->len == 0)
    printf ("ok 1 # SKIP no inputs\n");
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *contents = NULL;
      g_autofree guint8 *data = NULL;
      gsize size;
      g_autoptr(GError) error = NULL;

      if (!g_file_get_contents (path, &contents, &size, &error))
        g_error ("%s", error->message);
      /* An exact-size copy (never NULL), so a read past the end is caught. */
      data = g_malloc (MAX (size, 1));
      memcpy (data, contents, size);
      fuzz_one (data, size);
      printf ("ok %u - %s\n", i + 1, path);
      fflush (stdout);
    }
  return 0;
}
