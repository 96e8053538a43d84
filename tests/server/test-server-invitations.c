/* test-server-invitations.c: email invitations on the real server: the
 * whole flow, every refusal, the outbox default, real SMTP delivery to a
 * loopback server, retries, and the landing page's escaping.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <string.h>

static const char *
str (JsonObject *o, const char *m)
{
  return json_object_get_string_member (o, m);
}

static char *
token_of (JsonObject *invitation)
{
  const char *link = str (invitation, "link");

  g_assert_nonnull (link);
  return g_strdup (strrchr (link, '/') + 1);
}

static JsonObject *
invite (CsTestServer *s, const char *token, const char *room, const char *email, guint status)
{
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/invitations", room);
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"message\":\"Welcome <b>aboard</b> & more\"}", email);

  return cs_test_call (s, "POST", path, token, body, status);
}

/* Waits for a file to appear in @dir (the outbox, or a maildir's new/). */
static char *
wait_for_file (const char *dir, guint timeout_ms)
{
  for (guint waited = 0; waited < timeout_ms; waited += 100)
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name = NULL;

      /* The outbox's mail is written beside it first (NAME.eml.XXXXXX)
       * and renamed: only a whole .eml counts. A maildir's new/ only ever
       * holds whole files. */
      while (d && (name = g_dir_read_name (d)) != NULL &&
             !g_str_has_suffix (name, ".eml") && !g_str_has_suffix (dir, "new"))
        ;
      if (name)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          char *text = NULL;

          g_file_get_contents (path, &text, NULL, NULL);
          return text;
        }
      cs_test_spin (100);
    }
  return NULL;
}

/* The text part of a mail, decoded. */
static char *
mail_text (const char *mail)
{
  const char *p = strstr (mail, "Content-Type: text/plain");
  const char *start, *end;
  g_autofree char *b64 = NULL;
  gsize len;

  g_assert_nonnull (p);
  /* Headers end at a blank line; a mailbox may have turned CRLF into LF. */
  start = strstr (p, "\r\n\r\n") ? strstr (p, "\r\n\r\n") + 4 : strstr (p, "\n\n");
  g_assert_nonnull (start);
  if (start[0] == '\n')
    start += 2;
  end = strstr (start, "--causerie-");
  b64 = g_strndup (start, end - start);
  return (char *) g_base64_decode (b64, &len);
}

