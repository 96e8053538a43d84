/* test-cc-sync.c: the client core against the real causerie-server, as
 * two people would use it: live messages, catching up after being away,
 * resync_required when the server's log moved on, messages typed offline
 * going out once and in order across a server restart, read receipts,
 * typing notices and drafts across a restart of the app.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-test-client.h"

typedef struct {
  CcTestPair  pair;
  char       *room_id;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  cc_test_pair_init (&f->pair, GPOINTER_TO_UINT (data));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  cc_test_pair_clear (&f->pair);
  g_free (f->room_id);
}

static const char *
bob_id (Fixture *f)
{
  return cc_test_pair_bob_id (&f->pair);
}

/* Ada creates a group with Bob; both see it. */
static void
create_room (Fixture *f)
{
  f->room_id = cc_test_pair_create_group (&f->pair, "Plans");
}

static void
send_stored (CcClient *client, CcTimeline *timeline, const char *body)
{
  g_autoptr(CcMessage) sent = cc_test_send (client, cc_timeline_get_room_id (timeline), body);
  CcMessage *shown = cc_timeline_lookup (timeline, cc_message_get_txn_id (sent));

  g_assert_nonnull (shown);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (shown) == CC_MESSAGE_STATE_STORED);
}

#define WAIT_TEXT(timeline, expected) \
  G_STMT_START { \
    g_autofree char *text_ = NULL; \
    guint guard_ = g_timeout_add_seconds (60, cc_test_hang_guard_cb, (gpointer) expected); \
    for (;;) \
      { \
        g_free (text_); \
        text_ = cc_test_timeline_text (timeline); \
        if (g_str_equal (text_, expected)) \
          break; \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (guard_); \
  } G_STMT_END

static void
test_live_and_missed (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  CcMessage *three;
  CcRoom *room;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  send_stored (f->pair.a, ta, "hello");
  WAIT_TEXT (tb, "hello");

  /* Bob quits; Ada goes on. */
  g_clear_object (&tb);
  cc_test_client_quit (&f->pair.b);
  send_stored (f->pair.a, ta, "one");
  send_stored (f->pair.a, ta, "two");
  send_stored (f->pair.a, ta, "three");

  /* Bob starts again: what he had shows at once, offline. */
  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  g_assert_false (cc_client_get_online (f->pair.b));
  room = cc_client_lookup_room (f->pair.b, f->room_id);
  g_assert_nonnull (room);
  g_assert_cmpstr (cc_room_get_last_message_excerpt (room), ==, "hello");
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (tb));
  WAIT_TEXT (tb, "hello");

  /* Online: the missed messages arrive, in order, once. */
  cc_test_client_go_online (f->pair.b);
  WAIT_TEXT (tb, "hello|one|two|three");
  g_assert_cmpstr (cc_room_get_last_message_excerpt (room), ==, "three");
  g_assert_cmpuint (cc_room_get_unread_count (room), >=, 3);
  g_assert_cmpint (cc_sync_get_last_seq (cc_client_get_sync (f->pair.b)), >=, cc_timeline_get_last_seq (tb));

  /* Bob reads: his badge clears and Ada sees "read" on her message. */
  three = g_list_model_get_item (G_LIST_MODEL (ta), g_list_model_get_n_items (G_LIST_MODEL (ta)) - 1);
  g_object_unref (three);   /* the timeline keeps it */
  g_assert_cmpstr (cc_message_get_body (three), ==, "three");
  g_assert_true (cc_message_get_is_own (three));
  g_assert_cmpuint (cc_message_get_read_by (three), ==, 0);
  cc_client_mark_read (f->pair.b, f->room_id, cc_timeline_get_last_seq (tb));
  g_assert_cmpuint (cc_room_get_unread_count (room), ==, 0);
  CC_TEST_WAIT_UNTIL (cc_message_get_read_by (three) == 1);
}

static void
on_resync (CcSync *sync, guint *count)
{
  (*count)++;
}

