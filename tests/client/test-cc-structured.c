/* test-cc-structured.c: what the server writes for people to read reaches
 * the app as data, and the app writes it (issue 11): system lines and
 * Activity titles from their data (a line cached before shows its body);
 * a status text changed by someone reaches the others' member lists
 * without a reload; a message that waited in the outbox shows, to its
 * sender and its readers, the time Send was pressed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-json.h"
#include "cau-time.h"
#include "cc-members.h"
#include "cc-notification.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *obj = cau_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  return obj;
}

/* The text comes from the data, not from the server's sentence; without
 * data (cached before), or of a kind unknown here, the sentence shows. */
static void
test_system_text (void)
{
  g_autoptr(JsonObject) with = parse ("{\"id\":\"m1\",\"room_id\":\"r\",\"seq\":1,\"kind\":\"system\","
                                      "\"body\":\"(server sentence)\",\"system\":{\"kind\":\"member.role\","
                                      "\"actor\":{\"id\":\"a\",\"display_name\":\"Ada\"},"
                                      "\"target\":{\"id\":\"b\",\"display_name\":\"Bob\"},\"role\":\"admin\"}}");
  g_autoptr(JsonObject) old = parse ("{\"id\":\"m2\",\"room_id\":\"r\",\"seq\":2,\"kind\":\"system\","
                                     "\"body\":\"Ada added Bob\"}");
  g_autoptr(JsonObject) unknown = parse ("{\"id\":\"m3\",\"room_id\":\"r\",\"seq\":3,\"kind\":\"system\","
                                         "\"body\":\"Ada did a new thing\",\"system\":{\"kind\":\"room.teleported\"}}");
  g_autoptr(CcMessage) a = cc_message_new_from_json (with);
  g_autoptr(CcMessage) b = cc_message_new_from_json (old);
  g_autoptr(CcMessage) c = cc_message_new_from_json (unknown);
  g_autofree char *ta = cc_message_dup_system_text (a);
  g_autofree char *tb = cc_message_dup_system_text (b);
  g_autofree char *tc = cc_message_dup_system_text (c);
  g_autoptr(JsonObject) round = NULL;
  g_autoptr(CcMessage) again = NULL;
  g_autofree char *tagain = NULL;

  g_assert_cmpstr (cc_message_get_system_kind (a), ==, "member.role");
  g_assert_cmpstr (ta, ==, "Ada made Bob an admin");
  g_assert_null (cc_message_get_system_kind (b));
  g_assert_cmpstr (tb, ==, "Ada added Bob");
  g_assert_cmpstr (tc, ==, "Ada did a new thing");

  /* What the cache stores keeps the data. */
  round = cc_message_to_json (a);
  again = cc_message_new_from_json (round);
  tagain = cc_message_dup_system_text (again);
  g_assert_cmpstr (tagain, ==, "Ada made Bob an admin");
}

/* Activity titles from who and where; the server's title for old entries. */
static void
test_notification_title (void)
{
  g_autoptr(JsonObject) mention = parse ("{\"id\":\"n1\",\"type\":\"mention\",\"title\":\"(server title)\","
                                         "\"body\":\"look\",\"actor_name\":\"Bob\",\"room_name\":\"Budget\"}");
  g_autoptr(JsonObject) invitation = parse ("{\"id\":\"n2\",\"type\":\"invitation\",\"title\":\"(server title)\","
                                            "\"body\":\"\",\"actor_name\":\"Bob\",\"room_name\":\"Secret\"}");
  g_autoptr(JsonObject) old = parse ("{\"id\":\"n3\",\"type\":\"mention\",\"title\":\"Bob mentioned you in X\","
                                     "\"body\":\"\"}");
  g_autoptr(CcNotification) n1 = cc_notification_new_from_json (mention);
  g_autoptr(CcNotification) n2 = cc_notification_new_from_json (invitation);
  g_autoptr(CcNotification) n3 = cc_notification_new_from_json (old);
  g_autoptr(JsonObject) round = cc_notification_to_json (n1);
  g_autoptr(CcNotification) again = cc_notification_new_from_json (round);

  g_assert_cmpstr (cc_notification_get_title (n1), ==, "Bob mentioned you in Budget");
  g_assert_cmpstr (cc_notification_get_title (n2), ==, "Bob invited you to Secret");
  g_assert_cmpstr (cc_notification_get_title (n3), ==, "Bob mentioned you in X");
  g_assert_cmpstr (cc_notification_get_title (again), ==, "Bob mentioned you in Budget");
}

static CcMessage *
find_system (CcTimeline *timeline,
             const char *kind)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (timeline)); i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (timeline), i);

      if (g_strcmp0 (cc_message_get_system_kind (m), kind) == 0)
        return m;
    }
  return NULL;
}

static CcMessage *
find_body (CcTimeline *timeline,
           const char *body)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (timeline)); i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (timeline), i);

      if (g_strcmp0 (cc_message_get_body (m), body) == 0)
        return m;
    }
  return NULL;
}

