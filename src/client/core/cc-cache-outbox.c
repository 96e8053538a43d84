/* cc-cache-outbox.c: the cache's drafts and outbox tables: what the user
 * typed and the server does not have yet.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include <string.h>

#include "cau-json.h"
#include "cau-time.h"
#include "cc-cache-private.h"
#include "cc-json-private.h"

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

static void
load_drafts_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *drafts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "SELECT room_id, body FROM drafts", &error);
  if (stmt == NULL)
    {
      g_ptr_array_unref (drafts);
      g_task_return_error (task, error);
      return;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *draft = json_object_new ();

      json_object_set_string_member (draft, "room_id", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (draft, "body", (const char *) sqlite3_column_text (stmt, 1));
      g_ptr_array_add (drafts, draft);
    }
  sqlite3_reset (stmt);
  g_task_return_pointer (task, drafts, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * cc_cache_load_drafts_async:
 *
 * Every room's draft, as {room_id, body} (cc_cache_finish_array()).
 */
void
cc_cache_load_drafts_async (CcCache *self,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CC_IS_CACHE (self));
  _cc_cache_push (self, load_drafts_job, _cc_cache_args_for (NULL), cc_cache_load_drafts_async,
                  cancellable, callback, user_data);
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
  stmt = _cc_cache_db_prepare (db, "INSERT INTO outbox (txn_id, room_id, body, reply_to, created_at, state, files, context) "
                                   "VALUES (?, ?, ?, ?, ?, 0, ?, ?)", &error);
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
  /* texts: the files' JSON text, then the context's, each or NULL. */
  sqlite3_bind_text (stmt, 6, g_ptr_array_index (args->texts, 0), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, g_ptr_array_index (args->texts, 1), -1, SQLITE_STATIC);
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

static JsonArray *
parse_files (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (text == NULL)
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  return json_array_ref (json_node_get_array (root));
}

static CauContext *
parse_context (const char *text)
{
  g_autoptr(JsonObject) object = text ? _cc_cache_parse (text) : NULL;

  return object ? cau_context_from_json (object, NULL) : NULL;
}

static char *
files_to_string (JsonArray *files)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, files);
  return json_to_string (node, FALSE);
}

static void
outbox_list_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) cc_outbox_entry_free);
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, "SELECT id, txn_id, room_id, body, reply_to, state, error, "
                                   "created_at, attempts, files, context FROM outbox "
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
      entry->files = parse_files ((const char *) sqlite3_column_text (stmt, 9));
      entry->context = parse_context ((const char *) sqlite3_column_text (stmt, 10));
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);
  g_task_return_pointer (task, g_steal_pointer (&entries), (GDestroyNotify) g_ptr_array_unref);
}

static JsonArray *
load_files (CcCacheDb   *db,
            const char  *txn_id,
            char       **out_body,
            gboolean    *out_found,
            GError     **error)
{
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "SELECT files, body FROM outbox WHERE txn_id = ?", error);
  JsonArray *files = NULL;

  *out_found = FALSE;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, txn_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *out_found = TRUE;
      files = parse_files ((const char *) sqlite3_column_text (stmt, 0));
      if (out_body != NULL)
        *out_body = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  return files;
}

static gboolean
store_files (CcCacheDb   *db,
             const char  *txn_id,
             JsonArray   *files,
             GError     **error)
{
  g_autofree char *text = files ? files_to_string (files) : NULL;
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "UPDATE outbox SET files = ?2 WHERE txn_id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, txn_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  return _cc_cache_db_step_done (db, stmt, error);
}

/* A retried entry starts again: no file of it is refused any more. */
static gboolean
clear_file_errors (CcCacheDb   *db,
                   const char  *txn_id,
                   GError     **error)
{
  g_autoptr(JsonArray) files = NULL;
  gboolean found, changed = FALSE;

  files = load_files (db, txn_id, NULL, &found, error);
  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (file != NULL && json_object_has_member (file, "error"))
        {
          json_object_remove_member (file, "error");
          changed = TRUE;
        }
    }
  return !changed || store_files (db, txn_id, files, error);
}

