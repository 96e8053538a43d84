/* test-cc-activity.c: the Activity list against the real server: Bob
 * mentions Ada, her list shows it live with an unread count; marking it
 * read reaches the server and her second client; reading the room marks
 * the entry read; a pending invitation is listed, and everything shows
 * again from the cache with the server stopped.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-activity.h"
#include "cc-invitation.h"
#include "cc-room.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

static guint
server_unread (CcTestPair *p)
{
  g_autoptr(CcApi) api = cc_api_new (p->srv->url);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  cc_api_set_token (api, json_object_get_string_member (p->login_a, "token"));
  cc_api_request_async (api, "GET", "/api/notifications?unread=true", NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  reply = cc_api_request_finish_object (api, res, &error);
  g_assert_no_error (error);
  return json_array_get_length (json_object_get_array_member (reply, "notifications"));
}

static void
test_flow (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autofree char *dir_a2 = cc_test_make_tmpdir ();
  g_autoptr(CcMessage) m1 = NULL, m2 = NULL, m3 = NULL;
  g_autoptr(CcInvitation) sent = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcApi) bob_api = NULL;
  CcClient *a2;
  CcActivity *act, *act2;
  GListModel *items;
  g_autoptr(CcNotification) first = NULL;

  cc_test_pair_init (&p, 0);
  room_id = cc_test_pair_create_group (&p, "Plans");
  act = cc_client_get_activity (p.a);
  items = cc_activity_get_items (act);
  a2 = cc_test_client_open (p.srv, CC_TEST_ADA_EMAIL, dir_a2, p.login_a);
  cc_test_client_go_online (a2);
  act2 = cc_client_get_activity (a2);

  /* Live: a mention, then another. */
  m1 = cc_test_send (p.b, room_id, "@ada the budget, please");
  CC_TEST_WAIT_UNTIL (g_list_model_get_n_items (items) == 1);
  g_assert_cmpuint (cc_activity_get_unread_count (act), ==, 1);
  m2 = cc_test_send (p.b, room_id, "@ada and the slides");
  CC_TEST_WAIT_UNTIL (cc_activity_get_unread_count (act) == 2 && cc_activity_get_unread_count (act2) == 2);
  first = g_list_model_get_item (items, 0);
  g_assert_cmpint (cc_notification_get_kind (first), ==, CC_NOTIFICATION_MENTION);
  g_assert_cmpstr (cc_notification_get_room_id (first), ==, room_id);
  g_assert_nonnull (cc_notification_get_message_id (first));
  g_assert_cmpint (cc_notification_get_message_seq (first), >, 0);
  g_assert_false (cc_notification_get_read (first));

  /* Marked read in one window: the server and the other window agree. */
  cc_activity_mark_read (act, cc_notification_get_id (first));
  g_assert_cmpuint (cc_activity_get_unread_count (act), ==, 1);
  CC_TEST_WAIT_UNTIL (cc_activity_get_unread_count (act2) == 1);
  CC_TEST_WAIT_UNTIL (server_unread (&p) == 1);

  /* Reading the room reads the rest. */
  {
    CcRoom *room = cc_client_lookup_room (p.a, room_id);

    g_assert_nonnull (room);
    CC_TEST_WAIT_UNTIL (cc_room_get_last_message_seq (room) > 0);
    cc_client_mark_read (p.a, room_id, cc_room_get_last_message_seq (room));
  }
  CC_TEST_WAIT_UNTIL (cc_activity_get_unread_count (act) == 0 && cc_activity_get_unread_count (act2) == 0);
  g_assert_cmpuint (server_unread (&p), ==, 0);

  /* Mark all read. */
  m3 = cc_test_send (p.b, room_id, "@ada one more");
  CC_TEST_WAIT_UNTIL (cc_activity_get_unread_count (act2) == 1 && cc_activity_get_unread_count (act) == 1);
  cc_activity_mark_all_read (act2);
  CC_TEST_WAIT_UNTIL (cc_activity_get_unread_count (act) == 0);
  g_assert_cmpuint (server_unread (&p), ==, 0);

  /* A pending invitation: Bob's own room, Ada invited by email. */
  {
    g_autoptr(JsonObject) body = json_object_new ();
    g_autoptr(JsonObject) room = NULL;
    g_autoptr(GAsyncResult) r2 = NULL;

    bob_api = cc_api_new (p.srv->url);
    cc_api_set_token (bob_api, json_object_get_string_member (p.login_b, "token"));
    json_object_set_string_member (body, "type", "channel");
    json_object_set_string_member (body, "name", "bobs-den");
    cc_api_request_async (bob_api, "POST", "/api/rooms", body, NULL, cc_test_result_cb, &r2);
    CC_TEST_AWAIT (r2);
    room = cc_api_request_finish_object (bob_api, r2, &error);
    g_assert_no_error (error);
    cc_invitation_create_async (bob_api, json_object_get_string_member (room, "id"), CC_TEST_ADA_EMAIL,
                                "Come along", NULL, cc_test_result_cb, &res);
    CC_TEST_AWAIT (res);
    sent = cc_invitation_create_finish (bob_api, res, &error);
    g_assert_no_error (error);
  }
  CC_TEST_WAIT_UNTIL (g_list_model_get_n_items (cc_activity_get_invitations (act)) == 1);
  /* The invitation is also a notification of its own. */
  CC_TEST_WAIT_UNTIL (g_list_model_get_n_items (items) == 4);
  g_assert_cmpuint (cc_activity_get_unread_count (act), ==, 1);
  {
    g_autoptr(CcInvitation) inv = g_list_model_get_item (cc_activity_get_invitations (act), 0);

    g_assert_cmpstr (cc_invitation_get_room_name (inv), ==, "bobs-den");
    g_assert_cmpstr (cc_invitation_get_message (inv), ==, "Come along");
    g_assert_nonnull (cc_invitation_get_token (inv));
  }

  /* Offline, after a restart: the cache shows the list. */
  cc_test_client_quit (&a2);
  cc_test_client_quit (&p.a);
  cc_test_server_stop (p.srv);
  p.a = cc_test_client_open (p.srv, CC_TEST_ADA_EMAIL, p.dir_a, p.login_a);
  act = cc_client_get_activity (p.a);
  CC_TEST_WAIT_UNTIL (g_list_model_get_n_items (cc_activity_get_items (act)) == 4 &&
                      g_list_model_get_n_items (cc_activity_get_invitations (act)) == 1);
  g_assert_cmpuint (cc_activity_get_unread_count (act), ==, 1);

  cc_test_pair_clear (&p);
  cc_test_rm_rf (dir_a2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/activity/flow", test_flow);
  return g_test_run ();
}
