/* cs-api-rooms.c: rooms, direct rooms, discovery, membership and roles.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-model.h"
#include "cs-rooms.h"
#include "cs-users.h"
#include "cau-json.h"
#include "cau-time.h"
#include "cau-validate.h"

#include <string.h>

static const char * const room_types[] = { "group", "channel", "project", NULL };
static const char * const room_roles[] = { "owner", "admin", "member", "guest", NULL };
static const char * const notify_levels[] = { "all", "mentions", "none", NULL };

static gboolean
is_manager (const char *role)
{
  return g_strcmp0 (role, "owner") == 0 || g_strcmp0 (role, "admin") == 0;
}

static char *
room_type (CsCtx      *ctx,
           const char *room_id)
{
  return cs_rooms_type (ctx->db, room_id);
}

/* A user of the caller's tenant, still active: their tenant role, or NULL. */
static char *
active_user_role (CsCtx      *ctx,
                  const char *user_id)
{
  return cs_users_active_role (ctx->db, ctx->tenant_id, user_id);
}

/* Adds @user_id to the room and tells everyone: member.add to the room,
 * room.new to the newcomer. */
static gboolean
add_member (CsCtx      *ctx,
            const char *room_id,
            const char *user_id,
            const char *role)
{
  gint64 now = cau_time_now_ms ();
  g_autoptr(JsonObject) data = json_object_new ();
  JsonObject *room;
  g_autofree char *joined = cau_time_format (now);
  JsonObject *user;

  if (!cs_members_insert (ctx->db, room_id, user_id, role, now))
    return cs_ctx_fail_db (ctx, "adding a member");
  user = cs_model_user (ctx, user_id);
  json_object_set_object_member (data, "user", user);
  json_object_set_string_member (data, "role", role);
  json_object_set_string_member (data, "joined_at", joined);
  json_object_set_int_member (data, "last_read_seq", 0);
  if (cs_model_emit (ctx, 0, "member.add", room_id, NULL, data, NULL, NULL) == 0)
    return FALSE;
  room = cs_model_room (ctx, room_id, user_id);
  if (cs_model_emit (ctx, 0, "room.new", room_id, user_id, room, NULL, NULL) == 0)
    {
      json_object_unref (room);
      return FALSE;
    }
  json_object_unref (room);
  cs_ctx_audit (ctx, "member.add", "room", room_id, NULL);
  return TRUE;
}

/* A system line: what happened as data in "system", which clients write in
 * their reader's language, and the English sentence in "body" for clients
 * that know no better. Kinds: room.created and room.renamed (actor,
 * room_name), member.joined and member.left (actor), member.added and
 * member.removed (actor, target), member.role (actor, target, role). Names
 * are as they were then, like the sentence. */
static gboolean
system_line (CsCtx      *ctx,
             const char *room_id,
             const char *kind,
             const char *actor_id,
             const char *target_id,
             const char *room_name,
             const char *role)
{
  g_autoptr(JsonObject) system = json_object_new ();
  g_autofree char *actor = cs_model_display_name (ctx, actor_id);
  g_autofree char *target = target_id ? cs_model_display_name (ctx, target_id) : NULL;
  g_autofree char *body = NULL;
  JsonObject *who = json_object_new ();

  json_object_set_string_member (system, "kind", kind);
  json_object_set_string_member (who, "id", actor_id);
  json_object_set_string_member (who, "display_name", actor ? actor : "");
  json_object_set_object_member (system, "actor", who);
  if (target_id)
    {
      who = json_object_new ();
      json_object_set_string_member (who, "id", target_id);
      json_object_set_string_member (who, "display_name", target ? target : "");
      json_object_set_object_member (system, "target", who);
    }
  if (room_name)
    json_object_set_string_member (system, "room_name", room_name);
  if (role)
    json_object_set_string_member (system, "role", role);

  if (g_str_equal (kind, "room.created"))
    body = g_strdup_printf ("%s created the room “%s”", actor, room_name);
  else if (g_str_equal (kind, "room.renamed"))
    body = g_strdup_printf ("%s renamed the room to “%s”", actor, room_name);
  else if (g_str_equal (kind, "member.joined"))
    body = g_strdup_printf ("%s joined", actor);
  else if (g_str_equal (kind, "member.left"))
    body = g_strdup_printf ("%s left", actor);
  else if (g_str_equal (kind, "member.added"))
    body = g_strdup_printf ("%s added %s", actor, target);
  else if (g_str_equal (kind, "member.removed"))
    body = g_strdup_printf ("%s removed %s", actor, target);
  else if (g_str_equal (kind, "member.role"))
    body = g_strdup_printf ("%s made %s %s %s", actor, target,
                            g_str_equal (role, "owner") || g_str_equal (role, "admin") ? "an" : "a", role);
  else
    g_assert_not_reached ();
  return cs_api_post_system (ctx, room_id, body, system);
}

