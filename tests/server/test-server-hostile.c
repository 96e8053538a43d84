/* test-server-hostile.c: hostile input at the server's edge (issue 10):
 * deeply nested JSON, JSON that RFC 8259 refuses, invalid UTF-8 reaching
 * the validators and bidirectional control characters in labels. After
 * each attack /healthz and another user's socket must still answer.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <string.h>

/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LEFT-TO-RIGHT ISOLATE, U+200F RLM */
#define RLO "\xe2\x80\xae"
#define LRI "\xe2\x81\xa6"
#define RLM "\xe2\x80\x8f"

typedef struct {
  CsTestServer *s;
  char *alice, *bob, *bob_id, *room;
} Team;

static void
team_init (Team *t)
{
  t->s = cs_test_server_new (NULL);
  t->alice = cs_test_tenant (t->s, "acme", "alice@acme.test");
  t->bob = cs_test_user (t->s, "acme", "bob@acme.test", "Bob", "member", &t->bob_id);
  t->room = cs_test_room (t->s, t->alice, "group", "Launch", t->bob_id);
}

static void
team_clear (Team *t)
{
  g_free (t->alice); g_free (t->bob); g_free (t->bob_id); g_free (t->room);
  cs_test_server_free (t->s);
}

static void
assert_healthy (CsTestServer *s)
{
  guint status = 0;
  g_autoptr(JsonNode) health = cs_test_http (s, "GET", "/healthz", NULL, NULL, &status);

  g_assert_cmpuint (status, ==, 200);
}

/* @ws answers a ping, and a message Alice sends over REST reaches it. */
static void
assert_socket_works (Team *t, CsTestWs *ws, const char *txn)
{
  g_autoptr(JsonObject) pong = NULL, posted = NULL, live = NULL;
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", t->room);
  g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"still here %s\"}", txn, txn);

  cs_test_ws_send (ws, "{\"type\":\"ping\"}");
  pong = cs_test_ws_wait (ws, "pong", 3000);
  g_assert_nonnull (pong);
  posted = cs_test_call (t->s, "POST", path, t->alice, body, 201);
  live = cs_test_ws_wait (ws, "message.new", 3000);
  g_assert_nonnull (live);
}

static void
wait_ready (CsTestWs *ws)
{
  g_autoptr(JsonObject) ready = cs_test_ws_wait (ws, "ready", 3000);

  g_assert_nonnull (ready);
}

static const char *
error_message (JsonObject *frame)
{
  return json_object_get_string_member (json_object_get_object_member (frame, "error"), "message");
}

static void
test_deep_json_login (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *brackets = g_strnfill (100000, '[');
  g_autofree char *braces = g_strnfill (100000, '{');
  g_autofree char *msg = NULL;
  static const char *refused[] = {
    "{'email':'a@b.c','password':'x','tenant':'acme'}",
    "{\"email\":\"a@b.c\",\"password\":\"tab\there\",\"tenant\":\"acme\"}",
    "{\"email\":\"\\101@b.c\",\"password\":\"x\",\"tenant\":\"acme\"}",
    "{\"email\":\"a@b.c\",\"password\":\"\\ud800\",\"tenant\":\"acme\"}",
    "{\"email\":\"a@b.c\",\"password\":\"x\",\"tenant\":\"acme\"} trailing",
    "{\"email\":\"a@b.c\" /* c */,\"password\":\"x\",\"tenant\":\"acme\"}",
    "{\"email\":\"a@b.c\",\"password\":NaN,\"tenant\":\"acme\"}",
    "{\"email\":\"a@b.c\",\"password\":007,\"tenant\":\"acme\"}",
  };

  /* Before, the server died with SIGSEGV in json-glib's recursion. */
  msg = cs_test_expect_error (s, "POST", "/api/auth/login", NULL, brackets, 400, "bad_request");
  g_assert_nonnull (strstr (msg, "nested more than 64"));
  assert_healthy (s);
  g_free (cs_test_expect_error (s, "POST", "/api/auth/login", NULL, braces, 400, "bad_request"));
  assert_healthy (s);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_free (cs_test_expect_error (s, "POST", "/api/auth/login", NULL, refused[i], 400, "bad_request"));
      assert_healthy (s);
    }
}

static void
test_deep_json_ws (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, b = NULL;
  g_autoptr(JsonObject) e1 = NULL, e2 = NULL;
  /* Under the 64 KiB frame limit, so it reaches the JSON parser. */
  g_autofree char *brackets = g_strnfill (60000, '[');

  team_init (&t);
  a = cs_test_ws_connect (t.s, t.alice);
  b = cs_test_ws_connect (t.s, t.bob);
  wait_ready (a);
  wait_ready (b);

  cs_test_ws_send (a, brackets);
  e1 = cs_test_ws_wait (a, "error", 3000);
  g_assert_nonnull (e1);
  g_assert_nonnull (strstr (error_message (e1), "nested more than 64"));
  cs_test_ws_send (a, "{\"type\":'ping'}");
  e2 = cs_test_ws_wait (a, "error", 3000);
  g_assert_nonnull (e2);
  g_assert_nonnull (strstr (error_message (e2), "double quotes"));

  assert_healthy (t.s);
  assert_socket_works (&t, a, "after-deep-a");
  assert_socket_works (&t, b, "after-deep-b");
  team_clear (&t);
}

