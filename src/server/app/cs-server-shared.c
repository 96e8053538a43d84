/* cs-server-shared.c: what several nodes on one Redis share besides the
 * bus's messages: presence, the message rate limit and the sign-in
 * failure limits. Only with [bus] redis; without it nothing here runs.
 *
 * Nothing here blocks the event loop on Redis: commands go on the bus's
 * publishing connection (cs_bus_redis_command) and their answers come
 * back on the main context. When Redis is down every node counts alone
 * (its own buckets and windows, as without Redis), which the log says
 * once, and once again when Redis is back.
 *
 * Presence. Each node writes its own sockets' view of a user in the hash
 * PREFIX:presence:USER, field NODE = "STATUS EXPIRES_MS TENANT" (the
 * set PREFIX:presence:users names the users), and renews it every third
 * of [bus] presence_ttl_seconds. A node reads a user's hash again when a
 * presence signal about them crosses the bus, when its own view of them
 * changes, and for every user at each renewal; fields past their expiry
 * (a node that died, or lost Redis) count for nothing and are removed.
 * So a user is online while any node's field says so, offline once the
 * last one went (or expired: at most presence_ttl_seconds plus a third
 * after their node died). A change of the merged status found by a
 * read is told to the organisation's sockets as a presence frame.
 * Clocks of the nodes should agree within a few seconds (NTP).
 *
 * The message rate limit. Each node keeps its token buckets (the take
 * decides at once, on the writer thread) and adds what it took to
 * PREFIX:rate:msg:USER:MINUTE (INCRBY, expiring after two minutes),
 * reading the total back: what other nodes took in that minute and this
 * node had not counted yet is drained from its bucket. Tolerance: a
 * node learns of other nodes' messages one round trip to Redis after
 * its own, so a user spreading messages over N nodes may get up to
 * about N - 1 more than the burst through before the buckets agree, and
 * other nodes' takes not yet learned when a minute ends are not counted;
 * never twice the rate.
 *
 * Sign-in failures. Each failure is also added to the sorted sets
 * PREFIX:limit:account:KEY and PREFIX:limit:address:KEY (score: the time
 * in ms) and the check reads them: the login job runs on a slow thread,
 * which waits for these answers (at most SYNC_TIMEOUT_MS; then, or with
 * Redis down, the node's own windows decide). The event loop never
 * waits. Other failure windows (unknown invitation links, unknown
 * session tokens) stay per node.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-server"

#include "cs-server-private.h"
#include "cs-bus-redis.h"
#include "cs-presence.h"
#include "cs-rate-limit.h"
#include "cau-json.h"
#include "cau-time.h"

#include <string.h>

#ifdef CS_HAVE_HIREDIS
#include <hiredis/hiredis.h>

#define RATE_WINDOW_S    60
#define SYNC_TIMEOUT_MS  250
#define RATE_STATE_MAX   100000

struct _CsServerShared {
  CsServer   *server;
  CsBus      *bus;
  char       *prefix;       /* of the keys: causerie:DB */
  CsPresence *presence;
  guint       ttl_ms;
  guint       renew_id;
  gboolean    degraded;     /* Redis was found down: every node counts alone */
  /* message rate */
  GMutex      lock;
  GHashTable *taken;        /* user id -> count not yet sent (under lock) */
  gboolean    flush_queued; /* under lock */
  GHashTable *rate_state;   /* user id -> RateState (main context) */
  CsLimits   *inner;        /* this node's failure windows */
  CsLimits    limits;       /* the shared ones (vtable below) */
  gint        ref_count;    /* the slow threads' calls hold one */
};

typedef struct {
  gint64 window;
  gint64 own;               /* taken here in the window and answered */
  gint64 others_drained;
} RateState;

static CsServerShared *
shared_ref (CsServerShared *sh)
{
  g_atomic_int_inc (&sh->ref_count);
  return sh;
}

static void
shared_unref (CsServerShared *sh)
{
  if (!g_atomic_int_dec_and_test (&sh->ref_count))
    return;
  g_hash_table_unref (sh->taken);
  g_hash_table_unref (sh->rate_state);
  g_mutex_clear (&sh->lock);
  cs_limits_free (sh->inner);
  g_free (sh->prefix);
  g_free (sh);
}

/* Main context: whether a command went out; says once that Redis is
 * down for the counters, and once that it is back. */
