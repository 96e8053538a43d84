/* cs-ws.c: RFC 6455 framing for the server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-ws"

#include "cs-ws.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef CS_HAVE_LIBURING
#include <liburing.h>
#endif

#define READ_CHUNK   16384
#define MAX_VECTORS  64
#define CLOSE_WAIT_MS 2000
/* A peer may ping this often (ours go out every 30 s; libsoup and browsers
 * ping about as rarely). More is a flood: closed with 1008. */
#define PING_WINDOW_US (10 * G_USEC_PER_SEC)
#define PING_WINDOW_MAX 50

#define POLL_BATCH   64
/* Sends submitted to the kernel at once by cs_ws_conns_flush(). */
#define RING_ENTRIES 256

/* Many sockets as one source of the main loop (see cs_ws_poller_new). */
struct _CsWsPoller {
  GSource  source;
  gint     ref_count;   /* the owner's and each connection's */
  int      epfd;
  GQueue   timed;       /* connections whose ping tick is the poller's */
  guint    tick_id;     /* ... one timer for all of them */
  guint    tick_ms;
#ifdef CS_HAVE_LIBURING
  gboolean        has_ring;
  struct io_uring ring;  /* many sockets' writes in one system call */
#endif
};

enum { OP_CONT = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xA };

struct _CsWsConn {
  gint           ref_count;
  GIOStream     *stream;
  GInputStream  *in;
  GOutputStream *out;
  GCancellable  *cancellable;
  CsWsCallbacks  callbacks;
  gpointer       user_data;
  gsize          frame_max;
  gsize          queue_max;
  guint          peer_timeout_ms;

  guint8         read_buf[READ_CHUNK];
  CsWsPoller    *poller;         /* waits on the socket with many others, or NULL */
  gboolean       poll_in;        /* ... for the peer's bytes */
  gboolean       poll_out;       /* ... until the socket takes more */
  gboolean       polled;         /* in the poller's set, holding a reference */
  GSource       *in_source;      /* waits for the peer's bytes, for as long as we read */
  guint          first_read_id;  /* reads what libsoup buffered past the handshake */
  GSocket       *socket;         /* under the output stream, when it is a socket's */
  int            fd;             /* ... written with sendmsg () (see flush_now), or -1 */
  GByteArray    *incoming;       /* bytes not yet parsed */
  GByteArray    *message;        /* a fragmented text message being assembled */
  gboolean       in_message;

  GQueue         queue;          /* GBytes* frames to write */
  gsize          queued_bytes;
  gboolean       writing;        /* an async write, or a wait for POLLOUT */
  GOutputVector  vectors[MAX_VECTORS];
  guint          n_vectors;      /* frames in the async write */
  struct iovec   iov[MAX_VECTORS];  /* a write without blocking (write_vectors, the ring) */
  struct msghdr  msg;            /* ... the ring's, while it is submitted */
  gboolean       pollable;       /* written without blocking (see flush) */
  gsize          head_written;   /* bytes of the first frame already written */
  GSource       *out_source;     /* waits until the socket takes more */
  GList         *pong_link;      /* our pong in the queue, not yet being written */

  gint64         ping_window_us; /* start of the current window of peer pings */
  guint          pings_in_window;

  gint64         last_recv_us;
  guint          ping_id;        /* its own ping timer, without a poller */
  GList          timed_link;     /* in poller->timed: the poller's timer pings it */
  gint64         next_tick_us;
  guint          tick_ms;
  guint          close_id;       /* the closing handshake's timer, and only that */
  guint          fail_id;        /* shuts from the main loop after a failed write */
  gboolean       close_sent;
  gboolean       close_received; /* the peer's close frame: we shut once our echo is out */
  gboolean       write_failed;   /* shut by fail_id, already logged */
  gboolean       closed;         /* the stream is shut, callbacks done */
};

static void start_read   (CsWsConn *conn);
static void stop_ticking (CsWsConn *conn);
static void flush        (CsWsConn *conn);
static void update_poll  (CsWsConn *conn);

static void
stop_waiting (CsWsConn *conn)
{
  if (conn->poll_out)
    {
      conn->poll_out = FALSE;
      update_poll (conn);
    }
  if (conn->out_source)
    {
      g_source_destroy (conn->out_source);
      g_clear_pointer (&conn->out_source, g_source_unref);
    }
}

static void
stop_reading (CsWsConn *conn)
{
  g_clear_handle_id (&conn->first_read_id, g_source_remove);
  if (conn->poll_in)
    {
      conn->poll_in = FALSE;
      update_poll (conn);
    }
  if (conn->in_source)
    {
      g_source_destroy (conn->in_source);
      g_clear_pointer (&conn->in_source, g_source_unref);
    }
}

CsWsConn *
cs_ws_conn_ref (CsWsConn *conn)
{
  g_atomic_int_inc (&conn->ref_count);
  return conn;
}

void
cs_ws_conn_unref (CsWsConn *conn)
{
  if (conn == NULL || !g_atomic_int_dec_and_test (&conn->ref_count))
    return;
  stop_ticking (conn);
  g_clear_handle_id (&conn->close_id, g_source_remove);
  g_clear_handle_id (&conn->fail_id, g_source_remove);
  stop_waiting (conn);
  g_assert (conn->in_source == NULL && !conn->polled);   /* they hold a reference */
  g_queue_clear_full (&conn->queue, (GDestroyNotify) g_bytes_unref);
  g_byte_array_unref (conn->incoming);
  g_byte_array_unref (conn->message);
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->socket);
  g_clear_object (&conn->stream);
  g_clear_pointer (&conn->poller, cs_ws_poller_unref);
  g_free (conn);
}

gboolean
cs_ws_conn_is_open (CsWsConn *conn)
{
  return !conn->closed && !conn->close_sent;
}

void
cs_ws_conn_detach (CsWsConn *conn)
{
  conn->callbacks.text = NULL;
  conn->callbacks.closed = NULL;
}

gsize
cs_ws_conn_queued (CsWsConn *conn)
{
  return conn->queued_bytes;
}

/* ---- tearing down ------------------------------------------------------ */

