/* cs-http-files.c: request and response bodies that are files. Uploads
 * are written to a temporary file chunk by chunk as they arrive, never
 * held in memory, and cut off at the size limit; downloads are read in
 * chunks on GIO's worker threads and written as the socket takes them,
 * with single byte ranges for resuming.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-http"

#include "cs-server-private.h"
#include "cs-api.h"
#include "cs-sniff.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK   (64 * 1024)
#define MAX_QUEUED   2            /* chunks read ahead of the socket */

/* ---- uploads ----------------------------------------------------------- */

typedef struct {
  CsUpload upload;
  int      fd;
  gboolean too_large;
  gboolean failed;
  gint64   max;
} Upload;

static void
upload_free (gpointer data)
{
  Upload *u = data;

  if (u->fd >= 0)
    close (u->fd);
  /* Still here unless the upload handler moved it into place. */
  if (u->upload.tmp_path)
    g_unlink (u->upload.tmp_path);
  g_free (u->upload.tmp_path);
  g_free (u->upload.declared_type);
  g_free (u->upload.name);
  g_free (u);
}

static void
upload_discard (Upload *u)
{
  if (u->fd >= 0)
    close (u->fd);
  u->fd = -1;
  if (u->upload.tmp_path)
    g_unlink (u->upload.tmp_path);
}

/* The writes go to the page cache in chunks of at most a few KiB (what
 * libsoup reads from the socket at a time): they do not wait for the disk,
 * and the event loop stays responsive. The data is synced to disk later,
 * on a worker thread, before the upload is recorded. */
static void
upload_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 Upload            *u)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  if (u->too_large || u->failed)
    return;
  if (u->upload.size + (gint64) len > u->max)
    {
      /* Nothing more is kept, and what was kept goes now. */
      u->too_large = TRUE;
      upload_discard (u);
      return;
    }
  while (len > 0)
    {
      gssize n = write (u->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_warning ("Cannot write an upload to disk: %s", g_strerror (errno));
          u->failed = TRUE;
          upload_discard (u);
          return;
        }
      data += n;
      len -= (gsize) n;
      u->upload.size += n;
    }
}

static char *
upload_name (SoupMessageHeaders *headers)
{
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *disposition = NULL;

  /* libsoup decodes filename*=UTF-8''... into "filename", preferring it
   * to a plain filename="...". */
  if (!soup_message_headers_get_content_disposition (headers, &disposition, &params))
    return cs_sniff_clean_name (NULL);
  return cs_sniff_clean_name (g_hash_table_lookup (params, "filename"));
}

gboolean
cs_http_upload_start (CsServer          *server,
                      SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *tmp_dir = cs_api_attachment_tmp_dir (server->config);
  g_autofree char *file = NULL;
  Upload *u;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > server->config->attach_max_bytes)
    {
      cs_metrics_add (&server->metrics, CS_COUNT_UPLOADS_TOO_LARGE, 1);
      cs_http_set_too_large (server, msg, server->config->attach_max_bytes);
      return FALSE;
    }
  u = g_new0 (Upload, 1);
  u->max = server->config->attach_max_bytes;
  u->upload.declared_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  u->upload.name = upload_name (headers);
  file = g_uuid_string_random ();
  u->upload.tmp_path = g_build_filename (tmp_dir, file, NULL);
  u->fd = g_open (u->upload.tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  g_object_set_data_full (G_OBJECT (msg), "cs-upload", u, upload_free);
  if (u->fd < 0)
    {
      g_warning ("Cannot create %s: %s", u->upload.tmp_path, g_strerror (errno));
      g_clear_pointer (&u->upload.tmp_path, g_free);
      cs_http_set_error (server, msg, CAU_ERROR_INTERNAL, "The server cannot take files right now. Try again later.");
      return FALSE;
    }
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_chunk_cb), u);
  return TRUE;
}

