/* cs-db.c: SQLite connections, statement cache and schema migrations.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db.h"
#include "cs-db-rows.h"
#include "cau-error.h"

#include <stdarg.h>

/* CsDb is the engine-neutral head of the connection (cs-engine.h). */
typedef struct {
  CsDb        base;
  sqlite3    *handle;
  /* const char *sql -> sqlite3_stmt*, keyed by the pointer: every SQL text
   * is a static string, and hashing the whole text on every query cost
   * more than some of the statements it found. The same text at two
   * addresses is prepared twice, which is harmless. */
  GHashTable *stmts;
  /* The read-write connection does not log its failures step by step: it
   * keeps the first one for the store, which logs the cause once (a full
   * disk fails every write of every batch until space returns). */
  gboolean    collect;
  int         error_rc;
  char       *error_msg;
  /* The writer's member ids per room (cs_db_keep_member_lists), or NULL. */
  GHashTable *member_ids;     /* room id -> shared ids (cs_ids_new) */
  guint       member_ids_max;
  gboolean    members_dirty;  /* a membership write in the open transaction */
  gint64      data_version;   /* of the last look-up: another process's commit changes it */
} SqliteDb;

#define S(db) ((SqliteDb *) (db))

/* Each entry migrates from version i to i + 1. Never edit a released step:
 * add a new one. */
