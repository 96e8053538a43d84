/* cc-discuss.c: the Discuss link and the calls behind the Discuss view.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-discuss"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cau-validate.h"
#include "cc-client-private.h"
#include "cc-discuss.h"
#include "cc-json-private.h"

void
cc_discuss_link_free (CcDiscussLink *link)
{
  if (link == NULL)
    return;
  g_free (link->server);
  cau_context_free (link->context);
  g_strfreev (link->with);
  g_free (link);
}

static gpointer
refuse (GError     **error,
        const char  *sentence)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, sentence);
  return NULL;
}

gboolean
cc_discuss_link_is_discuss (const char *link)
{
  g_autoptr(GUri) uri = link ? g_uri_parse (link, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;

  return uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "causerie") == 0 &&
         g_strcmp0 (g_uri_get_host (uri), "discuss") == 0;
}

/* scheme://host[:port][/prefix] of an http(s) address, or NULL. */
static char *
server_of (const char *text)
{
  g_autoptr(GUri) uri = text ? g_uri_parse (text, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *lower = NULL;
  const char *scheme, *host;
  gsize n;

  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      host == NULL || *host == '\0' || g_uri_get_userinfo (uri) != NULL)
    return NULL;
  prefix = g_strdup (g_uri_get_path (uri) ? g_uri_get_path (uri) : "");
  n = strlen (prefix);
  while (n > 0 && prefix[n - 1] == '/')
    prefix[--n] = '\0';
  lower = g_ascii_strdown (scheme, -1);
  return g_uri_join (G_URI_FLAGS_NONE, lower, NULL,
                     host, g_uri_get_port (uri), prefix, NULL, NULL);
}

CcDiscussLink *
cc_discuss_link_parse (const char  *link,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(CcDiscussLink) out = NULL;
  g_autoptr(GStrvBuilder) with = g_strv_builder_new ();
  g_autoptr(GError) rule = NULL;
  g_autofree char *text = link ? g_strstrip (g_strdup (link)) : NULL;
  GHashTable *first = NULL;
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GUriParamsIter iter;
  char *name, *value;
  const char *query;

  uri = text ? g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "causerie") != 0 ||
      g_strcmp0 (g_uri_get_host (uri), "discuss") != 0)
    return refuse (error, _("This is not a Causerie Discuss link."));
  query = g_uri_get_query (uri);
  if (query == NULL)
    return refuse (error, _("This Discuss link is not complete: it must name the server, the object’s type, its id and a label."));

  g_uri_params_iter_init (&iter, query, -1, "&", G_URI_PARAMS_WWW_FORM);
  while (TRUE)
    {
      g_autoptr(GError) bad = NULL;

      /* FALSE at the end, and on an error. */
      if (!g_uri_params_iter_next (&iter, &name, &value, &bad))
        {
          if (bad != NULL)
            return refuse (error, _("This Discuss link is not correctly encoded. Check that it was copied whole."));
          break;
        }
      if (strcmp (name, "with") == 0)
        {
          g_auto(GStrv) parts = g_strsplit (value, ",", -1);

          for (guint i = 0; parts[i]; i++)
            {
              g_autofree char *email = NULL;
              g_autofree char *trimmed = g_strstrip (g_strdup (parts[i]));

              if (trimmed[0] == '\0')
                continue;
              if (!cau_validate_email (trimmed, &email, NULL))
                {
                  g_autofree char *sentence = g_strdup_printf (_("“%s” in this Discuss link is not an email address."), trimmed);

                  g_free (name);
                  g_free (value);
                  return refuse (error, sentence);
                }
              g_strv_builder_add (with, email);
            }
          g_free (name);
          g_free (value);
        }
      else if (g_hash_table_contains (fields, name))
        {
          g_free (name);
          g_free (value);
        }
      else
        g_hash_table_insert (fields, name, value);
    }
  first = fields;

  if (g_hash_table_lookup (first, "server") == NULL || g_hash_table_lookup (first, "entity_type") == NULL ||
      g_hash_table_lookup (first, "entity_id") == NULL || g_hash_table_lookup (first, "label") == NULL)
    return refuse (error, _("This Discuss link is not complete: it must name the server, the object’s type, its id and a label."));

  out = g_new0 (CcDiscussLink, 1);
  out->server = server_of (g_hash_table_lookup (first, "server"));
  if (out->server == NULL)
    return refuse (error, _("The server in this Discuss link is not a web address (http or https)."));
  if (!cau_context_check_type (g_hash_table_lookup (first, "entity_type"), NULL))
    return refuse (error, _("The object type in this Discuss link is not valid: it must start with a lower-case letter, followed by at most 39 lower-case letters, digits, “_”, “.” or “-”."));
  if (g_hash_table_lookup (first, "url") != NULL &&
      !cau_context_check_url (g_hash_table_lookup (first, "url"), NULL))
    return refuse (error, _("The object’s address in this Discuss link is not a web address (http or https)."));
  out->context = cau_context_new (g_hash_table_lookup (first, "entity_type"), g_hash_table_lookup (first, "entity_id"),
                                  g_hash_table_lookup (first, "label"), g_hash_table_lookup (first, "url"), &rule);
  if (out->context == NULL)
    return refuse (error, _("The object’s id or label in this Discuss link is empty, longer than 200 characters, or holds control characters."));
  out->with = g_strv_builder_end (with);
  return g_steal_pointer (&out);
}

