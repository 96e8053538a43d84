/* cw-attachment-card.c: a file card. Open downloads the file through the
 * client's disk cache and hands it to the default application; Save As
 * asks where and copies it there (cw-attachment-utils.c). While the file
 * is still going up the buttons wait and the progress shows instead.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-attachment-card.h"
#include "cw-attachment-progress.h"
#include "cw-attachment-actions.h"
#include "cw-attachment-utils.h"
#include "cw-utils.h"

struct _CwAttachmentCard
{
  GtkWidget             parent_instance;

  GtkImage             *icon;
  GtkLabel             *name_label;
  GtkLabel             *size_label;
  GtkButton            *open_button;
  GtkButton            *save_button;
  CwAttachmentProgress *progress;

  CcMessage            *message;
  CcAttachment         *attachment;
};

G_DEFINE_FINAL_TYPE (CwAttachmentCard, cw_attachment_card, GTK_TYPE_WIDGET)

static void
update (CwAttachmentCard *self)
{
  gboolean remote = cc_attachment_get_state (self->attachment) == CC_ATTACHMENT_REMOTE &&
                    cc_attachment_get_id (self->attachment) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->open_button), remote);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), remote);
}

static void
on_open_clicked_cb (CwAttachmentCard *self)
{
  CcClient *client = cw_attachment_client_for (GTK_WIDGET (self));

  if (client != NULL)
    cw_attachment_open (GTK_WIDGET (self), client, self->attachment);
}

static void
on_save_clicked_cb (CwAttachmentCard *self)
{
  CcClient *client = cw_attachment_client_for (GTK_WIDGET (self));

  if (client != NULL)
    cw_attachment_save_as (GTK_WIDGET (self), client, self->attachment);
}

static void
cw_attachment_card_dispose (GObject *object)
{
  CwAttachmentCard *self = CW_ATTACHMENT_CARD (object);

  if (self->attachment != NULL)
    g_signal_handlers_disconnect_by_data (self->attachment, self);
  g_clear_object (&self->attachment);
  g_clear_object (&self->message);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ATTACHMENT_CARD);
  cw_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cw_attachment_card_parent_class)->dispose (object);
}

static void
cw_attachment_card_class_init (CwAttachmentCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_attachment_card_dispose;

  g_type_ensure (CW_TYPE_ATTACHMENT_PROGRESS);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-attachment-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentCard, icon);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentCard, size_label);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentCard, open_button);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentCard, save_button);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentCard, progress);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmentcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cw_attachment_card_init (CwAttachmentCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CwAttachmentCard *
cw_attachment_card_new (CcMessage    *message,
                        CcAttachment *attachment)
{
  CwAttachmentCard *self;
  const char *name;
  g_autofree char *size = NULL;
  g_autofree char *a11y = NULL;
  g_autofree char *open = NULL;
  g_autofree char *save = NULL;

  g_return_val_if_fail (CC_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (CC_IS_ATTACHMENT (attachment), NULL);

  self = g_object_new (CW_TYPE_ATTACHMENT_CARD, NULL);
  self->message = g_object_ref (message);
  self->attachment = g_object_ref (attachment);

  name = cc_attachment_get_name (attachment);
  size = g_format_size (cc_attachment_get_size (attachment));
  gtk_image_set_from_icon_name (self->icon, cw_attachment_icon_name (cc_attachment_get_mime_type (attachment)));
  gtk_label_set_text (self->name_label, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), name);
  gtk_label_set_text (self->size_label, size);

  /* Translators: accessible name of a file card: file name, size. */
  a11y = g_strdup_printf (_("File %s, %s"), name, size);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  /* Translators: %s is a file name. */
  open = g_strdup_printf (_("Open %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->open_button), GTK_ACCESSIBLE_PROPERTY_LABEL, open, -1);
  /* Translators: %s is a file name. */
  save = g_strdup_printf (_("Save %s As…"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->save_button), GTK_ACCESSIBLE_PROPERTY_LABEL, save, -1);

  cw_attachment_progress_set (self->progress, message, attachment);
  g_signal_connect_swapped (attachment, "notify::state", G_CALLBACK (update), self);
  g_signal_connect_swapped (attachment, "notify::id", G_CALLBACK (update), self);
  update (self);
  return self;
}
