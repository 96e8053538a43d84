/* cs-store.c: storage threads, group commit, ordered completions.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-store"

#include "cs-store.h"
#include "cs-ops.h"

#include <errno.h>
#include <glib/gstdio.h>

typedef struct {
  CsJobKind  kind;
  CsHandler  handler;
  CsCtx     *ctx;
  CsDoneFunc done;
  gpointer   user_data;
  /* For cs_store_run_write: the waiting thread sleeps on these. */
  GMutex    *mutex;
  GCond     *cond;
  gboolean   finished;
} Job;

typedef struct {
  CsCommitHook   hook;
  gpointer       data;
  GDestroyNotify destroy;
} Hook;

typedef struct {
  Job       *job;      /* a finished job, or NULL ... */
  GPtrArray *events;   /* ... for a batch of committed events */
} Completion;

struct _CsStore {
  CsConfig     *config;
  const CsEngine *engine;
  char         *path;           /* the engine's location: a file, a conninfo */
  GMainContext *main_context;

  GAsyncQueue  *write_queue;
  GAsyncQueue  *read_queue;
  GAsyncQueue  *slow_queue;
  GAsyncQueue  *file_queue;
  GThread      *writer;
  GPtrArray    *threads;        /* readers and slow threads */
  CsDb         *write_db;
  gpointer      upkeep;         /* the engine's background work */

  /* Writer-thread state. */
  gint64        next_seq;
  GArray       *hooks;          /* Hook, for the batch being run */

  gint64        head_seq;       /* atomic */
  gint64        fts_next_seq;   /* atomic: messages from here on are not indexed yet */
  gint64        fts_since;      /* writer: when the oldest of those was committed, or 0 */
  gint64        pruned_seq;     /* atomic */

  GMutex        done_lock;
  GQueue        done;           /* Completion* */
  gboolean      done_scheduled;

  CsEventSink   sink;
  gpointer      sink_data;

  guint64       n_commits, n_jobs, n_failed, n_events;  /* atomic-ish counters */

  /* Writer-thread state: an episode of storage failures (a full disk) is
   * logged when it starts and when it ends, not at every batch. */
  gboolean      failing;
  guint64       failing_refused;
};

/* Threads for password hashing, and for uploaded files (sniffing, syncing
 * and thumbnails): a burst of uploads never delays a sign-in. */
#define SLOW_THREADS 2
#define FILE_THREADS 2

static Job STOP_JOB;
/* A thread's read connection, and the database it reads. Worker threads
 * belong to one store; the main thread may read from several stores in
 * turn (two servers in one process), so the path is checked. */
typedef struct {
  char *path;
  CsDb *db;
} ThreadDb;

static void
thread_db_free (gpointer data)
{
  ThreadDb *t = data;

  t->db->engine->close (t->db);
  g_free (t->path);
  g_free (t);
}

static GPrivate thread_db = G_PRIVATE_INIT (thread_db_free);

CsConfig *
cs_store_get_config (CsStore *store)
{
  return store->config;
}

/* ---- completions on the main context ---------------------------------- */

static void
job_free (Job *job)
{
  cs_ctx_free (job->ctx);
  g_free (job);
}

static gboolean
dispatch_done (gpointer data)
{
  CsStore *store = data;
  GQueue items = G_QUEUE_INIT;
  Completion *c;

  g_mutex_lock (&store->done_lock);
  items = store->done;
  g_queue_init (&store->done);
  store->done_scheduled = FALSE;
  g_mutex_unlock (&store->done_lock);

  while ((c = g_queue_pop_head (&items)))
    {
      if (c->events)
        {
          if (store->sink)
            store->sink (c->events, store->sink_data);
          g_ptr_array_unref (c->events);
        }
      else
        {
          if (c->job->done)
            c->job->done (c->job->ctx, c->job->user_data);
          job_free (c->job);
        }
      g_free (c);
    }
  return G_SOURCE_REMOVE;
}

