/* cc-client-events.c: what the server and the outbox tell a CcClient,
 * turned into model changes: new and edited messages, unread and mention
 * counts, notifications, rooms and members, receipts, presence.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-client"

#include "cc-client-private.h"
#include "cc-event-private.h"
#include "cc-events.h"
#include "cc-json-private.h"

/* Events from the server */

static gboolean
mentions_user (JsonObject *message,
               const char *user_id)
{
  JsonArray *mentions = _cc_json_array (message, "mentions");

  for (guint i = 0; mentions != NULL && i < json_array_get_length (mentions); i++)
    {
      JsonObject *m = json_array_get_object_element (mentions, i);

      if (g_strcmp0 (_cc_json_str (m, "type"), "room") == 0 ||
          (user_id != NULL && g_strcmp0 (_cc_json_str (m, "id"), user_id) == 0))
        return TRUE;
    }
  return FALSE;
}

static gboolean
replies_to_user (JsonObject *message,
                 const char *user_id)
{
  JsonObject *quote = _cc_json_obj (message, "reply_to");

  return quote != NULL && user_id != NULL &&
         g_strcmp0 (_cc_json_str (quote, "sender_id"), user_id) == 0;
}

/* Slack's default: direct and group conversations, mentions of you or of
 * the room, and replies to you; the room's level on this device can say
 * all or none. A room muted (on the server) or set to "none" there stays
 * quiet whatever this device says. */
static gboolean
wants_notification (CcRoom     *room,
                    JsonObject *message,
                    const char *me)
{
  const char *type = cc_room_get_room_type (room);

  if (cc_room_get_muted (room) || g_strcmp0 (cc_room_get_notify (room), "none") == 0 ||
      g_strcmp0 (_cc_json_str (message, "kind"), "system") == 0)
    return FALSE;
  switch (cc_room_get_notify_level (room))
    {
    case CC_NOTIFY_NONE:
      return FALSE;
    case CC_NOTIFY_ALL:
      return TRUE;
    case CC_NOTIFY_DEFAULT:
    default:
      return g_strcmp0 (type, "direct") == 0 || g_strcmp0 (type, "group") == 0 ||
             mentions_user (message, me) || replies_to_user (message, me);
    }
}

static void
on_message_new (CcClient   *self,
                const char *room_id,
                JsonObject *message)
{
  CcRoom *room = cc_room_list_lookup (self->rooms, room_id);
  CcTimeline *timeline = g_hash_table_lookup (self->timelines, room_id);
  const char *me = cc_account_get_user_id (self->account);
  const char *sender = _cc_json_str (_cc_json_obj (message, "sender"), "id");
  gboolean from_me = sender != NULL && g_strcmp0 (sender, me) == 0;
  /* As the server counts: "Ada joined" is no news, even to the others
   * (and often it says what we did ourselves). */
  gboolean counts = !from_me && !_cc_json_bool (message, "deleted") &&
                    g_strcmp0 (_cc_json_str (message, "kind"), "system") != 0;

  if (timeline != NULL)
    _cc_timeline_add_live (timeline, message);
  if (room == NULL)
    return;
  if (_cc_json_int (message, "seq") > cc_room_get_last_message_seq (room))
    {
      cc_room_set_last_message (room, message);
      if (counts && _cc_json_int (message, "seq") > _cc_client_my_read_seq (self, room_id))
        cc_room_set_counts (room, cc_room_get_unread_count (room) + 1,
                            cc_room_get_mention_count (room) + (mentions_user (message, me) ? 1 : 0));
    }
  _cc_client_persist_room (self, room);

  /* Only what arrives live: a catch-up after a night offline is no news. */
  if (!from_me && sender != NULL && cc_client_get_online (self) && wants_notification (room, message, me))
    {
      g_autoptr(CcMessage) object = NULL;

      if (timeline != NULL && cc_timeline_lookup (timeline, _cc_json_str (message, "id")) != NULL)
        object = g_object_ref (cc_timeline_lookup (timeline, _cc_json_str (message, "id")));
      else
        object = cc_message_new_from_json (message);
      g_signal_emit_by_name (self, "notification", room, object);
    }
}

