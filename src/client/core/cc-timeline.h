/* cc-timeline.h: one room's conversation as a GListModel of CcMessage in
 * ascending seq, our pending and failed messages last. It shows the newest
 * page from the cache at once, then merges the server's newest page, and
 * loads older pages on request (cache first, then server). It keeps only a
 * window of the history: the view trims what is far from what it shows and
 * loads it back (newer pages from the cache) as it scrolls.
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
 * "has-newer" (newer stored messages were left out by cc_timeline_trim();
 * live ones then wait in the cache too), "loading" (a page is being
 * fetched), "loaded" (the first cache page is in). Signal "error"
 * (const char *sentence) when a server fetch failed. */

const char *cc_timeline_get_room_id    (CcTimeline *self);
gboolean    cc_timeline_get_has_more   (CcTimeline *self);
gboolean    cc_timeline_get_has_newer  (CcTimeline *self);
gboolean    cc_timeline_get_loading    (CcTimeline *self);
gboolean    cc_timeline_get_loaded     (CcTimeline *self);
/* (transfer none) or NULL: by server id, or by txn_id for pending ones. */
CcMessage  *cc_timeline_lookup         (CcTimeline *self,
                                        const char *id_or_txn_id);
/* The newest stored seq known (for read receipts), also when "has-newer"
 * left it out of the model; 0 when none. */
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

/**
 * cc_timeline_trim:
 * @keep_start: the first item to keep
 * @keep_end: the item after the last one to keep
 *
 * Forgets the stored messages outside [@keep_start, @keep_end) of the
 * model (they stay in the cache), so that what is kept does not grow with
 * the history scrolled through. Dropping older ones sets "has-more",
 * newer ones "has-newer"; pending messages always stay. Removals are
 * signalled newer first, then older. Keeps everything when the range
 * holds no stored message.
 */
void        cc_timeline_trim              (CcTimeline          *self,
                                           guint                keep_start,
                                           guint                keep_end);

/**
 * cc_timeline_load_newer_async:
 *
 * With "has-newer", loads the page after the newest stored message kept,
 * from the cache. Returns (finish) the number of messages added; 0 when
 * there was nothing to load or the window changed meanwhile.
 */
void        cc_timeline_load_newer_async  (CcTimeline          *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gssize      cc_timeline_load_newer_finish (CcTimeline    *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/**
 * cc_timeline_load_newest_async:
 *
 * With "has-newer", replaces the stored messages kept with the newest
 * page from the cache (one items-changed), as when the room opened:
 * "jump to the bottom". Returns (finish) the number of stored messages
 * now kept; 0 and no change without "has-newer".
 */
void        cc_timeline_load_newest_async (CcTimeline          *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gssize      cc_timeline_load_newest_finish (CcTimeline    *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/**
 * cc_timeline_load_around_async:
 * @message_id: the message to show
 * @seq: its seq
 *
 * Replaces the stored window with the messages around @message_id (about
 * a page on each side), from the cache when it holds it, otherwise from
 * the server, as when jumping to a search result thousands of messages
 * back. Returns (finish) the message's position in the model, or -1 with
 * an error when it cannot be had (offline and not cached, or gone).
 */
void        cc_timeline_load_around_async  (CcTimeline          *self,
                                            const char          *message_id,
                                            gint64               seq,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gssize      cc_timeline_load_around_finish (CcTimeline    *self,
                                            GAsyncResult  *result,
                                            GError       **error);
/* The position of a message in the model, or -1. */
gssize      cc_timeline_find               (CcTimeline    *self,
                                            const char    *message_id);

G_END_DECLS
