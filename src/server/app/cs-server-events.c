/* cs-server-events.c: where the events the store commits go.
 *
 * Every node: the events its own store committed go to the bus (which
 * delivers them to this node's sockets, and with Redis to the other
 * nodes), then to the agents, which answer mentions: only the node that
 * stored a message reacts to it, never one that hears it from the bus or
 * from the store.
 *
 * On a store several nodes share (PostgreSQL) with [bus] redis, committed
 * events cross nodes through the bus's gap detector (cs-bus-gap.h), which
 * asks here for the committed events it missed: a read job (a reader
 * thread, never the event loop) rebuilds them from the event log as the
 * committing node had them (frame, recipients, the sender's own copy) and
 * answers on the main context.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-server"

#include "cs-server-private.h"
#include "cs-agents.h"
#include "cs-bus-redis.h"
#include "cs-events.h"
#include "cs-model.h"
#include "cs-rooms.h"

/* How long a hole in the seqs heard from the bus may last before the
 * store is asked: two nodes publishing at once arrive out of order by far
 * less than this; a message Redis lost is fetched after it. */
#define GAP_GRACE_MS    200
/* Events read by one fetch; more are read by the next one. */
#define FETCH_MAX       1000
/* After a fetch failed (the store unreachable): the next try. */
#define FETCH_RETRY_MS  1000

struct _CsServerEvents {
  CsServer  *server;
  CsGap     *gap;
  guint      retry_id;
  /* The fetch under way (one at a time, cs-bus-gap.h), filled by its job. */
  gint64     from;
  gint64     to;
  gint64     head;
  gboolean   truncated;
  GPtrArray *events;      /* CsEvent* */
};

/* The main context: this node's store committed @events (seq order). */
static void
committed_cb (GPtrArray *events,
              gpointer   data)
{
  CsServer *server = data;

  cs_bus_publish_events (server->bus, events);
  if (server->agents)
    cs_agents_committed (server->agents, events);
}

/* A reader thread: the committed events of [from, to] as CsEvents. */
static void
fetch_job (CsCtx *ctx)
{
  CsServerEvents *se = ctx->input;
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) cs_ids_unref);
  g_autoptr(GPtrArray) page = NULL;
  gint64 head, pruned;

  /* The head as this job's snapshot sees it: every seq up to it is
   * committed (store/README.md, "Seq"). */
  cs_store_seqs_in (ctx->store, ctx->db, &head, &pruned);
  se->head = MIN (head, se->to);
  if (se->head < se->from)
    return;
  page = cs_events_range (ctx->db, se->from, se->head, FETCH_MAX);
  if (page->len == FETCH_MAX)
    {
      se->head = ((CsLoggedEvent *) g_ptr_array_index (page, page->len - 1))->seq;
      se->truncated = TRUE;
    }
  for (guint i = 0; i < page->len; i++)
    {
      CsLoggedEvent *le = g_ptr_array_index (page, i);
      CsEvent *ev = g_new0 (CsEvent, 1);

      ev->ref_count = 1;
      ev->seq = le->seq;
      ev->type = g_steal_pointer (&le->type);
      ev->tenant_id = g_steal_pointer (&le->tenant_id);
      ev->room_id = g_steal_pointer (&le->room_id);
      ev->user_id = g_steal_pointer (&le->user_id);
      ev->frame = g_steal_pointer (&le->payload);
      if (le->actor_id && le->txn_id)
        {
          ev->own_frame = cs_model_event_frame (ev->frame, ev->type, le->actor_id, le->txn_id, le->actor_id);
          ev->actor_id = g_steal_pointer (&le->actor_id);
        }
      /* Who may see it: as sync decides (the members now, the committing
       * node took them at commit). */
      if (ev->user_id)
        {
          const char *one[] = { ev->user_id, NULL };

          ev->recipients = cs_ids_new (one);
        }
      else if (ev->room_id)
        {
          char **ids = g_hash_table_lookup (members, ev->room_id);

          if (ids == NULL)
            {
              ids = cs_members_ids (ctx->db, ev->room_id);
              g_hash_table_insert (members, g_strdup (ev->room_id), ids);
            }
          ev->recipients = cs_ids_ref (ids);
        }
      g_ptr_array_add (se->events, ev);
    }
}

