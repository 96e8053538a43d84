/* cc-cache.c: the cache's worker thread and job queue, metadata, drafts
 * and the outbox. Rooms, users, members, messages and events are in
 * cc-cache-store.c; the schema in cc-cache-schema.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cau-json.h"
#include "cc-cache-private.h"

typedef struct {
  CcCacheJobFunc  func;   /* NULL: stop the thread */
  CcCacheArgs    *args;
  GTask          *task;
} CcCacheJob;

/* Lives as long as the thread: the object may be finalized first. */
typedef struct {
  GAsyncQueue *queue;
  CcCacheDb    db;
  char        *path;
  int          opened_version;   /* written by the thread before open returns */
} CcCacheWorker;

struct _CcCache
{
  GObject        parent_instance;
  char          *path;
  GThread       *thread;
  CcCacheWorker *worker;
  int            opened_version;
};

G_DEFINE_FINAL_TYPE (CcCache, cc_cache, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (CcOutboxEntry, cc_outbox_entry, cc_outbox_entry_copy, cc_outbox_entry_free)

CcOutboxEntry *
cc_outbox_entry_copy (const CcOutboxEntry *entry)
{
  CcOutboxEntry *copy = g_new0 (CcOutboxEntry, 1);

  *copy = *entry;
  copy->txn_id = g_strdup (entry->txn_id);
  copy->room_id = g_strdup (entry->room_id);
  copy->body = g_strdup (entry->body);
  copy->reply_to = g_strdup (entry->reply_to);
  copy->error = g_strdup (entry->error);
  copy->files = entry->files ? json_array_ref (entry->files) : NULL;
  copy->context = cau_context_copy (entry->context);
  return copy;
}

void
cc_outbox_entry_free (CcOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->txn_id);
  g_free (entry->room_id);
  g_free (entry->body);
  g_free (entry->reply_to);
  g_free (entry->error);
  g_clear_pointer (&entry->files, json_array_unref);
  g_clear_pointer (&entry->context, cau_context_free);
  g_free (entry);
}

/* Worker-side helpers */

void
_cc_cache_set_error (CcCacheDb  *db,
                     GError    **error,
                     const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* TRANSLATORS: the first %s says what failed ("open the file") */
               _("Could not %s in the local data: %s"), what,
               db->db ? sqlite3_errmsg (db->db) : "not open");
}

