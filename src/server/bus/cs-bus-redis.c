/* cs-bus-redis.c: the event bus through Redis (cs-bus-redis.h).
 *
 * Two connections: one subscribed to the channel, one that publishes
 * (a subscribed Redis connection takes no other command). The bus is up
 * when both are connected and the subscription is confirmed; whatever
 * fails, both are dropped and made again after a backoff, so there is one
 * state to reason about. Everything runs on the main context.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-bus"

#include "cs-bus-redis.h"

#include "cs-bus-wire.h"
#include "cs-redis-url.h"

#include <string.h>

#ifdef CS_HAVE_HIREDIS

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#define BACKOFF_MIN_MS     100
#define BACKOFF_MAX_MS     5000
#define CONNECT_TIMEOUT_S  5
#define PING_INTERVAL_S    5

/* ---- hiredis on a GSource ----------------------------------------------
 * Not hiredis's adapters/glib.h: in 0.14 its dispatch goes on to read from
 * a context that the write before it freed (a failed connect). Here the
 * context's clean-up clears the pointer, and the bus unhooks a context
 * before it lets go of it. */

typedef struct {
  GSource            source;
  redisAsyncContext *ac;
  GPollFD            pfd;
} RedisSource;

static void
src_add_read (void *data)
{
  ((RedisSource *) data)->pfd.events |= G_IO_IN;
}

static void
src_del_read (void *data)
{
  ((RedisSource *) data)->pfd.events &= ~G_IO_IN;
}

static void
src_add_write (void *data)
{
  ((RedisSource *) data)->pfd.events |= G_IO_OUT;
}

static void
src_del_write (void *data)
{
  ((RedisSource *) data)->pfd.events &= ~G_IO_OUT;
}

static void
src_cleanup (void *data)
{
  RedisSource *s = data;

  s->ac = NULL;
  s->pfd.events = 0;
}

static gboolean
src_prepare (GSource *source,
             gint    *timeout)
{
  *timeout = -1;
  return FALSE;
}

static gboolean
src_check (GSource *source)
{
  RedisSource *s = (RedisSource *) source;

  return s->ac && (s->pfd.revents & (s->pfd.events | G_IO_ERR | G_IO_HUP | G_IO_NVAL));
}

