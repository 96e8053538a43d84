/* cs-db-engine.c: the SQLite engine as the store drives it: opening and
 * migrating, the writer's transactions, its work around the jobs (audit
 * entries, search indexing per batch, pruning), WAL checkpoints on a
 * thread of their own, and the failure bookkeeping (cs-engine.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-store"

#include "cs-db.h"
#include "cau-error.h"

#include "cs-attachments.h"
#include "cs-events.h"
#include "cs-invitations.h"
#include "cs-messages.h"
#include "cs-notifications.h"
#include "cs-rooms.h"
#include "cs-users.h"

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

/* ---- connections -------------------------------------------------------- */

static gboolean
sqlite_setup (CsConfig *config,
              GError  **error)
{
  /* What SQLite holds (page caches of every connection, statements,
   * search-index buffers) gives pages back past this soft limit. The
   * limit is SQLite's, for the whole process: a second store in the same
   * process (tests) shares it. */
  sqlite3_soft_heap_limit64 ((sqlite3_int64) config->sqlite_heap_mb * 1024 * 1024);
  return TRUE;
}

static char *
sqlite_locate (CsConfig *config)
{
  return g_build_filename (config->data_dir, "causerie.db", NULL);
}

static CsDb *
sqlite_open (const char *location,
             CsDbRole    role,
             CsConfig   *config,
             GError    **error)
{
  CsDb *db = cs_db_open (location, role == CS_DB_READER, error);

  if (db)
    cs_db_set_cache_kib (db, config->page_cache_kib);
  /* Every event of a room asks for its members on the writer. */
  if (db && role == CS_DB_WRITER)
    cs_db_keep_member_lists (db, config->member_lists);
  return db;
}

/* Full-text indexing runs after a batch's jobs and inside its transaction
 * (in the batches the store's index_due picks: deferred over small
 * batches): FTS5 writes its pending terms out at every savepoint, so
 * indexing inside each job's savepoint wrote one index segment per message.
 * A search first has every acknowledged message indexed
 * (cs_store_index_for_search). Every message from meta.fts_next_seq on is
 * not indexed yet (the triggers for edits and removals leave those alone),
 * including any stored while the server was not running. */
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

static gboolean
sqlite_start (CsDb    *db,
              gint64  *head_seq,
              gint64  *pruned_seq,
              GError **error)
{
  gint64 max_event = cs_db_int (db, 0, "SELECT MAX(seq) FROM events", "");
  gint64 max_message = cs_db_int (db, 0, "SELECT MAX(seq) FROM messages", "");
  g_autofree char *pruned = cs_db_text (db, "SELECT value FROM meta WHERE key = 'events_pruned_seq'", "");

  *pruned_seq = pruned ? g_ascii_strtoll (pruned, NULL, 10) : 0;
  *head_seq = MAX (MAX (max_event, max_message), *pruned_seq);
  /* Messages stored without the server (a tool, a restored copy) are
   * searchable before it serves. */
  if (!exec_simple (db, "BEGIN IMMEDIATE") ||
      !index_new_messages (db, *head_seq + 1) ||
      !exec_simple (db, "COMMIT"))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot index messages for search: %s",
                   cs_db_errmsg (db));
      exec_simple (db, "ROLLBACK");
      return FALSE;
    }
  return TRUE;
}

/* ---- checkpoints -------------------------------------------------------- */

/* The WAL is copied back into the database by a thread of its own, so
 * that no batch waits for it. SQLite's automatic checkpoint ran on the
 * writer inside the commit of every batch that took the WAL past 1,000
 * pages, copying them and syncing the database file before that batch's
 * events could go out: a stall of the whole commit path, every second or
 * so at 100 msg/s, which was the p99. The checkpointer's own sync still
 * competes with the writer's for the disk: at 1,000 pages it ran about
 * every 0.8 s at 100 msg/s (13 pages a message), and the commits beside
 * it waited; 4,000 (16 MiB of WAL) makes that four times rarer. */
#define CHECKPOINT_PAGES 4000
/* A checkpointer that cannot keep up (a reader holding an old snapshot
 * the whole time) does not let the WAL grow without end: past this the
 * writer checkpoints itself, as SQLite would. */
#define CHECKPOINT_PAGES_MAX (4 * CHECKPOINT_PAGES)

typedef struct {
  char        *path;
  CsDb        *write_db;
  GThread     *thread;
  GAsyncQueue *queue;
  gint         pending;   /* atomic */
} Checkpointer;

static int STOP;

