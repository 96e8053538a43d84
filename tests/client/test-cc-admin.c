/* test-cc-admin.c: the account's own data and the tenant admin's calls
 * against the real server: export to a file, deletion with a wrong then
 * the right password (the old token refused, the local data removed), the
 * audit log filtered and paged, users listed, created and their role
 * changed, and a member refused all of it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "cau-error.h"
#include "cc-admin.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

static gboolean
shown_sent (CcTimeline *timeline)
{
  g_autofree char *text = cc_test_timeline_text (timeline);

  return g_str_has_suffix (text, "A message worth keeping");
}

static void
test_export (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = cc_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "export.json", NULL);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(CcTimeline) timeline = NULL;

  cc_test_pair_init (&p, 0);
  room_id = cc_test_pair_create_group (&p, "exported");
  timeline = cc_client_get_timeline (p.a, room_id);
  sent = cc_test_send (p.a, room_id, "A message worth keeping");
  CC_TEST_WAIT_UNTIL (shown_sent (timeline));
  /* A stale partial file is not resumed into the export. */
  g_assert_true (g_file_set_contents (part, "garbage", -1, NULL));

  cc_client_export_data_async (p.a, file, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_export_data_finish (p.a, res, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  g_assert_nonnull (strstr (text, "A message worth keeping"));

  cc_test_pair_clear (&p);
  cc_test_rm_rf (dir);
}

static void
test_delete_account (void)
{
  CcTestPair p;
  g_autoptr(GAsyncResult) res = NULL, res2 = NULL, res3 = NULL, res4 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcApi) old = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CcAccount) account = NULL;
  g_autofree char *db = NULL;
  guint status = 0;

  cc_test_pair_init (&p, 0);
  account = g_object_ref (cc_client_get_account (p.b));
  db = g_strconcat (p.dir_b, "/", cc_account_get_key (account), ".db", NULL);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));

  cc_client_delete_account_async (p.b, "not the password", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_false (cc_client_delete_account_finish (p.b, res, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_true (cc_client_get_online (p.b));

  cc_client_delete_account_async (p.b, CC_TEST_PASSWORD, NULL, cc_test_result_cb, &res2);
  CC_TEST_AWAIT (res2);
  g_assert_true (cc_client_delete_account_finish (p.b, res2, &error));
  g_assert_no_error (error);

  /* The old token is refused. */
  old = cc_api_new (p.srv->url);
  cc_api_set_token (old, json_object_get_string_member (p.login_b, "token"));
  cc_api_request_async (old, "GET", "/api/me", NULL, NULL, cc_test_result_cb, &res3);
  CC_TEST_AWAIT (res3);
  node = cc_api_request_finish (old, res3, &status, NULL, &error);
  g_assert_nonnull (error);
  g_assert_cmpuint (status, ==, 401);
  g_clear_error (&error);

  cc_test_client_quit (&p.b);
  cc_account_erase_local_data_async (account, p.dir_b, NULL, cc_test_result_cb, &res4);
  CC_TEST_AWAIT (res4);
  g_assert_true (cc_account_erase_local_data_finish (res4, &error));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));

  cc_test_pair_clear (&p);
}

static GPtrArray *
audit (CcClient   *client,
       const char *action,
       gint64      before,
       guint       limit,
       GError    **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  cc_client_list_audit_async (client, action, NULL, before, limit, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  return cc_client_list_audit_finish (client, res, error);
}

static void
test_admin (void)
{
  CcTestPair p;
  g_autoptr(GAsyncResult) res = NULL, res2 = NULL, res3 = NULL, res4 = NULL, res5 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL, logins = NULL, page1 = NULL, page2 = NULL, roles = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(CcUser) carol = NULL, promoted = NULL;
  g_autoptr(GPtrArray) refused = NULL;

  cc_test_pair_init (&p, 0);
  g_assert_true (cc_client_is_tenant_admin (p.a));
  g_assert_false (cc_client_is_tenant_admin (p.b));

  all = audit (p.a, NULL, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >=, 3);
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (cc_audit_entry_get_id (all->pdata[i - 1]), >, cc_audit_entry_get_id (all->pdata[i]));

  logins = audit (p.a, "auth.login", 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (logins->len, >=, 2);
  for (guint i = 0; i < logins->len; i++)
    g_assert_cmpstr (cc_audit_entry_get_action (logins->pdata[i]), ==, "auth.login");

  /* Paging: the second page starts below the first's last id. */
  page1 = audit (p.a, NULL, 0, 2, &error);
  g_assert_cmpuint (page1->len, ==, 2);
  page2 = audit (p.a, NULL, cc_audit_entry_get_id (page1->pdata[1]), 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page2->len, >=, 1);
  g_assert_cmpint (cc_audit_entry_get_id (page2->pdata[0]), <, cc_audit_entry_get_id (page1->pdata[1]));

  cc_client_list_users_async (p.a, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  users = cc_client_list_users_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 2);

  cc_client_create_user_async (p.a, "carol@acme.test", "Carol Shaw", "a good long password", "member",
                               NULL, cc_test_result_cb, &res2);
  CC_TEST_AWAIT (res2);
  carol = cc_client_create_user_finish (p.a, res2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_user_get_role (carol), ==, "member");

  cc_client_set_user_role_async (p.a, cc_user_get_id (carol), "admin", NULL, cc_test_result_cb, &res3);
  CC_TEST_AWAIT (res3);
  promoted = cc_client_set_user_role_finish (p.a, res3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_user_get_role (promoted), ==, "admin");
  roles = audit (p.a, "user.role", 0, 10, &error);
  g_assert_cmpuint (roles->len, ==, 1);
  g_assert_cmpstr (cc_audit_entry_get_entity_id (roles->pdata[0]), ==, cc_user_get_id (carol));

  /* A member may not read the audit log nor change roles. */
  refused = audit (p.b, NULL, 0, 10, &error);
  g_assert_null (refused);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_clear_error (&error);
  cc_client_set_user_role_async (p.b, cc_user_get_id (carol), "member", NULL, cc_test_result_cb, &res4);
  CC_TEST_AWAIT (res4);
  g_assert_null (cc_client_set_user_role_finish (p.b, res4, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_clear_error (&error);

  /* An unknown id answers 404. */
  cc_client_set_user_role_async (p.a, "no-such-user", "member", NULL, cc_test_result_cb, &res5);
  CC_TEST_AWAIT (res5);
  g_assert_null (cc_client_set_user_role_finish (p.a, res5, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_NOT_FOUND);

  cc_test_pair_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/admin/export", test_export);
  g_test_add_func ("/client/admin/delete-account", test_delete_account);
  g_test_add_func ("/client/admin/audit-users", test_admin);
  return g_test_run ();
}