static void
post (CsStore   *store,
      Job       *job,
      GPtrArray *events)
{
  Completion *c = g_new0 (Completion, 1);
  gboolean schedule;

  c->job = job;
  c->events = events;
  g_mutex_lock (&store->done_lock);
  g_queue_push_tail (&store->done, c);
  schedule = !store->done_scheduled;
  store->done_scheduled = TRUE;
  g_mutex_unlock (&store->done_lock);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, dispatch_done, store, NULL);
      g_source_set_static_name (source, "[causerie] storage completions");
      g_source_attach (source, store->main_context);
      g_source_unref (source);
    }
}

static void
finish_job (CsStore *store,
            Job     *job)
{
  if (job->mutex)
    {
      g_mutex_lock (job->mutex);
      job->finished = TRUE;
      g_cond_signal (job->cond);
      g_mutex_unlock (job->mutex);
    }
  else
    post (store, job, NULL);
}

/* ---- the writer -------------------------------------------------------- */

gint64
cs_store_next_seq (CsStore *store)
{
  return store->next_seq++;
}

void
cs_store_on_commit (CsStore       *store,
                    CsCommitHook   hook,
                    gpointer       data,
                    GDestroyNotify destroy)
{
  Hook h = { hook, data, destroy };

  g_array_append_val (store->hooks, h);
}

static void
write_audits (CsStore *store,
              CsCtx   *ctx)
{
  gint64 now = g_get_real_time () / 1000;

  for (guint i = 0; i < ctx->audits->len; i++)
    {
      CsAudit *a = g_ptr_array_index (ctx->audits, i);
      CsAuditRow row = { ctx->tenant_id, now, ctx->user_id, a->action, a->entity_type,
                         a->entity_id, ctx->ip, a->details };

      store->engine->audit_insert (store->write_db, &row);
    }
  g_ptr_array_set_size (ctx->audits, 0);
}

/* Whether the batch's transaction is still open: an engine may end it
 * by itself after a fault (SQLite on a full disk), and a job's savepoint
 * would then open a transaction of its own, committing a job the batch
 * then reports as failed. */
static gboolean
in_transaction (CsStore *store)
{
  return store->engine->in_transaction (store->write_db);
}

/* A job that called a store function its engine lacks fails, whatever
 * its handler made of the 0 it got (cs_engine_missing). */
static void
fail_if_missing (CsCtx *ctx,
                 CsDb  *db)
{
  if (G_LIKELY (db->missing == NULL))
    return;
  cs_ctx_fail (ctx, CAU_ERROR_INTERNAL,
               "This server's storage engine (%s) cannot do this yet (%s is not implemented).",
               db->engine->label, db->missing);
  db->missing = NULL;
}

/* Returns FALSE when the batch's transaction is gone (see in_transaction). */
static gboolean
run_in_savepoint (CsStore *store,
                  Job     *job)
{
  CsCtx *ctx = job->ctx;
  guint hooks_before = store->hooks->len;
  CsDb *caller_db = ctx->db;   /* a slow thread's read connection, kept for after */

  ctx->db = store->write_db;
  ctx->in_write = TRUE;
  store->engine->job_begin (store->write_db);
  if (job->handler)
    job->handler (ctx);
  fail_if_missing (ctx, store->write_db);
  if (ctx->error == NULL && store->engine->job_broken && store->engine->job_broken (store->write_db))
    cs_ctx_fail_db (ctx, "running a job");
  if (!in_transaction (store))
    {
      ctx->in_write = FALSE;
      ctx->db = caller_db;
      return FALSE;
    }
  if (ctx->error)
    {
      store->engine->job_rollback (store->write_db);
      cs_ctx_discard_effects (ctx);
      /* The hooks of a rolled-back job must not run. */
      for (guint i = hooks_before; i < store->hooks->len; i++)
        {
          Hook *h = &g_array_index (store->hooks, Hook, i);
          if (h->destroy)
            h->destroy (h->data);
        }
      g_array_set_size (store->hooks, hooks_before);
    }
  write_audits (store, ctx);
  store->engine->job_end (store->write_db);
  ctx->in_write = FALSE;
  ctx->db = caller_db;
  return in_transaction (store);
}

