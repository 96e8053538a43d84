/* cw-attachment-actions.h: Open and Save As for an attachment.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"

G_BEGIN_DECLS

/* Downloads (or takes from the cache) @attachment and opens it with the
 * default application (the OpenURI portal inside Flatpak). Problems show
 * as toasts in @widget's window. */
void cw_attachment_open    (GtkWidget    *widget,
                            CcClient     *client,
                            CcAttachment *attachment);
/* Asks where to save @attachment (file chooser, portal inside Flatpak),
 * then downloads and copies it there. */
void cw_attachment_save_as (GtkWidget    *widget,
                            CcClient     *client,
                            CcAttachment *attachment);

G_END_DECLS
