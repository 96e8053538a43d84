/* cc-file-cache.c: attachments and thumbnails on disk under a size cap;
 * the UI's copies of opened files removed once unused for a day.
 * Every file operation runs in a GIO worker thread; the object itself
 * lives on its owner's thread.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-file-cache"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cc-file-cache.h"

struct _CcFileCache
{
  GObject       parent_instance;
  char         *dir;
  char         *opened_dir;  /* nullable: the UI's named copies */
  guint64       cap;
  GHashTable   *fetches;     /* file name -> Fetch */
  GCancellable *cancellable;
  gboolean      trimming;
  gboolean      trim_again;
};

G_DEFINE_FINAL_TYPE (CcFileCache, cc_file_cache, G_TYPE_OBJECT)

/* How long the UI's copy of an opened file stays once unused. */
#define OPENED_MAX_AGE_S (24 * 60 * 60)

/* One download shared by every caller that wants the same file. */
typedef struct {
  CcFileCache  *self;
  char         *name;
  GFile        *file;
  GCancellable *cancellable;
  GPtrArray    *waiters;   /* GTask */
  gboolean      adopting;  /* the file comes from our outbox, not the server */
  CcApi        *api;       /* while adopting: for a download if that fails */
  char         *api_path;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->file);
  g_clear_object (&fetch->cancellable);
  g_clear_pointer (&fetch->waiters, g_ptr_array_unref);
  g_clear_object (&fetch->api);
  g_free (fetch->api_path);
  g_free (fetch->name);
  g_free (fetch);
}

static void
cc_file_cache_dispose (GObject *object)
{
  CcFileCache *self = CC_FILE_CACHE (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (cc_file_cache_parent_class)->dispose (object);
}

static void
cc_file_cache_finalize (GObject *object)
{
  CcFileCache *self = CC_FILE_CACHE (object);

  g_hash_table_unref (self->fetches);
  g_clear_object (&self->cancellable);
  g_free (self->dir);
  g_free (self->opened_dir);
  G_OBJECT_CLASS (cc_file_cache_parent_class)->finalize (object);
}

static void
cc_file_cache_class_init (CcFileCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cc_file_cache_dispose;
  G_OBJECT_CLASS (klass)->finalize = cc_file_cache_finalize;
}

static void
cc_file_cache_init (CcFileCache *self)
{
  self->cap = CC_FILE_CACHE_DEFAULT_CAP;
  self->fetches = g_hash_table_new (g_str_hash, g_str_equal);
  self->cancellable = g_cancellable_new ();
}

CcFileCache *
cc_file_cache_new (const char *dir)
{
  CcFileCache *self;

  g_return_val_if_fail (dir != NULL, NULL);
  self = g_object_new (CC_TYPE_FILE_CACHE, NULL);
  self->dir = g_strdup (dir);
  return self;
}

const char *
cc_file_cache_get_dir (CcFileCache *self)
{
  g_return_val_if_fail (CC_IS_FILE_CACHE (self), NULL);
  return self->dir;
}

guint64
cc_file_cache_get_cap (CcFileCache *self)
{
  g_return_val_if_fail (CC_IS_FILE_CACHE (self), 0);
  return self->cap;
}

void
cc_file_cache_set_cap (CcFileCache *self,
                       guint64      bytes)
{
  g_return_if_fail (CC_IS_FILE_CACHE (self));
  self->cap = bytes;
  cc_file_cache_trim (self);
}

void
cc_file_cache_set_opened_dir (CcFileCache *self,
                              const char  *dir)
{
  g_return_if_fail (CC_IS_FILE_CACHE (self));
  g_free (self->opened_dir);
  self->opened_dir = g_strdup (dir);
}

const char *
cc_file_cache_get_opened_dir (CcFileCache *self)
{
  g_return_val_if_fail (CC_IS_FILE_CACHE (self), NULL);
  return self->opened_dir;
}

/* Ids are opaque: anything but [A-Za-z0-9_-] is hex-escaped so an id can
 * never name a path outside the cache. */
static char *
file_name (const char *id,
           gboolean    thumbnail)
{
  GString *name = g_string_new (NULL);

  for (const char *p = id; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_')
        g_string_append_c (name, *p);
      else
        g_string_append_printf (name, "%%%02X", (guchar) *p);
    }
  if (thumbnail)
    g_string_append (name, ".thumb");
  return g_string_free (name, FALSE);
}

GFile *
cc_file_cache_get_file (CcFileCache *self,
                        const char  *id,
                        gboolean     thumbnail)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (CC_IS_FILE_CACHE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  name = file_name (id, thumbnail);
  return g_file_new_build_filename (self->dir, name, NULL);
}

/* Marks a file as just used: eviction goes by modification time. */
static gboolean
touch (const char *path)
{
  return utimensat (AT_FDCWD, path, NULL, 0) == 0;
}

/* Trimming */

typedef struct {
  char    *name;
  guint64  size;
  gint64   mtime;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return ea->mtime < eb->mtime ? -1 : ea->mtime > eb->mtime ? 1 : g_strcmp0 (ea->name, eb->name);
}

typedef struct {
  char    *dir;
  char    *opened_dir;   /* nullable */
  guint64  cap;
  GStrv    busy;     /* names being written now */
} TrimJob;

static void
trim_job_free (TrimJob *job)
{
  g_free (job->dir);
  g_free (job->opened_dir);
  g_strfreev (job->busy);
  g_free (job);
}

static gint64
mtime_usec (const GStatBuf *st)
{
  return (gint64) st->st_mtime * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;
}

/* TRUE when @path exists and was modified (or, in the cache, used) since @since. */
static gboolean
used_since (const char *path,
            gint64      since)
{
  GStatBuf st;

  return g_lstat (path, &st) == 0 && mtime_usec (&st) >= since;
}

/* The UI's named copies of the files it opens ("<opened>/<id>/<name>")
 * are not part of the cap. An entry goes once neither it nor the cached
 * file it was copied from has been used for a day; the age of the folder
 * itself keeps one just made for a copy on its way. */
static void
clean_opened (const char *opened_dir,
              const char *files_dir)
{
  g_autoptr(GDir) dir = g_dir_open (opened_dir, 0, NULL);
  gint64 since = g_get_real_time () - (gint64) OPENED_MAX_AGE_S * G_USEC_PER_SEC;
  guint removed = 0;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (opened_dir, name, NULL);
      g_autofree char *cached_name = file_name (name, FALSE);
      g_autofree char *cached = g_build_filename (files_dir, cached_name, NULL);
      g_autoptr(GDir) entry = NULL;
      const char *copy;

      if (used_since (path, since) || used_since (cached, since))
        continue;
      if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        {
          removed += g_unlink (path) == 0;
          continue;
        }
      entry = g_dir_open (path, 0, NULL);
      while (entry != NULL && (copy = g_dir_read_name (entry)) != NULL)
        {
          g_autofree char *copy_path = g_build_filename (path, copy, NULL);
          GStatBuf st;

          if (g_lstat (copy_path, &st) == 0 && !S_ISDIR (st.st_mode) && mtime_usec (&st) < since)
            removed += g_unlink (copy_path) == 0;
        }
      g_rmdir (path);   /* only when nothing new is in it */
    }
  if (removed > 0)
    g_debug ("Removed %u copies of opened files", removed);
}

