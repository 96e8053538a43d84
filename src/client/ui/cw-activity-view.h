/* cw-activity-view.h: Activity in the sidebar: pending invitations, then
 * mentions, replies and direct messages, newest first, with "Mark All as
 * Read". Choosing an entry emits a signal; the window opens it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-activity.h"

G_BEGIN_DECLS

#define CW_TYPE_ACTIVITY_VIEW (cw_activity_view_get_type ())
G_DECLARE_FINAL_TYPE (CwActivityView, cw_activity_view, CW, ACTIVITY_VIEW, GtkWidget)

/* Signals: "notification-activated" (CcNotification *),
 * "invitation-activated" (CcInvitation *), "closed" (Escape or back). */

void cw_activity_view_set_activity (CwActivityView *self,
                                    CcActivity     *activity);

G_END_DECLS
