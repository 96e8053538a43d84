/* cc-events.h: the WebSocket's frame and event type names (API.md
 * "WebSocket"), in one place for the client core. Nothing outside the core
 * needs them: the UI hears typed signals and sees models change.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* Stored events: {"type", "seq", "room_id", "data"}. */
#define CC_EVENT_MESSAGE_NEW        "message.new"
#define CC_EVENT_MESSAGE_EDIT       "message.edit"
#define CC_EVENT_MESSAGE_DELETE     "message.delete"
/* {message_id, emoji, user_id, added}: not a message, a change to one. */
#define CC_EVENT_MESSAGE_REACTION   "message.reaction"
#define CC_EVENT_ROOM_NEW           "room.new"
#define CC_EVENT_ROOM_UPDATE        "room.update"
#define CC_EVENT_ROOM_REMOVED       "room.removed"
#define CC_EVENT_MEMBER_ADD         "member.add"
#define CC_EVENT_MEMBER_UPDATE      "member.update"
#define CC_EVENT_MEMBER_REMOVE      "member.remove"
#define CC_EVENT_RECEIPT            "receipt"
#define CC_EVENT_NOTIFICATION_NEW   "notification.new"
#define CC_EVENT_NOTIFICATION_READ  "notification.read"
#define CC_EVENT_INVITATION_NEW     "invitation.new"
/* Retention removed a room's messages below data.before_seq (issue 17). */
#define CC_EVENT_MESSAGES_EXPIRED   "messages.expired"

/* Every message.* event, whatever comes next (an edit while streaming…). */
#define CC_EVENT_MESSAGE_PREFIX     "message."
#define CC_EVENT_MEMBER_PREFIX      "member."

/* Ephemeral events (no seq); the client sends frames of the same names. */
#define CC_EVENT_TYPING             "typing"
#define CC_EVENT_PRESENCE           "presence"

/* The session's own frames. */
#define CC_FRAME_READY              "ready"
#define CC_FRAME_SYNCED             "synced"
#define CC_FRAME_RESYNC_REQUIRED    "resync_required"
#define CC_FRAME_ERROR              "error"
#define CC_FRAME_SYNC               "sync"
#define CC_FRAME_READ               "read"