static void
stream_closed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  cs_ws_conn_unref (data);
}

/* Shuts the stream and tells the owner, once. */
static void
shut (CsWsConn *conn)
{
  if (conn->closed)
    return;
  conn->closed = TRUE;
  stop_ticking (conn);
  g_clear_handle_id (&conn->close_id, g_source_remove);
  g_clear_handle_id (&conn->fail_id, g_source_remove);
  stop_waiting (conn);
  stop_reading (conn);
  g_cancellable_cancel (conn->cancellable);
  g_io_stream_close_async (conn->stream, G_PRIORITY_DEFAULT, NULL, stream_closed_cb, cs_ws_conn_ref (conn));
  if (conn->callbacks.closed)
    conn->callbacks.closed (conn, conn->user_data);
}

static gboolean
close_timeout_cb (gpointer data)
{
  CsWsConn *conn = data;

  conn->close_id = 0;
  g_message ("Shutting a WebSocket whose peer did not finish the closing handshake in time");
  shut (conn);
  return G_SOURCE_REMOVE;
}

static gboolean
write_failed_cb (gpointer data)
{
  CsWsConn *conn = data;

  conn->fail_id = 0;
  shut (conn);
  return G_SOURCE_REMOVE;
}

/* Both sides have said goodbye once our close frame is written after the
 * peer's: shut then, rather than at the timer. Called from the main loop
 * only (a write finished, or the socket took the rest), never from inside
 * a delivery walking the list of sockets. */
static void
finish_if_closed (CsWsConn *conn)
{
  if (conn->close_received && conn->close_sent && !conn->closed && !conn->writing &&
      g_queue_is_empty (&conn->queue))
    shut (conn);
}

/* ---- writing ----------------------------------------------------------- */

static GBytes *
make_frame (guint8       opcode,
            const void  *payload,
            gsize        length)
{
  guint8 header[10];
  gsize hlen = 2;
  guint8 *buf;

  header[0] = 0x80 | opcode;
  if (length < 126)
    header[1] = (guint8) length;
  else if (length <= 0xffff)
    {
      header[1] = 126;
      header[2] = (guint8) (length >> 8);
      header[3] = (guint8) length;
      hlen = 4;
    }
  else
    {
      header[1] = 127;
      for (int i = 0; i < 8; i++)
        header[2 + i] = (guint8) ((guint64) length >> (56 - 8 * i));
      hlen = 10;
    }
  buf = g_malloc (hlen + length);
  memcpy (buf, header, hlen);
  if (length)
    memcpy (buf + hlen, payload, length);
  return g_bytes_new_take (buf, hlen + length);
}

GBytes *
cs_ws_frame_text (const char *text,
                  gssize      length)
{
  return make_frame (OP_TEXT, text, length < 0 ? strlen (text) : (gsize) length);
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  CsWsConn *conn = data;
  g_autoptr(GError) error = NULL;

  conn->writing = FALSE;
  if (!g_output_stream_writev_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Shutting a WebSocket whose write failed: %s", error->message);
      shut (conn);
      cs_ws_conn_unref (conn);
      return;
    }
  for (guint i = 0; i < conn->n_vectors; i++)
    {
      GBytes *frame = g_queue_pop_head (&conn->queue);

      conn->queued_bytes -= g_bytes_get_size (frame);
      g_bytes_unref (frame);
    }
  conn->n_vectors = 0;
  flush (conn);
  finish_if_closed (conn);
  cs_ws_conn_unref (conn);
}

static gboolean
writable_cb (GObject  *stream,
             gpointer  data)
{
  CsWsConn *conn = data;

  g_clear_pointer (&conn->out_source, g_source_unref);
  conn->writing = FALSE;
  flush (conn);
  finish_if_closed (conn);
  return G_SOURCE_REMOVE;
}

/* Drops the written bytes from the head of the queue. */
static void
consume (CsWsConn *conn,
         gsize     written)
{
  while (written > 0)
    {
      GBytes *frame = g_queue_peek_head (&conn->queue);

      /* A pong that has started to go out can no longer be replaced. */
      if (conn->queue.head == conn->pong_link)
        conn->pong_link = NULL;
      gsize size = g_bytes_get_size (frame);
      gsize left = size - conn->head_written;

      if (written < left)
        {
          conn->head_written += written;
          return;
        }
      written -= left;
      conn->head_written = 0;
      conn->queued_bytes -= size;
      g_bytes_unref (g_queue_pop_head (&conn->queue));
    }
}

/* Points conn->vectors at the queued frames, up to MAX_VECTORS, less what
 * of the first one is already written; returns how many. */
static guint
queued_vectors (CsWsConn *conn)
{
  guint n = 0;

  for (GList *l = conn->queue.head; l && n < MAX_VECTORS; l = l->next, n++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (l->data, &size);
      gsize skip = n == 0 ? conn->head_written : 0;

      conn->vectors[n].buffer = data + skip;
      conn->vectors[n].size = size - skip;
    }
  return n;
}

/* conn->vectors' first @n as the iovecs sendmsg () takes, in conn->iov. */
static struct iovec *
vectors_to_iov (CsWsConn *conn,
                guint     n)
{
  for (guint i = 0; i < n; i++)
    {
      conn->iov[i].iov_base = (void *) conn->vectors[i].buffer;
      conn->iov[i].iov_len = conn->vectors[i].size;
    }
  return conn->iov;
}

/* Writes @n of conn->vectors without blocking. On a socket, with one
 * sendmsg (): GIO's pollable writev adds a dozen checks and calls per
 * write, and at low rates there is one write per delivery. */
static GPollableReturn
write_vectors (CsWsConn *conn,
               guint     n,
               gsize    *written,
               GError  **error)
{
  struct msghdr msg = { 0 };
  gssize r;

  if (conn->fd < 0)
    return g_pollable_output_stream_writev_nonblocking (G_POLLABLE_OUTPUT_STREAM (conn->out), conn->vectors, n,
                                                        written, NULL, error);
  msg.msg_iov = vectors_to_iov (conn, n);
  msg.msg_iovlen = n;
  do
    r = sendmsg (conn->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r >= 0)
    {
      *written = r;
      return G_POLLABLE_RETURN_OK;
    }
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return G_POLLABLE_RETURN_WOULD_BLOCK;
  {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Error sending data: %s", g_strerror (saved));
  }
  return G_POLLABLE_RETURN_FAILED;
}