static gboolean
send (CsServerShared      *sh,
      CsBusRedisReplyFunc  done,
      gpointer             data,
      int                  argc,
      const char         **argv,
      const gsize         *lens)
{
  gboolean sent = cs_bus_redis_command (sh->bus, done, data, argc, argv, lens);

  if (!sent && !sh->degraded)
    {
      g_warning ("Redis is down: presence of other nodes' users is kept as last known, and rate and "
                 "sign-in limits count on this node alone until Redis answers again.");
      sh->degraded = TRUE;
    }
  else if (sent && sh->degraded)
    {
      g_message ("Redis answers again: rate and sign-in limits count across nodes again.");
      sh->degraded = FALSE;
    }
  return sent;
}

static void
ignore_cb (gpointer reply,
           gpointer data)
{
}

/* A command of strings, its answer ignored. */
static void
send_strings (CsServerShared *sh,
              const char     *first,
              ...)
{
  const char *argv[8];
  gsize lens[8];
  int argc = 0;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a && argc < 8; a = va_arg (ap, const char *))
    {
      argv[argc] = a;
      lens[argc] = strlen (a);
      argc++;
    }
  va_end (ap);
  send (sh, ignore_cb, NULL, argc, argv, lens);
}

/* ---- presence ---------------------------------------------------------- */

typedef struct {
  CsServerShared *sh;
  char           *user_id;
} PresenceRead;

static char *
presence_key (CsServerShared *sh,
              const char     *user_id)
{
  return g_strdup_printf ("%s:presence:%s", sh->prefix, user_id);
}

static void
tell_presence (CsServerShared *sh,
               const char     *tenant_id,
               const char     *user_id)
{
  cs_bus_publish_presence (sh->bus, sh->presence, tenant_id, user_id, NULL);
}

static void
presence_read_cb (gpointer reply,
                  gpointer data)
{
  PresenceRead *pr = data;
  CsServerShared *sh = pr->sh;
  redisReply *r = reply;
  g_autoptr(GHashTable) statuses = NULL;
  g_autofree char *tenant = NULL;
  g_autofree char *key = NULL;
  const char *self;
  gint64 now = cau_time_now_ms ();
  guint fields = 0;

  if (sh->server == NULL || r == NULL || r->type != REDIS_REPLY_ARRAY)
    goto out;   /* gone, or down: the last known view stays */
  self = cs_bus_redis_node (sh->bus);
  key = presence_key (sh, pr->user_id);
  statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (size_t i = 0; i + 1 < r->elements; i += 2)
    {
      const char *node = r->element[i]->str;
      g_auto(GStrv) parts = g_strsplit (r->element[i + 1]->str ? r->element[i + 1]->str : "", " ", 3);

      fields++;
      if (node == NULL || g_str_equal (node, self))
        continue;
      if (g_strv_length (parts) < 3 || g_ascii_strtoll (parts[1], NULL, 10) <= now)
        {
          /* Its node stopped renewing it: died, or lost Redis. */
          send_strings (sh, "HDEL", key, node, NULL);
          fields--;
          continue;
        }
      g_hash_table_replace (statuses, g_strdup (node), (gpointer) g_intern_string (parts[0]));
      if (tenant == NULL)
        tenant = g_strdup (parts[2]);
    }
  if (fields == 0)
    {
      g_autofree char *users = g_strdup_printf ("%s:presence:users", sh->prefix);

      send_strings (sh, "SREM", users, pr->user_id, NULL);
    }
  if (tenant == NULL)
    tenant = cs_presence_tenant (sh->presence, pr->user_id);
  if (cs_presence_set_remote (sh->presence, tenant, pr->user_id, statuses) && tenant)
    tell_presence (sh, tenant, pr->user_id);
out:
  g_free (pr->user_id);
  shared_unref (pr->sh);
  g_free (pr);
}

static void
presence_read (CsServerShared *sh,
               const char     *user_id)
{
  g_autofree char *key = presence_key (sh, user_id);
  const char *argv[] = { "HGETALL", key };
  gsize lens[] = { 7, strlen (key) };
  PresenceRead *pr = g_new0 (PresenceRead, 1);

  pr->sh = shared_ref (sh);
  pr->user_id = g_strdup (user_id);
  if (!send (sh, presence_read_cb, pr, 2, argv, lens))
    presence_read_cb (NULL, pr);
}

