/* cc-client-files.c: attachments: sending files through the outbox (each
 * copied into the outbox folder first), cancelling one, following the
 * uploads into the timelines' messages, and fetching files and thumbnails
 * through the disk cache.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-client"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cau-error.h"
#include "cau-validate.h"
#include "cc-attachment-private.h"
#include "cc-client-private.h"
#include "cc-json-private.h"
#include "cc-message-private.h"


/* The outbox's uploads → the messages that show them */

typedef void (*AttachmentFunc) (CcAttachment *attachment,
                                gpointer      data);

/* The message @txn_id in each open timeline that shows it. */
static GPtrArray *
messages_of (CcClient   *self,
             const char *txn_id)
{
  GPtrArray *messages = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer timeline;

  if (self->timelines == NULL)
    return messages;
  g_hash_table_iter_init (&iter, self->timelines);
  while (g_hash_table_iter_next (&iter, NULL, &timeline))
    {
      CcMessage *message = cc_timeline_lookup (timeline, txn_id);

      if (message != NULL)
        g_ptr_array_add (messages, message);
    }
  return messages;
}

/* Runs @func on the attachment with outbox copy @path of the pending
 * message @txn_id, in every open timeline. */
static void
each_pending_attachment (CcClient       *self,
                         const char     *txn_id,
                         const char     *path,
                         AttachmentFunc  func,
                         gpointer        data)
{
  g_autoptr(GPtrArray) messages = messages_of (self, txn_id);

  for (guint i = 0; i < messages->len; i++)
    {
      CcMessage *message = g_ptr_array_index (messages, i);
      CcAttachment *attachment;

      if (cc_message_get_state (message) == CC_MESSAGE_STATE_STORED)
        continue;
      attachment = path ? _cc_message_find_pending (message, path) : NULL;
      if (attachment != NULL)
        func (attachment, data);
      else if (path == NULL)
        {
          GListModel *list = cc_message_get_attachments (message);

          for (guint i = 0; i < g_list_model_get_n_items (list); i++)
            {
              g_autoptr(CcAttachment) a = g_list_model_get_item (list, i);

              func (a, data);
            }
        }
    }
}

static void
set_progress (CcAttachment *attachment,
              gpointer      data)
{
  /* A timeline opened during the upload learns it from here. */
  if (cc_attachment_get_id (attachment) == NULL)
    _cc_attachment_set_state (attachment, CC_ATTACHMENT_UPLOADING, NULL);
  _cc_attachment_set_progress (attachment, *(double *) data);
}

static void
on_file_progress (CcOutbox   *outbox,
                  const char *txn_id,
                  const char *path,
                  double      fraction,
                  CcClient   *self)
{
  each_pending_attachment (self, txn_id, path, set_progress, &fraction);
}

typedef struct {
  CcAttachmentState  state;
  const char        *error;
  JsonObject        *file;
} FileChange;

static void
apply_change (CcAttachment *attachment,
              gpointer      data)
{
  FileChange *change = data;

  g_object_freeze_notify (G_OBJECT (attachment));
  if (change->file != NULL)
    _cc_attachment_update_from_json (attachment, change->file);
  /* An uploaded file stays uploaded whatever comes after. */
  if (cc_attachment_get_id (attachment) == NULL)
    {
      if (change->state == CC_ATTACHMENT_UPLOADING)
        _cc_attachment_set_progress (attachment, 0.0);
      _cc_attachment_set_state (attachment, change->state, change->error);
    }
  g_object_thaw_notify (G_OBJECT (attachment));
}

static void
on_file_changed (CcOutbox          *outbox,
                 const char        *txn_id,
                 const char        *path,
                 CcAttachmentState  state,
                 const char        *error,
                 JsonObject        *file,
                 CcClient          *self)
{
  FileChange change = { state, error, file };

  each_pending_attachment (self, txn_id, path, apply_change, &change);
}

static void
on_file_removed (CcOutbox   *outbox,
                 const char *txn_id,
                 const char *path,
                 CcClient   *self)
{
  g_autoptr(GPtrArray) messages = messages_of (self, txn_id);

  for (guint i = 0; i < messages->len; i++)
    {
      CcMessage *message = g_ptr_array_index (messages, i);
      GListStore *list;
      guint pos;

      if (_cc_message_find_pending (message, path) == NULL)
        continue;
      list = G_LIST_STORE (cc_message_get_attachments (message));
      if (g_list_store_find (list, _cc_message_find_pending (message, path), &pos))
        g_list_store_remove (list, pos);
    }
}

static void
queue_again (CcAttachment *attachment,
             gpointer      data)
{
  if (cc_attachment_get_state (attachment) == CC_ATTACHMENT_FAILED)
    _cc_attachment_set_state (attachment, CC_ATTACHMENT_QUEUED, NULL);
}

void
_cc_client_files_retry (CcClient   *self,
                        const char *txn_id)
{
  each_pending_attachment (self, txn_id, NULL, queue_again, NULL);
}

