/* test-server-wsconn.c: the server's WebSocket framing (cs-ws.c) over a
 * socket pair, without a server: failed writes and the closing
 * handshake, in orders that a real server gives only by chance.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-ws.h"

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

int
main (int argc, char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/ws-conn/failed-write-then-close", test_failed_write_then_close);
  return g_test_run ();
}