static int
wal_hook_cb (gpointer    data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  Checkpointer *cp = data;

  if (pages >= CHECKPOINT_PAGES_MAX)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  else if (pages >= CHECKPOINT_PAGES && g_atomic_int_compare_and_exchange (&cp->pending, 0, 1))
    g_async_queue_push (cp->queue, cp);
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer data)
{
  Checkpointer *cp = data;
  g_autoptr(GError) error = NULL;
  CsDb *db = cs_db_open (cp->path, FALSE, &error);

  if (db == NULL)
    g_warning ("Checkpoints will run on the writer: %s", error->message);
  else
    cs_db_set_cache_kib (db, 64);
  while (g_async_queue_pop (cp->queue) != &STOP)
    {
      if (db && sqlite3_wal_checkpoint_v2 (cs_db_handle (db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK)
        g_debug ("Checkpoint: %s", cs_db_errmsg (db));
      g_atomic_int_set (&cp->pending, 0);
    }
  cs_db_close (db);
  return NULL;
}

static gpointer
sqlite_upkeep_start (CsDb       *write_db,
                     const char *location,
                     CsConfig   *config)
{
  Checkpointer *cp = g_new0 (Checkpointer, 1);

  cp->path = g_strdup (location);
  cp->write_db = write_db;
  cp->queue = g_async_queue_new ();
  cp->thread = g_thread_new ("cs-checkpoint", checkpoint_thread, cp);
  /* Replaces SQLite's automatic checkpoint on the writer. */
  sqlite3_wal_hook (cs_db_handle (write_db), wal_hook_cb, cp);
  return cp;
}

static void
sqlite_upkeep_stop (gpointer upkeep)
{
  Checkpointer *cp = upkeep;

  if (cp == NULL)
    return;
  sqlite3_wal_hook (cs_db_handle (cp->write_db), NULL, NULL);
  g_async_queue_push (cp->queue, &STOP);
  g_thread_join (cp->thread);
  g_async_queue_unref (cp->queue);
  g_free (cp->path);
  g_free (cp);
}

/* ---- transactions -------------------------------------------------------- */

static void
sqlite_read_begin (CsDb *db)
{
  exec_simple (db, "BEGIN");
}

static void
sqlite_read_end (CsDb *db)
{
  exec_simple (db, "COMMIT");
}

static gboolean
sqlite_begin (CsDb   *db,
              gint64 *next_seq)
{
  /* One writer takes seqs inside its transaction: the store counts. */
  return exec_simple (db, "BEGIN IMMEDIATE");
}

/* Whether the batch's transaction is still open. On SQLITE_FULL, an I/O
 * error and a few others, SQLite may roll the whole transaction back by
 * itself; a later "SAVEPOINT job" would then open a transaction of its own
 * and its "RELEASE job" commit a job the batch then reports as failed. */
static gboolean
sqlite_in_transaction (CsDb *db)
{
  return !sqlite3_get_autocommit (cs_db_handle (db));
}

static gboolean
sqlite_commit (CsDb    *db,
               gint64   first_seq,
               gint64   next_seq,
               gboolean index)
{
  return (!index || index_new_messages (db, next_seq)) &&
         exec_simple (db, "COMMIT");
}

static void
sqlite_rollback (CsDb *db)
{
  /* A ROLLBACK of a transaction SQLite already rolled back would only add
   * "cannot rollback" to the cause kept. */
  if (sqlite_in_transaction (db))
    exec_simple (db, "ROLLBACK");
}

static void
sqlite_job_begin (CsDb *db)
{
  exec_simple (db, "SAVEPOINT job");
}

static void
sqlite_job_rollback (CsDb *db)
{
  exec_simple (db, "ROLLBACK TO job");
}

static void
sqlite_job_end (CsDb *db)
{
  exec_simple (db, "RELEASE job");
}

static gboolean
sqlite_audit_insert (CsDb             *db,
                     const CsAuditRow *a)
{
  return cs_db_exec (db,
                     "INSERT INTO audit (tenant_id, at, user_id, action, entity_type, entity_id, ip, details)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     "sisssss" "s",
                     a->tenant_id, a->at, a->user_id, a->action, a->entity_type,
                     a->entity_id, a->ip, a->details) == SQLITE_DONE;
}

static gboolean
sqlite_prune_events (CsDb  *db,
                     gint64 cutoff)
{
  if (!exec_simple (db, "BEGIN IMMEDIATE"))
    return FALSE;
  cs_db_exec (db, "DELETE FROM events WHERE seq <= ?", "i", cutoff);
  cs_db_exec (db,
              "INSERT INTO meta (key, value) VALUES ('events_pruned_seq', ?)"
              " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
              "i", cutoff);
  if (exec_simple (db, "COMMIT"))
    return TRUE;
  cs_db_note_failure (db);
  sqlite_rollback (db);
  return FALSE;
}

const CsEngine cs_engine_sqlite = {
  .name = "sqlite",
  .label = "SQLite",
  .defers_indexing = TRUE,
  .setup = sqlite_setup,
  .locate = sqlite_locate,
  .open = sqlite_open,
  .close = cs_db_close,
  .migrate = cs_db_migrate,
  .start = sqlite_start,
  .upkeep_start = sqlite_upkeep_start,
  .upkeep_stop = sqlite_upkeep_stop,
  .read_begin = sqlite_read_begin,
  .read_end = sqlite_read_end,
  .begin = sqlite_begin,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .in_transaction = sqlite_in_transaction,
  .job_begin = sqlite_job_begin,
  .job_rollback = sqlite_job_rollback,
  .job_end = sqlite_job_end,
  .audit_insert = sqlite_audit_insert,
  .prune_events = sqlite_prune_events,
  .note_failure = cs_db_note_failure,
  .take_failure = cs_db_take_failure,
  .is_storage_fault = cs_db_is_storage_fault,
  .errmsg = cs_db_errmsg,
  .messages = &cs_sqlite_messages_ops,
  .rooms = &cs_sqlite_rooms_ops,
  .users = &cs_sqlite_users_ops,
  .notifications = &cs_sqlite_notifications_ops,
  .events = &cs_sqlite_events_ops,
  .invitations = &cs_sqlite_invitations_ops,
  .attachments = &cs_sqlite_attachments_ops,
  .context = &cs_sqlite_context_ops,
  .reactions = &cs_sqlite_reactions_ops,
  .policy = &cs_sqlite_policy_ops,
  .retention = &cs_sqlite_retention_ops,
  .ops = &cs_sqlite_ops_ops,
};
