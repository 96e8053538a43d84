/* cs-pg.c: the PostgreSQL engine: connections (one per thread, as the
 * store keeps them), prepared statements, the schema and its migrations,
 * the writer's transactions with the shared seq counter, and the failure
 * bookkeeping (cs-engine.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cau-error.h"

#include <stdarg.h>
#include <stdlib.h>

#include "cs-attachments.h"
#include "cs-events.h"
#include "cs-invitations.h"
#include "cs-messages.h"
#include "cs-notifications.h"
#include "cs-rooms.h"
#include "cs-users.h"

/* libpq's type ids (catalog/pg_type.h is not in libpq-dev). */
#define INT8OID 20
#define TEXTOID 25
#define BOOLOID 16
#define INT4OID 23
#define INT2OID 21

/* Failure codes the store sees (take_failure): a job's own failure, or
 * one of the database itself (the server gone, out of space ...). */
#define PG_FAILED_JOB     1
#define PG_FAILED_STORAGE 2

typedef struct {
  CsDb        base;
  PGconn     *conn;
  GHashTable *stmts;      /* const char *sql (static) -> char *name */
  guint       n_stmts;
  gboolean    collect;    /* the writer: keep the first failure */
  int         error_code;
  char       *error_msg;
  gint64      changes;
} PgDb;

#define P(db) ((PgDb *) (db))

/* ---- statements ---------------------------------------------------------- */

/* "?" and "?N" (SQLite's placeholders, which the store's SQL is written
 * with) as PostgreSQL's "$N", outside quoted strings. */
static char *
placeholders (const char *sql,
              int        *out_n)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  gboolean quoted = FALSE;
  int max = 0;

  for (const char *p = sql; *p; p++)
    {
      if (*p == '\'')
        quoted = !quoted;
      if (*p != '?' || quoted)
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (g_ascii_isdigit (p[1]))
        {
          char *end = NULL;
          int n = (int) strtol (p + 1, &end, 10);

          g_string_append_printf (out, "$%d", n);
          max = MAX (max, n);
          p = end - 1;
        }
      else
        {
          /* As SQLite numbers it: one more than the largest so far. */
          max++;
          g_string_append_printf (out, "$%d", max);
        }
    }
  *out_n = max;
  return g_string_free (out, FALSE);
}

static gboolean
is_storage_fault (int code)
{
  return code == PG_FAILED_STORAGE;
}

static int
classify (PgDb     *db,
          PGresult *res)
{
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;

  if (PQstatus (db->conn) != CONNECTION_OK || state == NULL)
    return PG_FAILED_STORAGE;
  /* 08 connection, 53 resources (disk full), 57 operator, 58 system. */
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "53") ||
      g_str_has_prefix (state, "57") || g_str_has_prefix (state, "58") ||
      g_str_has_prefix (state, "40"))
    return PG_FAILED_STORAGE;
  return PG_FAILED_JOB;
}

/* Keeps @res's failure on the writer; logs it elsewhere. */
static void
failed (PgDb       *db,
        PGresult   *res,
        const char *sql)
{
  int code = classify (db, res);
  const char *message = res ? PQresultErrorMessage (res) : PQerrorMessage (db->conn);

  if (!db->collect)
    {
      g_warning ("PostgreSQL on “%.60s”: %s", sql, message);
      return;
    }
  if (db->error_code == 0 || (!is_storage_fault (db->error_code) && is_storage_fault (code)))
    {
      g_free (db->error_msg);
      db->error_code = code;
      db->error_msg = g_strchomp (g_strdup_printf ("%s (on “%.60s”)", message, sql));
    }
}

