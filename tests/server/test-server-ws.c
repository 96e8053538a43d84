/* test-server-ws.c: the WebSocket side of the real causerie-server: live
 * delivery, idempotent sends, sync and resync, receipts, typing, presence,
 * bad frames, slow and silent peers, and a crash losing nothing acked.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/io_uring.h>

static const char *
str (JsonObject *o, const char *m)
{
  return json_object_get_string_member (o, m);
}

typedef CsTestTeam Team;


static char *
send_frame (const char *room, const char *txn, const char *body)
{
  return g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"%s\",\"body\":\"%s\"}", room, txn, body);
}

static guint
count_messages_with_body (Team *t, const char *body)
{
  g_autofree char *p = g_strdup_printf ("/api/rooms/%s/messages?limit=100", t->room);
  g_autoptr(JsonObject) page = cs_test_call (t->s, "GET", p, t->alice, NULL, 200);
  JsonArray *a = json_object_get_array_member (page, "messages");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (a); i++)
    if (g_strcmp0 (str (json_array_get_object_element (a, i), "body"), body) == 0)
      n++;
  return n;
}

static void
test_live_and_idempotent (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, b = NULL;
  g_autoptr(JsonObject) ready = NULL, ack = NULL, ack2 = NULL, live = NULL, rest = NULL, receipt = NULL;
  g_autofree char *frame = NULL, *path = NULL, *read = NULL;

  cs_test_team_init (&t, NULL, FALSE);
  a = cs_test_ws_connect (t.s, t.alice);
  b = cs_test_ws_connect (t.s, t.bob);
  ready = cs_test_ws_wait (a, "ready", 2000);
  g_assert_nonnull (ready);
  g_assert_cmpstr (str (ready, "user_id"), ==, t.alice_id);

  frame = send_frame (t.room, "w-1", "Ship it");
  cs_test_ws_send (a, frame);
  ack = cs_test_ws_wait (a, "ack", 5000);
  g_assert_nonnull (ack);
  g_assert_cmpstr (str (ack, "txn_id"), ==, "w-1");
  live = cs_test_ws_wait (b, "message.new", 5000);
  g_assert_nonnull (live);
  g_assert_cmpstr (str (json_object_get_object_member (live, "data"), "body"), ==, "Ship it");
  g_assert_false (json_object_has_member (json_object_get_object_member (live, "data"), "txn_id"));
  g_assert_cmpint (json_object_get_int_member (live, "seq"), ==,
                   json_object_get_int_member (json_object_get_object_member (ack, "message"), "seq"));

  /* The sender's own copy of a message is the same frame with its txn_id
   * (whichever of it and the ack comes first). */
  {
    g_autofree char *own_frame = send_frame (t.room, "w-own", "Mine too");
    g_autoptr(JsonObject) own = NULL, own_ack = NULL, theirs = NULL;
    g_autoptr(JsonNode) own_node = NULL, their_node = NULL;
    g_autofree char *own_text = NULL, *their_text = NULL;
    JsonObject *own_data;

    cs_test_ws_send (a, own_frame);
    while (own == NULL || own_ack == NULL)
      {
        JsonObject *f = cs_test_ws_next (a, 5000);

        g_assert_nonnull (f);
        if (own == NULL && g_str_equal (str (f, "type"), "message.new"))
          own = f;
        else if (own_ack == NULL && g_str_equal (str (f, "type"), "ack"))
          own_ack = f;
        else
          json_object_unref (f);
      }
    theirs = cs_test_ws_wait (b, "message.new", 5000);
    g_assert_nonnull (theirs);
    own_data = json_object_get_object_member (own, "data");
    g_assert_cmpstr (str (own_data, "txn_id"), ==, "w-own");
    /* The ack carries the same message, txn_id included. */
    g_assert_cmpstr (str (own_ack, "txn_id"), ==, "w-own");
    {
      g_autoptr(JsonNode) acked = json_node_init_object (json_node_alloc (),
                                                         json_object_get_object_member (own_ack, "message"));
      g_autoptr(JsonNode) data = json_node_init_object (json_node_alloc (), own_data);
      g_autofree char *acked_text = json_to_string (acked, FALSE);
      g_autofree char *data_text = json_to_string (data, FALSE);

      g_assert_cmpstr (acked_text, ==, data_text);
    }
    g_assert_cmpstr (str (own_data, "body"), ==, "Mine too");
    json_object_remove_member (own_data, "txn_id");
    own_node = json_node_init_object (json_node_alloc (), own);
    their_node = json_node_init_object (json_node_alloc (), theirs);
    own_text = json_to_string (own_node, FALSE);
    their_text = json_to_string (their_node, FALSE);
    g_assert_cmpstr (own_text, ==, their_text);
  }

  /* A txn_id that JSON must escape comes back as it was sent, in the ack
   * and in the sender's copy. */
  {
    g_autofree char *odd_frame = g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\","
                                                  "\"txn_id\":\"q\\\"\\u00e9\\\\/\",\"body\":\"odd\"}", t.room);
    g_autoptr(JsonObject) odd_ack = NULL;

    cs_test_ws_send (a, odd_frame);
    odd_ack = cs_test_ws_wait (a, "ack", 5000);
    g_assert_nonnull (odd_ack);
    g_assert_cmpstr (str (odd_ack, "txn_id"), ==, "q\"\u00e9\\/");
    g_assert_cmpstr (str (json_object_get_object_member (odd_ack, "message"), "txn_id"), ==, "q\"\u00e9\\/");
    g_assert_cmpstr (str (json_object_get_object_member (odd_ack, "message"), "body"), ==, "odd");
  }

  /* The same frame again, then over REST: one message, the same id. */
  cs_test_ws_send (a, frame);
  ack2 = cs_test_ws_wait (a, "ack", 5000);
  g_assert_cmpstr (str (json_object_get_object_member (ack2, "message"), "id"), ==,
                   str (json_object_get_object_member (ack, "message"), "id"));
  path = g_strdup_printf ("/api/rooms/%s/messages", t.room);
  rest = cs_test_call (t.s, "POST", path, t.alice, "{\"txn_id\":\"w-1\",\"body\":\"Ship it\"}", 200);
  g_assert_cmpstr (str (rest, "id"), ==, str (json_object_get_object_member (ack, "message"), "id"));
  g_assert_cmpuint (count_messages_with_body (&t, "Ship it"), ==, 1);

  /* A read receipt reaches the other member. */
  read = g_strdup_printf ("{\"type\":\"read\",\"room_id\":\"%s\",\"up_to_seq\":%" G_GINT64_FORMAT "}",
                          t.room, json_object_get_int_member (live, "seq"));
  cs_test_ws_send (b, read);
  receipt = cs_test_ws_wait (a, "receipt", 5000);
  g_assert_nonnull (receipt);
  g_assert_cmpstr (str (json_object_get_object_member (receipt, "data"), "user_id"), ==, t.bob_id);

  /* Errors come back with the txn_id: an unknown room, an empty body. */
  {
    g_autofree char *bad = send_frame ("no-such-room", "w-2", "hello");
    g_autoptr(JsonObject) err = NULL;

    cs_test_ws_send (a, bad);
    err = cs_test_ws_wait (a, "error", 5000);
    g_assert_cmpstr (str (err, "txn_id"), ==, "w-2");
    g_assert_cmpstr (str (json_object_get_object_member (err, "error"), "code"), ==, "not_found");
  }
  g_clear_pointer (&a, cs_test_ws_free);
  g_clear_pointer (&b, cs_test_ws_free);
  cs_test_team_clear (&t);
}

