/* test-cc-policy.c: the contact policy (issue 17) in the client core: the
 * policy model (a new rank reaches and is reached by every rank; removing
 * and moving); against the real server, the tenant admin saves and reads
 * it back and gives ranks, a member may not; the people search says whom
 * Bob cannot message and why; opening that direct room fails with the
 * server's sentence.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"
#include "cc-members.h"
#include "cc-policy.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

static void
test_model (void)
{
  g_autoptr(CcContactPolicy) p = cc_contact_policy_new ();
  g_autoptr(CcContactPolicy) copy = NULL;
  const char *expected[] = { "Staff", "Boss", NULL };

  /* Without ranks, and for anyone without one, everyone reaches everyone. */
  g_assert_true (cc_contact_policy_allows (p, "Boss", "Staff"));
  g_assert_true (cc_contact_policy_add_rank (p, "Boss"));
  g_assert_true (cc_contact_policy_add_rank (p, "Staff"));
  g_assert_false (cc_contact_policy_add_rank (p, "staff"));
  g_assert_cmpuint (cc_contact_policy_get_n_ranks (p), ==, 2);
  g_assert_true (cc_contact_policy_allows (p, "Staff", "Boss"));
  g_assert_true (cc_contact_policy_allows (p, "Staff", "Staff"));
  cc_contact_policy_set_allowed (p, "Staff", "Boss", FALSE);
  g_assert_false (cc_contact_policy_allows (p, "Staff", "Boss"));
  g_assert_true (cc_contact_policy_allows (p, "Boss", "Staff"));
  g_assert_true (cc_contact_policy_allows (p, NULL, "Boss"));

  copy = cc_contact_policy_copy (p);
  cc_contact_policy_move_up (copy, "Staff");
  g_assert_true (g_strv_equal ((const char **) cc_contact_policy_get_ranks (copy), expected));
  g_assert_false (cc_contact_policy_allows (copy, "Staff", "Boss"));
  cc_contact_policy_remove_rank (copy, "Boss");
  g_assert_cmpuint (cc_contact_policy_get_n_ranks (copy), ==, 1);
  g_assert_true (cc_contact_policy_allows (copy, "Staff", "Boss"));
  /* The original is untouched. */
  g_assert_cmpuint (cc_contact_policy_get_n_ranks (p), ==, 2);
}

static CcContactPolicy *
set_policy (CcClient        *client,
            CcContactPolicy *policy,
            GError         **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  cc_client_set_contact_policy_async (client, policy, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  return cc_client_set_contact_policy_finish (client, res, error);
}

static CcUser *
set_rank (CcClient   *client,
          const char *user_id,
          const char *rank,
          GError    **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  cc_client_set_user_rank_async (client, user_id, rank, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  return cc_client_set_user_rank_finish (client, res, error);
}

static void
test_server (void)
{
  CcTestPair p;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcContactPolicy) policy = cc_contact_policy_new ();
  g_autoptr(CcContactPolicy) stored = NULL, refused = NULL, read = NULL;
  g_autoptr(CcUser) ada = NULL, bob = NULL, no_rank = NULL;
  g_autoptr(GAsyncResult) res = NULL, res2 = NULL, res3 = NULL;
  g_autoptr(GListModel) found = NULL;
  g_autoptr(CcRoom) room = NULL;
  const char *ada_id;
  const char *from = NULL, *to = NULL;

  cc_test_pair_init (&p, 0);
  ada_id = json_object_get_string_member (json_object_get_object_member (p.login_a, "user"), "id");

  cc_contact_policy_add_rank (policy, "Boss");
  cc_contact_policy_add_rank (policy, "Staff");
  cc_contact_policy_set_allowed (policy, "Staff", "Boss", FALSE);
  stored = set_policy (p.a, policy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cc_contact_policy_get_n_ranks (stored), ==, 2);
  g_assert_false (cc_contact_policy_allows (stored, "Staff", "Boss"));
  g_assert_true (cc_contact_policy_allows (stored, "Boss", "Staff"));

  /* A member may not change it; an admin reads it back. */
  refused = set_policy (p.b, policy, &error);
  g_assert_null (refused);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_clear_error (&error);
  cc_client_get_contact_policy_async (p.a, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  read = cc_client_get_contact_policy_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_assert_false (cc_contact_policy_allows (read, "Staff", "Boss"));

  ada = set_rank (p.a, ada_id, "Boss", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_user_get_rank (ada), ==, "Boss");
  bob = set_rank (p.a, cc_test_pair_bob_id (&p), "Staff", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_user_get_rank (bob), ==, "Staff");
  no_rank = set_rank (p.a, cc_test_pair_bob_id (&p), "Pope", &error);
  g_assert_null (no_rank);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  /* Bob's search says he cannot message Ada, and why. */
  cc_client_search_users_async (p.b, "Ada", NULL, NULL, cc_test_result_cb, &res2);
  CC_TEST_AWAIT (res2);
  found = cc_client_search_users_finish (p.b, res2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (found), ==, 1);
  {
    g_autoptr(CcUser) u = g_list_model_get_item (found, 0);

    g_assert_false (cc_user_get_can_direct (u));
    g_assert_cmpstr (cc_user_get_contact_rule (u, &from, &to), ==, "rank");
    g_assert_cmpstr (from, ==, "Staff");
    g_assert_cmpstr (to, ==, "Boss");
    g_assert_nonnull (strstr (cc_user_get_contact_reason (u), "contact policy"));
  }

  /* Trying anyway: the server's sentence. */
  cc_client_open_direct_async (p.b, ada_id, NULL, cc_test_result_cb, &res3);
  CC_TEST_AWAIT (res3);
  room = cc_client_open_direct_finish (p.b, res3, &error);
  g_assert_null (room);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "“Staff”"));

  cc_test_pair_clear (&p);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/policy/model", test_model);
  g_test_add_func ("/client/policy/server", test_server);
  return g_test_run ();
}
