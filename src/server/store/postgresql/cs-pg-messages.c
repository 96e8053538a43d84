/* cs-pg-messages.c: cs-messages.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-messages.h"
#include "cs-pg.h"

#define MESSAGE_COLS "m.seq, m.id, m.room_id, m.sender_id, m.kind, m.body, m.reply_to_id," \
                     " m.mentions, m.context, m.created_at, m.edited_at, m.deleted, m.txn_id, su.display_name," \
                     " m.has_attachments, m.system, m.written_at, su.kind, m.streaming, m.agent_error"
#define MESSAGE_SENDER "LEFT JOIN users su ON su.id = m.sender_id"

static CsMessage *
message_row (CsPgRes *stmt)
{
  CsMessage *m = g_new0 (CsMessage, 1);

  m->seq = cs_pg_int (stmt, 0);
  m->id = cs_pg_col_dup (stmt, 1);
  m->room_id = cs_pg_col_dup (stmt, 2);
  m->sender_id = cs_pg_col_dup (stmt, 3);
  m->kind = cs_pg_col_dup (stmt, 4);
  m->body = cs_pg_col_dup (stmt, 5);
  m->reply_to_id = cs_pg_col_dup (stmt, 6);
  m->mentions = cs_pg_col_dup (stmt, 7);
  m->context = cs_pg_col_dup (stmt, 8);
  m->created_at = cs_pg_col_time (stmt, 9);
  m->edited_at = cs_pg_col_time (stmt, 10);
  m->deleted = cs_pg_int (stmt, 11) != 0;
  m->txn_id = cs_pg_col_dup (stmt, 12);
  m->sender_name = cs_pg_col_dup (stmt, 13);
  m->has_attachments = cs_pg_int (stmt, 14) != 0;
  m->system = cs_pg_col_dup (stmt, 15);
  m->written_at = cs_pg_col_time (stmt, 16);
  m->sender_kind = cs_pg_col_dup (stmt, 17);
  m->streaming = cs_pg_int (stmt, 18) != 0;
  m->agent_error = cs_pg_col_dup (stmt, 19);
  return m;
}

static GPtrArray *
message_rows (CsPgRes *stmt,
              guint         n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_message_free);

  while (stmt && rows->len < n && cs_pg_next (stmt))
    g_ptr_array_add (rows, message_row (stmt));
  return rows;
}

static CsMessage *
pg_messages_get (CsDb       *db,
                 const char *tenant_id,
                 const char *message_id)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER
                                " WHERE m.id = ? AND m.tenant_id = ?",
                                "ss", message_id, tenant_id);

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  return message_row (stmt);
}

static GPtrArray *
pg_messages_page (CsDb            *db,
                  const char      *room_id,
                  CsPageDirection  direction,
                  gint64           cursor,
                  guint            n)
{
  CS_PG_RES stmt = NULL;

  switch (direction)
    {
    case CS_PAGE_AFTER:
      stmt = cs_pg_query (db, "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER " WHERE m.room_id = ? AND m.seq > ?"
                          " ORDER BY m.seq ASC LIMIT ?", "sii", room_id, cursor, (gint64) n);
      break;
    case CS_PAGE_BEFORE:
      stmt = cs_pg_query (db, "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER " WHERE m.room_id = ? AND m.seq < ?"
                          " ORDER BY m.seq DESC LIMIT ?", "sii", room_id, cursor, (gint64) n);
      break;
    case CS_PAGE_LATEST:
      stmt = cs_pg_query (db, "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER " WHERE m.room_id = ?"
                          " ORDER BY m.seq DESC LIMIT ?", "si", room_id, (gint64) n);
      break;
    }
  return message_rows (stmt, n);
}

/* What a person typed, as the search takes it: every word must appear
 * (@out_head, to plainto_tsquery), the last one as a prefix (@out_last,
 * quoted for to_tsquery). FALSE when there is no word. */
static gboolean
search_words (const char *q,
              char      **out_head,
              char      **out_last)
{
  g_auto(GStrv) words = g_strsplit_set (q, " \t\n", -1);
  GString *head = g_string_new (NULL);
  const char *last = NULL;

  for (char **w = words; *w; w++)
    {
      if (**w == '\0')
        continue;
      if (last)
        {
          if (head->len)
            g_string_append_c (head, ' ');
          g_string_append (head, last);
        }
      last = *w;
    }
  if (last == NULL)
    {
      g_string_free (head, TRUE);
      return FALSE;
    }
  *out_head = g_string_free (head, FALSE);
  *out_last = g_strdup (last);
  return TRUE;
}

