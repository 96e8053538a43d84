/* cs-test-load.c: many messages into a test server, and its memory.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include "cs-test-load.h"

#include <string.h>

#define TENANT "load"

typedef struct {
  CsTestLoad              *load;
  guint                    user;
  SoupWebsocketConnection *conn;
  guint                    in_flight;
  guint                    sent;
  gboolean                 closed;
} Socket;

struct _CsTestLoad {
  CsTestServer *server;
  GPtrArray    *tokens;     /* per user */
  GPtrArray    *user_ids;   /* per user */
  GPtrArray    *rooms;      /* room ids */
  GPtrArray    *sockets;    /* Socket* */
  guint64       delivered;
  guint64       acked;
  guint64       errors;
  guint64       next_room;
  guint         to_send;    /* left to send in the current run */
};

gint64
cs_test_server_rss_kb (CsTestServer *server,
                       gint64       *out_anon_kb)
{
  const char *pid = server->process ? g_subprocess_get_identifier (server->process) : NULL;
  g_autofree char *path = pid ? g_strdup_printf ("/proc/%s/status", pid) : NULL;
  g_autofree char *text = NULL;
  const char *at;
  gint64 rss = -1;

  if (out_anon_kb)
    *out_anon_kb = -1;
  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  if ((at = strstr (text, "\nVmRSS:")))
    rss = g_ascii_strtoll (at + strlen ("\nVmRSS:"), NULL, 10);
  if (out_anon_kb && (at = strstr (text, "\nRssAnon:")))
    *out_anon_kb = g_ascii_strtoll (at + strlen ("\nRssAnon:"), NULL, 10);
  return rss;
}

/* Bodies of a few ordinary words, so that the search index sees a real
 * vocabulary rather than one term. */
static char *
body_text (guint64 n)
{
  static const char * const words[] = {
    "the", "order", "shipment", "invoice", "customer", "meeting", "tomorrow", "please", "check", "update",
    "report", "draft", "budget", "review", "deadline", "thanks", "call", "client", "project", "server",
    "release", "ticket", "question", "answer", "today", "week", "monday", "friday", "price", "quote",
  };
  GString *s = g_string_new (NULL);
  guint64 x = n * 2654435761u + 1;

  g_string_append_printf (s, "load %" G_GUINT64_FORMAT, n);
  for (guint i = 0; i < 4 + n % 9; i++)
    {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      g_string_append_c (s, ' ');
      g_string_append (s, words[x % G_N_ELEMENTS (words)]);
    }
  return g_string_free (s, FALSE);
}

static void send_one (Socket *sock);

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 data)
{
  Socket *sock = data;
  CsTestLoad *load = sock->load;
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  static const char msg_new[] = "{\"type\":\"message.new\"";
  static const char ack[] = "{\"type\":\"ack\"";
  static const char error[] = "{\"type\":\"error\"";

  /* The server writes compact JSON with "type" first. */
  if (len >= sizeof msg_new - 1 && memcmp (text, msg_new, sizeof msg_new - 1) == 0)
    load->delivered++;
  else if (len >= sizeof ack - 1 && memcmp (text, ack, sizeof ack - 1) == 0)
    {
      load->acked++;
      sock->in_flight--;
      send_one (sock);
    }
  else if (len >= sizeof error - 1 && memcmp (text, error, sizeof error - 1) == 0)
    {
      if (load->errors++ < 3)
        g_printerr ("load: error frame: %.*s\n", (int) MIN (len, 300), text);
    }
}

static void
closed_cb (SoupWebsocketConnection *conn,
           gpointer                 data)
{
  ((Socket *) data)->closed = TRUE;
}

static void
send_one (Socket *sock)
{
  CsTestLoad *load = sock->load;
  const char *room;
  g_autofree char *body = NULL;
  g_autofree char *frame = NULL;
  guint64 n;

  if (load->to_send == 0 || sock->closed)
    return;
  load->to_send--;
  n = load->next_room++;
  room = g_ptr_array_index (load->rooms, n % load->rooms->len);
  body = body_text (n);
  frame = g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"l-%u-%u\",\"body\":\"%s\"}",
                           room, sock->user, sock->sent++, body);
  soup_websocket_connection_send_text (sock->conn, frame);
  sock->in_flight++;
}