static void
on_receipt (CcClient   *self,
            const char *room_id,
            JsonObject *data)
{
  GListModel *store = g_hash_table_lookup (self->members, room_id);
  CcTimeline *timeline = g_hash_table_lookup (self->timelines, room_id);
  const char *user_id = _cc_json_str (data, "user_id");
  gint64 seq = _cc_json_int (data, "last_read_seq");
  guint n = store ? g_list_model_get_n_items (store) : 0;
  CcRoom *room = cc_room_list_lookup (self->rooms, room_id);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcMember) member = g_list_model_get_item (store, i);

      if (g_strcmp0 (cc_member_get_user_id (member), user_id) == 0)
        cc_member_set_last_read_seq (member, seq);
    }
  if (store == NULL || n == 0)
    _cc_client_reload_members (self, room_id, FALSE);
  if (timeline != NULL)
    _cc_timeline_update_read_by (timeline);

  /* Read on another device of ours. */
  if (room != NULL && g_strcmp0 (user_id, cc_account_get_user_id (self->account)) == 0 &&
      seq >= cc_room_get_last_message_seq (room))
    {
      cc_room_set_counts (room, 0, 0);
      _cc_client_persist_room (self, room);
    }
}

void
_cc_client_on_presence (CcClient   *self,
             JsonObject *frame)
{
  const char *user_id = _cc_json_str (frame, "user_id");
  const char *status = _cc_json_str (frame, "status");
  gint64 last_seen = _cc_json_time (frame, "last_seen_at");
  CcUser *user = cc_client_lookup_user (self, user_id);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rooms));
  GHashTableIter iter;
  gpointer store;
  /* Sent when the person changed it: member lists and a direct room's
   * header follow at once. */
  const char *status_text = _cc_json_str (frame, "status_text");
  g_autoptr(JsonObject) text_update = NULL;
  g_autoptr(JsonObject) live = NULL;

  if (user_id == NULL || status == NULL)
    return;
  if (status_text != NULL)
    {
      text_update = json_object_new ();
      json_object_set_string_member (text_update, "status_text", status_text);
    }
  /* Remembered, so that a member list loaded later keeps it. */
  live = g_hash_table_lookup (self->live, user_id)
         ? json_object_ref (g_hash_table_lookup (self->live, user_id)) : json_object_new ();
  json_object_set_string_member (live, "presence", status);
  if (_cc_json_has (frame, "last_seen_at"))
    json_object_set_member (live, "last_seen_at", json_node_copy (json_object_get_member (frame, "last_seen_at")));
  if (status_text != NULL)
    json_object_set_string_member (live, "status_text", status_text);
  g_hash_table_replace (self->live, g_strdup (user_id), json_object_ref (live));
  if (user != NULL)
    {
      cc_user_set_presence (user, status, last_seen);
      if (text_update != NULL)
        cc_user_update_from_json (user, text_update);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (G_LIST_MODEL (self->rooms), i);

      if (g_strcmp0 (cc_room_get_other_user_id (room), user_id) == 0)
        cc_room_set_presence (room, status);
    }
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, NULL, &store))
    for (guint i = 0; i < g_list_model_get_n_items (store); i++)
      {
        g_autoptr(CcMember) member = g_list_model_get_item (store, i);

        if (g_strcmp0 (cc_member_get_user_id (member), user_id) == 0)
          {
            cc_user_set_presence (cc_member_get_user (member), status, last_seen);
            if (text_update != NULL)
              cc_user_update_from_json (cc_member_get_user (member), text_update);
          }
      }
}

