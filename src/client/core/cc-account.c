/* cc-account.c: sign in, restore and sign out; the token lives in the
 * Secret Service and in memory, nowhere else.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-account"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "cau-error.h"
#include "cc-account-private.h"
#include "cc-json-private.h"
#include "cc-secret.h"

struct _CcAccount
{
  GObject   parent_instance;
  char     *server_url;
  char     *tenant;
  char     *email;
  char     *key;
  CcApi    *api;
  CcUser   *user;
  gboolean  signed_in;
};

G_DEFINE_FINAL_TYPE (CcAccount, cc_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_TENANT,
  PROP_EMAIL,
  PROP_SIGNED_IN,
  PROP_USER,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
cc_account_dispose (GObject *object)
{
  CcAccount *self = CC_ACCOUNT (object);

  g_clear_object (&self->api);
  g_clear_object (&self->user);
  G_OBJECT_CLASS (cc_account_parent_class)->dispose (object);
}

static void
cc_account_finalize (GObject *object)
{
  CcAccount *self = CC_ACCOUNT (object);

  g_free (self->server_url);
  g_free (self->tenant);
  g_free (self->email);
  g_free (self->key);
  G_OBJECT_CLASS (cc_account_parent_class)->finalize (object);
}

static void
cc_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcAccount *self = CC_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL: g_value_set_string (value, self->server_url); break;
    case PROP_TENANT: g_value_set_string (value, self->tenant); break;
    case PROP_EMAIL: g_value_set_string (value, self->email); break;
    case PROP_SIGNED_IN: g_value_set_boolean (value, self->signed_in); break;
    case PROP_USER: g_value_set_object (value, self->user); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CcAccount *self = CC_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL: self->server_url = g_strstrip (g_value_dup_string (value)); break;
    case PROP_TENANT: self->tenant = g_strstrip (g_value_dup_string (value)); break;
    case PROP_EMAIL: self->email = g_utf8_strdown (g_value_get_string (value), -1); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_account_constructed (GObject *object)
{
  CcAccount *self = CC_ACCOUNT (object);
  g_autofree char *material = NULL;
  g_autofree char *hash = NULL;

  G_OBJECT_CLASS (cc_account_parent_class)->constructed (object);
  g_strstrip (self->email);
  self->api = cc_api_new (self->server_url);
  /* The server URL as the API normalised it, so keys and secrets match. */
  g_free (self->server_url);
  self->server_url = g_strdup (cc_api_get_server_url (self->api));
  material = g_strjoin ("\n", self->server_url, self->tenant, self->email, NULL);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, material, -1);
  self->key = g_strndup (hash, 24);
}

static void
cc_account_class_init (CcAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags cons = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cc_account_dispose;
  object_class->finalize = cc_account_finalize;
  object_class->get_property = cc_account_get_property;
  object_class->set_property = cc_account_set_property;
  object_class->constructed = cc_account_constructed;

  props[PROP_SERVER_URL] = g_param_spec_string ("server-url", NULL, NULL, "", cons);
  props[PROP_TENANT] = g_param_spec_string ("tenant", NULL, NULL, "", cons);
  props[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, "", cons);
  props[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, ro);
  props[PROP_USER] = g_param_spec_object ("user", NULL, NULL, CC_TYPE_USER, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_account_init (CcAccount *self)
{
}

CcAccount *
cc_account_new (const char *server_url,
                const char *tenant,
                const char *email)
{
  g_return_val_if_fail (server_url && tenant && email, NULL);
  return g_object_new (CC_TYPE_ACCOUNT,
                       "server-url", server_url, "tenant", tenant, "email", email,
                       NULL);
}

const char *cc_account_get_server_url (CcAccount *self) { g_return_val_if_fail (CC_IS_ACCOUNT (self), NULL); return self->server_url; }
const char *cc_account_get_tenant (CcAccount *self) { g_return_val_if_fail (CC_IS_ACCOUNT (self), NULL); return self->tenant; }
const char *cc_account_get_email (CcAccount *self) { g_return_val_if_fail (CC_IS_ACCOUNT (self), NULL); return self->email; }
CcUser *cc_account_get_user (CcAccount *self) { g_return_val_if_fail (CC_IS_ACCOUNT (self), NULL); return self->user; }
gboolean cc_account_get_signed_in (CcAccount *self) { g_return_val_if_fail (CC_IS_ACCOUNT (self), FALSE); return self->signed_in; }
CcApi *cc_account_get_api (CcAccount *self) { g_return_val_if_fail (CC_IS_ACCOUNT (self), NULL); return self->api; }
const char *cc_account_get_key (CcAccount *self) { g_return_val_if_fail (CC_IS_ACCOUNT (self), NULL); return self->key; }

const char *
cc_account_get_user_id (CcAccount *self)
{
  g_return_val_if_fail (CC_IS_ACCOUNT (self), NULL);
  return self->user ? cc_user_get_id (self->user) : NULL;
}

static void
set_user (CcAccount  *self,
          JsonObject *user)
{
  if (user == NULL)
    return;
  if (self->user != NULL)
    cc_user_update_from_json (self->user, user);
  else
    self->user = cc_user_new_from_json (user);
  /* Refreshed too: the client keeps a copy in its cache, and the server's
   * answer may come after the cache's copy was read. */
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_USER]);
}