/* Writes what the socket takes now, without blocking, and waits for it
 * to take more only when it is full. An asynchronous write per frame
 * cost two GTasks and two main-loop dispatches per delivery, which is
 * what a delivery cost at low rates, when frames do not queue up: 200
 * sockets at 100 msg/s. */
static gboolean
flush_now (CsWsConn *conn)
{
  while (!g_queue_is_empty (&conn->queue))
    {
      g_autoptr(GError) error = NULL;
      gsize written = 0;
      guint n = queued_vectors (conn);
      GPollableReturn r;

      r = write_vectors (conn, n, &written, &error);
      if (r == G_POLLABLE_RETURN_WOULD_BLOCK)
        break;
      if (r == G_POLLABLE_RETURN_FAILED)
        {
          g_message ("Shutting a WebSocket whose write failed: %s", error ? error->message : "?");
          conn->write_failed = TRUE;
          /* Shut from the main loop, not from inside a delivery that is
           * walking the list of sockets. */
          conn->writing = TRUE;
          if (conn->fail_id == 0)
            conn->fail_id = g_idle_add_full (G_PRIORITY_DEFAULT, write_failed_cb, conn, NULL);
          return FALSE;
        }
      consume (conn, written);
    }
  return TRUE;
}

static void
flush (CsWsConn *conn)
{
  guint n = 0;

  if (conn->writing || conn->closed)
    return;
  if (g_queue_is_empty (&conn->queue))
    return;
  if (conn->pollable)
    {
      if (!flush_now (conn) || g_queue_is_empty (&conn->queue))
        return;
      conn->writing = TRUE;
      if (conn->poller)
        {
          conn->poll_out = TRUE;
          update_poll (conn);
        }
      else
        {
          conn->out_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (conn->out),
                                                                     conn->cancellable);
          g_source_set_callback (conn->out_source, (GSourceFunc) G_CALLBACK (writable_cb), conn, NULL);
          g_source_set_static_name (conn->out_source, "[causerie] WebSocket writable");
          g_source_set_can_recurse (conn->out_source, TRUE);   /* as in_source */
          g_source_attach (conn->out_source, g_main_context_get_thread_default ());
        }
      return;
    }
  for (GList *l = conn->queue.head; l && n < MAX_VECTORS; l = l->next, n++)
    {
      gsize size;

      conn->vectors[n].buffer = g_bytes_get_data (l->data, &size);
      conn->vectors[n].size = size;
      if (l == conn->pong_link)
        conn->pong_link = NULL;
    }
  conn->n_vectors = n;
  conn->writing = TRUE;
  g_output_stream_writev_all_async (conn->out, conn->vectors, n, G_PRIORITY_DEFAULT,
                                    conn->cancellable, write_done_cb, cs_ws_conn_ref (conn));
}

static void
enqueue (CsWsConn *conn,
         GBytes   *frame)
{
  conn->queued_bytes += g_bytes_get_size (frame);
  g_queue_push_tail (&conn->queue, g_bytes_ref (frame));
  flush (conn);
}

/* The frames at the head of the queue that have started to go out: the
 * async write's, or the one partly written without blocking. */
static guint
n_in_flight (CsWsConn *conn)
{
  return conn->pollable ? (conn->head_written > 0 ? 1 : 0) : conn->n_vectors;
}

/* Drops the frames that have not started to go out. */
static void
drop_unsent (CsWsConn *conn)
{
  conn->pong_link = NULL;
  while (conn->queue.length > n_in_flight (conn))
    {
      GBytes *dropped = g_queue_pop_tail (&conn->queue);

      conn->queued_bytes -= g_bytes_get_size (dropped);
      g_bytes_unref (dropped);
    }
}

static void
send_close (CsWsConn   *conn,
            guint16     code,
            const char *reason)
{
  guint8 payload[125];
  gsize rlen = reason ? MIN (strlen (reason), sizeof payload - 2) : 0;
  g_autoptr(GBytes) frame = NULL;

  if (conn->close_sent || conn->closed)
    return;
  payload[0] = (guint8) (code >> 8);
  payload[1] = (guint8) code;
  if (rlen)
    memcpy (payload + 2, reason, rlen);
  frame = make_frame (OP_CLOSE, payload, 2 + rlen);
  /* The close frame counts against the bound like any other: what it
   * would push past it is dropped (nothing is sent after a close anyway). */
  if (conn->queued_bytes + g_bytes_get_size (frame) > conn->queue_max)
    drop_unsent (conn);
  conn->close_sent = TRUE;
  /* The peer has this long to answer, or to read at all (a slow reader may
   * never take our close frame off the wire). A failed write shuts sooner
   * (fail_id). */
  g_clear_handle_id (&conn->close_id, g_source_remove);
  if (!conn->write_failed)
    conn->close_id = g_timeout_add (CLOSE_WAIT_MS, close_timeout_cb, conn);
  enqueue (conn, frame);
}

void
cs_ws_conn_close (CsWsConn   *conn,
                  guint16     code,
                  const char *reason)
{
  send_close (conn, code, reason);
}

