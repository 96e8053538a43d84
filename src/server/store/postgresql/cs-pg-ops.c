/* cs-pg-ops.c: cs-ops.h on PostgreSQL: the command line's account
 * commands (tenant list, user list/disable/enable/reset-password) and the
 * running server's side of them. Backup and restore are SQLite's only:
 * with backend = postgresql the command line refuses them (pg_dump).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-ops.h"
#include "cau-error.h"
#include "cs-config.h"

/* As on SQLite: a locked password starts with this (as in /etc/shadow). */
#define LOCK "!"

/* The meta key that running servers watch (cs-server-ops.c): the id of
 * the newest audit entry of a revocation made from outside. */
#define MARK_KEY "external_revocation_audit_id"

static CsDb *
pg_ops_open (CsConfig  *config,
             gboolean   read_only,
             GError   **error)
{
  CsDb *db;
  gint64 version;

  if (!cs_engine_postgresql.setup (config, error))
    return NULL;
  db = cs_engine_postgresql.open (config->storage_postgresql, read_only ? CS_DB_READER : CS_DB_WRITER,
                                  config, error);
  if (db == NULL)
    return NULL;
  /* No migration from here: a server (or migrate) does that. */
  version = cs_pg_int1 (db, -1, "SELECT MAX(version) FROM schema_version", "");
  if (version != CS_PG_SCHEMA_VERSION)
    {
      if (version < 0)
        g_set_error (error, CAU_ERROR, CAU_ERROR_NOT_FOUND,
                     "There is no Causerie schema in the PostgreSQL database (run: causerie-server migrate).");
      else
        g_set_error (error, CAU_ERROR, CAU_ERROR_CONFLICT,
                     "The PostgreSQL database has schema version %d and this causerie-server expects %d: %s.",
                     (int) version, CS_PG_SCHEMA_VERSION,
                     version < CS_PG_SCHEMA_VERSION ? "run causerie-server migrate"
                                                    : "use the causerie-server that wrote it");
      cs_engine_postgresql.close (db);
      return NULL;
    }
  return db;
}

static GPtrArray *
pg_ops_tenants_list (CsDb *db)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_ops_tenant_free);
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT t.id, t.name, t.language, t.created_at,"
                               " (SELECT COUNT(*) FROM users u WHERE u.tenant_id = t.id"
                               "  AND u.kind = 'person' AND u.deleted_at IS NULL)"
                               " FROM tenants t ORDER BY t.name", "");

  while (res && cs_pg_next (res))
    {
      CsOpsTenant *t = g_new0 (CsOpsTenant, 1);

      t->id = cs_pg_col_dup (res, 0);
      t->name = cs_pg_col_dup (res, 1);
      t->language = cs_pg_col_dup (res, 2);
      t->created_at = cs_pg_int (res, 3);
      t->people = cs_pg_int (res, 4);
      g_ptr_array_add (list, t);
    }
  return list;
}

#define OPS_USER_COLS \
  "u.id, u.email, u.display_name, u.role, u.kind, u.created_at, u.last_seen_at, u.deleted_at," \
  " CASE WHEN u.password_hash LIKE '" LOCK "%' THEN 1 ELSE 0 END," \
  " (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > ?)"

static CsOpsUser *
ops_user_row (CsPgRes *res)
{
  CsOpsUser *u = g_new0 (CsOpsUser, 1);

  u->id = cs_pg_col_dup (res, 0);
  u->email = cs_pg_col_dup (res, 1);
  u->display_name = cs_pg_col_dup (res, 2);
  u->role = cs_pg_col_dup (res, 3);
  u->kind = cs_pg_col_dup (res, 4);
  u->created_at = cs_pg_int (res, 5);
  u->last_seen_at = cs_pg_col_time (res, 6);
  u->deleted = !cs_pg_is_null (res, 7);
  u->disabled = cs_pg_int (res, 8) != 0;
  u->sessions = cs_pg_int (res, 9);
  return u;
}

static GPtrArray *
pg_ops_users_list (CsDb       *db,
                   const char *tenant_id,
                   gint64      now_ms)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_ops_user_free);
  /* SQLite's order: NULLs first in ascending order, as PostgreSQL's
   * NULLS FIRST says. */
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT " OPS_USER_COLS " FROM users u WHERE u.tenant_id = ?"
                               " ORDER BY u.deleted_at IS NOT NULL, u.kind, u.email NULLS FIRST,"
                               " u.display_name", "is", now_ms, tenant_id);

  while (res && cs_pg_next (res))
    g_ptr_array_add (list, ops_user_row (res));
  return list;
}

