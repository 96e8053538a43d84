/* cs-http-sessions.c: a token this node does not hold in memory is looked
 * up in the store, once, on a reader thread (the session look-up).
 *
 * Several nodes share one store: a token issued by another node after
 * this one started is in the store but not in this node's memory. On a
 * miss in memory the request (or WebSocket upgrade, or upload) is paused
 * and its token's hash is looked up with a read job; a live session found
 * joins memory and the request goes on, a miss stays a 401.
 *
 * Bounds, against a flood of forged tokens (each a different hash):
 * - concurrent look-ups of one hash are one read (coalesced);
 * - a hash not found is remembered for NEGATIVE_TTL_S, at most
 *   NEGATIVE_MAX of them (oldest forgotten first): it is refused without
 *   a read meanwhile;
 * - at most MISSES_PER_ADDRESS look-ups that found nothing per client
 *   address in MISSES_WINDOW_S: past that, that address's tokens not in
 *   memory are refused without a read (a real client never presents
 *   unknown tokens; signing in again fills memory without a look-up);
 * - at most MAX_IN_FLIGHT different hashes looked up at once: past
 *   that, 503 with Retry-After (a flood from many addresses costs the
 *   store at most that many reads at a time).
 *
 * Revocations: every close signal of the bus (a logout or a removal on
 * any node) bumps a generation; a look-up whose read began before a
 * revocation it may not have seen is read again (at most MAX_TRIES), so
 * a revoked session is never put back in memory by a read that raced it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-http"

#include "cs-server-private.h"
#include "cs-users.h"
#include "cau-time.h"

#define NEGATIVE_TTL_S       30
#define NEGATIVE_MAX         4096
#define MISSES_PER_ADDRESS   20
#define MISSES_WINDOW_S      60
#define MAX_IN_FLIGHT        32
#define MAX_TRIES            3

typedef struct {
  SoupServerMessage  *msg;
  CsSessionFoundFunc  func;
  char               *ip;
} Waiter;

typedef struct {
  CsSessionFinder *finder;
  char            *hash;
  GPtrArray       *waiters;    /* Waiter* */
  guint            gen;        /* the finder's generation when the read was queued */
  guint            tries;
  CsStoredSession *found;      /* set on the reader thread */
} Lookup;

struct _CsSessionFinder {
  CsServer   *server;
  GHashTable *in_flight;       /* hash -> Lookup* (owned) */
  GHashTable *negative;        /* hash -> gint64* expiry (monotonic s) */
  GQueue      negative_order;  /* the keys of @negative, oldest first (owned by the table) */
  guint       gen;
  guint64     reads;
  guint64     refused;         /* refused without a read (negative cache, address limit) */
  guint64     busy;
};

static void
waiter_free (gpointer data)
{
  Waiter *w = data;

  g_object_unref (w->msg);
  g_free (w->ip);
  g_free (w);
}

static void
lookup_free (gpointer data)
{
  Lookup *l = data;

  g_free (l->hash);
  g_ptr_array_unref (l->waiters);
  g_clear_pointer (&l->found, cs_stored_session_free);
  g_free (l);
}

CsSessionFinder *
cs_session_finder_new (CsServer *server)
{
  CsSessionFinder *f = g_new0 (CsSessionFinder, 1);

  f->server = server;
  f->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, lookup_free);
  f->negative = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&f->negative_order);
  return f;
}

/* After the store closed: its completions are dropped, so the look-ups
 * left are freed here (their paused requests with the server). */
void
cs_session_finder_free (CsSessionFinder *finder)
{
  if (finder == NULL)
    return;
  g_hash_table_unref (finder->in_flight);
  g_queue_clear (&finder->negative_order);
  g_hash_table_unref (finder->negative);
  g_free (finder);
}

void
cs_session_finder_revoked (CsSessionFinder *finder)
{
  finder->gen++;
}

static gboolean
negative_has (CsSessionFinder *f,
              const char      *hash)
{
  gint64 *until = g_hash_table_lookup (f->negative, hash);

  return until && *until > g_get_monotonic_time () / G_USEC_PER_SEC;
}

static void
negative_add (CsSessionFinder *f,
              const char      *hash)
{
  gint64 *until = g_new (gint64, 1);
  char *key;

  *until = g_get_monotonic_time () / G_USEC_PER_SEC + NEGATIVE_TTL_S;
  if (g_hash_table_contains (f->negative, hash))
    {
      /* Its place in the order stays: it goes a little early. */
      g_hash_table_replace (f->negative, g_strdup (hash), until);
      return;
    }
  while (g_hash_table_size (f->negative) >= NEGATIVE_MAX)
    g_hash_table_remove (f->negative, g_queue_pop_head (&f->negative_order));
  key = g_strdup (hash);
  g_hash_table_insert (f->negative, key, until);
  g_queue_push_tail (&f->negative_order, key);
}

