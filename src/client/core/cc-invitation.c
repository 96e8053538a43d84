/* cc-invitation.c: invitations by email: the object, the REST calls and
 * the invitation links (causerie://invite/… and https://…/invite/…).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-invitation"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cau-error.h"
#include "cc-invitation.h"
#include "cc-json-private.h"

struct _CcInvitation
{
  GObject     parent_instance;
  JsonObject *json;
  char       *token;
  char       *server_url;
};

G_DEFINE_FINAL_TYPE (CcInvitation, cc_invitation, G_TYPE_OBJECT)

static void
cc_invitation_finalize (GObject *object)
{
  CcInvitation *self = CC_INVITATION (object);

  g_clear_pointer (&self->json, json_object_unref);
  g_free (self->token);
  g_free (self->server_url);
  G_OBJECT_CLASS (cc_invitation_parent_class)->finalize (object);
}

static void
cc_invitation_class_init (CcInvitationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_invitation_finalize;
}

static void
cc_invitation_init (CcInvitation *self)
{
}

CcInvitation *
cc_invitation_new_from_json (JsonObject *json)
{
  CcInvitation *self;

  g_return_val_if_fail (json != NULL, NULL);

  self = g_object_new (CC_TYPE_INVITATION, NULL);
  self->json = json_object_new ();
  _cc_json_merge (self->json, json);
  self->token = g_strdup (_cc_json_str (json, "token"));
  if (self->token == NULL && _cc_json_str (json, "link") != NULL)
    cc_invitation_parse_link (_cc_json_str (json, "link"), &self->token, &self->server_url, NULL);
  return self;
}

#define STR_GETTER(name, member) \
  const char * \
  cc_invitation_get_##name (CcInvitation *self) \
  { \
    g_return_val_if_fail (CC_IS_INVITATION (self), NULL); \
    return _cc_json_str (self->json, member); \
  }

STR_GETTER (id, "id")
STR_GETTER (room_id, "room_id")
STR_GETTER (room_type, "room_type")
STR_GETTER (tenant, "tenant_name")
STR_GETTER (email, "email")
STR_GETTER (status, "status")
STR_GETTER (message, "message")
STR_GETTER (link, "link")

const char *
cc_invitation_get_room_name (CcInvitation *self)
{
  g_return_val_if_fail (CC_IS_INVITATION (self), NULL);
  return _cc_json_str (self->json, "room_name");
}

const char *
cc_invitation_get_inviter_name (CcInvitation *self)
{
  const char *name;

  g_return_val_if_fail (CC_IS_INVITATION (self), NULL);
  name = _cc_json_str (self->json, "inviter_name");
  if (name == NULL)
    name = _cc_json_str (_cc_json_obj (self->json, "inviter"), "display_name");
  return name;
}

const char *
cc_invitation_get_token (CcInvitation *self)
{
  g_return_val_if_fail (CC_IS_INVITATION (self), NULL);
  return self->token;
}

const char *
cc_invitation_get_server_url (CcInvitation *self)
{
  g_return_val_if_fail (CC_IS_INVITATION (self), NULL);
  return self->server_url;
}

gint64
cc_invitation_get_expires_at (CcInvitation *self)
{
  g_return_val_if_fail (CC_IS_INVITATION (self), 0);
  return _cc_json_time (self->json, "expires_at");
}

gboolean
cc_invitation_get_has_account (CcInvitation *self)
{
  g_return_val_if_fail (CC_IS_INVITATION (self), FALSE);
  return _cc_json_bool (self->json, "has_account");
}

/* Links ------------------------------------------------------------------- */

static gboolean
token_is_valid (const char *token)
{
  gsize len = strlen (token);

  if (len < 16 || len > 256)
    return FALSE;
  for (const char *p = token; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
link_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "This is not a Causerie invitation link. Check that it was copied whole.");
  return FALSE;
}

/* "http(s)://host[:port]" and no user info: anything else is refused. */
static char *
server_of (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);

  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      host == NULL || *host == '\0' || g_uri_get_userinfo (uri) != NULL)
    return NULL;
  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, host, port, "", NULL, NULL);
}