static void
test_resync_required (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(GString) expected = g_string_new ("hello");
  guint resyncs = 0;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  send_stored (f->pair.a, ta, "hello");
  WAIT_TEXT (tb, "hello");
  g_clear_object (&tb);
  cc_test_client_quit (&f->pair.b);

  /* More than the server keeps (5 events) happens while Bob is away. */
  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *body = g_strdup_printf ("m%u", i);

      send_stored (f->pair.a, ta, body);
      g_string_append_printf (expected, "|%s", body);
    }

  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  g_signal_connect (cc_client_get_sync (f->pair.b), "resync-required", G_CALLBACK (on_resync), &resyncs);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  cc_test_client_go_online (f->pair.b);
  g_assert_cmpuint (resyncs, ==, 1);

  /* Reloaded over REST: nothing is missing, nothing doubled. */
  WAIT_TEXT (tb, expected->str);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_last_message_excerpt (cc_client_lookup_room (f->pair.b, f->room_id)),
                                 "m12") == 0);

  /* And it is live again afterwards. */
  send_stored (f->pair.a, ta, "after");
  g_string_append (expected, "|after");
  WAIT_TEXT (tb, expected->str);
}

static void
test_outbox_across_server_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) x3 = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *txn = NULL;
  g_autofree char *body = NULL;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (tb));

  /* The server goes away; Bob keeps writing. */
  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.b));
  g_object_unref (cc_test_send (f->pair.b, f->room_id, "x1"));
  g_object_unref (cc_test_send (f->pair.b, f->room_id, "x2"));
  x3 = cc_test_send (f->pair.b, f->room_id, "x3");
  WAIT_TEXT (tb, "x1…|x2…|x3…");
  /* The room list marks the room (issue 11, defect 9). */
  g_assert_cmpuint (cc_room_get_pending (cc_client_lookup_room (f->pair.b, f->room_id)), ==, 3);

  /* Bob even quits and comes back while it is down: all still there. */
  g_clear_object (&tb);
  cc_test_client_quit (&f->pair.b);
  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  WAIT_TEXT (tb, "x1…|x2…|x3…");
  CC_TEST_WAIT_UNTIL (cc_room_get_pending (cc_client_lookup_room (f->pair.b, f->room_id)) == 3);
  cc_client_start (f->pair.b);

  /* The server is back: out they go, in order, once. */
  cc_test_server_start (f->pair.srv);
  WAIT_TEXT (tb, "x1|x2|x3");
  WAIT_TEXT (ta, "x1|x2|x3");
  CC_TEST_WAIT_UNTIL (cc_room_get_pending (cc_client_lookup_room (f->pair.b, f->room_id)) == 0);

  /* An answer lost in a crash: the outbox still holds x3 and sends it
   * again after a restart. The server recognises the txn_id. */
  txn = g_strdup (cc_message_get_txn_id (x3));
  body = g_strdup (cc_message_get_body (x3));
  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.b));
  cc_cache_outbox_add_async (cc_client_get_cache (f->pair.b), txn, f->room_id, body, NULL, 0,
                             NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_cmpint (cc_cache_finish_int (cc_client_get_cache (f->pair.b), res, NULL), >, 0);
  cc_test_server_start (f->pair.srv);
  g_object_unref (cc_test_send (f->pair.b, f->room_id, "x4"));
  WAIT_TEXT (tb, "x1|x2|x3|x4");
  WAIT_TEXT (ta, "x1|x2|x3|x4");
}

/* The server allows 3 messages at once, then 2 a second. Bob writes ten
 * while it is down; when it is back, the outbox meets rate_limited, waits
 * as told and goes on: all ten arrive, once each, in order. */
#define RATE_LIMITED_CONFIG "[limits]\nmessages_per_minute = 120\nmessage_burst = 3\n"

static gboolean
set_true_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
setup_rate_limited (Fixture *f, gconstpointer data)
{
  cc_test_pair_init_full (&f->pair, 0, RATE_LIMITED_CONFIG);
}

static void
test_outbox_rate_limited (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(GString) pending = g_string_new (NULL);
  g_autoptr(GString) sent = g_string_new (NULL);

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta));
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (tb));

  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.b));
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *body = g_strdup_printf ("r%d", i);

      g_object_unref (cc_test_send (f->pair.b, f->room_id, body));
      g_string_append_printf (pending, "%sr%d…", i ? "|" : "", i);
      g_string_append_printf (sent, "%sr%d", i ? "|" : "", i);
    }
  WAIT_TEXT (tb, pending->str);

  cc_test_server_start (f->pair.srv);
  WAIT_TEXT (tb, sent->str);
  WAIT_TEXT (ta, sent->str);
  /* And nothing more turns up afterwards. */
  {
    gboolean waited = FALSE;

    g_timeout_add (1500, set_true_cb, &waited);
    CC_TEST_WAIT_UNTIL (waited);
  }
  WAIT_TEXT (ta, sent->str);
  WAIT_TEXT (tb, sent->str);
}

