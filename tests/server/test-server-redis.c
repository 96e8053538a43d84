/* test-server-redis.c: real causerie-server processes configured with
 * [bus] redis and a private Redis (cs-test-services.h).
 *
 * Two nodes share one organisation the only way they can before the
 * PostgreSQL store: node B starts on a copy of node A's database, so users,
 * rooms and sessions are the same on both (what a shared store will give).
 * Typing on A reaches a socket on B; a logout on A closes the session's
 * socket on B. Redis killed and started again: each node says so once in
 * its log, counts it in /metrics, keeps serving its own sockets meanwhile
 * (its rate limit counting alone, said once), and carries signals again
 * afterwards. A bad [bus] redis refuses to start.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cs-test.h"
#include "cs-test-services.h"

static char *
read_log (CsTestServer *s)
{
  char *text = NULL;

  g_file_get_contents (s->log_path, &text, NULL, NULL);
  return text ? text : g_strdup ("");
}

static guint
count_in (const char *text,
          const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)); p += strlen (needle))
    n++;
  return n;
}

static gboolean
metric_is (CsTestServer *s,
           const char   *line)
{
  g_autofree char *text = cs_test_metrics (s);

  return strstr (text, line) != NULL;
}

/* Polls (a hang fails the test's meson timeout, not a threshold). */
#define WAIT_FOR(cond) G_STMT_START { while (!(cond)) cs_test_spin (20); } G_STMT_END

