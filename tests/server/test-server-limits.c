/* test-server-limits.c: what one user can make the server do. A client
 * that pings without end and never reads is closed (1008) and the server's
 * memory comes back; messages are rate limited per user over REST (429 and
 * Retry-After) and WebSocket (an `error` frame with retry_after), a retry
 * of a stored message is free, and the limit refills. After each attack,
 * /healthz answers and another user's socket still gets messages.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"
#include "cs-test-load.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

typedef CsTestTeam Team;

static const char *
str (JsonObject *o, const char *m)
{
  return json_object_get_string_member (o, m);
}

/* The server answers /healthz and @token's fresh socket receives a message
 * @sender_token posts. */
static void
check_still_serving (Team *t, const char *token, const char *sender_token, const char *txn)
{
  guint status = 0;
  g_autoptr(JsonNode) health = cs_test_http (t->s, "GET", "/healthz", NULL, NULL, &status);
  g_autoptr(CsTestWs) ws = cs_test_ws_connect (t->s, token);
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", t->room);
  g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"still here\"}", txn);
  g_autoptr(JsonObject) m = NULL, live = NULL;

  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (ws);
  g_assert_nonnull (cs_test_ws_wait (ws, "ready", 5000));
  cs_test_ws_send (ws, "{\"type\":\"presence\",\"status\":\"online\"}");
  m = cs_test_call (t->s, "POST", path, sender_token, body, 201);
  live = cs_test_ws_wait (ws, "message.new", 5000);
  g_assert_nonnull (live);
  g_assert_cmpstr (str (json_object_get_object_member (live, "data"), "body"), ==, "still here");
}

/* ---- a ping flood ------------------------------------------------------ */

/* Sends up to @count empty masked pings, never reading; returns how many
 * went out before the connection was shut or stopped taking them (the
 * kernel's buffers take a megabyte or two of them whatever the server does). */
static guint
ping_flood (GSocket *sock, guint count)
{
  static const guint8 ping[6] = { 0x89, 0x80, 0x12, 0x34, 0x56, 0x78 };
  guint8 chunk[6 * 1000];
  guint sent = 0;

  for (guint i = 0; i < 1000; i++)
    memcpy (chunk + 6 * i, ping, 6);
  /* Non-blocking, so that a full send buffer is not mistaken for a hang. */
  g_socket_set_blocking (sock, FALSE);
  while (sent < count)
    {
      g_autoptr(GError) error = NULL;
      guint n = MIN (1000, count - sent);
      gssize w = g_socket_send (sock, (const char *) chunk, 6 * n, NULL, &error);

      if (w < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_socket_condition_timed_wait (sock, G_IO_OUT, 200 * 1000, NULL, NULL);
          /* A server that stopped reading for good lets the buffer sit full. */
          if (!g_socket_condition_check (sock, G_IO_OUT))
            break;
          continue;
        }
      if (w < 0)
        break;   /* reset: the server closed it */
      sent += (guint) w / 6;
    }
  return sent;
}

/* The first close code in what the server sent, or 0 (none read: the
 * connection may have been reset with our pings still unread). */
static guint
read_close_code (GSocket *sock)
{
  g_autoptr(GByteArray) in = g_byte_array_new ();
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gsize at = 0;

  g_socket_set_blocking (sock, FALSE);
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = NULL;
      guint8 buf[4096];
      gssize n;

      g_socket_condition_timed_wait (sock, G_IO_IN, 100 * 1000, NULL, NULL);
      n = g_socket_receive (sock, (char *) buf, sizeof buf, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;
      if (n <= 0)
        break;
      g_byte_array_append (in, buf, n);
    }
  /* Server frames are unmasked, payloads under 64 KiB here. */
  while (at + 2 <= in->len)
    {
      guint8 op = in->data[at] & 0x0f;
      gsize len = in->data[at + 1] & 0x7f, head = 2;

      if (len == 126)
        {
          if (at + 4 > in->len)
            break;
          len = (in->data[at + 2] << 8) | in->data[at + 3];
          head = 4;
        }
      if (at + head + len > in->len)
        break;
      if (op == 0x8 && len >= 2)
        return (in->data[at + head] << 8) | in->data[at + head + 1];
      at += head + len;
    }
  return 0;
}

static void
test_ping_flood (void)
{
  Team t;
  g_autoptr(GSocketConnection) conn = NULL;
  GSocket *flood;
  gint64 before, peak = 0, after = 0;
  guint sent, code;

  cs_test_team_init (&t, NULL, FALSE);
  /* Warm the server up: sockets, messages, the allocator's arenas. */
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *txn = g_strdup_printf ("warm-%d", i);
      check_still_serving (&t, t.bob, t.alice, txn);
    }
  before = cs_test_server_rss_kb (t.s, NULL);

  conn = cs_test_raw_ws (t.s, t.alice);
  flood = g_socket_connection_get_socket (conn);
  sent = ping_flood (flood, 200000);
  peak = cs_test_server_rss_kb (t.s, NULL);
  code = read_close_code (flood);
  g_test_message ("pings sent before the server stopped taking them: %u; close code read: %u", sent, code);
  /* It may have been reset before we could read its close frame; if we
   * read one, it says policy violation. */
  g_assert_true (code == 0 || code == 1008);
  {
    g_autoptr(GError) error = NULL;
    char c;

    /* The connection is gone: reading gives EOF or a reset. */
    g_socket_set_blocking (flood, TRUE);
    g_socket_set_timeout (flood, 5);
    g_assert_cmpint (g_socket_receive (flood, &c, 1, NULL, &error), <=, 0);
    g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  }

  cs_test_spin (500);
  after = cs_test_server_rss_kb (t.s, NULL);
  g_test_message ("server VmRSS: %" G_GINT64_FORMAT " kB before, %" G_GINT64_FORMAT
                  " kB during, %" G_GINT64_FORMAT " kB after a flood of pings", before, peak, after);
  g_assert_cmpint (after, <, before + 4096);

  check_still_serving (&t, t.bob, t.alice, "after-flood");
  cs_test_team_clear (&t);
}

