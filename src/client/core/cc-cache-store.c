/* cc-cache-store.c: the cache's jobs and public calls for rooms, users,
 * members and messages. Row operations are in cc-cache-rows.c, stored
 * events in cc-cache-events.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include <string.h>

#include "cau-json.h"
#include "cc-cache-private.h"
#include "cc-json-private.h"

/* Jobs */

typedef gboolean (*UpsertFunc) (CcCacheDb *db, JsonObject *obj, GError **error);

void
_cc_cache_return_done (CcCacheDb *db,
             GTask     *task,
             GError    *error)
{
  if (error != NULL)
    _cc_cache_fail (db, task, error);
  else if (!_cc_cache_commit (db, &error))
    _cc_cache_fail (db, task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
save_all (CcCacheDb   *db,
          GTask       *task,
          CcCacheArgs *args,
          UpsertFunc   upsert)
{
  GError *error = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!_cc_cache_begin (db, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; error == NULL && i < args->texts->len; i++)
    {
      g_autoptr(JsonObject) obj = _cc_cache_parse (g_ptr_array_index (args->texts, i));

      if (obj != NULL)
        upsert (db, obj, &error);
    }
  _cc_cache_return_done (db, task, error);
}

static void
save_rooms_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) drop = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!_cc_cache_begin (db, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; error == NULL && i < args->texts->len; i++)
    {
      g_autoptr(JsonObject) room = _cc_cache_parse (g_ptr_array_index (args->texts, i));

      if (room != NULL && _cc_cache_upsert_room (db, room, &error) && _cc_json_str (room, "id"))
        g_hash_table_add (keep, g_strdup (_cc_json_str (room, "id")));
    }
  if (error == NULL && args->flag &&
      (stmt = _cc_cache_db_prepare (db, "SELECT id FROM rooms", &error)) != NULL)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        if (!g_hash_table_contains (keep, sqlite3_column_text (stmt, 0)))
          g_ptr_array_add (drop, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_reset (stmt);
      for (guint i = 0; error == NULL && i < drop->len; i++)
        _cc_cache_delete_room (db, g_ptr_array_index (drop, i), &error);
    }
  _cc_cache_return_done (db, task, error);
}

static void
load_texts (CcCacheDb   *db,
            GTask       *task,
            const char  *sql,
            const char  *bind1,
            gint64       bind2,
            gint64       limit,
            gboolean     reverse)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db, sql, &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (bind1 != NULL)
    sqlite3_bind_text (stmt, 1, bind1, -1, SQLITE_STATIC);
  if (bind2 != 0)
    sqlite3_bind_int64 (stmt, 2, bind2);
  if (limit > 0)
    sqlite3_bind_int64 (stmt, 3, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *obj = _cc_cache_parse ((const char *) sqlite3_column_text (stmt, 0));

      if (obj == NULL)
        continue;
      /* members: the user row is the freshest copy, the column the
       * freshest watermark */
      if (sqlite3_column_count (stmt) == 3)
        {
          JsonObject *user = _cc_cache_parse ((const char *) sqlite3_column_text (stmt, 1));

          if (user == NULL)
            {
              user = json_object_new ();
              json_object_set_string_member (user, "id", _cc_json_str (obj, "user_id"));
            }
          json_object_set_object_member (obj, "user", user);
          json_object_set_int_member (obj, "last_read_seq", sqlite3_column_int64 (stmt, 2));
        }
      g_ptr_array_add (objects, obj);
    }
  sqlite3_reset (stmt);
  if (reverse)
    for (guint i = 0; i < objects->len / 2; i++)
      {
        gpointer tmp = objects->pdata[i];
        objects->pdata[i] = objects->pdata[objects->len - 1 - i];
        objects->pdata[objects->len - 1 - i] = tmp;
      }
  g_task_return_pointer (task, g_steal_pointer (&objects), (GDestroyNotify) g_ptr_array_unref);
}

static void
load_rooms_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  load_texts (db, task, "SELECT json FROM rooms ORDER BY last_activity_at DESC, id", NULL, 0, 0, FALSE);
}

static void
delete_room_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  if (_cc_cache_begin (db, &error))
    _cc_cache_delete_room (db, args->a, &error);
  else
    {
      g_task_return_error (task, error);
      return;
    }
  _cc_cache_return_done (db, task, error);
}

static void
save_users_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  save_all (db, task, args, _cc_cache_upsert_user);
}

static void
load_users_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  load_texts (db, task, "SELECT json FROM users ORDER BY id", NULL, 0, 0, FALSE);
}

static void
save_members_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!_cc_cache_begin (db, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (args->flag)
    {
      sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "DELETE FROM members WHERE room_id = ?", &error);

      if (stmt != NULL)
        {
          sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
          _cc_cache_db_step_done (db, stmt, &error);
        }
    }
  for (guint i = 0; error == NULL && i < args->texts->len; i++)
    {
      g_autoptr(JsonObject) member = _cc_cache_parse (g_ptr_array_index (args->texts, i));

      if (member != NULL)
        _cc_cache_upsert_member (db, args->a, member, &error);
    }
  _cc_cache_return_done (db, task, error);
}

