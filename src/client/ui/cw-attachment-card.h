/* cw-attachment-card.h: one attached file that is not previewed inline:
 * an icon by type, its name and size, Open and Save As, and the upload
 * state while pending.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-message.h"

G_BEGIN_DECLS

#define CW_TYPE_ATTACHMENT_CARD (cw_attachment_card_get_type ())
G_DECLARE_FINAL_TYPE (CwAttachmentCard, cw_attachment_card, CW, ATTACHMENT_CARD, GtkWidget)

CwAttachmentCard *cw_attachment_card_new (CcMessage    *message,
                                          CcAttachment *attachment);

G_END_DECLS