gboolean
cc_invitation_parse_link (const char  *link,
                          char       **out_token,
                          char       **out_server_url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;
  const char *path;

  g_return_val_if_fail (out_token != NULL && out_server_url != NULL, FALSE);

  if (link == NULL)
    return link_error (error);
  text = g_strstrip (g_strdup (link));
  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (uri == NULL)
    return link_error (error);
  path = g_uri_get_path (uri);

  if (g_strcmp0 (g_uri_get_scheme (uri), "causerie") == 0)
    {
      g_autoptr(GHashTable) params = NULL;
      const char *query = g_uri_get_query (uri);
      g_autoptr(GUri) server_uri = NULL;

      if (g_strcmp0 (g_uri_get_host (uri), "invite") != 0 || path == NULL || *path != '/')
        return link_error (error);
      token = g_strdup (path + 1);
      if (query != NULL)
        params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
      if (params == NULL || g_hash_table_lookup (params, "server") == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "This invitation link does not say which server it comes from.");
          return FALSE;
        }
      server_uri = g_uri_parse (g_hash_table_lookup (params, "server"), G_URI_FLAGS_NONE, NULL);
      if (server_uri == NULL || (server = server_of (server_uri)) == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The server named in this invitation link is not a web address.");
          return FALSE;
        }
      /* A server behind a path prefix keeps it. */
      if (g_uri_get_path (server_uri) != NULL && *g_uri_get_path (server_uri) != '\0')
        {
          g_autofree char *prefix = g_strdup (g_uri_get_path (server_uri));
          gsize n = strlen (prefix);

          while (n > 0 && prefix[n - 1] == '/')
            prefix[--n] = '\0';
          if (n > 0)
            {
              char *joined = g_strconcat (server, prefix, NULL);
              g_free (server);
              server = joined;
            }
        }
    }
  else
    {
      const char *at = path ? g_strrstr (path, "/invite/") : NULL;

      if (at == NULL || (server = server_of (uri)) == NULL)
        return link_error (error);
      token = g_strdup (at + strlen ("/invite/"));
      if (at != path)
        {
          g_autofree char *prefix = g_strndup (path, at - path);
          char *joined = g_strconcat (server, prefix, NULL);

          g_free (server);
          server = joined;
        }
    }

  /* A trailing slash is tolerated; anything else in the token is not. */
  if (token != NULL && g_str_has_suffix (token, "/"))
    token[strlen (token) - 1] = '\0';
  if (token == NULL || !token_is_valid (token))
    return link_error (error);

  *out_token = g_steal_pointer (&token);
  *out_server_url = g_steal_pointer (&server);
  return TRUE;
}

/* REST -------------------------------------------------------------------- */

/* @method on "/api/rooms/{room_id}/invitations" or, without a room,
 * "/api/invitations/{token}{suffix}". */
static void
request (CcApi               *api,
         gpointer             source_tag,
         const char          *method,
         const char          *room_id,
         const char          *token,
         const char          *suffix,
         JsonObject          *body,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_autofree char *escaped = cc_api_escape (room_id ? room_id : token);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, source_tag);
  if (room_id != NULL)
    path = g_strdup_printf ("/api/rooms/%s/invitations", escaped);
  else
    path = g_strdup_printf ("/api/invitations/%s%s", escaped, suffix);
  cc_api_request_task (api, method, path, body, task);
}

void
cc_invitation_create_async (CcApi               *api,
                            const char          *room_id,
                            const char          *email,
                            const char          *message,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CC_IS_API (api));
  g_return_if_fail (room_id != NULL && email != NULL);

  json_object_set_string_member (body, "email", email);
  if (message != NULL && *message != '\0')
    json_object_set_string_member (body, "message", message);
  request (api, cc_invitation_create_async, "POST", room_id, NULL, NULL, body,
           cancellable, callback, user_data);
}

