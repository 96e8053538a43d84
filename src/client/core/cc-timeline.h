/* cc-timeline.h: one room's conversation as a GListModel of CcMessage in
 * ascending seq, our pending and failed messages last. It shows the newest
 * page from the cache at once, then merges the server's newest page, and
 * loads older pages on request (cache first, then server).
 * Get one with cc_client_get_timeline().
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cc-message.h"

G_BEGIN_DECLS

#define CC_TYPE_TIMELINE (cc_timeline_get_type ())
G_DECLARE_FINAL_TYPE (CcTimeline, cc_timeline, CC, TIMELINE, GObject)

/* Properties: "room-id", "has-more" (older messages may exist),
 * "loading" (a page is being fetched), "loaded" (the first cache page is
 * in). Signal "error" (const char *sentence) when a server fetch failed. */

const char *cc_timeline_get_room_id    (CcTimeline *self);
gboolean    cc_timeline_get_has_more   (CcTimeline *self);
gboolean    cc_timeline_get_loading    (CcTimeline *self);
gboolean    cc_timeline_get_loaded     (CcTimeline *self);
/* (transfer none) or NULL: by server id, or by txn_id for pending ones. */
CcMessage  *cc_timeline_lookup         (CcTimeline *self,
                                        const char *id_or_txn_id);
/* The highest stored seq shown (for read receipts), 0 when empty. */
gint64      cc_timeline_get_last_seq   (CcTimeline *self);

/**
 * cc_timeline_load_older_async:
 *
 * Loads the page before the oldest message shown. Returns (finish) the
 * number of messages added; 0 and "has-more" FALSE at the beginning.
 */
void        cc_timeline_load_older_async  (CcTimeline          *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gssize      cc_timeline_load_older_finish (CcTimeline    *self,
                                           GAsyncResult  *result,
                                           GError       **error);

G_END_DECLS