static void
presence_write (CsServerShared *sh,
                const char     *tenant_id,
                const char     *user_id,
                const char     *status)
{
  g_autofree char *key = presence_key (sh, user_id);
  const char *node = cs_bus_redis_node (sh->bus);

  if (g_str_equal (status, "offline"))
    send_strings (sh, "HDEL", key, node, NULL);
  else
    {
      g_autofree char *value = g_strdup_printf ("%s %" G_GINT64_FORMAT " %s", status,
                                                cau_time_now_ms () + sh->ttl_ms, tenant_id ? tenant_id : "");
      g_autofree char *ttl = g_strdup_printf ("%u", sh->ttl_ms * 2);
      g_autofree char *users = g_strdup_printf ("%s:presence:users", sh->prefix);

      send_strings (sh, "HSET", key, node, value, NULL);
      send_strings (sh, "PEXPIRE", key, ttl, NULL);
      send_strings (sh, "SADD", users, user_id, NULL);
    }
}

/* The hub changed this node's view of a user (main context). When the
 * merged status did not change the hub tells no one; the other nodes
 * are then told here (a presence frame with the status they show
 * already), so that they read the user's hash again. */
static void
presence_local_cb (const char *tenant_id,
                   const char *user_id,
                   const char *status,
                   gboolean    merged_changed,
                   gpointer    data)
{
  CsServerShared *sh = data;
  g_autofree char *tenant = tenant_id ? g_strdup (tenant_id) : cs_presence_tenant (sh->presence, user_id);

  presence_write (sh, tenant, user_id, status);
  if (!merged_changed && tenant)
    tell_presence (sh, tenant, user_id);
  presence_read (sh, user_id);
}

static void
users_cb (gpointer reply,
          gpointer data)
{
  CsServerShared *sh = data;
  redisReply *r = reply;
  g_autoptr(GHashTable) users = NULL;
  GHashTableIter iter;
  gpointer key;

  if (sh->server == NULL)
    goto out;
  users = cs_presence_users (sh->presence, FALSE);
  for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
    if (r->element[i]->str)
      if (!g_hash_table_contains (users, r->element[i]->str))
        g_hash_table_insert (users, g_strdup (r->element[i]->str), NULL);
  if (r != NULL)
    {
      g_hash_table_iter_init (&iter, users);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        presence_read (sh, key);
    }
out:
  shared_unref (sh);
}

static gboolean
renew_cb (gpointer data)
{
  CsServerShared *sh = data;
  g_autoptr(GHashTable) own = cs_presence_users (sh->presence, TRUE);
  g_autofree char *users_key = g_strdup_printf ("%s:presence:users", sh->prefix);
  const char *argv[] = { "SMEMBERS", users_key };
  gsize lens[] = { 8, strlen (users_key) };
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, own);
  while (g_hash_table_iter_next (&iter, &key, &value))
    presence_write (sh, value, key, cs_presence_get_own (sh->presence, key));
  shared_ref (sh);
  if (!send (sh, users_cb, sh, 2, argv, lens))
    shared_unref (sh);
  return G_SOURCE_CONTINUE;
}

/* A presence signal, from this node or another: read that user again. */
static void
bus_events_cb (GPtrArray *events,
               gpointer   data)
{
}

static void
bus_signal_cb (const CsSignal *signal,
               gpointer        data)
{
  CsServerShared *sh = data;

  if (signal->kind == CS_SIGNAL_PRESENCE && signal->user_id)
    presence_read (sh, signal->user_id);
}

static const CsBusSubscriber presence_subscriber = { bus_events_cb, bus_signal_cb };

/* ---- the message rate --------------------------------------------------- */

typedef struct {
  CsServerShared *sh;
  char           *user_id;
  gint64          window;
  gint64          n;
} RateAdd;

static void
rate_added_cb (gpointer reply,
               gpointer data)
{
  RateAdd *ra = data;
  CsServerShared *sh = ra->sh;
  redisReply *r = reply;
  RateState *st;
  gint64 others;

  if (sh->server == NULL || r == NULL || r->type != REDIS_REPLY_INTEGER)
    goto out;
  st = g_hash_table_lookup (sh->rate_state, ra->user_id);
  if (st == NULL || st->window < ra->window)
    {
      if (st == NULL)
        {
          if (g_hash_table_size (sh->rate_state) >= RATE_STATE_MAX)
            g_hash_table_remove_all (sh->rate_state);
          st = g_new0 (RateState, 1);
          g_hash_table_insert (sh->rate_state, g_strdup (ra->user_id), st);
        }
      *st = (RateState) { .window = ra->window };
    }
  if (st->window != ra->window)
    goto out;   /* an answer for a minute that is over */
  st->own += ra->n;
  others = r->integer - st->own;
  if (others > st->others_drained)
    {
      cs_rate_limit_drain (sh->server->message_limit, ra->user_id, (double) (others - st->others_drained),
                           g_get_monotonic_time ());
      st->others_drained = others;
    }
out:
  shared_unref (ra->sh);
  g_free (ra->user_id);
  g_free (ra);
}

