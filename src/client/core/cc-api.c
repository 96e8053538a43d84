/* cc-api.c: the REST client: JSON over one SoupSession with the Bearer
 * token, errors mapped to sentences.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-api"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cau-error.h"
#include "cau-json.h"
#include "cc-api.h"
#include "cc-json-private.h"

struct _CcApi
{
  GObject      parent_instance;
  char        *server_url;
  SoupSession *session;
  char        *token;     /* never logged */
};

G_DEFINE_FINAL_TYPE (CcApi, cc_api, G_TYPE_OBJECT)

typedef struct {
  SoupMessage *msg;
  guint        status;
  guint        retry_after;
} Request;

static void
request_free (Request *req)
{
  g_clear_object (&req->msg);
  g_free (req);
}

static void
cc_api_dispose (GObject *object)
{
  CcApi *self = CC_API (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (cc_api_parent_class)->dispose (object);
}

static void
cc_api_finalize (GObject *object)
{
  CcApi *self = CC_API (object);

  g_free (self->server_url);
  g_free (self->token);
  G_OBJECT_CLASS (cc_api_parent_class)->finalize (object);
}

static void
cc_api_class_init (CcApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cc_api_dispose;
  G_OBJECT_CLASS (klass)->finalize = cc_api_finalize;
}

static void
cc_api_init (CcApi *self)
{
  self->session = soup_session_new_with_options ("user-agent", "Causerie/" "0.1",
                                                 "timeout", 30,
                                                 NULL);
}

CcApi *
cc_api_new (const char *server_url)
{
  CcApi *self;
  gsize len;

  g_return_val_if_fail (server_url != NULL, NULL);
  self = g_object_new (CC_TYPE_API, NULL);
  self->server_url = g_strstrip (g_strdup (server_url));
  len = strlen (self->server_url);
  while (len > 0 && self->server_url[len - 1] == '/')
    self->server_url[--len] = '\0';
  return self;
}

const char *
cc_api_get_server_url (CcApi *self)
{
  g_return_val_if_fail (CC_IS_API (self), NULL);
  return self->server_url;
}

SoupSession *
cc_api_get_session (CcApi *self)
{
  g_return_val_if_fail (CC_IS_API (self), NULL);
  return self->session;
}

void
cc_api_set_token (CcApi      *self,
                  const char *token)
{
  g_return_if_fail (CC_IS_API (self));
  g_free (self->token);
  self->token = g_strdup (token);
}

gboolean
cc_api_has_token (CcApi *self)
{
  g_return_val_if_fail (CC_IS_API (self), FALSE);
  return self->token != NULL;
}

void
cc_api_authorize (CcApi       *self,
                  SoupMessage *msg)
{
  g_autofree char *value = NULL;

  g_return_if_fail (CC_IS_API (self));
  if (self->token == NULL)
    return;
  value = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
}

GUri *
cc_api_build_ws_uri (CcApi      *self,
                     const char *path)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (CC_IS_API (self), NULL);
  if (g_str_has_prefix (self->server_url, "https://"))
    url = g_strconcat ("wss://", self->server_url + strlen ("https://"), path, NULL);
  else if (g_str_has_prefix (self->server_url, "http://"))
    url = g_strconcat ("ws://", self->server_url + strlen ("http://"), path, NULL);
  else
    url = g_strconcat (self->server_url, path, NULL);
  return g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
}

char *
cc_api_escape (const char *text)
{
  return g_uri_escape_string (text, NULL, FALSE);
}

/* The sentence for a failure to talk to the server at all. */
static GError *
network_error (CcApi  *self,
               GError *error)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  g_debug ("Request failed: %s", error->message);
  mapped = g_error_new (G_IO_ERROR,
                        error->domain == G_IO_ERROR ? error->code : G_IO_ERROR_HOST_UNREACHABLE,
                        _("Could not reach the server at %s. Check the address and your connection."),
                        self->server_url);
  g_error_free (error);
  return mapped;
}

static GError *
unintelligible_error (void)
{
  return g_error_new_literal (CAU_ERROR, CAU_ERROR_INTERNAL,
                              _("The server sent an answer Causerie does not understand."));
}

/* A request for @path with the token (and, with @json, asking for JSON);
 * NULL and an error when libsoup does not take the address. */