static void
test_sync_after_gap (void)
{
  Team t;
  g_autoptr(CsTestWs) b = NULL, b2 = NULL;
  g_autoptr(JsonObject) ready = NULL, synced = NULL;
  g_autofree char *path = NULL, *sync = NULL;
  gint64 last;
  GPtrArray *bodies = g_ptr_array_new_with_free_func (g_free);

  cs_test_team_init (&t, NULL, FALSE);
  b = cs_test_ws_connect (t.s, t.bob);
  ready = cs_test_ws_wait (b, "ready", 2000);
  last = json_object_get_int_member (ready, "seq");
  g_clear_pointer (&b, cs_test_ws_free);

  path = g_strdup_printf ("/api/rooms/%s/messages", t.room);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"g-%d\",\"body\":\"missed %d\"}", i, i);
      g_autoptr(JsonObject) m = cs_test_call (t.s, "POST", path, t.alice, body, 201);
    }

  b2 = cs_test_ws_connect (t.s, t.bob);
  g_assert_nonnull (cs_test_ws_wait (b2, "ready", 2000));
  sync = g_strdup_printf ("{\"type\":\"sync\",\"since\":%" G_GINT64_FORMAT "}", last);
  cs_test_ws_send (b2, sync);
  for (;;)
    {
      g_autoptr(JsonObject) f = cs_test_ws_next (b2, 5000);

      g_assert_nonnull (f);
      if (g_strcmp0 (str (f, "type"), "message.new") == 0)
        {
          g_assert_cmpint (json_object_get_int_member (f, "seq"), >, last);
          last = json_object_get_int_member (f, "seq");
          g_ptr_array_add (bodies, g_strdup (str (json_object_get_object_member (f, "data"), "body")));
        }
      if (g_strcmp0 (str (f, "type"), "synced") == 0)
        {
          g_assert_cmpint (json_object_get_int_member (f, "seq"), >=, last);
          break;
        }
    }
  g_assert_cmpuint (bodies->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (bodies, 0), ==, "missed 0");
  g_assert_cmpstr (g_ptr_array_index (bodies, 2), ==, "missed 2");
  g_ptr_array_unref (bodies);
  g_clear_pointer (&b2, cs_test_ws_free);
  cs_test_team_clear (&t);
}

static void
test_resync_required (void)
{
  Team t;
  g_autoptr(CsTestWs) b = NULL;
  g_autoptr(JsonObject) resync = NULL;
  g_autofree char *path = NULL;

  cs_test_team_init (&t, "[events]\nkeep=5\n", FALSE);
  path = g_strdup_printf ("/api/rooms/%s/messages", t.room);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"r-%d\",\"body\":\"flood %d\"}", i, i);
      g_autoptr(JsonObject) m = cs_test_call (t.s, "POST", path, t.alice, body, 201);
    }
  b = cs_test_ws_connect (t.s, t.bob);
  cs_test_ws_send (b, "{\"type\":\"sync\",\"since\":1}");
  resync = cs_test_ws_wait (b, "resync_required", 5000);
  g_assert_nonnull (resync);
  /* And the connection goes on, live, after it. */
  g_assert_nonnull (cs_test_ws_wait (b, "synced", 5000));
  g_clear_pointer (&b, cs_test_ws_free);
  cs_test_team_clear (&t);
}

