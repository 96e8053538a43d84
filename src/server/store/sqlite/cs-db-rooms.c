/* cs-db-rooms.c: cs-rooms.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-rooms.h"
#include "cs-db.h"

char *
cs_rooms_name (CsDb       *db,
               const char *room_id)
{
  return cs_db_text (db, "SELECT name FROM rooms WHERE id = ?", "s", room_id);
}

char *
cs_rooms_type (CsDb       *db,
               const char *room_id)
{
  return cs_db_text (db, "SELECT type FROM rooms WHERE id = ?", "s", room_id);
}

gboolean
cs_rooms_is_archived (CsDb       *db,
                      const char *room_id)
{
  return cs_db_int (db, 0, "SELECT is_archived FROM rooms WHERE id = ?", "s", room_id) != 0;
}

gint64
cs_rooms_last_seq (CsDb       *db,
                   const char *room_id)
{
  return cs_db_int (db, 0, "SELECT last_seq FROM rooms WHERE id = ?", "s", room_id);
}

char *
cs_members_role (CsDb       *db,
                 const char *room_id,
                 const char *user_id)
{
  return cs_db_text (db, "SELECT role FROM members WHERE room_id = ? AND user_id = ?", "ss", room_id, user_id);
}

gint64
cs_members_last_read (CsDb       *db,
                      const char *room_id,
                      const char *user_id)
{
  return cs_db_int (db, 0, "SELECT last_read_seq FROM members WHERE room_id = ? AND user_id = ?",
                    "ss", room_id, user_id);
}

gboolean
cs_members_set_last_read (CsDb       *db,
                          const char *room_id,
                          const char *user_id,
                          gint64      seq)
{
  return cs_db_exec (db, "UPDATE members SET last_read_seq = ? WHERE room_id = ? AND user_id = ?",
                     "iss", seq, room_id, user_id) == SQLITE_DONE;
}

GPtrArray *
cs_members_users (CsDb       *db,
                  const char *room_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_member_user_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT u.id, u.display_name, u.email FROM members mb JOIN users u ON u.id = mb.user_id"
                              " WHERE mb.room_id = ?", "s", room_id);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsMemberUser *m = g_new0 (CsMemberUser, 1);

      m->user_id = g_strdup (cs_col_text (stmt, 0));
      m->display_name = g_strdup (cs_col_text (stmt, 1));
      m->email = g_strdup (cs_col_text (stmt, 2));
      g_ptr_array_add (list, m);
    }
  return list;
}

GPtrArray *
cs_members_prefs (CsDb       *db,
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

      p->user_id = g_strdup (cs_col_text (stmt, 0));
      p->muted = sqlite3_column_int (stmt, 1) != 0;
      p->notify = g_strdup (cs_col_text (stmt, 2));
      g_ptr_array_add (list, p);
    }
  return list;
}
