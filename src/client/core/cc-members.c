/* cc-members.c: people in a room (add, role, remove, leave), the colleague
 * search, the user's status text, room-role rules and "Last seen …".
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-core"

#include <glib/gi18n-lib.h>

#include "cc-members.h"
#include "cc-api.h"
#include "cc-cache.h"
#include "cc-client-private.h"
#include "cc-json-private.h"
#include "cc-room-list.h"

static gboolean
is_manager (const char *role)
{
  return g_strcmp0 (role, "owner") == 0 || g_strcmp0 (role, "admin") == 0;
}

gboolean
cc_room_role_can_add (const char *my_role)
{
  return is_manager (my_role) || g_strcmp0 (my_role, "member") == 0;
}

GStrv
cc_room_role_assignable (const char *my_role)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (g_strcmp0 (my_role, "owner") == 0)
    g_strv_builder_add (b, "owner");
  if (is_manager (my_role))
    g_strv_builder_add (b, "admin");
  if (cc_room_role_can_add (my_role))
    {
      g_strv_builder_add (b, "member");
      g_strv_builder_add (b, "guest");
    }
  return g_strv_builder_end (b);
}

gboolean
cc_room_role_can_manage (const char *my_role,
                         const char *their_role)
{
  if (!is_manager (my_role))
    return FALSE;
  if (g_strcmp0 (their_role, "owner") == 0)
    return g_strcmp0 (my_role, "owner") == 0;
  return TRUE;
}

char *
cc_format_last_seen (const char *presence,
                     gint64      last_seen_ms,
                     gint64      now_ms)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) seen = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autofree char *clock = NULL;
  gint64 minutes;
  GTimeSpan days;

  if (g_strcmp0 (presence, "online") == 0)
    return g_strdup (_("Online"));
  if (last_seen_ms <= 0)
    return NULL;
  if (now_ms <= 0)
    now_ms = g_get_real_time () / 1000;
  now = g_date_time_new_from_unix_local (now_ms / 1000);
  seen = g_date_time_new_from_unix_local (last_seen_ms / 1000);
  if (now == NULL || seen == NULL)
    return NULL;
  minutes = MAX (0, (now_ms - last_seen_ms) / 60000);
  if (minutes < 1)
    return g_strdup (_("Last seen just now"));
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last seen %d minute ago",
                                         "Last seen %d minutes ago", minutes), (int) minutes);
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  clock = g_date_time_format (seen, "%H:%M");
  if (g_date_time_compare (seen, today) >= 0)
    {
      if (minutes < 180)
        {
          int hours = (int) (minutes / 60);
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last seen %d hour ago",
                                               "Last seen %d hours ago", hours), hours);
        }
      /* TRANSLATORS: %s is a time of day, 14:02 */
      return g_strdup_printf (_("Last seen today at %s"), clock);
    }
  days = g_date_time_difference (today, seen) / G_TIME_SPAN_DAY;
  if (days < 1)
    /* TRANSLATORS: %s is a time of day, 14:02 */
    return g_strdup_printf (_("Last seen yesterday at %s"), clock);
  if (days < 6)
    {
      /* TRANSLATORS: a strftime format: "Last seen Monday at 14:02" */
      g_autofree char *fmt = g_date_time_format (seen, _("Last seen %A at %H:%M"));
      return g_steal_pointer (&fmt);
    }
  if (g_date_time_get_year (seen) == g_date_time_get_year (now))
    /* TRANSLATORS: a strftime format: "Last seen on 3 March" */
    return g_date_time_format (seen, _("Last seen on %e %B"));
  /* TRANSLATORS: a strftime format: "Last seen on 3 March 2025" */
  return g_date_time_format (seen, _("Last seen on %e %B %Y"));
}

/* Search */

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  const char *exclude = g_task_get_task_data (task);
  GListModel *members = exclude ? g_hash_table_lookup (self->members, exclude) : NULL;
  const char *me = cc_account_get_user_id (self->account);
  g_autoptr(GListStore) store = g_list_store_new (CC_TYPE_USER);
  g_autoptr(JsonObject) body = NULL;
  JsonArray *users;
  GError *error = NULL;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  users = _cc_json_array (body, "users");
  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      const char *id = _cc_json_str (u, "id");
      gboolean member = FALSE;

      if (id == NULL || g_strcmp0 (id, me) == 0)
        continue;
      for (guint j = 0; members != NULL && j < g_list_model_get_n_items (members) && !member; j++)
        {
          g_autoptr(CcMember) m = g_list_model_get_item (members, j);
          member = g_strcmp0 (cc_member_get_user_id (m), id) == 0;
        }
      if (!member)
        g_list_store_append (store, _cc_client_ensure_user (self, u));
    }
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

