/* cs-http.c: the HTTP front: body limits, routing, authentication, and
 * handing each request to the storage threads without blocking the loop.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-http"

#include "cs-server-private.h"
#include "cs-bus-redis.h"
#include "cs-api.h"
#include "cs-auth.h"
#include "cau-json.h"
#include "cs-net.h"

#include <string.h>

typedef enum {
  NONE,       /* no caller: log-in, invitation links, the landing page */
  USER,       /* a signed-in caller */
  OPTIONAL,   /* a caller if a token is given (a valid one) */
} Auth;

typedef struct {
  const char *method;
  const char *pattern;     /* segments; ":x" captures one */
  CsJobKind   kind;
  Auth        auth;
  CsHandler   handler;
  gboolean    upload;      /* the body is a file: streamed to disk (cs-http-files.c) */
  gboolean    head;        /* HEAD is answered too: a GET of a file, without the bytes */
} Route;

static const Route routes[] = {
  { "POST",   "/api/auth/login",                  CS_JOB_SLOW,  NONE,  cs_api_login },
  { "POST",   "/api/auth/logout",                 CS_JOB_WRITE, USER,  cs_api_logout },
  { "GET",    "/api/me",                          CS_JOB_READ,  USER,  cs_api_me_get },
  { "PATCH",  "/api/me",                          CS_JOB_WRITE, USER,  cs_api_me_patch },
  { "DELETE", "/api/me",                          CS_JOB_SLOW,  USER,  cs_api_me_delete },
  { "GET",    "/api/me/export",                   CS_JOB_READ,  USER,  cs_api_me_export },
  { "GET",    "/api/users",                       CS_JOB_READ,  USER,  cs_api_users_list },
  { "POST",   "/api/admin/users",                 CS_JOB_SLOW,  USER,  cs_api_admin_users_create },
  { "PATCH",  "/api/admin/users/:id",             CS_JOB_SLOW,  USER,  cs_api_admin_users_patch },
  { "POST",   "/api/admin/agents",                CS_JOB_WRITE, USER,  cs_api_agents_create },
  { "GET",    "/api/admin/agents",                CS_JOB_READ,  USER,  cs_api_agents_list },
  { "PATCH",  "/api/admin/agents/:id",            CS_JOB_WRITE, USER,  cs_api_agent_patch },
  { "DELETE", "/api/admin/agents/:id",            CS_JOB_WRITE, USER,  cs_api_agent_delete },
  { "GET",    "/api/admin/contact-policy",        CS_JOB_READ,  USER,  cs_api_admin_policy_get },
  { "PUT",    "/api/admin/contact-policy",        CS_JOB_WRITE, USER,  cs_api_admin_policy_put },
  { "GET",    "/api/contact-policy",              CS_JOB_READ,  USER,  cs_api_policy_get },
  { "GET",    "/api/admin/audit",                 CS_JOB_READ,  USER,  cs_api_admin_audit },
  { "GET",    "/api/admin/retention",             CS_JOB_READ,  USER,  cs_api_retention_get },
  { "PUT",    "/api/admin/retention",             CS_JOB_WRITE, USER,  cs_api_retention_put },
  { "PUT",    "/api/admin/retention/rooms/:id",   CS_JOB_WRITE, USER,  cs_api_retention_room_put },
  { "GET",    "/api/presence",                    CS_JOB_READ,  USER,  cs_api_presence },
  { "POST",   "/api/rooms",                       CS_JOB_WRITE, USER,  cs_api_rooms_create },
  { "GET",    "/api/rooms",                       CS_JOB_READ,  USER,  cs_api_rooms_list },
  { "POST",   "/api/rooms/direct",                CS_JOB_WRITE, USER,  cs_api_rooms_direct },
  { "GET",    "/api/rooms/discover",              CS_JOB_READ,  USER,  cs_api_rooms_discover },
  { "GET",    "/api/rooms/:id",                   CS_JOB_READ,  USER,  cs_api_room_get },
  { "PATCH",  "/api/rooms/:id",                   CS_JOB_WRITE, USER,  cs_api_room_patch },
  { "POST",   "/api/rooms/:id/join",              CS_JOB_WRITE, USER,  cs_api_room_join },
  { "PATCH",  "/api/rooms/:id/settings",          CS_JOB_WRITE, USER,  cs_api_room_settings },
  { "GET",    "/api/rooms/:id/members",           CS_JOB_READ,  USER,  cs_api_members_list },
  { "POST",   "/api/rooms/:id/members",           CS_JOB_WRITE, USER,  cs_api_members_add },
  { "PATCH",  "/api/rooms/:id/members/:uid",      CS_JOB_WRITE, USER,  cs_api_member_patch },
  { "DELETE", "/api/rooms/:id/members/:uid",      CS_JOB_WRITE, USER,  cs_api_member_delete },
  { "GET",    "/api/rooms/:id/messages",          CS_JOB_READ,  USER,  cs_api_messages_list },
  { "POST",   "/api/rooms/:id/messages",          CS_JOB_WRITE, USER,  cs_api_messages_post },
  { "POST",   "/api/rooms/:id/read",              CS_JOB_WRITE, USER,  cs_api_room_read },
  { "PATCH",  "/api/messages/:id",                CS_JOB_WRITE, USER,  cs_api_message_patch },
  { "DELETE", "/api/messages/:id",                CS_JOB_WRITE, USER,  cs_api_message_delete },
  { "PUT",    "/api/messages/:id/reactions/:emoji", CS_JOB_WRITE, USER, cs_api_reaction_put },
  { "DELETE", "/api/messages/:id/reactions/:emoji", CS_JOB_WRITE, USER, cs_api_reaction_delete },
  { "GET",    "/api/rooms/:id/receipts",          CS_JOB_READ,  USER,  cs_api_receipts_list },
  { "GET",    "/api/search",                      CS_JOB_READ,  USER,  cs_api_search },
  { "GET",    "/api/context/:type/*id",           CS_JOB_READ,  USER,  cs_api_context_get },
  { "GET",    "/api/notifications",               CS_JOB_READ,  USER,  cs_api_notifications_list },
  { "POST",   "/api/notifications/read-all",      CS_JOB_WRITE, USER,  cs_api_notifications_read_all },
  { "POST",   "/api/notifications/:id/read",      CS_JOB_WRITE, USER,  cs_api_notification_read },
  { "POST",   "/api/rooms/:id/invitations",       CS_JOB_WRITE, USER,  cs_api_invitations_create },
  { "GET",    "/api/rooms/:id/invitations",       CS_JOB_READ,  USER,  cs_api_invitations_list },
  { "DELETE", "/api/invitations/:id",             CS_JOB_WRITE, USER,  cs_api_invitation_revoke },
  { "GET",    "/api/me/invitations",              CS_JOB_READ,  USER,  cs_api_me_invitations },
  { "GET",    "/api/invitations/:token",          CS_JOB_READ,  NONE,  cs_api_invitation_lookup },
  { "POST",   "/api/invitations/:token/accept",   CS_JOB_SLOW,  OPTIONAL, cs_api_invitation_accept },
  { "POST",   "/api/invitations/:token/decline",  CS_JOB_WRITE, NONE,  cs_api_invitation_decline },
  { "GET",    "/invite/:token",                   CS_JOB_READ,  NONE,  cs_api_invite_page },
  { "POST",   "/api/rooms/:id/attachments",       CS_JOB_FILE,  USER,  cs_api_attachment_upload, TRUE },
  { "GET",    "/api/attachments/:id",             CS_JOB_READ,  USER,  cs_api_attachment_get, FALSE, TRUE },
  { "GET",    "/api/attachments/:id/thumbnail",   CS_JOB_READ,  USER,  cs_api_attachment_thumbnail, FALSE, TRUE },
};

