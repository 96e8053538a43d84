/* cs-test.c: the real server under test, and a client for it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"
#include "cs-test-services.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>

static const char *
server_binary (void)
{
  const char *path = g_getenv ("CAUSERIE_SERVER");

  g_assert_nonnull (path);
  return path;
}

/* ---- PostgreSQL -------------------------------------------------------- */

/* A new database in the test's private cluster (started at the first
 * call), as [storage] lines. */
static char *
postgres_storage (CsTestServer *s)
{
  s->pg_conninfo = cs_test_postgres_new_database (NULL, NULL);
  return g_strdup_printf ("[storage]\nbackend=postgresql\npostgresql=%s\n", s->pg_conninfo);
}

static char *
pg_query (CsTestServer *s,
          const char   *sql)
{
  CsTestPostgres pg = *cs_test_postgres_shared ();

  pg.conninfo = s->pg_conninfo;
  return cs_test_postgres_query (&pg, sql);
}

CsTestServer *
cs_test_server_new (const char *config_extra)
{
  CsTestServer *s = g_new0 (CsTestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *storage = cs_test_storage_is_postgresql () ? postgres_storage (s) : NULL;

  s->data_dir = g_dir_make_tmp ("causerie-test-XXXXXX", &error);
  g_assert_no_error (error);
  s->config_path = g_build_filename (s->data_dir, "server.conf", NULL);
  /* Fast password hashing keeps the suite quick; the KDF is still argon2id.
   * Every test client comes from 127.0.0.1, so the cap on connections per
   * address is out of the way unless @config_extra sets it (a group given
   * twice in a key file is one group; the last value of a key wins). */
  config = g_strdup_printf ("[security]\npassword_hash=min\n[limits]\nconnections_per_address=100000\n%s%s\n",
                            storage ? storage : "", config_extra ? config_extra : "");
  g_file_set_contents (s->config_path, config, -1, &error);
  g_assert_no_error (error);
  s->session = soup_session_new_with_options ("timeout", 30, NULL);
  cs_test_server_start (s);
  return s;
}

/* The server dies with the test, even when the test aborts: no orphan
 * keeps the test runner's output pipe open. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
cs_test_server_start (CsTestServer *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *db_dir = g_build_filename (s->data_dir, "db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  const char *p;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (s->log_path)
    {
      int fd = open (s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

      g_assert_cmpint (fd, >=, 0);
      g_subprocess_launcher_take_stderr_fd (launcher, fd);
    }
  s->process = g_subprocess_launcher_spawn (launcher, &error,
                                            server_binary (), "--data-dir", db_dir, "--config", s->config_path,
                                            "serve", "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  p = strstr (line, "listening on http://127.0.0.1:");
  g_assert_nonnull (p);
  s->port = (guint) g_ascii_strtoull (p + strlen ("listening on http://127.0.0.1:"), NULL, 10);
  g_assert_cmpuint (s->port, >, 0);
  p = strstr (line, "metrics on http://127.0.0.1:");
  s->metrics_port = p ? (guint) g_ascii_strtoull (p + strlen ("metrics on http://127.0.0.1:"), NULL, 10) : 0;
  g_free (s->base);
  s->base = g_strdup_printf ("http://127.0.0.1:%u", s->port);
}

void
cs_test_server_stop (CsTestServer *s,
                     gboolean      crash)
{
  if (s->process == NULL)
    return;
  if (crash)
    g_subprocess_force_exit (s->process);
  else
    g_subprocess_send_signal (s->process, SIGTERM);
  g_subprocess_wait (s->process, NULL, NULL);
  /* A clean stop exits 0. Under ASan, a leak found at exit or any other
   * sanitizer report in the server changes that, and fails the test
   * here (the report itself is on the test's stderr). */
  if (!crash && (!g_subprocess_get_if_exited (s->process) || g_subprocess_get_exit_status (s->process) != 0))
    {
      if (g_subprocess_get_if_signaled (s->process))
        g_error ("causerie-server stopped by signal %d, not by its SIGTERM handler",
                 g_subprocess_get_term_sig (s->process));
      g_error ("causerie-server exited with status %d after SIGTERM (a sanitizer report above?)",
               g_subprocess_get_exit_status (s->process));
    }
  g_clear_object (&s->process);
  /* Connections to the old process are gone. */
  g_clear_object (&s->session);
  s->session = soup_session_new_with_options ("timeout", 30, NULL);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
cs_test_server_free (CsTestServer *s)
{
  cs_test_server_stop (s, FALSE);
  g_clear_object (&s->session);
  rm_rf (s->data_dir);
  g_free (s->data_dir);
  g_free (s->config_path);
  g_free (s->pg_conninfo);
  g_free (s->base);
  g_free (s->log_path);
  g_free (s);
}

int
cs_test_cli (CsTestServer *s,
             const char   *password,
             char        **out_stdout,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_dir = g_build_filename (s->data_dir, "db", NULL);
  g_autofree char *input = password ? g_strdup_printf ("%s\n", password) : NULL;
  g_autofree char *input_path = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *out = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) server_binary ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, db_dir);
  g_ptr_array_add (argv, (gpointer) "--config");
  g_ptr_array_add (argv, s->config_path);
  va_start (args, out_stdout);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* The password comes from a file, not a pipe: a command that refuses its
   * arguments before reading stdin must not make the write fail (EPIPE). */
  input_path = g_build_filename (s->data_dir, "cli-input", NULL);
  g_file_set_contents (input_path, input ? input : "", -1, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_unlink (input_path);
  if (out_stdout)
    *out_stdout = g_steal_pointer (&out);
  return g_subprocess_get_exit_status (proc);
}

