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
        g_task_return_new_error (task, CAU_ERROR, CAU_ERROR_INTERNAL,
                                 _("The server sent an answer Causerie does not understand."));
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
  g_autofree char *url = NULL;
  Request *req;

  g_return_if_fail (CC_IS_API (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_api_request_async);
  url = g_strconcat (self->server_url, path, NULL);

  req = g_new0 (Request, 1);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  req->msg = soup_message_new (method, url);
  if (req->msg == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid server address."), self->server_url);
      return;
    }
  cc_api_authorize (self, req->msg);
  soup_message_headers_replace (soup_message_get_request_headers (req->msg), "Accept", "application/json");
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

JsonObject *
cc_api_request_finish_object (CcApi         *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autoptr(JsonNode) node = cc_api_request_finish (self, result, NULL, NULL, error);

  if (node == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, CAU_ERROR, CAU_ERROR_INTERNAL,
                             _("The server sent an empty answer."));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_INTERNAL,
                           _("The server sent an answer Causerie does not understand."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}
