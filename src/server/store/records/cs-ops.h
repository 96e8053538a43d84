/* cs-ops.h: what the operator's command line asks of the store (backup,
 * restore, listing and locking accounts) and the server's housekeeping
 * that goes with it (audit pruning, sessions revoked from outside).
 * Every engine implements these.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* The name of the database file in the data directory. */
#define CS_OPS_DB_FILE "causerie.db"

typedef struct {
  char  *id;
  char  *name;
  char  *language;          /* or NULL */
  gint64 created_at;
  gint64 people;            /* accounts of kind person, not erased */
} CsOpsTenant;

void cs_ops_tenant_free (CsOpsTenant *tenant);

typedef struct {
  char    *id;
  char    *email;           /* NULL once erased */
  char    *display_name;
  char    *role;
  char    *kind;            /* "person" or "agent" */
  gint64   created_at;
  gint64   last_seen_at;    /* or CS_TIME_NONE */
  gboolean deleted;
  gboolean disabled;
  gint64   sessions;        /* live sessions */
} CsOpsUser;

void cs_ops_user_free (CsOpsUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsOpsUser, cs_ops_user_free)

/* A connection of its own to the SQLite database of @data_dir, for a
 * command that runs beside a live server (no writer thread, no
 * migration): NULL with @error when there is no database there or its
 * schema is not this server's. */
CsDb      *cs_ops_open              (const char *data_dir,
                                     gboolean    read_only,
                                     GError    **error);

/* What an engine implements for this header, named without their
 * "cs_ops_" prefix; they dispatch through the connection's engine
 * (store/README.md). Backup, restore and their checks open and use a
 * SQLite connection of their own (sqlite/cs-db-ops.c): the command line
 * refuses them with backend = postgresql. */
struct _CsOpsOps {
  /* A connection of its own to the configured database (cs_store_open_beside). */
  CsDb  *(*open) (CsConfig *config, gboolean read_only, GError **error);
  gint64 (*revocation_mark) (CsDb *db);
  char **(*revoked_users_since) (CsDb *db, gint64 mark);
  gint64 (*audit_prune) (CsDb *db, gint64 before_ms, guint limit);
  GPtrArray *(*tenants_list) (CsDb *db);
  GPtrArray *(*users_list) (CsDb *db, const char *tenant_id, gint64 now_ms);
  CsOpsUser *(*user_find) (CsDb *db, const char *tenant_id, const char *who, gint64 now_ms);
  gint64 (*user_set_disabled) (CsDb *db, const char *tenant_id, const char *user_id, gboolean disabled, gint64 at);
  gint64 (*user_set_password) (CsDb *db, const char *tenant_id, const char *user_id, const char *password_hash,
                               gint64 at);
};

/* Closes a connection of cs_ops_open() or cs_store_open_beside(). */
static inline void
cs_ops_close (CsDb *db)
{
  db->engine->close (db);
}

/* Every organisation, by name (CsOpsTenant*). */
static inline GPtrArray *
cs_ops_tenants_list (CsDb *db)
{
  CS_DB_NEEDS (db, ops, tenants_list);
  return db->engine->ops->tenants_list (db);
}

/* Every account of @tenant_id, erased ones included, by address (CsOpsUser*). */
static inline GPtrArray *
cs_ops_users_list (CsDb       *db,
                   const char *tenant_id,
                   gint64      now_ms)
{
  CS_DB_NEEDS (db, ops, users_list);
  return db->engine->ops->users_list (db, tenant_id, now_ms);
}

/* The account of @tenant_id whose address or id is @who (not erased), or NULL. */
static inline CsOpsUser *
cs_ops_user_find (CsDb       *db,
                  const char *tenant_id,
                  const char *who,
                  gint64      now_ms)
{
  CS_DB_NEEDS (db, ops, user_find);
  return db->engine->ops->user_find (db, tenant_id, who, now_ms);
}

/* Locks (or unlocks) @user_id's password in one transaction: a locked
 * account cannot sign in and keeps its password for when it is unlocked;
 * locking revokes its live sessions. Audited as user.disable or
 * user.enable (no actor: the command line), and marked for running
 * servers (cs_ops_revocation_mark). How many sessions were revoked, or -1. */
static inline gint64
cs_ops_user_set_disabled (CsDb       *db,
                          const char *tenant_id,
                          const char *user_id,
                          gboolean    disabled,
                          gint64      at)
{
  CS_DB_NEEDS (db, ops, user_set_disabled);
  return db->engine->ops->user_set_disabled (db, tenant_id, user_id, disabled, at);
}

/* A new password hash (a locked account stays locked), every session
 * revoked, audited as user.password_reset and marked like a lock. How
 * many sessions were revoked, or -1. */
static inline gint64
cs_ops_user_set_password (CsDb       *db,
                          const char *tenant_id,
                          const char *user_id,
                          const char *password_hash,
                          gint64      at)
{
  CS_DB_NEEDS (db, ops, user_set_password);
  return db->engine->ops->user_set_password (db, tenant_id, user_id, password_hash, at);
}

/* Where the revocations made from outside the server have got to (an
 * opaque, increasing number; 0 for none). */
static inline gint64
cs_ops_revocation_mark (CsDb *db)
{
  CS_DB_NEEDS (db, ops, revocation_mark);
  return db->engine->ops->revocation_mark (db);
}

/* The users whose sessions were revoked from outside after @mark (a
 * NULL-terminated array of user ids). */
static inline char **
cs_ops_revoked_users_since (CsDb   *db,
                            gint64  mark)
{
  CS_DB_NEEDS (db, ops, revoked_users_since);
  return db->engine->ops->revoked_users_since (db, mark);
}

/* An audit entry written beside the server (no client address). */
gboolean   cs_ops_audit_insert      (CsDb       *db,
                                     const char *tenant_id,
                                     gint64      at,
                                     const char *user_id,
                                     const char *action,
                                     const char *entity_type,
                                     const char *entity_id,
                                     const char *details);
/* Removes at most @limit audit entries older than @before_ms, oldest
 * first: how many went, or -1 on a failure. */
static inline gint64
cs_ops_audit_prune (CsDb   *db,
                    gint64  before_ms,
                    guint   limit)
{
  CS_DB_NEEDS (db, ops, audit_prune);
  return db->engine->ops->audit_prune (db, before_ms, limit);
}

/* A consistent copy of the whole database, as of one moment, written to
 * @dest_path (which must not exist), and the attachment ids that copy
 * records (a NULL-terminated array). */
gboolean   cs_ops_backup            (CsDb       *db,
                                     const char *dest_path,
                                     char     ***out_attachment_ids,
                                     GError    **error);
/* Checks the database file @path: this server's schema, and sound
 * (PRAGMA integrity_check or the engine's equivalent). */
gboolean   cs_ops_check_file        (const char *path,
                                     GError    **error);
/* After a restore: seqs continue @gap past the restored head and the
 * event log starts there, so every client reloads once (resync_required)
 * and no seq a client saw on the old server is ever given again. The new
 * head, or -1. */
gint64     cs_ops_restore_mark      (CsDb       *db,
                                     gint64      gap);

G_END_DECLS
