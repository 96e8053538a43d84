/* cs-sessions.c: the live sessions in memory (CsSessions), shared by all
 * the threads of one server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-auth"

#include "cs-sessions.h"

#include <sodium.h>
#include <string.h>

typedef struct {
  CsSessions  parent;
  GMutex      lock;
  GHashTable *table;   /* token hash -> CsSessionInfo* */
} MemorySessions;

#define LOCK(s)   g_mutex_lock (&((MemorySessions *) (s))->lock)
#define UNLOCK(s) g_mutex_unlock (&((MemorySessions *) (s))->lock)
#define TABLE(s)  (((MemorySessions *) (s))->table)

static void
session_free (gpointer data)
{
  CsSessionInfo *info = data;

  cs_session_info_clear (info);
  g_free (info);
}

static void
memory_add (CsSessions *sessions,
            const char *token_hash,
            const char *user_id,
            const char *tenant_id,
            gint64      expires_at_ms)
{
  CsSessionInfo *info = g_new0 (CsSessionInfo, 1);

  info->user_id = g_strdup (user_id);
  info->tenant_id = g_strdup (tenant_id);
  info->expires_at_ms = expires_at_ms;
  LOCK (sessions);
  g_hash_table_replace (TABLE (sessions), g_strdup (token_hash), info);
  UNLOCK (sessions);
}

static gboolean
is_expired (gpointer key,
            gpointer value,
            gpointer now_ms)
{
  return ((CsSessionInfo *) value)->expires_at_ms <= *(gint64 *) now_ms;
}

static void
memory_remove_expired (CsSessions *sessions,
                       gint64      now_ms)
{
  LOCK (sessions);
  g_hash_table_foreach_remove (TABLE (sessions), is_expired, &now_ms);
  UNLOCK (sessions);
}

static void
memory_remove (CsSessions *sessions,
               const char *token_hash)
{
  LOCK (sessions);
  g_hash_table_remove (TABLE (sessions), token_hash);
  UNLOCK (sessions);
}

static gboolean
is_users (gpointer key,
          gpointer value,
          gpointer user_id)
{
  return g_strcmp0 (((CsSessionInfo *) value)->user_id, user_id) == 0;
}

static void
memory_remove_user (CsSessions *sessions,
                    const char *user_id)
{
  LOCK (sessions);
  g_hash_table_foreach_remove (TABLE (sessions), is_users, (gpointer) user_id);
  UNLOCK (sessions);
}

static gboolean
memory_lookup (CsSessions    *sessions,
               const char    *token_hash,
               CsSessionInfo *out)
{
  CsSessionInfo *info = NULL;
  gpointer key = NULL;
  gboolean found = FALSE;

  if (token_hash == NULL)
    return FALSE;
  LOCK (sessions);
  /* The key is a hash of the secret, so the hash-table probe leaks nothing
   * usable about the token itself; the final comparison is constant-time. */
  if (g_hash_table_lookup_extended (TABLE (sessions), token_hash, &key, (gpointer *) &info) &&
      info->expires_at_ms > g_get_real_time () / 1000 &&
      strlen (key) == strlen (token_hash) &&
      sodium_memcmp (key, token_hash, strlen (token_hash)) == 0)
    {
      out->user_id = g_strdup (info->user_id);
      out->tenant_id = g_strdup (info->tenant_id);
      out->expires_at_ms = info->expires_at_ms;
      found = TRUE;
    }
  UNLOCK (sessions);
  return found;
}

static void
memory_free (CsSessions *sessions)
{
  MemorySessions *m = (MemorySessions *) sessions;

  g_hash_table_unref (m->table);
  g_mutex_clear (&m->lock);
  g_free (m);
}

static const CsSessionsVTable memory_vtable = {
  memory_add,
  memory_remove,
  memory_remove_user,
  memory_remove_expired,
  memory_lookup,
  memory_free,
};

CsSessions *
cs_sessions_memory_new (void)
{
  MemorySessions *m = g_new0 (MemorySessions, 1);

  m->parent.vtable = &memory_vtable;
  g_mutex_init (&m->lock);
  m->table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_free);
  return &m->parent;
}

void
cs_sessions_free (CsSessions *sessions)
{
  if (sessions)
    sessions->vtable->free (sessions);
}

void
cs_session_info_clear (CsSessionInfo *info)
{
  g_clear_pointer (&info->user_id, g_free);
  g_clear_pointer (&info->tenant_id, g_free);
}
