/* cs-users.h: accounts, as the store keeps them. Each call runs on the
 * connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* What an account export holds, one table at a time: rows (GArray of
 * CsCell) in the columns the caller names. */
typedef enum {
  CS_EXPORT_MEMBERSHIPS,   /* room_id, room_name, role, joined_at, last_read_seq, muted, notify */
  CS_EXPORT_MESSAGES,      /* id, room_id, seq, kind, body, created_at, edited_at, deleted */
  CS_EXPORT_NOTIFICATIONS, /* id, type, room_id, message_id, title, body, created_at, read */
  CS_EXPORT_SESSIONS,      /* created_at, expires_at, revoked_at, ip */
  CS_EXPORT_ATTACHMENTS,   /* id, room_id, message_id, name, size, mime_type, created_at */
  CS_EXPORT_AUDIT,         /* action, entity_type, entity_id, ip, at */
} CsExportTable;

/* What an engine implements for this header: one entry per function below,
 * named without its "cs_users_" (or "cs_") prefix; the functions
 * dispatch to it through the connection's engine (store/README.md). */
struct _CsUsersOps {
  CsUser *(*get) (CsDb *db, const char *tenant_id, const char *user_id);
  char *(*display_name) (CsDb *db, const char *user_id);
  char *(*tenant_role) (CsDb *db, const char *tenant_id, const char *user_id);
  GPtrArray *(*search) (CsDb *db, const char *tenant_id, const char *text, guint n);
  char *(*active_role) (CsDb *db, const char *tenant_id, const char *user_id);
  gboolean (*tenants_exists) (CsDb *db, const char *name);
  gboolean (*tenants_insert) (CsDb *db, const char *tenant_id, const char *name, const char *language, gint64 created_at);
  char *(*tenants_find) (CsDb *db, const char *name);
  gboolean (*email_taken) (CsDb *db, const char *tenant_id, const char *email);
  gboolean (*insert) (CsDb *db, const char *user_id, const char *tenant_id, const char *email, const char *display_name, const char *role, const char *password_hash, gint64 created_at);
  gboolean (*find_login) (CsDb *db, const char *tenant_name, const char *email, char **out_user_id, char **out_tenant_id, char **out_password_hash);
  char *(*password_hash) (CsDb *db, const char *user_id);
  gboolean (*set_display_name) (CsDb *db, const char *user_id, const char *display_name);
  gboolean (*set_status_text) (CsDb *db, const char *user_id, const char *status_text);
  gboolean (*set_last_seen) (CsDb *db, const char *user_id, gint64 at);
  gboolean (*set_role) (CsDb *db, const char *tenant_id, const char *user_id, const char *role);
  GPtrArray *(*last_seen) (CsDb *db, const char *tenant_id);
  gboolean (*erase) (CsDb *db, const char *user_id, gint64 at);
  GPtrArray *(*export) (CsDb *db, const char *user_id, CsExportTable table);
  GPtrArray *(*audit_list) (CsDb *db, const char *tenant_id, const char *action, gint64 since_ms, gint64 before_id, guint n);
  gboolean (*stored_sessions_insert) (CsDb *db, const char *token_hash, const char *user_id, const char *tenant_id, gint64 created_at, gint64 expires_at, const char *ip);
  gboolean (*stored_sessions_revoke) (CsDb *db, const char *token_hash, gint64 at);
  gboolean (*stored_sessions_delete_expired) (CsDb *db, gint64 now_ms);
  GPtrArray *(*stored_sessions_live) (CsDb *db, gint64 now_ms);
  CsStoredSession *(*stored_sessions_find) (CsDb *db, const char *token_hash, gint64 now_ms);
  char *(*find_by_email) (CsDb *db, const char *tenant_id, const char *email);
  char *(*email) (CsDb *db, const char *user_id);
  gboolean (*agents_insert) (CsDb *db, const char *user_id, const char *tenant_id, const char *handle, const char *display_name, const char *description, const char *system_prompt, const char *model, gint64 created_at);
  gboolean (*handle_taken) (CsDb *db, const char *tenant_id, const char *handle, const char *except_id);
  GPtrArray *(*agents_list) (CsDb *db, const char *tenant_id);
  CsUser *(*agents_get) (CsDb *db, const char *tenant_id, const char *agent_id);
  gboolean (*agents_update) (CsDb *db, const char *agent_id, const char *handle, const char *display_name, const char *description, const char *system_prompt, const char *model);
  gboolean (*agents_remove) (CsDb *db, const char *agent_id, gint64 at);
  char **(*room_ids) (CsDb *db, const char *user_id);
};

