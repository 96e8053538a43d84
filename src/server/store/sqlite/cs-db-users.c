/* cs-db-users.c: cs-users.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db-rows.h"
#include "cs-users.h"

CsUser *
cs_users_get (CsDb       *db,
              const char *tenant_id,
              const char *user_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " CS_USER_COLS " FROM users u WHERE u.id = ? AND u.tenant_id = ?",
                              "ss", user_id, tenant_id);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return cs_db_user_row (stmt, 0);
}

char *
cs_users_display_name (CsDb       *db,
                       const char *user_id)
{
  return cs_db_text (db, "SELECT display_name FROM users WHERE id = ?", "s", user_id);
}

char *
cs_users_tenant_role (CsDb       *db,
                      const char *tenant_id,
                      const char *user_id)
{
  return cs_db_text (db, "SELECT role FROM users WHERE id = ? AND tenant_id = ?", "ss", user_id, tenant_id);
}

/* Escapes LIKE wildcards so a search for "50%" finds "50%". */
static char *
like_pattern (const char *q)
{
  GString *s = g_string_new ("%");

  for (const char *p = q; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

GPtrArray *
cs_users_search (CsDb       *db,
                 const char *tenant_id,
                 const char *text,
                 guint       n)
{
  g_autofree char *pattern = like_pattern (text ? text : "");
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_user_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " CS_USER_COLS " FROM users u WHERE u.tenant_id = ? AND u.deleted_at IS NULL"
                              " AND (u.display_name LIKE ?2 ESCAPE '\\' OR u.email LIKE ?2 ESCAPE '\\')"
                              " ORDER BY u.display_name COLLATE NOCASE LIMIT ?3",
                              "ssi", tenant_id, pattern, (gint64) n);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, cs_db_user_row (stmt, 0));
  return list;
}

char *
cs_users_active_role (CsDb       *db,
                      const char *tenant_id,
                      const char *user_id)
{
  return cs_db_text (db, "SELECT role FROM users WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL",
                     "ss", user_id, tenant_id);
}
