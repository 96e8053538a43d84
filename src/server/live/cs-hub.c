/* cs-hub.c: the live side. Every WebSocket, the fan-out of committed
 * events (each frame built once, then queued on each socket), sync replay
 * without gaps or duplicates, typing and presence. Runs on the main
 * context; anything touching SQLite goes to the storage threads.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-hub"

#include "cs-hub.h"
#include "cs-api.h"
#include "cs-ws.h"
#include "cau-json.h"
#include "cau-time.h"

#include <string.h>


typedef struct {
  gint      ref_count;
  CsHub    *hub;
  CsWsConn *ws;
  char     *user_id;
  char     *tenant_id;
  char     *token_hash;
  char     *ip;
  gint64    sent_upto;     /* the highest event seq this socket has been sent */
  gint64    covered_from;  /* every visible event in (covered_from, sent_upto] was sent */
  gboolean  heard;         /* a first frame arrived (or the grace ran out) */
  gboolean  syncing;
  gboolean  synced_once;
  GQueue    held;          /* CsEvent* committed before the first frame or during a replay */
  gsize     held_bytes;    /* ... counted against the socket's queue bound */
  guint     grace_id;
  guint     bad_frames;
  gboolean  idle;
  gboolean  gone;
  gboolean  to_flush;      /* frames queued by cs_hub_deliver, not yet written */
} Client;

typedef struct {
  guint  timeout_id;
  char  *room_id;
  char  *user_id;
  char  *tenant_id;
} Typing;

struct _CsHub {
  CsConfig   *config;
  CsStore    *store;
  CsPresence *presence;
  CsRateLimit *message_limit;
  CsBus      *bus;
  CsMetrics  *metrics;
  GHashTable *by_user;        /* user id -> GPtrArray of Client* */
  GHashTable *by_tenant;      /* tenant id -> GPtrArray of Client* */
  GHashTable *offline_timers; /* user id -> GSource id */
  GHashTable *typing;         /* "room\nuser" -> Typing* */
  GHashTable *members;        /* room id -> shared member ids (a cache) */
  GHashTable *room_sockets;   /* room id -> RoomSockets* (a cache) */
  CsWsPoller *poller;         /* every socket's reads and waits, one main-loop source */
  guint       n_clients;
  /* The highest seq handed to the sockets. On a shared store the node's
   * own head lags the events other nodes committed, which arrive here
   * through the bus: a new socket is live from the larger of the two. */
  gint64      delivered_upto;
};

/* The sockets an event of a room goes to, in the order of the member ids
 * it was made from: each event of the room walks this list rather than
 * looking up every member among the connected users. It holds for that
 * member list (the writer shares one list between the room's events until
 * the membership changes) and the sockets connected when it was made:
 * every connect and disconnect empties the cache, so the lists are gone
 * with a room's last socket, and there are at most [memory] member_lists
 * of them. */
typedef struct {
  char     **ids;      /* the shared member ids it was made from */
  GPtrArray *clients;  /* Client*, each holding a ref */
} RoomSockets;

static void send_presence (CsHub *hub, const char *tenant_id, const char *user_id, const char *status);

/* ---- clients ----------------------------------------------------------- */

static Client *
client_ref (Client *c)
{
  c->ref_count++;
  return c;
}

static void
client_unref (Client *c)
{
  if (--c->ref_count > 0)
    return;
  g_clear_handle_id (&c->grace_id, g_source_remove);
  g_queue_clear_full (&c->held, (GDestroyNotify) cs_event_unref);
  g_clear_pointer (&c->ws, cs_ws_conn_unref);
  g_free (c->user_id);
  g_free (c->tenant_id);
  g_free (c->token_hash);
  g_free (c->ip);
  g_free (c);
}

static void
send_json (Client     *c,
           JsonObject *obj)
{
  g_autofree char *text = cau_json_object_to_string (obj);

  if (!c->gone)
    cs_ws_conn_send_text (c->ws, text);
}

static void
send_error (Client      *c,
            CauErrorCode code,
            const char  *message,
            const char  *txn_id)
{
  g_autoptr(JsonObject) frame = json_object_new ();
  JsonObject *err = json_object_new ();

  json_object_set_string_member (frame, "type", "error");
  if (txn_id)
    json_object_set_string_member (frame, "txn_id", txn_id);
  json_object_set_string_member (err, "code", cau_error_code_to_string (code));
  json_object_set_string_member (err, "message", message);
  json_object_set_object_member (frame, "error", err);
  send_json (c, frame);
}

static void
list_add (GHashTable *table,
          const char *key,
          Client     *c)
{
  GPtrArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (table, g_strdup (key), list);
    }
  g_ptr_array_add (list, c);
}

static guint
list_remove (GHashTable *table,
             const char *key,
             Client     *c)
{
  GPtrArray *list = g_hash_table_lookup (table, key);
  guint left;

  if (list == NULL)
    return 0;
  g_ptr_array_remove_fast (list, c);
  left = list->len;
  if (left == 0)
    g_hash_table_remove (table, key);
  return left;
}