gboolean
cs_api_join_room (CsCtx      *ctx,
                  const char *room_id,
                  const char *user_id)
{
  g_autofree char *tenant_role = active_user_role (ctx, user_id);

  return add_member (ctx, room_id, user_id, g_strcmp0 (tenant_role, "guest") == 0 ? "guest" : "member") &&
         system_line (ctx, room_id, "member.joined", user_id, NULL, NULL, NULL);
}

static void
reply_room (CsCtx      *ctx,
            guint       status,
            const char *room_id)
{
  cs_ctx_reply_object (ctx, status, cs_model_room (ctx, room_id, ctx->user_id));
}

void
cs_api_rooms_create (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);
  g_autoptr(GError) error = NULL;
  const char *type = NULL, *name_in = NULL, *description_in = "";
  gboolean is_private = FALSE;
  g_auto(GStrv) member_ids = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *context = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *my_role = NULL;
  gint64 now = cau_time_now_ms ();

  if (body == NULL)
    return;
  if (!cau_json_get_string (body, "type", TRUE, &type, &error) ||
      !cau_validate_enum (type, "type", room_types, &error) ||
      !cau_json_get_string (body, "name", TRUE, &name_in, &error) ||
      !cau_validate_name (name_in, &name, &error) ||
      !cau_json_get_string (body, "description", FALSE, &description_in, &error) ||
      !cau_validate_label (description_in, "description", TRUE, 0, CAU_LIMIT_TOPIC_CHARS, &description, &error) ||
      !cau_json_get_bool (body, "is_private", FALSE, &is_private, &error) ||
      !cau_json_get_strv (body, "member_ids", FALSE, &member_ids, &error))
    {
      if (error && strstr (error->message, "“type”") && g_strcmp0 (type, "direct") == 0)
        cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "Direct rooms are opened with POST /api/rooms/direct.");
      else
        cs_ctx_fail_error (ctx, error);
      return;
    }
  if (!cs_api_read_context (ctx, body, &context))
    return;
  my_role = cs_model_tenant_role (ctx);
  if (g_strcmp0 (my_role, "guest") == 0)
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Guests cannot create rooms.");
      return;
    }
  for (char **m = member_ids; m && *m; m++)
    {
      g_autofree char *role = active_user_role (ctx, *m);

      if (role == NULL)
        {
          cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no user with the id “%.64s”.", *m);
          return;
        }
    }

  if (!cs_rooms_insert (ctx->db, ctx->tenant_id, id, type, name, description, is_private,
                        ctx->user_id, now, context))
    {
      cs_ctx_fail_db (ctx, "creating a room");
      return;
    }
  cs_ctx_audit (ctx, "room.create", "room", id, NULL);
  if (!add_member (ctx, id, ctx->user_id, "owner"))
    return;
  for (char **m = member_ids; m && *m; m++)
    {
      g_autofree char *role = active_user_role (ctx, *m);

      if (g_str_equal (*m, ctx->user_id) ||
          cs_members_is_member (ctx->db, id, *m))
        continue;
      if (!add_member (ctx, id, *m, g_strcmp0 (role, "guest") == 0 ? "guest" : "member"))
        return;
    }
  if (!system_line (ctx, id, "room.created", ctx->user_id, NULL, name, NULL))
    return;
  reply_room (ctx, 201, id);
}

