/* cc-admin.h: the account's own data (export, deletion) and the tenant
 * admin's calls (audit log, users). Typed calls; no JSON reaches the UI.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"

G_BEGIN_DECLS

#define CC_TYPE_AUDIT_ENTRY (cc_audit_entry_get_type ())
G_DECLARE_FINAL_TYPE (CcAuditEntry, cc_audit_entry, CC, AUDIT_ENTRY, GObject)

gint64      cc_audit_entry_get_id          (CcAuditEntry *self);
/* Microseconds since the epoch (UTC). */
gint64      cc_audit_entry_get_at          (CcAuditEntry *self);
const char *cc_audit_entry_get_action      (CcAuditEntry *self);
const char *cc_audit_entry_get_user_id     (CcAuditEntry *self);
const char *cc_audit_entry_get_entity_type (CcAuditEntry *self);
const char *cc_audit_entry_get_entity_id   (CcAuditEntry *self);
const char *cc_audit_entry_get_ip          (CcAuditEntry *self);

/* The actions the server records in the audit log (API.md), in the order a
 * filter offers them; NULL-terminated, static. */
const char * const *cc_audit_actions       (void);

/* TRUE when the signed-in user is a tenant admin. */
gboolean    cc_client_is_tenant_admin      (CcClient *self);

/**
 * cc_client_export_data_async:
 * @dest: where the export (JSON) is saved.
 *
 * Streams GET /api/me/export to "@dest.part" and renames it to @dest, off
 * the main thread's I/O. A failure removes the partial file.
 */
void        cc_client_export_data_async    (CcClient            *self,
                                            GFile               *dest,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    cc_client_export_data_finish   (CcClient      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/**
 * cc_client_delete_account_async:
 *
 * DELETE /api/me {password}. A wrong password is CAU_ERROR_FORBIDDEN with
 * the server's sentence and changes nothing. On success the client stops.
 * The caller then drops the client and calls cc_client_erase_local_data_async().
 */
void        cc_client_delete_account_async  (CcClient            *self,
                                             const char          *password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    cc_client_delete_account_finish (CcClient      *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* Removes the account's cache database (messages, drafts, outbox), the
 * outbox's files and the file cache, in a thread. Call once the client
 * that used them is gone. */
void        cc_account_erase_local_data_async  (CcAccount           *account,
                                                const char          *data_dir,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    cc_account_erase_local_data_finish (GAsyncResult  *result,
                                                GError       **error);

/**
 * cc_client_list_audit_async:
 * @action: (nullable): only this action.
 * @since: (nullable): only entries at or after this time.
 * @before_id: 0, or only entries older than this id (the next page).
 *
 * GET /api/admin/audit. Finish gives a GPtrArray of CcAuditEntry, newest
 * first.
 */
void        cc_client_list_audit_async  (CcClient            *self,
                                         const char          *action,
                                         GDateTime           *since,
                                         gint64               before_id,
                                         guint                limit,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray  *cc_client_list_audit_finish (CcClient      *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* GET /api/users: finish gives a GPtrArray of CcUser of the tenant. */
void        cc_client_list_users_async  (CcClient            *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray  *cc_client_list_users_finish (CcClient      *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* POST /api/admin/users: finish gives the new CcUser. @role "admin",
 * "member" or "guest". */
void        cc_client_create_user_async  (CcClient            *self,
                                          const char          *email,
                                          const char          *display_name,
                                          const char          *password,
                                          const char          *role,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
CcUser     *cc_client_create_user_finish (CcClient      *self,
                                          GAsyncResult  *result,
                                          GError       **error);

/* PATCH /api/admin/users/{id} {role}: finish gives the updated CcUser. */
void        cc_client_set_user_role_async  (CcClient            *self,
                                            const char          *user_id,
                                            const char          *role,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CcUser     *cc_client_set_user_role_finish (CcClient      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

G_END_DECLS
