/* cs-db-rooms.c: cs-rooms.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db-rows.h"
#include "cs-rooms.h"

static char *
sqlite_rooms_name (CsDb       *db,
                   const char *room_id)
{
  return cs_db_text (db, "SELECT name FROM rooms WHERE id = ?", "s", room_id);
}

static char *
sqlite_rooms_type (CsDb       *db,
                   const char *room_id)
{
  return cs_db_text (db, "SELECT type FROM rooms WHERE id = ?", "s", room_id);
}

static gboolean
sqlite_rooms_is_archived (CsDb       *db,
                          const char *room_id)
{
  return cs_db_int (db, 0, "SELECT is_archived FROM rooms WHERE id = ?", "s", room_id) != 0;
}

static gint64
sqlite_rooms_last_seq (CsDb       *db,
                       const char *room_id)
{
  return cs_db_int (db, 0, "SELECT last_seq FROM rooms WHERE id = ?", "s", room_id);
}

static char *
sqlite_members_role (CsDb       *db,
                     const char *room_id,
                     const char *user_id)
{
  return cs_db_text (db, "SELECT role FROM members WHERE room_id = ? AND user_id = ?", "ss", room_id, user_id);
}

static gint64
sqlite_members_last_read (CsDb       *db,
                          const char *room_id,
                          const char *user_id)
{
  return cs_db_int (db, 0, "SELECT last_read_seq FROM members WHERE room_id = ? AND user_id = ?",
                    "ss", room_id, user_id);
}

static gboolean
sqlite_members_set_last_read (CsDb       *db,
                              const char *room_id,
                              const char *user_id,
                              gint64      seq)
{
  return cs_db_exec (db, "UPDATE members SET last_read_seq = ? WHERE room_id = ? AND user_id = ?",
                     "iss", seq, room_id, user_id) == SQLITE_DONE;
}

static GPtrArray *
sqlite_members_users (CsDb       *db,
                      const char *room_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_member_user_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT u.id, u.display_name, u.email, u.kind, u.handle FROM members mb JOIN users u ON u.id = mb.user_id"
                              " WHERE mb.room_id = ?", "s", room_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsMemberUser *m = g_new0 (CsMemberUser, 1);

      m->user_id = cs_db_col_dup (stmt, 0);
      m->display_name = cs_db_col_dup (stmt, 1);
      m->email = cs_db_col_dup (stmt, 2);
      m->kind = cs_db_col_dup (stmt, 3);
      m->handle = cs_db_col_dup (stmt, 4);
      g_ptr_array_add (list, m);
    }
  return list;
}

static GPtrArray *
sqlite_members_prefs (CsDb       *db,
                      const char *room_id,
                      const char *except_user_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_member_prefs_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT user_id, muted, notify FROM members WHERE room_id = ? AND user_id != ?",
                              "ss", room_id, except_user_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsMemberPrefs *p = g_new0 (CsMemberPrefs, 1);

      p->user_id = cs_db_col_dup (stmt, 0);
      p->muted = sqlite3_column_int (stmt, 1) != 0;
      p->notify = cs_db_col_dup (stmt, 2);
      g_ptr_array_add (list, p);
    }
  return list;
}

static CsRoom *
sqlite_rooms_get (CsDb       *db,
                  const char *tenant_id,
                  const char *room_id,
                  const char *viewer_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT r.id, r.type, r.name, r.description, r.is_private, r.is_archived,"
                              " r.created_by, r.created_at, r.last_activity_at, r.context,"
                              " me.role, me.last_read_seq, me.muted, me.notify,"
                              " (SELECT COUNT(*) FROM members WHERE room_id = r.id)"
                              " FROM rooms r LEFT JOIN members me ON me.room_id = r.id AND me.user_id = ?"
                              " WHERE r.id = ? AND r.tenant_id = ?",
                              "sss", viewer_id, room_id, tenant_id);
  CsRoom *r;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  r = g_new0 (CsRoom, 1);
  r->id = cs_db_col_dup (stmt, 0);
  r->type = cs_db_col_dup (stmt, 1);
  r->name = cs_db_col_dup (stmt, 2);
  r->description = cs_db_col_dup (stmt, 3);
  r->is_private = sqlite3_column_int (stmt, 4) != 0;
  r->is_archived = sqlite3_column_int (stmt, 5) != 0;
  r->created_by = cs_db_col_dup (stmt, 6);
  r->created_at = cs_db_col_time (stmt, 7);
  r->last_activity_at = cs_db_col_time (stmt, 8);
  r->context = cs_db_col_dup (stmt, 9);
  r->my_role = cs_db_col_dup (stmt, 10);
  r->last_read_seq = sqlite3_column_int64 (stmt, 11);
  r->muted = sqlite3_column_int (stmt, 12) != 0;
  r->notify = cs_db_col_dup (stmt, 13);
  r->member_count = sqlite3_column_int64 (stmt, 14);
  return r;
}

static char *
sqlite_rooms_direct_name (CsDb       *db,
                          const char *room_id,
                          const char *viewer_id)
{
  return cs_db_text (db,
                     "SELECT u.display_name FROM members mb JOIN users u ON u.id = mb.user_id"
                     " WHERE mb.room_id = ? AND mb.user_id != ? LIMIT 1",
                     "ss", room_id, viewer_id);
}

static gint64
sqlite_rooms_unread_count (CsDb       *db,
                           const char *room_id,
                           gint64      after_seq,
                           const char *viewer_id)
{
  return cs_db_int (db, 0,
                    "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE room_id = ? AND seq > ?"
                    " AND deleted = 0 AND kind != 'system' AND sender_id IS NOT ? LIMIT 1000)",
                    "sis", room_id, after_seq, viewer_id);
}

static gint64
sqlite_rooms_mention_count (CsDb       *db,
                            const char *room_id,
                            gint64      after_seq,
                            const char *viewer_id)
{
  return cs_db_int (db, 0,
                    "SELECT COUNT(*) FROM (SELECT 1 FROM mentions mn JOIN messages m ON m.seq = mn.seq"
                    " WHERE mn.user_id = ? AND mn.room_id = ? AND mn.seq > ? AND m.deleted = 0 LIMIT 1000)",
                    "ssi", viewer_id, room_id, after_seq);
}

static CsMessage *
sqlite_rooms_last_message (CsDb       *db,
                           const char *room_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT m.id, m.seq, u.display_name, m.body, m.created_at, m.deleted, m.system"
                              " FROM messages m LEFT JOIN users u ON u.id = m.sender_id"
                              /* A deleted last message leaves the one before it
                               * as the preview (as Slack shows). */
                              " WHERE m.room_id = ? AND m.deleted = 0 ORDER BY m.seq DESC LIMIT 1",
                              "s", room_id);
  CsMessage *m;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  m = g_new0 (CsMessage, 1);
  m->id = cs_db_col_dup (stmt, 0);
  m->seq = sqlite3_column_int64 (stmt, 1);
  m->sender_name = cs_db_col_dup (stmt, 2);
  m->body = cs_db_col_dup (stmt, 3);
  m->created_at = cs_db_col_time (stmt, 4);
  m->edited_at = CS_TIME_NONE;
  m->deleted = sqlite3_column_int (stmt, 5) != 0;
  m->system = cs_db_col_dup (stmt, 6);
  m->written_at = CS_TIME_NONE;
  return m;
}

