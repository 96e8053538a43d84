/* cs-db-retention.c: the SQLite side of cs-retention.h. A tenant's days and
 * legal hold are columns of tenants, a room's of rooms (schema step 8).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db.h"
#include "cs-retention.h"

static gboolean
sqlite_retention_tenant (CsDb       *db,
                         const char *tenant_id,
                         gint64     *days,
                         gboolean   *legal_hold)
{
  CS_STMT stmt = cs_db_query (db, "SELECT IFNULL(retention_days, 0), legal_hold FROM tenants WHERE id = ?",
                              "s", tenant_id);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  *days = sqlite3_column_int64 (stmt, 0);
  *legal_hold = sqlite3_column_int (stmt, 1) != 0;
  return TRUE;
}

static gboolean
sqlite_retention_set_tenant (CsDb       *db,
                             const char *tenant_id,
                             gint64      days,
                             gboolean    legal_hold)
{
  if (days > 0)
    return cs_db_exec (db, "UPDATE tenants SET retention_days = ?, legal_hold = ? WHERE id = ?",
                       "ibs", days, legal_hold, tenant_id) == SQLITE_DONE;
  return cs_db_exec (db, "UPDATE tenants SET retention_days = NULL, legal_hold = ? WHERE id = ?",
                     "bs", legal_hold, tenant_id) == SQLITE_DONE;
}

static gint64
sqlite_retention_room_days (CsDb       *db,
                            const char *room_id)
{
  return cs_db_int (db, 0, "SELECT IFNULL(retention_days, 0) FROM rooms WHERE id = ?", "s", room_id);
}

static int
sqlite_retention_set_room (CsDb       *db,
                           const char *tenant_id,
                           const char *room_id,
                           gint64      days)
{
  int rc = days > 0
    ? cs_db_exec (db, "UPDATE rooms SET retention_days = ? WHERE id = ? AND tenant_id = ?", "iss",
                  days, room_id, tenant_id)
    : cs_db_exec (db, "UPDATE rooms SET retention_days = NULL WHERE id = ? AND tenant_id = ?", "ss",
                  room_id, tenant_id);

  if (rc != SQLITE_DONE)
    return -1;
  return cs_db_changes (db) > 0 ? 1 : 0;
}

static GPtrArray *
sqlite_retention_overrides (CsDb       *db,
                            const char *tenant_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT id, IFNULL(name, ''), retention_days FROM rooms"
                              " WHERE tenant_id = ? AND retention_days IS NOT NULL ORDER BY name, id",
                              "s", tenant_id);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_retention_override_free);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsRetentionOverride *o = g_new0 (CsRetentionOverride, 1);

      o->room_id = g_strdup (cs_col_text (stmt, 0));
      o->name = g_strdup (cs_col_text (stmt, 1));
      o->days = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (rows, o);
    }
  return rows;
}

static GPtrArray *
sqlite_retention_due_rooms (CsDb *db)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT r.id, r.tenant_id, IFNULL(r.retention_days, t.retention_days)"
                              " FROM rooms r JOIN tenants t ON t.id = r.tenant_id"
                              " WHERE t.legal_hold = 0"
                              "   AND IFNULL(r.retention_days, t.retention_days) IS NOT NULL",
                              "");
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_retention_room_free);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsRetentionRoom *r = g_new0 (CsRetentionRoom, 1);

      r->room_id = g_strdup (cs_col_text (stmt, 0));
      r->tenant_id = g_strdup (cs_col_text (stmt, 1));
      r->days = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (rows, r);
    }
  return rows;
}

static gint64
sqlite_retention_floor (CsDb       *db,
                        const char *room_id,
                        gint64      cutoff_ms,
                        guint       max,
                        guint      *n_messages)
{
  /* The oldest first, on messages_room (room_id, seq); stops at the first
   * message that is not due, so what goes is always a prefix of the room
   * and "below this seq" describes it exactly. */
  CS_STMT stmt = cs_db_query (db, "SELECT seq, created_at FROM messages WHERE room_id = ? ORDER BY seq LIMIT ?",
                              "si", room_id, (gint64) max);
  gint64 floor = 0;

  *n_messages = 0;
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (sqlite3_column_int64 (stmt, 1) >= cutoff_ms)
        break;
      floor = sqlite3_column_int64 (stmt, 0) + 1;
      (*n_messages)++;
    }
  return floor;
}

static GPtrArray *
sqlite_retention_attachment_ids (CsDb       *db,
                                 const char *room_id,
                                 gint64      before_seq)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT a.id FROM messages m JOIN attachments a ON a.message_id = m.id"
                              " WHERE m.room_id = ? AND m.seq < ? AND m.has_attachments = 1",
                              "si", room_id, before_seq);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (cs_col_text (stmt, 0)));
  return ids;
}

static gboolean
sqlite_retention_remove (CsDb       *db,
                         const char *room_id,
                         gint64      before_seq)
{
  /* The events first: the edits and deletions above the floor are found
   * by the ids of the messages still there. */
  return cs_db_exec (db,
                     "DELETE FROM events WHERE room_id = ?1 AND type LIKE 'message.%'"
                     " AND (seq < ?2 OR (type IN ('message.edit', 'message.delete')"
                     "      AND json_extract(payload, '$.data.id') IN"
                     "          (SELECT id FROM messages WHERE room_id = ?1 AND seq < ?2))"
                     "  OR (type = 'message.reaction'"
                     "      AND json_extract(payload, '$.data.message_id') IN"
                     "          (SELECT id FROM messages WHERE room_id = ?1 AND seq < ?2)))",
                     "si", room_id, before_seq) == SQLITE_DONE &&
         /* Reactions go with their messages. */
         cs_db_exec (db,
                     "DELETE FROM reactions WHERE message_seq IN"
                     " (SELECT seq FROM messages WHERE room_id = ? AND seq < ?)",
                     "si", room_id, before_seq) == SQLITE_DONE &&
         /* A notification's event repeats the message's text. */
         cs_db_exec (db,
                     "DELETE FROM events WHERE room_id = ?1 AND type = 'notification.new'"
                     " AND json_extract(payload, '$.data.message_seq') < ?2",
                     "si", room_id, before_seq) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM notifications WHERE room_id = ? AND message_seq < ?",
                     "si", room_id, before_seq) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM mentions WHERE room_id = ? AND seq < ?",
                     "si", room_id, before_seq) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM messages WHERE room_id = ? AND seq < ?",
                     "si", room_id, before_seq) == SQLITE_DONE;
}

const CsRetentionOps cs_sqlite_retention_ops = {
  .tenant = sqlite_retention_tenant,
  .set_tenant = sqlite_retention_set_tenant,
  .room_days = sqlite_retention_room_days,
  .set_room = sqlite_retention_set_room,
  .overrides = sqlite_retention_overrides,
  .due_rooms = sqlite_retention_due_rooms,
  .floor = sqlite_retention_floor,
  .attachment_ids = sqlite_retention_attachment_ids,
  .remove = sqlite_retention_remove,
};