static void
test_typing_and_presence (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, b = NULL;
  g_autoptr(JsonObject) on = NULL, off = NULL, gone = NULL, list = NULL;
  g_autofree char *typing = NULL;
  gint64 start;

  cs_test_team_init (&t, "[websocket]\ntyping_timeout_ms=400\noffline_delay_ms=300\n", FALSE);
  a = cs_test_ws_connect (t.s, t.alice);
  g_assert_nonnull (cs_test_ws_wait (a, "ready", 2000));
  b = cs_test_ws_connect (t.s, t.bob);
  {
    g_autoptr(JsonObject) p = cs_test_ws_wait (a, "presence", 3000);
    while (p && g_strcmp0 (str (p, "user_id"), t.bob_id) != 0)
      {
        json_object_unref (p);
        p = cs_test_ws_wait (a, "presence", 3000);
      }
    g_assert_nonnull (p);
    g_assert_cmpstr (str (p, "status"), ==, "online");
  }

  typing = g_strdup_printf ("{\"type\":\"typing\",\"room_id\":\"%s\",\"typing\":true}", t.room);
  cs_test_ws_send (b, typing);
  start = g_get_monotonic_time ();
  on = cs_test_ws_wait (a, "typing", 3000);
  g_assert_nonnull (on);
  g_assert_true (json_object_get_boolean_member (on, "typing"));
  g_assert_cmpstr (str (on, "user_id"), ==, t.bob_id);
  /* Nobody refreshes it: it lapses by itself. */
  off = cs_test_ws_wait (a, "typing", 3000);
  g_assert_nonnull (off);
  g_assert_false (json_object_get_boolean_member (off, "typing"));
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, >=, 300);

  /* Bob goes away: offline after the delay, for pushes and for REST. */
  g_clear_pointer (&b, cs_test_ws_free);
  gone = cs_test_ws_wait (a, "presence", 5000);
  g_assert_nonnull (gone);
  g_assert_cmpstr (str (gone, "status"), ==, "offline");
  list = cs_test_call (t.s, "GET", "/api/presence", t.alice, NULL, 200);
  {
    JsonArray *arr = json_object_get_array_member (list, "presence");
    for (guint i = 0; i < json_array_get_length (arr); i++)
      {
        JsonObject *p = json_array_get_object_element (arr, i);
        if (g_strcmp0 (str (p, "user_id"), t.bob_id) == 0)
          g_assert_cmpstr (str (p, "status"), ==, "offline");
        else
          g_assert_cmpstr (str (p, "status"), ==, "online");
      }
  }
  g_clear_pointer (&a, cs_test_ws_free);
  cs_test_team_clear (&t);
}

