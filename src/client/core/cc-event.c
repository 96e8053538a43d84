/* cc-event.c: the one reading of each stored event's payload, shared by
 * the cache and the models (cc-event-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-event"

#include "cc-event-private.h"
#include "cc-events.h"
#include "cc-json-private.h"

/* Events carry either the object itself as data or wrap it: accept both. */
static JsonObject *
payload (JsonObject *frame,
         const char *wrapper)
{
  JsonObject *data = _cc_json_obj (frame, "data");
  JsonObject *inner = _cc_json_obj (data, wrapper);

  return inner != NULL ? inner : data;
}

const char *
_cc_event_room_id (JsonObject *frame)
{
  const char *room_id = _cc_json_str (frame, "room_id");

  return room_id != NULL ? room_id : _cc_json_str (_cc_json_obj (frame, "data"), "room_id");
}

JsonObject *
_cc_event_message (const char *type,
                   JsonObject *frame)
{
  JsonObject *data = payload (frame, "message");
  const char *room_id = _cc_event_room_id (frame);
  JsonObject *message;

  if (data == NULL)
    return NULL;
  message = json_object_new ();
  _cc_json_merge (message, data);
  if (_cc_json_str (message, "id") == NULL && _cc_json_str (data, "message_id") != NULL)
    json_object_set_string_member (message, "id", _cc_json_str (data, "message_id"));
  if (_cc_json_str (message, "id") == NULL)
    {
      json_object_unref (message);
      return NULL;
    }
  if (_cc_json_str (message, "room_id") == NULL && room_id != NULL)
    json_object_set_string_member (message, "room_id", room_id);
  if (g_strcmp0 (type, CC_EVENT_MESSAGE_DELETE) == 0)
    {
      json_object_set_boolean_member (message, "deleted", TRUE);
      json_object_set_string_member (message, "body", "");
      json_object_set_array_member (message, "attachments", json_array_new ());
    }
  return message;
}

JsonObject *
_cc_event_room (JsonObject *frame)
{
  JsonObject *data = payload (frame, "room");
  const char *room_id = _cc_event_room_id (frame);
  JsonObject *room;

  if (data == NULL)
    return NULL;
  room = json_object_new ();
  _cc_json_merge (room, data);
  if (_cc_json_str (room, "id") == NULL && room_id != NULL)
    json_object_set_string_member (room, "id", room_id);
  if (_cc_json_str (room, "id") == NULL)
    {
      json_object_unref (room);
      return NULL;
    }
  return room;
}

JsonObject *
_cc_event_member (JsonObject *frame)
{
  return payload (frame, "member");
}