/* Against the real server: the room's first line, as Bob's app has it. */
static void
test_system_line_live (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(CcTimeline) timeline = NULL;
  g_autofree char *text = NULL;
  CcRoom *room;

  cc_test_pair_init (&p, 0);
  room_id = cc_test_pair_create_group (&p, "Design");
  timeline = cc_client_get_timeline (p.b, room_id);
  CC_TEST_WAIT_UNTIL (find_system (timeline, "room.created") != NULL);
  text = cc_message_dup_system_text (find_system (timeline, "room.created"));
  g_assert_cmpstr (text, ==, "Ada Lovelace created the room “Design”");
  /* The room list's preview is written the same way. */
  room = cc_client_lookup_room (p.b, room_id);
  g_assert_nonnull (room);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_last_message_excerpt (room),
                                 "Ada Lovelace created the room “Design”") == 0);
  cc_test_pair_clear (&p);
}

static CcMember *
member_of (GListModel *model,
           const char *user_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CcMember) m = g_list_model_get_item (model, i);

      if (g_strcmp0 (cc_member_get_user_id (m), user_id) == 0)
        return m;
    }
  return NULL;
}

static const char *
status_of (GListModel *model,
           const char *user_id)
{
  CcMember *m = member_of (model, user_id);

  return m ? cc_user_get_status_text (cc_member_get_user (m)) : NULL;
}

/* Ada's member list, loaded before, follows Bob's status text live. */
static void
test_status_text_live (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(GListModel) members = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  const char *bob;

  cc_test_pair_init (&p, 0);
  bob = cc_test_pair_bob_id (&p);
  room_id = cc_test_pair_create_group (&p, "Status");
  members = cc_client_get_members (p.a, room_id);
  CC_TEST_WAIT_UNTIL (member_of (members, bob) != NULL);
  g_assert_cmpstr (status_of (members, bob), ==, "");

  cc_client_set_status_text_async (p.b, "In a meeting", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_set_status_text_finish (p.b, res, &error));
  CC_TEST_WAIT_UNTIL (g_strcmp0 (status_of (members, bob), "In a meeting") == 0);
  /* The direct-room header reads the user object. */
  CC_TEST_WAIT_UNTIL (cc_client_lookup_user (p.a, bob) != NULL &&
                      g_strcmp0 (cc_user_get_status_text (cc_client_lookup_user (p.a, bob)), "In a meeting") == 0);
  cc_test_pair_clear (&p);
}

/* A message that waited (here: queued two hours ago, as after a night
 * offline) shows the time it was written, to Bob and to Ada. */
static void
test_written_at (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(CcTimeline) mine = NULL, theirs = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stamp = NULL;
  gint64 written;
  CcMessage *m;

  cc_test_pair_init (&p, 0);
  room_id = cc_test_pair_create_group (&p, "Train");
  mine = cc_client_get_timeline (p.b, room_id);
  theirs = cc_client_get_timeline (p.a, room_id);
  /* Milliseconds as the wire carries them. */
  stamp = cau_time_format (cau_time_now_ms () - 2 * 3600 * 1000);
  g_assert_true (cau_time_parse (stamp, &written));

  cc_cache_outbox_add_async (cc_client_get_cache (p.b), "txn-train-1", room_id, "written on the train",
                             NULL, written, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_cache_finish (cc_client_get_cache (p.b), res, &error));
  g_assert_no_error (error);
  cc_outbox_flush (cc_client_get_outbox (p.b));

  CC_TEST_WAIT_UNTIL ((m = find_body (theirs, "written on the train")) != NULL);
  g_assert_cmpint (cc_message_get_written_at (m), ==, written);
  g_assert_cmpint (cc_message_get_created_at (m), >, written + 3600 * 1000);
  CC_TEST_WAIT_UNTIL ((m = find_body (mine, "written on the train")) != NULL &&
                      cc_message_get_state (m) == CC_MESSAGE_STATE_STORED);
  g_assert_cmpint (cc_message_get_written_at (m), ==, written);

  /* Sent at once: no written time, the delivery's is shown. */
  {
    g_autoptr(CcMessage) now = cc_test_send (p.b, room_id, "sent at once");

    CC_TEST_WAIT_UNTIL ((m = find_body (theirs, "sent at once")) != NULL);
    g_assert_cmpint (cc_message_get_written_at (m), ==, cc_message_get_created_at (m));
  }
  cc_test_pair_clear (&p);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-core/structured/system-text", test_system_text);
  g_test_add_func ("/client-core/structured/notification-title", test_notification_title);
  g_test_add_func ("/client-core/structured/system-line-live", test_system_line_live);
  g_test_add_func ("/client-core/structured/status-text-live", test_status_text_live);
  g_test_add_func ("/client-core/structured/written-at", test_written_at);
  return g_test_run ();
}
