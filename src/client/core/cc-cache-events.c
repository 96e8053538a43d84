/* cc-cache-events.c: applies one stored WebSocket event to the cache and
 * records its seq, in one transaction.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include "cau-json.h"
#include "cc-cache-private.h"
#include "cc-event-private.h"
#include "cc-events.h"
#include "cc-json-private.h"

/* A reaction changes the `reactions` of the message's stored JSON (what
 * the timeline shows offline); a message the cache does not hold yet
 * brings its reactions with it when it comes. */
static gboolean
apply_reaction (CcCacheDb   *db,
                JsonObject  *event,
                GError     **error)
{
  const char *id = _cc_event_reaction_message_id (event);
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(JsonObject) update = NULL;

  if (id == NULL)
    return TRUE;
  stored = _cc_cache_load_json (db, "SELECT json FROM messages WHERE id = ?", id, NULL);
  if (stored == NULL)
    return TRUE;
  update = json_object_new ();
  json_object_set_string_member (update, "id", id);
  json_object_set_array_member (update, "reactions",
                                _cc_event_apply_reaction (_cc_json_array (stored, "reactions"), event));
  return _cc_cache_upsert_message (db, update, error);
}

static gboolean
apply_event (CcCacheDb   *db,
             JsonObject  *event,
             GError     **error)
{
  const char *type = _cc_json_str (event, "type");
  const char *room_id = _cc_event_room_id (event);

  if (type == NULL)
    return TRUE;

  if (g_str_equal (type, CC_EVENT_MESSAGE_REACTION))
    return apply_reaction (db, event, error);
  if (g_str_has_prefix (type, CC_EVENT_MESSAGE_PREFIX))
    {
      g_autoptr(JsonObject) message = _cc_event_message (type, event);

      return message == NULL || _cc_cache_upsert_message (db, message, error);
    }
  if (g_str_equal (type, CC_EVENT_ROOM_NEW) || g_str_equal (type, CC_EVENT_ROOM_UPDATE))
    {
      g_autoptr(JsonObject) room = _cc_event_room (event);

      return room == NULL || _cc_cache_upsert_room (db, room, error);
    }
  if (g_str_equal (type, CC_EVENT_ROOM_REMOVED))
    return room_id == NULL || _cc_cache_delete_room (db, room_id, error);

  if (g_str_equal (type, CC_EVENT_MEMBER_ADD) || g_str_equal (type, CC_EVENT_MEMBER_UPDATE))
    {
      JsonObject *member = _cc_event_member (event);

      return member == NULL || _cc_cache_upsert_member (db, room_id, member, error);
    }
  if (g_str_equal (type, CC_EVENT_MEMBER_REMOVE))
    {
      const char *user_id = _cc_cache_member_user_id (_cc_event_member (event));

      return user_id == NULL || room_id == NULL || _cc_cache_delete_member (db, room_id, user_id, error);
    }
  if (g_str_equal (type, CC_EVENT_MESSAGES_EXPIRED))
    {
      gint64 before_seq = _cc_json_int (_cc_json_obj (event, "data"), "before_seq");

      return room_id == NULL || before_seq <= 0 || _cc_cache_forget_messages (db, room_id, before_seq, error);
    }
  if (g_str_equal (type, CC_EVENT_RECEIPT))
    {
      JsonObject *data = _cc_json_obj (event, "data");
      const char *user_id = _cc_json_str (data, "user_id");

      return user_id == NULL || room_id == NULL ||
             _cc_cache_set_receipt (db, room_id, user_id, _cc_json_int (data, "last_read_seq"), error);
    }
  /* notification.*, invitation.new: nothing to cache. */
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
