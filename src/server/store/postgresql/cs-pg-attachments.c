/* cs-pg-attachments.c: cs-attachments.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-attachments.h"
#include "cs-pg.h"

#define ATTACHMENT_COLS "a.id, a.name, a.size, a.mime_type, a.width, a.height, a.thumb_type"

static CsAttachment *
attachment_row (CsPgRes *stmt)
{
  CsAttachment *a = g_new0 (CsAttachment, 1);

  a->id = cs_pg_col_dup (stmt, 0);
  a->name = cs_pg_col_dup (stmt, 1);
  a->size = cs_pg_int (stmt, 2);
  a->mime_type = cs_pg_col_dup (stmt, 3);
  a->width = cs_pg_is_null (stmt, 4) ? -1 : cs_pg_int (stmt, 4);
  a->height = cs_pg_is_null (stmt, 5) ? -1 : cs_pg_int (stmt, 5);
  a->has_thumbnail = !cs_pg_is_null (stmt, 6);
  return a;
}

static GPtrArray *
pg_attachments_of_message (CsDb       *db,
                           const char *message_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_attachment_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT " ATTACHMENT_COLS " FROM attachments a"
                                " WHERE a.message_id = ? ORDER BY a.position",
                                "s", message_id);

  while (stmt && cs_pg_next (stmt))
    g_ptr_array_add (list, attachment_row (stmt));
  return list;
}

static CsAttachment *
pg_attachments_get (CsDb       *db,
                    const char *attachment_id)
{
  CS_PG_RES stmt = cs_pg_query (db, "SELECT " ATTACHMENT_COLS " FROM attachments a WHERE a.id = ?",
                                "s", attachment_id);

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  return attachment_row (stmt);
}

static CsAttachmentAccess *
pg_attachments_access (CsDb       *db,
                       const char *tenant_id,
                       const char *attachment_id,
                       const char *viewer_id)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT a.name, a.mime_type, a.thumb_type, a.uploader_id, a.message_id,"
                                " (SELECT COUNT(*) FROM members mb WHERE mb.room_id = a.room_id AND mb.user_id = ?1)"
                                " FROM attachments a WHERE a.id = ?2 AND a.tenant_id = ?3",
                                "sss", viewer_id, attachment_id, tenant_id);
  CsAttachmentAccess *a;

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  a = g_new0 (CsAttachmentAccess, 1);
  a->name = cs_pg_col_dup (stmt, 0);
  a->mime_type = cs_pg_col_dup (stmt, 1);
  a->thumb_type = cs_pg_col_dup (stmt, 2);
  a->uploader_id = cs_pg_col_dup (stmt, 3);
  a->in_message = !cs_pg_is_null (stmt, 4);
  a->viewer_is_member = cs_pg_int (stmt, 5) > 0;
  return a;
}

static gint64
pg_attachments_tenant_usage (CsDb       *db,
                             const char *tenant_id)
{
  return cs_pg_int1 (db, 0, "SELECT SUM(size) FROM attachments WHERE tenant_id = ?", "s", tenant_id);
}

static gboolean
pg_attachments_insert (CsDb       *db,
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
  return cs_pg_exec (db,
                     "INSERT INTO attachments (id, tenant_id, room_id, uploader_id, name, size, mime_type,"
                     " width, height, thumb_type, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
                     "sssssis" "iisi",
                     attachment_id, tenant_id, room_id, uploader_id, name, size, mime_type, width, height,
                     thumb_type, created_at);
}

static gboolean
pg_attachments_unsent (CsDb       *db,
                       const char *tenant_id,
                       const char *room_id,
                       const char *uploader_id,
                       const char *attachment_id)
{
  return cs_pg_int1 (db, 0,
                     "SELECT COUNT(*) FROM attachments WHERE id = ? AND tenant_id = ? AND room_id = ?"
                     " AND uploader_id = ? AND message_id IS NULL",
                     "ssss", attachment_id, tenant_id, room_id, uploader_id) != 0;
}

static gboolean
pg_attachments_exists (CsDb       *db,
                       const char *attachment_id)
{
  return cs_pg_int1 (db, 0, "SELECT COUNT(*) FROM attachments WHERE id = ?", "s", attachment_id) > 0;
}

static char *
pg_attachments_name (CsDb       *db,
                     const char *attachment_id)
{
  return cs_pg_text1 (db, "SELECT name FROM attachments WHERE id = ?", "s", attachment_id);
}

static gboolean
pg_attachments_attach (CsDb       *db,
                       const char *attachment_id,
                       const char *message_id,
                       guint       position)
{
  return cs_pg_exec (db, "UPDATE attachments SET message_id = ?, position = ? WHERE id = ?",
                     "sis", message_id, (gint64) position, attachment_id);
}

static GPtrArray *
collect_ids (CsPgRes *stmt)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  while (stmt && cs_pg_next (stmt))
    g_ptr_array_add (ids, cs_pg_col_dup (stmt, 0));
  return ids;
}

static GPtrArray *
pg_attachments_ids_of_message (CsDb       *db,
                               const char *message_id)
{
  CS_PG_RES stmt = cs_pg_query (db, "SELECT id FROM attachments WHERE message_id = ?", "s", message_id);

  return collect_ids (stmt);
}

static GPtrArray *
pg_attachments_ids_of_uploader (CsDb       *db,
                                const char *uploader_id)
{
  CS_PG_RES stmt = cs_pg_query (db, "SELECT id FROM attachments WHERE uploader_id = ?", "s", uploader_id);

  return collect_ids (stmt);
}

static GPtrArray *
pg_attachments_ids_unused (CsDb  *db,
                           gint64 before_ms,
                           guint  n)
{
  CS_PG_RES stmt = cs_pg_query (db, "SELECT id FROM attachments WHERE message_id IS NULL AND created_at < ? LIMIT ?",
                                "ii", before_ms, (gint64) n);

  return collect_ids (stmt);
}

static gboolean
pg_attachments_delete (CsDb       *db,
                       const char *attachment_id)
{
  return cs_pg_exec (db, "DELETE FROM attachments WHERE id = ?", "s", attachment_id);
}

const CsAttachmentsOps cs_pg_attachments_ops = {
  .of_message = pg_attachments_of_message,
  .get = pg_attachments_get,
  .access = pg_attachments_access,
  .tenant_usage = pg_attachments_tenant_usage,
  .insert = pg_attachments_insert,
  .unsent = pg_attachments_unsent,
  .exists = pg_attachments_exists,
  .name = pg_attachments_name,
  .attach = pg_attachments_attach,
  .ids_of_message = pg_attachments_ids_of_message,
  .ids_of_uploader = pg_attachments_ids_of_uploader,
  .ids_unused = pg_attachments_ids_unused,
  .delete = pg_attachments_delete,
};
