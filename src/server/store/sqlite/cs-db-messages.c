/* cs-db-messages.c: cs-messages.h on SQLite.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-messages.h"
#include "cs-db.h"
#include "cs-db-rows.h"

#define MESSAGE_COLS "m.seq, m.id, m.room_id, m.sender_id, m.kind, m.body, m.reply_to_id," \
                     " m.mentions, m.context, m.created_at, m.edited_at, m.deleted, m.txn_id, su.display_name," \
                     " m.has_attachments, m.system, m.written_at, su.kind, m.streaming, m.agent_error"
#define MESSAGE_SENDER "LEFT JOIN users su ON su.id = m.sender_id"

static CsMessage *
message_row (sqlite3_stmt *stmt)
{
  CsMessage *m = g_new0 (CsMessage, 1);

  m->seq = sqlite3_column_int64 (stmt, 0);
  m->id = cs_db_col_dup (stmt, 1);
  m->room_id = cs_db_col_dup (stmt, 2);
  m->sender_id = cs_db_col_dup (stmt, 3);
  m->kind = cs_db_col_dup (stmt, 4);
  m->body = cs_db_col_dup (stmt, 5);
  m->reply_to_id = cs_db_col_dup (stmt, 6);
  m->mentions = cs_db_col_dup (stmt, 7);
  m->context = cs_db_col_dup (stmt, 8);
  m->created_at = cs_db_col_time (stmt, 9);
  m->edited_at = cs_db_col_time (stmt, 10);
  m->deleted = sqlite3_column_int (stmt, 11) != 0;
  m->txn_id = cs_db_col_dup (stmt, 12);
  m->sender_name = cs_db_col_dup (stmt, 13);
  m->has_attachments = sqlite3_column_int (stmt, 14) != 0;
  m->system = cs_db_col_dup (stmt, 15);
  m->written_at = cs_db_col_time (stmt, 16);
  m->sender_kind = cs_db_col_dup (stmt, 17);
  m->streaming = sqlite3_column_int (stmt, 18) != 0;
  m->agent_error = cs_db_col_dup (stmt, 19);
  return m;
}

static GPtrArray *
message_rows (sqlite3_stmt *stmt,
              guint         n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_message_free);

  while (stmt && rows->len < n && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (rows, message_row (stmt));
  return rows;
}

static CsMessage *
sqlite_messages_get (CsDb       *db,
                     const char *tenant_id,
                     const char *message_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER
                              " WHERE m.id = ? AND m.tenant_id = ?",
                              "ss", message_id, tenant_id);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return message_row (stmt);
}

static GPtrArray *
sqlite_messages_page (CsDb            *db,
                      const char      *room_id,
                      CsPageDirection  direction,
                      gint64           cursor,
                      guint            n)
{
  CS_STMT stmt = NULL;

  switch (direction)
    {
    case CS_PAGE_AFTER:
      stmt = cs_db_query (db, "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER " WHERE m.room_id = ? AND m.seq > ?"
                          " ORDER BY m.seq ASC LIMIT ?", "sii", room_id, cursor, (gint64) n);
      break;
    case CS_PAGE_BEFORE:
      stmt = cs_db_query (db, "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER " WHERE m.room_id = ? AND m.seq < ?"
                          " ORDER BY m.seq DESC LIMIT ?", "sii", room_id, cursor, (gint64) n);
      break;
    case CS_PAGE_LATEST:
      stmt = cs_db_query (db, "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER " WHERE m.room_id = ?"
                          " ORDER BY m.seq DESC LIMIT ?", "si", room_id, (gint64) n);
      break;
    }
  return message_rows (stmt, n);
}

/* What a person typed as an FTS5 query: every word must appear, the last
 * one as a prefix. Quotes keep FTS5 syntax out of user input. */
static char *
fts_query (const char *q)
{
  g_auto(GStrv) words = g_strsplit_set (q, " \t\n", -1);
  GString *s = g_string_new (NULL);
  guint n = 0;

  for (char **w = words; *w; w++)
    {
      if (**w == '\0')
        continue;
      if (s->len)
        g_string_append_c (s, ' ');
      g_string_append_c (s, '"');
      for (const char *p = *w; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (s, '"');
          g_string_append_c (s, *p);
        }
      g_string_append_c (s, '"');
      n++;
    }
  if (n == 0)
    return g_string_free (s, TRUE), NULL;
  g_string_append_c (s, '*');
  return g_string_free (s, FALSE);
}

