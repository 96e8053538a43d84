/* cs-users.h: accounts, as the store keeps them. Each call runs on the
 * connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* @user_id of @tenant_id, or NULL. */
CsUser    *cs_users_get           (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id);
char      *cs_users_display_name  (CsDb       *db,
                                   const char *user_id);
/* @user_id's role in @tenant_id, or NULL. */
char      *cs_users_tenant_role   (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id);
/* At most @n accounts of @tenant_id not erased whose name, address or (an
 * agent's) handle holds
 * @text (as typed: no wildcards), by name (CsUser*). */
GPtrArray *cs_users_search        (CsDb       *db,
                                   const char *tenant_id,
                                   const char *text,
                                   guint       n);

/* @user_id's role in @tenant_id while the account is not erased, or NULL. */
char      *cs_users_active_role   (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id);

gboolean   cs_tenants_exists      (CsDb       *db,
                                   const char *name);
gboolean   cs_tenants_insert      (CsDb       *db,
                                   const char *tenant_id,
                                   const char *name,
                                   const char *language,
                                   gint64      created_at);
/* The id of the organisation named @name, or NULL. */
char      *cs_tenants_find        (CsDb       *db,
                                   const char *name);

gboolean   cs_users_email_taken   (CsDb       *db,
                                   const char *tenant_id,
                                   const char *email);
gboolean   cs_users_insert        (CsDb       *db,
                                   const char *user_id,
                                   const char *tenant_id,
                                   const char *email,
                                   const char *display_name,
                                   const char *role,
                                   const char *password_hash,
                                   gint64      created_at);
/* The account that signs in as @email to the organisation named
 * @tenant_name (not erased): FALSE when there is none. */
gboolean   cs_users_find_login    (CsDb       *db,
                                   const char *tenant_name,
                                   const char *email,
                                   char      **out_user_id,
                                   char      **out_tenant_id,
                                   char      **out_password_hash);
char      *cs_users_password_hash (CsDb       *db,
                                   const char *user_id);
gboolean   cs_users_set_display_name (CsDb    *db,
                                      const char *user_id,
                                      const char *display_name);
gboolean   cs_users_set_status_text (CsDb     *db,
                                     const char *user_id,
                                     const char *status_text);
gboolean   cs_users_set_last_seen (CsDb       *db,
                                   const char *user_id,
                                   gint64      at);
gboolean   cs_users_set_role      (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id,
                                   const char *role);
/* The accounts of @tenant_id not erased, with only id and last_seen_at
 * (CsUser*). */
GPtrArray *cs_users_last_seen     (CsDb       *db,
                                   const char *tenant_id);
/* Erases @user_id's person: no address, name, password or status any
 * more; their sessions revoked, their notifications, mentions and own
 * events gone. Their messages stay. */
gboolean   cs_users_erase         (CsDb       *db,
                                   const char *user_id,
                                   gint64      at);

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

GPtrArray *cs_users_export        (CsDb         *db,
                                   const char   *user_id,
                                   CsExportTable table);

/* The newest audit entries of @tenant_id (of @action only, when not
 * NULL) at or after @since_ms with an id below @before_id (CsAuditEntry*). */
GPtrArray *cs_audit_list          (CsDb       *db,
                                   const char *tenant_id,
                                   const char *action,
                                   gint64      since_ms,
                                   gint64      before_id,
                                   guint       n);

/* Sessions, as stored (the table in memory is auth/cs-sessions.h). */
gboolean   cs_stored_sessions_insert (CsDb       *db,
                                      const char *token_hash,
                                      const char *user_id,
                                      const char *tenant_id,
                                      gint64      created_at,
                                      gint64      expires_at,
                                      const char *ip);
gboolean   cs_stored_sessions_revoke (CsDb       *db,
                                      const char *token_hash,
                                      gint64      at);
gboolean   cs_stored_sessions_delete_expired (CsDb  *db,
                                              gint64 now_ms);
/* The sessions neither revoked nor expired at @now_ms (CsStoredSession*). */
GPtrArray *cs_stored_sessions_live   (CsDb       *db,
                                      gint64      now_ms);

/* The account of @tenant_id, not erased, with the address @email: its
 * id, or NULL. */
char      *cs_users_find_by_email (CsDb       *db,
                                   const char *tenant_id,
                                   const char *email);
char      *cs_users_email         (CsDb       *db,
                                   const char *user_id);

/* Agents: accounts of kind "agent" (no address, no password). */
gboolean   cs_agents_insert       (CsDb       *db,
                                   const char *user_id,
                                   const char *tenant_id,
                                   const char *handle,
                                   const char *display_name,
                                   const char *description,
                                   const char *system_prompt,
                                   const char *model,
                                   gint64      created_at);
/* Whether @handle is an agent's handle, or a person's (the local part of
 * their address), in @tenant_id, other than @except_id's. */
gboolean   cs_users_handle_taken  (CsDb       *db,
                                   const char *tenant_id,
                                   const char *handle,
                                   const char *except_id);
/* The agents of @tenant_id not removed, by name (CsUser*). */
GPtrArray *cs_agents_list         (CsDb       *db,
                                   const char *tenant_id);
/* The agent @agent_id of @tenant_id, not removed, or NULL. */
CsUser    *cs_agents_get          (CsDb       *db,
                                   const char *tenant_id,
                                   const char *agent_id);
/* NULL leaves a field as it is; an empty @model clears it. */
gboolean   cs_agents_update       (CsDb       *db,
                                   const char *agent_id,
                                   const char *handle,
                                   const char *display_name,
                                   const char *description,
                                   const char *system_prompt,
                                   const char *model);
/* The rooms @user_id is a member of (a NULL-terminated array). */
char     **cs_users_room_ids      (CsDb       *db,
                                   const char *user_id);
/* Removes the agent: out of every room, handle freed; its messages stay
 * under its name. */
gboolean   cs_agents_remove       (CsDb       *db,
                                   const char *agent_id,
                                   gint64      at);

G_END_DECLS
