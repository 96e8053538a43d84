/* cc-outbox-private.h: CcOutbox's state, shared by cc-outbox.c (messages,
 * the sending rounds) and cc-outbox-files.c (copies and uploads).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-outbox.h"

G_BEGIN_DECLS

/* After a server error or rate limit while connected. */
#define RETRY_DELAY_S 5

typedef struct _Upload Upload;

struct _CcOutbox
{
  GObject       parent_instance;
  CcCache      *cache;
  CcApi        *api;
  GCancellable *cancellable;
  guint         retry_id;
  gboolean      online;
  gboolean      sending;
  gboolean      again;     /* flush asked while sending */
  gboolean      swept;     /* orphaned copies looked for */
  char         *files_dir;
  CcFileCache  *file_cache;
  Upload       *upload;    /* the file going out now */
};

enum {
  CC_OUTBOX_ENTRY_ADDED,
  CC_OUTBOX_ENTRY_SENT,
  CC_OUTBOX_ENTRY_FAILED,
  CC_OUTBOX_ENTRY_REMOVED,
  CC_OUTBOX_DRAINED,
  CC_OUTBOX_FILE_PROGRESS,
  CC_OUTBOX_FILE_CHANGED,
  CC_OUTBOX_FILE_REMOVED,
  CC_OUTBOX_N_SIGNALS
};

extern guint _cc_outbox_signals[CC_OUTBOX_N_SIGNALS];

/* cc-outbox.c */
void        _cc_outbox_send_next     (CcOutbox      *self);
/* Ends this round; with @retry_in_s, flushes again after that long. */
void        _cc_outbox_pause         (CcOutbox      *self,
                                      guint          retry_in_s);
void        _cc_outbox_fail          (CcOutbox      *self,
                                      CcOutboxEntry *entry,
                                      const char    *message);

/* cc-outbox-files.c */
/* The first file of @entry not uploaded yet, or NULL. */
JsonObject *_cc_outbox_next_file     (const CcOutboxEntry *entry);
void        _cc_outbox_start_upload  (CcOutbox            *self,
                                      const CcOutboxEntry *entry,
                                      JsonObject          *file);
void        _cc_outbox_stop_upload   (CcOutbox            *self);
void        _cc_outbox_drop_upload   (CcOutbox            *self,
                                      const char          *txn_id,
                                      const char          *path);
/* Deletes the copies of @txn_id; with @sent, those uploaded move into the
 * file cache first. */
void        _cc_outbox_drop_copies   (CcOutbox            *self,
                                      const char          *txn_id,
                                      const CcOutboxEntry *sent);
void        _cc_outbox_sweep_orphans (CcOutbox            *self,
                                      GPtrArray           *entries);
/* After a 404: the server lost the uploads of @entry; a retry sends them again. */
void        _cc_outbox_forget_uploads (CcOutbox            *self,
                                       const CcOutboxEntry *entry);

G_END_DECLS
