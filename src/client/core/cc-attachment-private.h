/* cc-attachment-private.h: how the client core builds and updates
 * attachments (the UI only reads them).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "cc-attachment.h"

G_BEGIN_DECLS

/* From a wire attachment {id, name, size, mime_type, width, height,
 * has_thumbnail}, or from an outbox file {path, name, size, mime_type,
 * id?, …}: "path" makes it a pending one (QUEUED until it has an id). */
CcAttachment *_cc_attachment_new_from_json    (JsonObject   *obj);
void          _cc_attachment_update_from_json (CcAttachment *self,
                                               JsonObject   *obj);
/* The wire object (no local path). */
JsonObject   *_cc_attachment_to_json          (CcAttachment *self);
void          _cc_attachment_set_state        (CcAttachment      *self,
                                               CcAttachmentState  state,
                                               const char        *error);
void          _cc_attachment_set_progress     (CcAttachment *self,
                                               double        progress);
/* The outbox copy's path: the key of this file in its outbox entry. Kept
 * once the message is stored (only "local-file" is cleared): the copy may
 * still be there a moment, on its way into the file cache. */
const char   *_cc_attachment_get_path         (CcAttachment *self);
/* Stored on the server: "local-file" goes. */
void          _cc_attachment_clear_local      (CcAttachment *self);

G_END_DECLS