char *
cs_test_login (CsTestServer *s,
               const char   *tenant,
               const char   *email,
               char        **out_user_id)
{
  g_autofree char *body = g_strdup_printf ("{\"tenant\":\"%s\",\"email\":\"%s\",\"password\":\"%s\"}",
                                           tenant, email, CS_TEST_PASSWORD);
  g_autoptr(JsonObject) reply = cs_test_call (s, "POST", "/api/auth/login", NULL, body, 200);

  if (out_user_id)
    *out_user_id = g_strdup (json_object_get_string_member (json_object_get_object_member (reply, "user"), "id"));
  return g_strdup (json_object_get_string_member (reply, "token"));
}

char *
cs_test_tenant (CsTestServer *s,
                const char   *tenant,
                const char   *admin_email)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (cs_test_cli (s, CS_TEST_PASSWORD, &out, "tenant", "create", tenant,
                                "--admin-email", admin_email, "--admin-name", "Admin", NULL), ==, 0);
  return cs_test_login (s, tenant, admin_email, NULL);
}

char *
cs_test_user (CsTestServer *s,
              const char   *tenant,
              const char   *email,
              const char   *name,
              const char   *role,
              char        **out_user_id)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (cs_test_cli (s, CS_TEST_PASSWORD, &out, "user", "add", "--tenant", tenant,
                                "--email", email, "--name", name, "--role", role ? role : "member",
                                NULL), ==, 0);
  return cs_test_login (s, tenant, email, out_user_id);
}

