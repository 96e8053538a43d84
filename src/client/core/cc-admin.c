/* cc-admin.c: export and deletion of the user's own account, and the
 * tenant admin's audit log and users list.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-admin"

#include "cc-admin.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cau-error.h"
#include "cau-time.h"

/* CcAuditEntry ----------------------------------------------------------- */

struct _CcAuditEntry
{
  GObject parent_instance;
  gint64  id;
  gint64  at;
  char   *action;
  char   *user_id;
  char   *entity_type;
  char   *entity_id;
  char   *ip;
};

G_DEFINE_FINAL_TYPE (CcAuditEntry, cc_audit_entry, G_TYPE_OBJECT)

static void
cc_audit_entry_finalize (GObject *object)
{
  CcAuditEntry *self = CC_AUDIT_ENTRY (object);

  g_free (self->action);
  g_free (self->user_id);
  g_free (self->entity_type);
  g_free (self->entity_id);
  g_free (self->ip);
  G_OBJECT_CLASS (cc_audit_entry_parent_class)->finalize (object);
}

static void
cc_audit_entry_class_init (CcAuditEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_audit_entry_finalize;
}

static void
cc_audit_entry_init (CcAuditEntry *self)
{
}

static char *
dup_member (JsonObject *obj,
            const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static CcAuditEntry *
audit_entry_new_from_json (JsonObject *obj)
{
  CcAuditEntry *self = g_object_new (CC_TYPE_AUDIT_ENTRY, NULL);
  g_autofree char *at = dup_member (obj, "at");
  gint64 at_ms = 0;

  self->id = json_object_get_int_member_with_default (obj, "id", 0);
  if (at != NULL && cau_time_parse (at, &at_ms))
    self->at = at_ms * 1000;
  self->action = dup_member (obj, "action");
  self->user_id = dup_member (obj, "user_id");
  self->entity_type = dup_member (obj, "entity_type");
  self->entity_id = dup_member (obj, "entity_id");
  self->ip = dup_member (obj, "ip");
  if (self->action == NULL)
    self->action = g_strdup ("");
  return self;
}

gint64 cc_audit_entry_get_id (CcAuditEntry *self) { g_return_val_if_fail (CC_IS_AUDIT_ENTRY (self), 0); return self->id; }
gint64 cc_audit_entry_get_at (CcAuditEntry *self) { g_return_val_if_fail (CC_IS_AUDIT_ENTRY (self), 0); return self->at; }
const char *cc_audit_entry_get_action (CcAuditEntry *self) { g_return_val_if_fail (CC_IS_AUDIT_ENTRY (self), NULL); return self->action; }
const char *cc_audit_entry_get_user_id (CcAuditEntry *self) { g_return_val_if_fail (CC_IS_AUDIT_ENTRY (self), NULL); return self->user_id; }
const char *cc_audit_entry_get_entity_type (CcAuditEntry *self) { g_return_val_if_fail (CC_IS_AUDIT_ENTRY (self), NULL); return self->entity_type; }
const char *cc_audit_entry_get_entity_id (CcAuditEntry *self) { g_return_val_if_fail (CC_IS_AUDIT_ENTRY (self), NULL); return self->entity_id; }
const char *cc_audit_entry_get_ip (CcAuditEntry *self) { g_return_val_if_fail (CC_IS_AUDIT_ENTRY (self), NULL); return self->ip; }

static const char * const audit_actions[] = {
  "auth.login", "auth.login_failed", "auth.logout", "ws.connect", "ws.disconnect",
  "room.create", "member.add", "member.remove", "message.delete",
  "invitation.create", "invitation.accept", "attachment.upload",
  "forbidden_attempt", "user.create", "user.role", "user.rank", "policy.update",
  "account.export", "account.delete", NULL,
};

const char * const *
cc_audit_actions (void)
{
  return audit_actions;
}

gboolean
cc_client_is_tenant_admin (CcClient *self)
{
  CcUser *user;

  g_return_val_if_fail (CC_IS_CLIENT (self), FALSE);

  user = cc_account_get_user (cc_client_get_account (self));
  return user != NULL && g_strcmp0 (cc_user_get_role (user), "admin") == 0;
}

/* Export ----------------------------------------------------------------- */

typedef struct
{
  GFile *dest;
  GFile *part;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *ed = data;

  g_clear_object (&ed->dest);
  g_clear_object (&ed->part);
  g_free (ed);
}

static void
export_downloaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *ed = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (cc_api_download_finish (CC_API (source), result, &error) == 0)
    {
      /* Half an export is of no use to anyone: do not leave it behind. */
      g_file_delete_async (ed->part, G_PRIORITY_LOW, NULL, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
export_part_cleared_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);

  /* A leftover .part would be resumed with Range: start from nothing. */
  g_file_delete_finish (G_FILE (source), result, NULL);
  cc_api_download_async (cc_client_get_api (self), "/api/me/export",
                         ((ExportData *) g_task_get_task_data (task))->dest,
                         G_FILE (source), g_task_get_cancellable (task),
                         export_downloaded_cb, g_object_ref (task));
}

void
cc_client_export_data_async (CcClient            *self,
                             GFile               *dest,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *part_path = NULL;
  ExportData *ed;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (G_IS_FILE (dest));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_export_data_async);
  ed = g_new0 (ExportData, 1);
  ed->dest = g_object_ref (dest);
  path = g_file_get_path (dest);
  part_path = g_strconcat (path ? path : "export.json", ".part", NULL);
  ed->part = g_file_new_for_path (part_path);
  g_task_set_task_data (task, ed, export_data_free);
  g_file_delete_async (ed->part, G_PRIORITY_DEFAULT, cancellable,
                       export_part_cleared_cb, g_steal_pointer (&task));
}

