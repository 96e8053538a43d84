/* cs-api-attachments.c: uploads (sniffed, thumbnailed, under quota),
 * downloads for the room's members, attaching to messages, and removal
 * with messages, accounts and the sweep of unused uploads.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-attachments.h"
#include "cs-clamd.h"
#include "cs-rooms.h"
#include "cs-model.h"
#include "cs-sniff.h"
#include "cs-store.h"
#include "cs-thumb.h"
#include "cau-json.h"
#include "cau-time.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <string.h>

#define SWEEP_BATCH 500

char *
cs_api_attachment_path (CsConfig   *config,
                        const char *id,
                        gboolean    thumbnail)
{
  g_autofree char *file = g_strconcat (id, thumbnail ? ".thumb" : NULL, NULL);
  g_autofree char *dir = cs_config_attachments_dir (config);

  return g_build_filename (dir, file, NULL);
}

char *
cs_api_attachment_tmp_dir (CsConfig *config)
{
  g_autofree char *dir = cs_config_attachments_dir (config);

  return g_build_filename (dir, "tmp", NULL);
}

/* ---- upload ------------------------------------------------------------ */

typedef struct {
  CsUpload   *upload;
  const char *room_id;
  const char *id;
  const char *mime_type;
  CsThumbInfo image;
} NewAttachment;

static gboolean
within_quota (CsCtx  *ctx,
              gint64  size)
{
  gint64 quota = ctx->config->attach_quota_bytes;
  gint64 used;
  g_autofree char *quota_text = NULL;

  if (quota <= 0)
    return TRUE;
  used = cs_attachments_tenant_usage (ctx->db, ctx->tenant_id);
  if (used + size <= quota)
    return TRUE;
  quota_text = g_format_size_full ((guint64) quota, G_FORMAT_SIZE_IEC_UNITS);
  return cs_ctx_fail (ctx, CAU_ERROR_PAYLOAD_TOO_LARGE,
                      "Your organisation has used its %s of file storage; this file does not fit. "
                      "Delete old files or ask an administrator.", quota_text);
}

/* Writer thread: membership again (the caller may have left the room
 * during the upload), the quota, and the row. */
static void
upload_write (CsCtx *ctx)
{
  NewAttachment *a = ctx->input;
  g_autoptr(JsonObject) details = json_object_new ();

  if (!cs_model_require_member (ctx, a->room_id, NULL) || !within_quota (ctx, a->upload->size))
    return;
  if (cs_rooms_is_archived (ctx->db, a->room_id))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "This room is archived: it can be read but not written to.");
      return;
    }
  if (!cs_attachments_insert (ctx->db, ctx->tenant_id, a->room_id, ctx->user_id, a->id, a->upload->name,
                              a->upload->size, a->mime_type, a->image.width, a->image.height, a->image.thumb_type,
                              cau_time_now_ms ()))
    {
      cs_ctx_fail_db (ctx, "storing an attachment");
      return;
    }
  json_object_set_string_member (details, "room_id", a->room_id);
  json_object_set_int_member (details, "size", a->upload->size);
  json_object_set_string_member (details, "mime_type", a->mime_type);
  cs_ctx_audit (ctx, "attachment.upload", "attachment", a->id, details);
}

static void
remove_files (CsConfig   *config,
              const char *id)
{
  g_autofree char *path = cs_api_attachment_path (config, id, FALSE);
  g_autofree char *thumb = cs_api_attachment_path (config, id, TRUE);

  g_unlink (path);
  g_unlink (thumb);
}

/* The message that will point at the file is committed with
 * synchronous=FULL: the file must be on disk first, and so must its name
 * in the directory. */
static gboolean
sync_path (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok = fd >= 0 && fsync (fd) == 0;

  if (fd >= 0)
    close (fd);
  return ok;
}

/* With [attachments] clamd, the file is scanned before anything else
 * looks at it: a detection is refused and audited, and a scan that cannot
 * finish refuses the file too (never stored unscanned). This runs on an
 * upload worker thread (CS_JOB_FILE), so waiting for clamd holds neither
 * the event loop nor the writer. */