static GPtrArray *
sqlite_messages_search (CsDb       *db,
                        const char *tenant_id,
                        const char *user_id,
                        const char *room_id,
                        const char *words,
                        guint       n)
{
  g_autofree char *match = words ? fts_query (words) : NULL;
  CS_STMT stmt = NULL;

  if (match == NULL)
    return NULL;
  stmt = cs_db_query (db,
                      "SELECT " MESSAGE_COLS " FROM messages_fts f JOIN messages m ON m.seq = f.rowid " MESSAGE_SENDER
                      " WHERE messages_fts MATCH ?1 AND m.deleted = 0 AND m.tenant_id = ?2"
                      " AND m.room_id IN (SELECT room_id FROM members WHERE user_id = ?3)"
                      " AND (?4 IS NULL OR m.room_id = ?4)"
                      " ORDER BY m.seq DESC LIMIT ?5",
                      "ssssi", match, tenant_id, user_id, room_id, (gint64) n);
  return message_rows (stmt, n);
}

static CsQuote *
sqlite_messages_quote (CsDb       *db,
                       const char *message_id)
{
  CS_STMT r = cs_db_query (db,
                           "SELECT m.id, u.display_name, m.body, m.deleted, m.sender_id FROM messages m"
                           " LEFT JOIN users u ON u.id = m.sender_id WHERE m.id = ?",
                           "s", message_id);
  CsQuote *q;

  if (r == NULL || sqlite3_step (r) != SQLITE_ROW)
    return NULL;
  q = g_new0 (CsQuote, 1);
  q->id = cs_db_col_dup (r, 0);
  q->sender_name = cs_db_col_dup (r, 1);
  q->body = cs_db_col_dup (r, 2);
  q->deleted = sqlite3_column_int (r, 3) != 0;
  q->sender_id = cs_db_col_dup (r, 4);
  return q;
}

static char *
sqlite_messages_id_for_txn (CsDb       *db,
                            const char *room_id,
                            const char *sender_id,
                            const char *txn_id)
{
  return cs_db_text (db, "SELECT id FROM messages WHERE room_id = ? AND sender_id = ? AND txn_id = ?",
                     "sss", room_id, sender_id, txn_id);
}

static gboolean
sqlite_messages_in_room (CsDb       *db,
                         const char *message_id,
                         const char *room_id)
{
  return cs_db_int (db, 0, "SELECT COUNT(*) FROM messages WHERE id = ? AND room_id = ?", "ss",
                    message_id, room_id) != 0;
}

static CsMessage *
sqlite_messages_visible (CsDb       *db,
                         const char *tenant_id,
                         const char *user_id,
                         const char *message_id)
{
  CS_STMT stmt = cs_db_query (db,
                              "SELECT m.room_id, m.sender_id, m.kind, m.seq, m.created_at, m.deleted FROM messages m"
                              " JOIN members mb ON mb.room_id = m.room_id AND mb.user_id = ?"
                              " WHERE m.id = ? AND m.tenant_id = ?",
                              "sss", user_id, message_id, tenant_id);
  CsMessage *m;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  m = g_new0 (CsMessage, 1);
  m->id = g_strdup (message_id);
  m->room_id = cs_db_col_dup (stmt, 0);
  m->sender_id = cs_db_col_dup (stmt, 1);
  m->kind = cs_db_col_dup (stmt, 2);
  m->seq = sqlite3_column_int64 (stmt, 3);
  m->created_at = sqlite3_column_int64 (stmt, 4);
  m->edited_at = CS_TIME_NONE;
  m->written_at = CS_TIME_NONE;
  m->deleted = sqlite3_column_int (stmt, 5) != 0;
  return m;
}

static char *
sqlite_messages_txn_id (CsDb  *db,
                        gint64 seq)
{
  return cs_db_text (db, "SELECT txn_id FROM messages WHERE seq = ?", "i", seq);
}

static gboolean
sqlite_messages_insert (CsDb            *db,
                        const char      *tenant_id,
                        const CsMessage *m)
{
  return cs_db_exec (db,
                     "INSERT INTO messages (seq, id, room_id, tenant_id, sender_id, kind, body, reply_to_id,"
                     " mentions, context, created_at, txn_id, has_attachments, system, written_at, streaming, agent_error)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF (?, 0), ?, ?)",
                     "isssssssssisbsibs", m->seq, m->id, m->room_id, tenant_id, m->sender_id, m->kind, m->body,
                     m->reply_to_id, m->mentions, m->context, m->created_at, m->txn_id,
                     m->has_attachments, m->system,
                     m->written_at == CS_TIME_NONE ? 0 : m->written_at, m->streaming, m->agent_error) == SQLITE_DONE &&
         cs_db_exec (db, "UPDATE rooms SET last_activity_at = ?, last_seq = ? WHERE id = ?",
                     "iis", m->created_at, m->seq, m->room_id) == SQLITE_DONE;
}