static void
test_typing_and_drafts (Fixture *f, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *draft = NULL;
  g_auto(GStrv) names = NULL;

  create_room (f);
  /* Bob must be subscribed to the room's members on the server side:
   * opening the timeline does what the UI does. */
  g_object_unref (cc_client_get_timeline (f->pair.b, f->room_id));

  cc_client_set_draft (f->pair.a, f->room_id, "Half a tho");
  cc_client_set_draft (f->pair.a, f->room_id, "Half a thought");
  for (;;)
    {
      g_strfreev (names);
      names = cc_client_get_typing_names (f->pair.b, f->room_id);
      if (g_strv_length (names) == 1 && g_str_equal (names[0], "Ada Lovelace"))
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (g_strv_length (names), ==, 1);

  /* Cleared composer: Bob sees nobody typing any more. */
  cc_client_set_draft (f->pair.a, f->room_id, "");
  for (;;)
    {
      g_strfreev (names);
      names = cc_client_get_typing_names (f->pair.b, f->room_id);
      if (g_strv_length (names) == 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  cc_client_set_draft (f->pair.a, f->room_id, "Half a thought");

  /* Ada quits with her draft; it is there when she comes back. */
  cc_test_client_quit (&f->pair.a);
  f->pair.a = cc_test_client_open (f->pair.srv, CC_TEST_ADA_EMAIL, f->pair.dir_a, f->pair.login_a);
  cc_client_load_draft_async (f->pair.a, f->room_id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  draft = cc_client_load_draft_finish (f->pair.a, res, NULL);
  g_assert_cmpstr (draft, ==, "Half a thought");
}

static gssize
load_older (CcTimeline *timeline)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gssize n;

  cc_timeline_load_older_async (timeline, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  n = cc_timeline_load_older_finish (timeline, res, &error);
  g_assert_no_error (error);
  return n;
}

static char *
numbered (guint from, guint to)
{
  GString *s = g_string_new (NULL);

  for (guint i = from; i <= to; i++)
    g_string_append_printf (s, "%sm%u", s->len ? "|" : "", i);
  return g_string_free (s, FALSE);
}

/* A long history, a new device: the newest page, then older on request. */
static void
test_history_pages (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tc = NULL;
  g_autoptr(CcClient) c = NULL;
  g_autofree char *dir_c = cc_test_make_tmpdir ();
  g_autofree char *newest = numbered (11, 60);
  g_autofree char *all = numbered (1, 60);

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  for (guint i = 1; i <= 60; i++)
    {
      g_autofree char *body = g_strdup_printf ("m%u", i);
      send_stored (f->pair.a, ta, body);
    }

  c = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, dir_c, f->pair.login_b);
  cc_test_client_go_online (c);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (c, f->room_id) != NULL);
  tc = cc_client_get_timeline (c, f->room_id);
  WAIT_TEXT (tc, newest);
  CC_TEST_WAIT_UNTIL (!cc_timeline_get_loading (tc));
  g_assert_true (cc_timeline_get_has_more (tc));

  g_assert_cmpint (load_older (tc), >=, 10);
  WAIT_TEXT (tc, all);
  while (cc_timeline_get_has_more (tc))
    load_older (tc);
  g_assert_cmpint (load_older (tc), ==, 0);
  WAIT_TEXT (tc, all);

  g_clear_object (&tc);
  cc_test_client_quit (&c);
  cc_test_rm_rf (dir_c);
}

/* Away for longer than the server's log and more than a page: the gap is
 * dropped and filled from the server on request, never shown as if
 * contiguous. */
static void
test_resync_gap (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autofree char *newest = numbered (11, 60);
  g_autofree char *all = NULL;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  send_stored (f->pair.a, ta, "before");
  WAIT_TEXT (tb, "before");
  g_clear_object (&tb);
  cc_test_client_quit (&f->pair.b);

  for (guint i = 1; i <= 60; i++)
    {
      g_autofree char *body = g_strdup_printf ("m%u", i);
      send_stored (f->pair.a, ta, body);
    }

  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  WAIT_TEXT (tb, "before");
  cc_test_client_go_online (f->pair.b);
  WAIT_TEXT (tb, newest);
  while (cc_timeline_get_has_more (tb))
    load_older (tb);
  all = g_strconcat ("before|", numbered (1, 60), NULL);
  WAIT_TEXT (tb, all);
}

static void
on_notification (CcClient *client, CcRoom *room, CcMessage *message, GPtrArray *seen)
{
  g_ptr_array_add (seen, g_strdup (cc_message_get_body (message)));
}

/* A direct message notifies, unless the room is muted; the other
 * person's presence shows on the direct room. */
static void
test_direct_notifications (Fixture *f, gconstpointer data)
{
  g_autoptr(CcRoom) room = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  CcRoom *direct_b;
  const char *room_id;

  g_signal_connect (f->pair.b, "notification", G_CALLBACK (on_notification), seen);
  cc_client_open_direct_async (f->pair.a, bob_id (f), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_open_direct_finish (f->pair.a, res, &error);
  g_assert_no_error (error);
  g_clear_object (&res);
  room_id = cc_room_get_id (room);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (f->pair.b, room_id) != NULL);
  direct_b = cc_client_lookup_room (f->pair.b, room_id);
  g_assert_cmpstr (cc_room_get_room_type (direct_b), ==, "direct");

  /* Ada is connected: Bob's direct room with her shows her online, then
   * idle when she is away from her keyboard. */
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_presence (direct_b), "online") == 0);
  cc_client_set_idle (f->pair.a, TRUE);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_presence (direct_b), "idle") == 0);
  cc_client_set_idle (f->pair.a, FALSE);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_presence (direct_b), "online") == 0);

  ta = cc_client_get_timeline (f->pair.a, room_id);
  tb = cc_client_get_timeline (f->pair.b, room_id);
  send_stored (f->pair.a, ta, "psst");
  WAIT_TEXT (tb, "psst");
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "psst");

  /* Bob mutes the room: messages still come, quietly. */
  cc_client_set_room_muted_async (f->pair.b, room_id, TRUE, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_room_op_finish (f->pair.b, res, &error));
  g_assert_no_error (error);
  g_assert_true (cc_room_get_muted (direct_b));
  send_stored (f->pair.a, ta, "again");
  WAIT_TEXT (tb, "psst|again");
  g_assert_cmpuint (seen->len, ==, 1);

  /* Offline, Bob cannot know whether Ada is there (issue 11, defect 9:
   * the dot stayed green); back online, he can. */
  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (cc_client_get_state (f->pair.b) == CC_SYNC_STATE_OFFLINE);
  g_assert_null (cc_room_get_presence (direct_b));
  cc_test_server_start (f->pair.srv);
  cc_client_reconnect_now (f->pair.a);
  cc_client_reconnect_now (f->pair.b);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_presence (direct_b), "online") == 0);
}