static SoupMessage *
new_message (CcApi       *self,
             const char  *method,
             const char  *path,
             gboolean     json,
             GError     **error)
{
  g_autofree char *url = g_strconcat (self->server_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid server address."), self->server_url);
      return NULL;
    }
  cc_api_authorize (self, msg);
  if (json)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  return msg;
}

static GError *
api_error (Request *req,
           GBytes  *bytes)
{
  g_autoptr(JsonObject) body = NULL;
  JsonObject *err = NULL;
  const char *code = NULL;
  const char *message = NULL;
  gsize size = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;

  if (data != NULL && size > 0)
    body = cau_json_parse_object (data, size, NULL);
  err = _cc_json_obj (body, "error");
  code = _cc_json_str (err, "code");
  message = _cc_json_str (err, "message");

  if (req->status == 429 /* Too Many Requests */ && req->retry_after > 0)
    return g_error_new (CAU_ERROR, CAU_ERROR_RATE_LIMITED,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "Too many attempts. Try again in %u second.",
                                     "Too many attempts. Try again in %u seconds.",
                                     req->retry_after),
                        req->retry_after);
  if (message != NULL)
    return g_error_new_literal (CAU_ERROR,
                                code ? cau_error_code_from_string (code)
                                     : cau_error_code_from_status (req->status),
                                message);
  if (req->status >= 500)
    return g_error_new (CAU_ERROR, CAU_ERROR_INTERNAL,
                        _("The server had a problem (%u). Try again later."), req->status);
  return g_error_new (CAU_ERROR, cau_error_code_from_status (req->status),
                      _("The server refused the request (%u)."), req->status);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcApi *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  const char *retry;
  gsize size = 0;
  const char *data;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, network_error (self, error));
      return;
    }
  req->status = soup_message_get_status (req->msg);
  retry = soup_message_headers_get_one (soup_message_get_response_headers (req->msg), "Retry-After");
  if (retry != NULL)
    req->retry_after = (guint) MIN (g_ascii_strtoull (retry, NULL, 10), 24 * 3600);

  if (!SOUP_STATUS_IS_SUCCESSFUL (req->status))
    {
      g_task_return_error (task, api_error (req, bytes));
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || req->status == SOUP_STATUS_NO_CONTENT)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  {
    g_autoptr(JsonParser) parser = json_parser_new_immutable ();

    if (!json_parser_load_from_data (parser, data, size, NULL) || json_parser_get_root (parser) == NULL)
      {
        g_task_return_error (task, unintelligible_error ());
        return;
      }
    g_task_return_pointer (task, json_node_copy (json_parser_get_root (parser)),
                           (GDestroyNotify) json_node_unref);
  }
}