void
cc_client_search_users_async (CcClient            *self,
                              const char          *query,
                              const char          *exclude_room_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *q = cc_api_escape (query ? query : "");
  g_autofree char *path = g_strdup_printf ("/api/users?q=%s&limit=50", q);
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_search_users_async);
  g_task_set_task_data (task, g_strdup (exclude_room_id), g_free);
  cc_api_request_async (cc_client_get_api (self), "GET", path, NULL, cancellable, search_cb, task);
}

GListModel *
cc_client_search_users_finish (CcClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Member operations */

typedef struct {
  char *room_id;
  char *user_id;
  gboolean leaving;
} MemberOp;

static void
member_op_free (MemberOp *op)
{
  g_free (op->room_id);
  g_free (op->user_id);
  g_free (op);
}

static void
member_op_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  MemberOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = cc_api_request_finish (CC_API (object), result, NULL, NULL, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (op->leaving)
    {
      cc_room_list_remove (self->rooms, op->room_id);
      cc_cache_delete_room_async (self->cache, op->room_id, NULL, NULL, NULL);
    }
  else
    _cc_client_reload_members (self, op->room_id, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
member_op (CcClient            *self,
           gpointer             tag,
           const char          *method,
           const char          *room_id,
           const char          *user_id,
           JsonObject          *body,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autofree char *room = cc_api_escape (room_id);
  g_autofree char *user = user_id ? cc_api_escape (user_id) : NULL;
  g_autofree char *path = NULL;
  MemberOp *op = g_new0 (MemberOp, 1);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  op->room_id = g_strdup (room_id);
  op->user_id = g_strdup (user_id);
  op->leaving = g_str_equal (method, "DELETE") &&
                g_strcmp0 (user_id, cc_account_get_user_id (self->account)) == 0;
  g_task_set_task_data (task, op, (GDestroyNotify) member_op_free);
  path = user ? g_strdup_printf ("/api/rooms/%s/members/%s", room, user)
              : g_strdup_printf ("/api/rooms/%s/members", room);
  cc_api_request_async (cc_client_get_api (self), method, path, body, cancellable, member_op_cb, task);
}

void
cc_client_add_member_async (CcClient            *self,
                            const char          *room_id,
                            const char          *user_id,
                            const char          *role,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL && user_id != NULL);

  json_object_set_string_member (body, "user_id", user_id);
  if (role != NULL)
    json_object_set_string_member (body, "role", role);
  member_op (self, cc_client_add_member_async, "POST", room_id, NULL, body,
             cancellable, callback, user_data);
}

void
cc_client_set_member_role_async (CcClient            *self,
                                 const char          *room_id,
                                 const char          *user_id,
                                 const char          *role,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL && user_id != NULL && role != NULL);

  json_object_set_string_member (body, "role", role);
  member_op (self, cc_client_set_member_role_async, "PATCH", room_id, user_id, body,
             cancellable, callback, user_data);
}

void
cc_client_remove_member_async (CcClient            *self,
                               const char          *room_id,
                               const char          *user_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (room_id != NULL && user_id != NULL);

  member_op (self, cc_client_remove_member_async, "DELETE", room_id, user_id, NULL,
             cancellable, callback, user_data);
}

gboolean
cc_client_member_op_finish (CcClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Status text */

static void
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) user = NULL;
  GError *error = NULL;

  user = cc_api_request_finish_object (CC_API (object), result, &error);
  if (user == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _cc_client_ensure_user (self, user);
  if (cc_account_get_user (self->account) != NULL)
    cc_user_update_from_json (cc_account_get_user (self->account), user);
  g_task_return_boolean (task, TRUE);
}

void
cc_client_set_status_text_async (CcClient            *self,
                                 const char          *text,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_set_status_text_async);
  json_object_set_string_member (body, "status_text", text ? text : "");
  cc_api_request_async (cc_client_get_api (self), "PATCH", "/api/me", body, cancellable, status_cb, task);
}

gboolean
cc_client_set_status_text_finish (CcClient      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
