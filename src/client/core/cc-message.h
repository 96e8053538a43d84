/* cc-message.h: one line of a conversation: a stored message, or one of
 * ours still in the outbox (pending or failed).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "cau-context.h"
#include "cc-attachment.h"
#include "cc-types.h"

G_BEGIN_DECLS

#define CC_TYPE_MESSAGE (cc_message_get_type ())
G_DECLARE_FINAL_TYPE (CcMessage, cc_message, CC, MESSAGE, GObject)

/* Properties (all notify):
 *   "id" (NULL while pending), "room-id", "seq" (gint64, 0 while pending),
 *   "sender-id", "sender-name" (NULL for system lines), "kind" ("text",
 *   "system", "agent"), "body", "reply-to-id", "reply-to-sender-name",
 *   "reply-to-excerpt", "created-at", "edited-at" (gint64 ms, 0 = never),
 *   "written-at" (when the sender wrote it: see cc_message_get_written_at),
 *   "system-kind" (a system line's kind, or NULL),
 *   "deleted", "txn-id" (our own messages only), "state" (CcMessageState),
 *   "error" (a sentence when failed), "is-own" (sent by the signed-in user),
 *   "read-by" (guint: members other than the sender whose read watermark
 *   has passed this message; ✓✓ in a direct room when >= 1),
 *   "streaming" (an agent's answer still being written: it grows through
 *   message.edit until this turns FALSE), "agent-error" (a sentence when
 *   the agent could not answer, else NULL), "has-context" (it cites an
 *   object of another application: cc_message_get_context), "n-reactions" (guint, notified
 *   whenever the reactions change), "read-at" (gint64 ms: on our last
 *   message another member has read, when they first read it; else 0). */

CcMessage     *cc_message_new_from_json      (JsonObject *obj);
/* A pending message built from an outbox entry. */
CcMessage     *cc_message_new_pending        (const char *room_id,
                                              const char *txn_id,
                                              const char *body,
                                              const char *reply_to_id,
                                              const char *sender_id,
                                              const char *sender_name,
                                              gint64      created_at);
/* Applies a wire `message` (edit, delete, ack of a pending one). */
void           cc_message_update_from_json   (CcMessage  *self,
                                              JsonObject *obj);
JsonObject    *cc_message_to_json            (CcMessage  *self);

const char    *cc_message_get_id             (CcMessage *self);
const char    *cc_message_get_room_id        (CcMessage *self);
gint64         cc_message_get_seq            (CcMessage *self);
const char    *cc_message_get_sender_id      (CcMessage *self);
const char    *cc_message_get_sender_name    (CcMessage *self);
const char    *cc_message_get_kind           (CcMessage *self);
const char    *cc_message_get_body           (CcMessage *self);
const char    *cc_message_get_reply_to_id    (CcMessage *self);
const char    *cc_message_get_reply_to_sender_name (CcMessage *self);
const char    *cc_message_get_reply_to_excerpt (CcMessage *self);
gint64         cc_message_get_created_at     (CcMessage *self);
gint64         cc_message_get_edited_at      (CcMessage *self);
gint64         cc_message_get_written_at     (CcMessage *self);
const char    *cc_message_get_system_kind    (CcMessage *self);
char          *cc_message_dup_system_text    (CcMessage *self);
gboolean       cc_message_get_deleted        (CcMessage *self);
const char    *cc_message_get_txn_id         (CcMessage *self);
CcMessageState cc_message_get_state          (CcMessage *self);
const char    *cc_message_get_error          (CcMessage *self);
gboolean       cc_message_get_is_own         (CcMessage *self);
guint          cc_message_get_read_by        (CcMessage *self);
gboolean       cc_message_get_streaming      (CcMessage *self);
const char    *cc_message_get_agent_error    (CcMessage *self);

/* Mentions found by the server, offsets in characters of the body.
 * @type is "user", "agent" or "room"; @id is NULL for "room". */
guint          cc_message_get_n_mentions     (CcMessage *self);
gboolean       cc_message_get_mention        (CcMessage   *self,
                                              guint        index,
                                              const char **type,
                                              const char **id,
                                              glong       *start,
                                              glong       *end);

/* (transfer none) GListModel of CcAttachment, never NULL: the same model
 * for the life of the message (pending files turn into the server's in
 * place when the message is stored). */
GListModel    *cc_message_get_attachments    (CcMessage *self);

/* Reactions, ordered by first use. cc_message_get_reaction returns the
 * emoji at @index (NULL past the end), how many reacted and who (at most
 * the first 50, (transfer full) NULL-terminated; nullable out arguments). */
guint          cc_message_get_n_reactions    (CcMessage *self);
const char    *cc_message_get_reaction       (CcMessage *self,
                                              guint      index,
                                              guint     *out_count,
                                              GStrv     *out_user_ids);
gboolean       cc_message_has_reaction       (CcMessage  *self,
                                              const char *emoji,
                                              const char *user_id);
gint64         cc_message_get_read_at        (CcMessage *self);

void           cc_message_set_state          (CcMessage     *self,
                                              CcMessageState state,
                                              const char    *error);
void           cc_message_set_is_own         (CcMessage *self,
                                              gboolean   is_own);
void           cc_message_set_read_by        (CcMessage *self,
                                              guint      read_by);

/* The object of another application the message cites, or NULL. */
const CauContext *cc_message_get_context     (CcMessage        *self);
void           cc_message_set_context        (CcMessage        *self,
                                              const CauContext *context);

G_END_DECLS
