/* cs-pg-reactions.c: the functions of cs-reactions.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-reactions.h"

static GPtrArray *
pg_reactions_of_message (CsDb  *db,
                         gint64 message_seq,
                         guint  max_users)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_reaction_free);
  /* Rows in the order they were added, grouped by emoji in the order of
   * each emoji's first use. */
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT r0.emoji, r0.user_id FROM reactions r0 WHERE r0.message_seq = ?1"
                               " ORDER BY (SELECT MIN(r.added_seq) FROM reactions r"
                               "           WHERE r.message_seq = ?1 AND r.emoji = r0.emoji), r0.added_seq",
                               "i", message_seq);
  CsReaction *current = NULL;

  while (res && cs_pg_next (res))
    {
      const char *emoji = cs_pg_col_text (res, 0);

      if (current == NULL || g_strcmp0 (current->emoji, emoji) != 0)
        {
          current = g_new0 (CsReaction, 1);
          current->emoji = g_strdup (emoji);
          current->user_ids = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (list, current);
        }
      current->count++;
      if (current->user_ids->len < max_users)
        g_ptr_array_add (current->user_ids, cs_pg_col_dup (res, 1));
    }
  return list;
}

static gint64
pg_reactions_distinct (CsDb  *db,
                       gint64 message_seq)
{
  return cs_pg_int1 (db, 0, "SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_seq = ?", "i", message_seq);
}

static gboolean
pg_reactions_has (CsDb       *db,
                  gint64      message_seq,
                  const char *emoji,
                  const char *user_id)
{
  return cs_pg_int1 (db, 0,
                     "SELECT COUNT(*) FROM reactions WHERE message_seq = ?1 AND emoji = ?2"
                     " AND (?3 IS NULL OR user_id = ?3)",
                     "iss", message_seq, emoji, user_id) > 0;
}

static gboolean
pg_reactions_add (CsDb       *db,
                  gint64      message_seq,
                  const char *emoji,
                  const char *user_id,
                  gint64      added_seq,
                  gint64      at,
                  gboolean   *out_changed)
{
  if (!cs_pg_exec (db,
                   "INSERT INTO reactions (message_seq, emoji, user_id, added_seq, created_at)"
                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   "issii", message_seq, emoji, user_id, added_seq, at))
    return FALSE;
  *out_changed = cs_pg_changes (db) > 0;
  return TRUE;
}

static gboolean
pg_reactions_remove (CsDb       *db,
                     gint64      message_seq,
                     const char *emoji,
                     const char *user_id,
                     gboolean   *out_changed)
{
  if (!cs_pg_exec (db, "DELETE FROM reactions WHERE message_seq = ? AND emoji = ? AND user_id = ?",
                   "iss", message_seq, emoji, user_id))
    return FALSE;
  *out_changed = cs_pg_changes (db) > 0;
  return TRUE;
}

static gboolean
pg_reads_record (CsDb       *db,
                 const char *room_id,
                 const char *user_id,
                 gint64      up_to_seq,
                 gint64      at)
{
  return cs_pg_exec (db,
                     "INSERT INTO read_marks (room_id, user_id, up_to_seq, at) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (room_id, user_id, up_to_seq) DO UPDATE SET at = excluded.at",
                     "ssii", room_id, user_id, up_to_seq, at) &&
         cs_pg_exec (db, "UPDATE members SET last_read_at = ? WHERE room_id = ? AND user_id = ?",
                     "iss", at, room_id, user_id);
}

static GPtrArray *
pg_reads_list (CsDb       *db,
               const char *room_id,
               gint64      seq)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_read_mark_free);
  /* A watermark only moves forward, so the first move at or past @seq is
   * also the earliest. */
  CS_PG_RES res = cs_pg_query (db,
                               "SELECT mb.user_id, u.display_name, mb.last_read_seq,"
                               " CASE WHEN ?2 > 0 THEN (SELECT rm.at FROM read_marks rm"
                               "   WHERE rm.room_id = mb.room_id AND rm.user_id = mb.user_id AND rm.up_to_seq >= ?2"
                               "   ORDER BY rm.up_to_seq LIMIT 1) ELSE mb.last_read_at END"
                               " FROM members mb JOIN users u ON u.id = mb.user_id"
                               " WHERE mb.room_id = ?1 AND mb.last_read_seq >= ?2"
                               " ORDER BY lower (u.display_name)",
                               "si", room_id, seq);

  while (res && cs_pg_next (res))
    {
      CsReadMark *m = g_new0 (CsReadMark, 1);

      m->user_id = cs_pg_col_dup (res, 0);
      m->display_name = cs_pg_col_dup (res, 1);
      m->last_read_seq = cs_pg_int (res, 2);
      m->read_at = cs_pg_col_time (res, 3);
      g_ptr_array_add (list, m);
    }
  return list;
}

const CsReactionsOps cs_pg_reactions_ops = {
  .of_message = pg_reactions_of_message,
  .distinct = pg_reactions_distinct,
  .has = pg_reactions_has,
  .add = pg_reactions_add,
  .remove = pg_reactions_remove,
  .reads_record = pg_reads_record,
  .reads_list = pg_reads_list,
};