static void
prune_events (CsStore *store)
{
  gint64 cutoff = store->head_seq - store->config->events_keep;

  if (store->engine->prune_events (store->write_db, cutoff))
    __atomic_store_n (&store->pruned_seq, cutoff, __ATOMIC_RELEASE);
}

/* Logs what the writer's connection kept of this batch's failures: a
 * failure of the storage itself (full disk, I/O error) once when an episode
 * starts, with the engine's message at the step that failed, and once when a
 * batch commits again; any other failure (a bug: a constraint, a bad
 * statement) every time. */
static void
note_outcome (CsStore *store,
              gboolean committed,
              guint    n_jobs)
{
  g_autofree char *message = NULL;
  const CsEngine *engine = store->engine;
  int rc = engine->take_failure (store->write_db, &message);

  if (!committed || engine->is_storage_fault (rc))
    {
      if (!committed)
        store->failing_refused += n_jobs;
      if (!store->failing)
        g_warning ("Storage failure: %s (%s error %d); writes are refused until it recovers",
                   message ? message : "unknown cause", engine->label, rc);
      store->failing = TRUE;
      return;
    }
  if (rc != 0)
    g_warning ("A write failed: %s (%s error %d)", message ? message : "unknown cause", engine->label, rc);
  if (store->failing)
    {
      g_message ("Storage works again; %" G_GUINT64_FORMAT " writes were refused meanwhile",
                 store->failing_refused);
      store->failing = FALSE;
      store->failing_refused = 0;
    }
}

/* Indexing is deferred over several small batches: a batch of one message
 * that also wrote its own index segment, the search structure record and
 * the meta row spent about a third of its log pages on search, and the
 * segments then had to be merged again. Messages are indexed once this
 * many seqs are waiting, or the oldest has waited this long, or a search
 * asks (cs_store_index_for_search), or the server stops; so a search still
 * finds every acknowledged message.
 *
 * Indexing that is merely due waits for the writer to be idle and commits
 * on its own (index_when_idle): inside a batch of messages it made that
 * batch's acknowledgements and fan-out wait for the index's pages and
 * work, one message in 64 at 100 msg/s, which was the delivery p99. A
 * writer that is never idle indexes inside a batch once FTS_FORCE_SEQS
 * are waiting; a search's request is served in its own batch at once. */
#define FTS_DEFER_SEQS 64
#define FTS_FORCE_SEQS 1024
#define FTS_DEFER_US   (2 * G_USEC_PER_SEC)

/* The job a search sends: it writes nothing; its batch indexes. */
static void
index_request (CsCtx *ctx)
{
}

/* Whether enough is waiting to be indexed (@at_least seqs, or the oldest
 * for FTS_DEFER_US). */
static gboolean
index_waiting (CsStore *store,
               gint64   at_least)
{
  gint64 waiting = store->next_seq - store->fts_next_seq;

  if (!store->engine->defers_indexing || waiting <= 0)
    return FALSE;
  return waiting >= at_least ||
         (store->fts_since && g_get_monotonic_time () - store->fts_since >= FTS_DEFER_US);
}

/* Whether @batch must index: a search asks, or the backlog is too long. */
static gboolean
index_due (CsStore   *store,
           GPtrArray *batch)
{
  if (!store->engine->defers_indexing || store->next_seq <= store->fts_next_seq)
    return FALSE;
  if (store->next_seq - store->fts_next_seq >= FTS_FORCE_SEQS)
    return TRUE;
  for (guint i = 0; i < batch->len; i++)
    if (((Job *) g_ptr_array_index (batch, i))->handler == index_request)
      return TRUE;
  return FALSE;
}

void
cs_store_index_for_search (CsStore *store)
{
  g_autoptr(CsCtx) ctx = NULL;

  if (!store->engine->defers_indexing ||
      __atomic_load_n (&store->fts_next_seq, __ATOMIC_ACQUIRE) > cs_store_head_seq (store))
    return;
  ctx = cs_ctx_new (store->config, store, NULL);
  cs_store_run_write (store, index_request, ctx);
}