static void
test_bad_frames (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, big = NULL;
  g_autoptr(JsonObject) e1 = NULL, e2 = NULL, pong = NULL;
  g_autofree char *huge = NULL;

  cs_test_team_init (&t, "[websocket]\nabuse_limit=3\n[limits]\nws_frame_bytes=2048\n", FALSE);
  a = cs_test_ws_connect (t.s, t.alice);
  g_assert_nonnull (cs_test_ws_wait (a, "ready", 2000));
  cs_test_ws_send (a, "{\"type\":\"ping\"}");
  pong = cs_test_ws_wait (a, "pong", 2000);
  g_assert_nonnull (pong);
  cs_test_ws_send (a, "this is not json");
  e1 = cs_test_ws_wait (a, "error", 2000);
  g_assert_cmpstr (str (json_object_get_object_member (e1, "error"), "code"), ==, "bad_request");
  cs_test_ws_send (a, "{\"type\":\"dance\"}");
  e2 = cs_test_ws_wait (a, "error", 2000);
  g_assert_nonnull (strstr (str (json_object_get_object_member (e2, "error"), "message"), "dance"));
  /* The third bad frame is one too many. */
  cs_test_ws_send (a, "{\"type\":\"sync\",\"since\":\"yesterday\"}");
  g_assert_cmpuint (cs_test_ws_wait_closed (a, 5000), ==, 1008);

  big = cs_test_ws_connect (t.s, t.alice);
  huge = g_strnfill (4096, 'x');
  cs_test_ws_send (big, huge);
  g_assert_cmpuint (cs_test_ws_wait_closed (big, 5000), ==, 1009);

  /* Unauthenticated upgrades are refused. */
  g_assert_null (cs_test_ws_connect (t.s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  cs_test_team_clear (&t);
}



static void
test_slow_reader (void)
{
  Team t;
  g_autoptr(GSocketConnection) slow = NULL;
  g_autofree char *path = NULL;
  g_autofree char *filler = g_strnfill (9000, 'z');
  int sent = 0;

  cs_test_team_init (&t, "[limits]\nws_queue_bytes=65536\n[metrics]\nlisten=127.0.0.1:0\n", FALSE);
  slow = cs_test_raw_ws (t.s, t.bob);
  path = g_strdup_printf ("/api/rooms/%s/messages", t.room);
  /* Bob's socket never reads: its queue fills and the server lets it go
   * (1013) instead of holding ever more memory for it. */
  while (sent < 3000 && cs_test_metric_value (t.s, "causerie_ws_slow_closed_total") == 0)
    {
      g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"s-%d\",\"body\":\"%s\"}", sent++, filler);
      g_autoptr(JsonObject) m = cs_test_call (t.s, "POST", path, t.alice, body, 201);
    }
  g_test_message ("slow reader closed after %d messages of 9000 characters", sent);
  g_assert_cmpint (cs_test_metric_value (t.s, "causerie_ws_slow_closed_total"), ==, 1);
  /* Its socket is let go even though it never reads our close frame. */
  for (int i = 0; i < 50 && cs_test_metric_value (t.s, "causerie_ws_connections") > 0; i++)
    cs_test_spin (100);
  g_assert_cmpint (cs_test_metric_value (t.s, "causerie_ws_connections"), ==, 0);
  cs_test_team_clear (&t);
}

static void
test_silent_peer (void)
{
  Team t;
  g_autoptr(GSocketConnection) silent = NULL;
  int waited = 0;

  cs_test_team_init (&t, "[websocket]\nping_interval_seconds=1\npeer_timeout_seconds=2\n[metrics]\nlisten=127.0.0.1:0\n", FALSE);
  silent = cs_test_raw_ws (t.s, t.alice);
  g_assert_cmpint (cs_test_metric_value (t.s, "causerie_ws_connections"), ==, 1);
  /* It answers no ping: dropped once silent for the timeout. */
  while (waited < 80 && cs_test_metric_value (t.s, "causerie_ws_connections") > 0)
    {
      cs_test_spin (100);
      waited++;
    }
  g_assert_cmpint (cs_test_metric_value (t.s, "causerie_ws_connections"), ==, 0);
  g_assert_cmpint (waited, >=, 15);
  cs_test_team_clear (&t);
}

static void
test_crash_loses_nothing_acked (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL;
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = NULL;
  guint found = 0;
  gint64 before = G_MAXINT64;

  cs_test_team_init (&t, NULL, FALSE);
  a = cs_test_ws_connect (t.s, t.alice);
  g_assert_nonnull (cs_test_ws_wait (a, "ready", 2000));
  for (int i = 0; i < 60; i++)
    {
      g_autofree char *f = NULL, *txn = g_strdup_printf ("c-%d", i), *body = g_strdup_printf ("durable %d", i);

      f = send_frame (t.room, txn, body);
      cs_test_ws_send (a, f);
    }
  /* Kill the server the moment the 30th ack is in. */
  while (g_hash_table_size (acked) < 30)
    {
      g_autoptr(JsonObject) ack = cs_test_ws_wait (a, "ack", 5000);

      g_assert_nonnull (ack);
      g_hash_table_add (acked, g_strdup (str (json_object_get_object_member (ack, "message"), "body")));
    }
  cs_test_server_stop (t.s, TRUE);
  g_clear_pointer (&a, cs_test_ws_free);
  cs_test_server_start (t.s);
  g_free (t.alice);
  t.alice = cs_test_login (t.s, "acme", "alice@acme.test", NULL);

  path = g_strdup_printf ("/api/rooms/%s/messages?limit=100", t.room);
  while (TRUE)
    {
      g_autofree char *p = before == G_MAXINT64 ? g_strdup (path)
                                                : g_strdup_printf ("%s&before=%" G_GINT64_FORMAT, path, before);
      g_autoptr(JsonObject) page = cs_test_call (t.s, "GET", p, t.alice, NULL, 200);
      JsonArray *arr = json_object_get_array_member (page, "messages");

      for (guint i = 0; i < json_array_get_length (arr); i++)
        if (g_hash_table_contains (acked, str (json_array_get_object_element (arr, i), "body")))
          found++;
      if (!json_object_get_boolean_member (page, "has_more") || json_array_get_length (arr) == 0)
        break;
      before = json_object_get_int_member (json_array_get_object_element (arr, 0), "seq");
    }
  g_assert_cmpuint (found, ==, 30);
  cs_test_team_clear (&t);
}

static void
test_logout_closes_sockets (void)
{
  Team t;
  g_autoptr(CsTestWs) b = NULL;

  cs_test_team_init (&t, NULL, FALSE);
  b = cs_test_ws_connect (t.s, t.bob);
  g_assert_nonnull (cs_test_ws_wait (b, "ready", 2000));
  cs_test_call (t.s, "POST", "/api/auth/logout", t.bob, NULL, 204);
  g_assert_cmpuint (cs_test_ws_wait_closed (b, 5000), ==, 1008);
  cs_test_team_clear (&t);
}

/* A mention reaches the mentioned member as notification.new, the same
 * object GET /api/notifications lists afterwards. */
static void
test_notification_event (void)
{
  Team t;
  g_autoptr(CsTestWs) bob_ws = NULL;
  g_autoptr(JsonObject) ready = NULL, sent = NULL, event = NULL, listed = NULL;
  g_autoptr(JsonNode) from_event = NULL, from_list = NULL;
  g_autofree char *path = NULL;
  JsonArray *list;

  cs_test_team_init (&t, NULL, FALSE);
  bob_ws = cs_test_ws_connect (t.s, t.bob);
  ready = cs_test_ws_wait (bob_ws, "ready", 5000);
  g_assert_nonnull (ready);
  path = cs_test_printf_path ("/api/rooms/%s/messages", t.room);
  sent = cs_test_call (t.s, "POST", path, t.alice, "{\"txn_id\":\"n-1\",\"body\":\"@Bob have a look\"}", 201);
  event = cs_test_ws_wait (bob_ws, "notification.new", 5000);
  g_assert_nonnull (event);
  listed = cs_test_call (t.s, "GET", "/api/notifications", t.bob, NULL, 200);
  list = json_object_get_array_member (listed, "notifications");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  from_event = json_node_copy (json_object_get_member (event, "data"));
  from_list = json_node_copy (json_array_get_element (list, 0));
  g_assert_cmpstr (str (json_node_get_object (from_event), "type"), ==, "mention");
  g_assert_cmpstr (str (json_node_get_object (from_event), "body"), ==, "@Bob have a look");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (from_event), "read"));
  g_assert_true (json_node_equal (from_event, from_list));
  cs_test_team_clear (&t);
}

