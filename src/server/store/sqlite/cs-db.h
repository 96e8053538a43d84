/* cs-db.h: one SQLite connection with its cache of prepared statements,
 * binding helpers, and the versioned schema.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "cs-records.h"   /* CsDb, CsEngine */

G_BEGIN_DECLS

#define CS_SCHEMA_VERSION 11

/* The engine's tables of typed store functions, one per cs-db-AREA.c
 * (cs_engine_sqlite, in cs-db-engine.c, gathers them). */
extern const CsMessagesOps      cs_sqlite_messages_ops;
extern const CsRoomsOps         cs_sqlite_rooms_ops;
extern const CsUsersOps         cs_sqlite_users_ops;
extern const CsNotificationsOps cs_sqlite_notifications_ops;
extern const CsEventsOps        cs_sqlite_events_ops;
extern const CsInvitationsOps   cs_sqlite_invitations_ops;
extern const CsAttachmentsOps   cs_sqlite_attachments_ops;
extern const CsContextOps       cs_sqlite_context_ops;
extern const CsReactionsOps     cs_sqlite_reactions_ops;
extern const CsPolicyOps        cs_sqlite_policy_ops;
extern const CsRetentionOps     cs_sqlite_retention_ops;
extern const CsOpsOps           cs_sqlite_ops_ops;

/* Opens @path in WAL mode with synchronous=FULL. A read-only connection sets
 * query_only. The writer runs the migrations (cs_db_migrate) once, before
 * any reader opens. */
/* SQLite's file layer with a commit's WAL writes gathered into one
 * (cs-db-vfs.c); cs_db_open () opens every database with it. */
#define CS_DB_VFS "causerie"
const char   *cs_db_vfs       (void);

CsDb         *cs_db_open      (const char  *path,
                               gboolean     read_only,
                               GError     **error);
void          cs_db_close     (CsDb        *db);
/* Bounds the connection's page cache (PRAGMA cache_size) to @kib KiB. */
gboolean      cs_db_set_cache_kib (CsDb    *db,
                                   guint    kib);
/* On the writer's connection: keeps the member ids of at most @max_rooms
 * rooms for cs_members_ids (every event of a room asks for them; a room
 * of 200 read 200 rows per message). A membership write in a transaction
 * keeps that room out until the transaction ends; a commit of another
 * process (PRAGMA data_version) empties the cache. 0: none kept. */
void          cs_db_keep_member_lists (CsDb *db,
                                       guint max_rooms);
sqlite3      *cs_db_handle    (CsDb        *db);
gboolean      cs_db_migrate   (CsDb        *db,
                               GError     **error);
int           cs_db_user_version (CsDb *db);

/* Returns the cached statement for @sql (a static string: the cache is
 * keyed by its address, as is every query helper's below), bound with @fmt: one character per
 * argument: 's' text (NULL binds null), 'i' gint64, 'b' gboolean (int),
 * 'n' null (no argument). The statement is reset when released with
 * cs_stmt_release (use the CS_STMT auto-cleanup). Returns NULL, logging,
 * when @sql does not prepare. */
sqlite3_stmt *cs_db_query     (CsDb        *db,
                               const char  *sql,
                               const char  *fmt,
                               ...);
/* Runs a statement that returns no rows; returns the SQLite result code. */
int           cs_db_exec      (CsDb        *db,
                               const char  *sql,
                               const char  *fmt,
                               ...);
/* The first column of the first row as an integer, or @fallback. */
gint64        cs_db_int       (CsDb        *db,
                               gint64       fallback,
                               const char  *sql,
                               const char  *fmt,
                               ...);
/* The first column of the first row as a new string, or NULL. */
char         *cs_db_text      (CsDb        *db,
                               const char  *sql,
                               const char  *fmt,
                               ...);
int           cs_db_changes   (CsDb        *db);
const char   *cs_db_errmsg    (CsDb        *db);
/* On the read-write connection, a failed step is not logged where it
 * happens: the connection keeps the first failure (SQLite's extended code
 * and message at that step) until cs_db_take_failure, and the store logs it.
 * cs_db_note_failure keeps the connection's current error if none is kept
 * yet (or only a job's own, and this one is the storage's) and returns TRUE; on a read-only connection it returns FALSE (log it
 * yourself). cs_db_take_failure returns the kept code (SQLITE_OK: none) and
 * its message, and forgets them. */
gboolean      cs_db_note_failure (CsDb       *db);
/* A failure of the storage itself (full disk, I/O error, ...), not of a job. */
gboolean      cs_db_is_storage_fault (int     rc);
int           cs_db_take_failure (CsDb       *db,
                                  char      **out_message);

/* Column accessors that return NULL for SQL NULL. */
const char   *cs_col_text     (sqlite3_stmt *stmt,
                               int           col);

static inline void
cs_stmt_release (sqlite3_stmt **stmt)
{
  if (*stmt)
    {
      sqlite3_reset (*stmt);
      sqlite3_clear_bindings (*stmt);
      *stmt = NULL;
    }
}

#define CS_STMT __attribute__((cleanup (cs_stmt_release))) sqlite3_stmt *

G_END_DECLS