static void
run_batch (CsStore   *store,
           GPtrArray *batch)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  const CsEngine *engine = store->engine;
  gint64 seq_at_start;
  gboolean committed, indexed = FALSE;

  if (!engine->begin (store->write_db, &store->next_seq))
    {
      engine->note_failure (store->write_db);
      engine->rollback (store->write_db);
      seq_at_start = store->next_seq;
      committed = FALSE;
    }
  else
    {
      gboolean open = TRUE;

      seq_at_start = store->next_seq;
      for (guint i = 0; i < batch->len && open; i++)
        open = run_in_savepoint (store, g_ptr_array_index (batch, i));
      indexed = open && index_due (store, batch);
      committed = open && engine->commit (store->write_db, seq_at_start, store->next_seq, indexed);
      if (!committed)
        {
          /* The first failure is the cause. */
          engine->note_failure (store->write_db);
          engine->rollback (store->write_db);
        }
    }

  if (committed)
    {
      for (guint i = 0; i < store->hooks->len; i++)
        {
          Hook *h = &g_array_index (store->hooks, Hook, i);
          h->hook (h->data);
        }
      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = g_ptr_array_index (batch, i);

          for (guint e = 0; e < job->ctx->events->len; e++)
            g_ptr_array_add (events, cs_event_ref (g_ptr_array_index (job->ctx->events, e)));
          g_ptr_array_set_size (job->ctx->events, 0);
        }
      if (indexed)
        {
          __atomic_store_n (&store->fts_next_seq, store->next_seq, __ATOMIC_RELEASE);
          store->fts_since = 0;
        }
      else if (store->next_seq > seq_at_start && store->fts_since == 0)
        store->fts_since = g_get_monotonic_time ();
      if (store->next_seq - 1 > store->head_seq)
        __atomic_store_n (&store->head_seq, store->next_seq - 1, __ATOMIC_RELEASE);
      store->n_commits++;
      store->n_events += events->len;
    }
  else
    {
      /* Nothing of the batch is stored: every job answers with an error and
       * its seqs are given out again. */
      store->next_seq = seq_at_start;
      store->n_failed++;
      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = g_ptr_array_index (batch, i);

          cs_ctx_discard_effects (job->ctx);
          g_ptr_array_set_size (job->ctx->audits, 0);
          cs_ctx_fail_storage (job->ctx);
        }
    }
  for (guint i = 0; i < store->hooks->len; i++)
    {
      Hook *h = &g_array_index (store->hooks, Hook, i);
      if (h->destroy)
        h->destroy (h->data);
    }
  g_array_set_size (store->hooks, 0);
  store->n_jobs += batch->len;

  /* Events go out before the answers, in seq order. */
  if (events->len > 0)
    post (store, NULL, g_steal_pointer (&events));
  for (guint i = 0; i < batch->len; i++)
    finish_job (store, g_ptr_array_index (batch, i));

  /* Keep the event log to its configured length, pruning in steps so that
   * a busy server deletes a few thousand rows at a time, not one per commit. */
  if (committed &&
      store->head_seq - store->pruned_seq > store->config->events_keep + MIN (store->config->events_keep / 10, 1024))
    prune_events (store);

  note_outcome (store, committed, batch->len);
}

/* Indexes what waits, in a transaction of its own. */
static void
index_now (CsStore *store)
{
  gint64 next_seq = store->next_seq;

  if (!store->engine->begin (store->write_db, &next_seq) ||
      !store->engine->commit (store->write_db, next_seq, next_seq, TRUE))
    {
      store->engine->note_failure (store->write_db);
      store->engine->rollback (store->write_db);
      note_outcome (store, FALSE, 0);
      /* Tried again after FTS_DEFER_US, not at once (writer_thread). */
      store->fts_since = g_get_monotonic_time ();
      return;
    }
  __atomic_store_n (&store->fts_next_seq, next_seq, __ATOMIC_RELEASE);
  store->fts_since = 0;
  note_outcome (store, TRUE, 0);
}

