/* cw-account-actions.c: the user's own account (export their data, delete
 * the account) and the entry to the organisation admin's window.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cw-account"

#include <glib/gi18n.h>

#include "cc-admin.h"
#include "cw-account-actions.h"
#include "cw-admin-window.h"
#include "cw-window.h"

static GtkWindow *
active_window (CwApplication *app)
{
  return gtk_application_get_active_window (GTK_APPLICATION (app));
}

static void
toast (CwApplication *app,
       const char    *text)
{
  GtkWindow *window = active_window (app);

  if (CW_IS_WINDOW (window))
    cw_window_show_toast (CW_WINDOW (window), text);
}

/* Export ----------------------------------------------------------------- */

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CwApplication) app = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_client_export_data_finish (CC_CLIENT (source), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Your data could not be exported: %s"), error->message);

      toast (app, text);
      return;
    }
  toast (app, _("Your data was exported"));
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  CwApplication *app = user_data;
  CcClient *client = cw_application_get_client (app);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && client != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      toast (app, _("Exporting your data…"));
      cc_client_export_data_async (client, file, NULL, exported_cb, g_object_ref (app));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_data_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  CwApplication *app = user_data;
  GtkFileChooserNative *chooser;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;

  if (cw_application_get_client (app) == NULL)
    return;
  /* Through the file chooser portal when sandboxed. */
  chooser = gtk_file_chooser_native_new (_("Export My Data"), active_window (app),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  /* Translators: the suggested file name of a data export; keep .json */
  name = g_strdup_printf (_("causerie-export-%s.json"), date);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (export_chosen_cb), app);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Deletion --------------------------------------------------------------- */

typedef struct
{
  CwApplication *app;
  GtkWidget     *dialog;
  GtkWidget     *password;
  GtkWidget     *error;
  gboolean       busy;
  gboolean       done;
} DeleteState;

static void
erased_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!cc_account_erase_local_data_finish (result, &error))
    g_warning ("Could not remove the account's local data: %s", error->message);
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DeleteState *st = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcAccount) account = NULL;
  g_autofree char *data_dir = NULL;

  st->busy = FALSE;
  if (!cc_client_delete_account_finish (CC_CLIENT (source), result, &error))
    {
      gtk_label_set_text (GTK_LABEL (st->error), error->message);
      gtk_widget_set_visible (st->error, TRUE);
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (st->dialog), "delete", TRUE);
      gtk_editable_set_text (GTK_EDITABLE (st->password), "");
      gtk_widget_grab_focus (st->password);
      g_object_unref (st->dialog);
      return;
    }
  account = g_object_ref (cc_client_get_account (CC_CLIENT (source)));
  data_dir = g_strdup (cc_client_get_data_dir (CC_CLIENT (source)));
  /* Back to the sign-in view; then the cache, drafts and outbox go. */
  cw_application_sign_out (st->app);
  cc_account_erase_local_data_async (account, data_dir, NULL, erased_cb, NULL);
  st->done = TRUE;
  gtk_window_destroy (GTK_WINDOW (st->dialog));
  g_object_unref (st->dialog);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DeleteState      *st)
{
  CcClient *client = cw_application_get_client (st->app);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (st->password));

  if (g_strcmp0 (response, "delete") != 0 || client == NULL)
    {
      st->done = TRUE;
      return;
    }
  if (*password == '\0')
    {
      gtk_label_set_text (GTK_LABEL (st->error), _("Enter your password to delete the account."));
      gtk_widget_set_visible (st->error, TRUE);
      return;
    }
  st->busy = TRUE;
  gtk_widget_set_visible (st->error, FALSE);
  adw_message_dialog_set_response_enabled (dialog, "delete", FALSE);
  cc_client_delete_account_async (client, password, NULL, deleted_cb, st);
  g_object_ref (st->dialog);
}

/* AdwMessageDialog 1.2 closes itself after any response: stay open while
 * the server answers and after a wrong password. */
static gboolean
delete_close_request_cb (GtkWindow   *window,
                         DeleteState *st)
{
  return !st->done;
}

static void
delete_cancel_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DeleteState      *st)
{
  if (!st->busy)
    st->done = TRUE;
}

static void
delete_account_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  CwApplication *app = user_data;
  g_autoptr(GtkBuilder) builder = NULL;
  DeleteState *st;

  if (cw_application_get_client (app) == NULL)
    return;
  builder = gtk_builder_new_from_resource ("/org/causerie/Causerie/cw-account-delete-dialog.ui");
  st = g_new0 (DeleteState, 1);
  st->app = app;
  st->dialog = GTK_WIDGET (gtk_builder_get_object (builder, "dialog"));
  st->password = GTK_WIDGET (gtk_builder_get_object (builder, "password"));
  st->error = GTK_WIDGET (gtk_builder_get_object (builder, "error"));
  g_object_set_data_full (G_OBJECT (st->dialog), "cw-delete", st, g_free);
  gtk_window_set_transient_for (GTK_WINDOW (st->dialog), active_window (app));
  g_signal_connect (st->dialog, "response::delete", G_CALLBACK (delete_response_cb), st);
  g_signal_connect (st->dialog, "response::cancel", G_CALLBACK (delete_cancel_cb), st);
  g_signal_connect (st->dialog, "close-request", G_CALLBACK (delete_close_request_cb), st);
  gtk_window_present (GTK_WINDOW (st->dialog));
  gtk_widget_grab_focus (st->password);
}

/* Organisation ----------------------------------------------------------- */

static void
organisation_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  CwApplication *app = user_data;
  CcClient *client = cw_application_get_client (app);
  CwAdminWindow *window;

  if (client == NULL || !cc_client_is_tenant_admin (client))
    return;
  window = cw_admin_window_new (client);
  gtk_window_set_transient_for (GTK_WINDOW (window), active_window (app));
  gtk_window_present (GTK_WINDOW (window));
}

static void
update_admin (CwApplication *app)
{
  CcClient *client = cw_application_get_client (app);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (app), "organisation");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               client != NULL && cc_client_is_tenant_admin (client));
}

static void
on_user_notify_cb (CwApplication *app)
{
  update_admin (app);
}

static void
on_client_notify_cb (CwApplication *app)
{
  CcClient *client = cw_application_get_client (app);

  if (client != NULL)
    g_signal_connect_object (cc_client_get_account (client), "notify::user",
                             G_CALLBACK (on_user_notify_cb), app, G_CONNECT_SWAPPED);
  update_admin (app);
}

static const GActionEntry account_entries[] = {
  { "export-data", export_data_action },
  { "delete-account", delete_account_action },
  { "organisation", organisation_action },
};

void
cw_account_actions_install (CwApplication *app)
{
  g_return_if_fail (CW_IS_APPLICATION (app));

  g_action_map_add_action_entries (G_ACTION_MAP (app), account_entries,
                                   G_N_ELEMENTS (account_entries), app);
  g_signal_connect (app, "notify::client", G_CALLBACK (on_client_notify_cb), NULL);
  update_admin (app);
}
