/* cs-thumb.h: image sizes and thumbnails with gdk-pixbuf, with the pixel
 * count checked before anything is decoded.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_THUMB_MAX_WIDTH 320

typedef struct {
  int         width;       /* as shown (EXIF orientation applied); 0: unknown */
  int         height;
  const char *thumb_type;  /* "image/png" or "image/jpeg"; NULL: no thumbnail */
  gboolean    too_large;   /* declared more than max_pixels: never decoded */
} CsThumbInfo;

/* Reads the image at @path with the gdk-pixbuf module @loader only ("png",
 * "jpeg", "gif", "webp"), and writes a thumbnail at most
 * CS_THUMB_MAX_WIDTH wide to @thumb_path. An image whose header declares
 * more than @max_pixels is left alone: its size is reported, nothing is
 * decoded. A file gdk-pixbuf cannot read gets no thumbnail; that is not
 * an error. Blocking and memory-hungry: call it on a worker thread. */
void cs_thumb_make (const char  *path,
                    const char  *loader,
                    gint64       max_pixels,
                    const char  *thumb_path,
                    CsThumbInfo *info);

G_END_DECLS