void
cs_api_rooms_direct (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);
  g_autoptr(GError) error = NULL;
  const char *other = NULL;
  g_autofree char *other_role = NULL;
  g_autofree char *key = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *id = NULL;
  gint64 now = cau_time_now_ms ();

  if (body == NULL)
    return;
  if (!cau_json_get_string (body, "user_id", TRUE, &other, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (g_str_equal (other, ctx->user_id))
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "A direct room needs another person.");
      return;
    }
  other_role = active_user_role (ctx, other);
  if (other_role == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such user.");
      return;
    }
  /* The role pairs of [policy] forbid_direct, then the tenant's ranks. */
  if (!cs_api_policy_check_direct (ctx, other))
    return;
  key = strcmp (ctx->user_id, other) < 0 ? g_strdup_printf ("%s:%s", ctx->user_id, other)
                                         : g_strdup_printf ("%s:%s", other, ctx->user_id);
  existing = cs_rooms_find_direct (ctx->db, ctx->tenant_id, key);
  if (existing)
    {
      /* Someone who left a direct room comes back into it. */
      if (!cs_members_is_member (ctx->db, existing, ctx->user_id) &&
          !add_member (ctx, existing, ctx->user_id, "member"))
        return;
      reply_room (ctx, 200, existing);
      return;
    }
  id = g_uuid_string_random ();
  if (!cs_rooms_insert_direct (ctx->db, ctx->tenant_id, id, ctx->user_id, now, key))
    {
      cs_ctx_fail_db (ctx, "creating a direct room");
      return;
    }
  cs_ctx_audit (ctx, "room.create", "room", id, NULL);
  if (!add_member (ctx, id, ctx->user_id, "member") ||
      !add_member (ctx, id, other, "member"))
    return;
  reply_room (ctx, 201, id);
}

static void
reply_room_list (CsCtx     *ctx,
                 GPtrArray *ids)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *rooms = json_array_new ();

  for (guint i = 0; i < ids->len; i++)
    {
      JsonObject *room = cs_model_room (ctx, g_ptr_array_index (ids, i), ctx->user_id);

      if (room)
        json_array_add_object_element (rooms, room);
    }
  json_object_set_array_member (reply, "rooms", rooms);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

void
cs_api_rooms_list (CsCtx *ctx)
{
  gboolean want_archived = FALSE;
  g_autoptr(GPtrArray) ids = NULL;

  if (!cs_ctx_query_bool (ctx, "archived", &want_archived))
    return;
  ids = cs_rooms_ids_of_member (ctx->db, ctx->tenant_id, ctx->user_id, want_archived);
  reply_room_list (ctx, ids);
}

void
cs_api_rooms_discover (CsCtx *ctx)
{
  g_autoptr(GPtrArray) ids = cs_rooms_ids_to_discover (ctx->db, ctx->tenant_id, ctx->user_id);

  reply_room_list (ctx, ids);
}

/* Members see their rooms; anyone in the tenant sees its public channels. */
static gboolean
can_see_room (CsCtx      *ctx,
              const char *room_id)
{
  return cs_rooms_visible (ctx->db, ctx->tenant_id, room_id, ctx->user_id);
}

void
cs_api_room_get (CsCtx *ctx)
{
  if (!can_see_room (ctx, ctx->params[0]))
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such room.");
      return;
    }
  reply_room (ctx, 200, ctx->params[0]);
}

void
cs_api_room_patch (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *role = NULL;
  g_autofree char *type = NULL;
  g_autofree char *old_name = NULL;
  const char *name_in = NULL, *description_in = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  gboolean archived = FALSE;
  gboolean has_archived;
  g_autoptr(JsonObject) data = NULL;

  if (!cs_model_require_member (ctx, room_id, &role) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  has_archived = json_object_has_member (body, "is_archived");
  if (!cau_json_get_string (body, "name", FALSE, &name_in, &error) ||
      (name_in && !cau_validate_name (name_in, &name, &error)) ||
      !cau_json_get_string (body, "description", FALSE, &description_in, &error) ||
      (description_in && !cau_validate_label (description_in, "description", TRUE, 0, CAU_LIMIT_TOPIC_CHARS, &description, &error)) ||
      !cau_json_get_bool (body, "is_archived", FALSE, &archived, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (!is_manager (role))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only the room's owner or an admin may change it.");
      return;
    }
  type = room_type (ctx, room_id);
  if (g_str_equal (type, "direct") && name)
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "A direct room is named after the other person and cannot be renamed.");
      return;
    }
  old_name = cs_rooms_name (ctx->db, room_id);
  if ((name && !cs_rooms_set_name (ctx->db, room_id, name)) ||
      (description && !cs_rooms_set_description (ctx->db, room_id, description)) ||
      (has_archived && !cs_rooms_set_archived (ctx->db, room_id, archived)))
    {
      cs_ctx_fail_db (ctx, "updating a room");
      return;
    }
  if (name && g_strcmp0 (name, old_name) != 0)
    {
      if (!system_line (ctx, room_id, "room.renamed", ctx->user_id, NULL, name, NULL))
        return;
    }
  data = json_object_new ();
  json_object_set_string_member (data, "id", room_id);
  if (name)
    json_object_set_string_member (data, "name", name);
  if (description)
    json_object_set_string_member (data, "description", description);
  if (has_archived)
    json_object_set_boolean_member (data, "is_archived", archived);
  if (cs_model_emit (ctx, 0, "room.update", room_id, NULL, data, NULL, NULL) == 0)
    return;
  cs_ctx_audit (ctx, "room.update", "room", room_id, NULL);
  reply_room (ctx, 200, room_id);
}

