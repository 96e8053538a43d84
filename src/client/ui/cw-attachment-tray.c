/* cw-attachment-tray.c: the files chosen for the next message. A
 * GListStore of CwTrayItem (file, name, size, type, a small thumbnail for
 * images, all read asynchronously) shown by a GtkFlowBox of
 * CwAttachmentChip bound to it: every chosen file stays in sight, on as
 * many lines as needed (scrolled past three). The tray shows only while
 * it holds files.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cau-file-types.h"
#include "cw-attachment-tray.h"
#include "cw-attachment-utils.h"
#include "cw-utils.h"

#define CHIP_THUMB_PX 40

/* CwTrayItem: one chosen file. ------------------------------------------- */

#define CW_TYPE_TRAY_ITEM (cw_tray_item_get_type ())
G_DECLARE_FINAL_TYPE (CwTrayItem, cw_tray_item, CW, TRAY_ITEM, GObject)

struct _CwTrayItem
{
  GObject       parent_instance;

  GFile        *file;
  gboolean      temporary;
  char         *name;
  guint64       size;
  char         *content_type;
  GdkTexture   *texture;
  gboolean      ready;        /* size and type known */
  GCancellable *cancellable;
};

enum { ITEM_CHANGED, N_ITEM_SIGNALS };
static guint item_signals[N_ITEM_SIGNALS];

G_DEFINE_FINAL_TYPE (CwTrayItem, cw_tray_item, G_TYPE_OBJECT)

static void
cw_tray_item_finalize (GObject *object)
{
  CwTrayItem *self = CW_TRAY_ITEM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->texture);
  g_free (self->name);
  g_free (self->content_type);
  G_OBJECT_CLASS (cw_tray_item_parent_class)->finalize (object);
}

static void
cw_tray_item_class_init (CwTrayItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cw_tray_item_finalize;
  item_signals[ITEM_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cw_tray_item_init (CwTrayItem *self)
{
  self->cancellable = g_cancellable_new ();
}

/* CwAttachmentChip: the row of one item. --------------------------------- */

#define CW_TYPE_ATTACHMENT_CHIP (cw_attachment_chip_get_type ())
G_DECLARE_FINAL_TYPE (CwAttachmentChip, cw_attachment_chip, CW, ATTACHMENT_CHIP, GtkWidget)

struct _CwAttachmentChip
{
  GtkWidget   parent_instance;

  GtkImage   *icon;
  GtkPicture *picture;
  GtkLabel   *name_label;
  GtkLabel   *size_label;
  GtkButton  *remove_button;

  CwTrayItem *item;
};

G_DEFINE_FINAL_TYPE (CwAttachmentChip, cw_attachment_chip, GTK_TYPE_WIDGET)

static void cw_attachment_tray_remove_item (CwAttachmentTray *self,
                                            CwTrayItem       *item);

static void
chip_update (CwAttachmentChip *self)
{
  CwTrayItem *item = self->item;
  g_autofree char *size = NULL;
  g_autofree char *a11y = NULL;
  g_autofree char *remove = NULL;

  if (item == NULL)
    return;

  size = item->ready ? g_format_size (item->size) : g_strdup ("");
  gtk_label_set_text (self->name_label, item->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), item->name);
  gtk_label_set_text (self->size_label, size);
  gtk_image_set_from_icon_name (self->icon, cw_attachment_icon_name (item->content_type));
  gtk_widget_set_visible (GTK_WIDGET (self->icon), item->texture == NULL);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (item->texture));

  /* Translators: accessible name of a file about to be sent: name, size. */
  a11y = g_strdup_printf (_("Attached file %s, %s"), item->name, size);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  /* Translators: button that takes a file out of the message being written. */
  remove = g_strdup_printf (_("Remove %s"), item->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove, -1);
}

static void
chip_set_item (CwAttachmentChip *self,
               CwTrayItem       *item)
{
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    g_signal_connect_swapped (item, "changed", G_CALLBACK (chip_update), self);
  chip_update (self);
}

static void
on_remove_clicked_cb (CwAttachmentChip *self)
{
  GtkWidget *tray = gtk_widget_get_ancestor (GTK_WIDGET (self), CW_TYPE_ATTACHMENT_TRAY);

  if (tray != NULL && self->item != NULL)
    cw_attachment_tray_remove_item (CW_ATTACHMENT_TRAY (tray), self->item);
}

