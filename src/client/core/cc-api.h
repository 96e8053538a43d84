/* cc-api.h: the REST client. JSON over one SoupSession with the Bearer
 * token; API errors ({"error": {code, message}}) become GErrors in the
 * CAU_ERROR domain, network failures a sentence about reaching the server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CC_TYPE_API (cc_api_get_type ())
G_DECLARE_FINAL_TYPE (CcApi, cc_api, CC, API, GObject)

/* @server_url: "http://host:port" (a trailing slash is ignored). */
CcApi       *cc_api_new             (const char *server_url);
const char  *cc_api_get_server_url  (CcApi      *self);
SoupSession *cc_api_get_session     (CcApi      *self);
/* The token is kept in memory only and never logged. NULL clears it. */
void         cc_api_set_token       (CcApi      *self,
                                     const char *token);
gboolean     cc_api_has_token       (CcApi      *self);
/* Adds "Authorization: Bearer …" to @msg when a token is set. */
void         cc_api_authorize       (CcApi       *self,
                                     SoupMessage *msg);
/* The ws:// or wss:// URI of @path on the server. */
GUri        *cc_api_build_ws_uri    (CcApi      *self,
                                     const char *path);

/**
 * cc_api_request_async:
 * @method: "GET", "POST", "PATCH", "DELETE".
 * @path: "/api/rooms?archived=false"; the caller escapes query values.
 * @body: (nullable): a JSON object sent as the request body.
 *
 * Sends one request. cc_api_request_finish() returns the parsed JSON body
 * (NULL for 204) or an error: CAU_ERROR with the server's message, or
 * G_IO_ERROR with "Could not reach the server at …". The HTTP status and,
 * for 429, the Retry-After seconds are returned through the out arguments.
 */
void         cc_api_request_async   (CcApi               *self,
                                     const char          *method,
                                     const char          *path,
                                     JsonObject          *body,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
JsonNode    *cc_api_request_finish  (CcApi         *self,
                                     GAsyncResult  *result,
                                     guint         *out_status,
                                     guint         *out_retry_after,
                                     GError       **error);

/* Convenience for a finish that needs an object: NULL and an error when the
 * body is not one. */
JsonObject  *cc_api_request_finish_object (CcApi         *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/**
 * cc_api_request_task:
 * @task: (transfer full): the caller's task, with its own source object,
 *   source tag, cancellable and data.
 *
 * cc_api_request_async() for a module's own `_async` function: the answer
 * comes back through @task as a JsonNode (NULL for 204) or the error, and
 * the module's `_finish` takes it with cc_api_task_finish_object() or
 * cc_api_task_finish().
 */
void         cc_api_request_task       (CcApi        *self,
                                        const char   *method,
                                        const char   *path,
                                        JsonObject   *body,
                                        GTask        *task);
/* The answer's object of a cc_api_request_task() task, checked against
 * @source_object and @source_tag; NULL and an error otherwise (also for an
 * empty answer or one that is not an object). */
JsonObject  *cc_api_task_finish_object (GAsyncResult  *result,
                                        gpointer       source_object,
                                        gpointer       source_tag,
                                        GError       **error);
/* The array @member of that answer's object; NULL and an error when the
 * answer has none. */
JsonArray   *cc_api_task_finish_array  (GAsyncResult  *result,
                                        gpointer       source_object,
                                        gpointer       source_tag,
                                        const char    *member,
                                        GError       **error);
/* TRUE, or FALSE and the error; the answer, if any, is dropped. */
gboolean     cc_api_task_finish        (GAsyncResult  *result,
                                        gpointer       source_object,
                                        gpointer       source_tag,
                                        GError       **error);

/* Bytes done out of @total (0 when unknown); runs on the caller's thread. */
typedef void (*CcApiProgressFunc) (guint64  done,
                                   guint64  total,
                                   gpointer user_data);

/**
 * cc_api_upload_async:
 * @path: "/api/rooms/{id}/attachments".
 * @file: the file sent as the raw body, streamed from the disk.
 * @name: the name the server keeps (sent as an RFC 5987 filename*).
 * @progress: (nullable): called as the body goes out; @progress_data must
 *   stay valid until @callback runs.
 *
 * Uploads @file. Finish returns the server's object ({id, name, size, …})
 * or an error: a sentence naming the file for 413 and 415, the server's
 * sentence otherwise, "Could not reach the server …" for the network,
 * G_FILE_ERROR when @file cannot be read.
 */
void         cc_api_upload_async    (CcApi               *self,
                                     const char          *path,
                                     GFile               *file,
                                     const char          *name,
                                     const char          *mime_type,
                                     CcApiProgressFunc    progress,
                                     gpointer             progress_data,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
JsonObject  *cc_api_upload_finish   (CcApi         *self,
                                     GAsyncResult  *result,
                                     guint         *out_status,
                                     GError       **error);

/**
 * cc_api_download_async:
 * @path: "/api/attachments/{id}" or ".../thumbnail".
 * @dest: where the bytes end up, complete.
 * @part: where they go meanwhile; when it exists, the download resumes
 *   after its bytes (Range), or starts over if the server sends it whole.
 *
 * Streams the body to @part, then renames it to @dest. A failure leaves
 * @part for the next attempt. Finish returns the HTTP status (200 or 206)
 * or 0 with an error.
 */
void         cc_api_download_async  (CcApi               *self,
                                     const char          *path,
                                     GFile               *dest,
                                     GFile               *part,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
guint        cc_api_download_finish (CcApi         *self,
                                     GAsyncResult  *result,
                                     GError       **error);

/* Escapes @text for a path segment or query value; newly allocated. */
char        *cc_api_escape          (const char *text);

G_END_DECLS
