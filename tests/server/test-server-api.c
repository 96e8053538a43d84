/* test-server-api.c: the REST API of the real causerie-server: each
 * endpoint's success and failure paths, bad input, tenant isolation.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <string.h>

static const char *
str (JsonObject *o, const char *m)
{
  return json_object_get_string_member (o, m);
}

static void
test_health_and_metrics (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[metrics]\nlisten=127.0.0.1:0\n");
  guint status = 0;
  g_autoptr(JsonNode) health = cs_test_http (s, "GET", "/healthz", NULL, NULL, &status);
  g_autofree char *metrics = NULL;

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_node_get_string (health), ==, "ok\n");
  metrics = cs_test_metrics (s);
  g_assert_nonnull (strstr (metrics, "causerie_db_commits_total"));
  g_assert_nonnull (strstr (metrics, "process_resident_memory_bytes"));
  /* Only on the metrics listener. */
  g_free (cs_test_expect_error (s, "GET", "/metrics", NULL, NULL, 404, "not_found"));
  g_free (cs_test_expect_error (s, "GET", "/api/nothing-here", NULL, NULL, 404, "not_found"));
}

static void
test_login (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[security]\nlogin_failures_per_account=3\n");
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *wrong = NULL, *unknown = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(JsonObject) audit = NULL;
  guint status = 0;
  g_autoptr(JsonNode) limited = NULL;

  me = cs_test_call (s, "GET", "/api/me", admin, NULL, 200);
  g_assert_cmpstr (str (me, "email"), ==, "boss@acme.test");
  g_assert_cmpstr (str (me, "role"), ==, "admin");

  /* Unknown email and wrong password answer the same. */
  wrong = cs_test_expect_error (s, "POST", "/api/auth/login", NULL,
                                "{\"tenant\":\"acme\",\"email\":\"boss@acme.test\",\"password\":\"nope nope\"}",
                                401, "unauthorized");
  unknown = cs_test_expect_error (s, "POST", "/api/auth/login", NULL,
                                  "{\"tenant\":\"acme\",\"email\":\"ghost@acme.test\",\"password\":\"nope nope\"}",
                                  401, "unauthorized");
  g_assert_cmpstr (wrong, ==, unknown);

  /* The third failure for the account closes it for a while, even with the right password. */
  g_free (cs_test_expect_error (s, "POST", "/api/auth/login", NULL,
                                "{\"tenant\":\"acme\",\"email\":\"boss@acme.test\",\"password\":\"nope again\"}",
                                401, "unauthorized"));
  g_free (cs_test_expect_error (s, "POST", "/api/auth/login", NULL,
                                "{\"tenant\":\"acme\",\"email\":\"boss@acme.test\",\"password\":\"third time\"}",
                                401, "unauthorized"));
  limited = cs_test_http (s, "POST", "/api/auth/login", NULL,
                          "{\"tenant\":\"acme\",\"email\":\"boss@acme.test\",\"password\":\"" CS_TEST_PASSWORD "\"}",
                          &status);
  g_assert_cmpuint (status, ==, 429);

  audit = cs_test_call (s, "GET", "/api/admin/audit?action=auth.login_failed", admin, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (audit, "entries")), >=, 2);
}

static void
test_bad_input (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[limits]\njson_body_bytes=4096\n");
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *big = NULL;
  g_autofree char *msg = NULL;
  g_autoptr(JsonObject) rooms = NULL;

  /* Forged, absent and malformed tokens. */
  g_free (cs_test_expect_error (s, "GET", "/api/me", NULL, NULL, 401, "unauthorized"));
  g_free (cs_test_expect_error (s, "GET", "/api/me", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, 401, "unauthorized"));
  g_free (cs_test_expect_error (s, "GET", "/api/me", "not-a-token", NULL, 401, "unauthorized"));

  /* Malformed JSON, wrong types, empty body, not an object, oversize. */
  msg = cs_test_expect_error (s, "POST", "/api/rooms", admin, "{\"type\": \"group\", ", 400, "bad_request");
  g_assert_nonnull (strstr (msg, "JSON"));
  g_free (cs_test_expect_error (s, "POST", "/api/rooms", admin, "{\"type\":\"group\",\"name\":42}", 400, "bad_request"));
  g_free (cs_test_expect_error (s, "POST", "/api/rooms", admin, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (s, "POST", "/api/rooms", admin, "[1,2]", 400, "bad_request"));
  g_free (cs_test_expect_error (s, "POST", "/api/rooms", admin, "{\"type\":\"palace\",\"name\":\"x\"}", 400, "bad_request"));
  g_free (cs_test_expect_error (s, "POST", "/api/rooms", admin, "{\"type\":\"group\",\"name\":\"   \"}", 400, "bad_request"));
  big = g_strdup_printf ("{\"type\":\"group\",\"name\":\"%0*d\"}", 8000, 7);
  g_free (cs_test_expect_error (s, "POST", "/api/rooms", admin, big, 413, "payload_too_large"));

  /* None of it created anything. */
  rooms = cs_test_call (s, "GET", "/api/rooms", admin, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rooms, "rooms")), ==, 0);
}

