/* cw-attachment-view.h: the attachments of one message under its body:
 * image previews side by side, then a card per other file. Message rows
 * create one only for messages that have attachments.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-message.h"

G_BEGIN_DECLS

#define CW_TYPE_ATTACHMENT_VIEW (cw_attachment_view_get_type ())
G_DECLARE_FINAL_TYPE (CwAttachmentView, cw_attachment_view, CW, ATTACHMENT_VIEW, GtkWidget)

CwAttachmentView *cw_attachment_view_new         (void);
/* NULL or a message without attachments empties the view. */
void              cw_attachment_view_set_message (CwAttachmentView *self,
                                                  CcMessage        *message);
/* TRUE when @attachment is shown as an inline image (else as a card). */
gboolean          cw_attachment_view_previews    (CcAttachment     *attachment);

G_END_DECLS