CcInvitation *
cc_invitation_create_finish (CcApi         *api,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(JsonObject) reply = cc_api_task_finish_object (result, api, cc_invitation_create_async, error);

  return reply ? cc_invitation_new_from_json (reply) : NULL;
}

void
cc_invitation_list_async (CcApi               *api,
                          const char          *room_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (CC_IS_API (api));
  g_return_if_fail (room_id != NULL);

  request (api, cc_invitation_list_async, "GET", room_id, NULL, NULL, NULL,
           cancellable, callback, user_data);
}

GListModel *
cc_invitation_list_finish (CcApi         *api,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_autoptr(JsonObject) reply = cc_api_task_finish_object (result, api, cc_invitation_list_async, error);
  GListStore *store;
  JsonArray *list;

  if (reply == NULL)
    return NULL;
  store = g_list_store_new (CC_TYPE_INVITATION);
  list = _cc_json_array (reply, "invitations");
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autoptr(CcInvitation) inv = cc_invitation_new_from_json (json_node_get_object (node));
          g_list_store_append (store, inv);
        }
    }
  return G_LIST_MODEL (store);
}

void
cc_invitation_revoke_async (CcApi               *api,
                            const char          *invitation_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CC_IS_API (api));
  g_return_if_fail (invitation_id != NULL);

  request (api, cc_invitation_revoke_async, "DELETE", NULL, invitation_id, "", NULL,
           cancellable, callback, user_data);
}

gboolean
cc_invitation_revoke_finish (CcApi         *api,
                             GAsyncResult  *result,
                             GError       **error)
{
  return cc_api_task_finish (result, api, cc_invitation_revoke_async, error);
}

void
cc_invitation_lookup_async (CcApi               *api,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_API (api));
  g_return_if_fail (token != NULL);

  /* The answer does not repeat the token: the task keeps it. */
  task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_invitation_lookup_async);
  g_task_set_task_data (task, g_strdup (token), g_free);
  escaped = cc_api_escape (token);
  path = g_strdup_printf ("/api/invitations/%s", escaped);
  cc_api_request_task (api, "GET", path, NULL, task);
}

CcInvitation *
cc_invitation_lookup_finish (CcApi         *api,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(JsonObject) reply = cc_api_task_finish_object (result, api, cc_invitation_lookup_async, error);
  CcInvitation *self;

  if (reply == NULL)
    return NULL;
  self = cc_invitation_new_from_json (reply);
  g_free (self->token);
  self->token = g_strdup (g_task_get_task_data (G_TASK (result)));
  g_free (self->server_url);
  self->server_url = g_strdup (cc_api_get_server_url (api));
  return self;
}

void
cc_invitation_accept_async (CcApi               *api,
                            const char          *token,
                            const char          *display_name,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CC_IS_API (api));
  g_return_if_fail (token != NULL);
  g_return_if_fail ((display_name == NULL) == (password == NULL));

  if (display_name != NULL)
    {
      json_object_set_string_member (body, "display_name", display_name);
      json_object_set_string_member (body, "password", password);
    }
  request (api, cc_invitation_accept_async, "POST", NULL, token, "/accept", body,
           cancellable, callback, user_data);
}

char *
cc_invitation_accept_finish (CcApi         *api,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(JsonObject) reply = cc_api_task_finish_object (result, api, cc_invitation_accept_async, error);
  const char *room_id;

  if (reply == NULL)
    return NULL;
  room_id = _cc_json_str (_cc_json_obj (reply, "room"), "id");
  if (room_id == NULL)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_INTERNAL,
                           _("The server's answer did not say which room it is."));
      return NULL;
    }
  return g_strdup (room_id);
}

void
cc_invitation_decline_async (CcApi               *api,
                             const char          *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CC_IS_API (api));
  g_return_if_fail (token != NULL);

  request (api, cc_invitation_decline_async, "POST", NULL, token, "/decline", NULL,
           cancellable, callback, user_data);
}

gboolean
cc_invitation_decline_finish (CcApi         *api,
                              GAsyncResult  *result,
                              GError       **error)
{
  return cc_api_task_finish (result, api, cc_invitation_decline_async, error);
}