static gboolean
queue_frame (CsWsConn *conn,
             GBytes   *frame,
             gboolean  now)
{
  if (conn->closed || conn->close_sent)
    return FALSE;
  if (conn->queued_bytes + g_bytes_get_size (frame) > conn->queue_max)
    {
      /* A reader this far behind gets nothing more: drop what has not
       * started to go out, and tell it to come back and sync. */
      drop_unsent (conn);
      g_message ("Closing a WebSocket whose reader is too slow (queue over %" G_GSIZE_FORMAT " bytes)",
                 conn->queue_max);
      send_close (conn, CS_WS_CLOSE_TRY_AGAIN_LATER, "Too far behind; reconnect and sync");
      return FALSE;
    }
  if (now && conn->fd >= 0 && !conn->writing && g_queue_is_empty (&conn->queue))
    {
      /* Nothing waits before it: straight to the socket, and queued only
       * if the socket does not take all of it. At low rates this is every
       * delivery. */
      gsize size;
      const guint8 *data = g_bytes_get_data (frame, &size);
      gssize r;

      do
        r = send (conn->fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      while (r < 0 && errno == EINTR);
      if (r == (gssize) size)
        return TRUE;
      /* The rest goes as any queued frame would (a failure too). */
      conn->head_written = r > 0 ? (gsize) r : 0;
    }
  conn->queued_bytes += g_bytes_get_size (frame);
  g_queue_push_tail (&conn->queue, g_bytes_ref (frame));
  if (now)
    flush (conn);
  return TRUE;
}

gboolean
cs_ws_conn_send_frame (CsWsConn *conn,
                       GBytes   *frame)
{
  return queue_frame (conn, frame, TRUE);
}

gboolean
cs_ws_conn_queue_frame (CsWsConn *conn,
                        GBytes   *frame)
{
  return queue_frame (conn, frame, FALSE);
}

void
cs_ws_conn_flush (CsWsConn *conn)
{
  flush (conn);
}

#ifdef CS_HAVE_LIBURING
/* Whether @conn's queue may go out through @poller's ring: what flush ()
 * would write at once, on a socket of ours. */
static gboolean
ring_may_write (CsWsConn   *conn,
                CsWsPoller *poller)
{
  return conn->poller == poller && conn->fd >= 0 && conn->pollable && !conn->writing && !conn->closed &&
         !g_queue_is_empty (&conn->queue);
}

/* The end of a ring write: what the socket took leaves the queue; the rest,
 * a socket that would block, and a failure take flush ()'s way, which
 * writes again, waits for the socket or shuts it as it would have done. */
static void
ring_write_done (CsWsConn *conn,
                 int       res)
{
  if (res > 0)
    consume (conn, (gsize) res);
  flush (conn);
}

/* Submits @n prepared sends (@conns, in order) and waits for their ends.
 * The sends carry MSG_DONTWAIT, so none waits for its socket: a full one
 * ends at once with -EAGAIN rather than being left in the kernel. A ring
 * that does not take them all is given up for good, and what it did not
 * take goes flush ()'s way. Returns how many it took. */
static guint
ring_run (CsWsPoller *poller,
          CsWsConn  **conns,
          guint       n)
{
  struct io_uring *ring = &poller->ring;
  guint submitted = 0, done = 0, tries = 0;
  int r = 0;

  while (submitted < n)
    {
      r = io_uring_submit (ring);
      if (r > 0)
        submitted += r;
      else if ((r == -EINTR || r == -EAGAIN || r == 0) && ++tries < 16)
        continue;
      else
        break;
    }
  while (done < submitted)
    {
      struct io_uring_cqe *cqe;
      unsigned head, seen = 0;

      r = io_uring_wait_cqe (ring, &cqe);
      if (r == -EINTR)
        continue;
      if (r < 0)
        /* Sends in the kernel point into queued frames: nothing may be
         * freed while they may still run. */
        g_error ("io_uring: waiting for submitted sends: %s", g_strerror (-r));
      io_uring_for_each_cqe (ring, head, cqe)
        {
          CsWsConn *conn = io_uring_cqe_get_data (cqe);

          ring_write_done (conn, cqe->res);
          cs_ws_conn_unref (conn);
          seen++;
        }
      io_uring_cq_advance (ring, seen);
      done += seen;
    }
  if (submitted < n)
    {
      g_warning ("io_uring: %s; WebSockets are written one system call each from now on",
                 r < 0 ? g_strerror (-r) : "sends not taken");
      /* Closing the ring drops the sends it did not take. */
      io_uring_queue_exit (ring);
      poller->has_ring = FALSE;
      for (guint k = submitted; k < n; k++)
        {
          flush (conns[k]);
          cs_ws_conn_unref (conns[k]);
        }
    }
  return submitted;
}
#endif

/**
 * cs_ws_conns_flush:
 * @conns: connections with frames queued by cs_ws_conn_queue_frame ()
 * @n: how many
 *
 * Flushes every one of @conns, as cs_ws_conn_flush () would. Those that
 * share a poller with an io_uring ring go out in one system call for all:
 * a fan-out at low rates writes one frame to each of many sockets, and
 * a send () each cost more than the rest of the delivery (on the machine
 * of issue 18, about 9 µs of CPU per send against under 5 through the
 * ring, most of it the system call itself).
 */
guint
cs_ws_conns_flush (CsWsConn **conns,
                   guint      n)
{
#ifdef CS_HAVE_LIBURING
  CsWsConn *batch[RING_ENTRIES];
  guint i = 0, ring_writes = 0;

  while (i < n)
    {
      CsWsPoller *poller = NULL;
      guint in_ring = 0;

      for (; i < n && in_ring < RING_ENTRIES; i++)
        {
          CsWsConn *conn = conns[i];
          struct io_uring_sqe *sqe;
          guint vectors;

          if (poller == NULL && conn->poller && conn->poller->has_ring)
            poller = conn->poller;
          if (poller == NULL || !ring_may_write (conn, poller) || (sqe = io_uring_get_sqe (&poller->ring)) == NULL)
            {
              flush (conn);
              continue;
            }
          vectors = queued_vectors (conn);
          if (vectors == 1)
            io_uring_prep_send (sqe, conn->fd, conn->vectors[0].buffer, conn->vectors[0].size,
                                MSG_DONTWAIT | MSG_NOSIGNAL);
          else
            {
              memset (&conn->msg, 0, sizeof conn->msg);
              conn->msg.msg_iov = vectors_to_iov (conn, vectors);
              conn->msg.msg_iovlen = vectors;
              io_uring_prep_sendmsg (sqe, conn->fd, &conn->msg, MSG_DONTWAIT | MSG_NOSIGNAL);
            }
          io_uring_sqe_set_data (sqe, cs_ws_conn_ref (conn));
          batch[in_ring++] = conn;
        }
      if (in_ring > 0)
        ring_writes += ring_run (poller, batch, in_ring);
    }
  return ring_writes;
#else
  for (guint i = 0; i < n; i++)
    flush (conns[i]);
  return 0;
#endif
}

gboolean
cs_ws_poller_batches (CsWsPoller *poller)
{
#ifdef CS_HAVE_LIBURING
  return poller && poller->has_ring;
#else
  return FALSE;
#endif
}

gboolean
cs_ws_conn_send_text (CsWsConn   *conn,
                      const char *text)
{
  g_autoptr(GBytes) frame = cs_ws_frame_text (text, -1);

  return cs_ws_conn_send_frame (conn, frame);
}

/* ---- reading ----------------------------------------------------------- */

CsWsParse
cs_ws_parse_frame_header (const guint8     *p,
                          gsize             len,
                          gsize             frame_max,
                          gsize             message_len,
                          CsWsFrameHeader  *out,
                          guint16          *close_code,
                          const char      **reason)
{
  gboolean fin;
  guint8 opcode;
  guint64 length;
  gsize header = 2;

#define REFUSE(code, text) return (*close_code = (code), *reason = (text), CS_WS_PARSE_ERROR)
  if (len < 2)
    return CS_WS_PARSE_MORE;
  fin = (p[0] & 0x80) != 0;
  opcode = p[0] & 0x0f;
  length = p[1] & 0x7f;
  if (p[0] & 0x70)
    REFUSE (CS_WS_CLOSE_PROTOCOL_ERROR, "Reserved bits set");
  if (!(p[1] & 0x80))
    REFUSE (CS_WS_CLOSE_PROTOCOL_ERROR, "Client frames must be masked");
  if (length == 126)
    {
      if (len < 4)
        return CS_WS_PARSE_MORE;
      length = ((guint64) p[2] << 8) | p[3];
      header = 4;
    }
  else if (length == 127)
    {
      if (len < 10)
        return CS_WS_PARSE_MORE;
      length = 0;
      for (int i = 0; i < 8; i++)
        length = (length << 8) | p[2 + i];
      header = 10;
    }
  if (opcode >= OP_CLOSE && (length > 125 || !fin))
    REFUSE (CS_WS_CLOSE_PROTOCOL_ERROR, "Bad control frame");
  if (length > frame_max ||
      (opcode == OP_CONT && message_len + length > frame_max))
    REFUSE (CS_WS_CLOSE_TOO_BIG, "Frame too large");
#undef REFUSE
  if (len < header + 4 + length)
    return CS_WS_PARSE_MORE;
  out->fin = fin;
  out->opcode = opcode;
  out->header = header;
  out->length = length;
  return CS_WS_PARSE_FRAME;
}

static void
protocol_error (CsWsConn   *conn,
                guint16     code,
                const char *reason)
{
  g_debug ("WebSocket protocol error: %s", reason);
  send_close (conn, code, reason);
}

static void
deliver_text (CsWsConn     *conn,
              const guint8 *data,
              gsize         length)
{
  if (!g_utf8_validate ((const char *) data, length, NULL))
    {
      protocol_error (conn, CS_WS_CLOSE_BAD_DATA, "Text frames must be UTF-8");
      return;
    }
  if (conn->callbacks.text && !conn->close_sent)
    {
      /* NUL-terminate for the handler's convenience. */
      g_autofree char *text = g_strndup ((const char *) data, length);

      conn->callbacks.text (conn, text, length, conn->user_data);
    }
}

/* Answers a ping. Pongs count against the queue bound like data; one that
 * is still waiting is replaced rather than joined (RFC 6455 5.5.3 lets us
 * answer only the latest ping), so a peer that pings and never reads costs
 * one frame, not one per ping. A peer pinging faster than PING_WINDOW_MAX
 * per window is flooding: 1008. Returns FALSE to stop reading. */
static gboolean
answer_ping (CsWsConn     *conn,
             const guint8 *payload,
             gsize         length)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GBytes) pong = NULL;

  if (conn->close_sent)
    return TRUE;
  if (now - conn->ping_window_us >= PING_WINDOW_US)
    {
      conn->ping_window_us = now;
      conn->pings_in_window = 0;
    }
  if (++conn->pings_in_window > PING_WINDOW_MAX)
    {
      g_message ("Closing a WebSocket that sent more than %d pings in %d s",
                 PING_WINDOW_MAX, (int) (PING_WINDOW_US / G_USEC_PER_SEC));
      drop_unsent (conn);
      protocol_error (conn, CS_WS_CLOSE_POLICY_VIOLATION, "Too many pings");
      return FALSE;
    }
  pong = make_frame (OP_PONG, payload, length);
  if (conn->pong_link)
    {
      GBytes *old = conn->pong_link->data;

      conn->queued_bytes -= g_bytes_get_size (old);
      conn->queued_bytes += g_bytes_get_size (pong);
      conn->pong_link->data = g_bytes_ref (pong);
      g_bytes_unref (old);
      return TRUE;
    }
  if (!cs_ws_conn_send_frame (conn, pong))
    return FALSE;
  /* Still queued behind a write in progress: the next ping replaces it. */
  if (conn->queue.tail && conn->queue.tail->data == pong && conn->queue.length > n_in_flight (conn))
    conn->pong_link = conn->queue.tail;
  return TRUE;
}

