/* cs-db-ops.c: cs-ops.h on SQLite: the operator's commands and the
 * server's housekeeping that goes with them.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db-rows.h"
#include "cs-ops.h"
#include "cau-error.h"

#include <glib/gstdio.h>

/* A locked password starts with this (as in /etc/shadow): no hash starts
 * with it, so no password matches it. */
#define LOCK "!"

/* The meta key that running servers watch (cs-server-ops.c): the id of
 * the newest audit entry of a revocation made from outside. */
#define MARK_KEY "external_revocation_audit_id"

void
cs_ops_tenant_free (CsOpsTenant *tenant)
{
  if (tenant == NULL)
    return;
  g_free (tenant->id);
  g_free (tenant->name);
  g_free (tenant->language);
  g_free (tenant);
}

void
cs_ops_user_free (CsOpsUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->email);
  g_free (user->display_name);
  g_free (user->role);
  g_free (user->kind);
  g_free (user);
}

CsDb *
cs_ops_open (const char *data_dir,
             gboolean    read_only,
             GError    **error)
{
  g_autofree char *path = g_build_filename (data_dir, CS_OPS_DB_FILE, NULL);
  CsDb *db;
  int version;

  /* cs_db_open would create an empty database: a mistyped --data-dir
   * must say so instead. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_NOT_FOUND,
                   "There is no Causerie database in %s (no %s).", data_dir, CS_OPS_DB_FILE);
      return NULL;
    }
  db = cs_db_open (path, read_only, error);
  if (db == NULL)
    return NULL;
  version = cs_db_user_version (db);
  if (version != CS_SCHEMA_VERSION)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_CONFLICT,
                   "The database %s has schema version %d and this causerie-server expects %d: %s.",
                   path, version, CS_SCHEMA_VERSION,
                   version < CS_SCHEMA_VERSION ? "start this server once on it to migrate it"
                                               : "use the causerie-server that wrote it");
      cs_db_close (db);
      return NULL;
    }
  return db;
}

static CsDb *
sqlite_ops_open (CsConfig  *config,
                 gboolean   read_only,
                 GError   **error)
{
  return cs_ops_open (config->data_dir, read_only, error);
}

static GPtrArray *
sqlite_ops_tenants_list (CsDb *db)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_ops_tenant_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT t.id, t.name, t.language, t.created_at,"
                              " (SELECT COUNT(*) FROM users u WHERE u.tenant_id = t.id"
                              "  AND u.kind = 'person' AND u.deleted_at IS NULL)"
                              " FROM tenants t ORDER BY t.name", "");

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsOpsTenant *t = g_new0 (CsOpsTenant, 1);

      t->id = cs_db_col_dup (stmt, 0);
      t->name = cs_db_col_dup (stmt, 1);
      t->language = cs_db_col_dup (stmt, 2);
      t->created_at = sqlite3_column_int64 (stmt, 3);
      t->people = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, t);
    }
  return list;
}

#define OPS_USER_COLS \
  "u.id, u.email, u.display_name, u.role, u.kind, u.created_at, u.last_seen_at, u.deleted_at," \
  " u.password_hash LIKE '" LOCK "%'," \
  " (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > ?)"

static CsOpsUser *
ops_user_row (sqlite3_stmt *stmt)
{
  CsOpsUser *u = g_new0 (CsOpsUser, 1);

  u->id = cs_db_col_dup (stmt, 0);
  u->email = cs_db_col_dup (stmt, 1);
  u->display_name = cs_db_col_dup (stmt, 2);
  u->role = cs_db_col_dup (stmt, 3);
  u->kind = cs_db_col_dup (stmt, 4);
  u->created_at = sqlite3_column_int64 (stmt, 5);
  u->last_seen_at = cs_db_col_time (stmt, 6);
  u->deleted = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
  u->disabled = sqlite3_column_int (stmt, 8) != 0;
  u->sessions = sqlite3_column_int64 (stmt, 9);
  return u;
}

static GPtrArray *
sqlite_ops_users_list (CsDb       *db,
                       const char *tenant_id,
                       gint64      now_ms)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_ops_user_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " OPS_USER_COLS " FROM users u WHERE u.tenant_id = ?"
                              " ORDER BY u.deleted_at IS NOT NULL, u.kind, u.email, u.display_name",
                              "is", now_ms, tenant_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, ops_user_row (stmt));
  return list;
}

static CsOpsUser *
sqlite_ops_user_find (CsDb       *db,
                      const char *tenant_id,
                      const char *who,
                      gint64      now_ms)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " OPS_USER_COLS " FROM users u WHERE u.tenant_id = ?"
                              " AND (u.email = ? OR u.id = ?) AND u.deleted_at IS NULL",
                              "isss", now_ms, tenant_id, who, who);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return ops_user_row (stmt);
}

static gboolean
begin (CsDb *db)
{
  return cs_db_exec (db, "BEGIN IMMEDIATE", "") == SQLITE_DONE;
}

static gboolean
finish (CsDb    *db,
        gboolean ok)
{
  if (ok && cs_db_exec (db, "COMMIT", "") == SQLITE_DONE)
    return TRUE;
  cs_db_exec (db, "ROLLBACK", "");
  return FALSE;
}

static gint64
revoke_user_sessions (CsDb       *db,
                      const char *user_id,
                      gint64      at)
{
  if (cs_db_exec (db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?",
                  "isi", at, user_id, at) != SQLITE_DONE)
    return -1;
  return cs_db_changes (db);
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

  if (!cs_ops_audit_insert (db, tenant_id, at, NULL, action, "user", user_id, details))
    return FALSE;
  if (!mark)
    return TRUE;
  return cs_db_exec (db, "INSERT INTO meta (key, value) VALUES ('" MARK_KEY "', last_insert_rowid())"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", "") == SQLITE_DONE;
}

static gint64
sqlite_ops_user_set_disabled (CsDb       *db,
                              const char *tenant_id,
                              const char *user_id,
                              gboolean    disabled,
                              gint64      at)
{
  gint64 revoked = 0;
  gboolean ok;

  if (!begin (db))
    return -1;
  if (disabled)
    ok = cs_db_exec (db, "UPDATE users SET password_hash = '" LOCK "' || IFNULL(password_hash, '')"
                     " WHERE id = ? AND IFNULL(password_hash, '') NOT LIKE '" LOCK "%'", "s", user_id) == SQLITE_DONE &&
         (revoked = revoke_user_sessions (db, user_id, at)) >= 0 &&
         audit (db, tenant_id, user_id, "user.disable", revoked, TRUE, at);
  else
    ok = cs_db_exec (db, "UPDATE users SET password_hash = NULLIF(substr(password_hash, 2), '')"
                     " WHERE id = ? AND password_hash LIKE '" LOCK "%'", "s", user_id) == SQLITE_DONE &&
         audit (db, tenant_id, user_id, "user.enable", 0, FALSE, at);
  return finish (db, ok) ? revoked : -1;
}

static gint64
sqlite_ops_user_set_password (CsDb       *db,
                              const char *tenant_id,
                              const char *user_id,
                              const char *password_hash,
                              gint64      at)
{
  gint64 revoked = 0;
  gboolean ok;

  if (!begin (db))
    return -1;
  ok = cs_db_exec (db, "UPDATE users SET password_hash ="
                   " CASE WHEN password_hash LIKE '" LOCK "%' THEN '" LOCK "' || ? ELSE ? END WHERE id = ?",
                   "sss", password_hash, password_hash, user_id) == SQLITE_DONE &&
       (revoked = revoke_user_sessions (db, user_id, at)) >= 0 &&
       audit (db, tenant_id, user_id, "user.password_reset", revoked, TRUE, at);
  return finish (db, ok) ? revoked : -1;
}

static gint64
sqlite_ops_revocation_mark (CsDb *db)
{
  return cs_db_int (db, 0, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = '" MARK_KEY "'", "");
}

static char **
sqlite_ops_revoked_users_since (CsDb  *db,
                                gint64 mark)
{
  GPtrArray *ids = g_ptr_array_new ();
  /* By id, the audit table's own key: only the newest entries are read. */
  CS_STMT stmt = cs_db_query (db,
                              "SELECT DISTINCT entity_id FROM audit WHERE id > ? AND user_id IS NULL"
                              " AND action IN ('user.disable', 'user.password_reset') AND entity_id IS NOT NULL",
                              "i", mark);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, cs_db_col_dup (stmt, 0));
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

