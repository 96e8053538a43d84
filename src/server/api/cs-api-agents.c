/* cs-api-agents.c: agents, as tenant admins create, list, edit and remove
 * them (/api/admin/agents). An agent is an account of kind "agent": no
 * address and no password, so it cannot sign in; it joins rooms like a
 * person and answers when mentioned (agents/cs-agents.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-model.h"
#include "cs-users.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-time.h"
#include "cau-validate.h"

#include <string.h>

#define HANDLE_MAX_CHARS       32
#define DESCRIPTION_MAX_CHARS  300
#define PROMPT_MAX_CHARS       8000
#define MODEL_MAX_CHARS        100

static gboolean
require_tenant_admin (CsCtx *ctx)
{
  g_autofree char *role = cs_model_tenant_role (ctx);

  if (g_strcmp0 (role, "admin") != 0)
    return cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only an administrator of the organisation may do this.");
  return TRUE;
}

/* A handle is what people type after "@": lower-case letters, digits and
 * "_", "-", "." inside, 1..32 of them, so that the mention parser finds
 * it whole (cau-mention.c). */
static gboolean
validate_handle (const char *handle,
                 GError    **error)
{
  gsize n = strlen (handle);

  /* "@room" is everyone in the room, never an agent. */
  if (g_str_equal (handle, "room"))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "The handle “room” is kept for mentioning everyone.");
      return FALSE;
    }
  if (n == 0 || n > HANDLE_MAX_CHARS)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The handle must be 1 to %d characters long.", HANDLE_MAX_CHARS);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      char c = handle[i];
      gboolean plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

      if (!plain && ((c != '_' && c != '-' && c != '.') || i == 0 || i == n - 1))
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                       "The handle may hold lower-case letters, digits, and “_”, “-” or “.” inside, "
                       "as in “architect” or “code-review”.");
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct {
  const char *id;           /* PATCH: the agent */
  char       *handle;
  char       *name;
  char       *description;
  char       *prompt;
  char       *model;
} AgentInput;

static void
agent_input_clear (AgentInput *in)
{
  g_free (in->handle);
  g_free (in->name);
  g_free (in->description);
  g_free (in->prompt);
  g_free (in->model);
}

/* Reads and checks the fields of @body; @create requires handle and name. */
static gboolean
read_input (CsCtx      *ctx,
            JsonObject *body,
            gboolean    create,
            AgentInput *in)
{
  g_autoptr(GError) error = NULL;
  const char *handle = NULL, *name = NULL, *description = NULL, *prompt = NULL, *model = NULL;

  if (!cau_json_get_string (body, "handle", create, &handle, &error) ||
      !cau_json_get_string (body, "display_name", create, &name, &error) ||
      !cau_json_get_string (body, "description", FALSE, &description, &error) ||
      !cau_json_get_string (body, "system_prompt", FALSE, &prompt, &error) ||
      !cau_json_get_string (body, "model", FALSE, &model, &error) ||
      (handle && !validate_handle (handle, &error)) ||
      (name && !cau_validate_name (name, &in->name, &error)) ||
      (description && !cau_validate_label (description, "description", FALSE, 0, DESCRIPTION_MAX_CHARS,
                                           &in->description, &error)) ||
      (prompt && !cau_validate_label (prompt, "system prompt", TRUE, 0, PROMPT_MAX_CHARS, &in->prompt, &error)) ||
      (model && !cau_validate_label (model, "model", FALSE, 0, MODEL_MAX_CHARS, &in->model, &error)))
    return cs_ctx_fail_error (ctx, error);
  in->handle = g_strdup (handle);
  return TRUE;
}

static JsonObject *
agent_json (CsCtx        *ctx,
            const CsUser *agent)
{
  JsonObject *o = cs_model_user_json (ctx, agent);

  /* What only admins see: how the agent is told to behave. */
  json_object_set_string_member (o, "system_prompt", agent->system_prompt ? agent->system_prompt : "");
  cau_json_set_string_or_null (o, "model", agent->model);
  return o;
}

static void
reply_agent (CsCtx      *ctx,
             guint       status,
             const char *agent_id)
{
  g_autoptr(CsUser) agent = cs_agents_get (ctx->db, ctx->tenant_id, agent_id);

  if (agent == NULL)
    cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such agent.");
  else
    cs_ctx_reply_object (ctx, status, agent_json (ctx, agent));
}

