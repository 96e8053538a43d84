/* cs-db-policy.c: the contact policy in SQLite (tables contact_ranks and
 * contact_allow, column users.rank; schema step 7 -> 8).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db.h"
#include "cs-policy.h"

static CsContactPolicy *
sqlite_policy_get (CsDb       *db,
                   const char *tenant_id)
{
  CsContactPolicy *p = cs_contact_policy_new ();

  {
    CS_STMT stmt = cs_db_query (db, "SELECT name FROM contact_ranks WHERE tenant_id = ? ORDER BY position",
                                "s", tenant_id);

    while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
      cs_contact_policy_add_rank (p, cs_col_text (stmt, 0));
  }
  {
    CS_STMT stmt = cs_db_query (db, "SELECT from_rank, to_rank FROM contact_allow WHERE tenant_id = ?",
                                "s", tenant_id);

    while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
      cs_contact_policy_allow (p, cs_col_text (stmt, 0), cs_col_text (stmt, 1));
  }
  return p;
}

static gboolean
sqlite_policy_replace (CsDb                  *db,
                       const char            *tenant_id,
                       const CsContactPolicy *policy)
{
  GHashTableIter iter;
  gpointer key;

  if (cs_db_exec (db, "DELETE FROM contact_ranks WHERE tenant_id = ?", "s", tenant_id) != SQLITE_DONE ||
      cs_db_exec (db, "DELETE FROM contact_allow WHERE tenant_id = ?", "s", tenant_id) != SQLITE_DONE)
    return FALSE;
  for (guint i = 0; i < policy->ranks->len; i++)
    if (cs_db_exec (db, "INSERT INTO contact_ranks (tenant_id, position, name) VALUES (?, ?, ?)",
                    "sis", tenant_id, (gint64) i, (const char *) g_ptr_array_index (policy->ranks, i)) != SQLITE_DONE)
      return FALSE;
  g_hash_table_iter_init (&iter, policy->allow);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_auto(GStrv) pair = g_strsplit (key, "\x1f", 2);

      if (g_strv_length (pair) != 2)
        continue;
      if (cs_db_exec (db, "INSERT OR IGNORE INTO contact_allow (tenant_id, from_rank, to_rank) VALUES (?, ?, ?)",
                      "sss", tenant_id, pair[0], pair[1]) != SQLITE_DONE)
        return FALSE;
    }
  return cs_db_exec (db, "UPDATE users SET rank = NULL WHERE tenant_id = ?1 AND rank IS NOT NULL"
                         " AND rank NOT IN (SELECT name FROM contact_ranks WHERE tenant_id = ?1)",
                     "s", tenant_id) == SQLITE_DONE;
}

static gboolean
sqlite_users_set_rank (CsDb       *db,
                       const char *tenant_id,
                       const char *user_id,
                       const char *rank)
{
  return cs_db_exec (db, "UPDATE users SET rank = ? WHERE id = ? AND tenant_id = ?",
                     "sss", rank, user_id, tenant_id) == SQLITE_DONE;
}

const CsPolicyOps cs_sqlite_policy_ops = {
  .get = sqlite_policy_get,
  .replace = sqlite_policy_replace,
  .users_set_rank = sqlite_users_set_rank,
};
