/* cs-ws.h: the server side of RFC 6455 over a connection taken from
 * libsoup after the handshake. We frame ourselves so that each socket has
 * a bounded send queue (a slow reader is closed with 1013), frames are
 * built once for all recipients, and a silent peer is dropped.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cs-config.h"

G_BEGIN_DECLS

typedef struct _CsWsConn CsWsConn;
typedef struct _CsWsPoller CsWsPoller;

typedef enum {
  CS_WS_CLOSE_NORMAL = 1000,
  CS_WS_CLOSE_GOING_AWAY = 1001,
  CS_WS_CLOSE_PROTOCOL_ERROR = 1002,
  CS_WS_CLOSE_UNSUPPORTED_DATA = 1003,
  CS_WS_CLOSE_BAD_DATA = 1007,
  CS_WS_CLOSE_POLICY_VIOLATION = 1008,
  CS_WS_CLOSE_TOO_BIG = 1009,
  CS_WS_CLOSE_TRY_AGAIN_LATER = 1013,
} CsWsCloseCode;

typedef struct {
  void (*text)   (CsWsConn *conn, const char *text, gsize length, gpointer user_data);
  void (*closed) (CsWsConn *conn, gpointer user_data);
} CsWsCallbacks;

CsWsConn *cs_ws_conn_new        (GIOStream           *stream,
                                 const CsConfig      *config,
                                 const CsWsCallbacks *callbacks,
                                 gpointer             user_data);
CsWsConn *cs_ws_conn_new_polled (GIOStream           *stream,
                                 const CsConfig      *config,
                                 const CsWsCallbacks *callbacks,
                                 CsWsPoller          *poller,
                                 gpointer             user_data);
CsWsConn *cs_ws_conn_ref        (CsWsConn   *conn);
void      cs_ws_conn_unref      (CsWsConn   *conn);
/* A text frame, built once and sent to many connections. */
GBytes   *cs_ws_frame_text      (const char *text,
                                 gssize      length);
/* Queues @frame; a queue past the limit closes the socket with 1013.
 * Returns FALSE when the frame was not queued. */
gboolean  cs_ws_conn_send_frame (CsWsConn   *conn,
                                 GBytes     *frame);
/* Like cs_ws_conn_send_frame () but only queues @frame: the caller calls
 * cs_ws_conn_flush () once it has queued what it has, so that the frames
 * of one batch of events go out in one write per socket. */
gboolean  cs_ws_conn_queue_frame (CsWsConn  *conn,
                                  GBytes    *frame);
void      cs_ws_conn_flush      (CsWsConn   *conn);
/* cs_ws_conn_flush () on each of @n connections (each once), in one
 * system call for those of a poller with a ring (cs_ws_poller_new).
 * Returns how many went through the ring. */
guint     cs_ws_conns_flush     (CsWsConn  **conns,
                                 guint       n);
gboolean  cs_ws_conn_send_text  (CsWsConn   *conn,
                                 const char *text);
void      cs_ws_conn_close      (CsWsConn   *conn,
                                 guint16     code,
                                 const char *reason);
gboolean  cs_ws_conn_is_open    (CsWsConn   *conn);
/* No more callbacks, whatever happens to the connection afterwards. */
void      cs_ws_conn_detach     (CsWsConn   *conn);
gsize     cs_ws_conn_queued     (CsWsConn   *conn);

/* Sockets of many connections waited on as one main-loop source. */
CsWsPoller *cs_ws_poller_new   (gboolean    ring);
/* Whether cs_ws_conns_flush () writes @poller's sockets in one call. */
gboolean    cs_ws_poller_batches (CsWsPoller *poller);
CsWsPoller *cs_ws_poller_ref   (CsWsPoller *poller);
void        cs_ws_poller_unref (CsWsPoller *poller);

/* One client frame's header, as cs_ws_parse_frame_header() reads it. */
typedef struct {
  gboolean fin;
  guint8   opcode;
  gsize    header;   /* bytes before the 4-byte mask */
  guint64  length;   /* payload bytes, after the mask */
} CsWsFrameHeader;

typedef enum {
  CS_WS_PARSE_MORE,    /* the frame is not all there yet */
  CS_WS_PARSE_FRAME,   /* @out describes a whole frame at the start of the data */
  CS_WS_PARSE_ERROR,   /* close with *close_code and *reason */
} CsWsParse;

/* The pure part of reading a client frame from @len bytes at @p: RFC 6455
 * header, masking, control-frame rules and @frame_max (a continuation
 * counts @message_len bytes already assembled). No I/O; the fuzzers call
 * it. */
CsWsParse cs_ws_parse_frame_header (const guint8     *p,
                                    gsize             len,
                                    gsize             frame_max,
                                    gsize             message_len,
                                    CsWsFrameHeader  *out,
                                    guint16          *close_code,
                                    const char      **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsWsConn, cs_ws_conn_unref)

G_END_DECLS