static void
test_flow_and_outbox (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *owner = cs_test_tenant (s, "acme", "owner@acme.test");
  g_autofree char *room = cs_test_room (s, owner, "project", "Launch <script>alert(1)</script> & \\\"Co\\\"", NULL);
  g_autoptr(JsonObject) inv = invite (s, owner, room, "Nora@Example.COM", 201);
  g_autofree char *token = token_of (inv);
  g_autofree char *outbox = g_build_filename (s->data_dir, "db", "outbox", NULL);
  g_autofree char *mail = wait_for_file (outbox, 10000);
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) info = NULL, accepted = NULL, me = NULL, list = NULL, audit = NULL;
  g_autoptr(JsonNode) page = NULL;
  guint status;

  g_assert_cmpstr (str (inv, "email"), ==, "nora@example.com");
  g_assert_cmpstr (str (inv, "status"), ==, "pending");
  g_assert_cmpuint (strlen (token), >=, 22);   /* at least 128 bits */

  /* The embedded default writes the mail into the outbox. */
  g_assert_nonnull (mail);
  g_assert_nonnull (strstr (mail, "To: <nora@example.com>"));
  text = mail_text (mail);
  g_assert_nonnull (strstr (text, str (inv, "link")));
  g_assert_nonnull (strstr (text, "Welcome <b>aboard</b> & more"));

  /* Anyone with the link sees what it is about. */
  path = g_strdup_printf ("/api/invitations/%s", token);
  info = cs_test_call (s, "GET", path, NULL, NULL, 200);
  g_assert_cmpstr (str (info, "tenant_name"), ==, "acme");
  g_assert_cmpstr (str (info, "inviter_name"), ==, "Admin");
  g_assert_cmpstr (str (info, "email"), ==, "nora@example.com");

  /* The landing page escapes a hostile room name and links to the app. */
  g_free (path);
  path = g_strdup_printf ("/invite/%s", token);
  page = cs_test_http (s, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (strstr (json_node_get_string (page), "<script>"));
  g_assert_nonnull (strstr (json_node_get_string (page), "&lt;script&gt;alert(1)&lt;/script&gt; &amp;"));
  g_assert_nonnull (strstr (json_node_get_string (page), "href=\"causerie://invite/"));
  g_assert_nonnull (strstr (json_node_get_string (page), "?server=http%3A%2F%2F127.0.0.1%3A"));

  /* A new account for the invited address joins the room. */
  g_free (path);
  path = g_strdup_printf ("/api/invitations/%s/accept", token);
  g_free (cs_test_expect_error (s, "POST", path, NULL, "{\"display_name\":\"Nora\",\"password\":\"short\"}", 400, "bad_request"));
  accepted = cs_test_call (s, "POST", path, NULL, "{\"display_name\":\"Nora Ben\",\"password\":\"nora's long password\"}", 200);
  g_assert_cmpstr (str (json_object_get_object_member (accepted, "room"), "id"), ==, room);
  g_assert_cmpstr (str (json_object_get_object_member (accepted, "room"), "my_role"), ==, "member");
  me = cs_test_call (s, "GET", "/api/me", str (accepted, "token"), NULL, 200);
  g_assert_cmpstr (str (me, "email"), ==, "nora@example.com");

  /* Single use. */
  g_free (cs_test_expect_error (s, "POST", path, NULL, "{\"display_name\":\"Eve\",\"password\":\"another long one\"}", 410, "gone"));
  g_free (path);
  path = g_strdup_printf ("/invite/%s", token);
  g_clear_pointer (&page, json_node_unref);
  page = cs_test_http (s, "GET", path, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 410);
  g_assert_nonnull (strstr (json_node_get_string (page), "already been used"));

  g_free (path);
  path = g_strdup_printf ("/api/rooms/%s/invitations", room);
  list = cs_test_call (s, "GET", path, owner, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "invitations")), ==, 0);
  audit = cs_test_call (s, "GET", "/api/admin/audit?action=invitation.accept", owner, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (audit, "entries")), ==, 1);
}

