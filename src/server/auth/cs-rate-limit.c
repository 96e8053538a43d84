/* cs-rate-limit.c: token buckets. A bucket holds up to `burst` tokens and
 * gains `per_minute` a minute; a message takes one. A full bucket carries
 * no information, so it is forgotten: memory is bounded by the users who
 * sent recently, not by all who ever did.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-rate-limit"

#include "cs-rate-limit.h"

#define SWEEP_EVERY 1024   /* takes between sweeps of full buckets */

typedef struct {
  double tokens;
  gint64 at_us;            /* when tokens was computed */
} Bucket;

struct _CsRateLimit {
  GMutex      lock;
  double      per_us;      /* tokens gained per microsecond */
  double      burst;
  GHashTable *buckets;     /* key -> Bucket* */
  guint       takes;
  CsRateLimitTaken taken;  /* set before any take */
  gpointer    taken_data;
};

CsRateLimit *
cs_rate_limit_new (guint per_minute,
                   guint burst)
{
  CsRateLimit *limit = g_new0 (CsRateLimit, 1);

  g_mutex_init (&limit->lock);
  limit->per_us = per_minute / (60.0 * G_USEC_PER_SEC);
  limit->burst = MAX (burst, 1);
  limit->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return limit;
}

void
cs_rate_limit_free (CsRateLimit *limit)
{
  if (limit == NULL)
    return;
  g_hash_table_unref (limit->buckets);
  g_mutex_clear (&limit->lock);
  g_free (limit);
}

static double
refill (CsRateLimit *limit,
        Bucket      *b,
        gint64       now_us)
{
  if (now_us > b->at_us)
    {
      b->tokens = MIN (limit->burst, b->tokens + (now_us - b->at_us) * limit->per_us);
      b->at_us = now_us;
    }
  return b->tokens;
}

static void
sweep (CsRateLimit *limit,
       gint64       now_us)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, limit->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (refill (limit, value, now_us) >= limit->burst)
      g_hash_table_iter_remove (&iter);
}

guint
cs_rate_limit_take (CsRateLimit *limit,
                    const char  *key,
                    gint64       now_us)
{
  Bucket *b;
  guint wait = 0;

  g_return_val_if_fail (limit != NULL && key != NULL, 0);
  if (limit->per_us <= 0)
    return 0;

  g_mutex_lock (&limit->lock);
  if (++limit->takes % SWEEP_EVERY == 0)
    sweep (limit, now_us);
  b = g_hash_table_lookup (limit->buckets, key);
  if (b == NULL)
    {
      b = g_new0 (Bucket, 1);
      b->tokens = limit->burst;
      b->at_us = now_us;
      g_hash_table_insert (limit->buckets, g_strdup (key), b);
    }
  if (refill (limit, b, now_us) >= 1.0)
    b->tokens -= 1.0;
  else
    {
      double secs = (1.0 - b->tokens) / limit->per_us / G_USEC_PER_SEC;

      wait = (guint) secs;
      if (wait < secs || wait == 0)
        wait++;
    }
  g_mutex_unlock (&limit->lock);
  if (wait == 0 && limit->taken)
    limit->taken (key, limit->taken_data);
  return wait;
}

void
cs_rate_limit_set_taken (CsRateLimit     *limit,
                         CsRateLimitTaken func,
                         gpointer         data)
{
  limit->taken = func;
  limit->taken_data = data;
}

void
cs_rate_limit_drain (CsRateLimit *limit,
                     const char  *key,
                     double       n,
                     gint64       now_us)
{
  Bucket *b;

  if (limit->per_us <= 0 || n <= 0)
    return;
  g_mutex_lock (&limit->lock);
  b = g_hash_table_lookup (limit->buckets, key);
  if (b == NULL)
    {
      b = g_new0 (Bucket, 1);
      b->tokens = limit->burst;
      b->at_us = now_us;
      g_hash_table_insert (limit->buckets, g_strdup (key), b);
    }
  refill (limit, b, now_us);
  /* Never below one burst in debt: what other nodes took is counted,
   * not an unbounded penalty. */
  b->tokens = MAX (b->tokens - n, -limit->burst);
  g_mutex_unlock (&limit->lock);
}

guint
cs_rate_limit_size (CsRateLimit *limit)
{
  guint n;

  g_mutex_lock (&limit->lock);
  n = g_hash_table_size (limit->buckets);
  g_mutex_unlock (&limit->lock);
  return n;
}