void
_cc_client_files_dispose (CcClient *self)
{
  if (self->file_cache != NULL)
    cc_file_cache_shutdown (self->file_cache);
  g_clear_object (&self->file_cache);
}

void
_cc_client_files_init (CcClient *self)
{
  g_signal_connect (self->outbox, "file-progress", G_CALLBACK (on_file_progress), self);
  g_signal_connect (self->outbox, "file-changed", G_CALLBACK (on_file_changed), self);
  g_signal_connect (self->outbox, "file-removed", G_CALLBACK (on_file_removed), self);
  cc_outbox_set_file_cache (self->outbox, _cc_client_get_file_cache (self));
}

/* Sending files */

typedef struct {
  char      *txn_id;
  char      *room_id;
  char      *body;
  char      *reply_to;
  char      *dir;        /* "<outbox files>/<txn_id>" */
  GPtrArray *sources;    /* GFile */
  JsonArray *files;      /* the records, made by the thread */
} SendFiles;

static void
send_files_free (SendFiles *sf)
{
  g_free (sf->txn_id);
  g_free (sf->room_id);
  g_free (sf->body);
  g_free (sf->reply_to);
  g_free (sf->dir);
  g_clear_pointer (&sf->sources, g_ptr_array_unref);
  g_clear_pointer (&sf->files, json_array_unref);
  g_free (sf);
}

static void
remove_dir_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  cc_file_cache_remove_tree (data);
  g_task_return_boolean (task, TRUE);
}

/* The copies of a message that is not in the outbox are of no use. */
static void
remove_copies (SendFiles *sf)
{
  g_autoptr(GTask) cleanup = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_task_data (cleanup, g_strdup (sf->dir), g_free);
  g_task_run_in_thread (cleanup, remove_dir_thread);
}

/* The copy must be on the disk before the outbox row says it is there. */
static gboolean
sync_file (const char  *path,
           GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved), g_strerror (saved));
  return FALSE;
}

/* Worker thread: copies each file into the entry's folder and describes it. */
static void
copy_files_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  SendFiles *sf = data;
  g_autoptr(JsonArray) files = json_array_new ();

  if (g_mkdir_with_parents (sf->dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (saved),
                               _("Could not keep a copy of the files to send: %s"), g_strerror (saved));
      return;
    }
  for (guint i = 0; i < sf->sources->len; i++)
    {
      GFile *src = g_ptr_array_index (sf->sources, i);
      g_autofree char *base = g_file_get_basename (src);
      g_autofree char *copy_name = g_strdup_printf ("%u", i);
      g_autofree char *copy_path = g_build_filename (sf->dir, copy_name, NULL);
      g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *mime = NULL;
      const char *name;
      JsonObject *record;

      info = g_file_query_info (src,
                                G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                                G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE ","
                                G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                G_FILE_QUERY_INFO_NONE, cancellable, &error);
      if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        g_set_error (&error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _("It is not a file."));
      if (error == NULL)
        g_file_copy (src, copy, G_FILE_COPY_OVERWRITE | G_FILE_COPY_TARGET_DEFAULT_PERMS,
                     cancellable, NULL, NULL, &error);
      if (error == NULL)
        sync_file (copy_path, &error);
      if (error != NULL)
        {
          cc_file_cache_remove_tree (sf->dir);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_task_return_error (task, g_steal_pointer (&error));
          else
            g_task_return_new_error (task, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                                     _("Could not attach “%s”: %s"),
                                     base ? base : "?", error->message);
          return;
        }

      name = g_file_info_get_display_name (info);
      if (g_file_info_get_content_type (info) != NULL)
        mime = g_content_type_get_mime_type (g_file_info_get_content_type (info));
      record = json_object_new ();
      json_object_set_string_member (record, "path", copy_path);
      json_object_set_string_member (record, "name", name && g_utf8_validate (name, -1, NULL) ? name : "file");
      json_object_set_int_member (record, "size", g_file_info_get_size (info));
      json_object_set_string_member (record, "mime_type", mime ? mime : "application/octet-stream");
      json_array_add_object_element (files, record);
    }
  g_task_return_pointer (task, g_steal_pointer (&files), (GDestroyNotify) json_array_unref);
}

static void
files_queued_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  SendFiles *sf = g_task_get_task_data (task);
  g_autoptr(CcOutboxEntry) entry = NULL;
  GError *error = NULL;

  entry = cc_outbox_queue_finish (CC_OUTBOX (object), result, &error);
  if (entry == NULL)
    {
      remove_copies (sf);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, _cc_client_pending_message (self, entry), g_object_unref);
}

static void
files_copied_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *copy = G_TASK (result);
  GTask *task = user_data;
  CcClient *self = g_task_get_source_object (task);
  SendFiles *sf = g_task_get_task_data (task);
  GError *error = NULL;

  sf->files = g_task_propagate_pointer (copy, &error);
  if (sf->files == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (self->outbox == NULL)
    {
      remove_copies (sf);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The account was closed."));
      g_object_unref (task);
      return;
    }
  cc_client_composer_sent (self, sf->room_id);
  cc_outbox_queue_files_async (self->outbox, sf->txn_id, sf->room_id, sf->body, sf->reply_to,
                               sf->files, NULL, files_queued_cb, task);
}

