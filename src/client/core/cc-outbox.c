/* cc-outbox.c: sends what the user typed, in order, exactly once.
 * Every message is in SQLite before the first attempt; the txn_id makes
 * a retry after a lost answer (a crash, a server restart) harmless.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-outbox"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cau-error.h"
#include "cau-time.h"
#include "cau-validate.h"
#include "cc-json-private.h"
#include "cc-outbox-private.h"

/* A message sent within this of Send needs no written time: the delivery's
 * is the same to the minute a clock shows. */
#define OUTBOX_WRITTEN_AT_AFTER_MS (5 * 1000)

G_DEFINE_FINAL_TYPE (CcOutbox, cc_outbox, G_TYPE_OBJECT)

enum { PROP_0, PROP_ONLINE, PROP_SENDING, N_PROPS };

static GParamSpec *props[N_PROPS];
guint _cc_outbox_signals[CC_OUTBOX_N_SIGNALS];

static void
cc_outbox_dispose (GObject *object)
{
  CcOutbox *self = CC_OUTBOX (object);

  g_cancellable_cancel (self->cancellable);
  _cc_outbox_stop_upload (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file_cache);
  g_clear_object (&self->cache);
  g_clear_object (&self->api);
  G_OBJECT_CLASS (cc_outbox_parent_class)->dispose (object);
}

static void
cc_outbox_finalize (GObject *object)
{
  g_free (CC_OUTBOX (object)->files_dir);
  G_OBJECT_CLASS (cc_outbox_parent_class)->finalize (object);
}

