/* cs-db-context.c: cs-context.h on SQLite. Both look-ups go through the
 * indexes on the context's entity columns (schema step 7 -> 8): the object
 * is found without reading the rooms or messages that do not cite it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-context.h"
#include "cs-db.h"
#include "cs-db-rows.h"

static GPtrArray *
collect_ids (sqlite3_stmt *stmt)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, cs_db_col_dup (stmt, 0));
  return ids;
}

static GPtrArray *
sqlite_context_room_ids (CsDb       *db,
                         const char *tenant_id,
                         const char *user_id,
                         const char *entity_type,
                         const char *entity_id,
                         guint       n)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT r.id FROM rooms r INDEXED BY rooms_context"
                              " JOIN members mb ON mb.room_id = r.id AND mb.user_id = ?4"
                              " WHERE r.tenant_id = ?1 AND r.context_type = ?2 AND r.context_id = ?3"
                              " ORDER BY r.created_at DESC, r.id LIMIT ?5",
                              "ssssi", tenant_id, entity_type, entity_id, user_id, (gint64) n);

  return collect_ids (stmt);
}

static GPtrArray *
sqlite_context_message_ids (CsDb       *db,
                            const char *tenant_id,
                            const char *user_id,
                            const char *entity_type,
                            const char *entity_id,
                            guint       n)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT m.id FROM messages m INDEXED BY messages_context"
                              " WHERE m.tenant_id = ?1 AND m.context_type = ?2 AND m.context_id = ?3"
                              " AND m.deleted = 0"
                              " AND m.room_id IN (SELECT room_id FROM members WHERE user_id = ?4)"
                              " ORDER BY m.seq DESC LIMIT ?5",
                              "ssssi", tenant_id, entity_type, entity_id, user_id, (gint64) n);

  return collect_ids (stmt);
}

const CsContextOps cs_sqlite_context_ops = {
  .room_ids = sqlite_context_room_ids,
  .message_ids = sqlite_context_message_ids,
};
