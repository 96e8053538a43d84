/* cs-pg-users.c: cs-users.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-users.h"

static CsUser *
pg_users_get (CsDb       *db,
              const char *tenant_id,
              const char *user_id)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " CS_USER_COLS " FROM users u WHERE u.id = ? AND u.tenant_id = ?",
                                "ss", user_id, tenant_id);

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  return cs_pg_user_row (stmt, 0);
}

static char *
pg_users_display_name (CsDb       *db,
                       const char *user_id)
{
  return cs_pg_text1 (db, "SELECT display_name FROM users WHERE id = ?", "s", user_id);
}

static char *
pg_users_tenant_role (CsDb       *db,
                      const char *tenant_id,
                      const char *user_id)
{
  return cs_pg_text1 (db, "SELECT role FROM users WHERE id = ? AND tenant_id = ?", "ss", user_id, tenant_id);
}

/* Escapes ILIKE wildcards so a search for "50%" finds "50%". */
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
pg_users_search (CsDb       *db,
                 const char *tenant_id,
                 const char *text,
                 guint       n)
{
  g_autofree char *pattern = like_pattern (text ? text : "");
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_user_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " CS_USER_COLS " FROM users u WHERE u.tenant_id = ? AND u.deleted_at IS NULL"
                                " AND (u.display_name ILIKE ?2 ESCAPE '\\' OR u.email ILIKE ?2 ESCAPE '\\' OR u.handle ILIKE ?2 ESCAPE '\\')"
                                " ORDER BY lower (u.display_name) LIMIT ?3",
                                "ssi", tenant_id, pattern, (gint64) n);

  while (stmt && cs_pg_next (stmt))
    g_ptr_array_add (list, cs_pg_user_row (stmt, 0));
  return list;
}

static char *
pg_users_active_role (CsDb       *db,
                      const char *tenant_id,
                      const char *user_id)
{
  return cs_pg_text1 (db, "SELECT role FROM users WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL",
                      "ss", user_id, tenant_id);
}

static gboolean
pg_tenants_exists (CsDb       *db,
                   const char *name)
{
  return cs_pg_int1 (db, 0, "SELECT COUNT(*) FROM tenants WHERE lower (name) = lower (?)", "s", name) > 0;
}

static gboolean
pg_tenants_insert (CsDb       *db,
                   const char *tenant_id,
                   const char *name,
                   const char *language,
                   gint64      created_at)
{
  return cs_pg_exec (db, "INSERT INTO tenants (id, name, language, created_at) VALUES (?, ?, ?, ?)",
                     "sssi", tenant_id, name, language, created_at);
}

static char *
pg_tenants_find (CsDb       *db,
                 const char *name)
{
  return cs_pg_text1 (db, "SELECT id FROM tenants WHERE lower (name) = lower (?)", "s", name);
}

static gboolean
pg_users_email_taken (CsDb       *db,
                      const char *tenant_id,
                      const char *email)
{
  return cs_pg_int1 (db, 0, "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND email = ?",
                     "ss", tenant_id, email) > 0;
}

static gboolean
pg_users_insert (CsDb       *db,
                 const char *user_id,
                 const char *tenant_id,
                 const char *email,
                 const char *display_name,
                 const char *role,
                 const char *password_hash,
                 gint64      created_at)
{
  return cs_pg_exec (db,
                     "INSERT INTO users (id, tenant_id, email, display_name, role, password_hash, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     "ssssssi", user_id, tenant_id, email, display_name, role, password_hash,
                     created_at);
}

static gboolean
pg_users_find_login (CsDb       *db,
                     const char *tenant_name,
                     const char *email,
                     char      **out_user_id,
                     char      **out_tenant_id,
                     char      **out_password_hash)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT u.id, u.tenant_id, u.password_hash FROM users u"
                                " JOIN tenants t ON t.id = u.tenant_id"
                                " WHERE lower (t.name) = lower (?) AND u.email = ? AND u.deleted_at IS NULL",
                                "ss", tenant_name, email);

  if (stmt == NULL || !cs_pg_next (stmt))
    return FALSE;
  *out_user_id = cs_pg_col_dup (stmt, 0);
  *out_tenant_id = cs_pg_col_dup (stmt, 1);
  *out_password_hash = cs_pg_col_dup (stmt, 2);
  return TRUE;
}