static GPtrArray *
pg_messages_search (CsDb       *db,
                    const char *tenant_id,
                    const char *user_id,
                    const char *room_id,
                    const char *words,
                    guint       n)
{
  g_autofree char *head = NULL;
  g_autofree char *last = NULL;
  CS_PG_RES stmt = NULL;

  if (words == NULL || !search_words (words, &head, &last))
    return NULL;
  stmt = cs_pg_query (db,
                      "SELECT " MESSAGE_COLS " FROM messages m " MESSAGE_SENDER
                      " WHERE to_tsvector ('simple', m.body) @@"
                      "  (plainto_tsquery ('simple', ?1) && to_tsquery ('simple', quote_literal (?6) || ':*'))"
                      " AND m.deleted = 0 AND m.tenant_id = ?2"
                      " AND m.room_id IN (SELECT room_id FROM members WHERE user_id = ?3)"
                      " AND (?4::text IS NULL OR m.room_id = ?4)"
                      " ORDER BY m.seq DESC LIMIT ?5",
                      "ssssis", head, tenant_id, user_id, room_id, (gint64) n, last);
  return message_rows (stmt, n);
}

static CsQuote *
pg_messages_quote (CsDb       *db,
                   const char *message_id)
{
  CS_PG_RES r = cs_pg_query (db,
                             "SELECT m.id, u.display_name, m.body, m.deleted, m.sender_id FROM messages m"
                             " LEFT JOIN users u ON u.id = m.sender_id WHERE m.id = ?",
                             "s", message_id);
  CsQuote *q;

  if (r == NULL || !cs_pg_next (r))
    return NULL;
  q = g_new0 (CsQuote, 1);
  q->id = cs_pg_col_dup (r, 0);
  q->sender_name = cs_pg_col_dup (r, 1);
  q->body = cs_pg_col_dup (r, 2);
  q->deleted = cs_pg_int (r, 3) != 0;
  q->sender_id = cs_pg_col_dup (r, 4);
  return q;
}

static char *
pg_messages_id_for_txn (CsDb       *db,
                        const char *room_id,
                        const char *sender_id,
                        const char *txn_id)
{
  return cs_pg_text1 (db, "SELECT id FROM messages WHERE room_id = ? AND sender_id = ? AND txn_id = ?",
                      "sss", room_id, sender_id, txn_id);
}

static gboolean
pg_messages_in_room (CsDb       *db,
                     const char *message_id,
                     const char *room_id)
{
  return cs_pg_int1 (db, 0, "SELECT COUNT(*) FROM messages WHERE id = ? AND room_id = ?", "ss",
                     message_id, room_id) != 0;
}

static CsMessage *
pg_messages_visible (CsDb       *db,
                     const char *tenant_id,
                     const char *user_id,
                     const char *message_id)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT m.room_id, m.sender_id, m.kind, m.seq, m.created_at, m.deleted FROM messages m"
                                " JOIN members mb ON mb.room_id = m.room_id AND mb.user_id = ?"
                                " WHERE m.id = ? AND m.tenant_id = ?",
                                "sss", user_id, message_id, tenant_id);
  CsMessage *m;

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  m = g_new0 (CsMessage, 1);
  m->id = g_strdup (message_id);
  m->room_id = cs_pg_col_dup (stmt, 0);
  m->sender_id = cs_pg_col_dup (stmt, 1);
  m->kind = cs_pg_col_dup (stmt, 2);
  m->seq = cs_pg_int (stmt, 3);
  m->created_at = cs_pg_int (stmt, 4);
  m->edited_at = CS_TIME_NONE;
  m->written_at = CS_TIME_NONE;
  m->deleted = cs_pg_int (stmt, 5) != 0;
  return m;
}

static char *
pg_messages_txn_id (CsDb  *db,
                    gint64 seq)
{
  return cs_pg_text1 (db, "SELECT txn_id FROM messages WHERE seq = ?", "i", seq);
}

static gboolean
pg_messages_insert (CsDb            *db,
                    const char      *tenant_id,
                    const CsMessage *m)
{
  return cs_pg_exec (db,
                     "INSERT INTO messages (seq, id, room_id, tenant_id, sender_id, kind, body, reply_to_id,"
                     " mentions, context, created_at, txn_id, has_attachments, system, written_at, streaming, agent_error)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF (?, 0), ?, ?)",
                     "isssssssssisbsibs", m->seq, m->id, m->room_id, tenant_id, m->sender_id, m->kind, m->body,
                     m->reply_to_id, m->mentions, m->context, m->created_at, m->txn_id,
                     m->has_attachments, m->system,
                     m->written_at == CS_TIME_NONE ? 0 : m->written_at, m->streaming, m->agent_error) &&
         cs_pg_exec (db, "UPDATE rooms SET last_activity_at = ?, last_seq = ? WHERE id = ?",
                     "iis", m->created_at, m->seq, m->room_id);
}

