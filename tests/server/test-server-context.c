/* test-server-context.c: business contexts (API.md, "Business context"):
 * the rules of a context on rooms and messages, messages that cite one
 * (stored, returned, live and replayed), and GET /api/context/{type}/{id}
 * among what the caller may see only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <sqlite3.h>

#include <string.h>

#define DEAL "{\"entity_type\":\"crm.deal\",\"entity_id\":\"D-42\",\"label\":\"ACME renewal\"," \
             "\"url\":\"https://crm.example/deals/42\"}"

static const char *
str (JsonObject *o,
     const char *member)
{
  return json_object_get_string_member (o, member);
}

static char *
room_with_context (CsTestServer *s,
                   const char   *token,
                   const char   *name,
                   const char   *member_id,
                   const char   *context)
{
  g_autofree char *body = member_id
    ? g_strdup_printf ("{\"type\":\"group\",\"name\":\"%s\",\"member_ids\":[\"%s\"],\"context\":%s}", name, member_id, context)
    : g_strdup_printf ("{\"type\":\"group\",\"name\":\"%s\",\"context\":%s}", name, context);
  g_autoptr(JsonObject) room = cs_test_call (s, "POST", "/api/rooms", token, body, 201);

  return g_strdup (str (room, "id"));
}

static JsonObject *
send_cited (CsTestServer *s,
            const char   *token,
            const char   *room,
            const char   *txn,
            const char   *text,
            const char   *context)
{
  g_autofree char *path = cs_test_printf_path ("/api/rooms/%s/messages", room);
  g_autofree char *body = context
    ? g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"%s\",\"context\":%s}", txn, text, context)
    : g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"%s\"}", txn, text);

  return cs_test_call (s, "POST", path, token, body, 201);
}

static JsonObject *
lookup (CsTestServer *s,
        const char   *token,
        const char   *path)
{
  return cs_test_call (s, "GET", path, token, NULL, 200);
}

static guint
count (JsonObject *reply,
       const char *member)
{
  return json_array_get_length (json_object_get_array_member (reply, member));
}

static const char *
nth_id (JsonObject *reply,
        const char *member,
        guint       i)
{
  return str (json_array_get_object_element (json_object_get_array_member (reply, member), i), "id");
}

static void
assert_deal (JsonObject *context)
{
  g_assert_nonnull (context);
  g_assert_cmpstr (str (context, "entity_type"), ==, "crm.deal");
  g_assert_cmpstr (str (context, "entity_id"), ==, "D-42");
  g_assert_cmpstr (str (context, "label"), ==, "ACME renewal");
  g_assert_cmpstr (str (context, "url"), ==, "https://crm.example/deals/42");
}

/* Every rule of the contract, on rooms and on messages: a bad context is
 * a 400 with a sentence, and nothing is stored. */