gboolean
cc_client_export_data_finish (CcClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cc_client_export_data_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Deletion --------------------------------------------------------------- */

static void
account_deleted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = cc_api_request_finish (CC_API (source), result, NULL, NULL, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The server revoked every session: nothing more to sync or send. */
  cc_client_stop (self);
  cc_api_set_token (CC_API (source), NULL);
  g_task_return_boolean (task, TRUE);
}

void
cc_client_delete_account_async (CcClient            *self,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_delete_account_async);
  json_object_set_string_member (body, "password", password);
  cc_api_request_async (cc_client_get_api (self), "DELETE", "/api/me", body,
                        cancellable, account_deleted_cb, g_steal_pointer (&task));
}

gboolean
cc_client_delete_account_finish (CcClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cc_client_delete_account_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_remove (path);
}

static void
erase_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GStrv paths = task_data;

  for (guint i = 0; paths[i] != NULL; i++)
    remove_tree (paths[i]);
  g_task_return_boolean (task, TRUE);
}

void
cc_account_erase_local_data_async (CcAccount           *account,
                                   const char          *data_dir,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *default_dir = NULL;
  g_autofree char *base = NULL;
  const char *key;

  g_return_if_fail (CC_IS_ACCOUNT (account));

  if (data_dir == NULL)
    data_dir = default_dir = g_build_filename (g_get_user_data_dir (), "causerie", NULL);
  key = cc_account_get_key (account);
  base = g_build_filename (data_dir, key, NULL);
  /* The names cc-client.c and cc-outbox.c give them. */
  for (guint i = 0; i < 4; i++)
    {
      static const char *suffixes[] = { ".db", ".db-wal", ".db-shm", ".outbox" };

      g_autofree char *path = g_strconcat (base, suffixes[i], NULL);

      g_strv_builder_add (builder, path);
    }
  {
    g_autofree char *files = g_build_filename (g_get_user_cache_dir (), "causerie", key, NULL);

    g_strv_builder_add (builder, files);
  }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_account_erase_local_data_async);
  g_task_set_task_data (task, g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, erase_thread);
}

gboolean
cc_account_erase_local_data_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Admin ------------------------------------------------------------------ */

void
cc_client_list_audit_async (CcClient            *self,
                            const char          *action,
                            GDateTime           *since,
                            gint64               before_id,
                            guint                limit,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new ("/api/admin/audit?");
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));

  g_string_append_printf (path, "limit=%u", limit ? limit : 50);
  if (action != NULL && *action != '\0')
    {
      g_autofree char *esc = cc_api_escape (action);

      g_string_append_printf (path, "&action=%s", esc);
    }
  if (since != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (since);
      g_autofree char *text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *esc = cc_api_escape (text);

      g_string_append_printf (path, "&since=%s", esc);
    }
  if (before_id > 0)
    g_string_append_printf (path, "&before=%" G_GINT64_FORMAT, before_id);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_list_audit_async);
  cc_api_request_task (cc_client_get_api (self), "GET", path->str, NULL, task);
}

GPtrArray *
cc_client_list_audit_finish (CcClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(JsonArray) array = cc_api_task_finish_array (result, self, cc_client_list_audit_async, "entries", error);
  GPtrArray *entries;

  if (array == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (entries, audit_entry_new_from_json (json_node_get_object (node)));
    }
  return entries;
}

void
cc_client_list_users_async (CcClient            *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_list_users_async);
  cc_api_request_task (cc_client_get_api (self), "GET", "/api/users?limit=100", NULL, task);
}

GPtrArray *
cc_client_list_users_finish (CcClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(JsonArray) array = cc_api_task_finish_array (result, self, cc_client_list_users_async, "users", error);

  return array ? cc_user_list_new_from_json (array) : NULL;
}

void
cc_client_create_user_async (CcClient            *self,
                             const char          *email,
                             const char          *display_name,
                             const char          *password,
                             const char          *role,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (email != NULL && display_name != NULL && password != NULL);

  json_object_set_string_member (body, "email", email);
  json_object_set_string_member (body, "display_name", display_name);
  json_object_set_string_member (body, "password", password);
  json_object_set_string_member (body, "role", role ? role : "member");
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_create_user_async);
  cc_api_request_task (cc_client_get_api (self), "POST", "/api/admin/users", body, task);
}

CcUser *
cc_client_create_user_finish (CcClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_create_user_async, error);

  return obj ? cc_user_new_from_json (obj) : NULL;
}

void
cc_client_set_user_role_async (CcClient            *self,
                               const char          *user_id,
                               const char          *role,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *esc = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (user_id != NULL && role != NULL);

  esc = cc_api_escape (user_id);
  path = g_strdup_printf ("/api/admin/users/%s", esc);
  json_object_set_string_member (body, "role", role);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_set_user_role_async);
  cc_api_request_task (cc_client_get_api (self), "PATCH", path, body, task);
}

CcUser *
cc_client_set_user_role_finish (CcClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_set_user_role_async, error);

  return obj ? cc_user_new_from_json (obj) : NULL;
}
