/* cc-cache-rows.c: the cache's row operations on the worker thread:
 * rooms, users, members, receipts and messages, each merged with what is
 * stored (events may carry partial objects).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include <string.h>

#include "cau-json.h"
#include "cau-time.h"
#include "cc-cache-private.h"
#include "cc-json-private.h"

/* The stored JSON of row @id in the table of @select_sql, or NULL. */
JsonObject *
_cc_cache_load_json (CcCacheDb  *db,
           const char *select_sql,
           const char *id,
           const char *id2)
{
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, select_sql, NULL);
  JsonObject *obj = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (id2 != NULL)
    sqlite3_bind_text (stmt, 2, id2, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    obj = _cc_cache_parse ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return obj;
}

/* @update's members win over the stored ones: events may be partial. */
JsonObject *
_cc_cache_merge (JsonObject *stored,
       JsonObject *update)
{
  JsonObject *merged = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (stored != NULL)
    {
      json_object_iter_init (&iter, stored);
      while (json_object_iter_next (&iter, &name, &node))
        json_object_set_member (merged, name, json_node_copy (node));
    }
  json_object_iter_init (&iter, update);
  while (json_object_iter_next (&iter, &name, &node))
    json_object_set_member (merged, name, json_node_copy (node));
  return merged;
}

gboolean
_cc_cache_upsert_room (CcCacheDb   *db,
             JsonObject  *room,
             GError     **error)
{
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *text = NULL;
  const char *id = _cc_json_str (room, "id");
  const char *activity;
  sqlite3_stmt *stmt;
  gint64 activity_ms = 0;

  if (id == NULL)
    return TRUE;
  stored = _cc_cache_load_json (db, "SELECT json FROM rooms WHERE id = ?", id, NULL);
  merged = _cc_cache_merge (stored, room);
  activity = _cc_json_str (merged, "last_activity_at");
  if (activity == NULL || !cau_time_parse (activity, &activity_ms))
    cau_time_parse (_cc_json_str (merged, "created_at"), &activity_ms);
  text = cau_json_object_to_string (merged);

  stmt = _cc_cache_db_prepare (db, "INSERT INTO rooms (id, last_activity_at, json) VALUES (?1, ?2, ?3) "
                                   "ON CONFLICT (id) DO UPDATE SET last_activity_at = ?2, json = ?3",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, activity_ms);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
  return _cc_cache_db_step_done (db, stmt, error);
}

