/* cs-server.c: assembling the service.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-server"

#include "cs-server-private.h"
#include "cs-bus-redis.h"
#include "cs-auth.h"
#include "cs-limits.h"
#include "cs-sessions.h"
#include "cs-users.h"
#include "cs-mailer.h"
#include "cs-agents.h"
#include "cs-presence.h"
#include "cs-rate-limit.h"
#include "cau-time.h"

#include <errno.h>
#include <glib/gstdio.h>

static void
load_sessions (CsCtx *ctx)
{
  g_autoptr(GPtrArray) live = cs_stored_sessions_live (ctx->db, cau_time_now_ms ());

  for (guint i = 0; i < live->len; i++)
    {
      CsStoredSession *s = g_ptr_array_index (live, i);

      cs_sessions_add (ctx->sessions, s->token_hash, s->user_id, s->tenant_id, s->expires_at);
    }
}

/* A close signal, from this node or another (the Redis bus): the
 * sessions it names leave this node's memory, and a look-up in flight
 * reads again (cs-http-sessions.c). The hub closes the sockets. */
static void
bus_events_cb (GPtrArray *events,
               gpointer   data)
{
}

static void
bus_signal_cb (const CsSignal *signal,
               gpointer        data)
{
  CsServer *server = data;

  if (signal->kind != CS_SIGNAL_CLOSE)
    return;
  if (signal->token_hash)
    cs_sessions_remove (server->sessions, signal->token_hash);
  else if (signal->user_id)
    cs_sessions_remove_user (server->sessions, signal->user_id);
  cs_session_finder_revoked (server->finder);
}

static const CsBusSubscriber sessions_subscriber = { bus_events_cb, bus_signal_cb };

/* Uploads in progress live in DATA_DIR/attachments/tmp; whatever a
 * previous run left there was never recorded, so it goes. */
static gboolean
prepare_attachments_dir (CsConfig *config,
                         GError  **error)
{
  g_autofree char *tmp = cs_api_attachment_tmp_dir (config);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_mkdir_with_parents (tmp, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot create %s: %s", tmp, g_strerror (saved));
      return FALSE;
    }
  dir = g_dir_open (tmp, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (tmp, name, NULL);
      g_unlink (path);
    }
  return TRUE;
}

/* Writer thread: what outlived its use. */
static void
sweep (CsCtx *ctx)
{
  cs_api_attachments_sweep (ctx);
  if (ctx->error == NULL)
    cs_api_sessions_sweep (ctx);
}

CsCtx *
cs_server_new_ctx (CsServer *server)
{
  CsCtx *ctx = cs_ctx_new (server->config, server->store, server->presence);

  ctx->message_limit = server->message_limit;
  ctx->sessions = server->sessions;
  ctx->limits = server->limits;
  ctx->sealer = server->sealer;
  ctx->mailer = server->mailer;
  return ctx;
}

static gboolean
sweep_cb (gpointer data)
{
  CsServer *server = data;
  CsCtx *ctx = cs_server_new_ctx (server);

  cs_store_submit (server->store, CS_JOB_WRITE, sweep, ctx, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

/* Expired messages go in steps of [retention] batch_messages, one write
 * job each, queued one after the other: other writes run between them. */
static void retention_step (CsServer *server);

static void
retention_done_cb (CsCtx    *ctx,
                   gpointer  data)
{
  CsServer *server = data;
  gboolean more = server->retention_run.more && ctx->error == NULL;

  ctx->input = NULL;
  server->retention_busy = FALSE;
  if (server->retention_run.removed > 0)
    g_info ("Removed %u expired messages", server->retention_run.removed);
  if (more)
    retention_step (server);
}

static void
retention_step (CsServer *server)
{
  CsCtx *ctx = cs_server_new_ctx (server);

  server->retention_run = (CsApiRetentionRun) { .budget = server->config->retention_batch };
  server->retention_busy = TRUE;
  ctx->input = &server->retention_run;
  cs_store_submit (server->store, CS_JOB_WRITE, cs_api_retention_run, ctx, retention_done_cb, server);
}

static gboolean
retention_cb (gpointer data)
{
  CsServer *server = data;

  if (!server->retention_busy)
    retention_step (server);
  return G_SOURCE_CONTINUE;
}

CsServer *
cs_server_new (CsConfig *config,
               GError  **error)
{
  g_autoptr(CsServer) server = g_new0 (CsServer, 1);
  g_autoptr(CsCtx) ctx = NULL;

  if (!cs_auth_init ())
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_INTERNAL, "libsodium could not start.");
      return NULL;
    }
  server->config = config;
  server->store = cs_store_open (config, error);
  if (server->store == NULL)
    return NULL;
  server->sealer = cs_sealer_load (config->data_dir, error);
  if (server->sealer == NULL || !prepare_attachments_dir (config, error))
    return NULL;
  server->sessions = cs_sessions_memory_new ();
  server->presence = cs_presence_new ();
  server->message_limit = cs_rate_limit_new (config->messages_per_minute, config->message_burst);
  if (config->bus_redis)
    {
      server->bus = cs_bus_redis_new (config->bus_redis, &server->metrics, error);
      if (server->bus == NULL)
        return NULL;
    }
  else
    server->bus = cs_bus_local_new ();
  /* With Redis, presence and the rate and sign-in limits count across
   * nodes (cs-server-shared.c); otherwise in this process. */
  if (config->bus_redis)
    {
      server->shared = cs_server_shared_new (server);
      server->limits = cs_server_shared_limits (server->shared);
    }
  else
    server->limits = cs_limits_memory_new ();
  server->hub = cs_hub_new (config, server->store, server->presence, server->message_limit, server->bus,
                            &server->metrics);
  /* With a shared store and Redis, committed events cross nodes from here. */
  server->events = cs_server_events_start (server);
  server->finder = cs_session_finder_new (server);
  cs_bus_subscribe (server->bus, &sessions_subscriber, server);
  server->agents = cs_agents_new (config, server->store, server->presence, server->bus);

  /* Read once at start-up, before anything listens: afterwards a request
   * is authenticated from memory, and only a token not there (opened by
   * another node since) is looked up, on a reader thread
   * (cs-http-sessions.c). */
  ctx = cs_server_new_ctx (server);
  cs_store_run_read (server->store, load_sessions, ctx);
  cs_store_run_read (server->store, cs_api_attachments_remove_orphans, ctx);

  if (config->access_log)
    {
      server->access_log = cs_access_log_open (config->access_log, error);
      if (server->access_log == NULL)
        return NULL;
    }
  server->soup = soup_server_new ("server-header", "causerie-server/" PACKAGE_VERSION " ", NULL);
  server->listener = cs_listener_new (config);
  cs_http_setup (server);
  server->sweep_id = g_timeout_add_seconds (config->attach_sweep_s, sweep_cb, server);
  server->ops = cs_server_ops_start (server);
  server->retention_id = g_timeout_add_seconds (config->retention_interval_s, retention_cb, server);
  return g_steal_pointer (&server);
}