/* Parses complete frames from conn->incoming. Returns FALSE to stop reading. */
static gboolean
parse_frames (CsWsConn *conn)
{
  while (!conn->closed && conn->incoming->len >= 2)
    {
      guint8 *p = conn->incoming->data;
      CsWsFrameHeader h;
      guint16 code = 0;
      const char *reason = NULL;
      gboolean fin;
      guint8 opcode;
      guint64 length;
      gsize header;
      guint8 *mask;
      guint8 *payload;

      switch (cs_ws_parse_frame_header (p, conn->incoming->len, conn->frame_max, conn->message->len,
                                        &h, &code, &reason))
        {
        case CS_WS_PARSE_MORE:
          return TRUE;
        case CS_WS_PARSE_ERROR:
          return protocol_error (conn, code, reason), FALSE;
        case CS_WS_PARSE_FRAME:
        default:
          break;
        }
      fin = h.fin;
      opcode = h.opcode;
      length = h.length;
      header = h.header;

      mask = p + header;
      payload = mask + 4;
      for (guint64 i = 0; i < length; i++)
        payload[i] ^= mask[i & 3];

      switch (opcode)
        {
        case OP_TEXT:
          if (conn->in_message)
            return protocol_error (conn, CS_WS_CLOSE_PROTOCOL_ERROR, "Expected a continuation"), FALSE;
          if (fin)
            deliver_text (conn, payload, length);
          else
            {
              conn->in_message = TRUE;
              g_byte_array_set_size (conn->message, 0);
              g_byte_array_append (conn->message, payload, length);
            }
          break;
        case OP_CONT:
          if (!conn->in_message)
            return protocol_error (conn, CS_WS_CLOSE_PROTOCOL_ERROR, "Unexpected continuation"), FALSE;
          g_byte_array_append (conn->message, payload, length);
          if (fin)
            {
              conn->in_message = FALSE;
              deliver_text (conn, conn->message->data, conn->message->len);
              g_byte_array_set_size (conn->message, 0);
            }
          break;
        case OP_BINARY:
          return protocol_error (conn, CS_WS_CLOSE_UNSUPPORTED_DATA, "Only JSON text frames are accepted"), FALSE;
        case OP_PING:
          if (!answer_ping (conn, payload, length))
            return FALSE;
          break;
        case OP_PONG:
          break;
        case OP_CLOSE:
          {
            guint16 code = length >= 2 ? (guint16) ((payload[0] << 8) | payload[1]) : CS_WS_CLOSE_NORMAL;

            if (!conn->close_sent)
              send_close (conn, code == 1005 || code == 1006 || code < 1000 ? CS_WS_CLOSE_NORMAL : code, NULL);
            conn->close_received = TRUE;
            /* Both sides have said goodbye once our echo is written: now,
             * or when the write finishes (finish_if_closed); the timer
             * only bounds a peer that does not read it. */
            if (!conn->writing && g_queue_is_empty (&conn->queue))
              shut (conn);
            else if (!conn->write_failed)
              {
                g_clear_handle_id (&conn->close_id, g_source_remove);
                conn->close_id = g_timeout_add (CLOSE_WAIT_MS / 4, close_timeout_cb, conn);
              }
            return FALSE;
          }
        default:
          return protocol_error (conn, CS_WS_CLOSE_PROTOCOL_ERROR, "Unknown opcode"), FALSE;
        }
      g_byte_array_remove_range (conn->incoming, 0, header + 4 + length);
    }
  return TRUE;
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  CsWsConn *conn = data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n <= 0)
    {
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Shutting a WebSocket whose read failed: %s", error->message);
      else if (n == 0 && !conn->closed)
        g_debug ("A WebSocket peer closed the connection without a closing handshake");
      shut (conn);
      cs_ws_conn_unref (conn);
      return;
    }
  conn->last_recv_us = g_get_monotonic_time ();
  g_byte_array_append (conn->incoming, conn->read_buf, n);
  if (parse_frames (conn) && !conn->closed)
    start_read (conn);
  cs_ws_conn_unref (conn);
}