CsUpload *
cs_http_upload_finish (CsServer          *server,
                       SoupServerMessage *msg)
{
  Upload *u = g_object_get_data (G_OBJECT (msg), "cs-upload");

  g_assert (u != NULL);
  if (u->too_large)
    {
      cs_metrics_add (&server->metrics, CS_COUNT_UPLOADS_TOO_LARGE, 1);
      cs_http_set_too_large (server, msg, u->max);
      return NULL;
    }
  if (u->failed)
    {
      cs_http_set_error (server, msg, CAU_ERROR_INTERNAL, "The server could not store this file. Try again later.");
      return NULL;
    }
  close (u->fd);
  u->fd = -1;
  cs_metrics_add (&server->metrics, CS_COUNT_UPLOAD_BYTES, (guint64) u->upload.size);
  return &u->upload;
}

/* ---- downloads --------------------------------------------------------- */

typedef struct {
  gint               refs;
  SoupServerMessage *msg;
  GInputStream      *in;
  GCancellable      *cancellable;
  gint64             left;
  guint              queued;
  gboolean           reading;
  gboolean           finished;
} Sender;

static void
sender_unref (Sender *s)
{
  if (--s->refs > 0)
    return;
  g_object_unref (s->in);
  g_object_unref (s->cancellable);
  g_free (s);
}

static void read_next (Sender *s);

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Sender *s = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  SoupMessageBody *body;
  gsize n = bytes ? g_bytes_get_size (bytes) : 0;

  s->reading = FALSE;
  if (s->finished)
    {
      sender_unref (s);
      return;
    }
  body = soup_server_message_get_response_body (s->msg);
  if (n == 0)
    {
      /* The file shrank under us: end short, and libsoup closes the
       * connection, so the client sees an incomplete download. */
      g_warning ("A stored attachment ended early: %s", error ? error->message : "end of file");
      s->left = 0;
    }
  else
    {
      soup_message_body_append_bytes (body, bytes);
      s->left -= (gint64) MIN (n, (gsize) s->left);
      s->queued++;
    }
  if (s->left == 0)
    soup_message_body_complete (body);
  soup_server_message_unpause (s->msg);
  read_next (s);
  sender_unref (s);
}

static void
read_next (Sender *s)
{
  if (s->reading || s->finished || s->left == 0 || s->queued >= MAX_QUEUED)
    return;
  s->reading = TRUE;
  s->refs++;
  g_input_stream_read_bytes_async (s->in, (gsize) MIN (s->left, READ_CHUNK), G_PRIORITY_DEFAULT,
                                   s->cancellable, read_done_cb, s);
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                Sender            *s)
{
  s->queued--;
  read_next (s);
}

static void
send_finished_cb (SoupServerMessage *msg,
                  Sender            *s)
{
  s->finished = TRUE;
  g_cancellable_cancel (s->cancellable);
  g_signal_handlers_disconnect_by_data (msg, s);
  g_object_unref (s->msg);
  sender_unref (s);
}

typedef enum { RANGE_NONE, RANGE_OK, RANGE_UNSATISFIABLE } RangeResult;

/* One range of "bytes=a-b", "bytes=a-" or "bytes=-n". Several ranges, or
 * another unit, are answered with the whole file (RFC 9110 allows it). */
static RangeResult
parse_range (const char *header,
             gint64      size,
             gint64     *start,
             gint64     *end)
{
  const char *spec;
  const char *dash;
  guint64 a = 0, b = 0;
  g_autofree char *first = NULL;

  if (header == NULL || !g_str_has_prefix (header, "bytes=") || strchr (header, ',') != NULL)
    return RANGE_NONE;
  spec = header + 6;
  dash = strchr (spec, '-');
  if (dash == NULL)
    return RANGE_NONE;
  first = g_strndup (spec, dash - spec);
  if (*first == '\0')
    {
      /* The last n bytes. */
      if (!g_ascii_string_to_unsigned (dash + 1, 10, 1, G_MAXINT64, &b, NULL))
        return RANGE_UNSATISFIABLE;
      if (size == 0)
        return RANGE_UNSATISFIABLE;
      *start = size - (gint64) MIN (b, (guint64) size);
      *end = size - 1;
      return RANGE_OK;
    }
  if (!g_ascii_string_to_unsigned (first, 10, 0, G_MAXINT64, &a, NULL) ||
      (dash[1] != '\0' && !g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT64, &b, NULL)) ||
      (dash[1] != '\0' && b < a))
    return RANGE_NONE;   /* malformed: ignored, as RFC 9110 says */
  if ((gint64) a >= size)
    return RANGE_UNSATISFIABLE;
  *start = (gint64) a;
  *end = dash[1] == '\0' ? size - 1 : MIN ((gint64) b, size - 1);
  return RANGE_OK;
}