static char *
pg_users_password_hash (CsDb       *db,
                        const char *user_id)
{
  return cs_pg_text1 (db, "SELECT password_hash FROM users WHERE id = ?", "s", user_id);
}

static gboolean
pg_users_set_display_name (CsDb       *db,
                           const char *user_id,
                           const char *display_name)
{
  return cs_pg_exec (db, "UPDATE users SET display_name = ? WHERE id = ?", "ss", display_name, user_id);
}

static gboolean
pg_users_set_status_text (CsDb       *db,
                          const char *user_id,
                          const char *status_text)
{
  return cs_pg_exec (db, "UPDATE users SET status_text = ? WHERE id = ?", "ss", status_text, user_id);
}

static gboolean
pg_users_set_last_seen (CsDb       *db,
                        const char *user_id,
                        gint64      at)
{
  return cs_pg_exec (db, "UPDATE users SET last_seen_at = ? WHERE id = ?", "is", at, user_id);
}

static gboolean
pg_users_set_role (CsDb       *db,
                   const char *tenant_id,
                   const char *user_id,
                   const char *role)
{
  return cs_pg_exec (db, "UPDATE users SET role = ? WHERE id = ? AND tenant_id = ?",
                     "sss", role, user_id, tenant_id);
}

static GPtrArray *
pg_users_last_seen (CsDb       *db,
                    const char *tenant_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_user_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT id, last_seen_at FROM users WHERE tenant_id = ? AND deleted_at IS NULL",
                                "s", tenant_id);

  while (stmt && cs_pg_next (stmt))
    {
      CsUser *u = g_new0 (CsUser, 1);

      u->id = cs_pg_col_dup (stmt, 0);
      u->last_seen_at = cs_pg_col_time (stmt, 1);
      g_ptr_array_add (list, u);
    }
  return list;
}

static gboolean
pg_users_erase (CsDb       *db,
                const char *user_id,
                gint64      at)
{
  return cs_pg_exec (db,
                     "UPDATE users SET email = NULL, display_name = 'Deleted user', password_hash = NULL,"
                     " status_text = '', deleted_at = ? WHERE id = ?", "is", at, user_id) &&
         cs_pg_exec (db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                     "is", at, user_id) &&
         cs_pg_exec (db, "DELETE FROM notifications WHERE user_id = ?", "s", user_id) &&
         cs_pg_exec (db, "DELETE FROM mentions WHERE user_id = ?", "s", user_id) &&
         cs_pg_exec (db, "DELETE FROM events WHERE user_id = ?", "s", user_id);
}

static GPtrArray *
pg_users_export (CsDb         *db,
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
  CS_PG_RES stmt = cs_pg_query (db, sql[table], "s", user_id);

  while (stmt && cs_pg_next (stmt))
    {
      int n = cs_pg_ncols (stmt);
      GArray *cells = cs_cells_new (n);

      for (int i = 0; i < n; i++)
        {
          CsCell cell = { CS_CELL_NULL, 0, NULL };

          if (cs_pg_is_null (stmt, i))
            ;
          else if (cs_pg_col_is_int (stmt, i))
            {
              cell.type = CS_CELL_INT;
              cell.number = cs_pg_int (stmt, i);
            }
          else
            {
              cell.type = CS_CELL_TEXT;
              cell.text = cs_pg_col_dup (stmt, i);
            }
          g_array_append_val (cells, cell);
        }
      g_ptr_array_add (rows, cells);
    }
  return rows;
}

static GPtrArray *
pg_audit_list (CsDb       *db,
               const char *tenant_id,
               const char *action,
               gint64      since_ms,
               gint64      before_id,
               guint       n)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_audit_entry_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT id, at, user_id, action, entity_type, entity_id, ip, details FROM audit"
                                " WHERE tenant_id = ? AND (?2 IS NULL OR action = ?2) AND at >= ?3 AND id < ?5"
                                " ORDER BY id DESC LIMIT ?4",
                                "ssiii", tenant_id, action, since_ms, (gint64) n, before_id);

  while (stmt && cs_pg_next (stmt))
    {
      CsAuditEntry *e = g_new0 (CsAuditEntry, 1);

      e->id = cs_pg_int (stmt, 0);
      e->at = cs_pg_col_time (stmt, 1);
      e->user_id = cs_pg_col_dup (stmt, 2);
      e->action = cs_pg_col_dup (stmt, 3);
      e->entity_type = cs_pg_col_dup (stmt, 4);
      e->entity_id = cs_pg_col_dup (stmt, 5);
      e->ip = cs_pg_col_dup (stmt, 6);
      e->details = cs_pg_col_dup (stmt, 7);
      g_ptr_array_add (list, e);
    }
  return list;
}

