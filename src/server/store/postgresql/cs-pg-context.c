/* cs-pg-context.c: the functions of cs-context.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-context.h"

static GPtrArray *
collect_ids (CsPgRes *res)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  while (res && cs_pg_next (res))
    g_ptr_array_add (ids, cs_pg_col_dup (res, 0));
  return ids;
}

static GPtrArray *
pg_context_room_ids (CsDb       *db,
                     const char *tenant_id,
                     const char *user_id,
                     const char *entity_type,
                     const char *entity_id,
                     guint       n)
{
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT r.id FROM rooms r"
                               " JOIN members mb ON mb.room_id = r.id AND mb.user_id = ?4"
                               " WHERE r.tenant_id = ?1 AND r.context_type = ?2 AND r.context_id = ?3"
                               " ORDER BY r.created_at DESC, r.id LIMIT ?5",
                               "ssssi", tenant_id, entity_type, entity_id, user_id, (gint64) n);

  return collect_ids (res);
}

static GPtrArray *
pg_context_message_ids (CsDb       *db,
                        const char *tenant_id,
                        const char *user_id,
                        const char *entity_type,
                        const char *entity_id,
                        guint       n)
{
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT m.id FROM messages m"
                               " WHERE m.tenant_id = ?1 AND m.context_type = ?2 AND m.context_id = ?3"
                               " AND m.deleted = 0"
                               " AND m.room_id IN (SELECT room_id FROM members WHERE user_id = ?4)"
                               " ORDER BY m.seq DESC LIMIT ?5",
                               "ssssi", tenant_id, entity_type, entity_id, user_id, (gint64) n);

  return collect_ids (res);
}

const CsContextOps cs_pg_context_ops = {
  .room_ids = pg_context_room_ids,
  .message_ids = pg_context_message_ids,
};
