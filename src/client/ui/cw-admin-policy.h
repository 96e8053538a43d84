/* cw-admin-policy.h: the admin window's Contact Policy page: ranks, who
 * may message whom, and each person's rank (issue 17).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_ADMIN_POLICY (cw_admin_policy_get_type ())
G_DECLARE_FINAL_TYPE (CwAdminPolicy, cw_admin_policy, CW, ADMIN_POLICY, AdwBin)

/* Loads the policy and the people of @client's tenant (the caller is a
 * tenant admin). */
void cw_admin_policy_set_client (CwAdminPolicy *self,
                                 CcClient      *client);

G_END_DECLS