void
cs_api_room_join (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];

  if (cs_members_is_member (ctx->db, room_id, ctx->user_id))
    {
      reply_room (ctx, 200, room_id);
      return;
    }
  if (!cs_rooms_is_open_channel (ctx->db, ctx->tenant_id, room_id))
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no public channel with this id.");
      return;
    }
  if (!cs_api_join_room (ctx, room_id, ctx->user_id))
    return;
  reply_room (ctx, 200, room_id);
}

void
cs_api_room_settings (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  gboolean muted = FALSE;
  const char *notify = NULL;
  gboolean has_muted;
  g_autoptr(JsonObject) data = NULL;

  if (!cs_model_require_member (ctx, room_id, NULL) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  has_muted = json_object_has_member (body, "muted");
  if (!cau_json_get_bool (body, "muted", FALSE, &muted, &error) ||
      !cau_json_get_string (body, "notify", FALSE, &notify, &error) ||
      (notify && !cau_validate_enum (notify, "notify", notify_levels, &error)))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if ((has_muted && !cs_members_set_muted (ctx->db, room_id, ctx->user_id, muted)) ||
      (notify && !cs_members_set_notify (ctx->db, room_id, ctx->user_id, notify)))
    {
      cs_ctx_fail_db (ctx, "saving room settings");
      return;
    }
  /* The caller's other devices follow. */
  data = json_object_new ();
  json_object_set_string_member (data, "id", room_id);
  {
    g_autoptr(CsMemberPrefs) prefs = cs_members_prefs_of (ctx->db, room_id, ctx->user_id);

    if (prefs)
      {
        json_object_set_boolean_member (data, "muted", prefs->muted);
        json_object_set_string_member (data, "notify", prefs->notify);
      }
  }
  if (cs_model_emit (ctx, 0, "room.update", room_id, ctx->user_id, data, NULL, NULL) == 0)
    return;
  reply_room (ctx, 200, room_id);
}

void
cs_api_members_list (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *members;

  if (!cs_model_require_member (ctx, room_id, NULL))
    return;
  reply = json_object_new ();
  members = json_array_new ();
  rows = cs_members_list (ctx->db, room_id);
  for (guint i = 0; i < rows->len; i++)
    {
      CsMember *member = g_ptr_array_index (rows, i);
      JsonObject *m = json_object_new ();
      g_autofree char *joined = cs_model_time_text (member->joined_at);

      json_object_set_object_member (m, "user", cs_model_user_json (ctx, member->user));
      json_object_set_string_member (m, "role", member->role);
      json_object_set_string_member (m, "joined_at", joined);
      json_object_set_int_member (m, "last_read_seq", member->last_read_seq);
      json_array_add_object_element (members, m);
    }
  json_object_set_array_member (reply, "members", members);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

void
cs_api_room_member_ids (CsCtx *ctx)
{
  CsApiRoomMembers *req = ctx->input;

  if (!cs_model_require_member (ctx, req->room_id, NULL))
    return;
  req->ids = cs_members_ids (ctx->db, req->room_id);
}

void
cs_api_members_add (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *my_role = NULL;
  g_autofree char *type = NULL;
  g_autofree char *tenant_role = NULL;
  const char *user_id = NULL;
  const char *role = NULL;

  if (!cs_model_require_member (ctx, room_id, &my_role) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  if (!cau_json_get_string (body, "user_id", TRUE, &user_id, &error) ||
      !cau_json_get_string (body, "role", FALSE, &role, &error) ||
      (role && !cau_validate_enum (role, "role", room_roles, &error)))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  type = room_type (ctx, room_id);
  if (g_str_equal (type, "direct"))
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "A direct room has exactly two people; start a group instead.");
      return;
    }
  tenant_role = active_user_role (ctx, user_id);
  if (tenant_role == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such user.");
      return;
    }
  if (role == NULL)
    role = g_str_equal (tenant_role, "guest") ? "guest" : "member";
  if (g_str_equal (my_role, "guest") || (!is_manager (my_role) && !g_str_equal (role, "member") && !g_str_equal (role, "guest")))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Your role in this room does not allow adding people as %s.", role);
      return;
    }
  if (g_str_equal (role, "owner") && !g_str_equal (my_role, "owner"))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only an owner may make someone an owner.");
      return;
    }
  if (cs_members_is_member (ctx->db, room_id, user_id))
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "This person is already in the room.");
      return;
    }
  if (!add_member (ctx, room_id, user_id, role))
    return;
  if (!system_line (ctx, room_id, "member.added", ctx->user_id, user_id, NULL, NULL))
    return;
  cs_ctx_reply_object (ctx, 201, cs_model_room (ctx, room_id, ctx->user_id));
}

