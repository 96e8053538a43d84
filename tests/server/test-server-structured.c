/* test-server-structured.c: what the server writes for people to read is
 * also sent as data, so that each app says it in its reader's language
 * (system lines, notification titles); a status text reaches the others
 * at once; a message that waited in an outbox keeps the time it was
 * written (issue 11, defects 6 and 9).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include "cau-time.h"

#include <string.h>

static const char *
str (JsonObject *o, const char *m)
{
  return json_object_get_string_member (o, m);
}

typedef struct {
  CsTestServer *s;
  char *alice, *alice_id;
  char *bob, *bob_id;
  char *carl, *carl_id;
} Fixture;

static void
fixture_init (Fixture *f)
{
  g_autoptr(JsonObject) me = NULL;

  f->s = cs_test_server_new (NULL);
  f->alice = cs_test_tenant (f->s, "acme", "alice@acme.test");
  me = cs_test_call (f->s, "PATCH", "/api/me", f->alice, "{\"display_name\":\"Alice\"}", 200);
  f->alice_id = g_strdup (str (me, "id"));
  f->bob = cs_test_user (f->s, "acme", "bob@acme.test", "Bob", "member", &f->bob_id);
  f->carl = cs_test_user (f->s, "acme", "carl@acme.test", "Carl", "member", &f->carl_id);
}

static void
fixture_clear (Fixture *f)
{
  g_free (f->alice);
  g_free (f->alice_id);
  g_free (f->bob);
  g_free (f->bob_id);
  g_free (f->carl);
  g_free (f->carl_id);
  cs_test_server_free (f->s);
}

static JsonArray *
messages_of (Fixture    *f,
             const char *room,
             JsonObject **out_reply)
{
  g_autofree char *path = cs_test_printf_path ("/api/rooms/%s/messages?limit=100", room);

  *out_reply = cs_test_call (f->s, "GET", path, f->alice, NULL, 200);
  return json_object_get_array_member (*out_reply, "messages");
}

/* Finds the system line of @kind and checks who and what it names. */
static JsonObject *
system_line (JsonArray  *messages,
             const char *kind)
{
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);
      JsonObject *system;

      if (g_strcmp0 (str (m, "kind"), "system") != 0)
        continue;
      system = json_object_get_object_member (m, "system");
      g_assert_nonnull (system);
      if (g_strcmp0 (str (system, "kind"), kind) == 0)
        return m;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
assert_person (JsonObject *system,
               const char *member,
               const char *id,
               const char *name)
{
  JsonObject *who = json_object_get_object_member (system, member);

  g_assert_nonnull (who);
  g_assert_cmpstr (str (who, "id"), ==, id);
  g_assert_cmpstr (str (who, "display_name"), ==, name);
}

/* Every system line says what happened as data, and keeps its English
 * sentence for older clients. */