static PGresult *
vrun (CsDb       *cdb,
      const char *sql,
      const char *fmt,
      va_list     args)
{
  PgDb *db = P (cdb);
  const char *name = g_hash_table_lookup (db->stmts, sql);
  guint n = strlen (fmt);
  const char **values = g_newa (const char *, n + 1);
  char **owned = g_newa (char *, n + 1);
  guint n_owned = 0;
  PGresult *res;

  /* A reader whose server went away connects again (its statements went
   * with the old session); the writer does so only between batches
   * (pg_begin), never inside one. */
  if (!db->collect && PQstatus (db->conn) != CONNECTION_OK)
    {
      PQreset (db->conn);
      g_hash_table_remove_all (db->stmts);
      name = NULL;
    }
  if (name == NULL)
    {
      int n_params = 0;
      g_autofree char *text = placeholders (sql, &n_params);
      Oid *types = g_newa (Oid, n + 1);
      char *stmt_name = g_strdup_printf ("s%u", db->n_stmts++);
      PGresult *prep;

      for (guint i = 0; i < n; i++)
        types[i] = fmt[i] == 's' ? TEXTOID : fmt[i] == 'n' ? 0 : INT8OID;
      prep = PQprepare (db->conn, stmt_name, text, (int) n, types);
      if (PQresultStatus (prep) != PGRES_COMMAND_OK)
        {
          failed (db, prep, sql);
          PQclear (prep);
          g_free (stmt_name);
          return NULL;
        }
      PQclear (prep);
      g_hash_table_insert (db->stmts, (gpointer) sql, stmt_name);
      name = stmt_name;
    }
  for (guint i = 0; i < n; i++)
    {
      switch (fmt[i])
        {
        case 's':
          values[i] = va_arg (args, const char *);
          break;
        case 'i':
          values[i] = owned[n_owned++] = g_strdup_printf ("%" G_GINT64_FORMAT, va_arg (args, gint64));
          break;
        case 'b':
          values[i] = va_arg (args, gboolean) ? "1" : "0";
          break;
        case 'n':
          values[i] = NULL;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  res = PQexecPrepared (db->conn, name, (int) n, values, NULL, NULL, 0);
  for (guint i = 0; i < n_owned; i++)
    g_free (owned[i]);
  if (PQresultStatus (res) != PGRES_TUPLES_OK && PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      failed (db, res, sql);
      PQclear (res);
      return NULL;
    }
  return res;
}

void
cs_pg_res_free (CsPgRes *res)
{
  if (res == NULL)
    return;
  PQclear (res->res);
  g_free (res);
}

CsPgRes *
cs_pg_query (CsDb       *db,
             const char *sql,
             const char *fmt,
             ...)
{
  va_list args;
  PGresult *r;
  CsPgRes *res;

  va_start (args, fmt);
  r = vrun (db, sql, fmt, args);
  va_end (args);
  if (r == NULL)
    return NULL;
  res = g_new0 (CsPgRes, 1);
  res->res = r;
  res->row = -1;
  res->n = PQntuples (r);
  return res;
}

gboolean
cs_pg_exec (CsDb       *db,
            const char *sql,
            const char *fmt,
            ...)
{
  va_list args;
  PGresult *r;

  va_start (args, fmt);
  r = vrun (db, sql, fmt, args);
  va_end (args);
  if (r == NULL)
    return FALSE;
  P (db)->changes = g_ascii_strtoll (PQcmdTuples (r), NULL, 10);
  PQclear (r);
  return TRUE;
}

gint64
cs_pg_int1 (CsDb       *db,
            gint64      fallback,
            const char *sql,
            const char *fmt,
            ...)
{
  va_list args;
  PGresult *r;
  CsPgRes res = { 0 };
  gint64 value = fallback;

  va_start (args, fmt);
  r = vrun (db, sql, fmt, args);
  va_end (args);
  res.res = r;
  if (r && PQntuples (r) > 0 && !PQgetisnull (r, 0, 0))
    value = cs_pg_int (&res, 0);
  PQclear (r);
  return value;
}

char *
cs_pg_text1 (CsDb       *db,
             const char *sql,
             const char *fmt,
             ...)
{
  va_list args;
  PGresult *r;
  char *value = NULL;

  va_start (args, fmt);
  r = vrun (db, sql, fmt, args);
  va_end (args);
  if (r && PQntuples (r) > 0 && !PQgetisnull (r, 0, 0))
    value = g_strdup (PQgetvalue (r, 0, 0));
  PQclear (r);
  return value;
}

gint64
cs_pg_changes (CsDb *db)
{
  return P (db)->changes;
}

gboolean
cs_pg_next (CsPgRes *res)
{
  if (res == NULL || res->row + 1 >= res->n)
    return FALSE;
  res->row++;
  return TRUE;
}

gboolean
cs_pg_is_null (CsPgRes *res,
               int      col)
{
  return PQgetisnull (res->res, MAX (res->row, 0), col);
}

const char *
cs_pg_col_text (CsPgRes *res,
                int      col)
{
  int row = MAX (res->row, 0);

  return PQgetisnull (res->res, row, col) ? NULL : PQgetvalue (res->res, row, col);
}

gint64
cs_pg_int (CsPgRes *res,
           int      col)
{
  const char *v = cs_pg_col_text (res, col);

  if (v == NULL)
    return 0;
  if (v[0] == 't' && v[1] == '\0')
    return 1;
  if (v[0] == 'f' && v[1] == '\0')
    return 0;
  return g_ascii_strtoll (v, NULL, 10);
}

gboolean
cs_pg_col_is_int (CsPgRes *res,
                  int      col)
{
  Oid t = PQftype (res->res, col);

  return t == INT8OID || t == INT4OID || t == INT2OID || t == BOOLOID;
}

int
cs_pg_ncols (CsPgRes *res)
{
  return PQnfields (res->res);
}

/* ---- the schema ----------------------------------------------------------- */

/* Each entry migrates from version i to i + 1. Never edit a released step:
 * add a new one. Version 1 is the SQLite schema at its version 7, in
 * PostgreSQL's words: integers are BIGINT (milliseconds, seqs, flags as
 * 0/1, as the store functions bind them), organisation names are unique
 * whatever their case, and the seq counter is one row every node's writer
 * locks to its commit (store/README.md). Search uses a GIN index on the
 * bodies' "simple" text vectors. */
static const char *migrations[] = {
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE seq_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL);"
  "INSERT INTO seq_counter (id, value) VALUES (1, 0);"
  "CREATE TABLE tenants ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL,"
  "  language TEXT, settings TEXT NOT NULL DEFAULT '{}', created_at BIGINT NOT NULL);"
  "CREATE UNIQUE INDEX tenants_name ON tenants (lower (name));"
  "CREATE TABLE users ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  email TEXT, display_name TEXT NOT NULL, role TEXT NOT NULL,"
  "  password_hash TEXT, status_text TEXT NOT NULL DEFAULT '',"
  "  last_seen_at BIGINT, created_at BIGINT NOT NULL, deleted_at BIGINT,"
  "  kind TEXT NOT NULL DEFAULT 'person', handle TEXT, description TEXT NOT NULL DEFAULT '',"
  "  system_prompt TEXT NOT NULL DEFAULT '', model TEXT);"
  "CREATE UNIQUE INDEX users_email ON users(tenant_id, email) WHERE email IS NOT NULL;"
  "CREATE UNIQUE INDEX users_handle ON users(tenant_id, handle) WHERE handle IS NOT NULL;"
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),"
  "  tenant_id TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
  "  revoked_at BIGINT, ip TEXT);"
  "CREATE INDEX sessions_user ON sessions(user_id);"
  "CREATE TABLE rooms ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  type TEXT NOT NULL, name TEXT, description TEXT NOT NULL DEFAULT '',"
  "  is_private BIGINT NOT NULL DEFAULT 0, is_archived BIGINT NOT NULL DEFAULT 0,"
  "  created_by TEXT, created_at BIGINT NOT NULL, last_activity_at BIGINT NOT NULL,"
  "  context TEXT, direct_key TEXT, last_seq BIGINT NOT NULL DEFAULT 0);"
  "CREATE UNIQUE INDEX rooms_direct ON rooms(tenant_id, direct_key) WHERE direct_key IS NOT NULL;"
  "CREATE INDEX rooms_tenant ON rooms(tenant_id, type);"
  "CREATE TABLE members ("
  "  room_id TEXT NOT NULL REFERENCES rooms(id), user_id TEXT NOT NULL REFERENCES users(id),"
  "  role TEXT NOT NULL, joined_at BIGINT NOT NULL,"
  "  last_read_seq BIGINT NOT NULL DEFAULT 0, muted BIGINT NOT NULL DEFAULT 0,"
  "  notify TEXT NOT NULL DEFAULT 'all', PRIMARY KEY (room_id, user_id));"
  "CREATE INDEX members_user ON members(user_id, room_id);"
  "CREATE TABLE messages ("
  "  seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, room_id TEXT NOT NULL,"
  "  tenant_id TEXT NOT NULL, sender_id TEXT, kind TEXT NOT NULL, body TEXT NOT NULL,"
  "  reply_to_id TEXT, mentions TEXT NOT NULL DEFAULT '[]', context TEXT,"
  "  created_at BIGINT NOT NULL, edited_at BIGINT, deleted BIGINT NOT NULL DEFAULT 0,"
  "  txn_id TEXT, has_attachments BIGINT NOT NULL DEFAULT 0, system TEXT, written_at BIGINT,"
  "  streaming BIGINT NOT NULL DEFAULT 0, agent_error TEXT);"
  "CREATE INDEX messages_room ON messages(room_id, seq);"
  "CREATE INDEX messages_sender ON messages(sender_id);"
  "CREATE UNIQUE INDEX messages_txn ON messages(room_id, sender_id, txn_id) WHERE txn_id IS NOT NULL;"
  "CREATE INDEX messages_streaming ON messages(seq) WHERE streaming = 1;"
  "CREATE INDEX messages_search ON messages USING GIN (to_tsvector ('simple', body));"
  "CREATE TABLE mentions ("
  "  room_id TEXT NOT NULL, seq BIGINT NOT NULL, user_id TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, room_id, seq));"
  "CREATE TABLE events ("
  "  seq BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL, room_id TEXT, user_id TEXT,"
  "  type TEXT NOT NULL, payload TEXT NOT NULL, actor_id TEXT, txn_id TEXT,"
  "  created_at BIGINT NOT NULL);"
  "CREATE INDEX events_room ON events(room_id, seq);"
  "CREATE INDEX events_user ON events(user_id, seq) WHERE user_id IS NOT NULL;"
  "CREATE TABLE notifications ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, type TEXT NOT NULL,"
  "  room_id TEXT, message_id TEXT, message_seq BIGINT, title TEXT NOT NULL,"
  "  body TEXT NOT NULL, created_at BIGINT NOT NULL, read BIGINT NOT NULL DEFAULT 0,"
  "  actor_name TEXT, room_name TEXT);"
  "CREATE INDEX notifications_user ON notifications(user_id, created_at);"
  "CREATE TABLE audit ("
  "  id BIGSERIAL PRIMARY KEY, tenant_id TEXT, at BIGINT NOT NULL, user_id TEXT,"
  "  action TEXT NOT NULL, entity_type TEXT, entity_id TEXT, ip TEXT, details TEXT);"
  "CREATE INDEX audit_tenant ON audit(tenant_id, id);"
  "CREATE TABLE invitations ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  room_id TEXT NOT NULL REFERENCES rooms(id), inviter_id TEXT NOT NULL,"
  "  email TEXT NOT NULL, message TEXT NOT NULL DEFAULT '',"
  "  token_hash TEXT NOT NULL UNIQUE, token_box TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'pending', created_at BIGINT NOT NULL,"
  "  expires_at BIGINT NOT NULL, used_at BIGINT, used_by TEXT,"
  "  mail_status TEXT NOT NULL DEFAULT 'queued', mail_attempts BIGINT NOT NULL DEFAULT 0,"
  "  mail_next_at BIGINT NOT NULL DEFAULT 0, mail_error TEXT);"
  "CREATE INDEX invitations_room ON invitations(room_id, status);"
  "CREATE INDEX invitations_mail ON invitations(mail_status, mail_next_at);"
  "CREATE TABLE attachments ("
  "  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),"
  "  room_id TEXT NOT NULL REFERENCES rooms(id), uploader_id TEXT NOT NULL,"
  "  message_id TEXT, position BIGINT NOT NULL DEFAULT 0,"
  "  name TEXT NOT NULL, size BIGINT NOT NULL, mime_type TEXT NOT NULL,"
  "  width BIGINT, height BIGINT, thumb_type TEXT, created_at BIGINT NOT NULL);"
  "CREATE INDEX attachments_message ON attachments(message_id, position) WHERE message_id IS NOT NULL;"
  "CREATE INDEX attachments_unused ON attachments(created_at) WHERE message_id IS NULL;"
  "CREATE INDEX attachments_tenant ON attachments(tenant_id, size);"
  "CREATE INDEX attachments_uploader ON attachments(uploader_id);",

  /* 1 -> 2: SQLite's versions 8 to 11. The object a room is tied to or a
   * message cites, found by its entity: its type and id as columns
   * computed from the context's JSON (stored: PostgreSQL has no virtual
   * ones), indexed for the rows that have one. Reactions and read times;
   * the contact policy's ranks; retention and legal hold. */
  "ALTER TABLE rooms ADD COLUMN context_type TEXT GENERATED ALWAYS AS"
  "  (CASE WHEN context IS NULL OR context = '' THEN NULL ELSE context::jsonb ->> 'entity_type' END) STORED;"
  "ALTER TABLE rooms ADD COLUMN context_id TEXT GENERATED ALWAYS AS"
  "  (CASE WHEN context IS NULL OR context = '' THEN NULL ELSE context::jsonb ->> 'entity_id' END) STORED;"
  "CREATE INDEX rooms_context ON rooms(tenant_id, context_type, context_id)"
  "  WHERE context_type IS NOT NULL;"
  "ALTER TABLE messages ADD COLUMN context_type TEXT GENERATED ALWAYS AS"
  "  (CASE WHEN context IS NULL OR context = '' THEN NULL ELSE context::jsonb ->> 'entity_type' END) STORED;"
  "ALTER TABLE messages ADD COLUMN context_id TEXT GENERATED ALWAYS AS"
  "  (CASE WHEN context IS NULL OR context = '' THEN NULL ELSE context::jsonb ->> 'entity_id' END) STORED;"
  "CREATE INDEX messages_context ON messages(tenant_id, context_type, context_id, seq)"
  "  WHERE context_type IS NOT NULL;"
  "CREATE TABLE reactions ("
  "  message_seq BIGINT NOT NULL, emoji TEXT NOT NULL, user_id TEXT NOT NULL,"
  "  added_seq BIGINT NOT NULL, created_at BIGINT NOT NULL,"
  "  PRIMARY KEY (message_seq, emoji, user_id));"
  "CREATE INDEX reactions_user ON reactions(user_id);"
  "ALTER TABLE members ADD COLUMN last_read_at BIGINT;"
  "CREATE TABLE read_marks ("
  "  room_id TEXT NOT NULL, user_id TEXT NOT NULL, up_to_seq BIGINT NOT NULL, at BIGINT NOT NULL,"
  "  PRIMARY KEY (room_id, user_id, up_to_seq));"
  "ALTER TABLE users ADD COLUMN rank TEXT;"
  "CREATE TABLE contact_ranks ("
  "  tenant_id TEXT NOT NULL REFERENCES tenants(id), position BIGINT NOT NULL,"
  "  name TEXT NOT NULL, PRIMARY KEY (tenant_id, position));"
  "CREATE TABLE contact_allow ("
  "  tenant_id TEXT NOT NULL REFERENCES tenants(id), from_rank TEXT NOT NULL,"
  "  to_rank TEXT NOT NULL, PRIMARY KEY (tenant_id, from_rank, to_rank));"
  "ALTER TABLE tenants ADD COLUMN retention_days BIGINT;"
  "ALTER TABLE tenants ADD COLUMN legal_hold BIGINT NOT NULL DEFAULT 0;"
  "ALTER TABLE rooms ADD COLUMN retention_days BIGINT;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CS_PG_SCHEMA_VERSION);

static gboolean
exec_sql (PgDb       *db,
          const char *sql,
          GError    **error)
{
  PGresult *res = PQexec (db->conn, sql);
  gboolean ok = PQresultStatus (res) == PGRES_COMMAND_OK || PQresultStatus (res) == PGRES_TUPLES_OK;

  if (!ok)
    {
      if (error)
        g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "PostgreSQL: %s",
                     g_strchomp (g_strdup (PQresultErrorMessage (res))));
      else
        failed (db, res, sql);
    }
  PQclear (res);
  return ok;
}

