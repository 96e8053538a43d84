/* cc-timeline-private.h: how CcClient feeds a timeline, and CcTimeline's
 * state, shared by cc-timeline.c (the model, its items, live messages and
 * our outbox) and cc-timeline-pages.c (the window and its pages).
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
/* The same for a live change (an event, the answer to our own edit),
 * which a page asked for before it must not undo. */
void        _cc_timeline_add_live        (CcTimeline   *self,
                                          JsonObject   *message);
/* @message, kept, was just changed live (a reaction). */
void        _cc_timeline_touch           (CcTimeline   *self,
                                          CcMessage    *message);
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
/* cc-timeline-reads.c: "read-at" on our last message another member read,
 * asked of the server (GET /api/rooms/{id}/receipts?seq=) when that
 * message changes. */
void        _cc_timeline_update_read_at  (CcTimeline   *self);
void        _cc_timeline_reads_clear     (CcTimeline   *self);
/* GListModel of CcReceipt (cc-reactions.h) from a wire `receipts` array,
 * leaving out @except_user_id (cc-client-reactions.c). */
GListModel *_cc_receipts_from_json       (JsonArray    *receipts,
                                          const char   *except_user_id);

G_END_DECLS

G_BEGIN_DECLS

/* Only cc-timeline.c and cc-timeline-pages.c touch what follows. */

struct _CcTimeline
{
  GObject       parent_instance;
  char         *room_id;
  char         *own_user_id;
  char         *own_name;
  CcCache      *cache;
  CcApi        *api;
  GListModel   *members;
  GCancellable *cancellable;
  GPtrArray    *items;       /* CcMessage: [0, n_stored) stored, then pending */
  guint         n_stored;
  GHashTable   *by_id;       /* id -> CcMessage */
  guint64       live_clock;  /* counts the live changes of kept messages */
  GHashTable   *by_txn;      /* txn_id -> CcMessage */
  gint64        newest_seq;  /* the newest stored seq known, kept or not */
  guint         generation;  /* bumped when the stored window is replaced */
  guint         n_loads;     /* requests in flight ("loading") */
  gboolean      has_more;
  gboolean      has_newer;
  gboolean      loading;
  gboolean      loaded;
  gboolean      refresh_wanted;
  /* The window was loaded around a message the cache does not hold
   * (cc-timeline-around.c): its pages come from the server, unsaved. */
  gboolean      detached;
  /* cc-timeline-reads.c: the message carrying "read-at", and the request
   * for it in flight. */
  CcMessage    *read_at_message;
  gint64        read_at_seq;
  GCancellable *read_at_cancellable;
};

/* cc-timeline.c: the flags, notified when they change, and "error". */
void        _cc_timeline_set_has_more    (CcTimeline   *self,
                                          gboolean      value);
void        _cc_timeline_set_has_newer   (CcTimeline   *self,
                                          gboolean      value);
void        _cc_timeline_set_loading     (CcTimeline   *self,
                                          gboolean      value);
void        _cc_timeline_set_loaded      (CcTimeline   *self,
                                          gboolean      value);
void        _cc_timeline_emit_error      (CcTimeline   *self,
                                          const char   *message);

/* cc-timeline.c: the stored items. The seqs are 0 when none is kept. */
gint64      _cc_timeline_oldest_seq      (CcTimeline   *self);
gint64      _cc_timeline_newest_kept_seq (CcTimeline   *self);
/* Remembers @seq as known (cc_timeline_get_last_seq()), kept or not. */
void        _cc_timeline_note_seq        (CcTimeline   *self,
                                          gint64        seq);
/* Where a stored message with @seq goes (binary search). */
guint       _cc_timeline_stored_position (CcTimeline   *self,
                                          gint64        seq);
void        _cc_timeline_index_message   (CcTimeline   *self,
                                          CcMessage    *message);
void        _cc_timeline_unindex_message (CcTimeline   *self,
                                          CcMessage    *message);
void        _cc_timeline_drop_stored     (CcTimeline   *self,
                                          guint         pos,
                                          guint         n);
void        _cc_timeline_insert_message  (CcTimeline   *self,
                                          JsonObject   *json);
/* Retention removed the room's messages below @before_seq: they leave the
 * window (issue 17). */
void        _cc_timeline_drop_below      (CcTimeline   *self,
                                          gint64        before_seq);

/* cc-timeline-pages.c: the window replaced by @messages (wire objects in
 * ascending seq), in one change; the flags are the caller's. */
void        _cc_timeline_replace_stored  (CcTimeline   *self,
                                          GPtrArray    *messages);
/* A load begins or ends: "loading" is TRUE while any is under way. */
void        _cc_timeline_begin_load      (CcTimeline   *self);
void        _cc_timeline_end_load        (CcTimeline   *self);
/* The messages (wire objects with an id) of a page answer, and whether
 * the server has more beyond it; nothing is saved. */
GPtrArray  *_cc_timeline_parse_page      (JsonObject   *body,
                                          gboolean     *has_more);
/* The server's page after @after_seq (callback gets a CcApi result). */
void        _cc_timeline_fetch_newer     (CcTimeline          *self,
                                          gint64               after_seq,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);

G_END_DECLS
