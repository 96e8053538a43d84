/* test-bus-redis.c: the event bus between nodes, against a real Redis the
 * test starts (cs-test-services.h): two buses in one process stand for two
 * nodes. What one node publishes reaches the other's subscribers, once,
 * and its own subscribers at once; a Redis restart is survived, said once
 * in the log each way, and committed events missed while it was down come
 * back from the (here simulated, shared) event log with no gap; a full
 * outgoing queue drops instead of growing. Also the wire format and the
 * gap detector alone.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>

#include "cs-bus-gap.h"
#include "cs-bus-redis.h"
#include "cs-bus-wire.h"
#include "cs-redis-url.h"
#include "cs-test-services.h"

/* ---- log lines of the bus ---------------------------------------------- */

static GPtrArray *bus_log;   /* char*: the bus's warnings and messages */

static void
log_handler (const char    *domain,
             GLogLevelFlags level,
             const char    *message,
             gpointer       data)
{
  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
    g_ptr_array_add (bus_log, g_strdup (message));
  if (g_test_verbose ())
    g_printerr ("# %s: %s\n", domain, message);
}

static gboolean
not_fatal (const char    *domain,
           GLogLevelFlags level,
           const char    *message,
           gpointer       data)
{
  /* The bus's warnings (Redis down, queue full) are what is under test. */
  return g_strcmp0 (domain, "cs-bus") != 0 || !(level & G_LOG_LEVEL_WARNING);
}

static guint
log_count (const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < bus_log->len; i++)
    n += strstr (g_ptr_array_index (bus_log, i), needle) != NULL;
  return n;
}

/* ---- a node: a bus and what its subscriber was told --------------------- */

typedef struct {
  CsBus     *bus;
  CsMetrics  metrics;
  GPtrArray *events;    /* CsEvent*, as delivered */
  GPtrArray *signals;   /* char*: "kind user token tenant frame recipients" */
} Node;

static GPtrArray *shared_log;   /* CsEvent*: the event log every node shares (seq = index + 1) */

static void
node_events (GPtrArray *events,
             gpointer   data)
{
  Node *n = data;

  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (n->events, cs_event_ref (g_ptr_array_index (events, i)));
}

static void
node_signal (const CsSignal *s,
             gpointer        data)
{
  Node *n = data;
  g_autofree char *recipients = s->recipients ? g_strjoinv (",", s->recipients) : g_strdup ("-");

  g_ptr_array_add (n->signals, g_strdup_printf ("%d %s %s %s %s %s", s->kind, s->user_id ? s->user_id : "-",
                                                s->token_hash ? s->token_hash : "-",
                                                s->tenant_id ? s->tenant_id : "-", s->frame ? s->frame : "-",
                                                recipients));
}

static const CsBusSubscriber subscriber = { node_events, node_signal };

typedef struct {
  CsGap *gap;
  gint64 from;
  gint64 to;
} Fetch;

static guint fetches;
static guint fetches_pending;

/* The store's answer comes later, from the main context, as a real
 * store's reader thread would give it. */
static gboolean
answer_fetch (gpointer data)
{
  Fetch *f = data;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  gint64 head = MIN (f->to, (gint64) shared_log->len);

  for (gint64 seq = f->from; seq <= head; seq++)
    g_ptr_array_add (found, g_ptr_array_index (shared_log, seq - 1));
  cs_gap_fill (f->gap, f->from, head, found);
  fetches_pending--;
  g_free (f);
  return G_SOURCE_REMOVE;
}

