/* cc-agents.c: the tenant admin's agents: typed calls over
 * /api/admin/agents (API.md v1.1 "Agents").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-agents"

#include "cc-agents.h"


#include "cc-api.h"

void
cc_client_list_agents_async (CcClient            *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_list_agents_async);
  cc_api_request_task (cc_client_get_api (self), "GET", "/api/admin/agents", NULL, task);
}

GPtrArray *
cc_client_list_agents_finish (CcClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autoptr(JsonArray) array = cc_api_task_finish_array (result, self, cc_client_list_agents_async, "agents", error);

  return array ? cc_user_list_new_from_json (array) : NULL;
}

static JsonObject *
agent_body (const char *handle,
            const char *display_name,
            const char *description,
            const char *system_prompt,
            const char *model)
{
  JsonObject *body = json_object_new ();

  /* A handle is typed without its "@". */
  if (handle != NULL)
    json_object_set_string_member (body, "handle", handle[0] == '@' ? handle + 1 : handle);
  if (display_name != NULL)
    json_object_set_string_member (body, "display_name", display_name);
  if (description != NULL)
    json_object_set_string_member (body, "description", description);
  if (system_prompt != NULL)
    json_object_set_string_member (body, "system_prompt", system_prompt);
  if (model != NULL && *model != '\0')
    json_object_set_string_member (body, "model", model);
  else if (model != NULL)
    json_object_set_null_member (body, "model");
  return body;
}

void
cc_client_create_agent_async (CcClient            *self,
                              const char          *handle,
                              const char          *display_name,
                              const char          *description,
                              const char          *system_prompt,
                              const char          *model,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) body = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (handle != NULL && display_name != NULL);

  body = agent_body (handle, display_name, description ? description : "",
                     system_prompt ? system_prompt : "", NULL);
  if (model != NULL && *model != '\0')
    json_object_set_string_member (body, "model", model);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_create_agent_async);
  cc_api_request_task (cc_client_get_api (self), "POST", "/api/admin/agents", body, task);
}

CcUser *
cc_client_create_agent_finish (CcClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_create_agent_async, error);

  return obj ? cc_user_new_from_json (obj) : NULL;
}

static char *
agent_path (const char *agent_id)
{
  g_autofree char *esc = cc_api_escape (agent_id);

  return g_strdup_printf ("/api/admin/agents/%s", esc);
}

void
cc_client_update_agent_async (CcClient            *self,
                              const char          *agent_id,
                              const char          *handle,
                              const char          *display_name,
                              const char          *description,
                              const char          *system_prompt,
                              const char          *model,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (agent_id != NULL);

  body = agent_body (handle, display_name, description, system_prompt, model);
  path = agent_path (agent_id);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_update_agent_async);
  cc_api_request_task (cc_client_get_api (self), "PATCH", path, body, task);
}

CcUser *
cc_client_update_agent_finish (CcClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_update_agent_async, error);

  return obj ? cc_user_new_from_json (obj) : NULL;
}

void
cc_client_delete_agent_async (CcClient            *self,
                              const char          *agent_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (agent_id != NULL);

  path = agent_path (agent_id);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_delete_agent_async);
  cc_api_request_task (cc_client_get_api (self), "DELETE", path, NULL, task);
}

gboolean
cc_client_delete_agent_finish (CcClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return cc_api_task_finish (result, self, cc_client_delete_agent_async, error);
}