/* ---- storage jobs from the hub ---------------------------------------- */

static CsCtx *
client_ctx (Client *c)
{
  CsHub *hub = c->hub;
  CsCtx *ctx = cs_ctx_new (hub->config, hub->store, hub->presence);

  ctx->user_id = g_strdup (c->user_id);
  ctx->tenant_id = g_strdup (c->tenant_id);
  ctx->token_hash = g_strdup (c->token_hash);
  ctx->ip = g_strdup (c->ip);
  ctx->message_limit = hub->message_limit;
  return ctx;
}

static void
audit_job (CsHub      *hub,
           const char *user_id,
           const char *tenant_id,
           const char *ip,
           const char *action)
{
  CsCtx *ctx = cs_ctx_new (hub->config, hub->store, hub->presence);

  ctx->user_id = g_strdup (user_id);
  ctx->tenant_id = g_strdup (tenant_id);
  ctx->ip = g_strdup (ip);
  cs_ctx_audit (ctx, action, "user", user_id, NULL);
  cs_store_submit (hub->store, CS_JOB_WRITE, NULL, ctx, NULL, NULL);
}

/* ---- delivery ---------------------------------------------------------- */

static void
hold_event (Client  *c,
            CsEvent *ev)
{
  gsize size = strlen (ev->own_frame ? ev->own_frame : ev->frame) + 16;

  if (c->held_bytes + cs_ws_conn_queued (c->ws) + size > c->hub->config->ws_queue_max)
    {
      /* Held events are queued frames in waiting: the same bound applies,
       * to them and the frames already queued (a replay) together. */
      g_message ("Closing a WebSocket whose held events pass the queue bound (%" G_GSIZE_FORMAT " bytes)",
                 c->hub->config->ws_queue_max);
      cs_metrics_add (c->hub->metrics, CS_COUNT_WS_SLOW_CLOSED, 1);
      cs_ws_conn_close (c->ws, CS_WS_CLOSE_TRY_AGAIN_LATER, "Too far behind; reconnect and sync");
      return;
    }
  c->held_bytes += size;
  g_queue_push_tail (&c->held, cs_event_ref (ev));
}

/* With @touched, the frame is only queued and @c added to @touched (once)
 * for the caller to flush. */
static void
client_send_event (Client    *c,
                   CsEvent   *ev,
                   GBytes    *frame,
                   GBytes    *own_frame,
                   GPtrArray *touched)
{
  if (c->gone || ev->seq <= c->sent_upto)
    return;
  if (c->syncing || !c->heard)
    {
      if (cs_ws_conn_is_open (c->ws))
        hold_event (c, ev);
      return;
    }
  if (own_frame && g_strcmp0 (c->user_id, ev->actor_id) == 0)
    frame = own_frame;
  if (touched ? cs_ws_conn_queue_frame (c->ws, frame) : cs_ws_conn_send_frame (c->ws, frame))
    {
      cs_metrics_add (c->hub->metrics, CS_COUNT_DELIVERIES, 1);
      if (touched && !c->to_flush)
        {
          c->to_flush = TRUE;
          g_ptr_array_add (touched, client_ref (c));
        }
    }
  else if (!cs_ws_conn_is_open (c->ws))
    cs_metrics_add (c->hub->metrics, CS_COUNT_WS_SLOW_CLOSED, 1);
  c->sent_upto = ev->seq;
}

static void
room_sockets_free (gpointer data)
{
  RoomSockets *rs = data;

  cs_ids_unref (rs->ids);
  g_ptr_array_unref (rs->clients);
  g_free (rs);
}

/* The sockets @ev goes to (a new ref to the array): a room's cached list
 * when it was made from the same member ids, else found user by user (and
 * kept, for a room's event). */
static GPtrArray *
event_sockets (CsHub   *hub,
               CsEvent *ev)
{
  gboolean room_event = ev->room_id && !ev->user_id && ev->recipients;
  RoomSockets *rs = room_event ? g_hash_table_lookup (hub->room_sockets, ev->room_id) : NULL;
  GPtrArray *clients;

  /* The ids are shared and never change while held, so the same address
   * is the same list; events from another node's bus carry a copy. */
  if (rs && (rs->ids == ev->recipients ||
             g_strv_equal ((const char * const *) rs->ids, (const char * const *) ev->recipients)))
    return g_ptr_array_ref (rs->clients);

  clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_unref);
  for (char **r = ev->recipients; r && *r; r++)
    {
      GPtrArray *list = g_hash_table_lookup (hub->by_user, *r);

      for (guint k = 0; list && k < list->len; k++)
        g_ptr_array_add (clients, client_ref (g_ptr_array_index (list, k)));
    }
  if (!room_event)
    return clients;

  if (!g_hash_table_contains (hub->room_sockets, ev->room_id) &&
      g_hash_table_size (hub->room_sockets) >= hub->config->member_lists)
    {
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, hub->room_sockets);
      if (g_hash_table_iter_next (&iter, NULL, NULL))
        g_hash_table_iter_remove (&iter);
    }
  rs = g_new0 (RoomSockets, 1);
  rs->ids = cs_ids_ref (ev->recipients);
  rs->clients = g_ptr_array_ref (clients);
  g_hash_table_replace (hub->room_sockets, g_strdup (ev->room_id), rs);
  return clients;
}