/* Nodes may start together: the first to take the lock migrates, the
 * others find the schema current. */
#define MIGRATION_LOCK "SELECT pg_advisory_xact_lock (7243031)"

static gboolean
pg_migrate (CsDb    *cdb,
            GError **error)
{
  PgDb *db = P (cdb);
  int version;

  if (!exec_sql (db, "BEGIN", error) || !exec_sql (db, MIGRATION_LOCK, error) ||
      !exec_sql (db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", error))
    goto fail;
  version = (int) cs_pg_int1 (cdb, 0, "SELECT MAX(version) FROM schema_version", "");
  if (version > CS_PG_SCHEMA_VERSION)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL,
                   "The database has schema version %d, newer than this server (%d). "
                   "Upgrade causerie-server.", version, CS_PG_SCHEMA_VERSION);
      goto fail;
    }
  for (; version < CS_PG_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("DELETE FROM schema_version;"
                                               "INSERT INTO schema_version VALUES (%d)", version + 1);

      if (!exec_sql (db, migrations[version], error) || !exec_sql (db, bump, error))
        {
          g_prefix_error (error, "Migrating the database to version %d: ", version + 1);
          goto fail;
        }
      g_info ("Database migrated to schema version %d", version + 1);
    }
  if (!exec_sql (db, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  exec_sql (db, "ROLLBACK", NULL);
  db->error_code = 0;
  g_clear_pointer (&db->error_msg, g_free);
  return FALSE;
}

/* ---- connections ---------------------------------------------------------- */

static gboolean
pg_setup (CsConfig *config,
          GError  **error)
{
  if (config->storage_postgresql == NULL)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "[storage] backend = postgresql needs [storage] postgresql (a libpq conninfo).");
      return FALSE;
    }
  return TRUE;
}