static gboolean
src_dispatch (GSource    *source,
              GSourceFunc callback,
              gpointer    data)
{
  RedisSource *s = (RedisSource *) source;
  gushort revents = s->pfd.revents;

  s->pfd.revents = 0;
  if (s->ac && (s->pfd.events & G_IO_OUT) && (revents & (G_IO_OUT | G_IO_ERR | G_IO_HUP)))
    redisAsyncHandleWrite (s->ac);
  /* An error or a hang-up is read too: the read finds it and closes. */
  if (s->ac && (revents & (G_IO_IN | G_IO_ERR | G_IO_HUP | G_IO_NVAL)))
    redisAsyncHandleRead (s->ac);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs src_funcs = { src_prepare, src_check, src_dispatch, NULL, NULL, NULL };

static GSource *
src_attach (redisAsyncContext *ac)
{
  RedisSource *s = (RedisSource *) g_source_new (&src_funcs, sizeof (RedisSource));

  s->ac = ac;
  s->pfd.fd = ac->c.fd;
  g_source_add_poll (&s->source, &s->pfd);
  g_source_set_name (&s->source, "redis");
  ac->ev.data = s;
  ac->ev.addRead = src_add_read;
  ac->ev.delRead = src_del_read;
  ac->ev.addWrite = src_add_write;
  ac->ev.delWrite = src_del_write;
  ac->ev.cleanup = src_cleanup;
  g_source_attach (&s->source, NULL);
  return &s->source;
}

/* ---- the bus ----------------------------------------------------------- */

typedef struct {
  guint64 epoch;
  guint64 seq;
} Peer;

typedef struct {
  CsBus              parent;
  CsBus             *local;         /* this node's subscribers */
  CsRedisUrl        *url;
  char              *display;       /* host:port/db, for the log */
  char              *channel;
  char               node[33];
  guint64            epoch;
  guint64            out_seq;
  CsMetrics         *metrics;

  GResolver         *resolver;
  GCancellable      *cancellable;
  redisAsyncContext *pub;
  redisAsyncContext *sub;
  GSource           *pub_src;
  GSource           *sub_src;
  gboolean           pub_ready;
  gboolean           sub_ready;
  gboolean           up;
  gboolean           down_logged;
  gboolean           overflow_logged;
  gboolean           ping_waiting;
  guint              retry_id;
  guint              timeout_id;
  guint              ping_id;
  guint              backoff_ms;
  gsize              queued_bytes;  /* sent to hiredis, not acknowledged by Redis */

  GHashTable        *peers;         /* node id -> Peer */
  CsGap             *gap;           /* NULL: committed events stay on this node */
  CsGapFetch         fetch;
  gpointer           fetch_data;
} CsRedisBus;

static void connect_now (CsRedisBus *bus);

static void
count (CsRedisBus *bus,
       CsCounter   counter)
{
  if (bus->metrics)
    cs_metrics_add (bus->metrics, counter, 1);
}

/* Lets go of a context: unhooked first, so nothing of hiredis's reaches
 * the bus or the GSource afterwards. @free_it is FALSE inside hiredis's own
 * connect and disconnect callbacks, where hiredis frees it. */
static void
drop_context (redisAsyncContext **acp,
              GSource           **srcp,
              gboolean            free_it)
{
  redisAsyncContext *ac = *acp;

  *acp = NULL;
  if (ac)
    {
      ac->data = NULL;
      ac->ev.addRead = ac->ev.delRead = ac->ev.addWrite = ac->ev.delWrite = NULL;
      ac->ev.cleanup = NULL;
      ac->ev.data = NULL;
      if (free_it)
        redisAsyncFree (ac);
    }
  if (*srcp)
    {
      ((RedisSource *) *srcp)->ac = NULL;
      g_source_destroy (*srcp);
      g_clear_pointer (srcp, g_source_unref);
    }
}

static gboolean
retry_cb (gpointer data)
{
  CsRedisBus *bus = data;

  bus->retry_id = 0;
  connect_now (bus);
  return G_SOURCE_REMOVE;
}

/* Whatever failed: both connections go, and come back after the backoff.
 * @gone is the context hiredis is freeing itself (or NULL). */
static void
went_down (CsRedisBus              *bus,
           const redisAsyncContext *gone,
           const char              *why)
{
  drop_context (&bus->pub, &bus->pub_src, bus->pub != gone);
  drop_context (&bus->sub, &bus->sub_src, bus->sub != gone);
  g_cancellable_cancel (bus->cancellable);
  g_clear_object (&bus->cancellable);
  g_clear_handle_id (&bus->timeout_id, g_source_remove);
  g_clear_handle_id (&bus->ping_id, g_source_remove);
  bus->pub_ready = bus->sub_ready = bus->ping_waiting = FALSE;
  bus->queued_bytes = 0;
  if (bus->up || !bus->down_logged)
    {
      g_warning ("Redis bus at %s is down (%s): events from other nodes are not heard until it answers again; "
                 "retrying with backoff.", bus->display, why);
      bus->down_logged = TRUE;
      count (bus, CS_COUNT_BUS_DOWN);
    }
  else
    g_debug ("Redis bus at %s: still down (%s)", bus->display, why);
  bus->up = FALSE;
  if (bus->retry_id == 0)
    {
      bus->retry_id = g_timeout_add (bus->backoff_ms, retry_cb, bus);
      bus->backoff_ms = MIN (bus->backoff_ms * 2, BACKOFF_MAX_MS);
    }
}

static void
ping_cb (redisAsyncContext *ac,
         void              *r,
         void              *privdata)
{
  CsRedisBus *bus = ac->data;

  if (bus)
    bus->ping_waiting = FALSE;
}

/* A partition sends no FIN: an unanswered PING is how it shows. */
static gboolean
ping_tick_cb (gpointer data)
{
  CsRedisBus *bus = data;

  if (bus->ping_waiting)
    {
      bus->ping_id = 0;
      went_down (bus, NULL, "no answer to a PING in " G_STRINGIFY (PING_INTERVAL_S) " s");
      return G_SOURCE_REMOVE;
    }
  bus->ping_waiting = TRUE;
  redisAsyncCommand (bus->pub, ping_cb, NULL, "PING");
  return G_SOURCE_CONTINUE;
}

static void
check_up (CsRedisBus *bus)
{
  if (bus->up || !bus->pub_ready || !bus->sub_ready)
    return;
  bus->up = TRUE;
  bus->backoff_ms = BACKOFF_MIN_MS;
  g_clear_handle_id (&bus->timeout_id, g_source_remove);
  bus->ping_id = g_timeout_add_seconds (PING_INTERVAL_S, ping_tick_cb, bus);
  if (bus->down_logged)
    g_message ("Redis bus at %s is back.", bus->display);
  else
    g_message ("Redis bus at %s: connected.", bus->display);
  bus->down_logged = FALSE;
  count (bus, CS_COUNT_BUS_UPS);
  /* What was published while this node was not subscribed is in the
   * store, not on the bus. */
  if (bus->gap)
    cs_gap_resync (bus->gap);
}

static void
auth_cb (redisAsyncContext *ac,
         void              *r,
         void              *privdata)
{
  CsRedisBus *bus = ac->data;
  redisReply *reply = r;

  if (bus && reply && reply->type == REDIS_REPLY_ERROR)
    went_down (bus, NULL, "Redis refused the password of [bus] redis");
}

static void
receive (CsRedisBus *bus,
         const char *data,
         gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsBusMsg) msg = cs_bus_wire_decode (data, size, &error);
  Peer *peer;

  if (msg == NULL)
    {
      count (bus, CS_COUNT_BUS_BAD);
      g_debug ("Redis bus: %s", error->message);
      return;
    }
  if (g_str_equal (msg->node, bus->node))
    return;   /* our own, delivered here already */
  count (bus, CS_COUNT_BUS_RECEIVED);
  peer = g_hash_table_lookup (bus->peers, msg->node);
  if (peer == NULL)
    {
      if (g_hash_table_size (bus->peers) > 1024)   /* nodes come and go: forget the old ones */
        g_hash_table_remove_all (bus->peers);
      peer = g_new0 (Peer, 1);
      g_hash_table_insert (bus->peers, g_strdup (msg->node), peer);
    }
  else if (peer->epoch == msg->epoch && msg->node_seq > peer->seq + 1)
    cs_metrics_add (bus->metrics, CS_COUNT_BUS_LOST, msg->node_seq - peer->seq - 1);
  peer->epoch = msg->epoch;
  peer->seq = msg->node_seq;

  if (msg->kind == CS_BUS_MSG_EVENTS)
    {
      if (bus->gap)
        cs_gap_push (bus->gap, msg->events);
    }
  else
    cs_bus_publish_signal (bus->local, &msg->signal);
}

