/* cc-room.h: a room as the room list shows it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cau-context.h"
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CC_TYPE_ROOM (cc_room_get_type ())
G_DECLARE_FINAL_TYPE (CcRoom, cc_room, CC, ROOM, GObject)

/* Properties (all notify, read-only to the UI):
 *   "id", "type" ("direct", "group", "channel", "project"), "name",
 *   "description", "is-private", "is-archived", "my-role",
 *   "member-count" (guint), "last-activity-at" (gint64 ms; sort key),
 *   "last-message-excerpt", "last-message-sender" (strings, may be NULL),
 *   "unread-count", "mention-count" (guint), "muted" (gboolean),
 *   "notify" ("all", "mentions", "none"),
 *   "other-user-id" (direct rooms: the other member, NULL until known),
 *   "presence" (direct rooms: the other member's "online"/"idle"/"offline",
 *   NULL otherwise), "draft" (cc_room_get_draft()), "pending" (guint). */

/* Which new messages raise a desktop notification, chosen per room on this
 * device (kept with the room in the cache): by default direct and group
 * messages, mentions and replies to you (Slack's default); or all; or
 * none. */
typedef enum {
  CC_NOTIFY_DEFAULT,
  CC_NOTIFY_ALL,
  CC_NOTIFY_NONE,
} CcNotifyLevel;

CcRoom     *cc_room_new_from_json            (JsonObject *obj);
/* Applies the members present in a wire `room` (or a partial one from a
 * room.update event); notifies what changed. */
void        cc_room_update_from_json         (CcRoom     *self,
                                              JsonObject *obj);
/* The wire `room` this object was built from, with local changes applied;
 * what the cache stores. */
JsonObject *cc_room_to_json                  (CcRoom     *self);

const char *cc_room_get_id                   (CcRoom *self);
const char *cc_room_get_room_type            (CcRoom *self);
const char *cc_room_get_name                 (CcRoom *self);
const char *cc_room_get_description          (CcRoom *self);
gboolean    cc_room_get_is_private           (CcRoom *self);
gboolean    cc_room_get_is_archived          (CcRoom *self);
const char *cc_room_get_my_role              (CcRoom *self);
guint       cc_room_get_member_count         (CcRoom *self);
gint64      cc_room_get_last_activity_at     (CcRoom *self);
const char *cc_room_get_last_message_excerpt (CcRoom *self);
const char *cc_room_get_last_message_sender  (CcRoom *self);
gint64      cc_room_get_last_message_seq     (CcRoom *self);
guint       cc_room_get_unread_count         (CcRoom *self);
guint       cc_room_get_mention_count        (CcRoom *self);
gboolean    cc_room_get_muted                (CcRoom *self);
const char *cc_room_get_notify               (CcRoom *self);
CcNotifyLevel cc_room_get_notify_level       (CcRoom *self);
/* Returns TRUE when it changed (the caller persists the room). */
gboolean    cc_room_set_notify_level         (CcRoom        *self,
                                              CcNotifyLevel  level);
const char *cc_room_get_other_user_id        (CcRoom *self);
const char *cc_room_get_presence             (CcRoom *self);
/* The unsent text of the composer on this device, as an excerpt, or NULL. */
const char *cc_room_get_draft                (CcRoom *self);
void        cc_room_set_draft                (CcRoom     *self,
                                              const char *text);
/* How many of our messages wait in this device's outbox (sending or failed). */
guint       cc_room_get_pending              (CcRoom *self);
void        cc_room_set_pending              (CcRoom *self,
                                              guint   pending);

/* Local updates made by the core as events arrive. */
void        cc_room_set_counts               (CcRoom *self,
                                              guint   unread_count,
                                              guint   mention_count);
void        cc_room_set_last_message         (CcRoom     *self,
                                              JsonObject *message);
gboolean    cc_room_show_earlier_message     (CcRoom     *self,
                                              JsonObject *message);
gboolean    cc_room_get_preview_deleted      (CcRoom     *self);
gboolean    cc_room_update_last_message      (CcRoom     *self,
                                              JsonObject *message);
void        cc_room_set_other_user           (CcRoom     *self,
                                              const char *user_id,
                                              const char *presence);
void        cc_room_set_presence             (CcRoom     *self,
                                              const char *presence);

/* (transfer full) The object of another application the room is tied
 * to, or NULL. */
CauContext *cc_room_dup_context              (CcRoom *self);

G_END_DECLS
