/* cw-application.c: application lifecycle: restore or sign in, own the
 * client core, idle presence, notifications and causerie:// links.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cc-invitation.h"
#include "cw-discuss-dialog.h"
#include "cw-account-actions.h"
#include "cw-application.h"
#include "cw-join-dialog.h"
#include "cw-notifier.h"
#include "cw-resources.h"
#include "cw-utils.h"
#include "cw-window.h"

#define IDLE_AFTER_US (5 * 60 * G_USEC_PER_SEC)
/* Longest wait for a saved session before the window shows anyway. */
#define PRESENT_AFTER_MS 250

struct _CwApplication
{
  AdwApplication  parent_instance;

  char           *data_dir;
  CcClient       *client;
  CwNotifier     *notifier;
  GHashTable     *prefill;
  GCancellable   *cancellable;
  GListStore     *invitations;    /* CcInvitation heard of while running */

  gint64          last_activity;
  guint           idle_timer;
  guint           present_timeout;
  gboolean        idle;
  gboolean        busy;
  gboolean        restoring;        /* a saved session is being restored */
  gboolean        present_wanted;   /* activated meanwhile */
  char           *pending_discuss;  /* a Discuss link that came meanwhile */
};

G_DEFINE_FINAL_TYPE (CwApplication, cw_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void on_invitation_cb (CcClient      *client,
                              CcInvitation  *invitation,
                              CwApplication *self);

CwApplication *
cw_application_new (void)
{
  GApplicationFlags flags = G_APPLICATION_HANDLES_OPEN;
  const char *profile = g_getenv ("CAUSERIE_DATA_DIR");

  /* A separate profile (CAUSERIE_DATA_DIR, used by tests and demos that
   * sign two people in side by side) runs as its own instance instead of
   * handing over to the one already on the session bus. */
  if (profile != NULL && *profile != '\0')
    flags |= G_APPLICATION_NON_UNIQUE;

  return g_object_new (CW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/org/causerie/Causerie",
                       NULL);
}

CcClient *
cw_application_get_client (CwApplication *self)
{
  g_return_val_if_fail (CW_IS_APPLICATION (self), NULL);
  return self->client;
}

gboolean
cw_application_get_busy (CwApplication *self)
{
  g_return_val_if_fail (CW_IS_APPLICATION (self), FALSE);
  return self->busy;
}

const char *
cw_application_get_data_dir (CwApplication *self)
{
  g_return_val_if_fail (CW_IS_APPLICATION (self), NULL);
  return self->data_dir;
}

const char *
cw_application_get_prefill (CwApplication *self,
                            const char    *key)
{
  g_return_val_if_fail (CW_IS_APPLICATION (self), NULL);
  return g_hash_table_lookup (self->prefill, key);
}

static void
set_busy (CwApplication *self,
          gboolean       busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static CwWindow *
get_window (CwApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* A dialog of the app (the Discuss view) may be the active one: its
   * main window is the one it belongs to. */
  while (window != NULL && !CW_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); window == NULL && l; l = l->next)
    if (CW_IS_WINDOW (l->data))
      window = l->data;
  if (window == NULL)
    window = GTK_WINDOW (cw_window_new (self));
  return CW_WINDOW (window);
}

/* Idle presence ---------------------------------------------------------- */

static gboolean
idle_check_cb (gpointer user_data)
{
  CwApplication *self = user_data;

  if (!self->idle && self->client != NULL &&
      g_get_monotonic_time () - self->last_activity >= IDLE_AFTER_US)
    {
      self->idle = TRUE;
      cc_client_set_idle (self->client, TRUE);
    }
  return G_SOURCE_CONTINUE;
}

void
cw_application_note_activity (CwApplication *self)
{
  g_return_if_fail (CW_IS_APPLICATION (self));

  self->last_activity = g_get_monotonic_time ();
  if (self->idle)
    {
      self->idle = FALSE;
      if (self->client != NULL)
        cc_client_set_idle (self->client, FALSE);
    }
}

/* Client lifecycle ------------------------------------------------------- */

static void
on_signed_out_cb (CcClient      *client,
                  CwApplication *self)
{
  cw_application_sign_out (self);
}

static void
set_client (CwApplication *self,
            CcClient      *client)
{
  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      cc_client_stop (self->client);
      g_clear_object (&self->client);
    }
  /* Invitations belong to the account that heard of them. */
  g_list_store_remove_all (self->invitations);

  if (client != NULL)
    {
      self->client = g_object_ref (client);
      g_signal_connect (client, "signed-out", G_CALLBACK (on_signed_out_cb), self);
      g_signal_connect (client, "invitation", G_CALLBACK (on_invitation_cb), self);
      self->idle = FALSE;
      self->last_activity = g_get_monotonic_time ();
    }

  cw_notifier_set_client (self->notifier, client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

static void
client_open_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CwApplication *self = g_task_get_source_object (task);
  CcClient *client = CC_CLIENT (source);
  g_autoptr(GError) error = NULL;

  if (!cc_client_open_finish (client, result, &error))
    {
      g_warning ("Could not open the local cache: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_client (self, client);
  cc_client_start (client);
  g_task_return_boolean (task, TRUE);
}

/* Builds the client for a signed-in @account and opens its cache. */
static void
start_client (CwApplication *self,
              CcAccount     *account,
              GTask         *task)
{
  g_autoptr(CcClient) client = cc_client_new (account, self->data_dir);

  cc_client_open_async (client, self->cancellable, client_open_cb, task);
}

static void
save_last_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!cc_account_save_last_finish (CC_ACCOUNT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not remember the account: %s", error->message);
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CwApplication *self = g_task_get_source_object (task);
  CcAccount *account = CC_ACCOUNT (source);
  g_autoptr(GError) error = NULL;

  if (!cc_account_login_finish (account, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Remembering the account for the next start happens beside opening
   * the cache: neither waits for the other. */
  cc_account_save_last_async (account, self->data_dir, self->cancellable,
                              save_last_cb, NULL);
  start_client (self, account, g_steal_pointer (&task));
}

void
cw_application_sign_in_async (CwApplication       *self,
                              const char          *server_url,
                              const char          *tenant,
                              const char          *email,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(CcAccount) account = NULL;

  g_return_if_fail (CW_IS_APPLICATION (self));
  g_return_if_fail (server_url && tenant && email && password);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cw_application_sign_in_async);

  account = cc_account_new (server_url, tenant, email);
  cc_account_login_async (account, password, cancellable, login_cb, g_steal_pointer (&task));
}

gboolean
cw_application_sign_in_finish (CwApplication  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
logout_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!cc_account_logout_finish (CC_ACCOUNT (source), result, &error))
    g_debug ("Sign out: %s", error->message);
}

static void
forget_last_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  cc_account_forget_last (task_data);
  g_task_return_boolean (task, TRUE);
}

/* Removing the saved account is a file system call: off the main thread. */
static void
forget_last_async (CwApplication *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);

  g_task_set_source_tag (task, forget_last_async);
  g_task_set_task_data (task, g_strdup (self->data_dir), g_free);
  g_task_run_in_thread (task, forget_last_thread);
}

void
cw_application_sign_out (CwApplication *self)
{
  g_autoptr(CcClient) client = NULL;

  g_return_if_fail (CW_IS_APPLICATION (self));

  if (self->client == NULL)
    return;

  client = g_object_ref (self->client);
  set_client (self, NULL);
  cc_account_logout_async (cc_client_get_account (client), NULL, logout_cb, NULL);
  forget_last_async (self);
}

static void
restored_open_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CwApplication *self = CW_APPLICATION (source);
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was no saved session to restore. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) && error != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not restore the session: %s", error->message);
  set_busy (self, FALSE);
  g_application_release (G_APPLICATION (self));
}