/* The typed calls of the core, awaited; each must succeed. */
static CcRoom *
open_direct (CcClient *client, const char *user_id)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcRoom *room;

  cc_client_open_direct_async (client, user_id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_open_direct_finish (client, res, &error);
  g_assert_no_error (error);
  g_assert_true (cc_client_lookup_room (client, cc_room_get_id (room)) == room);
  return room;
}

/* @member: (nullable): someone added at once. */
static CcRoom *
create (CcClient *client, const char *type, const char *name, const char *member)
{
  const char *members[] = { member, NULL };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcRoom *room;

  cc_client_create_room_async (client, type, name, NULL, FALSE, members, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_create_room_finish (client, res, &error);
  g_assert_no_error (error);
  g_assert_true (cc_client_lookup_room (client, cc_room_get_id (room)) == room);
  return room;
}

static CcRoom *
join (CcClient *client, const char *room_id)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcRoom *room;

  cc_client_join_room_async (client, room_id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_join_room_finish (client, res, &error);
  g_assert_no_error (error);
  return room;
}

/* @body NULL: delete. */
static void
edit (CcClient *client, const char *room_id, const char *message_id, const char *body)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  if (body != NULL)
    cc_client_edit_message_async (client, room_id, message_id, body, NULL, cc_test_result_cb, &res);
  else
    cc_client_delete_message_async (client, room_id, message_id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_message_op_finish (client, res, &error));
  g_assert_no_error (error);
}

