/* cs-store.c: storage threads, group commit, ordered completions.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-store"

#include "cs-store.h"
#include "cs-db.h"

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
  char         *path;
  GMainContext *main_context;

  GAsyncQueue  *write_queue;
  GAsyncQueue  *read_queue;
  GAsyncQueue  *slow_queue;
  GAsyncQueue  *file_queue;
  GThread      *writer;
  GPtrArray    *threads;        /* readers and slow threads */
  CsDb         *write_db;
  GThread      *checkpointer;
  GAsyncQueue  *checkpoint_queue;
  gint          checkpoint_pending;  /* atomic */

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

  cs_db_close (t->db);
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

/* Prepared once per connection (cs_db_query () caches by the static
 * string): parsing BEGIN, SAVEPOINT, RELEASE and COMMIT again for every
 * batch and every job was part of the fixed cost of a small batch. */
static gboolean
exec_simple (CsDb       *db,
             const char *sql)
{
  CS_STMT stmt = cs_db_query (db, sql, "");

  return stmt && sqlite3_step (stmt) == SQLITE_DONE;
}

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

      cs_db_exec (store->write_db,
                  "INSERT INTO audit (tenant_id, at, user_id, action, entity_type, entity_id, ip, details)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  "sisssss" "s",
                  ctx->tenant_id, now, ctx->user_id, a->action, a->entity_type,
                  a->entity_id, ctx->ip, a->details);
    }
  g_ptr_array_set_size (ctx->audits, 0);
}

/* Whether the batch's transaction is still open. On SQLITE_FULL, an I/O
 * error and a few others, SQLite may roll the whole transaction back by
 * itself; a later "SAVEPOINT job" would then open a transaction of its own
 * and its "RELEASE job" commit a job the batch then reports as failed. */
