/* test-cc-invitation.c: invitation links and the invitation REST calls
 * against the real server: send, list, look up, accept with a new
 * account, revoke, and the refusals after use.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"
#include "cc-invitation.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

#define TOKEN "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"

static void
test_parse_link (void)
{
  static const struct { const char *link, *server; } good[] = {
    { "causerie://invite/" TOKEN "?server=https%3A%2F%2Fchat.example.org", "https://chat.example.org" },
    { "causerie://invite/" TOKEN "?server=http://127.0.0.1:8080/", "http://127.0.0.1:8080" },
    { "  https://chat.example.org/invite/" TOKEN "\n", "https://chat.example.org" },
    { "https://example.org/causerie/invite/" TOKEN, "https://example.org/causerie" },
  };
  static const char *bad[] = {
    "", "causerie://invite/" TOKEN, "causerie://invite/short?server=https://x.org",
    "causerie://invite/..%2F..%2Fetc?server=javascript:alert(1)",
    "causerie://invite/" TOKEN "?server=javascript:alert(1)",
    "causerie://bogus/" TOKEN "?server=https://x.org", "ftp://x.org/invite/" TOKEN,
    "https://user@x.org/invite/" TOKEN, "https://x.org/rooms/" TOKEN, "not a link",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *token = NULL, *server = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (cc_invitation_parse_link (good[i].link, &token, &server, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (token, ==, TOKEN);
      g_assert_cmpstr (server, ==, good[i].server);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *token = NULL, *server = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (cc_invitation_parse_link (bad[i], &token, &server, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_null (token);
    }
}

static char *
create_room (CcApi *api)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) room = NULL;

  json_object_set_string_member (body, "type", "channel");
  json_object_set_string_member (body, "name", "plans");
  cc_api_request_async (api, "POST", "/api/rooms", body, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_api_request_finish_object (api, res, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (room, "id"));
}

static void
test_flow (void)
{
  CcTestServer *srv = cc_test_server_new (0);
  g_autoptr(JsonObject) login = cc_test_login (srv, CC_TEST_ADA_EMAIL);
  g_autoptr(CcApi) ada = cc_api_new (srv->url);
  g_autoptr(CcApi) anon = cc_api_new (srv->url);
  g_autoptr(CcInvitation) sent = NULL, other = NULL, found = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autofree char *joined = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *room_id = NULL;
  g_autofree char *token = NULL, *server = NULL;
  GAsyncResult *res = NULL;

  cc_api_set_token (ada, json_object_get_string_member (login, "token"));
  room_id = create_room (ada);

  cc_invitation_create_async (ada, room_id, "new@acme.test", "Welcome", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  sent = cc_invitation_create_finish (ada, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_invitation_get_email (sent), ==, "new@acme.test");
  g_assert_nonnull (cc_invitation_get_link (sent));
  g_assert_nonnull (cc_invitation_get_token (sent));
  g_assert_cmpint (cc_invitation_get_expires_at (sent), >, 0);
  g_assert_true (cc_invitation_parse_link (cc_invitation_get_link (sent), &token, &server, NULL));
  g_assert_cmpstr (token, ==, cc_invitation_get_token (sent));
  g_assert_cmpstr (server, ==, srv->url);

  cc_invitation_create_async (ada, room_id, "other@acme.test", NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  other = cc_invitation_create_finish (ada, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);

  cc_invitation_list_async (ada, room_id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  list = cc_invitation_list_finish (ada, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);

  cc_invitation_revoke_async (ada, cc_invitation_get_id (other), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_invitation_revoke_finish (ada, res, &error));
  g_clear_object (&res);
  g_assert_no_error (error);

  cc_invitation_lookup_async (anon, token, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  found = cc_invitation_lookup_finish (anon, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_invitation_get_room_name (found), ==, "plans");
  g_assert_cmpstr (cc_invitation_get_tenant (found), ==, CC_TEST_TENANT);
  g_assert_cmpstr (cc_invitation_get_inviter_name (found), ==, "Ada Lovelace");
  g_assert_cmpstr (cc_invitation_get_token (found), ==, token);
  g_assert_cmpstr (cc_invitation_get_server_url (found), ==, srv->url);
  g_assert_false (cc_invitation_get_has_account (found));

  cc_invitation_accept_async (anon, token, "New Person", "a long enough password", NULL,
                              cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  joined = cc_invitation_accept_finish (anon, res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_cmpstr (joined, ==, room_id);
  /* The account exists: its person signs in with the password chosen. */
  {
    g_autoptr(JsonObject) body = json_object_new ();
    g_autoptr(JsonObject) session = NULL;

    json_object_set_string_member (body, "tenant", CC_TEST_TENANT);
    json_object_set_string_member (body, "email", "new@acme.test");
    json_object_set_string_member (body, "password", "a long enough password");
    cc_api_request_async (anon, "POST", "/api/auth/login", body, NULL, cc_test_result_cb, &res);
    CC_TEST_AWAIT (res);
    session = cc_api_request_finish_object (anon, res, &error);
    g_clear_object (&res);
    g_assert_no_error (error);
    g_assert_true (json_object_has_member (session, "token"));
  }

  /* Used, and revoked: gone, with a sentence. */
  cc_invitation_decline_async (anon, token, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_false (cc_invitation_decline_finish (anon, res, &error));
  g_clear_object (&res);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_GONE);
  g_clear_error (&error);
  cc_invitation_lookup_async (anon, cc_invitation_get_token (other), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_null (cc_invitation_lookup_finish (anon, res, &error));
  g_clear_object (&res);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_GONE);

  cc_test_server_free (srv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/invitation/parse-link", test_parse_link);
  g_test_add_func ("/client/invitation/flow", test_flow);
  return g_test_run ();
}
