/* cw-message-row.h: one message of the conversation, with what depends on
 * its neighbours (day separator, grouping by sender, unread marker).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-message.h"

G_BEGIN_DECLS

#define CW_TYPE_MESSAGE_ROW (cw_message_row_get_type ())
G_DECLARE_FINAL_TYPE (CwMessageRow, cw_message_row, CW, MESSAGE_ROW, GtkWidget)

/**
 * CwMessageContext:
 * @previous: the message shown above, or NULL.
 * @unread_marker: show "New messages" above this one.
 * @direct: the room is a direct room (✓✓ instead of "read by N").
 * @can_moderate: the user may delete others' messages (room owner/admin).
 * @my_user_id: to highlight mentions of the user.
 */
typedef struct {
  CcMessage  *previous;
  gboolean    unread_marker;
  gboolean    direct;
  gboolean    can_moderate;
  const char *my_user_id;
} CwMessageContext;

/* Actions the row activates on its ancestors, with the message's id (or
 * txn_id while pending) as a string parameter:
 * "conversation.reply", "conversation.edit", "conversation.delete",
 * "conversation.retry", "conversation.discard". */

CwMessageRow *cw_message_row_new         (void);
void          cw_message_row_set_message (CwMessageRow           *self,
                                          CcMessage              *message,
                                          const CwMessageContext *context);
CcMessage    *cw_message_row_get_message (CwMessageRow *self);

/* TRUE when @message continues @previous's group: same sender, same day,
 * within 5 minutes, both ordinary messages. */
gboolean      cw_message_row_continues   (CcMessage *previous,
                                          CcMessage *message);
/* Pango markup of @message's body with its mentions in bold; mentions of
 * @my_user_id (or @room) also set *mentions_me. */
char         *cw_message_row_body_markup (CcMessage  *message,
                                          const char *my_user_id,
                                          gboolean   *mentions_me);

G_END_DECLS
