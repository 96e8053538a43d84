/* cs-notifications.h: a person's notifications, as the store keeps them.
 * Each call runs on the connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* Stores a new unread notification and returns it as stored, or NULL
 * when the engine failed. */
CsNotification *cs_notifications_insert (CsDb       *db,
                                         const char *tenant_id,
                                         const char *user_id,
                                         const char *type,
                                         const char *room_id,
                                         const char *message_id,
                                         gint64      message_seq,
                                         const char *title,
                                         const char *body,
                                         const char *actor_name,
                                         const char *room_name,
                                         gint64      created_at);
/* @user_id's newest 200 (CsNotification*), only the unread ones with
 * @only_unread. */
GPtrArray *cs_notifications_list        (CsDb       *db,
                                         const char *user_id,
                                         gboolean    only_unread);
/* The ids (char*) of @user_id's unread notifications in @room_id up to
 * @up_to_seq; NULL when the engine failed. */
GPtrArray *cs_notifications_unread_ids  (CsDb       *db,
                                         const char *user_id,
                                         const char *room_id,
                                         gint64      up_to_seq);
gboolean   cs_notifications_mark_read_up_to (CsDb       *db,
                                             const char *user_id,
                                             const char *room_id,
                                             gint64      up_to_seq);
/* -1: @user_id has no notification @id; 0: unread; 1: read. */
int        cs_notifications_state       (CsDb       *db,
                                         const char *user_id,
                                         const char *id);
gboolean   cs_notifications_mark_read   (CsDb       *db,
                                         const char *id);
gboolean   cs_notifications_mark_all_read (CsDb     *db,
                                           const char *user_id);

G_END_DECLS
