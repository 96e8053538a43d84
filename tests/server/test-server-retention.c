/* test-server-retention.c: messages older than a tenant's (or a room's)
 * number of days are removed by the scheduled job, with their files,
 * mentions, notifications, search entries and logged events; members are
 * told with `messages.expired`; a legal hold suspends removal. The clock
 * is the test's: it writes old creation times into the database file.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <string.h>

#define DAY_MS ((gint64) 86400 * 1000)
#define CONFIG "[retention]\ninterval_seconds = 1\nbatch_messages = 2\n"

static const char *
str (JsonObject *o,
     const char *member)
{
  return json_object_get_string_member (o, member);
}

static gint64
post (CsTestServer *s,
      const char   *token,
      const char   *room,
      const char   *body,
      const char   *attachment_id,
      char        **out_id)
{
  g_autofree char *path = cs_test_printf_path ("/api/rooms/%s/messages", room);
  g_autofree char *txn = g_uuid_string_random ();
  g_autofree char *ids = attachment_id ? g_strdup_printf ("[\"%s\"]", attachment_id) : g_strdup ("[]");
  g_autofree char *json = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"%s\",\"attachment_ids\":%s}",
                                           txn, body, ids);
  g_autoptr(JsonObject) m = cs_test_call (s, "POST", path, token, json, 201);

  if (out_id)
    *out_id = g_strdup (str (m, "id"));
  return json_object_get_int_member (m, "seq");
}

static char *
upload_text (CsTestServer *s,
             const char   *token,
             const char   *room)
{
  g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", s->base, room);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static ("minutes\n", 8);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *text;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Disposition",
                                "attachment; filename=\"minutes.txt\"");
  soup_message_set_request_body_from_bytes (msg, "text/plain", body);
  reply = soup_session_send_and_read (s->session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  text = g_bytes_get_data (reply, &len);
  g_assert_true (json_parser_load_from_data (parser, text, (gssize) len, NULL));
  return g_strdup (str (json_node_get_object (json_parser_get_root (parser)), "id"));
}

static guint
count_messages (CsTestServer *s,
                const char   *token,
                const char   *room)
{
  g_autofree char *path = cs_test_printf_path ("/api/rooms/%s/messages?limit=100", room);
  g_autoptr(JsonObject) page = cs_test_call (s, "GET", path, token, NULL, 200);

  return json_array_get_length (json_object_get_array_member (page, "messages"));
}

static guint
search (CsTestServer *s,
        const char   *token,
        const char   *word)
{
  g_autofree char *path = cs_test_printf_path ("/api/search?q=%s", word);
  g_autoptr(JsonObject) found = cs_test_call (s, "GET", path, token, NULL, 200);

  return json_array_get_length (json_object_get_array_member (found, "messages"));
}

/* Backdates @room's messages with seq <= @up_to by @days days. */
static void
age (CsTestServer *s,
     const char   *room,
     gint64        up_to,
     gint64        days)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE messages SET created_at = created_at - %" G_GINT64_FORMAT
                                          " WHERE room_id = '%s' AND seq <= %" G_GINT64_FORMAT,
                                          days * DAY_MS, room, up_to);

  cs_test_db_exec (s, sql);
}

/* Waits for messages.expired in @room with before_seq @floor (the last
 * step of a removal); asserts every such frame moves the floor up. */
static void
wait_expired (CsTestWs   *ws,
              const char *room,
              gint64      floor)
{
  gint64 last = 0;

  for (;;)
    {
      g_autoptr(JsonObject) f = cs_test_ws_wait (ws, "messages.expired", 30000);
      JsonObject *data;

      g_assert_nonnull (f);
      data = json_object_get_object_member (f, "data");
      if (g_strcmp0 (str (data, "room_id"), room) != 0)
        continue;
      g_assert_cmpint (json_object_get_int_member (data, "before_seq"), >, last);
      last = json_object_get_int_member (data, "before_seq");
      if (last == floor)
        return;
      g_assert_cmpint (last, <, floor);
    }
}

