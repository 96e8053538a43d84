/* cw-attachment-utils.c: icons and sizes of attachments, decoding and
 * encoding images in worker threads (gdk-pixbuf is thread safe; the GTK
 * main thread never reads or decodes a file), and a small LRU of decoded
 * thumbnails.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cc-attachment.h"
#include "cw-application.h"
#include "cw-attachment-utils.h"
#include "cw-utils.h"

#define MIN_SIDE         48
#define MAX_PIXELS       (64 * 1024 * 1024)
#define THUMBNAIL_BYTES  (24 * 1024 * 1024)   /* ~80 thumbnails of 320×240 */

/* Icons ------------------------------------------------------------------- */

const char *
cw_attachment_icon_name (const char *mime_type)
{
  static const struct { const char *prefix; const char *icon; } map[] = {
    { "image/", "image-x-generic-symbolic" },
    { "audio/", "audio-x-generic-symbolic" },
    { "video/", "video-x-generic-symbolic" },
    { "application/pdf", "x-office-document-symbolic" },
    { "application/msword", "x-office-document-symbolic" },
    { "application/vnd.openxmlformats-officedocument.wordprocessingml", "x-office-document-symbolic" },
    { "application/vnd.oasis.opendocument.text", "x-office-document-symbolic" },
    { "application/rtf", "x-office-document-symbolic" },
    { "application/vnd.ms-excel", "x-office-spreadsheet-symbolic" },
    { "application/vnd.openxmlformats-officedocument.spreadsheetml", "x-office-spreadsheet-symbolic" },
    { "application/vnd.oasis.opendocument.spreadsheet", "x-office-spreadsheet-symbolic" },
    { "text/csv", "x-office-spreadsheet-symbolic" },
    { "application/vnd.ms-powerpoint", "x-office-presentation-symbolic" },
    { "application/vnd.openxmlformats-officedocument.presentationml", "x-office-presentation-symbolic" },
    { "application/vnd.oasis.opendocument.presentation", "x-office-presentation-symbolic" },
    { "application/zip", "package-x-generic-symbolic" },
    { "application/x-7z", "package-x-generic-symbolic" },
    { "application/gzip", "package-x-generic-symbolic" },
    { "application/x-tar", "package-x-generic-symbolic" },
    { "application/x-rar", "package-x-generic-symbolic" },
    { "application/vnd.rar", "package-x-generic-symbolic" },
    { "text/", "text-x-generic-symbolic" },
  };

  if (mime_type == NULL)
    return "text-x-generic-symbolic";
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_has_prefix (mime_type, map[i].prefix))
      return map[i].icon;
  return "text-x-generic-symbolic";
}

void
cw_attachment_fit (int  width,
                   int  height,
                   int  max_width,
                   int  max_height,
                   int *out_width,
                   int *out_height)
{
  double scale;

  g_return_if_fail (out_width != NULL && out_height != NULL);

  if (width <= 0 || height <= 0)
    {
      width = 4;
      height = 3;
      scale = MIN ((double) max_width / width, (double) max_height / height);
    }
  else
    scale = MIN (1.0, MIN ((double) max_width / width, (double) max_height / height));

  *out_width = CLAMP ((int) (width * scale + 0.5), MIN_SIDE, max_width);
  *out_height = CLAMP ((int) (height * scale + 0.5), MIN_SIDE, max_height);
}

char *
cw_attachment_safe_name (const char *name)
{
  GString *out = g_string_new (NULL);
  const char *p;

  if (name != NULL && g_utf8_validate (name, -1, NULL))
    for (p = name; *p != '\0'; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);

        if (c == '/' || c == '\\' || g_unichar_iscntrl (c))
          g_string_append_c (out, '_');
        else
          g_string_append_unichar (out, c);
      }

  while (out->len > 0 && out->str[0] == '.')
    g_string_erase (out, 0, 1);
  if (out->len == 0)
    g_string_assign (out, "file");
  return g_string_free (out, FALSE);
}

char *
cw_attachment_describe (CcAttachment *attachment)
{
  g_autofree char *size = g_format_size (cc_attachment_get_size (attachment));

  /* Translators: an attachment for screen readers: file name, size. */
  return g_strdup_printf (_("%s, %s"), cc_attachment_get_name (attachment), size);
}

/* Decoding ---------------------------------------------------------------- */

typedef struct {
  GFile *file;
  int    max_width;
  int    max_height;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autofree char *path = g_file_get_path (data->file);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GError) error = NULL;
  int width = 0, height = 0;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("This image can’t be shown."));
      return;
    }

  /* The header only: a decompression bomb is refused before it is decoded. */
  if (gdk_pixbuf_get_file_info (path, &width, &height) == NULL ||
      width <= 0 || height <= 0 || (gint64) width * height > MAX_PIXELS)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("This image can’t be shown."));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (data->max_width > 0 && data->max_height > 0 &&
      (width > data->max_width || height > data->max_height))
    pixbuf = gdk_pixbuf_new_from_file_at_scale (path, data->max_width, data->max_height,
                                                TRUE, &error);
  else
    pixbuf = gdk_pixbuf_new_from_file (path, &error);

  if (pixbuf == NULL)
    {
      g_debug ("Decoding %s: %s", path, error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("This image can’t be shown."));
      return;
    }

  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  g_task_return_pointer (task, gdk_texture_new_for_pixbuf (oriented ? oriented : pixbuf),
                         g_object_unref);
}