/* Issue 11, defect 4: by default only direct messages, group messages,
 * mentions and replies notify (Slack's default); a room can say "all" or
 * "none". The first message of a new direct room notifies too, even when
 * it arrives with the room. */
static void
test_notification_levels (Fixture *f, gconstpointer data)
{
  g_autoptr(CcRoom) direct = NULL;
  g_autoptr(CcRoom) channel = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) first = NULL;
  g_autoptr(CcMessage) m = NULL;
  const char *channel_id;

  g_signal_connect (f->pair.b, "notification", G_CALLBACK (on_notification), seen);

  /* Ada opens a direct room and writes at once. */
  direct = open_direct (f->pair.a, bob_id (f));
  first = cc_test_send (f->pair.a, cc_room_get_id (direct), "first words");
  CC_TEST_WAIT_UNTIL (seen->len == 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "first words");

  /* So does the first message of a new group, written at once. */
  {
    g_autoptr(CcRoom) group = NULL;
    g_autoptr(CcMessage) hello = NULL;

    group = create (f->pair.a, "group", "lunch", bob_id (f));
    hello = cc_test_send (f->pair.a, cc_room_get_id (group), "group hello");
    CC_TEST_WAIT_UNTIL (seen->len == 2);
    g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "group hello");
    g_ptr_array_remove_index (seen, 1);
  }

  /* A channel: chatter is quiet, a mention or a reply to Bob is not. */
  channel = create (f->pair.a, "channel", "town-square", bob_id (f));
  channel_id = cc_room_get_id (channel);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (f->pair.b, channel_id) != NULL);
  tb = cc_client_get_timeline (f->pair.b, channel_id);
  g_clear_object (&m);
  m = cc_test_send (f->pair.a, channel_id, "chatter");
  g_clear_object (&m);
  m = cc_test_send (f->pair.a, channel_id, "ping @bob");
  WAIT_TEXT (tb, "chatter|ping @bob");
  CC_TEST_WAIT_UNTIL (seen->len == 2);
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "ping @bob");

  g_clear_object (&m);
  m = cc_test_send (f->pair.b, channel_id, "my question");
  WAIT_TEXT (tb, "chatter|ping @bob|my question");
  CC_TEST_WAIT_UNTIL (cc_message_get_state (cc_timeline_lookup (tb, cc_message_get_txn_id (m))) ==
                      CC_MESSAGE_STATE_STORED);
  {
    CcMessage *shown = cc_timeline_lookup (tb, cc_message_get_txn_id (m));
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(CcMessage) reply = NULL;

    cc_client_send_message_async (f->pair.a, channel_id, "an answer", cc_message_get_id (shown), NULL,
                                  cc_test_result_cb, &res);
    CC_TEST_AWAIT (res);
    reply = cc_client_send_message_finish (f->pair.a, res, &error);
    g_assert_no_error (error);
  }
  WAIT_TEXT (tb, "chatter|ping @bob|my question|an answer");
  CC_TEST_WAIT_UNTIL (seen->len == 3);
  g_assert_cmpstr (g_ptr_array_index (seen, 2), ==, "an answer");

  /* "All messages" in this room, kept across a restart of Bob's app. */
  cc_client_set_notify_level (f->pair.b, channel_id, CC_NOTIFY_ALL);
  g_clear_object (&tb);
  cc_test_client_quit (&f->pair.b);
  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  cc_test_client_go_online (f->pair.b);
  g_assert_cmpint (cc_room_get_notify_level (cc_client_lookup_room (f->pair.b, channel_id)), ==, CC_NOTIFY_ALL);
  g_signal_connect (f->pair.b, "notification", G_CALLBACK (on_notification), seen);
  tb = cc_client_get_timeline (f->pair.b, channel_id);
  g_clear_object (&m);
  m = cc_test_send (f->pair.a, channel_id, "more chatter");
  CC_TEST_WAIT_UNTIL (seen->len == 4);
  g_assert_cmpstr (g_ptr_array_index (seen, 3), ==, "more chatter");

  /* Nothing: not even a mention. */
  cc_client_set_notify_level (f->pair.b, channel_id, CC_NOTIFY_NONE);
  g_clear_object (&m);
  m = cc_test_send (f->pair.a, channel_id, "hey @bob");
  g_clear_object (&m);
  m = cc_test_send (f->pair.a, cc_room_get_id (direct), "and in private");
  CC_TEST_WAIT_UNTIL (seen->len == 5);
  g_assert_cmpstr (g_ptr_array_index (seen, 4), ==, "and in private");
  WAIT_TEXT (tb, "chatter|ping @bob|my question|an answer|more chatter|hey @bob");
  g_assert_cmpuint (seen->len, ==, 5);
}