static gboolean
rate_flush_cb (gpointer data)
{
  CsServerShared *sh = data;
  g_autoptr(GHashTable) taken = NULL;
  gint64 window = g_get_real_time () / G_USEC_PER_SEC / RATE_WINDOW_S;
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&sh->lock);
  taken = sh->taken;
  sh->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sh->flush_queued = FALSE;
  g_mutex_unlock (&sh->lock);
  if (sh->server == NULL)
    return G_SOURCE_REMOVE;
  g_hash_table_iter_init (&iter, taken);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *rkey = g_strdup_printf ("%s:rate:msg:%s:%" G_GINT64_FORMAT, sh->prefix,
                                               (char *) key, window);
      g_autofree char *n = g_strdup_printf ("%u", GPOINTER_TO_UINT (value));
      const char *argv[] = { "INCRBY", rkey, n };
      gsize lens[] = { 6, strlen (rkey), strlen (n) };
      RateAdd *ra = g_new0 (RateAdd, 1);

      ra->sh = shared_ref (sh);
      ra->user_id = g_strdup (key);
      ra->window = window;
      ra->n = GPOINTER_TO_UINT (value);
      if (!send (sh, rate_added_cb, ra, 3, argv, lens))
        {
          rate_added_cb (NULL, ra);
          continue;
        }
      send_strings (sh, "EXPIRE", rkey, G_STRINGIFY (120), NULL);
    }
  return G_SOURCE_REMOVE;
}

/* The writer thread took a token: counted for the next flush, which runs
 * on the main context before anything of lower priority. */
static void
rate_taken_cb (const char *key,
               gpointer    data)
{
  CsServerShared *sh = data;
  gboolean queue;

  g_mutex_lock (&sh->lock);
  g_hash_table_replace (sh->taken, g_strdup (key),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (sh->taken, key)) + 1));
  queue = !sh->flush_queued;
  sh->flush_queued = TRUE;
  g_mutex_unlock (&sh->lock);
  if (queue)
    g_main_context_invoke_full (NULL, G_PRIORITY_HIGH, rate_flush_cb, shared_ref (sh),
                                (GDestroyNotify) shared_unref);
}

/* ---- sign-in failures -------------------------------------------------- */

/* A slow thread's commands, answered on the main context while it waits
 * (at most SYNC_TIMEOUT_MS). */
typedef struct {
  gint            ref_count;
  GMutex          lock;
  GCond           cond;
  CsServerShared *sh;
  GPtrArray      *commands;   /* GStrv each */
  guint           pending;
  gboolean        failed;
  gint64         *scores;     /* per command: the score a ZRANGE WITHSCORES gave, or -1 */
} Sync;

static void
sync_unref (Sync *s)
{
  if (!g_atomic_int_dec_and_test (&s->ref_count))
    return;
  g_ptr_array_unref (s->commands);
  g_free (s->scores);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  shared_unref (s->sh);
  g_free (s);
}

typedef struct {
  Sync  *sync;
  guint  index;
} SyncReply;

static void
sync_reply_cb (gpointer reply,
               gpointer data)
{
  SyncReply *sr = data;
  Sync *s = sr->sync;
  redisReply *r = reply;

  g_mutex_lock (&s->lock);
  if (r == NULL || r->type == REDIS_REPLY_ERROR)
    s->failed = TRUE;
  else if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 && r->element[1]->str)
    s->scores[sr->index] = g_ascii_strtoll (r->element[1]->str, NULL, 10);
  if (--s->pending == 0)
    g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
  sync_unref (s);
  g_free (sr);
}