/* attachment; filename="<ASCII stand-in>"; filename*=UTF-8''<RFC 5987> */
static char *
content_disposition (const char *name)
{
  GString *s = g_string_new ("attachment; filename=\"");

  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_c (s, c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '_');
    }
  g_string_append (s, "\"; filename*=UTF-8''");
  for (const guchar *p = (const guchar *) name; *p; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("!#$&+-.^_`|~", *p))
        g_string_append_c (s, (char) *p);
      else
        g_string_append_printf (s, "%%%02X", *p);
    }
  return g_string_free (s, FALSE);
}

static void
set_file_headers (SoupMessageHeaders *headers,
                  CsCtx              *ctx)
{
  g_autofree char *disposition = content_disposition (ctx->file_name);

  soup_message_headers_replace (headers, "Content-Type", ctx->file_type);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  /* Whatever the bytes are, no browser runs them as this server's page. */
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Security-Policy", "default-src 'none'; sandbox");
  soup_message_headers_replace (headers, "Cache-Control", "private, no-cache");
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  if (ctx->file_etag)
    soup_message_headers_replace (headers, "ETag", ctx->file_etag);
}

void
cs_http_send_file (CsServer          *server,
                   SoupServerMessage *msg,
                   CsCtx             *ctx)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *range = soup_message_headers_get_one (request, "Range");
  const char *if_range = soup_message_headers_get_one (request, "If-Range");
  gboolean head = strcmp (soup_server_message_get_method (msg), "HEAD") == 0;
  gint64 size = ctx->file_size, start = 0, end = size - 1;
  RangeResult r;
  Sender *s;

  /* A resumed download names the copy it has: a range of anything else
   * (another tag, a date: no Last-Modified is sent) gets the whole file. */
  if (if_range && g_strcmp0 (if_range, ctx->file_etag) != 0)
    range = NULL;
  r = parse_range (range, size, &start, &end);

  if (r == RANGE_UNSATISFIABLE)
    {
      g_autofree char *unsatisfied = g_strdup_printf ("bytes */%" G_GINT64_FORMAT, size);

      soup_message_headers_replace (headers, "Content-Range", unsatisfied);
      cs_http_set_error (NULL, msg, CAU_ERROR_BAD_REQUEST, "The requested range is outside the file.");
      soup_server_message_set_status (msg, 416, NULL);
      return;
    }
  if (start > 0 && !g_seekable_seek (G_SEEKABLE (ctx->file), start, G_SEEK_SET, NULL, NULL))
    {
      cs_http_set_error (NULL, msg, CAU_ERROR_INTERNAL, "The server cannot read this file right now.");
      return;
    }
  set_file_headers (headers, ctx);
  soup_message_headers_set_content_length (headers, end - start + 1);
  if (r == RANGE_OK)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                        start, end, size);
      soup_message_headers_replace (headers, "Content-Range", content_range);
    }
  soup_server_message_set_status (msg, r == RANGE_OK ? 206 : 200, NULL);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  if (!head)
    cs_metrics_add (&server->metrics, CS_COUNT_DOWNLOADS, 1);
  if (end < start || head)
    {
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      return;
    }

  s = g_new0 (Sender, 1);
  s->refs = 1;
  s->msg = g_object_ref (msg);
  s->in = g_object_ref (ctx->file);
  s->cancellable = g_cancellable_new ();
  s->left = end - start + 1;
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), s);
  g_signal_connect (msg, "finished", G_CALLBACK (send_finished_cb), s);
  read_next (s);
}
