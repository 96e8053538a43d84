/* cs-attachments.h: uploaded files, as the store keeps them (the files
 * themselves are in DATA_DIR/attachments). Each call runs on the
 * connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* The attachments of @message_id in their order (CsAttachment*). */
GPtrArray    *cs_attachments_of_message (CsDb       *db,
                                         const char *message_id);
CsAttachment *cs_attachments_get   (CsDb            *db,
                                    const char      *attachment_id);

/* What deciding on a download needs. */
typedef struct {
  char    *name;
  char    *mime_type;
  char    *thumb_type;      /* NULL: no thumbnail */
  char    *uploader_id;
  gboolean in_message;      /* sent in a message (else only uploaded) */
  gboolean viewer_is_member; /* the viewer is in the attachment's room */
} CsAttachmentAccess;

void cs_attachment_access_free (CsAttachmentAccess *access);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsAttachmentAccess, cs_attachment_access_free)

/* @attachment_id of @tenant_id as @viewer_id would download it, or NULL. */
CsAttachmentAccess *cs_attachments_access (CsDb       *db,
                                           const char *tenant_id,
                                           const char *attachment_id,
                                           const char *viewer_id);
/* Bytes of all the files of @tenant_id. */
gint64     cs_attachments_tenant_usage   (CsDb       *db,
                                          const char *tenant_id);
/* Records an upload; a width or height of 0 is stored as not known. */
gboolean   cs_attachments_insert         (CsDb       *db,
                                          const char *tenant_id,
                                          const char *room_id,
                                          const char *uploader_id,
                                          const char *attachment_id,
                                          const char *name,
                                          gint64      size,
                                          const char *mime_type,
                                          gint64      width,
                                          gint64      height,
                                          const char *thumb_type,
                                          gint64      created_at);
/* TRUE when @uploader_id uploaded @attachment_id to @room_id of
 * @tenant_id and no message has it yet. */
gboolean   cs_attachments_unsent         (CsDb       *db,
                                          const char *tenant_id,
                                          const char *room_id,
                                          const char *uploader_id,
                                          const char *attachment_id);
gboolean   cs_attachments_exists         (CsDb       *db,
                                          const char *attachment_id);
char      *cs_attachments_name           (CsDb       *db,
                                          const char *attachment_id);
gboolean   cs_attachments_attach         (CsDb       *db,
                                          const char *attachment_id,
                                          const char *message_id,
                                          guint       position);
/* Ids (char*) of the files of a message, of an uploader, and of at most
 * @n uploads no message took before @before_ms. */
GPtrArray *cs_attachments_ids_of_message (CsDb       *db,
                                          const char *message_id);
GPtrArray *cs_attachments_ids_of_uploader (CsDb      *db,
                                           const char *uploader_id);
GPtrArray *cs_attachments_ids_unused     (CsDb       *db,
                                          gint64      before_ms,
                                          guint       n);
gboolean   cs_attachments_delete         (CsDb       *db,
                                          const char *attachment_id);

G_END_DECLS