static void
cw_attachment_chip_dispose (GObject *object)
{
  CwAttachmentChip *self = CW_ATTACHMENT_CHIP (object);

  chip_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ATTACHMENT_CHIP);
  cw_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cw_attachment_chip_parent_class)->dispose (object);
}

static void
cw_attachment_chip_class_init (CwAttachmentChipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_attachment_chip_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-attachment-chip.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentChip, icon);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentChip, picture);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentChip, name_label);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentChip, size_label);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentChip, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmentchip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cw_attachment_chip_init (CwAttachmentChip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* CwAttachmentTray -------------------------------------------------------- */

struct _CwAttachmentTray
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
  GtkFlowBox  *list;

  GListStore  *items;     /* of CwTrayItem */
};

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CwAttachmentTray, cw_attachment_tray, GTK_TYPE_WIDGET)

static void
changed (CwAttachmentTray *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  gtk_revealer_set_reveal_child (self->revealer, n > 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
find_item (CwAttachmentTray *self,
           CwTrayItem       *item,
           guint            *position)
{
  return g_list_store_find (self->items, item, position);
}

static void
cw_attachment_tray_remove_item (CwAttachmentTray *self,
                                CwTrayItem       *item)
{
  guint position;

  if (!find_item (self, item, &position))
    return;
  g_cancellable_cancel (item->cancellable);
  if (item->temporary)
    cw_attachment_delete_temporary (item->file);
  g_list_store_remove (self->items, position);
  changed (self);
}

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CwTrayItem) item = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = cw_texture_load_finish (result, &error);

  if (texture == NULL)
    return;
  g_set_object (&item->texture, texture);
  g_signal_emit (item, item_signals[ITEM_CHANGED], 0);
}

typedef struct {
  CwAttachmentTray *tray;
  CwTrayItem       *item;
} InfoData;

/* The server's allow-list (src/common/cau-file-types.c), checked when a
 * file is attached: a .bin was taken into the tray and refused only
 * after sending. The server still decides from the bytes. */
static gboolean
type_allowed (GFileInfo  *info,
              const char *name)
{
  const char *display = g_file_info_get_display_name (info);
  const char *content_type = g_file_info_get_content_type (info);
  g_autofree char *mime = content_type ? g_content_type_get_mime_type (content_type) : NULL;

  return cau_file_type_allowed (display ? display : name, mime);
}

static void
info_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  InfoData *data = user_data;
  g_autoptr(CwAttachmentTray) self = data->tray;
  g_autoptr(CwTrayItem) item = data->item;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, &error);
  g_autofree char *problem = NULL;
  guint position;

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !find_item (self, item, &position))
    return;

  if (info == NULL)
    /* Translators: %s is a file name. */
    problem = g_strdup_printf (_("“%s” can’t be read."), item->name);
  else if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    /* Translators: %s is a folder name. */
    problem = g_strdup_printf (_("“%s” is a folder: only files can be sent."), item->name);
  else if ((guint64) g_file_info_get_size (info) > CW_ATTACHMENT_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (CW_ATTACHMENT_MAX_BYTES);
      /* Translators: %s is a file name, then a size such as "26.2 MB". */
      problem = g_strdup_printf (_("“%s” is larger than %s and can’t be sent."), item->name, limit);
    }
  else if (!type_allowed (info, item->name))
    /* Translators: %s is a file name. */
    problem = g_strdup_printf (_("“%s” can’t be sent: only images, PDFs, office documents, "
                                 "text and CSV files, and ZIP or 7z archives can."), item->name);

  if (problem != NULL)
    {
      cw_show_toast (GTK_WIDGET (self), problem);
      cw_attachment_tray_remove_item (self, item);
      return;
    }

  item->ready = TRUE;
  item->size = g_file_info_get_size (info);
  if (g_file_info_get_display_name (info) != NULL)
    {
      g_free (item->name);
      item->name = g_strdup (g_file_info_get_display_name (info));
    }
  if (g_file_info_get_content_type (info) != NULL)
    {
      g_free (item->content_type);
      item->content_type = g_content_type_get_mime_type (g_file_info_get_content_type (info));
    }
  g_signal_emit (item, item_signals[ITEM_CHANGED], 0);

  if (item->content_type != NULL && g_str_has_prefix (item->content_type, "image/"))
    {
      int px = CHIP_THUMB_PX * gtk_widget_get_scale_factor (GTK_WIDGET (self));
      cw_texture_load_async (item->file, px * 2, px * 2, item->cancellable,
                             thumbnail_cb, g_object_ref (item));
    }
}