gboolean
cs_server_listen (CsServer *server,
                  GError  **error)
{
  CsConfig *config = server->config;

  if (!cs_listener_add (server->listener, server->soup, config->listen_host, config->listen_port,
                        &server->port, error))
    return FALSE;
  config->listen_port = server->port;
  if (!config->public_url_set)
    g_clear_pointer (&config->public_url, g_free);
  if (config->metrics_host)
    {
      server->metrics_soup = soup_server_new ("server-header", "causerie-server/" PACKAGE_VERSION " ", NULL);
      cs_http_setup_metrics (server);
      if (!cs_listener_add (server->listener, server->metrics_soup, config->metrics_host, config->metrics_port,
                            &server->metrics_port, error))
        {
          g_prefix_error (error, "[metrics] listen: ");
          return FALSE;
        }
    }
  /* Mail links need the public URL, known once the port is. */
  server->mailer = cs_mailer_new (server->config, server->store, server->sealer);
  return TRUE;
}

void
cs_server_reopen_logs (CsServer *server)
{
  if (server->access_log)
    cs_access_log_reopen (server->access_log);
}

guint
cs_server_port (CsServer *server)
{
  return server->port;
}

guint
cs_server_metrics_port (CsServer *server)
{
  return server->metrics_port;
}

void
cs_server_free (CsServer *server)
{
  if (server == NULL)
    return;
  g_clear_handle_id (&server->sweep_id, g_source_remove);
  cs_server_ops_stop (server->ops);
  g_clear_handle_id (&server->retention_id, g_source_remove);
  if (server->soup)
    soup_server_disconnect (server->soup);
  if (server->metrics_soup)
    soup_server_disconnect (server->metrics_soup);
  g_clear_object (&server->soup);
  g_clear_object (&server->metrics_soup);
  g_clear_pointer (&server->mailer, cs_mailer_free);
  /* Before the store closes: answers still streaming are ended in it. */
  g_clear_pointer (&server->agents, cs_agents_free);
  g_clear_pointer (&server->hub, cs_hub_free);
  /* After the hub: its WebSockets were connections the listener counted. */
  g_clear_pointer (&server->listener, cs_listener_free);
  cs_server_events_stop (server->events);
  g_clear_pointer (&server->store, cs_store_close);
  g_clear_pointer (&server->events, cs_server_events_free);
  g_clear_pointer (&server->finder, cs_session_finder_free);
  if (server->shared)
    {
      server->limits = NULL;   /* the shared one's */
      g_clear_pointer (&server->shared, cs_server_shared_free);
    }
  g_clear_pointer (&server->ops, cs_server_ops_free);
  if (server->bus)
    cs_bus_unsubscribe (server->bus, server);
  g_clear_pointer (&server->bus, cs_bus_free);
  g_clear_pointer (&server->presence, cs_presence_free);
  g_clear_pointer (&server->message_limit, cs_rate_limit_free);
  g_clear_pointer (&server->sessions, cs_sessions_free);
  g_clear_pointer (&server->limits, cs_limits_free);
  g_clear_pointer (&server->sealer, cs_sealer_free);
  g_clear_pointer (&server->access_log, cs_access_log_close);
  g_free (server);
}