void
_cc_client_on_sync_event (CcSync     *sync,
               const char *type,
               JsonObject *frame,
               CcClient   *self)
{
  const char *room_id = _cc_json_str (frame, "room_id");
  JsonObject *data = _cc_json_obj (frame, "data");

  if (g_strcmp0 (type, CC_EVENT_TYPING) == 0)
    _cc_client_typing_event (self, frame);
  else if (g_strcmp0 (type, CC_EVENT_PRESENCE) == 0)
    _cc_client_on_presence (self, frame);
  else if (data == NULL)
    return;
  else if (g_strcmp0 (type, CC_EVENT_MESSAGE_REACTION) == 0)
    _cc_client_apply_reaction (self, room_id, frame);
  else if (g_str_has_prefix (type, CC_EVENT_MESSAGE_PREFIX))
    {
      /* The same reading of the payload as the cache's (cc-event.c). */
      g_autoptr(JsonObject) message = _cc_event_message (type, frame);
      const char *message_room = _cc_json_str (message, "room_id");
      CcTimeline *timeline;
      CcRoom *room;

      if (message == NULL || message_room == NULL)
        return;
      if (g_strcmp0 (type, CC_EVENT_MESSAGE_NEW) == 0)
        {
          on_message_new (self, message_room, message);
          return;
        }
      timeline = g_hash_table_lookup (self->timelines, message_room);
      room = cc_room_list_lookup (self->rooms, message_room);
      if (timeline != NULL)
        _cc_timeline_add_live (timeline, message);
      /* The room list's excerpt follows an edit or deletion of the
       * message it shows. */
      if (room != NULL && cc_room_update_last_message (room, message))
        {
          _cc_client_persist_room (self, room);
          _cc_client_check_preview (self, room);
        }
    }
  else if (g_strcmp0 (type, CC_EVENT_ROOM_NEW) == 0 || g_strcmp0 (type, CC_EVENT_ROOM_UPDATE) == 0)
    {
      g_autoptr(JsonObject) room = _cc_event_room (frame);

      if (room == NULL)
        return;
      cc_room_list_upsert (self->rooms, room);
      if (g_strcmp0 (type, CC_EVENT_ROOM_NEW) == 0 && g_strcmp0 (_cc_json_str (room, "type"), "direct") == 0)
        _cc_client_reload_members (self, _cc_json_str (room, "id"), TRUE);
    }
  else if (g_strcmp0 (type, CC_EVENT_ROOM_REMOVED) == 0)
    cc_room_list_remove (self->rooms, room_id ? room_id : _cc_json_str (data, "id"));
  else if (g_str_has_prefix (type, CC_EVENT_MEMBER_PREFIX) && room_id != NULL)
    {
      JsonObject *member = _cc_event_member (frame);

      _cc_client_reload_members (self, room_id, FALSE);
      /* issue 11 (people): our own role changed: what the UI offers follows. */
      if (g_strcmp0 (type, CC_EVENT_MEMBER_UPDATE) == 0 && _cc_json_str (member, "role") != NULL &&
          g_strcmp0 (_cc_json_str (member, "user_id"), cc_account_get_user_id (self->account)) == 0 &&
          cc_room_list_lookup (self->rooms, room_id) != NULL)
        {
          g_autoptr(JsonObject) room = json_object_new ();

          json_object_set_string_member (room, "id", room_id);
          json_object_set_string_member (room, "my_role", _cc_json_str (member, "role"));
          _cc_client_persist_room (self, cc_room_list_upsert (self->rooms, room));
        }
    }
  else if (g_strcmp0 (type, CC_EVENT_RECEIPT) == 0 && room_id != NULL)
    on_receipt (self, room_id, data);
  else if (g_strcmp0 (type, CC_EVENT_MESSAGES_EXPIRED) == 0 && room_id != NULL)
    {
      /* The cache drops them as it applies the event (cc-cache-events.c);
       * an open timeline drops them now. */
      CcTimeline *timeline = g_hash_table_lookup (self->timelines, room_id);

      if (timeline != NULL)
        _cc_timeline_drop_below (timeline, _cc_json_int (data, "before_seq"));
    }
  else if (g_strcmp0 (type, CC_EVENT_INVITATION_NEW) == 0)
    _cc_client_on_invitation (self, data);
}

/* Outbox → timelines */

void
_cc_client_on_entry_added (CcOutbox      *outbox,
                CcOutboxEntry *entry,
                CcClient      *self)
{
  CcTimeline *timeline = g_hash_table_lookup (self->timelines, entry->room_id);

  if (timeline != NULL)
    _cc_timeline_add_pending (timeline, entry);
  _cc_client_note_unsent (self, entry->txn_id, entry->room_id);
}

void
_cc_client_on_entry_sent (CcOutbox   *outbox,
               const char *txn_id,
               JsonObject *message,
               CcClient   *self)
{
  const char *room_id = _cc_json_str (message, "room_id");
  CcTimeline *timeline = room_id ? g_hash_table_lookup (self->timelines, room_id) : NULL;
  CcRoom *room = cc_room_list_lookup (self->rooms, room_id);

  _cc_client_note_unsent (self, txn_id, NULL);
  if (timeline != NULL)
    _cc_timeline_add_live (timeline, message);
  if (room != NULL)
    {
      cc_room_set_last_message (room, message);
      _cc_client_persist_room (self, room);
    }
}

void
_cc_client_on_entry_failed (CcOutbox   *outbox,
                 const char *txn_id,
                 const char *error,
                 CcClient   *self)
{
  GHashTableIter iter;
  gpointer timeline;

  g_hash_table_iter_init (&iter, self->timelines);
  while (g_hash_table_iter_next (&iter, NULL, &timeline))
    _cc_timeline_set_pending_state (timeline, txn_id, CC_MESSAGE_STATE_FAILED, error);
}

void
_cc_client_on_entry_removed (CcOutbox   *outbox,
                  const char *txn_id,
                  CcClient   *self)
{
  GHashTableIter iter;
  gpointer timeline;

  _cc_client_note_unsent (self, txn_id, NULL);
  g_hash_table_iter_init (&iter, self->timelines);
  while (g_hash_table_iter_next (&iter, NULL, &timeline))
    _cc_timeline_remove_pending (timeline, txn_id);
}