/* @user_id of @tenant_id, or NULL. */
static inline CsUser *
cs_users_get (CsDb       *db,
              const char *tenant_id,
              const char *user_id)
{
  CS_DB_NEEDS (db, users, get);
  return db->engine->users->get (db, tenant_id, user_id);
}

static inline char *
cs_users_display_name (CsDb       *db,
                       const char *user_id)
{
  CS_DB_NEEDS (db, users, display_name);
  return db->engine->users->display_name (db, user_id);
}

/* @user_id's role in @tenant_id, or NULL. */
static inline char *
cs_users_tenant_role (CsDb       *db,
                      const char *tenant_id,
                      const char *user_id)
{
  CS_DB_NEEDS (db, users, tenant_role);
  return db->engine->users->tenant_role (db, tenant_id, user_id);
}

/* At most @n accounts of @tenant_id not erased whose name, address or (an
 * agent's) handle holds
 * @text (as typed: no wildcards), by name (CsUser*). */
static inline GPtrArray *
cs_users_search (CsDb       *db,
                 const char *tenant_id,
                 const char *text,
                 guint       n)
{
  CS_DB_NEEDS (db, users, search);
  return db->engine->users->search (db, tenant_id, text, n);
}

/* @user_id's role in @tenant_id while the account is not erased, or NULL. */
static inline char *
cs_users_active_role (CsDb       *db,
                      const char *tenant_id,
                      const char *user_id)
{
  CS_DB_NEEDS (db, users, active_role);
  return db->engine->users->active_role (db, tenant_id, user_id);
}

static inline gboolean
cs_tenants_exists (CsDb       *db,
                   const char *name)
{
  CS_DB_NEEDS (db, users, tenants_exists);
  return db->engine->users->tenants_exists (db, name);
}

static inline gboolean
cs_tenants_insert (CsDb       *db,
                   const char *tenant_id,
                   const char *name,
                   const char *language,
                   gint64      created_at)
{
  CS_DB_NEEDS (db, users, tenants_insert);
  return db->engine->users->tenants_insert (db, tenant_id, name, language, created_at);
}

/* The id of the organisation named @name, or NULL. */
static inline char *
cs_tenants_find (CsDb       *db,
                 const char *name)
{
  CS_DB_NEEDS (db, users, tenants_find);
  return db->engine->users->tenants_find (db, name);
}

static inline gboolean
cs_users_email_taken (CsDb       *db,
                      const char *tenant_id,
                      const char *email)
{
  CS_DB_NEEDS (db, users, email_taken);
  return db->engine->users->email_taken (db, tenant_id, email);
}

static inline gboolean
cs_users_insert (CsDb       *db,
                 const char *user_id,
                 const char *tenant_id,
                 const char *email,
                 const char *display_name,
                 const char *role,
                 const char *password_hash,
                 gint64      created_at)
{
  CS_DB_NEEDS (db, users, insert);
  return db->engine->users->insert (db, user_id, tenant_id, email, display_name, role, password_hash, created_at);
}

/* The account that signs in as @email to the organisation named
 * @tenant_name (not erased): FALSE when there is none. */
static inline gboolean
cs_users_find_login (CsDb        *db,
                     const char  *tenant_name,
                     const char  *email,
                     char       **out_user_id,
                     char       **out_tenant_id,
                     char       **out_password_hash)
{
  CS_DB_NEEDS (db, users, find_login);
  return db->engine->users->find_login (db, tenant_name, email, out_user_id, out_tenant_id, out_password_hash);
}