static char *
sqlite_members_role_in_tenant (CsDb       *db,
                               const char *tenant_id,
                               const char *room_id,
                               const char *user_id)
{
  return cs_db_text (db,
                     "SELECT mb.role FROM members mb JOIN rooms r ON r.id = mb.room_id"
                     " WHERE mb.room_id = ? AND mb.user_id = ? AND r.tenant_id = ?",
                     "sss", room_id, user_id, tenant_id);
}

static char **
sqlite_members_ids (CsDb       *db,
                    const char *room_id)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  char **ids = cs_db_member_ids_lookup (db, room_id);

  if (ids)
    return ids;
  builder = g_strv_builder_new ();
  {
    CS_STMT stmt = cs_db_query (db, "SELECT user_id FROM members WHERE room_id = ?", "s", room_id);
    int rc = SQLITE_ERROR;

    while (stmt && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_strv_builder_add (builder, cs_col_text (stmt, 0));
    if (rc != SQLITE_DONE)
      return cs_ids_take_strv (g_strv_builder_end (builder));   /* not kept: a failed read */
  }
  ids = cs_ids_take_strv (g_strv_builder_end (builder));
  cs_db_member_ids_keep (db, room_id, ids);
  return ids;
}

static GPtrArray *
sqlite_members_list (CsDb       *db,
                     const char *room_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_member_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " CS_USER_COLS ", mb.role, mb.joined_at, mb.last_read_seq"
                              " FROM members mb JOIN users u ON u.id = mb.user_id WHERE mb.room_id = ?"
                              " ORDER BY (mb.role = 'owner') DESC, (mb.role = 'admin') DESC, u.display_name COLLATE NOCASE",
                              "s", room_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsMember *m = g_new0 (CsMember, 1);

      m->user = cs_db_user_row (stmt, 0);
      m->role = cs_db_col_dup (stmt, CS_USER_NCOLS);
      m->joined_at = cs_db_col_time (stmt, CS_USER_NCOLS + 1);
      m->last_read_seq = sqlite3_column_int64 (stmt, CS_USER_NCOLS + 2);
      g_ptr_array_add (list, m);
    }
  return list;
}

