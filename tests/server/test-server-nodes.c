/* test-server-nodes.c: two real causerie-server nodes on one PostgreSQL
 * store (CAUSERIE_TEST_STORAGE=postgresql, a private cluster) with a
 * private Redis as their bus, as an organisation runs them (issue 13):
 *
 * - a token from node 1, signed in after node 2 started, works on node 2
 *   (HTTP, WebSocket, upload); forged tokens get 401 on both and a
 *   thousand of them cost node 2 a bounded number of store reads; a
 *   logout on node 1 closes the socket on node 2 and the token then gets
 *   401 there; an expired or revoked session is not found by the look-up;
 * - presence: a user online on node 2 is online for a client of node 1,
 *   and offline only once their last socket on any node closed;
 * - the message rate limit and the sign-in failure limit count the
 *   user's tries on both nodes together.
 *
 * Skipped without PostgreSQL 15 or redis-server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "cs-test.h"
#include "cs-test-services.h"

/* Polls (a hang fails the test's meson timeout, not a threshold). */
#define WAIT_FOR(cond) G_STMT_START { while (!(cond)) cs_test_spin (20); } G_STMT_END

typedef struct {
  CsTestRedis  *redis;
  CsTestServer *a;
  CsTestServer *b;
} Nodes;

static gboolean
bus_up (CsTestServer *s)
{
  return cs_test_metric_value (s, "causerie_bus_up") == 1;
}

/* Node A, then node B on A's database, both on one Redis, with @extra in
 * both configs. FALSE (the test skipped) without Redis. */
static gboolean
nodes_start (Nodes      *n,
             const char *extra)
{
  g_autofree char *why = NULL;
  g_autofree char *config = NULL;
  g_autofree char *shared = NULL;

  if (!cs_test_storage_is_postgresql ())
    {
      g_test_skip ("The nodes share a PostgreSQL store: CAUSERIE_TEST_STORAGE=postgresql (suite postgresql).");
      return FALSE;
    }
  n->redis = cs_test_redis_start (&why);
  if (n->redis == NULL)
    {
      g_test_skip (why);
      return FALSE;
    }
  config = g_strdup_printf ("[bus]\nredis = %s\n[metrics]\nlisten = 127.0.0.1:0\n%s", n->redis->url,
                            extra ? extra : "");
  n->a = cs_test_server_new (config);
  shared = g_strdup_printf ("%s[storage]\npostgresql=%s\n", config, n->a->pg_conninfo);
  n->b = cs_test_server_new (shared);
  WAIT_FOR (bus_up (n->a) && bus_up (n->b));
  return TRUE;
}

static void
nodes_stop (Nodes *n)
{
  g_clear_pointer (&n->b, cs_test_server_free);
  g_clear_pointer (&n->a, cs_test_server_free);
  g_clear_pointer (&n->redis, cs_test_redis_free);
}

static guint
status_of (CsTestServer *s,
           const char   *method,
           const char   *path,
           const char   *token)
{
  guint status = 0;
  JsonNode *node = cs_test_http (s, method, path, token, NULL, &status);

  g_clear_pointer (&node, json_node_unref);
  return status;
}

static guint
upload_status (CsTestServer *s,
               const char   *room,
               const char   *token)
{
  g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", s->base, room);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) up = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static ("notes of the meeting\n", 21);
  g_autoptr(GBytes) reply = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (up), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (up), "Content-Disposition",
                                "attachment; filename=\"notes.txt\"");
  soup_message_set_request_body_from_bytes (up, "text/plain", body);
  reply = soup_session_send_and_read (s->session, up, NULL, NULL);
  return soup_message_get_status (up);
}

/* A token of the right shape that no node issued. */
static char *
forged_token (guint i)
{
  g_autofree char *raw = g_strdup_printf ("forged-%08u-", i);
  GString *t = g_string_new (raw);

  while (t->len < 43)
    g_string_append_c (t, 'x');
  return g_string_free (t, FALSE);
}

typedef struct {
  guint done;
  guint unauthorized;
} Burst;

static void
burst_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Burst *b = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (soup_message_get_status (msg) == 401)
    b->unauthorized++;
  b->done++;
}