void
cc_api_request_async (CcApi               *self,
                      const char          *method,
                      const char          *path,
                      JsonObject          *body,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Request *req;

  g_return_if_fail (CC_IS_API (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_api_request_async);
  req = g_new0 (Request, 1);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  req->msg = new_message (self, method, path, TRUE, &error);
  if (req->msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (body != NULL)
    {
      char *text = cau_json_object_to_string (body);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (req->msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (self->session, req->msg, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, g_object_ref (task));
}

JsonNode *
cc_api_request_finish (CcApi         *self,
                       GAsyncResult  *result,
                       guint         *out_status,
                       guint         *out_retry_after,
                       GError       **error)
{
  Request *req;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  req = g_task_get_task_data (G_TASK (result));
  if (out_status)
    *out_status = req->status;
  if (out_retry_after)
    *out_retry_after = req->retry_after;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The object of an answer (@node, or @local, taken, when it failed). */
static JsonObject *
object_of (JsonNode  *node,
           GError    *local,
           GError   **error)
{
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (node == NULL)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_INTERNAL,
                           _("The server sent an empty answer."));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, unintelligible_error ());
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

JsonObject *
cc_api_request_finish_object (CcApi         *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  GError *local = NULL;
  g_autoptr(JsonNode) node = cc_api_request_finish (self, result, NULL, NULL, &local);

  return object_of (node, local, error);
}

/* Requests on behalf of a module's own task */

static void
task_request_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node = cc_api_request_finish (CC_API (object), result, NULL, NULL, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
cc_api_request_task (CcApi      *self,
                     const char *method,
                     const char *path,
                     JsonObject *body,
                     GTask      *task)
{
  g_return_if_fail (CC_IS_API (self));
  g_return_if_fail (G_IS_TASK (task));
  cc_api_request_async (self, method, path, body, g_task_get_cancellable (task), task_request_cb, task);
}

/* The answer of a cc_api_request_task() task (NULL for 204); FALSE and the
 * error when the request failed. */
static gboolean
task_answer (GAsyncResult  *result,
             gpointer       source_object,
             gpointer       source_tag,
             JsonNode     **out_node,
             GError       **error)
{
  GError *local = NULL;

  g_return_val_if_fail (g_task_is_valid (result, source_object), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  *out_node = g_task_propagate_pointer (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

JsonObject *
cc_api_task_finish_object (GAsyncResult  *result,
                           gpointer       source_object,
                           gpointer       source_tag,
                           GError       **error)
{
  g_autoptr(JsonNode) node = NULL;

  if (!task_answer (result, source_object, source_tag, &node, error))
    return NULL;
  return object_of (node, NULL, error);
}

JsonArray *
cc_api_task_finish_array (GAsyncResult  *result,
                          gpointer       source_object,
                          gpointer       source_tag,
                          const char    *member,
                          GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, source_object, source_tag, error);
  JsonNode *node;

  if (obj == NULL)
    return NULL;
  node = json_object_get_member (obj, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_propagate_error (error, unintelligible_error ());
      return NULL;
    }
  return json_array_ref (json_node_get_array (node));
}

gboolean
cc_api_task_finish (GAsyncResult  *result,
                    gpointer       source_object,
                    gpointer       source_tag,
                    GError       **error)
{
  g_autoptr(JsonNode) node = NULL;

  return task_answer (result, source_object, source_tag, &node, error);
}

/* Uploads */

typedef struct {
  Request            req;        /* first: send_cb reads it as a Request */
  GFile             *file;
  char              *name;
  char              *mime_type;
  CcApiProgressFunc  progress;
  gpointer           progress_data;
  guint64            total;
  guint64            done;
} Upload;

static void
upload_free (Upload *up)
{
  g_clear_object (&up->req.msg);
  g_clear_object (&up->file);
  g_free (up->name);
  g_free (up->mime_type);
  g_free (up);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    gpointer     user_data)
{
  Upload *up = user_data;

  up->done += chunk_size;
  if (up->progress != NULL)
    up->progress (MIN (up->done, up->total), up->total, up->progress_data);
}

/* "attachment; filename*=UTF-8''<percent-encoded name>" (RFC 5987: only
 * attr-chars stay as they are). */
static char *
content_disposition (const char *name)
{
  g_autofree char *escaped = g_uri_escape_string (name, "!#$&+^`|", FALSE);

  return g_strconcat ("attachment; filename*=UTF-8''", escaped, NULL);
}

/* "Could not read …" in G_FILE_ERROR: the file, not the network (trying
 * again will not help). A cancellation stays one. */
static GError *
read_error (Upload     *up,
            GError     *error,
            GFileError  code)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  mapped = g_error_new (G_FILE_ERROR, code, _("Could not read “%s”: %s"), up->name, error->message);
  g_error_free (error);
  return mapped;
}

static void
upload_info_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (user_data));
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileInfo) info = NULL;
  GFileInputStream *stream = G_FILE_INPUT_STREAM (object);
  CcApi *self = g_task_get_source_object (task);
  Upload *up = g_task_get_task_data (task);
  g_autofree char *disposition = NULL;
  GError *error = NULL;

  info = g_file_input_stream_query_info_finish (stream, result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, read_error (up, error, G_FILE_ERROR_IO));
      return;
    }
  up->total = (guint64) g_file_info_get_size (info);

  disposition = content_disposition (up->name);
  soup_message_headers_replace (soup_message_get_request_headers (up->req.msg),
                                "Content-Disposition", disposition);
  /* Streamed from the disk: the file is never in memory as a whole. */
  soup_message_set_request_body (up->req.msg, up->mime_type, G_INPUT_STREAM (stream), (gssize) up->total);
  g_signal_connect (up->req.msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), up);
  soup_session_send_and_read_async (self->session, up->req.msg, G_PRIORITY_DEFAULT,
                                    cancellable, send_cb, g_object_ref (task));
}

static void
upload_open_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (user_data));
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileInputStream) stream = NULL;
  Upload *up = g_task_get_task_data (task);
  GError *error = NULL;

  stream = g_file_read_finish (G_FILE (object), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, read_error (up, error, G_FILE_ERROR_NOENT));
      return;
    }
  g_file_input_stream_query_info_async (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_PRIORITY_DEFAULT,
                                        cancellable, upload_info_cb,
                                        g_steal_pointer (&task));
}

