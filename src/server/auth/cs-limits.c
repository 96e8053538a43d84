/* cs-limits.c: failure windows in memory (CsLimits), shared by all the
 * threads of one server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-auth"

#include "cs-limits.h"

typedef struct {
  GArray *times;   /* gint64 seconds of recent failures */
} Window;

typedef struct {
  CsLimits    parent;
  GMutex      lock;
  GHashTable *accounts;
  GHashTable *addresses;
} MemoryLimits;

static void
window_free (gpointer data)
{
  Window *w = data;

  g_array_unref (w->times);
  g_free (w);
}

/* Seconds until the oldest failure in the window leaves it, when @max or
 * more failures are inside it. */
static guint
window_wait (GHashTable *table,
             const char *key,
             guint       max,
             guint       window_s,
             gint64      now)
{
  Window *w = key ? g_hash_table_lookup (table, key) : NULL;
  guint n = 0;

  if (w == NULL)
    return 0;
  while (w->times->len > 0 && g_array_index (w->times, gint64, 0) <= now - window_s)
    g_array_remove_index (w->times, 0);
  n = w->times->len;
  if (n == 0)
    {
      g_hash_table_remove (table, key);
      return 0;
    }
  if (n < max)
    return 0;
  return (guint) MAX (1, g_array_index (w->times, gint64, n - max) + window_s - now);
}

static guint
memory_check (CsLimits       *limits,
              const CsConfig *config,
              const char     *account_key,
              const char     *address)
{
  MemoryLimits *m = (MemoryLimits *) limits;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  guint wait;

  g_mutex_lock (&m->lock);
  wait = MAX (window_wait (m->accounts, account_key, config->login_fail_account, config->login_window_s, now),
              window_wait (m->addresses, address, config->login_fail_address, config->login_window_s, now));
  g_mutex_unlock (&m->lock);
  return wait;
}

static void
window_add (GHashTable *table,
            const char *key,
            gint64      now)
{
  Window *w;

  if (key == NULL)
    return;
  w = g_hash_table_lookup (table, key);
  if (w == NULL)
    {
      w = g_new0 (Window, 1);
      w->times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (table, g_strdup (key), w);
    }
  g_array_append_val (w->times, now);
  /* Bound memory per key: older entries beyond any limit do not matter. */
  if (w->times->len > 1000)
    g_array_remove_range (w->times, 0, w->times->len - 1000);
}

static void
memory_fail (CsLimits   *limits,
             const char *account_key,
             const char *address)
{
  MemoryLimits *m = (MemoryLimits *) limits;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  g_mutex_lock (&m->lock);
  window_add (m->accounts, account_key, now);
  window_add (m->addresses, address, now);
  g_mutex_unlock (&m->lock);
}

static void
memory_success (CsLimits   *limits,
                const char *account_key)
{
  MemoryLimits *m = (MemoryLimits *) limits;

  g_mutex_lock (&m->lock);
  g_hash_table_remove (m->accounts, account_key);
  g_mutex_unlock (&m->lock);
}

static guint
memory_wait (CsLimits   *limits,
             const char *key,
             guint       max,
             guint       window_s)
{
  MemoryLimits *m = (MemoryLimits *) limits;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  guint wait;

  g_mutex_lock (&m->lock);
  wait = window_wait (m->addresses, key, max, window_s, now);
  g_mutex_unlock (&m->lock);
  return wait;
}

static void
memory_note (CsLimits   *limits,
             const char *key)
{
  MemoryLimits *m = (MemoryLimits *) limits;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  g_mutex_lock (&m->lock);
  window_add (m->addresses, key, now);
  g_mutex_unlock (&m->lock);
}

static void
memory_free (CsLimits *limits)
{
  MemoryLimits *m = (MemoryLimits *) limits;

  g_hash_table_unref (m->accounts);
  g_hash_table_unref (m->addresses);
  g_mutex_clear (&m->lock);
  g_free (m);
}

static const CsLimitsVTable memory_vtable = {
  memory_check,
  memory_fail,
  memory_success,
  memory_wait,
  memory_note,
  memory_free,
};

CsLimits *
cs_limits_memory_new (void)
{
  MemoryLimits *m = g_new0 (MemoryLimits, 1);

  m->parent.vtable = &memory_vtable;
  g_mutex_init (&m->lock);
  m->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, window_free);
  m->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, window_free);
  return &m->parent;
}

void
cs_limits_free (CsLimits *limits)
{
  if (limits)
    limits->vtable->free (limits);
}
