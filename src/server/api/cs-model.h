/* cs-model.h: the JSON shapes of API.md, built from the database on the
 * storage threads, and the access checks every handler shares.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-ctx.h"
#include "cs-records.h"

G_BEGIN_DECLS


char       *cs_model_excerpt         (const char   *body);
/* A time (ms since the epoch) as API.md writes it; NULL for CS_TIME_NONE. */
char       *cs_model_time_text       (gint64        ms);
JsonObject *cs_model_user_json       (CsCtx        *ctx,
                                      const CsUser *user);
/* NULL when the user is not in the caller's tenant. */
JsonObject *cs_model_user            (CsCtx        *ctx,
                                      const char   *user_id);
char       *cs_model_display_name    (CsCtx        *ctx,
                                      const char   *user_id);
/* The message as @viewer_id sees it (their txn_id on their own). */
JsonObject *cs_model_message_json    (CsCtx           *ctx,
                                      const CsMessage *message,
                                      const char      *viewer_id);
JsonObject *cs_model_message         (CsCtx        *ctx,
                                      const char   *message_id,
                                      const char   *viewer_id);
/* {id, name, size, mime_type, width, height, has_thumbnail} */
JsonObject *cs_model_attachment_json (const CsAttachment *attachment);
JsonObject *cs_model_attachment      (CsCtx        *ctx,
                                      const char   *attachment_id);
/* The attachments of a message, in the order they were given. */
JsonArray  *cs_model_message_attachments (CsCtx      *ctx,
                                          const char *message_id);
/* [{emoji, count, user_ids}] of the message at @message_seq, ordered by
 * first use, user_ids at most CAU_REACTION_USERS_MAX. */
JsonArray  *cs_model_message_reactions (CsCtx    *ctx,
                                        gint64    message_seq);
/* {id, type, room_id, message_id, title, body, created_at, read, message_seq} */
JsonObject *cs_model_notification_json (const CsNotification *notification);
/* The room as @viewer_id sees it; NULL when it is not in the caller's tenant. */
JsonObject *cs_model_room            (CsCtx        *ctx,
                                      const char   *room_id,
                                      const char   *viewer_id);

/* The caller's role in the room. FALSE with not_found when the room does
 * not exist, belongs to another tenant, or the caller is not a member. */
gboolean    cs_model_require_member  (CsCtx        *ctx,
                                      const char   *room_id,
                                      char        **out_role);
/* The caller's tenant role ("admin", "member", "guest"). */
char       *cs_model_tenant_role     (CsCtx        *ctx);

/* Writer thread: stores an event and queues it for fan-out after commit.
 * @seq 0 allocates the next one. @room_id events reach the room's members;
 * @user_id events reach that user only. When @actor_id and @txn_id are set,
 * the actor's copy of data.message carries the txn_id. */
gint64      cs_model_emit            (CsCtx        *ctx,
                                      gint64        seq,
                                      const char   *type,
                                      const char   *room_id,
                                      const char   *user_id,
                                      JsonObject   *data,
                                      const char   *actor_id,
                                      const char   *txn_id);
/* The ack of a WebSocket send whose message this job stored: its
 * "message" is the data of the sender's copy (ctx->events), the same
 * bytes, without writing the message's JSON again. NULL when there is no
 * such event or its frame is not of the expected shape. */
char       *cs_model_ack_text        (CsCtx        *ctx,
                                      const char   *txn_id);
/* The frame a stored event is replayed as, for @viewer_id. */
char       *cs_model_event_frame     (const char   *payload,
                                      const char   *type,
                                      const char   *actor_id,
                                      const char   *txn_id,
                                      const char   *viewer_id);

G_END_DECLS