static void
test_users_and_admin (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob Dupont", "member", &bob_id);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) users = NULL;
  g_autoptr(JsonObject) patched = NULL;

  g_free (cs_test_expect_error (s, "POST", "/api/admin/users", bob,
                                "{\"email\":\"eve@acme.test\",\"display_name\":\"Eve\",\"password\":\"long enough\",\"role\":\"admin\"}",
                                403, "forbidden"));
  created = cs_test_call (s, "POST", "/api/admin/users", admin,
                          "{\"email\":\"Carla@Acme.test\",\"display_name\":\"Carla\",\"password\":\"long enough\",\"role\":\"guest\"}", 201);
  g_assert_cmpstr (str (created, "email"), ==, "carla@acme.test");
  g_assert_cmpstr (str (created, "role"), ==, "guest");
  g_free (cs_test_expect_error (s, "POST", "/api/admin/users", admin,
                                "{\"email\":\"carla@acme.test\",\"display_name\":\"Carla 2\",\"password\":\"long enough\"}",
                                409, "conflict"));
  g_free (cs_test_expect_error (s, "POST", "/api/admin/users", admin,
                                "{\"email\":\"dan@acme.test\",\"display_name\":\"Dan\",\"password\":\"short\"}",
                                400, "bad_request"));

  users = cs_test_call (s, "GET", "/api/users?q=dup", bob, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (users, "users")), ==, 1);
  patched = cs_test_call (s, "PATCH", "/api/me", bob, "{\"display_name\":\"Bob D.\",\"status_text\":\"On holiday\"}", 200);
  g_assert_cmpstr (str (patched, "display_name"), ==, "Bob D.");
  g_assert_cmpstr (str (patched, "status_text"), ==, "On holiday");

  /* Logging out revokes the token. */
  cs_test_ok (s, "POST", "/api/auth/logout", bob, NULL, 204);
  g_free (cs_test_expect_error (s, "GET", "/api/me", bob, NULL, 401, "unauthorized"));
}

