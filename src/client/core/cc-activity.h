/* cc-activity.h: the signed-in person's Activity: mentions, replies,
 * direct messages and invitations (GET /api/notifications) as a list
 * model, newest first, with their read state kept in step with the server
 * (`notification.new` and `notification.read` events), and the pending
 * invitations (GET /api/me/invitations). Both are kept in the cache so the
 * list shows offline.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cc-client.h"
#include "cc-notification.h"

G_BEGIN_DECLS

#define CC_TYPE_ACTIVITY (cc_activity_get_type ())
G_DECLARE_FINAL_TYPE (CcActivity, cc_activity, CC, ACTIVITY, GObject)

/* Properties: "unread-count" (guint): unread entries other than
 * invitations, plus the pending invitations. Signal "changed" after a load from
 * the cache or the server. */

/* Loads what the cache holds, then follows the client: refreshes from the
 * server each time it is synced, and applies live events. */
CcActivity *cc_activity_new              (CcClient   *client);
/* CcNotification, newest first (invitations too: a view that lists the
 * pending ones leaves those out). */
GListModel *cc_activity_get_items        (CcActivity *self);
/* CcInvitation: the caller's pending invitations, newest first. */
GListModel *cc_activity_get_invitations  (CcActivity *self);
guint       cc_activity_get_unread_count (CcActivity *self);
CcNotification *cc_activity_lookup       (CcActivity *self,
                                          const char *id);
/* Asks the server again (no-op offline). */
void        cc_activity_refresh          (CcActivity *self);
/* Marks one entry (or all) read here at once and on the server. */
void        cc_activity_mark_read        (CcActivity *self,
                                          const char *id);
void        cc_activity_mark_all_read    (CcActivity *self);
/* Drops a pending invitation (accepted or declined) by its token. */
void        cc_activity_forget_invitation (CcActivity *self,
                                           const char *token);

G_END_DECLS
