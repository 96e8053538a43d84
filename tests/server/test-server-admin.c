/* test-server-admin.c: the tenant admin's role change
 * (PATCH /api/admin/users/:id) and the audit log's paging ("before").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

static const char *
str (JsonObject *o, const char *name)
{
  return json_object_get_string_member (o, name);
}

static void
test_role_change (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *admin_id = NULL, *bob_id = NULL, *eve_id = NULL;
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob", "member", &bob_id);
  g_autofree char *other = cs_test_tenant (s, "globex", "hank@globex.test");
  g_autofree char *eve = cs_test_user (s, "globex", "eve@globex.test", "Eve", "member", &eve_id);
  g_autofree char *bob_path = cs_test_printf_path ("/api/admin/users/%s", bob_id);
  g_autofree char *eve_path = cs_test_printf_path ("/api/admin/users/%s", eve_id);
  g_autoptr(JsonObject) me = cs_test_call (s, "GET", "/api/me", admin, NULL, 200);
  g_autofree char *me_path = cs_test_printf_path ("/api/admin/users/%s", str (me, "id"));
  g_autoptr(JsonObject) patched = NULL;
  g_autoptr(JsonObject) audit = NULL;
  g_autoptr(JsonObject) entry = NULL;
  JsonArray *entries;

  /* A member may not; nor may anyone change a role to something unknown. */
  g_free (cs_test_expect_error (s, "PATCH", bob_path, bob, "{\"role\":\"admin\"}", 403, "forbidden"));
  g_free (cs_test_expect_error (s, "PATCH", bob_path, admin, "{\"role\":\"owner\"}", 400, "bad_request"));
  g_free (cs_test_expect_error (s, "PATCH", bob_path, admin, "{}", 400, "bad_request"));
  /* Another organisation's user answers as an unknown one. */
  g_free (cs_test_expect_error (s, "PATCH", eve_path, admin, "{\"role\":\"guest\"}", 404, "not_found"));
  g_free (cs_test_expect_error (s, "PATCH", "/api/admin/users/nobody", admin, "{\"role\":\"guest\"}",
                                404, "not_found"));
  /* An admin cannot demote themselves. */
  g_free (cs_test_expect_error (s, "PATCH", me_path, admin, "{\"role\":\"member\"}", 409, "conflict"));

  patched = cs_test_call (s, "PATCH", bob_path, admin, "{\"role\":\"admin\"}", 200);
  g_assert_cmpstr (str (patched, "role"), ==, "admin");
  g_assert_cmpstr (str (patched, "id"), ==, bob_id);
  /* Bob is an admin now: he may read the audit log, which recorded it. */
  audit = cs_test_call (s, "GET", "/api/admin/audit?action=user.role", bob, NULL, 200);
  entries = json_object_get_array_member (audit, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_object_ref (json_array_get_object_element (entries, 0));
  g_assert_cmpstr (str (entry, "entity_id"), ==, bob_id);
  g_assert_cmpstr (str (json_object_get_object_member (entry, "details"), "from"), ==, "member");
  g_assert_cmpstr (str (json_object_get_object_member (entry, "details"), "to"), ==, "admin");
  /* Nothing crossed into the other organisation. */
  g_clear_pointer (&audit, json_object_unref);
  audit = cs_test_call (s, "GET", "/api/admin/audit?action=user.role", other, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (audit, "entries")), ==, 0);
  (void) eve;
}

static void
test_audit_paging (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *admin = cs_test_tenant (s, "acme", "boss@acme.test");
  g_autoptr(JsonObject) all = NULL, first = NULL, second = NULL;
  g_autofree char *path = NULL;
  JsonArray *a, *p1, *p2;
  gint64 last;

  for (int i = 0; i < 4; i++)
    g_free (cs_test_login (s, "acme", "boss@acme.test", NULL));
  all = cs_test_call (s, "GET", "/api/admin/audit?limit=100", admin, NULL, 200);
  a = json_object_get_array_member (all, "entries");
  g_assert_cmpuint (json_array_get_length (a), >=, 5);
  first = cs_test_call (s, "GET", "/api/admin/audit?limit=2", admin, NULL, 200);
  p1 = json_object_get_array_member (first, "entries");
  g_assert_cmpuint (json_array_get_length (p1), ==, 2);
  last = json_object_get_int_member (json_array_get_object_element (p1, 1), "id");
  path = g_strdup_printf ("/api/admin/audit?limit=2&before=%" G_GINT64_FORMAT, last);
  second = cs_test_call (s, "GET", path, admin, NULL, 200);
  p2 = json_object_get_array_member (second, "entries");
  g_assert_cmpuint (json_array_get_length (p2), ==, 2);
  /* The second page continues the newest-first listing exactly. */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (p2, i), "id"), ==,
                     json_object_get_int_member (json_array_get_object_element (a, i + 2), "id"));
  g_free (cs_test_expect_error (s, "GET", "/api/admin/audit?before=abc", admin, NULL, 400, "bad_request"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/admin/role-change", test_role_change);
  g_test_add_func ("/server/admin/audit-paging", test_audit_paging);
  return g_test_run ();
}
