/* cw-attachment-image.h: the inline preview of one image attachment:
 * its thumbnail at its aspect ratio, the upload state while pending, and
 * the image viewer on click.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-message.h"

G_BEGIN_DECLS

#define CW_TYPE_ATTACHMENT_IMAGE (cw_attachment_image_get_type ())
G_DECLARE_FINAL_TYPE (CwAttachmentImage, cw_attachment_image, CW, ATTACHMENT_IMAGE, GtkWidget)

/* @compact: one of several images (a smaller box). */
CwAttachmentImage *cw_attachment_image_new (CcMessage    *message,
                                            CcAttachment *attachment,
                                            gboolean      compact);
/* (nullable) (transfer none): the thumbnail once it is shown. */
GdkTexture        *cw_attachment_image_get_texture (CwAttachmentImage *self);

G_END_DECLS
