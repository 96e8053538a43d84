/* fuzz-sniff.c: cs_sniff_file() on any bytes (written to a scratch file,
 * as an upload is) with a declared type and a name chosen by the first
 * byte, and cs_sniff_clean_name() on the same bytes as a raw file name.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz.h"
#include "cs-sniff.h"
#include "cau-validate.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *scratch;

static void
remove_scratch (void)
{
  if (scratch)
    {
      g_autofree char *dir = g_path_get_dirname (scratch);

      g_unlink (scratch);
      g_rmdir (dir);
      g_clear_pointer (&scratch, g_free);
    }
}

static const char *
scratch_path (void)
{
  if (scratch == NULL)
    {
      /* In memory when /dev/shm is there: one file written per run. */
      g_autofree char *dir = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR)
        ? g_mkdtemp (g_strdup ("/dev/shm/causerie-fuzz-sniff-XXXXXX"))
        : g_dir_make_tmp ("causerie-fuzz-sniff-XXXXXX", NULL);

      g_assert (dir != NULL);
      scratch = g_build_filename (dir, "upload", NULL);
      atexit (remove_scratch);
    }
  return scratch;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *declared[] = {
    NULL, "application/octet-stream", "image/png", "image/jpeg; q=1", "text/plain; charset=utf-8",
    "application/pdf", "application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text", "application/msword", "image/webp", "bogus",
  };
  static const char *names[] = {
    NULL, "a.png", "b.jpg", "c.txt", "d.pdf", "e.docx", "f.odt", "g.doc", "h.zip", "noext", ".hidden", "x.",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = g_strndup ((const char *) data, size);
  g_autofree char *clean = NULL;
  const char *mime;
  FILE *out;
  guint pick = size ? data[0] : 0;

  /* Plain stdio: g_file_set_contents() fsyncs, 200 runs a second. */
  out = fopen (scratch_path (), "wb");
  g_assert (out != NULL);
  g_assert (fwrite (data, 1, size, out) == size);
  g_assert (fclose (out) == 0);
  mime = cs_sniff_file (scratch, declared[pick % G_N_ELEMENTS (declared)],
                        names[(pick / G_N_ELEMENTS (declared)) % G_N_ELEMENTS (names)], &error);
  g_assert ((mime == NULL) == (error != NULL));
  if (mime)
    cs_sniff_image_loader (mime);

  clean = cs_sniff_clean_name (raw);
  g_assert (clean != NULL && *clean != '\0');
  g_assert (g_utf8_validate (clean, -1, NULL));
  g_assert (!cau_text_has_bidi_controls (clean));
  g_assert (strchr (clean, '/') == NULL && strchr (clean, '\\') == NULL);
  return 0;
}
