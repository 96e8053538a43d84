/* cw-attachment-utils.h: what the attachment widgets share: icons and
 * sizes, image decoding off the main thread, a memory cache of decoded
 * thumbnails.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"

G_BEGIN_DECLS

/* The server's limit for one file (API.md). */
#define CW_ATTACHMENT_MAX_BYTES     (25 * 1024 * 1024)
/* The box of an inline image preview, in logical pixels. */
#define CW_ATTACHMENT_THUMB_WIDTH   320
#define CW_ATTACHMENT_THUMB_HEIGHT  240
/* Each of several images of one message, side by side. */
#define CW_ATTACHMENT_TILE_WIDTH    200
#define CW_ATTACHMENT_TILE_HEIGHT   160

/* A symbolic icon name for @mime_type (documents, spreadsheets, archives…). */
const char *cw_attachment_icon_name  (const char *mime_type);
/* Fits @width×@height inside @max_width×@max_height keeping the aspect
 * ratio, never scaling up and never below 48 px a side; an unknown size
 * (0) gives a 4:3 box. */
void        cw_attachment_fit        (int         width,
                                      int         height,
                                      int         max_width,
                                      int         max_height,
                                      int        *out_width,
                                      int        *out_height);
/* @name without directory separators or control characters, never empty. */
char       *cw_attachment_safe_name  (const char *name);
/* "photo.jpg, 1.2 MB": what a screen reader says of an attachment. */
char       *cw_attachment_describe   (CcAttachment *attachment);

/* Decodes @file in a worker thread, scaled down to fit @max_width ×
 * @max_height (0, 0: full size). Images larger than 64 megapixels are
 * refused unread. */
void        cw_texture_load_async    (GFile               *file,
                                      int                  max_width,
                                      int                  max_height,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GdkTexture *cw_texture_load_finish   (GAsyncResult  *result,
                                      GError       **error);

/* Writes @texture as "<basename>.png" in a new private temporary
 * directory, in a worker thread. */
void        cw_texture_save_png_async  (GdkTexture          *texture,
                                        const char          *basename,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GFile      *cw_texture_save_png_finish (GAsyncResult  *result,
                                        GError       **error);

/* Deletes a file written by cw_texture_save_png_async() and its
 * directory, in a worker thread. */
void        cw_attachment_delete_temporary (GFile *file);

/* Thumbnails decoded in this session, by attachment id (the most recent,
 * within 24 MiB of pixels): a row scrolled back into view shows its image
 * at once. */
GdkTexture *cw_attachment_thumbnail_lookup (const char *id);
void        cw_attachment_thumbnail_store  (const char *id,
                                            GdkTexture *texture);

/* The signed-in client of the application @widget's window belongs to. */
CcClient   *cw_attachment_client_for (GtkWidget *widget);

G_END_DECLS