static void
test_rooms_and_roles (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[policy]\nforbid_direct=guest:admin\n");
  g_autofree char *admin_id = NULL;
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *bob_id = NULL, *carl_id = NULL, *gina_id = NULL;
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob", "member", &bob_id);
  g_autofree char *carl = cs_test_user (s, "acme", "carl@acme.test", "Carl", "member", &carl_id);
  g_autofree char *gina = cs_test_user (s, "acme", "gina@acme.test", "Gina", "guest", &gina_id);
  g_autofree char *room = NULL;
  g_autofree char *path = NULL, *mpath = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) members = NULL;
  g_autoptr(JsonObject) d1 = NULL, d2 = NULL, disc = NULL, joined = NULL, audit = NULL;

  g_autoptr(JsonObject) me = cs_test_call (s, "GET", "/api/me", admin, NULL, 200);
  admin_id = g_strdup (str (me, "id"));

  room = cs_test_room (s, bob, "group", "Budget", carl_id);
  path = g_strdup_printf ("/api/rooms/%s/members", room);
  members = cs_test_call (s, "GET", path, bob, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (members, "members")), ==, 2);

  /* Carl (member) cannot promote; the owner can; nobody but an owner touches the owner. */
  mpath = g_strdup_printf ("/api/rooms/%s/members/%s", room, carl_id);
  g_free (cs_test_expect_error (s, "PATCH", mpath, carl, "{\"role\":\"admin\"}", 403, "forbidden"));
  cs_test_ok (s, "PATCH", mpath, bob, "{\"role\":\"admin\"}", 204);
  g_free (path);
  path = g_strdup_printf ("/api/rooms/%s/members/%s", room, bob_id);
  g_free (cs_test_expect_error (s, "DELETE", path, carl, NULL, 403, "forbidden"));
  /* The last owner cannot leave without handing over. */
  g_free (cs_test_expect_error (s, "DELETE", path, bob, NULL, 409, "conflict"));

  /* Outsiders see nothing; unknown users are refused. */
  g_free (path);
  path = g_strdup_printf ("/api/rooms/%s", room);
  g_free (cs_test_expect_error (s, "GET", path, admin, NULL, 404, "not_found"));
  g_free (path);
  path = g_strdup_printf ("/api/rooms/%s/members", room);
  g_free (cs_test_expect_error (s, "POST", path, bob, "{\"user_id\":\"no-such-user\"}", 404, "not_found"));
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", gina_id);
  g_free (cs_test_expect_error (s, "POST", path, gina, body, 404, "not_found"));
  cs_test_ok (s, "POST", path, carl, body, 201);
  g_free (cs_test_expect_error (s, "POST", path, carl, body, 409, "conflict"));

  /* Guests cannot create rooms, nor (by policy) open a direct room with an admin. */
  g_free (cs_test_expect_error (s, "POST", "/api/rooms", gina, "{\"type\":\"group\",\"name\":\"x\"}", 403, "forbidden"));
  g_free (body);
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", admin_id);
  g_free (cs_test_expect_error (s, "POST", "/api/rooms/direct", gina, body, 403, "forbidden"));
  audit = cs_test_call (s, "GET", "/api/admin/audit?action=forbidden_attempt", admin, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (audit, "entries")), >=, 3);

  /* One direct room per pair. */
  g_free (body);
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", carl_id);
  d1 = cs_test_call (s, "POST", "/api/rooms/direct", bob, body, 201);
  g_free (body);
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", bob_id);
  d2 = cs_test_call (s, "POST", "/api/rooms/direct", carl, body, 200);
  g_assert_cmpstr (str (d1, "id"), ==, str (d2, "id"));
  g_assert_cmpstr (str (d1, "name"), ==, "Carl");
  g_assert_cmpstr (str (d2, "name"), ==, "Bob");

  /* Public channels are discoverable and joinable; archived rooms are read-only. */
  {
    g_autofree char *chan = cs_test_room (s, admin, "channel", "announcements", NULL);
    g_autofree char *join = g_strdup_printf ("/api/rooms/%s/join", chan);
    g_autofree char *msgs = g_strdup_printf ("/api/rooms/%s/messages", chan);
    g_autofree char *rpath = g_strdup_printf ("/api/rooms/%s", chan);

    disc = cs_test_call (s, "GET", "/api/rooms/discover", bob, NULL, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (disc, "rooms")), ==, 1);
    joined = cs_test_call (s, "POST", join, bob, NULL, 200);
    g_assert_cmpstr (str (joined, "my_role"), ==, "member");
    g_free (cs_test_expect_error (s, "PATCH", rpath, bob, "{\"is_archived\":true}", 403, "forbidden"));
    cs_test_ok (s, "PATCH", rpath, admin, "{\"is_archived\":true,\"description\":\"Old news\"}", 200);
    g_free (cs_test_expect_error (s, "POST", msgs, bob, "{\"txn_id\":\"a1\",\"body\":\"hi\"}", 403, "forbidden"));
  }
}