/* @n requests carrying @token at once, each on its own connection;
 * returns how many got 401. */
static guint
burst_of (CsTestServer *s,
          const char   *token,
          guint         n)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256, NULL);
  g_autofree char *url = g_strdup_printf ("%s/api/me", s->base);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  Burst b = { 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, burst_cb, &b);
    }
  while (b.done < n)
    g_main_context_iteration (NULL, TRUE);
  return b.unauthorized;
}

/* A token signed in on node A after node B started works on node B: HTTP,
 * WebSocket, upload. Forged tokens get 401 on both; a thousand of them
 * cost node B a bounded number of store reads and it keeps answering.
 * A logout on A closes the socket on B, and the token gets 401 on B. */
static void
test_sessions (void)
{
  Nodes n = { 0 };
  g_autofree char *admin = NULL;
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *room = NULL;
  g_autoptr(CsTestWs) ws_b = NULL;
  g_autoptr(CsTestWs) ws_forged = NULL;
  JsonObject *me;
  gint64 reads_before, reads_after;

  if (!nodes_start (&n, NULL))
    return;
  admin = cs_test_tenant (n.a, "Acme", "admin@acme.test");
  bob = cs_test_user (n.a, "Acme", "bob@acme.test", "Bob", "member", &bob_id);
  room = cs_test_room (n.a, admin, "group", "Plans", bob_id);

  /* Both tokens were issued by A after B started: B knows them from the
   * store. */
  me = cs_test_call (n.b, "GET", "/api/me", bob, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (me, "id"), ==, bob_id);
  json_object_unref (me);
  ws_b = cs_test_ws_connect (n.b, admin);
  g_assert_nonnull (ws_b);
  cs_test_ws_expect (ws_b, "ready", 10000);
  g_assert_cmpuint (upload_status (n.b, room, bob), ==, 201);
  /* An upload as the first request of a token B never saw: it waits for
   * the look-up before a byte is stored. */
  {
    g_autofree char *bob2 = cs_test_login (n.a, "Acme", "bob@acme.test", NULL);
    g_autofree char *f = forged_token (5000);

    g_assert_cmpuint (upload_status (n.b, room, bob2), ==, 201);
    g_assert_cmpuint (upload_status (n.b, room, f), ==, 401);
  }

  /* Forged tokens: 401 on both nodes, HTTP and WebSocket. */
  {
    g_autofree char *f = forged_token (0);

    g_assert_cmpuint (status_of (n.a, "GET", "/api/me", f), ==, 401);
    g_assert_cmpuint (status_of (n.b, "GET", "/api/me", f), ==, 401);
    ws_forged = cs_test_ws_connect (n.b, f);
    g_assert_null (ws_forged);
    g_assert_cmpuint (upload_status (n.b, room, f), ==, 401);
  }
  /* Fifty requests with one forged token at once: one read at most
   * (they wait for the same look-up, or find its answer remembered). */
  {
    g_autofree char *f = forged_token (6000);

    reads_before = cs_test_metric_value (n.b, "causerie_session_lookups_total");
    g_assert_cmpuint (burst_of (n.b, f, 50), ==, 50);
    g_assert_cmpint (cs_test_metric_value (n.b, "causerie_session_lookups_total") - reads_before, <=, 1);
  }
  reads_before = cs_test_metric_value (n.b, "causerie_session_lookups_total");
  for (guint i = 1; i <= 1000; i++)
    {
      g_autofree char *f = forged_token (i);

      g_assert_cmpuint (status_of (n.b, "GET", "/api/rooms", f), ==, 401);
    }
  reads_after = cs_test_metric_value (n.b, "causerie_session_lookups_total");
  /* One address's misses are bounded (cs-http-sessions.c: 20 a minute). */
  g_assert_cmpint (reads_after - reads_before, <=, 20);
  /* Node B still answers, and still knows the real tokens. */
  me = cs_test_call (n.b, "GET", "/api/me", bob, NULL, 200);
  json_object_unref (me);

  /* A logout on A: the admin's socket on B closes, the token is refused
   * on B too, and no look-up finds it again. */
  cs_test_ok (n.a, "POST", "/api/auth/logout", admin, NULL, 204);
  g_assert_cmpuint (cs_test_ws_wait_closed (ws_b, 10000), !=, 0);
  g_assert_cmpuint (status_of (n.b, "GET", "/api/me", admin), ==, 401);
  g_assert_cmpuint (status_of (n.a, "GET", "/api/me", admin), ==, 401);
  g_assert_null (cs_test_ws_connect (n.b, admin));
  /* Bob's session is untouched on B. */
  me = cs_test_call (n.b, "GET", "/api/me", bob, NULL, 200);
  json_object_unref (me);

  nodes_stop (&n);
}