static void
test_refusals (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[invitations]\nfailures_per_address=4\n");
  g_autofree char *owner = cs_test_tenant (s, "acme", "owner@acme.test");
  g_autofree char *bob_id = NULL, *gus_id = NULL;
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob", "member", &bob_id);
  g_autofree char *gus = cs_test_user (s, "acme", "gus@acme.test", "Gus", "guest", &gus_id);
  g_autofree char *room = cs_test_room (s, owner, "group", "Board", gus_id);
  g_autofree char *path = NULL, *msg = NULL;
  g_autoptr(JsonObject) revoked = NULL, declined = NULL, theirs = NULL, audit = NULL, joined = NULL;
  g_autofree char *t_rev = NULL, *t_dec = NULL, *t_bob = NULL;
  g_autofree char *invitations = g_strdup_printf ("/api/rooms/%s/invitations", room);

  /* Who may invite follows the room roles. */
  g_free (cs_test_expect_error (s, "POST", invitations, gus,
                                "{\"email\":\"x@y.test\"}", 403, "forbidden"));
  g_free (cs_test_expect_error (s, "POST", invitations, bob,
                                "{\"email\":\"x@y.test\"}", 404, "not_found"));
  g_free (cs_test_expect_error (s, "POST", invitations, owner,
                                "{\"email\":\"not an address\"}", 400, "bad_request"));
  g_free (cs_test_expect_error (s, "POST", invitations, owner,
                                "{\"email\":\"gus@acme.test\"}", 409, "conflict"));

  /* Revoked. */
  revoked = invite (s, owner, room, "rev@out.test", 201);
  t_rev = token_of (revoked);
  path = g_strdup_printf ("/api/invitations/%s", str (revoked, "id"));
  cs_test_ok (s, "DELETE", path, owner, NULL, 204);
  g_free (path);
  path = g_strdup_printf ("/api/invitations/%s", t_rev);
  msg = cs_test_expect_error (s, "GET", path, NULL, NULL, 410, "gone");
  g_assert_nonnull (strstr (msg, "withdrawn"));

  /* Declined. */
  declined = invite (s, owner, room, "dec@out.test", 201);
  t_dec = token_of (declined);
  g_free (path);
  path = g_strdup_printf ("/api/invitations/%s/decline", t_dec);
  cs_test_ok (s, "POST", path, NULL, NULL, 204);
  g_free (msg);
  msg = cs_test_expect_error (s, "POST", path, NULL, NULL, 410, "gone");
  g_assert_nonnull (strstr (msg, "declined"));

  /* Bob has an account: he hears of it in the app, must accept signed in
   * as himself, and nobody else may. */
  {
    g_autoptr(CsTestWs) ws = cs_test_ws_connect (s, bob);
    g_autoptr(JsonObject) ev = NULL, notes = NULL;

    cs_test_ws_expect (ws, "ready", 2000);
    theirs = invite (s, owner, room, "bob@acme.test", 201);
    ev = cs_test_ws_wait (ws, "invitation.new", 5000);
    g_assert_nonnull (ev);
    g_assert_cmpstr (str (json_object_get_object_member (ev, "data"), "room_name"), ==, "Board");
    notes = cs_test_call (s, "GET", "/api/notifications?unread=true", bob, NULL, 200);
    g_assert_cmpstr (str (json_array_get_object_element (json_object_get_array_member (notes, "notifications"), 0), "type"),
                     ==, "invitation");
  }
  t_bob = token_of (theirs);
  g_free (path);
  path = g_strdup_printf ("/api/invitations/%s/accept", t_bob);
  g_free (cs_test_expect_error (s, "POST", path, NULL, "{\"display_name\":\"Bob 2\",\"password\":\"long enough pw\"}",
                                409, "conflict"));
  g_free (cs_test_expect_error (s, "POST", path, gus, NULL, 403, "forbidden"));
  audit = cs_test_call (s, "GET", "/api/admin/audit?action=forbidden_attempt", owner, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (audit, "entries")), >=, 2);
  joined = cs_test_call (s, "POST", path, bob, NULL, 200);
  g_assert_cmpstr (str (json_object_get_object_member (joined, "room"), "my_role"), ==, "member");

  /* Unknown tokens: 404, then the address is slowed down. */
  for (int i = 0; i < 4; i++)
    g_free (cs_test_expect_error (s, "GET", "/api/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL,
                                  404, "not_found"));
  g_free (path);
  path = g_strdup_printf ("/api/invitations/%s", t_bob);
  g_free (cs_test_expect_error (s, "GET", path, NULL, NULL, 429, "rate_limited"));
}

static void
test_expiry (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[invitations]\nexpiry_seconds=1\n");
  g_autofree char *owner = cs_test_tenant (s, "acme", "owner@acme.test");
  g_autofree char *room = cs_test_room (s, owner, "channel", "news", NULL);
  g_autoptr(JsonObject) inv = invite (s, owner, room, "late@out.test", 201);
  g_autofree char *token = token_of (inv);
  g_autofree char *path = g_strdup_printf ("/api/invitations/%s/accept", token);
  g_autofree char *msg = NULL;

  cs_test_spin (1300);
  msg = cs_test_expect_error (s, "POST", path, NULL, "{\"display_name\":\"Late\",\"password\":\"long enough pw\"}", 410, "gone");
  g_assert_nonnull (strstr (msg, "expired"));
}

/* GET /api/me/invitations lists the caller's own pending invitations:
 * never another tenant's, nor expired, revoked or used ones. */
