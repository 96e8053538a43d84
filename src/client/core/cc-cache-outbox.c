/* cc-cache-outbox.c: the cache's drafts and outbox tables: what the user
 * typed and the server does not have yet.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include "cau-time.h"
#include "cc-cache-private.h"

/* Drafts */

static void
save_draft_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  if (args->b == NULL || args->b[0] == '\0')
    stmt = _cc_cache_db_prepare (db, "DELETE FROM drafts WHERE room_id = ?1", &error);
  else
    stmt = _cc_cache_db_prepare (db, "INSERT INTO drafts (room_id, body, updated_at) VALUES (?1, ?2, ?3) "
                                     "ON CONFLICT (room_id) DO UPDATE SET body = ?2, updated_at = ?3",
                                 &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  if (args->b != NULL && args->b[0] != '\0')
    {
      sqlite3_bind_text (stmt, 2, args->b, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, args->n);
    }
  if (!_cc_cache_db_step_done (db, stmt, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
load_draft_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;
  char *body = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "SELECT body FROM drafts WHERE room_id = ?", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    body = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_task_return_pointer (task, body, g_free);
}

/**
 * cc_cache_save_draft_async:
 *
 * Saves the composer text of @room_id. Jobs run in order, so the last call
 * wins; the row is committed when the callback runs.
 */
void
cc_cache_save_draft_async (CcCache *self, const char *room_id, const char *text,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = _cc_cache_args_for (room_id);
  args->b = g_strdup (text);
  args->n = cau_time_now_ms ();
  _cc_cache_push (self, save_draft_job, args, cc_cache_save_draft_async, cancellable, callback, user_data);
}

void
cc_cache_load_draft_async (CcCache *self, const char *room_id,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = _cc_cache_args_for (room_id);
  _cc_cache_push (self, load_draft_job, args, cc_cache_load_draft_async, cancellable, callback, user_data);
}

/* Outbox */

static void
outbox_add_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "INSERT INTO outbox (txn_id, room_id, body, reply_to, created_at, state) "
                                   "VALUES (?, ?, ?, ?, ?, 0)", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, args->b, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, args->c, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, args->d, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, args->n);
  if (!_cc_cache_db_step_done (db, stmt, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _cc_cache_return_int64 (task, sqlite3_last_insert_rowid (db->db));
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static void
outbox_list_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) cc_outbox_entry_free);
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "SELECT id, txn_id, room_id, body, reply_to, state, error, "
                                   "created_at, attempts FROM outbox "
                                   "WHERE ?1 IS NULL OR room_id = ?1 ORDER BY id", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CcOutboxEntry *entry = g_new0 (CcOutboxEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->txn_id = column_dup (stmt, 1);
      entry->room_id = column_dup (stmt, 2);
      entry->body = column_dup (stmt, 3);
      entry->reply_to = column_dup (stmt, 4);
      entry->state = sqlite3_column_int (stmt, 5) == CC_MESSAGE_STATE_FAILED
                     ? CC_MESSAGE_STATE_FAILED : CC_MESSAGE_STATE_PENDING;
      entry->error = column_dup (stmt, 6);
      entry->created_at = sqlite3_column_int64 (stmt, 7);
      entry->attempts = sqlite3_column_int (stmt, 8);
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);
  g_task_return_pointer (task, g_steal_pointer (&entries), (GDestroyNotify) g_ptr_array_unref);
}

static void
outbox_set_state_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "UPDATE outbox SET state = ?2, error = ?3, "
                                   "attempts = attempts + (?2 = 2) WHERE txn_id = ?1", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, (int) args->n);
  sqlite3_bind_text (stmt, 3, args->b, -1, SQLITE_STATIC);
  if (!_cc_cache_db_step_done (db, stmt, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, sqlite3_changes (db->db) > 0);
}

static void
outbox_remove_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "DELETE FROM outbox WHERE txn_id = ?", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  if (!_cc_cache_db_step_done (db, stmt, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, sqlite3_changes (db->db) > 0);
}

void
cc_cache_outbox_add_async (CcCache *self, const char *txn_id, const char *room_id,
                           const char *body, const char *reply_to, gint64 created_at,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (txn_id != NULL && room_id != NULL && body != NULL);
  args = _cc_cache_args_for (txn_id);
  args->b = g_strdup (room_id);
  args->c = g_strdup (body);
  args->d = g_strdup (reply_to);
  args->n = created_at;
  _cc_cache_push (self, outbox_add_job, args, cc_cache_outbox_add_async, cancellable, callback, user_data);
}

void
cc_cache_outbox_list_async (CcCache *self, const char *room_id,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  args = _cc_cache_args_for (room_id);
  _cc_cache_push (self, outbox_list_job, args, cc_cache_outbox_list_async, cancellable, callback, user_data);
}

/* finish (cc_cache_finish) is TRUE when the entry exists. */
void
cc_cache_outbox_set_state_async (CcCache *self, const char *txn_id, CcMessageState state,
                                 const char *error,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (txn_id != NULL);
  g_return_if_fail (state != CC_MESSAGE_STATE_STORED);
  args = _cc_cache_args_for (txn_id);
  args->b = g_strdup (error);
  args->n = state;
  _cc_cache_push (self, outbox_set_state_job, args, cc_cache_outbox_set_state_async,
                  cancellable, callback, user_data);
}

/* finish (cc_cache_finish) is TRUE when an entry was removed. */
void
cc_cache_outbox_remove_async (CcCache *self, const char *txn_id,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (txn_id != NULL);
  args = _cc_cache_args_for (txn_id);
  _cc_cache_push (self, outbox_remove_job, args, cc_cache_outbox_remove_async,
                  cancellable, callback, user_data);
}