static void
trim_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  TrimJob *job = data;
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GDir) dir = g_dir_open (job->dir, 0, NULL);
  guint64 total = 0;
  guint removed = 0;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (job->dir, name, NULL);
      GStatBuf st;
      Entry e;

      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      e.name = g_strdup (name);
      e.size = (guint64) st.st_size;
      e.mtime = mtime_usec (&st);
      total += e.size;
      g_array_append_val (entries, e);
    }
  g_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);

      if (total > job->cap && (job->busy == NULL || !g_strv_contains ((const char * const *) job->busy, e->name)))
        {
          g_autofree char *path = g_build_filename (job->dir, e->name, NULL);

          if (g_unlink (path) == 0)
            {
              total -= e->size;
              removed++;
            }
        }
      g_free (e->name);
    }
  if (removed > 0)
    g_debug ("Evicted %u files from the file cache (%" G_GUINT64_FORMAT " bytes left)", removed, total);
  if (job->opened_dir != NULL)
    clean_opened (job->opened_dir, job->dir);
  g_task_return_boolean (task, TRUE);
}

static void start_trim (CcFileCache *self);

static void
trim_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CcFileCache *self = CC_FILE_CACHE (object);

  g_task_propagate_boolean (G_TASK (result), NULL);
  self->trimming = FALSE;
  if (self->trim_again)
    start_trim (self);
}

static void
start_trim (CcFileCache *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GStrvBuilder) busy = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key;
  TrimJob *job;

  self->trimming = TRUE;
  self->trim_again = FALSE;
  g_hash_table_iter_init (&iter, self->fetches);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *part = g_strconcat (key, ".part", NULL);

      g_strv_builder_add (busy, key);
      g_strv_builder_add (busy, part);
    }
  job = g_new0 (TrimJob, 1);
  job->dir = g_strdup (self->dir);
  job->opened_dir = g_strdup (self->opened_dir);
  job->cap = self->cap;
  job->busy = g_strv_builder_end (busy);
  task = g_task_new (self, NULL, trim_done_cb, NULL);
  g_task_set_source_tag (task, start_trim);
  g_task_set_task_data (task, job, (GDestroyNotify) trim_job_free);
  g_task_run_in_thread (task, trim_thread);
}

