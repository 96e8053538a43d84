/* cs-listener.h: accepting connections for the SoupServers ourselves, to
 * bound what a slow or silent client can hold: a deadline for request
 * headers (and for the next request on a kept-alive connection), one for
 * a request body that stops coming, and a cap on concurrent connections
 * per client address.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "cs-config.h"

G_BEGIN_DECLS

typedef struct _CsListener CsListener;

typedef struct {
  guint   open;         /* connections open now (WebSockets included) */
  guint64 accepted;
  guint64 refused;      /* over connections_per_address */
  guint64 timed_out;    /* headers too slow, or a body that stopped coming */
} CsListenerStats;

/* @config is borrowed and must outlive the listener. */
CsListener *cs_listener_new         (CsConfig           *config);
void        cs_listener_free        (CsListener         *listener);
/* Listens on HOST:PORT (port 0: a free one, returned in @out_port) and
 * hands each accepted connection to @soup. */
gboolean    cs_listener_add         (CsListener         *listener,
                                     SoupServer         *soup,
                                     const char         *host,
                                     guint               port,
                                     guint              *out_port,
                                     GError            **error);
/* Whether @msg came straight from a trusted proxy. */
gboolean    cs_listener_is_proxied  (CsListener         *listener,
                                     SoupServerMessage  *msg);
/* A request that came through a trusted proxy counts against @client's
 * connections until it ends (for a WebSocket, until the socket closes).
 * FALSE, counting nothing, when @client has all it may have already. */
gboolean    cs_listener_claim       (CsListener         *listener,
                                     SoupServerMessage  *msg,
                                     const char         *client);
void        cs_listener_get_stats   (CsListener         *listener,
                                     CsListenerStats    *stats);
/* Raises the soft limit on open files to the hard one, so that thousands
 * of held connections do not run the server out of descriptors. */
void        cs_listener_raise_fd_limit (void);

G_END_DECLS