static gboolean
scan_upload (CsCtx         *ctx,
             NewAttachment *a)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(JsonObject) details = NULL;

  if (ctx->config->attach_clamd == NULL)
    return TRUE;
  switch (cs_clamd_scan_file (ctx->config->attach_clamd, a->upload->tmp_path,
                              ctx->config->attach_scan_timeout_s, &signature, &error))
    {
    case CS_CLAMD_CLEAN:
      return TRUE;
    case CS_CLAMD_FOUND:
      details = json_object_new ();
      json_object_set_string_member (details, "room_id", a->room_id);
      json_object_set_string_member (details, "name", a->upload->name);
      json_object_set_int_member (details, "size", a->upload->size);
      json_object_set_string_member (details, "signature", signature);
      cs_ctx_audit (ctx, "attachment.infected", "attachment", NULL, details);
      return cs_ctx_fail (ctx, CAU_ERROR_UNPROCESSABLE,
                          "The virus scanner found “%s” in this file, so it was not stored.", signature);
    case CS_CLAMD_FAILED:
    default:
      g_warning ("Cannot scan an upload with clamd at %s: %s", ctx->config->attach_clamd, error->message);
      return cs_ctx_fail (ctx, CAU_ERROR_UNAVAILABLE,
                          "The virus scanner is not answering, so files cannot be accepted right now. Try again later.");
    }
}

/* Sniffs, makes the thumbnail and moves both into place. */
static gboolean
prepare_files (CsCtx         *ctx,
               NewAttachment *a)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cs_api_attachment_path (ctx->config, a->id, FALSE);
  g_autofree char *thumb = cs_api_attachment_path (ctx->config, a->id, TRUE);
  g_autofree char *thumb_tmp = g_strconcat (a->upload->tmp_path, ".thumb", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  const char *loader;

  if (a->upload->size == 0)
    return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "The file is empty.");
  if (!scan_upload (ctx, a))
    return FALSE;
  a->mime_type = cs_sniff_file (a->upload->tmp_path, a->upload->declared_type, a->upload->name, &error);
  if (a->mime_type == NULL)
    return cs_ctx_fail_error (ctx, error);
  loader = cs_sniff_image_loader (a->mime_type);
  if (loader)
    cs_thumb_make (a->upload->tmp_path, loader, ctx->config->attach_max_pixels, thumb_tmp, &a->image);
  if (!sync_path (a->upload->tmp_path) ||
      (a->image.thumb_type && !sync_path (thumb_tmp)) ||
      g_rename (a->upload->tmp_path, path) != 0 ||
      (a->image.thumb_type && g_rename (thumb_tmp, thumb) != 0) ||
      !sync_path (dir))
    {
      g_warning ("Cannot move an upload into the attachments directory: %s", g_strerror (errno));
      g_unlink (thumb_tmp);
      remove_files (ctx->config, a->id);
      return cs_ctx_fail (ctx, CAU_ERROR_INTERNAL, "The server could not store this file right now. Try again.");
    }
  g_unlink (thumb_tmp);
  return TRUE;
}

void
cs_api_attachment_upload (CsCtx *ctx)
{
  CsUpload *upload = ctx->input;
  g_autofree char *id = g_uuid_string_random ();
  NewAttachment a = { upload, ctx->params[0], id, NULL, { 0 } };
  gboolean stored;
  JsonObject *reply;

  /* A non-member learns nothing, and costs no sniffing. */
  if (!cs_model_require_member (ctx, a.room_id, NULL) || !prepare_files (ctx, &a))
    {
      /* Gone before the answer leaves, not when libsoup lets go of it. */
      g_unlink (upload->tmp_path);
      return;
    }
  ctx->input = &a;
  stored = cs_store_run_write (ctx->store, upload_write, ctx);
  ctx->input = upload;
  if (!stored)
    {
      remove_files (ctx->config, id);
      return;
    }
  /* Read back as every message will show it. */
  reply = cs_model_attachment (ctx, id);
  if (reply == NULL)
    {
      cs_ctx_fail_db (ctx, "reading an attachment back");
      return;
    }
  cs_ctx_reply_object (ctx, 201, reply);
}

