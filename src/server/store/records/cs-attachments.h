/* cs-attachments.h: uploaded files, as the store keeps them (the files
 * themselves are in DATA_DIR/attachments). Each call runs on the
 * connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

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

/* What an engine implements for this header: one entry per function below,
 * named without its "cs_attachments_" (or "cs_") prefix; the functions
 * dispatch to it through the connection's engine (store/README.md). */
struct _CsAttachmentsOps {
  GPtrArray *(*of_message) (CsDb *db, const char *message_id);
  CsAttachment *(*get) (CsDb *db, const char *attachment_id);
  CsAttachmentAccess *(*access) (CsDb *db, const char *tenant_id, const char *attachment_id, const char *viewer_id);
  gint64 (*tenant_usage) (CsDb *db, const char *tenant_id);
  gboolean (*insert) (CsDb *db, const char *tenant_id, const char *room_id, const char *uploader_id, const char *attachment_id, const char *name, gint64 size, const char *mime_type, gint64 width, gint64 height, const char *thumb_type, gint64 created_at);
  gboolean (*unsent) (CsDb *db, const char *tenant_id, const char *room_id, const char *uploader_id, const char *attachment_id);
  gboolean (*exists) (CsDb *db, const char *attachment_id);
  char *(*name) (CsDb *db, const char *attachment_id);
  gboolean (*attach) (CsDb *db, const char *attachment_id, const char *message_id, guint position);
  GPtrArray *(*ids_of_message) (CsDb *db, const char *message_id);
  GPtrArray *(*ids_of_uploader) (CsDb *db, const char *uploader_id);
  GPtrArray *(*ids_unused) (CsDb *db, gint64 before_ms, guint n);
  gboolean (*delete) (CsDb *db, const char *attachment_id);
};

/* The attachments of @message_id in their order (CsAttachment*). */
static inline GPtrArray *
cs_attachments_of_message (CsDb       *db,
                           const char *message_id)
{
  CS_DB_NEEDS (db, attachments, of_message);
  return db->engine->attachments->of_message (db, message_id);
}

static inline CsAttachment *
cs_attachments_get (CsDb       *db,
                    const char *attachment_id)
{
  CS_DB_NEEDS (db, attachments, get);
  return db->engine->attachments->get (db, attachment_id);
}

/* @attachment_id of @tenant_id as @viewer_id would download it, or NULL. */
static inline CsAttachmentAccess *
cs_attachments_access (CsDb       *db,
                       const char *tenant_id,
                       const char *attachment_id,
                       const char *viewer_id)
{
  CS_DB_NEEDS (db, attachments, access);
  return db->engine->attachments->access (db, tenant_id, attachment_id, viewer_id);
}

/* Bytes of all the files of @tenant_id. */
static inline gint64
cs_attachments_tenant_usage (CsDb       *db,
                             const char *tenant_id)
{
  CS_DB_NEEDS (db, attachments, tenant_usage);
  return db->engine->attachments->tenant_usage (db, tenant_id);
}

/* Records an upload; a width or height of 0 is stored as not known. */
static inline gboolean
cs_attachments_insert (CsDb       *db,
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
                       gint64      created_at)
{
  CS_DB_NEEDS (db, attachments, insert);
  return db->engine->attachments->insert (db, tenant_id, room_id, uploader_id, attachment_id, name, size, mime_type, width, height, thumb_type, created_at);
}

/* TRUE when @uploader_id uploaded @attachment_id to @room_id of
 * @tenant_id and no message has it yet. */
static inline gboolean
cs_attachments_unsent (CsDb       *db,
                       const char *tenant_id,
                       const char *room_id,
                       const char *uploader_id,
                       const char *attachment_id)
{
  CS_DB_NEEDS (db, attachments, unsent);
  return db->engine->attachments->unsent (db, tenant_id, room_id, uploader_id, attachment_id);
}

static inline gboolean
cs_attachments_exists (CsDb       *db,
                       const char *attachment_id)
{
  CS_DB_NEEDS (db, attachments, exists);
  return db->engine->attachments->exists (db, attachment_id);
}

static inline char *
cs_attachments_name (CsDb       *db,
                     const char *attachment_id)
{
  CS_DB_NEEDS (db, attachments, name);
  return db->engine->attachments->name (db, attachment_id);
}

static inline gboolean
cs_attachments_attach (CsDb       *db,
                       const char *attachment_id,
                       const char *message_id,
                       guint       position)
{
  CS_DB_NEEDS (db, attachments, attach);
  return db->engine->attachments->attach (db, attachment_id, message_id, position);
}

/* Ids (char*) of the files of a message, of an uploader, and of at most
 * @n uploads no message took before @before_ms. */
static inline GPtrArray *
cs_attachments_ids_of_message (CsDb       *db,
                               const char *message_id)
{
  CS_DB_NEEDS (db, attachments, ids_of_message);
  return db->engine->attachments->ids_of_message (db, message_id);
}

static inline GPtrArray *
cs_attachments_ids_of_uploader (CsDb       *db,
                                const char *uploader_id)
{
  CS_DB_NEEDS (db, attachments, ids_of_uploader);
  return db->engine->attachments->ids_of_uploader (db, uploader_id);
}

static inline GPtrArray *
cs_attachments_ids_unused (CsDb   *db,
                           gint64  before_ms,
                           guint   n)
{
  CS_DB_NEEDS (db, attachments, ids_unused);
  return db->engine->attachments->ids_unused (db, before_ms, n);
}

static inline gboolean
cs_attachments_delete (CsDb       *db,
                       const char *attachment_id)
{
  CS_DB_NEEDS (db, attachments, delete);
  return db->engine->attachments->delete (db, attachment_id);
}

G_END_DECLS