typedef struct {
  GByteArray *body;
  gboolean    too_large;
  gboolean    finished;
  CsServer   *server;
  gint64      started;      /* when the headers were in (monotonic µs) */
  CsRouteClass route_class;
} Pending;

static const char *
status_phrase (guint status)
{
  return soup_status_get_phrase (status);
}

static void
set_json (SoupServerMessage *msg,
          guint              status,
          const char        *json)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status (msg, status, status_phrase (status));
  if (json)
    soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                      json, strlen (json));
}

static void
set_error (SoupServerMessage *msg,
           CauErrorCode       code,
           const char        *message)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *err = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (err, "code", cau_error_code_to_string (code));
  json_object_set_string_member (err, "message", message);
  json_object_set_object_member (root, "error", err);
  text = cau_json_object_to_string (root);
  set_json (msg, cau_error_code_to_status (code), text);
}

static void
count_status (CsServer *server,
              guint     status)
{
  cs_metrics_count_status (&server->metrics, status);
}

void
cs_http_set_error (CsServer          *server,
                   SoupServerMessage *msg,
                   CauErrorCode       code,
                   const char        *message)
{
  set_error (msg, code, message);
  if (server)
    count_status (server, cau_error_code_to_status (code));
}

void
cs_http_set_too_large (CsServer          *server,
                       SoupServerMessage *msg,
                       gint64             max)
{
  g_autofree char *size = g_format_size_full ((guint64) max, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *text = g_strdup_printf ("The request body is larger than the %s allowed.", size);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  cs_http_set_error (server, msg, CAU_ERROR_PAYLOAD_TOO_LARGE, text);
}

/* Splits @path and matches it against @pattern, filling @params. */
static gboolean
match_path (const char  *pattern,
            char       **segments,
            GPtrArray   *params)
{
  g_auto(GStrv) parts = g_strsplit (pattern + 1, "/", -1);
  guint i;

  for (i = 0; parts[i]; i++)
    {
      if (segments[i] == NULL || segments[i][0] == '\0')
        return FALSE;
      /* "*name" last takes the rest of the path: libsoup decodes the path
       * before us, so an id holding an encoded "/" (an invoice "2026/7")
       * arrives as several segments. */
      if (parts[i][0] == '*' && parts[i + 1] == NULL)
        {
          g_ptr_array_add (params, g_strjoinv ("/", segments + i));
          return TRUE;
        }
      if (parts[i][0] == ':')
        g_ptr_array_add (params, g_strdup (segments[i]));
      else if (strcmp (parts[i], segments[i]) != 0)
        return FALSE;
    }
  return segments[i] == NULL;
}

static const Route *
find_route (const char *method,
            const char *path,
            GPtrArray  *params,
            gboolean   *path_known)
{
  g_auto(GStrv) segments = g_strsplit (path + 1, "/", -1);

  *path_known = FALSE;
  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    {
      g_ptr_array_set_size (params, 0);
      if (!match_path (routes[r].pattern, segments, params))
        continue;
      *path_known = TRUE;
      if (strcmp (routes[r].method, method) == 0 ||
          (routes[r].head && strcmp (method, "HEAD") == 0))
        return &routes[r];
    }
  return NULL;
}

/* The client's address: the peer's, or the one a trusted proxy names. */
static char *
client_address (CsServer          *server,
                SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("");
  return cs_net_client_address (server->config->trusted_proxies,
                                g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)),
                                soup_message_headers_get_list (headers, "X-Forwarded-For"),
                                soup_message_headers_get_one (headers, "X-Real-IP"));
}

