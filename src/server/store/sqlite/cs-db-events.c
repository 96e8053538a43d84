/* cs-db-events.c: cs-events.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db.h"
#include "cs-events.h"

gboolean
cs_events_append (CsDb       *db,
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