static void
test_messages (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *bob_id = NULL, *carl_id = NULL;
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob Martin", "member", &bob_id);
  g_autofree char *carl = cs_test_user (s, "acme", "carl@acme.test", "Carl", "member", &carl_id);
  g_autofree char *room = cs_test_room (s, bob, "group", "Ops", carl_id);
  g_autofree char *msgs = g_strdup_printf ("/api/rooms/%s/messages", room);
  g_autofree char *read = g_strdup_printf ("/api/rooms/%s/read", room);
  g_autoptr(JsonObject) first = NULL, again = NULL, page = NULL, older = NULL, notes = NULL;
  g_autoptr(JsonObject) edited = NULL, found = NULL, carl_room = NULL, members = NULL;
  g_autofree char *mpath = NULL, *dpath = NULL;
  JsonArray *mentions;
  JsonObject *mention;

  first = cs_test_call (s, "POST", msgs, bob, "{\"txn_id\":\"t-1\",\"body\":\"  Hi @Carl, see the invoice  \"}", 201);
  g_assert_cmpstr (str (first, "body"), ==, "Hi @Carl, see the invoice");
  g_assert_cmpstr (str (first, "txn_id"), ==, "t-1");
  mentions = json_object_get_array_member (first, "mentions");
  g_assert_cmpuint (json_array_get_length (mentions), ==, 1);
  mention = json_array_get_object_element (mentions, 0);
  g_assert_cmpstr (str (mention, "id"), ==, carl_id);
  g_assert_cmpint (json_object_get_int_member (mention, "start"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (mention, "end"), ==, 8);

  /* The same txn_id again: the first message, not a second one. */
  again = cs_test_call (s, "POST", msgs, bob, "{\"txn_id\":\"t-1\",\"body\":\"Hi @Carl, see the invoice\"}", 200);
  g_assert_cmpstr (str (again, "id"), ==, str (first, "id"));

  for (int i = 0; i < 7; i++)
    {
      g_autofree char *b = g_strdup_printf ("{\"txn_id\":\"p-%d\",\"body\":\"line %d\"}", i, i);
      g_autoptr(JsonObject) m = cs_test_call (s, "POST", msgs, carl, b, 201);
      g_assert_null (json_object_get_member (m, "txn_id") ? NULL : NULL);
    }
  /* Newest page, then the one before it; always ascending. */
  g_free (mpath);
  mpath = g_strdup_printf ("%s?limit=5", msgs);
  page = cs_test_call (s, "GET", mpath, carl, NULL, 200);
  g_assert_true (json_object_get_boolean_member (page, "has_more"));
  {
    JsonArray *a = json_object_get_array_member (page, "messages");
    gint64 first_seq = json_object_get_int_member (json_array_get_object_element (a, 0), "seq");
    g_autofree char *before = g_strdup_printf ("%s?before=%" G_GINT64_FORMAT "&limit=5", msgs, first_seq);

    g_assert_cmpuint (json_array_get_length (a), ==, 5);
    g_assert_cmpstr (str (json_array_get_object_element (a, 4), "body"), ==, "line 6");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a, 1), "seq"), >, first_seq);
    /* The txn_id is the sender's own: Carl does not see Bob's. */
    older = cs_test_call (s, "GET", before, carl, NULL, 200);
    a = json_object_get_array_member (older, "messages");
    g_assert_false (json_object_get_boolean_member (older, "has_more"));
    for (guint i = 0; i < json_array_get_length (a); i++)
      if (g_strcmp0 (str (json_array_get_object_element (a, i), "id"), str (first, "id")) == 0)
        g_assert_false (json_object_has_member (json_array_get_object_element (a, i), "txn_id"));
  }
  g_free (cs_test_expect_error (s, "GET", "/api/rooms/nope/messages", bob, NULL, 404, "not_found"));
  g_free (cs_test_expect_error (s, "GET", mpath, admin, NULL, 404, "not_found"));
  g_free (mpath);
  mpath = g_strdup_printf ("%s?limit=0", msgs);
  g_free (cs_test_expect_error (s, "GET", mpath, bob, NULL, 400, "bad_request"));

  /* Carl was mentioned: a notification, and a mention badge. */
  g_free (cs_test_expect_error (s, "GET", "/api/notifications?unread=maybe", carl, NULL, 400, "bad_request"));
  notes = cs_test_call (s, "GET", "/api/notifications?unread=true", carl, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (notes, "notifications")), ==, 1);
  g_assert_cmpstr (str (json_array_get_object_element (json_object_get_array_member (notes, "notifications"), 0), "type"),
                   ==, "mention");
  g_free (mpath);
  mpath = g_strdup_printf ("/api/rooms/%s", room);
  carl_room = cs_test_call (s, "GET", mpath, carl, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (carl_room, "mention_count"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (carl_room, "unread_count"), ==, 1);

  /* Edits: the sender only; deletes: the sender or a room admin. */
  dpath = g_strdup_printf ("/api/messages/%s", str (first, "id"));
  g_free (cs_test_expect_error (s, "PATCH", dpath, carl, "{\"body\":\"hacked\"}", 403, "forbidden"));
  edited = cs_test_call (s, "PATCH", dpath, bob, "{\"body\":\"Hi @Carl, see the corrected invoice\"}", 200);
  g_assert_nonnull (str (edited, "edited_at"));
  found = cs_test_call (s, "GET", "/api/search?q=corrected%20invo", carl, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (found, "messages")), ==, 1);
  g_clear_pointer (&found, json_object_unref);
  found = cs_test_call (s, "GET", "/api/search?q=corrected", admin, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (found, "messages")), ==, 0);
  g_free (cs_test_expect_error (s, "DELETE", dpath, carl, NULL, 403, "forbidden"));
  cs_test_ok (s, "DELETE", dpath, bob, NULL, 204);
  g_free (cs_test_expect_error (s, "PATCH", dpath, bob, "{\"body\":\"back\"}", 409, "conflict"));
  g_clear_pointer (&found, json_object_unref);
  found = cs_test_call (s, "GET", "/api/search?q=corrected", carl, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (found, "messages")), ==, 0);

  /* Read watermarks only move forward. */
  cs_test_ok (s, "POST", read, carl, "{\"up_to_seq\":1000000}", 204);
  cs_test_ok (s, "POST", read, carl, "{\"up_to_seq\":1}", 204);
  g_free (mpath);
  mpath = g_strdup_printf ("/api/rooms/%s/members", room);
  members = cs_test_call (s, "GET", mpath, bob, NULL, 200);
  {
    JsonArray *a = json_object_get_array_member (members, "members");
    gint64 last = json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (page, "messages"), 4), "seq");

    for (guint i = 0; i < json_array_get_length (a); i++)
      {
        JsonObject *m = json_array_get_object_element (a, i);
        if (g_strcmp0 (str (json_object_get_object_member (m, "user"), "id"), carl_id) == 0)
          g_assert_cmpint (json_object_get_int_member (m, "last_read_seq"), ==, last);
      }
  }
  g_free (cs_test_expect_error (s, "POST", read, carl, "{\"up_to_seq\":\"soon\"}", 400, "bad_request"));
}

