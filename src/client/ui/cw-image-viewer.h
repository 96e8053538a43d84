/* cw-image-viewer.h: a modal window that shows one image attachment:
 * zoom to fit, 1:1, Save As, Escape closes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_IMAGE_VIEWER (cw_image_viewer_get_type ())
G_DECLARE_FINAL_TYPE (CwImageViewer, cw_image_viewer, CW, IMAGE_VIEWER, AdwWindow)

/* @placeholder: (nullable): the thumbnail, shown while the image loads. */
CwImageViewer *cw_image_viewer_new          (GtkWindow    *parent,
                                             CcClient     *client,
                                             CcAttachment *attachment,
                                             GdkTexture   *placeholder);
/* TRUE when zoomed to fit the window, FALSE at 1:1. */
gboolean       cw_image_viewer_get_fit      (CwImageViewer *self);
void           cw_image_viewer_set_fit      (CwImageViewer *self,
                                             gboolean       fit);

G_END_DECLS
