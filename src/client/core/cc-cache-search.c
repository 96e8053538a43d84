/* cc-cache-search.c: searching the cache's full-text index of messages
 * (messages_fts, filled by triggers: cc-cache-schema.c, version 4) and
 * loading a room's messages around one of them. Worker-thread jobs.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include "cc-cache-private.h"
#include "cc-cache-search.h"

static gboolean
has_word_char (const char *word)
{
  for (const char *p = word; *p; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

char *
cc_cache_fts_query (const char *text)
{
  g_auto(GStrv) words = NULL;
  GString *s;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  words = g_strsplit_set (text, " \t\n\r", -1);
  s = g_string_new (NULL);
  for (char **w = words; *w; w++)
    {
      if (!has_word_char (*w))
        continue;
      if (s->len)
        g_string_append_c (s, ' ');
      g_string_append_c (s, '"');
      for (const char *p = *w; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (s, '"');
          g_string_append_c (s, *p);
        }
      g_string_append_c (s, '"');
    }
  if (s->len == 0)
    return g_string_free (s, TRUE), NULL;
  g_string_append_c (s, '*');
  return g_string_free (s, FALSE);
}

static void
return_rows (CcCacheDb    *db,
             GTask        *task,
             sqlite3_stmt *stmt,
             gboolean      reverse)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *obj = _cc_cache_parse ((const char *) sqlite3_column_text (stmt, 0));

      if (obj != NULL)
        g_ptr_array_add (objects, obj);
    }
  if (rc != SQLITE_DONE)
    {
      GError *error = NULL;

      _cc_cache_set_error (db, &error, "search the local messages");
      sqlite3_reset (stmt);
      g_task_return_error (task, error);
      return;
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

/* The newest matches first, sorted through messages_fts_docs (seq and
 * room of each indexed row, cc-cache-schema.c) so that only the rows
 * returned are read: 100,000 cached messages, a word in a third of them,
 * about 20 ms (tests/bench/bench-search.c). */
static void
search_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  GError *error = NULL;
  sqlite3_stmt *stmt;

  CC_CACHE_CHECK_OPEN (db, task);
  stmt = _cc_cache_db_prepare (db,
                               "SELECT json FROM messages WHERE rowid IN"
                               " (SELECT d.id FROM messages_fts f JOIN messages_fts_docs d ON d.id = f.rowid"
                               "  WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR d.room_id = ?2)"
                               "  ORDER BY d.seq DESC LIMIT ?3)"
                               " ORDER BY seq DESC", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  if (args->b != NULL)
    sqlite3_bind_text (stmt, 2, args->b, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, args->n);
  return_rows (db, task, stmt, FALSE);
}

static gboolean
collect (CcCacheDb   *db,
         const char  *sql,
         CcCacheArgs *args,
         GPtrArray   *into,
         GError     **error)
{
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, args->a, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, args->n);
  sqlite3_bind_int64 (stmt, 3, args->m);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *obj = _cc_cache_parse ((const char *) sqlite3_column_text (stmt, 0));

      if (obj != NULL)
        g_ptr_array_add (into, obj);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _cc_cache_set_error (db, error, "load messages");
      return FALSE;
    }
  return TRUE;
}

static void
around_job (CcCacheDb *db, GTask *task, CcCacheArgs *args)
{
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  GError *error = NULL;

  CC_CACHE_CHECK_OPEN (db, task);
  if (!collect (db, "SELECT json FROM messages WHERE room_id = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT ?3",
                args, before, &error) ||
      !collect (db, "SELECT json FROM messages WHERE room_id = ?1 AND seq > ?2 ORDER BY seq ASC LIMIT ?3",
                args, page, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < before->len; i++)
    g_ptr_array_insert (page, i, json_object_ref (g_ptr_array_index (before, before->len - 1 - i)));
  g_task_return_pointer (task, g_steal_pointer (&page), (GDestroyNotify) g_ptr_array_unref);
}

void
cc_cache_search_async (CcCache *self, const char *text, const char *room_id, guint limit,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;
  g_autofree char *match = NULL;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (text != NULL);

  match = cc_cache_fts_query (text);
  if (match == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, cc_cache_search_async);
      g_task_return_pointer (task, g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  args = _cc_cache_args_new ();
  args->a = g_steal_pointer (&match);
  args->b = g_strdup (room_id);
  args->n = limit > 0 ? limit : 50;
  _cc_cache_push (self, search_job, args, cc_cache_search_async, cancellable, callback, user_data);
}

void
cc_cache_load_around_async (CcCache *self, const char *room_id, gint64 seq, guint half,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CcCacheArgs *args;

  g_return_if_fail (CC_IS_CACHE (self));
  g_return_if_fail (room_id != NULL);
  args = _cc_cache_args_for (room_id);
  args->n = seq;
  args->m = half > 0 ? half : 25;
  _cc_cache_push (self, around_job, args, cc_cache_load_around_async, cancellable, callback, user_data);
}
