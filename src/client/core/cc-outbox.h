/* cc-outbox.h: messages typed here go to SQLite first, then to the server
 * in typing order (POST with their txn_id, so a retry never duplicates).
 * Network failures keep them pending for the next connection; refusals
 * mark them failed with the server's sentence, to retry or discard.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-api.h"
#include "cc-cache.h"
#include "cc-file-cache.h"

G_BEGIN_DECLS

#define CC_TYPE_OUTBOX (cc_outbox_get_type ())
G_DECLARE_FINAL_TYPE (CcOutbox, cc_outbox, CC, OUTBOX, GObject)

/* Signals:
 *   "entry-added"   (CcOutboxEntry *entry)         persisted, not yet sent
 *   "entry-sent"    (const char *txn_id, JsonObject *message)  stored on the
 *                   server and in the cache
 *   "entry-failed"  (const char *txn_id, const char *error)
 *   "entry-removed" (const char *txn_id)           discarded
 *   "drained"       ()                             nothing left to send
 *   "file-progress" (const char *txn_id, const char *path, double fraction)
 *                   an upload going out (path: the outbox copy)
 *   "file-changed"  (const char *txn_id, const char *path, CcAttachmentState
 *                   state, const char *error, JsonObject *file) a file of an
 *                   entry changed (file: its new outbox record, or NULL)
 *   "file-removed"  (const char *txn_id, const char *path) taken off its
 *                   entry (which stays: it has a body or other files)
 * Properties: "online" (gboolean, read-write), "sending" (gboolean). */

CcOutbox *cc_outbox_new          (CcCache *cache,
                                  CcApi   *api);
/* While online the outbox sends; going online flushes what is pending. */
void      cc_outbox_set_online   (CcOutbox *self,
                                  gboolean  online);
gboolean  cc_outbox_get_online   (CcOutbox *self);
gboolean  cc_outbox_get_sending  (CcOutbox *self);

/* Writes the message to SQLite with a new txn_id, then sends it when
 * online. Returns (finish) the persisted entry. */
void           cc_outbox_queue_async  (CcOutbox            *self,
                                       const char          *room_id,
                                       const char          *body,
                                       const char          *reply_to,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* The same, the message citing @context (nullable). */
void           cc_outbox_queue_cited_async (CcOutbox            *self,
                                            const char          *room_id,
                                            const char          *body,
                                            const char          *reply_to,
                                            const CauContext    *context,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CcOutboxEntry *cc_outbox_queue_finish (CcOutbox      *self,
                                       GAsyncResult  *result,
                                       GError       **error);

/* "<cache file without .db>.outbox": a folder per entry (named by its
 * txn_id) holds the copies of the files it attaches. */
const char    *cc_outbox_get_files_dir (CcOutbox *self);
/* Where uploaded copies go once sent (instead of being deleted). */
void           cc_outbox_set_file_cache (CcOutbox    *self,
                                         CcFileCache *file_cache);

/* Like cc_outbox_queue_async(), for a message with files already copied
 * into "<files dir>/<txn_id>/" (see CcOutboxEntry:files). */
void           cc_outbox_queue_files_async (CcOutbox            *self,
                                            const char          *txn_id,
                                            const char          *room_id,
                                            const char          *body,
                                            const char          *reply_to,
                                            JsonArray           *files,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* Removes one file from a pending entry (stopping its upload, deleting its
 * copy); an entry left with no files and no body is discarded. */
void           cc_outbox_cancel_file       (CcOutbox   *self,
                                            const char *txn_id,
                                            const char *path);

/* Sends whatever is pending now (when online). */
void      cc_outbox_flush        (CcOutbox   *self);
/* A failed entry becomes pending again and goes out in its place. */
void      cc_outbox_retry        (CcOutbox   *self,
                                  const char *txn_id);
void      cc_outbox_discard      (CcOutbox   *self,
                                  const char *txn_id);

G_END_DECLS