static void
test_tenant_isolation (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *a = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *b = cs_test_tenant (s, "globex", "boss@globex.test");
  g_autofree char *a_bob_id = NULL;
  g_autofree char *a_bob = cs_test_user (s, "acme", "bob@acme.test", "Bob", "member", &a_bob_id);
  g_autofree char *room = cs_test_room (s, a, "channel", "secrets", NULL);
  g_autofree char *p = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) users = NULL, msg = NULL, found = NULL, disc = NULL;

  msg = cs_test_call (s, "POST", p = g_strdup_printf ("/api/rooms/%s/messages", room), a,
                      "{\"txn_id\":\"x\",\"body\":\"quarterly numbers\"}", 201);
  /* Another tenant's ids behave as unknown ids. */
  g_free (cs_test_expect_error (s, "GET", p, b, NULL, 404, "not_found"));
  g_free (cs_test_expect_error (s, "POST", p, b, "{\"txn_id\":\"y\",\"body\":\"hi\"}", 404, "not_found"));
  g_free (p);
  p = g_strdup_printf ("/api/rooms/%s/join", room);
  g_free (cs_test_expect_error (s, "POST", p, b, NULL, 404, "not_found"));
  g_free (p);
  p = g_strdup_printf ("/api/messages/%s", str (msg, "id"));
  g_free (cs_test_expect_error (s, "DELETE", p, b, NULL, 404, "not_found"));
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", a_bob_id);
  g_free (cs_test_expect_error (s, "POST", "/api/rooms/direct", b, body, 404, "not_found"));
  users = cs_test_call (s, "GET", "/api/users", b, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (users, "users")), ==, 1);
  found = cs_test_call (s, "GET", "/api/search?q=quarterly", b, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (found, "messages")), ==, 0);
  disc = cs_test_call (s, "GET", "/api/rooms/discover", b, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (disc, "rooms")), ==, 0);
  (void) a_bob;
}