static char *
pg_locate (CsConfig *config)
{
  return g_strdup (config->storage_postgresql);
}

static void
pg_close (CsDb *cdb)
{
  PgDb *db = P (cdb);

  if (db == NULL)
    return;
  g_clear_pointer (&db->stmts, g_hash_table_unref);
  g_free (db->error_msg);
  if (db->conn)
    PQfinish (db->conn);
  g_free (db);
}

static CsDb *
pg_open (const char *location,
         CsDbRole    role,
         CsConfig   *config,
         GError    **error)
{
  PgDb *db = g_new0 (PgDb, 1);

  db->base.engine = &cs_engine_postgresql;
  db->conn = PQconnectdb (location);
  if (PQstatus (db->conn) != CONNECTION_OK)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot connect to PostgreSQL (%s): %s",
                   location, g_strchomp (g_strdup (PQerrorMessage (db->conn))));
      pg_close ((CsDb *) db);
      return NULL;
    }
  db->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  db->collect = role == CS_DB_WRITER;
  /* Quiet NOTICEs (IF NOT EXISTS ...); times are integers, no zone. */
  if (!exec_sql (db, "SET client_min_messages = warning", error) ||
      (role == CS_DB_READER && !exec_sql (db, "SET default_transaction_read_only = on", error)))
    {
      pg_close ((CsDb *) db);
      return NULL;
    }
  return (CsDb *) db;
}