/* Reads what is there without blocking; @full says whether it filled
 * the buffer. Returns FALSE when reading has stopped (in_source is gone). */
static gboolean
read_some (CsWsConn *conn,
           gboolean *full)
{
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (conn->in), conn->read_buf,
                                                sizeof conn->read_buf, NULL, &error);
  if (full)
    *full = n == sizeof conn->read_buf;
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return TRUE;
  if (n <= 0)
    {
      if (n < 0)
        g_message ("Shutting a WebSocket whose read failed: %s", error->message);
      else if (!conn->closed)
        g_debug ("A WebSocket peer closed the connection without a closing handshake");
      shut (conn);   /* stops reading */
      return FALSE;
    }
  conn->last_recv_us = g_get_monotonic_time ();
  g_byte_array_append (conn->incoming, conn->read_buf, n);
  if (!parse_frames (conn) || conn->closed)
    {
      stop_reading (conn);
      return FALSE;
    }
  return TRUE;
}

static gboolean
socket_readable_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      data)
{
  return read_some (data, NULL) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
stream_readable_cb (GObject  *stream,
                    gpointer  data)
{
  return read_some (data, NULL) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* libsoup may have read past the handshake into its buffer, which the
 * socket's source would not see: read once at the start. in_source keeps
 * @data alive until then (stop_reading removes this). */
static gboolean
first_read_cb (gpointer data)
{
  CsWsConn *conn = data;
  gboolean full = FALSE;

  conn->first_read_id = 0;
  /* Until the buffer is empty (what is left in it would wait), within
   * reason: past libsoup's buffer, the socket's source takes over. */
  for (guint i = 0; i < 8 && read_some (conn, &full) && full; i++)
    ;
  return G_SOURCE_REMOVE;
}

/* Reading is one source for the life of the connection, read without
 * blocking when it fires. An asynchronous read per frame attached and
 * destroyed a source or two each time, and GLib wakes its loop up for
 * every file descriptor added to or removed from it: a dozen extra
 * main-loop iterations per message, each walking every socket. */
static void
start_read (CsWsConn *conn)
{
  if (!G_IS_POLLABLE_INPUT_STREAM (conn->in) ||
      !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (conn->in)))
    {
      g_input_stream_read_async (conn->in, conn->read_buf, sizeof conn->read_buf, G_PRIORITY_DEFAULT,
                                 conn->cancellable, read_done_cb, cs_ws_conn_ref (conn));
      return;
    }
  g_assert (conn->in_source == NULL && !conn->poll_in);
  if (conn->poller)
    {
      conn->poll_in = TRUE;
      update_poll (conn);
    }
  else if (conn->socket)
    {
      /* The input stream reads this socket (through libsoup's buffer):
       * a plain socket source is one source, the pollable stream's three. */
      conn->in_source = g_socket_create_source (conn->socket, G_IO_IN, NULL);
      g_source_set_callback (conn->in_source, (GSourceFunc) (void (*) (void)) socket_readable_cb,
                             cs_ws_conn_ref (conn), (GDestroyNotify) cs_ws_conn_unref);
    }
  else
    {
      conn->in_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (conn->in), NULL);
      g_source_set_callback (conn->in_source, (GSourceFunc) (void (*) (void)) stream_readable_cb,
                             cs_ws_conn_ref (conn), (GDestroyNotify) cs_ws_conn_unref);
    }
  if (conn->in_source)
    {
      g_source_set_static_name (conn->in_source, "[causerie] WebSocket readable");
      /* GLib takes a source's descriptors out of the poll set while it
   * dispatches it, unless it may recurse, and wakes the loop at each
   * removal and addition: two more turns of the whole loop per read. This
   * callback never iterates the main context. */
      g_source_set_can_recurse (conn->in_source, TRUE);
      g_source_attach (conn->in_source, g_main_context_get_thread_default ());
    }
  conn->first_read_id = g_idle_add_full (G_PRIORITY_DEFAULT, first_read_cb, conn, NULL);
}


