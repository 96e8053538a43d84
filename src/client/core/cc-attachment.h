/* cc-attachment.h: one file attached to a message: on the server (with an
 * id and the metadata the server found), or still in our outbox (queued,
 * uploading with a progress, or failed with a sentence).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cc-types.h"

G_BEGIN_DECLS

#define CC_TYPE_ATTACHMENT (cc_attachment_get_type ())
G_DECLARE_FINAL_TYPE (CcAttachment, cc_attachment, CC, ATTACHMENT, GObject)

/* Properties (all read-only, all notify): "id" (NULL until uploaded),
 * "name", "size" (guint64), "mime-type", "width", "height" (0 when unknown
 * or not an image), "has-thumbnail", "state" (CcAttachmentState),
 * "progress" (double 0..1 while uploading), "error" (a sentence when
 * failed), "local-file" (GFile: the outbox copy while pending).
 *
 * Fetch the bytes or the thumbnail with cc_client_fetch_attachment_async();
 * cancel a pending one with cc_client_cancel_attachment(). */

const char       *cc_attachment_get_id            (CcAttachment *self);
const char       *cc_attachment_get_name          (CcAttachment *self);
guint64           cc_attachment_get_size          (CcAttachment *self);
const char       *cc_attachment_get_mime_type     (CcAttachment *self);
int               cc_attachment_get_width         (CcAttachment *self);
int               cc_attachment_get_height        (CcAttachment *self);
gboolean          cc_attachment_get_has_thumbnail (CcAttachment *self);
/* TRUE for image/… types. */
gboolean          cc_attachment_is_image          (CcAttachment *self);
CcAttachmentState cc_attachment_get_state         (CcAttachment *self);
double            cc_attachment_get_progress      (CcAttachment *self);
const char       *cc_attachment_get_error         (CcAttachment *self);
/* (nullable) (transfer none): the outbox copy while pending. */
GFile            *cc_attachment_get_local_file    (CcAttachment *self);

G_END_DECLS
