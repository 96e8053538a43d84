/* cc-sync.h: one WebSocket per account. Sends `sync` from the last seq
 * persisted in SQLite, applies stored events to the cache (in order, one
 * transaction each) and then emits them; `resync_required` (or a fresh
 * cache) reloads rooms over REST. Reconnects with capped exponential
 * backoff and full jitter. Sends typing, presence and read frames.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-api.h"
#include "cc-cache.h"
#include "cc-types.h"

G_BEGIN_DECLS

#define CC_TYPE_SYNC (cc_sync_get_type ())
G_DECLARE_FINAL_TYPE (CcSync, cc_sync, CC, SYNC, GObject)

/* Properties: "state" (CcSyncState), "online" (gboolean: state ONLINE),
 * "last-seq" (gint64: last event persisted), "error" (a sentence about the
 * last connection failure, or NULL).
 *
 * Signals:
 *   "event" (const char *type, JsonObject *event): a stored event, after it
 *       was applied to the cache; or an ephemeral one (typing, presence).
 *   "synced" (): caught up with the server (after every (re)connect).
 *   "reloaded" (): rooms were reloaded over REST (first start or
 *       resync_required); models should reload from the cache.
 *   "resync-required" (): the server's log no longer reaches our seq.
 *   "unauthorized" (): the token was refused; sign in again.
 */

CcSync      *cc_sync_new            (CcApi   *api,
                                     CcCache *cache);
void         cc_sync_start          (CcSync  *self);
void         cc_sync_stop           (CcSync  *self);
/* Skips the current backoff wait (a "Reconnect" button). */
void         cc_sync_reconnect_now  (CcSync  *self);
CcSyncState  cc_sync_get_state      (CcSync  *self);
gboolean     cc_sync_get_online     (CcSync  *self);
gint64       cc_sync_get_last_seq   (CcSync  *self);
const char  *cc_sync_get_error      (CcSync  *self);
/* Backoff: the n-th wait is uniform in [0, min(cap, base * 2^n)] ms.
 * Defaults 1000 and 60000. */
void         cc_sync_set_backoff    (CcSync  *self,
                                     guint    base_ms,
                                     guint    cap_ms);

/* Frames; each returns FALSE when not connected (nothing is queued). */
gboolean     cc_sync_send_typing    (CcSync     *self,
                                     const char *room_id,
                                     gboolean    typing);
gboolean     cc_sync_send_presence  (CcSync     *self,
                                     const char *status);
gboolean     cc_sync_send_read      (CcSync     *self,
                                     const char *room_id,
                                     gint64      up_to_seq);

G_END_DECLS