static gboolean
retry_cb (gpointer data)
{
  CsServerEvents *se = data;

  se->retry_id = 0;
  cs_gap_resync (se->gap);
  return G_SOURCE_REMOVE;
}

static void
fetch_done (CsCtx   *ctx,
            gpointer data)
{
  CsServerEvents *se = data;
  g_autoptr(GPtrArray) events = g_steal_pointer (&se->events);
  /* Taken before cs_gap_fill, which may start the next fetch at once (its
   * job then fills these fields on a reader thread). */
  gint64 from = se->from;
  gint64 head = se->head;
  gboolean truncated = se->truncated;

  ctx->input = NULL;
  if (ctx->error)
    {
      /* Nothing is known past what was delivered; the hole stays, and the
       * whole of it is asked again a little later. */
      g_warning ("Events other nodes committed could not be read from the store (%s); trying again.",
                 ctx->error->message);
      cs_gap_fill (se->gap, from, from - 1, NULL);
      if (se->retry_id == 0)
        se->retry_id = g_timeout_add (FETCH_RETRY_MS, retry_cb, se);
      return;
    }
  cs_gap_fill (se->gap, from, head, events);
  if (truncated)
    cs_gap_resync (se->gap);   /* the rest, from what was just delivered */
}

/* The gap detector's CsGapFetch: on the main context. */
static void
fetch (CsGap   *gap,
       gint64   from,
       gint64   to,
       gpointer data)
{
  CsServerEvents *se = data;
  CsCtx *ctx = cs_server_new_ctx (se->server);

  se->gap = gap;
  se->from = from;
  se->to = to;
  se->head = from - 1;
  se->truncated = FALSE;
  g_clear_pointer (&se->events, g_ptr_array_unref);
  se->events = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  ctx->input = se;
  cs_store_submit (se->server->store, CS_JOB_READ, fetch_job, ctx, fetch_done, se);
}

CsServerEvents *
cs_server_events_start (CsServer *server)
{
  CsServerEvents *se = g_new0 (CsServerEvents, 1);
  CsConfig *config = server->config;

  se->server = server;
  cs_store_set_event_sink (server->store, committed_cb, server);
  if (config->bus_redis == NULL)
    {
      if (config->storage_backend == CS_STORAGE_POSTGRESQL)
        g_message ("[storage] backend = postgresql without [bus] redis: this node's sockets are told only what "
                   "this node stores; other nodes' messages reach them at their next sync. Set [bus] redis "
                   "to run several nodes.");
      return se;
    }
  if (config->storage_backend == CS_STORAGE_POSTGRESQL)
    {
      /* Sockets connect after this: the store's committed head at start is
       * where delivering begins. */
      cs_bus_redis_share_events (server->bus, cs_store_head_seq (server->store), GAP_GRACE_MS, fetch, se);
      g_message ("[bus] redis with a shared store: committed events, typing, presence and sign-outs "
                 "reach the sockets of every node.");
    }
  else
    g_message ("[bus] redis with [storage] backend = sqlite: typing, presence and sign-outs cross nodes; "
               "messages and other stored events stay on the node that stored them (a database per node).");
  return se;
}

/* Before the store closes: nothing is committed to this node any more. */
void
cs_server_events_stop (CsServerEvents *se)
{
  if (se == NULL)
    return;
  cs_store_set_event_sink (se->server->store, NULL, NULL);
  g_clear_handle_id (&se->retry_id, g_source_remove);
}

/* After the store closed (it drops a fetch's answer it did not hand back)
 * and before the bus is freed. */
void
cs_server_events_free (CsServerEvents *se)
{
  if (se == NULL)
    return;
  g_clear_handle_id (&se->retry_id, g_source_remove);
  g_clear_pointer (&se->events, g_ptr_array_unref);
  g_free (se);
}