static gboolean
sqlite_rooms_insert (CsDb       *db,
                     const char *tenant_id,
                     const char *room_id,
                     const char *type,
                     const char *name,
                     const char *description,
                     gboolean    is_private,
                     const char *created_by,
                     gint64      created_at,
                     const char *context)
{
  return cs_db_exec (db,
                     "INSERT INTO rooms (id, tenant_id, type, name, description, is_private, created_by,"
                     " created_at, last_activity_at, context) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "sssssbsiis", room_id, tenant_id, type, name, description, is_private,
                     created_by, created_at, created_at, context) == SQLITE_DONE;
}

static gboolean
sqlite_rooms_insert_direct (CsDb       *db,
                            const char *tenant_id,
                            const char *room_id,
                            const char *created_by,
                            gint64      created_at,
                            const char *direct_key)
{
  return cs_db_exec (db,
                     "INSERT INTO rooms (id, tenant_id, type, name, created_by, created_at, last_activity_at, direct_key)"
                     " VALUES (?, ?, 'direct', NULL, ?, ?, ?, ?)",
                     "sssiis", room_id, tenant_id, created_by, created_at, created_at, direct_key) == SQLITE_DONE;
}

static char *
sqlite_rooms_find_direct (CsDb       *db,
                          const char *tenant_id,
                          const char *direct_key)
{
  return cs_db_text (db, "SELECT id FROM rooms WHERE tenant_id = ? AND direct_key = ?", "ss", tenant_id, direct_key);
}

static gboolean
sqlite_rooms_set_name (CsDb       *db,
                       const char *room_id,
                       const char *name)
{
  return cs_db_exec (db, "UPDATE rooms SET name = ? WHERE id = ?", "ss", name, room_id) == SQLITE_DONE;
}

static gboolean
sqlite_rooms_set_description (CsDb       *db,
                              const char *room_id,
                              const char *description)
{
  return cs_db_exec (db, "UPDATE rooms SET description = ? WHERE id = ?", "ss", description, room_id) == SQLITE_DONE;
}

static gboolean
sqlite_rooms_set_archived (CsDb       *db,
                           const char *room_id,
                           gboolean    archived)
{
  return cs_db_exec (db, "UPDATE rooms SET is_archived = ? WHERE id = ?", "bs", archived, room_id) == SQLITE_DONE;
}

static GPtrArray *
collect_ids (sqlite3_stmt *stmt)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, cs_db_col_dup (stmt, 0));
  return ids;
}