/* The client address for the audit log and per-address limits, found once
 * when the headers came in. */
static char *
remote_ip (SoupServerMessage *msg)
{
  const char *ip = g_object_get_data (G_OBJECT (msg), "cs-client-ip");

  return g_strdup (ip ? ip : "");
}

static void
set_route_class (SoupServerMessage *msg,
                 CsRouteClass       route_class)
{
  Pending *pending = g_object_get_data (G_OBJECT (msg), "cs-pending");

  if (pending)
    pending->route_class = route_class;
}

static const char *
request_token (SoupServerMessage *msg,
               GHashTable        *query,
               gboolean           allow_query_token)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    return header + 7;
  if (allow_query_token && query)
    return g_hash_table_lookup (query, "access_token");
  return NULL;
}

/* Authenticates a request from the table of live sessions in memory (no
 * disk): CS_SESSION_FOUND. A token of the right shape that memory does
 * not hold is looked up in the store (another node may have opened it
 * since this one started): CS_SESSION_PENDING, @msg paused until @func;
 * or at once CS_SESSION_NONE or CS_SESSION_BUSY (cs-http-sessions.c). */
static CsSessionResult
authenticate_or_find (CsServer           *server,
                      SoupServerMessage  *msg,
                      GHashTable         *query,
                      gboolean            allow_query_token,
                      CsSessionInfo      *info,
                      char              **out_hash,
                      CsSessionFoundFunc  func)
{
  g_autofree char *hash = cs_auth_hash_token (request_token (msg, query, allow_query_token));
  g_autofree char *ip = NULL;

  if (hash == NULL)
    return CS_SESSION_NONE;
  if (cs_sessions_lookup (server->sessions, hash, info))
    {
      *out_hash = g_steal_pointer (&hash);
      return CS_SESSION_FOUND;
    }
  ip = remote_ip (msg);
  return cs_session_finder_find (server->finder, msg, hash, ip, func);
}

