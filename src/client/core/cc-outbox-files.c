/* cc-outbox-files.c: the files of outbox entries: their copies on disk
 * (removed once sent or discarded, or moved into the file cache), their
 * uploads one at a time with progress, and taking one off a message.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-outbox"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cau-error.h"
#include "cc-json-private.h"
#include "cc-outbox-private.h"

/* A folder of copies with no outbox entry is removed once this old (a
 * crash between the copy and the commit, or a message stored by a sync). */
#define ORPHAN_AGE_S (10 * 60)

/* The upload going out now; holds its entry. */
struct _Upload
{
  CcOutbox      *self;
  CcOutboxEntry *entry;
  char          *path;
  GCancellable  *cancellable;
  double         reported;
  gboolean       dropped;    /* the user took the file off */
};

static void
upload_free (Upload *up)
{
  g_clear_object (&up->self);
  cc_outbox_entry_free (up->entry);
  g_clear_object (&up->cancellable);
  g_free (up->path);
  g_free (up);
}

const char *
cc_outbox_get_files_dir (CcOutbox *self)
{
  g_return_val_if_fail (CC_IS_OUTBOX (self), NULL);
  return self->files_dir;
}

void
cc_outbox_set_file_cache (CcOutbox    *self,
                          CcFileCache *file_cache)
{
  g_return_if_fail (CC_IS_OUTBOX (self));
  g_set_object (&self->file_cache, file_cache);
}

/* Files on disk, off the main thread */

typedef struct {
  char      *dir;          /* the entry's folder, removed at the end */
  char      *path;         /* or one file only */
  char      *cache_dir;    /* nullable: sent copies move there */
  GStrv      adopt;        /* nullable: path, id, path, id, … */
  gboolean  *adopted;      /* per pair: moved into the cache */
  GStrv      keep;         /* for a sweep: the txn_ids still in the outbox */
} FilesJob;

static void
files_job_free (FilesJob *job)
{
  g_free (job->dir);
  g_free (job->path);
  g_free (job->cache_dir);
  g_strfreev (job->adopt);
  g_free (job->adopted);
  g_strfreev (job->keep);
  g_free (job);
}

static void
files_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  FilesJob *job = data;

  if (job->keep != NULL)
    {
      g_autoptr(GDir) d = g_dir_open (job->dir, 0, NULL);
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (job->dir, name, NULL);
          GStatBuf st;

          if (g_strv_contains ((const char * const *) job->keep, name) ||
              g_stat (path, &st) != 0 || now - (gint64) st.st_mtime < ORPHAN_AGE_S)
            continue;
          g_debug ("Removing the orphaned outbox folder %s", name);
          cc_file_cache_remove_tree (path);
        }
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; job->cache_dir != NULL && job->adopt != NULL && job->adopt[i] != NULL; i += 2)
    job->adopted[i / 2] = cc_file_cache_adopt_sync (job->cache_dir, job->adopt[i], job->adopt[i + 1]);
  if (job->path != NULL)
    g_unlink (job->path);
  else if (job->dir != NULL)
    cc_file_cache_remove_tree (job->dir);
  g_task_return_boolean (task, TRUE);
}

static void
files_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CcOutbox *self = CC_OUTBOX (object);
  FilesJob *job = g_task_get_task_data (G_TASK (result));

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (job->adopt == NULL || self->file_cache == NULL)
    return;
  for (guint i = 0; job->adopt[i] != NULL; i += 2)
    cc_file_cache_adopt_done (self->file_cache, job->adopt[i + 1], job->adopted[i / 2]);
  cc_file_cache_trim (self->file_cache);
}

static void
run_files_job (CcOutbox *self,
               FilesJob *job)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, files_done_cb, NULL);

  g_task_set_source_tag (task, run_files_job);
  g_task_set_task_data (task, job, (GDestroyNotify) files_job_free);
  g_task_run_in_thread (task, files_thread);
}

/* Deletes the copies of @txn_id; with @sent, those uploaded move into the
 * file cache first, so our own previews need no download (fetches of them
 * meanwhile wait for the move). */
void
_cc_outbox_drop_copies (CcOutbox            *self,
                        const char          *txn_id,
                        const CcOutboxEntry *sent)
{
  FilesJob *job;

  if (sent != NULL && sent->files == NULL)
    return;
  job = g_new0 (FilesJob, 1);
  job->dir = g_build_filename (self->files_dir, txn_id, NULL);
  if (sent != NULL && self->file_cache != NULL)
    {
      g_autoptr(GStrvBuilder) adopt = g_strv_builder_new ();

      /* Plain strings cross to the thread, not the JSON (not thread-safe). */
      for (guint i = 0; i < json_array_get_length (sent->files); i++)
        {
          JsonObject *file = json_array_get_object_element (sent->files, i);

          if (_cc_json_str (file, "id") != NULL && _cc_json_str (file, "path") != NULL &&
              cc_file_cache_adopt_begin (self->file_cache, _cc_json_str (file, "id")))
            {
              g_strv_builder_add (adopt, _cc_json_str (file, "path"));
              g_strv_builder_add (adopt, _cc_json_str (file, "id"));
            }
        }
      job->cache_dir = g_strdup (cc_file_cache_get_dir (self->file_cache));
      job->adopt = g_strv_builder_end (adopt);
      job->adopted = g_new0 (gboolean, g_strv_length (job->adopt) / 2 + 1);
    }
  run_files_job (self, job);
}

