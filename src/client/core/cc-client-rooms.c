/* cc-client-rooms.c: typed calls on rooms (create, open a direct room,
 * join, discover, rename, describe, archive, mute, leave). Each builds its
 * request, applies the server's answer to the room list and the cache, and
 * gives back a CcRoom, a list of them or a yes; no JSON leaves the core.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-client"

#include <glib/gi18n-lib.h>

#include "cau-error.h"
#include "cc-client-private.h"
#include "cc-json-private.h"

typedef enum {
  ROOM_OP_CREATE,     /* POST /api/rooms -> the room */
  ROOM_OP_DIRECT,     /* POST /api/rooms/direct -> the room */
  ROOM_OP_JOIN,       /* POST /api/rooms/{id}/join -> {room} or the room */
  ROOM_OP_DISCOVER,   /* GET /api/rooms/discover -> {rooms} */
  ROOM_OP_UPDATE,     /* PATCH /api/rooms/{id} -> the room */
  ROOM_OP_SETTINGS,   /* PATCH /api/rooms/{id}/settings -> the room, or 204 */
  ROOM_OP_LEAVE,      /* DELETE /api/rooms/{id}/members/{me} -> 204 */
} RoomOpKind;

typedef struct {
  RoomOpKind  kind;
  char       *room_id;
  JsonObject *body;
} RoomOp;

static void
room_op_free (RoomOp *op)
{
  g_free (op->room_id);
  g_clear_pointer (&op->body, json_object_unref);
  g_free (op);
}

/* The room in the list once @json (a wire room) is applied, or NULL. */
static CcRoom *
apply_room (CcClient   *self,
            JsonObject *json)
{
  CcRoom *room;

  if (json == NULL || _cc_json_str (json, "id") == NULL)
    return NULL;
  room = cc_room_list_upsert (self->rooms, json);
  _cc_client_persist_room (self, room);
  return room;
}

static GListModel *
parse_rooms (JsonArray *array)
{
  GListStore *store = g_list_store_new (CC_TYPE_ROOM);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(CcRoom) room = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      room = cc_room_new_from_json (json_node_get_object (node));
      g_list_store_append (store, room);
    }
  return G_LIST_MODEL (store);
}

static void
room_op_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  RoomOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *body = NULL;
  GError *error = NULL;
  CcRoom *room;

  node = cc_api_request_finish (CC_API (object), result, NULL, NULL, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    body = json_node_get_object (node);

  switch (op->kind)
    {
    case ROOM_OP_CREATE:
    case ROOM_OP_DIRECT:
    case ROOM_OP_JOIN:
      room = apply_room (self, _cc_json_obj (body, "room") ? _cc_json_obj (body, "room") : body);
      if (room == NULL)
        {
          g_task_return_new_error (task, CAU_ERROR, CAU_ERROR_INTERNAL,
                                   _("The server's answer did not say which room it is."));
          return;
        }
      if (op->kind == ROOM_OP_DIRECT)
        _cc_client_reload_members (self, cc_room_get_id (room), TRUE);
      g_task_return_pointer (task, g_object_ref (room), g_object_unref);
      return;
    case ROOM_OP_DISCOVER:
      g_task_return_pointer (task, parse_rooms (_cc_json_array (body, "rooms")), g_object_unref);
      return;
    case ROOM_OP_UPDATE:
      apply_room (self, _cc_json_obj (body, "room") ? _cc_json_obj (body, "room") : body);
      break;
    case ROOM_OP_SETTINGS:
      if (body != NULL && _cc_json_str (body, "id") != NULL)
        apply_room (self, body);
      else if (cc_room_list_lookup (self->rooms, op->room_id) != NULL)
        {
          /* 204: apply what we asked for. */
          g_autoptr(JsonObject) asked = json_object_new ();

          json_object_set_string_member (asked, "id", op->room_id);
          _cc_json_merge (asked, op->body);
          apply_room (self, asked);
        }
      break;
    case ROOM_OP_LEAVE:
      cc_room_list_remove (self->rooms, op->room_id);
      cc_cache_delete_room_async (self->cache, op->room_id, NULL, NULL, NULL);
      break;
    default:
      g_assert_not_reached ();
    }
  g_task_return_boolean (task, TRUE);
}

/* Sends one request for @kind; @body is taken (may be NULL). */
static void
room_op (CcClient            *self,
         gpointer             tag,
         RoomOpKind           kind,
         const char          *method,
         const char          *path,
         const char          *room_id,
         JsonObject          *body,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RoomOp *op = g_new0 (RoomOp, 1);

  g_task_set_source_tag (task, tag);
  op->kind = kind;
  op->room_id = g_strdup (room_id);
  op->body = body;
  g_task_set_task_data (task, op, (GDestroyNotify) room_op_free);
  cc_api_request_async (cc_client_get_api (self), method, path, body, cancellable, room_op_cb, task);
}