static void
outbox_update_file_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  g_autoptr(JsonObject) update = _cc_cache_parse (args->c);
  g_autoptr(JsonArray) files = NULL;
  g_autoptr(JsonArray) kept = json_array_new ();
  g_autofree char *body = NULL;
  GError *error = NULL;
  gboolean found;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!_cc_cache_begin (db, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  files = load_files (db, args->a, &body, &found, &error);
  if (error != NULL || !found)
    {
      _cc_cache_rollback (db);
      if (error != NULL)
        g_task_return_error (task, error);
      else
        _cc_cache_return_int64 (task, 0);
      return;
    }
  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (file == NULL)
        continue;
      if (g_strcmp0 (_cc_json_str (file, "path"), args->b) != 0)
        json_array_add_object_element (kept, json_object_ref (file));
      else if (update != NULL)
        {
          g_autoptr(JsonObject) merged = _cc_cache_merge (file, update);

          /* Only the server's answer may say where the copy lives. */
          json_object_set_string_member (merged, "path", args->b);
          if (_cc_json_str (update, "id") != NULL)
            json_object_remove_member (merged, "error");
          json_array_add_object_element (kept, g_steal_pointer (&merged));
        }
    }

  if (json_array_get_length (kept) == 0 && (body == NULL || body[0] == '\0'))
    {
      sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "DELETE FROM outbox WHERE txn_id = ?", &error);

      if (stmt != NULL)
        {
          sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
          _cc_cache_db_step_done (db, stmt, &error);
        }
      if (error == NULL && _cc_cache_commit (db, &error))
        {
          _cc_cache_return_int64 (task, 1);
          return;
        }
      _cc_cache_fail (db, task, error);
      return;
    }
  if (!store_files (db, args->a, kept, &error) || !_cc_cache_commit (db, &error))
    {
      _cc_cache_fail (db, task, error);
      return;
    }
  _cc_cache_return_int64 (task, 0);
}

static void
outbox_set_state_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;
  gboolean changed;

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
    {
      g_task_return_error (task, error);
      return;
    }
  changed = sqlite3_changes (db->db) > 0;
  if (args->n == CC_MESSAGE_STATE_PENDING && changed && !clear_file_errors (db, args->a, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, changed);
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
  cc_cache_outbox_add_files_async (self, txn_id, room_id, body, reply_to, created_at, NULL,
                                   cancellable, callback, user_data);
}

void
cc_cache_outbox_add_files_async (CcCache *self, const char *txn_id, const char *room_id,
                                 const char *body, const char *reply_to, gint64 created_at,
                                 JsonArray *files,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  cc_cache_outbox_add_cited_async (self, txn_id, room_id, body, reply_to, created_at, files, NULL,
                                   cancellable, callback, user_data);
}

void
cc_cache_outbox_add_cited_async (CcCache *self, const char *txn_id, const char *room_id,
                                 const char *body, const char *reply_to, gint64 created_at,
                                 JsonArray *files, const CauContext *context,
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
  args->texts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (args->texts, files != NULL && json_array_get_length (files) > 0 ? files_to_string (files) : NULL);
  g_ptr_array_add (args->texts, context ? cau_context_to_string (context) : NULL);
  _cc_cache_push (self, outbox_add_job, args, cc_cache_outbox_add_cited_async, cancellable, callback, user_data);
}

void
cc_cache_outbox_update_file_async (CcCache *self, const char *txn_id, const char *path,
                                   JsonObject *update,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (txn_id != NULL && path != NULL);
  args = _cc_cache_args_for (txn_id);
  args->b = g_strdup (path);
  args->c = update ? cau_json_object_to_string (update) : NULL;
  _cc_cache_push (self, outbox_update_file_job, args, cc_cache_outbox_update_file_async,
                  cancellable, callback, user_data);
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
