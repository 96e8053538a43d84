/* cs-pg-policy.c: the functions of cs-policy.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-policy.h"

static CsContactPolicy *
pg_policy_get (CsDb       *db,
               const char *tenant_id)
{
  CsContactPolicy *p = cs_contact_policy_new ();

  {
    CS_PG_RES res = cs_pg_query (db, "SELECT name FROM contact_ranks WHERE tenant_id = ? ORDER BY position",
                                 "s", tenant_id);

    while (res && cs_pg_next (res))
      cs_contact_policy_add_rank (p, cs_pg_col_text (res, 0));
  }
  {
    CS_PG_RES res = cs_pg_query (db, "SELECT from_rank, to_rank FROM contact_allow WHERE tenant_id = ?",
                                 "s", tenant_id);

    while (res && cs_pg_next (res))
      cs_contact_policy_allow (p, cs_pg_col_text (res, 0), cs_pg_col_text (res, 1));
  }
  return p;
}

static gboolean
pg_policy_replace (CsDb                  *db,
                   const char            *tenant_id,
                   const CsContactPolicy *policy)
{
  GHashTableIter iter;
  gpointer key;

  if (!cs_pg_exec (db, "DELETE FROM contact_ranks WHERE tenant_id = ?", "s", tenant_id) ||
      !cs_pg_exec (db, "DELETE FROM contact_allow WHERE tenant_id = ?", "s", tenant_id))
    return FALSE;
  for (guint i = 0; i < policy->ranks->len; i++)
    if (!cs_pg_exec (db, "INSERT INTO contact_ranks (tenant_id, position, name) VALUES (?, ?, ?)",
                     "sis", tenant_id, (gint64) i, (const char *) g_ptr_array_index (policy->ranks, i)))
      return FALSE;
  g_hash_table_iter_init (&iter, policy->allow);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_auto(GStrv) pair = g_strsplit (key, "\x1f", 2);

      if (g_strv_length (pair) != 2)
        continue;
      if (!cs_pg_exec (db, "INSERT INTO contact_allow (tenant_id, from_rank, to_rank) VALUES (?, ?, ?)"
                           " ON CONFLICT DO NOTHING",
                       "sss", tenant_id, pair[0], pair[1]))
        return FALSE;
    }
  return cs_pg_exec (db, "UPDATE users SET rank = NULL WHERE tenant_id = ?1 AND rank IS NOT NULL"
                         " AND rank NOT IN (SELECT name FROM contact_ranks WHERE tenant_id = ?1)",
                     "s", tenant_id);
}

static gboolean
pg_users_set_rank (CsDb       *db,
                   const char *tenant_id,
                   const char *user_id,
                   const char *rank)
{
  return cs_pg_exec (db, "UPDATE users SET rank = ? WHERE id = ? AND tenant_id = ?",
                     "sss", rank, user_id, tenant_id);
}

const CsPolicyOps cs_pg_policy_ops = {
  .get = pg_policy_get,
  .replace = pg_policy_replace,
  .users_set_rank = pg_users_set_rank,
};
