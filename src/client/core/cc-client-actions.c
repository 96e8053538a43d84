/* cc-client-actions.c: what the user does: send (through the outbox),
 * retry or discard, edit and delete, read, type (drafts and typing
 * notices), go idle. Calls on rooms are in cc-client-rooms.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-client"

#include <glib/gi18n-lib.h>

#include "cau-error.h"
#include "cau-validate.h"
#include "cc-client-private.h"
#include "cc-json-private.h"
#include "cc-message-private.h"

/* Typing notices: start, refresh every 3 s while typing, stop. The server
 * lets a notice lapse after 6 s; so do we for others. */
#define TYPING_REFRESH_MS 3000
#define TYPING_LAPSE_S    6

/* Sending */

/**
 * _cc_client_pending_message:
 * @entry: a queued outbox entry
 *
 * The message the user sees for @entry: the one in its room's open
 * timeline, or a new pending one (with the entry's files).
 *
 * Returns: (transfer full)
 */
CcMessage *
_cc_client_pending_message (CcClient            *self,
                            const CcOutboxEntry *entry)
{
  CcTimeline *timeline = self->timelines ? g_hash_table_lookup (self->timelines, entry->room_id) : NULL;
  CcMessage *message = timeline ? cc_timeline_lookup (timeline, entry->txn_id) : NULL;
  CcUser *me = cc_account_get_user (self->account);

  if (message != NULL)
    return g_object_ref (message);
  message = cc_message_new_pending (entry->room_id, entry->txn_id, entry->body, entry->reply_to,
                                    me ? cc_user_get_id (me) : NULL,
                                    me ? cc_user_get_display_name (me) : NULL, entry->created_at);
  if (entry->files != NULL)
    _cc_message_set_attachments (message, entry->files);
  cc_message_set_context (message, entry->context);
  return message;
}

/* Returns FALSE, with @task answered, before the cache is open. */
gboolean
_cc_client_check_open (CcClient *self,
                       GTask    *task)
{
  if (self->outbox != NULL)
    return TRUE;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The local data is not open yet."));
  return FALSE;
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  g_autoptr(CcOutboxEntry) entry = NULL;
  GError *error = NULL;

  entry = cc_outbox_queue_finish (CC_OUTBOX (object), result, &error);
  if (entry == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, _cc_client_pending_message (self, entry), g_object_unref);
}

void
cc_client_send_message_async (CcClient            *self,
                              const char          *room_id,
                              const char          *body,
                              const char          *reply_to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  cc_client_send_cited_async (self, room_id, body, reply_to, NULL, cancellable, callback, user_data);
}

void
cc_client_send_cited_async (CcClient            *self,
                            const char          *room_id,
                            const char          *body,
                            const char          *reply_to,
                            const CauContext    *context,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *trimmed = NULL;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL && body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_send_message_async);
  if (!_cc_client_check_open (self, task))
    {
      g_object_unref (task);
      return;
    }
  trimmed = g_strstrip (g_strdup (body));
  if (trimmed[0] == '\0' || g_utf8_strlen (trimmed, -1) > CAU_LIMIT_BODY_CHARS)
    {
      error = g_error_new_literal (CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                                   trimmed[0] == '\0' ? _("The message is empty.")
                                                      : _("The message is too long (10,000 characters at most)."));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  cc_client_composer_sent (self, room_id);
  cc_outbox_queue_cited_async (self->outbox, room_id, trimmed, reply_to, context, NULL, queued_cb, task);
}

CcMessage *
cc_client_send_message_finish (CcClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cc_client_retry_message (CcClient   *self,
                         const char *txn_id)
{
  GHashTableIter iter;
  gpointer timeline;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (self->outbox != NULL);
  g_hash_table_iter_init (&iter, self->timelines);
  while (g_hash_table_iter_next (&iter, NULL, &timeline))
    _cc_timeline_set_pending_state (timeline, txn_id, CC_MESSAGE_STATE_PENDING, NULL);
  _cc_client_files_retry (self, txn_id);
  cc_outbox_retry (self->outbox, txn_id);
}

void
cc_client_discard_message (CcClient   *self,
                           const char *txn_id)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (self->outbox != NULL);
  cc_outbox_discard (self->outbox, txn_id);
}

/* Reading */

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(JsonNode) node = cc_api_request_finish (CC_API (object), result, NULL, NULL, NULL);
}