static gpointer
writer_thread (gpointer data)
{
  CsStore *store = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      Job *job;

      /* Messages waiting to be indexed are indexed once the oldest has
       * waited FTS_DEFER_US with nothing else to do. */
      if (store->fts_since && store->engine->defers_indexing)
        {
          gint64 left = store->fts_since + FTS_DEFER_US - g_get_monotonic_time ();

          job = left > 0 ? g_async_queue_timeout_pop (store->write_queue, (guint64) left) : NULL;
          if (job == NULL)
            {
              index_now (store);
              continue;
            }
        }
      else
        job = g_async_queue_pop (store->write_queue);
      if (job == &STOP_JOB)
        break;
      g_ptr_array_add (batch, job);
      /* Group commit: take whatever else is already waiting. */
      while (batch->len < store->config->batch_max &&
             (job = g_async_queue_try_pop (store->write_queue)) != NULL)
        {
          if (job == &STOP_JOB)
            {
              stop = TRUE;
              break;
            }
          g_ptr_array_add (batch, job);
        }
      run_batch (store, batch);
      g_ptr_array_set_size (batch, 0);
      /* Due indexing runs when nothing else waits (see FTS_FORCE_SEQS). */
      if (!stop && index_waiting (store, FTS_DEFER_SEQS) && g_async_queue_length (store->write_queue) <= 0)
        index_now (store);
    }
  /* A stopping server leaves its index complete. */
  if (store->engine->defers_indexing && store->next_seq > store->fts_next_seq)
    index_now (store);
  return NULL;
}

/* ---- readers and slow threads ------------------------------------------ */

static CsDb *
get_thread_db (CsStore *store)
{
  ThreadDb *t = g_private_get (&thread_db);
  CsDb *db;

  if (t && g_str_equal (t->path, store->path))
    return t->db;
  {
    g_autoptr(GError) error = NULL;

    db = store->engine->open (store->path, CS_DB_READER, store->config, &error);
    if (db == NULL)
      g_warning ("%s", error->message);
    else
      {
        t = g_new0 (ThreadDb, 1);
        t->path = g_strdup (store->path);
        t->db = db;
        g_private_replace (&thread_db, t);
      }
  }
  return db;
}

void
cs_store_run_read (CsStore  *store,
                   CsHandler handler,
                   CsCtx    *ctx)
{
  CsDb *db = get_thread_db (store);

  if (db == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_INTERNAL, "The server cannot read its database right now.");
      return;
    }
  ctx->db = db;
  handler (ctx);
  fail_if_missing (ctx, db);
  ctx->db = NULL;
}

static void
run_read_job (CsStore *store,
              Job     *job)
{
  CsDb *db = get_thread_db (store);

  if (db == NULL)
    {
      cs_ctx_fail (job->ctx, CAU_ERROR_INTERNAL, "The server cannot read its database right now.");
      return;
    }
  /* One snapshot for the whole handler, so a page and its counts agree. */
  store->engine->read_begin (db);
  job->ctx->db = db;
  job->handler (job->ctx);
  fail_if_missing (job->ctx, db);
  job->ctx->db = NULL;
  store->engine->read_end (db);
}

/* A read or a sign-in that was refused is in the audit log before its
 * answer leaves: this worker waits for the writer to commit the entries. */
static void
flush_audits (CsStore *store,
              Job     *job)
{
  CsCtx *src = job->ctx;
  g_autoptr(CsCtx) ctx = NULL;

  if (src->audits->len == 0)
    return;
  ctx = cs_ctx_new (src->config, store, src->presence);
  ctx->user_id = g_strdup (src->user_id);
  ctx->tenant_id = g_strdup (src->tenant_id);
  ctx->ip = g_strdup (src->ip);
  g_ptr_array_extend_and_steal (ctx->audits, g_steal_pointer (&src->audits));
  src->audits = g_ptr_array_new ();
  cs_store_run_write (store, NULL, ctx);
}

static gpointer
worker_thread (gpointer data)
{
  GAsyncQueue *queue = ((gpointer *) data)[0];
  CsStore *store = ((gpointer *) data)[1];

  g_free (data);
  for (;;)
    {
      Job *job = g_async_queue_pop (queue);

      if (job == &STOP_JOB)
        break;
      if (job->kind == CS_JOB_READ)
        run_read_job (store, job);
      else
        cs_store_run_read (store, job->handler, job->ctx);
      flush_audits (store, job);
      finish_job (store, job);
    }
  /* The thread's connection is closed by the GPrivate destroy notify. */
  return NULL;
}