static gboolean
pg_stored_sessions_insert (CsDb       *db,
                           const char *token_hash,
                           const char *user_id,
                           const char *tenant_id,
                           gint64      created_at,
                           gint64      expires_at,
                           const char *ip)
{
  return cs_pg_exec (db,
                     "INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at, ip)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     "sssiis", token_hash, user_id, tenant_id, created_at, expires_at, ip);
}

static gboolean
pg_stored_sessions_revoke (CsDb       *db,
                           const char *token_hash,
                           gint64      at)
{
  return cs_pg_exec (db, "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", "is", at, token_hash);
}

static gboolean
pg_stored_sessions_delete_expired (CsDb  *db,
                                   gint64 now_ms)
{
  return cs_pg_exec (db, "DELETE FROM sessions WHERE expires_at <= ?", "i", now_ms);
}

static GPtrArray *
pg_stored_sessions_live (CsDb  *db,
                         gint64 now_ms)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_stored_session_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT token_hash, user_id, tenant_id, expires_at FROM sessions"
                                " WHERE revoked_at IS NULL AND expires_at > ?", "i", now_ms);

  while (stmt && cs_pg_next (stmt))
    {
      CsStoredSession *s = g_new0 (CsStoredSession, 1);

      s->token_hash = cs_pg_col_dup (stmt, 0);
      s->user_id = cs_pg_col_dup (stmt, 1);
      s->tenant_id = cs_pg_col_dup (stmt, 2);
      s->expires_at = cs_pg_int (stmt, 3);
      g_ptr_array_add (list, s);
    }
  return list;
}

static CsStoredSession *
pg_stored_sessions_find (CsDb       *db,
                         const char *token_hash,
                         gint64      now_ms)
{
  CsStoredSession *s = NULL;
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT s.token_hash, s.user_id, s.tenant_id, s.expires_at FROM sessions s"
                                " JOIN users u ON u.id = s.user_id"
                                " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?"
                                " AND u.deleted_at IS NULL", "si", token_hash, now_ms);

  if (stmt && cs_pg_next (stmt))
    {
      s = g_new0 (CsStoredSession, 1);
      s->token_hash = cs_pg_col_dup (stmt, 0);
      s->user_id = cs_pg_col_dup (stmt, 1);
      s->tenant_id = cs_pg_col_dup (stmt, 2);
      s->expires_at = cs_pg_int (stmt, 3);
    }
  return s;
}

static char *
pg_users_find_by_email (CsDb       *db,
                        const char *tenant_id,
                        const char *email)
{
  return cs_pg_text1 (db, "SELECT id FROM users WHERE tenant_id = ? AND email = ? AND deleted_at IS NULL",
                      "ss", tenant_id, email);
}

static char *
pg_users_email (CsDb       *db,
                const char *user_id)
{
  return cs_pg_text1 (db, "SELECT email FROM users WHERE id = ?", "s", user_id);
}

static gboolean
pg_agents_insert (CsDb       *db,
                  const char *user_id,
                  const char *tenant_id,
                  const char *handle,
                  const char *display_name,
                  const char *description,
                  const char *system_prompt,
                  const char *model,
                  gint64      created_at)
{
  return cs_pg_exec (db,
                     "INSERT INTO users (id, tenant_id, email, display_name, role, password_hash, created_at,"
                     " kind, handle, description, system_prompt, model)"
                     " VALUES (?, ?, NULL, ?, 'member', NULL, ?, 'agent', ?, ?, ?, ?)",
                     "sssissss", user_id, tenant_id, display_name, created_at, handle, description,
                     system_prompt, model);
}

static gboolean
pg_users_handle_taken (CsDb       *db,
                       const char *tenant_id,
                       const char *handle,
                       const char *except_id)
{
  return cs_pg_int1 (db, 0,
                     "SELECT COUNT(*) FROM users WHERE tenant_id = ?1 AND deleted_at IS NULL"
                     " AND id IS DISTINCT FROM ?3 AND (lower (handle) = lower (?2)"
                     "  OR (email IS NOT NULL AND lower (split_part (email, '@', 1)) = lower (?2)))",
                     "sss", tenant_id, handle, except_id) > 0;
}

