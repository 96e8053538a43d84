/* cc-test-util.h: helpers for the client-core tests: run the main loop
 * until an async call finishes, temporary data directories.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* Collects the GAsyncResult of one call. */
static inline void
cc_test_result_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static inline gboolean
cc_test_hang_guard_cb (gpointer user_data)
{
  g_error ("The test waited 60 s for something that never happened: %s",
           (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until @cond holds. The guard only
 * turns a hang into a failure; it measures nothing. */
#define CC_TEST_WAIT_UNTIL(cond) \
  G_STMT_START { \
    guint guard_ = g_timeout_add_seconds (60, cc_test_hang_guard_cb, (gpointer) #cond); \
    while (!(cond)) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (guard_); \
  } G_STMT_END

/* Declares `GAsyncResult *name = NULL` and runs @call with
 * (cc_test_result_cb, &name) appended by the caller, then waits. */
#define CC_TEST_AWAIT(res) CC_TEST_WAIT_UNTIL ((res) != NULL)

static inline char *
cc_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("causerie-core-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
cc_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) en = NULL;
  GFileInfo *info;

  en = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                  G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (en != NULL && g_file_enumerator_iterate (en, &info, NULL, NULL, NULL) && info != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        cc_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

G_END_DECLS
