/* test-cc-account.c: signing in as a person would, against the real
 * server and a throw-away gnome-keyring (run-with-keyring.sh): the
 * sentences for a wrong password, an unreachable server and a rate limit;
 * the token kept in the keyring (and in no file); restore; sign out.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"
#include "cc-account.h"
#include "cc-secret.h"
#include "cc-test-client.h"

typedef struct {
  CcTestServer *srv;
  char         *dir;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->srv = cc_test_server_new (0);
  f->dir = cc_test_make_tmpdir ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  cc_test_server_free (f->srv);
  cc_test_rm_rf (f->dir);
  g_free (f->dir);
}

static gboolean
login (CcAccount *account, const char *password, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  cc_account_login_async (account, password, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  return cc_account_login_finish (account, res, error);
}

static gboolean
restore (CcAccount *account, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  cc_account_restore_async (account, NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  return cc_account_restore_finish (account, res, error);
}

static char *
stored_token (CcAccount *account)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  cc_secret_lookup_async (cc_account_get_server_url (account), cc_account_get_tenant (account),
                          cc_account_get_email (account), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  token = cc_secret_lookup_finish (res, &error);
  g_assert_no_error (error);
  return token;
}

/* TRUE when @needle is in any file below @dir. */
static gboolean
found_in_files (const char *dir, const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (found_in_files (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &data, &len, NULL) &&
               g_strstr_len (data, len, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  g_autoptr(CcAccount) account = cc_account_new (f->srv->url, CC_TEST_TENANT, CC_TEST_ADA_EMAIL);
  g_autoptr(GError) error = NULL;

  g_assert_false (login (account, "not the password", &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The email or password is not correct.");
  g_assert_false (cc_account_get_signed_in (account));
}

static void
test_unreachable (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strdup (f->srv->url);
  g_autoptr(CcAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  cc_test_server_stop (f->srv);
  account = cc_account_new (url, CC_TEST_TENANT, CC_TEST_ADA_EMAIL);
  g_assert_false (login (account, CC_TEST_PASSWORD, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  expected = g_strdup_printf ("Could not reach the server at %s. Check the address and your connection.", url);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_rate_limited (Fixture *f, gconstpointer data)
{
  g_autoptr(CcAccount) account = cc_account_new (f->srv->url, CC_TEST_TENANT, CC_TEST_BOB_EMAIL);
  guint wrong = 0;

  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (login (account, "guessing", &error));
      if (g_error_matches (error, CAU_ERROR, CAU_ERROR_RATE_LIMITED))
        {
          g_assert_cmpuint (wrong, >, 0);
          g_assert_true (g_str_has_prefix (error->message, "Too many sign-in attempts. Try again in "));
          g_assert_true (g_str_has_suffix (error->message, " seconds.") ||
                         g_str_has_suffix (error->message, " second."));
          return;
        }
      g_assert_error (error, CAU_ERROR, CAU_ERROR_UNAUTHORIZED);
      wrong++;
    }
  g_assert_not_reached ();
}

static void
test_keyring_session (Fixture *f, gconstpointer data)
{
  g_autoptr(CcAccount) account = cc_account_new (f->srv->url, CC_TEST_TENANT, "Ada@Acme.test ");
  g_autoptr(CcAccount) again = NULL;
  g_autoptr(CcAccount) last = NULL;
  g_autoptr(CcAccount) after = NULL;
  g_autoptr(CcClient) client = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *revoked = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CcApi) api = NULL;
  guint status = 0;

  g_assert_true (login (account, CC_TEST_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (cc_account_get_signed_in (account));
  g_assert_cmpstr (cc_user_get_display_name (cc_account_get_user (account)), ==, "Ada Lovelace");

  /* In the keyring, under server + tenant + email. */
  token = stored_token (account);
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), >=, 16);

  /* The app's files never hold it. */
  cc_account_save_last_async (account, f->dir, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_account_save_last_finish (account, res, &error));
  g_clear_object (&res);
  client = cc_client_new (account, f->dir);
  cc_client_open_async (client, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_open_finish (client, res, &error));
  g_clear_object (&res);
  g_clear_object (&client);
  g_assert_false (found_in_files (f->dir, token));

  /* Next start: the saved account restores the session from the keyring. */
  cc_account_load_last_async (f->dir, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  last = cc_account_load_last_finish (res, &error);
  g_assert_no_error (error);
  g_clear_object (&res);
  g_assert_nonnull (last);
  g_assert_cmpstr (cc_account_get_email (last), ==, CC_TEST_ADA_EMAIL);
  g_assert_true (restore (last, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cc_account_get_user_id (last), ==, cc_account_get_user_id (account));

  /* Sign out: revoked on the server, gone from the keyring. */
  cc_account_logout_async (last, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_account_logout_finish (last, res, &error));
  g_assert_no_error (error);
  g_assert_false (cc_account_get_signed_in (last));
  g_clear_object (&res);
  g_assert_null (stored_token (last));

  after = cc_account_new (f->srv->url, CC_TEST_TENANT, CC_TEST_ADA_EMAIL);
  g_assert_false (restore (after, &error));
  g_assert_no_error (error);

  api = cc_api_new (f->srv->url);
  cc_api_set_token (api, token);
  cc_api_request_async (api, "GET", "/api/me", NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  node = cc_api_request_finish (api, res, &status, NULL, &error);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (status, ==, 401);
  g_clear_error (&error);
  g_clear_object (&res);
  g_clear_pointer (&node, json_node_unref);

  /* A session revoked elsewhere: restoring it signs out and forgets it. */
  g_assert_true (login (after, CC_TEST_PASSWORD, &error));
  g_assert_no_error (error);
  revoked = stored_token (after);
  g_assert_nonnull (revoked);
  cc_api_set_token (api, revoked);
  cc_api_request_async (api, "POST", "/api/auth/logout", NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  node = cc_api_request_finish (api, res, NULL, NULL, &error);
  g_assert_no_error (error);
  again = cc_account_new (f->srv->url, CC_TEST_TENANT, CC_TEST_ADA_EMAIL);
  g_assert_false (restore (again, &error));
  g_assert_no_error (error);
  g_assert_false (cc_account_get_signed_in (again));
  g_assert_null (stored_token (again));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/client-core/account/wrong-password", Fixture, NULL, setup, test_wrong_password, teardown);
  g_test_add ("/client-core/account/unreachable", Fixture, NULL, setup, test_unreachable, teardown);
  g_test_add ("/client-core/account/rate-limited", Fixture, NULL, setup, test_rate_limited, teardown);
  g_test_add ("/client-core/account/keyring-session", Fixture, NULL, setup, test_keyring_session, teardown);

  return g_test_run ();
}
