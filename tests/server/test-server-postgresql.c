/* test-server-postgresql.c: what only the PostgreSQL store does: its
 * migrate command, and two nodes writing to one database with seqs that
 * stay unique and follow the shared counter. Every server stores in a
 * private cluster (CAUSERIE_TEST_STORAGE=postgresql, set by meson).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <glib/gstdio.h>

#define PER_NODE 40

/* `migrate` creates the schema, is idempotent, and refuses a database
 * newer than the server, changing nothing. */
static void
test_migrate (void)
{
  CsTestServer *s = cs_test_server_new (NULL);
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;

  cs_test_server_stop (s, FALSE);
  g_assert_cmpint (cs_test_cli (s, NULL, &out, "migrate", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "The PostgreSQL store's schema is current."));
  g_assert_cmpint (cs_test_cli (s, NULL, &out2, "migrate", NULL), ==, 0);
  g_assert_cmpint (cs_test_db_int (s, "SELECT MAX(version) FROM schema_version"), ==, 2);
  g_assert_cmpint (cs_test_db_int (s, "SELECT value FROM seq_counter WHERE id = 1"), ==, 0);

  cs_test_db_exec (s, "UPDATE schema_version SET version = 99");
  g_assert_cmpint (cs_test_cli (s, NULL, &out3, "migrate", NULL), ==, 1);
  g_assert_nonnull (strstr (out3, "newer than this server"));
  g_assert_cmpint (cs_test_db_int (s, "SELECT MAX(version) FROM schema_version"), ==, 99);
  cs_test_server_free (s);
}

/* backup and restore copy the SQLite file: they refuse with backend =
 * postgresql, naming what to use instead, and change nothing. The
 * account commands work on the configured database. */
static void
test_sqlite_only_commands (void)
{
  CsTestServer *s = cs_test_server_new (NULL);
  g_autofree char *dest = g_build_filename (s->data_dir, "backup", NULL);
  g_autofree char *admin = cs_test_tenant (s, "acme", "admin@acme.test");
  g_autofree char *tenants = NULL;
  g_autofree char *users = NULL;
  g_autofree char *unknown = NULL;
  const char *commands[][4] = {
    { "backup", dest, NULL },
    { "restore", dest, NULL },
  };

  cs_test_server_stop (s, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (cs_test_cli (s, NULL, &out, commands[i][0], commands[i][1], commands[i][2], NULL), ==, 1);
      g_assert_nonnull (strstr (out, "works on the SQLite store only"));
      g_assert_nonnull (strstr (out, "pg_dump"));
      g_assert_nonnull (strstr (out, "“With PostgreSQL”"));
    }
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cs_test_cli (s, NULL, &tenants, "tenant", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (tenants, "acme"));
  g_assert_cmpint (cs_test_cli (s, NULL, &users, "user", "list", "--tenant", "acme", NULL), ==, 0);
  g_assert_nonnull (strstr (users, "admin@acme.test"));
  g_assert_cmpint (cs_test_cli (s, NULL, &unknown, "user", "list", "--tenant", "nope", NULL), ==, 1);
  g_assert_nonnull (strstr (unknown, "no organisation named “nope”"));
  cs_test_server_free (s);
}

/* Reactions, read times and the contact policy on PostgreSQL (also in
 * server-reactions-postgresql and server-policy-postgresql): what a
 * client sees. */
