/* cs-bus-redis.h: the event bus shared by several nodes through Redis
 * (publish/subscribe on one channel), chosen by [bus] redis. Signals
 * (typing, presence, closes) cross nodes; committed events cross nodes
 * only once cs_bus_redis_share_events () says the store is shared, and then
 * through a gap detector (cs-bus-gap.h). Local subscribers are called at
 * once, as with the in-process bus, whether Redis is up or not.
 *
 * Never blocks the main context: hiredis's asynchronous API on a GSource,
 * names resolved by GResolver. Reconnects with backoff; says "down" and
 * "back" in the log once per outage. What waits for Redis is bounded
 * (CS_BUS_REDIS_QUEUE_MAX bytes); past it messages are dropped and counted.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-bus.h"
#include "cs-bus-gap.h"
#include "cs-metrics.h"

G_BEGIN_DECLS

#define CS_BUS_REDIS_QUEUE_MAX (8 * 1024 * 1024)

/* NULL with a sentence in @error when @url is not a Redis address, or when
 * this build has no hiredis. Connects in the background. */
CsBus    *cs_bus_redis_new           (const char *url,
                                      CsMetrics  *metrics,
                                      GError    **error);
/* For a store every node shares: committed events cross nodes, in seq
 * order, holes filled by @fetch (see CsGapFetch). */
void      cs_bus_redis_share_events  (CsBus      *bus,
                                      gint64      delivered_upto,
                                      guint       grace_ms,
                                      CsGapFetch  fetch,
                                      gpointer    data);
CsGap    *cs_bus_redis_get_gap       (CsBus      *bus);
gboolean  cs_bus_redis_is_up         (CsBus      *bus);
/* The bus's lines of /metrics. */
void      cs_bus_redis_append_metrics (CsBus     *bus,
                                       GString   *out);

/* Commands of other parts (shared counters, presence: cs-server-shared.c)
 * on the publishing connection, in the order sent. @done gets hiredis's
 * redisReply (NULL when the connection went before the answer) on the
 * main context, exactly once when TRUE is returned; FALSE (and no call)
 * when the bus is down or its queue is full. */
typedef void (*CsBusRedisReplyFunc) (gpointer reply,
                                     gpointer data);
gboolean    cs_bus_redis_command     (CsBus               *bus,
                                      CsBusRedisReplyFunc  done,
                                      gpointer             data,
                                      int                  argc,
                                      const char         **argv,
                                      const gsize         *lens);
/* This node's id on the bus (32 hex digits), and the prefix of the keys
 * of this deployment ("causerie:DB", newly allocated). */
const char *cs_bus_redis_node        (CsBus               *bus);
char       *cs_bus_redis_prefix      (CsBus               *bus);

G_END_DECLS
