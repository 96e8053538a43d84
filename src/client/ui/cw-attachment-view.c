/* cw-attachment-view.c: a message's attachments. A message holds a few
 * files, so the children are made when the message is set (and again when
 * its list changes, e.g. a pending upload is cancelled), not recycled.
 * Images go side by side in CwImageWrap, wrapping to the next line when
 * the column is narrow; files go below, one card each.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include "cw-attachment-card.h"
#include "cw-attachment-image.h"
#include "cw-attachment-view.h"
#include "cw-utils.h"

#define SPACING 6

/* CwImageWrap: children left to right, wrapped to the width it is given.
 * Its height for a width is exactly what it allocates at that width (a
 * GtkFlowBox asked for its natural width first and overlapped the cards
 * below when it then wrapped). */
#define CW_TYPE_IMAGE_WRAP (cw_image_wrap_get_type ())
G_DECLARE_FINAL_TYPE (CwImageWrap, cw_image_wrap, CW, IMAGE_WRAP, GtkWidget)

struct _CwImageWrap
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (CwImageWrap, cw_image_wrap, GTK_TYPE_WIDGET)

/* Lays the children out in @width (-1: one line); allocates them when
 * @allocate. Returns the height used; *line_width the widest line. */
static int
wrap_layout (GtkWidget *widget,
             int        width,
             gboolean   allocate,
             int       *line_width)
{
  int x = 0, y = 0, line_height = 0, widest = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      int w, h;

      if (!gtk_widget_should_layout (c))
        continue;
      gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (c, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      if (x > 0 && width >= 0 && x + SPACING + w > width)
        {
          y += line_height + SPACING;
          x = 0;
          line_height = 0;
        }
      if (x > 0)
        x += SPACING;
      if (allocate)
        gtk_widget_size_allocate (c, &(GtkAllocation) { x, y, w, h }, -1);
      x += w;
      widest = MAX (widest, x);
      line_height = MAX (line_height, h);
    }
  if (line_width != NULL)
    *line_width = widest;
  return y + line_height;
}

static void
cw_image_wrap_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int widest_child = 0, line = 0;

      for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
        {
          int w;

          if (!gtk_widget_should_layout (c))
            continue;
          gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &w, NULL, NULL, NULL);
          widest_child = MAX (widest_child, w);
        }
      wrap_layout (widget, -1, FALSE, &line);
      *minimum = widest_child;
      *natural = line;
    }
  else
    *minimum = *natural = wrap_layout (widget, for_size, FALSE, NULL);
}

static void
cw_image_wrap_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  wrap_layout (widget, width, TRUE, NULL);
}

static GtkSizeRequestMode
cw_image_wrap_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cw_image_wrap_dispose (GObject *object)
{
  cw_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (cw_image_wrap_parent_class)->dispose (object);
}

static void
cw_image_wrap_class_init (CwImageWrapClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cw_image_wrap_dispose;
  widget_class->measure = cw_image_wrap_measure;
  widget_class->size_allocate = cw_image_wrap_size_allocate;
  widget_class->get_request_mode = cw_image_wrap_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "imagewrap");
}

static void
cw_image_wrap_init (CwImageWrap *self)
{
}

struct _CwAttachmentView
{
  GtkWidget   parent_instance;

  GtkWidget  *images;
  GtkBox     *files;

  CcMessage  *message;
  GListModel *attachments;
};

G_DEFINE_FINAL_TYPE (CwAttachmentView, cw_attachment_view, GTK_TYPE_WIDGET)

gboolean
cw_attachment_view_previews (CcAttachment *attachment)
{
  g_return_val_if_fail (CC_IS_ATTACHMENT (attachment), FALSE);

  /* Without a server thumbnail an image is not decoded here (the server
   * leaves none for what it would not decode): a card. Our own pending
   * image previews from its outbox copy. */
  return cc_attachment_is_image (attachment) &&
         (cc_attachment_get_has_thumbnail (attachment) ||
          cc_attachment_get_local_file (attachment) != NULL);
}

static void
clear (CwAttachmentView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->images)) != NULL)
    gtk_widget_unparent (child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->files))) != NULL)
    gtk_box_remove (self->files, child);
}

static void
rebuild (CwAttachmentView *self)
{
  guint n = self->attachments ? g_list_model_get_n_items (self->attachments) : 0;
  gboolean any_image = FALSE, any_file = FALSE;
  guint n_images = 0;

  clear (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcAttachment) attachment = g_list_model_get_item (self->attachments, i);
      n_images += cw_attachment_view_previews (attachment);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcAttachment) attachment = g_list_model_get_item (self->attachments, i);

      if (cw_attachment_view_previews (attachment))
        {
          GtkWidget *image = GTK_WIDGET (cw_attachment_image_new (self->message, attachment,
                                                                   n_images > 1));

          gtk_widget_set_parent (image, self->images);
          any_image = TRUE;
        }
      else
        {
          gtk_box_append (self->files, GTK_WIDGET (cw_attachment_card_new (self->message, attachment)));
          any_file = TRUE;
        }
    }
  gtk_widget_set_visible (self->images, any_image);
  gtk_widget_set_visible (GTK_WIDGET (self->files), any_file);
}

static void
on_items_changed_cb (CwAttachmentView *self)
{
  rebuild (self);
}

void
cw_attachment_view_set_message (CwAttachmentView *self,
                                CcMessage        *message)
{
  g_return_if_fail (CW_IS_ATTACHMENT_VIEW (self));

  if (self->message == message)
    return;

  if (self->attachments != NULL)
    g_signal_handlers_disconnect_by_data (self->attachments, self);
  g_clear_object (&self->attachments);
  g_set_object (&self->message, message);

  if (message != NULL)
    {
      self->attachments = g_object_ref (cc_message_get_attachments (message));
      g_signal_connect_swapped (self->attachments, "items-changed",
                                G_CALLBACK (on_items_changed_cb), self);
    }
  rebuild (self);
}

CwAttachmentView *
cw_attachment_view_new (void)
{
  return g_object_new (CW_TYPE_ATTACHMENT_VIEW, NULL);
}

static void
cw_attachment_view_dispose (GObject *object)
{
  CwAttachmentView *self = CW_ATTACHMENT_VIEW (object);

  if (self->attachments != NULL)
    g_signal_handlers_disconnect_by_data (self->attachments, self);
  g_clear_object (&self->attachments);
  g_clear_object (&self->message);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ATTACHMENT_VIEW);
  cw_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cw_attachment_view_parent_class)->dispose (object);
}

static void
cw_attachment_view_class_init (CwAttachmentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_attachment_view_dispose;

  g_type_ensure (CW_TYPE_IMAGE_WRAP);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-attachment-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentView, images);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentView, files);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmentview");
}

static void
cw_attachment_view_init (CwAttachmentView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