/* ---- download ---------------------------------------------------------- */

/* The attachment if the caller may see it: a member of its message's room,
 * or its uploader while no message has it. Anyone else gets the same 404
 * as for an id that does not exist. */
static gboolean
visible_attachment (CsCtx      *ctx,
                    const char *id,
                    char      **name,
                    char      **mime_type,
                    char      **thumb_type)
{
  g_autoptr(CsAttachmentAccess) a = cs_attachments_access (ctx->db, ctx->tenant_id, id, ctx->user_id);
  gboolean visible;

  if (a == NULL)
    return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such file.");
  if (!a->in_message)
    visible = g_strcmp0 (a->uploader_id, ctx->user_id) == 0;
  else
    visible = a->viewer_is_member;
  if (!visible)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "reason", "download of a file in a room the caller is not in");
      cs_ctx_audit (ctx, "forbidden_attempt", "attachment", id, details);
      return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such file.");
    }
  *name = g_steal_pointer (&a->name);
  *mime_type = g_steal_pointer (&a->mime_type);
  *thumb_type = g_steal_pointer (&a->thumb_type);
  return TRUE;
}

/* Opens the file on this (reader) thread; the event loop only streams it. */
static void
open_file (CsCtx      *ctx,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  in = g_file_read (file, NULL, &error);
  if (in)
    info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &error);
  if (info == NULL)
    {
      g_warning ("Cannot open a stored attachment: %s", error->message);
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "This file is no longer on the server.");
      return;
    }
  ctx->file = G_INPUT_STREAM (g_steal_pointer (&in));
  ctx->file_size = g_file_info_get_size (info);
  ctx->status = 200;
}

void
cs_api_attachment_get (CsCtx *ctx)
{
  g_autofree char *name = NULL, *mime_type = NULL, *thumb_type = NULL, *path = NULL;

  if (!visible_attachment (ctx, ctx->params[0], &name, &mime_type, &thumb_type))
    return;
  path = cs_api_attachment_path (ctx->config, ctx->params[0], FALSE);
  open_file (ctx, path);
  ctx->file_type = g_str_has_prefix (mime_type, "text/") ? g_strconcat (mime_type, "; charset=utf-8", NULL)
                                                          : g_steal_pointer (&mime_type);
  ctx->file_name = g_steal_pointer (&name);
  /* An id's bytes never change: the id is a strong validator. */
  ctx->file_etag = g_strdup_printf ("\"%s\"", ctx->params[0]);
}

void
cs_api_attachment_thumbnail (CsCtx *ctx)
{
  g_autofree char *name = NULL, *mime_type = NULL, *thumb_type = NULL, *path = NULL;

  if (!visible_attachment (ctx, ctx->params[0], &name, &mime_type, &thumb_type))
    return;
  if (thumb_type == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "This file has no thumbnail.");
      return;
    }
  path = cs_api_attachment_path (ctx->config, ctx->params[0], TRUE);
  open_file (ctx, path);
  ctx->file_name = g_strdup (g_str_equal (thumb_type, "image/jpeg") ? "thumbnail.jpg" : "thumbnail.png");
  ctx->file_type = g_steal_pointer (&thumb_type);
  ctx->file_etag = g_strdup_printf ("\"%s-thumbnail\"", ctx->params[0]);
}

/* ---- messages ---------------------------------------------------------- */

gboolean
cs_api_attachments_check (CsCtx       *ctx,
                          const char  *room_id,
                          char       **ids)
{
  guint n = ids ? g_strv_length (ids) : 0;

  if (n > ctx->config->attach_per_message)
    return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "A message can carry at most %u attachments.",
                        ctx->config->attach_per_message);
  for (guint i = 0; i < n; i++)
    {
      for (guint j = 0; j < i; j++)
        if (g_str_equal (ids[i], ids[j]))
          return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "The attachment “%.64s” is listed twice.", ids[i]);
      if (!cs_attachments_unsent (ctx->db, ctx->tenant_id, room_id, ctx->user_id, ids[i]))
        return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND,
                            "There is no file “%.64s” that you uploaded to this room and have not sent yet.", ids[i]);
    }
  return TRUE;
}