/* Ada corrects and then deletes a message: Bob sees the correction with
 * its mark, then a tombstone in the same place, also after a restart. */
static void
test_edit_and_delete (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autofree char *id = NULL;
  CcMessage *shown;
  g_autoptr(CcMessage) quote = NULL;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  send_stored (f->pair.a, ta, "see you at 5");
  send_stored (f->pair.a, ta, "bring cake");
  WAIT_TEXT (tb, "see you at 5|bring cake");
  {
    g_autoptr(CcMessage) first = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (ta)) && id == NULL; i++)
      {
        g_clear_object (&first);
        first = g_list_model_get_item (G_LIST_MODEL (ta), i);
        if (g_strcmp0 (cc_message_get_body (first), "see you at 5") == 0)
          id = g_strdup (cc_message_get_id (first));
      }
  }
  g_assert_nonnull (id);

  /* Bob answers it: his quote follows the edit without a reload (issue
   * 11, defect 9). */
  {
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(CcMessage) reply = NULL;

    cc_client_send_message_async (f->pair.b, f->room_id, "ok", id, NULL, cc_test_result_cb, &res);
    CC_TEST_AWAIT (res);
    reply = cc_client_send_message_finish (f->pair.b, res, &error);
    g_assert_no_error (error);
    WAIT_TEXT (ta, "see you at 5|bring cake|ok");
    WAIT_TEXT (tb, "see you at 5|bring cake|ok");
    quote = g_object_ref (cc_timeline_lookup (tb, cc_message_get_txn_id (reply)));
  }
  g_assert_cmpstr (cc_message_get_reply_to_excerpt (quote), ==, "see you at 5");

  edit (f->pair.a, f->room_id, id, "see you at 6");
  WAIT_TEXT (tb, "see you at 6|bring cake|ok");
  shown = cc_timeline_lookup (tb, id);
  g_assert_nonnull (shown);
  CC_TEST_WAIT_UNTIL (cc_message_get_edited_at (shown) > 0);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_message_get_reply_to_excerpt (quote), "see you at 6") == 0);

  edit (f->pair.a, f->room_id, id, NULL);
  CC_TEST_WAIT_UNTIL (cc_message_get_deleted (shown));
  g_assert_cmpstr (cc_message_get_body (shown), ==, "");
  WAIT_TEXT (ta, "(deleted)|bring cake|ok");

  /* From Bob's cache after a restart: the same. */
  g_clear_object (&tb);
  cc_test_client_quit (&f->pair.b);
  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  WAIT_TEXT (tb, "(deleted)|bring cake|ok");
  g_assert_true (cc_message_get_deleted (cc_timeline_lookup (tb, id)));
}

static char *
find_id (CcTimeline *timeline, const char *body)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (timeline)); i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (timeline), i);

      if (g_strcmp0 (cc_message_get_body (m), body) == 0)
        return g_strdup (cc_message_get_id (m));
    }
  return NULL;
}

#define WAIT_EXCERPT(client, room_id, expected) \
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_last_message_excerpt ( \
                        cc_client_lookup_room ((client), (room_id))), (expected)) == 0)

/* The room list's excerpt follows edits and deletions of the last message,
 * for the one who made them and for the others (who have not opened the
 * room), and it is kept in the cache. Changes to older messages leave it. */
