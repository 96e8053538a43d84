/* cs-events.h: the event log sync replays from. Events are appended by
 * the writer, inside the transaction of the change they announce, with the
 * seq cs_store_next_seq () gave; seq is strictly increasing in commit
 * order (see store/README.md).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* What an engine implements for this header: one entry per function below,
 * named without its "cs_events_" (or "cs_") prefix; the functions
 * dispatch to it through the connection's engine (store/README.md). */
struct _CsEventsOps {
  gboolean (*append) (CsDb *db, gint64 seq, const char *tenant_id, const char *room_id, const char *user_id, const char *type, const char *payload, const char *actor_id, const char *txn_id, gint64 created_at);
  GPtrArray *(*page) (CsDb *db, const char *tenant_id, const char *user_id, gint64 since_seq, guint n);
  GPtrArray *(*range) (CsDb *db, gint64 from_seq, gint64 to_seq, guint n);
};

static inline gboolean
cs_events_append (CsDb       *db,
                  gint64      seq,
                  const char *tenant_id,
                  const char *room_id,
                  const char *user_id,
                  const char *type,
                  const char *payload,
                  const char *actor_id,
                  const char *txn_id,
                  gint64      created_at)
{
  CS_DB_NEEDS (db, events, append);
  return db->engine->events->append (db, seq, tenant_id, room_id, user_id, type, payload, actor_id, txn_id, created_at);
}

/* At most @n events after @since_seq that @user_id of @tenant_id may see
 * (theirs, and those of the rooms they are in), in seq order
 * (CsLoggedEvent*). */
static inline GPtrArray *
cs_events_page (CsDb       *db,
                const char *tenant_id,
                const char *user_id,
                gint64      since_seq,
                guint       n)
{
  CS_DB_NEEDS (db, events, page);
  return db->engine->events->page (db, tenant_id, user_id, since_seq, n);
}

/* At most @n events of every tenant with @from_seq <= seq <= @to_seq, in
 * seq order (CsLoggedEvent*, with their tenant, room and user): what a
 * node sharing the store missed on the bus (cs-bus-gap.h). */
static inline GPtrArray *
cs_events_range (CsDb  *db,
                 gint64 from_seq,
                 gint64 to_seq,
                 guint  n)
{
  CS_DB_NEEDS (db, events, range);
  return db->engine->events->range (db, from_seq, to_seq, n);
}

G_END_DECLS