/* Restoring a saved session: the token (keyring, then the server if it
 * answers) and the account's cache are read side by side; the rooms show
 * when both are there. */
typedef struct {
  CcClient *client;
  GError   *open_error;
  guint     pending;
  gboolean  restored;
} Restore;

static void
restore_free (gpointer data)
{
  Restore *restore = data;

  g_clear_object (&restore->client);
  g_clear_error (&restore->open_error);
  g_free (restore);
}

static void open_discuss_link (CwApplication *self,
                               const char    *link);

static void
present_now (CwApplication *self)
{
  self->restoring = FALSE;
  g_clear_handle_id (&self->present_timeout, g_source_remove);
  if (self->present_wanted && !g_cancellable_is_cancelled (self->cancellable))
    {
      self->present_wanted = FALSE;
      gtk_window_present (GTK_WINDOW (get_window (self)));
    }
  /* Shown early (the restore is slow), the link waits for the account. */
  if (self->pending_discuss != NULL && self->client != NULL &&
      !g_cancellable_is_cancelled (self->cancellable))
    {
      g_autofree char *link = g_steal_pointer (&self->pending_discuss);

      open_discuss_link (self, link);
    }
}

static gboolean
present_timeout_cb (gpointer user_data)
{
  CwApplication *self = user_data;

  self->present_timeout = 0;
  present_now (self);
  return G_SOURCE_REMOVE;
}