void
cc_api_upload_async (CcApi               *self,
                     const char          *path,
                     GFile               *file,
                     const char          *name,
                     const char          *mime_type,
                     CcApiProgressFunc    progress,
                     gpointer             progress_data,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Upload *up;

  g_return_if_fail (CC_IS_API (self));
  g_return_if_fail (path != NULL && G_IS_FILE (file) && name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_api_upload_async);
  up = g_new0 (Upload, 1);
  up->file = g_object_ref (file);
  up->name = g_strdup (name);
  up->mime_type = g_strdup (mime_type ? mime_type : "application/octet-stream");
  up->progress = progress;
  up->progress_data = progress_data;
  g_task_set_task_data (task, up, (GDestroyNotify) upload_free);

  up->req.msg = new_message (self, "POST", path, TRUE, &error);
  if (up->req.msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_file_read_async (file, G_PRIORITY_DEFAULT, cancellable, upload_open_cb, g_steal_pointer (&task));
}

JsonObject *
cc_api_upload_finish (CcApi         *self,
                      GAsyncResult  *result,
                      guint         *out_status,
                      GError       **error)
{
  Upload *up;
  GError *local = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  up = g_task_get_task_data (G_TASK (result));
  if (out_status)
    *out_status = up->req.status;
  node = g_task_propagate_pointer (G_TASK (result), &local);
  if (local != NULL)
    {
      /* The server's sentences do not say which file; these do. */
      if (g_error_matches (local, CAU_ERROR, CAU_ERROR_PAYLOAD_TOO_LARGE) || up->req.status == 413)
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_PAYLOAD_TOO_LARGE,
                       _("“%s” is larger than the server accepts."), up->name);
          g_error_free (local);
        }
      else if (g_error_matches (local, CAU_ERROR, CAU_ERROR_UNSUPPORTED_MEDIA_TYPE) || up->req.status == 415)
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_UNSUPPORTED_MEDIA_TYPE,
                       _("“%s”: the file type is not allowed, or the file is not what its name says."),
                       up->name);
          g_error_free (local);
        }
      else
        g_propagate_error (error, local);
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, unintelligible_error ());
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

/* Downloads */

typedef struct {
  SoupMessage  *msg;
  GFile        *dest;
  GFile        *part;
  GInputStream *body;
  goffset       offset;     /* bytes already in part */
  guint         status;
  gboolean      restarted;
} Download;

static void
download_free (Download *dl)
{
  g_clear_object (&dl->msg);
  g_clear_object (&dl->dest);
  g_clear_object (&dl->part);
  g_clear_object (&dl->body);
  g_free (dl);
}

static void download_start (GTask *task);

static void
download_moved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *dl = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_file_move_finish (G_FILE (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, dl->status);
}

static void
download_spliced_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (user_data));
  g_autoptr(GTask) task = user_data;
  CcApi *self = g_task_get_source_object (task);
  Download *dl = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;
  goffset expected;

  n = g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      /* What arrived stays in the .part file for a resume. */
      g_task_return_error (task, network_error (self, error));
      return;
    }
  expected = soup_message_headers_get_content_length (soup_message_get_response_headers (dl->msg));
  if (expected > 0 && n != expected)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                               _("The download stopped before the end. Try again."));
      return;
    }
  g_file_move_async (dl->part, dl->dest, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                     cancellable, NULL, NULL, download_moved_cb, g_steal_pointer (&task));
}

static void
download_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (user_data));
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileOutputStream) out = NULL;
  Download *dl = g_task_get_task_data (task);
  GError *error = NULL;

  if (dl->status == SOUP_STATUS_PARTIAL_CONTENT)
    out = g_file_append_to_finish (G_FILE (object), result, &error);
  else
    out = g_file_replace_finish (G_FILE (object), result, &error);
  if (out == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_output_stream_splice_async (G_OUTPUT_STREAM (out), dl->body,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cancellable,
                                download_spliced_cb, g_steal_pointer (&task));
}