static void
start_workers (CsStore     *store,
               GAsyncQueue *queue,
               guint        n,
               const char  *name)
{
  for (guint i = 0; i < n; i++)
    {
      gpointer *args = g_new (gpointer, 2);
      g_autofree char *thread_name = g_strdup_printf ("%s-%u", name, i);

      args[0] = queue;
      args[1] = store;
      g_ptr_array_add (store->threads, g_thread_new (thread_name, worker_thread, args));
    }
}

/* ---- life cycle -------------------------------------------------------- */

/* The engine named by [storage] backend. */
static const CsEngine *
engine_for_config (CsConfig *config,
                   GError  **error)
{
  switch (config->storage_backend)
    {
    case CS_STORAGE_SQLITE:
      return &cs_engine_sqlite;
    case CS_STORAGE_POSTGRESQL:
#ifdef CS_HAVE_LIBPQ
      return &cs_engine_postgresql;
#else
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "This causerie-server was built without PostgreSQL (libpq): "
                   "[storage] backend = postgresql is not available.");
      return NULL;
#endif
    }
  g_return_val_if_reached (NULL);
}

CsDb *
cs_store_open_beside (CsConfig  *config,
                      gboolean   read_only,
                      GError   **error)
{
  const CsEngine *engine = engine_for_config (config, error);

  if (engine == NULL)
    return NULL;
  return engine->ops->open (config, read_only, error);
}

CsStore *
cs_store_open (CsConfig *config,
               GError  **error)
{
  CsStore *store;
  const CsEngine *engine = engine_for_config (config, error);

  if (engine == NULL)
    return NULL;
  if (g_mkdir_with_parents (config->data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot create the data directory %s: %s",
                   config->data_dir, g_strerror (saved));
      return NULL;
    }

  store = g_new0 (CsStore, 1);
  store->config = config;
  store->engine = engine;
  store->path = engine->locate (config);
  store->main_context = g_main_context_ref_thread_default ();
  store->hooks = g_array_new (FALSE, FALSE, sizeof (Hook));
  g_mutex_init (&store->done_lock);
  g_queue_init (&store->done);

  /* Opening and migrating happen before any thread or socket exists: the
   * server does not serve until its schema is current. */
  if (!engine->setup (config, error) ||
      (store->write_db = engine->open (store->path, CS_DB_WRITER, config, error)) == NULL ||
      !engine->migrate (store->write_db, error) ||
      !engine->start (store->write_db, &store->head_seq, &store->pruned_seq, error))
    {
      cs_store_close (store);
      return NULL;
    }
  store->next_seq = store->head_seq + 1;
  store->fts_next_seq = store->next_seq;
  store->upkeep = engine->upkeep_start ? engine->upkeep_start (store->write_db, store->path, config) : NULL;
  store->write_queue = g_async_queue_new ();
  store->read_queue = g_async_queue_new ();
  store->slow_queue = g_async_queue_new ();
  store->file_queue = g_async_queue_new ();
  store->threads = g_ptr_array_new ();
  store->writer = g_thread_new ("cs-writer", writer_thread, store);
  start_workers (store, store->read_queue, config->readers, "cs-reader");
  start_workers (store, store->slow_queue, SLOW_THREADS, "cs-slow");
  start_workers (store, store->file_queue, FILE_THREADS, "cs-files");
  return store;
}