static void
message_cb (redisAsyncContext *ac,
            void              *r,
            void              *privdata)
{
  CsRedisBus *bus = ac->data;
  redisReply *reply = r;

  if (bus == NULL || reply == NULL)
    return;
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3 || reply->element[0]->type != REDIS_REPLY_STRING)
    {
      if (reply->type == REDIS_REPLY_ERROR)
        went_down (bus, NULL, reply->str);
      return;
    }
  if (g_str_equal (reply->element[0]->str, "subscribe"))
    {
      bus->sub_ready = TRUE;
      check_up (bus);
    }
  else if (g_str_equal (reply->element[0]->str, "message") && reply->element[2]->type == REDIS_REPLY_STRING)
    receive (bus, reply->element[2]->str, reply->element[2]->len);
}

static void
send_auth (CsRedisBus        *bus,
           redisAsyncContext *ac)
{
  if (bus->url->password == NULL)
    return;
  if (bus->url->user)
    redisAsyncCommand (ac, auth_cb, NULL, "AUTH %s %s", bus->url->user, bus->url->password);
  else
    redisAsyncCommand (ac, auth_cb, NULL, "AUTH %s", bus->url->password);
}

static void
connect_cb (const redisAsyncContext *ac,
            int                      status)
{
  CsRedisBus *bus = ac->data;

  if (bus == NULL)
    return;
  if (status != REDIS_OK)
    {
      g_autofree char *why = g_strdup (ac->errstr[0] ? ac->errstr : "cannot connect");

      went_down (bus, ac, why);
      return;
    }
  redisEnableKeepAlive ((redisContext *) &ac->c);
  send_auth (bus, (redisAsyncContext *) ac);
  if (ac == bus->sub)
    redisAsyncCommand (bus->sub, message_cb, NULL, "SUBSCRIBE %s", bus->channel);
  else
    bus->pub_ready = TRUE;
  check_up (bus);
}