static void
test_system_lines (void)
{
  Fixture f;
  g_autofree char *room = NULL, *path = NULL, *body = NULL, *channel = NULL;
  g_autoptr(JsonObject) reply = NULL, channel_reply = NULL;
  g_autoptr(CsTestWs) ws = NULL;
  g_autoptr(JsonObject) event = NULL;
  JsonArray *messages;
  JsonObject *m, *system;

  fixture_init (&f);
  room = cs_test_room (f.s, f.alice, "group", "Design", NULL);
  ws = cs_test_ws_connect (f.s, f.alice);
  cs_test_ws_expect (ws, "ready", 5000);

  path = cs_test_printf_path ("/api/rooms/%s/members", room);
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", f.bob_id);
  cs_test_ok (f.s, "POST", path, f.alice, body, 201);
  /* The live event carries the data too. */
  event = cs_test_ws_wait (ws, "message.new", 5000);
  g_assert_nonnull (event);
  system = json_object_get_object_member (json_object_get_object_member (event, "data"), "system");
  g_assert_cmpstr (str (system, "kind"), ==, "member.added");
  assert_person (system, "target", f.bob_id, "Bob");

  g_free (path);
  path = cs_test_printf_path ("/api/rooms/%s/members/%s", room, f.bob_id);
  cs_test_ok (f.s, "PATCH", path, f.alice, "{\"role\":\"admin\"}", 204);
  /* The same role again says nothing. */
  cs_test_ok (f.s, "PATCH", path, f.alice, "{\"role\":\"admin\"}", 204);
  g_free (path);
  path = cs_test_printf_path ("/api/rooms/%s", room);
  cs_test_ok (f.s, "PATCH", path, f.alice, "{\"name\":\"Design team\"}", 200);
  g_free (path);
  path = cs_test_printf_path ("/api/rooms/%s/members/%s", room, f.bob_id);
  cs_test_ok (f.s, "DELETE", path, f.alice, NULL, 204);

  messages = messages_of (&f, room, &reply);
  g_assert_cmpuint (json_array_get_length (messages), ==, 5);

  m = system_line (messages, "room.created");
  system = json_object_get_object_member (m, "system");
  assert_person (system, "actor", f.alice_id, "Alice");
  g_assert_cmpstr (str (system, "room_name"), ==, "Design");
  g_assert_false (json_object_has_member (system, "target"));
  g_assert_cmpstr (str (m, "body"), ==, "Alice created the room “Design”");

  m = system_line (messages, "member.added");
  system = json_object_get_object_member (m, "system");
  assert_person (system, "actor", f.alice_id, "Alice");
  assert_person (system, "target", f.bob_id, "Bob");
  g_assert_cmpstr (str (m, "body"), ==, "Alice added Bob");

  m = system_line (messages, "member.role");
  system = json_object_get_object_member (m, "system");
  assert_person (system, "target", f.bob_id, "Bob");
  g_assert_cmpstr (str (system, "role"), ==, "admin");
  g_assert_cmpstr (str (m, "body"), ==, "Alice made Bob an admin");

  m = system_line (messages, "room.renamed");
  g_assert_cmpstr (str (json_object_get_object_member (m, "system"), "room_name"), ==, "Design team");
  g_assert_cmpstr (str (m, "body"), ==, "Alice renamed the room to “Design team”");

  m = system_line (messages, "member.removed");
  assert_person (json_object_get_object_member (m, "system"), "target", f.bob_id, "Bob");
  g_assert_cmpstr (str (m, "body"), ==, "Alice removed Bob");

  /* Joining and leaving a channel name one person. */
  channel = cs_test_room (f.s, f.alice, "channel", "News", NULL);
  g_free (path);
  path = cs_test_printf_path ("/api/rooms/%s/join", channel);
  cs_test_ok (f.s, "POST", path, f.carl, NULL, 200);
  g_free (path);
  path = cs_test_printf_path ("/api/rooms/%s/members/%s", channel, f.carl_id);
  cs_test_ok (f.s, "DELETE", path, f.carl, NULL, 204);
  messages = messages_of (&f, channel, &channel_reply);
  m = system_line (messages, "member.joined");
  assert_person (json_object_get_object_member (m, "system"), "actor", f.carl_id, "Carl");
  g_assert_cmpstr (str (m, "body"), ==, "Carl joined");
  m = system_line (messages, "member.left");
  assert_person (json_object_get_object_member (m, "system"), "actor", f.carl_id, "Carl");
  g_assert_cmpstr (str (m, "body"), ==, "Carl left");

  /* A person's message carries no "system". */
  {
    g_autoptr(JsonObject) sent = NULL;

    g_free (path);
    path = cs_test_printf_path ("/api/rooms/%s/messages", channel);
    sent = cs_test_call (f.s, "POST", path, f.alice, "{\"txn_id\":\"plain-1\",\"body\":\"hello\"}", 201);
    g_assert_false (json_object_has_member (sent, "system"));
    g_assert_false (json_object_has_member (sent, "written_at"));
  }
  fixture_clear (&f);
}