static void
restore_step_done (GTask *task)
{
  CwApplication *self = g_task_get_source_object (task);
  Restore *restore = g_task_get_task_data (task);

  if (--restore->pending > 0)
    return;
  if (!restore->restored)
    g_task_return_boolean (task, FALSE);
  else if (restore->open_error != NULL)
    {
      g_warning ("Could not open the local cache: %s", restore->open_error->message);
      g_task_return_error (task, g_steal_pointer (&restore->open_error));
    }
  else
    {
      set_client (self, restore->client);
      cc_client_start (restore->client);
      g_task_return_boolean (task, TRUE);
    }
  present_now (self);
  /* No account after all: the link is refused with its sentence. */
  if (self->pending_discuss != NULL && !g_cancellable_is_cancelled (self->cancellable))
    {
      g_autofree char *link = g_steal_pointer (&self->pending_discuss);

      open_discuss_link (self, link);
    }
}

static void
restore_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *restore = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  restore->restored = cc_account_restore_finish (CC_ACCOUNT (source), result, &error);
  if (!restore->restored && error != NULL)
    g_message ("Saved session not restored: %s", error->message);
  restore_step_done (task);
}

static void
restore_open_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *restore = g_task_get_task_data (task);

  cc_client_open_finish (CC_CLIENT (source), result, &restore->open_error);
  restore_step_done (task);
}

static void
load_last_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CwApplication *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcAccount) account = cc_account_load_last_finish (result, &error);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Restore *restore;

  if (account == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, FALSE);
      present_now (self);
      return;
    }

  restore = g_new0 (Restore, 1);
  restore->client = cc_client_new (account, self->data_dir);
  restore->pending = 2;
  g_task_set_task_data (task, restore, restore_free);
  cc_account_restore_async (account, NULL, cancellable, restore_cb, g_object_ref (task));
  cc_client_open_async (restore->client, cancellable, restore_open_cb, g_steal_pointer (&task));
}

/* Busy (the window shows a spinner) until the saved account, if any, is
 * read, its token found and its cache opened. The window is built
 * meanwhile but presented only then (or after PRESENT_AFTER_MS): its first
 * frame shows the rooms, and the keyring's and the cache's answers are
 * not kept waiting behind frames of a spinner. */
static void
try_restore (CwApplication *self)
{
  GTask *task;

  set_busy (self, TRUE);
  g_application_hold (G_APPLICATION (self));
  self->restoring = TRUE;
  self->present_timeout = g_timeout_add (PRESENT_AFTER_MS, present_timeout_cb, self);
  task = g_task_new (self, self->cancellable, restored_open_cb, NULL);
  g_task_set_source_tag (task, try_restore);
  cc_account_load_last_async (self->data_dir, self->cancellable, load_last_cb, task);
}

void
cw_application_open_room (CwApplication *self,
                          const char    *room_id)
{
  CwWindow *window;

  g_return_if_fail (CW_IS_APPLICATION (self));

  window = get_window (self);
  cw_window_open_room (window, room_id);
  cw_notifier_withdraw (self->notifier, room_id);
  /* Started by a notification (D-Bus activation, app.open-room): the
   * window shows once the account is restored, on that room. */
  if (self->restoring)
    self->present_wanted = TRUE;
  else
    gtk_window_present (GTK_WINDOW (window));
}

/* Links and invitations -------------------------------------------------- */