char *
cs_api_attachments_summary (CsCtx  *ctx,
                            char  **ids)
{
  guint n = ids ? g_strv_length (ids) : 0;
  g_autofree char *name = NULL;

  if (n != 1)
    return g_strdup_printf ("📎 %u files", n);
  name = cs_attachments_name (ctx->db, ids[0]);
  return g_strconcat ("📎 ", name ? name : "file", NULL);
}

gboolean
cs_api_attachments_attach (CsCtx       *ctx,
                           const char  *message_id,
                           char       **ids)
{
  for (guint i = 0; ids && ids[i]; i++)
    if (!cs_attachments_attach (ctx->db, ids[i], message_id, i))
      return cs_ctx_fail_db (ctx, "attaching files to a message");
  return TRUE;
}

/* ---- removal ----------------------------------------------------------- */

typedef struct {
  CsConfig  *config;
  GPtrArray *ids;
} Removal;

static void
removal_run (gpointer data)
{
  Removal *r = data;

  for (guint i = 0; i < r->ids->len; i++)
    remove_files (r->config, g_ptr_array_index (r->ids, i));
}

static void
removal_free (gpointer data)
{
  Removal *r = data;

  g_ptr_array_unref (r->ids);
  g_free (r);
}

/* Deletes the rows of @ids (taken); their files are unlinked once the
 * deletion has committed, never before. */
gboolean
cs_api_attachments_remove_ids (CsCtx     *ctx,
                               GPtrArray *ids)
{
  Removal *r;

  for (guint i = 0; i < ids->len; i++)
    if (!cs_attachments_delete (ctx->db, g_ptr_array_index (ids, i)))
      {
        g_ptr_array_unref (ids);
        return cs_ctx_fail_db (ctx, "removing attachments");
      }
  if (ids->len == 0)
    {
      g_ptr_array_unref (ids);
      return TRUE;
    }
  r = g_new0 (Removal, 1);
  r->config = ctx->config;
  r->ids = ids;
  cs_store_on_commit (ctx->store, removal_run, r, removal_free);
  return TRUE;
}

gboolean
cs_api_attachments_remove_for_message (CsCtx      *ctx,
                                       const char *message_id)
{
  return cs_api_attachments_remove_ids (ctx, cs_attachments_ids_of_message (ctx->db, message_id));
}

gboolean
cs_api_attachments_remove_for_user (CsCtx      *ctx,
                                    const char *user_id)
{
  return cs_api_attachments_remove_ids (ctx, cs_attachments_ids_of_uploader (ctx->db, user_id));
}

void
cs_api_attachments_sweep (CsCtx *ctx)
{
  gint64 cutoff = cau_time_now_ms () - ctx->config->attach_unused_s * 1000;

  cs_api_attachments_remove_ids (ctx, cs_attachments_ids_unused (ctx->db, cutoff, SWEEP_BATCH));
}

/* Start-up, before serving: a file whose row never committed (the server
 * stopped between the two) is nobody's. Only names this server gives out
 * are touched. */
void
cs_api_attachments_remove_orphans (CsCtx *ctx)
{
  g_autofree char *path = cs_config_attachments_dir (ctx->config);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint removed = 0;
  /* A folder shared by several nodes holds files another node is between
   * writing and recording: leave the young ones to the unused-upload sweep. */
  gint64 young = ctx->config->attach_dir ? g_get_real_time () / G_USEC_PER_SEC - 3600 : G_MAXINT64;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *id = g_strdup (name);
      g_autofree char *file = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_str_has_suffix (id, ".thumb"))
        id[strlen (id) - strlen (".thumb")] = '\0';
      if (!g_uuid_string_is_valid (id) ||
          (g_stat (file, &st) == 0 && st.st_mtime > young) ||
          cs_attachments_exists (ctx->db, id))
        continue;
      remove_files (ctx->config, id);
      removed++;
    }
  if (removed > 0)
    g_message ("Removed %u attachment files that no upload recorded", removed);
}

