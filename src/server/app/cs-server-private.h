/* cs-server-private.h: what the server's parts share.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "cs-api.h"
#include "cs-auth.h"
#include "cs-limits.h"
#include "cs-sessions.h"
#include "cs-bus.h"
#include "cs-ctx.h"
#include "cs-hub.h"
#include "cs-listener.h"
#include "cs-metrics.h"
#include "cs-server.h"
#include "cs-store.h"

G_BEGIN_DECLS

struct _CsServer {
  CsConfig   *config;
  CsStore    *store;
  CsPresence *presence;
  struct _CsRateLimit *message_limit;
  CsBus      *bus;
  CsSessions *sessions;
  CsLimits   *limits;
  CsSealer   *sealer;
  CsHub      *hub;
  struct _CsAgents *agents;   /* agents' answers */
  struct _CsMailer *mailer;
  SoupServer *soup;
  guint       port;
  CsListener *listener;       /* accepts for both servers, with deadlines and caps */
  SoupServer *metrics_soup;   /* [metrics] listen; NULL when off */
  guint       metrics_port;
  gboolean    close_after_response;
  guint       sweep_id;       /* removal of unused uploads */
  guint       retention_id;   /* removal of expired messages (cs-api-retention.c) */
  gboolean    retention_busy; /* a step is queued or running */
  CsApiRetentionRun retention_run;
  CsMetrics   metrics;
  struct _CsServerOps *ops;   /* revocations from the command line, audit pruning */
  struct _CsAccessLog *access_log;  /* [server] access_log, or NULL */
  struct _CsServerEvents *events;   /* where committed events go */
  struct _CsSessionFinder *finder;  /* tokens not in memory, looked up in the store */
  struct _CsServerShared  *shared;  /* [bus] redis: presence and limits across nodes; else NULL */
};

/* cs-server-events.c: sends the events this node's store commits to the
 * bus and the agents; with a shared store and [bus] redis, has the bus
 * carry them to every node, holes filled from the store. */
typedef struct _CsServerEvents CsServerEvents;
CsServerEvents *cs_server_events_start (CsServer       *server);
void            cs_server_events_stop  (CsServerEvents *events);
void            cs_server_events_free  (CsServerEvents *events);

/* cs-server-ops.c */
typedef struct _CsServerOps CsServerOps;
CsServerOps *cs_server_ops_start (CsServer    *server);
void         cs_server_ops_stop  (CsServerOps *ops);
void         cs_server_ops_free  (CsServerOps *ops);

/* cs-access-log.c: one line per HTTP request, written by a thread of its
 * own. */
typedef struct _CsAccessLog CsAccessLog;
CsAccessLog *cs_access_log_open   (const char        *path,
                                   GError           **error);
/* From the early handler: logs @msg once it is finished. */
void         cs_access_log_watch  (CsAccessLog       *log,
                                   SoupServerMessage *msg,
                                   const char        *client_ip);
/* Reopens the file (after logrotate moved it). */
void         cs_access_log_reopen (CsAccessLog       *log);
void         cs_access_log_close  (CsAccessLog       *log);

/* cs-http-sessions.c: the session look-up of a token not in memory. */
typedef struct _CsSessionFinder CsSessionFinder;
typedef enum {
  CS_SESSION_FOUND,     /* live: @info filled */
  CS_SESSION_NONE,      /* no such live session: 401 */
  CS_SESSION_BUSY,      /* could not look now (store failed, too many look-ups): 503 */
  CS_SESSION_PENDING,   /* the message is paused; the callback will say */
} CsSessionResult;
/* On the main context; must answer or go on with @msg and unpause it.
 * @hash and @info are the caller's for the call only. */
typedef void (*CsSessionFoundFunc) (CsServer          *server,
                                    SoupServerMessage *msg,
                                    const char        *hash,
                                    CsSessionInfo     *info,
                                    CsSessionResult    result);
CsSessionFinder *cs_session_finder_new     (CsServer          *server);
void             cs_session_finder_free    (CsSessionFinder   *finder);
/* Looks @hash up in the store: CS_SESSION_PENDING (@msg paused, @func
 * called later), or at once CS_SESSION_NONE or CS_SESSION_BUSY. */
CsSessionResult  cs_session_finder_find    (CsSessionFinder   *finder,
                                            SoupServerMessage *msg,
                                            const char        *hash,
                                            const char        *ip,
                                            CsSessionFoundFunc func);
/* A session or a user's sessions were revoked (a close signal). */
void             cs_session_finder_revoked (CsSessionFinder   *finder);
void             cs_session_finder_append_metrics (CsSessionFinder *finder,
                                                   GString         *s);

/* cs-server-shared.c: presence, the message rate and sign-in failures
 * counted across the nodes of one Redis. */
typedef struct _CsServerShared CsServerShared;
CsServerShared  *cs_server_shared_new      (CsServer       *server);
/* The sign-in failure windows of all nodes (owned by @shared). */
CsLimits        *cs_server_shared_limits   (CsServerShared *shared);
void             cs_server_shared_free     (CsServerShared *shared);

/* cs-http.c */
void      cs_http_setup          (CsServer   *server);
/* The metrics listener's server: /metrics and nothing else. */
void      cs_http_setup_metrics  (CsServer   *server);
char     *cs_http_metrics_text   (CsServer   *server);
/* An error answer, counted in the metrics when @server is given (not when
 * the request's completion counts it anyway). */
void      cs_http_set_error      (CsServer          *server,
                                  SoupServerMessage *msg,
                                  CauErrorCode       code,
                                  const char        *message);
void      cs_http_set_too_large  (CsServer          *server,
                                  SoupServerMessage *msg,
                                  gint64             max);

/* cs-http-files.c: an upload's body goes to a temporary file (FALSE when
 * the request was answered already) ... */
gboolean  cs_http_upload_start   (CsServer          *server,
                                  SoupServerMessage *msg);
/* ... and is handed to the upload handler, or answered (NULL). */
CsUpload *cs_http_upload_finish  (CsServer          *server,
                                  SoupServerMessage *msg);
/* Streams ctx->file as the response, honouring a Range header. */
void      cs_http_send_file      (CsServer          *server,
                                  SoupServerMessage *msg,
                                  CsCtx             *ctx);

/* A job context with everything of this server a handler may need. */
CsCtx    *cs_server_new_ctx      (CsServer   *server);

G_END_DECLS
