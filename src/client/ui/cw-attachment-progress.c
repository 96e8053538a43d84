/* cw-attachment-progress.c: the upload state of one file of a pending
 * message, kept up to date from the attachment's "state", "progress" and
 * "error"; the remove button calls cc_client_cancel_attachment().
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-attachment-progress.h"
#include "cw-attachment-utils.h"
#include "cw-utils.h"

struct _CwAttachmentProgress
{
  GtkWidget       parent_instance;

  GtkImage       *error_icon;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkButton      *cancel_button;

  CcMessage      *message;
  CcAttachment   *attachment;
  CcClient       *client;       /* for "online", while rooted */
};

G_DEFINE_FINAL_TYPE (CwAttachmentProgress, cw_attachment_progress, GTK_TYPE_WIDGET)

char *
cw_attachment_progress_status_text (CcAttachment *attachment,
                                    gboolean      online)
{
  g_return_val_if_fail (CC_IS_ATTACHMENT (attachment), NULL);

  switch (cc_attachment_get_state (attachment))
    {
    case CC_ATTACHMENT_QUEUED:
      return g_strdup (online ? _("Waiting to upload") : _("Waiting for connection"));
    case CC_ATTACHMENT_UPLOADING:
      {
        int percent = (int) (CLAMP (cc_attachment_get_progress (attachment), 0.0, 1.0) * 100);
        /* Translators: upload progress; %d is a percentage, %% a percent sign. */
        return g_strdup_printf (_("Uploading… %d%%"), percent);
      }
    case CC_ATTACHMENT_FAILED:
      return g_strdup (cc_attachment_get_error (attachment) ? cc_attachment_get_error (attachment)
                                                            : _("Upload failed"));
    case CC_ATTACHMENT_REMOTE:
    default:
      return NULL;
    }
}

static void
update (CwAttachmentProgress *self)
{
  CcAttachmentState state;
  g_autofree char *text = NULL;
  gboolean online;

  if (self->attachment == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  state = cc_attachment_get_state (self->attachment);
  online = self->client != NULL && cc_client_get_online (self->client);
  text = cw_attachment_progress_status_text (self->attachment, online);

  gtk_widget_set_visible (GTK_WIDGET (self), state != CC_ATTACHMENT_REMOTE);
  if (state == CC_ATTACHMENT_REMOTE)
    return;

  /* Wrapped rather than cut short: an error names the file and the reason. */
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_icon), state == CC_ATTACHMENT_FAILED);
  if (state == CC_ATTACHMENT_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state == CC_ATTACHMENT_UPLOADING);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 CLAMP (cc_attachment_get_progress (self->attachment), 0.0, 1.0));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
on_cancel_clicked_cb (CwAttachmentProgress *self)
{
  CcClient *client = self->client ? self->client : cw_attachment_client_for (GTK_WIDGET (self));

  if (client != NULL && self->message != NULL && self->attachment != NULL)
    cc_client_cancel_attachment (client, self->message, self->attachment);
}

void
cw_attachment_progress_set (CwAttachmentProgress *self,
                            CcMessage            *message,
                            CcAttachment         *attachment)
{
  g_autofree char *a11y = NULL;

  g_return_if_fail (CW_IS_ATTACHMENT_PROGRESS (self));

  if (self->attachment != NULL)
    g_signal_handlers_disconnect_by_data (self->attachment, self);
  g_set_object (&self->message, message);
  g_set_object (&self->attachment, attachment);

  if (attachment != NULL)
    {
      g_signal_connect_swapped (attachment, "notify::state", G_CALLBACK (update), self);
      g_signal_connect_swapped (attachment, "notify::progress", G_CALLBACK (update), self);
      g_signal_connect_swapped (attachment, "notify::error", G_CALLBACK (update), self);
      /* Translators: button that removes a file from a message being sent. */
      a11y = g_strdup_printf (_("Cancel Upload of %s"), cc_attachment_get_name (attachment));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
    }
  update (self);
}

CwAttachmentProgress *
cw_attachment_progress_new (void)
{
  return g_object_new (CW_TYPE_ATTACHMENT_PROGRESS, NULL);
}

static void
cw_attachment_progress_root (GtkWidget *widget)
{
  CwAttachmentProgress *self = CW_ATTACHMENT_PROGRESS (widget);

  GTK_WIDGET_CLASS (cw_attachment_progress_parent_class)->root (widget);
  g_set_object (&self->client, cw_attachment_client_for (widget));
  if (self->client != NULL)
    g_signal_connect_swapped (self->client, "notify::online", G_CALLBACK (update), self);
  update (self);
}

static void
cw_attachment_progress_unroot (GtkWidget *widget)
{
  CwAttachmentProgress *self = CW_ATTACHMENT_PROGRESS (widget);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  GTK_WIDGET_CLASS (cw_attachment_progress_parent_class)->unroot (widget);
}

static void
cw_attachment_progress_dispose (GObject *object)
{
  CwAttachmentProgress *self = CW_ATTACHMENT_PROGRESS (object);

  if (self->attachment != NULL)
    g_signal_handlers_disconnect_by_data (self->attachment, self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->attachment);
  g_clear_object (&self->message);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ATTACHMENT_PROGRESS);
  cw_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cw_attachment_progress_parent_class)->dispose (object);
}

static void
cw_attachment_progress_class_init (CwAttachmentProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_attachment_progress_dispose;
  widget_class->root = cw_attachment_progress_root;
  widget_class->unroot = cw_attachment_progress_unroot;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-attachment-progress.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentProgress, error_icon);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentProgress, status_label);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentProgress, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentProgress, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmentprogress");
}

static void
cw_attachment_progress_init (CwAttachmentProgress *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
