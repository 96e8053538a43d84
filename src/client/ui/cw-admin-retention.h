/* cw-admin-retention.h: the admin window's retention section (on its Users page) (issue 17).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_ADMIN_RETENTION (cw_admin_retention_get_type ())
G_DECLARE_FINAL_TYPE (CwAdminRetention, cw_admin_retention, CW, ADMIN_RETENTION, AdwBin)

/* Loads the organisation's setting through @client. */
void cw_admin_retention_set_client (CwAdminRetention *self,
                                    CcClient         *client);

G_END_DECLS