void
cs_store_close (CsStore *store)
{
  if (store == NULL)
    return;
  if (store->writer)
    {
      g_async_queue_push (store->write_queue, &STOP_JOB);
      g_thread_join (store->writer);
    }
  if (store->upkeep)
    store->engine->upkeep_stop (store->upkeep);
  if (store->threads)
    {
      for (guint i = 0; i < store->threads->len; i++)
        {
          /* One stop per thread, on whichever queue it reads. */
          g_async_queue_push (i < store->config->readers ? store->read_queue :
                              i < store->config->readers + SLOW_THREADS ? store->slow_queue : store->file_queue,
                              &STOP_JOB);
        }
      for (guint i = 0; i < store->threads->len; i++)
        g_thread_join (g_ptr_array_index (store->threads, i));
      g_ptr_array_unref (store->threads);
    }
  /* Work that finished but was not dispatched is dropped with the store. */
  g_mutex_lock (&store->done_lock);
  while (!g_queue_is_empty (&store->done))
    {
      Completion *c = g_queue_pop_head (&store->done);
      if (c->events)
        g_ptr_array_unref (c->events);
      else
        job_free (c->job);
      g_free (c);
    }
  g_mutex_unlock (&store->done_lock);
  g_clear_pointer (&store->write_queue, g_async_queue_unref);
  g_clear_pointer (&store->read_queue, g_async_queue_unref);
  g_clear_pointer (&store->slow_queue, g_async_queue_unref);
  g_clear_pointer (&store->file_queue, g_async_queue_unref);
  g_clear_pointer (&store->write_db, store->engine->close);
  g_clear_pointer (&store->hooks, g_array_unref);
  g_main_context_unref (store->main_context);
  g_mutex_clear (&store->done_lock);
  g_free (store->path);
  g_free (store);
}

void
cs_store_set_event_sink (CsStore    *store,
                         CsEventSink sink,
                         gpointer    user_data)
{
  store->sink = sink;
  store->sink_data = user_data;
}

void
cs_store_submit (CsStore   *store,
                 CsJobKind  kind,
                 CsHandler  handler,
                 CsCtx     *ctx,
                 CsDoneFunc done,
                 gpointer   user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->handler = handler;
  job->ctx = ctx;
  job->done = done;
  job->user_data = user_data;
  switch (kind)
    {
    case CS_JOB_WRITE:
      g_async_queue_push (store->write_queue, job);
      break;
    case CS_JOB_READ:
      g_async_queue_push (store->read_queue, job);
      break;
    case CS_JOB_SLOW:
      g_async_queue_push (store->slow_queue, job);
      break;
    case CS_JOB_FILE:
      g_async_queue_push (store->file_queue, job);
      break;
    }
}

gboolean
cs_store_run_write (CsStore  *store,
                    CsHandler handler,
                    CsCtx    *ctx)
{
  Job job = { 0 };
  GMutex mutex;
  GCond cond;

  g_return_val_if_fail (g_thread_self () != store->writer, FALSE);

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  job.kind = CS_JOB_WRITE;
  job.handler = handler;
  job.ctx = ctx;
  job.mutex = &mutex;
  job.cond = &cond;

  g_mutex_lock (&mutex);
  g_async_queue_push (store->write_queue, &job);
  while (!job.finished)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
  return ctx->error == NULL;
}

gint64
cs_store_head_seq (CsStore *store)
{
  return __atomic_load_n (&store->head_seq, __ATOMIC_ACQUIRE);
}

gint64
cs_store_pruned_seq (CsStore *store)
{
  return __atomic_load_n (&store->pruned_seq, __ATOMIC_ACQUIRE);
}

void
cs_store_seqs_in (CsStore *store,
                  CsDb    *db,
                  gint64  *out_head,
                  gint64  *out_pruned)
{
  *out_head = cs_store_head_seq (store);
  *out_pruned = cs_store_pruned_seq (store);
  if (store->engine->shared_seqs)
    {
      gint64 head = 0, pruned = 0;

      store->engine->shared_seqs (db, &head, &pruned);
      *out_head = MAX (*out_head, head);
      *out_pruned = MAX (*out_pruned, pruned);
    }
}

void
cs_store_get_stats (CsStore      *store,
                    CsStoreStats *stats)
{
  stats->commits = store->n_commits;
  stats->jobs = store->n_jobs;
  stats->failed_commits = store->n_failed;
  stats->events = store->n_events;
  stats->queued = (guint64) MAX (0, g_async_queue_length (store->write_queue));
}