static void
disconnect_cb (const redisAsyncContext *ac,
               int                      status)
{
  CsRedisBus *bus = ac->data;
  g_autofree char *why = NULL;

  if (bus == NULL)
    return;
  why = g_strdup (status == REDIS_OK || ac->errstr[0] == '\0' ? "connection closed" : ac->errstr);
  went_down (bus, ac, why);
}

static gboolean
connect_timeout_cb (gpointer data)
{
  CsRedisBus *bus = data;

  bus->timeout_id = 0;
  went_down (bus, NULL, "no answer in " G_STRINGIFY (CONNECT_TIMEOUT_S) " s");
  return G_SOURCE_REMOVE;
}

static redisAsyncContext *
open_context (CsRedisBus *bus,
              const char *ip,
              GSource   **src)
{
  redisAsyncContext *ac = redisAsyncConnect (ip, (int) bus->url->port);

  if (ac == NULL)
    return NULL;
  if (ac->err)
    {
      redisAsyncFree (ac);
      return NULL;
    }
  ac->data = bus;
  redisAsyncSetConnectCallback (ac, connect_cb);
  redisAsyncSetDisconnectCallback (ac, disconnect_cb);
  *src = src_attach (ac);
  /* hiredis asked for the write event before the source existed. */
  src_add_write (*src);
  return ac;
}

/* With an IP address: connect() on non-blocking sockets, no look-up. */
static void
connect_ip (CsRedisBus *bus,
            const char *ip)
{
  bus->pub = open_context (bus, ip, &bus->pub_src);
  bus->sub = bus->pub ? open_context (bus, ip, &bus->sub_src) : NULL;
  if (bus->sub == NULL)
    {
      went_down (bus, NULL, "cannot make a socket");
      return;
    }
  bus->timeout_id = g_timeout_add_seconds (CONNECT_TIMEOUT_S, connect_timeout_cb, bus);
}

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  CsRedisBus *bus = data;
  g_autofree char *ip = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (addresses == NULL)
    {
      went_down (bus, NULL, error->message);
      return;
    }
  ip = g_inet_address_to_string (addresses->data);
  g_resolver_free_addresses (addresses);
  connect_ip (bus, ip);
}

static void
connect_now (CsRedisBus *bus)
{
  g_assert (bus->pub == NULL && bus->sub == NULL);

  if (g_hostname_is_ip_address (bus->url->host))
    {
      connect_ip (bus, bus->url->host);
      return;
    }
  bus->cancellable = g_cancellable_new ();
  g_resolver_lookup_by_name_async (bus->resolver, bus->url->host, bus->cancellable, resolved_cb, bus);
}

/* ---- publishing -------------------------------------------------------- */

static void
published_cb (redisAsyncContext *ac,
              void              *r,
              void              *privdata)
{
  CsRedisBus *bus = ac->data;

  if (bus == NULL)
    return;
  bus->queued_bytes -= MIN (bus->queued_bytes, GPOINTER_TO_SIZE (privdata));
  if (bus->overflow_logged && bus->queued_bytes < CS_BUS_REDIS_QUEUE_MAX / 2)
    {
      g_message ("Redis bus at %s: the outgoing queue drained.", bus->display);
      bus->overflow_logged = FALSE;
    }
}

