/* cs-messages.h: the store's messages, their quotes and attachments, and
 * message search. Each call runs on the connection of the job that holds
 * it (CsCtx.db), inside that job's snapshot or transaction.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

typedef enum {
  CS_PAGE_LATEST,   /* the newest, newest first */
  CS_PAGE_BEFORE,   /* seq < cursor, newest first */
  CS_PAGE_AFTER,    /* seq > cursor, oldest first */
} CsPageDirection;

/* What an engine implements for this header: one entry per function below,
 * named without its "cs_messages_" (or "cs_") prefix; the functions
 * dispatch to it through the connection's engine (store/README.md). */
struct _CsMessagesOps {
  CsMessage *(*get) (CsDb *db, const char *tenant_id, const char *message_id);
  GPtrArray *(*page) (CsDb *db, const char *room_id, CsPageDirection direction, gint64 cursor, guint n);
  GPtrArray *(*search) (CsDb *db, const char *tenant_id, const char *user_id, const char *room_id, const char *words, guint n);
  CsQuote *(*quote) (CsDb *db, const char *message_id);
  char *(*id_for_txn) (CsDb *db, const char *room_id, const char *sender_id, const char *txn_id);
  gboolean (*in_room) (CsDb *db, const char *message_id, const char *room_id);
  CsMessage *(*visible) (CsDb *db, const char *tenant_id, const char *user_id, const char *message_id);
  char *(*txn_id) (CsDb *db, gint64 seq);
  gboolean (*insert) (CsDb *db, const char *tenant_id, const CsMessage *message);
  gboolean (*edit) (CsDb *db, const char *room_id, gint64 seq, const char *body, const char *mentions, gint64 edited_at);
  gboolean (*mark_deleted) (CsDb *db, const char *room_id, gint64 seq);
  gboolean (*mentions_add) (CsDb *db, const char *room_id, gint64 seq, GPtrArray *user_ids);
  gboolean (*backdate) (CsDb *db, const char *tenant_id, gint64 now_ms, gint64 step_ms);
  gboolean (*set_answer) (CsDb *db, gint64 seq, const char *body, gboolean streaming, const char *agent_error, gint64 edited_at);
  GPtrArray *(*streaming) (CsDb *db);
};

/* The message @message_id of @tenant_id, or NULL. */
static inline CsMessage *
cs_messages_get (CsDb       *db,
                 const char *tenant_id,
                 const char *message_id)
{
  CS_DB_NEEDS (db, messages, get);
  return db->engine->messages->get (db, tenant_id, message_id);
}

/* At most @n messages of @room_id (CsMessage*), in @direction's order. */
static inline GPtrArray *
cs_messages_page (CsDb            *db,
                  const char      *room_id,
                  CsPageDirection  direction,
                  gint64           cursor,
                  guint            n)
{
  CS_DB_NEEDS (db, messages, page);
  return db->engine->messages->page (db, room_id, direction, cursor, n);
}

/* Messages of @tenant_id in rooms @user_id is in (and in @room_id when
 * not NULL) that hold every word of @words, the last as a prefix; newest
 * first. NULL when @words holds no word. */
static inline GPtrArray *
cs_messages_search (CsDb       *db,
                    const char *tenant_id,
                    const char *user_id,
                    const char *room_id,
                    const char *words,
                    guint       n)
{
  CS_DB_NEEDS (db, messages, search);
  return db->engine->messages->search (db, tenant_id, user_id, room_id, words, n);
}

static inline CsQuote *
cs_messages_quote (CsDb       *db,
                   const char *message_id)
{
  CS_DB_NEEDS (db, messages, quote);
  return db->engine->messages->quote (db, message_id);
}

/* The id of the message @sender_id sent to @room_id with @txn_id, or NULL. */
static inline char *
cs_messages_id_for_txn (CsDb       *db,
                        const char *room_id,
                        const char *sender_id,
                        const char *txn_id)
{
  CS_DB_NEEDS (db, messages, id_for_txn);
  return db->engine->messages->id_for_txn (db, room_id, sender_id, txn_id);
}

