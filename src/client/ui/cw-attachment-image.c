/* cw-attachment-image.c: one image preview. Its box is sized from the
 * attachment's width and height before anything is loaded, so rows do not
 * jump; the thumbnail is fetched through the client's disk cache and
 * decoded in a worker thread when the row is first mapped (a pending image
 * of ours is decoded from its outbox copy). Decoded thumbnails are kept in
 * a small memory LRU for rows scrolled back into view.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-attachment-image.h"
#include "cw-attachment-progress.h"
#include "cw-attachment-utils.h"
#include "cw-image-viewer.h"
#include "cw-utils.h"

struct _CwAttachmentImage
{
  GtkWidget             parent_instance;

  GtkOverlay           *frame;
  GtkButton            *button;
  GtkImage             *placeholder;
  GtkPicture           *picture;
  CwAttachmentProgress *progress;

  CcMessage            *message;
  CcAttachment         *attachment;
  GdkTexture           *texture;
  GCancellable         *cancellable;
  int                   max_width;
  int                   max_height;
  int                   width;
  int                   height;
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (CwAttachmentImage, cw_attachment_image, GTK_TYPE_WIDGET)

static void
set_box (CwAttachmentImage *self,
         int                image_width,
         int                image_height)
{
  cw_attachment_fit (image_width, image_height, self->max_width, self->max_height,
                     &self->width, &self->height);
  gtk_widget_set_size_request (GTK_WIDGET (self->button), self->width, self->height);
}

static void
show_texture (CwAttachmentImage *self,
              GdkTexture        *texture)
{
  g_set_object (&self->texture, texture);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), texture == NULL);
  /* The server did not know the size: take the thumbnail's shape. */
  if (texture != NULL &&
      (cc_attachment_get_width (self->attachment) <= 0 || cc_attachment_get_height (self->attachment) <= 0))
    set_box (self, gdk_texture_get_width (texture), gdk_texture_get_height (texture));
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwAttachmentImage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = cw_texture_load_finish (result, &error);
  const char *id;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (texture == NULL)
    {
      g_debug ("Thumbnail of %s: %s", cc_attachment_get_name (self->attachment), error->message);
      gtk_image_set_from_icon_name (self->placeholder, "image-missing-symbolic");
      return;
    }
  id = cc_attachment_get_id (self->attachment);
  if (id != NULL && cc_attachment_get_has_thumbnail (self->attachment))
    cw_attachment_thumbnail_store (id, texture);
  show_texture (self, texture);
}

static void
decode (CwAttachmentImage *self,
        GFile             *file)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  cw_texture_load_async (file, CW_ATTACHMENT_THUMB_WIDTH * scale, CW_ATTACHMENT_THUMB_HEIGHT * scale,
                         self->cancellable, decoded_cb, g_object_ref (self));
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwAttachmentImage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = cc_client_fetch_attachment_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (file == NULL)
    {
      g_debug ("Thumbnail of %s: %s", cc_attachment_get_name (self->attachment), error->message);
      self->loading = FALSE;
      gtk_image_set_from_icon_name (self->placeholder, "image-missing-symbolic");
      return;
    }
  decode (self, file);
}

static void
load (CwAttachmentImage *self)
{
  CcClient *client;
  GdkTexture *cached;
  GFile *local;

  if (self->attachment == NULL || self->texture != NULL || self->loading ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  cached = cw_attachment_thumbnail_lookup (cc_attachment_get_id (self->attachment));
  if (cached != NULL)
    {
      show_texture (self, cached);
      return;
    }

  client = cw_attachment_client_for (GTK_WIDGET (self));
  local = cc_attachment_get_local_file (self->attachment);
  if (client != NULL && cc_attachment_get_id (self->attachment) != NULL &&
      cc_attachment_get_has_thumbnail (self->attachment))
    {
      self->loading = TRUE;
      cc_client_fetch_attachment_async (client, self->attachment, TRUE, self->cancellable,
                                        fetched_cb, g_object_ref (self));
    }
  else if (local != NULL)
    {
      self->loading = TRUE;
      decode (self, local);
    }
}

static void
on_attachment_changed_cb (CwAttachmentImage *self)
{
  load (self);
}

static void
on_clicked_cb (CwAttachmentImage *self)
{
  CcClient *client = cw_attachment_client_for (GTK_WIDGET (self));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  CwImageViewer *viewer;

  if (self->attachment == NULL)
    return;
  viewer = cw_image_viewer_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                client, self->attachment, self->texture);
  gtk_window_present (GTK_WINDOW (viewer));
}

GdkTexture *
cw_attachment_image_get_texture (CwAttachmentImage *self)
{
  g_return_val_if_fail (CW_IS_ATTACHMENT_IMAGE (self), NULL);
  return self->texture;
}

static void
cw_attachment_image_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cw_attachment_image_parent_class)->map (widget);
  load (CW_ATTACHMENT_IMAGE (widget));
}

static void
cw_attachment_image_dispose (GObject *object)
{
  CwAttachmentImage *self = CW_ATTACHMENT_IMAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->attachment != NULL)
    g_signal_handlers_disconnect_by_data (self->attachment, self);
  g_clear_object (&self->attachment);
  g_clear_object (&self->message);
  g_clear_object (&self->texture);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ATTACHMENT_IMAGE);
  cw_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cw_attachment_image_parent_class)->dispose (object);
}

static void
cw_attachment_image_class_init (CwAttachmentImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_attachment_image_dispose;
  widget_class->map = cw_attachment_image_map;

  g_type_ensure (CW_TYPE_ATTACHMENT_PROGRESS);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-attachment-image.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentImage, frame);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentImage, button);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentImage, placeholder);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentImage, picture);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentImage, progress);
  gtk_widget_class_bind_template_callback (widget_class, on_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmentimage");
}

static void
cw_attachment_image_init (CwAttachmentImage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CwAttachmentImage *
cw_attachment_image_new (CcMessage    *message,
                         CcAttachment *attachment,
                         gboolean      compact)
{
  CwAttachmentImage *self;
  g_autofree char *size = NULL;
  g_autofree char *a11y = NULL;

  g_return_val_if_fail (CC_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (CC_IS_ATTACHMENT (attachment), NULL);

  self = g_object_new (CW_TYPE_ATTACHMENT_IMAGE, NULL);
  self->message = g_object_ref (message);
  self->attachment = g_object_ref (attachment);
  self->max_width = compact ? CW_ATTACHMENT_TILE_WIDTH : CW_ATTACHMENT_THUMB_WIDTH;
  self->max_height = compact ? CW_ATTACHMENT_TILE_HEIGHT : CW_ATTACHMENT_THUMB_HEIGHT;
  set_box (self, cc_attachment_get_width (attachment), cc_attachment_get_height (attachment));

  size = g_format_size (cc_attachment_get_size (attachment));
  /* Translators: accessible name of an image preview: file name, size. */
  a11y = g_strdup_printf (_("Image %s, %s"), cc_attachment_get_name (attachment), size);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  cw_attachment_progress_set (self->progress, message, attachment);

  g_signal_connect_swapped (attachment, "notify::id", G_CALLBACK (on_attachment_changed_cb), self);
  g_signal_connect_swapped (attachment, "notify::has-thumbnail", G_CALLBACK (on_attachment_changed_cb), self);
  return self;
}