/* ---- many sockets, one source ----------------------------------------- */

/* The socket's place in the poller's set: in it while we read or wait to
 * write, out of it otherwise. Being in it holds a reference. */
static void
update_poll (CsWsConn *conn)
{
  struct epoll_event ev = { 0 };
  gboolean want = !conn->closed && (conn->poll_in || conn->poll_out);

  if (conn->poller == NULL)
    return;
  ev.events = (conn->poll_in ? EPOLLIN : 0) | (conn->poll_out ? EPOLLOUT : 0);
  ev.data.ptr = conn;
  if (want && conn->polled)
    {
      if (epoll_ctl (conn->poller->epfd, EPOLL_CTL_MOD, conn->fd, &ev) != 0)
        g_warning ("epoll_ctl (MOD): %s", g_strerror (errno));
    }
  else if (want)
    {
      if (epoll_ctl (conn->poller->epfd, EPOLL_CTL_ADD, conn->fd, &ev) != 0)
        {
          /* Cannot be waited for: shut from the main loop. */
          g_message ("Shutting a WebSocket that cannot be polled: %s", g_strerror (errno));
          conn->write_failed = TRUE;
          if (conn->fail_id == 0)
            conn->fail_id = g_idle_add_full (G_PRIORITY_DEFAULT, write_failed_cb, conn, NULL);
          return;
        }
      conn->polled = TRUE;
      cs_ws_conn_ref (conn);
    }
  else if (conn->polled)
    {
      /* The descriptor is still open here (shut closes the stream later). */
      epoll_ctl (conn->poller->epfd, EPOLL_CTL_DEL, conn->fd, &ev);
      conn->polled = FALSE;
      cs_ws_conn_unref (conn);
    }
}

static void
poll_writable (CsWsConn *conn)
{
  conn->poll_out = FALSE;
  update_poll (conn);
  conn->writing = FALSE;
  flush (conn);
  finish_if_closed (conn);
}