static gboolean
pg_start (CsDb    *db,
          gint64  *head_seq,
          gint64  *pruned_seq,
          GError **error)
{
  g_autofree char *pruned = cs_pg_text1 (db, "SELECT value FROM meta WHERE key = 'events_pruned_seq'", "");

  *head_seq = cs_pg_int1 (db, -1, "SELECT value FROM seq_counter WHERE id = 1", "");
  if (*head_seq < 0)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "PostgreSQL: the seq counter is missing: %s",
                   P (db)->error_msg ? P (db)->error_msg : "no row");
      return FALSE;
    }
  *pruned_seq = pruned ? g_ascii_strtoll (pruned, NULL, 10) : 0;
  return TRUE;
}

/* Within the reader's snapshot: the counter moves only at commits, in
 * seq order, so every seq up to it is committed and visible. */
static void
pg_shared_seqs (CsDb   *db,
                gint64 *head_seq,
                gint64 *pruned_seq)
{
  g_autofree char *pruned = cs_pg_text1 (db, "SELECT value FROM meta WHERE key = 'events_pruned_seq'", "");

  *head_seq = cs_pg_int1 (db, 0, "SELECT value FROM seq_counter WHERE id = 1", "");
  *pruned_seq = pruned ? g_ascii_strtoll (pruned, NULL, 10) : 0;
}

