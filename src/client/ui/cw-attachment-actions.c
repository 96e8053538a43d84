/* cw-attachment-actions.c: Open and Save As for an attachment. Both go
 * through the client's disk cache (cc_client_fetch_attachment_async); Open
 * hands a copy named like the original to the default application, Save
 * As copies to where the file chooser (the portal inside Flatpak) says.
 * All file work is asynchronous; problems show as toasts.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cc-attachment.h"
#include "cw-attachment-actions.h"
#include "cw-attachment-utils.h"
#include "cw-utils.h"

typedef struct {
  GtkWindow            *window;
  CcClient             *client;
  CcAttachment         *attachment;
  GFile                *destination;
  GtkFileChooserNative *chooser;
  char                 *id;      /* copies for the worker thread */
  char                 *name;
  guint64               size;
} FileOp;

static void
file_op_free (FileOp *op)
{
  g_clear_object (&op->window);
  g_clear_object (&op->client);
  g_clear_object (&op->attachment);
  g_clear_object (&op->destination);
  g_clear_object (&op->chooser);
  g_free (op->id);
  g_free (op->name);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileOp, file_op_free)

static FileOp *
file_op_new (GtkWidget    *widget,
             CcClient     *client,
             CcAttachment *attachment)
{
  FileOp *op = g_new0 (FileOp, 1);
  GtkRoot *root = gtk_widget_get_root (widget);

  op->window = GTK_IS_WINDOW (root) ? g_object_ref (GTK_WINDOW (root)) : NULL;
  op->client = g_object_ref (client);
  op->attachment = g_object_ref (attachment);
  op->id = cw_attachment_safe_name (cc_attachment_get_id (attachment));
  op->name = cw_attachment_safe_name (cc_attachment_get_name (attachment));
  op->size = cc_attachment_get_size (attachment);
  return op;
}

static void
file_op_toast (FileOp     *op,
               const char *text)
{
  GtkWidget *child = op->window ? gtk_widget_get_first_child (GTK_WIDGET (op->window)) : NULL;

  while (child != NULL && !ADW_IS_TOAST_OVERLAY (child))
    child = gtk_widget_get_first_child (child);
  if (child != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (child), adw_toast_new (text));
  else if (op->window != NULL)
    cw_show_toast (GTK_WIDGET (op->window), text);
  else
    g_message ("%s", text);
}

static void
file_op_fail (FileOp       *op,
              const char   *format,
              const GError *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = g_strdup_printf (format, cc_attachment_get_name (op->attachment));
  if (error != NULL)
    {
      g_autofree char *full = g_strdup_printf ("%s %s", text, cw_error_sentence (error));
      file_op_toast (op, full);
    }
  else
    file_op_toast (op, text);
}

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FileOp) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    /* Translators: %s is a file name. */
    file_op_fail (op, _("“%s” could not be opened."), error);
}

/* The cache names files by id: a copy under the real name lets the
 * desktop pick the right application (an .xlsx is a zip by its bytes). */
static void
named_copy_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  FileOp *op = task_data;
  GFile *cached = g_object_get_data (G_OBJECT (task), "cached");
  const char *name = op->name;
  const char *id = op->id;
  g_autofree char *basename = g_file_get_basename (cached);
  g_autofree char *dir_path = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) named = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (basename, name) == 0)
    {
      g_task_return_pointer (task, g_object_ref (cached), g_object_unref);
      return;
    }

  dir_path = g_build_filename (g_get_user_cache_dir (), "causerie", "opened", id, NULL);
  dir = g_file_new_for_path (dir_path);
  named = g_file_get_child (dir, name);

  info = g_file_query_info (named, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, NULL);
  if (info != NULL && (guint64) g_file_info_get_size (info) == op->size)
    {
      g_task_return_pointer (task, g_steal_pointer (&named), g_object_unref);
      return;
    }

  if (!g_file_make_directory_with_parents (dir, cancellable, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);
  if (!g_file_copy (cached, named, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&named), g_object_unref);
}