static void
test_rules (void)
{
  CsTestTeam t;
  g_autofree char *mpath = NULL;
  g_autofree char *type40 = g_strnfill (40, 'a');
  g_autofree char *id200 = g_strnfill (200, '7');
  g_autofree char *label200 = g_strnfill (200, 'L');
  g_autofree char *too_long_type = g_strnfill (41, 'a');
  g_autofree char *too_long_id = g_strnfill (201, '7');
  g_autofree char *too_long_label = g_strnfill (201, 'L');
  g_autofree char *edge = NULL, *rbody = NULL;
  g_autoptr(JsonObject) room = NULL, message = NULL;
  gint64 rooms, messages;
  const char *bad[] = {
    "\"deal\"",
    "[]",
    "{\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"deal\",\"label\":\"x\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\"}",
    "{\"entity_type\":\"Deal\",\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"1deal\",\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"_deal\",\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"crm/deal\",\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"crm deal\",\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"\",\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"d\xc3\xa9\x61l\",\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":7,\"entity_id\":\"1\",\"label\":\"x\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"\",\"label\":\"x\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"   \",\"label\":\"x\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":42,\"label\":\"x\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"two\\nlines\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":\"\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":\"ftp://crm.example/1\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":\"javascript:alert(1)\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":\"file:///etc/passwd\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":\"crm.example/1\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":\"https://\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":\"https://a b/\"}",
    "{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"x\",\"url\":42}",
    NULL
  };
  const char *long_ones[] = { NULL, NULL, NULL, NULL };

  cs_test_team_init (&t, NULL, FALSE);
  mpath = cs_test_printf_path ("/api/rooms/%s/messages", t.room);
  long_ones[0] = g_strdup_printf ("{\"entity_type\":\"%s\",\"entity_id\":\"1\",\"label\":\"x\"}", too_long_type);
  long_ones[1] = g_strdup_printf ("{\"entity_type\":\"deal\",\"entity_id\":\"%s\",\"label\":\"x\"}", too_long_id);
  long_ones[2] = g_strdup_printf ("{\"entity_type\":\"deal\",\"entity_id\":\"1\",\"label\":\"%s\"}", too_long_label);

  rooms = cs_test_db_int (t.s, "SELECT count(*) FROM rooms");
  messages = cs_test_db_int (t.s, "SELECT count(*) FROM messages");
  for (guint list = 0; list < 2; list++)
    for (const char **c = list == 0 ? bad : long_ones; *c; c++)
      {
        g_autofree char *bad_room = g_strdup_printf ("{\"type\":\"group\",\"name\":\"Bad\",\"context\":%s}", *c);
        g_autofree char *mbody = g_strdup_printf ("{\"txn_id\":\"bad\",\"body\":\"hi\",\"context\":%s}", *c);
        g_autofree char *rmsg = cs_test_expect_error (t.s, "POST", "/api/rooms", t.alice, bad_room, 400, "bad_request");
        g_autofree char *mmsg = cs_test_expect_error (t.s, "POST", mpath, t.bob, mbody, 400, "bad_request");

        g_test_message ("%s: %s", *c, rmsg);
        g_assert_cmpuint (strlen (rmsg), >, 10);
        g_assert_cmpstr (rmsg, ==, mmsg);
      }
  g_assert_cmpint (cs_test_db_int (t.s, "SELECT count(*) FROM rooms"), ==, rooms);
  g_assert_cmpint (cs_test_db_int (t.s, "SELECT count(*) FROM messages"), ==, messages);
  for (guint i = 0; long_ones[i]; i++)
    g_free ((char *) long_ones[i]);

  /* The limits themselves are allowed; http too, and no url at all. */
  edge = g_strdup_printf ("{\"entity_type\":\"%s\",\"entity_id\":\"%s\",\"label\":\"%s\",\"url\":\"http://erp.example/x?a=1&b=2\"}",
                          type40, id200, label200);
  rbody = g_strdup_printf ("{\"type\":\"group\",\"name\":\"Edge\",\"context\":%s}", edge);
  room = cs_test_call (t.s, "POST", "/api/rooms", t.alice, rbody, 201);
  g_assert_cmpstr (str (json_object_get_object_member (room, "context"), "entity_type"), ==, type40);
  g_assert_cmpstr (str (json_object_get_object_member (room, "context"), "url"), ==, "http://erp.example/x?a=1&b=2");
  message = send_cited (t.s, t.bob, t.room, "edge", "edge", "{\"entity_type\":\"a\",\"entity_id\":\" 1 \",\"label\":\" One \"}");
  /* Trimmed like every label; no url member when there is none. */
  g_assert_cmpstr (str (json_object_get_object_member (message, "context"), "entity_id"), ==, "1");
  g_assert_cmpstr (str (json_object_get_object_member (message, "context"), "label"), ==, "One");
  g_assert_false (json_object_has_member (json_object_get_object_member (message, "context"), "url"));
  cs_test_team_clear (&t);
}

/* A message citing an object carries it everywhere: its reply, the
 * history, the live event, the replay of sync; one without has null. */
