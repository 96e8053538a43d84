/* cw-image-viewer.c: the image viewer. The full image is fetched through
 * the client's disk cache and decoded in a worker thread; the thumbnail
 * stands in meanwhile, under a spinner. Zoom to fit by default (never
 * enlarged), 1:1 in a scrolled view with "1", back to fit with "0" or
 * Ctrl+0, a double click toggles; Ctrl+S saves; Escape closes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cc-attachment.h"
#include "cw-attachment-actions.h"
#include "cw-attachment-utils.h"
#include "cw-image-viewer.h"

struct _CwImageViewer
{
  AdwWindow          parent_instance;

  AdwWindowTitle    *window_title;
  GtkButton         *save_button;
  GtkToggleButton   *zoom_button;
  GtkScrolledWindow *scroller;
  GtkPicture        *picture;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;

  CcClient          *client;
  CcAttachment      *attachment;
  GCancellable      *cancellable;
  gboolean           fit;
  gboolean           loaded;
  gboolean           placeholder_small;
  gboolean           center_h;
  gboolean           center_v;
};

G_DEFINE_FINAL_TYPE (CwImageViewer, cw_image_viewer, ADW_TYPE_WINDOW)

static void
update_subtitle (CwImageViewer *self,
                 int            width,
                 int            height)
{
  g_autofree char *size = g_format_size (cc_attachment_get_size (self->attachment));
  g_autofree char *subtitle = NULL;

  if (width > 0 && height > 0)
    /* Translators: image viewer subtitle: width × height in pixels · file size. */
    subtitle = g_strdup_printf (_("%d × %d · %s"), width, height, size);
  else
    subtitle = g_steal_pointer (&size);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

gboolean
cw_image_viewer_get_fit (CwImageViewer *self)
{
  g_return_val_if_fail (CW_IS_IMAGE_VIEWER (self), TRUE);
  return self->fit;
}

static gboolean
center_idle_cb (gpointer user_data)
{
  GtkAdjustment *adj = user_data;

  gtk_adjustment_set_value (adj, (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj)) / 2);
  return G_SOURCE_REMOVE;
}

/* At 1:1 the view opens on the middle of the image: each axis is centred
 * once the scrolled window has laid out the image at its own size (the
 * range first passes through the sizes of the fitted layout). "changed"
 * comes from inside the viewport's allocation, which would not follow a
 * new value until the next one: it is set from an idle. */
static void
on_adjustment_changed_cb (GtkAdjustment *adj,
                          CwImageViewer *self)
{
  gboolean horizontal = adj == gtk_scrolled_window_get_hadjustment (self->scroller);
  gboolean *pending = horizontal ? &self->center_h : &self->center_v;
  GdkPaintable *paintable = gtk_picture_get_paintable (self->picture);
  int size;

  if (!*pending || self->fit || paintable == NULL)
    return;
  size = horizontal ? gdk_paintable_get_intrinsic_width (paintable)
                    : gdk_paintable_get_intrinsic_height (paintable);
  if (gtk_adjustment_get_upper (adj) + 1 < size)
    return;
  *pending = FALSE;
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, center_idle_cb, g_object_ref (adj), g_object_unref);
}

void
cw_image_viewer_set_fit (CwImageViewer *self,
                         gboolean       fit)
{
  g_return_if_fail (CW_IS_IMAGE_VIEWER (self));

  self->fit = fit;
  gtk_picture_set_can_shrink (self->picture, fit);
  if (!fit)
    gtk_picture_set_content_fit (self->picture, GTK_CONTENT_FIT_FILL);
  else if (self->loaded || !self->placeholder_small)
    gtk_picture_set_content_fit (self->picture, GTK_CONTENT_FIT_SCALE_DOWN);
  else
    /* The thumbnail is smaller than the image it stands for. */
    gtk_picture_set_content_fit (self->picture, GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_halign (GTK_WIDGET (self->picture), fit ? GTK_ALIGN_FILL : GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->picture), fit ? GTK_ALIGN_FILL : GTK_ALIGN_CENTER);
  gtk_scrolled_window_set_policy (self->scroller,
                                  fit ? GTK_POLICY_NEVER : GTK_POLICY_AUTOMATIC,
                                  fit ? GTK_POLICY_NEVER : GTK_POLICY_AUTOMATIC);

  g_signal_handlers_block_by_func (self->zoom_button, NULL, self);
  gtk_toggle_button_set_active (self->zoom_button, !fit);
  g_signal_handlers_unblock_by_func (self->zoom_button, NULL, self);
  gtk_button_set_icon_name (GTK_BUTTON (self->zoom_button),
                            fit ? "zoom-original-symbolic" : "zoom-fit-best-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  fit ? _("Original Size") : _("Fit to Window"), -1);
  self->center_h = self->center_v = !fit;
}

static void
on_zoom_toggled_cb (CwImageViewer *self)
{
  cw_image_viewer_set_fit (self, !gtk_toggle_button_get_active (self->zoom_button));
}

static void
zoom_original_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  cw_image_viewer_set_fit (CW_IMAGE_VIEWER (widget), FALSE);
}

