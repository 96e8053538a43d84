/* test-server-wsconn.c: the server's WebSocket framing (cs-ws.c) over a
 * socket pair, without a server: failed writes, partial writes and the
 * closing handshake, where the timing a real server gives cannot be.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-ws.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
  gboolean closed;
  guint    n_text;
} State;

static void
text_cb (CsWsConn   *conn,
         const char *text,
         gsize       length,
         gpointer    data)
{
  ((State *) data)->n_text++;
}

static void
closed_cb (CsWsConn *conn,
           gpointer  data)
{
  ((State *) data)->closed = TRUE;
}

static const CsWsCallbacks callbacks = { text_cb, closed_cb };

/* The server's end as a GIOStream; the peer's end as a descriptor. */
static GIOStream *
stream_pair (int *peer,
             int  buffer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  int sv[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  if (buffer > 0)
    {
      g_assert_cmpint (setsockopt (sv[0], SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer), ==, 0);
      g_assert_cmpint (setsockopt (sv[1], SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer), ==, 0);
    }
  socket = g_socket_new_from_fd (sv[0], &error);
  g_assert_no_error (error);
  *peer = sv[1];
  return G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
}

/* A client frame: masked, as RFC 6455 wants. */
static void
client_frame (GByteArray   *out,
              guint8        opcode,
              const guint8 *payload,
              gsize         length)
{
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  guint8 header[2] = { 0x80 | opcode, 0x80 | (guint8) length };

  g_assert_cmpuint (length, <, 126);
  g_byte_array_append (out, header, 2);
  g_byte_array_append (out, mask, 4);
  for (gsize i = 0; i < length; i++)
    {
      guint8 b = payload[i] ^ mask[i & 3];

      g_byte_array_append (out, &b, 1);
    }
}

static void
write_all (int           fd,
           const guint8 *data,
           gsize         length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      g_assert_cmpint (n, >, 0);
      data += n;
      length -= n;
    }
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
spin_until_closed (State *state,
                   guint  ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!state->closed && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* A write that fails (the peer is gone) and a close frame from the peer in
 * the same read: the pong's write fails, then the close is echoed. The
 * socket is shut at once, and no timer of its own outlives it: one did,
 * and fired on the freed connection, whose memory a new socket had taken,
 * so that the new socket was shut without a word right after `ready`. */
static void
test_failed_write_then_close (void)
{
  g_autoptr(CsConfig) config = cs_config_new ();
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GByteArray) frames = g_byte_array_new ();
  static const guint8 close_payload[2] = { 0x03, 0xe8 };
  State state = { 0 };
  CsWsConn *conn;
  int peer;

  stream = stream_pair (&peer, 0);
  client_frame (frames, 0x9, (const guint8 *) "hi", 2);
  client_frame (frames, 0x8, close_payload, 2);
  write_all (peer, frames->data, frames->len);
  close (peer);

  conn = cs_ws_conn_new (stream, config, &callbacks, &state);
  spin_until_closed (&state, 2000);
  g_assert_true (state.closed);
  /* The stream's close, and the read it cancelled, come back. */
  spin (50);
  g_assert_null (g_main_context_find_source_by_user_data (NULL, conn));
  cs_ws_conn_unref (conn);
}

/* Reads what the server wrote so far, without blocking. Returns FALSE at
 * the end of the stream. */
static gboolean
drain (int         fd,
       GByteArray *got)
{
  guint8 buf[65536];

  for (;;)
    {
      gssize n = read (fd, buf, sizeof buf);

      if (n > 0)
        g_byte_array_append (got, buf, n);
      else if (n == 0)
        return FALSE;
      else
        {
          g_assert_cmpint (errno, ==, EAGAIN);
          return TRUE;
        }
    }
}

/* Server frames as the peer reads them: unmasked. Returns the offset of
 * the close frame, or -1 while it has not come whole. Each text frame
 * must be the next of @n_sent, whole and in order. */
static gssize
parse_server_frames (GByteArray *got,
                     guint       n_sent,
                     gsize       text_length)
{
  gsize pos = 0;
  guint n = 0;

  while (pos + 2 <= got->len)
    {
      guint8 *p = got->data + pos;
      guint8 opcode = p[0] & 0x0f;
      guint64 length = p[1] & 0x7f;
      gsize header = 2;

      g_assert_cmpuint (p[1] & 0x80, ==, 0);
      if (length == 126)
        {
          if (pos + 4 > got->len)
            return -1;
          length = ((guint64) p[2] << 8) | p[3];
          header = 4;
        }
      else if (length == 127)
        {
          if (pos + 10 > got->len)
            return -1;
          length = 0;
          for (int i = 0; i < 8; i++)
            length = (length << 8) | p[2 + i];
          header = 10;
        }
      if (pos + header + length > got->len)
        return -1;
      if (opcode == 0x8)
        {
          g_assert_cmpuint (n, ==, n_sent);
          return (gssize) pos;
        }
      g_assert_cmpuint (opcode, ==, 0x1);
      g_assert_cmpuint (length, ==, text_length);
      for (gsize i = 0; i < length; i++)
        g_assert_cmpint (p[header + i], ==, 'a' + (n % 26));
      n++;
      pos += header + length;
    }
  return -1;
}

/* Frames larger than the socket's buffers go out in pieces (a partial
 * write, then a wait for the socket to take more), whole and in order.
 * A close from the peer while they are still going out is echoed after
 * them, and the socket is shut as soon as the echo is written, not at the
 * end of the timer that bounds a peer that does not read. */
static void
test_partial_writes_then_close (void)
{
  g_autoptr(CsConfig) config = cs_config_new ();
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GByteArray) got = g_byte_array_new ();
  g_autoptr(GByteArray) close_frame = g_byte_array_new ();
  static const guint8 close_payload[2] = { 0x03, 0xe8 };
  const gsize text_length = 100000;
  const guint n_sent = 8;
  State state = { 0 };
  CsWsConn *conn;
  gssize at = -1;
  gint64 echo_read;
  int peer;

  stream = stream_pair (&peer, 4096);
  g_assert_cmpint (fcntl (peer, F_SETFL, O_NONBLOCK), ==, 0);
  conn = cs_ws_conn_new (stream, config, &callbacks, &state);
  for (guint i = 0; i < n_sent; i++)
    {
      g_autofree char *text = g_malloc (text_length);
      g_autoptr(GBytes) frame = NULL;

      memset (text, 'a' + (i % 26), text_length);
      frame = cs_ws_frame_text (text, text_length);
      g_assert_true (cs_ws_conn_send_frame (conn, frame));
    }
  /* The socket took only part of it. */
  g_assert_cmpuint (cs_ws_conn_queued (conn), >, 0);

  client_frame (close_frame, 0x8, close_payload, 2);
  write_all (peer, close_frame->data, close_frame->len);
  /* The server reads the close while its frames are still queued. */
  spin (20);
  g_assert_false (state.closed);

  /* Read everything, as a peer does; the echo comes last. */
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    gboolean open = TRUE;

    while (at < 0 && open && g_get_monotonic_time () < end)
      {
        /* The echo and the end of the stream may come in one read. */
        open = drain (peer, got);
        at = parse_server_frames (got, n_sent, text_length);
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
      }
  }
  g_assert_cmpint (at, >=, 0);
  echo_read = g_get_monotonic_time ();
  g_assert_cmpuint (got->data[at], ==, 0x88);
  g_assert_cmpuint (got->len, ==, (gsize) at + 4);
  g_assert_cmpuint (got->data[at + 2] << 8 | got->data[at + 3], ==, 1000);

  /* Shut once the echo was written: the timer would have taken 500 ms. */
  spin_until_closed (&state, 2000);
  g_assert_true (state.closed);
  g_assert_cmpint (g_get_monotonic_time () - echo_read, <, 200 * 1000);
  {
    gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    gboolean open;

    while ((open = drain (peer, got)) && g_get_monotonic_time () < end)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    g_assert_false (open);
  }
  g_assert_cmpuint (got->len, ==, (gsize) at + 4);
  spin (50);
  g_assert_null (g_main_context_find_source_by_user_data (NULL, conn));
  cs_ws_conn_unref (conn);
  close (peer);
}

int
main (int argc, char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/ws-conn/failed-write-then-close", test_failed_write_then_close);
  g_test_add_func ("/server/ws-conn/partial-writes-then-close", test_partial_writes_then_close);
  return g_test_run ();
}