/* ---- transactions ---------------------------------------------------------- */

static void
pg_read_begin (CsDb *db)
{
  /* One snapshot for the whole handler, so a page and its counts agree. */
  exec_sql (P (db), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL);
}

static void
pg_read_end (CsDb *db)
{
  exec_sql (P (db), "COMMIT", NULL);
}

/* The batch takes the shared counter's row lock first and holds it to its
 * commit: batches of all nodes commit one after the other, in seq order,
 * so no reader anywhere sees seq N+1 while N is uncommitted. */
static gboolean
pg_begin (CsDb   *cdb,
          gint64 *next_seq)
{
  PgDb *db = P (cdb);
  gint64 head;

  if (PQstatus (db->conn) != CONNECTION_OK)
    {
      /* The server went away: try again now; the prepared statements went
       * with the old session. */
      PQreset (db->conn);
      g_hash_table_remove_all (db->stmts);
      if (PQstatus (db->conn) != CONNECTION_OK)
        {
          failed (db, NULL, "connect");
          return FALSE;
        }
    }
  if (!exec_sql (db, "BEGIN", NULL))
    return FALSE;
  head = cs_pg_int1 (cdb, -1, "SELECT value FROM seq_counter WHERE id = 1 FOR UPDATE", "");
  if (head < 0)
    return FALSE;
  *next_seq = head + 1;
  return TRUE;
}