static GPtrArray *
sqlite_rooms_ids_of_member (CsDb       *db,
                            const char *tenant_id,
                            const char *user_id,
                            gboolean    archived)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT r.id FROM members mb JOIN rooms r ON r.id = mb.room_id"
                              " WHERE mb.user_id = ? AND r.tenant_id = ? AND r.is_archived = ?"
                              " ORDER BY r.last_activity_at DESC, r.id",
                              "ssb", user_id, tenant_id, archived);

  return collect_ids (stmt);
}

static GPtrArray *
sqlite_rooms_ids_to_discover (CsDb       *db,
                              const char *tenant_id,
                              const char *user_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT r.id FROM rooms r WHERE r.tenant_id = ? AND r.type = 'channel'"
                              " AND r.is_private = 0 AND r.is_archived = 0"
                              " AND NOT EXISTS (SELECT 1 FROM members WHERE room_id = r.id AND user_id = ?)"
                              " ORDER BY r.name COLLATE NOCASE",
                              "ss", tenant_id, user_id);

  return collect_ids (stmt);
}

static gboolean
sqlite_rooms_visible (CsDb       *db,
                      const char *tenant_id,
                      const char *room_id,
                      const char *user_id)
{
  return cs_db_int (db, 0,
                    "SELECT COUNT(*) FROM rooms r WHERE r.id = ?1 AND r.tenant_id = ?2 AND"
                    " (EXISTS (SELECT 1 FROM members WHERE room_id = r.id AND user_id = ?3)"
                    "  OR (r.type = 'channel' AND r.is_private = 0))",
                    "sss", room_id, tenant_id, user_id) > 0;
}

static gboolean
sqlite_rooms_is_open_channel (CsDb       *db,
                              const char *tenant_id,
                              const char *room_id)
{
  return cs_db_int (db, 0,
                    "SELECT COUNT(*) FROM rooms WHERE id = ? AND tenant_id = ? AND type = 'channel'"
                    " AND is_private = 0 AND is_archived = 0", "ss", room_id, tenant_id) != 0;
}

static gboolean
sqlite_members_is_member (CsDb       *db,
                          const char *room_id,
                          const char *user_id)
{
  return cs_db_int (db, 0, "SELECT COUNT(*) FROM members WHERE room_id = ? AND user_id = ?",
                    "ss", room_id, user_id) != 0;
}

static gint64
sqlite_members_count (CsDb       *db,
                      const char *room_id)
{
  return cs_db_int (db, 0, "SELECT COUNT(*) FROM members WHERE room_id = ?", "s", room_id);
}

static gint64
sqlite_members_count_owners (CsDb       *db,
                             const char *room_id)
{
  return cs_db_int (db, 0, "SELECT COUNT(*) FROM members WHERE room_id = ? AND role = 'owner'", "s", room_id);
}

static CsMemberPrefs *
sqlite_members_prefs_of (CsDb       *db,
                         const char *room_id,
                         const char *user_id)
{
  CS_STMT stmt = cs_db_query (db, "SELECT muted, notify FROM members WHERE room_id = ? AND user_id = ?",
                              "ss", room_id, user_id);
  CsMemberPrefs *p;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  p = g_new0 (CsMemberPrefs, 1);
  p->user_id = g_strdup (user_id);
  p->muted = sqlite3_column_int (stmt, 0) != 0;
  p->notify = cs_db_col_dup (stmt, 1);
  return p;
}

static gboolean
sqlite_members_insert (CsDb       *db,
                       const char *room_id,
                       const char *user_id,
                       const char *role,
                       gint64      joined_at)
{
  cs_db_members_changed (db, room_id);
  return cs_db_exec (db,
                     "INSERT INTO members (room_id, user_id, role, joined_at, last_read_seq)"
                     " VALUES (?, ?, ?, ?, (SELECT last_seq FROM rooms WHERE id = ?1))",
                     "sssi", room_id, user_id, role, joined_at) == SQLITE_DONE;
}

