/* test-cc-rooms.c: the client core's typed calls on rooms and messages
 * against the real server, as the desktop app makes them: create a project
 * room with people in it, rename, describe, mute, archive; discover and
 * join a public channel; open a direct room; edit and delete a message;
 * leave; a refused call changes nothing; and a live invitation heard as a
 * CcInvitation, then accepted into its room.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"
#include "cc-invitation.h"
#include "cc-members.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

static CcRoom *
create (CcClient           *client,
        const char         *type,
        const char         *name,
        const char         *description,
        gboolean            is_private,
        const char * const *member_ids)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcRoom *room;

  cc_client_create_room_async (client, type, name, description, is_private, member_ids, NULL,
                               cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_create_room_finish (client, res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (room);
  return room;
}

/* Runs one call finished by cc_client_room_op_finish(); returns its error. */
#define ROOM_OP(client, call, ...) ({                                     \
    g_autoptr(GAsyncResult) op_res = NULL;                                \
    GError *op_error = NULL;                                              \
    call (client, __VA_ARGS__, NULL, cc_test_result_cb, &op_res);         \
    CC_TEST_AWAIT (op_res);                                               \
    if (cc_client_room_op_finish (client, op_res, &op_error))             \
      g_assert_no_error (op_error);                                       \
    else                                                                  \
      g_assert_nonnull (op_error);                                        \
    op_error;                                                             \
  })

#define ROOM_OK(client, call, ...) G_STMT_START {                         \
    GError *ok_error = ROOM_OP (client, call, __VA_ARGS__);               \
    g_assert_no_error (ok_error);                                         \
  } G_STMT_END

static gboolean
has_member (GListModel *members,
            const char *user_id,
            const char *role)
{
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(CcMember) m = g_list_model_get_item (members, i);

      if (g_strcmp0 (cc_member_get_user_id (m), user_id) == 0)
        return role == NULL || g_strcmp0 (cc_member_get_role (m), role) == 0;
    }
  return FALSE;
}

static gboolean
has_room (GListModel *rooms,
          const char *room_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (rooms); i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (rooms, i);

      if (g_strcmp0 (cc_room_get_id (room), room_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A project room made with Bob in it, then changed by its owner: Bob's
 * room list follows every change; what he may not do is refused with a
 * sentence and changes nothing; muting is his own business. */
static void
test_create_and_change (void)
{
  CcTestPair p;
  const char *bob;
  const char *ada;
  const char *members[2] = { NULL, NULL };
  g_autoptr(CcRoom) room = NULL;
  g_autoptr(GListModel) members_a = NULL;
  g_autoptr(CcRoom) seen_by_bob = NULL;
  const char *room_id;
  GError *error;

  cc_test_pair_init (&p, 0);
  bob = cc_test_pair_bob_id (&p);
  ada = cc_account_get_user_id (cc_client_get_account (p.a));
  members[0] = bob;

  room = create (p.a, "project", "Apollo", "To the moon", TRUE, members);
  room_id = cc_room_get_id (room);
  /* The call gives the room of the room list, with the server's fields. */
  g_assert_true (cc_client_lookup_room (p.a, room_id) == room);
  g_assert_cmpstr (cc_room_get_room_type (room), ==, "project");
  g_assert_cmpstr (cc_room_get_name (room), ==, "Apollo");
  g_assert_cmpstr (cc_room_get_description (room), ==, "To the moon");
  g_assert_cmpstr (cc_room_get_my_role (room), ==, "owner");

  /* Bob was added while the room was made. */
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p.b, room_id) != NULL);
  seen_by_bob = g_object_ref (cc_client_lookup_room (p.b, room_id));
  g_assert_cmpstr (cc_room_get_my_role (seen_by_bob), ==, "member");
  members_a = cc_client_get_members (p.a, room_id);
  CC_TEST_WAIT_UNTIL (has_member (members_a, bob, "member") && has_member (members_a, ada, "owner"));

  /* Rename and describe: here at once, there by the event. */
  ROOM_OK (p.a, cc_client_rename_room_async, room_id, "Artemis");
  g_assert_cmpstr (cc_room_get_name (room), ==, "Artemis");
  ROOM_OK (p.a, cc_client_set_room_description_async, room_id, "Back to the moon");
  g_assert_cmpstr (cc_room_get_description (room), ==, "Back to the moon");
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_name (seen_by_bob), "Artemis") == 0 &&
                      g_strcmp0 (cc_room_get_description (seen_by_bob), "Back to the moon") == 0);

  /* Bob, a member, may not rename it: a sentence, and the name stays. */
  error = ROOM_OP (p.b, cc_client_rename_room_async, room_id, "Mine now");
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);
  g_assert_cmpstr (cc_room_get_name (seen_by_bob), ==, "Artemis");
  g_assert_cmpstr (cc_room_get_name (room), ==, "Artemis");

  /* Bob mutes it: his own setting, not Ada's. */
  ROOM_OK (p.b, cc_client_set_room_muted_async, room_id, TRUE);
  g_assert_true (cc_room_get_muted (seen_by_bob));
  g_assert_false (cc_room_get_muted (room));
  ROOM_OK (p.b, cc_client_set_room_muted_async, room_id, FALSE);
  g_assert_false (cc_room_get_muted (seen_by_bob));

  /* Make Bob admin through the typed member call: his room says so. */
  {
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GError) op_error = NULL;

    cc_client_set_member_role_async (p.a, room_id, bob, "admin", NULL, cc_test_result_cb, &res);
    CC_TEST_AWAIT (res);
    g_assert_true (cc_client_member_op_finish (p.a, res, &op_error));
    g_assert_no_error (op_error);
  }
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_my_role (seen_by_bob), "admin") == 0);
  CC_TEST_WAIT_UNTIL (has_member (members_a, bob, "admin"));

  /* Archived by its owner: both see it archived. */
  ROOM_OK (p.a, cc_client_archive_room_async, room_id);
  g_assert_true (cc_room_get_is_archived (room));
  CC_TEST_WAIT_UNTIL (cc_room_get_is_archived (seen_by_bob));

  cc_test_pair_clear (&p);
}