/* A notification names who caused it and where, besides its English title. */
static void
test_notification_data (void)
{
  Fixture f;
  g_autofree char *room = NULL, *path = NULL, *dm_body = NULL, *dm_path = NULL, *inv_body = NULL;
  g_autoptr(JsonObject) list = NULL, direct = NULL, sent = NULL;
  JsonArray *entries;
  gboolean saw_mention = FALSE, saw_direct = FALSE, saw_invitation = FALSE;

  fixture_init (&f);
  room = cs_test_room (f.s, f.bob, "group", "Budget", f.alice_id);
  path = cs_test_printf_path ("/api/rooms/%s/messages", room);
  sent = cs_test_call (f.s, "POST", path, f.bob, "{\"txn_id\":\"m-1\",\"body\":\"@Alice look\"}", 201);
  dm_body = g_strdup_printf ("{\"user_id\":\"%s\"}", f.alice_id);
  direct = cs_test_call (f.s, "POST", "/api/rooms/direct", f.bob, dm_body, 201);
  dm_path = cs_test_printf_path ("/api/rooms/%s/messages", str (direct, "id"));
  cs_test_ok (f.s, "POST", dm_path, f.bob, "{\"txn_id\":\"d-1\",\"body\":\"hi there\"}", 201);
  /* Bob invites Alice, who is here already, to a room of his. */
  {
    g_autofree char *other = cs_test_room (f.s, f.bob, "group", "Secret", NULL);
    g_autofree char *inv_path = cs_test_printf_path ("/api/rooms/%s/invitations", other);

    inv_body = g_strdup ("{\"email\":\"alice@acme.test\",\"message\":\"come\"}");
    cs_test_ok (f.s, "POST", inv_path, f.bob, inv_body, 201);
  }

  list = cs_test_call (f.s, "GET", "/api/notifications", f.alice, NULL, 200);
  entries = json_object_get_array_member (list, "notifications");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *n = json_array_get_object_element (entries, i);

      g_assert_cmpstr (str (n, "actor_name"), ==, "Bob");
      if (g_str_equal (str (n, "type"), "mention"))
        {
          saw_mention = TRUE;
          g_assert_cmpstr (str (n, "room_name"), ==, "Budget");
          g_assert_cmpstr (str (n, "title"), ==, "Bob mentioned you in Budget");
        }
      else if (g_str_equal (str (n, "type"), "direct"))
        {
          saw_direct = TRUE;
          g_assert_cmpstr (str (n, "title"), ==, "Bob");
        }
      else if (g_str_equal (str (n, "type"), "invitation"))
        {
          saw_invitation = TRUE;
          g_assert_cmpstr (str (n, "room_name"), ==, "Secret");
          g_assert_cmpstr (str (n, "title"), ==, "Bob invited you to Secret");
        }
    }
  g_assert_true (saw_mention && saw_direct && saw_invitation);
  fixture_clear (&f);
}

static char *
iso_ago (gint64 ms)
{
  return cau_time_format (cau_time_now_ms () - ms);
}

static gint64
time_of (JsonObject *o,
         const char *member)
{
  gint64 t = 0;

  g_assert_true (cau_time_parse (str (o, member), &t));
  return t;
}

/* A message that waited in an outbox says when it was written; a time
 * that cannot be right is refused and stores nothing. */
static void
test_written_at (void)
{
  Fixture f;
  g_autofree char *room = NULL, *path = NULL, *hour_ago = NULL, *body = NULL;
  g_autofree char *msg = NULL, *future = NULL, *ancient = NULL, *soon = NULL;
  g_autoptr(JsonObject) sent = NULL, again = NULL, reply = NULL, clamped = NULL;
  g_autoptr(CsTestWs) ws = NULL;
  g_autoptr(JsonObject) ack = NULL;
  JsonArray *messages;
  gint64 written;

  fixture_init (&f);
  room = cs_test_room (f.s, f.alice, "group", "Offline", f.bob_id);
  path = cs_test_printf_path ("/api/rooms/%s/messages", room);
  hour_ago = iso_ago (3600 * 1000);
  cau_time_parse (hour_ago, &written);

  body = g_strdup_printf ("{\"txn_id\":\"w-1\",\"body\":\"written on the train\",\"written_at\":\"%s\"}", hour_ago);
  sent = cs_test_call (f.s, "POST", path, f.bob, body, 201);
  g_assert_cmpint (time_of (sent, "written_at"), ==, written);
  g_assert_cmpint (time_of (sent, "created_at"), >, written);
  /* A retry gives the same message back. */
  again = cs_test_call (f.s, "POST", path, f.bob, body, 200);
  g_assert_cmpstr (str (again, "id"), ==, str (sent, "id"));
  g_assert_cmpint (time_of (again, "written_at"), ==, written);

  /* Refused: not a time, a number, too far ahead, too old. Nothing stored. */
  g_free (body);
  body = g_strdup ("{\"txn_id\":\"w-2\",\"body\":\"x\",\"written_at\":\"yesterday\"}");
  msg = cs_test_expect_error (f.s, "POST", path, f.bob, body, 400, "bad_request");
  g_assert_nonnull (strstr (msg, "written_at"));
  g_clear_pointer (&msg, g_free);
  msg = cs_test_expect_error (f.s, "POST", path, f.bob, "{\"txn_id\":\"w-2\",\"body\":\"x\",\"written_at\":12}",
                              400, "bad_request");
  g_assert_nonnull (strstr (msg, "written_at"));
  g_clear_pointer (&msg, g_free);
  future = cau_time_format (cau_time_now_ms () + 3600 * 1000);
  g_free (body);
  body = g_strdup_printf ("{\"txn_id\":\"w-2\",\"body\":\"x\",\"written_at\":\"%s\"}", future);
  msg = cs_test_expect_error (f.s, "POST", path, f.bob, body, 400, "bad_request");
  g_assert_nonnull (strstr (msg, "future"));
  g_clear_pointer (&msg, g_free);
  ancient = iso_ago ((gint64) 60 * 24 * 3600 * 1000);
  g_free (body);
  body = g_strdup_printf ("{\"txn_id\":\"w-2\",\"body\":\"x\",\"written_at\":\"%s\"}", ancient);
  msg = cs_test_expect_error (f.s, "POST", path, f.bob, body, 400, "bad_request");
  g_assert_nonnull (strstr (msg, "days ago"));
  g_clear_pointer (&msg, g_free);

  messages = messages_of (&f, room, &reply);
  /* The room's first line and the one message: nothing from the refusals. */
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  {
    JsonObject *last = json_array_get_object_element (messages, 1);

    g_assert_cmpstr (str (last, "id"), ==, str (sent, "id"));
    /* Readers see it too. */
    g_assert_cmpint (time_of (last, "written_at"), ==, written);
  }

  /* A clock a little ahead: taken as now, never after it was stored. */
  soon = cau_time_format (cau_time_now_ms () + 60 * 1000);
  g_free (body);
  body = g_strdup_printf ("{\"txn_id\":\"w-2\",\"body\":\"x\",\"written_at\":\"%s\"}", soon);
  clamped = cs_test_call (f.s, "POST", path, f.bob, body, 201);
  g_assert_cmpint (time_of (clamped, "written_at"), <=, time_of (clamped, "created_at"));

  /* Over the WebSocket, the same. */
  ws = cs_test_ws_connect (f.s, f.bob);
  cs_test_ws_expect (ws, "ready", 5000);
  g_free (body);
  body = g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"w-3\",\"body\":\"ws\",\"written_at\":\"%s\"}",
                          room, hour_ago);
  cs_test_ws_send (ws, body);
  ack = cs_test_ws_wait (ws, "ack", 5000);
  g_assert_nonnull (ack);
  g_assert_cmpint (time_of (json_object_get_object_member (ack, "message"), "written_at"), ==, written);
  g_free (body);
  body = g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"w-4\",\"body\":\"ws\",\"written_at\":\"%s\"}",
                          room, future);
  cs_test_ws_send (ws, body);
  {
    g_autoptr(JsonObject) error = cs_test_ws_wait (ws, "error", 5000);

    g_assert_nonnull (error);
    g_assert_cmpstr (str (error, "txn_id"), ==, "w-4");
    g_assert_nonnull (strstr (str (json_object_get_object_member (error, "error"), "message"), "written_at"));
  }
  fixture_clear (&f);
}

