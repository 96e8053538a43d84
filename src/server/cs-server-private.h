/* cs-server-private.h: what the server's parts share.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "cs-ctx.h"
#include "cs-server.h"
#include "cs-store.h"

G_BEGIN_DECLS

typedef struct _CsHub CsHub;

typedef struct {
  guint64 http_requests[6];   /* by status class: 1xx..5xx, index 1..5 */
  guint64 ws_accepted;
  guint64 ws_frames_in;
  guint64 ws_bad_frames;
  guint64 ws_slow_closed;
  guint64 messages_sent;
  guint64 deliveries;
} CsMetrics;

struct _CsServer {
  CsConfig   *config;
  CsStore    *store;
  CsPresence *presence;
  CsHub      *hub;
  struct _CsMailer *mailer;
  SoupServer *soup;
  guint       port;
  gboolean    close_after_response;
  CsMetrics   metrics;
};

/* cs-http.c */
void      cs_http_setup          (CsServer   *server);
char     *cs_http_metrics_text   (CsServer   *server);

/* cs-hub.c */
CsHub    *cs_hub_new             (CsServer   *server);
void      cs_hub_free            (CsHub      *hub);
void      cs_hub_accept          (CsHub      *hub,
                                  GIOStream  *stream,
                                  const char *user_id,
                                  const char *tenant_id,
                                  const char *token_hash,
                                  const char *ip);
void      cs_hub_deliver         (GPtrArray  *events,
                                  gpointer    hub);
/* Runs the post-commit actions a handler asked for (closing sockets). */
void      cs_hub_apply_after     (CsHub      *hub,
                                  CsCtx      *ctx);
guint     cs_hub_n_connections   (CsHub      *hub);

G_END_DECLS