static void
invalidate_members (CsHub   *hub,
                    CsEvent *ev)
{
  if (ev->room_id &&
      (g_str_has_prefix (ev->type, "member.") || g_str_equal (ev->type, "room.new") ||
       g_str_equal (ev->type, "room.removed")))
    g_hash_table_remove (hub->members, ev->room_id);
}

/* Writes what client_send_event () queued for @touched's clients. */
static void
flush_touched (CsHub     *hub,
               GPtrArray *touched)
{
  g_autofree CsWsConn **conns = NULL;

  if (touched == NULL || touched->len == 0)
    return;
  conns = g_new (CsWsConn *, touched->len);
  for (guint i = 0; i < touched->len; i++)
    {
      Client *c = g_ptr_array_index (touched, i);

      c->to_flush = FALSE;
      conns[i] = c->ws;
    }
  cs_metrics_add (hub->metrics, CS_COUNT_WS_RING_WRITES, cs_ws_conns_flush (conns, touched->len));
  for (guint i = 0; i < touched->len; i++)
    client_unref (g_ptr_array_index (touched, i));
}

static void
deliver_events (GPtrArray *events,
                gpointer   data)
{
  CsHub *hub = data;
  /* One write per socket for the whole batch: at high rates a batch holds
   * many events, and a write per frame would cost a system call per
   * delivery. Those writes go out together, in one system call, when the
   * poller has a ring (cs_ws_conns_flush); without one, a batch of one
   * event (low rates) is written at once, without queueing. */
  g_autoptr(GPtrArray) touched = events->len > 1 || cs_ws_poller_batches (hub->poller) ? g_ptr_array_new () : NULL;

  for (guint i = 0; i < events->len; i++)
    {
      CsEvent *ev = g_ptr_array_index (events, i);
      g_autoptr(GBytes) frame = cs_ws_frame_text (ev->frame, -1);
      g_autoptr(GBytes) own = ev->own_frame ? cs_ws_frame_text (ev->own_frame, -1) : NULL;
      /* Held: a socket closing meanwhile empties the cache, not this. */
      g_autoptr(GPtrArray) clients = event_sockets (hub, ev);

      invalidate_members (hub, ev);
      hub->delivered_upto = MAX (hub->delivered_upto, ev->seq);
      if (g_str_equal (ev->type, "message.new"))
        cs_metrics_add (hub->metrics, CS_COUNT_MESSAGES_SENT, 1);
      for (guint k = 0; k < clients->len; k++)
        client_send_event (g_ptr_array_index (clients, k), ev, frame, own, touched);
    }
  flush_touched (hub, touched);
}

/* ---- sync -------------------------------------------------------------- */

typedef struct {
  Client *client;
  CsApiSyncPage page;
} SyncJob;

static void start_sync_page (Client *c, gint64 since);

/* Sends the held events above what the socket has, in seq order (they were
 * held in commit order, which is seq order), once each. */
static void
release_held (Client *c)
{
  CsEvent *ev;

  while ((ev = g_queue_pop_head (&c->held)))
    {
      if (!c->gone && !c->syncing && ev->seq > c->sent_upto)
        {
          g_autoptr(GBytes) frame = cs_ws_frame_text (ev->own_frame && g_strcmp0 (c->user_id, ev->actor_id) == 0
                                                      ? ev->own_frame : ev->frame, -1);
          client_send_event (c, ev, frame, NULL, NULL);
        }
      cs_event_unref (ev);
    }
  c->held_bytes = 0;
}

/* The socket's first frame was not a sync (or never came): live from
 * `ready`'s seq on. */
static void
go_live (Client *c)
{
  if (c->heard)
    return;
  c->heard = TRUE;
  g_clear_handle_id (&c->grace_id, g_source_remove);
  if (!c->syncing)
    release_held (c);
}

static gboolean
grace_cb (gpointer data)
{
  Client *c = data;

  c->grace_id = 0;
  go_live (c);
  return G_SOURCE_REMOVE;
}

/* The replay reached @up_to: `synced`, then the live events held meanwhile
 * that the replay did not already carry. */
static void
finish_sync (Client *c,
             gint64  up_to)
{
  g_autoptr(JsonObject) synced = json_object_new ();

  c->syncing = FALSE;
  c->synced_once = TRUE;
  if (up_to > c->sent_upto)
    c->sent_upto = up_to;
  json_object_set_string_member (synced, "type", "synced");
  json_object_set_int_member (synced, "seq", c->sent_upto);
  send_json (c, synced);
  release_held (c);
}

static void
send_resync_required (Client *c)
{
  g_autoptr(JsonObject) frame = json_object_new ();

  json_object_set_string_member (frame, "type", "resync_required");
  send_json (c, frame);
}