static void
test_reactions_reads_policy (void)
{
  CsTestTeam t;
  g_autofree char *path = NULL;
  g_autofree char *react = NULL;
  g_autofree char *receipts = NULL;
  g_autofree char *bob_path = NULL;
  g_autofree char *msg_id = NULL;
  JsonObject *msg, *page, *first, *policy, *user;
  JsonArray *list;
  gint64 seq;
  guint status = 0;
  JsonNode *node;

  cs_test_team_init (&t, NULL, FALSE);
  path = g_strdup_printf ("/api/rooms/%s/messages", t.room);
  msg = cs_test_call (t.s, "POST", path, t.alice, "{\"txn_id\":\"react-1\",\"body\":\"react to me\"}", 201);
  msg_id = g_strdup (json_object_get_string_member (msg, "id"));
  seq = json_object_get_int_member (msg, "seq");
  json_object_unref (msg);

  /* Bob's thumbs up, twice (the second changes nothing), then Alice's. */
  react = g_strdup_printf ("/api/messages/%s/reactions/%%F0%%9F%%91%%8D", msg_id);
  cs_test_ok (t.s, "PUT", react, t.bob, NULL, 204);
  cs_test_ok (t.s, "PUT", react, t.bob, NULL, 204);
  cs_test_ok (t.s, "PUT", react, t.alice, NULL, 204);
  page = cs_test_call (t.s, "GET", path, t.alice, NULL, 200);
  list = json_object_get_array_member (page, "messages");
  first = NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "id"), msg_id))
      first = json_array_get_object_element (list, i);
  g_assert_nonnull (first);
  list = json_object_get_array_member (first, "reactions");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "emoji"), ==, "\U0001F44D");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "count"), ==, 2);
  json_object_unref (page);
  cs_test_ok (t.s, "DELETE", react, t.bob, NULL, 204);
  g_assert_cmpint (cs_test_db_int (t.s, "SELECT COUNT(*) FROM reactions"), ==, 1);

  /* Bob reads the message: the receipts name him with a time. */
  {
    g_autofree char *read = g_strdup_printf ("/api/rooms/%s/read", t.room);
    g_autofree char *body = g_strdup_printf ("{\"up_to_seq\":%" G_GINT64_FORMAT "}", seq);

    node = cs_test_http (t.s, "POST", read, t.bob, body, &status);
    g_assert_cmpuint (status / 100, ==, 2);
    g_clear_pointer (&node, json_node_unref);
  }
  receipts = g_strdup_printf ("/api/rooms/%s/receipts?seq=%" G_GINT64_FORMAT, t.room, seq);
  page = cs_test_call (t.s, "GET", receipts, t.alice, NULL, 200);
  list = json_object_get_array_member (page, "receipts");
  first = NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "user_id"), t.bob_id))
      first = json_array_get_object_element (list, i);
  g_assert_nonnull (first);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (first, "read_at"), "Z"));
  json_object_unref (page);

  /* A policy where members may not open a direct room with the boss. */
  policy = cs_test_call (t.s, "PUT", "/api/admin/contact-policy", t.alice,
                         "{\"ranks\":[\"Boss\",\"Staff\"],\"allow\":[[\"Boss\",\"Staff\"],[\"Boss\",\"Boss\"]]}", 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (policy, "ranks")), ==, 2);
  json_object_unref (policy);
  bob_path = g_strdup_printf ("/api/admin/users/%s", t.bob_id);
  user = cs_test_call (t.s, "PATCH", bob_path, t.alice, "{\"rank\":\"Staff\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (user, "rank"), ==, "Staff");
  json_object_unref (user);
  {
    g_autofree char *alice_path = g_strdup_printf ("/api/admin/users/%s", t.alice_id);
    g_autofree char *body = g_strdup_printf ("{\"user_id\":\"%s\"}", t.alice_id);
    g_autofree char *message = NULL;

    user = cs_test_call (t.s, "PATCH", alice_path, t.alice, "{\"rank\":\"Boss\"}", 200);
    json_object_unref (user);
    message = cs_test_expect_error (t.s, "POST", "/api/rooms/direct", t.bob, body, 403, "forbidden");
    g_assert_nonnull (strstr (message, "contact policy"));
  }
  policy = cs_test_call (t.s, "GET", "/api/admin/contact-policy", t.alice, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (policy, "allow")), ==, 2);
  json_object_unref (policy);
  cs_test_team_clear (&t);
}

typedef struct {
  CsTestServer *server;
  const char   *token;
  const char   *room;
  const char   *tag;
  gint64        seqs[PER_NODE];
} Poster;

