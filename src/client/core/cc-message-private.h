/* cc-message-private.h: how the client core fills a message's attachments.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-message.h"

G_BEGIN_DECLS

void          _cc_message_set_attachments (CcMessage  *self,
                                           JsonArray  *attachments);
/* The attachment whose outbox copy is @path, or NULL. (transfer none) */
CcAttachment *_cc_message_find_pending    (CcMessage  *self,
                                           const char *path);

/* The wire `reactions` (nullable: none); notifies "n-reactions". */
/* When a live event last changed it, on its timeline's clock
 * (_cc_timeline_touch): a page asked for before that is older. */
guint64       _cc_message_get_live_stamp  (CcMessage  *self);
void          _cc_message_set_live_stamp  (CcMessage  *self,
                                           guint64     stamp);
void          _cc_message_set_reactions   (CcMessage  *self,
                                           JsonArray  *reactions);
/* (transfer none) or NULL when there are none. */
JsonArray    *_cc_message_get_reactions   (CcMessage  *self);
void          _cc_message_set_read_at     (CcMessage  *self,
                                           gint64      read_at);

/* A wire system line's text in the reader's language (its @body when
 * @system is NULL or of a kind unknown here). */
char         *_cc_message_system_text     (JsonObject *system,
                                           const char *body);

G_END_DECLS