static void
set_session_error (CsServer          *server,
                   SoupServerMessage *msg,
                   CsSessionResult    result)
{
  if (result == CS_SESSION_BUSY)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      cs_http_set_error (server, msg, CAU_ERROR_UNAVAILABLE,
                         "The server cannot check sign-ins right now. Try again in a moment.");
      return;
    }
  cs_http_set_error (server, msg, CAU_ERROR_UNAUTHORIZED, "Sign in first: the token is missing, expired or revoked.");
}

/* Whether the client of a paused message went away meanwhile. */
static gboolean
message_gone (SoupServerMessage *msg)
{
  Pending *pending = g_object_get_data (G_OBJECT (msg), "cs-pending");

  return pending == NULL || pending->finished;
}

static void
job_done (CsCtx   *ctx,
          gpointer data)
{
  SoupServerMessage *msg = data;
  CsServer *server = g_object_get_data (G_OBJECT (msg), "cs-server");
  Pending *pending = g_object_get_data (G_OBJECT (msg), "cs-pending");

  cs_bus_publish_after (server->bus, ctx);
  for (guint i = 0; ctx->after && i < ctx->after->len; i++)
    {
      CsAfter *a = g_ptr_array_index (ctx->after, i);

      if (a->kind == CS_AFTER_STATUS_TEXT)
        cs_hub_status_text_changed (server->hub, ctx->tenant_id, ctx->user_id, a->arg);
    }
  if (pending->finished)
    {
      g_object_unref (msg);
      return;
    }
  if (ctx->error)
    {
      if (ctx->retry_after)
        {
          g_autofree char *secs = g_strdup_printf ("%u", ctx->retry_after);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", secs);
        }
      set_error (msg, ctx->error->code, ctx->error->message);
    }
  else if (ctx->text)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      /* Pages may carry secrets in their address (an invitation token):
       * no caching, no referrer, and nothing active in them. */
      soup_message_headers_replace (headers, "Cache-Control", "no-store");
      soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
      soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
      soup_message_headers_replace (headers, "Content-Security-Policy",
                                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      soup_server_message_set_status (msg, ctx->status ? ctx->status : 200, NULL);
      soup_server_message_set_response (msg, ctx->content_type, SOUP_MEMORY_COPY, ctx->text, strlen (ctx->text));
    }
  else if (ctx->file)
    cs_http_send_file (server, msg, ctx);
  else if (ctx->result)
    {
      g_autofree char *text = cau_json_to_string (ctx->result);
      set_json (msg, ctx->status ? ctx->status : 200, text);
    }
  else
    set_json (msg, ctx->status ? ctx->status : 204, NULL);
  count_status (server, soup_server_message_get_status (msg));
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     Pending           *pending)
{
  pending->finished = TRUE;
  cs_metrics_observe (&pending->server->metrics, pending->route_class,
                      (g_get_monotonic_time () - pending->started) / (double) G_USEC_PER_SEC);
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_clear_pointer (&p->body, g_byte_array_unref);
  g_free (p);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           data)
{
  CsServer *server = data;
  Pending *p = g_object_get_data (G_OBJECT (msg), "cs-pending");
  gsize size = g_bytes_get_size (chunk);

  if (p->too_large)
    return;
  if (p->body->len + size > server->config->json_body_max)
    {
      /* Stop keeping the body the moment it passes the limit. */
      p->too_large = TRUE;
      g_byte_array_set_size (p->body, 0);
      return;
    }
  g_byte_array_append (p->body, g_bytes_get_data (chunk, NULL), size);
}

static gboolean
is_upload (const char *method,
           const char *path)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  gboolean path_known;
  const Route *route;

  /* Most requests are not uploads: no routing for those here. */
  if (strcmp (method, "POST") != 0 || !g_str_has_suffix (path, "/attachments"))
    return FALSE;
  route = find_route (method, path, params, &path_known);
  return route && route->upload;
}

static void
upload_session_cb (CsServer          *server,
                   SoupServerMessage *msg,
                   const char        *hash,
                   CsSessionInfo     *info,
                   CsSessionResult    result)
{
  if (message_gone (msg))
    return;
  if (result == CS_SESSION_FOUND)
    cs_http_upload_start (server, msg);
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      set_session_error (server, msg, result);
    }
  soup_server_message_unpause (msg);
}

/* A file upload: the caller is checked before a byte is stored (from
 * memory, or a look-up in the store while the upload waits), then the
 * body goes to a file. */