static void
test_octal_escape (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, b = NULL;
  g_autoptr(JsonObject) err = NULL;
  g_autofree char *path = NULL, *frame = NULL, *msg = NULL;
  gint64 stored;

  team_init (&t);
  stored = cs_test_db_int (t.s, "SELECT count(*) FROM messages");
  path = g_strdup_printf ("/api/rooms/%s/messages", t.room);
  /* json-glib turns \770 into the byte 0xF8: ASan saw has_control_chars
   * read past the end. */
  msg = cs_test_expect_error (t.s, "POST", path, t.alice, "{\"txn_id\":\"a\",\"body\":\"\\770\"}", 400, "bad_request");
  g_assert_nonnull (strstr (msg, "escape"));
  g_free (cs_test_expect_error (t.s, "POST", path, t.alice, "{\"txn_id\":\"b\",\"body\":\"\\udc00\"}", 400, "bad_request"));
  assert_healthy (t.s);

  a = cs_test_ws_connect (t.s, t.alice);
  b = cs_test_ws_connect (t.s, t.bob);
  wait_ready (a);
  wait_ready (b);
  frame = g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"c\",\"body\":\"\\770\"}", t.room);
  cs_test_ws_send (a, frame);
  err = cs_test_ws_wait (a, "error", 3000);
  g_assert_nonnull (err);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (err, "error"), "code"), ==, "bad_request");

  g_assert_cmpint (cs_test_db_int (t.s, "SELECT count(*) FROM messages"), ==, stored);
  assert_healthy (t.s);
  assert_socket_works (&t, b, "after-octal");
  team_clear (&t);
}

static void
test_bidi_labels (void)
{
  Team t;
  g_autoptr(JsonObject) me = NULL, room = NULL;
  g_autofree char *path = NULL, *msg = NULL;

  team_init (&t);
  path = g_strdup_printf ("/api/rooms/%s", t.room);

  msg = cs_test_expect_error (t.s, "POST", "/api/rooms", t.alice,
                              "{\"type\":\"group\",\"name\":\"Pay" RLO "gnp.exe\"}", 400, "bad_request");
  g_assert_nonnull (strstr (msg, "bidirectional"));
  g_free (cs_test_expect_error (t.s, "POST", "/api/rooms", t.alice,
                                "{\"type\":\"group\",\"name\":\"Ok\",\"description\":\"a" LRI "b\"}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PATCH", path, t.alice, "{\"name\":\"" RLO "x\"}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PATCH", path, t.alice, "{\"description\":\"x" RLM "\"}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PATCH", "/api/me", t.bob, "{\"display_name\":\"Bob" RLO "\"}", 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "PATCH", "/api/me", t.bob, "{\"status_text\":\"" LRI "away\"}", 400, "bad_request"));

  /* A message's context label is shown too. */
  {
    g_autofree char *mpath = g_strdup_printf ("/api/rooms/%s/messages", t.room);

    g_free (cs_test_expect_error (t.s, "POST", mpath, t.alice,
                                  "{\"txn_id\":\"ctx\",\"body\":\"hi\",\"context\":"
                                  "{\"entity_type\":\"issue\",\"entity_id\":\"7\",\"label\":\"fix" RLO "\"}}",
                                  400, "bad_request"));
  }

  /* Nothing changed, and right-to-left text itself is welcome. */
  me = cs_test_call (t.s, "GET", "/api/me", t.bob, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (me, "display_name"), ==, "Bob");
  g_clear_pointer (&me, json_object_unref);
  me = cs_test_call (t.s, "PATCH", "/api/me", t.bob, "{\"display_name\":\"\xd7\x91\xd7\x95\xd7\x91\"}", 200);
  g_assert_cmpint (cs_test_db_int (t.s, "SELECT count(*) FROM rooms"), ==, 1);
  room = cs_test_call (t.s, "GET", path, t.alice, NULL, 200);
  assert_healthy (t.s);
  team_clear (&t);
}

static void
test_cli_names (void)
{
  Team t;
  g_autofree char *out = NULL;

  team_init (&t);
  /* The output is read as UTF-8: the error must not echo the bad bytes. */
  g_assert_cmpint (cs_test_cli (t.s, CS_TEST_PASSWORD, &out, "tenant", "create", "bad\xf8",
                                "--admin-email", "x@bad.test", NULL), !=, 0);
  g_assert_nonnull (strstr (out, "not valid"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cs_test_cli (t.s, CS_TEST_PASSWORD, &out, "tenant", "create", "Evil" RLO "corp",
                                "--admin-email", "x@bad.test", NULL), !=, 0);
  g_assert_nonnull (strstr (out, "bidirectional"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cs_test_cli (t.s, CS_TEST_PASSWORD, &out, "user", "add", "--tenant", "acme",
                                "--email", "c\xf8@acme.test", "--name", "Carol", NULL), !=, 0);
  g_assert_nonnull (strstr (out, "not valid"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cs_test_cli (t.s, CS_TEST_PASSWORD, &out, "user", "add", "--tenant", "acme",
                                "--email", "carol@acme.test", "--name", "Carol\xc3", NULL), !=, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cs_test_cli (t.s, CS_TEST_PASSWORD, &out, "user", "add", "--tenant", "acme\xff",
                                "--email", "carol@acme.test", "--name", "Carol", NULL), !=, 0);
  g_assert_nonnull (strstr (out, "not valid UTF-8"));
  g_assert_cmpint (cs_test_db_int (t.s, "SELECT count(*) FROM tenants"), ==, 1);
  g_assert_cmpint (cs_test_db_int (t.s, "SELECT count(*) FROM users WHERE email LIKE 'carol%'"), ==, 0);
  team_clear (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/hostile/deep-json-login", test_deep_json_login);
  g_test_add_func ("/server/hostile/deep-json-ws", test_deep_json_ws);
  g_test_add_func ("/server/hostile/octal-escape", test_octal_escape);
  g_test_add_func ("/server/hostile/bidi-labels", test_bidi_labels);
  g_test_add_func ("/server/hostile/cli-names", test_cli_names);
  return g_test_run ();
}
