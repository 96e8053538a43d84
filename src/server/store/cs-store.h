/* cs-store.h: the threads that own SQLite. One writer thread runs every
 * write in group-committed batches (a batch costs one fsync however many
 * messages it holds); reader threads serve reads from their own WAL
 * snapshots; "slow" threads run password hashing away from both, and
 * "file" threads the work on uploaded files. Results
 * come back to the main context in commit order, so the event loop never
 * waits on the disk.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-ctx.h"

G_BEGIN_DECLS

typedef enum {
  CS_JOB_READ,
  CS_JOB_WRITE,
  CS_JOB_SLOW,
  CS_JOB_FILE,    /* like SLOW, on threads of its own: uploaded files */
} CsJobKind;

/* Runs on the main context after the job; the store frees @ctx after it. */
typedef void (*CsDoneFunc)   (CsCtx *ctx, gpointer user_data);
/* Receives committed events in seq order, on the main context. */
typedef void (*CsEventSink)  (GPtrArray *events, gpointer user_data);
/* Runs on the writer thread once the transaction holding it has committed. */
typedef void (*CsCommitHook) (gpointer data);

CsStore  *cs_store_open          (CsConfig    *config,
                                  GError     **error);
void      cs_store_close         (CsStore     *store);
/* A connection of its own to the configured database, for a command that
 * runs beside live servers (no threads, no migration; the schema must be
 * current): close it with cs_ops_close(). */
CsDb     *cs_store_open_beside   (CsConfig    *config,
                                  gboolean     read_only,
                                  GError     **error);
void      cs_store_set_event_sink (CsStore    *store,
                                   CsEventSink sink,
                                   gpointer    user_data);
void      cs_store_submit        (CsStore     *store,
                                  CsJobKind    kind,
                                  CsHandler    handler,
                                  CsCtx       *ctx,
                                  CsDoneFunc   done,
                                  gpointer     user_data);
/* From any thread but the writer: runs @handler in the next batch and waits
 * for the commit. Returns FALSE when the handler or the commit failed
 * (ctx->error says why). */
gboolean  cs_store_run_write     (CsStore     *store,
                                  CsHandler    handler,
                                  CsCtx       *ctx);
/* From a slow thread or the command line: runs @handler on the calling
 * thread's read connection. */
void      cs_store_run_read      (CsStore     *store,
                                  CsHandler    handler,
                                  CsCtx       *ctx);

/* Writer thread only: the next seq, and a hook to run after commit. */
gint64    cs_store_next_seq      (CsStore     *store);
void      cs_store_on_commit     (CsStore     *store,
                                  CsCommitHook hook,
                                  gpointer     data,
                                  GDestroyNotify destroy);
/* From a reader before its first read: every acknowledged message is in
 * the search index (indexing is deferred over small batches); waits for
 * the writer when some are not. */
void      cs_store_index_for_search (CsStore *store);
/* The latest committed seq; any thread. */
gint64    cs_store_head_seq      (CsStore     *store);
/* Seqs at or below this were pruned from the event log; any thread. */
gint64    cs_store_pruned_seq    (CsStore     *store);
/* The same two, on a job's connection: with an engine several nodes
 * share, what every node committed and pruned as the job's snapshot sees
 * it (sync replays from it); else the node's own. */
void      cs_store_seqs_in       (CsStore     *store,
                                  CsDb        *db,
                                  gint64      *out_head,
                                  gint64      *out_pruned);
CsConfig *cs_store_get_config    (CsStore     *store);

/* Counters for /metrics; any thread. */
typedef struct {
  guint64 commits;
  guint64 jobs;
  guint64 failed_commits;
  guint64 events;
  guint64 queued;
} CsStoreStats;
void      cs_store_get_stats     (CsStore      *store,
                                  CsStoreStats *stats);

G_END_DECLS