static void
early_upload (CsServer          *server,
              SoupServerMessage *msg)
{
  CsSessionInfo info = { 0 };
  g_autofree char *hash = NULL;
  CsSessionResult result = authenticate_or_find (server, msg, NULL, FALSE, &info, &hash, upload_session_cb);

  if (result == CS_SESSION_PENDING)
    return;
  if (result != CS_SESSION_FOUND)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      set_session_error (server, msg, result);
      return;
    }
  cs_session_info_clear (&info);
  cs_http_upload_start (server, msg);
}

/* Runs when the headers are in: refuse an announced oversize body before
 * reading it, and keep the body ourselves so that memory stays bounded. */
static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  CsServer *server = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  Pending *pending = g_new0 (Pending, 1);
  char *ip = client_address (server, msg);

  pending->body = g_byte_array_new ();
  pending->server = server;
  pending->started = g_get_monotonic_time ();
  pending->route_class = CS_ROUTE_OTHER;
  g_object_set_data_full (G_OBJECT (msg), "cs-pending", pending, pending_free);
  g_object_set_data_full (G_OBJECT (msg), "cs-client-ip", ip, g_free);
  if (server->access_log)
    cs_access_log_watch (server->access_log, msg, ip);

  /* Every response says the connection closes, because it does: libsoup
   * keeps a connection alive only for its own listeners, and ours hands
   * it connections (cs-listener.c). (libsoup before 3.3 also never
   * noticed a client closing an idle keep-alive connection.) A successful
   * WebSocket handshake takes this back (handle_websocket). */
  if (server->close_after_response)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), pending);

  /* Even a body refused here is still read by libsoup (to keep the
   * connection in step): it must not pile up in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);

  /* Behind a proxy, the cap on connections per address counts the client
   * it names, for as long as this request (or WebSocket) lasts. */
  if (cs_listener_is_proxied (server->listener, msg) && !cs_listener_claim (server->listener, msg, ip))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "10");
      set_error (msg, CAU_ERROR_RATE_LIMITED, "Too many connections from your address: close some, then try again.");
      count_status (server, 429);
      return;
    }

  if (is_upload (soup_server_message_get_method (msg), path))
    {
      early_upload (server, msg);
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > (goffset) server->config->json_body_max)
    {
      g_autofree char *text = g_strdup_printf ("The request body is larger than the %" G_GSIZE_FORMAT " bytes allowed.",
                                               server->config->json_body_max);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      set_error (msg, CAU_ERROR_PAYLOAD_TOO_LARGE, text);
      count_status (server, 413);
      return;
    }
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), server);
}

static void
websocket_upgraded_cb (SoupServerMessage *msg,
                       gpointer           data)
{
  CsServer *server = data;
  Pending *pending = g_object_get_data (G_OBJECT (msg), "cs-pending");
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GHashTable) query = NULL;
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));

  /* A stolen connection never reports "finished": the handshake ends here. */
  if (pending)
    cs_metrics_observe (&server->metrics, CS_ROUTE_WEBSOCKET,
                        (g_get_monotonic_time () - pending->started) / (double) G_USEC_PER_SEC);
  if (raw)
    query = g_uri_parse_params (raw, -1, "&", G_URI_PARAMS_NONE, NULL);
  stream = soup_server_message_steal_connection (msg);
  cs_hub_accept (server->hub, stream,
                 g_object_get_data (G_OBJECT (msg), "cs-user"),
                 g_object_get_data (G_OBJECT (msg), "cs-tenant"),
                 g_object_get_data (G_OBJECT (msg), "cs-token"),
                 g_object_get_data (G_OBJECT (msg), "cs-ip"),
                 query ? g_hash_table_lookup (query, "since") : NULL);
}

static gboolean
origin_allowed (CsServer   *server,
                const char *origin)
{
  g_autoptr(GUri) pub = NULL;
  g_autoptr(GUri) got = NULL;
  int pub_port, got_port;

  if (origin == NULL)
    return TRUE;   /* native clients send none */
  pub = g_uri_parse (cs_config_get_public_url (server->config), G_URI_FLAGS_NONE, NULL);
  got = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  if (pub == NULL || got == NULL)
    return FALSE;
  pub_port = g_uri_get_port (pub) > 0 ? g_uri_get_port (pub) : (g_str_equal (g_uri_get_scheme (pub), "https") ? 443 : 80);
  got_port = g_uri_get_port (got) > 0 ? g_uri_get_port (got) : (g_str_equal (g_uri_get_scheme (got), "https") ? 443 : 80);
  return g_ascii_strcasecmp (g_uri_get_scheme (pub), g_uri_get_scheme (got)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (pub), g_uri_get_host (got)) == 0 &&
         pub_port == got_port;
}