static void
test_message_carries_context (void)
{
  CsTestTeam t;
  g_autoptr(JsonObject) sent = NULL, plain = NULL, history = NULL, live = NULL, replayed = NULL;
  g_autoptr(CsTestWs) ws = NULL, later = NULL;
  g_autofree char *hpath = NULL;
  JsonArray *messages;
  JsonObject *last;
  gboolean seen = FALSE;

  cs_test_team_init (&t, NULL, FALSE);
  ws = cs_test_ws_connect (t.s, t.alice);
  g_assert_nonnull (cs_test_ws_wait (ws, "ready", 3000));

  sent = send_cited (t.s, t.bob, t.room, "cite-1", "About the renewal", DEAL);
  assert_deal (json_object_get_object_member (sent, "context"));
  live = cs_test_ws_wait (ws, "message.new", 3000);
  g_assert_nonnull (live);
  assert_deal (json_object_get_object_member (json_object_get_object_member (live, "data"), "context"));
  plain = send_cited (t.s, t.bob, t.room, "plain-1", "Nothing cited", NULL);
  g_assert_true (json_object_get_null_member (plain, "context"));

  hpath = cs_test_printf_path ("/api/rooms/%s/messages", t.room);
  history = cs_test_call (t.s, "GET", hpath, t.alice, NULL, 200);
  messages = json_object_get_array_member (history, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);

      if (g_strcmp0 (str (m, "id"), str (sent, "id")) == 0)
        {
          assert_deal (json_object_get_object_member (m, "context"));
          seen = TRUE;
        }
    }
  g_assert_true (seen);

  /* Replayed after a restart, from the log. */
  cs_test_server_stop (t.s, FALSE);
  cs_test_server_start (t.s);
  later = cs_test_ws_connect (t.s, t.alice);
  g_assert_nonnull (cs_test_ws_wait (later, "ready", 3000));
  cs_test_ws_send (later, "{\"type\":\"sync\",\"since\":0}");
  seen = FALSE;
  while (!seen && (replayed = cs_test_ws_wait (later, "message.new", 3000)) != NULL)
    {
      last = json_object_get_object_member (replayed, "data");
      if (g_strcmp0 (str (last, "id"), str (sent, "id")) == 0)
        {
          assert_deal (json_object_get_object_member (last, "context"));
          seen = TRUE;
        }
      g_clear_pointer (&replayed, json_object_unref);
    }
  g_assert_true (seen);
  cs_test_team_clear (&t);
}

/* GET /api/context: the rooms tied to the object and the messages citing
 * it, newest first, among what the caller may see only. */