static guint
search_count (Team *t, const char *q)
{
  g_autofree char *p = g_strdup_printf ("/api/search?q=%s&limit=100", q);
  g_autoptr(JsonObject) found = cs_test_call (t->s, "GET", p, t->alice, NULL, 200);

  return json_array_get_length (json_object_get_array_member (found, "messages"));
}

static void send_acked (CsTestWs *ws, const char *room, const char *txn, const char *body);

/* Search indexes each group commit as a whole: a message is found as soon
 * as it is acknowledged, edits and deletions sharing a batch with new
 * messages keep the index right, and messages stored while the server was
 * stopped are indexed when it starts. */
static void
test_search_index (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) edited = NULL, removed = NULL;
  g_autofree char *edit_path = NULL, *delete_path = NULL;
  g_autofree char *insert = NULL;

  cs_test_team_init (&t, NULL, FALSE);
  a = cs_test_ws_connect (t.s, t.alice);
  g_assert_nonnull (cs_test_ws_wait (a, "ready", 2000));
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *txn = g_strdup_printf ("s-%d", i), *body = g_strdup_printf ("burst w%dz", i);
      g_autofree char *f = send_frame (t.room, txn, body);

      cs_test_ws_send (a, f);
    }
  for (int i = 0; i < 40; i++)
    {
      g_autoptr(JsonObject) ack = cs_test_ws_wait (a, "ack", 5000);
      JsonObject *m;
      g_autofree char *token = NULL;

      g_assert_nonnull (ack);
      m = json_object_get_object_member (ack, "message");
      g_ptr_array_add (ids, g_strdup (str (m, "id")));
      token = g_strdup (strchr (str (m, "body"), ' ') + 1);
      if (i == 0 || i == 39)
        g_assert_cmpuint (search_count (&t, token), ==, 1);
    }
  g_assert_cmpuint (search_count (&t, "burst"), ==, 40);

  /* An edit and a deletion while new messages are being stored. */
  for (int i = 40; i < 50; i++)
    {
      g_autofree char *txn = g_strdup_printf ("s-%d", i), *body = g_strdup_printf ("burst w%dz", i);
      g_autofree char *f = send_frame (t.room, txn, body);

      cs_test_ws_send (a, f);
    }
  edit_path = g_strdup_printf ("/api/messages/%s", (char *) g_ptr_array_index (ids, 0));
  delete_path = g_strdup_printf ("/api/messages/%s", (char *) g_ptr_array_index (ids, 1));
  edited = cs_test_call (t.s, "PATCH", edit_path, t.alice, "{\"body\":\"changed wording\"}", 200);
  removed = cs_test_call (t.s, "DELETE", delete_path, t.alice, NULL, 204);
  for (int i = 40; i < 50; i++)
    {
      g_autoptr(JsonObject) ack = cs_test_ws_wait (a, "ack", 5000);

      g_assert_nonnull (ack);
    }
  g_assert_cmpuint (search_count (&t, "burst"), ==, 48);
  g_assert_cmpuint (search_count (&t, "changed"), ==, 1);
  g_assert_cmpuint (search_count (&t, "w0z"), ==, 0);
  g_assert_cmpuint (search_count (&t, "w1z"), ==, 0);
  g_assert_cmpuint (search_count (&t, "w45z"), ==, 1);

  /* Messages nobody searches for are indexed all the same, once the
   * writer has had nothing else to do for a while: eight, fewer than a
   * round of deferred indexing, then silence. */
  if (!cs_test_storage_is_postgresql ())
    {
      gint64 deadline;

      for (int i = 0; i < 8; i++)
        {
          g_autofree char *txn = g_strdup_printf ("idle-%d", i), *body = g_strdup_printf ("unsearched %d", i);

          send_acked (a, t.room, txn, body);
        }
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (cs_test_search_mismatches (t.s) != 0 && g_get_monotonic_time () < deadline)
        cs_test_spin (200);
      g_assert_cmpint (cs_test_search_mismatches (t.s), ==, 0);
    }

  /* The index agrees with the messages; then one is stored behind the
   * server's back and is found once it is back. SQLite's index of its
   * own only: PostgreSQL's is an expression index it keeps itself. */
  g_clear_pointer (&a, cs_test_ws_free);
  if (cs_test_storage_is_postgresql ())
    {
      cs_test_team_clear (&t);
      return;
    }
  cs_test_server_stop (t.s, FALSE);
  g_assert_cmpint (cs_test_search_mismatches (t.s), ==, 0);
  insert = g_strdup_printf ("INSERT INTO messages (seq, id, room_id, tenant_id, sender_id, kind, body, mentions, created_at)"
                            " SELECT (SELECT MAX(seq) FROM (SELECT seq FROM messages UNION ALL SELECT seq FROM events)) + 1,"
                            " 'offline-1', id, tenant_id, NULL, 'text', 'offline quokka', '[]', 0 FROM rooms WHERE id = '%s'",
                            t.room);
  cs_test_db_exec (t.s, insert);
  g_assert_cmpint (cs_test_search_mismatches (t.s), >, 0);
  cs_test_server_start (t.s);
  g_free (t.alice);
  t.alice = cs_test_login (t.s, "acme", "alice@acme.test", NULL);
  g_assert_cmpuint (search_count (&t, "quokka"), ==, 1);
  cs_test_server_stop (t.s, FALSE);
  g_assert_cmpint (cs_test_search_mismatches (t.s), ==, 0);
  cs_test_server_start (t.s);
  cs_test_team_clear (&t);
}