/* The caller is known: the handshake. */
static void
websocket_accept (CsServer          *server,
                  SoupServerMessage *msg,
                  CsSessionInfo     *info,
                  const char        *hash)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  /* The handshake appends "Connection: Upgrade". */
  soup_message_headers_remove (response, "Connection");
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    {
      soup_message_headers_replace (response, "Connection", "close");
      if (soup_server_message_get_status (msg) == 0)
        set_error (msg, CAU_ERROR_BAD_REQUEST, "This endpoint only speaks WebSocket.");
      count_status (server, 400);
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), "cs-user", g_steal_pointer (&info->user_id), g_free);
  g_object_set_data_full (G_OBJECT (msg), "cs-tenant", g_steal_pointer (&info->tenant_id), g_free);
  g_object_set_data_full (G_OBJECT (msg), "cs-token", g_strdup (hash), g_free);
  g_object_set_data_full (G_OBJECT (msg), "cs-ip", remote_ip (msg), g_free);
  g_signal_connect (msg, "wrote-informational", G_CALLBACK (websocket_upgraded_cb), server);
  count_status (server, 101);
}

static void
websocket_session_cb (CsServer          *server,
                      SoupServerMessage *msg,
                      const char        *hash,
                      CsSessionInfo     *info,
                      CsSessionResult    result)
{
  if (message_gone (msg))
    return;
  if (result == CS_SESSION_FOUND)
    websocket_accept (server, msg, info, hash);
  else
    set_session_error (server, msg, result);
  soup_server_message_unpause (msg);
}

static void
handle_websocket (CsServer          *server,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  CsSessionInfo info = { 0 };
  g_autofree char *hash = NULL;
  const char *origin = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin");
  CsSessionResult result;

  /* A refused upgrade keeps "Connection: close" (early_cb) and the
   * connection closes after it: a WebSocket client waits for that close
   * (Python's websockets for 10 s) before it reports the refusal. */
  set_route_class (msg, CS_ROUTE_WEBSOCKET);
  if (!origin_allowed (server, origin))
    {
      set_error (msg, CAU_ERROR_FORBIDDEN, "This origin may not open a WebSocket on this server.");
      count_status (server, 403);
      return;
    }
  result = authenticate_or_find (server, msg, query, TRUE, &info, &hash, websocket_session_cb);
  if (result == CS_SESSION_PENDING)
    return;
  if (result == CS_SESSION_FOUND)
    websocket_accept (server, msg, &info, hash);
  else
    set_session_error (server, msg, result);
  cs_session_info_clear (&info);
}

/* @msg is paused; job_done answers and unpauses it. */
static void
submit_job (CsServer          *server,
            SoupServerMessage *msg,
            const Route       *route,
            CsCtx             *ctx)
{
  g_object_set_data (G_OBJECT (msg), "cs-server", server);
  cs_store_submit (server->store, route->kind, route->handler, ctx, job_done, g_object_ref (msg));
}

static void
route_session_cb (CsServer          *server,
                  SoupServerMessage *msg,
                  const char        *hash,
                  CsSessionInfo     *info,
                  CsSessionResult    result)
{
  const Route *route = g_object_get_data (G_OBJECT (msg), "cs-route");
  CsCtx *ctx = g_object_steal_data (G_OBJECT (msg), "cs-ctx");

  if (message_gone (msg))
    {
      cs_ctx_free (ctx);
      return;
    }
  if (result != CS_SESSION_FOUND)
    {
      set_session_error (server, msg, result);
      cs_ctx_free (ctx);
      soup_server_message_unpause (msg);
      return;
    }
  ctx->token_hash = g_strdup (hash);
  ctx->user_id = g_steal_pointer (&info->user_id);
  ctx->tenant_id = g_steal_pointer (&info->tenant_id);
  submit_job (server, msg, route, ctx);
}