static void
test_lookup (void)
{
  CsTestTeam t;
  g_autofree char *deal_room = NULL, *old_room = NULL, *secret_room = NULL, *other_deal = NULL;
  g_autofree char *globex = NULL, *globex_room = NULL, *dpath = NULL;
  g_autoptr(JsonObject) m1 = NULL, m2 = NULL, m3 = NULL, hidden = NULL, other = NULL, g1 = NULL, deleted = NULL;
  g_autoptr(JsonObject) reply = NULL, carol = NULL, empty = NULL, limited = NULL, theirs = NULL;
  g_autoptr(JsonObject) slash = NULL;
  const char *other_ctx = "{\"entity_type\":\"crm.deal\",\"entity_id\":\"D-43\",\"label\":\"Other\"}";
  const char *slash_ctx = "{\"entity_type\":\"erp.invoice\",\"entity_id\":\"2026/7 \xc3\xa9t\xc3\xa9\",\"label\":\"Invoice\"}";

  cs_test_team_init (&t, NULL, TRUE);
  /* Alice and Bob: two rooms tied to the deal, the older first. Alice
   * alone: a third one. Carol is in none of them but in the team room. */
  old_room = room_with_context (t.s, t.alice, "Renewal (old)", t.bob_id, DEAL);
  deal_room = room_with_context (t.s, t.alice, "Renewal", t.bob_id, DEAL);
  secret_room = room_with_context (t.s, t.alice, "Pricing", NULL, DEAL);
  other_deal = room_with_context (t.s, t.alice, "Other deal", t.bob_id, other_ctx);

  m1 = send_cited (t.s, t.bob, t.room, "m1", "first", DEAL);
  m2 = send_cited (t.s, t.alice, deal_room, "m2", "second", DEAL);
  hidden = send_cited (t.s, t.alice, secret_room, "h", "Alice only", DEAL);
  other = send_cited (t.s, t.bob, t.room, "o", "another deal", other_ctx);
  deleted = send_cited (t.s, t.bob, t.room, "d", "to be deleted", DEAL);
  cs_test_ok (t.s, "DELETE", (dpath = cs_test_printf_path ("/api/messages/%s", str (deleted, "id"))), t.bob, NULL, 204);
  m3 = send_cited (t.s, t.bob, t.room, "m3", "third", DEAL);

  /* Another tenant with an object of the same type and id. */
  globex = cs_test_tenant (t.s, "globex", "gina@globex.test");
  globex_room = room_with_context (t.s, globex, "Globex deal", NULL, DEAL);
  g1 = send_cited (t.s, globex, globex_room, "g1", "globex", DEAL);

  reply = lookup (t.s, t.bob, "/api/context/crm.deal/D-42");
  g_assert_cmpuint (count (reply, "rooms"), ==, 2);
  g_assert_cmpstr (nth_id (reply, "rooms", 0), ==, deal_room);
  g_assert_cmpstr (nth_id (reply, "rooms", 1), ==, old_room);
  assert_deal (json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (reply, "rooms"), 0), "context"));
  g_assert_cmpuint (count (reply, "messages"), ==, 3);
  g_assert_cmpstr (nth_id (reply, "messages", 0), ==, str (m3, "id"));
  g_assert_cmpstr (nth_id (reply, "messages", 1), ==, str (m2, "id"));
  g_assert_cmpstr (nth_id (reply, "messages", 2), ==, str (m1, "id"));
  assert_deal (json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (reply, "messages"), 0), "context"));
  g_clear_pointer (&reply, json_object_unref);

  /* Alice sees her own room and message too. */
  reply = lookup (t.s, t.alice, "/api/context/crm.deal/D-42");
  g_assert_cmpuint (count (reply, "rooms"), ==, 3);
  g_assert_cmpstr (nth_id (reply, "rooms", 0), ==, secret_room);
  g_assert_cmpuint (count (reply, "messages"), ==, 4);
  g_assert_cmpstr (nth_id (reply, "messages", 1), ==, str (hidden, "id"));

  /* Carol, in the team room only: its messages, none of the rooms. */
  carol = lookup (t.s, t.carol, "/api/context/crm.deal/D-42");
  g_assert_cmpuint (count (carol, "rooms"), ==, 0);
  g_assert_cmpuint (count (carol, "messages"), ==, 2);
  g_assert_cmpstr (nth_id (carol, "messages", 0), ==, str (m3, "id"));
  g_assert_cmpstr (nth_id (carol, "messages", 1), ==, str (m1, "id"));

  /* The other tenant sees its own only, and acme nothing of it. */
  theirs = lookup (t.s, globex, "/api/context/crm.deal/D-42");
  g_assert_cmpuint (count (theirs, "rooms"), ==, 1);
  g_assert_cmpstr (nth_id (theirs, "rooms", 0), ==, globex_room);
  g_assert_cmpuint (count (theirs, "messages"), ==, 1);
  g_assert_cmpstr (nth_id (theirs, "messages", 0), ==, str (g1, "id"));

  /* Another object; an unknown one; a page. */
  empty = lookup (t.s, t.bob, "/api/context/crm.deal/D-43");
  g_assert_cmpuint (count (empty, "rooms"), ==, 1);
  g_assert_cmpstr (nth_id (empty, "rooms", 0), ==, other_deal);
  g_assert_cmpuint (count (empty, "messages"), ==, 1);
  g_assert_cmpstr (nth_id (empty, "messages", 0), ==, str (other, "id"));
  g_clear_pointer (&empty, json_object_unref);
  empty = lookup (t.s, t.bob, "/api/context/crm.deal/D-44");
  g_assert_cmpuint (count (empty, "rooms"), ==, 0);
  g_assert_cmpuint (count (empty, "messages"), ==, 0);
  limited = lookup (t.s, t.bob, "/api/context/crm.deal/D-42?limit=1");
  g_assert_cmpuint (count (limited, "messages"), ==, 1);
  g_assert_cmpstr (nth_id (limited, "messages", 0), ==, str (m3, "id"));

  /* An id with a slash, a space and accents, percent-encoded. */
  g_clear_pointer (&m1, json_object_unref);
  m1 = send_cited (t.s, t.bob, t.room, "s1", "invoice", slash_ctx);
  slash = lookup (t.s, t.bob, "/api/context/erp.invoice/2026%2F7%20%C3%A9t%C3%A9");
  g_assert_cmpuint (count (slash, "messages"), ==, 1);
  g_assert_cmpstr (nth_id (slash, "messages", 0), ==, str (m1, "id"));

  cs_test_team_clear (&t);
}