/* The account removed on node A: Bob's socket on node B closes and his
 * token is refused there (it was in B's memory). */
static void
test_account_removed (void)
{
  Nodes n = { 0 };
  g_autofree char *admin = NULL;
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = NULL;
  g_autoptr(CsTestWs) ws_b = NULL;
  JsonObject *me;

  if (!nodes_start (&n, NULL))
    return;
  admin = cs_test_tenant (n.a, "Acme", "admin@acme.test");
  bob = cs_test_user (n.a, "Acme", "bob@acme.test", "Bob", "member", &bob_id);
  me = cs_test_call (n.b, "GET", "/api/me", bob, NULL, 200);
  json_object_unref (me);
  ws_b = cs_test_ws_connect (n.b, bob);
  g_assert_nonnull (ws_b);
  cs_test_ws_expect (ws_b, "ready", 10000);
  {
    g_autofree char *body = g_strdup_printf ("{\"password\":\"%s\"}", CS_TEST_PASSWORD);
    guint status = 0;
    JsonNode *node = cs_test_http (n.a, "DELETE", "/api/me", bob, body, &status);

    g_clear_pointer (&node, json_node_unref);
    g_assert_cmpuint (status / 100, ==, 2);
  }
  g_assert_cmpuint (cs_test_ws_wait_closed (ws_b, 10000), !=, 0);
  g_assert_cmpuint (status_of (n.b, "GET", "/api/me", bob), ==, 401);
  nodes_stop (&n);
}

/* The look-up finds only live sessions: a token B never saw whose
 * session expired, or was revoked in the store without a signal (as
 * the command line's user disable does), gets 401 on B. */
static void
test_expired_revoked (void)
{
  Nodes n = { 0 };
  g_autofree char *admin = NULL;
  g_autofree char *old = NULL;
  g_autofree char *revoked = NULL;
  g_autofree char *live = NULL;
  g_autofree char *old_hash = NULL;
  g_autofree char *revoked_hash = NULL;
  g_autofree char *sql = NULL;
  JsonObject *me;

  if (!nodes_start (&n, NULL))
    return;
  admin = cs_test_tenant (n.a, "Acme", "admin@acme.test");
  old = cs_test_login (n.a, "Acme", "admin@acme.test", NULL);
  revoked = cs_test_login (n.a, "Acme", "admin@acme.test", NULL);
  live = cs_test_login (n.a, "Acme", "admin@acme.test", NULL);
  old_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, old, -1);
  revoked_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, revoked, -1);
  sql = g_strdup_printf ("UPDATE sessions SET expires_at = 1 WHERE token_hash = '%s';"
                         "UPDATE sessions SET revoked_at = 1 WHERE token_hash = '%s'", old_hash, revoked_hash);
  cs_test_db_exec (n.a, sql);
  g_assert_cmpuint (status_of (n.b, "GET", "/api/me", old), ==, 401);
  g_assert_cmpuint (status_of (n.b, "GET", "/api/me", revoked), ==, 401);
  me = cs_test_call (n.b, "GET", "/api/me", live, NULL, 200);
  json_object_unref (me);
  nodes_stop (&n);
}

