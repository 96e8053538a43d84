/* cs-pg-notifications.c: cs-notifications.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-notifications.h"
#include "cs-pg.h"

#define NOTIFICATION_COLS "id, type, room_id, message_id, title, body, created_at, read, message_seq," \
                          " actor_name, room_name"

static CsNotification *
notification_row (CsPgRes *stmt)
{
  CsNotification *n = g_new0 (CsNotification, 1);

  n->id = cs_pg_col_dup (stmt, 0);
  n->type = cs_pg_col_dup (stmt, 1);
  n->room_id = cs_pg_col_dup (stmt, 2);
  n->message_id = cs_pg_col_dup (stmt, 3);
  n->title = cs_pg_col_dup (stmt, 4);
  n->body = cs_pg_col_dup (stmt, 5);
  n->created_at = cs_pg_is_null (stmt, 6) ? CS_TIME_NONE : cs_pg_int (stmt, 6);
  n->read = cs_pg_int (stmt, 7) != 0;
  n->message_seq = cs_pg_int (stmt, 8);
  n->actor_name = cs_pg_col_dup (stmt, 9);
  n->room_name = cs_pg_col_dup (stmt, 10);
  return n;
}

static CsNotification *
pg_notifications_insert (CsDb       *db,
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
  CS_PG_RES stmt = cs_pg_query (db,
                                "INSERT INTO notifications (id, tenant_id, user_id, type, room_id, message_id, message_seq,"
                                " title, body, created_at, actor_name, room_name)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                " RETURNING " NOTIFICATION_COLS,
                                "ssssssississ", id, tenant_id, user_id, type, room_id, message_id, message_seq,
                                title, body, created_at, actor_name, room_name);

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  return notification_row (stmt);
}

static GPtrArray *
pg_notifications_list (CsDb       *db,
                       const char *user_id,
                       gboolean    only_unread)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_notification_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " NOTIFICATION_COLS " FROM notifications"
                                " WHERE user_id = ? AND (? = 0 OR read = 0) ORDER BY created_at DESC LIMIT 200",
                                "sb", user_id, only_unread);

  while (stmt && cs_pg_next (stmt))
    g_ptr_array_add (list, notification_row (stmt));
  return list;
}

static GPtrArray *
pg_notifications_unread_ids (CsDb       *db,
                             const char *user_id,
                             const char *room_id,
                             gint64      up_to_seq)
{
  CS_PG_RES stmt = cs_pg_query (db, "SELECT id FROM notifications WHERE user_id = ? AND read = 0"
                                " AND room_id = ? AND message_seq <= ?", "ssi", user_id, room_id, up_to_seq);
  GPtrArray *ids;

  if (stmt == NULL)
    return NULL;
  ids = g_ptr_array_new_with_free_func (g_free);
  while (cs_pg_next (stmt))
    g_ptr_array_add (ids, cs_pg_col_dup (stmt, 0));
  return ids;
}

static gboolean
pg_notifications_mark_read_up_to (CsDb       *db,
                                  const char *user_id,
                                  const char *room_id,
                                  gint64      up_to_seq)
{
  return cs_pg_exec (db, "UPDATE notifications SET read = 1 WHERE user_id = ? AND room_id = ? AND message_seq <= ?",
                     "ssi", user_id, room_id, up_to_seq);
}

static int
pg_notifications_state (CsDb       *db,
                        const char *user_id,
                        const char *id)
{
  if (cs_pg_int1 (db, 0, "SELECT COUNT(*) FROM notifications WHERE id = ? AND user_id = ?", "ss", id, user_id) == 0)
    return -1;
  return cs_pg_int1 (db, 0, "SELECT read FROM notifications WHERE id = ?", "s", id) != 0;
}

static gboolean
pg_notifications_mark_read (CsDb       *db,
                            const char *id)
{
  return cs_pg_exec (db, "UPDATE notifications SET read = 1 WHERE id = ?", "s", id);
}

static gboolean
pg_notifications_mark_all_read (CsDb       *db,
                                const char *user_id)
{
  return cs_pg_exec (db, "UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0",
                     "s", user_id);
}

const CsNotificationsOps cs_pg_notifications_ops = {
  .insert = pg_notifications_insert,
  .list = pg_notifications_list,
  .unread_ids = pg_notifications_unread_ids,
  .mark_read_up_to = pg_notifications_mark_read_up_to,
  .state = pg_notifications_state,
  .mark_read = pg_notifications_mark_read,
  .mark_all_read = pg_notifications_mark_all_read,
};