static void
cc_outbox_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcOutbox *self = CC_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_ONLINE: g_value_set_boolean (value, self->online); break;
    case PROP_SENDING: g_value_set_boolean (value, self->sending); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_outbox_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ONLINE: cc_outbox_set_online (CC_OUTBOX (object), g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_outbox_class_init (CcOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cc_outbox_dispose;
  object_class->finalize = cc_outbox_finalize;
  object_class->get_property = cc_outbox_get_property;
  object_class->set_property = cc_outbox_set_property;

  props[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE,
                                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_SENDING] = g_param_spec_boolean ("sending", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  _cc_outbox_signals[CC_OUTBOX_ENTRY_ADDED] = g_signal_new ("entry-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, CC_TYPE_OUTBOX_ENTRY);
  _cc_outbox_signals[CC_OUTBOX_ENTRY_SENT] = g_signal_new ("entry-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
  _cc_outbox_signals[CC_OUTBOX_ENTRY_FAILED] = g_signal_new ("entry-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  _cc_outbox_signals[CC_OUTBOX_ENTRY_REMOVED] = g_signal_new ("entry-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  _cc_outbox_signals[CC_OUTBOX_DRAINED] = g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _cc_outbox_signals[CC_OUTBOX_FILE_PROGRESS] = g_signal_new ("file-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                         G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE);
  _cc_outbox_signals[CC_OUTBOX_FILE_CHANGED] = g_signal_new ("file-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                                        G_TYPE_STRING, G_TYPE_STRING, CC_TYPE_ATTACHMENT_STATE,
                                        G_TYPE_STRING, JSON_TYPE_OBJECT);
  _cc_outbox_signals[CC_OUTBOX_FILE_REMOVED] = g_signal_new ("file-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cc_outbox_init (CcOutbox *self)
{
  self->cancellable = g_cancellable_new ();
}

CcOutbox *
cc_outbox_new (CcCache *cache,
               CcApi   *api)
{
  CcOutbox *self;

  g_return_val_if_fail (CC_IS_CACHE (cache), NULL);
  g_return_val_if_fail (CC_IS_API (api), NULL);
  self = g_object_new (CC_TYPE_OUTBOX, NULL);
  self->cache = g_object_ref (cache);
  self->api = g_object_ref (api);
  {
    const char *path = cc_cache_get_path (cache);
    g_autofree char *base = g_str_has_suffix (path, ".db") ? g_strndup (path, strlen (path) - 3)
                                                           : g_strdup (path);

    self->files_dir = g_strconcat (base, ".outbox", NULL);
  }
  return self;
}

gboolean
cc_outbox_get_online (CcOutbox *self)
{
  g_return_val_if_fail (CC_IS_OUTBOX (self), FALSE);
  return self->online;
}

gboolean
cc_outbox_get_sending (CcOutbox *self)
{
  g_return_val_if_fail (CC_IS_OUTBOX (self), FALSE);
  return self->sending;
}

void
cc_outbox_set_online (CcOutbox *self,
                      gboolean  online)
{
  g_return_if_fail (CC_IS_OUTBOX (self));
  online = !!online;
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
  if (online)
    cc_outbox_flush (self);
  else
    _cc_outbox_stop_upload (self);   /* it starts over once online */
}

static void
set_sending (CcOutbox *self,
             gboolean  sending)
{
  if (self->sending == sending)
    return;
  self->sending = sending;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SENDING]);
}

static gboolean
retry_cb (gpointer data)
{
  CcOutbox *self = data;

  self->retry_id = 0;
  cc_outbox_flush (self);
  return G_SOURCE_REMOVE;
}

/* Stops this round; what is pending waits for the next flush. */
void
_cc_outbox_pause (CcOutbox *self,
                  guint     retry_in_s)
{
  set_sending (self, FALSE);
  self->again = FALSE;
  if (retry_in_s > 0 && self->retry_id == 0)
    self->retry_id = g_timeout_add_seconds (retry_in_s, retry_cb, self);
}

typedef struct {
  CcOutbox      *self;
  CcOutboxEntry *entry;
  JsonObject    *message;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_object (&data->self);
  cc_outbox_entry_free (data->entry);
  g_clear_pointer (&data->message, json_object_unref);
  g_free (data);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  SendData *data = user_data;
  CcOutbox *self = data->self;
  g_autoptr(GError) error = NULL;

  if (!cc_cache_finish (CC_CACHE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not store a sent message: %s", error->message);
      /* Still sent; the next sync brings it again. */
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    {
      /* Copies first: a preview asked for as the message turns stored
       * waits for its file to move into the cache. */
      _cc_outbox_drop_copies (self, data->entry->txn_id, data->entry);
      g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_ENTRY_SENT], 0, data->entry->txn_id, data->message);
      _cc_outbox_send_next (self);
    }
  send_data_free (data);
}

static void
failed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SendData *data = user_data;

  cc_cache_finish (CC_CACHE (object), result, NULL);
  if (!g_cancellable_is_cancelled (data->self->cancellable))
    _cc_outbox_send_next (data->self);
  send_data_free (data);
}

/**
 * _cc_outbox_fail:
 * @entry: (transfer full)
 *
 * Marks @entry failed with @message (the user retries or discards it),
 * then goes on with the next one.
 */
void
_cc_outbox_fail (CcOutbox      *self,
                 CcOutboxEntry *entry,
                 const char    *message)
{
  SendData *data = g_new0 (SendData, 1);

  data->self = g_object_ref (self);
  data->entry = entry;
  g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_ENTRY_FAILED], 0, entry->txn_id, message);
  cc_cache_outbox_set_state_async (self->cache, entry->txn_id, CC_MESSAGE_STATE_FAILED,
                                   message, NULL, failed_cb, data);
}

static void
post_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendData *data = user_data;
  CcOutbox *self = data->self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0, retry_after = 0;

  node = cc_api_request_finish (CC_API (object), result, &status, &retry_after, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      send_data_free (data);
      return;
    }
  if (error == NULL && node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

      data->message = json_object_ref (json_node_get_object (node));
      g_ptr_array_add (messages, json_object_ref (data->message));
      cc_cache_save_messages_async (self->cache, messages, NULL, saved_cb, data);
      return;
    }

  /* Unreachable, a server failure, a rate limit, a revoked session: keep it
   * pending and in its place. */
  if (error == NULL || error->domain != CAU_ERROR || status == 0 || status >= 500 ||
      status == 429 || status == 401)
    {
      g_debug ("Sending %s paused: %s", data->entry->txn_id, error ? error->message : "empty answer");
      /* A rate limit says when a token is back (often a second): waiting
       * longer would only slow a backlog's flush. */
      _cc_outbox_pause (self, status == 429 ? MAX (retry_after, 1)
                              : status >= 500 ? MAX (retry_after, RETRY_DELAY_S) : 0);
      send_data_free (data);
      return;
    }

  /* Refused for good (not a member, too long, …): the user decides. An
   * upload the server no longer knows (unused for a day) goes up again if
   * the user retries. */
  if (status == 404 /* Not Found */ && data->entry->files != NULL)
    _cc_outbox_forget_uploads (self, data->entry);
  _cc_outbox_fail (self, g_steal_pointer (&data->entry), error->message);
  send_data_free (data);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CcOutbox) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *room = NULL;
  g_autofree char *path = NULL;
  CcOutboxEntry *next = NULL;
  SendData *data;

  entries = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (entries == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the outbox: %s", error->message);
      _cc_outbox_pause (self, 0);
      return;
    }
  for (guint i = 0; i < entries->len && next == NULL; i++)
    if (((CcOutboxEntry *) entries->pdata[i])->state == CC_MESSAGE_STATE_PENDING)
      next = entries->pdata[i];
  if (!self->swept)
    _cc_outbox_sweep_orphans (self, entries);

  if (next == NULL || !self->online)
    {
      gboolean again = self->again && self->online;

      _cc_outbox_pause (self, 0);
      if (again)
        cc_outbox_flush (self);
      else if (next == NULL)
        g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_DRAINED], 0);
      return;
    }
  self->again = FALSE;

  /* Files first, one at a time in their order; then the message. */
  if (_cc_outbox_next_file (next) != NULL)
    {
      _cc_outbox_start_upload (self, next, _cc_outbox_next_file (next));
      return;
    }

  body = json_object_new ();
  json_object_set_string_member (body, "txn_id", next->txn_id);
  json_object_set_string_member (body, "body", next->body);
  if (next->reply_to != NULL)
    json_object_set_string_member (body, "reply_to", next->reply_to);
  if (next->context != NULL)
    json_object_set_object_member (body, "context", cau_context_to_json (next->context));
  /* A message that waited here (offline, or behind others) says when Send
   * was pressed, so that everyone sees that time, not the delivery's
   * (issue 11). Past the server's bound it goes without: shown as
   * delivered rather than refused. */
  {
    gint64 waited = cau_time_now_ms () - next->created_at;

    if (waited >= OUTBOX_WRITTEN_AT_AFTER_MS && waited < CAU_WRITTEN_AT_MAX_AGE_MS - 3600 * 1000)
      {
        g_autofree char *written = cau_time_format (next->created_at);

        json_object_set_string_member (body, "written_at", written);
      }
  }
  if (next->files != NULL && json_array_get_length (next->files) > 0)
    {
      JsonArray *ids = json_array_new ();

      for (guint i = 0; i < json_array_get_length (next->files); i++)
        json_array_add_string_element (ids, _cc_json_str (json_array_get_object_element (next->files, i), "id"));
      json_object_set_array_member (body, "attachment_ids", ids);
    }
  room = cc_api_escape (next->room_id);
  path = g_strdup_printf ("/api/rooms/%s/messages", room);

  data = g_new0 (SendData, 1);
  data->self = g_object_ref (self);
  data->entry = cc_outbox_entry_copy (next);
  cc_api_request_async (self->api, "POST", path, body, self->cancellable, post_cb, data);
}