void
cc_client_mark_read (CcClient   *self,
                     const char *room_id,
                     gint64      up_to_seq)
{
  CcRoom *room;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);
  if (up_to_seq <= 0 || self->sync == NULL)
    return;

  if (!cc_sync_send_read (self->sync, room_id, up_to_seq))
    {
      g_autoptr(JsonObject) body = json_object_new ();
      g_autofree char *room = cc_api_escape (room_id);
      g_autofree char *path = g_strdup_printf ("/api/rooms/%s/read", room);

      json_object_set_int_member (body, "up_to_seq", up_to_seq);
      cc_api_request_async (cc_client_get_api (self), "POST", path, body, self->cancellable, read_cb, NULL);
    }
  room = cc_room_list_lookup (self->rooms, room_id);
  if (room != NULL && up_to_seq >= cc_room_get_last_message_seq (room) &&
      (cc_room_get_unread_count (room) > 0 || cc_room_get_mention_count (room) > 0))
    {
      cc_room_set_counts (room, 0, 0);
      _cc_client_persist_room (self, room);
    }
}

void
cc_client_set_notify_level (CcClient      *self,
                            const char    *room_id,
                            CcNotifyLevel  level)
{
  CcRoom *room;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);

  room = cc_room_list_lookup (self->rooms, room_id);
  if (room != NULL && cc_room_set_notify_level (room, level))
    _cc_client_persist_room (self, room);
}

/* Drafts and typing */

void
cc_client_set_draft (CcClient   *self,
                     const char *room_id,
                     const char *text)
{
  gint64 now = g_get_monotonic_time () / 1000;
  gint64 *last;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);
  g_return_if_fail (self->cache != NULL);

  /* Saved as typed: the worker keeps the order, the last text wins. */
  cc_cache_save_draft_async (self->cache, room_id, text, NULL, NULL, NULL);
  if (cc_room_list_lookup (self->rooms, room_id) != NULL)
    cc_room_set_draft (cc_room_list_lookup (self->rooms, room_id), text);

  last = g_hash_table_lookup (self->typing_sent, room_id);
  if (text == NULL || text[0] == '\0')
    {
      if (last != NULL)
        {
          cc_sync_send_typing (self->sync, room_id, FALSE);
          g_hash_table_remove (self->typing_sent, room_id);
        }
      return;
    }
  if (last != NULL && now - *last < TYPING_REFRESH_MS)
    return;
  if (cc_sync_send_typing (self->sync, room_id, TRUE))
    {
      gint64 *stamp = g_new (gint64, 1);

      *stamp = now;
      g_hash_table_insert (self->typing_sent, g_strdup (room_id), stamp);
    }
}

void
cc_client_composer_sent (CcClient   *self,
                         const char *room_id)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);
  cc_client_set_draft (self, room_id, NULL);
}

static void
draft_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *text = cc_cache_finish_string (CC_CACHE (object), result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

void
cc_client_load_draft_async (CcClient            *self,
                            const char          *room_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);
  g_return_if_fail (self->cache != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_load_draft_async);
  cc_cache_load_draft_async (self->cache, room_id, cancellable, draft_cb, task);
}

char *
cc_client_load_draft_finish (CcClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  CcClient *self;
  char     *room_id;
  char     *user_id;
} TypingLapse;

static void
typing_lapse_free (gpointer data)
{
  TypingLapse *lapse = data;

  g_free (lapse->room_id);
  g_free (lapse->user_id);
  g_free (lapse);
}

static gboolean
typing_lapsed_cb (gpointer data)
{
  TypingLapse *lapse = data;
  GHashTable *room = g_hash_table_lookup (lapse->self->typing, lapse->room_id);

  gpointer key = NULL;

  /* The table entry owns this source: take it out without removing it. */
  if (room != NULL && g_hash_table_steal_extended (room, lapse->user_id, &key, NULL))
    {
      g_free (key);
      g_signal_emit_by_name (lapse->self, "typing-changed", lapse->room_id);
    }
  return G_SOURCE_REMOVE;
}

static void
remove_source (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

static void
set_typing (CcClient   *self,
            const char *room_id,
            const char *user_id,
            gboolean    typing)
{
  GHashTable *room = g_hash_table_lookup (self->typing, room_id);
  gboolean changed;

  if (room == NULL)
    {
      room = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, remove_source);
      g_hash_table_insert (self->typing, g_strdup (room_id), room);
    }
  changed = typing != g_hash_table_contains (room, user_id);
  g_hash_table_remove (room, user_id);
  if (typing)
    {
      TypingLapse *lapse = g_new0 (TypingLapse, 1);
      guint id;

      lapse->self = self;
      lapse->room_id = g_strdup (room_id);
      lapse->user_id = g_strdup (user_id);
      id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, TYPING_LAPSE_S, typing_lapsed_cb,
                                       lapse, typing_lapse_free);
      g_hash_table_insert (room, g_strdup (user_id), GUINT_TO_POINTER (id));
    }
  if (changed)
    g_signal_emit_by_name (self, "typing-changed", room_id);
}