static void
load_members_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  load_texts (db, task,
              "SELECT m.json, u.json, m.last_read_seq FROM members m "
              "LEFT JOIN users u ON u.id = m.user_id WHERE m.room_id = ? "
              "ORDER BY json_extract (u.json, '$.display_name') COLLATE NOCASE, m.user_id",
              args->a, 0, 0, FALSE);
}

static void
save_messages_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  save_all (db, task, args, _cc_cache_upsert_message);
}

static void
load_messages_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  if (args->n > 0)
    load_texts (db, task, "SELECT json FROM messages WHERE room_id = ?1 AND seq < ?2 "
                          "ORDER BY seq DESC LIMIT ?3", args->a, args->n, args->m, TRUE);
  else
    load_texts (db, task, "SELECT json FROM messages WHERE room_id = ?1 AND ?2 IS NULL "
                          "ORDER BY seq DESC LIMIT ?3", args->a, 0, args->m, TRUE);
}

/* The page after args->n, oldest first. */
static void
load_messages_after_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  load_texts (db, task, "SELECT json FROM messages WHERE room_id = ?1 AND seq > ?2 "
                        "ORDER BY seq ASC LIMIT ?3", args->a, args->n, args->m, FALSE);
}

gboolean
_cc_cache_forget_messages (CcCacheDb   *db,
                           const char  *room_id,
                           gint64       below_seq,
                           GError     **error)
{
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "DELETE FROM messages WHERE room_id = ? AND seq < ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, room_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, below_seq);
  return _cc_cache_db_step_done (db, stmt, error);
}

static void
forget_messages_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!_cc_cache_forget_messages (db, args->a, args->n, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Public API */

static CcCacheArgs *
args_for_objects (GPtrArray *objects)
{
  CcCacheArgs *args = _cc_cache_args_new ();

  _cc_cache_args_take_objects (args, objects);
  return args;
}

void
cc_cache_save_rooms_async (CcCache *self, GPtrArray *rooms, gboolean replace_all,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  args = args_for_objects (rooms);
  args->flag = replace_all;
  _cc_cache_push (self, save_rooms_job, args, cc_cache_save_rooms_async, cancellable, callback, user_data);
}

void
cc_cache_load_rooms_async (CcCache *self,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CC_IS_CACHE (self));
  _cc_cache_push (self, load_rooms_job, NULL, cc_cache_load_rooms_async, cancellable, callback, user_data);
}

void
cc_cache_delete_room_async (CcCache *self, const char *room_id,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = _cc_cache_args_for (room_id);
  _cc_cache_push (self, delete_room_job, args, cc_cache_delete_room_async, cancellable, callback, user_data);
}

void
cc_cache_save_users_async (CcCache *self, GPtrArray *users,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CC_IS_CACHE (self));
  _cc_cache_push (self, save_users_job, args_for_objects (users), cc_cache_save_users_async,
                  cancellable, callback, user_data);
}

void
cc_cache_load_users_async (CcCache *self,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CC_IS_CACHE (self));
  _cc_cache_push (self, load_users_job, NULL, cc_cache_load_users_async, cancellable, callback, user_data);
}

void
cc_cache_save_members_async (CcCache *self, const char *room_id, GPtrArray *members,
                             gboolean replace_all,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = args_for_objects (members);
  args->a = g_strdup (room_id);
  args->flag = replace_all;
  _cc_cache_push (self, save_members_job, args, cc_cache_save_members_async, cancellable, callback, user_data);
}

void
cc_cache_load_members_async (CcCache *self, const char *room_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = _cc_cache_args_for (room_id);
  _cc_cache_push (self, load_members_job, args, cc_cache_load_members_async, cancellable, callback, user_data);
}

void
cc_cache_save_messages_async (CcCache *self, GPtrArray *messages,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CC_IS_CACHE (self));
  _cc_cache_push (self, save_messages_job, args_for_objects (messages), cc_cache_save_messages_async,
                  cancellable, callback, user_data);
}

void
cc_cache_load_messages_async (CcCache *self, const char *room_id, gint64 before_seq, guint limit,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = _cc_cache_args_for (room_id);
  args->n = before_seq;
  args->m = limit > 0 ? limit : 50;
  _cc_cache_push (self, load_messages_job, args, cc_cache_load_messages_async, cancellable, callback, user_data);
}

void
_cc_cache_load_messages_after_async (CcCache *self, const char *room_id, gint64 after_seq, guint limit,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  g_return_if_fail (after_seq > 0);
  args = _cc_cache_args_for (room_id);
  args->n = after_seq;
  args->m = limit > 0 ? limit : 50;
  _cc_cache_push (self, load_messages_after_job, args, _cc_cache_load_messages_after_async,
                  cancellable, callback, user_data);
}

void
cc_cache_forget_messages_async (CcCache *self, const char *room_id, gint64 below_seq,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = _cc_cache_args_for (room_id);
  args->n = below_seq;
  _cc_cache_push (self, forget_messages_job, args, cc_cache_forget_messages_async,
                  cancellable, callback, user_data);
}