static void
send_acked (CsTestWs   *ws,
            const char *room,
            const char *txn,
            const char *body)
{
  g_autofree char *frame = send_frame (room, txn, body);
  g_autoptr(JsonObject) ack = NULL;

  cs_test_ws_send (ws, frame);
  ack = cs_test_ws_wait (ws, "ack", 5000);
  g_assert_nonnull (ack);
  g_assert_cmpstr (str (ack, "txn_id"), ==, txn);
}

/* The next message.new that a person wrote (system lines skipped). */
static void
expect_body (CsTestWs   *ws,
             const char *body)
{
  for (;;)
    {
      g_autoptr(JsonObject) live = cs_test_ws_wait (ws, "message.new", 5000);
      JsonObject *data;

      g_assert_nonnull (live);
      data = json_object_get_object_member (live, "data");
      if (g_strcmp0 (str (data, "kind"), "system") == 0)
        continue;
      g_assert_cmpstr (str (data, "body"), ==, body);
      return;
    }
}

/* Who receives a room's events follows its membership from the next
 * message on: the writer keeps each room's member ids between messages,
 * and a join, a removal, and a member written behind the server's back
 * (another process on the same database) all reach it. Each step checks
 * the first message.new Carol gets after it, so a stale list shows as the
 * wrong body (or none). */
static void
test_member_lists (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, c = NULL;
  g_autofree char *carol = NULL, *carol_id = NULL, *members = NULL, *member = NULL;
  g_autofree char *body = NULL, *insert = NULL;

  cs_test_team_init (&t, NULL, FALSE);
  carol = cs_test_user (t.s, "acme", "carol@acme.test", "Carol", "member", &carol_id);
  a = cs_test_ws_connect (t.s, t.alice);
  c = cs_test_ws_connect (t.s, carol);
  cs_test_ws_expect (a, "ready", 2000);
  cs_test_ws_expect (c, "ready", 2000);
  members = g_strdup_printf ("/api/rooms/%s/members", t.room);
  member = g_strdup_printf ("/api/rooms/%s/members/%s", t.room, carol_id);
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", carol_id);

  /* Two messages before Carol is a member: the room's list is kept. */
  send_acked (a, t.room, "m-1", "before Carol");
  send_acked (a, t.room, "m-2", "still before Carol");

  /* She joins: the next message reaches her. */
  cs_test_ok (t.s, "POST", members, t.alice, body, 201);
  send_acked (a, t.room, "m-3", "Carol is in");
  expect_body (c, "Carol is in");

  /* She is removed: the next one does not; then she is added by another
   * process, and the one after reaches her, first. */
  cs_test_ok (t.s, "DELETE", member, t.alice, NULL, 204);
  send_acked (a, t.room, "m-4", "Carol is out");
  insert = g_strdup_printf ("INSERT INTO members (room_id, user_id, role, joined_at) VALUES ('%s', '%s', 'member', 0)",
                            t.room, carol_id);
  cs_test_db_exec (t.s, insert);
  send_acked (a, t.room, "m-5", "Carol is back");
  expect_body (c, "Carol is back");

  g_clear_pointer (&a, cs_test_ws_free);
  g_clear_pointer (&c, cs_test_ws_free);
  cs_test_team_clear (&t);
}

/* The bodies of the people's message.new frames @ws gets, in order, up to
 * and including @last (system lines skipped), as one string. */
static char *
bodies_until (CsTestWs   *ws,
              const char *last)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (;;)
    {
      g_autoptr(JsonObject) live = cs_test_ws_wait (ws, "message.new", 5000);
      JsonObject *data;

      g_assert_nonnull (live);
      data = json_object_get_object_member (live, "data");
      if (g_strcmp0 (str (data, "kind"), "system") == 0)
        continue;
      g_string_append_printf (got, "%s%s", got->len ? "|" : "", str (data, "body"));
      if (g_str_equal (str (data, "body"), last))
        return g_string_free (g_steal_pointer (&got), FALSE);
    }
}

/* The hub keeps each room's list of connected sockets between events: a
 * second socket of a member, a socket closing, a member leaving and coming
 * back, and a member reconnecting with a replay in the middle of a stream
 * each get exactly the messages meant for them, once, in order. Each
 * socket's whole stream of bodies is compared, so a missed or repeated
 * delivery shows. */