CsTestLoad *
cs_test_load_new (CsTestServer *server,
                  const guint  *room_sizes,
                  guint         n_sockets)
{
  CsTestLoad *load = g_new0 (CsTestLoad, 1);
  guint n_users = n_sockets;

  load->server = server;
  load->tokens = g_ptr_array_new_with_free_func (g_free);
  load->user_ids = g_ptr_array_new_with_free_func (g_free);
  load->rooms = g_ptr_array_new_with_free_func (g_free);
  load->sockets = g_ptr_array_new ();
  for (const guint *r = room_sizes; *r; r++)
    n_users = MAX (n_users, *r);

  g_ptr_array_add (load->tokens, cs_test_tenant (server, TENANT, "user0@load.test"));
  {
    g_autoptr(JsonObject) me = cs_test_call (server, "GET", "/api/me", g_ptr_array_index (load->tokens, 0), NULL, 200);

    g_ptr_array_add (load->user_ids, g_strdup (json_object_get_string_member (me, "id")));
  }
  for (guint i = 1; i < n_users; i++)
    {
      g_autofree char *email = g_strdup_printf ("user%u@load.test", i);
      g_autofree char *name = g_strdup_printf ("Load User %u", i);
      char *user_id = NULL;

      g_ptr_array_add (load->tokens, cs_test_user (server, TENANT, email, name, "member", &user_id));
      g_ptr_array_add (load->user_ids, user_id);
    }
  for (const guint *r = room_sizes; *r; r++)
    {
      GString *body = g_string_new (NULL);
      g_autoptr(JsonObject) room = NULL;

      g_string_append_printf (body, "{\"type\":\"group\",\"name\":\"Room of %u\",\"member_ids\":[", *r);
      for (guint i = 1; i < *r; i++)
        g_string_append_printf (body, "%s\"%s\"", i > 1 ? "," : "", (char *) g_ptr_array_index (load->user_ids, i));
      g_string_append (body, "]}");
      room = cs_test_call (server, "POST", "/api/rooms", g_ptr_array_index (load->tokens, 0), body->str, 201);
      g_ptr_array_add (load->rooms, g_strdup (json_object_get_string_member (room, "id")));
      g_string_free (body, TRUE);
    }
  for (guint i = 0; i < n_sockets; i++)
    {
      Socket *sock = g_new0 (Socket, 1);
      CsTestWs *ws = cs_test_ws_connect (server, g_ptr_array_index (load->tokens, i));

      g_assert_nonnull (ws);
      sock->load = load;
      sock->user = i;
      /* Only a cheap look at each frame, not a parse: a million of them
       * are coming. The socket is taken over from the test client. */
      sock->conn = cs_test_ws_take (ws);
      g_signal_connect (sock->conn, "message", G_CALLBACK (message_cb), sock);
      g_signal_connect (sock->conn, "closed", G_CALLBACK (closed_cb), sock);
      soup_websocket_connection_set_keepalive_interval (sock->conn, 0);
      g_ptr_array_add (load->sockets, sock);
    }
  return load;
}

void
cs_test_load_send (CsTestLoad *load,
                   guint       count,
                   guint       n_senders,
                   guint       window,
                   guint       every,
                   void      (*progress) (CsTestLoad *load, guint64 acked, gpointer data),
                   gpointer    data)
{
  guint64 target = load->acked + count;
  guint64 next_report = every ? (load->acked / every + 1) * every : G_MAXUINT64;
  gint64 last_progress = g_get_monotonic_time ();
  guint64 last_acked = load->acked;

  g_assert_cmpuint (n_senders, <=, load->sockets->len);
  load->to_send = count;
  for (guint i = 0; i < n_senders; i++)
    for (guint k = 0; k < window; k++)
      send_one (g_ptr_array_index (load->sockets, i));
  while (load->acked < target)
    {
      g_main_context_iteration (NULL, TRUE);
      if (load->acked >= next_report)
        {
          if (progress)
            progress (load, load->acked, data);
          next_report += every;
        }
      if (load->acked != last_acked)
        last_acked = load->acked, last_progress = g_get_monotonic_time ();
      else if (g_get_monotonic_time () - last_progress > 60 * G_USEC_PER_SEC)
        g_error ("load: no ack for 60 s (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT ")", load->acked, target);
      g_assert_cmpuint (load->errors, ==, 0);
    }
}

void
cs_test_load_send_frame (CsTestLoad *load,
                         guint       index,
                         const char *json)
{
  Socket *sock = g_ptr_array_index (load->sockets, index);

  soup_websocket_connection_send_text (sock->conn, json);
}

guint64
cs_test_load_delivered (CsTestLoad *load)
{
  return load->delivered;
}

guint
cs_test_load_n_rooms (CsTestLoad *load)
{
  return load->rooms->len;
}

const char *
cs_test_load_token (CsTestLoad *load,
                    guint       user)
{
  return g_ptr_array_index (load->tokens, user);
}

const char *
cs_test_load_room (CsTestLoad *load,
                   guint       index)
{
  return g_ptr_array_index (load->rooms, index);
}

void
cs_test_load_close_sockets (CsTestLoad *load)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean open = TRUE;

  for (guint i = 0; i < load->sockets->len; i++)
    {
      Socket *sock = g_ptr_array_index (load->sockets, i);

      if (soup_websocket_connection_get_state (sock->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (sock->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  while (open && g_get_monotonic_time () < deadline)
    {
      open = FALSE;
      for (guint i = 0; i < load->sockets->len && !open; i++)
        open = !((Socket *) g_ptr_array_index (load->sockets, i))->closed;
      if (open)
        g_main_context_iteration (NULL, TRUE);
    }
}

void
cs_test_load_free (CsTestLoad *load)
{
  for (guint i = 0; i < load->sockets->len; i++)
    {
      Socket *sock = g_ptr_array_index (load->sockets, i);

      g_signal_handlers_disconnect_by_data (sock->conn, sock);
      g_object_unref (sock->conn);
      g_free (sock);
    }
  g_ptr_array_unref (load->sockets);
  g_ptr_array_unref (load->rooms);
  g_ptr_array_unref (load->tokens);
  g_ptr_array_unref (load->user_ids);
  g_free (load);
}