/* A sync since @since. As the socket's first frame (or ?since=), the whole
 * replay from @since. Later, the socket has already sent everything in
 * (covered_from, sent_upto], so a sync reaching back no further than
 * covered_from replays from sent_upto on: nothing twice, nothing older
 * after newer. One reaching further back cannot be served in order on this
 * socket: resync_required, and the client reloads over REST. */
static void
begin_sync (Client *c,
            gint64  since)
{
  gint64 from;

  if (c->sent_upto == c->covered_from && !c->synced_once)
    {
      /* Nothing stored has gone out on this socket yet. */
      from = since;
      c->covered_from = since;
    }
  else if (since >= c->covered_from)
    from = MAX (since, c->sent_upto);
  else
    {
      send_resync_required (c);
      c->syncing = TRUE;
      finish_sync (c, c->sent_upto);
      return;
    }
  c->syncing = TRUE;
  start_sync_page (c, from);
}

static void
sync_done (CsCtx   *ctx,
           gpointer data)
{
  SyncJob *job = data;
  Client *c = job->client;

  if (c->gone)
    goto out;
  if (ctx->error)
    {
      send_error (c, ctx->error->code, ctx->error->message, NULL);
      c->syncing = FALSE;
      release_held (c);
      goto out;
    }
  if (job->page.resync)
    {
      /* The client reloads over REST; from here on it is live. */
      send_resync_required (c);
      finish_sync (c, job->page.head);
      goto out;
    }
  for (guint i = 0; i < job->page.frames->len; i++)
    if (!cs_ws_conn_send_text (c->ws, g_ptr_array_index (job->page.frames, i)))
      goto out;   /* closed: too slow a reader */
  cs_metrics_add (c->hub->metrics, CS_COUNT_DELIVERIES, job->page.frames->len);
  /* The replay sends everything after since, so held events at or below
   * its last seq are in it. */
  if (job->page.has_more)
    {
      c->sent_upto = MAX (c->sent_upto, job->page.last_seq);
      start_sync_page (c, job->page.last_seq);
    }
  else
    finish_sync (c, MAX (job->page.last_seq, job->page.since));

out:
  g_clear_pointer (&job->page.frames, g_ptr_array_unref);
  client_unref (c);
  g_free (job);
}

static void
start_sync_page (Client *c,
                 gint64  since)
{
  CsCtx *ctx = client_ctx (c);
  SyncJob *job = g_new0 (SyncJob, 1);

  job->client = client_ref (c);
  job->page.since = since;
  job->page.limit = 500;
  ctx->input = &job->page;
  cs_store_submit (c->hub->store, CS_JOB_READ, cs_api_sync_page, ctx, sync_done, job);
}

/* ---- frames from clients ---------------------------------------------- */

static void
bad_frame (Client     *c,
           const char *message,
           const char *txn_id)
{
  cs_metrics_add (c->hub->metrics, CS_COUNT_WS_BAD_FRAMES, 1);
  send_error (c, CAU_ERROR_BAD_REQUEST, message, txn_id);
  if (++c->bad_frames >= c->hub->config->ws_abuse_limit)
    cs_ws_conn_close (c->ws, CS_WS_CLOSE_POLICY_VIOLATION, "Too many bad frames");
}

typedef struct {
  Client *client;
  char   *txn_id;
  JsonObject *frame;
} FrameJob;

static void
frame_job_free (FrameJob *job)
{
  client_unref (job->client);
  g_free (job->txn_id);
  json_object_unref (job->frame);
  g_free (job);
}

static void
send_done (CsCtx   *ctx,
           gpointer data)
{
  FrameJob *job = data;
  Client *c = job->client;

  if (!c->gone)
    {
      if (ctx->error && ctx->retry_after)
        {
          /* rate_limited: when to try again, as the REST answer's Retry-After. */
          g_autoptr(JsonObject) frame = json_object_new ();
          JsonObject *err = json_object_new ();

          json_object_set_string_member (frame, "type", "error");
          json_object_set_string_member (frame, "txn_id", job->txn_id);
          json_object_set_int_member (frame, "retry_after", ctx->retry_after);
          json_object_set_string_member (err, "code", cau_error_code_to_string (ctx->error->code));
          json_object_set_string_member (err, "message", ctx->error->message);
          json_object_set_object_member (frame, "error", err);
          send_json (c, frame);
        }
      else if (ctx->error)
        send_error (c, ctx->error->code, ctx->error->message, job->txn_id);
      else if (ctx->text)
        cs_ws_conn_send_text (c->ws, ctx->text);   /* the ack, written by the writer */
      else
        {
          g_autoptr(JsonObject) ack = json_object_new ();

          json_object_set_string_member (ack, "type", "ack");
          json_object_set_string_member (ack, "txn_id", job->txn_id);
          json_object_set_member (ack, "message", json_node_ref (ctx->result));
          send_json (c, ack);
        }
    }
  frame_job_free (job);
}

