/* cc-agents.h: the tenant admin's agents (API.md v1.1 "Agents"): list,
 * create, edit and remove them. An agent is a CcUser whose kind is
 * "agent"; it joins rooms with cc_client_add_member_async() like a person.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"

G_BEGIN_DECLS

/* GET /api/admin/agents: finish gives a GPtrArray of CcUser (agents). */
void        cc_client_list_agents_async   (CcClient            *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GPtrArray  *cc_client_list_agents_finish  (CcClient      *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/**
 * cc_client_create_agent_async:
 * @model: (nullable): NULL or "" for the server's configured model.
 *
 * POST /api/admin/agents. Finish gives the new agent. A handle already
 * taken is CAU_ERROR_CONFLICT with the server's sentence.
 */
void        cc_client_create_agent_async  (CcClient            *self,
                                           const char          *handle,
                                           const char          *display_name,
                                           const char          *description,
                                           const char          *system_prompt,
                                           const char          *model,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
CcUser     *cc_client_create_agent_finish (CcClient      *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* PATCH /api/admin/agents/{id}: the non-NULL fields change (@model ""
 * goes back to the server's model). Finish gives the updated agent. */
void        cc_client_update_agent_async  (CcClient            *self,
                                           const char          *agent_id,
                                           const char          *handle,
                                           const char          *display_name,
                                           const char          *description,
                                           const char          *system_prompt,
                                           const char          *model,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
CcUser     *cc_client_update_agent_finish (CcClient      *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* DELETE /api/admin/agents/{id}. */
void        cc_client_delete_agent_async  (CcClient            *self,
                                           const char          *agent_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    cc_client_delete_agent_finish (CcClient      *self,
                                           GAsyncResult  *result,
                                           GError       **error);

G_END_DECLS