void
_cc_client_typing_event (CcClient   *self,
                         JsonObject *frame)
{
  const char *room_id = _cc_json_str (frame, "room_id");
  const char *user_id = _cc_json_str (frame, "user_id");

  if (room_id == NULL || user_id == NULL ||
      g_strcmp0 (user_id, cc_account_get_user_id (self->account)) == 0)
    return;
  /* Someone we do not know yet: their name comes with the members. */
  if (cc_client_lookup_user (self, user_id) == NULL)
    _cc_client_reload_members (self, room_id, cc_client_get_online (self));
  set_typing (self, room_id, user_id, _cc_json_bool (frame, "typing"));
}

void
_cc_client_typing_clear (CcClient *self)
{
  g_hash_table_remove_all (self->typing);
}

GStrv
cc_client_get_typing_names (CcClient   *self,
                            const char *room_id)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTable *room;
  GHashTableIter iter;
  gpointer user_id;

  g_return_val_if_fail (CC_IS_CLIENT (self), NULL);
  room = room_id ? g_hash_table_lookup (self->typing, room_id) : NULL;
  if (room != NULL)
    {
      g_hash_table_iter_init (&iter, room);
      while (g_hash_table_iter_next (&iter, &user_id, NULL))
        {
          CcUser *user = cc_client_lookup_user (self, user_id);

          g_strv_builder_add (builder, user && cc_user_get_display_name (user)
                                       ? cc_user_get_display_name (user) : _("Someone"));
        }
    }
  return g_strv_builder_end (builder);
}

void
cc_client_set_idle (CcClient *self,
                    gboolean  idle)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  if (self->idle == !!idle)
    return;
  self->idle = !!idle;
  if (self->sync != NULL)
    cc_sync_send_presence (self->sync, idle ? "idle" : "online");
}

/* Editing and deleting */

typedef struct {
  char     *room_id;
  char     *message_id;
  gboolean  deleting;
} MessageOp;

static void
message_op_free (MessageOp *op)
{
  g_free (op->room_id);
  g_free (op->message_id);
  g_free (op);
}

static void
message_op_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  MessageOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) update = json_object_new ();
  g_autoptr(GPtrArray) save = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  CcTimeline *timeline = op->room_id ? g_hash_table_lookup (self->timelines, op->room_id) : NULL;
  CcRoom *room = op->room_id ? cc_room_list_lookup (self->rooms, op->room_id) : NULL;
  GError *error = NULL;

  node = cc_api_request_finish (CC_API (object), result, NULL, NULL, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The server's copy (an edit) or nothing (a deletion, 204); either way
   * the models follow at once, before the event comes back. */
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    _cc_json_merge (update, json_node_get_object (node));
  json_object_set_string_member (update, "id", op->message_id);
  if (op->deleting)
    {
      json_object_set_boolean_member (update, "deleted", TRUE);
      json_object_set_string_member (update, "body", "");
    }
  if (timeline != NULL)
    _cc_timeline_add_live (timeline, update);
  if (room != NULL && cc_room_update_last_message (room, update))
    {
      _cc_client_persist_room (self, room);
      _cc_client_check_preview (self, room);
    }
  if (_cc_json_str (update, "room_id") != NULL)
    {
      g_ptr_array_add (save, json_object_ref (update));
      cc_cache_save_messages_async (self->cache, save, NULL, NULL, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
message_op (CcClient            *self,
            gpointer             tag,
            const char          *room_id,
            const char          *message_id,
            JsonObject          *body,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autofree char *id = cc_api_escape (message_id);
  g_autofree char *path = g_strdup_printf ("/api/messages/%s", id);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  MessageOp *op = g_new0 (MessageOp, 1);

  g_task_set_source_tag (task, tag);
  op->room_id = g_strdup (room_id);
  op->message_id = g_strdup (message_id);
  op->deleting = body == NULL;
  g_task_set_task_data (task, op, (GDestroyNotify) message_op_free);
  cc_api_request_async (cc_client_get_api (self), body ? "PATCH" : "DELETE", path, body,
                        cancellable, message_op_cb, task);
}

void
cc_client_edit_message_async (CcClient            *self,
                              const char          *room_id,
                              const char          *message_id,
                              const char          *body,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) request = NULL;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (message_id != NULL && body != NULL);

  request = json_object_new ();
  json_object_set_string_member (request, "body", body);
  message_op (self, cc_client_edit_message_async, room_id, message_id, request,
              cancellable, callback, user_data);
}

void
cc_client_delete_message_async (CcClient            *self,
                                const char          *room_id,
                                const char          *message_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (message_id != NULL);

  message_op (self, cc_client_delete_message_async, room_id, message_id, NULL,
              cancellable, callback, user_data);
}

gboolean
cc_client_message_op_finish (CcClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result) && g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