/* Bad requests to GET /api/context, and none without a session. */
static void
test_lookup_refused (void)
{
  CsTestTeam t;
  g_autofree char *long_id = g_strnfill (201, '1');
  g_autofree char *long_path = g_strdup_printf ("/api/context/deal/%s", long_id);
  guint status = 0;
  g_autoptr(JsonNode) anon = NULL;

  cs_test_team_init (&t, NULL, FALSE);
  g_free (cs_test_expect_error (t.s, "GET", "/api/context/Deal/1", t.bob, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "GET", "/api/context/1deal/1", t.bob, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "GET", "/api/context/cr%20m/1", t.bob, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "GET", long_path, t.bob, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "GET", "/api/context/deal/%20", t.bob, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "GET", "/api/context/deal/a%0Ab", t.bob, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "GET", "/api/context/deal/1?limit=0", t.bob, NULL, 400, "bad_request"));
  g_free (cs_test_expect_error (t.s, "GET", "/api/context/deal/1?limit=x", t.bob, NULL, 400, "bad_request"));
  anon = cs_test_http (t.s, "GET", "/api/context/deal/1", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  cs_test_team_clear (&t);
}

/* The look-ups use the entity indexes (the store's statements name them
 * with INDEXED BY, so they would not even prepare without them): the
 * planner takes them for the same query. */
static gboolean
plan_uses (sqlite3    *db,
           const char *sql,
           const char *index)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (strstr ((const char *) sqlite3_column_text (stmt, 3), index))
      found = TRUE;
  sqlite3_finalize (stmt);
  return found;
}

static void
test_indexes (void)
{
  CsTestTeam t;
  g_autofree char *path = NULL;
  sqlite3 *db = NULL;

  cs_test_team_init (&t, NULL, FALSE);
  /* PostgreSQL plans by its statistics (a scan of a table this small is
   * cheaper than any index): the indexes are there. */
  if (cs_test_storage_is_postgresql ())
    {
      g_assert_cmpint (cs_test_db_int (t.s, "SELECT count(*) FROM pg_indexes"
                                            " WHERE indexname IN ('messages_context', 'rooms_context')"), ==, 2);
      cs_test_team_clear (&t);
      return;
    }
  path = g_build_filename (t.s->data_dir, "db", "causerie.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_true (plan_uses (db, "EXPLAIN QUERY PLAN SELECT m.id FROM messages m"
                                " WHERE m.tenant_id = 'x' AND m.context_type = 'a' AND m.context_id = 'b'"
                                " AND m.deleted = 0 ORDER BY m.seq DESC LIMIT 50", "messages_context"));
  g_assert_true (plan_uses (db, "EXPLAIN QUERY PLAN SELECT r.id FROM rooms r"
                                " WHERE r.tenant_id = 'x' AND r.context_type = 'a' AND r.context_id = 'b'",
                            "rooms_context"));
  sqlite3_close (db);
  cs_test_team_clear (&t);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/context/rules", test_rules);
  g_test_add_func ("/server/context/message-carries-context", test_message_carries_context);
  g_test_add_func ("/server/context/lookup", test_lookup);
  g_test_add_func ("/server/context/lookup-refused", test_lookup_refused);
  g_test_add_func ("/server/context/indexes", test_indexes);
  return g_test_run ();
}