gboolean
_cc_cache_delete_room (CcCacheDb   *db,
             const char  *room_id,
             GError     **error)
{
  static const char * const sql[] = {
    "DELETE FROM rooms WHERE id = ?",
    "DELETE FROM members WHERE room_id = ?",
    "DELETE FROM messages WHERE room_id = ?",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      sqlite3_stmt *stmt = _cc_cache_db_prepare (db, sql[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, room_id, -1, SQLITE_STATIC);
      if (!_cc_cache_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_cc_cache_upsert_user (CcCacheDb   *db,
             JsonObject  *user,
             GError     **error)
{
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *text = NULL;
  const char *id = _cc_json_str (user, "id");
  sqlite3_stmt *stmt;

  if (id == NULL)
    return TRUE;
  stored = _cc_cache_load_json (db, "SELECT json FROM users WHERE id = ?", id, NULL);
  merged = _cc_cache_merge (stored, user);
  text = cau_json_object_to_string (merged);
  stmt = _cc_cache_db_prepare (db, "INSERT INTO users (id, json) VALUES (?1, ?2) "
                                   "ON CONFLICT (id) DO UPDATE SET json = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  return _cc_cache_db_step_done (db, stmt, error);
}

const char *
_cc_cache_member_user_id (JsonObject *member)
{
  const char *id = _cc_json_str (_cc_json_obj (member, "user"), "id");

  return id != NULL ? id : _cc_json_str (member, "user_id");
}

gboolean
_cc_cache_upsert_member (CcCacheDb   *db,
               const char  *room_id,
               JsonObject  *member,
               GError     **error)
{
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *text = NULL;
  const char *user_id = _cc_cache_member_user_id (member);
  JsonObject *user = _cc_json_obj (member, "user");
  sqlite3_stmt *stmt;

  if (user_id == NULL || room_id == NULL)
    return TRUE;
  if (user != NULL && !_cc_cache_upsert_user (db, user, error))
    return FALSE;
  stored = _cc_cache_load_json (db, "SELECT json FROM members WHERE room_id = ? AND user_id = ?", room_id, user_id);
  merged = _cc_cache_merge (stored, member);
  json_object_remove_member (merged, "user");
  json_object_set_string_member (merged, "user_id", user_id);
  text = cau_json_object_to_string (merged);

  stmt = _cc_cache_db_prepare (db, "INSERT INTO members (room_id, user_id, role, last_read_seq, json) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (room_id, user_id) DO UPDATE "
                                   "SET role = ?3, last_read_seq = max (last_read_seq, ?4), json = ?5",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, room_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, _cc_json_str (merged, "role"), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, _cc_json_int (merged, "last_read_seq"));
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_STATIC);
  return _cc_cache_db_step_done (db, stmt, error);
}

gboolean
_cc_cache_delete_member (CcCacheDb   *db,
               const char  *room_id,
               const char  *user_id,
               GError     **error)
{
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "DELETE FROM members WHERE room_id = ? AND user_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, room_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, user_id, -1, SQLITE_STATIC);
  return _cc_cache_db_step_done (db, stmt, error);
}

gboolean
_cc_cache_set_receipt (CcCacheDb   *db,
             const char  *room_id,
             const char  *user_id,
             gint64       seq,
             GError     **error)
{
  g_autoptr(JsonObject) member = json_object_new ();

  json_object_set_string_member (member, "user_id", user_id);
  json_object_set_int_member (member, "last_read_seq", seq);
  /* Keeps the role and JSON of a known member; max() keeps it monotonic. */
  {
    g_autoptr(JsonObject) stored = _cc_cache_load_json (db, "SELECT json FROM members WHERE room_id = ? AND user_id = ?",
                                              room_id, user_id);
    if (stored != NULL)
      {
        g_autoptr(JsonObject) merged = _cc_cache_merge (stored, member);
        gint64 old = _cc_json_int (stored, "last_read_seq");

        json_object_set_int_member (merged, "last_read_seq", MAX (old, seq));
        return _cc_cache_upsert_member (db, room_id, merged, error);
      }
  }
  return _cc_cache_upsert_member (db, room_id, member, error);
}

gboolean
_cc_cache_upsert_message (CcCacheDb   *db,
                JsonObject  *message,
                GError     **error)
{
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *text = NULL;
  const char *id = _cc_json_str (message, "id");
  const char *txn_id;
  sqlite3_stmt *stmt;

  if (id == NULL)
    return TRUE;
  stored = _cc_cache_load_json (db, "SELECT json FROM messages WHERE id = ?", id, NULL);
  if (stored != NULL &&
      _cc_json_message_is_older (message, _cc_json_time (stored, "edited_at"), _cc_json_bool (stored, "deleted"),
                                 _cc_json_bool (stored, "streaming")))
    return TRUE;
  merged = _cc_cache_merge (stored, message);
  if (_cc_json_str (merged, "room_id") == NULL)
    return TRUE;
  txn_id = _cc_json_str (merged, "txn_id");
  text = cau_json_object_to_string (merged);

  stmt = _cc_cache_db_prepare (db, "INSERT INTO messages (id, room_id, seq, txn_id, json) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE "
                                   "SET seq = ?3, txn_id = ?4, json = ?5", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, _cc_json_str (merged, "room_id"), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, _cc_json_int (merged, "seq"));
  sqlite3_bind_text (stmt, 4, txn_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_STATIC);
  if (!_cc_cache_db_step_done (db, stmt, error))
    return FALSE;

  /* Stored on the server: no longer ours to send. */
  if (txn_id != NULL)
    {
      stmt = _cc_cache_db_prepare (db, "DELETE FROM outbox WHERE txn_id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, txn_id, -1, SQLITE_STATIC);
      if (!_cc_cache_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}
