/* cs-server.h: the running service: storage, HTTP, WebSocket hub.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-config.h"

G_BEGIN_DECLS

typedef struct _CsServer CsServer;

/* Opens the database (migrating it) and loads the live sessions. @config is
 * borrowed and must outlive the server. */
CsServer *cs_server_new    (CsConfig  *config,
                            GError   **error);
/* Starts listening on the configured address; port 0 picks a free one,
 * written back into the config. */
gboolean  cs_server_listen (CsServer  *server,
                            GError   **error);
/* SIGHUP: reopens the access log (after logrotate moved it). */
void      cs_server_reopen_logs (CsServer *server);
guint     cs_server_port   (CsServer  *server);
/* The metrics listener's port, 0 when it is off. */
guint     cs_server_metrics_port (CsServer *server);
void      cs_server_free   (CsServer  *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsServer, cs_server_free)

G_END_DECLS
