/* cs-pg-retention.c: the functions of cs-retention.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-retention.h"

static gboolean
pg_retention_tenant (CsDb       *db,
                     const char *tenant_id,
                     gint64     *days,
                     gboolean   *legal_hold)
{
  CS_PG_RES res = cs_pg_query (db, "SELECT COALESCE(retention_days, 0), legal_hold FROM tenants WHERE id = ?",
                               "s", tenant_id);

  if (res == NULL || !cs_pg_next (res))
    return FALSE;
  *days = cs_pg_int (res, 0);
  *legal_hold = cs_pg_int (res, 1) != 0;
  return TRUE;
}

static gboolean
pg_retention_set_tenant (CsDb       *db,
                         const char *tenant_id,
                         gint64      days,
                         gboolean    legal_hold)
{
  if (days > 0)
    return cs_pg_exec (db, "UPDATE tenants SET retention_days = ?, legal_hold = ? WHERE id = ?",
                       "ibs", days, legal_hold, tenant_id);
  return cs_pg_exec (db, "UPDATE tenants SET retention_days = NULL, legal_hold = ? WHERE id = ?",
                     "bs", legal_hold, tenant_id);
}

static gint64
pg_retention_room_days (CsDb       *db,
                        const char *room_id)
{
  return cs_pg_int1 (db, 0, "SELECT COALESCE(retention_days, 0) FROM rooms WHERE id = ?", "s", room_id);
}

static int
pg_retention_set_room (CsDb       *db,
                       const char *tenant_id,
                       const char *room_id,
                       gint64      days)
{
  gboolean ok = days > 0
    ? cs_pg_exec (db, "UPDATE rooms SET retention_days = ? WHERE id = ? AND tenant_id = ?", "iss",
                  days, room_id, tenant_id)
    : cs_pg_exec (db, "UPDATE rooms SET retention_days = NULL WHERE id = ? AND tenant_id = ?", "ss",
                  room_id, tenant_id);

  if (!ok)
    return -1;
  return cs_pg_changes (db) > 0 ? 1 : 0;
}

static GPtrArray *
pg_retention_overrides (CsDb       *db,
                        const char *tenant_id)
{
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT id, COALESCE(name, ''), retention_days FROM rooms"
                               " WHERE tenant_id = ? AND retention_days IS NOT NULL ORDER BY name, id",
                               "s", tenant_id);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_retention_override_free);

  while (res && cs_pg_next (res))
    {
      CsRetentionOverride *o = g_new0 (CsRetentionOverride, 1);

      o->room_id = cs_pg_col_dup (res, 0);
      o->name = cs_pg_col_dup (res, 1);
      o->days = cs_pg_int (res, 2);
      g_ptr_array_add (rows, o);
    }
  return rows;
}

static GPtrArray *
pg_retention_due_rooms (CsDb *db)
{
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT r.id, r.tenant_id, COALESCE(r.retention_days, t.retention_days)"
                               " FROM rooms r JOIN tenants t ON t.id = r.tenant_id"
                               " WHERE t.legal_hold = 0"
                               "   AND COALESCE(r.retention_days, t.retention_days) IS NOT NULL",
                               "");
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_retention_room_free);

  while (res && cs_pg_next (res))
    {
      CsRetentionRoom *r = g_new0 (CsRetentionRoom, 1);

      r->room_id = cs_pg_col_dup (res, 0);
      r->tenant_id = cs_pg_col_dup (res, 1);
      r->days = cs_pg_int (res, 2);
      g_ptr_array_add (rows, r);
    }
  return rows;
}

static gint64
pg_retention_floor (CsDb       *db,
                    const char *room_id,
                    gint64      cutoff_ms,
                    guint       max,
                    guint      *n_messages)
{
  /* The oldest first, on messages_room (room_id, seq); stops at the first
   * message that is not due, so what goes is always a prefix of the room. */
  CS_PG_RES res = cs_pg_query (db, "SELECT seq, created_at FROM messages WHERE room_id = ? ORDER BY seq LIMIT ?",
                               "si", room_id, (gint64) max);
  gint64 floor = 0;

  *n_messages = 0;
  while (res && cs_pg_next (res))
    {
      if (cs_pg_int (res, 1) >= cutoff_ms)
        break;
      floor = cs_pg_int (res, 0) + 1;
      (*n_messages)++;
    }
  return floor;
}

static GPtrArray *
pg_retention_attachment_ids (CsDb       *db,
                             const char *room_id,
                             gint64      before_seq)
{
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT a.id FROM messages m JOIN attachments a ON a.message_id = m.id"
                               " WHERE m.room_id = ? AND m.seq < ? AND m.has_attachments = 1",
                               "si", room_id, before_seq);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  while (res && cs_pg_next (res))
    g_ptr_array_add (ids, cs_pg_col_dup (res, 0));
  return ids;
}

static gboolean
pg_retention_remove (CsDb       *db,
                     const char *room_id,
                     gint64      before_seq)
{
  /* As on SQLite: the events first (the edits, deletions and reactions
   * above the floor are found by the ids of the messages still there),
   * the reactions, the notifications and their events, the mentions, the
   * messages. */
  return cs_pg_exec (db,
                     "DELETE FROM events WHERE room_id = ?1 AND type LIKE 'message.%'"
                     " AND (seq < ?2 OR (type IN ('message.edit', 'message.delete')"
                     "      AND payload::jsonb #>> '{data,id}' IN"
                     "          (SELECT id FROM messages WHERE room_id = ?1 AND seq < ?2))"
                     "  OR (type = 'message.reaction'"
                     "      AND payload::jsonb #>> '{data,message_id}' IN"
                     "          (SELECT id FROM messages WHERE room_id = ?1 AND seq < ?2)))",
                     "si", room_id, before_seq) &&
         cs_pg_exec (db,
                     "DELETE FROM reactions WHERE message_seq IN"
                     " (SELECT seq FROM messages WHERE room_id = ? AND seq < ?)",
                     "si", room_id, before_seq) &&
         cs_pg_exec (db,
                     "DELETE FROM events WHERE room_id = ?1 AND type = 'notification.new'"
                     " AND (payload::jsonb #>> '{data,message_seq}')::bigint < ?2",
                     "si", room_id, before_seq) &&
         cs_pg_exec (db, "DELETE FROM notifications WHERE room_id = ? AND message_seq < ?",
                     "si", room_id, before_seq) &&
         cs_pg_exec (db, "DELETE FROM mentions WHERE room_id = ? AND seq < ?",
                     "si", room_id, before_seq) &&
         cs_pg_exec (db, "DELETE FROM messages WHERE room_id = ? AND seq < ?",
                     "si", room_id, before_seq);
}

const CsRetentionOps cs_pg_retention_ops = {
  .tenant = pg_retention_tenant,
  .set_tenant = pg_retention_set_tenant,
  .room_days = pg_retention_room_days,
  .set_room = pg_retention_set_room,
  .overrides = pg_retention_overrides,
  .due_rooms = pg_retention_due_rooms,
  .floor = pg_retention_floor,
  .attachment_ids = pg_retention_attachment_ids,
  .remove = pg_retention_remove,
};