static void
zoom_fit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  cw_image_viewer_set_fit (CW_IMAGE_VIEWER (widget), TRUE);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CwImageViewer *self = CW_IMAGE_VIEWER (widget);

  if (self->client != NULL)
    cw_attachment_save_as (widget, self->client, self->attachment);
}

static void
on_double_click_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    CwImageViewer   *self)
{
  if (n_press == 2 && self->loaded)
    cw_image_viewer_set_fit (self, !self->fit);
}

static void
show_error (CwImageViewer *self,
            const GError  *error)
{
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_picture_set_paintable (self->picture, NULL);
  adw_status_page_set_description (self->error_page, error ? error->message : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_page), TRUE);
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwImageViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = cw_texture_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    {
      show_error (self, error);
      return;
    }
  self->loaded = TRUE;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_button), TRUE);
  cw_image_viewer_set_fit (self, self->fit);
  update_subtitle (self, gdk_texture_get_width (texture), gdk_texture_get_height (texture));
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwImageViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = cc_client_fetch_attachment_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (file == NULL)
    {
      show_error (self, error);
      return;
    }
  cw_texture_load_async (file, 0, 0, self->cancellable, decoded_cb, g_object_ref (self));
}

static void
load (CwImageViewer *self)
{
  GFile *local = cc_attachment_get_local_file (self->attachment);

  gtk_spinner_set_spinning (self->spinner, TRUE);
  if (local != NULL)
    cw_texture_load_async (local, 0, 0, self->cancellable, decoded_cb, g_object_ref (self));
  else if (self->client != NULL && cc_attachment_get_id (self->attachment) != NULL)
    cc_client_fetch_attachment_async (self->client, self->attachment, FALSE, self->cancellable,
                                      fetched_cb, g_object_ref (self));
  else
    show_error (self, NULL);
}

static void
cw_image_viewer_dispose (GObject *object)
{
  CwImageViewer *self = CW_IMAGE_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->attachment);

  G_OBJECT_CLASS (cw_image_viewer_parent_class)->dispose (object);
}

static void
cw_image_viewer_class_init (CwImageViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_image_viewer_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-image-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, CwImageViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, CwImageViewer, save_button);
  gtk_widget_class_bind_template_child (widget_class, CwImageViewer, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, CwImageViewer, scroller);
  gtk_widget_class_bind_template_child (widget_class, CwImageViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, CwImageViewer, spinner);
  gtk_widget_class_bind_template_child (widget_class, CwImageViewer, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_toggled_cb);

  gtk_widget_class_install_action (widget_class, "viewer.zoom-original", NULL, zoom_original_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-fit", NULL, zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "viewer.save-as", NULL, save_as_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, 0, "viewer.zoom-original", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, 0, "viewer.zoom-original", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "viewer.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "viewer.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "viewer.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "viewer.save-as", NULL);
}

static void
cw_image_viewer_init (CwImageViewer *self)
{
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->fit = TRUE;

  g_signal_connect (gtk_scrolled_window_get_hadjustment (self->scroller), "changed",
                    G_CALLBACK (on_adjustment_changed_cb), self);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                    G_CALLBACK (on_adjustment_changed_cb), self);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_double_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->picture), GTK_EVENT_CONTROLLER (click));
}

CwImageViewer *
cw_image_viewer_new (GtkWindow    *parent,
                     CcClient     *client,
                     CcAttachment *attachment,
                     GdkTexture   *placeholder)
{
  CwImageViewer *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (client == NULL || CC_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CC_IS_ATTACHMENT (attachment), NULL);

  self = g_object_new (CW_TYPE_IMAGE_VIEWER, "transient-for", parent, NULL);
  self->client = client ? g_object_ref (client) : NULL;
  self->attachment = g_object_ref (attachment);

  gtk_window_set_title (GTK_WINDOW (self), cc_attachment_get_name (attachment));
  adw_window_title_set_title (self->window_title, cc_attachment_get_name (attachment));
  update_subtitle (self, cc_attachment_get_width (attachment), cc_attachment_get_height (attachment));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cc_attachment_get_name (attachment), -1);

  if (parent != NULL)
    {
      int width = gtk_widget_get_width (GTK_WIDGET (parent));
      int height = gtk_widget_get_height (GTK_WIDGET (parent));

      if (width > 0 && height > 0)
        gtk_window_set_default_size (GTK_WINDOW (self), MAX (360, width * 9 / 10),
                                     MAX (300, height * 9 / 10));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.save-as",
                                 client != NULL && cc_attachment_get_id (attachment) != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_button), FALSE);
  if (placeholder != NULL)
    {
      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (placeholder));
      self->placeholder_small = cc_attachment_get_width (attachment) > gdk_texture_get_width (placeholder);
    }
  cw_image_viewer_set_fit (self, TRUE);
  load (self);
  return self;
}
