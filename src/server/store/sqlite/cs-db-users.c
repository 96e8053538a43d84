/* cs-db-users.c: cs-users.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db-rows.h"
#include "cs-users.h"

static CsUser *
sqlite_users_get (CsDb       *db,
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

static char *
sqlite_users_display_name (CsDb       *db,
                           const char *user_id)
{
  return cs_db_text (db, "SELECT display_name FROM users WHERE id = ?", "s", user_id);
}

static char *
sqlite_users_tenant_role (CsDb       *db,
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

static GPtrArray *
sqlite_users_search (CsDb       *db,
                     const char *tenant_id,
                     const char *text,
                     guint       n)
{
  g_autofree char *pattern = like_pattern (text ? text : "");
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_user_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " CS_USER_COLS " FROM users u WHERE u.tenant_id = ? AND u.deleted_at IS NULL"
                              " AND (u.display_name LIKE ?2 ESCAPE '\\' OR u.email LIKE ?2 ESCAPE '\\' OR u.handle LIKE ?2 ESCAPE '\\')"
                              " ORDER BY u.display_name COLLATE NOCASE LIMIT ?3",
                              "ssi", tenant_id, pattern, (gint64) n);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, cs_db_user_row (stmt, 0));
  return list;
}

static char *
sqlite_users_active_role (CsDb       *db,
                          const char *tenant_id,
                          const char *user_id)
{
  return cs_db_text (db, "SELECT role FROM users WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL",
                     "ss", user_id, tenant_id);
}

static gboolean
sqlite_tenants_exists (CsDb       *db,
                       const char *name)
{
  return cs_db_int (db, 0, "SELECT COUNT(*) FROM tenants WHERE name = ?", "s", name) > 0;
}

static gboolean
sqlite_tenants_insert (CsDb       *db,
                       const char *tenant_id,
                       const char *name,
                       const char *language,
                       gint64      created_at)
{
  return cs_db_exec (db, "INSERT INTO tenants (id, name, language, created_at) VALUES (?, ?, ?, ?)",
                     "sssi", tenant_id, name, language, created_at) == SQLITE_DONE;
}

static char *
sqlite_tenants_find (CsDb       *db,
                     const char *name)
{
  return cs_db_text (db, "SELECT id FROM tenants WHERE name = ?", "s", name);
}

static gboolean
sqlite_users_email_taken (CsDb       *db,
                          const char *tenant_id,
                          const char *email)
{
  return cs_db_int (db, 0, "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND email = ?",
                    "ss", tenant_id, email) > 0;
}

static gboolean
sqlite_users_insert (CsDb       *db,
                     const char *user_id,
                     const char *tenant_id,
                     const char *email,
                     const char *display_name,
                     const char *role,
                     const char *password_hash,
                     gint64      created_at)
{
  return cs_db_exec (db,
                     "INSERT INTO users (id, tenant_id, email, display_name, role, password_hash, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     "ssssssi", user_id, tenant_id, email, display_name, role, password_hash,
                     created_at) == SQLITE_DONE;
}

static gboolean
sqlite_users_find_login (CsDb       *db,
                         const char *tenant_name,
                         const char *email,
                         char      **out_user_id,
                         char      **out_tenant_id,
                         char      **out_password_hash)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT u.id, u.tenant_id, u.password_hash FROM users u"
                              " JOIN tenants t ON t.id = u.tenant_id"
                              " WHERE t.name = ? AND u.email = ? AND u.deleted_at IS NULL",
                              "ss", tenant_name, email);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  *out_user_id = cs_db_col_dup (stmt, 0);
  *out_tenant_id = cs_db_col_dup (stmt, 1);
  *out_password_hash = cs_db_col_dup (stmt, 2);
  return TRUE;
}

static char *
sqlite_users_password_hash (CsDb       *db,
                            const char *user_id)
{
  return cs_db_text (db, "SELECT password_hash FROM users WHERE id = ?", "s", user_id);
}

static gboolean
sqlite_users_set_display_name (CsDb       *db,
                               const char *user_id,
                               const char *display_name)
{
  return cs_db_exec (db, "UPDATE users SET display_name = ? WHERE id = ?", "ss", display_name, user_id) == SQLITE_DONE;
}

static gboolean
sqlite_users_set_status_text (CsDb       *db,
                              const char *user_id,
                              const char *status_text)
{
  return cs_db_exec (db, "UPDATE users SET status_text = ? WHERE id = ?", "ss", status_text, user_id) == SQLITE_DONE;
}

static gboolean
sqlite_users_set_last_seen (CsDb       *db,
                            const char *user_id,
                            gint64      at)
{
  return cs_db_exec (db, "UPDATE users SET last_seen_at = ? WHERE id = ?", "is", at, user_id) == SQLITE_DONE;
}

static gboolean
sqlite_users_set_role (CsDb       *db,
                       const char *tenant_id,
                       const char *user_id,
                       const char *role)
{
  return cs_db_exec (db, "UPDATE users SET role = ? WHERE id = ? AND tenant_id = ?",
                     "sss", role, user_id, tenant_id) == SQLITE_DONE;
}

static GPtrArray *
sqlite_users_last_seen (CsDb       *db,
                        const char *tenant_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_user_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT id, last_seen_at FROM users WHERE tenant_id = ? AND deleted_at IS NULL",
                              "s", tenant_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsUser *u = g_new0 (CsUser, 1);

      u->id = cs_db_col_dup (stmt, 0);
      u->last_seen_at = cs_db_col_time (stmt, 1);
      g_ptr_array_add (list, u);
    }
  return list;
}

static gboolean
sqlite_users_erase (CsDb       *db,
                    const char *user_id,
                    gint64      at)
{
  return cs_db_exec (db,
                     "UPDATE users SET email = NULL, display_name = 'Deleted user', password_hash = NULL,"
                     " status_text = '', deleted_at = ? WHERE id = ?", "is", at, user_id) == SQLITE_DONE &&
         cs_db_exec (db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                     "is", at, user_id) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM notifications WHERE user_id = ?", "s", user_id) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM mentions WHERE user_id = ?", "s", user_id) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM events WHERE user_id = ?", "s", user_id) == SQLITE_DONE;
}

static GPtrArray *
sqlite_users_export (CsDb         *db,
                     const char   *user_id,
                     CsExportTable table)
{
  static const char * const sql[] = {
    [CS_EXPORT_MEMBERSHIPS] =
      "SELECT mb.room_id, r.name, mb.role, mb.joined_at, mb.last_read_seq, mb.muted, mb.notify"
      " FROM members mb JOIN rooms r ON r.id = mb.room_id WHERE mb.user_id = ?",
    [CS_EXPORT_MESSAGES] =
      "SELECT id, room_id, seq, kind, body, created_at, edited_at, deleted FROM messages"
      " WHERE sender_id = ? ORDER BY seq",
    [CS_EXPORT_NOTIFICATIONS] =
      "SELECT id, type, room_id, message_id, title, body, created_at, read FROM notifications"
      " WHERE user_id = ? ORDER BY created_at",
    [CS_EXPORT_SESSIONS] =
      "SELECT created_at, expires_at, revoked_at, ip FROM sessions WHERE user_id = ? ORDER BY created_at",
    [CS_EXPORT_ATTACHMENTS] =
      "SELECT id, room_id, message_id, name, size, mime_type, created_at FROM attachments"
      " WHERE uploader_id = ? ORDER BY created_at",
    [CS_EXPORT_AUDIT] =
      "SELECT action, entity_type, entity_id, ip, at FROM audit WHERE user_id = ? ORDER BY id",
  };
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  CS_STMT stmt = cs_db_query (db, sql[table], "s", user_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      int n = sqlite3_column_count (stmt);
      GArray *cells = cs_cells_new (n);

      for (int i = 0; i < n; i++)
        {
          CsCell cell = { CS_CELL_NULL, 0, NULL };

          switch (sqlite3_column_type (stmt, i))
            {
            case SQLITE_NULL:
              break;
            case SQLITE_INTEGER:
              cell.type = CS_CELL_INT;
              cell.number = sqlite3_column_int64 (stmt, i);
              break;
            default:
              cell.type = CS_CELL_TEXT;
              cell.text = cs_db_col_dup (stmt, i);
              break;
            }
          g_array_append_val (cells, cell);
        }
      g_ptr_array_add (rows, cells);
    }
  return rows;
}

static GPtrArray *
sqlite_audit_list (CsDb       *db,
                   const char *tenant_id,
                   const char *action,
                   gint64      since_ms,
                   gint64      before_id,
                   guint       n)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_audit_entry_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT id, at, user_id, action, entity_type, entity_id, ip, details FROM audit"
                              " WHERE tenant_id = ? AND (?2 IS NULL OR action = ?2) AND at >= ?3 AND id < ?5"
                              " ORDER BY id DESC LIMIT ?4",
                              "ssiii", tenant_id, action, since_ms, (gint64) n, before_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsAuditEntry *e = g_new0 (CsAuditEntry, 1);

      e->id = sqlite3_column_int64 (stmt, 0);
      e->at = cs_db_col_time (stmt, 1);
      e->user_id = cs_db_col_dup (stmt, 2);
      e->action = cs_db_col_dup (stmt, 3);
      e->entity_type = cs_db_col_dup (stmt, 4);
      e->entity_id = cs_db_col_dup (stmt, 5);
      e->ip = cs_db_col_dup (stmt, 6);
      e->details = cs_db_col_dup (stmt, 7);
      g_ptr_array_add (list, e);
    }
  return list;
}

static gboolean
sqlite_stored_sessions_insert (CsDb       *db,
                               const char *token_hash,
                               const char *user_id,
                               const char *tenant_id,
                               gint64      created_at,
                               gint64      expires_at,
                               const char *ip)
{
  return cs_db_exec (db,
                     "INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at, ip)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     "sssiis", token_hash, user_id, tenant_id, created_at, expires_at, ip) == SQLITE_DONE;
}

static gboolean
sqlite_stored_sessions_revoke (CsDb       *db,
                               const char *token_hash,
                               gint64      at)
{
  return cs_db_exec (db, "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", "is", at, token_hash) == SQLITE_DONE;
}

static gboolean
sqlite_stored_sessions_delete_expired (CsDb  *db,
                                       gint64 now_ms)
{
  return cs_db_exec (db, "DELETE FROM sessions WHERE expires_at <= ?", "i", now_ms) == SQLITE_DONE;
}

static GPtrArray *
sqlite_stored_sessions_live (CsDb  *db,
                             gint64 now_ms)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_stored_session_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT token_hash, user_id, tenant_id, expires_at FROM sessions"
                              " WHERE revoked_at IS NULL AND expires_at > ?", "i", now_ms);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsStoredSession *s = g_new0 (CsStoredSession, 1);

      s->token_hash = cs_db_col_dup (stmt, 0);
      s->user_id = cs_db_col_dup (stmt, 1);
      s->tenant_id = cs_db_col_dup (stmt, 2);
      s->expires_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (list, s);
    }
  return list;
}

static CsStoredSession *
sqlite_stored_sessions_find (CsDb       *db,
                             const char *token_hash,
                             gint64      now_ms)
{
  CsStoredSession *s = NULL;
  CS_STMT stmt = cs_db_query (db,
                              "SELECT s.token_hash, s.user_id, s.tenant_id, s.expires_at FROM sessions s"
                              " JOIN users u ON u.id = s.user_id"
                              " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?"
                              " AND u.deleted_at IS NULL", "si", token_hash, now_ms);

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      s = g_new0 (CsStoredSession, 1);
      s->token_hash = cs_db_col_dup (stmt, 0);
      s->user_id = cs_db_col_dup (stmt, 1);
      s->tenant_id = cs_db_col_dup (stmt, 2);
      s->expires_at = sqlite3_column_int64 (stmt, 3);
    }
  return s;
}

static char *
sqlite_users_find_by_email (CsDb       *db,
                            const char *tenant_id,
                            const char *email)
{
  return cs_db_text (db, "SELECT id FROM users WHERE tenant_id = ? AND email = ? AND deleted_at IS NULL",
                     "ss", tenant_id, email);
}

static char *
sqlite_users_email (CsDb       *db,
                    const char *user_id)
{
  return cs_db_text (db, "SELECT email FROM users WHERE id = ?", "s", user_id);
}

static gboolean
sqlite_agents_insert (CsDb       *db,
                      const char *user_id,
                      const char *tenant_id,
                      const char *handle,
                      const char *display_name,
                      const char *description,
                      const char *system_prompt,
                      const char *model,
                      gint64      created_at)
{
  return cs_db_exec (db,
                     "INSERT INTO users (id, tenant_id, email, display_name, role, password_hash, created_at,"
                     " kind, handle, description, system_prompt, model)"
                     " VALUES (?, ?, NULL, ?, 'member', NULL, ?, 'agent', ?, ?, ?, ?)",
                     "sssissss", user_id, tenant_id, display_name, created_at, handle, description,
                     system_prompt, model) == SQLITE_DONE;
}

static gboolean
sqlite_users_handle_taken (CsDb       *db,
                           const char *tenant_id,
                           const char *handle,
                           const char *except_id)
{
  return cs_db_int (db, 0,
                    "SELECT COUNT(*) FROM users WHERE tenant_id = ?1 AND deleted_at IS NULL"
                    " AND id IS NOT ?3 AND (handle = ?2 COLLATE NOCASE"
                    "  OR (email IS NOT NULL AND lower (substr (email, 1, instr (email, '@') - 1)) = lower (?2)))",
                    "sss", tenant_id, handle, except_id) > 0;
}

static GPtrArray *
sqlite_agents_list (CsDb       *db,
                    const char *tenant_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_user_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " CS_USER_COLS " FROM users u WHERE u.tenant_id = ? AND u.kind = 'agent'"
                              " AND u.deleted_at IS NULL ORDER BY u.display_name COLLATE NOCASE",
                              "s", tenant_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, cs_db_user_row (stmt, 0));
  return list;
}

static CsUser *
sqlite_agents_get (CsDb       *db,
                   const char *tenant_id,
                   const char *agent_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " CS_USER_COLS " FROM users u WHERE u.id = ? AND u.tenant_id = ?"
                              " AND u.kind = 'agent' AND u.deleted_at IS NULL",
                              "ss", agent_id, tenant_id);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return cs_db_user_row (stmt, 0);
}

static gboolean
sqlite_agents_update (CsDb       *db,
                      const char *agent_id,
                      const char *handle,
                      const char *display_name,
                      const char *description,
                      const char *system_prompt,
                      const char *model)
{
  return cs_db_exec (db,
                     "UPDATE users SET handle = IFNULL (?1, handle), display_name = IFNULL (?2, display_name),"
                     " description = IFNULL (?3, description), system_prompt = IFNULL (?4, system_prompt),"
                     " model = CASE WHEN ?5 IS NULL THEN model WHEN ?5 = '' THEN NULL ELSE ?5 END"
                     " WHERE id = ?6 AND kind = 'agent'",
                     "ssssss", handle, display_name, description, system_prompt, model, agent_id) == SQLITE_DONE;
}

static gboolean
sqlite_agents_remove (CsDb       *db,
                      const char *agent_id,
                      gint64      at)
{
  cs_db_members_changed (db, NULL);
  return cs_db_exec (db, "UPDATE users SET handle = NULL, deleted_at = ? WHERE id = ? AND kind = 'agent'",
                     "is", at, agent_id) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM members WHERE user_id = ?", "s", agent_id) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM mentions WHERE user_id = ?", "s", agent_id) == SQLITE_DONE;
}

static char **
sqlite_users_room_ids (CsDb       *db,
                       const char *user_id)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  CS_STMT stmt = cs_db_query (db, "SELECT room_id FROM members WHERE user_id = ? ORDER BY room_id", "s", user_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (ids, cs_col_text (stmt, 0));
  return g_strv_builder_end (ids);
}

const CsUsersOps cs_sqlite_users_ops = {
  .room_ids = sqlite_users_room_ids,
  .get = sqlite_users_get,
  .display_name = sqlite_users_display_name,
  .tenant_role = sqlite_users_tenant_role,
  .search = sqlite_users_search,
  .active_role = sqlite_users_active_role,
  .tenants_exists = sqlite_tenants_exists,
  .tenants_insert = sqlite_tenants_insert,
  .tenants_find = sqlite_tenants_find,
  .email_taken = sqlite_users_email_taken,
  .insert = sqlite_users_insert,
  .find_login = sqlite_users_find_login,
  .password_hash = sqlite_users_password_hash,
  .set_display_name = sqlite_users_set_display_name,
  .set_status_text = sqlite_users_set_status_text,
  .set_last_seen = sqlite_users_set_last_seen,
  .set_role = sqlite_users_set_role,
  .last_seen = sqlite_users_last_seen,
  .erase = sqlite_users_erase,
  .export = sqlite_users_export,
  .audit_list = sqlite_audit_list,
  .stored_sessions_insert = sqlite_stored_sessions_insert,
  .stored_sessions_revoke = sqlite_stored_sessions_revoke,
  .stored_sessions_delete_expired = sqlite_stored_sessions_delete_expired,
  .stored_sessions_live = sqlite_stored_sessions_live,
  .stored_sessions_find = sqlite_stored_sessions_find,
  .find_by_email = sqlite_users_find_by_email,
  .email = sqlite_users_email,
  .agents_insert = sqlite_agents_insert,
  .handle_taken = sqlite_users_handle_taken,
  .agents_list = sqlite_agents_list,
  .agents_get = sqlite_agents_get,
  .agents_update = sqlite_agents_update,
  .agents_remove = sqlite_agents_remove,
};
