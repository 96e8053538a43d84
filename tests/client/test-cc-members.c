/* test-cc-members.c: people in a room against the real server: the
 * colleague search without current members, add, change a role (the
 * member's own role follows live), remove, leave; the role rules the UI
 * follows; "Last seen …" sentences and presence after a client quits;
 * status text.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-members.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

static void
test_rules (void)
{
  g_auto(GStrv) owner = cc_room_role_assignable ("owner");
  g_auto(GStrv) admin = cc_room_role_assignable ("admin");
  g_auto(GStrv) member = cc_room_role_assignable ("member");
  g_auto(GStrv) guest = cc_room_role_assignable ("guest");

  g_autofree char *o = g_strjoinv (",", owner);
  g_autofree char *a = g_strjoinv (",", admin);
  g_autofree char *m = g_strjoinv (",", member);

  g_assert_cmpstr (o, ==, "owner,admin,member,guest");
  g_assert_cmpstr (a, ==, "admin,member,guest");
  g_assert_cmpstr (m, ==, "member,guest");
  g_assert_cmpuint (g_strv_length (guest), ==, 0);

  g_assert_true (cc_room_role_can_add ("owner"));
  g_assert_true (cc_room_role_can_add ("member"));
  g_assert_false (cc_room_role_can_add ("guest"));
  g_assert_false (cc_room_role_can_add (NULL));

  g_assert_true (cc_room_role_can_manage ("owner", "owner"));
  g_assert_true (cc_room_role_can_manage ("owner", "admin"));
  g_assert_true (cc_room_role_can_manage ("admin", "member"));
  g_assert_true (cc_room_role_can_manage ("admin", "admin"));
  g_assert_false (cc_room_role_can_manage ("admin", "owner"));
  g_assert_false (cc_room_role_can_manage ("member", "guest"));
  g_assert_false (cc_room_role_can_manage ("guest", "member"));
}

static gint64
local_ms (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (y, mo, d, h, mi, 0);

  return g_date_time_to_unix (t) * 1000;
}

static void
test_last_seen (void)
{
  gint64 now = local_ms (2026, 3, 11, 16, 30);
  struct { gint64 seen; const char *want; } cases[] = {
    { now - 20 * 1000, "Last seen just now" },
    { now - 60 * 1000, "Last seen 1 minute ago" },
    { now - 5 * 60 * 1000, "Last seen 5 minutes ago" },
    { now - 2 * 3600 * 1000, "Last seen 2 hours ago" },
    { local_ms (2026, 3, 11, 9, 5), "Last seen today at 09:05" },
    { local_ms (2026, 3, 10, 14, 2), "Last seen yesterday at 14:02" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = cc_format_last_seen ("offline", cases[i].seen, now);
      g_assert_cmpstr (text, ==, cases[i].want);
    }
  {
    g_autofree char *online = cc_format_last_seen ("online", 0, now);
    g_autofree char *older = cc_format_last_seen ("offline", local_ms (2026, 1, 3, 8, 0), now);
    g_autofree char *lastyear = cc_format_last_seen ("offline", local_ms (2025, 1, 3, 8, 0), now);

    g_assert_cmpstr (online, ==, "Online");
    g_assert_null (cc_format_last_seen ("offline", 0, now));
    g_assert_true (g_str_has_prefix (older, "Last seen on "));
    g_assert_true (g_str_has_suffix (older, "January"));
    g_assert_true (g_str_has_suffix (lastyear, "2025"));
  }
}

static gboolean
model_has_user (GListModel *model,
                const char *user_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      const char *id = CC_IS_MEMBER (item) ? cc_member_get_user_id (CC_MEMBER (item))
                                           : cc_user_get_id (CC_USER (item));
      if (g_strcmp0 (id, user_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static CcMember *
find_member (GListModel *model,
             const char *user_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CcMember) m = g_list_model_get_item (model, i);
      if (g_strcmp0 (cc_member_get_user_id (m), user_id) == 0)
        return m;   /* the store keeps a ref */
    }
  return NULL;
}

static GListModel *
search (CcClient   *client,
        const char *query,
        const char *room_id)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *users;

  cc_client_search_users_async (client, query, room_id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  users = cc_client_search_users_finish (client, res, &error);
  g_assert_no_error (error);
  return users;
}

#define MEMBER_OP(client, call, ...) G_STMT_START {                       \
    g_autoptr(GAsyncResult) op_res = NULL;                                \
    g_autoptr(GError) op_error = NULL;                                    \
    call (client, __VA_ARGS__, NULL, cc_test_result_cb, &op_res);         \
    CC_TEST_AWAIT (op_res);                                               \
    g_assert_true (cc_client_member_op_finish (client, op_res, &op_error)); \
    g_assert_no_error (op_error);                                         \
  } G_STMT_END

