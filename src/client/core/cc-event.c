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

  /* A reaction changes a message but does not carry one. */
  if (data == NULL || g_strcmp0 (type, CC_EVENT_MESSAGE_REACTION) == 0)
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

const char *
_cc_event_reaction_message_id (JsonObject *frame)
{
  return _cc_json_str (_cc_json_obj (frame, "data"), "message_id");
}

static gboolean
has_user (JsonArray  *user_ids,
          const char *user_id)
{
  for (guint i = 0; user_ids != NULL && i < json_array_get_length (user_ids); i++)
    if (g_strcmp0 (json_array_get_string_element (user_ids, i), user_id) == 0)
      return TRUE;
  return FALSE;
}

JsonArray *
_cc_event_apply_reaction (JsonArray  *reactions,
                          JsonObject *frame)
{
  JsonObject *data = _cc_json_obj (frame, "data");
  const char *emoji = _cc_json_str (data, "emoji");
  const char *user_id = _cc_json_str (data, "user_id");
  gboolean added = _cc_json_bool (data, "added");
  JsonArray *out = json_array_new ();
  gboolean found = FALSE;

  for (guint i = 0; reactions != NULL && i < json_array_get_length (reactions); i++)
    {
      JsonNode *node = json_array_get_element (reactions, i);
      JsonObject *r, *copy;
      JsonArray *ids, *new_ids;
      gint64 count;
      gboolean listed;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      r = json_node_get_object (node);
      if (emoji == NULL || g_strcmp0 (_cc_json_str (r, "emoji"), emoji) != 0)
        {
          json_array_add_object_element (out, json_object_ref (r));
          continue;
        }
      found = TRUE;
      ids = _cc_json_array (r, "user_ids");
      count = _cc_json_int (r, "count");
      listed = has_user (ids, user_id);
      new_ids = json_array_new ();
      for (guint k = 0; ids != NULL && k < json_array_get_length (ids); k++)
        if (added || g_strcmp0 (json_array_get_string_element (ids, k), user_id) != 0)
          json_array_add_string_element (new_ids, json_array_get_string_element (ids, k));
      if (added && !listed)
        {
          count++;
          if (json_array_get_length (new_ids) < 50)
            json_array_add_string_element (new_ids, user_id);
        }
      else if (!added && (listed || (ids != NULL && (gint64) json_array_get_length (ids) < count)))
        count--;
      if (count <= 0)
        {
          json_array_unref (new_ids);
          continue;
        }
      copy = json_object_new ();
      json_object_set_string_member (copy, "emoji", emoji);
      json_object_set_int_member (copy, "count", count);
      json_object_set_array_member (copy, "user_ids", new_ids);
      json_array_add_object_element (out, copy);
    }
  if (!found && added && emoji != NULL && user_id != NULL)
    {
      JsonObject *r = json_object_new ();
      JsonArray *ids = json_array_new ();

      json_array_add_string_element (ids, user_id);
      json_object_set_string_member (r, "emoji", emoji);
      json_object_set_int_member (r, "count", 1);
      json_object_set_array_member (r, "user_ids", ids);
      json_array_add_object_element (out, r);
    }
  return out;
}
