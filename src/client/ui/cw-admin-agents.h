/* cw-admin-agents.h: the admin window's Agents page: create, edit and
 * remove the organisation's AI agents.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_ADMIN_AGENTS (cw_admin_agents_get_type ())
G_DECLARE_FINAL_TYPE (CwAdminAgents, cw_admin_agents, CW, ADMIN_AGENTS, AdwBin)

/* Loads the agents of @client's tenant (the caller is a tenant admin). */
void cw_admin_agents_set_client (CwAdminAgents *self,
                                 CcClient      *client);

G_END_DECLS
