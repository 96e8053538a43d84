/* cc-account.h: who is signed in where: server URL, tenant, email, the
 * session token (kept with libsecret), sign in and sign out.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-api.h"
#include "cc-user.h"

G_BEGIN_DECLS

#define CC_TYPE_ACCOUNT (cc_account_get_type ())
G_DECLARE_FINAL_TYPE (CcAccount, cc_account, CC, ACCOUNT, GObject)

/* Properties: "server-url", "tenant", "email" (construct-only),
 * "signed-in" (gboolean, notify), "user" (CcUser, the signed-in person,
 * NULL until known; notified when set and when refreshed). */

CcAccount  *cc_account_new              (const char *server_url,
                                         const char *tenant,
                                         const char *email);
const char *cc_account_get_server_url   (CcAccount *self);
const char *cc_account_get_tenant       (CcAccount *self);
const char *cc_account_get_email        (CcAccount *self);
CcUser     *cc_account_get_user         (CcAccount *self);
const char *cc_account_get_user_id      (CcAccount *self);
gboolean    cc_account_get_signed_in    (CcAccount *self);
/* The REST client of this account, carrying its token. */
CcApi      *cc_account_get_api          (CcAccount *self);
/* A stable file-name-safe key for server+tenant+email: names the cache
 * database "<data-dir>/<key>.db". */
const char *cc_account_get_key          (CcAccount *self);

/**
 * cc_account_login_async:
 *
 * POST /api/auth/login, then stores the token with libsecret. Errors carry
 * a sentence for a person: the server cannot be reached (G_IO_ERROR), the
 * email or password is wrong (CAU_ERROR_UNAUTHORIZED), too many attempts,
 * try again in N seconds (CAU_ERROR_RATE_LIMITED). When the Secret Service
 * cannot store the token the sign-in still succeeds for this run (a
 * warning is logged, without the token).
 */
void        cc_account_login_async      (CcAccount           *self,
                                         const char          *password,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    cc_account_login_finish     (CcAccount     *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/**
 * cc_account_restore_async:
 *
 * Looks the token up with libsecret and checks it with GET /api/me.
 * Returns TRUE when signed in. An unreachable server with a stored token
 * still returns TRUE (offline start; the user comes from @cached_user
 * when given); a revoked token clears the secret and returns FALSE.
 */
void        cc_account_restore_async    (CcAccount           *self,
                                         JsonObject          *cached_user,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    cc_account_restore_finish   (CcAccount     *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* POST /api/auth/logout (best effort when offline) and clears the secret. */
void        cc_account_logout_async     (CcAccount           *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    cc_account_logout_finish    (CcAccount     *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* Remembers server, tenant and email (never the token) in
 * "<data_dir>/accounts.ini" so the next start can restore the session.
 * The synchronous forms touch a file of a few bytes; on the main thread
 * prefer the _async ones. */
gboolean    cc_account_save_last        (CcAccount   *self,
                                         const char  *data_dir,
                                         GError     **error);
/* The account saved by cc_account_save_last(), or NULL. */
CcAccount  *cc_account_load_last        (const char  *data_dir);
/* Forgets the saved account (after sign out). */
void        cc_account_forget_last      (const char  *data_dir);

void        cc_account_save_last_async  (CcAccount           *self,
                                         const char          *data_dir,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    cc_account_save_last_finish (CcAccount     *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* Finish returns the saved account or NULL (no error when none). */
void        cc_account_load_last_async  (const char          *data_dir,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
CcAccount  *cc_account_load_last_finish (GAsyncResult  *result,
                                         GError       **error);

/* For tests and embedding: use @token without the Secret Service. */
void        cc_account_set_token        (CcAccount  *self,
                                         const char *token,
                                         JsonObject *user);

G_END_DECLS