static gboolean
pg_messages_edit (CsDb       *db,
                  const char *room_id,
                  gint64      seq,
                  const char *body,
                  const char *mentions,
                  gint64      edited_at)
{
  return cs_pg_exec (db, "UPDATE messages SET body = ?, mentions = ?, edited_at = ? WHERE seq = ?",
                     "ssii", body, mentions, edited_at, seq) &&
         cs_pg_exec (db, "DELETE FROM mentions WHERE room_id = ? AND seq = ?", "si", room_id, seq);
}

static gboolean
pg_messages_mark_deleted (CsDb       *db,
                          const char *room_id,
                          gint64      seq)
{
  return cs_pg_exec (db, "UPDATE messages SET deleted = 1, body = '', mentions = '[]' WHERE seq = ?",
                     "i", seq) &&
         cs_pg_exec (db, "DELETE FROM reactions WHERE message_seq = ?", "i", seq) &&
         cs_pg_exec (db, "DELETE FROM mentions WHERE room_id = ? AND seq = ?", "si", room_id, seq);
}

static gboolean
pg_mentions_add (CsDb       *db,
                 const char *room_id,
                 gint64      seq,
                 GPtrArray  *user_ids)
{
  for (guint i = 0; i < user_ids->len; i++)
    if (!cs_pg_exec (db, "INSERT INTO mentions (room_id, seq, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                     "sis", room_id, seq, (const char *) g_ptr_array_index (user_ids, i)))
      return FALSE;
  return TRUE;
}

static gboolean
pg_messages_backdate (CsDb       *db,
                      const char *tenant_id,
                      gint64      now_ms,
                      gint64      step_ms)
{
  gint64 n = cs_pg_int1 (db, 0, "SELECT COUNT(*) FROM messages WHERE tenant_id = ?", "s", tenant_id);

  return cs_pg_exec (db,
                     "UPDATE messages SET created_at = ?1 - (?2 - (SELECT COUNT(*) FROM messages m2"
                     " WHERE m2.tenant_id = messages.tenant_id AND m2.seq <= messages.seq)) * ?4"
                     " WHERE tenant_id = ?3", "iisi", now_ms, n, tenant_id, step_ms) &&
         cs_pg_exec (db,
                     "UPDATE rooms SET created_at = ?1 - 86400000, last_activity_at ="
                     " COALESCE((SELECT MAX(created_at) FROM messages WHERE room_id = rooms.id), ?1)"
                     " WHERE tenant_id = ?2", "is", now_ms, tenant_id);
}

static gboolean
pg_messages_set_answer (CsDb       *db,
                        gint64      seq,
                        const char *body,
                        gboolean    streaming,
                        const char *agent_error,
                        gint64      edited_at)
{
  if (edited_at == CS_TIME_NONE)
    return cs_pg_exec (db, "UPDATE messages SET body = ?, streaming = ?, agent_error = ? WHERE seq = ?",
                       "sbsi", body, streaming, agent_error, seq);
  return cs_pg_exec (db, "UPDATE messages SET body = ?, streaming = ?, agent_error = ?, edited_at = ? WHERE seq = ?",
                     "sbsii", body, streaming, agent_error, edited_at, seq);
}

static GPtrArray *
pg_messages_streaming (CsDb *db)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_message_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " MESSAGE_COLS ", m.tenant_id FROM messages m " MESSAGE_SENDER
                                " WHERE m.streaming = 1 ORDER BY m.seq", "");

  while (stmt && cs_pg_next (stmt))
    {
      CsMessage *m = message_row (stmt);

      m->tenant_id = cs_pg_col_dup (stmt, 20);
      g_ptr_array_add (rows, m);
    }
  return rows;
}

const CsMessagesOps cs_pg_messages_ops = {
  .get = pg_messages_get,
  .page = pg_messages_page,
  .search = pg_messages_search,
  .quote = pg_messages_quote,
  .id_for_txn = pg_messages_id_for_txn,
  .in_room = pg_messages_in_room,
  .visible = pg_messages_visible,
  .txn_id = pg_messages_txn_id,
  .insert = pg_messages_insert,
  .edit = pg_messages_edit,
  .mark_deleted = pg_messages_mark_deleted,
  .mentions_add = pg_mentions_add,
  .backdate = pg_messages_backdate,
  .set_answer = pg_messages_set_answer,
  .streaming = pg_messages_streaming,
};
