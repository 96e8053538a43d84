/* cw-conversation.h: the content pane: room header, messages, typing
 * line and composer of one room.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_CONVERSATION (cw_conversation_get_type ())
G_DECLARE_FINAL_TYPE (CwConversation, cw_conversation, CW, CONVERSATION, GtkWidget)

void    cw_conversation_set_client     (CwConversation *self,
                                        CcClient       *client);
/* NULL closes the room. */
void    cw_conversation_set_room       (CwConversation *self,
                                        CcRoom         *room);
CcRoom *cw_conversation_get_room       (CwConversation *self);
void    cw_conversation_set_folded     (CwConversation *self,
                                        gboolean        folded);
void    cw_conversation_focus_composer (CwConversation *self);
/* The composer's next message cites @context (see cw_composer_set_context). */
void    cw_conversation_cite           (CwConversation   *self,
                                        const CauContext *context);
/* Search: shows the room's messages around @message_id (of @seq), however
 * far back, and marks it. */
void    cw_conversation_show_message   (CwConversation *self,
                                        const char     *message_id,
                                        gint64          seq);

/* "Alice is typing…", "Alice and Bob are typing…", "Several people are
 * typing…"; NULL when nobody is. */
char   *cw_conversation_typing_text    (const char * const *names);

G_END_DECLS