static CcRoom *
room_finish (CcClient      *self,
             GAsyncResult  *result,
             gpointer       tag,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Creating and entering rooms */

void
cc_client_create_room_async (CcClient            *self,
                             const char          *type,
                             const char          *name,
                             const char          *description,
                             gboolean             is_private,
                             const char * const  *member_ids,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  cc_client_create_tied_room_async (self, type, name, description, is_private, member_ids, NULL,
                                    cancellable, callback, user_data);
}

void
cc_client_create_tied_room_async (CcClient            *self,
                                  const char          *type,
                                  const char          *name,
                                  const char          *description,
                                  gboolean             is_private,
                                  const char * const  *member_ids,
                                  const CauContext    *context,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (type != NULL && name != NULL);

  body = json_object_new ();
  json_object_set_string_member (body, "type", type);
  json_object_set_string_member (body, "name", name);
  if (description != NULL)
    json_object_set_string_member (body, "description", description);
  json_object_set_boolean_member (body, "is_private", is_private);
  if (member_ids != NULL && member_ids[0] != NULL)
    {
      JsonArray *ids = json_array_new ();

      for (guint i = 0; member_ids[i] != NULL; i++)
        json_array_add_string_element (ids, member_ids[i]);
      json_object_set_array_member (body, "member_ids", ids);
    }
  if (context != NULL)
    json_object_set_object_member (body, "context", cau_context_to_json (context));
  room_op (self, cc_client_create_room_async, ROOM_OP_CREATE, "POST", "/api/rooms", NULL, body,
           cancellable, callback, user_data);
}

CcRoom *
cc_client_create_room_finish (CcClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return room_finish (self, result, cc_client_create_room_async, error);
}

void
cc_client_open_direct_async (CcClient            *self,
                             const char          *user_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (user_id != NULL);

  body = json_object_new ();
  json_object_set_string_member (body, "user_id", user_id);
  room_op (self, cc_client_open_direct_async, ROOM_OP_DIRECT, "POST", "/api/rooms/direct", NULL, body,
           cancellable, callback, user_data);
}

CcRoom *
cc_client_open_direct_finish (CcClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return room_finish (self, result, cc_client_open_direct_async, error);
}

void
cc_client_join_room_async (CcClient            *self,
                           const char          *room_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *room = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);

  room = cc_api_escape (room_id);
  path = g_strdup_printf ("/api/rooms/%s/join", room);
  room_op (self, cc_client_join_room_async, ROOM_OP_JOIN, "POST", path, room_id, NULL,
           cancellable, callback, user_data);
}

CcRoom *
cc_client_join_room_finish (CcClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return room_finish (self, result, cc_client_join_room_async, error);
}

void
cc_client_discover_rooms_async (CcClient            *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CC_IS_CLIENT (self));

  room_op (self, cc_client_discover_rooms_async, ROOM_OP_DISCOVER, "GET", "/api/rooms/discover",
           NULL, NULL, cancellable, callback, user_data);
}

GListModel *
cc_client_discover_rooms_finish (CcClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cc_client_discover_rooms_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Changing a room */

static void
update_room (CcClient            *self,
             gpointer             tag,
             const char          *room_id,
             const char          *member,
             JsonNode            *value,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autofree char *room = cc_api_escape (room_id);
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s", room);
  JsonObject *body = json_object_new ();

  json_object_set_member (body, member, value);
  room_op (self, tag, ROOM_OP_UPDATE, "PATCH", path, room_id, body, cancellable, callback, user_data);
}

void
cc_client_rename_room_async (CcClient            *self,
                             const char          *room_id,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JsonNode *value;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL && name != NULL);

  value = json_node_init_string (json_node_alloc (), name);
  update_room (self, cc_client_rename_room_async, room_id, "name", value,
               cancellable, callback, user_data);
}

void
cc_client_set_room_description_async (CcClient            *self,
                                      const char          *room_id,
                                      const char          *description,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  JsonNode *value;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);

  value = json_node_init_string (json_node_alloc (), description ? description : "");
  update_room (self, cc_client_set_room_description_async, room_id, "description", value,
               cancellable, callback, user_data);
}

void
cc_client_archive_room_async (CcClient            *self,
                              const char          *room_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  JsonNode *value;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);

  value = json_node_init_boolean (json_node_alloc (), TRUE);
  update_room (self, cc_client_archive_room_async, room_id, "is_archived", value,
               cancellable, callback, user_data);
}

void
cc_client_set_room_muted_async (CcClient            *self,
                                const char          *room_id,
                                gboolean             muted,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *room = NULL;
  g_autofree char *path = NULL;
  JsonObject *body;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);

  room = cc_api_escape (room_id);
  path = g_strdup_printf ("/api/rooms/%s/settings", room);
  body = json_object_new ();
  json_object_set_boolean_member (body, "muted", muted);
  room_op (self, cc_client_set_room_muted_async, ROOM_OP_SETTINGS, "PATCH", path, room_id, body,
           cancellable, callback, user_data);
}

void
cc_client_leave_room_async (CcClient            *self,
                            const char          *room_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  const char *me;
  g_autofree char *room = NULL;
  g_autofree char *user = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL);

  me = cc_account_get_user_id (self->account);
  if (me == NULL)
    {
      g_task_report_new_error (self, callback, user_data, cc_client_leave_room_async,
                               G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("Who you are is not known yet; try again once connected."));
      return;
    }
  room = cc_api_escape (room_id);
  user = cc_api_escape (me);
  path = g_strdup_printf ("/api/rooms/%s/members/%s", room, user);
  room_op (self, cc_client_leave_room_async, ROOM_OP_LEAVE, "DELETE", path, room_id, NULL,
           cancellable, callback, user_data);
}

gboolean
cc_client_room_op_finish (CcClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result) && g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