static void
fetch_from_log (CsGap  *gap,
                gint64  from,
                gint64  to,
                gpointer data)
{
  Fetch *f = g_new0 (Fetch, 1);

  fetches++;
  fetches_pending++;
  if (g_test_verbose ())
    g_printerr ("# fetch %p %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " (log has %u)\n", gap, from, to, shared_log->len);
  f->gap = gap;
  f->from = from;
  f->to = to;
  g_idle_add (answer_fetch, f);
}

static Node *
node_new (const char *url,
          gboolean    share_events)
{
  Node *n = g_new0 (Node, 1);
  g_autoptr(GError) error = NULL;

  n->bus = cs_bus_redis_new (url, &n->metrics, &error);
  g_assert_no_error (error);
  n->events = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  n->signals = g_ptr_array_new_with_free_func (g_free);
  cs_bus_subscribe (n->bus, &subscriber, n);
  if (share_events)
    cs_bus_redis_share_events (n->bus, shared_log->len, 20, fetch_from_log, n);
  return n;
}

static gboolean timeout_cb (gpointer flag);

static void
node_free (Node *n)
{
  /* A store answers a fetch before the bus goes (the server closes its
   * store first); so does this one. */
  while (fetches_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  cs_bus_unsubscribe (n->bus, n);
  cs_bus_free (n->bus);
  g_ptr_array_unref (n->events);
  g_ptr_array_unref (n->signals);
  g_free (n);
}

static gboolean
timeout_cb (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until @cond holds; fails after 20 s (a hang, not a
 * measure). */
#define SPIN_UNTIL(cond) G_STMT_START {                                        \
    gboolean expired_ = FALSE;                                                 \
    guint id_ = g_timeout_add_seconds (20, timeout_cb, &expired_);             \
    while (!(cond) && !expired_)                                               \
      g_main_context_iteration (NULL, TRUE);                                   \
    if (!(cond))                                                               \
      g_error ("still not true after 20 s: %s", #cond);                        \
    g_source_remove (id_);                                                     \
  } G_STMT_END

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Commits an event on @n: appends it to the shared log (its seq is the
 * next one) and publishes it, as the store's event sink would. */
static CsEvent *
commit (Node       *n,
        const char *text)
{
  CsEvent *ev = g_new0 (CsEvent, 1);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();

  ev->ref_count = 1;
  ev->seq = shared_log->len + 1;
  ev->type = g_strdup ("message.new");
  ev->tenant_id = g_strdup ("t1");
  ev->room_id = g_strdup ("r1");
  ev->recipients = cs_ids_take_strv (g_strsplit ("u1,u2", ",", -1));
  ev->frame = g_strdup_printf ("{\"type\":\"message.new\",\"seq\":%" G_GINT64_FORMAT ",\"text\":\"%s\"}",
                               ev->seq, text);
  ev->actor_id = g_strdup ("u1");
  ev->own_frame = g_strdup ("{\"own\":true}");
  g_ptr_array_add (shared_log, ev);
  g_ptr_array_add (batch, ev);
  cs_bus_publish_events (n->bus, batch);
  return ev;
}

static void
assert_seqs (Node  *n,
             gint64 upto)
{
  g_assert_cmpuint (n->events->len, ==, upto);
  for (guint i = 0; i < n->events->len; i++)
    {
      CsEvent *ev = g_ptr_array_index (n->events, i);

      g_assert_cmpint (ev->seq, ==, i + 1);
      g_assert_cmpstr (ev->frame, ==, ((CsEvent *) g_ptr_array_index (shared_log, i))->frame);
    }
}

static CsTestRedis *
start_redis (void)
{
  g_autofree char *why = NULL;
  CsTestRedis *redis = cs_test_redis_start (&why);

  if (redis == NULL)
    g_test_skip (why);
  g_ptr_array_set_size (bus_log, 0);
  g_ptr_array_set_size (shared_log, 0);
  fetches = 0;
  return redis;
}

/* ---- tests --------------------------------------------------------------- */

static void
test_cross_node (void)
{
  CsTestRedis *redis = start_redis ();
  Node *a, *b;
  char *recipients[] = { "u1", "u2", NULL };
  CsSignal typing = { CS_SIGNAL_TYPING, "t1", "u1", NULL, recipients, "{\"type\":\"typing\"}" };
  CsSignal presence = { CS_SIGNAL_PRESENCE, "t1", "u2", NULL, NULL, "{\"type\":\"presence\"}" };
  CsSignal close = { CS_SIGNAL_CLOSE, NULL, "u3", "abcd", NULL, NULL };
  g_autoptr(GString) metrics = g_string_new (NULL);

  if (redis == NULL)
    return;
  a = node_new (redis->url, TRUE);
  b = node_new (redis->url, TRUE);
  SPIN_UNTIL (cs_bus_redis_is_up (a->bus) && cs_bus_redis_is_up (b->bus));
  g_assert_cmpuint (log_count ("connected"), ==, 2);

  /* Typing, presence, a session's revocation: each reaches the other node
   * as it was, and its own node at once (not twice: its echo is skipped). */
  cs_bus_publish_signal (a->bus, &typing);
  cs_bus_publish_signal (a->bus, &presence);
  cs_bus_publish_signal (b->bus, &close);
  g_assert_cmpuint (a->signals->len, ==, 2);
  g_assert_cmpuint (b->signals->len, ==, 1);
  SPIN_UNTIL (b->signals->len == 3 && a->signals->len == 3);
  g_assert_cmpstr (g_ptr_array_index (b->signals, 1), ==, "0 u1 - t1 {\"type\":\"typing\"} u1,u2");
  g_assert_cmpstr (g_ptr_array_index (b->signals, 2), ==, "1 u2 - t1 {\"type\":\"presence\"} -");
  g_assert_cmpstr (g_ptr_array_index (a->signals, 2), ==, "2 u3 abcd - - -");
  g_assert_cmpstr (g_ptr_array_index (a->signals, 0), ==, g_ptr_array_index (b->signals, 1));

  /* Committed events, from both nodes in turn: every node gets all, in
   * seq order, each once, with every field. */
  commit (a, "one");
  commit (b, "two");
  commit (a, "three");
  SPIN_UNTIL (a->events->len == 3 && b->events->len == 3);
  spin (100);   /* nothing more comes: no echo, no duplicate */
  assert_seqs (a, 3);
  assert_seqs (b, 3);
  {
    CsEvent *ev = g_ptr_array_index (b->events, 0);

    g_assert_cmpstr (ev->type, ==, "message.new");
    g_assert_cmpstr (ev->room_id, ==, "r1");
    g_assert_null (ev->user_id);
    g_assert_cmpstr (ev->actor_id, ==, "u1");
    g_assert_cmpstr (ev->own_frame, ==, "{\"own\":true}");
    g_assert_cmpuint (g_strv_length (ev->recipients), ==, 2);
  }
  cs_bus_redis_append_metrics (b->bus, metrics);
  g_assert_nonnull (strstr (metrics->str, "causerie_bus_up 1\n"));
  /* From a: typing, presence, "one", "three". */
  g_assert_nonnull (strstr (metrics->str, "causerie_bus_received_total 4\n"));
  node_free (a);
  node_free (b);
  cs_test_redis_free (redis);
}

static void
test_signals_only (void)
{
  CsTestRedis *redis = start_redis ();
  Node *a, *b;
  char *recipients[] = { "u1", NULL };
  CsSignal typing = { CS_SIGNAL_TYPING, "t1", "u1", NULL, recipients, "{}" };

  if (redis == NULL)
    return;
  /* Without a shared store (a database per node), committed events stay on
   * their node; signals still cross. */
  a = node_new (redis->url, FALSE);
  b = node_new (redis->url, FALSE);
  SPIN_UNTIL (cs_bus_redis_is_up (a->bus) && cs_bus_redis_is_up (b->bus));
  commit (a, "local");
  cs_bus_publish_signal (a->bus, &typing);
  g_assert_cmpuint (a->events->len, ==, 1);
  SPIN_UNTIL (b->signals->len == 1);
  g_assert_cmpuint (b->events->len, ==, 0);
  node_free (a);
  node_free (b);
  cs_test_redis_free (redis);
}

static void
test_restart (void)
{
  CsTestRedis *redis = start_redis ();
  Node *a, *b;
  char *recipients[] = { "u1", "u2", NULL };
  CsSignal typing = { CS_SIGNAL_TYPING, "t1", "u1", NULL, recipients, "{\"after\":\"restart\"}" };
  g_autoptr(GString) metrics = g_string_new (NULL);

  if (redis == NULL)
    return;
  a = node_new (redis->url, TRUE);
  b = node_new (redis->url, TRUE);
  SPIN_UNTIL (cs_bus_redis_is_up (a->bus) && cs_bus_redis_is_up (b->bus));
  /* Each node read the log once it heard the bus (empty so far). */
  SPIN_UNTIL (fetches_pending == 0);
  commit (a, "before");
  SPIN_UNTIL (b->events->len == 1);

  /* Redis dies without a word to its clients. */
  cs_test_redis_stop (redis, TRUE);
  SPIN_UNTIL (!cs_bus_redis_is_up (a->bus) && !cs_bus_redis_is_up (b->bus));
  /* Committed while the bus is down: this node delivers its own at once;
   * the other node cannot hear of them from the bus. */
  commit (a, "while down 1");
  commit (a, "while down 2");
  g_assert_cmpuint (a->events->len, ==, 3);
  /* Several reconnection attempts fail meanwhile (100, 200, 400 ms ...). */
  spin (1000);
  g_assert_cmpuint (log_count ("is down"), ==, 2);   /* once per node */
  g_assert_cmpuint (b->events->len, ==, 1);

  cs_test_redis_restart (redis);
  SPIN_UNTIL (cs_bus_redis_is_up (a->bus) && cs_bus_redis_is_up (b->bus));
  g_assert_cmpuint (log_count ("is back"), ==, 2);
  g_assert_cmpuint (log_count ("is down"), ==, 2);
  /* The node that missed them reads them from the shared log. */
  SPIN_UNTIL (b->events->len == 3);
  assert_seqs (b, 3);
  g_assert_cmpuint (fetches, >=, 1);

  /* And the bus carries again. */
  cs_bus_publish_signal (b->bus, &typing);
  SPIN_UNTIL (a->signals->len == 1);
  commit (b, "after");
  SPIN_UNTIL (a->events->len == 4);
  assert_seqs (a, 4);
  assert_seqs (b, 4);
  cs_bus_redis_append_metrics (a->bus, metrics);
  g_assert_nonnull (strstr (metrics->str, "causerie_bus_down_total 1\n"));
  g_assert_nonnull (strstr (metrics->str, "causerie_bus_connects_total 2\n"));
  g_assert_nonnull (strstr (metrics->str, "causerie_bus_up 1\n"));
  node_free (a);
  node_free (b);
  cs_test_redis_free (redis);
}

static void
test_queue_bound (void)
{
  CsTestRedis *redis = start_redis ();
  Node *a;
  g_autofree char *big = g_strnfill (64 * 1024, 'x');
  CsSignal presence = { CS_SIGNAL_PRESENCE, "t1", "u1", NULL, NULL, big };
  guint sent = 0;

  if (redis == NULL)
    return;
  a = node_new (redis->url, FALSE);
  SPIN_UNTIL (cs_bus_redis_is_up (a->bus));
  /* Redis stops reading (frozen, as a stalled server): what the node
   * publishes waits in its queue, which stops growing at its bound. The
   * publishes return at once: nothing waits for Redis. */
  kill (redis->pid, SIGSTOP);
  for (sent = 0; sent < 2 * CS_BUS_REDIS_QUEUE_MAX / (64 * 1024); sent++)
    {
      cs_bus_publish_signal (a->bus, &presence);
      g_main_context_iteration (NULL, FALSE);
    }
  /* Every local subscriber had them all. */
  g_assert_cmpuint (a->signals->len, ==, sent);
  g_assert_cmpuint (cs_metrics_get (&a->metrics, CS_COUNT_BUS_DROPPED), >, 0);
  g_assert_cmpuint (cs_metrics_get (&a->metrics, CS_COUNT_BUS_PUBLISHED), <=,
                    CS_BUS_REDIS_QUEUE_MAX / (64 * 1024));
  g_assert_cmpuint (log_count ("messages are dropped"), ==, 1);
  kill (redis->pid, SIGCONT);
  SPIN_UNTIL (log_count ("drained") == 1);
  g_assert_true (cs_bus_redis_is_up (a->bus));
  node_free (a);
  cs_test_redis_free (redis);
}

static void
test_bad_url (void)
{
  const char *bad[] = {
    "http://127.0.0.1:6379/0", "redis://", "redis://127.0.0.1:6379/zero", "redis://127.0.0.1:99999/0",
    "redis://user@127.0.0.1/0", "127.0.0.1:6379", "redis://127.0.0.1/0?x=1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      CsMetrics metrics = { 0 };
      CsBus *bus = cs_bus_redis_new (bad[i], &metrics, &error);

      g_assert_null (bus);
      g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
      g_assert_true (g_str_has_prefix (error->message, "[bus] redis: "));
      if (g_test_verbose ())
        g_printerr ("# %s\n", error->message);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CsRedisUrl) url = cs_redis_url_parse ("redis://:s%40cret@[::1]:6380/3", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (url->host, ==, "::1");
    g_assert_cmpuint (url->port, ==, 6380);
    g_assert_cmpuint (url->db, ==, 3);
    g_assert_cmpstr (url->password, ==, "s@cret");
    g_assert_null (url->user);
  }
}

/* ---- the wire format and the gap detector alone -------------------------- */

static void
test_wire (void)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CsBusMsg) msg = NULL;
  g_autoptr(GError) error = NULL;
  CsEvent *ev = g_new0 (CsEvent, 1);
  gsize size;
  const guchar *data;

  ev->ref_count = 1;
  ev->seq = 42;
  ev->type = g_strdup ("member.removed");
  ev->tenant_id = g_strdup ("t");
  ev->user_id = g_strdup ("u9");
  ev->frame = g_strdup ("{\"a\":\"é\"}");
  g_ptr_array_add (batch, ev);
  bytes = cs_bus_wire_encode_events ("node1", 7, 1, batch);
  data = g_bytes_get_data (bytes, &size);
  msg = cs_bus_wire_decode (data, size, &error);
  g_assert_no_error (error);
  g_assert_cmpint (msg->kind, ==, CS_BUS_MSG_EVENTS);
  g_assert_cmpstr (msg->node, ==, "node1");
  g_assert_cmpuint (msg->epoch, ==, 7);
  g_assert_cmpuint (msg->node_seq, ==, 1);
  ev = g_ptr_array_index (msg->events, 0);
  g_assert_cmpint (ev->seq, ==, 42);
  g_assert_null (ev->room_id);
  g_assert_cmpstr (ev->user_id, ==, "u9");
  g_assert_cmpstr (ev->frame, ==, "{\"a\":\"é\"}");
  g_assert_null (ev->own_frame);
  g_assert_null (ev->recipients);

  /* Anything else is refused with a sentence, never read as a message:
   * every truncation, every single flipped byte, random bytes. */
  for (gsize cut = 0; cut < size; cut++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(CsBusMsg) m = cs_bus_wire_decode (data, cut, &e);

      g_assert_true ((m == NULL) == (e != NULL));
    }
  for (gsize i = 0; i < size; i++)
    {
      g_autofree guchar *copy = g_memdup2 (data, size);
      g_autoptr(GError) e = NULL;
      g_autoptr(CsBusMsg) m = NULL;

      copy[i] ^= 0x5a;
      m = cs_bus_wire_decode (copy, size, &e);
      g_assert_true ((m == NULL) == (e != NULL));
    }
  for (guint i = 0; i < 200; i++)
    {
      guchar junk[64];
      g_autoptr(GError) e = NULL;
      g_autoptr(CsBusMsg) m = NULL;

      for (guint k = 0; k < sizeof junk; k++)
        junk[k] = g_random_int_range (0, 256);
      m = cs_bus_wire_decode (junk, g_random_int_range (0, sizeof junk), &e);
      g_assert_true ((m == NULL) == (e != NULL));
    }
}

typedef struct {
  GArray *delivered;   /* gint64 */
  gint64  from, to;
  guint   n_fetch;
} GapProbe;

static void
probe_deliver (GPtrArray *events,
               gpointer   data)
{
  GapProbe *p = data;

  for (guint i = 0; i < events->len; i++)
    g_array_append_val (p->delivered, ((CsEvent *) g_ptr_array_index (events, i))->seq);
}

static void
probe_fetch (CsGap  *gap,
             gint64  from,
             gint64  to,
             gpointer data)
{
  GapProbe *p = data;

  p->from = from;
  p->to = to;
  p->n_fetch++;
}

static GPtrArray *
seqs (const gint64 *list,
      guint         n)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);

  for (guint i = 0; i < n; i++)
    {
      CsEvent *ev = g_new0 (CsEvent, 1);

      ev->ref_count = 1;
      ev->seq = list[i];
      g_ptr_array_add (out, ev);
    }
  return out;
}