static gint64
count_owners (CsCtx      *ctx,
              const char *room_id)
{
  return cs_members_count_owners (ctx->db, room_id);
}

void
cs_api_member_patch (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  const char *user_id = ctx->params[1];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *my_role = NULL;
  g_autofree char *their_role = NULL;
  g_autoptr(JsonObject) data = NULL;
  const char *role = NULL;

  if (!cs_model_require_member (ctx, room_id, &my_role) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  if (!cau_json_get_string (body, "role", TRUE, &role, &error) ||
      !cau_validate_enum (role, "role", room_roles, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  their_role = cs_members_role (ctx->db, room_id, user_id);
  if (their_role == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "This person is not in the room.");
      return;
    }
  if (!is_manager (my_role))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only the room's owner or an admin may change roles.");
      return;
    }
  if ((g_str_equal (their_role, "owner") || g_str_equal (role, "owner")) && !g_str_equal (my_role, "owner"))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only an owner may make or unmake an owner.");
      return;
    }
  if (g_str_equal (their_role, "owner") && !g_str_equal (role, "owner") && count_owners (ctx, room_id) <= 1)
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "The room would have no owner; make someone else owner first.");
      return;
    }
  if (!cs_members_set_role (ctx->db, room_id, user_id, role))
    {
      cs_ctx_fail_db (ctx, "changing a role");
      return;
    }
  data = json_object_new ();
  json_object_set_string_member (data, "user_id", user_id);
  json_object_set_string_member (data, "role", role);
  if (cs_model_emit (ctx, 0, "member.update", room_id, NULL, data, NULL, NULL) == 0 ||
      (!g_str_equal (role, their_role) &&
       !system_line (ctx, room_id, "member.role", ctx->user_id, user_id, NULL, role)))
    return;
  cs_ctx_audit (ctx, "member.update", "room", room_id, NULL);
  cs_ctx_reply_empty (ctx);
}

void
cs_api_member_delete (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  const char *user_id = ctx->params[1];
  g_autofree char *my_role = NULL;
  g_autofree char *their_role = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(JsonObject) gone = NULL;
  gboolean leaving = g_str_equal (user_id, ctx->user_id);

  if (!cs_model_require_member (ctx, room_id, &my_role))
    return;
  their_role = cs_members_role (ctx->db, room_id, user_id);
  if (their_role == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "This person is not in the room.");
      return;
    }
  if (!leaving)
    {
      if (!is_manager (my_role))
        {
          cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only the room's owner or an admin may remove people.");
          return;
        }
      if (g_str_equal (their_role, "owner") && !g_str_equal (my_role, "owner"))
        {
          cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only an owner may remove an owner.");
          return;
        }
    }
  if (g_str_equal (their_role, "owner") && count_owners (ctx, room_id) <= 1 &&
      cs_members_count (ctx->db, room_id) > 1)
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT,
                   leaving ? "You are the last owner: make someone else owner before leaving."
                           : "The room would have no owner; make someone else owner first.");
      return;
    }

  data = json_object_new ();
  json_object_set_string_member (data, "user_id", user_id);
  /* member.remove reaches the person removed too: it goes out before they are. */
  if (cs_model_emit (ctx, 0, "member.remove", room_id, NULL, data, NULL, NULL) == 0)
    return;
  if (!cs_members_delete (ctx->db, room_id, user_id))
    {
      cs_ctx_fail_db (ctx, "removing a member");
      return;
    }
  gone = json_object_new ();
  json_object_set_string_member (gone, "id", room_id);
  json_object_set_string_member (gone, "reason", leaving ? "left" : "removed");
  if (cs_model_emit (ctx, 0, "room.removed", room_id, user_id, gone, NULL, NULL) == 0)
    return;
  if (!(leaving ? system_line (ctx, room_id, "member.left", ctx->user_id, NULL, NULL, NULL)
                : system_line (ctx, room_id, "member.removed", ctx->user_id, user_id, NULL, NULL)))
    return;
  cs_ctx_audit (ctx, "member.remove", "room", room_id, NULL);
  cs_ctx_reply_empty (ctx);
}