static const char *migrations[] = {
  /* 0 -> 1: the core: tenants, users, sessions, rooms, members, messages
   * with full-text search, mentions, the event log, notifications, audit.
   * Invitations and attachments arrive as later steps. */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE tenants ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE UNIQUE,"
  "  language TEXT, settings TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL);"
  "CREATE TABLE users ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  email TEXT, display_name TEXT NOT NULL, role TEXT NOT NULL,"
  "  password_hash TEXT, status_text TEXT NOT NULL DEFAULT '',"
  "  last_seen_at INTEGER, created_at INTEGER NOT NULL, deleted_at INTEGER);"
  "CREATE UNIQUE INDEX users_email ON users(tenant_id, email) WHERE email IS NOT NULL;"
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),"
  "  tenant_id TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
  "  revoked_at INTEGER, ip TEXT) WITHOUT ROWID;"
  "CREATE INDEX sessions_user ON sessions(user_id);"
  "CREATE TABLE rooms ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  type TEXT NOT NULL, name TEXT, description TEXT NOT NULL DEFAULT '',"
  "  is_private INTEGER NOT NULL DEFAULT 0, is_archived INTEGER NOT NULL DEFAULT 0,"
  "  created_by TEXT, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL,"
  "  context TEXT, direct_key TEXT, last_seq INTEGER NOT NULL DEFAULT 0);"
  "CREATE UNIQUE INDEX rooms_direct ON rooms(tenant_id, direct_key) WHERE direct_key IS NOT NULL;"
  "CREATE INDEX rooms_tenant ON rooms(tenant_id, type);"
  "CREATE TABLE members ("
  "  room_id TEXT NOT NULL REFERENCES rooms(id), user_id TEXT NOT NULL REFERENCES users(id),"
  "  role TEXT NOT NULL, joined_at INTEGER NOT NULL,"
  "  last_read_seq INTEGER NOT NULL DEFAULT 0, muted INTEGER NOT NULL DEFAULT 0,"
  "  notify TEXT NOT NULL DEFAULT 'all', PRIMARY KEY (room_id, user_id)) WITHOUT ROWID;"
  "CREATE INDEX members_user ON members(user_id, room_id);"
  "CREATE TABLE messages ("
  "  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, room_id TEXT NOT NULL,"
  "  tenant_id TEXT NOT NULL, sender_id TEXT, kind TEXT NOT NULL, body TEXT NOT NULL,"
  "  reply_to_id TEXT, mentions TEXT NOT NULL DEFAULT '[]', context TEXT,"
  "  created_at INTEGER NOT NULL, edited_at INTEGER, deleted INTEGER NOT NULL DEFAULT 0,"
  "  txn_id TEXT);"
  "CREATE INDEX messages_room ON messages(room_id, seq);"
  "CREATE INDEX messages_sender ON messages(sender_id);"
  "CREATE UNIQUE INDEX messages_txn ON messages(room_id, sender_id, txn_id) WHERE txn_id IS NOT NULL;"
  "CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='seq',"
  "  tokenize='unicode61 remove_diacritics 2');"
  "CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body); END;"
  "CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body); END;"
  "CREATE TRIGGER messages_au AFTER UPDATE OF body ON messages BEGIN"
  "  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);"
  "  INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body); END;"
  "CREATE TABLE mentions ("
  "  room_id TEXT NOT NULL, seq INTEGER NOT NULL, user_id TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, room_id, seq)) WITHOUT ROWID;"
  "CREATE TABLE events ("
  "  seq INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, room_id TEXT, user_id TEXT,"
  "  type TEXT NOT NULL, payload TEXT NOT NULL, actor_id TEXT, txn_id TEXT,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX events_room ON events(room_id, seq);"
  "CREATE INDEX events_user ON events(user_id, seq) WHERE user_id IS NOT NULL;"
  "CREATE TABLE notifications ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, type TEXT NOT NULL,"
  "  room_id TEXT, message_id TEXT, message_seq INTEGER, title TEXT NOT NULL,"
  "  body TEXT NOT NULL, created_at INTEGER NOT NULL, read INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX notifications_user ON notifications(user_id, created_at);"
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT, at INTEGER NOT NULL, user_id TEXT,"
  "  action TEXT NOT NULL, entity_type TEXT, entity_id TEXT, ip TEXT, details TEXT);"
  "CREATE INDEX audit_tenant ON audit(tenant_id, id);",

  /* 1 -> 2: email invitations. The token is stored as its SHA-256 for
   * look-ups, and sealed with the server's key (token_box) so that the
   * mailer can retry and inviters can copy a pending link. */
  "CREATE TABLE invitations ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  room_id TEXT NOT NULL REFERENCES rooms(id), inviter_id TEXT NOT NULL,"
  "  email TEXT NOT NULL, message TEXT NOT NULL DEFAULT '',"
  "  token_hash TEXT NOT NULL UNIQUE, token_box TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'pending', created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL, used_at INTEGER, used_by TEXT,"
  "  mail_status TEXT NOT NULL DEFAULT 'queued', mail_attempts INTEGER NOT NULL DEFAULT 0,"
  "  mail_next_at INTEGER NOT NULL DEFAULT 0, mail_error TEXT);"
  "CREATE INDEX invitations_room ON invitations(room_id, status);"
  "CREATE INDEX invitations_mail ON invitations(mail_status, mail_next_at);",

  /* 2 -> 3: attachments. The bytes live in DATA_DIR/attachments under the
   * row's id (never the uploader's file name); message_id stays NULL until
   * a message takes the upload. */
  "CREATE TABLE attachments ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  room_id TEXT NOT NULL REFERENCES rooms(id), uploader_id TEXT NOT NULL,"
  "  message_id TEXT, position INTEGER NOT NULL DEFAULT 0,"
  "  name TEXT NOT NULL, size INTEGER NOT NULL, mime_type TEXT NOT NULL,"
  "  width INTEGER, height INTEGER, thumb_type TEXT, created_at INTEGER NOT NULL);"
  "CREATE INDEX attachments_message ON attachments(message_id, position) WHERE message_id IS NOT NULL;"
  "CREATE INDEX attachments_unused ON attachments(created_at) WHERE message_id IS NULL;"
  "CREATE INDEX attachments_tenant ON attachments(tenant_id, size);"
  "CREATE INDEX attachments_uploader ON attachments(uploader_id);",

  /* 3 -> 4: a message says whether it was sent with attachments, so that
   * pages of messages without any never look for them (its files may be
   * gone since: 1 means "look", 0 means "none"). */
  "ALTER TABLE messages ADD COLUMN has_attachments INTEGER NOT NULL DEFAULT 0;"
  "UPDATE messages SET has_attachments = 1"
  "  WHERE id IN (SELECT message_id FROM attachments WHERE message_id IS NOT NULL);",

  /* 4 -> 5: new messages are indexed for search once per group commit
   * (cs-store.c), not one by one: every message from seq
   * meta.fts_next_seq on is not in messages_fts yet, so an edit or a
   * removal touches the index only below it. */
  "DROP TRIGGER IF EXISTS messages_ai;"
  "DROP TRIGGER IF EXISTS messages_ad;"
  "DROP TRIGGER IF EXISTS messages_au;"
  "INSERT OR REPLACE INTO meta (key, value) SELECT 'fts_next_seq', IFNULL(MAX(seq), 0) + 1 FROM messages;"
  "CREATE TRIGGER messages_ad AFTER DELETE ON messages"
  "  WHEN old.seq < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_next_seq') BEGIN"
  "  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body); END;"
  "CREATE TRIGGER messages_au AFTER UPDATE OF body ON messages"
  "  WHEN old.seq < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_next_seq') BEGIN"
  "  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);"
  "  INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body); END;",

  /* 5 -> 6: a system line keeps what happened as data (JSON: kind, who,
   * to whom, which name), so each client says it in its reader's language;
   * a message written offline keeps when it was written; a notification
   * keeps who caused it and where, so its title is written by the client. */
  "ALTER TABLE messages ADD COLUMN system TEXT;"
  "ALTER TABLE messages ADD COLUMN written_at INTEGER;"
  "ALTER TABLE notifications ADD COLUMN actor_name TEXT;"
  "ALTER TABLE notifications ADD COLUMN room_name TEXT;",

  /* 6 -> 7: agents are accounts of kind 'agent' (no address, no password:
   * they cannot sign in) with a handle people mention, a description, the
   * system prompt and, optionally, a model of their own. An agent's
   * answer is a message that may still be streaming, or that ended with
   * an error the endpoint caused. */
  "ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';"
  "ALTER TABLE users ADD COLUMN handle TEXT;"
  "ALTER TABLE users ADD COLUMN description TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE users ADD COLUMN system_prompt TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE users ADD COLUMN model TEXT;"
  "CREATE UNIQUE INDEX users_handle ON users(tenant_id, handle) WHERE handle IS NOT NULL;"
  "ALTER TABLE messages ADD COLUMN streaming INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE messages ADD COLUMN agent_error TEXT;"
  "CREATE INDEX messages_streaming ON messages(seq) WHERE streaming = 1;",

  /* 7 -> 8: the object of another application a room is tied to or a
   * message cites is found by its entity (GET /api/context/...): the
   * context's type and id as columns computed from its JSON (virtual: no
   * rewrite of the table, nothing more to write), indexed for the rows
   * that have one only. */
  "ALTER TABLE rooms ADD COLUMN context_type TEXT"
  "  GENERATED ALWAYS AS (json_extract(context, '$.entity_type')) VIRTUAL;"
  "ALTER TABLE rooms ADD COLUMN context_id TEXT"
  "  GENERATED ALWAYS AS (json_extract(context, '$.entity_id')) VIRTUAL;"
  "CREATE INDEX rooms_context ON rooms(tenant_id, context_type, context_id)"
  "  WHERE context_type IS NOT NULL;"
  "ALTER TABLE messages ADD COLUMN context_type TEXT"
  "  GENERATED ALWAYS AS (json_extract(context, '$.entity_type')) VIRTUAL;"
  "ALTER TABLE messages ADD COLUMN context_id TEXT"
  "  GENERATED ALWAYS AS (json_extract(context, '$.entity_id')) VIRTUAL;"
  "CREATE INDEX messages_context ON messages(tenant_id, context_type, context_id, seq)"
  "  WHERE context_type IS NOT NULL;",
  /* 8 -> 9: reactions, one row per person and emoji on a message (by its
   * seq); added_seq is the seq of the event that added it, so "ordered by
   * first use" is MIN(added_seq) per emoji. Read times: each move of a
   * member's read watermark is kept (read_marks), so "when did X read
   * message S" is the first move to a watermark >= S; members keep the
   * time of the latest move. Moves made before this version have none. */
  "CREATE TABLE reactions ("
  "  message_seq INTEGER NOT NULL, emoji TEXT NOT NULL, user_id TEXT NOT NULL,"
  "  added_seq INTEGER NOT NULL, created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (message_seq, emoji, user_id)) WITHOUT ROWID;"
  "CREATE INDEX reactions_user ON reactions(user_id);"
  "ALTER TABLE members ADD COLUMN last_read_at INTEGER;"
  "CREATE TABLE read_marks ("
  "  room_id TEXT NOT NULL, user_id TEXT NOT NULL, up_to_seq INTEGER NOT NULL, at INTEGER NOT NULL,"
  "  PRIMARY KEY (room_id, user_id, up_to_seq)) WITHOUT ROWID;",
  /* 9 -> 10: the contact policy (issue 17). A tenant's ranks in their
   * order, the (from, to) rank pairs that may open a direct room, and each
   * person's rank (NULL: none, the policy does not apply to them). A
   * tenant without ranks has no policy: everyone reaches everyone. */
  "ALTER TABLE users ADD COLUMN rank TEXT;"
  "CREATE TABLE contact_ranks ("
  "  tenant_id TEXT NOT NULL REFERENCES tenants(id), position INTEGER NOT NULL,"
  "  name TEXT NOT NULL, PRIMARY KEY (tenant_id, position)) WITHOUT ROWID;"
  "CREATE TABLE contact_allow ("
  "  tenant_id TEXT NOT NULL REFERENCES tenants(id), from_rank TEXT NOT NULL,"
  "  to_rank TEXT NOT NULL, PRIMARY KEY (tenant_id, from_rank, to_rank)) WITHOUT ROWID;",
  /* 10 -> 11: retention (issue 17). A tenant keeps messages retention_days
   * days (NULL: for ever) unless legal_hold suspends removal; a room may
   * set its own days (NULL: its tenant's). */
  "ALTER TABLE tenants ADD COLUMN retention_days INTEGER;"
  "ALTER TABLE tenants ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE rooms ADD COLUMN retention_days INTEGER;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CS_SCHEMA_VERSION);

