/* cs-presence.c: the shared presence table (cs-presence.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-presence.h"

typedef struct {
  char       *tenant_id;
  const char *own;        /* interned; NULL: offline here */
  GHashTable *remote;     /* node id -> interned status; NULL: none */
} Entry;

struct _CsPresence {
  GMutex              lock;
  GHashTable         *users;   /* user id -> Entry* */
  CsPresenceLocalFunc local_func;
  gpointer            local_data;
};

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->tenant_id);
  g_clear_pointer (&e->remote, g_hash_table_unref);
  g_free (e);
}

CsPresence *
cs_presence_new (void)
{
  CsPresence *p = g_new0 (CsPresence, 1);

  g_mutex_init (&p->lock);
  p->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return p;
}

void
cs_presence_free (CsPresence *p)
{
  if (p == NULL)
    return;
  g_hash_table_unref (p->users);
  g_mutex_clear (&p->lock);
  g_free (p);
}

void
cs_presence_set_local_func (CsPresence          *p,
                            CsPresenceLocalFunc  func,
                            gpointer             data)
{
  p->local_func = func;
  p->local_data = data;
}

static int
rank (const char *status)
{
  if (status == NULL)
    return 0;
  if (status == g_intern_static_string ("online"))
    return 2;
  if (status == g_intern_static_string ("idle"))
    return 1;
  return 0;
}

static const char *
merged (Entry *e)
{
  int best = e ? rank (e->own) : 0;
  GHashTableIter iter;
  gpointer value;

  if (e && e->remote)
    {
      g_hash_table_iter_init (&iter, e->remote);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        best = MAX (best, rank (value));
    }
  return best == 2 ? "online" : best == 1 ? "idle" : "offline";
}

/* Forgets an entry that says nothing any more. */
static void
prune (CsPresence *p,
       const char *user_id,
       Entry      *e)
{
  if (e->own == NULL && (e->remote == NULL || g_hash_table_size (e->remote) == 0))
    g_hash_table_remove (p->users, user_id);
}

static Entry *
entry_for (CsPresence *p,
           const char *tenant_id,
           const char *user_id)
{
  Entry *e = g_hash_table_lookup (p->users, user_id);

  if (e == NULL)
    {
      e = g_new0 (Entry, 1);
      g_hash_table_insert (p->users, g_strdup (user_id), e);
    }
  if (tenant_id && g_strcmp0 (e->tenant_id, tenant_id) != 0)
    {
      g_free (e->tenant_id);
      e->tenant_id = g_strdup (tenant_id);
    }
  return e;
}

const char *
cs_presence_get (CsPresence *p,
                 const char *user_id)
{
  const char *status;

  if (p == NULL || user_id == NULL)
    return "offline";
  g_mutex_lock (&p->lock);
  status = merged (g_hash_table_lookup (p->users, user_id));
  g_mutex_unlock (&p->lock);
  return status;
}

const char *
cs_presence_get_own (CsPresence *p,
                     const char *user_id)
{
  Entry *e;
  const char *status;

  g_mutex_lock (&p->lock);
  e = g_hash_table_lookup (p->users, user_id);
  status = e && e->own ? e->own : "offline";
  g_mutex_unlock (&p->lock);
  return status;
}

gboolean
cs_presence_set_in (CsPresence *p,
                    const char *tenant_id,
                    const char *user_id,
                    const char *status)
{
  const char *interned = g_intern_string (status);
  const char *before, *after;
  gboolean own_changed;
  Entry *e;

  if (interned == g_intern_static_string ("offline"))
    interned = NULL;
  g_mutex_lock (&p->lock);
  e = entry_for (p, tenant_id, user_id);
  before = merged (e);
  own_changed = e->own != interned;
  e->own = interned;
  after = merged (e);
  prune (p, user_id, e);
  g_mutex_unlock (&p->lock);
  if (own_changed && p->local_func)
    p->local_func (tenant_id, user_id, status, !g_str_equal (before, after), p->local_data);
  return !g_str_equal (before, after);
}

gboolean
cs_presence_set (CsPresence *p,
                 const char *user_id,
                 const char *status)
{
  return cs_presence_set_in (p, NULL, user_id, status);
}

gboolean
cs_presence_set_remote (CsPresence *p,
                        const char *tenant_id,
                        const char *user_id,
                        GHashTable *statuses)
{
  const char *before, *after;
  Entry *e;

  g_mutex_lock (&p->lock);
  e = entry_for (p, tenant_id, user_id);
  before = merged (e);
  g_clear_pointer (&e->remote, g_hash_table_unref);
  if (statuses && g_hash_table_size (statuses) > 0)
    e->remote = g_hash_table_ref (statuses);
  after = merged (e);
  prune (p, user_id, e);
  g_mutex_unlock (&p->lock);
  return !g_str_equal (before, after);
}

GHashTable *
cs_presence_users (CsPresence *p,
                   gboolean    own_only)
{
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&p->lock);
  g_hash_table_iter_init (&iter, p->users);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *e = value;

      if (!own_only || e->own)
        g_hash_table_insert (out, g_strdup (key), g_strdup (e->tenant_id));
    }
  g_mutex_unlock (&p->lock);
  return out;
}

char *
cs_presence_tenant (CsPresence *p,
                    const char *user_id)
{
  Entry *e;
  char *tenant;

  g_mutex_lock (&p->lock);
  e = g_hash_table_lookup (p->users, user_id);
  tenant = e ? g_strdup (e->tenant_id) : NULL;
  g_mutex_unlock (&p->lock);
  return tenant;
}