static void
test_preview_follows_edit_and_delete (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  send_stored (f->pair.a, ta, "agenda attached");
  send_stored (f->pair.a, ta, "meeting at noon");
  first = find_id (ta, "agenda attached");
  last = find_id (ta, "meeting at noon");
  g_assert_nonnull (first);
  g_assert_nonnull (last);
  WAIT_EXCERPT (f->pair.b, f->room_id, "meeting at noon");
  g_assert_cmpstr (cc_room_get_last_message_excerpt (cc_client_lookup_room (f->pair.a, f->room_id)),
                   ==, "meeting at noon");

  /* An older message: the preview stays. */
  edit (f->pair.a, f->room_id, first, "agenda v2 attached");
  WAIT_TEXT (ta, "agenda v2 attached|meeting at noon");

  /* The last message edited. */
  edit (f->pair.a, f->room_id, last, "meeting at one");
  g_assert_cmpstr (cc_room_get_last_message_excerpt (cc_client_lookup_room (f->pair.a, f->room_id)),
                   ==, "meeting at one");
  WAIT_EXCERPT (f->pair.b, f->room_id, "meeting at one");

  /* Then deleted: the message before it shows (as in Slack), not "No
   * messages yet" (issue 11, defect 2). */
  edit (f->pair.a, f->room_id, last, NULL);
  WAIT_EXCERPT (f->pair.a, f->room_id, "agenda v2 attached");
  WAIT_EXCERPT (f->pair.b, f->room_id, "agenda v2 attached");

  /* Bob's cache after a restart, before any sync: the same; and after the
   * server's room list (whose preview is the deleted message). */
  cc_test_client_quit (&f->pair.b);
  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  g_assert_nonnull (cc_client_lookup_room (f->pair.b, f->room_id));
  g_assert_cmpstr (cc_room_get_last_message_excerpt (cc_client_lookup_room (f->pair.b, f->room_id)),
                   ==, "agenda v2 attached");
  cc_test_client_go_online (f->pair.b);
  WAIT_EXCERPT (f->pair.b, f->room_id, "agenda v2 attached");

  /* A client whose cache never held the room asks the server. */
  cc_test_client_quit (&f->pair.b);
  cc_test_rm_rf (f->pair.dir_b);
  g_mkdir_with_parents (f->pair.dir_b, 0700);
  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  cc_test_client_go_online (f->pair.b);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (f->pair.b, f->room_id) != NULL);
  WAIT_EXCERPT (f->pair.b, f->room_id, "agenda v2 attached");
}

/* Issue 11, defect 3: what we did ourselves is no unread news. Ada
 * creates a group and a channel, Bob joins the channel: the system lines
 * ("Ada created the room", "Bob joined") leave every badge at 0. */
static void
test_own_actions_not_unread (Fixture *f, gconstpointer data)
{
  g_autoptr(CcRoom) channel = NULL;
  g_autoptr(CcRoom) joined = NULL;
  const char *channel_id;
  CcRoom *room;

  create_room (f);
  room = cc_client_lookup_room (f->pair.a, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_room_get_last_message_seq (room) > 0);
  g_assert_cmpuint (cc_room_get_unread_count (room), ==, 0);
  room = cc_client_lookup_room (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_room_get_last_message_seq (room) > 0);
  g_assert_cmpuint (cc_room_get_unread_count (room), ==, 0);

  channel = create (f->pair.a, "channel", "announcements", NULL);
  channel_id = cc_room_get_id (channel);
  joined = join (f->pair.b, channel_id);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (f->pair.b, channel_id) != NULL);
  room = cc_client_lookup_room (f->pair.b, channel_id);
  /* "Ada created …" then "Bob joined": the preview shows the join. */
  CC_TEST_WAIT_UNTIL (g_strrstr (cc_room_get_last_message_excerpt (room) ? cc_room_get_last_message_excerpt (room) : "",
                                 "joined") != NULL);
  g_assert_cmpuint (cc_room_get_unread_count (room), ==, 0);
  room = cc_client_lookup_room (f->pair.a, channel_id);
  CC_TEST_WAIT_UNTIL (g_strrstr (cc_room_get_last_message_excerpt (room) ? cc_room_get_last_message_excerpt (room) : "",
                                 "joined") != NULL);
  g_assert_cmpuint (cc_room_get_unread_count (room), ==, 0);
  g_assert_cmpuint (cc_client_get_unread_total (f->pair.a), ==, 0);
}