static void
stmt_finalize (gpointer data)
{
  sqlite3_finalize (data);
}

static gboolean
exec_sql (sqlite3     *handle,
          const char  *sql,
          GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (handle, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "SQLite: %s", msg ? msg : "error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

CsDb *
cs_db_open (const char *path,
            gboolean    read_only,
            GError    **error)
{
  CsDb *db = (CsDb *) g_new0 (SqliteDb, 1);
  int rc;

  db->engine = &cs_engine_sqlite;
  rc = sqlite3_open_v2 (path, &S (db)->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, cs_db_vfs ());
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot open the database %s: %s",
                   path, S (db)->handle ? sqlite3_errmsg (S (db)->handle) : sqlite3_errstr (rc));
      cs_db_close (db);
      return NULL;
    }
  S (db)->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, stmt_finalize);
  sqlite3_busy_timeout (S (db)->handle, 10000);
  sqlite3_extended_result_codes (S (db)->handle, 1);

  /* WAL lets readers run beside the one writer; FULL syncs the WAL at every
   * commit, so an acknowledged message survives a power cut. */
  if (!exec_sql (S (db)->handle,
                 "PRAGMA journal_mode=WAL;"
                 "PRAGMA synchronous=FULL;"
                 "PRAGMA foreign_keys=ON;"
                 "PRAGMA temp_store=MEMORY;"
                 "PRAGMA cache_size=-32000;", error) ||
      (read_only && !exec_sql (S (db)->handle, "PRAGMA query_only=1;", error)))
    {
      cs_db_close (db);
      return NULL;
    }
  S (db)->collect = !read_only;
  return db;
}