static void
test_room_sockets (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, b1 = NULL, b2 = NULL, c = NULL, c2 = NULL;
  g_autofree char *member = NULL, *members = NULL, *body = NULL, *since = NULL;
  g_autofree char *got_b1 = NULL, *got_b2 = NULL, *got_c = NULL, *got_c2 = NULL;
  g_autoptr(JsonObject) ack = NULL;

  cs_test_team_init (&t, NULL, TRUE);
  a = cs_test_ws_connect (t.s, t.alice);
  b1 = cs_test_ws_connect (t.s, t.bob);
  c = cs_test_ws_connect (t.s, t.carol);
  cs_test_ws_expect (a, "ready", 2000);
  cs_test_ws_expect (b1, "ready", 2000);
  cs_test_ws_expect (c, "ready", 2000);
  members = g_strdup_printf ("/api/rooms/%s/members", t.room);
  member = g_strdup_printf ("/api/rooms/%s/members/%s", t.room, t.carol_id);
  body = g_strdup_printf ("{\"user_id\":\"%s\"}", t.carol_id);

  send_acked (a, t.room, "r-1", "one");
  send_acked (a, t.room, "r-2", "two");

  /* Bob opens a second socket: it hears the next one, as does his first. */
  b2 = cs_test_ws_connect (t.s, t.bob);
  cs_test_ws_expect (b2, "ready", 2000);
  send_acked (a, t.room, "r-3", "three");
  got_b2 = bodies_until (b2, "three");
  g_assert_cmpstr (got_b2, ==, "three");

  /* His first socket closes: the second still hears the room. */
  got_b1 = bodies_until (b1, "three");
  g_assert_cmpstr (got_b1, ==, "one|two|three");
  g_clear_pointer (&b1, cs_test_ws_free);
  cs_test_spin (200);
  send_acked (a, t.room, "r-4", "four");
  g_clear_pointer (&got_b2, g_free);
  got_b2 = bodies_until (b2, "four");
  g_assert_cmpstr (got_b2, ==, "four");

  /* Carol leaves and comes back: she hears nothing in between. */
  cs_test_ok (t.s, "DELETE", member, t.alice, NULL, 204);
  send_acked (a, t.room, "r-5", "five");
  cs_test_ok (t.s, "POST", members, t.alice, body, 201);
  send_acked (a, t.room, "r-6", "six");
  got_c = bodies_until (c, "six");
  g_assert_cmpstr (got_c, ==, "one|two|three|four|six");

  /* Carol's socket goes; two messages while she is away; she comes back
   * with ?since= at the last she heard, and one more is sent while her
   * replay may still be running: the two from the replay, then the live
   * one, each once. */
  {
    g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages?limit=1", t.room);
    g_autoptr(JsonObject) page = cs_test_call (t.s, "GET", path, t.alice, NULL, 200);
    JsonArray *list = json_object_get_array_member (page, "messages");

    since = g_strdup_printf ("since=%" G_GINT64_FORMAT,
                             json_object_get_int_member (json_array_get_object_element (list, 0), "seq"));
  }
  g_clear_pointer (&c, cs_test_ws_free);
  cs_test_spin (200);
  send_acked (a, t.room, "r-7", "seven");
  send_acked (a, t.room, "r-8", "eight");
  c2 = cs_test_ws_connect_query (t.s, t.carol, since);
  cs_test_ws_expect (c2, "ready", 2000);
  send_acked (a, t.room, "r-9", "nine");
  got_c2 = bodies_until (c2, "nine");
  g_assert_cmpstr (got_c2, ==, "seven|eight|nine");

  /* Nothing more for anyone. */
  send_acked (a, t.room, "r-10", "ten");
  g_clear_pointer (&got_b2, g_free);
  got_b2 = bodies_until (b2, "ten");
  g_assert_cmpstr (got_b2, ==, "five|six|seven|eight|nine|ten");
  g_clear_pointer (&got_c2, g_free);
  got_c2 = bodies_until (c2, "ten");
  g_assert_cmpstr (got_c2, ==, "ten");

  cs_test_team_clear (&t);
}

/* Whether this kernel lets a process set up an io_uring ring (a sandbox
 * may refuse it). */
static gboolean
kernel_has_io_uring (void)
{
  struct io_uring_params params = { 0 };
  long fd = syscall (__NR_io_uring_setup, 4, &params);

  if (fd < 0)
    return FALSE;
  close ((int) fd);
  return TRUE;
}

/* A fan-out written through the io_uring ring ([websocket] io_uring, on by
 * default) and one written a send () per socket: the same streams. Alice
 * sends a burst without waiting (events that commit together, several
 * frames per socket in one write) and then one at a time (one frame per
 * socket); Bob's two sockets and Carol's get every message once, in order,
 * and Alice every ack. The ring's counter tells which way it went. */
