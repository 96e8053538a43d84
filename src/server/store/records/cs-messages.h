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

/* The attachments of @message_id in their order (CsAttachment*). */
GPtrArray    *cs_attachments_of_message (CsDb       *db,
                                         const char *message_id);
CsAttachment *cs_attachments_get   (CsDb            *db,
                                    const char      *attachment_id);

G_END_DECLS
