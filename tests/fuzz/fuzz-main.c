/* fuzz-main.c: replays files (or every file in directories) through a
 * harness, for builds without libFuzzer. Options starting with '-' (such
 * as libFuzzer's -runs=0) are ignored so one command line fits both.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz.h"

#include <glib.h>
#include <stdio.h>

static int
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;
  g_autofree guint8 *copy = NULL;

  if (!g_file_get_contents (path, &data, &size, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  /* An exact-size copy, so a sanitizer sees any read past the input. */
  copy = g_memdup2 (data, size);
  LLVMFuzzerTestOneInput (copy, size);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  guint files = 0;

  for (int i = 1; i < argc; i++)
    {
      if (argv[i][0] == '-')
        continue;
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          while (dir && (name = g_dir_read_name (dir)))
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);

              if (replay_file (path) != 0)
                return 1;
              files++;
            }
        }
      else
        {
          if (replay_file (argv[i]) != 0)
            return 1;
          files++;
        }
    }
  printf ("replayed %u inputs\n", files);
  return files > 0 ? 0 : 1;
}