static void
named_copy_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FileOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autofree char *uri = NULL;

  if (file == NULL)
    {
      file_op_fail (op, _("“%s” could not be opened."), error);
      file_op_free (op);
      return;
    }

  uri = g_file_get_uri (file);
  if (op->window != NULL)
    context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                gtk_widget_get_display (GTK_WIDGET (op->window))));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launched_cb, op);
}

static void
open_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FileOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) cached = cc_client_fetch_attachment_finish (CC_CLIENT (source), result, &error);
  g_autoptr(GTask) task = NULL;

  if (cached == NULL)
    {
      file_op_fail (op, _("“%s” could not be downloaded."), error);
      file_op_free (op);
      return;
    }

  /* The task does not own @op: named_copy_cb frees it. */
  task = g_task_new (NULL, NULL, named_copy_cb, op);
  g_task_set_source_tag (task, open_fetched_cb);
  g_task_set_task_data (task, op, NULL);
  g_object_set_data_full (G_OBJECT (task), "cached", g_steal_pointer (&cached), g_object_unref);
  g_task_run_in_thread (task, named_copy_thread);
}

void
cw_attachment_open (GtkWidget    *widget,
                    CcClient     *client,
                    CcAttachment *attachment)
{
  FileOp *op;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (CC_IS_CLIENT (client));
  g_return_if_fail (CC_IS_ATTACHMENT (attachment));

  op = file_op_new (widget, client, attachment);
  if (cc_attachment_get_id (attachment) == NULL)
    {
      GFile *local = cc_attachment_get_local_file (attachment);

      if (local == NULL)
        {
          file_op_free (op);
          return;
        }
      {
        g_autofree char *uri = g_file_get_uri (local);
        g_autoptr(GAppLaunchContext) context = NULL;

        if (op->window != NULL)
          context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                      gtk_widget_get_display (GTK_WIDGET (op->window))));
        g_app_info_launch_default_for_uri_async (uri, context, NULL, launched_cb, op);
      }
      return;
    }
  cc_client_fetch_attachment_async (client, attachment, FALSE, NULL, open_fetched_cb, op);
}

static void
copied_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FileOp) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_copy_finish (G_FILE (source), result, &error))
    {
      /* Translators: %s is a file name. */
      file_op_fail (op, _("“%s” could not be saved."), error);
      return;
    }
  {
    /* Translators: %s is a file name. */
    g_autofree char *text = g_strdup_printf (_("“%s” saved"), cc_attachment_get_name (op->attachment));
    file_op_toast (op, text);
  }
}

static void
save_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FileOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) cached = cc_client_fetch_attachment_finish (CC_CLIENT (source), result, &error);

  if (cached == NULL)
    {
      file_op_fail (op, _("“%s” could not be downloaded."), error);
      file_op_free (op);
      return;
    }
  g_file_copy_async (cached, op->destination, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                     NULL, NULL, NULL, copied_cb, op);
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  FileOp *op = user_data;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      file_op_free (op);
      return;
    }

  op->destination = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (op->destination == NULL)
    {
      file_op_free (op);
      return;
    }

  if (cc_attachment_get_id (op->attachment) == NULL && cc_attachment_get_local_file (op->attachment))
    g_file_copy_async (cc_attachment_get_local_file (op->attachment), op->destination,
                       G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                       NULL, NULL, NULL, copied_cb, op);
  else
    cc_client_fetch_attachment_async (op->client, op->attachment, FALSE, NULL,
                                      save_fetched_cb, op);
}

void
cw_attachment_save_as (GtkWidget    *widget,
                       CcClient     *client,
                       CcAttachment *attachment)
{
  FileOp *op;
  g_autofree char *name = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (CC_IS_CLIENT (client));
  g_return_if_fail (CC_IS_ATTACHMENT (attachment));

  op = file_op_new (widget, client, attachment);
  name = cw_attachment_safe_name (cc_attachment_get_name (attachment));
  op->chooser = gtk_file_chooser_native_new (_("Save File"), op->window,
                                             GTK_FILE_CHOOSER_ACTION_SAVE,
                                             _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (op->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (op->chooser), name);
  g_signal_connect (op->chooser, "response", G_CALLBACK (save_response_cb), op);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (op->chooser));
}