static char *
miss_key (const char *ip)
{
  return g_strdup_printf ("session-miss:%s", ip ? ip : "");
}

/* Reader thread. */
static void
find_read (CsCtx *ctx)
{
  Lookup *l = ctx->input;

  l->found = cs_stored_sessions_find (ctx->db, l->hash, cau_time_now_ms ());
}

static void submit (CsSessionFinder *f, Lookup *l);

static void
find_done (CsCtx    *ctx,
           gpointer  data)
{
  Lookup *l = data;
  CsSessionFinder *f = l->finder;
  CsServer *server = f->server;
  g_autoptr(GPtrArray) waiters = NULL;
  gboolean failed = ctx->error != NULL;

  ctx->input = NULL;
  if (!failed && l->gen != f->gen && l->tries < MAX_TRIES)
    {
      /* A revocation crossed this read: read again, in a snapshot that
       * began after it. */
      g_clear_pointer (&l->found, cs_stored_session_free);
      submit (f, l);
      return;
    }
  if (!failed && l->gen != f->gen)
    failed = TRUE;   /* revocations keep coming: say busy rather than guess */
  g_hash_table_steal (f->in_flight, l->hash);
  if (l->found)
    cs_sessions_add (server->sessions, l->found->token_hash, l->found->user_id, l->found->tenant_id,
                     l->found->expires_at);
  else if (!failed)
    negative_add (f, l->hash);
  waiters = g_steal_pointer (&l->waiters);
  l->waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *w = g_ptr_array_index (waiters, i);
      CsSessionInfo info = { 0 };

      if (failed)
        w->func (server, w->msg, NULL, NULL, CS_SESSION_BUSY);
      else if (l->found == NULL || !cs_sessions_lookup (server->sessions, l->hash, &info))
        {
          g_autofree char *key = miss_key (w->ip);

          cs_limits_note (server->limits, key);
          w->func (server, w->msg, NULL, NULL, CS_SESSION_NONE);
        }
      else
        w->func (server, w->msg, l->hash, &info, CS_SESSION_FOUND);
      cs_session_info_clear (&info);
      /* Each waiter's callback unpaused its message. */
      waiter_free (w);
    }
  g_ptr_array_set_free_func (waiters, NULL);
  lookup_free (l);
}

static void
submit (CsSessionFinder *f,
        Lookup          *l)
{
  CsCtx *ctx = cs_server_new_ctx (f->server);

  l->gen = f->gen;
  l->tries++;
  f->reads++;
  ctx->input = l;
  cs_store_submit (f->server->store, CS_JOB_READ, find_read, ctx, find_done, l);
}

CsSessionResult
cs_session_finder_find (CsSessionFinder    *finder,
                        SoupServerMessage  *msg,
                        const char         *hash,
                        const char         *ip,
                        CsSessionFoundFunc  func)
{
  Lookup *l;
  Waiter *w;

  if (negative_has (finder, hash))
    {
      finder->refused++;
      return CS_SESSION_NONE;
    }
  l = g_hash_table_lookup (finder->in_flight, hash);
  if (l == NULL)
    {
      g_autofree char *key = miss_key (ip);

      if (cs_limits_wait (finder->server->limits, key, MISSES_PER_ADDRESS, MISSES_WINDOW_S) > 0)
        {
          finder->refused++;
          return CS_SESSION_NONE;
        }
      if (g_hash_table_size (finder->in_flight) >= MAX_IN_FLIGHT)
        {
          finder->busy++;
          return CS_SESSION_BUSY;
        }
      l = g_new0 (Lookup, 1);
      l->finder = finder;
      l->hash = g_strdup (hash);
      l->waiters = g_ptr_array_new_with_free_func (waiter_free);
      g_hash_table_insert (finder->in_flight, l->hash, l);
      submit (finder, l);
    }
  w = g_new0 (Waiter, 1);
  w->msg = g_object_ref (msg);
  w->func = func;
  w->ip = g_strdup (ip);
  g_ptr_array_add (l->waiters, w);
  soup_server_message_pause (msg);
  return CS_SESSION_PENDING;
}

void
cs_session_finder_append_metrics (CsSessionFinder *finder,
                                  GString         *s)
{
  g_string_append_printf (s,
    "# HELP causerie_session_lookups_total Tokens not in memory looked up in the store (reads).\n"
    "# TYPE causerie_session_lookups_total counter\n"
    "causerie_session_lookups_total %" G_GUINT64_FORMAT "\n"
    "# HELP causerie_session_lookups_refused_total Tokens not in memory refused without a read (known unknown, or the address's misses).\n"
    "# TYPE causerie_session_lookups_refused_total counter\n"
    "causerie_session_lookups_refused_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_session_lookups_busy_total counter\n"
    "causerie_session_lookups_busy_total %" G_GUINT64_FORMAT "\n",
    finder->reads, finder->refused, finder->busy);
}