void
_cc_outbox_send_next (CcOutbox *self)
{
  cc_cache_outbox_list_async (self->cache, NULL, self->cancellable, list_cb, g_object_ref (self));
}

/**
 * cc_outbox_flush:
 *
 * Sends the pending entries one after the other, oldest first. Does
 * nothing while offline; a flush during a round runs once it ends.
 */
void
cc_outbox_flush (CcOutbox *self)
{
  g_return_if_fail (CC_IS_OUTBOX (self));

  if (!self->online)
    return;
  if (self->sending)
    {
      self->again = TRUE;
      return;
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_sending (self, TRUE);
  _cc_outbox_send_next (self);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcOutbox *self = g_task_get_source_object (task);
  CcOutboxEntry *entry = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id = cc_cache_finish_int (CC_CACHE (object), result, &error);

  if (id < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  entry->id = id;
  g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_ENTRY_ADDED], 0, entry);
  g_task_return_pointer (task, cc_outbox_entry_copy (entry), (GDestroyNotify) cc_outbox_entry_free);
  cc_outbox_flush (self);
}

void
cc_outbox_queue_async (CcOutbox            *self,
                       const char          *room_id,
                       const char          *body,
                       const char          *reply_to,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  cc_outbox_queue_cited_async (self, room_id, body, reply_to, NULL, cancellable, callback, user_data);
}