void
cw_attachment_tray_add (CwAttachmentTray *self,
                        GFile            *file,
                        gboolean          temporary)
{
  g_autoptr(CwTrayItem) item = NULL;
  guint n;

  g_return_if_fail (CW_IS_ATTACHMENT_TRAY (self));
  g_return_if_fail (G_IS_FILE (file));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CwTrayItem) other = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      if (g_file_equal (other->file, file))
        return;
    }

  item = g_object_new (CW_TYPE_TRAY_ITEM, NULL);
  item->file = g_object_ref (file);
  item->temporary = temporary;
  item->name = g_file_get_basename (file);
  g_list_store_append (self->items, item);
  changed (self);

  {
    InfoData *data = g_new0 (InfoData, 1);

    data->tray = g_object_ref (self);
    data->item = g_object_ref (item);
    g_file_query_info_async (file,
                             G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                             G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                             G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                             G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                             G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, item->cancellable,
                             info_cb, data);
  }
}

guint
cw_attachment_tray_get_n_files (CwAttachmentTray *self)
{
  g_return_val_if_fail (CW_IS_ATTACHMENT_TRAY (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

GFile **
cw_attachment_tray_take_files (CwAttachmentTray  *self,
                               GPtrArray        **temporary)
{
  guint n;
  GFile **files;

  g_return_val_if_fail (CW_IS_ATTACHMENT_TRAY (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  files = g_new0 (GFile *, n + 1);
  if (temporary != NULL)
    *temporary = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CwTrayItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      g_cancellable_cancel (item->cancellable);
      files[i] = g_object_ref (item->file);
      if (item->temporary && temporary != NULL)
        g_ptr_array_add (*temporary, g_object_ref (item->file));
    }
  g_list_store_remove_all (self->items);
  changed (self);
  return files;
}

void
cw_attachment_tray_clear (CwAttachmentTray *self)
{
  g_autoptr(GPtrArray) temporary = NULL;
  GFile **files;

  g_return_if_fail (CW_IS_ATTACHMENT_TRAY (self));

  if (g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0)
    return;
  files = cw_attachment_tray_take_files (self, &temporary);
  for (guint i = 0; i < temporary->len; i++)
    cw_attachment_delete_temporary (g_ptr_array_index (temporary, i));
  for (guint i = 0; files[i] != NULL; i++)
    g_object_unref (files[i]);
  g_free (files);
}

static GtkWidget *
create_chip (gpointer item,
             gpointer user_data)
{
  CwAttachmentChip *chip = g_object_new (CW_TYPE_ATTACHMENT_CHIP, NULL);
  GtkWidget *child = gtk_flow_box_child_new ();

  chip_set_item (chip, item);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), GTK_WIDGET (chip));
  /* The chip's remove button takes the focus, not its box. */
  gtk_widget_set_focusable (child, FALSE);
  return child;
}

/* GObject ----------------------------------------------------------------- */

static void
cw_attachment_tray_dispose (GObject *object)
{
  CwAttachmentTray *self = CW_ATTACHMENT_TRAY (object);

  if (self->items != NULL)
    cw_attachment_tray_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ATTACHMENT_TRAY);
  cw_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->items);

  G_OBJECT_CLASS (cw_attachment_tray_parent_class)->dispose (object);
}

static void
cw_attachment_tray_class_init (CwAttachmentTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_attachment_tray_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-attachment-tray.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentTray, revealer);
  gtk_widget_class_bind_template_child (widget_class, CwAttachmentTray, list);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmenttray");
}

static void
cw_attachment_tray_init (CwAttachmentTray *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (CW_TYPE_TRAY_ITEM);
  gtk_flow_box_bind_model (self->list, G_LIST_MODEL (self->items), create_chip, NULL, NULL);
}

CwAttachmentTray *
cw_attachment_tray_new (void)
{
  return g_object_new (CW_TYPE_ATTACHMENT_TRAY, NULL);
}