/* A link Causerie does not follow: say so, and do nothing else. */
static void
refuse_link (CwApplication *self,
             const char    *reason)
{
  GtkWindow *window = GTK_WINDOW (get_window (self));
  GtkWidget *dialog;

  gtk_window_present (window);
  dialog = adw_message_dialog_new (window, _("Link Not Opened"), reason);
  gtk_window_set_title (GTK_WINDOW (dialog), _("Link Not Opened"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
cw_application_review_invitation (CwApplication *self,
                                  const char    *token,
                                  const char    *server_url)
{
  GtkWindow *window;
  GList *windows;

  g_return_if_fail (CW_IS_APPLICATION (self));
  g_return_if_fail (token != NULL && server_url != NULL);

  window = GTK_WINDOW (get_window (self));
  gtk_window_present (window);

  /* The same link twice: bring its dialog forward. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (GList *l = windows; l; l = l->next)
    {
      GtkWindow *other = gtk_window_get_transient_for (l->data) == window ? l->data : NULL;

      if (other != NULL && CW_IS_JOIN_DIALOG (other) &&
          g_strcmp0 (cw_join_dialog_get_token (CW_JOIN_DIALOG (other)), token) == 0)
        {
          gtk_window_present (other);
          return;
        }
    }

  gtk_window_present (GTK_WINDOW (cw_join_dialog_new (window, self, token, server_url)));
}

/* causerie://discuss?...: another application's "Discuss" button. A link
 * that breaks a rule, or names another server than the signed-in one, is
 * refused with a sentence; nothing else happens. */
static void
open_discuss_link (CwApplication *self,
                   const char    *link)
{
  g_autoptr(CcDiscussLink) discuss = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  GList *windows;

  /* The app started by the link: it is shown once the saved session is
   * back (or known to be missing). */
  if (self->client == NULL && self->restoring)
    {
      g_free (self->pending_discuss);
      self->pending_discuss = g_strdup (link);
      self->present_wanted = TRUE;
      return;
    }
  if (self->client == NULL)
    {
      refuse_link (self, _("Sign in first, then open the Discuss link again."));
      return;
    }
  discuss = cc_discuss_link_parse (link, &error);
  if (discuss == NULL ||
      !cc_discuss_link_check_server (discuss, cc_account_get_server_url (cc_client_get_account (self->client)),
                                     &error))
    {
      g_message ("Refused a Discuss link: %s", error->message);
      refuse_link (self, error->message);
      return;
    }

  window = GTK_WINDOW (get_window (self));
  gtk_window_present (window);
  /* The same object twice: bring its view forward. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (GList *l = windows; l; l = l->next)
    if (CW_IS_DISCUSS_DIALOG (l->data) &&
        cau_context_same_entity (cw_discuss_dialog_get_context (l->data), discuss->context))
      {
        gtk_window_present (l->data);
        return;
      }
  gtk_window_present (GTK_WINDOW (cw_discuss_dialog_new (window, self, discuss)));
}

void
cw_application_open_link (CwApplication *self,
                          const char    *link)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *server = NULL;
  const char *path;

  g_return_if_fail (CW_IS_APPLICATION (self));

  if (cc_discuss_link_is_discuss (link))
    {
      open_discuss_link (self, link);
      return;
    }
  parsed = link ? g_uri_parse (link, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;
  if (parsed != NULL && g_strcmp0 (g_uri_get_scheme (parsed), "causerie") == 0 &&
      g_strcmp0 (g_uri_get_host (parsed), "room") == 0)
    {
      path = g_uri_get_path (parsed);
      if (path != NULL && *path == '/')
        path++;
      if (path != NULL && *path != '\0' && strchr (path, '/') == NULL && self->client != NULL)
        {
          cw_application_open_room (self, path);
          return;
        }
      refuse_link (self, self->client == NULL
                   ? _("Sign in first, then open the room link again.")
                   : _("This room link is not complete. Check that it was copied whole."));
      return;
    }

  if (!cc_invitation_parse_link (link, &token, &server, &error))
    {
      g_message ("Refused a link Causerie does not follow");
      refuse_link (self, _("This is not a Causerie invitation or room link. Check that it was copied whole."));
      return;
    }
  cw_application_review_invitation (self, token, server);
}

GListModel *
cw_application_get_invitations (CwApplication *self)
{
  g_return_val_if_fail (CW_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->invitations);
}

void
cw_application_forget_invitation (CwApplication *self,
                                  const char    *token)
{
  guint n;

  g_return_if_fail (CW_IS_APPLICATION (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->invitations));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(CcInvitation) inv = g_list_model_get_item (G_LIST_MODEL (self->invitations), i - 1);

      if (g_strcmp0 (cc_invitation_get_token (inv), token) == 0)
        g_list_store_remove (self->invitations, i - 1);
    }
}

/* Someone invited the signed-in person to a room. */
static void
on_invitation_cb (CcClient      *client,
                  CcInvitation  *invitation,
                  CwApplication *self)
{
  cw_application_forget_invitation (self, cc_invitation_get_token (invitation));
  g_list_store_insert (self->invitations, 0, invitation);
  cw_notifier_show_invitation (self->notifier, invitation);
}

static void
review_invitation_action (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  CwApplication *self = user_data;
  const char *token = g_variant_get_string (param, NULL);

  if (self->client == NULL)
    return;
  cw_application_review_invitation (self, token,
                                    cc_account_get_server_url (cc_client_get_account (self->client)));
}

static void
on_join_link_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          CwApplication    *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "link-entry");
  g_autofree char *link = NULL;

  if (g_strcmp0 (response, "join") != 0)
    return;
  link = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  cw_application_open_link (self, link);
}

static void
join_link_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  CwApplication *self = user_data;
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/causerie/Causerie/cw-join-link-dialog.ui");
  GtkWindow *dialog = GTK_WINDOW (gtk_builder_get_object (builder, "dialog"));
  GObject *entry = gtk_builder_get_object (builder, "link_entry");

  gtk_window_set_transient_for (dialog, GTK_WINDOW (get_window (self)));
  g_object_set_data_full (G_OBJECT (dialog), "link-entry", g_object_ref (entry), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_join_link_response_cb), self, 0);
  gtk_window_present (dialog);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
}

/* Actions ----------------------------------------------------------------- */

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  CwApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  CwApplication *self = user_data;
  static const char *developers[] = { "The Causerie authors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (parent,
                         "application-name", _("Causerie"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Causerie authors"),
                         "developers", developers,
                         "comments", _("Chat with your team"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  cw_application_sign_out (user_data);
}

static void
open_room_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  cw_application_open_room (user_data, g_variant_get_string (param, NULL));
}

static const GActionEntry app_entries[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "sign-out", sign_out_action },
  { "open-room", open_room_action, "s" },
  { "join-link", join_link_action },
  { "review-invitation", review_invitation_action, "s" },
};

/* GApplication ------------------------------------------------------------ */

static gint
cw_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  CwApplication *self = CW_APPLICATION (app);
  static const char *keys[] = { "server", "organisation", "email" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = NULL;

      if (g_variant_dict_lookup (options, keys[i], "&s", &value))
        g_hash_table_replace (self->prefill, g_strdup (keys[i]), g_strdup (value));
    }

  return G_APPLICATION_CLASS (cw_application_parent_class)->handle_local_options (app, options);
}

