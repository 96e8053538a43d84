/* cw-activity-row.h: one Activity entry: a notification (mention, reply,
 * direct message) or a pending invitation, with its time and an unread dot.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-invitation.h"
#include "cc-notification.h"

G_BEGIN_DECLS

#define CW_TYPE_ACTIVITY_ROW (cw_activity_row_get_type ())
G_DECLARE_FINAL_TYPE (CwActivityRow, cw_activity_row, CW, ACTIVITY_ROW, GtkListBoxRow)

GtkWidget      *cw_activity_row_new_notification (CcNotification *notification);
GtkWidget      *cw_activity_row_new_invitation   (CcInvitation   *invitation);
/* (nullable) what the row shows. */
CcNotification *cw_activity_row_get_notification (CwActivityRow  *self);
CcInvitation   *cw_activity_row_get_invitation   (CwActivityRow  *self);

G_END_DECLS