static void
read_done (CsCtx   *ctx,
           gpointer data)
{
  FrameJob *job = data;

  if (ctx->error && !job->client->gone)
    send_error (job->client, ctx->error->code, ctx->error->message, NULL);
  frame_job_free (job);
}

static FrameJob *
frame_job (Client     *c,
           JsonObject *frame,
           const char *txn_id)
{
  FrameJob *job = g_new0 (FrameJob, 1);

  job->client = client_ref (c);
  job->frame = json_object_ref (frame);
  job->txn_id = g_strdup (txn_id);
  return job;
}

/* Typing ---------------------------------------------------------------- */

/* Typing is published to the room's members; each node delivers it to
 * the live sockets it holds (deliver_signal). */
static void
broadcast_typing (CsHub      *hub,
                  const char *room_id,
                  const char *user_id,
                  gboolean    typing)
{
  char **members = g_hash_table_lookup (hub->members, room_id);
  g_autoptr(JsonObject) frame = json_object_new ();
  g_autofree char *text = NULL;
  CsSignal signal = { .kind = CS_SIGNAL_TYPING };

  if (members == NULL)
    return;
  json_object_set_string_member (frame, "type", "typing");
  json_object_set_string_member (frame, "room_id", room_id);
  json_object_set_string_member (frame, "user_id", user_id);
  json_object_set_boolean_member (frame, "typing", typing);
  text = cau_json_object_to_string (frame);
  signal.user_id = user_id;
  signal.recipients = members;
  signal.frame = text;
  cs_bus_publish_signal (hub->bus, &signal);
}

static void
send_frame_to_live (GPtrArray *list,
                    GBytes    *bytes)
{
  for (guint k = 0; list && k < list->len; k++)
    {
      Client *c = g_ptr_array_index (list, k);

      if (!c->gone && !c->syncing)
        cs_ws_conn_send_frame (c->ws, bytes);
    }
}

static void
typing_free (gpointer data)
{
  Typing *t = data;

  g_clear_handle_id (&t->timeout_id, g_source_remove);
  g_free (t->room_id);
  g_free (t->user_id);
  g_free (t->tenant_id);
  g_free (t);
}

typedef struct {
  CsHub *hub;
  char  *key;
} TypingTimeout;

static gboolean
typing_lapsed_cb (gpointer data)
{
  TypingTimeout *tt = data;
  Typing *t = g_hash_table_lookup (tt->hub->typing, tt->key);

  if (t)
    {
      t->timeout_id = 0;
      broadcast_typing (tt->hub, t->room_id, t->user_id, FALSE);
      g_hash_table_remove (tt->hub->typing, tt->key);
    }
  return G_SOURCE_REMOVE;
}

static void
typing_timeout_free (gpointer data)
{
  TypingTimeout *tt = data;

  g_free (tt->key);
  g_free (tt);
}

static void
apply_typing (Client     *c,
              const char *room_id,
              gboolean    typing)
{
  CsHub *hub = c->hub;
  char **members = g_hash_table_lookup (hub->members, room_id);
  g_autofree char *key = g_strdup_printf ("%s\n%s", room_id, c->user_id);
  Typing *t;

  if (members == NULL || !g_strv_contains ((const char * const *) members, c->user_id))
    {
      send_error (c, CAU_ERROR_NOT_FOUND, "There is no such room.", NULL);
      return;
    }
  t = g_hash_table_lookup (hub->typing, key);
  if (!typing)
    {
      if (t)
        {
          broadcast_typing (hub, room_id, c->user_id, FALSE);
          g_hash_table_remove (hub->typing, key);
        }
      return;
    }
  if (t == NULL)
    {
      t = g_new0 (Typing, 1);
      t->room_id = g_strdup (room_id);
      t->user_id = g_strdup (c->user_id);
      t->tenant_id = g_strdup (c->tenant_id);
      g_hash_table_insert (hub->typing, g_strdup (key), t);
      broadcast_typing (hub, room_id, c->user_id, TRUE);
    }
  else
    g_clear_handle_id (&t->timeout_id, g_source_remove);
  {
    TypingTimeout *tt = g_new0 (TypingTimeout, 1);

    tt->hub = hub;
    tt->key = g_strdup (key);
    t->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, hub->config->typing_timeout_ms,
                                        typing_lapsed_cb, tt, typing_timeout_free);
  }
}

typedef struct {
  Client  *client;
  char    *room_id;
  gboolean typing;
  CsApiRoomMembers members;
} TypingJob;

/* The member lists kept for typing are a cache of at most
 * [memory] member_lists rooms: past it, one list is dropped (and read
 * again the next time someone types there). */
static void
cache_members (CsHub      *hub,
               const char *room_id,
               char      **ids)
{
  if (!g_hash_table_contains (hub->members, room_id) &&
      g_hash_table_size (hub->members) >= hub->config->member_lists)
    {
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, hub->members);
      if (g_hash_table_iter_next (&iter, NULL, NULL))
        g_hash_table_iter_remove (&iter);
    }
  g_hash_table_replace (hub->members, g_strdup (room_id), ids);
}

