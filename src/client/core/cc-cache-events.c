/* cc-cache-events.c: applies one stored WebSocket event to the cache and
 * records its seq, in one transaction.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include "cau-json.h"
#include "cc-cache-private.h"
#include "cc-events.h"
#include "cc-json-private.h"

/* Events carry either the object itself as data or wrap it: accept both. */
static JsonObject *
event_payload (JsonObject *data,
               const char *wrapper)
{
  JsonObject *inner = _cc_json_obj (data, wrapper);

  return inner != NULL ? inner : data;
}

static gboolean
apply_message_event (CcCacheDb   *db,
                     const char  *type,
                     const char  *room_id,
                     JsonObject  *data,
                     GError     **error)
{
  g_autoptr(JsonObject) message = json_object_ref (event_payload (data, "message"));

  if (_cc_json_str (message, "id") == NULL && _cc_json_str (data, "message_id") != NULL)
    {
      json_object_unref (message);
      message = json_object_new ();
      json_object_set_string_member (message, "id", _cc_json_str (data, "message_id"));
    }
  if (_cc_json_str (message, "room_id") == NULL && room_id != NULL)
    json_object_set_string_member (message, "room_id", room_id);
  if (g_str_equal (type, CC_EVENT_MESSAGE_DELETE))
    {
      json_object_set_boolean_member (message, "deleted", TRUE);
      json_object_set_string_member (message, "body", "");
      json_object_set_array_member (message, "attachments", json_array_new ());
    }
  return _cc_cache_upsert_message (db, message, error);
}

static gboolean
apply_event (CcCacheDb   *db,
             JsonObject  *event,
             GError     **error)
{
  const char *type = _cc_json_str (event, "type");
  const char *room_id = _cc_json_str (event, "room_id");
  JsonObject *data = _cc_json_obj (event, "data");
  g_autoptr(JsonObject) empty = json_object_new ();

  if (type == NULL)
    return TRUE;
  if (data == NULL)
    data = empty;
  if (room_id == NULL)
    room_id = _cc_json_str (data, "room_id");

  if (g_str_has_prefix (type, CC_EVENT_MESSAGE_PREFIX))
    return apply_message_event (db, type, room_id, data, error);

  if (g_str_equal (type, CC_EVENT_ROOM_NEW) || g_str_equal (type, CC_EVENT_ROOM_UPDATE))
    {
      g_autoptr(JsonObject) room = json_object_ref (event_payload (data, "room"));

      if (_cc_json_str (room, "id") == NULL && room_id != NULL)
        {
          g_autoptr(JsonObject) copy = _cc_cache_merge (room, empty);
          json_object_set_string_member (copy, "id", room_id);
          return _cc_cache_upsert_room (db, copy, error);
        }
      return _cc_cache_upsert_room (db, room, error);
    }
  if (g_str_equal (type, CC_EVENT_ROOM_REMOVED))
    return room_id == NULL || _cc_cache_delete_room (db, room_id, error);

  if (g_str_equal (type, CC_EVENT_MEMBER_ADD) || g_str_equal (type, CC_EVENT_MEMBER_UPDATE))
    return _cc_cache_upsert_member (db, room_id, event_payload (data, "member"), error);
  if (g_str_equal (type, CC_EVENT_MEMBER_REMOVE))
    {
      const char *user_id = _cc_cache_member_user_id (event_payload (data, "member"));

      return user_id == NULL || room_id == NULL || _cc_cache_delete_member (db, room_id, user_id, error);
    }
  if (g_str_equal (type, CC_EVENT_RECEIPT))
    {
      const char *user_id = _cc_json_str (data, "user_id");

      return user_id == NULL || room_id == NULL ||
             _cc_cache_set_receipt (db, room_id, user_id, _cc_json_int (data, "last_read_seq"), error);
    }
  /* notification.new, invitation.new: nothing to cache. */
  return TRUE;
}

static void
apply_event_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  g_autoptr(JsonObject) event = _cc_cache_parse (args->a);
  GError *error = NULL;
  gint64 seq = _cc_json_int (event, "seq");

  CC_CACHE_CHECK_OPEN (db, task);
  if (!_cc_cache_begin (db, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (event != NULL && apply_event (db, event, &error) && seq > 0)
    {
      sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "SELECT value FROM meta WHERE key = 'last_seq'", &error);
      gint64 last = 0;

      if (stmt != NULL)
        {
          if (sqlite3_step (stmt) == SQLITE_ROW)
            last = g_ascii_strtoll ((const char *) sqlite3_column_text (stmt, 0), NULL, 10);
          sqlite3_reset (stmt);
          if (seq > last)
            _cc_cache_set_last_seq (db, seq, &error);
        }
    }
  _cc_cache_return_done (db, task, error);
}

/* Public API */

void
cc_cache_apply_event_async (CcCache *self, JsonObject *event,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (event != NULL);
  args = _cc_cache_args_new ();
  args->a = cau_json_object_to_string (event);
  _cc_cache_push (self, apply_event_job, args, cc_cache_apply_event_async, cancellable, callback, user_data);
}