/* A status text reaches the others' sockets in a presence frame; a bad
 * one is refused and sends nothing. */
static void
test_status_text_live (void)
{
  Fixture f;
  g_autoptr(CsTestWs) ws = NULL;
  g_autoptr(JsonObject) frame = NULL;
  g_autofree char *msg = NULL;

  fixture_init (&f);
  ws = cs_test_ws_connect (f.s, f.alice);
  cs_test_ws_expect (ws, "ready", 5000);

  cs_test_ok (f.s, "PATCH", "/api/me", f.bob, "{\"status_text\":\"On holiday\"}", 200);
  for (;;)
    {
      g_clear_pointer (&frame, json_object_unref);
      frame = cs_test_ws_wait (ws, "presence", 5000);
      g_assert_nonnull (frame);
      if (json_object_has_member (frame, "status_text"))
        break;
    }
  g_assert_cmpstr (str (frame, "user_id"), ==, f.bob_id);
  g_assert_cmpstr (str (frame, "status_text"), ==, "On holiday");
  g_assert_nonnull (str (frame, "status"));

  msg = cs_test_expect_error (f.s, "PATCH", "/api/me", f.bob, "{\"status_text\":\"bad\\u0007bell\"}", 400, "bad_request");
  g_assert_nonnull (strstr (msg, "status"));
  /* Cleared: the next frame with a status text is this one, not the bad one. */
  cs_test_ok (f.s, "PATCH", "/api/me", f.bob, "{\"status_text\":\"\"}", 200);
  for (;;)
    {
      g_clear_pointer (&frame, json_object_unref);
      frame = cs_test_ws_wait (ws, "presence", 5000);
      g_assert_nonnull (frame);
      if (json_object_has_member (frame, "status_text"))
        break;
    }
  g_assert_cmpstr (str (frame, "status_text"), ==, "");
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/structured/system-lines", test_system_lines);
  g_test_add_func ("/server/structured/notification-data", test_notification_data);
  g_test_add_func ("/server/structured/written-at", test_written_at);
  g_test_add_func ("/server/structured/status-text-live", test_status_text_live);
  return g_test_run ();
}
