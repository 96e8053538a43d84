/* cs-ws.c: RFC 6455 framing for the server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-ws"

#include "cs-ws.h"

#include <string.h>

#define READ_CHUNK   16384
#define MAX_VECTORS  64
#define CLOSE_WAIT_MS 2000

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
  GByteArray    *incoming;       /* bytes not yet parsed */
  GByteArray    *message;        /* a fragmented text message being assembled */
  gboolean       in_message;

  GQueue         queue;          /* GBytes* frames to write */
  gsize          queued_bytes;
  gboolean       writing;        /* an async write, or a wait for POLLOUT */
  GOutputVector  vectors[MAX_VECTORS];
  guint          n_vectors;      /* frames in the async write */
  gboolean       pollable;       /* written without blocking (see flush) */
  gsize          head_written;   /* bytes of the first frame already written */
  GSource       *out_source;     /* waits until the socket takes more */

  gint64         last_recv_us;
  guint          ping_id;
  guint          close_id;
  gboolean       close_sent;
  gboolean       closed;         /* the stream is shut, callbacks done */
};

static void start_read   (CsWsConn *conn);
static void flush        (CsWsConn *conn);

static void
stop_waiting (CsWsConn *conn)
{
  if (conn->out_source)
    {
      g_source_destroy (conn->out_source);
      g_clear_pointer (&conn->out_source, g_source_unref);
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
  g_clear_handle_id (&conn->ping_id, g_source_remove);
  g_clear_handle_id (&conn->close_id, g_source_remove);
  stop_waiting (conn);
  g_queue_clear_full (&conn->queue, (GDestroyNotify) g_bytes_unref);
  g_byte_array_unref (conn->incoming);
  g_byte_array_unref (conn->message);
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->stream);
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
  g_clear_handle_id (&conn->ping_id, g_source_remove);
  g_clear_handle_id (&conn->close_id, g_source_remove);
  stop_waiting (conn);
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
  shut (conn);
  return G_SOURCE_REMOVE;
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
        g_debug ("WebSocket write failed: %s", error->message);
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
      guint n = 0;
      GPollableReturn r;

      for (GList *l = conn->queue.head; l && n < MAX_VECTORS; l = l->next, n++)
        {
          gsize size;
          const guint8 *data = g_bytes_get_data (l->data, &size);
          gsize skip = n == 0 ? conn->head_written : 0;

          conn->vectors[n].buffer = data + skip;
          conn->vectors[n].size = size - skip;
        }
      r = g_pollable_output_stream_writev_nonblocking (G_POLLABLE_OUTPUT_STREAM (conn->out), conn->vectors, n,
                                                       &written, NULL, &error);
      if (r == G_POLLABLE_RETURN_WOULD_BLOCK)
        break;
      if (r == G_POLLABLE_RETURN_FAILED)
        {
          g_debug ("WebSocket write failed: %s", error ? error->message : "?");
          /* Shut from the main loop, not from inside a delivery that is
           * walking the list of sockets. */
          conn->writing = TRUE;
          g_clear_handle_id (&conn->close_id, g_source_remove);
          conn->close_id = g_timeout_add (0, close_timeout_cb, conn);
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
      if (flush_now (conn) && !g_queue_is_empty (&conn->queue))
        {
          conn->writing = TRUE;
          conn->out_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (conn->out),
                                                                     conn->cancellable);
          g_source_set_callback (conn->out_source, (GSourceFunc) G_CALLBACK (writable_cb), conn, NULL);
          g_source_set_static_name (conn->out_source, "[causerie] WebSocket writable");
          g_source_attach (conn->out_source, g_main_context_get_thread_default ());
        }
      return;
    }
  for (GList *l = conn->queue.head; l && n < MAX_VECTORS; l = l->next, n++)
    {
      gsize size;

      conn->vectors[n].buffer = g_bytes_get_data (l->data, &size);
      conn->vectors[n].size = size;
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
  conn->close_sent = TRUE;
  /* The peer has this long to answer, or to read at all (a slow reader may
   * never take our close frame off the wire). */
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
      while (conn->queue.length > (conn->pollable ? (conn->head_written > 0) : conn->n_vectors))
        {
          GBytes *dropped = g_queue_pop_tail (&conn->queue);

          conn->queued_bytes -= g_bytes_get_size (dropped);
          g_bytes_unref (dropped);
        }
      g_message ("Closing a WebSocket whose reader is too slow (queue over %" G_GSIZE_FORMAT " bytes)",
                 conn->queue_max);
      send_close (conn, CS_WS_CLOSE_TRY_AGAIN_LATER, "Too far behind; reconnect and sync");
      return FALSE;
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

gboolean
cs_ws_conn_send_text (CsWsConn   *conn,
                      const char *text)
{
  g_autoptr(GBytes) frame = cs_ws_frame_text (text, -1);

  return cs_ws_conn_send_frame (conn, frame);
}

/* ---- reading ----------------------------------------------------------- */

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

/* Parses complete frames from conn->incoming. Returns FALSE to stop reading. */
static gboolean
parse_frames (CsWsConn *conn)
{
  while (!conn->closed && conn->incoming->len >= 2)
    {
      guint8 *p = conn->incoming->data;
      gboolean fin = (p[0] & 0x80) != 0;
      guint8 opcode = p[0] & 0x0f;
      guint64 length = p[1] & 0x7f;
      gsize header = 2;
      guint8 *mask;
      guint8 *payload;

      if (p[0] & 0x70)
        return protocol_error (conn, CS_WS_CLOSE_PROTOCOL_ERROR, "Reserved bits set"), FALSE;
      if (!(p[1] & 0x80))
        return protocol_error (conn, CS_WS_CLOSE_PROTOCOL_ERROR, "Client frames must be masked"), FALSE;
      if (length == 126)
        {
          if (conn->incoming->len < 4)
            return TRUE;
          length = ((guint64) p[2] << 8) | p[3];
          header = 4;
        }
      else if (length == 127)
        {
          if (conn->incoming->len < 10)
            return TRUE;
          length = 0;
          for (int i = 0; i < 8; i++)
            length = (length << 8) | p[2 + i];
          header = 10;
        }
      if (opcode >= OP_CLOSE && (length > 125 || !fin))
        return protocol_error (conn, CS_WS_CLOSE_PROTOCOL_ERROR, "Bad control frame"), FALSE;
      if (length > conn->frame_max ||
          (opcode == OP_CONT && conn->message->len + length > conn->frame_max))
        return protocol_error (conn, CS_WS_CLOSE_TOO_BIG, "Frame too large"), FALSE;
      if (conn->incoming->len < header + 4 + length)
        return TRUE;

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
          {
            g_autoptr(GBytes) pong = make_frame (OP_PONG, payload, length);

            if (!conn->close_sent)
              enqueue (conn, pong);
          }
          break;
        case OP_PONG:
          break;
        case OP_CLOSE:
          {
            guint16 code = length >= 2 ? (guint16) ((payload[0] << 8) | payload[1]) : CS_WS_CLOSE_NORMAL;

            if (!conn->close_sent)
              send_close (conn, code == 1005 || code == 1006 || code < 1000 ? CS_WS_CLOSE_NORMAL : code, NULL);
            /* Both sides have said goodbye once our echo is written. */
            g_clear_handle_id (&conn->close_id, g_source_remove);
            if (!conn->writing && g_queue_is_empty (&conn->queue))
              shut (conn);
            else
              conn->close_id = g_timeout_add (CLOSE_WAIT_MS / 4, close_timeout_cb, conn);
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
        g_debug ("WebSocket read failed: %s", error->message);
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

static void
start_read (CsWsConn *conn)
{
  g_input_stream_read_async (conn->in, conn->read_buf, sizeof conn->read_buf, G_PRIORITY_DEFAULT,
                             conn->cancellable, read_done_cb, cs_ws_conn_ref (conn));
}

static gboolean
ping_cb (gpointer data)
{
  CsWsConn *conn = data;
  gint64 silent_ms = (g_get_monotonic_time () - conn->last_recv_us) / 1000;

  if (silent_ms >= conn->peer_timeout_ms)
    {
      g_debug ("Dropping a WebSocket peer silent for %" G_GINT64_FORMAT " ms", silent_ms);
      conn->ping_id = 0;
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

CsWsConn *
cs_ws_conn_new (GIOStream           *stream,
                const CsConfig      *config,
                const CsWsCallbacks *callbacks,
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
  conn->ping_id = g_timeout_add (tick, ping_cb, conn);
  start_read (conn);
  return conn;
}
