/* test-server-sniff.c: sniffing uploads (media/cs-sniff.c) in-process,
 * from the server libraries: the type comes from the bytes, and a file
 * whose bytes, declared type or extension disagree is refused.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-sniff.h"
#include "cau-error.h"

#include <glib/gstdio.h>
#include <unistd.h>

static const guchar png[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
};

static char *
write_temp (const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("cs-sniff-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, data, len, NULL));
  return path;
}

static void
test_png (void)
{
  g_autofree char *path = write_temp (png, sizeof png);
  g_autoptr(GError) error = NULL;

  /* Nothing declared, or the same: the bytes decide. */
  g_assert_cmpstr (cs_sniff_file (path, NULL, "dot.png", &error), ==, "image/png");
  g_assert_no_error (error);
  g_assert_cmpstr (cs_sniff_file (path, "image/png", "dot.png", &error), ==, "image/png");
  g_assert_no_error (error);
  /* Declared as something else: refused. */
  g_assert_null (cs_sniff_file (path, "application/pdf", "dot.png", &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_UNSUPPORTED_MEDIA_TYPE);
  g_unlink (path);
}

static void
test_text (void)
{
  static const char text[] = "Compte rendu de la réunion\n";
  g_autofree char *path = write_temp (text, sizeof text - 1);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (cs_sniff_file (path, NULL, "notes.txt", &error), ==, "text/plain");
  g_assert_no_error (error);
  /* Text that calls itself an image is not one. */
  g_assert_null (cs_sniff_file (path, "image/png", "notes.png", &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_UNSUPPORTED_MEDIA_TYPE);
  g_unlink (path);
}

static void
test_clean_name (void)
{
  g_autofree char *a = cs_sniff_clean_name ("../../etc/passwd");
  g_autofree char *b = cs_sniff_clean_name ("...");

  g_assert_cmpstr (a, ==, "passwd");
  g_assert_cmpstr (b, ==, "file");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/sniff/png", test_png);
  g_test_add_func ("/server/sniff/text", test_text);
  g_test_add_func ("/server/sniff/clean-name", test_clean_name);
  return g_test_run ();
}