static inline char *
cs_users_password_hash (CsDb       *db,
                        const char *user_id)
{
  CS_DB_NEEDS (db, users, password_hash);
  return db->engine->users->password_hash (db, user_id);
}

static inline gboolean
cs_users_set_display_name (CsDb       *db,
                           const char *user_id,
                           const char *display_name)
{
  CS_DB_NEEDS (db, users, set_display_name);
  return db->engine->users->set_display_name (db, user_id, display_name);
}

static inline gboolean
cs_users_set_status_text (CsDb       *db,
                          const char *user_id,
                          const char *status_text)
{
  CS_DB_NEEDS (db, users, set_status_text);
  return db->engine->users->set_status_text (db, user_id, status_text);
}

static inline gboolean
cs_users_set_last_seen (CsDb       *db,
                        const char *user_id,
                        gint64      at)
{
  CS_DB_NEEDS (db, users, set_last_seen);
  return db->engine->users->set_last_seen (db, user_id, at);
}

static inline gboolean
cs_users_set_role (CsDb       *db,
                   const char *tenant_id,
                   const char *user_id,
                   const char *role)
{
  CS_DB_NEEDS (db, users, set_role);
  return db->engine->users->set_role (db, tenant_id, user_id, role);
}

/* The accounts of @tenant_id not erased, with only id and last_seen_at
 * (CsUser*). */
static inline GPtrArray *
cs_users_last_seen (CsDb       *db,
                    const char *tenant_id)
{
  CS_DB_NEEDS (db, users, last_seen);
  return db->engine->users->last_seen (db, tenant_id);
}

/* Erases @user_id's person: no address, name, password or status any
 * more; their sessions revoked, their notifications, mentions and own
 * events gone. Their messages stay. */
static inline gboolean
cs_users_erase (CsDb       *db,
                const char *user_id,
                gint64      at)
{
  CS_DB_NEEDS (db, users, erase);
  return db->engine->users->erase (db, user_id, at);
}

static inline GPtrArray *
cs_users_export (CsDb          *db,
                 const char    *user_id,
                 CsExportTable  table)
{
  CS_DB_NEEDS (db, users, export);
  return db->engine->users->export (db, user_id, table);
}

/* The newest audit entries of @tenant_id (of @action only, when not
 * NULL) at or after @since_ms with an id below @before_id (CsAuditEntry*). */
static inline GPtrArray *
cs_audit_list (CsDb       *db,
               const char *tenant_id,
               const char *action,
               gint64      since_ms,
               gint64      before_id,
               guint       n)
{
  CS_DB_NEEDS (db, users, audit_list);
  return db->engine->users->audit_list (db, tenant_id, action, since_ms, before_id, n);
}

/* Sessions, as stored (the table in memory is auth/cs-sessions.h). */
static inline gboolean
cs_stored_sessions_insert (CsDb       *db,
                           const char *token_hash,
                           const char *user_id,
                           const char *tenant_id,
                           gint64      created_at,
                           gint64      expires_at,
                           const char *ip)
{
  CS_DB_NEEDS (db, users, stored_sessions_insert);
  return db->engine->users->stored_sessions_insert (db, token_hash, user_id, tenant_id, created_at, expires_at, ip);
}

static inline gboolean
cs_stored_sessions_revoke (CsDb       *db,
                           const char *token_hash,
                           gint64      at)
{
  CS_DB_NEEDS (db, users, stored_sessions_revoke);
  return db->engine->users->stored_sessions_revoke (db, token_hash, at);
}

static inline gboolean
cs_stored_sessions_delete_expired (CsDb   *db,
                                   gint64  now_ms)
{
  CS_DB_NEEDS (db, users, stored_sessions_delete_expired);
  return db->engine->users->stored_sessions_delete_expired (db, now_ms);
}

