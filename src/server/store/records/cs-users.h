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
/* At most @n accounts of @tenant_id not erased whose name or address holds
 * @text (as typed: no wildcards), by name (CsUser*). */
GPtrArray *cs_users_search        (CsDb       *db,
                                   const char *tenant_id,
                                   const char *text,
                                   guint       n);

/* @user_id's role in @tenant_id while the account is not erased, or NULL. */
char      *cs_users_active_role   (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id);

G_END_DECLS