void
cc_client_send_files_async (CcClient            *self,
                            const char          *room_id,
                            const char          *body,
                            const char          *reply_to,
                            GFile              **files,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) copy = NULL;
  g_autofree char *trimmed = NULL;
  GTask *task;
  SendFiles *sf;
  guint n_files = 0;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);

  while (files != NULL && files[n_files] != NULL)
    n_files++;
  /* Text only: a message like any other, checked there. */
  if (n_files == 0)
    {
      cc_client_send_message_async (self, room_id, body ? body : "", reply_to,
                                    cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_send_files_async);
  if (!_cc_client_check_open (self, task))
    {
      g_object_unref (task);
      return;
    }
  /* With files, the text may be empty. */
  trimmed = g_strstrip (g_strdup (body ? body : ""));
  if (g_utf8_strlen (trimmed, -1) > CAU_LIMIT_BODY_CHARS)
    {
      g_task_return_new_error (task, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "%s",
                               _("The message is too long (10,000 characters at most)."));
      g_object_unref (task);
      return;
    }

  sf = g_new0 (SendFiles, 1);
  sf->txn_id = g_uuid_string_random ();
  sf->room_id = g_strdup (room_id);
  sf->body = g_steal_pointer (&trimmed);
  sf->reply_to = g_strdup (reply_to);
  sf->dir = g_build_filename (cc_outbox_get_files_dir (self->outbox), sf->txn_id, NULL);
  sf->sources = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (sf->sources, g_object_ref (files[i]));
  g_task_set_task_data (task, sf, (GDestroyNotify) send_files_free);

  /* The copies are made in a worker thread; the task's data is only read
   * there until it returns. */
  copy = g_task_new (NULL, cancellable, files_copied_cb, task);
  g_task_set_source_tag (copy, cc_client_send_files_async);
  g_task_set_task_data (copy, sf, NULL);
  g_task_run_in_thread (copy, copy_files_thread);
}

CcMessage *
cc_client_send_files_finish (CcClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  /* Without files, send_files hands over to send_message. */
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cc_client_cancel_attachment (CcClient     *self,
                             CcMessage    *message,
                             CcAttachment *attachment)
{
  const char *path;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (CC_IS_MESSAGE (message));
  g_return_if_fail (CC_IS_ATTACHMENT (attachment));

  path = _cc_attachment_get_path (attachment);
  if (self->outbox == NULL || path == NULL || cc_message_get_txn_id (message) == NULL ||
      cc_message_get_state (message) == CC_MESSAGE_STATE_STORED)
    return;   /* stored on the server already: nothing to cancel */
  cc_outbox_cancel_file (self->outbox, cc_message_get_txn_id (message), path);
}

/* Fetching */

CcFileCache *
_cc_client_get_file_cache (CcClient *self)
{
  if (self->file_cache == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "causerie",
                                               cc_account_get_key (self->account), "files", NULL);
      /* Where the UI's "Open" puts a copy under the file's own name. */
      g_autofree char *opened = g_build_filename (g_get_user_cache_dir (), "causerie", "opened", NULL);

      self->file_cache = cc_file_cache_new (dir);
      cc_file_cache_set_opened_dir (self->file_cache, opened);
    }
  return self->file_cache;
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GFile *file = cc_file_cache_fetch_finish (CC_FILE_CACHE (object), result, &error);

  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, g_object_unref);
}

void
cc_client_fetch_attachment_async (CcClient            *self,
                                  CcAttachment        *attachment,
                                  gboolean             thumbnail,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GFile *local;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (CC_IS_ATTACHMENT (attachment));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_fetch_attachment_async);
  /* Still ours to send: the outbox copy is the file. */
  local = cc_attachment_get_local_file (attachment);
  if (local != NULL && !thumbnail)
    {
      g_task_return_pointer (task, g_object_ref (local), g_object_unref);
      return;
    }
  if (cc_attachment_get_id (attachment) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This file is not on the server yet."));
      return;
    }
  if (thumbnail && !cc_attachment_get_has_thumbnail (attachment))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This file has no preview."));
      return;
    }
  cc_file_cache_fetch_async (_cc_client_get_file_cache (self), cc_account_get_api (self->account),
                             cc_attachment_get_id (attachment), thumbnail,
                             /* Ours, just sent: the outbox copy may not have moved yet. */
                             _cc_attachment_get_path (attachment), cancellable,
                             fetched_cb, g_steal_pointer (&task));
}

GFile *
cc_client_fetch_attachment_finish (CcClient      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cc_client_set_file_cache_cap (CcClient *self,
                              guint64   bytes)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  cc_file_cache_set_cap (_cc_client_get_file_cache (self), bytes);
}