gboolean
cs_db_set_cache_kib (CsDb  *db,
                     guint  kib)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size=-%u;", kib);

  return exec_sql (S (db)->handle, sql, NULL);
}

/* ---- the writer's member lists ----------------------------------------- */

/* A transaction with a membership write ends: its rooms were dropped from
 * the cache when written and not read into it since. A rollback drops
 * everything, whatever it undid. */
static int
members_commit_cb (gpointer data)
{
  CsDb *db = data;

  S (db)->members_dirty = FALSE;
  return 0;
}

static void
members_rollback_cb (gpointer data)
{
  CsDb *db = data;

  g_hash_table_remove_all (S (db)->member_ids);
  S (db)->members_dirty = FALSE;
}

void
cs_db_keep_member_lists (CsDb  *db,
                         guint  max_rooms)
{
  g_return_if_fail (S (db)->member_ids == NULL);
  if (max_rooms == 0)
    return;
  S (db)->member_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cs_ids_unref);
  S (db)->member_ids_max = max_rooms;
  S (db)->data_version = -1;
  sqlite3_commit_hook (S (db)->handle, members_commit_cb, db);
  sqlite3_rollback_hook (S (db)->handle, members_rollback_cb, db);
}

char **
cs_db_member_ids_lookup (CsDb       *db,
                         const char *room_id)
{
  char **ids;
  gint64 version;

  if (S (db)->member_ids == NULL || S (db)->members_dirty)
    return NULL;
  /* Another process (the command line) may have changed the members. */
  version = cs_db_int (db, -1, "PRAGMA data_version", "");
  if (version != S (db)->data_version)
    {
      g_hash_table_remove_all (S (db)->member_ids);
      S (db)->data_version = version;
      return NULL;
    }
  ids = g_hash_table_lookup (S (db)->member_ids, room_id);
  return cs_ids_ref (ids);
}