static CsOpsUser *
pg_ops_user_find (CsDb       *db,
                  const char *tenant_id,
                  const char *who,
                  gint64      now_ms)
{
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT " OPS_USER_COLS " FROM users u WHERE u.tenant_id = ?"
                               " AND (u.email = ? OR u.id = ?) AND u.deleted_at IS NULL",
                               "isss", now_ms, tenant_id, who, who);

  if (res == NULL || !cs_pg_next (res))
    return NULL;
  return ops_user_row (res);
}

static gboolean
finish (CsDb    *db,
        gboolean ok)
{
  if (ok && cs_pg_exec (db, "COMMIT", ""))
    return TRUE;
  cs_pg_exec (db, "ROLLBACK", "");
  return FALSE;
}

static gint64
revoke_user_sessions (CsDb       *db,
                      const char *user_id,
                      gint64      at)
{
  if (!cs_pg_exec (db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?",
                   "isi", at, user_id, at))
    return -1;
  return cs_pg_changes (db);
}

/* The audit entry of a change made from the command line, and the mark
 * running servers watch when it revoked sessions. */
static gboolean
audit (CsDb       *db,
       const char *tenant_id,
       const char *user_id,
       const char *action,
       gint64      sessions,
       gboolean    mark,
       gint64      at)
{
  g_autofree char *details = g_strdup_printf ("{\"by\":\"command line\",\"sessions_revoked\":%" G_GINT64_FORMAT "}",
                                              sessions);
  g_autofree char *id = cs_pg_text1 (db,
                                     "INSERT INTO audit (tenant_id, at, user_id, action, entity_type, entity_id, details)"
                                     " VALUES (?, ?, NULL, ?, 'user', ?, ?) RETURNING CAST(id AS TEXT)",
                                     "sisss", tenant_id, at, action, user_id, details);

  if (id == NULL)
    return FALSE;
  if (!mark)
    return TRUE;
  /* The highest id wins: another node's command may have marked a later
   * entry already. */
  return cs_pg_exec (db, "INSERT INTO meta (key, value) VALUES ('" MARK_KEY "', ?)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                     " WHERE CAST(meta.value AS BIGINT) < CAST(excluded.value AS BIGINT)", "s", id);
}

static gint64
pg_ops_user_set_disabled (CsDb       *db,
                          const char *tenant_id,
                          const char *user_id,
                          gboolean    disabled,
                          gint64      at)
{
  gint64 revoked = 0;
  gboolean ok;

  if (!cs_pg_exec (db, "BEGIN", ""))
    return -1;
  if (disabled)
    ok = cs_pg_exec (db, "UPDATE users SET password_hash = '" LOCK "' || COALESCE(password_hash, '')"
                     " WHERE id = ? AND COALESCE(password_hash, '') NOT LIKE '" LOCK "%'", "s", user_id) &&
         (revoked = revoke_user_sessions (db, user_id, at)) >= 0 &&
         audit (db, tenant_id, user_id, "user.disable", revoked, TRUE, at);
  else
    ok = cs_pg_exec (db, "UPDATE users SET password_hash = NULLIF(substr(password_hash, 2), '')"
                     " WHERE id = ? AND password_hash LIKE '" LOCK "%'", "s", user_id) &&
         audit (db, tenant_id, user_id, "user.enable", 0, FALSE, at);
  return finish (db, ok) ? revoked : -1;
}

static gint64
pg_ops_user_set_password (CsDb       *db,
                          const char *tenant_id,
                          const char *user_id,
                          const char *password_hash,
                          gint64      at)
{
  gint64 revoked = 0;
  gboolean ok;

  if (!cs_pg_exec (db, "BEGIN", ""))
    return -1;
  ok = cs_pg_exec (db, "UPDATE users SET password_hash ="
                   " CASE WHEN password_hash LIKE '" LOCK "%' THEN '" LOCK "' || ? ELSE ? END WHERE id = ?",
                   "sss", password_hash, password_hash, user_id) &&
       (revoked = revoke_user_sessions (db, user_id, at)) >= 0 &&
       audit (db, tenant_id, user_id, "user.password_reset", revoked, TRUE, at);
  return finish (db, ok) ? revoked : -1;
}

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
  .open = pg_ops_open,
  .tenants_list = pg_ops_tenants_list,
  .users_list = pg_ops_users_list,
  .user_find = pg_ops_user_find,
  .user_set_disabled = pg_ops_user_set_disabled,
  .user_set_password = pg_ops_user_set_password,
  .revocation_mark = pg_ops_revocation_mark,
  .revoked_users_since = pg_ops_revoked_users_since,
  .audit_prune = pg_ops_audit_prune,
};
