/* cw-notifier.h: desktop notifications (GNotification) for mentions and direct
 * messages, and the unread count on the launcher (Unity LauncherEntry).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"
#include "cc-invitation.h"

G_BEGIN_DECLS

#define CW_TYPE_NOTIFIER (cw_notifier_get_type ())
G_DECLARE_FINAL_TYPE (CwNotifier, cw_notifier, CW, NOTIFIER, GObject)

CwNotifier *cw_notifier_new         (GtkApplication *app);
/* Follows @client's "notification" signal and unread total; NULL stops. */
void        cw_notifier_set_client  (CwNotifier *self,
                                     CcClient   *client);
/* Withdraws the notifications of @room_id (the room was opened). */
void        cw_notifier_withdraw    (CwNotifier *self,
                                     const char *room_id);
/* Sends the launcher entry update for @count (0 hides the badge). */
/* "Alice invited you to Design"; activating it reviews the invitation. */
void        cw_notifier_show_invitation (CwNotifier   *self,
                                         CcInvitation *invitation);
void        cw_notifier_set_launcher_count (CwNotifier *self,
                                            guint       count);

G_END_DECLS