static void
typing_members_done (CsCtx   *ctx,
                     gpointer data)
{
  TypingJob *job = data;

  if (job->members.ids && job->members.ids[0])
    cache_members (job->client->hub, job->room_id, g_steal_pointer (&job->members.ids));
  if (!job->client->gone)
    apply_typing (job->client, job->room_id, job->typing);
  cs_ids_unref (job->members.ids);
  client_unref (job->client);
  g_free (job->room_id);
  g_free (job);
}

static void
handle_typing (Client     *c,
               const char *room_id,
               gboolean    typing)
{
  TypingJob *job;
  CsCtx *ctx;

  if (g_hash_table_contains (c->hub->members, room_id))
    {
      apply_typing (c, room_id, typing);
      return;
    }
  job = g_new0 (TypingJob, 1);
  job->client = client_ref (c);
  job->room_id = g_strdup (room_id);
  job->typing = typing;
  job->members.room_id = job->room_id;
  ctx = client_ctx (c);
  ctx->input = &job->members;
  cs_store_submit (c->hub->store, CS_JOB_READ, cs_api_room_member_ids, ctx, typing_members_done, job);
}

/* Presence -------------------------------------------------------------- */

static const char *
user_status (CsHub      *hub,
             const char *user_id)
{
  GPtrArray *list = g_hash_table_lookup (hub->by_user, user_id);

  if (list == NULL || list->len == 0)
    return "offline";
  for (guint i = 0; i < list->len; i++)
    if (!((Client *) g_ptr_array_index (list, i))->idle)
      return "online";
  return "idle";
}

/* A `presence` frame to everyone in the tenant. With @status_text (the
 * user changed it), it goes out whether or not the status changed. */
static void
broadcast_presence (CsHub      *hub,
                    const char *tenant_id,
                    const char *user_id,
                    const char *status,
                    const char *status_text)
{
  if (!cs_presence_set_in (hub->presence, tenant_id, user_id, status) && status_text == NULL)
    return;
  /* This node's sockets and the other nodes' together (cs-presence.h). */
  cs_bus_publish_presence (hub->bus, hub->presence, tenant_id, user_id, status_text);
}

static void
send_presence (CsHub      *hub,
               const char *tenant_id,
               const char *user_id,
               const char *status)
{
  broadcast_presence (hub, tenant_id, user_id, status, NULL);
}

void
cs_hub_status_text_changed (CsHub      *hub,
                            const char *tenant_id,
                            const char *user_id,
                            const char *status_text)
{
  broadcast_presence (hub, tenant_id, user_id, user_status (hub, user_id), status_text);
}

/* Dispatch -------------------------------------------------------------- */

static void
client_text_cb (CsWsConn   *ws,
                const char *text,
                gsize       length,
                gpointer    data)
{
  Client *c = data;
  CsHub *hub = c->hub;
  g_autoptr(JsonObject) frame = NULL;
  g_autoptr(GError) error = NULL;
  const char *type = NULL;
  const char *txn_id = NULL;

  cs_metrics_add (hub->metrics, CS_COUNT_WS_FRAMES_IN, 1);
  frame = cau_json_parse_object (text, length, &error);
  /* The first frame decides how the stream starts: sync, or live now. */
  if (!c->heard &&
      !(frame && cau_json_get_string (frame, "type", TRUE, &type, NULL) && g_str_equal (type, "sync")))
    go_live (c);
  if (frame == NULL)
    return bad_frame (c, error->message, NULL);
  if (!cau_json_get_string (frame, "type", TRUE, &type, &error))
    return bad_frame (c, error->message, NULL);
  cau_json_get_string (frame, "txn_id", FALSE, &txn_id, NULL);

  if (g_str_equal (type, "ping"))
    {
      g_autoptr(JsonObject) pong = json_object_new ();

      json_object_set_string_member (pong, "type", "pong");
      send_json (c, pong);
    }
  else if (g_str_equal (type, "sync"))
    {
      gint64 since = -1;

      if (!cau_json_get_int (frame, "since", TRUE, &since, &error))
        return bad_frame (c, error->message, NULL);
      if (since < 0)
        return bad_frame (c, "The field “since” must not be negative.", NULL);
      if (c->syncing)
        return bad_frame (c, "A sync is already running on this connection.", NULL);
      c->heard = TRUE;
      g_clear_handle_id (&c->grace_id, g_source_remove);
      begin_sync (c, since);
    }
  else if (g_str_equal (type, "send"))
    {
      CsCtx *ctx;

      if (txn_id == NULL)
        return bad_frame (c, "The field “txn_id” is required.", NULL);
      ctx = client_ctx (c);
      ctx->input = frame;
      cs_store_submit (hub->store, CS_JOB_WRITE, cs_api_ws_send, ctx, send_done,
                       frame_job (c, frame, txn_id));
    }
  else if (g_str_equal (type, "read"))
    {
      CsCtx *ctx = client_ctx (c);

      ctx->input = frame;
      cs_store_submit (hub->store, CS_JOB_WRITE, cs_api_ws_read, ctx, read_done,
                       frame_job (c, frame, NULL));
    }
  else if (g_str_equal (type, "typing"))
    {
      const char *room_id = NULL;
      gboolean typing = FALSE;

      if (!cau_json_get_string (frame, "room_id", TRUE, &room_id, &error) ||
          !cau_json_get_bool (frame, "typing", TRUE, &typing, &error))
        return bad_frame (c, error->message, NULL);
      handle_typing (c, room_id, typing);
    }
  else if (g_str_equal (type, "presence"))
    {
      const char *status = NULL;

      if (!cau_json_get_string (frame, "status", TRUE, &status, &error))
        return bad_frame (c, error->message, NULL);
      if (!g_str_equal (status, "online") && !g_str_equal (status, "idle"))
        return bad_frame (c, "The field “status” must be online or idle.", NULL);
      c->idle = g_str_equal (status, "idle");
      send_presence (c->hub, c->tenant_id, c->user_id, user_status (c->hub, c->user_id));
    }
  else
    {
      g_autofree char *msg = g_strdup_printf ("Unknown frame type “%.40s”.", type);
      bad_frame (c, msg, txn_id);
    }
}