void
cs_db_member_ids_keep (CsDb       *db,
                       const char *room_id,
                       char      **ids)
{
  if (S (db)->member_ids == NULL || S (db)->members_dirty)
    return;
  if (g_hash_table_size (S (db)->member_ids) >= S (db)->member_ids_max)
    {
      /* Bounded: one list goes (it is read again when needed). */
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, S (db)->member_ids);
      if (g_hash_table_iter_next (&iter, NULL, NULL))
        g_hash_table_iter_remove (&iter);
    }
  g_hash_table_replace (S (db)->member_ids, g_strdup (room_id), cs_ids_ref (ids));
}

void
cs_db_members_changed (CsDb       *db,
                       const char *room_id)
{
  if (S (db)->member_ids == NULL)
    return;
  S (db)->members_dirty = TRUE;
  if (room_id)
    g_hash_table_remove (S (db)->member_ids, room_id);
  else
    g_hash_table_remove_all (S (db)->member_ids);
}

void
cs_db_close (CsDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&S (db)->member_ids, g_hash_table_unref);
  g_clear_pointer (&S (db)->stmts, g_hash_table_unref);
  g_free (S (db)->error_msg);
  if (S (db)->handle)
    sqlite3_close_v2 (S (db)->handle);
  g_free (db);
}

sqlite3 *
cs_db_handle (CsDb *db)
{
  return S (db)->handle;
}

int
cs_db_user_version (CsDb *db)
{
  return (int) cs_db_int (db, 0, "PRAGMA user_version", "");
}

gboolean
cs_db_migrate (CsDb    *db,
               GError **error)
{
  int version = cs_db_user_version (db);

  if (version > CS_SCHEMA_VERSION)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL,
                   "The database has schema version %d, newer than this server (%d). "
                   "Upgrade causerie-server.", version, CS_SCHEMA_VERSION);
      return FALSE;
    }
  for (; version < CS_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version=%d;", version + 1);

      if (!exec_sql (S (db)->handle, "BEGIN IMMEDIATE;", error))
        return FALSE;
      if (!exec_sql (S (db)->handle, migrations[version], error) ||
          !exec_sql (S (db)->handle, bump, error))
        {
          exec_sql (S (db)->handle, "ROLLBACK;", NULL);
          g_prefix_error (error, "Migrating the database to version %d: ", version + 1);
          return FALSE;
        }
      if (!exec_sql (S (db)->handle, "COMMIT;", error))
        return FALSE;
      g_info ("Database migrated to schema version %d", version + 1);
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (CsDb       *db,
         const char *sql)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (S (db)->stmts, sql);

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (S (db)->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        {
          g_warning ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (S (db)->handle));
          return NULL;
        }
      g_hash_table_insert (S (db)->stmts, (gpointer) sql, stmt);
    }
  return stmt;
}