static gboolean
pg_in_transaction (CsDb *db)
{
  PGTransactionStatusType s = PQtransactionStatus (P (db)->conn);

  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}

/* Search needs no work here: the GIN index takes every row as it is
 * written. */
static gboolean
pg_commit (CsDb    *db,
           gint64   first_seq,
           gint64   next_seq,
           gboolean index)
{
  if (PQtransactionStatus (P (db)->conn) != PQTRANS_INTRANS)
    return FALSE;
  return (next_seq == first_seq ||
          cs_pg_exec (db, "UPDATE seq_counter SET value = ? WHERE id = 1", "i", next_seq - 1)) &&
         exec_sql (P (db), "COMMIT", NULL);
}

static void
pg_rollback (CsDb *db)
{
  if (pg_in_transaction (db))
    exec_sql (P (db), "ROLLBACK", NULL);
}

static void
pg_job_begin (CsDb *db)
{
  exec_sql (P (db), "SAVEPOINT job", NULL);
}

static void
pg_job_rollback (CsDb *db)
{
  exec_sql (P (db), "ROLLBACK TO SAVEPOINT job", NULL);
}

static gboolean
pg_job_broken (CsDb *db)
{
  /* A statement failed and the job did not say so: PostgreSQL refuses
   * everything after it until the savepoint is rolled back. */
  return PQtransactionStatus (P (db)->conn) == PQTRANS_INERROR;
}