void
cc_file_cache_shutdown (CcFileCache *self)
{
  g_return_if_fail (CC_IS_FILE_CACHE (self));
  g_cancellable_cancel (self->cancellable);
}

void
cc_file_cache_trim (CcFileCache *self)
{
  g_return_if_fail (CC_IS_FILE_CACHE (self));
  if (self->trimming)
    self->trim_again = TRUE;
  else
    start_trim (self);
}

/* Fetching */

typedef struct {
  char *path;
  char *dir;
  char *local;   /* nullable: a copy of ours that may still be there */
} LookupJob;

static void
lookup_job_free (LookupJob *job)
{
  g_free (job->path);
  g_free (job->dir);
  g_free (job->local);
  g_free (job);
}

/* Copies @local (our own copy of a file we sent, still in the outbox)
 * into the cache as @dest, through a .part file like a download. */
static gboolean
copy_local (const char *local,
            const char *dest)
{
  g_autofree char *part_path = g_strconcat (dest, ".part", NULL);
  g_autoptr(GFile) src = g_file_new_for_path (local);
  g_autoptr(GFile) part = g_file_new_for_path (part_path);
  g_autoptr(GFile) to = g_file_new_for_path (dest);

  if (!g_file_copy (src, part, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL))
    return FALSE;
  if (!g_file_move (part, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL))
    {
      g_file_delete (part, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/* TRUE when the file is cached (and now touched), or our own copy could be
 * taken; makes the directory otherwise, ready for a download. */
static void
lookup_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  LookupJob *job = data;

  if (touch (job->path))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_mkdir_with_parents (job->dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               _("Could not create the folder for downloaded files: %s"), g_strerror (saved));
      return;
    }
  /* Our copy may have just moved in (adopted) under our feet: look again. */
  g_task_return_boolean (task, job->local != NULL && (copy_local (job->local, job->path) || touch (job->path)));
}

static void
fetch_finish_all (Fetch  *fetch,
                  GError *error)
{
  CcFileCache *self = fetch->self;

  g_hash_table_remove (self->fetches, fetch->name);
  for (guint i = 0; i < fetch->waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (fetch->waiters, i);

      if (g_task_return_error_if_cancelled (task))
        continue;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_object_ref (fetch->file), g_object_unref);
    }
  g_object_unref (self);
  fetch_free (fetch);
}

static void
downloaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(CcFileCache) self = g_object_ref (fetch->self);   /* past fetch_finish_all */
  g_autoptr(GError) error = NULL;

  cc_api_download_finish (CC_API (object), result, &error);
  fetch_finish_all (fetch, error);
  if (error == NULL && !g_cancellable_is_cancelled (self->cancellable))
    cc_file_cache_trim (self);
}

typedef struct {
  Fetch *fetch;
  CcApi *api;
  char  *path;   /* API path */
} FetchStart;


static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  FetchStart *start = user_data;
  Fetch *fetch = start->fetch;
  g_autoptr(GError) error = NULL;
  gboolean cached = g_task_propagate_boolean (G_TASK (result), &error);

  if (cached || error != NULL || g_cancellable_is_cancelled (fetch->cancellable))
    {
      if (error == NULL && !cached)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      fetch_finish_all (fetch, error);
    }
  else
    {
      g_autofree char *part_path = g_strconcat (g_file_peek_path (fetch->file), ".part", NULL);
      g_autoptr(GFile) part = g_file_new_for_path (part_path);

      cc_api_download_async (start->api, start->path, fetch->file, part, fetch->cancellable,
                             downloaded_cb, fetch);
    }
  g_object_unref (start->api);
  g_free (start->path);
  g_free (start);
}

/* A caller gave up: the download stops when nobody waits for it any more. */
static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Fetch *fetch = user_data;

  for (guint i = 0; i < fetch->waiters->len; i++)
    {
      GCancellable *c = g_task_get_cancellable (g_ptr_array_index (fetch->waiters, i));

      if (c == NULL || !g_cancellable_is_cancelled (c))
        return;
    }
  g_cancellable_cancel (fetch->cancellable);
}

static void
disconnect_waiter (gpointer data)
{
  GTask *task = data;
  GCancellable *c = g_task_get_cancellable (task);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "cc-cancel-id"));

  if (c != NULL && id != 0)
    g_cancellable_disconnect (c, id);
  g_object_unref (task);
}

static Fetch *
fetch_new (CcFileCache *self,
           const char  *name)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = g_object_ref (self);
  fetch->name = g_strdup (name);
  fetch->file = g_file_new_build_filename (self->dir, name, NULL);
  fetch->cancellable = g_cancellable_new ();
  fetch->waiters = g_ptr_array_new_with_free_func (disconnect_waiter);
  g_hash_table_insert (self->fetches, fetch->name, fetch);
  /* Disposing the cache stops its downloads. */
  g_signal_connect_object (self->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           fetch->cancellable, G_CONNECT_SWAPPED);
  return fetch;
}