gboolean
cc_discuss_link_check_server (const CcDiscussLink *link,
                              const char          *server_url,
                              GError             **error)
{
  g_autofree char *mine = server_of (server_url);

  g_return_val_if_fail (link != NULL, FALSE);
  if (mine != NULL && g_ascii_strcasecmp (mine, link->server) == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("This Discuss link is for the server %s, but you are signed in to %s. Nothing was done."),
               link->server, server_url ? server_url : "");
  return FALSE;
}

/* What is tied to an object */

typedef struct {
  GListModel *rooms;
  GListModel *messages;
} Found;

static void
found_free (Found *found)
{
  g_clear_object (&found->rooms);
  g_clear_object (&found->messages);
  g_free (found);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) body = NULL;
  GListStore *rooms, *messages;
  JsonArray *array;
  GError *error = NULL;
  Found *found;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  rooms = g_list_store_new (CC_TYPE_ROOM);
  array = _cc_json_array (body, "rooms");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *json = json_array_get_object_element (array, i);
      CcRoom *known = json ? cc_client_lookup_room (self, _cc_json_str (json, "id")) : NULL;
      g_autoptr(CcRoom) room = NULL;

      if (json == NULL || _cc_json_str (json, "id") == NULL)
        continue;
      room = known ? g_object_ref (known) : cc_room_new_from_json (json);
      g_list_store_append (rooms, room);
    }
  messages = g_list_store_new (CC_TYPE_MESSAGE);
  array = _cc_json_array (body, "messages");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *json = json_array_get_object_element (array, i);
      g_autoptr(CcMessage) message = NULL;

      if (json == NULL || _cc_json_str (json, "id") == NULL)
        continue;
      message = cc_message_new_from_json (json);
      g_list_store_append (messages, message);
    }
  found = g_new0 (Found, 1);
  found->rooms = G_LIST_MODEL (rooms);
  found->messages = G_LIST_MODEL (messages);
  g_task_return_pointer (task, found, (GDestroyNotify) found_free);
}

void
cc_client_lookup_context_async (CcClient            *self,
                                const CauContext    *context,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *type = NULL, *id = NULL, *path = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (context != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_lookup_context_async);
  type = cc_api_escape (context->entity_type);
  id = cc_api_escape (context->entity_id);
  path = g_strdup_printf ("/api/context/%s/%s?limit=20", type, id);
  cc_api_request_async (cc_client_get_api (self), "GET", path, NULL, cancellable, lookup_cb, task);
}

gboolean
cc_client_lookup_context_finish (CcClient      *self,
                                 GAsyncResult  *result,
                                 GListModel   **out_rooms,
                                 GListModel   **out_messages,
                                 GError       **error)
{
  Found *found;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;
  if (out_rooms)
    *out_rooms = g_steal_pointer (&found->rooms);
  if (out_messages)
    *out_messages = g_steal_pointer (&found->messages);
  found_free (found);
  return TRUE;
}

/* The people named */

typedef struct {
  GStrv      emails;
  guint      next;
  GPtrArray *users;
} Resolve;

static void
resolve_free (Resolve *resolve)
{
  g_strfreev (resolve->emails);
  g_ptr_array_unref (resolve->users);
  g_free (resolve);
}

static void resolve_next (GTask *task);

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  Resolve *resolve = g_task_get_task_data (task);
  const char *email = resolve->emails[resolve->next];
  g_autoptr(JsonObject) body = NULL;
  GError *error = NULL;
  JsonArray *users;
  CcUser *user = NULL;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  users = _cc_json_array (body, "users");
  for (guint i = 0; users && i < json_array_get_length (users) && user == NULL; i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);

      if (u != NULL && g_ascii_strcasecmp (_cc_json_str (u, "email") ? _cc_json_str (u, "email") : "", email) == 0)
        user = _cc_client_ensure_user (self, u);
    }
  if (user == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No one with the address %s is in your organisation."), email);
      return;
    }
  g_ptr_array_add (resolve->users, g_object_ref (user));
  resolve->next++;
  resolve_next (g_steal_pointer (&task));
}

static void
resolve_next (GTask *task)
{
  CcClient *self = g_task_get_source_object (task);
  Resolve *resolve = g_task_get_task_data (task);
  CcUser *me = cc_account_get_user (cc_client_get_account (self));
  g_autofree char *q = NULL, *path = NULL;

  while (resolve->emails[resolve->next] != NULL && me != NULL &&
         g_ascii_strcasecmp (cc_user_get_email (me) ? cc_user_get_email (me) : "", resolve->emails[resolve->next]) == 0)
    resolve->next++;
  if (resolve->emails[resolve->next] == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (resolve->users), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  q = cc_api_escape (resolve->emails[resolve->next]);
  path = g_strdup_printf ("/api/users?q=%s&limit=50", q);
  cc_api_request_async (cc_client_get_api (self), "GET", path, NULL,
                        g_task_get_cancellable (task), resolve_cb, task);
}

void
cc_client_resolve_emails_async (CcClient            *self,
                                const char * const  *emails,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Resolve *resolve;

  g_return_if_fail (CC_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_resolve_emails_async);
  resolve = g_new0 (Resolve, 1);
  resolve->emails = g_strdupv ((char **) emails);
  if (resolve->emails == NULL)
    resolve->emails = g_new0 (char *, 1);
  resolve->users = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, resolve, (GDestroyNotify) resolve_free);
  resolve_next (task);
}

GPtrArray *
cc_client_resolve_emails_finish (CcClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
