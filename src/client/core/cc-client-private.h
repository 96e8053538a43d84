/* cc-client-private.h: CcClient's state, shared by cc-client.c (opening,
 * events, models) and cc-client-actions.c (sending, drafts, typing,
 * receipts, REST actions).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"
#include "cc-file-cache.h"
#include "cc-timeline-private.h"

G_BEGIN_DECLS

#include "cc-activity.h"

struct _CcClient
{
  GObject       parent_instance;
  CcAccount    *account;
  char         *data_dir;
  CcCache      *cache;
  CcSync       *sync;
  CcOutbox     *outbox;
  CcRoomList   *rooms;
  GCancellable *cancellable;
  GHashTable   *users;        /* user id -> CcUser */
  GHashTable   *timelines;    /* room id -> CcTimeline (weak) */
  GHashTable   *members;      /* room id -> GListStore of CcMember */
  GHashTable   *typing;       /* room id -> GHashTable (user id -> source id) */
  GHashTable   *typing_sent;  /* room id -> gint64* monotonic ms of our last "typing" */
  CcFileCache  *file_cache;   /* made on first use (cc-client-files.c) */
  GNetworkMonitor *network;   /* while started */
  GHashTable   *unsent;       /* txn id -> room id: the outbox, for the room list */
  GHashTable   *live;         /* user id -> JsonObject: presence heard while online */
  CcActivity   *activity;     /* made on first use (cc_client_get_activity) */
  gboolean      idle;
  gboolean      opened;
};

/* cc-client-reactions.c: a message.reaction @frame applied to the open
 * timeline of @room_id. */
void     _cc_client_apply_reaction (CcClient   *self,
                                    const char *room_id,
                                    JsonObject *frame);

/* cc-client.c */
void     _cc_client_apply_live     (CcClient   *self,
                                    CcUser     *user);
void     _cc_client_note_unsent    (CcClient   *self,
                                    const char *txn_id,
                                    const char *room_id);
void     _cc_client_check_preview  (CcClient   *self,
                                    CcRoom     *room);
void     _cc_client_persist_room   (CcClient   *self,
                                    CcRoom     *room);
void     _cc_client_reload_members (CcClient   *self,
                                    const char *room_id,
                                    gboolean    from_server);
CcUser  *_cc_client_ensure_user    (CcClient   *self,
                                    JsonObject *user);
gint64   _cc_client_my_read_seq    (CcClient   *self,
                                    const char *room_id);
/* Emits "invitation" for the data of an `invitation.new` event. */
void     _cc_client_on_invitation  (CcClient   *self,
                                    JsonObject *data);

/* cc-client-events.c */
void     _cc_client_on_sync_event  (CcSync        *sync,
                                    const char    *type,
                                    JsonObject    *frame,
                                    CcClient      *self);
void     _cc_client_on_presence    (CcClient      *self,
                                    JsonObject    *frame);
void     _cc_client_on_entry_added (CcOutbox      *outbox,
                                    CcOutboxEntry *entry,
                                    CcClient      *self);
void     _cc_client_on_entry_sent  (CcOutbox      *outbox,
                                    const char    *txn_id,
                                    JsonObject    *message,
                                    CcClient      *self);
void     _cc_client_on_entry_failed (CcOutbox     *outbox,
                                     const char   *txn_id,
                                     const char   *error,
                                     CcClient     *self);
void     _cc_client_on_entry_removed (CcOutbox    *outbox,
                                      const char  *txn_id,
                                      CcClient    *self);

/* cc-client-actions.c */
CcMessage   *_cc_client_pending_message (CcClient            *self,
                                         const CcOutboxEntry *entry);
gboolean     _cc_client_check_open      (CcClient            *self,
                                         GTask               *task);

/* cc-client-files.c */
/* Follows the outbox's uploads into the timelines' messages. */
void         _cc_client_files_init      (CcClient   *self);
/* Stops the downloads and drops the file cache. */
void         _cc_client_files_dispose   (CcClient   *self);
/* A retried message's refused files are queued again. */
void         _cc_client_files_retry     (CcClient   *self,
                                         const char *txn_id);
CcFileCache *_cc_client_get_file_cache  (CcClient   *self);

/* cc-client-actions.c */
void     _cc_client_typing_event   (CcClient   *self,
                                    JsonObject *frame);
void     _cc_client_typing_clear   (CcClient   *self);

G_END_DECLS