static gboolean
sqlite_members_set_role (CsDb       *db,
                         const char *room_id,
                         const char *user_id,
                         const char *role)
{
  return cs_db_exec (db, "UPDATE members SET role = ? WHERE room_id = ? AND user_id = ?",
                     "sss", role, room_id, user_id) == SQLITE_DONE;
}

static gboolean
sqlite_members_set_muted (CsDb       *db,
                          const char *room_id,
                          const char *user_id,
                          gboolean    muted)
{
  return cs_db_exec (db, "UPDATE members SET muted = ? WHERE room_id = ? AND user_id = ?",
                     "bss", muted, room_id, user_id) == SQLITE_DONE;
}

static gboolean
sqlite_members_set_notify (CsDb       *db,
                           const char *room_id,
                           const char *user_id,
                           const char *notify)
{
  return cs_db_exec (db, "UPDATE members SET notify = ? WHERE room_id = ? AND user_id = ?",
                     "sss", notify, room_id, user_id) == SQLITE_DONE;
}

static gboolean
sqlite_members_delete (CsDb       *db,
                       const char *room_id,
                       const char *user_id)
{
  cs_db_members_changed (db, room_id);
  return cs_db_exec (db, "DELETE FROM members WHERE room_id = ? AND user_id = ?", "ss", room_id, user_id) == SQLITE_DONE;
}

static GPtrArray *
sqlite_members_rooms_of (CsDb       *db,
                         const char *user_id)
{
  CS_STMT stmt = cs_db_query (db, "SELECT room_id FROM members WHERE user_id = ?", "s", user_id);

  return collect_ids (stmt);
}

static gboolean
sqlite_members_promote_successor (CsDb       *db,
                                  const char *room_id)
{
  return cs_db_exec (db,
                     "UPDATE members SET role = 'owner' WHERE room_id = ?1 AND user_id ="
                     " (SELECT user_id FROM members WHERE room_id = ?1 ORDER BY (role = 'admin') DESC, joined_at LIMIT 1)",
                     "s", room_id) == SQLITE_DONE;
}

const CsRoomsOps cs_sqlite_rooms_ops = {
  .members_ids = sqlite_members_ids,
  .name = sqlite_rooms_name,
  .type = sqlite_rooms_type,
  .is_archived = sqlite_rooms_is_archived,
  .last_seq = sqlite_rooms_last_seq,
  .members_role = sqlite_members_role,
  .members_last_read = sqlite_members_last_read,
  .members_set_last_read = sqlite_members_set_last_read,
  .members_users = sqlite_members_users,
  .members_prefs = sqlite_members_prefs,
  .get = sqlite_rooms_get,
  .direct_name = sqlite_rooms_direct_name,
  .unread_count = sqlite_rooms_unread_count,
  .mention_count = sqlite_rooms_mention_count,
  .last_message = sqlite_rooms_last_message,
  .members_role_in_tenant = sqlite_members_role_in_tenant,
  .members_list = sqlite_members_list,
  .insert = sqlite_rooms_insert,
  .insert_direct = sqlite_rooms_insert_direct,
  .find_direct = sqlite_rooms_find_direct,
  .set_name = sqlite_rooms_set_name,
  .set_description = sqlite_rooms_set_description,
  .set_archived = sqlite_rooms_set_archived,
  .ids_of_member = sqlite_rooms_ids_of_member,
  .ids_to_discover = sqlite_rooms_ids_to_discover,
  .visible = sqlite_rooms_visible,
  .is_open_channel = sqlite_rooms_is_open_channel,
  .members_is_member = sqlite_members_is_member,
  .members_count = sqlite_members_count,
  .members_count_owners = sqlite_members_count_owners,
  .members_prefs_of = sqlite_members_prefs_of,
  .members_insert = sqlite_members_insert,
  .members_set_role = sqlite_members_set_role,
  .members_set_muted = sqlite_members_set_muted,
  .members_set_notify = sqlite_members_set_notify,
  .members_delete = sqlite_members_delete,
  .members_rooms_of = sqlite_members_rooms_of,
  .members_promote_successor = sqlite_members_promote_successor,
};