static void
send_bytes (CsRedisBus *bus,
            GBytes     *bytes)
{
  gsize size = g_bytes_get_size (bytes);

  if (!bus->up)
    {
      count (bus, CS_COUNT_BUS_DROPPED);
      return;
    }
  if (bus->queued_bytes + size > CS_BUS_REDIS_QUEUE_MAX)
    {
      count (bus, CS_COUNT_BUS_DROPPED);
      if (!bus->overflow_logged)
        g_warning ("Redis bus at %s: %u bytes wait for Redis; messages are dropped until they drain.",
                   bus->display, (guint) bus->queued_bytes);
      bus->overflow_logged = TRUE;
      return;
    }
  if (redisAsyncCommand (bus->pub, published_cb, GSIZE_TO_POINTER (size), "PUBLISH %s %b", bus->channel,
                         g_bytes_get_data (bytes, NULL), size) != REDIS_OK)
    {
      count (bus, CS_COUNT_BUS_DROPPED);
      return;
    }
  bus->queued_bytes += size;
  count (bus, CS_COUNT_BUS_PUBLISHED);
  /* Written now rather than at the loop's next turn: what the caller does
   * next (the local fan-out of a batch, hundreds of sockets) would
   * otherwise delay every other node by as much. A write that cannot go
   * whole leaves the rest to the GSource, as before. */
  if (!(bus->pub->c.flags & REDIS_IN_CALLBACK))
    redisAsyncHandleWrite (bus->pub);
}

static void
redis_publish_events (CsBus     *base,
                      GPtrArray *events)
{
  CsRedisBus *bus = (CsRedisBus *) base;

  if (bus->gap == NULL)
    {
      cs_bus_publish_events (bus->local, events);
      return;
    }
  {
    g_autoptr(GBytes) bytes = cs_bus_wire_encode_events (bus->node, bus->epoch, ++bus->out_seq, events);

    send_bytes (bus, bytes);
  }
  /* Ours go through the detector too: seqs are shared by every node. */
  cs_gap_push (bus->gap, events);
}

static void
redis_publish_signal (CsBus          *base,
                      const CsSignal *signal)
{
  CsRedisBus *bus = (CsRedisBus *) base;
  g_autoptr(GBytes) bytes = cs_bus_wire_encode_signal (bus->node, bus->epoch, ++bus->out_seq, signal);

  cs_bus_publish_signal (bus->local, signal);
  send_bytes (bus, bytes);
}

static void
redis_subscribe (CsBus                 *base,
                 const CsBusSubscriber *subscriber,
                 gpointer               data)
{
  cs_bus_subscribe (((CsRedisBus *) base)->local, subscriber, data);
}

static void
redis_unsubscribe (CsBus   *base,
                   gpointer data)
{
  cs_bus_unsubscribe (((CsRedisBus *) base)->local, data);
}

static void
redis_free (CsBus *base)
{
  CsRedisBus *bus = (CsRedisBus *) base;

  g_clear_handle_id (&bus->retry_id, g_source_remove);
  g_clear_handle_id (&bus->timeout_id, g_source_remove);
  g_clear_handle_id (&bus->ping_id, g_source_remove);
  g_cancellable_cancel (bus->cancellable);
  g_clear_object (&bus->cancellable);
  drop_context (&bus->pub, &bus->pub_src, TRUE);
  drop_context (&bus->sub, &bus->sub_src, TRUE);
  g_clear_object (&bus->resolver);
  g_clear_pointer (&bus->gap, cs_gap_free);
  g_hash_table_unref (bus->peers);
  cs_bus_free (bus->local);
  cs_redis_url_free (bus->url);
  g_free (bus->display);
  g_free (bus->channel);
  g_free (bus);
}

static const CsBusVTable redis_vtable = {
  redis_publish_events,
  redis_publish_signal,
  redis_subscribe,
  redis_unsubscribe,
  redis_free,
};