static gpointer
post_all (gpointer data)
{
  Poster *p = data;
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", p->room);

  for (guint i = 0; i < PER_NODE; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"%s-%u\",\"body\":\"%s %u\"}", p->tag, i, p->tag, i);
      JsonObject *msg = cs_test_call (p->server, "POST", path, p->token, body, 201);

      p->seqs[i] = json_object_get_int_member (msg, "seq");
      json_object_unref (msg);
    }
  return NULL;
}

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Two nodes on one database, posting to one room at the same time: every
 * message gets its own seq, each node's own in increasing order, the
 * shared counter ends at the largest, and either node pages through all
 * of them in seq order. */
static void
test_two_nodes (void)
{
  const char *limits = "[limits]\nmessages_per_minute=0\n";
  CsTestServer *a = cs_test_server_new (limits);
  g_autofree char *shared = g_strdup_printf ("%s[storage]\npostgresql=%s\n", limits, a->pg_conninfo);
  CsTestServer *b = cs_test_server_new (shared);
  g_autofree char *admin = cs_test_tenant (a, "Acme", "admin@acme.test");
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = cs_test_user (a, "Acme", "bob@acme.test", "Bob", "member", &bob_id);
  /* Bob signs in on node B (a token of A works on B too: test-server-nodes). */
  g_autofree char *bob_on_b = cs_test_login (b, "Acme", "bob@acme.test", NULL);
  g_autofree char *room = cs_test_room (a, admin, "channel", "general", bob_id);
  g_autofree char *page_path = g_strdup_printf ("/api/rooms/%s/messages?limit=100", room);
  Poster pa = { a, admin, room, "a", { 0 } };
  Poster pb = { b, bob_on_b, room, "b", { 0 } };
  GThread *ta, *tb;
  gint64 all[2 * PER_NODE];
  JsonObject *page;
  JsonArray *list;

  ta = g_thread_new ("node-a", post_all, &pa);
  tb = g_thread_new ("node-b", post_all, &pb);
  g_thread_join (ta);
  g_thread_join (tb);

  for (guint i = 0; i < PER_NODE; i++)
    {
      if (i > 0)
        {
          g_assert_cmpint (pa.seqs[i], >, pa.seqs[i - 1]);
          g_assert_cmpint (pb.seqs[i], >, pb.seqs[i - 1]);
        }
      all[i] = pa.seqs[i];
      all[PER_NODE + i] = pb.seqs[i];
    }
  qsort (all, G_N_ELEMENTS (all), sizeof (gint64), compare_seq);
  for (guint i = 1; i < G_N_ELEMENTS (all); i++)
    g_assert_cmpint (all[i], >, all[i - 1]);
  g_assert_cmpint (cs_test_db_int (a, "SELECT value FROM seq_counter WHERE id = 1"), >=, all[G_N_ELEMENTS (all) - 1]);
  g_assert_cmpint (cs_test_db_int (a, "SELECT COUNT(*) FROM messages WHERE txn_id IS NOT NULL"), ==, 2 * PER_NODE);

  /* Node B pages through what both stored, in seq order. */
  page = cs_test_call (b, "GET", page_path, bob_on_b, NULL, 200);
  list = json_object_get_array_member (page, "messages");
  g_assert_cmpuint (json_array_get_length (list), >=, 2 * PER_NODE);
  for (guint i = 1; i < json_array_get_length (list); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, i), "seq"), >,
                     json_object_get_int_member (json_array_get_object_element (list, i - 1), "seq"));
  json_object_unref (page);

  /* Node A stores three more; Bob, who read the first on node A, moves to
   * node B and syncs from there: the other two, in order, no resync. (A
   * node's own head may be behind what other nodes committed; sync takes
   * the shared one, cs_store_seqs_in. Here node B's writes on Bob's
   * connection also bring its own head up, so this checks the move, not
   * that case alone.) */
  {
    g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", room);
    g_autofree char *sync = NULL;
    CsTestWs *ws;
    gint64 since = 0, last;
    guint got = 0;

    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"late-%u\",\"body\":\"late %u\"}", i, i);
        JsonObject *msg = cs_test_call (a, "POST", path, admin, body, 201);

        if (i == 0)
          since = json_object_get_int_member (msg, "seq");
        json_object_unref (msg);
      }
    last = since;
    ws = cs_test_ws_connect (b, bob_on_b);
    g_assert_nonnull (cs_test_ws_wait (ws, "ready", 5000));
    sync = g_strdup_printf ("{\"type\":\"sync\",\"since\":%" G_GINT64_FORMAT "}", since);
    cs_test_ws_send (ws, sync);
    for (;;)
      {
        JsonObject *f = cs_test_ws_next (ws, 5000);
        const char *type;

        g_assert_nonnull (f);
        type = json_object_get_string_member (f, "type");
        g_assert_cmpstr (type, !=, "resync_required");
        if (g_str_equal (type, "message.new"))
          {
            g_assert_cmpint (json_object_get_int_member (f, "seq"), >, last);
            last = json_object_get_int_member (f, "seq");
            got++;
          }
        if (g_str_equal (type, "synced"))
          {
            g_assert_cmpint (json_object_get_int_member (f, "seq"), >=, last);
            json_object_unref (f);
            break;
          }
        json_object_unref (f);
      }
    g_assert_cmpuint (got, ==, 2);
    cs_test_ws_free (ws);
  }

  cs_test_server_free (b);
  cs_test_server_free (a);
}