static sqlite3_stmt *
vbind (CsDb       *db,
       const char *sql,
       const char *fmt,
       va_list     args)
{
  sqlite3_stmt *stmt = prepare (db, sql);
  int i = 1;

  if (stmt == NULL)
    return NULL;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  for (const char *f = fmt; *f; f++, i++)
    {
      switch (*f)
        {
        case 's':
          {
            const char *s = va_arg (args, const char *);

            if (s)
              sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT);
            else
              sqlite3_bind_null (stmt, i);
          }
          break;
        case 'i':
          sqlite3_bind_int64 (stmt, i, va_arg (args, gint64));
          break;
        case 'b':
          sqlite3_bind_int (stmt, i, va_arg (args, gboolean) ? 1 : 0);
          break;
        case 'n':
          sqlite3_bind_null (stmt, i);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return stmt;
}

sqlite3_stmt *
cs_db_query (CsDb       *db,
             const char *sql,
             const char *fmt,
             ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, fmt);
  stmt = vbind (db, sql, fmt, args);
  va_end (args);
  return stmt;
}

int
cs_db_exec (CsDb       *db,
            const char *sql,
            const char *fmt,
            ...)
{
  CS_STMT stmt = NULL;
  va_list args;
  int rc;

  va_start (args, fmt);
  stmt = vbind (db, sql, fmt, args);
  va_end (args);
  if (stmt == NULL)
    return SQLITE_ERROR;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    rc = SQLITE_DONE;
  if (rc != SQLITE_DONE && !cs_db_note_failure (db))
    g_warning ("SQLite %d on “%.60s”: %s", rc, sql, sqlite3_errmsg (S (db)->handle));
  return rc;
}

gint64
cs_db_int (CsDb       *db,
           gint64      fallback,
           const char *sql,
           const char *fmt,
           ...)
{
  CS_STMT stmt = NULL;
  va_list args;

  va_start (args, fmt);
  stmt = vbind (db, sql, fmt, args);
  va_end (args);
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    return sqlite3_column_int64 (stmt, 0);
  return fallback;
}

char *
cs_db_text (CsDb       *db,
            const char *sql,
            const char *fmt,
            ...)
{
  CS_STMT stmt = NULL;
  va_list args;

  va_start (args, fmt);
  stmt = vbind (db, sql, fmt, args);
  va_end (args);
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    return g_strdup (cs_col_text (stmt, 0));
  return NULL;
}

int
cs_db_changes (CsDb *db)
{
  return sqlite3_changes (S (db)->handle);
}

const char *
cs_db_errmsg (CsDb *db)
{
  return sqlite3_errmsg (S (db)->handle);
}

gboolean
cs_db_is_storage_fault (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
cs_db_note_failure (CsDb *db)
{
  int rc;

  if (!S (db)->collect)
    return FALSE;
  rc = sqlite3_extended_errcode (S (db)->handle);
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  /* The first failure, unless a fault of the storage itself comes after a
   * job's own (a constraint): the full disk is what the log must name. */
  if (S (db)->error_rc == SQLITE_OK ||
      (!cs_db_is_storage_fault (S (db)->error_rc) && cs_db_is_storage_fault (rc)))
    {
      g_free (S (db)->error_msg);
      S (db)->error_rc = rc;
      S (db)->error_msg = g_strdup (sqlite3_errmsg (S (db)->handle));
    }
  return TRUE;
}

int
cs_db_take_failure (CsDb  *db,
                    char **out_message)
{
  int rc = S (db)->error_rc;

  if (out_message)
    *out_message = g_steal_pointer (&S (db)->error_msg);
  g_clear_pointer (&S (db)->error_msg, g_free);
  S (db)->error_rc = SQLITE_OK;
  return rc;
}

const char *
cs_col_text (sqlite3_stmt *stmt,
             int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}