static void
test_operations (void)
{
  CcTestPair p;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcRoom) room = NULL;
  g_autoptr(GListModel) found = NULL;
  g_autoptr(GListModel) again = NULL;
  g_autoptr(GListModel) members_a = NULL;
  g_autoptr(GListModel) members_b = NULL;
  const char *bob;
  const char *ada;
  const char *room_id;

  cc_test_pair_init (&p, 0);
  bob = cc_test_pair_bob_id (&p);
  ada = cc_account_get_user_id (cc_client_get_account (p.a));

  /* A project room with nobody else in it. */
  cc_client_create_room_async (p.a, "project", "Apollo", NULL, FALSE, NULL, NULL,
                               cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_create_room_finish (p.a, res, &error);
  g_assert_no_error (error);
  room_id = cc_room_get_id (room);
  g_assert_cmpstr (cc_room_get_room_type (cc_client_lookup_room (p.a, room_id)), ==, "project");
  g_assert_cmpstr (cc_room_get_my_role (cc_client_lookup_room (p.a, room_id)), ==, "owner");

  members_a = cc_client_get_members (p.a, room_id);
  CC_TEST_WAIT_UNTIL (g_list_model_get_n_items (members_a) == 1);

  /* The picker: Bob is offered, Ada (the caller) is not. */
  found = search (p.a, "", room_id);
  g_assert_true (model_has_user (found, bob));
  g_assert_false (model_has_user (found, ada));

  /* Add: Bob sees the room appear; both member lists say so. */
  MEMBER_OP (p.a, cc_client_add_member_async, room_id, bob, NULL);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p.b, room_id) != NULL);
  CC_TEST_WAIT_UNTIL (model_has_user (members_a, bob));
  g_assert_cmpstr (cc_member_get_role (find_member (members_a, bob)), ==, "member");
  members_b = cc_client_get_members (p.b, room_id);
  CC_TEST_WAIT_UNTIL (g_list_model_get_n_items (members_b) == 2);

  /* Current members are no longer offered. */
  again = search (p.a, "bob", room_id);
  g_assert_false (model_has_user (again, bob));

  /* Bob, a member, may not change roles: the server refuses too. */
  {
    g_autoptr(GAsyncResult) r = NULL;
    g_autoptr(GError) e = NULL;

    cc_client_set_member_role_async (p.b, room_id, ada, "member", NULL, cc_test_result_cb, &r);
    CC_TEST_AWAIT (r);
    g_assert_false (cc_client_member_op_finish (p.b, r, &e));
    g_assert_nonnull (e);
  }

  /* Make Bob admin: his own room knows his new role (live, over the
   * WebSocket), and every member list shows it. */
  MEMBER_OP (p.a, cc_client_set_member_role_async, room_id, bob, "admin");
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_my_role (cc_client_lookup_room (p.b, room_id)), "admin") == 0);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_member_get_role (find_member (members_a, bob)), "admin") == 0);
  CC_TEST_WAIT_UNTIL (find_member (members_b, bob) != NULL &&
                      g_strcmp0 (cc_member_get_role (find_member (members_b, bob)), "admin") == 0);

  /* Remove: the room leaves Bob's list. */
  MEMBER_OP (p.a, cc_client_remove_member_async, room_id, bob);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p.b, room_id) == NULL);
  CC_TEST_WAIT_UNTIL (!model_has_user (members_a, bob));

  /* Back again, then Bob leaves by himself. */
  MEMBER_OP (p.a, cc_client_add_member_async, room_id, bob, "guest");
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p.b, room_id) != NULL);
  CC_TEST_WAIT_UNTIL (model_has_user (members_a, bob));
  MEMBER_OP (p.b, cc_client_remove_member_async, room_id, bob);
  g_assert_null (cc_client_lookup_room (p.b, room_id));
  CC_TEST_WAIT_UNTIL (!model_has_user (members_a, bob));

  cc_test_pair_clear (&p);
}

static void
test_presence (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(GListModel) members_a = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcMember *bob_member;
  CcUser *bob_user;
  const char *bob;

  cc_test_pair_init_full (&p, 0, "[websocket]\noffline_delay_ms = 100\n");
  bob = cc_test_pair_bob_id (&p);
  room_id = cc_test_pair_create_group (&p, "Status");

  /* Bob's status text reaches his user object. */
  cc_client_set_status_text_async (p.b, "On the train", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_set_status_text_finish (p.b, res, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cc_user_get_status_text (cc_account_get_user (cc_client_get_account (p.b))), ==,
                   "On the train");

  /* Ada's member list (fetched after the change) shows it, and Bob online. */
  members_a = cc_client_get_members (p.a, room_id);
  CC_TEST_WAIT_UNTIL (find_member (members_a, bob) != NULL &&
                      g_strcmp0 (cc_user_get_status_text (cc_member_get_user (find_member (members_a, bob))),
                                 "On the train") == 0);
  bob_member = find_member (members_a, bob);
  bob_user = cc_member_get_user (bob_member);
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_user_get_presence (bob_user), "online") == 0);

  /* Bob quits: Ada hears he is offline and since when. */
  cc_test_client_quit (&p.b);
  /* The list may be reloaded meanwhile: look Bob up again each time. */
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_user_get_presence (cc_member_get_user (find_member (members_a, bob))),
                                 "offline") == 0);
  bob_member = find_member (members_a, bob);
  bob_user = cc_member_get_user (bob_member);
  g_assert_cmpint (cc_user_get_last_seen_at (bob_user), >, 0);
  {
    g_autofree char *seen = cc_format_last_seen (cc_user_get_presence (bob_user),
                                                 cc_user_get_last_seen_at (bob_user), 0);
    g_assert_cmpstr (seen, ==, "Last seen just now");
  }
  /* The direct-room view of Bob (looked up by id) agrees. */
  g_assert_nonnull (cc_client_lookup_user (p.a, bob));
  g_assert_cmpstr (cc_user_get_presence (cc_client_lookup_user (p.a, bob)), ==, "offline");

  cc_test_pair_clear (&p);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/members/rules", test_rules);
  g_test_add_func ("/client/members/last-seen", test_last_seen);
  g_test_add_func ("/client/members/operations", test_operations);
  g_test_add_func ("/client/members/presence", test_presence);
  return g_test_run ();
}