static void
test_mine (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *owner = cs_test_tenant (s, "acme", "owner@acme.test");
  g_autofree char *other = cs_test_tenant (s, "globex", "owner@globex.test");
  g_autofree char *bob_id = NULL, *eve_id = NULL;
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob", "member", &bob_id);
  g_autofree char *eve = cs_test_user (s, "acme", "eve@acme.test", "Eve", "member", &eve_id);
  g_autofree char *board = cs_test_room (s, owner, "group", "Board", NULL);
  g_autofree char *news = cs_test_room (s, owner, "channel", "news", NULL);
  g_autofree char *old = cs_test_room (s, owner, "channel", "old", NULL);
  g_autofree char *used = cs_test_room (s, owner, "channel", "used", NULL);
  g_autofree char *theirs = cs_test_room (s, other, "channel", "elsewhere", NULL);
  g_autoptr(JsonObject) inv_board = NULL, inv_news = NULL, inv_old = NULL, inv_used = NULL, inv_other = NULL;
  g_autoptr(JsonObject) mine = NULL, eves = NULL;
  g_autofree char *path = NULL, *sql = NULL, *t_used = NULL;
  JsonArray *list;
  JsonObject *first;

  inv_board = invite (s, owner, board, "bob@acme.test", 201);
  inv_news = invite (s, owner, news, "bob@acme.test", 201);
  inv_old = invite (s, owner, old, "bob@acme.test", 201);
  inv_used = invite (s, owner, used, "bob@acme.test", 201);
  inv_other = invite (s, other, theirs, "bob@acme.test", 201);

  /* Expired, revoked, used. */
  sql = g_strdup_printf ("UPDATE invitations SET expires_at = 1 WHERE id = '%s'", str (inv_old, "id"));
  cs_test_db_exec (s, sql);
  path = g_strdup_printf ("/api/invitations/%s", str (inv_news, "id"));
  cs_test_call (s, "DELETE", path, owner, NULL, 204);
  t_used = token_of (inv_used);
  g_free (path);
  path = g_strdup_printf ("/api/invitations/%s/accept", t_used);
  g_clear_pointer (&mine, json_object_unref);
  mine = cs_test_call (s, "POST", path, bob, NULL, 200);
  g_clear_pointer (&mine, json_object_unref);

  mine = cs_test_call (s, "GET", "/api/me/invitations", bob, NULL, 200);
  list = json_object_get_array_member (mine, "invitations");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  first = json_array_get_object_element (list, 0);
  g_assert_cmpstr (str (first, "id"), ==, str (inv_board, "id"));
  g_assert_cmpstr (str (first, "room_id"), ==, board);
  g_assert_cmpstr (str (first, "room_name"), ==, "Board");
  g_assert_cmpstr (str (first, "room_type"), ==, "group");
  g_assert_cmpstr (str (first, "inviter_name"), !=, "");
  g_assert_nonnull (strstr (str (first, "message"), "aboard"));
  g_assert_nonnull (str (first, "token"));
  g_assert_nonnull (str (first, "link"));
  g_assert_nonnull (strstr (str (inv_board, "link"), str (first, "token")));

  /* Someone else sees none of Bob's. */
  eves = cs_test_call (s, "GET", "/api/me/invitations", eve, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (eves, "invitations")), ==, 0);
  g_free (cs_test_expect_error (s, "GET", "/api/me/invitations", NULL, NULL, 401, "unauthorized"));
}

/* Reading a notification, all of them, or the room it is in tells the
 * reader's other sockets: `notification.read`. */
static void
test_notification_read_event (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *owner = cs_test_tenant (s, "acme", "owner@acme.test");
  g_autofree char *bob_id = NULL;
  g_autofree char *bob = cs_test_user (s, "acme", "bob@acme.test", "Bob", "member", &bob_id);
  g_autofree char *board = cs_test_room (s, owner, "group", "Board", bob_id);
  g_autoptr(CsTestWs) ws = cs_test_ws_connect (s, bob);
  g_autoptr(JsonObject) msg = NULL, ev = NULL, ev2 = NULL, ev3 = NULL, notes = NULL;
  g_autofree char *path = NULL, *read_path = NULL, *body = NULL;
  JsonObject *note;

  g_assert_nonnull (cs_test_ws_wait (ws, "ready", 2000));
  path = g_strdup_printf ("/api/rooms/%s/messages", board);
  msg = cs_test_call (s, "POST", path, owner, "{\"txn_id\":\"t-1\",\"body\":\"hello @Bob\"}", 201);
  ev = cs_test_ws_wait (ws, "notification.new", 5000);
  g_assert_nonnull (ev);
  note = json_object_get_object_member (ev, "data");
  read_path = g_strdup_printf ("/api/notifications/%s/read", str (note, "id"));
  cs_test_call (s, "POST", read_path, bob, NULL, 204);
  ev2 = cs_test_ws_wait (ws, "notification.read", 5000);
  g_assert_nonnull (ev2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_object_get_object_member (ev2, "data"), "ids"), 0),
                   ==, str (note, "id"));

  /* Reading the room reads what it notified. */
  json_object_unref (cs_test_call (s, "POST", path, owner, "{\"txn_id\":\"t-2\",\"body\":\"again @Bob\"}", 201));
  g_assert_nonnull (cs_test_ws_wait (ws, "notification.new", 5000));
  g_free (path);
  path = g_strdup_printf ("/api/rooms/%s/read", board);
  body = g_strdup_printf ("{\"up_to_seq\":%" G_GINT64_FORMAT "}", json_object_get_int_member (msg, "seq") + 10);
  cs_test_call (s, "POST", path, bob, body, 204);
  ev3 = cs_test_ws_wait (ws, "notification.read", 5000);
  g_assert_nonnull (ev3);
  notes = cs_test_call (s, "GET", "/api/notifications?unread=true", bob, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (notes, "notifications")), ==, 0);
}