static void
copy_dir (const char *from,
          const char *to)
{
  g_autoptr(GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_mkdir_with_parents (to, 0700);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autoptr(GFile) s = g_file_new_for_path (src);
      g_autoptr(GFile) d = g_file_new_for_path (dst);
      g_autoptr(GError) error = NULL;

      if (g_file_test (src, G_FILE_TEST_IS_DIR))
        copy_dir (src, dst);
      else
        {
          g_file_copy (s, d, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
    }
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
test_two_nodes (void)
{
  g_autofree char *why = NULL;
  CsTestRedis *redis = cs_test_redis_start (&why);
  g_autofree char *config = NULL;
  CsTestServer *a, *b;
  g_autofree char *admin = NULL;
  g_autofree char *tok1 = NULL;
  g_autofree char *tok2 = NULL;
  g_autofree char *u1 = NULL;
  g_autofree char *u2 = NULL;
  g_autofree char *room = NULL;
  g_autofree char *typing = NULL;
  g_autofree char *log_a = NULL;
  g_autofree char *log_b = NULL;
  g_autofree char *db_a = NULL;
  g_autofree char *db_b = NULL;
  g_autofree char *body = NULL;
  JsonObject *frame;

  if (redis == NULL)
    {
      g_test_skip (why);
      return;
    }
  config = g_strdup_printf ("[bus]\nredis = %s\n[metrics]\nlisten = 127.0.0.1:0\n", redis->url);
  a = cs_test_server_new (config);
  admin = cs_test_tenant (a, "acme", "admin@acme.test");
  tok1 = cs_test_user (a, "acme", "one@acme.test", "One", "member", &u1);
  tok2 = cs_test_user (a, "acme", "two@acme.test", "Two", "member", &u2);
  room = cs_test_room (a, tok1, "group", "Plans", u2);

  /* B: the same database: on PostgreSQL A's own (the shared store), on
   * SQLite a copy of A's files. */
  if (a->pg_conninfo)
    {
      g_autofree char *shared = g_strdup_printf ("%s[storage]\npostgresql=%s\n", config, a->pg_conninfo);

      b = cs_test_server_new (shared);
    }
  else
    b = cs_test_server_new (config);
  cs_test_server_stop (a, FALSE);
  cs_test_server_stop (b, FALSE);
  db_a = g_build_filename (a->data_dir, "db", NULL);
  db_b = g_build_filename (b->data_dir, "db", NULL);
  remove_dir (db_b);
  copy_dir (db_a, db_b);
  a->log_path = g_build_filename (a->data_dir, "server.log", NULL);
  b->log_path = g_build_filename (b->data_dir, "server.log", NULL);
  cs_test_server_start (a);
  cs_test_server_start (b);
  WAIT_FOR (metric_is (a, "causerie_bus_up 1\n") && metric_is (b, "causerie_bus_up 1\n"));

  {
    g_autoptr(CsTestWs) ws1 = cs_test_ws_connect (a, tok1);
    g_autoptr(CsTestWs) ws2 = cs_test_ws_connect (b, tok2);
    g_autoptr(CsTestWs) ws1b = cs_test_ws_connect (b, tok1);

    g_assert_nonnull (ws1);
    g_assert_nonnull (ws2);
    g_assert_nonnull (ws1b);
    /* Typing on node A, seen by the other member on node B. */
    typing = g_strdup_printf ("{\"type\":\"typing\",\"room_id\":\"%s\",\"typing\":true}", room);
    cs_test_ws_send (ws1, typing);
    frame = cs_test_ws_wait (ws2, "typing", 10000);
    g_assert_nonnull (frame);
    g_assert_cmpstr (json_object_get_string_member (frame, "room_id"), ==, room);
    g_assert_cmpstr (json_object_get_string_member (frame, "user_id"), ==, u1);
    json_object_unref (frame);

    /* Redis dies: both nodes say so once, and go on serving their own
     * sockets: a message posted on B reaches B's socket. */
    cs_test_redis_stop (redis, TRUE);
    WAIT_FOR (metric_is (a, "causerie_bus_up 0\n") && metric_is (b, "causerie_bus_up 0\n"));
    body = g_strdup_printf ("{\"body\":\"while Redis is down\",\"txn_id\":\"t-down\"}");
    {
      g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", room);

      cs_test_ok (b, "POST", path, tok1, body, 201);
    }
    frame = cs_test_ws_wait (ws2, "message.new", 10000);
    g_assert_nonnull (frame);
    json_object_unref (frame);
    cs_test_spin (1000);   /* a few reconnection attempts fail */

    cs_test_redis_restart (redis);
    WAIT_FOR (metric_is (a, "causerie_bus_up 1\n") && metric_is (b, "causerie_bus_up 1\n"));
    log_a = read_log (a);
    log_b = read_log (b);
    g_assert_cmpuint (count_in (log_a, " is down ("), ==, 1);
    g_assert_cmpuint (count_in (log_b, " is down ("), ==, 1);
    g_assert_cmpuint (count_in (log_a, " is back."), ==, 1);
    g_assert_cmpuint (count_in (log_b, " is back."), ==, 1);
    /* B's message while Redis was down was counted by B alone, which it
     * said once (cs-server-shared.c). */
    g_assert_cmpuint (count_in (log_b, "limits count on this node alone"), ==, 1);
    g_assert_true (metric_is (a, "causerie_bus_down_total 1\n"));
    g_assert_true (metric_is (b, "causerie_bus_down_total 1\n"));

    /* The bus carries again: typing crosses once more. */
    cs_test_ws_send (ws1, typing);
    frame = cs_test_ws_wait (ws2, "typing", 10000);
    g_assert_nonnull (frame);
    json_object_unref (frame);

    /* A logout on A closes that session's socket on B. */
    cs_test_ok (a, "POST", "/api/auth/logout", tok1, NULL, 204);
    g_assert_cmpuint (cs_test_ws_wait_closed (ws1b, 10000), !=, 0);
    g_assert_false (ws2->closed);
  }
  cs_test_server_free (a);
  cs_test_server_free (b);
  cs_test_redis_free (redis);
}

static void
test_bad_url (void)
{
  const char *cases[][2] = {
    { "http://127.0.0.1:6379/0", "[bus] redis: “http://127.0.0.1:6379/0” is not a Redis address" },
    { "redis://127.0.0.1:6379/zero", "“/zero” is not a database number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = g_dir_make_tmp ("causerie-redis-url-XXXXXX", NULL);
      g_autofree char *conf = g_build_filename (dir, "server.conf", NULL);
      g_autofree char *db = g_build_filename (dir, "db", NULL);
      g_autofree char *text = g_strdup_printf ("[bus]\nredis = %s\n", cases[i][0]);
      g_autoptr(GSubprocess) p = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_file_set_contents (conf, text, -1, &error);
      g_assert_no_error (error);
      p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            g_getenv ("CAUSERIE_SERVER"), "--data-dir", db, "--config", conf, "serve",
                            "--listen", "127.0.0.1:0", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      g_assert_false (g_subprocess_get_if_exited (p) && g_subprocess_get_exit_status (p) == 0);
      g_assert_null (strstr (out, "listening"));
      if (strstr (err, cases[i][1]) == NULL)
        g_error ("“%s”: the error does not say %s: %s", cases[i][0], cases[i][1], err);
      remove_dir (dir);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/redis/bad-url", test_bad_url);
  g_test_add_func ("/server/redis/two-nodes", test_two_nodes);
  return g_test_run ();
}
