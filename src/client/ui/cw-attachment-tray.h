/* cw-attachment-tray.h: the files chosen for the next message, above the
 * composer: a chip per file (thumbnail or icon, name, size, remove).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CW_TYPE_ATTACHMENT_TRAY (cw_attachment_tray_get_type ())
G_DECLARE_FINAL_TYPE (CwAttachmentTray, cw_attachment_tray, CW, ATTACHMENT_TRAY, GtkWidget)

/* Signal "changed" (): files were added or removed. */

CwAttachmentTray *cw_attachment_tray_new        (void);
/* Adds @file (once). Folders and files over the size limit are refused
 * with a toast once their size is known. @temporary: a pasted image of
 * ours, deleted when it leaves the tray unsent. */
void              cw_attachment_tray_add        (CwAttachmentTray *self,
                                                 GFile            *file,
                                                 gboolean          temporary);
guint             cw_attachment_tray_get_n_files (CwAttachmentTray *self);
/* Empties the tray and returns its files (NULL-terminated, transfer
 * full); @temporary receives those that were pasted (to delete once the
 * core has copied them). */
GFile           **cw_attachment_tray_take_files (CwAttachmentTray *self,
                                                 GPtrArray       **temporary);
/* Empties the tray (pasted images are deleted). */
void              cw_attachment_tray_clear      (CwAttachmentTray *self);

G_END_DECLS