static gboolean
sqlite_messages_edit (CsDb       *db,
                      const char *room_id,
                      gint64      seq,
                      const char *body,
                      const char *mentions,
                      gint64      edited_at)
{
  return cs_db_exec (db, "UPDATE messages SET body = ?, mentions = ?, edited_at = ? WHERE seq = ?",
                     "ssii", body, mentions, edited_at, seq) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM mentions WHERE room_id = ? AND seq = ?", "si", room_id, seq) == SQLITE_DONE;
}

static gboolean
sqlite_messages_mark_deleted (CsDb       *db,
                              const char *room_id,
                              gint64      seq)
{
  return cs_db_exec (db, "UPDATE messages SET deleted = 1, body = '', mentions = '[]' WHERE seq = ?",
                     "i", seq) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM reactions WHERE message_seq = ?", "i", seq) == SQLITE_DONE &&
         cs_db_exec (db, "DELETE FROM mentions WHERE room_id = ? AND seq = ?", "si", room_id, seq) == SQLITE_DONE;
}

static gboolean
sqlite_mentions_add (CsDb       *db,
                     const char *room_id,
                     gint64      seq,
                     GPtrArray  *user_ids)
{
  for (guint i = 0; i < user_ids->len; i++)
    if (cs_db_exec (db, "INSERT OR IGNORE INTO mentions (room_id, seq, user_id) VALUES (?, ?, ?)",
                    "sis", room_id, seq, (const char *) g_ptr_array_index (user_ids, i)) != SQLITE_DONE)
      return FALSE;
  return TRUE;
}

static gboolean
sqlite_messages_backdate (CsDb       *db,
                          const char *tenant_id,
                          gint64      now_ms,
                          gint64      step_ms)
{
  gint64 n = cs_db_int (db, 0, "SELECT COUNT(*) FROM messages WHERE tenant_id = ?", "s", tenant_id);

  return cs_db_exec (db,
                     "UPDATE messages SET created_at = ?1 - (?2 - (SELECT COUNT(*) FROM messages m2"
                     " WHERE m2.tenant_id = messages.tenant_id AND m2.seq <= messages.seq)) * ?4"
                     " WHERE tenant_id = ?3", "iisi", now_ms, n, tenant_id, step_ms) == SQLITE_DONE &&
         cs_db_exec (db,
                     "UPDATE rooms SET created_at = ?1 - 86400000, last_activity_at ="
                     " COALESCE((SELECT MAX(created_at) FROM messages WHERE room_id = rooms.id), ?1)"
                     " WHERE tenant_id = ?2", "is", now_ms, tenant_id) == SQLITE_DONE;
}

static gboolean
sqlite_messages_set_answer (CsDb       *db,
                            gint64      seq,
                            const char *body,
                            gboolean    streaming,
                            const char *agent_error,
                            gint64      edited_at)
{
  if (edited_at == CS_TIME_NONE)
    return cs_db_exec (db, "UPDATE messages SET body = ?, streaming = ?, agent_error = ? WHERE seq = ?",
                       "sbsi", body, streaming, agent_error, seq) == SQLITE_DONE;
  return cs_db_exec (db, "UPDATE messages SET body = ?, streaming = ?, agent_error = ?, edited_at = ? WHERE seq = ?",
                     "sbsii", body, streaming, agent_error, edited_at, seq) == SQLITE_DONE;
}

static GPtrArray *
sqlite_messages_streaming (CsDb *db)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_message_free);
  CS_STMT stmt = cs_db_query (db,
                              "SELECT " MESSAGE_COLS ", m.tenant_id FROM messages m " MESSAGE_SENDER
                              " WHERE m.streaming = 1 ORDER BY m.seq", "");

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      CsMessage *m = message_row (stmt);

      m->tenant_id = cs_db_col_dup (stmt, 20);
      g_ptr_array_add (rows, m);
    }
  return rows;
}

const CsMessagesOps cs_sqlite_messages_ops = {
  .get = sqlite_messages_get,
  .page = sqlite_messages_page,
  .search = sqlite_messages_search,
  .quote = sqlite_messages_quote,
  .id_for_txn = sqlite_messages_id_for_txn,
  .in_room = sqlite_messages_in_room,
  .visible = sqlite_messages_visible,
  .txn_id = sqlite_messages_txn_id,
  .insert = sqlite_messages_insert,
  .edit = sqlite_messages_edit,
  .mark_deleted = sqlite_messages_mark_deleted,
  .mentions_add = sqlite_mentions_add,
  .backdate = sqlite_messages_backdate,
  .set_answer = sqlite_messages_set_answer,
  .streaming = sqlite_messages_streaming,
};
