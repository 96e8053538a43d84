/* cc-cache-schema.c: the cache's schema, one migration per version.
 * Never edit a released step: add a new one and bump
 * CC_CACHE_SCHEMA_VERSION (tests/client/fixtures has a file per version).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-cache"

#include <glib/gi18n-lib.h>

#include "cc-cache-private.h"

/* Version 1: rooms, users, members, messages keep their wire JSON beside
 * the indexed columns; drafts; the outbox in typing order; metadata. */
static const char migration_1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE rooms (id TEXT PRIMARY KEY,"
  "  last_activity_at INTEGER NOT NULL DEFAULT 0, json TEXT NOT NULL);"
  "CREATE TABLE users (id TEXT PRIMARY KEY, json TEXT NOT NULL);"
  "CREATE TABLE members (room_id TEXT NOT NULL, user_id TEXT NOT NULL,"
  "  role TEXT, last_read_seq INTEGER NOT NULL DEFAULT 0, json TEXT NOT NULL,"
  "  PRIMARY KEY (room_id, user_id));"
  "CREATE TABLE messages (id TEXT PRIMARY KEY, room_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL, json TEXT NOT NULL);"
  "CREATE INDEX messages_room_seq ON messages (room_id, seq);"
  "CREATE TABLE drafts (room_id TEXT PRIMARY KEY, body TEXT NOT NULL);"
  "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  txn_id TEXT NOT NULL UNIQUE, room_id TEXT NOT NULL, body TEXT NOT NULL,"
  "  reply_to TEXT, created_at INTEGER NOT NULL);";

/* Version 2: failed sends keep their state and error; messages index
 * their txn_id (to match the outbox); drafts remember when they changed. */
static const char migration_2[] =
  "ALTER TABLE outbox ADD COLUMN state INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE outbox ADD COLUMN error TEXT;"
  "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE drafts ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE messages ADD COLUMN txn_id TEXT;"
  "UPDATE messages SET txn_id = json_extract (json, '$.txn_id');"
  "CREATE INDEX messages_txn_id ON messages (txn_id) WHERE txn_id IS NOT NULL;";

/* Version 3: an outbox entry keeps the files it attaches (a JSON array of
 * the outbox copies and, once uploaded, their server ids). Messages keep
 * their attachments in their JSON already. */
static const char migration_3[] =
  "ALTER TABLE outbox ADD COLUMN files TEXT;";

/* Version 4: message search offline. A contentless FTS5 table keyed by
 * the messages' rowid (the cache never runs VACUUM, which could renumber
 * them; seqs are unique on a real server but not in every test file),
 * kept in step with the messages table by triggers, so that every way a
 * message arrives, changes or goes (pages, live events, edits, deletions,
 * forgetting a gap, leaving a room) keeps the index right. A deleted
 * message is indexed as empty. Contentless: the text is in the JSON
 * already; the UI highlights the words itself. The "delete" command of a
 * contentless table needs the text indexed before, hence one expression.
 * messages_fts_docs maps each indexed rowid to its seq and room: sorting
 * the matches of a common word (a third of 100,000 messages) by seq
 * through it took 20 ms, through the messages rows 170 ms (bench-search).
 * Indexing what a cache holds, once at the upgrade, took 1 s for 100,000
 * messages (on the cache's worker thread, before the first page shows). */
#define CC_FTS_BODY(row) \
  "CASE WHEN json_extract (" row ".json, '$.deleted') THEN '' " \
  "ELSE IFNULL (json_extract (" row ".json, '$.body'), '') END"
static const char migration_4[] =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (body, content = '',"
  "  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');"
  "CREATE TABLE messages_fts_docs (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
  "  room_id TEXT NOT NULL);"
  "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, " CC_FTS_BODY ("new") ");"
  "  INSERT INTO messages_fts_docs (id, seq, room_id) VALUES (new.rowid, new.seq, new.room_id); END;"
  "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body)"
  "  VALUES ('delete', old.rowid, " CC_FTS_BODY ("old") ");"
  "  DELETE FROM messages_fts_docs WHERE id = old.rowid; END;"
  "CREATE TRIGGER messages_fts_au AFTER UPDATE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body)"
  "  VALUES ('delete', old.rowid, " CC_FTS_BODY ("old") ");"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, " CC_FTS_BODY ("new") ");"
  "  UPDATE messages_fts_docs SET seq = new.seq, room_id = new.room_id WHERE id = new.rowid; END;"
  "INSERT INTO messages_fts (rowid, body) SELECT rowid, " CC_FTS_BODY ("messages") " FROM messages;"
  "INSERT INTO messages_fts_docs (id, seq, room_id) SELECT rowid, seq, room_id FROM messages;";

/* Version 5: an outbox entry keeps the object of another application its
 * message cites (the context's JSON), so that it leaves with it after a
 * restart offline. */
static const char migration_5[] =
  "ALTER TABLE outbox ADD COLUMN context TEXT;";

static const char * const migrations[] = { migration_1, migration_2, migration_3, migration_4, migration_5 };

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CC_CACHE_SCHEMA_VERSION);

static int
read_user_version (CcCacheDb  *db,
                   GError    **error)
{
  sqlite3_stmt *stmt = _cc_cache_db_prepare (db, "PRAGMA user_version", error);
  int version;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _cc_cache_set_error (db, error, "read the schema version");
      sqlite3_reset (stmt);
      return -1;
    }
  version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return version;
}

gboolean
_cc_cache_migrate (CcCacheDb  *db,
                   int        *out_old_version,
                   GError    **error)
{
  int version = read_user_version (db, error);

  if (version < 0)
    return FALSE;
  *out_old_version = version;

  if (version > CC_CACHE_SCHEMA_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The local data was written by a newer version of Causerie "
                     "(format %d; this version reads up to %d)."),
                   version, CC_CACHE_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < CC_CACHE_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      g_debug ("Migrating the cache from version %d to %d", version, version + 1);
      if (!_cc_cache_db_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_cc_cache_db_exec (db, migrations[version], error) ||
          !_cc_cache_db_exec (db, bump, error) ||
          !_cc_cache_db_exec (db, "COMMIT", error))
        {
          _cc_cache_db_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  return TRUE;
}