static GPtrArray *
pg_agents_list (CsDb       *db,
                const char *tenant_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_user_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " CS_USER_COLS " FROM users u WHERE u.tenant_id = ? AND u.kind = 'agent'"
                                " AND u.deleted_at IS NULL ORDER BY lower (u.display_name)",
                                "s", tenant_id);

  while (stmt && cs_pg_next (stmt))
    g_ptr_array_add (list, cs_pg_user_row (stmt, 0));
  return list;
}

static CsUser *
pg_agents_get (CsDb       *db,
               const char *tenant_id,
               const char *agent_id)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " CS_USER_COLS " FROM users u WHERE u.id = ? AND u.tenant_id = ?"
                                " AND u.kind = 'agent' AND u.deleted_at IS NULL",
                                "ss", agent_id, tenant_id);

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  return cs_pg_user_row (stmt, 0);
}

static gboolean
pg_agents_update (CsDb       *db,
                  const char *agent_id,
                  const char *handle,
                  const char *display_name,
                  const char *description,
                  const char *system_prompt,
                  const char *model)
{
  return cs_pg_exec (db,
                     "UPDATE users SET handle = COALESCE (?1, handle), display_name = COALESCE (?2, display_name),"
                     " description = COALESCE (?3, description), system_prompt = COALESCE (?4, system_prompt),"
                     " model = CASE WHEN ?5 IS NULL THEN model WHEN ?5 = '' THEN NULL ELSE ?5 END"
                     " WHERE id = ?6 AND kind = 'agent'",
                     "ssssss", handle, display_name, description, system_prompt, model, agent_id);
}

static gboolean
pg_agents_remove (CsDb       *db,
                  const char *agent_id,
                  gint64      at)
{
  return cs_pg_exec (db, "UPDATE users SET handle = NULL, deleted_at = ? WHERE id = ? AND kind = 'agent'",
                     "is", at, agent_id) &&
         cs_pg_exec (db, "DELETE FROM members WHERE user_id = ?", "s", agent_id) &&
         cs_pg_exec (db, "DELETE FROM mentions WHERE user_id = ?", "s", agent_id);
}

static char **
pg_users_room_ids (CsDb       *db,
                   const char *user_id)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  CS_PG_RES stmt = cs_pg_query (db, "SELECT room_id FROM members WHERE user_id = ? ORDER BY room_id", "s", user_id);

  while (stmt && cs_pg_next (stmt))
    g_strv_builder_add (ids, cs_pg_col_text (stmt, 0));
  return g_strv_builder_end (ids);
}

const CsUsersOps cs_pg_users_ops = {
  .room_ids = pg_users_room_ids,
  .get = pg_users_get,
  .display_name = pg_users_display_name,
  .tenant_role = pg_users_tenant_role,
  .search = pg_users_search,
  .active_role = pg_users_active_role,
  .tenants_exists = pg_tenants_exists,
  .tenants_insert = pg_tenants_insert,
  .tenants_find = pg_tenants_find,
  .email_taken = pg_users_email_taken,
  .insert = pg_users_insert,
  .find_login = pg_users_find_login,
  .password_hash = pg_users_password_hash,
  .set_display_name = pg_users_set_display_name,
  .set_status_text = pg_users_set_status_text,
  .set_last_seen = pg_users_set_last_seen,
  .set_role = pg_users_set_role,
  .last_seen = pg_users_last_seen,
  .erase = pg_users_erase,
  .export = pg_users_export,
  .audit_list = pg_audit_list,
  .stored_sessions_insert = pg_stored_sessions_insert,
  .stored_sessions_revoke = pg_stored_sessions_revoke,
  .stored_sessions_delete_expired = pg_stored_sessions_delete_expired,
  .stored_sessions_live = pg_stored_sessions_live,
  .stored_sessions_find = pg_stored_sessions_find,
  .find_by_email = pg_users_find_by_email,
  .email = pg_users_email,
  .agents_insert = pg_agents_insert,
  .handle_taken = pg_users_handle_taken,
  .agents_list = pg_agents_list,
  .agents_get = pg_agents_get,
  .agents_update = pg_agents_update,
  .agents_remove = pg_agents_remove,
};