CsBus *
cs_bus_redis_new (const char *text,
                  CsMetrics  *metrics,
                  GError    **error)
{
  CsRedisUrl *url = cs_redis_url_parse (text, error);
  CsRedisBus *bus;

  if (url == NULL)
    {
      g_prefix_error (error, "[bus] redis: ");
      return NULL;
    }
  bus = g_new0 (CsRedisBus, 1);
  bus->parent.vtable = &redis_vtable;
  bus->local = cs_bus_local_new ();
  bus->url = url;
  bus->display = cs_redis_url_to_display (url);
  /* Channels are not per database in Redis: the number names the channel,
   * so deployments sharing one Redis stay apart. */
  bus->channel = g_strdup_printf ("causerie:%u:bus", url->db);
  for (guint i = 0; i < 4; i++)
    g_snprintf (bus->node + 8 * i, 9, "%08x", g_random_int ());
  bus->epoch = (guint64) g_get_real_time ();
  bus->metrics = metrics;
  bus->backoff_ms = BACKOFF_MIN_MS;
  bus->resolver = g_resolver_get_default ();
  bus->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  connect_now (bus);
  return &bus->parent;
}

static void
gap_deliver (GPtrArray *events,
             gpointer   data)
{
  cs_bus_publish_events (((CsRedisBus *) data)->local, events);
}

static void
gap_fetch (CsGap   *gap,
           gint64   from,
           gint64   to,
           gpointer data)
{
  CsRedisBus *bus = data;

  bus->fetch (gap, from, to, bus->fetch_data);
}

void
cs_bus_redis_share_events (CsBus     *base,
                           gint64     delivered_upto,
                           guint      grace_ms,
                           CsGapFetch fetch,
                           gpointer   data)
{
  CsRedisBus *bus = (CsRedisBus *) base;

  g_return_if_fail (bus->gap == NULL);
  bus->fetch = fetch;
  bus->fetch_data = data;
  bus->gap = cs_gap_new (delivered_upto, grace_ms, gap_deliver, gap_fetch, bus);
}

CsGap *
cs_bus_redis_get_gap (CsBus *base)
{
  return ((CsRedisBus *) base)->gap;
}

gboolean
cs_bus_redis_is_up (CsBus *base)
{
  return ((CsRedisBus *) base)->up;
}

void
cs_bus_redis_append_metrics (CsBus   *base,
                             GString *out)
{
  CsRedisBus *bus = (CsRedisBus *) base;
  CsMetrics *m = bus->metrics;

  g_string_append_printf (out,
    "# HELP causerie_bus_up 1 while the Redis bus is connected and subscribed.\n"
    "# TYPE causerie_bus_up gauge\n"
    "causerie_bus_up %d\n"
    "# TYPE causerie_bus_down_total counter\n"
    "causerie_bus_down_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_bus_connects_total counter\n"
    "causerie_bus_connects_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_bus_published_total counter\n"
    "causerie_bus_published_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_bus_received_total counter\n"
    "causerie_bus_received_total %" G_GUINT64_FORMAT "\n"
    "# HELP causerie_bus_dropped_total Messages not sent: Redis down or the outgoing queue full.\n"
    "# TYPE causerie_bus_dropped_total counter\n"
    "causerie_bus_dropped_total %" G_GUINT64_FORMAT "\n"
    "# HELP causerie_bus_lost_total Messages of other nodes that never arrived (holes in their numbering).\n"
    "# TYPE causerie_bus_lost_total counter\n"
    "causerie_bus_lost_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_bus_bad_total counter\n"
    "causerie_bus_bad_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_bus_queued_bytes gauge\n"
    "causerie_bus_queued_bytes %" G_GSIZE_FORMAT "\n",
    bus->up, cs_metrics_get (m, CS_COUNT_BUS_DOWN), cs_metrics_get (m, CS_COUNT_BUS_UPS),
    cs_metrics_get (m, CS_COUNT_BUS_PUBLISHED), cs_metrics_get (m, CS_COUNT_BUS_RECEIVED),
    cs_metrics_get (m, CS_COUNT_BUS_DROPPED), cs_metrics_get (m, CS_COUNT_BUS_LOST),
    cs_metrics_get (m, CS_COUNT_BUS_BAD), bus->queued_bytes);
  if (bus->gap)
    g_string_append_printf (out,
      "# HELP causerie_bus_gap_fetches_total Reads of committed events the bus did not bring (a hole, Redis back).\n"
      "# TYPE causerie_bus_gap_fetches_total counter\n"
      "causerie_bus_gap_fetches_total %" G_GUINT64_FORMAT "\n"
      "# HELP causerie_bus_gap_held Events of other nodes held above a hole.\n"
      "# TYPE causerie_bus_gap_held gauge\n"
      "causerie_bus_gap_held %u\n"
      "# HELP causerie_bus_gap_delivered_seq The seq up to which committed events went to this node's sockets.\n"
      "# TYPE causerie_bus_gap_delivered_seq gauge\n"
      "causerie_bus_gap_delivered_seq %" G_GINT64_FORMAT "\n",
      cs_gap_n_fetches (bus->gap), cs_gap_n_held (bus->gap), cs_gap_delivered (bus->gap));
}

