/* cs-db-notifications.c: cs-notifications.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-notifications.h"
#include "cs-db.h"
#include "cs-db-rows.h"

#define NOTIFICATION_COLS "id, type, room_id, message_id, title, body, created_at, read, message_seq," \
                          " actor_name, room_name"

static CsNotification *
notification_row (sqlite3_stmt *stmt)
{
  CsNotification *n = g_new0 (CsNotification, 1);

  n->id = cs_db_col_dup (stmt, 0);
  n->type = cs_db_col_dup (stmt, 1);
  n->room_id = cs_db_col_dup (stmt, 2);
  n->message_id = cs_db_col_dup (stmt, 3);
  n->title = cs_db_col_dup (stmt, 4);
  n->body = cs_db_col_dup (stmt, 5);
  n->created_at = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? CS_TIME_NONE : sqlite3_column_int64 (stmt, 6);
  n->read = sqlite3_column_int (stmt, 7) != 0;
  n->message_seq = sqlite3_column_int64 (stmt, 8);
  n->actor_name = cs_db_col_dup (stmt, 9);
  n->room_name = cs_db_col_dup (stmt, 10);
  return n;
}

static CsNotification *
sqlite_notifications_insert (CsDb       *db,
                             const char *tenant_id,
                             const char *user_id,
                             const char *type,
                             const char *room_id,
                             const char *message_id,
                             gint64      message_seq,
                             const char *title,
                             const char *body,
                             const char *actor_name,
                             const char *room_name,
                             gint64      created_at)
{
  g_autofree char *id = g_uuid_string_random ();
  CS_STMT stmt = cs_db_query (db,
                              "INSERT INTO notifications (id, tenant_id, user_id, type, room_id, message_id, message_seq,"
                              " title, body, created_at, actor_name, room_name)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                              " RETURNING " NOTIFICATION_COLS,
                              "ssssssississ", id, tenant_id, user_id, type, room_id, message_id, message_seq,
                              title, body, created_at, actor_name, room_name);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return notification_row (stmt);
}

static GPtrArray *
sqlite_notifications_list (CsDb       *db,
                           const char *user_id,
                           gboolean    only_unread)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_notification_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " NOTIFICATION_COLS " FROM notifications"
                              " WHERE user_id = ? AND (? = 0 OR read = 0) ORDER BY created_at DESC LIMIT 200",
                              "sb", user_id, only_unread);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, notification_row (stmt));
  return list;
}

static GPtrArray *
sqlite_notifications_unread_ids (CsDb       *db,
                                 const char *user_id,
                                 const char *room_id,
                                 gint64      up_to_seq)
{
  CS_STMT stmt = cs_db_query (db, "SELECT id FROM notifications WHERE user_id = ? AND read = 0"
                              " AND room_id = ? AND message_seq <= ?", "ssi", user_id, room_id, up_to_seq);
  GPtrArray *ids;

  if (stmt == NULL)
    return NULL;
  ids = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, cs_db_col_dup (stmt, 0));
  return ids;
}

static gboolean
sqlite_notifications_mark_read_up_to (CsDb       *db,
                                      const char *user_id,
                                      const char *room_id,
                                      gint64      up_to_seq)
{
  return cs_db_exec (db, "UPDATE notifications SET read = 1 WHERE user_id = ? AND room_id = ? AND message_seq <= ?",
                     "ssi", user_id, room_id, up_to_seq) == SQLITE_DONE;
}

static int
sqlite_notifications_state (CsDb       *db,
                            const char *user_id,
                            const char *id)
{
  if (cs_db_int (db, 0, "SELECT COUNT(*) FROM notifications WHERE id = ? AND user_id = ?", "ss", id, user_id) == 0)
    return -1;
  return cs_db_int (db, 0, "SELECT read FROM notifications WHERE id = ?", "s", id) != 0;
}

static gboolean
sqlite_notifications_mark_read (CsDb       *db,
                                const char *id)
{
  return cs_db_exec (db, "UPDATE notifications SET read = 1 WHERE id = ?", "s", id) == SQLITE_DONE;
}

static gboolean
sqlite_notifications_mark_all_read (CsDb       *db,
                                    const char *user_id)
{
  return cs_db_exec (db, "UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0",
                     "s", user_id) == SQLITE_DONE;
}

const CsNotificationsOps cs_sqlite_notifications_ops = {
  .insert = sqlite_notifications_insert,
  .list = sqlite_notifications_list,
  .unread_ids = sqlite_notifications_unread_ids,
  .mark_read_up_to = sqlite_notifications_mark_read_up_to,
  .state = sqlite_notifications_state,
  .mark_read = sqlite_notifications_mark_read,
  .mark_all_read = sqlite_notifications_mark_all_read,
};
