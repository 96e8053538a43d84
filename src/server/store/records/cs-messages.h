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

/* The message @message_id of @tenant_id, or NULL. */
CsMessage    *cs_messages_get      (CsDb            *db,
                                    const char      *tenant_id,
                                    const char      *message_id);
/* At most @n messages of @room_id (CsMessage*), in @direction's order. */
GPtrArray    *cs_messages_page     (CsDb            *db,
                                    const char      *room_id,
                                    CsPageDirection  direction,
                                    gint64           cursor,
                                    guint            n);
/* Messages of @tenant_id in rooms @user_id is in (and in @room_id when
 * not NULL) that hold every word of @words, the last as a prefix; newest
 * first. NULL when @words holds no word. */
GPtrArray    *cs_messages_search   (CsDb            *db,
                                    const char      *tenant_id,
                                    const char      *user_id,
                                    const char      *room_id,
                                    const char      *words,
                                    guint            n);
CsQuote      *cs_messages_quote    (CsDb            *db,
                                    const char      *message_id);
/* The id of the message @sender_id sent to @room_id with @txn_id, or NULL. */
char         *cs_messages_id_for_txn (CsDb          *db,
                                      const char    *room_id,
                                      const char    *sender_id,
                                      const char    *txn_id);
gboolean      cs_messages_in_room  (CsDb            *db,
                                    const char      *message_id,
                                    const char      *room_id);
/* The message of @tenant_id in a room @user_id is in, or NULL; only
 * room_id, sender_id, kind, seq, created_at and deleted are filled. */
CsMessage    *cs_messages_visible  (CsDb            *db,
                                    const char      *tenant_id,
                                    const char      *user_id,
                                    const char      *message_id);
char         *cs_messages_txn_id   (CsDb            *db,
                                    gint64           seq);

/* Writes, inside the writer's transaction; FALSE when the engine failed
 * (the job then fails with cs_ctx_fail_db ()). */

/* Stores @message (every field but sender_name) in @tenant_id and makes
 * it its room's latest activity. */
gboolean      cs_messages_insert   (CsDb            *db,
                                    const char      *tenant_id,
                                    const CsMessage *message);
/* A new body and mentions; the message's mention rows are dropped. */
gboolean      cs_messages_edit     (CsDb            *db,
                                    const char      *room_id,
                                    gint64           seq,
                                    const char      *body,
                                    const char      *mentions,
                                    gint64           edited_at);
/* Empties the message and drops its mention rows. */
gboolean      cs_messages_mark_deleted (CsDb        *db,
                                        const char  *room_id,
                                        gint64       seq);
/* Records that each of @user_ids (char*) is mentioned at @seq. */
gboolean      cs_mentions_add      (CsDb            *db,
                                    const char      *room_id,
                                    gint64           seq,
                                    GPtrArray       *user_ids);

/* The demo: spreads @tenant_id's messages back in time, @step_ms apart,
 * the last at @now_ms; the rooms' activity follows. */
gboolean      cs_messages_backdate (CsDb            *db,
                                    const char      *tenant_id,
                                    gint64           now_ms,
                                    gint64           step_ms);

/* An agent's answer as it grows: its body, whether it is still
 * streaming, and the error that ended it (NULL: none). @edited_at
 * CS_TIME_NONE leaves the message's edited_at as it is. */
gboolean      cs_messages_set_answer (CsDb          *db,
                                      gint64         seq,
                                      const char    *body,
                                      gboolean       streaming,
                                      const char    *agent_error,
                                      gint64         edited_at);
/* Every message still streaming, with its tenant_id (CsMessage*): after
 * a crash, answers nobody will finish. */
GPtrArray    *cs_messages_streaming  (CsDb          *db);

G_END_DECLS
