/* cs-api-context.c: business contexts (API.md, "Business context"): the
 * check of a context a room or a message carries, and what is tied to an
 * object (GET /api/context/{entity_type}/{entity_id}).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-context.h"
#include "cs-model.h"
#include "cau-context.h"
#include "cau-json.h"
#include "cau-validate.h"

gboolean
cs_api_read_context (CsCtx      *ctx,
                     JsonObject *body,
                     char      **out_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CauContext) context = NULL;
  JsonObject *object = NULL;

  *out_json = NULL;
  if (!cau_json_get_object (body, "context", FALSE, &object, &error))
    return cs_ctx_fail_error (ctx, error);
  if (object == NULL)
    return TRUE;
  if ((context = cau_context_from_json (object, &error)) == NULL)
    return cs_ctx_fail_error (ctx, error);
  *out_json = cau_context_to_string (context);
  return TRUE;
}

void
cs_api_context_get (CsCtx *ctx)
{
  g_autoptr(GError) error = NULL;
  const char *type = ctx->params[0];
  const char *raw_id = ctx->params[1];
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) room_ids = NULL;
  g_autoptr(GPtrArray) message_ids = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *rooms, *messages;
  guint limit;

  if (!cau_context_check_type (type, &error) ||
      !cau_context_check_id (raw_id, &id, &error) ||
      !cau_validate_limit (cs_ctx_query (ctx, "limit"), &limit, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  room_ids = cs_context_room_ids (ctx->db, ctx->tenant_id, ctx->user_id, type, id, CAU_PAGE_MAX);
  message_ids = cs_context_message_ids (ctx->db, ctx->tenant_id, ctx->user_id, type, id, limit);

  reply = json_object_new ();
  rooms = json_array_new ();
  for (guint i = 0; i < room_ids->len; i++)
    {
      JsonObject *room = cs_model_room (ctx, g_ptr_array_index (room_ids, i), ctx->user_id);

      if (room)
        json_array_add_object_element (rooms, room);
    }
  messages = json_array_new ();
  for (guint i = 0; i < message_ids->len; i++)
    {
      JsonObject *message = cs_model_message (ctx, g_ptr_array_index (message_ids, i), ctx->user_id);

      if (message)
        json_array_add_object_element (messages, message);
    }
  json_object_set_array_member (reply, "rooms", rooms);
  json_object_set_array_member (reply, "messages", messages);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}