static gboolean
sync_send_cb (gpointer data)
{
  Sync *s = data;

  for (guint i = 0; i < s->commands->len; i++)
    {
      char **cmd = g_ptr_array_index (s->commands, i);
      guint argc = g_strv_length (cmd);
      g_autofree gsize *lens = g_new (gsize, argc);
      SyncReply *sr = g_new0 (SyncReply, 1);

      for (guint a = 0; a < argc; a++)
        lens[a] = strlen (cmd[a]);
      sr->sync = s;
      sr->index = i;
      g_atomic_int_inc (&s->ref_count);
      if (s->sh->server == NULL || !send (s->sh, sync_reply_cb, sr, (int) argc, (const char **) cmd, lens))
        sync_reply_cb (NULL, sr);
    }
  return G_SOURCE_REMOVE;
}

/* From a slow thread: runs @commands (NULL-terminated GStrv each) and
 * waits. FALSE when Redis did not answer them all in time. */
static gboolean
sync_run (CsServerShared *sh,
          GPtrArray      *commands,
          gint64        **out_scores)
{
  Sync *s = g_new0 (Sync, 1);
  gint64 deadline = g_get_monotonic_time () + SYNC_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  gboolean ok;

  s->ref_count = 2;
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->sh = shared_ref (sh);
  s->commands = g_ptr_array_ref (commands);
  s->pending = commands->len;
  s->scores = g_new (gint64, commands->len);
  for (guint i = 0; i < commands->len; i++)
    s->scores[i] = -1;
  g_main_context_invoke_full (NULL, G_PRIORITY_HIGH, sync_send_cb, s, (GDestroyNotify) sync_unref);
  g_mutex_lock (&s->lock);
  while (s->pending > 0)
    if (!g_cond_wait_until (&s->cond, &s->lock, deadline))
      break;
  ok = s->pending == 0 && !s->failed;
  if (ok && out_scores)
    *out_scores = g_memdup2 (s->scores, sizeof (gint64) * commands->len);
  g_mutex_unlock (&s->lock);
  sync_unref (s);
  return ok;
}

#define SHARED(l) ((CsServerShared *) ((char *) (l) - G_STRUCT_OFFSET (CsServerShared, limits)))

static char *
limit_key (CsServerShared *sh,
           const char     *kind,
           const char     *key)
{
  return g_strdup_printf ("%s:limit:%s:%s", sh->prefix, kind, key);
}

static gboolean
on_main_thread (void)
{
  return g_main_context_is_owner (g_main_context_default ());
}

/* Seconds until fewer than @max failures of @rkey are within @window_s,
 * all nodes together; adds the commands asking it to @commands. */
static void
ask_window (GPtrArray  *commands,
            const char *rkey,
            guint       max,
            guint       window_s)
{
  g_autofree char *oldest = g_strdup_printf ("%" G_GINT64_FORMAT, cau_time_now_ms () - (gint64) window_s * 1000);
  g_autofree char *index = g_strdup_printf ("-%u", MAX (max, 1));
  char *trim[] = { "ZREMRANGEBYSCORE", (char *) rkey, "-inf", oldest, NULL };
  char *range[] = { "ZRANGE", (char *) rkey, index, index, "WITHSCORES", NULL };

  g_ptr_array_add (commands, g_strdupv (trim));
  g_ptr_array_add (commands, g_strdupv (range));
}

static guint
wait_from (gint64 score_ms,
           guint  window_s)
{
  gint64 left;

  if (score_ms < 0)
    return 0;
  left = score_ms + (gint64) window_s * 1000 - cau_time_now_ms ();
  return left > 0 ? (guint) ((left + 999) / 1000) : 0;
}

static guint
shared_check (CsLimits       *limits,
              const CsConfig *config,
              const char     *account_key,
              const char     *address)
{
  CsServerShared *sh = SHARED (limits);
  guint wait = cs_limits_check (sh->inner, config, account_key, address);
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *akey = account_key ? limit_key (sh, "account", account_key) : NULL;
  g_autofree char *ikey = address ? limit_key (sh, "address", address) : NULL;
  g_autofree gint64 *scores = NULL;

  if (on_main_thread ())
    return wait;
  if (akey)
    ask_window (commands, akey, config->login_fail_account, config->login_window_s);
  if (ikey)
    ask_window (commands, ikey, config->login_fail_address, config->login_window_s);
  if (commands->len == 0 || !sync_run (sh, commands, &scores))
    return wait;
  if (akey)
    wait = MAX (wait, wait_from (scores[1], config->login_window_s));
  if (ikey)
    wait = MAX (wait, wait_from (scores[akey ? 3 : 1], config->login_window_s));
  return wait;
}