static void
test_settings_api (void)
{
  CsTestTeam t;
  g_autoptr(JsonObject) setting = NULL, room = NULL, got = NULL;
  g_autofree char *room_path = NULL;
  JsonArray *rooms;

  cs_test_team_init (&t, CONFIG, FALSE);
  /* Nobody but a tenant admin, and nothing half-valid. */
  g_free (cs_test_expect_error (t.s, "GET", "/api/admin/retention", t.bob, NULL, 403, "forbidden"));
  g_free (cs_test_expect_error (t.s, "PUT", "/api/admin/retention", t.bob,
                                "{\"message_days\":30,\"legal_hold\":false}", 403, "forbidden"));
  g_free (cs_test_expect_error (t.s, "PUT", "/api/admin/retention", t.alice,
                                "{\"message_days\":0,\"legal_hold\":false}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PUT", "/api/admin/retention", t.alice,
                                "{\"message_days\":\"thirty\",\"legal_hold\":false}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PUT", "/api/admin/retention", t.alice,
                                "{\"message_days\":30}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PUT", "/api/admin/retention", t.alice,
                                "{\"legal_hold\":true}", 400, "bad_request"));
  got = cs_test_call (t.s, "GET", "/api/admin/retention", t.alice, NULL, 200);
  g_assert_true (json_object_get_null_member (got, "message_days"));
  g_assert_false (json_object_get_boolean_member (got, "legal_hold"));

  setting = cs_test_call (t.s, "PUT", "/api/admin/retention", t.alice,
                          "{\"message_days\":30,\"legal_hold\":true}", 200);
  g_assert_cmpint (json_object_get_int_member (setting, "message_days"), ==, 30);
  g_assert_true (json_object_get_boolean_member (setting, "legal_hold"));

  room_path = cs_test_printf_path ("/api/admin/retention/rooms/%s", t.room);
  g_free (cs_test_expect_error (t.s, "PUT", room_path, t.alice, "{\"retention_days\":100000}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PUT", "/api/admin/retention/rooms/nope", t.alice,
                                "{\"retention_days\":7}", 404, "not_found"));
  room = cs_test_call (t.s, "PUT", room_path, t.alice, "{\"retention_days\":7}", 200);
  rooms = json_object_get_array_member (room, "rooms");
  g_assert_cmpuint (json_array_get_length (rooms), ==, 1);
  g_assert_cmpstr (str (json_array_get_object_element (rooms, 0), "id"), ==, t.room);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rooms, 0), "retention_days"), ==, 7);
  json_object_unref (cs_test_call (t.s, "PUT", room_path, t.alice, "{\"retention_days\":null}", 200));
  g_clear_pointer (&got, json_object_unref);
  got = cs_test_call (t.s, "GET", "/api/admin/retention", t.alice, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (got, "rooms")), ==, 0);
  g_assert_cmpint (cs_test_db_int (t.s, "SELECT COUNT(*) FROM audit WHERE action = 'retention.update'"), ==, 3);
  cs_test_team_clear (&t);
}