/* The status /api/presence on @s gives @user_id. */
static char *
presence_of (CsTestServer *s,
             const char   *token,
             const char   *user_id)
{
  JsonObject *reply = cs_test_call (s, "GET", "/api/presence", token, NULL, 200);
  JsonArray *list = json_object_get_array_member (reply, "presence");
  char *status = NULL;

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *p = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (p, "user_id"), user_id))
        status = g_strdup (json_object_get_string_member (p, "status"));
    }
  json_object_unref (reply);
  return status;
}

static gboolean
presence_is (CsTestServer *s,
             const char   *token,
             const char   *user_id,
             const char   *status)
{
  g_autofree char *got = presence_of (s, token, user_id);

  return g_strcmp0 (got, status) == 0;
}

/* Waits for a presence frame about @user_id saying @status. */
static void
expect_presence (CsTestWs   *ws,
                 const char *user_id,
                 const char *status)
{
  for (;;)
    {
      JsonObject *f = cs_test_ws_wait (ws, "presence", 20000);
      gboolean match;

      g_assert_nonnull (f);
      match = g_str_equal (json_object_get_string_member (f, "user_id"), user_id) &&
              g_str_equal (json_object_get_string_member (f, "status"), status);
      json_object_unref (f);
      if (match)
        return;
    }
}

/* No presence frame about @user_id saying @status among those received. */
static void
no_presence_yet (CsTestWs   *ws,
                 const char *user_id,
                 const char *status)
{
  JsonObject *f;

  while ((f = cs_test_ws_next (ws, 50)))
    {
      if (g_str_equal (json_object_get_string_member (f, "type"), "presence") &&
          g_str_equal (json_object_get_string_member (f, "user_id"), user_id))
        g_assert_cmpstr (json_object_get_string_member (f, "status"), !=, status);
      json_object_unref (f);
    }
}

/* Bob online on node B is online for Alice on node A; with sockets on
 * both nodes he goes offline only when the last one closes; when node B
 * dies with his only socket, node A says offline once B's word on him
 * expired. */
static void
test_presence (void)
{
  Nodes n = { 0 };
  g_autofree char *alice = NULL;
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = NULL;
  g_autoptr(CsTestWs) watcher = NULL;
  CsTestWs *bob_b, *bob_a;

  if (!nodes_start (&n, "[websocket]\noffline_delay_ms = 500\n[bus]\npresence_ttl_seconds = 3\n"))
    return;
  alice = cs_test_tenant (n.a, "Acme", "alice@acme.test");
  bob = cs_test_user (n.a, "Acme", "bob@acme.test", "Bob", "member", &bob_id);
  watcher = cs_test_ws_connect (n.a, alice);
  g_assert_nonnull (watcher);
  cs_test_ws_expect (watcher, "ready", 10000);

  /* Bob on node B: online for Alice's socket and in /api/presence on A. */
  bob_b = cs_test_ws_connect (n.b, bob);
  g_assert_nonnull (bob_b);
  expect_presence (watcher, bob_id, "online");
  WAIT_FOR (presence_is (n.a, alice, bob_id, "online"));

  /* Bob on both nodes; his socket on B closes: still online everywhere. */
  bob_a = cs_test_ws_connect (n.a, bob);
  g_assert_nonnull (bob_a);
  cs_test_ws_expect (bob_a, "ready", 10000);
  /* Node A tells the other nodes (and its sockets) that Bob is online
   * there too, though his status did not change. */
  expect_presence (watcher, bob_id, "online");
  cs_test_ws_free (bob_b);
  WAIT_FOR (cs_test_metric_value (n.b, "causerie_ws_connections") == 0);
  cs_test_spin (2000);   /* four times B's offline delay */
  g_assert_true (presence_is (n.a, alice, bob_id, "online"));
  g_assert_true (presence_is (n.b, alice, bob_id, "online"));
  no_presence_yet (watcher, bob_id, "offline");

  /* His last socket closes: offline, told to Alice, on both nodes. */
  cs_test_ws_free (bob_a);
  expect_presence (watcher, bob_id, "offline");
  WAIT_FOR (presence_is (n.b, alice, bob_id, "offline"));
  g_assert_true (presence_is (n.a, alice, bob_id, "offline"));

  /* Bob on node B again, then node B dies: node A does not keep him
   * online for ever. */
  bob_b = cs_test_ws_connect (n.b, bob);
  g_assert_nonnull (bob_b);
  expect_presence (watcher, bob_id, "online");
  WAIT_FOR (presence_is (n.a, alice, bob_id, "online"));
  cs_test_server_stop (n.b, TRUE);
  expect_presence (watcher, bob_id, "offline");
  g_assert_true (presence_is (n.a, alice, bob_id, "offline"));
  cs_test_ws_free (bob_b);
  nodes_stop (&n);
}