void
_cc_outbox_sweep_orphans (CcOutbox  *self,
                          GPtrArray *entries)
{
  g_autoptr(GStrvBuilder) keep = g_strv_builder_new ();
  FilesJob *job;

  self->swept = TRUE;
  for (guint i = 0; i < entries->len; i++)
    g_strv_builder_add (keep, ((CcOutboxEntry *) entries->pdata[i])->txn_id);
  job = g_new0 (FilesJob, 1);
  job->dir = g_strdup (self->files_dir);
  job->keep = g_strv_builder_end (keep);
  run_files_job (self, job);
}

void
_cc_outbox_forget_uploads (CcOutbox            *self,
                           const CcOutboxEntry *entry)
{
  g_autoptr(JsonObject) update = json_object_new ();

  json_object_set_null_member (update, "id");
  for (guint i = 0; i < json_array_get_length (entry->files); i++)
    {
      JsonObject *file = json_array_get_object_element (entry->files, i);
      const char *path = _cc_json_str (file, "path");

      if (path == NULL || _cc_json_str (file, "id") == NULL)
        continue;
      cc_cache_outbox_update_file_async (self->cache, entry->txn_id, path, update, NULL, NULL, NULL);
      g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_FILE_CHANGED], 0,
                     entry->txn_id, path, CC_ATTACHMENT_QUEUED, NULL, update);
    }
}

/* Uploads */

JsonObject *
_cc_outbox_next_file (const CcOutboxEntry *entry)
{
  for (guint i = 0; entry->files != NULL && i < json_array_get_length (entry->files); i++)
    {
      JsonObject *file = json_array_get_object_element (entry->files, i);

      if (file != NULL && _cc_json_str (file, "id") == NULL)
        return file;
    }
  return NULL;
}

static void
emit_file_changed (CcOutbox          *self,
                   const char        *txn_id,
                   const char        *path,
                   CcAttachmentState  state,
                   const char        *error,
                   JsonObject        *file)
{
  g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_FILE_CHANGED], 0, txn_id, path, state, error, file);
}

static void
upload_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  Upload *up = user_data;
  double fraction = total > 0 ? (double) done / (double) total : 0.0;

  /* Every percent is plenty for a progress bar. */
  if (fraction - up->reported < 0.01 && !(fraction >= 1.0 && up->reported < 1.0))
    return;
  up->reported = fraction;
  g_signal_emit (up->self, _cc_outbox_signals[CC_OUTBOX_FILE_PROGRESS], 0,
                 up->entry->txn_id, up->path, fraction);
}

static void
uploaded_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Upload *up = user_data;
  CcOutbox *self = up->self;
  g_autoptr(GError) error = NULL;

  if (cc_cache_finish_int (CC_CACHE (object), result, &error) < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not record an upload: %s", error->message);
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    _cc_outbox_send_next (self);
  upload_free (up);
}

/* The server refused the file (or it cannot be read): the whole message
 * fails with that sentence; the user retries or discards it. */
static void
fail_upload (Upload     *up,
             const char *message)
{
  CcOutbox *self = up->self;
  g_autoptr(JsonObject) update = json_object_new ();

  json_object_set_string_member (update, "error", message);
  if (up->path != NULL)
    cc_cache_outbox_update_file_async (self->cache, up->entry->txn_id, up->path, update, NULL, NULL, NULL);
  emit_file_changed (self, up->entry->txn_id, up->path, CC_ATTACHMENT_FAILED, message, NULL);
  _cc_outbox_fail (self, g_steal_pointer (&up->entry), message);
}

