/* cs-pg-ops.c: the functions of cs-ops.h the running server calls, on
 * PostgreSQL. The command line's own (backup, restore, account changes)
 * are SQLite's only: with backend = postgresql it refuses them.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-ops.h"

static gint64
pg_ops_revocation_mark (CsDb *db)
{
  return cs_pg_int1 (db, 0, "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'external_revocation_audit_id'", "");
}

static char **
pg_ops_revoked_users_since (CsDb  *db,
                            gint64 mark)
{
  GPtrArray *ids = g_ptr_array_new ();
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT DISTINCT entity_id FROM audit WHERE id > ? AND user_id IS NULL"
                               " AND action IN ('user.disable', 'user.password_reset') AND entity_id IS NOT NULL",
                               "i", mark);

  while (res && cs_pg_next (res))
    g_ptr_array_add (ids, cs_pg_col_dup (res, 0));
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

static gint64
pg_ops_audit_prune (CsDb  *db,
                    gint64 before_ms,
                    guint  limit)
{
  /* Oldest first by id (the entries were written in time order). */
  if (!cs_pg_exec (db,
                   "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY id LIMIT ?)",
                   "ii", before_ms, (gint64) limit))
    return -1;
  return cs_pg_changes (db);
}

const CsOpsOps cs_pg_ops_ops = {
  .revocation_mark = pg_ops_revocation_mark,
  .revoked_users_since = pg_ops_revoked_users_since,
  .audit_prune = pg_ops_audit_prune,
};
