/* test-server-nodes.c: two real causerie-server nodes on one PostgreSQL
 * store (CAUSERIE_TEST_STORAGE=postgresql, a private cluster) with a
 * private Redis as their bus, as an organisation runs them (issue 13):
 *
 * - a token from node 1, signed in after node 2 started, works on node 2
 *   (HTTP, WebSocket, upload); forged tokens get 401 on both and a
 *   thousand of them cost node 2 a bounded number of store reads; a
 *   logout on node 1 closes the socket on node 2 and the token then gets
 *   401 there;
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

static gint64
metric_value (CsTestServer *s,
              const char   *name)
{
  g_autofree char *text = cs_test_metrics (s);
  g_autofree char *needle = g_strdup_printf ("\n%s ", name);
  const char *p = strstr (text, needle);

  g_assert_nonnull (p);
  return g_ascii_strtoll (p + strlen (needle), NULL, 10);
}

static gboolean
bus_up (CsTestServer *s)
{
  return metric_value (s, "causerie_bus_up") == 1;
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

  /* Forged tokens: 401 on both nodes, HTTP and WebSocket. */
  {
    g_autofree char *f = forged_token (0);

    g_assert_cmpuint (status_of (n.a, "GET", "/api/me", f), ==, 401);
    g_assert_cmpuint (status_of (n.b, "GET", "/api/me", f), ==, 401);
    ws_forged = cs_test_ws_connect (n.b, f);
    g_assert_null (ws_forged);
    g_assert_cmpuint (upload_status (n.b, room, f), ==, 401);
  }
  reads_before = metric_value (n.b, "causerie_session_lookups_total");
  for (guint i = 1; i <= 1000; i++)
    {
      g_autofree char *f = forged_token (i);

      g_assert_cmpuint (status_of (n.b, "GET", "/api/rooms", f), ==, 401);
    }
  reads_after = metric_value (n.b, "causerie_session_lookups_total");
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nodes/sessions", test_sessions);
  g_test_add_func ("/nodes/account-removed", test_account_removed);
  return g_test_run ();
}
