/* cs-engine.h: a storage engine, as the store sees it. An engine is one
 * constant CsEngine: how to open, migrate and close its connections, the
 * writer's transaction and its work around the jobs (audit entries,
 * search indexing, pruning, upkeep), its failure bookkeeping, and one
 * table of functions per header of records/ (cs-messages.h ...). Every
 * connection (CsDb) starts with a pointer to its engine, and the typed
 * store functions dispatch through it, so handlers never name an engine.
 * The engine is chosen at start-up from [storage] backend (store/README.md).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cs-config.h"

G_BEGIN_DECLS

typedef struct _CsDb CsDb;
typedef struct _CsEngine CsEngine;

/* Every engine's connection begins with this. */
struct _CsDb {
  const CsEngine *engine;
  /* The first store function the job called that the engine does not
   * implement (its table entry is NULL), or NULL; the store fails the job
   * with it (cs-store.c), so a missing function is never taken for "none". */
  const char     *missing;
};

typedef struct _CsMessagesOps      CsMessagesOps;
typedef struct _CsRoomsOps         CsRoomsOps;
typedef struct _CsUsersOps         CsUsersOps;
typedef struct _CsNotificationsOps CsNotificationsOps;
typedef struct _CsEventsOps        CsEventsOps;
typedef struct _CsInvitationsOps   CsInvitationsOps;
typedef struct _CsAttachmentsOps   CsAttachmentsOps;
typedef struct _CsContextOps       CsContextOps;
typedef struct _CsReactionsOps     CsReactionsOps;
typedef struct _CsPolicyOps        CsPolicyOps;
typedef struct _CsRetentionOps     CsRetentionOps;
typedef struct _CsOpsOps           CsOpsOps;

typedef enum {
  CS_DB_WRITER,    /* the one read-write connection (the writer thread, migrations) */
  CS_DB_READER,    /* a reader, slow or file thread: reads only */
} CsDbRole;

/* An audit entry as the writer stores it, beside the job's transaction. */
typedef struct {
  const char *tenant_id;
  gint64      at;
  const char *user_id;
  const char *action;
  const char *entity_type;
  const char *entity_id;
  const char *ip;
  const char *details;
} CsAuditRow;

struct _CsEngine {
  const char *name;       /* as in [storage] backend */
  const char *label;      /* in log lines: "SQLite", "PostgreSQL" */
  /* Whether new messages become searchable only when a commit indexes
   * them (SQLite's FTS5, deferred over small batches by the store, and
   * asked for by every search: cs_store_index_for_search); FALSE when the
   * database indexes every row as it is written (PostgreSQL's GIN). */
  gboolean    defers_indexing;

  /* ---- connections ---- */
  /* Once per store, before any connection: process-wide settings. */
  gboolean  (*setup)        (CsConfig *config, GError **error);
  /* What names the database (a file, a conninfo): connections of one
   * thread are kept per location. */
  char     *(*locate)       (CsConfig *config);
  CsDb     *(*open)         (const char *location, CsDbRole role, CsConfig *config, GError **error);
  void      (*close)        (CsDb *db);
  /* Creates or upgrades the schema; on the writer's connection. */
  gboolean  (*migrate)      (CsDb *db, GError **error);
  /* On the writer's connection, after migrate: the latest seq stored and
   * the seq the event log was pruned to; work left from a stop (search
   * indexing) is done here. */
  gboolean  (*start)        (CsDb *db, gint64 *head_seq, gint64 *pruned_seq, GError **error);
  /* Background work on the database the writer must not wait for (SQLite:
   * WAL checkpoints); NULL when there is none. Stopped after the writer. */
  gpointer  (*upkeep_start) (CsDb *write_db, const char *location, CsConfig *config);
  void      (*upkeep_stop)  (gpointer upkeep);