static gboolean
in_transaction (CsStore *store)
{
  return !sqlite3_get_autocommit (cs_db_handle (store->write_db));
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
  exec_simple (store->write_db, "SAVEPOINT job");
  if (job->handler)
    job->handler (ctx);
  if (!in_transaction (store))
    {
      ctx->in_write = FALSE;
      ctx->db = caller_db;
      return FALSE;
    }
  if (ctx->error)
    {
      exec_simple (store->write_db, "ROLLBACK TO job");
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
  exec_simple (store->write_db, "RELEASE job");
  ctx->in_write = FALSE;
  ctx->db = caller_db;
  return in_transaction (store);
}

/* Full-text indexing runs after a batch's jobs and inside its transaction
 * (in the batches index_due picks): FTS5 writes its pending terms out at
 * every savepoint, so indexing inside each job's savepoint wrote one index
 * segment per message. A search first has every acknowledged message
 * indexed (cs_store_index_for_search). Every message from meta.fts_next_seq on is not indexed yet (the triggers
 * for edits and removals leave those alone), including any stored while
 * the server was not running. */
static gboolean
index_new_messages (CsDb  *db,
                    gint64 next_seq)
{
  /* Nothing stored since the last indexing: no statement, no page. */
  if (next_seq <= cs_db_int (db, 0, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_next_seq'", ""))
    return TRUE;
  return cs_db_exec (db,
                     "INSERT INTO messages_fts (rowid, body) SELECT seq, body FROM messages"
                     " WHERE seq >= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_next_seq')",
                     "") == SQLITE_DONE &&
         cs_db_exec (db,
                     "INSERT INTO meta (key, value) VALUES ('fts_next_seq', ?)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     "i", next_seq) == SQLITE_DONE;
}

static void
prune_events (CsStore *store)
{
  gint64 cutoff = store->head_seq - store->config->events_keep;

  if (!exec_simple (store->write_db, "BEGIN IMMEDIATE"))
    return;
  cs_db_exec (store->write_db, "DELETE FROM events WHERE seq <= ?", "i", cutoff);
  cs_db_exec (store->write_db,
              "INSERT INTO meta (key, value) VALUES ('events_pruned_seq', ?)"
              " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
              "i", cutoff);
  if (exec_simple (store->write_db, "COMMIT"))
    __atomic_store_n (&store->pruned_seq, cutoff, __ATOMIC_RELEASE);
  else
    {
      cs_db_note_failure (store->write_db);
      if (in_transaction (store))
        exec_simple (store->write_db, "ROLLBACK");
    }
}

/* Logs what the writer's connection kept of this batch's failures: a
 * failure of the storage itself (full disk, I/O error) once when an episode
 * starts, with SQLite's message at the step that failed, and once when a
 * batch commits again; any other failure (a bug: a constraint, a bad
 * statement) every time. */
static void
note_outcome (CsStore *store,
              gboolean committed,
              guint    n_jobs)
{
  g_autofree char *message = NULL;
  int rc = cs_db_take_failure (store->write_db, &message);

  if (!committed || cs_db_is_storage_fault (rc))
    {
      if (!committed)
        store->failing_refused += n_jobs;
      if (!store->failing)
        g_warning ("Storage failure: %s (SQLite error %d); writes are refused until it recovers",
                   message ? message : "unknown cause", rc);
      store->failing = TRUE;
      return;
    }
  if (rc != SQLITE_OK)
    g_warning ("A write failed: %s (SQLite error %d)", message ? message : "unknown cause", rc);
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
 * finds every acknowledged message. */
#define FTS_DEFER_SEQS 64
#define FTS_DEFER_US   (2 * G_USEC_PER_SEC)

/* The job a search sends: it writes nothing; its batch indexes. */
static void
index_request (CsCtx *ctx)
{
}

static gboolean
index_due (CsStore   *store,
           GPtrArray *batch)
{
  gint64 waiting = store->next_seq - store->fts_next_seq;

  if (waiting <= 0)
    return FALSE;
  if (waiting >= FTS_DEFER_SEQS ||
      (store->fts_since && g_get_monotonic_time () - store->fts_since >= FTS_DEFER_US))
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

  if (__atomic_load_n (&store->fts_next_seq, __ATOMIC_ACQUIRE) > cs_store_head_seq (store))
    return;
  ctx = cs_ctx_new (store->config, store, NULL);
  cs_store_run_write (store, index_request, ctx);
}

static void
run_batch (CsStore   *store,
           GPtrArray *batch)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  gint64 seq_at_start = store->next_seq;
  gboolean committed, indexed = FALSE;

  if (!exec_simple (store->write_db, "BEGIN IMMEDIATE"))
    {
      cs_db_note_failure (store->write_db);
      committed = FALSE;
    }
  else
    {
      gboolean open = TRUE;

      for (guint i = 0; i < batch->len && open; i++)
        open = run_in_savepoint (store, g_ptr_array_index (batch, i));
      indexed = open && index_due (store, batch);
      committed = open &&
                  (!indexed || index_new_messages (store->write_db, store->next_seq)) &&
                  exec_simple (store->write_db, "COMMIT");
      if (!committed)
        {
          /* The first failure is the cause; a ROLLBACK of a transaction
           * SQLite already rolled back would only add "cannot rollback". */
          cs_db_note_failure (store->write_db);
          if (in_transaction (store))
            exec_simple (store->write_db, "ROLLBACK");
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

static gpointer
writer_thread (gpointer data)
{
  CsStore *store = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      Job *job = g_async_queue_pop (store->write_queue);

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
    }
  /* A stopping server leaves its index complete. */
  if (store->next_seq > store->fts_next_seq &&
      exec_simple (store->write_db, "BEGIN IMMEDIATE"))
    {
      if (!index_new_messages (store->write_db, store->next_seq) || !exec_simple (store->write_db, "COMMIT"))
        exec_simple (store->write_db, "ROLLBACK");
    }
  return NULL;
}

/* ---- checkpoints ------------------------------------------------------- */

/* The WAL is copied back into the database by a thread of its own, so
 * that no batch waits for it. SQLite's automatic checkpoint ran on the
 * writer inside the commit of every batch that took the WAL past 1,000
 * pages, copying them and syncing the database file before that batch's
 * events could go out: a stall of the whole commit path, every second or
 * so at 100 msg/s, which was the p99. */
#define CHECKPOINT_PAGES 1000
/* A checkpointer that cannot keep up (a reader holding an old snapshot
 * the whole time) does not let the WAL grow without end: past this the
 * writer checkpoints itself, as SQLite would. */
#define CHECKPOINT_PAGES_MAX (16 * CHECKPOINT_PAGES)

static int
wal_hook_cb (gpointer    data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  CsStore *store = data;

  if (pages >= CHECKPOINT_PAGES_MAX)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  else if (pages >= CHECKPOINT_PAGES && g_atomic_int_compare_and_exchange (&store->checkpoint_pending, 0, 1))
    g_async_queue_push (store->checkpoint_queue, store);
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer data)
{
  CsStore *store = data;
  g_autoptr(GError) error = NULL;
  CsDb *db = cs_db_open (store->path, FALSE, &error);

  if (db == NULL)
    g_warning ("Checkpoints will run on the writer: %s", error->message);
  else
    cs_db_set_cache_kib (db, 64);
  while (g_async_queue_pop (store->checkpoint_queue) != &STOP_JOB)
    {
      if (db && sqlite3_wal_checkpoint_v2 (cs_db_handle (db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK)
        g_debug ("Checkpoint: %s", cs_db_errmsg (db));
      g_atomic_int_set (&store->checkpoint_pending, 0);
    }
  cs_db_close (db);
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

    db = cs_db_open (store->path, TRUE, &error);
    if (db == NULL)
      g_warning ("%s", error->message);
    else
      {
        cs_db_set_cache_kib (db, store->config->page_cache_kib);
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
  exec_simple (db, "BEGIN");
  job->ctx->db = db;
  job->handler (job->ctx);
  job->ctx->db = NULL;
  exec_simple (db, "COMMIT");
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

CsStore *
cs_store_open (CsConfig *config,
               GError  **error)
{
  CsStore *store;

  /* The engine named by [storage] backend; SQLite is the only one. */
  g_return_val_if_fail (config->storage_backend == CS_STORAGE_SQLITE, NULL);
  if (g_mkdir_with_parents (config->data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot create the data directory %s: %s",
                   config->data_dir, g_strerror (saved));
      return NULL;
    }

  store = g_new0 (CsStore, 1);
  store->config = config;
  store->path = g_build_filename (config->data_dir, "causerie.db", NULL);
  store->main_context = g_main_context_ref_thread_default ();
  store->hooks = g_array_new (FALSE, FALSE, sizeof (Hook));
  g_mutex_init (&store->done_lock);
  g_queue_init (&store->done);

  /* Opening and migrating happen before any thread or socket exists: the
   * server does not serve until its schema is current. */
  /* What SQLite holds (page caches of every connection, statements,
   * search-index buffers) gives pages back past this soft limit. The
   * limit is SQLite's, for the whole process: a second store in the same
   * process (tests) shares it. */
  sqlite3_soft_heap_limit64 ((sqlite3_int64) config->sqlite_heap_mb * 1024 * 1024);
  store->write_db = cs_db_open (store->path, FALSE, error);
  if (store->write_db == NULL || !cs_db_migrate (store->write_db, error))
    {
      cs_store_close (store);
      return NULL;
    }
  cs_db_set_cache_kib (store->write_db, config->page_cache_kib);
  cs_db_keep_member_lists (store->write_db, config->member_lists);
  {
    gint64 max_event = cs_db_int (store->write_db, 0, "SELECT MAX(seq) FROM events", "");
    gint64 max_message = cs_db_int (store->write_db, 0, "SELECT MAX(seq) FROM messages", "");
    g_autofree char *pruned = cs_db_text (store->write_db,
                                          "SELECT value FROM meta WHERE key = 'events_pruned_seq'", "");

    store->pruned_seq = pruned ? g_ascii_strtoll (pruned, NULL, 10) : 0;
    store->head_seq = MAX (MAX (max_event, max_message), store->pruned_seq);
    store->next_seq = store->head_seq + 1;
    store->fts_next_seq = store->next_seq;
  }
  /* Messages stored without the server (a tool, a restored copy) are
   * searchable before it serves. */
  if (!exec_simple (store->write_db, "BEGIN IMMEDIATE") ||
      !index_new_messages (store->write_db, store->next_seq) ||
      !exec_simple (store->write_db, "COMMIT"))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot index messages for search: %s",
                   cs_db_errmsg (store->write_db));
      exec_simple (store->write_db, "ROLLBACK");
      cs_store_close (store);
      return NULL;
    }

  store->checkpoint_queue = g_async_queue_new ();
  store->checkpointer = g_thread_new ("cs-checkpoint", checkpoint_thread, store);
  /* Replaces SQLite's automatic checkpoint on the writer. */
  sqlite3_wal_hook (cs_db_handle (store->write_db), wal_hook_cb, store);
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
  if (store->checkpointer)
    {
      g_async_queue_push (store->checkpoint_queue, &STOP_JOB);
      g_thread_join (store->checkpointer);
    }
  g_clear_pointer (&store->checkpoint_queue, g_async_queue_unref);
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
  g_clear_pointer (&store->write_db, cs_db_close);
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
cs_store_get_stats (CsStore      *store,
                    CsStoreStats *stats)
{
  stats->commits = store->n_commits;
  stats->jobs = store->n_jobs;
  stats->failed_commits = store->n_failed;
  stats->events = store->n_events;
  stats->queued = (guint64) MAX (0, g_async_queue_length (store->write_queue));
}
