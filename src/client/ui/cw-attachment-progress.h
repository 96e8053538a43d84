/* cw-attachment-progress.h: the upload state of one file of a pending
 * message: a progress bar, "Waiting for connection" or the error, and a
 * button that takes the file out of the message.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-message.h"

G_BEGIN_DECLS

#define CW_TYPE_ATTACHMENT_PROGRESS (cw_attachment_progress_get_type ())
G_DECLARE_FINAL_TYPE (CwAttachmentProgress, cw_attachment_progress, CW, ATTACHMENT_PROGRESS, GtkWidget)

CwAttachmentProgress *cw_attachment_progress_new (void);
/* Follows @attachment of @message; hidden while the file is on the server. */
void cw_attachment_progress_set (CwAttachmentProgress *self,
                                 CcMessage            *message,
                                 CcAttachment         *attachment);
/* A short sentence for the state of @attachment (NULL once uploaded). */
char *cw_attachment_progress_status_text (CcAttachment *attachment,
                                          gboolean      online);

G_END_DECLS
