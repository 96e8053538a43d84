/* test-server-storage.c: the server on a disk that fills up and empties
 * again: the log names the cause once, refused writes are not stored,
 * acknowledged ones are, and writes work again when space returns.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "cs-test.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* A small tmpfs over the server's data directory, in a mount namespace of
 * this test's own: the mount goes away with the test, whatever happens.
 * Needs root (CAP_SYS_ADMIN); FALSE otherwise. */
static gboolean
mount_small_disk (const char *dir)
{
  if (unshare (CLONE_NEWNS) != 0)
    return FALSE;
  g_assert_cmpint (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), ==, 0);
  g_assert_cmpint (mount ("causerie-test", dir, "tmpfs", 0, "size=16m"), ==, 0);
  return TRUE;
}

/* Writes @path until the file system is full; returns the bytes written. */
static gsize
fill_disk (const char *path)
{
  static char block[16384];
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  gsize total = 0;

  g_assert_cmpint (fd, >=, 0);
  memset (block, 'x', sizeof block);
  for (gsize n = sizeof block; n > 0; n /= 2)
    {
      ssize_t w;

      while ((w = write (fd, block, n)) > 0)
        total += (gsize) w;
      g_assert_cmpint (errno, ==, ENOSPC);
    }
  close (fd);
  return total;
}

static guint
count_lines (const char *text,
             const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)); p++)
    n++;
  return n;
}

static guint
post (CsTestServer *s,
      const char   *path,
      const char   *token,
      const char   *txn_id,
      const char   *body)
{
  g_autofree char *json = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"%s\"}", txn_id, body);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = cs_test_http (s, "POST", path, token, json, &status);
  if (status == 500)
    {
      JsonObject *err = json_object_get_object_member (json_node_get_object (reply), "error");

      g_assert_cmpstr (json_object_get_string_member (err, "code"), ==, "internal");
    }
  else
    g_assert_true (status == 201 || status == 200);
  return status;
}

static void
test_disk_full (void)
{
  /* One person writes them all: the message rate limit is not tested here. */
  g_autoptr(CsTestServer) s = cs_test_server_new ("[limits]\nmessages_per_minute=0\n");
  g_autofree char *db_dir = g_build_filename (s->data_dir, "db", NULL);
  g_autofree char *ballast = g_build_filename (db_dir, "ballast", NULL);
  g_autofree char *token = NULL, *room = NULL, *msgs = NULL, *big = NULL, *log = NULL;
  g_autoptr(GPtrArray) acked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  cs_test_server_stop (s, FALSE);
  if (!mount_small_disk (db_dir))
    {
      g_test_skip ("mounting a small tmpfs needs root");
      return;
    }
  s->log_path = g_build_filename (s->data_dir, "server.log", NULL);
  cs_test_server_start (s);
  token = cs_test_tenant (s, "acme", "admin@acme.test");
  room = cs_test_room (s, token, "channel", "general", NULL);
  msgs = g_strdup_printf ("/api/rooms/%s/messages", room);
  big = g_strnfill (8000, 'w');

  g_assert_cmpuint (post (s, msgs, token, "before", "stored before the disk fills"), ==, 201);
  g_printerr ("# disk filled with %" G_GSIZE_FORMAT " bytes of ballast\n", fill_disk (ballast));

  /* Writes fail once the database's files must grow; keep writing a while. */
  while (refused->len < 40 && n < 2000)
    {
      char *txn = g_strdup_printf ("full-%u", n++);

      if (post (s, msgs, token, txn, big) == 500)
        g_ptr_array_add (refused, txn);
      else
        g_ptr_array_add (acked, txn);
    }
  g_printerr ("# on the full disk: %u writes acknowledged, %u refused\n", acked->len, refused->len);
  g_assert_cmpuint (refused->len, ==, 40);

  /* Space returns: writes work again, the refused ones too. */
  g_assert_cmpint (g_unlink (ballast), ==, 0);
  for (guint i = 0; i < refused->len; i++)
    g_assert_cmpuint (post (s, msgs, token, g_ptr_array_index (refused, i), "sent again"), ==, 201);
  g_assert_cmpuint (post (s, msgs, token, "after", "stored after space returned"), ==, 201);

  cs_test_server_stop (s, FALSE);
  g_file_get_contents (s->log_path, &log, NULL, NULL);
  g_assert_nonnull (log);
  g_printerr ("# server log:\n%s", log);
  /* One episode, logged once with its cause, and once when it ends. */
  g_assert_cmpuint (count_lines (log, "Storage failure: database or disk is full"), ==, 1);
  g_assert_cmpuint (count_lines (log, "Storage works again"), ==, 1);
  g_assert_null (strstr (log, "cannot rollback"));
  g_assert_null (strstr (log, "no transaction is active"));

  /* Every acknowledged write is stored once; a refused one only as sent again. */
  for (guint i = 0; i < acked->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM messages WHERE txn_id = '%s'",
                                              (char *) g_ptr_array_index (acked, i));
      g_assert_cmpint (cs_test_db_int (s, sql), ==, 1);
    }
  for (guint i = 0; i < refused->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM messages WHERE txn_id = '%s'"
                                              " AND body = 'sent again'",
                                              (char *) g_ptr_array_index (refused, i));
      g_assert_cmpint (cs_test_db_int (s, sql), ==, 1);
    }
  g_assert_cmpint (cs_test_db_int (s, "SELECT COUNT(*) FROM messages WHERE kind = 'text'"), ==,
                   acked->len + refused->len + 2);
  g_assert_cmpint (cs_test_search_mismatches (s), ==, 0);

  g_assert_cmpint (umount2 (db_dir, MNT_DETACH), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/storage/disk-full", test_disk_full);
  return g_test_run ();
}
