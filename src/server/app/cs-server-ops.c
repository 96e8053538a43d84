/* cs-server-ops.c: the running server's side of the operator's tools:
 * sessions revoked from the command line (user disable, reset-password)
 * end here too, and audit entries past [audit] keep_days are pruned in
 * batches on the writer thread.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-server"

#include "cs-server-private.h"
#include "cs-ops.h"
#include "cau-time.h"

/* How often the database is asked whether the command line revoked
 * sessions: one look-up of one meta row on a reader thread. */
#define WATCH_INTERVAL_S 2
/* Audit entries removed per write job: the writer's other jobs run
 * between two batches. */
#define PRUNE_BATCH 500
#define PRUNE_INTERVAL_S 3600

struct _CsServerOps {
  CsServer *server;       /* NULL once the server is gone: jobs in flight then only free */
  guint     watch_id;
  guint     prune_id;
  gint64    mark;         /* revocations seen up to here */
  gboolean  watching;     /* a look-up is in flight */
  gboolean  pruning;
  gint64    pruned;       /* entries removed by this round */
  guint     in_flight;
  GList    *jobs;         /* OpsJob* in flight: a store that closes drops their completions */
};

typedef struct {
  CsServerOps *ops;
  gint64       mark;
  gint64       new_mark;
  char       **users;
  gint64       before_ms;
  gint64       removed;
} OpsJob;

static void
ops_job_free (OpsJob *job)
{
  CsServerOps *ops = job->ops;

  ops->jobs = g_list_remove (ops->jobs, job);
  ops->in_flight--;
  g_strfreev (job->users);
  g_free (job);
}

static OpsJob *
ops_job_new (CsServerOps *ops)
{
  OpsJob *job = g_new0 (OpsJob, 1);

  job->ops = ops;
  ops->in_flight++;
  ops->jobs = g_list_prepend (ops->jobs, job);
  return job;
}

/* Reader thread. */
static void
watch_read (CsCtx *ctx)
{
  OpsJob *job = ctx->input;

  job->new_mark = cs_ops_revocation_mark (ctx->db);
  if (job->new_mark > job->mark)
    job->users = cs_ops_revoked_users_since (ctx->db, job->mark);
}

static void
watch_done (CsCtx   *ctx,
            gpointer data)
{
  OpsJob *job = data;
  CsServerOps *ops = job->ops;
  CsServer *server = ops->server;

  ctx->input = NULL;
  if (server)
    {
      ops->watching = FALSE;
      for (guint i = 0; job->users && job->users[i]; i++)
        {
          CsSignal close = { .kind = CS_SIGNAL_CLOSE, .user_id = job->users[i] };

          /* The next request with one of their tokens is refused, and
           * their open sockets close. */
          cs_sessions_remove_user (server->sessions, job->users[i]);
          cs_bus_publish_signal (server->bus, &close);
          g_message ("Sessions of user %s revoked from the command line: signed out here too", job->users[i]);
        }
      ops->mark = MAX (ops->mark, job->new_mark);
    }
  ops_job_free (job);
}

static void
read_mark (CsCtx *ctx)
{
  OpsJob *job = ctx->input;

  job->new_mark = cs_ops_revocation_mark (ctx->db);
}

static gboolean
watch_cb (gpointer data)
{
  CsServerOps *ops = data;
  CsServer *server = ops->server;
  OpsJob *job;
  CsCtx *ctx;

  if (ops->watching)
    return G_SOURCE_CONTINUE;
  ops->watching = TRUE;
  job = ops_job_new (ops);
  job->mark = ops->mark;
  ctx = cs_server_new_ctx (server);
  ctx->input = job;
  cs_store_submit (server->store, CS_JOB_READ, watch_read, ctx, watch_done, job);
  return G_SOURCE_CONTINUE;
}

/* Writer thread: one batch. */
static void
prune_write (CsCtx *ctx)
{
  OpsJob *job = ctx->input;

  job->removed = cs_ops_audit_prune (ctx->db, job->before_ms, PRUNE_BATCH);
  if (job->removed < 0)
    cs_ctx_fail_db (ctx, "pruning the audit log");
}

static void submit_prune (CsServerOps *ops, gint64 before_ms);

static void
prune_done (CsCtx   *ctx,
            gpointer data)
{
  OpsJob *job = data;
  CsServerOps *ops = job->ops;

  ctx->input = NULL;
  if (ops->server)
    {
      if (job->removed > 0)
        ops->pruned += job->removed;
      if (job->removed == PRUNE_BATCH)
        submit_prune (ops, job->before_ms);
      else
        {
          if (ops->pruned > 0)
            g_message ("Pruned %" G_GINT64_FORMAT " audit entries older than %u days", ops->pruned,
                       ops->server->config->audit_keep_days);
          ops->pruned = 0;
          ops->pruning = FALSE;
        }
    }
  ops_job_free (job);
}

static void
submit_prune (CsServerOps *ops,
              gint64       before_ms)
{
  OpsJob *job = ops_job_new (ops);
  CsCtx *ctx = cs_server_new_ctx (ops->server);

  job->before_ms = before_ms;
  ctx->input = job;
  cs_store_submit (ops->server->store, CS_JOB_WRITE, prune_write, ctx, prune_done, job);
}

static gboolean
prune_cb (gpointer data)
{
  CsServerOps *ops = data;

  if (!ops->pruning)
    {
      ops->pruning = TRUE;
      submit_prune (ops, cau_time_now_ms () - (gint64) ops->server->config->audit_keep_days * 86400 * 1000);
    }
  return G_SOURCE_CONTINUE;
}

CsServerOps *
cs_server_ops_start (CsServer *server)
{
  CsServerOps *ops = g_new0 (CsServerOps, 1);
  OpsJob job = { ops };
  g_autoptr(CsCtx) ctx = cs_server_new_ctx (server);

  ops->server = server;
  /* Revocations made before this start are in the sessions already
   * loaded (revoked ones are not). */
  ctx->input = &job;
  cs_store_run_read (server->store, read_mark, ctx);
  ctx->input = NULL;
  ops->mark = job.new_mark;
  ops->watch_id = g_timeout_add_seconds (WATCH_INTERVAL_S, watch_cb, ops);
  /* Once at start, then hourly. */
  prune_cb (ops);
  ops->prune_id = g_timeout_add_seconds (PRUNE_INTERVAL_S, prune_cb, ops);
  return ops;
}

void
cs_server_ops_stop (CsServerOps *ops)
{
  if (ops == NULL)
    return;
  g_clear_handle_id (&ops->watch_id, g_source_remove);
  g_clear_handle_id (&ops->prune_id, g_source_remove);
  ops->server = NULL;
}

/* After the store closed: no completion can run any more, and the jobs it
 * dropped undispatched are freed here with the rest. */
void
cs_server_ops_free (CsServerOps *ops)
{
  if (ops == NULL)
    return;
  while (ops->jobs)
    ops_job_free (ops->jobs->data);
  g_free (ops);
}