static void
assert_delivered (GapProbe     *p,
                  const gint64 *want,
                  guint         n)
{
  g_assert_cmpuint (p->delivered->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (p->delivered, gint64, i), ==, want[i]);
}

static void
test_gap (void)
{
  GapProbe p = { g_array_new (FALSE, FALSE, sizeof (gint64)) };
  CsGap *gap = cs_gap_new (10, 10, probe_deliver, probe_fetch, &p);

  /* In order: straight through. Out of order (two nodes published at
   * once): held, then released in order. Duplicates: dropped. */
  {
    g_autoptr(GPtrArray) a = seqs ((gint64[]) { 11, 12 }, 2);
    g_autoptr(GPtrArray) b = seqs ((gint64[]) { 14 }, 1);
    g_autoptr(GPtrArray) c = seqs ((gint64[]) { 13 }, 1);
    g_autoptr(GPtrArray) d = seqs ((gint64[]) { 12, 14 }, 2);

    cs_gap_push (gap, a);
    cs_gap_push (gap, b);
    assert_delivered (&p, (gint64[]) { 11, 12 }, 2);
    g_assert_cmpuint (cs_gap_n_held (gap), ==, 1);
    cs_gap_push (gap, c);
    cs_gap_push (gap, d);
    assert_delivered (&p, (gint64[]) { 11, 12, 13, 14 }, 4);
    g_assert_cmpuint (cs_gap_n_held (gap), ==, 0);
    spin (50);
    g_assert_cmpuint (p.n_fetch, ==, 0);
  }
  /* A hole that lasts: after the grace period the store is asked for
   * exactly the hole; its answer fills it, then the held ones follow. */
  {
    g_autoptr(GPtrArray) a = seqs ((gint64[]) { 17, 18 }, 2);
    g_autoptr(GPtrArray) fill = seqs ((gint64[]) { 15, 16 }, 2);

    cs_gap_push (gap, a);
    SPIN_UNTIL (p.n_fetch == 1);
    g_assert_cmpint (p.from, ==, 15);
    g_assert_cmpint (p.to, ==, 16);
    cs_gap_fill (gap, 15, 16, fill);
    assert_delivered (&p, (gint64[]) { 11, 12, 13, 14, 15, 16, 17, 18 }, 8);
    g_assert_cmpint (cs_gap_delivered (gap), ==, 18);
  }
  /* The bus was down: everything after what was delivered is fetched;
   * what arrives from the bus meanwhile waits; seqs the store no longer
   * has (pruned) are skipped, not waited for. */
  {
    g_autoptr(GPtrArray) live = seqs ((gint64[]) { 25 }, 1);
    g_autoptr(GPtrArray) fill = seqs ((gint64[]) { 21, 22, 23, 24 }, 4);

    cs_gap_resync (gap);
    g_assert_cmpuint (p.n_fetch, ==, 2);
    g_assert_cmpint (p.from, ==, 19);
    g_assert_cmpint (p.to, ==, G_MAXINT64);
    cs_gap_push (gap, live);
    g_assert_cmpuint (p.delivered->len, ==, 8);
    cs_gap_fill (gap, 19, 24, fill);
    assert_delivered (&p, (gint64[]) { 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25 }, 13);
    spin (50);
    g_assert_cmpuint (p.n_fetch, ==, 2);
  }
  cs_gap_free (gap);
  g_array_unref (p.delivered);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bus_log = g_ptr_array_new_with_free_func (g_free);
  shared_log = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  g_log_set_handler ("cs-bus", G_LOG_LEVEL_MASK, log_handler, NULL);
  g_test_log_set_fatal_handler (not_fatal, NULL);
  /* The bus's warnings (Redis down, queue full) are what is under test;
   * criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/bus/wire", test_wire);
  g_test_add_func ("/bus/gap", test_gap);
  g_test_add_func ("/bus/redis/bad-url", test_bad_url);
  g_test_add_func ("/bus/redis/cross-node", test_cross_node);
  g_test_add_func ("/bus/redis/signals-only", test_signals_only);
  g_test_add_func ("/bus/redis/restart", test_restart);
  g_test_add_func ("/bus/redis/queue-bound", test_queue_bound);
  return g_test_run ();
}
