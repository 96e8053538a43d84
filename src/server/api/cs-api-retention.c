/* cs-api-retention.c: how long a tenant keeps its messages (issue 17).
 * Tenant admins set a number of days for the organisation and, if they
 * wish, for single rooms, and a legal hold that suspends removal. The
 * server removes due messages in small write jobs (cs-server.c schedules
 * them), each telling the room's members with a `messages.expired` event
 * so that clients drop what they cached.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-model.h"
#include "cs-retention.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-time.h"

#define MAX_DAYS   36500   /* a hundred years */
#define DAY_MS     ((gint64) 86400 * 1000)

static gboolean
require_tenant_admin (CsCtx *ctx)
{
  g_autofree char *role = cs_model_tenant_role (ctx);

  if (g_strcmp0 (role, "admin") != 0)
    return cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only an administrator of the organisation may do this.");
  return TRUE;
}

/* @member: a whole number of days in 1..MAX_DAYS, or null (0 here). */
static gboolean
read_days (CsCtx      *ctx,
           JsonObject *body,
           const char *member,
           gint64     *days)
{
  g_autoptr(GError) error = NULL;

  if (!json_object_has_member (body, member))
    return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "“%s” is missing: a number of days, or null to keep messages.",
                        member);
  *days = 0;
  if (cau_json_is_null (body, member))
    return TRUE;
  if (!cau_json_get_int (body, member, TRUE, days, &error))
    return cs_ctx_fail_error (ctx, error);
  if (*days < 1 || *days > MAX_DAYS)
    return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "“%s” must be between 1 and %d days, or null.",
                        member, MAX_DAYS);
  return TRUE;
}

static JsonObject *
setting_json (CsCtx *ctx)
{
  g_autoptr(GPtrArray) rooms = cs_retention_overrides (ctx->db, ctx->tenant_id);
  JsonObject *reply = json_object_new ();
  JsonArray *list = json_array_new ();
  gint64 days = 0;
  gboolean hold = FALSE;

  cs_retention_tenant (ctx->db, ctx->tenant_id, &days, &hold);
  if (days > 0)
    json_object_set_int_member (reply, "message_days", days);
  else
    json_object_set_null_member (reply, "message_days");
  json_object_set_boolean_member (reply, "legal_hold", hold);
  for (guint i = 0; i < rooms->len; i++)
    {
      CsRetentionOverride *o = g_ptr_array_index (rooms, i);
      JsonObject *room = json_object_new ();

      json_object_set_string_member (room, "id", o->room_id);
      json_object_set_string_member (room, "name", o->name);
      json_object_set_int_member (room, "retention_days", o->days);
      json_array_add_object_element (list, room);
    }
  json_object_set_array_member (reply, "rooms", list);
  return reply;
}

void
cs_api_retention_get (CsCtx *ctx)
{
  if (!require_tenant_admin (ctx))
    return;
  cs_ctx_reply_object (ctx, 200, setting_json (ctx));
}

void
cs_api_retention_put (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(GError) error = NULL;
  gint64 days = 0;
  gboolean hold = FALSE;

  if (!require_tenant_admin (ctx) || (body = cs_ctx_body_object (ctx)) == NULL ||
      !read_days (ctx, body, "message_days", &days))
    return;
  if (!cau_json_get_bool (body, "legal_hold", TRUE, &hold, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (!cs_retention_set_tenant (ctx->db, ctx->tenant_id, days, hold))
    {
      cs_ctx_fail_db (ctx, "storing the retention setting");
      return;
    }
  details = json_object_new ();
  if (days > 0)
    json_object_set_int_member (details, "message_days", days);
  else
    json_object_set_null_member (details, "message_days");
  json_object_set_boolean_member (details, "legal_hold", hold);
  cs_ctx_audit (ctx, "retention.update", "tenant", ctx->tenant_id, details);
  cs_ctx_reply_object (ctx, 200, setting_json (ctx));
}

void
cs_api_retention_room_put (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) details = NULL;
  gint64 days = 0;
  int rc;

  if (!require_tenant_admin (ctx) || (body = cs_ctx_body_object (ctx)) == NULL ||
      !read_days (ctx, body, "retention_days", &days))
    return;
  rc = cs_retention_set_room (ctx->db, ctx->tenant_id, room_id, days);
  if (rc < 0)
    {
      cs_ctx_fail_db (ctx, "storing a room's retention");
      return;
    }
  if (rc == 0)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such room in your organisation.");
      return;
    }
  details = json_object_new ();
  if (days > 0)
    json_object_set_int_member (details, "retention_days", days);
  else
    json_object_set_null_member (details, "retention_days");
  cs_ctx_audit (ctx, "retention.update", "room", room_id, details);
  cs_ctx_reply_object (ctx, 200, setting_json (ctx));
}

/* ---- the scheduled removal --------------------------------------------- */

/* Removes @room's messages below @floor with their files, and tells its
 * members. */
static gboolean
expire_room (CsCtx           *ctx,
             CsRetentionRoom *room,
             gint64           floor)
{
  g_autoptr(JsonObject) data = json_object_new ();

  /* Events and audit entries belong to the room's tenant. */
  g_free (ctx->tenant_id);
  ctx->tenant_id = g_strdup (room->tenant_id);
  if (!cs_api_attachments_remove_ids (ctx, cs_retention_attachment_ids (ctx->db, room->room_id, floor)))
    return FALSE;
  if (!cs_retention_remove (ctx->db, room->room_id, floor))
    return cs_ctx_fail_db (ctx, "removing expired messages");
  json_object_set_string_member (data, "room_id", room->room_id);
  json_object_set_int_member (data, "before_seq", floor);
  return cs_model_emit (ctx, 0, "messages.expired", room->room_id, NULL, data, NULL, NULL) != 0;
}

void
cs_api_retention_run (CsCtx *ctx)
{
  CsApiRetentionRun *run = ctx->input;
  g_autoptr(GPtrArray) rooms = cs_retention_due_rooms (ctx->db);
  gint64 now = cau_time_now_ms ();

  for (guint i = 0; i < rooms->len; i++)
    {
      CsRetentionRoom *room = g_ptr_array_index (rooms, i);
      guint n = 0;
      gint64 floor;

      if (run->removed >= run->budget)
        {
          /* The rest waits for the next job, so the writer is never held
           * for more than a batch. */
          run->more = TRUE;
          return;
        }
      floor = cs_retention_floor (ctx->db, room->room_id, now - room->days * DAY_MS,
                                  run->budget - run->removed, &n);
      if (floor == 0)
        continue;
      if (!expire_room (ctx, room, floor))
        return;
      run->removed += n;
      if (n == run->budget)
        run->more = TRUE;
    }
  if (run->removed >= run->budget)
    run->more = TRUE;
}