  /* Optional, for an engine several nodes share: the latest seq committed
   * by any node and the seq the event log was pruned to, as @db's
   * snapshot sees them (a node's own counters know only its commits). */
  void      (*shared_seqs)  (CsDb *db, gint64 *head_seq, gint64 *pruned_seq);

  /* ---- a read job: one snapshot for the whole handler ---- */
  void      (*read_begin)   (CsDb *db);
  void      (*read_end)     (CsDb *db);

  /* ---- the writer's batch: one transaction, a savepoint per job ---- */
  /* Opens the batch's transaction. An engine shared by several nodes
   * takes the seq counter's lock here, held to the commit, and sets
   * *next_seq from it; SQLite leaves it (the store counts). */
  gboolean  (*begin)        (CsDb *db, gint64 *next_seq);
  /* Finishes the batch: its work after the jobs (with @index, search
   * indexing of every message not indexed yet, up to @next_seq - 1, when
   * the engine defers_indexing; the shared counter when @next_seq moved
   * past @first_seq), then the commit. FALSE: nothing is stored (call
   * rollback). */
  gboolean  (*commit)       (CsDb *db, gint64 first_seq, gint64 next_seq, gboolean index);
  /* Rolls the batch back if its transaction is still open. */
  void      (*rollback)     (CsDb *db);
  /* Whether the batch's transaction is still open (an engine may have
   * ended it by itself after a fault). */
  gboolean  (*in_transaction) (CsDb *db);
  void      (*job_begin)    (CsDb *db);
  void      (*job_rollback) (CsDb *db);
  /* Optional: whether a statement of the job failed in a way that leaves
   * its work unusable although the job did not fail (PostgreSQL refuses
   * everything after a failed statement); the store then fails the job. */
  gboolean  (*job_broken)   (CsDb *db);
  void      (*job_end)      (CsDb *db);
  gboolean  (*audit_insert) (CsDb *db, const CsAuditRow *row);
  /* In a transaction of its own: drops events at or below @cutoff. */
  gboolean  (*prune_events) (CsDb *db, gint64 cutoff);

  /* ---- failures ---- */
  /* The writer's connection keeps its first failure (code and message)
   * for the store to log once; note_failure keeps the current one (FALSE
   * on a reader: log it yourself), take_failure returns it (0: none) and
   * forgets it. */
  gboolean  (*note_failure) (CsDb *db);
  int       (*take_failure) (CsDb *db, char **out_message);
  /* A failure of the storage itself (full disk, I/O, lost server), not of a job. */
  gboolean  (*is_storage_fault) (int code);
  const char *(*errmsg)     (CsDb *db);

  /* ---- the typed store functions, one table per header of records/ ---- */
  const CsMessagesOps      *messages;
  const CsRoomsOps         *rooms;
  const CsUsersOps         *users;
  const CsNotificationsOps *notifications;
  const CsEventsOps        *events;
  const CsInvitationsOps   *invitations;
  const CsAttachmentsOps   *attachments;
  const CsContextOps       *context;
  const CsReactionsOps     *reactions;
  const CsPolicyOps        *policy;
  const CsRetentionOps     *retention;
  const CsOpsOps           *ops;
};

/* Records that @function is missing from @db's engine (logged once per
 * function). */
void cs_engine_missing (CsDb       *db,
                    const char *function);

/* The first line of every dispatcher of records/: an entry the engine
 * leaves NULL makes the call return 0 (NULL, FALSE) and the job fail. */
#define CS_DB_NEEDS(db, area, fn)                       \
  if (G_UNLIKELY ((db)->engine->area->fn == NULL))      \
    {                                                   \
      cs_engine_missing ((db), G_STRFUNC);                  \
      return 0;                                         \
    }

/* The engines built in: store/sqlite/, and store/postgresql/ when libpq
 * was found (cs_store_open () picks one from [storage] backend). */
extern const CsEngine cs_engine_sqlite;
extern const CsEngine cs_engine_postgresql;

G_END_DECLS
