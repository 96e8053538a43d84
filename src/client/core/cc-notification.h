/* cc-notification.h: one entry of the Activity list (a mention, a reply,
 * a direct message or an invitation), as the server's notifications API
 * describes it, with its read state.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CC_TYPE_NOTIFICATION (cc_notification_get_type ())
G_DECLARE_FINAL_TYPE (CcNotification, cc_notification, CC, NOTIFICATION, GObject)

typedef enum {
  CC_NOTIFICATION_MENTION,
  CC_NOTIFICATION_REPLY,
  CC_NOTIFICATION_DIRECT,
  CC_NOTIFICATION_INVITATION,
  CC_NOTIFICATION_OTHER,
} CcNotificationKind;

/* Properties: "read" (notified when it changes). */

/* From `{id, type, room_id, message_id, title, body, created_at, read}`;
 * NULL when there is no id. */
CcNotification    *cc_notification_new_from_json  (JsonObject     *json);
/* The same shape, for the offline cache. */
JsonObject        *cc_notification_to_json        (CcNotification *self);
const char        *cc_notification_get_id         (CcNotification *self);
CcNotificationKind cc_notification_get_kind       (CcNotification *self);
const char        *cc_notification_get_room_id    (CcNotification *self);
const char        *cc_notification_get_message_id (CcNotification *self);
/* The message's seq in its room, 0 when none. */
gint64             cc_notification_get_message_seq (CcNotification *self);
const char        *cc_notification_get_title      (CcNotification *self);
const char        *cc_notification_get_body       (CcNotification *self);
/* Milliseconds since the epoch. */
gint64             cc_notification_get_created_at (CcNotification *self);
gboolean           cc_notification_get_read       (CcNotification *self);
void               cc_notification_set_read       (CcNotification *self,
                                                   gboolean        read);

G_END_DECLS