static void
download_error_body_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *dl = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  Request req = { .msg = dl->msg, .status = dl->status };

  g_task_return_error (task, api_error (&req, bytes));
}

/* Where the response starts, from "Content-Range: bytes START-END/TOTAL". */
static goffset
content_range_start (SoupMessage *msg)
{
  goffset start = -1, end = -1, total = -1;

  if (!soup_message_headers_get_content_range (soup_message_get_response_headers (msg), &start, &end, &total))
    return -1;
  return start;
}

/* Drops this answer and asks again for the whole file. */
static void
download_restart (GTask *task)
{
  Download *dl = g_task_get_task_data (task);

  dl->restarted = TRUE;
  dl->offset = 0;
  g_clear_object (&dl->body);
  g_clear_object (&dl->msg);
  download_start (task);
}

static void
download_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (user_data));
  g_autoptr(GTask) task = user_data;
  CcApi *self = g_task_get_source_object (task);
  Download *dl = g_task_get_task_data (task);
  GError *error = NULL;

  dl->body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (dl->body == NULL)
    {
      g_task_return_error (task, network_error (self, error));
      return;
    }
  dl->status = soup_message_get_status (dl->msg);

  /* The .part is whole already, or longer than the file: start over. */
  if (dl->status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && dl->offset > 0 && !dl->restarted)
    {
      download_restart (g_steal_pointer (&task));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (dl->status))
    {
      g_input_stream_read_bytes_async (dl->body, 64 * 1024, G_PRIORITY_DEFAULT, cancellable,
                                       download_error_body_cb, g_steal_pointer (&task));
      return;
    }
  if (dl->status == SOUP_STATUS_PARTIAL_CONTENT && (dl->offset == 0 || content_range_start (dl->msg) != dl->offset))
    {
      /* Not the range we asked for: never splice bytes at the wrong place. */
      if (dl->restarted)
        {
          g_task_return_error (task, unintelligible_error ());
          return;
        }
      g_debug ("Unexpected Content-Range; downloading again from the start");
      download_restart (g_steal_pointer (&task));
      return;
    }
  if (dl->status == SOUP_STATUS_PARTIAL_CONTENT)
    g_file_append_to_async (dl->part, G_FILE_CREATE_PRIVATE, G_PRIORITY_DEFAULT, cancellable,
                            download_opened_cb, g_steal_pointer (&task));
  else
    g_file_replace_async (dl->part, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                          G_PRIORITY_DEFAULT, cancellable,
                          download_opened_cb, g_steal_pointer (&task));
}

static void
download_start (GTask *task)
{
  CcApi *self = g_task_get_source_object (task);
  Download *dl = g_task_get_task_data (task);
  GError *error = NULL;

  dl->msg = new_message (self, "GET", g_object_get_data (G_OBJECT (task), "path"), FALSE, &error);
  if (dl->msg == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (dl->offset > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (dl->msg), dl->offset, -1);
  soup_session_send_async (self->session, dl->msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                           download_sent_cb, task);
}

static void
download_part_info_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  Download *dl = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, NULL);

  dl->offset = info ? g_file_info_get_size (info) : 0;
  download_start (task);
}

void
cc_api_download_async (CcApi               *self,
                       const char          *path,
                       GFile               *dest,
                       GFile               *part,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  Download *dl;

  g_return_if_fail (CC_IS_API (self));
  g_return_if_fail (path != NULL && G_IS_FILE (dest) && G_IS_FILE (part));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_api_download_async);
  dl = g_new0 (Download, 1);
  dl->dest = g_object_ref (dest);
  dl->part = g_object_ref (part);
  g_task_set_task_data (task, dl, (GDestroyNotify) download_free);
  g_object_set_data_full (G_OBJECT (task), "path", g_strdup (path), g_free);
  g_file_query_info_async (part, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                           cancellable, download_part_info_cb, task);
}

guint
cc_api_download_finish (CcApi         *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  gssize status;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  status = g_task_propagate_int (G_TASK (result), error);
  return status < 0 ? 0 : (guint) status;
}
