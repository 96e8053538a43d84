/* cs-db-reactions.c: cs-reactions.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-reactions.h"
#include "cs-db.h"
#include "cs-db-rows.h"

static GPtrArray *
sqlite_reactions_of_message (CsDb  *db,
                             gint64 message_seq,
                             guint  max_users)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_reaction_free);
  /* Rows in the order they were added, grouped by emoji in the order of
   * each emoji's first use: at most 20 emoji, so the grouping is a scan. */
  CS_STMT stmt = cs_db_query (db,
                              "SELECT emoji, user_id FROM reactions WHERE message_seq = ?1"
                              " ORDER BY (SELECT MIN(r.added_seq) FROM reactions r"
                              "           WHERE r.message_seq = ?1 AND r.emoji = reactions.emoji), added_seq",
                              "i", message_seq);
  CsReaction *current = NULL;

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *emoji = cs_col_text (stmt, 0);

      if (current == NULL || g_strcmp0 (current->emoji, emoji) != 0)
        {
          current = g_new0 (CsReaction, 1);
          current->emoji = g_strdup (emoji);
          current->user_ids = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (list, current);
        }
      current->count++;
      if (current->user_ids->len < max_users)
        g_ptr_array_add (current->user_ids, cs_db_col_dup (stmt, 1));
    }
  return list;
}

static gint64
sqlite_reactions_distinct (CsDb  *db,
                           gint64 message_seq)
{
  return cs_db_int (db, 0, "SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_seq = ?", "i", message_seq);
}

static gboolean
sqlite_reactions_has (CsDb       *db,
                      gint64      message_seq,
                      const char *emoji,
                      const char *user_id)
{
  return cs_db_int (db, 0,
                    "SELECT EXISTS (SELECT 1 FROM reactions WHERE message_seq = ?1 AND emoji = ?2"
                    " AND (?3 IS NULL OR user_id = ?3))",
                    "iss", message_seq, emoji, user_id) != 0;
}

static gboolean
sqlite_reactions_add (CsDb       *db,
                      gint64      message_seq,
                      const char *emoji,
                      const char *user_id,
                      gint64      added_seq,
                      gint64      at,
                      gboolean   *out_changed)
{
  if (cs_db_exec (db,
                  "INSERT OR IGNORE INTO reactions (message_seq, emoji, user_id, added_seq, created_at)"
                  " VALUES (?, ?, ?, ?, ?)",
                  "issii", message_seq, emoji, user_id, added_seq, at) != SQLITE_DONE)
    return FALSE;
  *out_changed = cs_db_changes (db) > 0;
  return TRUE;
}

static gboolean
sqlite_reactions_remove (CsDb       *db,
                         gint64      message_seq,
                         const char *emoji,
                         const char *user_id,
                         gboolean   *out_changed)
{
  if (cs_db_exec (db, "DELETE FROM reactions WHERE message_seq = ? AND emoji = ? AND user_id = ?",
                  "iss", message_seq, emoji, user_id) != SQLITE_DONE)
    return FALSE;
  *out_changed = cs_db_changes (db) > 0;
  return TRUE;
}

static gboolean
sqlite_reads_record (CsDb       *db,
                     const char *room_id,
                     const char *user_id,
                     gint64      up_to_seq,
                     gint64      at)
{
  return cs_db_exec (db, "INSERT OR REPLACE INTO read_marks (room_id, user_id, up_to_seq, at) VALUES (?, ?, ?, ?)",
                     "ssii", room_id, user_id, up_to_seq, at) == SQLITE_DONE &&
         cs_db_exec (db, "UPDATE members SET last_read_at = ? WHERE room_id = ? AND user_id = ?",
                     "iss", at, room_id, user_id) == SQLITE_DONE;
}

static GPtrArray *
sqlite_reads_list (CsDb       *db,
                   const char *room_id,
                   gint64      seq)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_read_mark_free);
  /* A watermark only moves forward, so the first move at or past @seq is
   * also the earliest: one step into the primary key per member. */
  CS_STMT stmt = cs_db_query (db,
                              "SELECT mb.user_id, u.display_name, mb.last_read_seq,"
                              " CASE WHEN ?2 > 0 THEN (SELECT rm.at FROM read_marks rm"
                              "   WHERE rm.room_id = mb.room_id AND rm.user_id = mb.user_id AND rm.up_to_seq >= ?2"
                              "   ORDER BY rm.up_to_seq LIMIT 1) ELSE mb.last_read_at END"
                              " FROM members mb JOIN users u ON u.id = mb.user_id"
                              " WHERE mb.room_id = ?1 AND mb.last_read_seq >= ?2"
                              " ORDER BY u.display_name COLLATE NOCASE",
                              "si", room_id, seq);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsReadMark *m = g_new0 (CsReadMark, 1);

      m->user_id = cs_db_col_dup (stmt, 0);
      m->display_name = cs_db_col_dup (stmt, 1);
      m->last_read_seq = sqlite3_column_int64 (stmt, 2);
      m->read_at = cs_db_col_time (stmt, 3);
      g_ptr_array_add (list, m);
    }
  return list;
}

const CsReactionsOps cs_sqlite_reactions_ops = {
  .of_message = sqlite_reactions_of_message,
  .distinct = sqlite_reactions_distinct,
  .has = sqlite_reactions_has,
  .add = sqlite_reactions_add,
  .remove = sqlite_reactions_remove,
  .reads_record = sqlite_reads_record,
  .reads_list = sqlite_reads_list,
};