/* A loopback port kept bound (so nobody else is given it) until released. */
static GSocket *
reserve_port (guint *port)
{
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return sock;
}

static gboolean
port_answers (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return conn != NULL;
}

static void
test_smtp_delivery_and_retry (void)
{
  guint port = 0;
  GSocket *reserved = reserve_port (&port);
  g_autofree char *tmp = g_dir_make_tmp ("causerie-smtp-XXXXXX", NULL);
  g_autofree char *maildir = g_build_filename (tmp, "maildir", NULL);   /* created by the handler */
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *config = g_strdup_printf ("[smtp]\nurl=smtp://127.0.0.1:%u\nstarttls=false\n"
                                             "from=Causerie <noreply@acme.test>\n", port);
  g_autoptr(GSubprocess) smtpd = NULL;
  g_autoptr(CsTestServer) s = NULL;
  g_autofree char *owner = NULL, *room = NULL, *mail = NULL, *text = NULL, *new_dir = NULL, *path = NULL;
  g_autoptr(JsonObject) first = NULL, second = NULL, list = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *pending;

  /* No mail server answers yet: the first attempt fails, the invitation
   * stays valid, and its link can be copied meanwhile. */
  s = cs_test_server_new (config);
  owner = cs_test_tenant (s, "acme", "owner@acme.test");
  room = cs_test_room (s, owner, "group", "Ops", NULL);
  first = invite (s, owner, room, "first@partner.test", 201);
  cs_test_spin (1500);
  path = g_strdup_printf ("/api/rooms/%s/invitations", room);
  list = cs_test_call (s, "GET", path, owner, NULL, 200);
  pending = json_array_get_object_element (json_object_get_array_member (list, "invitations"), 0);
  g_assert_cmpstr (str (pending, "id"), ==, str (first, "id"));
  g_assert_cmpstr (str (pending, "mail_status"), ==, "queued");
  g_assert_cmpstr (str (pending, "link"), ==, str (first, "link"));

  /* A real SMTP server on loopback: the next mail goes through it. */
  g_socket_close (reserved, NULL);
  g_object_unref (reserved);
  smtpd = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", listen,
                            "-c", "aiosmtpd.handlers.Mailbox", maildir, NULL);
  g_assert_no_error (error);
  for (int i = 0; i < 100 && !port_answers (port); i++)
    cs_test_spin (100);
  second = invite (s, owner, room, "second@partner.test", 201);
  new_dir = g_build_filename (maildir, "new", NULL);
  mail = wait_for_file (new_dir, 15000);
  g_subprocess_force_exit (smtpd);
  g_subprocess_wait (smtpd, NULL, NULL);
  g_assert_nonnull (mail);
  g_assert_nonnull (strstr (mail, "To: <second@partner.test>"));
  g_assert_nonnull (strstr (mail, "From: Causerie <noreply@acme.test>"));
  text = mail_text (mail);
  g_assert_nonnull (strstr (text, str (second, "link")));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/invitations/flow-outbox", test_flow_and_outbox);
  g_test_add_func ("/server/invitations/refusals", test_refusals);
  g_test_add_func ("/server/invitations/expiry", test_expiry);
  g_test_add_func ("/server/invitations/mine", test_mine);
  g_test_add_func ("/server/invitations/notification-read-event", test_notification_read_event);
  g_test_add_func ("/server/invitations/smtp", test_smtp_delivery_and_retry);
  return g_test_run ();
}