static inline gboolean
cs_messages_in_room (CsDb       *db,
                     const char *message_id,
                     const char *room_id)
{
  CS_DB_NEEDS (db, messages, in_room);
  return db->engine->messages->in_room (db, message_id, room_id);
}

/* The message of @tenant_id in a room @user_id is in, or NULL; only
 * room_id, sender_id, kind, seq, created_at and deleted are filled. */
static inline CsMessage *
cs_messages_visible (CsDb       *db,
                     const char *tenant_id,
                     const char *user_id,
                     const char *message_id)
{
  CS_DB_NEEDS (db, messages, visible);
  return db->engine->messages->visible (db, tenant_id, user_id, message_id);
}

static inline char *
cs_messages_txn_id (CsDb   *db,
                    gint64  seq)
{
  CS_DB_NEEDS (db, messages, txn_id);
  return db->engine->messages->txn_id (db, seq);
}

/* Writes, inside the writer's transaction; FALSE when the engine failed
 * (the job then fails with cs_ctx_fail_db ()). */

/* Stores @message (every field but sender_name) in @tenant_id and makes
 * it its room's latest activity. */
static inline gboolean
cs_messages_insert (CsDb            *db,
                    const char      *tenant_id,
                    const CsMessage *message)
{
  CS_DB_NEEDS (db, messages, insert);
  return db->engine->messages->insert (db, tenant_id, message);
}

/* A new body and mentions; the message's mention rows are dropped. */
static inline gboolean
cs_messages_edit (CsDb       *db,
                  const char *room_id,
                  gint64      seq,
                  const char *body,
                  const char *mentions,
                  gint64      edited_at)
{
  CS_DB_NEEDS (db, messages, edit);
  return db->engine->messages->edit (db, room_id, seq, body, mentions, edited_at);
}

/* Empties the message and drops its mention rows. */
static inline gboolean
cs_messages_mark_deleted (CsDb       *db,
                          const char *room_id,
                          gint64      seq)
{
  CS_DB_NEEDS (db, messages, mark_deleted);
  return db->engine->messages->mark_deleted (db, room_id, seq);
}

/* Records that each of @user_ids (char*) is mentioned at @seq. */
static inline gboolean
cs_mentions_add (CsDb       *db,
                 const char *room_id,
                 gint64      seq,
                 GPtrArray  *user_ids)
{
  CS_DB_NEEDS (db, messages, mentions_add);
  return db->engine->messages->mentions_add (db, room_id, seq, user_ids);
}

/* The demo: spreads @tenant_id's messages back in time, @step_ms apart,
 * the last at @now_ms; the rooms' activity follows. */
static inline gboolean
cs_messages_backdate (CsDb       *db,
                      const char *tenant_id,
                      gint64      now_ms,
                      gint64      step_ms)
{
  CS_DB_NEEDS (db, messages, backdate);
  return db->engine->messages->backdate (db, tenant_id, now_ms, step_ms);
}

/* An agent's answer as it grows: its body, whether it is still
 * streaming, and the error that ended it (NULL: none). @edited_at
 * CS_TIME_NONE leaves the message's edited_at as it is. */
static inline gboolean
cs_messages_set_answer (CsDb       *db,
                        gint64      seq,
                        const char *body,
                        gboolean    streaming,
                        const char *agent_error,
                        gint64      edited_at)
{
  CS_DB_NEEDS (db, messages, set_answer);
  return db->engine->messages->set_answer (db, seq, body, streaming, agent_error, edited_at);
}

/* Every message still streaming, with its tenant_id (CsMessage*): after
 * a crash, answers nobody will finish. */
static inline GPtrArray *
cs_messages_streaming (CsDb *db)
{
  CS_DB_NEEDS (db, messages, streaming);
  return db->engine->messages->streaming (db);
}

G_END_DECLS