static void
add_failure (GPtrArray  *commands,
             const char *rkey,
             guint       window_s)
{
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, cau_time_now_ms ());
  g_autofree char *member = g_strdup_printf ("%s-%08x", now, g_random_int ());
  g_autofree char *ttl = g_strdup_printf ("%u", window_s + 60);
  char *add[] = { "ZADD", (char *) rkey, now, member, NULL };
  char *expire[] = { "EXPIRE", (char *) rkey, ttl, NULL };

  g_ptr_array_add (commands, g_strdupv (add));
  g_ptr_array_add (commands, g_strdupv (expire));
}

static void
shared_fail (CsLimits   *limits,
             const char *account_key,
             const char *address)
{
  CsServerShared *sh = SHARED (limits);
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *akey = account_key ? limit_key (sh, "account", account_key) : NULL;
  g_autofree char *ikey = address ? limit_key (sh, "address", address) : NULL;
  guint window_s = sh->server ? sh->server->config->login_window_s : 900;

  cs_limits_fail (sh->inner, account_key, address);
  if (on_main_thread ())
    return;
  if (akey)
    add_failure (commands, akey, window_s);
  if (ikey)
    add_failure (commands, ikey, window_s);
  if (commands->len > 0)
    sync_run (sh, commands, NULL);
}

static void
shared_success (CsLimits   *limits,
                const char *account_key)
{
  CsServerShared *sh = SHARED (limits);
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *akey = account_key ? limit_key (sh, "account", account_key) : NULL;

  cs_limits_success (sh->inner, account_key);
  if (akey == NULL || on_main_thread ())
    return;
  {
    char *del[] = { "DEL", akey, NULL };

    g_ptr_array_add (commands, g_strdupv (del));
    sync_run (sh, commands, NULL);
  }
}

static guint
shared_wait (CsLimits   *limits,
             const char *key,
             guint       max,
             guint       window_s)
{
  return cs_limits_wait (SHARED (limits)->inner, key, max, window_s);
}

static void
shared_note (CsLimits   *limits,
             const char *key)
{
  cs_limits_note (SHARED (limits)->inner, key);
}

static void
shared_limits_free (CsLimits *limits)
{
  /* Freed with the CsServerShared (cs_server_shared_free). */
}

static const CsLimitsVTable shared_limits_vtable = {
  shared_check,
  shared_fail,
  shared_success,
  shared_wait,
  shared_note,
  shared_limits_free,
};

/* ---- life cycle -------------------------------------------------------- */

CsServerShared *
cs_server_shared_new (CsServer *server)
{
  CsServerShared *sh = g_new0 (CsServerShared, 1);

  sh->ref_count = 1;
  sh->server = server;
  sh->bus = server->bus;
  sh->prefix = cs_bus_redis_prefix (server->bus);
  sh->presence = server->presence;
  sh->ttl_ms = server->config->bus_presence_ttl_s * 1000;
  g_mutex_init (&sh->lock);
  sh->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sh->rate_state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sh->inner = cs_limits_memory_new ();
  sh->limits.vtable = &shared_limits_vtable;
  cs_presence_set_local_func (sh->presence, presence_local_cb, sh);
  cs_bus_subscribe (sh->bus, &presence_subscriber, sh);
  cs_rate_limit_set_taken (server->message_limit, rate_taken_cb, sh);
  sh->renew_id = g_timeout_add (MAX (sh->ttl_ms / 3, 1000), renew_cb, sh);
  return sh;
}

CsLimits *
cs_server_shared_limits (CsServerShared *sh)
{
  return &sh->limits;
}

/* Before the bus, the presence and the limits go; answers still coming
 * find sh->server NULL and only free. */
void
cs_server_shared_free (CsServerShared *sh)
{
  if (sh == NULL)
    return;
  g_clear_handle_id (&sh->renew_id, g_source_remove);
  cs_presence_set_local_func (sh->presence, NULL, NULL);
  cs_bus_unsubscribe (sh->bus, sh);
  cs_rate_limit_set_taken (sh->server->message_limit, NULL, NULL);
  sh->server = NULL;
  shared_unref (sh);
}

#else /* no hiredis: [bus] redis is refused at start-up */

CsServerShared *
cs_server_shared_new (CsServer *server)
{
  g_return_val_if_reached (NULL);
}

CsLimits *
cs_server_shared_limits (CsServerShared *sh)
{
  g_return_val_if_reached (NULL);
}

void
cs_server_shared_free (CsServerShared *sh)
{
}

#endif