void
cw_texture_load_async (GFile               *file,
                       int                  max_width,
                       int                  max_height,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cw_texture_load_async);
  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->max_width = max_width;
  data->max_height = max_height;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

GdkTexture *
cw_texture_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
save_png_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GdkTexture *texture = g_object_get_data (G_OBJECT (task), "texture");
  const char *basename = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("causerie-paste-XXXXXX", &error);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  name = g_strconcat (basename, ".png", NULL);
  path = g_build_filename (dir, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The pasted image could not be saved."));
      return;
    }
  g_task_return_pointer (task, g_file_new_for_path (path), g_object_unref);
}

void
cw_texture_save_png_async (GdkTexture          *texture,
                           const char          *basename,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GDK_IS_TEXTURE (texture));
  g_return_if_fail (basename != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cw_texture_save_png_async);
  g_object_set_data_full (G_OBJECT (task), "texture", g_object_ref (texture), g_object_unref);
  g_task_set_task_data (task, cw_attachment_safe_name (basename), g_free);
  g_task_run_in_thread (task, save_png_thread);
}

GFile *
cw_texture_save_png_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFile) dir = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;

  if (!g_file_delete (file, NULL, &error))
    g_debug ("Removing a pasted image: %s", error->message);
  else if (dir != NULL)
    g_file_delete (dir, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

void
cw_attachment_delete_temporary (GFile *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, cw_attachment_delete_temporary);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, delete_thread);
}

/* Thumbnail LRU ----------------------------------------------------------- */

static GHashTable *thumbnails;  /* id -> GList link in thumbnail_order */
static GQueue thumbnail_order = G_QUEUE_INIT;  /* of ThumbEntry, newest first */
static gsize thumbnail_bytes;

static gsize
texture_bytes (GdkTexture *texture)
{
  return (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
}

typedef struct {
  char       *id;
  GdkTexture *texture;
} ThumbEntry;

GdkTexture *
cw_attachment_thumbnail_lookup (const char *id)
{
  GList *link;

  if (id == NULL || thumbnails == NULL || (link = g_hash_table_lookup (thumbnails, id)) == NULL)
    return NULL;
  g_queue_unlink (&thumbnail_order, link);
  g_queue_push_head_link (&thumbnail_order, link);
  return ((ThumbEntry *) link->data)->texture;
}

void
cw_attachment_thumbnail_store (const char *id,
                               GdkTexture *texture)
{
  ThumbEntry *entry;

  g_return_if_fail (id != NULL && GDK_IS_TEXTURE (texture));

  if (thumbnails == NULL)
    thumbnails = g_hash_table_new (g_str_hash, g_str_equal);
  if (cw_attachment_thumbnail_lookup (id) != NULL)
    {
      entry = g_queue_peek_head (&thumbnail_order);
      thumbnail_bytes -= texture_bytes (entry->texture);
      g_set_object (&entry->texture, texture);
      thumbnail_bytes += texture_bytes (texture);
      return;
    }

  entry = g_new0 (ThumbEntry, 1);
  entry->id = g_strdup (id);
  entry->texture = g_object_ref (texture);
  g_queue_push_head (&thumbnail_order, entry);
  g_hash_table_insert (thumbnails, entry->id, thumbnail_order.head);
  thumbnail_bytes += texture_bytes (texture);

  /* The newest stays even if it alone is over the budget. */
  while (thumbnail_bytes > THUMBNAIL_BYTES && thumbnail_order.length > 1)
    {
      ThumbEntry *old = g_queue_pop_tail (&thumbnail_order);

      thumbnail_bytes -= texture_bytes (old->texture);
      g_hash_table_remove (thumbnails, old->id);
      g_free (old->id);
      g_object_unref (old->texture);
      g_free (old);
    }
}

/* Client ------------------------------------------------------------------ */

CcClient *
cw_attachment_client_for (GtkWidget *widget)
{
  GtkRoot *root = widget ? gtk_widget_get_root (widget) : NULL;
  GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
  GtkApplication *app;

  while (window != NULL && gtk_window_get_application (window) == NULL &&
         gtk_window_get_transient_for (window) != NULL)
    window = gtk_window_get_transient_for (window);
  app = window ? gtk_window_get_application (window) : NULL;
  return CW_IS_APPLICATION (app) ? cw_application_get_client (CW_APPLICATION (app)) : NULL;
}