static void
test_removal_and_hold (void)
{
  CsTestTeam t;
  g_autoptr(CsTestWs) ws = NULL;
  g_autoptr(CsTestWs) late = NULL;
  g_autofree char *keep_room = NULL, *file_id = NULL, *file_path = NULL, *with_file = NULL;
  g_autofree char *held_admin = NULL, *held_room = NULL, *sql = NULL, *bob_mention = NULL;
  gint64 seqs[5], keep_seq, held_seq = 0;
  gint64 expired_seen = 0;
  guint keep_count, held_count;

  cs_test_team_init (&t, CONFIG, FALSE);
  keep_room = cs_test_room (t.s, t.alice, "group", "Archive", t.bob_id);
  held_admin = cs_test_tenant (t.s, "lawfirm", "partner@law.test");
  held_room = cs_test_room (t.s, held_admin, "group", "Case", NULL);

  file_id = upload_text (t.s, t.bob, t.room);
  seqs[0] = post (t.s, t.bob, t.room, "aardvark minutes", file_id, &with_file);
  bob_mention = g_strdup_printf ("aardvark for @%s", "bob");
  seqs[1] = post (t.s, t.alice, t.room, bob_mention, NULL, NULL);
  seqs[2] = post (t.s, t.bob, t.room, "aardvark again", NULL, NULL);
  seqs[3] = post (t.s, t.alice, t.room, "zebra fresh", NULL, NULL);
  seqs[4] = post (t.s, t.bob, t.room, "zebra newer", NULL, NULL);
  {
    /* A reaction on the oldest message goes with it. */
    g_autofree char *path = cs_test_printf_path ("/api/messages/%s/reactions/%%F0%%9F%%A6%%94", with_file);

    cs_test_ok (t.s, "PUT", path, t.alice, NULL, 204);
  }
  keep_seq = post (t.s, t.alice, keep_room, "okapi kept by the room", NULL, NULL);
  for (int i = 0; i < 3; i++)
    held_seq = post (t.s, held_admin, held_room, "pangolin under hold", NULL, NULL);
  keep_count = count_messages (t.s, t.alice, keep_room);
  held_count = count_messages (t.s, held_admin, held_room);
  g_assert_cmpuint (held_count, >=, 3);
  file_path = g_build_filename (t.s->data_dir, "db", "attachments", file_id, NULL);
  g_assert_true (g_file_test (file_path, G_FILE_TEST_EXISTS));

  /* Three of the room's messages are 40 days old, the other room's and
   * the held tenant's too. */
  age (t.s, t.room, seqs[2], 40);
  age (t.s, keep_room, keep_seq, 40);
  age (t.s, held_room, held_seq, 40);

  ws = cs_test_ws_connect (t.s, t.bob);
  g_assert_nonnull (cs_test_ws_wait (ws, "ready", 5000));
  json_object_unref (cs_test_call (t.s, "PUT", "/api/admin/retention", held_admin,
                                   "{\"message_days\":30,\"legal_hold\":true}", 200));
  {
    g_autofree char *path = cs_test_printf_path ("/api/admin/retention/rooms/%s", keep_room);

    json_object_unref (cs_test_call (t.s, "PUT", path, t.alice, "{\"retention_days\":365}", 200));
  }
  json_object_unref (cs_test_call (t.s, "PUT", "/api/admin/retention", t.alice,
                                   "{\"message_days\":30,\"legal_hold\":false}", 200));

  /* In steps of two messages: the floor moves to just past the third. */
  wait_expired (ws, t.room, seqs[2] + 1);
  g_assert_cmpuint (count_messages (t.s, t.bob, t.room), ==, 2);
  g_assert_cmpuint (search (t.s, t.bob, "aardvark"), ==, 0);
  g_assert_cmpuint (search (t.s, t.bob, "zebra"), ==, 2);
  g_assert_cmpint (cs_test_search_mismatches (t.s), ==, 0);
  g_assert_false (g_file_test (file_path, G_FILE_TEST_EXISTS));
  sql = g_strdup_printf ("SELECT COUNT(*) FROM attachments WHERE id = '%s'", file_id);
  g_assert_cmpint (cs_test_db_int (t.s, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM mentions WHERE room_id = '%s'", t.room);
  g_assert_cmpint (cs_test_db_int (t.s, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM notifications WHERE room_id = '%s' AND message_seq <= %" G_GINT64_FORMAT,
                         t.room, seqs[2]);
  g_assert_cmpint (cs_test_db_int (t.s, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM events WHERE payload LIKE '%%aardvark%%'");
  g_assert_cmpint (cs_test_db_int (t.s, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM reactions WHERE message_seq = %" G_GINT64_FORMAT, seqs[0]);
  g_assert_cmpint (cs_test_db_int (t.s, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM events WHERE type = 'message.reaction' AND %s = '%s'",
                         cs_test_storage_is_postgresql () ? "payload::jsonb #>> '{data,message_id}'"
                                                          : "json_extract(payload, '$.data.message_id')",
                         with_file);
  g_assert_cmpint (cs_test_db_int (t.s, sql), ==, 0);
  /* The room's own days and the legal hold kept theirs. */
  g_assert_cmpuint (count_messages (t.s, t.alice, keep_room), ==, keep_count);
  g_assert_cmpuint (count_messages (t.s, held_admin, held_room), ==, held_count);
  g_assert_cmpuint (search (t.s, held_admin, "pangolin"), ==, 3);

  /* A client that syncs from before gets the floor, not the old text. */
  late = cs_test_ws_connect (t.s, t.bob);
  g_assert_nonnull (cs_test_ws_wait (late, "ready", 5000));
  cs_test_ws_send (late, "{\"type\":\"sync\",\"since\":0}");
  for (;;)
    {
      g_autoptr(JsonObject) f = cs_test_ws_next (late, 10000);
      JsonObject *data;

      g_assert_nonnull (f);
      if (g_strcmp0 (str (f, "type"), "synced") == 0)
        break;
      data = json_object_get_object_member (f, "data");
      if (g_strcmp0 (str (f, "type"), "message.new") == 0 && g_strcmp0 (str (f, "room_id"), t.room) == 0)
        g_assert_cmpint (json_object_get_int_member (f, "seq"), >, seqs[2]);
      if (g_strcmp0 (str (f, "type"), "messages.expired") == 0 && g_strcmp0 (str (data, "room_id"), t.room) == 0)
        expired_seen = MAX (expired_seen, json_object_get_int_member (data, "before_seq"));
    }
  g_assert_cmpint (expired_seen, ==, seqs[2] + 1);

  /* The hold lifted, the held tenant's old messages go too. */
  json_object_unref (cs_test_call (t.s, "PUT", "/api/admin/retention", held_admin,
                                   "{\"message_days\":30,\"legal_hold\":false}", 200));
  {
    g_autoptr(CsTestWs) held_ws = cs_test_ws_connect (t.s, held_admin);

    g_assert_nonnull (cs_test_ws_wait (held_ws, "ready", 5000));
    wait_expired (held_ws, held_room, held_seq + 1);
  }
  g_assert_cmpuint (count_messages (t.s, held_admin, held_room), ==, 0);
  g_assert_cmpuint (count_messages (t.s, t.alice, keep_room), ==, keep_count);
  g_assert_cmpint (cs_test_search_mismatches (t.s), ==, 0);
  cs_test_team_clear (&t);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/retention/settings", test_settings_api);
  g_test_add_func ("/server/retention/removal-and-hold", test_removal_and_hold);
  return g_test_run ();
}