/* Issue 11, defect 7: with a long backoff wait ahead, "Reconnect now" and
 * the network coming back connect at once. */
static void
test_reconnect_now (Fixture *f, gconstpointer data)
{
  gint64 start;

  /* Waits of 15 to 30 s between tries from here on. */
  cc_sync_set_backoff (cc_client_get_sync (f->pair.b), 30000, 30000);

  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.b));
  CC_TEST_WAIT_UNTIL (cc_client_get_state (f->pair.b) == CC_SYNC_STATE_OFFLINE);
  cc_test_server_start (f->pair.srv);
  start = g_get_monotonic_time ();
  cc_client_reconnect_now (f->pair.b);
  CC_TEST_WAIT_UNTIL (cc_client_get_online (f->pair.b));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (cc_client_get_state (f->pair.b) == CC_SYNC_STATE_OFFLINE);
  cc_test_server_start (f->pair.srv);
  start = g_get_monotonic_time ();
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  CC_TEST_WAIT_UNTIL (cc_client_get_online (f->pair.b));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
on_signed_out (CcClient *client, guint *count)
{
  (*count)++;
}

/* The session is revoked elsewhere (sign out on another device, an
 * admin): the app hears it and stops retrying. */
static void
test_revoked_session (Fixture *f, gconstpointer data)
{
  g_autoptr(CcApi) api = cc_api_new (f->pair.srv->url);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint signed_out = 0;

  g_signal_connect (f->pair.b, "signed-out", G_CALLBACK (on_signed_out), &signed_out);
  cc_api_set_token (api, json_object_get_string_member (f->pair.login_b, "token"));
  cc_api_request_async (api, "POST", "/api/auth/logout", NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  node = cc_api_request_finish (api, res, NULL, NULL, &error);
  g_assert_no_error (error);

  CC_TEST_WAIT_UNTIL (signed_out == 1);
  g_assert_false (cc_client_get_online (f->pair.b));
  g_assert_nonnull (cc_sync_get_error (cc_client_get_sync (f->pair.b)));
  /* Ada is unaffected. */
  g_assert_true (cc_client_get_online (f->pair.a));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/client-core/server/live-and-missed", Fixture, NULL, setup, test_live_and_missed, teardown);
  g_test_add ("/client-core/server/resync-required", Fixture, GUINT_TO_POINTER (5), setup,
              test_resync_required, teardown);
  g_test_add ("/client-core/server/outbox-across-server-restart", Fixture, NULL, setup,
              test_outbox_across_server_restart, teardown);
  g_test_add ("/client-core/server/history-pages", Fixture, NULL, setup, test_history_pages, teardown);
  g_test_add ("/client-core/server/outbox-rate-limited", Fixture, NULL, setup_rate_limited,
              test_outbox_rate_limited, teardown);
  g_test_add ("/client-core/server/resync-gap", Fixture, GUINT_TO_POINTER (5), setup, test_resync_gap, teardown);
  g_test_add ("/client-core/server/direct-notifications", Fixture, NULL, setup,
              test_direct_notifications, teardown);
  g_test_add ("/client-core/server/edit-and-delete", Fixture, NULL, setup, test_edit_and_delete, teardown);
  g_test_add ("/client-core/server/preview-follows-edit-and-delete", Fixture, NULL, setup,
              test_preview_follows_edit_and_delete, teardown);
  g_test_add ("/client-core/server/own-actions-not-unread", Fixture, NULL, setup,
              test_own_actions_not_unread, teardown);
  g_test_add ("/client-core/server/notification-levels", Fixture, NULL, setup,
              test_notification_levels, teardown);
  g_test_add ("/client-core/server/reconnect-now", Fixture, NULL, setup, test_reconnect_now, teardown);
  g_test_add ("/client-core/server/revoked-session", Fixture, NULL, setup, test_revoked_session, teardown);
  g_test_add ("/client-core/server/typing-and-drafts", Fixture, NULL, setup, test_typing_and_drafts, teardown);

  return g_test_run ();
}
