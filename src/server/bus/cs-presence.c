/* cs-presence.c: the shared presence table.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-presence.h"

struct _CsPresence {
  GMutex      lock;
  GHashTable *status;   /* user id -> interned status string */
};

CsPresence *
cs_presence_new (void)
{
  CsPresence *p = g_new0 (CsPresence, 1);

  g_mutex_init (&p->lock);
  p->status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return p;
}

void
cs_presence_free (CsPresence *p)
{
  if (p == NULL)
    return;
  g_hash_table_unref (p->status);
  g_mutex_clear (&p->lock);
  g_free (p);
}

const char *
cs_presence_get (CsPresence *p,
                 const char *user_id)
{
  const char *status;

  if (p == NULL || user_id == NULL)
    return "offline";
  g_mutex_lock (&p->lock);
  status = g_hash_table_lookup (p->status, user_id);
  g_mutex_unlock (&p->lock);
  return status ? status : "offline";
}

gboolean
cs_presence_set (CsPresence *p,
                 const char *user_id,
                 const char *status)
{
  const char *interned = g_intern_string (status);
  gboolean changed;

  g_mutex_lock (&p->lock);
  changed = g_hash_table_lookup (p->status, user_id) != interned &&
            !(interned == g_intern_static_string ("offline") &&
              g_hash_table_lookup (p->status, user_id) == NULL);
  if (interned == g_intern_static_string ("offline"))
    g_hash_table_remove (p->status, user_id);
  else
    g_hash_table_insert (p->status, g_strdup (user_id), (gpointer) interned);
  g_mutex_unlock (&p->lock);
  return changed;
}