gboolean
cs_ops_audit_insert (CsDb       *db,
                     const char *tenant_id,
                     gint64      at,
                     const char *user_id,
                     const char *action,
                     const char *entity_type,
                     const char *entity_id,
                     const char *details)
{
  return cs_db_exec (db,
                     "INSERT INTO audit (tenant_id, at, user_id, action, entity_type, entity_id, ip, details)"
                     " VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                     "sisssss", tenant_id, at, user_id, action, entity_type, entity_id, details) == SQLITE_DONE;
}

static gint64
sqlite_ops_audit_prune (CsDb  *db,
                        gint64 before_ms,
                        guint  limit)
{
  /* Oldest first by id (the entries were written in time order), so the
   * scan stops at the first @limit old ones instead of reading the table. */
  if (cs_db_exec (db,
                  "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY id LIMIT ?)",
                  "ii", before_ms, (gint64) limit) != SQLITE_DONE)
    return -1;
  return cs_db_changes (db);
}

/* The attachment ids the copy records. */
static char **
attachment_ids (sqlite3 *handle)
{
  GPtrArray *ids = g_ptr_array_new ();
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (handle, "SELECT id FROM attachments ORDER BY id", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

gboolean
cs_ops_backup (CsDb       *db,
               const char *dest_path,
               char     ***out_attachment_ids,
               GError    **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  if (g_file_test (dest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_CONFLICT, "%s exists already.", dest_path);
      return FALSE;
    }
  rc = sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot create %s: %s", dest_path,
                   dest ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
      sqlite3_close (dest);
      return FALSE;
    }
  /* All pages in one step: one read transaction on the source, so the
   * copy is the database as of one commit, while the server goes on
   * writing beside it (WAL). */
  backup = sqlite3_backup_init (dest, "main", cs_db_handle (db), "main");
  if (backup == NULL)
    rc = sqlite3_errcode (dest);
  else
    {
      do
        {
          rc = sqlite3_backup_step (backup, -1);
          if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep (50);
        }
      while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
      sqlite3_backup_finish (backup);
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Copying the database to %s failed: %s", dest_path,
                   sqlite3_errmsg (dest));
      sqlite3_close (dest);
      g_unlink (dest_path);
      return FALSE;
    }
  /* One file, with nothing beside it to forget: a rollback journal. */
  sqlite3_exec (dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
  *out_attachment_ids = attachment_ids (dest);
  sqlite3_close (dest);
  return TRUE;
}

gboolean
cs_ops_check_file (const char *path,
                   GError    **error)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK && sqlite3_prepare_v2 (handle, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != CS_SCHEMA_VERSION)
    g_string_append_printf (problems, "schema version %d where this causerie-server expects %d",
                            sqlite3_column_int (stmt, 0), CS_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc == SQLITE_OK && problems->len == 0)
    rc = sqlite3_prepare_v2 (handle, "PRAGMA integrity_check", -1, &stmt, NULL);
  else if (problems->len > 0)
    rc = SQLITE_DONE;
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0 && problems->len < 2000)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_DONE && problems->len == 0)
    g_string_append (problems, handle ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  if (problems->len > 0)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "%s is not a sound database: %s", path, problems->str);
      return FALSE;
    }
  return TRUE;
}