JsonNode *
cs_test_http (CsTestServer *s,
              const char   *method,
              const char   *path,
              const char   *token,
              const char   *body,
              guint        *out_status)
{
  g_autofree char *url = g_strconcat (s->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data;

  g_assert_nonnull (msg);
  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (s->session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  data = g_bytes_get_data (reply, &len);
  if (len == 0)
    return NULL;
  if (!json_parser_load_from_data (parser, data, len, NULL))
    return json_node_init_string (json_node_alloc (), data);
  return json_node_copy (json_parser_get_root (parser));
}

JsonObject *
cs_test_call (CsTestServer *s,
              const char   *method,
              const char   *path,
              const char   *token,
              const char   *body,
              guint         expected)
{
  guint status = 0;
  g_autoptr(JsonNode) node = cs_test_http (s, method, path, token, body, &status);

  if (status != expected)
    {
      g_autofree char *text = node ? json_to_string (node, FALSE) : g_strdup ("(empty)");
      g_error ("%s %s: expected %u, got %u: %s", method, path, expected, status, text);
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

void
cs_test_ok (CsTestServer *s,
            const char   *method,
            const char   *path,
            const char   *token,
            const char   *body,
            guint         expected)
{
  JsonObject *reply = cs_test_call (s, method, path, token, body, expected);

  if (reply)
    json_object_unref (reply);
}

char *
cs_test_expect_error (CsTestServer *s,
                      const char   *method,
                      const char   *path,
                      const char   *token,
                      const char   *body,
                      guint         status,
                      const char   *code)
{
  g_autoptr(JsonObject) reply = cs_test_call (s, method, path, token, body, status);
  JsonObject *err;

  g_assert_nonnull (reply);
  err = json_object_get_object_member (reply, "error");
  g_assert_nonnull (err);
  g_assert_cmpstr (json_object_get_string_member (err, "code"), ==, code);
  g_assert_cmpuint (strlen (json_object_get_string_member (err, "message")), >, 10);
  return g_strdup (json_object_get_string_member (err, "message"));
}

char *
cs_test_metrics (CsTestServer *s)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (s->metrics_port, >, 0);
  url = g_strdup_printf ("http://127.0.0.1:%u/metrics", s->metrics_port);
  msg = soup_message_new ("GET", url);
  reply = soup_session_send_and_read (s->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  return g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

gint64
cs_test_metric_value (CsTestServer *s,
                      const char   *name)
{
  g_autofree char *text = cs_test_metrics (s);
  g_autofree char *needle = g_strdup_printf ("\n%s ", name);
  const char *p = strstr (text, needle);

  g_assert_nonnull (p);
  return g_ascii_strtoll (p + strlen (needle), NULL, 10);
}

char *
cs_test_room (CsTestServer *s,
              const char   *token,
              const char   *type,
              const char   *name,
              const char   *member_id)
{
  g_autofree char *body = member_id
    ? g_strdup_printf ("{\"type\":\"%s\",\"name\":\"%s\",\"member_ids\":[\"%s\"]}", type, name, member_id)
    : g_strdup_printf ("{\"type\":\"%s\",\"name\":\"%s\"}", type, name);
  g_autoptr(JsonObject) room = cs_test_call (s, "POST", "/api/rooms", token, body, 201);

  return g_strdup (json_object_get_string_member (room, "id"));
}

/* ---- WebSocket --------------------------------------------------------- */

static void
ws_message_cb (SoupWebsocketConnection *conn,
               gint                     type,
               GBytes                  *message,
               CsTestWs                *ws)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  g_assert_true (json_parser_load_from_data (parser, data, len, NULL));
  g_queue_push_tail (&ws->frames, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

static void
ws_closed_cb (SoupWebsocketConnection *conn,
              CsTestWs                *ws)
{
  ws->closed = TRUE;
  ws->close_code = soup_websocket_connection_get_close_code (conn);
}

static void
ws_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

CsTestWs *
cs_test_ws_connect (CsTestServer *s,
                    const char   *token)
{
  return cs_test_ws_connect_query (s, token, NULL);
}

CsTestWs *
cs_test_ws_connect_query (CsTestServer *s,
                          const char   *token,
                          const char   *query)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/api/ws%s%s", s->port,
                                          query ? "?" : "", query ? query : "");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CsTestWs *ws = g_new0 (CsTestWs, 1);

  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_session_websocket_connect_async (s->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        ws_connected_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ws->conn = soup_session_websocket_connect_finish (s->session, result, &error);
  if (ws->conn == NULL)
    {
      g_free (ws);
      return NULL;
    }
  g_queue_init (&ws->frames);
  /* The server's frame limit is what is under test, not libsoup's. */
  soup_websocket_connection_set_max_incoming_payload_size (ws->conn, 0);
  g_signal_connect (ws->conn, "message", G_CALLBACK (ws_message_cb), ws);
  g_signal_connect (ws->conn, "closed", G_CALLBACK (ws_closed_cb), ws);
  return ws;
}

void
cs_test_ws_send (CsTestWs   *ws,
                 const char *json)
{
  soup_websocket_connection_send_text (ws->conn, json);
}

static gboolean
timeout_cb (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

JsonObject *
cs_test_ws_next (CsTestWs *ws,
                 guint     timeout_ms)
{
  gboolean expired = FALSE;
  guint id;

  if (!g_queue_is_empty (&ws->frames))
    return g_queue_pop_head (&ws->frames);
  id = g_timeout_add (timeout_ms, timeout_cb, &expired);
  while (g_queue_is_empty (&ws->frames) && !expired && !ws->closed)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return g_queue_pop_head (&ws->frames);
}

JsonObject *
cs_test_ws_wait (CsTestWs   *ws,
                 const char *type,
                 guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      JsonObject *frame;

      if (left <= 0)
        return NULL;
      frame = cs_test_ws_next (ws, (guint) left);
      if (frame == NULL)
        return NULL;
      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "type", ""), type) == 0)
        return frame;
      json_object_unref (frame);
    }
}

void
cs_test_ws_expect (CsTestWs   *ws,
                   const char *type,
                   guint       timeout_ms)
{
  JsonObject *frame = cs_test_ws_wait (ws, type, timeout_ms);

  g_assert_nonnull (frame);
  json_object_unref (frame);
}

gushort
cs_test_ws_wait_closed (CsTestWs *ws,
                        guint     timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &expired);

  while (!ws->closed && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return ws->closed ? ws->close_code : 0;
}

SoupWebsocketConnection *
cs_test_ws_take (CsTestWs *ws)
{
  SoupWebsocketConnection *conn = ws->conn;

  g_signal_handlers_disconnect_by_data (conn, ws);
  g_queue_clear_full (&ws->frames, (GDestroyNotify) json_object_unref);
  g_free (ws);
  return conn;
}

void
cs_test_ws_free (CsTestWs *ws)
{
  if (ws == NULL)
    return;
  g_signal_handlers_disconnect_by_data (ws->conn, ws);
  if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  /* Dropped at once, the connection went before its close frame did, and
   * the server met a peer gone without a word (and a write to it failing).
   * The closing handshake takes a few milliseconds; a server that does
   * not answer gets a second. */
  if (soup_websocket_connection_get_state (ws->conn) != SOUP_WEBSOCKET_STATE_CLOSED)
    {
      gboolean expired = FALSE;
      guint id = g_timeout_add (1000, timeout_cb, &expired);

      while (soup_websocket_connection_get_state (ws->conn) != SOUP_WEBSOCKET_STATE_CLOSED && !expired)
        g_main_context_iteration (NULL, TRUE);
      if (!expired)
        g_source_remove (id);
    }
  g_object_unref (ws->conn);
  g_queue_clear_full (&ws->frames, (GDestroyNotify) json_object_unref);
  g_free (ws);
}

void
cs_test_team_init (CsTestTeam *t,
                   const char *config,
                   gboolean    carol)
{
  g_autoptr(JsonObject) me = NULL;

  memset (t, 0, sizeof *t);
  t->s = cs_test_server_new (config);
  t->alice = cs_test_tenant (t->s, "acme", "alice@acme.test");
  me = cs_test_call (t->s, "GET", "/api/me", t->alice, NULL, 200);
  t->alice_id = g_strdup (json_object_get_string_member (me, "id"));
  t->bob = cs_test_user (t->s, "acme", "bob@acme.test", "Bob", "member", &t->bob_id);
  if (carol)
    t->carol = cs_test_user (t->s, "acme", "carol@acme.test", "Carol", "member", &t->carol_id);
  t->room = cs_test_room (t->s, t->alice, "group", "Launch", t->bob_id);
  if (carol)
    {
      g_autofree char *path = g_strdup_printf ("/api/rooms/%s/members", t->room);
      g_autofree char *body = g_strdup_printf ("{\"user_id\":\"%s\"}", t->carol_id);
      g_autoptr(JsonObject) room = cs_test_call (t->s, "POST", path, t->alice, body, 201);
    }
}

void
cs_test_team_clear (CsTestTeam *t)
{
  g_free (t->alice); g_free (t->alice_id); g_free (t->bob); g_free (t->bob_id);
  g_free (t->carol); g_free (t->carol_id); g_free (t->room);
  cs_test_server_free (t->s);
}

GSocketConnection *
cs_test_raw_ws (CsTestServer *s,
                const char   *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, s->port);
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autofree char *req = NULL;

  g_assert_no_error (error);
  g_socket_set_option (sock, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
  g_socket_connect (sock, addr, NULL, &error);
  g_assert_no_error (error);
  req = g_strdup_printf ("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                         "Authorization: Bearer %s\r\n\r\n", token);
  g_assert_cmpint (g_socket_send (sock, req, strlen (req), NULL, &error), ==, (gssize) strlen (req));
  /* Byte by byte, so that the first frame is left for the caller. */
  g_socket_set_timeout (sock, 10);
  while (!g_str_has_suffix (answer->str, "\r\n\r\n"))
    {
      char c;

      g_assert_cmpint (g_socket_receive (sock, &c, 1, NULL, &error), ==, 1);
      g_string_append_c (answer, c);
      g_assert_cmpuint (answer->len, <, 4096);
    }
  g_socket_set_timeout (sock, 0);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 101"));
  return g_socket_connection_factory_create_connection (sock);
}

void
cs_test_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, timeout_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

char *
cs_test_printf_path (const char *format,
                     ...)
{
  va_list args;
  char *s;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  return s;
}

static sqlite3 *
db_open (CsTestServer *s)
{
  g_autofree char *path = g_build_filename (s->data_dir, "db", "causerie.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

void
cs_test_db_exec (CsTestServer *s,
                 const char   *sql)
{
  sqlite3 *db;

  if (s->pg_conninfo)
    {
      g_free (pg_query (s, sql));
      return;
    }
  db = db_open (s);
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

gint64
cs_test_db_int (CsTestServer *s,
                const char   *sql)
{
  sqlite3 *db;
  const char *next = sql;
  gint64 value = -1;

  if (s->pg_conninfo)
    {
      g_autofree char *out = pg_query (s, sql);
      const char *last = strrchr (out, '\n');

      /* psql prints each statement's rows: the last line is the last's. */
      last = last ? last + 1 : out;
      return *last ? g_ascii_strtoll (last, NULL, 10) : -1;
    }
  db = db_open (s);
  while (next && *next)
    {
      sqlite3_stmt *stmt = NULL;
      const char *tail = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, next, -1, &stmt, &tail), ==, SQLITE_OK);
      next = tail;
      if (stmt == NULL)
        continue;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return value;
}

gint64
cs_test_search_mismatches (CsTestServer *s)
{
  /* PostgreSQL searches an expression index (GIN on the bodies' text
   * vectors) it keeps itself in every transaction: there is no index of
   * ours that could disagree with the messages. */
  if (s->pg_conninfo)
    return 0;
  /* What messages_fts holds, term by term and position by position,
   * against an index built afresh from the messages as they are now. */
  return cs_test_db_int (s,
    "CREATE VIRTUAL TABLE temp.fresh USING fts5(body, tokenize='unicode61 remove_diacritics 2');"
    "INSERT INTO temp.fresh (rowid, body) SELECT seq, body FROM messages;"
    "CREATE VIRTUAL TABLE temp.have USING fts5vocab(main, messages_fts, 'instance');"
    "CREATE VIRTUAL TABLE temp.want USING fts5vocab(temp, fresh, 'instance');"
    "SELECT (SELECT COUNT(*) FROM (SELECT term, doc, offset FROM temp.have"
    "                              EXCEPT SELECT term, doc, offset FROM temp.want))"
    "     + (SELECT COUNT(*) FROM (SELECT term, doc, offset FROM temp.want"
    "                              EXCEPT SELECT term, doc, offset FROM temp.have));");
}