/* Bob finds Ada's public channel (not her private one), joins it, opens a
 * direct room with her (the same one twice), and leaves the channel: gone
 * from his list, also after a restart. */
static void
test_discover_join_direct_leave (void)
{
  CcTestPair p;
  const char *ada;
  g_autoptr(CcRoom) open = NULL;
  g_autoptr(CcRoom) closed = NULL;
  g_autoptr(GListModel) found = NULL;
  g_autoptr(CcRoom) joined = NULL;
  g_autoptr(CcRoom) direct = NULL;
  g_autoptr(CcRoom) again = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cc_test_pair_init (&p, 0);
  ada = cc_account_get_user_id (cc_client_get_account (p.a));
  open = create (p.a, "channel", "town-square", NULL, FALSE, NULL);
  closed = create (p.a, "channel", "board", NULL, TRUE, NULL);

  cc_client_discover_rooms_async (p.b, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  found = cc_client_discover_rooms_finish (p.b, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_true (has_room (found, cc_room_get_id (open)));
  g_assert_false (has_room (found, cc_room_get_id (closed)));
  /* Found, not joined: the room list does not have it yet. */
  g_assert_null (cc_client_lookup_room (p.b, cc_room_get_id (open)));

  cc_client_join_room_async (p.b, cc_room_get_id (open), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  joined = cc_client_join_room_finish (p.b, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_true (cc_client_lookup_room (p.b, cc_room_get_id (open)) == joined);
  g_assert_cmpstr (cc_room_get_name (joined), ==, "town-square");

  /* A private channel cannot be joined: refused, nothing added. */
  cc_client_join_room_async (p.b, cc_room_get_id (closed), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_null (cc_client_join_room_finish (p.b, res, &error));
  g_clear_object (&res);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (cc_client_lookup_room (p.b, cc_room_get_id (closed)));

  cc_client_open_direct_async (p.b, ada, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  direct = cc_client_open_direct_finish (p.b, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_room_get_room_type (direct), ==, "direct");
  /* Who is on the other side comes with the members, loaded next. */
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_other_user_id (direct), ada) == 0);
  cc_client_open_direct_async (p.b, ada, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  again = cc_client_open_direct_finish (p.b, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_true (again == direct);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p.a, cc_room_get_id (direct)) != NULL);

  ROOM_OK (p.b, cc_client_leave_room_async, cc_room_get_id (joined));
  g_assert_null (cc_client_lookup_room (p.b, cc_room_get_id (joined)));
  cc_test_client_quit (&p.b);
  p.b = cc_test_client_open (p.srv, CC_TEST_BOB_EMAIL, p.dir_b, p.login_b);
  g_assert_null (cc_client_lookup_room (p.b, cc_room_get_id (open)));
  g_assert_nonnull (cc_client_lookup_room (p.b, cc_room_get_id (direct)));

  cc_test_pair_clear (&p);
}

/* Edit and delete through the typed calls: the room list's preview and
 * the other side follow; someone else's message cannot be edited. */
static void
test_edit_delete (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcMessage *shown;
  const char *id;

  cc_test_pair_init (&p, 0);
  room_id = cc_test_pair_create_group (&p, "Notes");
  ta = cc_client_get_timeline (p.a, room_id);
  tb = cc_client_get_timeline (p.b, room_id);
  sent = cc_test_send (p.a, room_id, "lunch at noon");
  shown = cc_timeline_lookup (ta, cc_message_get_txn_id (sent));
  CC_TEST_WAIT_UNTIL (cc_message_get_state (shown) == CC_MESSAGE_STATE_STORED);
  id = cc_message_get_id (shown);
  CC_TEST_WAIT_UNTIL (cc_timeline_lookup (tb, id) != NULL);

  cc_client_edit_message_async (p.a, room_id, id, "lunch at one", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_message_op_finish (p.a, res, &error));
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_message_get_body (shown), ==, "lunch at one");
  g_assert_cmpstr (cc_room_get_last_message_excerpt (cc_client_lookup_room (p.a, room_id)), ==, "lunch at one");
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_message_get_body (cc_timeline_lookup (tb, id)), "lunch at one") == 0);

  /* Bob may not edit Ada's words: refused, unchanged on both sides. */
  cc_client_edit_message_async (p.b, room_id, id, "no lunch", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_false (cc_client_message_op_finish (p.b, res, &error));
  g_clear_object (&res);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpstr (cc_message_get_body (cc_timeline_lookup (tb, id)), ==, "lunch at one");
  g_assert_cmpstr (cc_message_get_body (shown), ==, "lunch at one");

  cc_client_delete_message_async (p.a, room_id, id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_message_op_finish (p.a, res, &error));
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_true (cc_message_get_deleted (shown));
  CC_TEST_WAIT_UNTIL (cc_message_get_deleted (cc_timeline_lookup (tb, id)));

  cc_test_pair_clear (&p);
}

static void
on_invitation (CcClient     *client,
               CcInvitation *invitation,
               GPtrArray    *heard)
{
  g_ptr_array_add (heard, g_object_ref (invitation));
}

/* Ada invites Bob's address to her room: Bob's client says so with a
 * CcInvitation (no JSON), whose token accepts it into the room. */
static void
test_invitation_signal (void)
{
  CcTestPair p;
  g_autoptr(GPtrArray) heard = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CcRoom) room = NULL;
  g_autoptr(CcInvitation) sent = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;
  CcInvitation *invitation;

  cc_test_pair_init (&p, 0);
  g_signal_connect (p.b, "invitation", G_CALLBACK (on_invitation), heard);
  room = create (p.a, "group", "Tea", NULL, TRUE, NULL);

  cc_invitation_create_async (cc_client_get_api (p.a), cc_room_get_id (room), CC_TEST_BOB_EMAIL,
                              "Come for tea", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  sent = cc_invitation_create_finish (cc_client_get_api (p.a), res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);

  CC_TEST_WAIT_UNTIL (heard->len == 1);
  invitation = g_ptr_array_index (heard, 0);
  g_assert_cmpstr (cc_invitation_get_room_name (invitation), ==, "Tea");
  g_assert_cmpstr (cc_invitation_get_inviter_name (invitation), ==, "Ada Lovelace");
  g_assert_cmpstr (cc_invitation_get_message (invitation), ==, "Come for tea");
  g_assert_cmpstr (cc_invitation_get_token (invitation), ==, cc_invitation_get_token (sent));
  g_assert_null (cc_client_lookup_room (p.b, cc_room_get_id (room)));

  cc_invitation_accept_async (cc_client_get_api (p.b), cc_invitation_get_token (invitation), NULL, NULL,
                              NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  joined = cc_invitation_accept_finish (cc_client_get_api (p.b), res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_cmpstr (joined, ==, cc_room_get_id (room));
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p.b, joined) != NULL);
  g_assert_cmpuint (heard->len, ==, 1);

  cc_test_pair_clear (&p);
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/rooms/create-and-change", test_create_and_change);
  g_test_add_func ("/client/rooms/discover-join-direct-leave", test_discover_join_direct_leave);
  g_test_add_func ("/client/rooms/edit-delete", test_edit_delete);
  g_test_add_func ("/client/rooms/invitation-signal", test_invitation_signal);
  return g_test_run ();
}