gint64
cs_ops_restore_mark (CsDb  *db,
                     gint64 gap)
{
  /* The head as the store computes it when it opens (cs-store.c). */
  gint64 head = cs_db_int (db, 0,
                           "SELECT MAX(IFNULL((SELECT MAX(seq) FROM events), 0),"
                           " IFNULL((SELECT MAX(seq) FROM messages), 0),"
                           " IFNULL((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'events_pruned_seq'), 0))", "");
  gint64 mark = head + gap;

  if (cs_db_exec (db, "INSERT INTO meta (key, value) VALUES ('events_pruned_seq', ?)"
                  " ON CONFLICT (key) DO UPDATE SET value = excluded.value", "i", mark) != SQLITE_DONE)
    return -1;
  return mark;
}

const CsOpsOps cs_sqlite_ops_ops = {
  .open = sqlite_ops_open,
  .tenants_list = sqlite_ops_tenants_list,
  .users_list = sqlite_ops_users_list,
  .user_find = sqlite_ops_user_find,
  .user_set_disabled = sqlite_ops_user_set_disabled,
  .user_set_password = sqlite_ops_user_set_password,
  .revocation_mark = sqlite_ops_revocation_mark,
  .revoked_users_since = sqlite_ops_revoked_users_since,
  .audit_prune = sqlite_ops_audit_prune,
};