void
_cc_account_set_user (CcAccount  *self,
                      JsonObject *user)
{
  g_return_if_fail (CC_IS_ACCOUNT (self));
  set_user (self, user);
}

static void
set_signed_in (CcAccount *self,
               gboolean   signed_in)
{
  if (self->signed_in == signed_in)
    return;
  self->signed_in = signed_in;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SIGNED_IN]);
}

void
cc_account_set_token (CcAccount  *self,
                      const char *token,
                      JsonObject *user)
{
  g_return_if_fail (CC_IS_ACCOUNT (self));
  cc_api_set_token (self->api, token);
  set_user (self, user);
  set_signed_in (self, token != NULL);
}

/* Shared by the _async / _finish pairs below */

static gboolean
finish_boolean (CcAccount     *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
forgotten_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (cc_secret_clear_finish (result, &error))
    g_task_return_boolean (task, g_task_get_source_tag (task) == cc_account_logout_async);
  else if (g_task_get_source_tag (task) == cc_account_logout_async)
    g_task_return_error (task, error);
  else
    {
      /* Restoring a revoked session: signed out, whatever the keyring says. */
      g_error_free (error);
      g_task_return_boolean (task, FALSE);
    }
}

/* Forgets the token, here and in the Secret Service; @task (taken) then
 * returns TRUE for a sign-out, FALSE for a restore. */
static void
forget_token (CcAccount *self,
              GTask     *task)
{
  cc_account_set_token (self, NULL, NULL);
  cc_secret_clear_async (self->server_url, self->tenant, self->email, NULL, forgotten_cb, task);
}

/* Login */

static void
login_store_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_secret_store_finish (result, &error))
    g_warning ("The session could not be saved in the keyring; "
               "you will be asked to sign in next time: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcAccount *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0, retry_after = 0;
  GCancellable *cancellable;
  JsonObject *body;
  const char *token;

  node = cc_api_request_finish (CC_API (object), result, &status, &retry_after, &error);
  if (error != NULL)
    {
      if (status == SOUP_STATUS_UNAUTHORIZED)
        g_task_return_new_error (task, CAU_ERROR, CAU_ERROR_UNAUTHORIZED,
                                 _("The email or password is not correct."));
      else if (status == 429 /* Too Many Requests */)
        g_task_return_new_error (task, CAU_ERROR, CAU_ERROR_RATE_LIMITED,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "Too many sign-in attempts. Try again in %u second.",
                                              "Too many sign-in attempts. Try again in %u seconds.",
                                              MAX (retry_after, 1)),
                                 MAX (retry_after, 1));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  body = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  token = _cc_json_str (body, "token");
  if (token == NULL)
    {
      g_task_return_new_error (task, CAU_ERROR, CAU_ERROR_INTERNAL,
                               _("The server did not send a session. Is this a Causerie server?"));
      return;
    }
  cc_account_set_token (self, token, _cc_json_obj (body, "user"));
  cancellable = g_task_get_cancellable (task);
  cc_secret_store_async (self->server_url, self->tenant, self->email, token,
                         cancellable, login_store_cb, g_steal_pointer (&task));
}