/* The sessions neither revoked nor expired at @now_ms (CsStoredSession*). */
static inline GPtrArray *
cs_stored_sessions_live (CsDb   *db,
                         gint64  now_ms)
{
  CS_DB_NEEDS (db, users, stored_sessions_live);
  return db->engine->users->stored_sessions_live (db, now_ms);
}

/* The session of @token_hash if it is neither revoked nor expired at
 * @now_ms (and its account not erased), or NULL: how a node finds a
 * session another node opened after it started. */
static inline CsStoredSession *
cs_stored_sessions_find (CsDb       *db,
                         const char *token_hash,
                         gint64      now_ms)
{
  CS_DB_NEEDS (db, users, stored_sessions_find);
  return db->engine->users->stored_sessions_find (db, token_hash, now_ms);
}

/* The account of @tenant_id, not erased, with the address @email: its
 * id, or NULL. */
static inline char *
cs_users_find_by_email (CsDb       *db,
                        const char *tenant_id,
                        const char *email)
{
  CS_DB_NEEDS (db, users, find_by_email);
  return db->engine->users->find_by_email (db, tenant_id, email);
}

static inline char *
cs_users_email (CsDb       *db,
                const char *user_id)
{
  CS_DB_NEEDS (db, users, email);
  return db->engine->users->email (db, user_id);
}

/* Agents: accounts of kind "agent" (no address, no password). */
static inline gboolean
cs_agents_insert (CsDb       *db,
                  const char *user_id,
                  const char *tenant_id,
                  const char *handle,
                  const char *display_name,
                  const char *description,
                  const char *system_prompt,
                  const char *model,
                  gint64      created_at)
{
  CS_DB_NEEDS (db, users, agents_insert);
  return db->engine->users->agents_insert (db, user_id, tenant_id, handle, display_name, description, system_prompt, model, created_at);
}

/* Whether @handle is an agent's handle, or a person's (the local part of
 * their address), in @tenant_id, other than @except_id's. */
static inline gboolean
cs_users_handle_taken (CsDb       *db,
                       const char *tenant_id,
                       const char *handle,
                       const char *except_id)
{
  CS_DB_NEEDS (db, users, handle_taken);
  return db->engine->users->handle_taken (db, tenant_id, handle, except_id);
}

/* The agents of @tenant_id not removed, by name (CsUser*). */
static inline GPtrArray *
cs_agents_list (CsDb       *db,
                const char *tenant_id)
{
  CS_DB_NEEDS (db, users, agents_list);
  return db->engine->users->agents_list (db, tenant_id);
}

/* The agent @agent_id of @tenant_id, not removed, or NULL. */
static inline CsUser *
cs_agents_get (CsDb       *db,
               const char *tenant_id,
               const char *agent_id)
{
  CS_DB_NEEDS (db, users, agents_get);
  return db->engine->users->agents_get (db, tenant_id, agent_id);
}

/* NULL leaves a field as it is; an empty @model clears it. */
static inline gboolean
cs_agents_update (CsDb       *db,
                  const char *agent_id,
                  const char *handle,
                  const char *display_name,
                  const char *description,
                  const char *system_prompt,
                  const char *model)
{
  CS_DB_NEEDS (db, users, agents_update);
  return db->engine->users->agents_update (db, agent_id, handle, display_name, description, system_prompt, model);
}

/* The rooms @user_id is a member of (a NULL-terminated array). */
static inline char **
cs_users_room_ids (CsDb       *db,
                   const char *user_id)
{
  CS_DB_NEEDS (db, users, room_ids);
  return db->engine->users->room_ids (db, user_id);
}
/* Removes the agent: out of every room, handle freed; its messages stay
 * under its name. */
static inline gboolean
cs_agents_remove (CsDb       *db,
                  const char *agent_id,
                  gint64      at)
{
  CS_DB_NEEDS (db, users, agents_remove);
  return db->engine->users->agents_remove (db, agent_id, at);
}

G_END_DECLS