static void
pg_job_end (CsDb *db)
{
  exec_sql (P (db), "RELEASE SAVEPOINT job", NULL);
}

static gboolean
pg_audit_insert (CsDb             *db,
                 const CsAuditRow *a)
{
  return cs_pg_exec (db,
                     "INSERT INTO audit (tenant_id, at, user_id, action, entity_type, entity_id, ip, details)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     "sissssss",
                     a->tenant_id, a->at, a->user_id, a->action, a->entity_type,
                     a->entity_id, a->ip, a->details);
}

static gboolean
pg_prune_events (CsDb  *db,
                 gint64 cutoff)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, cutoff);

  if (!exec_sql (P (db), "BEGIN", NULL))
    return FALSE;
  if (cs_pg_exec (db, "DELETE FROM events WHERE seq <= ?", "i", cutoff) &&
      cs_pg_exec (db,
                  "INSERT INTO meta (key, value) VALUES ('events_pruned_seq', ?)"
                  " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  "s", value) &&
      exec_sql (P (db), "COMMIT", NULL))
    return TRUE;
  pg_rollback (db);
  return FALSE;
}

/* ---- failures ---------------------------------------------------------------- */

static gboolean
pg_note_failure (CsDb *cdb)
{
  PgDb *db = P (cdb);

  if (!db->collect)
    return FALSE;
  if (db->error_code == 0)
    {
      db->error_code = PQstatus (db->conn) == CONNECTION_OK ? PG_FAILED_JOB : PG_FAILED_STORAGE;
      db->error_msg = g_strchomp (g_strdup (PQerrorMessage (db->conn)));
    }
  return TRUE;
}

static int
pg_take_failure (CsDb  *cdb,
                 char **out_message)
{
  PgDb *db = P (cdb);
  int code = db->error_code;

  if (out_message)
    *out_message = g_steal_pointer (&db->error_msg);
  g_clear_pointer (&db->error_msg, g_free);
  db->error_code = 0;
  return code;
}

static const char *
pg_errmsg (CsDb *db)
{
  return PQerrorMessage (P (db)->conn);
}

const CsEngine cs_engine_postgresql = {
  .name = "postgresql",
  .label = "PostgreSQL",
  .setup = pg_setup,
  .locate = pg_locate,
  .open = pg_open,
  .close = pg_close,
  .migrate = pg_migrate,
  .start = pg_start,
  .shared_seqs = pg_shared_seqs,
  .read_begin = pg_read_begin,
  .read_end = pg_read_end,
  .begin = pg_begin,
  .commit = pg_commit,
  .rollback = pg_rollback,
  .in_transaction = pg_in_transaction,
  .job_begin = pg_job_begin,
  .job_rollback = pg_job_rollback,
  .job_broken = pg_job_broken,
  .job_end = pg_job_end,
  .audit_insert = pg_audit_insert,
  .prune_events = pg_prune_events,
  .note_failure = pg_note_failure,
  .take_failure = pg_take_failure,
  .is_storage_fault = is_storage_fault,
  .errmsg = pg_errmsg,
  .messages = &cs_pg_messages_ops,
  .rooms = &cs_pg_rooms_ops,
  .users = &cs_pg_users_ops,
  .notifications = &cs_pg_notifications_ops,
  .events = &cs_pg_events_ops,
  .invitations = &cs_pg_invitations_ops,
  .attachments = &cs_pg_attachments_ops,
  .context = &cs_pg_context_ops,
  .reactions = &cs_pg_reactions_ops,
  .policy = &cs_pg_policy_ops,
  .retention = &cs_pg_retention_ops,
  .ops = &cs_pg_ops_ops,
};