/* ---- commands of other parts ------------------------------------------ */

typedef struct {
  CsBusRedisReplyFunc done;
  gpointer            data;
  gsize               size;
  CsRedisBus         *bus;
} Command;

static void
command_cb (redisAsyncContext *ac,
            void              *r,
            void              *privdata)
{
  Command *c = privdata;
  CsRedisBus *bus = ac->data;

  /* ac->data is NULL once the bus let go of the context (down, or freed):
   * the answer is then NULL whatever hiredis has. */
  if (bus)
    bus->queued_bytes -= MIN (bus->queued_bytes, c->size);
  c->done (bus ? r : NULL, c->data);
  g_free (c);
}

gboolean
cs_bus_redis_command (CsBus               *base,
                      CsBusRedisReplyFunc  done,
                      gpointer             data,
                      int                  argc,
                      const char         **argv,
                      const gsize         *lens)
{
  CsRedisBus *bus = (CsRedisBus *) base;
  Command *c;
  gsize size = 0;

  if (!bus->up || bus->pub == NULL)
    return FALSE;
  for (int i = 0; i < argc; i++)
    size += lens[i];
  if (bus->queued_bytes + size > CS_BUS_REDIS_QUEUE_MAX)
    return FALSE;
  c = g_new0 (Command, 1);
  c->done = done;
  c->data = data;
  c->size = size;
  if (redisAsyncCommandArgv (bus->pub, command_cb, c, argc, argv, lens) != REDIS_OK)
    {
      g_free (c);
      return FALSE;
    }
  bus->queued_bytes += size;
  return TRUE;
}

const char *
cs_bus_redis_node (CsBus *base)
{
  return ((CsRedisBus *) base)->node;
}

char *
cs_bus_redis_prefix (CsBus *base)
{
  CsRedisBus *bus = (CsRedisBus *) base;

  /* The channel is PREFIX:bus. */
  return g_strndup (bus->channel, strlen (bus->channel) - strlen (":bus"));
}

#else /* no hiredis */

CsBus *
cs_bus_redis_new (const char *text,
                  CsMetrics  *metrics,
                  GError    **error)
{
  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
               "[bus] redis: this causerie-server was built without Redis support "
               "(install libhiredis-dev and build again with -Dredis=enabled).");
  return NULL;
}

void
cs_bus_redis_share_events (CsBus     *bus,
                           gint64     delivered_upto,
                           guint      grace_ms,
                           CsGapFetch fetch,
                           gpointer   data)
{
  g_return_if_reached ();
}

CsGap *
cs_bus_redis_get_gap (CsBus *bus)
{
  g_return_val_if_reached (NULL);
}

gboolean
cs_bus_redis_is_up (CsBus *bus)
{
  return FALSE;
}

void
cs_bus_redis_append_metrics (CsBus   *bus,
                             GString *out)
{
}

gboolean
cs_bus_redis_command (CsBus               *bus,
                      CsBusRedisReplyFunc  done,
                      gpointer             data,
                      int                  argc,
                      const char         **argv,
                      const gsize         *lens)
{
  return FALSE;
}

const char *
cs_bus_redis_node (CsBus *bus)
{
  return "";
}

char *
cs_bus_redis_prefix (CsBus *bus)
{
  return g_strdup ("");
}

#endif
