/* cc-reactions.h: reacting to messages, and who read a message when
 * (API.md v1.1 "Reactions"; the README's notes on read times).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"
#include "cc-message.h"

G_BEGIN_DECLS

/* One member who read a message: who, and when (ms since the epoch; 0 when
 * the server does not know: read before it kept times). */
#define CC_TYPE_RECEIPT (cc_receipt_get_type ())
G_DECLARE_FINAL_TYPE (CcReceipt, cc_receipt, CC, RECEIPT, GObject)

const char  *cc_receipt_get_user_id      (CcReceipt *self);
const char  *cc_receipt_get_display_name (CcReceipt *self);
gint64       cc_receipt_get_read_at      (CcReceipt *self);

/* The reactions offered first, in the order shown ("👍", "❤️", …). */
const char * const *cc_quick_reactions   (void);

/**
 * cc_client_react_async:
 * @add: TRUE to add the user's @emoji to @message, FALSE to remove it
 *
 * PUT or DELETE /api/messages/{id}/reactions/{emoji}. The message (and
 * every window showing it) follows at once when the server agrees, and
 * again when the event comes back; errors are sentences ("A message
 * takes at most 20 different reactions.").
 */
void         cc_client_react_async       (CcClient            *self,
                                          CcMessage           *message,
                                          const char          *emoji,
                                          gboolean             add,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean     cc_client_react_finish      (CcClient      *self,
                                          GAsyncResult  *result,
                                          GError       **error);
/* Adds the user's @emoji when it is not there, removes it when it is. */
void         cc_client_toggle_reaction   (CcClient   *self,
                                          CcMessage  *message,
                                          const char *emoji);

/* The names of @user_ids for a tooltip ("Ada, Bob"), the user's own as
 * "You"; people not known here are left out. */
char        *cc_client_describe_reactors (CcClient           *self,
                                          const char * const *user_ids,
                                          guint               count);

/**
 * cc_client_list_readers_async:
 *
 * GET /api/rooms/{id}/receipts?seq=: the members (but the sender) who read
 * @message, with the time each first did, by name. Finish gives a
 * GListModel of CcReceipt.
 */
void         cc_client_list_readers_async  (CcClient            *self,
                                            CcMessage           *message,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GListModel  *cc_client_list_readers_finish (CcClient      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* "Read 14:02" today, "Read yesterday at 14:02", "Read on 3 March at
 * 14:02" before, in the reader's language; NULL when @read_at_ms is 0.
 * @now_ms 0: now. */
char        *cc_format_read_at           (gint64 read_at_ms,
                                          gint64 now_ms);

G_END_DECLS