/* Bob's messages spread over both nodes are limited at the burst, not
 * twice it: each node's bucket is drained by what the other took. */
static void
test_message_rate (void)
{
  Nodes n = { 0 };
  g_autofree char *alice = NULL;
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *room = NULL;
  g_autofree char *path = NULL;
  guint accepted = 0, limited = 0;

  /* One message a minute after a burst of 8: nothing refills meanwhile. */
  if (!nodes_start (&n, "[limits]\nmessages_per_minute = 1\nmessage_burst = 8\n"))
    return;
  alice = cs_test_tenant (n.a, "Acme", "alice@acme.test");
  bob = cs_test_user (n.a, "Acme", "bob@acme.test", "Bob", "member", &bob_id);
  room = cs_test_room (n.a, alice, "group", "Plans", bob_id);
  path = g_strdup_printf ("/api/rooms/%s/messages", room);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"rate-%u\",\"body\":\"message %u\"}", i, i);
      guint status = 0;
      JsonNode *node = cs_test_http (i % 2 ? n.b : n.a, "POST", path, bob, body, &status);

      g_clear_pointer (&node, json_node_unref);
      if (status == 201)
        accepted++;
      else
        {
          g_assert_cmpuint (status, ==, 429);
          limited++;
        }
    }
  /* The burst, and at most what one node takes before its count comes
   * back from Redis (the README's tolerance), never the 16 two separate
   * buckets would give. */
  g_test_message ("%u of 20 accepted", accepted);
  g_assert_cmpuint (accepted, >=, 8);
  g_assert_cmpuint (accepted, <=, 10);
  g_assert_cmpuint (limited, ==, 20 - accepted);
  nodes_stop (&n);
}

/* Wrong passwords for one account, alternately on both nodes: past
 * login_failures_per_account in all, the next try is refused with 429 on
 * either node, even with the right password. */
static void
test_login_failures (void)
{
  Nodes n = { 0 };
  g_autofree char *admin = NULL;
  g_autofree char *wrong = g_strdup ("{\"tenant\":\"Acme\",\"email\":\"admin@acme.test\",\"password\":\"not the one\"}");
  g_autofree char *right = g_strdup_printf ("{\"tenant\":\"Acme\",\"email\":\"admin@acme.test\",\"password\":\"%s\"}",
                                            CS_TEST_PASSWORD);

  if (!nodes_start (&n, "[security]\nlogin_failures_per_account = 4\n"))
    return;
  admin = cs_test_tenant (n.a, "Acme", "admin@acme.test");
  for (guint i = 0; i < 4; i++)
    {
      guint status = 0;
      JsonNode *node = cs_test_http (i % 2 ? n.b : n.a, "POST", "/api/auth/login", NULL, wrong, &status);

      g_clear_pointer (&node, json_node_unref);
      g_assert_cmpuint (status, ==, 401);
    }
  /* Each node saw two: alone, neither would refuse. */
  g_free (cs_test_expect_error (n.a, "POST", "/api/auth/login", NULL, right, 429, "rate_limited"));
  g_free (cs_test_expect_error (n.b, "POST", "/api/auth/login", NULL, right, 429, "rate_limited"));
  nodes_stop (&n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nodes/sessions", test_sessions);
  g_test_add_func ("/nodes/account-removed", test_account_removed);
  g_test_add_func ("/nodes/expired-revoked", test_expired_revoked);
  g_test_add_func ("/nodes/presence", test_presence);
  g_test_add_func ("/nodes/message-rate", test_message_rate);
  g_test_add_func ("/nodes/login-failures", test_login_failures);
  return g_test_run ();
}