static void
upload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Upload *up = user_data;
  CcOutbox *self = up->self;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  answer = cc_api_upload_finish (CC_API (object), result, &status, &error);
  if (self->upload == up)
    self->upload = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      upload_free (up);
      return;
    }
  if (answer != NULL && _cc_json_str (answer, "id") != NULL)
    {
      g_autoptr(JsonObject) file = json_object_new ();

      _cc_json_merge (file, answer);
      json_object_set_string_member (file, "path", up->path);
      /* Recorded before anything else: a restart does not upload it again. */
      cc_cache_outbox_update_file_async (self->cache, up->entry->txn_id, up->path, answer,
                                         NULL, uploaded_saved_cb, up);
      if (!up->dropped)
        emit_file_changed (self, up->entry->txn_id, up->path, CC_ATTACHMENT_REMOTE, NULL, file);
      return;
    }
  if (up->dropped)
    {
      /* Taken off by the user: the rest goes on. */
      _cc_outbox_send_next (self);
      upload_free (up);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Went offline: it starts over with the next connection. */
      emit_file_changed (self, up->entry->txn_id, up->path, CC_ATTACHMENT_QUEUED, NULL, NULL);
      _cc_outbox_pause (self, 0);
      if (self->online)   /* back already */
        cc_outbox_flush (self);
      upload_free (up);
      return;
    }
  if (error != NULL && (error->domain == G_FILE_ERROR ||
                        (error->domain == CAU_ERROR && status >= 400 && status < 500 &&
                         status != 401 && status != 429)))
    {
      fail_upload (up, error->message);
      upload_free (up);
      return;
    }
  g_debug ("Upload of %s paused: %s", up->entry->txn_id, error ? error->message : "empty answer");
  emit_file_changed (self, up->entry->txn_id, up->path, CC_ATTACHMENT_QUEUED, NULL, NULL);
  _cc_outbox_pause (self, status >= 500 || status == 429 ? RETRY_DELAY_S : 0);
  upload_free (up);
}

void
_cc_outbox_start_upload (CcOutbox            *self,
                         const CcOutboxEntry *entry,
                         JsonObject          *file)
{
  g_autofree char *room = cc_api_escape (entry->room_id);
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/attachments", room);
  g_autoptr(GFile) gfile = NULL;
  Upload *up;

  up = g_new0 (Upload, 1);
  up->self = g_object_ref (self);
  up->entry = cc_outbox_entry_copy (entry);
  up->path = g_strdup (_cc_json_str (file, "path"));
  up->cancellable = g_cancellable_new ();
  self->upload = up;
  if (up->path == NULL)
    {
      fail_upload (up, _("A file of this message is missing."));
      self->upload = NULL;
      upload_free (up);
      return;
    }
  gfile = g_file_new_for_path (up->path);
  emit_file_changed (self, entry->txn_id, up->path, CC_ATTACHMENT_UPLOADING, NULL, file);
  g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_FILE_PROGRESS], 0, entry->txn_id, up->path, 0.0);
  cc_api_upload_async (self->api, path, gfile, _cc_json_str (file, "name"), _cc_json_str (file, "mime_type"),
                       upload_progress_cb, up, up->cancellable, upload_cb, up);
}

typedef struct {
  CcOutbox *self;
  char     *txn_id;
  char     *path;
} CancelData;

static void
file_removed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CancelData *data = user_data;
  CcOutbox *self = data->self;
  g_autoptr(GError) error = NULL;
  gint64 removed = cc_cache_finish_int (CC_CACHE (object), result, &error);

  if (removed < 0)
    g_warning ("Could not take a file off a message: %s", error->message);
  else if (removed > 0)
    {
      /* Nothing left to send: the message goes. */
      g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_ENTRY_REMOVED], 0, data->txn_id);
      _cc_outbox_drop_copies (self, data->txn_id, NULL);
    }
  else
    {
      FilesJob *job = g_new0 (FilesJob, 1);

      g_signal_emit (self, _cc_outbox_signals[CC_OUTBOX_FILE_REMOVED], 0, data->txn_id, data->path);
      job->path = g_strdup (data->path);
      run_files_job (self, job);
    }
  g_object_unref (data->self);
  g_free (data->txn_id);
  g_free (data->path);
  g_free (data);
}

void
cc_outbox_cancel_file (CcOutbox   *self,
                       const char *txn_id,
                       const char *path)
{
  CancelData *data;

  g_return_if_fail (CC_IS_OUTBOX (self));
  g_return_if_fail (txn_id != NULL && path != NULL);
  data = g_new0 (CancelData, 1);
  data->self = g_object_ref (self);
  data->txn_id = g_strdup (txn_id);
  data->path = g_strdup (path);
  /* Queued before the upload's end runs send_next: the next round reads
   * the entry without this file. */
  cc_cache_outbox_update_file_async (self->cache, txn_id, path, NULL, NULL, file_removed_cb, data);
  _cc_outbox_drop_upload (self, txn_id, path);
}

/* Stops the upload going out (offline, or disposing): it starts over
 * with the next round. */
void
_cc_outbox_stop_upload (CcOutbox *self)
{
  if (self->upload != NULL)
    g_cancellable_cancel (self->upload->cancellable);
}

/* Stops the upload of @txn_id (of @path, or any) for good: the user took
 * the file or the message off. */
void
_cc_outbox_drop_upload (CcOutbox   *self,
                        const char *txn_id,
                        const char *path)
{
  if (self->upload == NULL || g_strcmp0 (self->upload->entry->txn_id, txn_id) != 0 ||
      (path != NULL && g_strcmp0 (self->upload->path, path) != 0))
    return;
  self->upload->dropped = TRUE;
  g_cancellable_cancel (self->upload->cancellable);
}