static gboolean
poller_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     data)
{
  CsWsPoller *poller = (CsWsPoller *) source;
  struct epoll_event events[POLL_BATCH];
  int n = epoll_wait (poller->epfd, events, POLL_BATCH, 0);

  /* A socket handled here may close another one of this batch. */
  for (int i = 0; i < n; i++)
    cs_ws_conn_ref (events[i].data.ptr);
  for (int i = 0; i < n; i++)
    {
      CsWsConn *conn = events[i].data.ptr;
      guint32 e = events[i].events;

      if (conn->poll_out && (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
        poll_writable (conn);
      if (conn->poll_in && (e & (EPOLLIN | EPOLLERR | EPOLLHUP)))
        read_some (conn, NULL);
    }
  for (int i = 0; i < n; i++)
    cs_ws_conn_unref (events[i].data.ptr);
  return G_SOURCE_CONTINUE;
}

static void
poller_finalize (GSource *source)
{
  CsWsPoller *poller = (CsWsPoller *) source;

#ifdef CS_HAVE_LIBURING
  if (poller->has_ring)
    io_uring_queue_exit (&poller->ring);
#endif
  close (poller->epfd);
}

static GSourceFuncs poller_funcs = { NULL, NULL, poller_dispatch, poller_finalize, NULL, NULL };

/**
 * cs_ws_poller_new:
 *
 * One source on the thread-default main context for the sockets of many
 * connections, waited on with epoll. GLib's own loop polls every file
 * descriptor of every source at each turn and walks all its sources: with
 * a source per socket, each turn of the loop cost time in proportion to
 * the number of WebSockets open, several turns per message.
 *
 * With @ring (and a server built with liburing), writes to many of its
 * sockets at once go through an io_uring ring: see cs_ws_conns_flush ().
 * A kernel or sandbox without io_uring leaves them a system call each.
 *
 * Returns: (transfer full): a poller for cs_ws_conn_new_polled ()
 */
CsWsPoller *
cs_ws_poller_new (gboolean ring)
{
  int epfd = epoll_create1 (EPOLL_CLOEXEC);
  CsWsPoller *poller;

  if (epfd < 0)
    {
      g_warning ("epoll_create1: %s; WebSockets are polled one source each", g_strerror (errno));
      return NULL;
    }
  poller = (CsWsPoller *) g_source_new (&poller_funcs, sizeof (CsWsPoller));
  poller->ref_count = 1;
  poller->epfd = epfd;
  g_source_add_unix_fd (&poller->source, epfd, G_IO_IN);
  g_source_set_static_name (&poller->source, "[causerie] WebSockets");
  /* Never iterates the loop; see in_source. */
  g_source_set_can_recurse (&poller->source, TRUE);
  g_source_attach (&poller->source, g_main_context_get_thread_default ());
#ifdef CS_HAVE_LIBURING
  if (ring)
    {
      struct io_uring_params params = { 0 };
      int r;

      /* Submit every send even when one fails; the ring is the main
       * loop's alone. Older kernels refuse these flags: then plainly. */
      params.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
      r = io_uring_queue_init_params (RING_ENTRIES, &poller->ring, &params);
      if (r == -EINVAL)
        r = io_uring_queue_init (RING_ENTRIES, &poller->ring, 0);
      if (r < 0)
        g_message ("io_uring is not available (%s); WebSockets are written one system call each",
                   g_strerror (-r));
      poller->has_ring = r >= 0;
    }
#endif
  return poller;
}

CsWsPoller *
cs_ws_poller_ref (CsWsPoller *poller)
{
  poller->ref_count++;
  return poller;
}

/* The last reference (the owner's, or a connection's that outlived it)
 * takes the source off the main loop. */
void
cs_ws_poller_unref (CsWsPoller *poller)
{
  if (poller == NULL || --poller->ref_count > 0)
    return;
  g_clear_handle_id (&poller->tick_id, g_source_remove);
  g_source_destroy (&poller->source);
  g_source_unref (&poller->source);
}

static gboolean
ping_cb (gpointer data)
{
  CsWsConn *conn = data;
  gint64 silent_ms = (g_get_monotonic_time () - conn->last_recv_us) / 1000;

  if (silent_ms >= conn->peer_timeout_ms)
    {
      g_message ("Shutting a WebSocket whose peer has been silent for %" G_GINT64_FORMAT " ms", silent_ms);
      conn->ping_id = 0;   /* removed by returning; shut () stops the rest */
      shut (conn);
      return G_SOURCE_REMOVE;
    }
  if (!conn->close_sent)
    {
      g_autoptr(GBytes) ping = make_frame (OP_PING, NULL, 0);
      enqueue (conn, ping);
    }
  return G_SOURCE_CONTINUE;
}

/* Ping timers. A connection of a poller is pinged by the poller's one
 * timer: GLib walks every source of its context at each turn of the
 * loop, and a timer per socket made each turn cost in proportion to the
 * sockets open (a few turns per message). */

static gboolean
poller_tick_cb (gpointer data)
{
  CsWsPoller *poller = data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_ws_conn_unref);

  for (GList *l = poller->timed.head; l; l = l->next)
    {
      CsWsConn *conn = l->data;

      if (conn->next_tick_us <= now)
        {
          conn->next_tick_us = now + (gint64) conn->tick_ms * 1000;
          g_ptr_array_add (due, cs_ws_conn_ref (conn));
        }
    }
  /* A ping may shut its connection, which leaves the list. */
  for (guint i = 0; i < due->len; i++)
    {
      CsWsConn *conn = g_ptr_array_index (due, i);

      if (conn->timed_link.data)
        ping_cb (conn);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_ticking (CsWsConn *conn,
               guint     tick_ms)
{
  CsWsPoller *poller = conn->poller;

  if (poller == NULL)
    {
      conn->ping_id = g_timeout_add (tick_ms, ping_cb, conn);
      return;
    }
  conn->tick_ms = tick_ms;
  conn->next_tick_us = g_get_monotonic_time () + (gint64) tick_ms * 1000;
  conn->timed_link.data = conn;
  g_queue_push_tail_link (&poller->timed, &conn->timed_link);
  /* Every connection is pinged within a quarter of its tick of when it
   * is due (at most 250 ms late). */
  if (poller->tick_id == 0 || MIN (tick_ms / 4, 250) < poller->tick_ms)
    {
      g_clear_handle_id (&poller->tick_id, g_source_remove);
      poller->tick_ms = MAX (MIN (tick_ms / 4, 250), 10);
      poller->tick_id = g_timeout_add (poller->tick_ms, poller_tick_cb, poller);
    }
}

static void
stop_ticking (CsWsConn *conn)
{
  g_clear_handle_id (&conn->ping_id, g_source_remove);
  if (conn->timed_link.data)
    {
      g_queue_unlink (&conn->poller->timed, &conn->timed_link);
      conn->timed_link.data = NULL;
    }
}

CsWsConn *
cs_ws_conn_new (GIOStream           *stream,
                const CsConfig      *config,
                const CsWsCallbacks *callbacks,
                gpointer             user_data)
{
  return cs_ws_conn_new_polled (stream, config, callbacks, NULL, user_data);
}

/* Like cs_ws_conn_new (), waiting on the socket with @poller's others
 * when the stream is a socket's. */
CsWsConn *
cs_ws_conn_new_polled (GIOStream           *stream,
                       const CsConfig      *config,
                       const CsWsCallbacks *callbacks,
                       CsWsPoller          *poller,
                       gpointer             user_data)
{
  CsWsConn *conn = g_new0 (CsWsConn, 1);
  guint tick;

  conn->ref_count = 1;
  conn->stream = g_object_ref (stream);
  conn->in = g_io_stream_get_input_stream (stream);
  conn->out = g_io_stream_get_output_stream (stream);
  conn->pollable = G_IS_POLLABLE_OUTPUT_STREAM (conn->out) &&
                   g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (conn->out));
  conn->fd = -1;
  /* libsoup hands over its own stream around the socket's, with the
   * socket's output stream as it is (GSocketOutputStream is not public
   * API, hence its name): what is written to it goes to the socket
   * unchanged, so it may be written to the socket directly. */
  if (conn->pollable && g_str_equal (G_OBJECT_TYPE_NAME (conn->out), "GSocketOutputStream"))
    {
      g_object_get (conn->out, "socket", &conn->socket, NULL);
      if (conn->socket)
        conn->fd = g_socket_get_fd (conn->socket);
    }
  if (poller && conn->fd >= 0 && G_IS_POLLABLE_INPUT_STREAM (conn->in) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (conn->in)))
    conn->poller = cs_ws_poller_ref (poller);
  conn->cancellable = g_cancellable_new ();
  conn->callbacks = *callbacks;
  conn->user_data = user_data;
  conn->frame_max = config->ws_frame_max;
  conn->queue_max = config->ws_queue_max;
  conn->peer_timeout_ms = config->ws_peer_timeout_ms;
  conn->incoming = g_byte_array_new ();
  conn->message = g_byte_array_new ();
  conn->last_recv_us = g_get_monotonic_time ();
  g_queue_init (&conn->queue);

  /* Ping at the configured interval, but check for a silent peer at least
   * as often as its timeout demands. */
  tick = MIN (config->ws_ping_interval_ms, MAX (config->ws_peer_timeout_ms / 2, 100));
  start_ticking (conn, tick);
  start_read (conn);
  return conn;
}