static char *
api_path_for (const char *id,
              gboolean    thumbnail)
{
  g_autofree char *escaped = cc_api_escape (id);

  return g_strconcat ("/api/attachments/", escaped, thumbnail ? "/thumbnail" : "", NULL);
}

/* Looks in the cache (a worker thread), then downloads when missing. */
static void
fetch_start (Fetch      *fetch,
             CcApi      *api,
             const char *api_path,
             const char *local)
{
  FetchStart *start = g_new0 (FetchStart, 1);
  LookupJob *job = g_new0 (LookupJob, 1);
  g_autoptr(GTask) lookup = NULL;

  start->fetch = fetch;
  start->api = g_object_ref (api);
  start->path = g_strdup (api_path);
  job->path = g_file_get_path (fetch->file);
  job->dir = g_strdup (fetch->self->dir);
  job->local = g_strdup (local);
  lookup = g_task_new (NULL, NULL, looked_up_cb, start);
  g_task_set_source_tag (lookup, fetch_start);
  g_task_set_task_data (lookup, job, (GDestroyNotify) lookup_job_free);
  g_task_run_in_thread (lookup, lookup_thread);
}

void
cc_file_cache_fetch_async (CcFileCache         *self,
                           CcApi               *api,
                           const char          *id,
                           gboolean             thumbnail,
                           const char          *local,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *name = NULL;
  g_autofree char *api_path = NULL;
  GTask *task;
  Fetch *fetch;
  gulong handler;

  g_return_if_fail (CC_IS_FILE_CACHE (self));
  g_return_if_fail (CC_IS_API (api));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_file_cache_fetch_async);
  name = file_name (id, thumbnail);
  api_path = api_path_for (id, thumbnail);

  fetch = g_hash_table_lookup (self->fetches, name);
  if (fetch == NULL)
    {
      fetch = fetch_new (self, name);
      fetch_start (fetch, api, api_path, thumbnail ? NULL : local);
    }
  else if (fetch->adopting && fetch->api == NULL)
    {
      fetch->api = g_object_ref (api);
      fetch->api_path = g_steal_pointer (&api_path);
    }
  g_ptr_array_add (fetch->waiters, task);
  if (cancellable != NULL)
    {
      handler = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb), fetch, NULL);
      g_object_set_data (G_OBJECT (task), "cc-cancel-id", GSIZE_TO_POINTER (handler));
    }
}

GFile *
cc_file_cache_fetch_finish (CcFileCache   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * cc_file_cache_adopt_begin:
 *
 * Announces that the file of attachment @id is about to be moved in from
 * the outbox (cc_file_cache_adopt_sync() in a worker thread): fetches of
 * it wait for cc_file_cache_adopt_done() instead of downloading. (A fetch
 * already under way goes on; the file it writes is the same.)
 */
gboolean
cc_file_cache_adopt_begin (CcFileCache *self,
                           const char  *id)
{
  g_autofree char *name = NULL;
  Fetch *fetch;

  g_return_val_if_fail (CC_IS_FILE_CACHE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  name = file_name (id, FALSE);
  if (!g_hash_table_contains (self->fetches, name))
    {
      fetch = fetch_new (self, name);
      fetch->adopting = TRUE;
    }
  return TRUE;
}

void
cc_file_cache_adopt_done (CcFileCache *self,
                          const char  *id,
                          gboolean     ok)
{
  g_autofree char *name = NULL;
  Fetch *fetch;

  g_return_if_fail (CC_IS_FILE_CACHE (self));
  g_return_if_fail (id != NULL);
  name = file_name (id, FALSE);
  fetch = g_hash_table_lookup (self->fetches, name);
  if (fetch == NULL || !fetch->adopting)
    return;

  fetch->adopting = FALSE;
  if (!ok && fetch->api != NULL && !g_cancellable_is_cancelled (fetch->cancellable))
    {
      /* Someone waits for it: from the server after all. */
      fetch_start (fetch, fetch->api, fetch->api_path, NULL);
      return;
    }
  if (ok)
    fetch_finish_all (fetch, NULL);
  else
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");

      fetch_finish_all (fetch, error);
    }
}

void
cc_file_cache_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        cc_file_cache_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

gboolean
cc_file_cache_adopt_sync (const char *dir,
                          const char *path,
                          const char *id)
{
  g_autofree char *name = file_name (id, FALSE);
  g_autofree char *dest = g_build_filename (dir, name, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return FALSE;
  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    return touch (dest);
  if (g_rename (path, dest) == 0)
    return touch (dest);
  /* Another file system: copy, then the caller removes the original. */
  return copy_local (path, dest) && touch (dest);
}