static void
cw_application_startup (GApplication *app)
{
  CwApplication *self = CW_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (cw_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  cw_account_actions_install (self); /* issue 11: account, organisation */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  gtk_window_set_default_icon_name (APP_ID);
  self->notifier = cw_notifier_new (GTK_APPLICATION (self));
  self->idle_timer = g_timeout_add_seconds (30, idle_check_cb, self);

  try_restore (self);
}

static void
cw_application_activate (GApplication *app)
{
  CwApplication *self = CW_APPLICATION (app);
  CwWindow *window = get_window (self);

  if (self->restoring)
    self->present_wanted = TRUE;
  else
    gtk_window_present (GTK_WINDOW (window));
}

static void
cw_application_open (GApplication  *app,
                     GFile        **files,
                     gint           n_files,
                     const char    *hint)
{
  for (gint i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      cw_application_open_link (CW_APPLICATION (app), uri);
    }
}

static void
cw_application_shutdown (GApplication *app)
{
  CwApplication *self = CW_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  if (self->client != NULL)
    cc_client_stop (self->client);
  g_clear_handle_id (&self->idle_timer, g_source_remove);
  g_clear_handle_id (&self->present_timeout, g_source_remove);

  G_APPLICATION_CLASS (cw_application_parent_class)->shutdown (app);
}

static void
cw_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CwApplication *self = CW_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cw_application_dispose (GObject *object)
{
  CwApplication *self = CW_APPLICATION (object);

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
    }
  g_clear_object (&self->client);
  g_clear_object (&self->invitations);
  g_clear_object (&self->notifier);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->prefill, g_hash_table_unref);
  g_clear_pointer (&self->pending_discuss, g_free);

  G_OBJECT_CLASS (cw_application_parent_class)->dispose (object);
}

static void
cw_application_finalize (GObject *object)
{
  CwApplication *self = CW_APPLICATION (object);

  g_free (self->data_dir);

  G_OBJECT_CLASS (cw_application_parent_class)->finalize (object);
}

static void
cw_application_class_init (CwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  cw_register_resource ();

  object_class->get_property = cw_application_get_property;
  object_class->dispose = cw_application_dispose;
  object_class->finalize = cw_application_finalize;

  app_class->handle_local_options = cw_application_handle_local_options;
  app_class->startup = cw_application_startup;
  app_class->activate = cw_application_activate;
  app_class->open = cw_application_open;
  app_class->shutdown = cw_application_shutdown;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CC_TYPE_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cw_application_init (CwApplication *self)
{
  static const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Server address to sign in to"), N_("URL") },
    { "organisation", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Organisation to sign in to"), N_("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Email address to sign in with"), N_("EMAIL") },
    { NULL }
  };
  const char *override = g_getenv ("CAUSERIE_DATA_DIR");

  self->data_dir = override && *override
    ? g_strdup (override)
    : g_build_filename (g_get_user_data_dir (), "causerie", NULL);
  self->prefill = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
  self->invitations = g_list_store_new (CC_TYPE_INVITATION);

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Chat with your team."));
}