static void
test_export_and_delete (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob", "member", &bob_id);
  g_autofree char *room = cs_test_room (s, admin, "group", "Team", bob_id);
  g_autofree char *p = g_strdup_printf ("/api/rooms/%s/messages", room);
  g_autoptr(JsonObject) exported = NULL, page = NULL, audit = NULL;
  JsonArray *a;

  cs_test_ok (s, "POST", p, bob, "{\"txn_id\":\"1\",\"body\":\"my words\"}", 201);
  exported = cs_test_call (s, "GET", "/api/me/export", bob, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (exported, "messages")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (exported, "memberships")), ==, 1);

  g_free (cs_test_expect_error (s, "DELETE", "/api/me", bob, "{\"password\":\"wrong one\"}", 403, "forbidden"));
  cs_test_ok (s, "DELETE", "/api/me", bob, "{\"password\":\"" CS_TEST_PASSWORD "\"}", 204);
  g_free (cs_test_expect_error (s, "GET", "/api/me", bob, NULL, 401, "unauthorized"));
  /* The messages stay, shown as from a deleted user. */
  page = cs_test_call (s, "GET", p, admin, NULL, 200);
  a = json_object_get_array_member (page, "messages");
  {
    gboolean seen = FALSE;
    for (guint i = 0; i < json_array_get_length (a); i++)
      {
        JsonObject *m = json_array_get_object_element (a, i);
        if (g_strcmp0 (str (m, "body"), "my words") == 0)
          {
            seen = TRUE;
            g_assert_cmpstr (str (json_object_get_object_member (m, "sender"), "display_name"), ==, "Deleted user");
          }
      }
    g_assert_true (seen);
  }
  audit = cs_test_call (s, "GET", "/api/admin/audit?action=account.delete", admin, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (audit, "entries")), ==, 1);
}

/* Expired sessions are removed from the database by the periodic sweep;
 * live ones stay and keep working. */
static void
test_session_sweep (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[attachments]\nsweep_interval_seconds=1\n");
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autoptr(JsonObject) me = NULL;
  const char *expired = "SELECT COUNT(*) FROM sessions WHERE expires_at <= 2000";
  gint64 deadline;

  cs_test_server_stop (s, FALSE);
  cs_test_db_exec (s, "INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at)"
                      " SELECT 'expired-1', user_id, tenant_id, 1000, 2000 FROM sessions LIMIT 1;"
                      "INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at, revoked_at)"
                      " SELECT 'expired-2', user_id, tenant_id, 1000, 2000, 1500 FROM sessions LIMIT 1;");
  g_assert_cmpint (cs_test_db_int (s, expired), ==, 2);
  cs_test_server_start (s);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (cs_test_db_int (s, expired) > 0 && g_get_monotonic_time () < deadline)
    cs_test_spin (200);
  g_assert_cmpint (cs_test_db_int (s, expired), ==, 0);
  g_assert_cmpint (cs_test_db_int (s, "SELECT COUNT(*) FROM sessions WHERE expires_at > 2000"), ==, 1);
  me = cs_test_call (s, "GET", "/api/me", admin, NULL, 200);
  g_assert_cmpstr (str (me, "email"), ==, "boss@acme.test");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/http/health-metrics", test_health_and_metrics);
  g_test_add_func ("/server/auth/login", test_login);
  g_test_add_func ("/server/http/bad-input", test_bad_input);
  g_test_add_func ("/server/users/admin", test_users_and_admin);
  g_test_add_func ("/server/rooms/roles", test_rooms_and_roles);
  g_test_add_func ("/server/messages/lifecycle", test_messages);
  g_test_add_func ("/server/tenants/isolation", test_tenant_isolation);
  g_test_add_func ("/server/privacy/export-delete", test_export_and_delete);
  g_test_add_func ("/server/auth/session-sweep", test_session_sweep);
  return g_test_run ();
}