static void
handle_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  CsServer *server = data;
  Pending *pending = g_object_get_data (G_OBJECT (msg), "cs-pending");
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  const Route *route;
  gboolean path_known;
  CsCtx *ctx;

  if (pending && pending->too_large)
    {
      g_autofree char *text = g_strdup_printf ("The request body is larger than the %" G_GSIZE_FORMAT " bytes allowed.",
                                               server->config->json_body_max);
      set_error (msg, CAU_ERROR_PAYLOAD_TOO_LARGE, text);
      count_status (server, 413);
      return;
    }
  if (strcmp (path, "/healthz") == 0 && strcmp (method, "GET") == 0)
    {
      set_route_class (msg, CS_ROUTE_HEALTH);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC, "ok\n", 3);
      count_status (server, 200);
      return;
    }
  if (strcmp (path, "/api/ws") == 0 && strcmp (method, "GET") == 0)
    {
      handle_websocket (server, msg, query);
      return;
    }

  route = find_route (method, path, params, &path_known);
  if (route == NULL)
    {
      if (path_known)
        {
          set_error (msg, CAU_ERROR_BAD_REQUEST, "This method is not allowed here.");
          soup_server_message_set_status (msg, 405, NULL);
          count_status (server, 405);
        }
      else
        {
          set_error (msg, CAU_ERROR_NOT_FOUND, "There is nothing at this address.");
          count_status (server, 404);
        }
      return;
    }

  set_route_class (msg, route->upload ? CS_ROUTE_FILE :
                       route->kind == CS_JOB_READ ? CS_ROUTE_READ :
                       route->kind == CS_JOB_WRITE ? CS_ROUTE_WRITE : CS_ROUTE_SLOW);
  ctx = cs_server_new_ctx (server);
  ctx->method = g_strdup (method);
  g_ptr_array_add (params, NULL);
  ctx->params = (char **) g_ptr_array_steal (params, NULL);
  if (query)
    ctx->query = g_hash_table_ref (query);
  ctx->ip = remote_ip (msg);
  if (pending && pending->body->len > 0)
    ctx->body = g_bytes_new (pending->body->data, pending->body->len);
  if (route->upload && (ctx->input = cs_http_upload_finish (server, msg)) == NULL)
    {
      cs_ctx_free (ctx);
      return;
    }

  if (route->auth == USER ||
      (route->auth == OPTIONAL &&
       soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization")))
    {
      CsSessionInfo info = { 0 };
      CsSessionResult result;

      /* Until the look-up answers, the route and the job's context wait
       * on the message. */
      g_object_set_data (G_OBJECT (msg), "cs-route", (gpointer) route);
      g_object_set_data_full (G_OBJECT (msg), "cs-ctx", ctx, (GDestroyNotify) cs_ctx_free);
      result = authenticate_or_find (server, msg, NULL, FALSE, &info, &ctx->token_hash, route_session_cb);
      if (result == CS_SESSION_PENDING)
        return;
      g_object_steal_data (G_OBJECT (msg), "cs-ctx");
      if (result != CS_SESSION_FOUND)
        {
          set_session_error (server, msg, result);
          cs_ctx_free (ctx);
          return;
        }
      ctx->user_id = g_steal_pointer (&info.user_id);
      ctx->tenant_id = g_steal_pointer (&info.tenant_id);
    }

  soup_server_message_pause (msg);
  submit_job (server, msg, route, ctx);
}

/* The connections, request latencies and the process. */
static void
append_edge_metrics (CsServer *server,
                             GString  *s)
{
  CsListenerStats stats;

  cs_listener_get_stats (server->listener, &stats);
  g_string_append_printf (s,
    "# HELP causerie_http_connections Connections open, WebSockets included.\n"
    "# TYPE causerie_http_connections gauge\n"
    "causerie_http_connections %u\n"
    "# TYPE causerie_http_connections_accepted_total counter\n"
    "causerie_http_connections_accepted_total %" G_GUINT64_FORMAT "\n"
    "# HELP causerie_http_connections_refused_total Refused: the client address held connections_per_address.\n"
    "# TYPE causerie_http_connections_refused_total counter\n"
    "causerie_http_connections_refused_total %" G_GUINT64_FORMAT "\n"
    "# HELP causerie_http_connections_timed_out_total Closed: headers later than header_timeout_seconds, or a body paused body_timeout_seconds.\n"
    "# TYPE causerie_http_connections_timed_out_total counter\n"
    "causerie_http_connections_timed_out_total %" G_GUINT64_FORMAT "\n",
    stats.open, stats.accepted, stats.refused, stats.timed_out);
  cs_metrics_append_latency (s, server->metrics.latency);
  cs_metrics_append_process (s);
}

char *
cs_http_metrics_text (CsServer *server)
{
  GString *s = g_string_new (NULL);
  CsStoreStats stats;
  CsMetrics *m = &server->metrics;

  cs_store_get_stats (server->store, &stats);
  g_string_append (s, "# HELP causerie_http_requests_total HTTP requests answered, by status class.\n"
                      "# TYPE causerie_http_requests_total counter\n");
  for (guint c = 1; c <= 5; c++)
    g_string_append_printf (s, "causerie_http_requests_total{class=\"%uxx\"} %" G_GUINT64_FORMAT "\n",
                            c, m->http_requests[c]);
  g_string_append_printf (s,
    "# HELP causerie_ws_connections Open WebSocket connections.\n"
    "# TYPE causerie_ws_connections gauge\n"
    "causerie_ws_connections %u\n"
    "# TYPE causerie_ws_accepted_total counter\n"
    "causerie_ws_accepted_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_ws_frames_received_total counter\n"
    "causerie_ws_frames_received_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_ws_bad_frames_total counter\n"
    "causerie_ws_bad_frames_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_ws_slow_closed_total counter\n"
    "causerie_ws_slow_closed_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_deliveries_total counter\n"
    "causerie_deliveries_total %" G_GUINT64_FORMAT "\n"
    "# HELP causerie_ws_ring_writes_total Socket writes of fan-outs submitted together through io_uring ([websocket] io_uring).\n"
    "# TYPE causerie_ws_ring_writes_total counter\n"
    "causerie_ws_ring_writes_total %" G_GUINT64_FORMAT "\n"
    "# HELP causerie_db_commits_total Group commits of the writer thread.\n"
    "# TYPE causerie_db_commits_total counter\n"
    "causerie_db_commits_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_db_writes_total counter\n"
    "causerie_db_writes_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_db_failed_commits_total counter\n"
    "causerie_db_failed_commits_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_events_total counter\n"
    "causerie_events_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_db_write_queue gauge\n"
    "causerie_db_write_queue %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_event_seq gauge\n"
    "causerie_event_seq %" G_GINT64_FORMAT "\n"
    "# HELP causerie_upload_bytes_total Bytes of file uploads received in full (before sniffing).\n"
    "# TYPE causerie_upload_bytes_total counter\n"
    "causerie_upload_bytes_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_uploads_too_large_total counter\n"
    "causerie_uploads_too_large_total %" G_GUINT64_FORMAT "\n"
    "# TYPE causerie_downloads_total counter\n"
    "causerie_downloads_total %" G_GUINT64_FORMAT "\n",
    cs_hub_n_connections (server->hub), cs_metrics_get (m, CS_COUNT_WS_ACCEPTED),
    cs_metrics_get (m, CS_COUNT_WS_FRAMES_IN), cs_metrics_get (m, CS_COUNT_WS_BAD_FRAMES),
    cs_metrics_get (m, CS_COUNT_WS_SLOW_CLOSED), cs_metrics_get (m, CS_COUNT_DELIVERIES),
    cs_metrics_get (m, CS_COUNT_WS_RING_WRITES),
    stats.commits, stats.jobs, stats.failed_commits,
    stats.events, stats.queued, cs_store_head_seq (server->store),
    cs_metrics_get (m, CS_COUNT_UPLOAD_BYTES), cs_metrics_get (m, CS_COUNT_UPLOADS_TOO_LARGE),
    cs_metrics_get (m, CS_COUNT_DOWNLOADS));
  append_edge_metrics (server, s);
  cs_session_finder_append_metrics (server->finder, s);
  if (server->config->bus_redis)
    cs_bus_redis_append_metrics (server->bus, s);
  return g_string_free (s, FALSE);
}

void
cs_http_setup (CsServer *server)
{
  server->close_after_response = TRUE;
  soup_server_add_early_handler (server->soup, NULL, early_cb, server, NULL);
  soup_server_add_handler (server->soup, NULL, handle_cb, server, NULL);
}

static void
metrics_cb (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  CsServer *server = data;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  if (strcmp (path, "/metrics") == 0 && strcmp (soup_server_message_get_method (msg), "GET") == 0)
    {
      char *text = cs_http_metrics_text (server);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE,
                                        text, strlen (text));
      return;
    }
  set_error (msg, CAU_ERROR_NOT_FOUND, "There is nothing at this address; the metrics are at /metrics.");
}

void
cs_http_setup_metrics (CsServer *server)
{
  soup_server_add_handler (server->metrics_soup, NULL, metrics_cb, server, NULL);
}