/* ---- the message rate limit -------------------------------------------- */

#define LIMIT_CONFIG "[limits]\nmessages_per_minute = 60\nmessage_burst = 3\n"

static guint
post_raw (Team *t, const char *token, const char *txn, char **out_retry_after)
{
  g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/messages", t->s->base, t->room);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"text %s\"}", txn, txn);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  reply = soup_session_send_and_read (t->s->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out_retry_after)
    *out_retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                              "Retry-After"));
  if (soup_message_get_status (msg) == 429)
    g_assert_nonnull (strstr (g_bytes_get_data (reply, NULL), "\"rate_limited\""));
  return soup_message_get_status (msg);
}

static void
test_rate_limit_rest (void)
{
  Team t;
  g_autofree char *retry = NULL;
  guint wait;

  cs_test_team_init (&t, LIMIT_CONFIG, FALSE);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *txn = g_strdup_printf ("burst-%d", i);
      g_assert_cmpuint (post_raw (&t, t.alice, txn, NULL), ==, 201);
    }
  g_assert_cmpuint (post_raw (&t, t.alice, "over", &retry), ==, 429);
  g_assert_nonnull (retry);
  wait = (guint) g_ascii_strtoull (retry, NULL, 10);
  g_assert_cmpuint (wait, >=, 1);
  g_assert_cmpuint (wait, <=, 2);

  /* A retry of a stored message answers with it, limit or not. */
  g_assert_cmpuint (post_raw (&t, t.alice, "burst-2", NULL), ==, 200);
  /* Bob has a bucket of his own. */
  g_assert_cmpuint (post_raw (&t, t.bob, "bob-1", NULL), ==, 201);

  /* After the wait it says, the refused message goes through, once. */
  cs_test_spin (wait * 1000 + 100);
  g_assert_cmpuint (post_raw (&t, t.alice, "over", NULL), ==, 201);
  g_assert_cmpuint (post_raw (&t, t.alice, "over", NULL), ==, 200);

  check_still_serving (&t, t.bob, t.bob, "check");
  cs_test_team_clear (&t);
}

static void
test_rate_limit_ws (void)
{
  Team t;
  g_autoptr(CsTestWs) a = NULL;
  g_autoptr(JsonObject) err = NULL;
  gint64 retry_after;
  guint acks = 0;

  cs_test_team_init (&t, LIMIT_CONFIG, FALSE);
  a = cs_test_ws_connect (t.s, t.alice);
  g_assert_nonnull (cs_test_ws_wait (a, "ready", 5000));
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *frame =
        g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"w-%d\",\"body\":\"w %d\"}",
                         t.room, i, i);
      cs_test_ws_send (a, frame);
    }
  for (int i = 0; i < 4; i++)
    {
      g_autoptr(JsonObject) f = NULL;

      do
        {
          g_clear_pointer (&f, json_object_unref);
          f = cs_test_ws_next (a, 5000);
          g_assert_nonnull (f);
        }
      while (g_strcmp0 (str (f, "type"), "ack") != 0 && g_strcmp0 (str (f, "type"), "error") != 0);
      if (g_str_equal (str (f, "type"), "ack"))
        acks++;
      else
        err = json_object_ref (f);
    }
  g_assert_cmpuint (acks, ==, 3);
  g_assert_nonnull (err);
  g_assert_cmpstr (str (err, "txn_id"), ==, "w-3");
  g_assert_cmpstr (str (json_object_get_object_member (err, "error"), "code"), ==, "rate_limited");
  retry_after = json_object_get_int_member (err, "retry_after");
  g_assert_cmpint (retry_after, >=, 1);

  /* Another user is not affected; after the wait, the same frame is taken. */
  check_still_serving (&t, t.bob, t.bob, "bob-ws");
  cs_test_spin ((guint) retry_after * 1000 + 100);
  {
    g_autofree char *frame =
      g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"w-3\",\"body\":\"w 3\"}", t.room);
    g_autoptr(JsonObject) ack = NULL;

    cs_test_ws_send (a, frame);
    ack = cs_test_ws_wait (a, "ack", 5000);
    g_assert_nonnull (ack);
    g_assert_cmpstr (str (ack, "txn_id"), ==, "w-3");
  }
  cs_test_team_clear (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/limits/ping-flood", test_ping_flood);
  g_test_add_func ("/server/limits/rate-rest", test_rate_limit_rest);
  g_test_add_func ("/server/limits/rate-ws", test_rate_limit_ws);
  return g_test_run ();
}