typedef struct {
  CsHub *hub;
  char  *user_id;
  char  *tenant_id;
} Offline;

static void
offline_free (gpointer data)
{
  Offline *o = data;

  g_free (o->user_id);
  g_free (o->tenant_id);
  g_free (o);
}

static gboolean
offline_cb (gpointer data)
{
  Offline *o = data;
  CsHub *hub = o->hub;
  CsCtx *ctx = cs_ctx_new (hub->config, hub->store, hub->presence);
  gpointer key;

  /* The source ends with this call: take the entry out without its
   * remove_source, but free the key. */
  if (g_hash_table_steal_extended (o->hub->offline_timers, o->user_id, &key, NULL))
    g_free (key);
  send_presence (o->hub, o->tenant_id, o->user_id, "offline");
  ctx->user_id = g_strdup (o->user_id);
  ctx->tenant_id = g_strdup (o->tenant_id);
  cs_store_submit (hub->store, CS_JOB_WRITE, cs_api_touch_last_seen, ctx, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
client_closed_cb (CsWsConn *ws,
                  gpointer  data)
{
  Client *c = data;
  CsHub *hub = c->hub;

  if (c->gone)
    return;
  c->gone = TRUE;
  hub->n_clients--;
  list_remove (hub->by_tenant, c->tenant_id, c);
  audit_job (hub, c->user_id, c->tenant_id, c->ip, "ws.disconnect");
  g_hash_table_remove_all (hub->room_sockets);
  if (list_remove (hub->by_user, c->user_id, c) == 0)
    {
      Offline *o = g_new0 (Offline, 1);
      guint id;

      o->hub = hub;
      o->user_id = g_strdup (c->user_id);
      o->tenant_id = g_strdup (c->tenant_id);
      id = g_timeout_add_full (G_PRIORITY_DEFAULT, hub->config->offline_delay_ms,
                               offline_cb, o, offline_free);
      g_hash_table_replace (hub->offline_timers, g_strdup (c->user_id), GUINT_TO_POINTER (id));
    }
  else
    send_presence (hub, c->tenant_id, c->user_id, user_status (hub, c->user_id));
  client_unref (c);
}

void
cs_hub_accept (CsHub      *hub,
               GIOStream  *stream,
               const char *user_id,
               const char *tenant_id,
               const char *token_hash,
               const char *ip,
               const char *since)
{
  static const CsWsCallbacks callbacks = { client_text_cb, client_closed_cb };
  Client *c = g_new0 (Client, 1);
  g_autoptr(JsonObject) ready = json_object_new ();
  gpointer key, timer;
  guint64 since_seq = 0;
  gboolean since_ok = FALSE;

  c->ref_count = 1;
  c->hub = hub;
  c->user_id = g_strdup (user_id);
  c->tenant_id = g_strdup (tenant_id);
  c->token_hash = g_strdup (token_hash);
  c->ip = g_strdup (ip);
  g_queue_init (&c->held);
  c->sent_upto = MAX (cs_store_head_seq (hub->store), hub->delivered_upto);
  c->covered_from = c->sent_upto;
  c->ws = cs_ws_conn_new_polled (stream, hub->config, &callbacks, hub->poller, c);
  /* How long after `ready` a socket's stored events wait for its first
   * frame ([websocket] first_frame_grace_ms). A first frame `sync` (what
   * every client sends on `ready`, one round trip later) gets the whole
   * replay in order, which would be impossible had live events already
   * gone out; anything else, or silence this long, makes the socket live
   * from `ready`'s seq. */
  c->grace_id = g_timeout_add (hub->config->first_frame_grace_ms, grace_cb, c);

  hub->n_clients++;
  cs_metrics_add (hub->metrics, CS_COUNT_WS_ACCEPTED, 1);
  list_add (hub->by_user, user_id, c);
  g_hash_table_remove_all (hub->room_sockets);
  list_add (hub->by_tenant, tenant_id, c);
  if (g_hash_table_steal_extended (hub->offline_timers, user_id, &key, &timer))
    {
      g_free (key);
      g_source_remove (GPOINTER_TO_UINT (timer));
    }

  json_object_set_string_member (ready, "type", "ready");
  json_object_set_string_member (ready, "user_id", user_id);
  json_object_set_int_member (ready, "seq", c->sent_upto);
  send_json (c, ready);
  send_presence (hub, tenant_id, user_id, user_status (hub, user_id));
  audit_job (hub, user_id, tenant_id, ip, "ws.connect");

  /* ?since=SEQ is a sync as the first frame, without the round trip. */
  if (since != NULL)
    {
      since_ok = g_ascii_string_to_unsigned (since, 10, 0, G_MAXINT64, &since_seq, NULL);
      if (!since_ok)
        send_error (c, CAU_ERROR_BAD_REQUEST, "The parameter “since” must be a seq.", NULL);
      else
        {
          c->heard = TRUE;
          g_clear_handle_id (&c->grace_id, g_source_remove);
          begin_sync (c, (gint64) since_seq);
        }
    }
}

/* ---- revocation -------------------------------------------------------- */

static void
close_matching (CsHub      *hub,
                const char *user_id,
                const char *token_hash)
{
  GPtrArray *list = g_hash_table_lookup (hub->by_user, user_id);
  g_autoptr(GPtrArray) victims = g_ptr_array_new ();

  for (guint i = 0; list && i < list->len; i++)
    {
      Client *c = g_ptr_array_index (list, i);

      if (token_hash == NULL || g_strcmp0 (c->token_hash, token_hash) == 0)
        g_ptr_array_add (victims, c);
    }
  for (guint i = 0; i < victims->len; i++)
    cs_ws_conn_close (((Client *) g_ptr_array_index (victims, i))->ws, CS_WS_CLOSE_POLICY_VIOLATION,
                      "Signed out");
}

/* ---- signals from the bus --------------------------------------------- */

static void
deliver_signal (const CsSignal *signal,
                gpointer        data)
{
  CsHub *hub = data;
  g_autoptr(GBytes) bytes = NULL;

  switch (signal->kind)
    {
    case CS_SIGNAL_TYPING:
      bytes = cs_ws_frame_text (signal->frame, -1);
      for (char **m = signal->recipients; m && *m; m++)
        if (!g_str_equal (*m, signal->user_id))
          send_frame_to_live (g_hash_table_lookup (hub->by_user, *m), bytes);
      break;
    case CS_SIGNAL_PRESENCE:
      bytes = cs_ws_frame_text (signal->frame, -1);
      send_frame_to_live (g_hash_table_lookup (hub->by_tenant, signal->tenant_id), bytes);
      break;
    case CS_SIGNAL_CLOSE:
      close_matching (hub, signal->user_id, signal->token_hash);
      break;
    }
}

static const CsBusSubscriber subscriber = { deliver_events, deliver_signal };

/* ---- life cycle -------------------------------------------------------- */

static void
remove_source (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

CsHub *
cs_hub_new (CsConfig    *config,
            CsStore     *store,
            CsPresence  *presence,
            CsRateLimit *message_limit,
            CsBus       *bus,
            CsMetrics   *metrics)
{
  CsHub *hub = g_new0 (CsHub, 1);

  hub->config = config;
  hub->store = store;
  hub->presence = presence;
  hub->message_limit = message_limit;
  hub->bus = bus;
  hub->metrics = metrics;
  hub->by_user = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  hub->by_tenant = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  hub->offline_timers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, remove_source);
  hub->typing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, typing_free);
  hub->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cs_ids_unref);
  hub->room_sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, room_sockets_free);
  hub->poller = cs_ws_poller_new (hub->config->ws_io_uring);
  cs_bus_subscribe (bus, &subscriber, hub);
  return hub;
}

void
cs_hub_free (CsHub *hub)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  if (hub == NULL)
    return;
  cs_bus_unsubscribe (hub->bus, hub);
  g_hash_table_unref (hub->room_sockets);
  g_hash_table_iter_init (&iter, hub->by_user);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_extend (all, value, NULL, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      Client *c = g_ptr_array_index (all, i);

      c->gone = TRUE;
      cs_ws_conn_detach (c->ws);
      cs_ws_conn_close (c->ws, CS_WS_CLOSE_GOING_AWAY, "Server shutting down");
      client_unref (c);
    }
  g_hash_table_unref (hub->by_user);
  g_hash_table_unref (hub->by_tenant);
  g_hash_table_unref (hub->offline_timers);
  g_hash_table_unref (hub->typing);
  g_hash_table_unref (hub->members);
  g_clear_pointer (&hub->poller, cs_ws_poller_unref);   /* sockets still closing keep it */
  g_free (hub);
}

guint
cs_hub_n_connections (CsHub *hub)
{
  return hub->n_clients;
}