static void
fan_out_streams (const char *config,
                 gboolean    ring)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL, b1 = NULL, b2 = NULL, c = NULL;
  g_autoptr(GString) want = g_string_new (NULL);
  CsTestWs *readers[3];
  gint64 ring_writes;

  cs_test_team_init (&t, config, TRUE);
  a = cs_test_ws_connect (t.s, t.alice);
  b1 = cs_test_ws_connect (t.s, t.bob);
  b2 = cs_test_ws_connect (t.s, t.bob);
  c = cs_test_ws_connect (t.s, t.carol);
  readers[0] = b1, readers[1] = b2, readers[2] = c;
  cs_test_ws_expect (a, "ready", 2000);
  /* A first frame makes a socket live at once (no first-frame grace). */
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      cs_test_ws_expect (readers[i], "ready", 2000);
      cs_test_ws_send (readers[i], "{\"type\":\"ping\"}");
      cs_test_ws_expect (readers[i], "pong", 2000);
    }

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *txn = g_strdup_printf ("burst-%u", i);
      g_autofree char *body = g_strdup_printf ("burst %u", i);
      g_autofree char *frame = send_frame (t.room, txn, body);

      cs_test_ws_send (a, frame);
      g_string_append_printf (want, "%s%s", want->len ? "|" : "", body);
    }
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(JsonObject) ack = cs_test_ws_wait (a, "ack", 5000);
      g_autofree char *txn = g_strdup_printf ("burst-%u", i);

      g_assert_nonnull (ack);
      g_assert_cmpstr (str (ack, "txn_id"), ==, txn);
    }
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *txn = g_strdup_printf ("one-%u", i);
      g_autofree char *body = g_strdup_printf ("one %u", i);

      send_acked (a, t.room, txn, body);
      g_string_append_printf (want, "|%s", body);
    }
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_autofree char *got = bodies_until (readers[i], "one 9");

      g_assert_cmpstr (got, ==, want->str);
    }
  /* Nothing twice: the next frame any reader gets is the next message. */
  send_acked (a, t.room, "last", "last");
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_autofree char *got = bodies_until (readers[i], "last");

      g_assert_cmpstr (got, ==, "last");
    }

  ring_writes = cs_test_metric_value (t.s, "causerie_ws_ring_writes_total");
  g_test_message ("%" G_GINT64_FORMAT " writes through the ring", ring_writes);
  if (ring)
    g_assert_cmpint (ring_writes, >=, 4 * 11);
  else
    g_assert_cmpint (ring_writes, ==, 0);
  cs_test_team_clear (&t);
}

static void
test_fan_out_ring (void)
{
#ifdef CS_HAVE_LIBURING
  gboolean ring = kernel_has_io_uring ();
#else
  gboolean ring = FALSE;
#endif

  if (!ring)
    g_test_message ("no io_uring here: the default writes a send () per socket too");
  fan_out_streams ("[metrics]\nlisten=127.0.0.1:0\n", ring);
  fan_out_streams ("[websocket]\nio_uring = false\n[metrics]\nlisten=127.0.0.1:0\n", FALSE);
}

/* A room made with several people: the room.new each of them hears (the
 * creator too, whose copy arrives after the reply) counts everyone, not
 * the members there were half-way through the creation. */
static void
test_room_new_counts_everyone (void)
{
  CsTestTeam t;
  g_autoptr(CsTestWs) a = NULL, b = NULL, c = NULL;
  g_autofree char *body = NULL, *direct = NULL;
  CsTestWs *sockets[3];

  cs_test_team_init (&t, NULL, TRUE);
  a = cs_test_ws_connect (t.s, t.alice);
  b = cs_test_ws_connect (t.s, t.bob);
  c = cs_test_ws_connect (t.s, t.carol);
  sockets[0] = a, sockets[1] = b, sockets[2] = c;
  for (guint i = 0; i < G_N_ELEMENTS (sockets); i++)
    cs_test_ws_expect (sockets[i], "ready", 2000);
  body = g_strdup_printf ("{\"type\":\"group\",\"name\":\"Three\",\"member_ids\":[\"%s\",\"%s\"]}",
                          t.bob_id, t.carol_id);
  {
    g_autoptr(JsonObject) room = cs_test_call (t.s, "POST", "/api/rooms", t.alice, body, 201);

    g_assert_cmpint (json_object_get_int_member (room, "member_count"), ==, 3);
  }
  for (guint i = 0; i < G_N_ELEMENTS (sockets); i++)
    {
      g_autoptr(JsonObject) f = cs_test_ws_wait (sockets[i], "room.new", 5000);

      g_assert_nonnull (f);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (f, "data"), "name"), ==, "Three");
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (f, "data"), "member_count"), ==, 3);
    }

  /* A direct room: both hear it with its two members. */
  direct = g_strdup_printf ("{\"user_id\":\"%s\"}", t.carol_id);
  cs_test_ok (t.s, "POST", "/api/rooms/direct", t.bob, direct, 201);
  for (guint i = 1; i < G_N_ELEMENTS (sockets); i++)
    {
      g_autoptr(JsonObject) f = cs_test_ws_wait (sockets[i], "room.new", 5000);

      g_assert_nonnull (f);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (f, "data"), "member_count"), ==, 2);
    }
  cs_test_team_clear (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/ws/live-idempotent", test_live_and_idempotent);
  g_test_add_func ("/server/ws/sync-after-gap", test_sync_after_gap);
  g_test_add_func ("/server/ws/resync-required", test_resync_required);
  g_test_add_func ("/server/ws/typing-presence", test_typing_and_presence);
  g_test_add_func ("/server/ws/bad-frames", test_bad_frames);
  g_test_add_func ("/server/ws/slow-reader", test_slow_reader);
  g_test_add_func ("/server/ws/silent-peer", test_silent_peer);
  g_test_add_func ("/server/ws/crash-restart", test_crash_loses_nothing_acked);
  g_test_add_func ("/server/ws/logout-closes", test_logout_closes_sockets);
  g_test_add_func ("/server/ws/notification-event", test_notification_event);
  g_test_add_func ("/server/ws/search-index", test_search_index);
  g_test_add_func ("/server/ws/member-lists", test_member_lists);
  g_test_add_func ("/server/ws/room-sockets", test_room_sockets);
  g_test_add_func ("/server/ws/room-new-counts-everyone", test_room_new_counts_everyone);
  g_test_add_func ("/server/ws/fan-out-ring", test_fan_out_ring);
  return g_test_run ();
}