void
cc_account_login_async (CcAccount           *self,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GTask *task;

  g_return_if_fail (CC_IS_ACCOUNT (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_account_login_async);
  json_object_set_string_member (body, "tenant", self->tenant);
  json_object_set_string_member (body, "email", self->email);
  json_object_set_string_member (body, "password", password);
  cc_api_request_async (self->api, "POST", "/api/auth/login", body, cancellable, login_cb, task);
}

gboolean
cc_account_login_finish (CcAccount     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return finish_boolean (self, result, cc_account_login_async, error);
}

/* Restore */

static void
restore_me_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcAccount *self = g_task_get_source_object (task);
  JsonObject *cached_user = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  node = cc_api_request_finish (CC_API (object), result, &status, NULL, &error);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_debug ("The stored session was revoked");
      forget_token (self, g_steal_pointer (&task));
      return;
    }
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Reachable: the fresh user; unreachable: start offline from the cache. */
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    set_user (self, json_node_get_object (node));
  else
    set_user (self, cached_user);
  set_signed_in (self, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
restore_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcAccount *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = cc_secret_lookup_finish (result, &error);
  GCancellable *cancellable;

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (token == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  cc_api_set_token (self->api, token);
  cc_api_request_async (self->api, "GET", "/api/me", NULL, cancellable,
                        restore_me_cb, g_steal_pointer (&task));
}

void
cc_account_restore_async (CcAccount           *self,
                          JsonObject          *cached_user,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_account_restore_async);
  if (cached_user != NULL)
    g_task_set_task_data (task, json_object_ref (cached_user), (GDestroyNotify) json_object_unref);
  cc_secret_lookup_async (self->server_url, self->tenant, self->email, cancellable,
                          restore_lookup_cb, task);
}

gboolean
cc_account_restore_finish (CcAccount     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return finish_boolean (self, result, cc_account_restore_async, error);
}

/* Logout */

static void
logout_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcAccount *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  /* Offline or already revoked: forgetting it here is what matters. */
  node = cc_api_request_finish (CC_API (object), result, NULL, NULL, &error);
  if (error != NULL)
    g_debug ("Sign-out request failed: %s", error->message);
  forget_token (self, g_steal_pointer (&task));
}

void
cc_account_logout_async (CcAccount           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_account_logout_async);
  if (!cc_api_has_token (self->api))
    {
      forget_token (self, task);
      return;
    }
  cc_api_request_async (self->api, "POST", "/api/auth/logout", NULL, cancellable, logout_cb, task);
}

gboolean
cc_account_logout_finish (CcAccount     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_boolean (self, result, cc_account_logout_async, error);
}

/* The last account (no secret in there) */

static char *
accounts_file (const char *data_dir)
{
  return g_build_filename (data_dir, "accounts.ini", NULL);
}

gboolean
cc_account_save_last (CcAccount   *self,
                      const char  *data_dir,
                      GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = accounts_file (data_dir);

  g_return_val_if_fail (CC_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (data_dir != NULL, FALSE);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), data_dir, g_strerror (saved));
      return FALSE;
    }
  g_key_file_set_string (kf, "last", "server", self->server_url);
  g_key_file_set_string (kf, "last", "tenant", self->tenant);
  g_key_file_set_string (kf, "last", "email", self->email);
  return g_key_file_save_to_file (kf, path, error);
}

CcAccount *
cc_account_load_last (const char *data_dir)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = accounts_file (data_dir);
  g_autofree char *server = NULL;
  g_autofree char *tenant = NULL;
  g_autofree char *email = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  server = g_key_file_get_string (kf, "last", "server", NULL);
  tenant = g_key_file_get_string (kf, "last", "tenant", NULL);
  email = g_key_file_get_string (kf, "last", "email", NULL);
  if (server == NULL || tenant == NULL || email == NULL)
    return NULL;
  return cc_account_new (server, tenant, email);
}

void
cc_account_forget_last (const char *data_dir)
{
  g_autofree char *path = accounts_file (data_dir);

  g_return_if_fail (data_dir != NULL);
  g_unlink (path);
}

/* The same, off the main thread */

static void
save_last_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (cc_account_save_last (CC_ACCOUNT (source), data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Runs @func in a worker thread with a copy of @data_dir. */
static void
run_in_thread (gpointer             source,
               gpointer             source_tag,
               const char          *data_dir,
               GTaskThreadFunc      func,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (data_dir), g_free);
  g_task_run_in_thread (task, func);
}

void
cc_account_save_last_async (CcAccount           *self,
                            const char          *data_dir,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CC_IS_ACCOUNT (self));
  g_return_if_fail (data_dir != NULL);
  run_in_thread (self, cc_account_save_last_async, data_dir, save_last_thread,
                 cancellable, callback, user_data);
}

gboolean
cc_account_save_last_finish (CcAccount     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_boolean (self, result, cc_account_save_last_async, error);
}

static void
load_last_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  g_task_return_pointer (task, cc_account_load_last (data), g_object_unref);
}

void
cc_account_load_last_async (const char          *data_dir,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (data_dir != NULL);
  run_in_thread (NULL, cc_account_load_last_async, data_dir, load_last_thread,
                 cancellable, callback, user_data);
}

CcAccount *
cc_account_load_last_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