sqlite3_stmt *
_cc_cache_db_prepare (CcCacheDb   *db,
                      const char  *sql,
                      GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->stmts, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _cc_cache_set_error (db, error, "prepare a query");
      return NULL;
    }
  /* The key points at static SQL text: every caller passes a literal. */
  g_hash_table_insert (db->stmts, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_cc_cache_db_exec (CcCacheDb   *db,
                   const char  *sql,
                   GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not update the local data: %s"), msg ? msg : "unknown error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

gboolean
_cc_cache_db_step_done (CcCacheDb     *db,
                        sqlite3_stmt  *stmt,
                        GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _cc_cache_set_error (db, error, "write");
      return FALSE;
    }
  return TRUE;
}

gboolean
_cc_cache_begin (CcCacheDb *db, GError **error)
{
  return _cc_cache_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
_cc_cache_commit (CcCacheDb *db, GError **error)
{
  return _cc_cache_db_exec (db, "COMMIT", error);
}

void
_cc_cache_rollback (CcCacheDb *db)
{
  if (!sqlite3_get_autocommit (db->db))
    _cc_cache_db_exec (db, "ROLLBACK", NULL);
}

void
_cc_cache_fail (CcCacheDb *db,
                GTask     *task,
                GError    *error)
{
  _cc_cache_rollback (db);
  g_task_return_error (task, error);
}

JsonObject *
_cc_cache_parse (const char *text)
{
  if (text == NULL)
    return NULL;
  return cau_json_parse_object (text, strlen (text), NULL);
}

CcCacheArgs *
_cc_cache_args_new (void)
{
  return g_new0 (CcCacheArgs, 1);
}

CcCacheArgs *
_cc_cache_args_for (const char *a)
{
  CcCacheArgs *args = _cc_cache_args_new ();

  args->a = g_strdup (a);
  return args;
}

static void
cc_cache_args_free (CcCacheArgs *args)
{
  if (args == NULL)
    return;
  g_free (args->a);
  g_free (args->b);
  g_free (args->c);
  g_free (args->d);
  g_clear_pointer (&args->texts, g_ptr_array_unref);
  g_free (args);
}

void
_cc_cache_args_take_objects (CcCacheArgs *args,
                             GPtrArray   *objects)
{
  args->texts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; objects != NULL && i < objects->len; i++)
    g_ptr_array_add (args->texts, cau_json_object_to_string (g_ptr_array_index (objects, i)));
}

/* The thread */

static gpointer
worker_main (gpointer data)
{
  CcCacheWorker *w = data;

  for (;;)
    {
      CcCacheJob *job = g_async_queue_pop (w->queue);

      if (job->func == NULL)
        {
          g_free (job);
          break;
        }
      if (!g_task_return_error_if_cancelled (job->task))
        job->func (&w->db, job->task, job->args);
      g_object_unref (job->task);
      cc_cache_args_free (job->args);
      g_free (job);
    }

  g_clear_pointer (&w->db.stmts, g_hash_table_unref);
  if (w->db.db != NULL)
    sqlite3_close_v2 (w->db.db);
  g_async_queue_unref (w->queue);
  g_free (w->path);
  g_free (w);
  return NULL;
}

void
_cc_cache_push (CcCache             *self,
                CcCacheJobFunc       func,
                CcCacheArgs         *args,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  CcCacheJob *job = g_new0 (CcCacheJob, 1);

  g_assert (func != NULL);
  job->func = func;
  job->args = args ? args : _cc_cache_args_new ();
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_async_queue_push (self->worker->queue, job);
}

static void
cc_cache_finalize (GObject *object)
{
  CcCache *self = CC_CACHE (object);
  CcCacheJob *stop = g_new0 (CcCacheJob, 1);

  /* Jobs queued before still run; their tasks hold a ref on us, so this
   * only happens once they are all done. */
  g_async_queue_push (self->worker->queue, stop);
  if (self->thread != g_thread_self ())
    g_thread_join (self->thread);
  else
    g_thread_unref (self->thread);
  g_free (self->path);

  G_OBJECT_CLASS (cc_cache_parent_class)->finalize (object);
}

static void
cc_cache_class_init (CcCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_cache_finalize;
}

static void
cc_cache_init (CcCache *self)
{
}

/**
 * cc_cache_new:
 * @path: the database file; its directory is created on open.
 */
CcCache *
cc_cache_new (const char *path)
{
  CcCache *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (CC_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->opened_version = -1;
  self->worker = g_new0 (CcCacheWorker, 1);
  self->worker->queue = g_async_queue_new ();
  self->worker->path = g_strdup (path);
  self->worker->db.stmts = g_hash_table_new_full (NULL, NULL, NULL,
                                                  (GDestroyNotify) sqlite3_finalize);
  self->thread = g_thread_new ("cc-cache", worker_main, self->worker);
  return self;
}

const char *
cc_cache_get_path (CcCache *self)
{
  g_return_val_if_fail (CC_IS_CACHE (self), NULL);
  return self->path;
}

int
cc_cache_get_opened_version (CcCache *self)
{
  g_return_val_if_fail (CC_IS_CACHE (self), -1);
  return self->opened_version;
}

/* Open */

static void
open_job (CcCacheDb   *db,
          GTask       *task,
          CcCacheArgs *args)
{
  g_autofree char *dir = g_path_get_dirname (args->a);
  GError *error = NULL;
  int old_version = 0;

  if (db->db != NULL)
    {
      g_task_return_int (task, -2);
      return;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               _("Could not create the folder %s: %s"), dir, g_strerror (saved));
      return;
    }
  if (sqlite3_open_v2 (args->a, &db->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      _cc_cache_set_error (db, &error, "open the file");
      g_clear_pointer (&db->db, sqlite3_close_v2);
      g_task_return_error (task, error);
      return;
    }
  sqlite3_busy_timeout (db->db, 5000);
  /* WAL with synchronous=NORMAL: a committed row survives a crash of the
   * app; drafts and the outbox rely on that. */
  /* The page cache is the connection's and lives as long as the app: 512
   * KiB holds the b-tree pages a page of messages walks, the rest comes from
   * the system's file cache. The default (2 MiB) filled up as one scrolled
   * through a long room and stayed (tests/bench, bench-ui: RSS). */
  if (!_cc_cache_db_exec (db, "PRAGMA journal_mode = WAL;"
                              "PRAGMA synchronous = NORMAL;"
                              "PRAGMA foreign_keys = ON;"
                              "PRAGMA cache_size = -512;", &error) ||
      !_cc_cache_migrate (db, &old_version, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, old_version);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  CcCache *self = CC_CACHE (object);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gssize version = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (version >= 0)
    self->opened_version = (int) version;
  g_task_return_boolean (task, TRUE);
}

void
cc_cache_open_async (CcCache             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_cache_open_async);
  args = _cc_cache_args_new ();
  args->a = g_strdup (self->path);
  _cc_cache_push (self, open_job, args, cc_cache_open_async, NULL, open_cb, task);
}

gboolean
cc_cache_open_finish (CcCache       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  return cc_cache_finish (self, result, error);
}

/* Generic finishers */

static gpointer
finish_pointer (CcCache       *self,
                GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
cc_cache_finish (CcCache       *self,
                 GAsyncResult  *result,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GPtrArray *
cc_cache_finish_array (CcCache       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return finish_pointer (self, result, error);
}

char *
cc_cache_finish_string (CcCache       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return finish_pointer (self, result, error);
}

gint64
cc_cache_finish_int (CcCache       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  GValue value = G_VALUE_INIT;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  if (!g_task_propagate_value (G_TASK (result), &value, error))
    return -1;
  return g_value_get_int64 (&value);
}

void
_cc_cache_return_int64 (GTask  *task,
                        gint64  n)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, n);
  g_task_return_value (task, &value);
  g_value_unset (&value);
}

/* Metadata */

static void
get_meta_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;
  char *value = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "SELECT value FROM meta WHERE key = ?", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_task_return_pointer (task, value, g_free);
}

static gboolean
set_meta (CcCacheDb   *db,
          const char  *key,
          const char  *value,
          GError     **error)
{
  sqlite3_stmt *stmt;

  if (value == NULL)
    stmt = _cc_cache_db_prepare (db, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = _cc_cache_db_prepare (db, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                     "ON CONFLICT (key) DO UPDATE SET value = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return _cc_cache_db_step_done (db, stmt, error);
}

static void
set_meta_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!set_meta (db, args->a, args->b, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
cc_cache_set_meta_async (CcCache *self, const char *key, const char *value,
                         GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (key != NULL);
  args = _cc_cache_args_for (key);
  args->b = g_strdup (value);
  _cc_cache_push (self, set_meta_job, args, cc_cache_set_meta_async, cancellable, callback, user_data);
}

void
cc_cache_get_meta_async (CcCache *self, const char *key,
                         GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (key != NULL);
  args = _cc_cache_args_for (key);
  _cc_cache_push (self, get_meta_job, args, cc_cache_get_meta_async, cancellable, callback, user_data);
}

static gint64
get_last_seq (CcCacheDb *db)
{
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "SELECT value FROM meta WHERE key = 'last_seq'", NULL);
  gint64 seq = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    seq = g_ascii_strtoll ((const char *) sqlite3_column_text (stmt, 0), NULL, 10);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return seq;
}

gboolean
_cc_cache_set_last_seq (CcCacheDb  *db,
                        gint64      seq,
                        GError    **error)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, seq);
  return set_meta (db, "last_seq", buf, error);
}

static void
get_last_seq_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  CC_CACHE_CHECK_OPEN (db, task);
  _cc_cache_return_int64 (task, get_last_seq (db));
}

static void
set_last_seq_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!_cc_cache_set_last_seq (db, args->n, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
cc_cache_get_last_seq_async (CcCache *self,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CC_IS_CACHE (self));
  _cc_cache_push (self, get_last_seq_job, NULL, cc_cache_get_last_seq_async, cancellable, callback, user_data);
}

void
cc_cache_set_last_seq_async (CcCache *self, gint64 seq,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  args = _cc_cache_args_new ();
  args->n = seq;
  _cc_cache_push (self, set_last_seq_job, args, cc_cache_set_last_seq_async, cancellable, callback, user_data);
}