void
cc_outbox_queue_cited_async (CcOutbox            *self,
                             const char          *room_id,
                             const char          *body,
                             const char          *reply_to,
                             const CauContext    *context,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CcOutboxEntry *entry;
  GTask *task;

  g_return_if_fail (CC_IS_OUTBOX (self));
  g_return_if_fail (room_id != NULL && body != NULL);

  entry = g_new0 (CcOutboxEntry, 1);
  entry->txn_id = g_uuid_string_random ();
  entry->room_id = g_strdup (room_id);
  entry->body = g_strdup (body);
  entry->reply_to = g_strdup (reply_to);
  entry->state = CC_MESSAGE_STATE_PENDING;
  entry->created_at = cau_time_now_ms ();
  entry->context = cau_context_copy (context);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_outbox_queue_async);
  g_task_set_task_data (task, entry, (GDestroyNotify) cc_outbox_entry_free);
  /* Not cancellable: once asked, the message must reach the disk. */
  cc_cache_outbox_add_cited_async (self->cache, entry->txn_id, room_id, body, reply_to,
                                   entry->created_at, NULL, entry->context, NULL, added_cb, task);
}

void
cc_outbox_queue_files_async (CcOutbox            *self,
                             const char          *txn_id,
                             const char          *room_id,
                             const char          *body,
                             const char          *reply_to,
                             JsonArray           *files,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CcOutboxEntry *entry;
  GTask *task;

  g_return_if_fail (CC_IS_OUTBOX (self));
  g_return_if_fail (txn_id != NULL && room_id != NULL && body != NULL);

  entry = g_new0 (CcOutboxEntry, 1);
  entry->txn_id = g_strdup (txn_id);
  entry->room_id = g_strdup (room_id);
  entry->body = g_strdup (body);
  entry->reply_to = g_strdup (reply_to);
  entry->state = CC_MESSAGE_STATE_PENDING;
  entry->created_at = cau_time_now_ms ();
  entry->files = files && json_array_get_length (files) > 0 ? json_array_ref (files) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_outbox_queue_files_async);
  g_task_set_task_data (task, entry, (GDestroyNotify) cc_outbox_entry_free);
  /* Not cancellable: once asked, the message must reach the disk. */
  cc_cache_outbox_add_files_async (self->cache, entry->txn_id, room_id, body, reply_to,
                                   entry->created_at, entry->files, NULL, added_cb, task);
}

CcOutboxEntry *
cc_outbox_queue_finish (CcOutbox      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
retry_set_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CcOutbox) self = user_data;

  if (cc_cache_finish (CC_CACHE (object), result, NULL))
    cc_outbox_flush (self);
}

void
cc_outbox_retry (CcOutbox   *self,
                 const char *txn_id)
{
  g_return_if_fail (CC_IS_OUTBOX (self));
  g_return_if_fail (txn_id != NULL);
  cc_cache_outbox_set_state_async (self->cache, txn_id, CC_MESSAGE_STATE_PENDING, NULL,
                                   NULL, retry_set_cb, g_object_ref (self));
}

typedef struct {
  CcOutbox *self;
  char     *txn_id;
} DiscardData;

static void
discard_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DiscardData *data = user_data;

  if (cc_cache_finish (CC_CACHE (object), result, NULL))
    g_signal_emit (data->self, _cc_outbox_signals[CC_OUTBOX_ENTRY_REMOVED], 0, data->txn_id);
  _cc_outbox_drop_copies (data->self, data->txn_id, NULL);
  g_object_unref (data->self);
  g_free (data->txn_id);
  g_free (data);
}

void
cc_outbox_discard (CcOutbox   *self,
                   const char *txn_id)
{
  DiscardData *data;

  g_return_if_fail (CC_IS_OUTBOX (self));
  g_return_if_fail (txn_id != NULL);
  data = g_new0 (DiscardData, 1);
  data->self = g_object_ref (self);
  data->txn_id = g_strdup (txn_id);
  cc_cache_outbox_remove_async (self->cache, txn_id, NULL, discard_cb, data);
  _cc_outbox_drop_upload (self, txn_id, NULL);
}
