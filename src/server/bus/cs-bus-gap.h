/* cs-bus-gap.h: on a node whose store is shared, committed events arrive
 * from the bus out of order (two nodes publish at once) or not at all
 * (Redis restarted, a partition). The gap detector stands between the bus
 * and the sockets: it releases events in seq order, each once, holds those
 * above a hole, and when a hole outlives a grace period, or the bus says
 * it lost messages, asks the store for the missing range; the store's
 * answer fills it. Seqs are dense: every seq from 1 up is one committed
 * event (the store interface's promise, README "The store").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-bus.h"

G_BEGIN_DECLS

typedef struct _CsGap CsGap;

/* Events in seq order, contiguous with what was delivered before. */
typedef void (*CsGapDeliver) (GPtrArray *events,
                              gpointer   data);
/* Read the committed events with @from <= seq <= @to from the store (@to
 * is G_MAXINT64: all after @from) and answer with cs_gap_fill (), later,
 * on the main context, and before the detector is freed (the server closes
 * its store, which finishes every job, before it frees the bus). One fetch
 * at a time. */
typedef void (*CsGapFetch)   (CsGap     *gap,
                              gint64     from,
                              gint64     to,
                              gpointer   data);

CsGap  *cs_gap_new        (gint64        delivered_upto,
                           guint         grace_ms,
                           CsGapDeliver  deliver,
                           CsGapFetch    fetch,
                           gpointer      data);
void    cs_gap_free       (CsGap        *gap);
/* Events from the bus (a batch in seq order). */
void    cs_gap_push       (CsGap        *gap,
                           GPtrArray    *events);
/* The store's answer to a fetch: every committed event of [@from, @head]
 * where @head is the highest seq the store had committed when it read
 * (at most the fetch's @to). Seqs in that range it did not return do not
 * exist (kept no longer, [events] keep) and are skipped. */
void    cs_gap_fill       (CsGap        *gap,
                           gint64        from,
                           gint64        head,
                           GPtrArray    *events);
/* The bus lost an unknown number of messages (it was down): fetch all
 * after what was delivered. */
void    cs_gap_resync     (CsGap        *gap);
gint64  cs_gap_delivered  (CsGap        *gap);
guint   cs_gap_n_held     (CsGap        *gap);
/* Fetches asked for so far, for the metrics. */
guint64 cs_gap_n_fetches  (CsGap        *gap);

G_END_DECLS