/* Two nodes on one database and one attachments folder ([attachments]
 * dir): a file uploaded on node A downloads from node B, byte for byte. */
static void
test_shared_attachments (void)
{
  g_autofree char *folder = g_dir_make_tmp ("causerie-shared-attachments-XXXXXX", NULL);
  g_autofree char *shared_a = g_strdup_printf ("[attachments]\ndir=%s\n", folder);
  CsTestServer *a = cs_test_server_new (shared_a);
  g_autofree char *shared_b = g_strdup_printf ("[attachments]\ndir=%s\n[storage]\npostgresql=%s\n",
                                               folder, a->pg_conninfo);
  CsTestServer *b = cs_test_server_new (shared_b);
  g_autofree char *admin = cs_test_tenant (a, "Acme", "admin@acme.test");
  g_autofree char *admin_on_b = cs_test_login (b, "Acme", "admin@acme.test", NULL);
  g_autofree char *room = cs_test_room (a, admin, "group", "Files", NULL);
  g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", a->base, room);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", admin);
  g_autofree char *auth_b = g_strdup_printf ("Bearer %s", admin_on_b);
  g_autofree char *get_url = NULL, *stored = NULL;
  g_autoptr(SoupMessage) up = soup_message_new ("POST", url);
  g_autoptr(SoupMessage) down = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("minutes of the shared meeting\n", 30);
  g_autoptr(GBytes) reply = NULL, got = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *id;

  soup_message_headers_replace (soup_message_get_request_headers (up), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (up), "Content-Disposition",
                                "attachment; filename=\"minutes.txt\"");
  soup_message_set_request_body_from_bytes (up, "text/plain", body);
  reply = soup_session_send_and_read (a->session, up, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (up), ==, 201);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), (gssize) g_bytes_get_size (reply), NULL));
  id = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "id");
  g_assert_nonnull (id);
  /* The file is in the shared folder, not in node A's data directory. */
  stored = g_build_filename (folder, id, NULL);
  g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));

  get_url = g_strdup_printf ("%s/api/attachments/%s", b->base, id);
  down = soup_message_new ("GET", get_url);
  soup_message_headers_replace (soup_message_get_request_headers (down), "Authorization", auth_b);
  got = soup_session_send_and_read (b->session, down, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (down), ==, 200);
  g_assert_true (g_bytes_equal (got, body));

  cs_test_server_free (b);
  cs_test_server_free (a);
  g_unlink (stored);
  g_rmdir (folder);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/postgresql/migrate", test_migrate);
  g_test_add_func ("/postgresql/two-nodes", test_two_nodes);
  g_test_add_func ("/postgresql/shared-attachments", test_shared_attachments);
  g_test_add_func ("/postgresql/sqlite-only-commands", test_sqlite_only_commands);
  g_test_add_func ("/postgresql/reactions-reads-policy", test_reactions_reads_policy);
  return g_test_run ();
}
