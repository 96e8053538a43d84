/* cs-thumb.c: thumbnails made at upload, on a worker thread.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-thumb"

#include "cs-thumb.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Images are decoded at most this big (twice the thumbnail, for a sharp
 * result after rotation), so a JPEG of 40 megapixels costs a few MB. */
#define DECODE_BOX  640
#define BLOCK_BYTES (64 * 1024)

typedef struct {
  gint64   max_pixels;
  int      width;       /* as declared by the file's header */
  int      height;
  gboolean too_large;
} Probe;

/* One decode at a time bounds the memory a burst of uploads can take. */
static GMutex decode_lock;

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  Probe           *probe)
{
  double scale;

  probe->width = width;
  probe->height = height;
  if (width <= 0 || height <= 0 || (gint64) width * height > probe->max_pixels)
    {
      /* A zero size makes every gdk-pixbuf module stop here, before it
       * allocates anything for the pixels (gdk_pixbuf_get_file_info
       * relies on the same rule). */
      probe->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }
  scale = MIN (1.0, (double) DECODE_BOX / MAX (width, height));
  gdk_pixbuf_loader_set_size (loader, MAX (1, (int) (width * scale + 0.5)), MAX (1, (int) (height * scale + 0.5)));
}

static guint
le24 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16);
}

/* WebP sizes from the file header: the WebP module is not part of
 * gdk-pixbuf, so its handling of a zero size is not relied upon. */
static gboolean
webp_size (FILE *f,
           int  *width,
           int  *height)
{
  guint8 h[30];

  if (fread (h, 1, sizeof h, f) != sizeof h || memcmp (h, "RIFF", 4) != 0 || memcmp (h + 8, "WEBP", 4) != 0)
    return FALSE;
  rewind (f);
  if (memcmp (h + 12, "VP8X", 4) == 0)
    {
      *width = (int) le24 (h + 24) + 1;
      *height = (int) le24 (h + 27) + 1;
    }
  else if (memcmp (h + 12, "VP8L", 4) == 0)
    {
      guint32 bits = h[21] | (h[22] << 8) | (h[23] << 16) | ((guint32) h[24] << 24);
      *width = (int) (bits & 0x3FFF) + 1;
      *height = (int) ((bits >> 14) & 0x3FFF) + 1;
    }
  else if (memcmp (h + 12, "VP8 ", 4) == 0)
    {
      *width = (h[26] | (h[27] << 8)) & 0x3FFF;
      *height = (h[28] | (h[29] << 8)) & 0x3FFF;
    }
  else
    return FALSE;
  return TRUE;
}

/* Feeds the file to a loader of the sniffed type only: gdk-pixbuf's own
 * sniffing could pick another module for a crafted file. */
static GdkPixbuf *
load_scaled (const char *path,
             const char *loader_name,
             Probe      *probe)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type (loader_name, NULL);
  g_autofree guint8 *buf = NULL;
  gboolean written = TRUE;
  gboolean closed;
  GdkPixbuf *pixbuf;
  FILE *f;
  gsize n;

  if (loader == NULL)
    return NULL;
  if ((f = fopen (path, "rb")) == NULL)
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  if (g_str_equal (loader_name, "webp") && webp_size (f, &probe->width, &probe->height) &&
      (gint64) probe->width * probe->height > probe->max_pixels)
    probe->too_large = TRUE;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), probe);
  buf = g_malloc (BLOCK_BYTES);
  while (written && !probe->too_large && (n = fread (buf, 1, BLOCK_BYTES, f)) > 0)
    written = gdk_pixbuf_loader_write (loader, buf, n, NULL);
  fclose (f);
  /* Closed once, whatever the writes did, as gdk-pixbuf itself does. */
  closed = gdk_pixbuf_loader_close (loader, NULL);
  if (!written || !closed || probe->too_large)
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  return pixbuf ? g_object_ref (pixbuf) : NULL;
}

static gboolean
save_thumbnail (GdkPixbuf  *oriented,
                gboolean    as_jpeg,
                const char *thumb_path)
{
  int w = gdk_pixbuf_get_width (oriented);
  int h = gdk_pixbuf_get_height (oriented);
  g_autoptr(GdkPixbuf) thumb = NULL;
  g_autoptr(GError) error = NULL;

  if (w > CS_THUMB_MAX_WIDTH)
    thumb = gdk_pixbuf_scale_simple (oriented, CS_THUMB_MAX_WIDTH,
                                     MAX (1, (int) ((double) h * CS_THUMB_MAX_WIDTH / w + 0.5)),
                                     GDK_INTERP_BILINEAR);
  else
    thumb = g_object_ref (oriented);
  if (thumb == NULL ||
      !(as_jpeg ? gdk_pixbuf_save (thumb, thumb_path, "jpeg", &error, "quality", "85", NULL)
                : gdk_pixbuf_save (thumb, thumb_path, "png", &error, NULL)))
    {
      g_warning ("Cannot write a thumbnail: %s", error ? error->message : "out of memory");
      return FALSE;
    }
  return TRUE;
}

void
cs_thumb_make (const char  *path,
               const char  *loader,
               gint64       max_pixels,
               const char  *thumb_path,
               CsThumbInfo *info)
{
  Probe probe = { max_pixels, 0, 0, FALSE };
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  const char *option;
  int orientation;
  gboolean as_jpeg;

  memset (info, 0, sizeof *info);
  g_mutex_lock (&decode_lock);
  pixbuf = load_scaled (path, loader, &probe);
  g_mutex_unlock (&decode_lock);
  info->too_large = probe.too_large;
  if (pixbuf == NULL)
    {
      /* Unreadable or too large: the declared size, if any, is all we know. */
      info->width = MAX (probe.width, 0);
      info->height = MAX (probe.height, 0);
      return;
    }
  option = gdk_pixbuf_get_option (pixbuf, "orientation");
  orientation = option ? atoi (option) : 1;
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (oriented == NULL)
    return;
  /* Orientations 5 to 8 turn the picture a quarter. */
  info->width = orientation >= 5 && orientation <= 8 ? probe.height : probe.width;
  info->height = orientation >= 5 && orientation <= 8 ? probe.width : probe.height;
  as_jpeg = g_str_equal (loader, "jpeg") && !gdk_pixbuf_get_has_alpha (oriented);
  if (save_thumbnail (oriented, as_jpeg, thumb_path))
    info->thumb_type = as_jpeg ? "image/jpeg" : "image/png";
}