static JsonObject *
audit_details (const AgentInput *in)
{
  JsonObject *d = json_object_new ();

  if (in->handle)
    json_object_set_string_member (d, "handle", in->handle);
  if (in->name)
    json_object_set_string_member (d, "display_name", in->name);
  if (in->description)
    json_object_set_boolean_member (d, "description", TRUE);
  if (in->prompt)
    json_object_set_boolean_member (d, "system_prompt", TRUE);
  if (in->model)
    json_object_set_string_member (d, "model", in->model);
  return d;
}

void
cs_api_agents_create (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *id = NULL;
  AgentInput in = { 0 };

  if (!require_tenant_admin (ctx) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  if (!read_input (ctx, body, TRUE, &in))
    goto out;
  if (cs_users_handle_taken (ctx->db, ctx->tenant_id, in.handle, NULL))
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "Someone in the organisation is already mentioned as “@%s”.", in.handle);
      goto out;
    }
  id = g_uuid_string_random ();
  if (!cs_agents_insert (ctx->db, id, ctx->tenant_id, in.handle, in.name, in.description ? in.description : "",
                         in.prompt ? in.prompt : "", in.model && in.model[0] ? in.model : NULL, cau_time_now_ms ()))
    {
      cs_ctx_fail_db (ctx, "creating an agent");
      goto out;
    }
  cs_ctx_audit (ctx, "agent.create", "user", id, audit_details (&in));
  reply_agent (ctx, 201, id);
out:
  agent_input_clear (&in);
}

void
cs_api_agents_list (CsCtx *ctx)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *list;

  if (!require_tenant_admin (ctx))
    return;
  reply = json_object_new ();
  list = json_array_new ();
  rows = cs_agents_list (ctx->db, ctx->tenant_id);
  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (list, agent_json (ctx, g_ptr_array_index (rows, i)));
  json_object_set_array_member (reply, "agents", list);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

void
cs_api_agent_patch (CsCtx *ctx)
{
  const char *id = ctx->params[0];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(CsUser) agent = NULL;
  AgentInput in = { 0 };

  if (!require_tenant_admin (ctx) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  if (!read_input (ctx, body, FALSE, &in))
    goto out;
  /* Another tenant's id answers as an unknown one. */
  if ((agent = cs_agents_get (ctx->db, ctx->tenant_id, id)) == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such agent.");
      goto out;
    }
  if (in.handle && cs_users_handle_taken (ctx->db, ctx->tenant_id, in.handle, id))
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "Someone in the organisation is already mentioned as “@%s”.", in.handle);
      goto out;
    }
  if (!cs_agents_update (ctx->db, id, in.handle, in.name, in.description, in.prompt, in.model))
    {
      cs_ctx_fail_db (ctx, "changing an agent");
      goto out;
    }
  cs_ctx_audit (ctx, "agent.update", "user", id, audit_details (&in));
  reply_agent (ctx, 200, id);
out:
  agent_input_clear (&in);
}

void
cs_api_agent_delete (CsCtx *ctx)
{
  const char *id = ctx->params[0];
  g_autoptr(CsUser) agent = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_auto(GStrv) rooms = NULL;

  if (!require_tenant_admin (ctx))
    return;
  if ((agent = cs_agents_get (ctx->db, ctx->tenant_id, id)) == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such agent.");
      return;
    }
  /* Its rooms' members see it go, as when a person is removed. */
  rooms = cs_users_room_ids (ctx->db, id);
  for (char **r = rooms; *r; r++)
    {
      g_autoptr(JsonObject) data = json_object_new ();

      json_object_set_string_member (data, "user_id", id);
      if (cs_model_emit (ctx, 0, "member.remove", *r, NULL, data, NULL, NULL) == 0)
        return;
    }
  if (!cs_agents_remove (ctx->db, id, cau_time_now_ms ()))
    {
      cs_ctx_fail_db (ctx, "removing an agent");
      return;
    }
  details = json_object_new ();
  json_object_set_string_member (details, "handle", agent->handle ? agent->handle : "");
  json_object_set_string_member (details, "display_name", agent->display_name);
  cs_ctx_audit (ctx, "agent.delete", "user", id, g_steal_pointer (&details));
  cs_ctx_reply_empty (ctx);
}
