/* cs-hub.h: the live side: every WebSocket of this node. It subscribes to
 * the bus and delivers what is published there (committed events, typing,
 * presence, closes) to its own sockets.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cs-bus.h"
#include "cs-metrics.h"
#include "cs-presence.h"
#include "cs-rate-limit.h"
#include "cs-store.h"

G_BEGIN_DECLS

typedef struct _CsHub CsHub;

CsHub *cs_hub_new           (CsConfig    *config,
                             CsStore     *store,
                             CsPresence  *presence,
                             CsRateLimit *message_limit,
                             CsBus       *bus,
                             CsMetrics   *metrics);
void   cs_hub_free          (CsHub       *hub);
void   cs_hub_accept        (CsHub       *hub,
                             GIOStream   *stream,
                             const char  *user_id,
                             const char  *tenant_id,
                             const char  *token_hash,
                             const char  *ip,
                             const char  *since);
guint  cs_hub_n_connections (CsHub       *hub);
/* Tells everyone in @tenant_id @user_id's new status text, in a presence
 * frame with their presence as this node knows it (through the bus). */
void   cs_hub_status_text_changed (CsHub      *hub,
                                   const char *tenant_id,
                                   const char *user_id,
                                   const char *status_text);

G_END_DECLS
