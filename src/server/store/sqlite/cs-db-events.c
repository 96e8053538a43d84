/* cs-db-events.c: cs-events.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db.h"
#include "cs-db-rows.h"
#include "cs-events.h"

static gboolean
sqlite_events_append (CsDb       *db,
                      gint64      seq,
                      const char *tenant_id,
                      const char *room_id,
                      const char *user_id,
                      const char *type,
                      const char *payload,
                      const char *actor_id,
                      const char *txn_id,
                      gint64      created_at)
{
  return cs_db_exec (db,
                     "INSERT INTO events (seq, tenant_id, room_id, user_id, type, payload, actor_id, txn_id, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "isssssssi", seq, tenant_id, room_id, user_id, type, payload,
                     actor_id, txn_id, created_at) == SQLITE_DONE;
}

static GPtrArray *
sqlite_events_page (CsDb       *db,
                    const char *tenant_id,
                    const char *user_id,
                    gint64      since_seq,
                    guint       n)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_logged_event_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT seq, type, payload, actor_id, txn_id FROM events"
                              " WHERE seq > ?1 AND tenant_id = ?2 AND (user_id = ?3 OR (user_id IS NULL AND room_id IN"
                              " (SELECT room_id FROM members WHERE user_id = ?3))) ORDER BY seq LIMIT ?4",
                              "issi", since_seq, tenant_id, user_id, (gint64) n);

  while (stmt && list->len < n && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsLoggedEvent *e = g_new0 (CsLoggedEvent, 1);

      e->seq = sqlite3_column_int64 (stmt, 0);
      e->type = cs_db_col_dup (stmt, 1);
      e->payload = cs_db_col_dup (stmt, 2);
      e->actor_id = cs_db_col_dup (stmt, 3);
      e->txn_id = cs_db_col_dup (stmt, 4);
      g_ptr_array_add (list, e);
    }
  return list;
}

static GPtrArray *
sqlite_events_range (CsDb  *db,
                    gint64 from_seq,
                    gint64 to_seq,
                    guint  n)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_logged_event_free);
  CS_STMT stmt = cs_db_query (db,
                            "SELECT seq, type, payload, actor_id, txn_id, tenant_id, room_id, user_id FROM events"
                            " WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
                            "iii", from_seq, to_seq, (gint64) n);

  while (stmt && list->len < n && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsLoggedEvent *e = g_new0 (CsLoggedEvent, 1);

      e->seq = sqlite3_column_int64 (stmt, 0);
      e->type = cs_db_col_dup (stmt, 1);
      e->payload = cs_db_col_dup (stmt, 2);
      e->actor_id = cs_db_col_dup (stmt, 3);
      e->txn_id = cs_db_col_dup (stmt, 4);
      e->tenant_id = cs_db_col_dup (stmt, 5);
      e->room_id = cs_db_col_dup (stmt, 6);
      e->user_id = cs_db_col_dup (stmt, 7);
      g_ptr_array_add (list, e);
    }
  return list;
}

const CsEventsOps cs_sqlite_events_ops = {
  .append = sqlite_events_append,
  .page = sqlite_events_page,
  .range = sqlite_events_range,
};
