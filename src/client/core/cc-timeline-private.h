/* cc-timeline-private.h: how CcClient feeds a timeline.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-api.h"
#include "cc-cache.h"
#include "cc-timeline.h"

G_BEGIN_DECLS

#define CC_TIMELINE_PAGE 50
/* The newest page from the cache when a room opens: about what fills the
 * conversation, so that it shows without building rows nobody sees (the
 * view asks for older pages until it is filled). */
#define CC_TIMELINE_FIRST_PAGE 20

CcTimeline *_cc_timeline_new             (const char   *room_id,
                                          CcCache      *cache,
                                          CcApi        *api,
                                          const char   *own_user_id,
                                          const char   *own_name);
/* The cache's newest page and our outbox, then the server's newest page
 * when @online. */
void        _cc_timeline_start           (CcTimeline   *self,
                                          gboolean      online);
/* Merges the server's newest page (after a reconnect or reload). */
void        _cc_timeline_refresh         (CcTimeline   *self);
void        _cc_timeline_add_message     (CcTimeline   *self,
                                          JsonObject   *message);
void        _cc_timeline_add_pending     (CcTimeline          *self,
                                          const CcOutboxEntry *entry);
void        _cc_timeline_set_pending_state (CcTimeline     *self,
                                            const char     *txn_id,
                                            CcMessageState  state,
                                            const char     *error);
void        _cc_timeline_remove_pending  (CcTimeline   *self,
                                          const char   *txn_id);
/* @members: GListModel of CcMember; "read-by" follows their watermarks. */
void        _cc_timeline_set_members     (CcTimeline   *self,
                                          GListModel   *members);
void        _cc_timeline_update_read_by  (CcTimeline   *self);

G_END_DECLS
