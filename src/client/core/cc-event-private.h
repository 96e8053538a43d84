/* cc-event-private.h: the one reading of each stored event's payload
 * (API.md "WebSocket": {type, seq, room_id, data}). The cache (on its
 * worker thread) and the models (on the main thread) both take a message,
 * a room or a member out of an event through these, so a payload has one
 * shape wherever it is used. They only read their arguments.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The event's room: the frame's room_id, or its data's. */
const char *_cc_event_room_id  (JsonObject *frame);
/* The message a message.* event of @type is about, as stored and shown:
 * its id (data.id, or data.message_id), its room_id; a deletion empties
 * its body and attachments. (transfer full), NULL without an id. */
JsonObject *_cc_event_message  (const char *type,
                                JsonObject *frame);
/* message.reaction: the message's id (data.message_id), or NULL. */
const char *_cc_event_reaction_message_id (JsonObject *frame);
/* @reactions (a message's wire `reactions`, nullable, not changed) with
 * the change of a message.reaction @frame applied: a new array (transfer
 * full). Applying the same change twice changes nothing; a count past the
 * listed user_ids (the server lists 50) follows the event all the same. */
JsonArray  *_cc_event_apply_reaction (JsonArray  *reactions,
                                      JsonObject *frame);
/* The room of room.new / room.update, with its id. (transfer full), NULL
 * without one. */
JsonObject *_cc_event_room     (JsonObject *frame);
/* The member of member.add / member.update / member.remove (transfer
 * none): {user, role, …} or {user_id, role?}. */
JsonObject *_cc_event_member   (JsonObject *frame);

G_END_DECLS
