/* cc-cache.h: the account's SQLite cache ("<data-dir>/<account-key>.db").
 * One worker thread owns the connection and runs jobs from a queue in
 * order (WAL, prepared statements, PRAGMA user_version migrations). Every
 * call is async: nothing here touches SQLite on the calling thread. Rows
 * keep the wire JSON next to their indexed columns.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cau-context.h"
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cc-types.h"

G_BEGIN_DECLS

/* The schema version this build writes; older files are migrated step by
 * step on open. */
#define CC_CACHE_SCHEMA_VERSION 5

/**
 * CcOutboxEntry:
 * A message typed here and not yet stored on the server, in the order it
 * was typed (@id grows).
 */
typedef struct {
  gint64          id;
  char           *txn_id;
  char           *room_id;
  char           *body;
  char           *reply_to;     /* nullable message id */
  CcMessageState  state;        /* PENDING or FAILED */
  char           *error;        /* nullable sentence when FAILED */
  gint64          created_at;   /* ms since the epoch */
  guint           attempts;
  /* nullable: the files to attach, in order, each {path (the outbox
   * copy), name, size, mime_type} plus, once uploaded, the server's
   * {id, width, height, has_thumbnail}; "error" on the one refused. */
  JsonArray      *files;
  CauContext     *context;      /* nullable: the object the message cites */
} CcOutboxEntry;

#define CC_TYPE_OUTBOX_ENTRY (cc_outbox_entry_get_type ())
GType          cc_outbox_entry_get_type (void);
CcOutboxEntry *cc_outbox_entry_copy     (const CcOutboxEntry *entry);
void           cc_outbox_entry_free     (CcOutboxEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcOutboxEntry, cc_outbox_entry_free)

#define CC_TYPE_CACHE (cc_cache_get_type ())
G_DECLARE_FINAL_TYPE (CcCache, cc_cache, CC, CACHE, GObject)

CcCache    *cc_cache_new                (const char *path);
const char *cc_cache_get_path           (CcCache    *self);

/* Creates the directory (0700), opens the file, migrates it. */
void        cc_cache_open_async         (CcCache             *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    cc_cache_open_finish        (CcCache       *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* The version read from the file before migrating (0 for a new file). */
int         cc_cache_get_opened_version (CcCache *self);

/* Every job below returns through GTask; the *_finish functions that
 * return gboolean report SQLite failures as G_IO_ERROR_FAILED. */
gboolean    cc_cache_finish             (CcCache       *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* Returns a GPtrArray of JsonObject (or of CcOutboxEntry for the outbox);
 * free with g_ptr_array_unref. */
GPtrArray  *cc_cache_finish_array       (CcCache       *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* For get_meta / load_draft: a new string or NULL. */
char       *cc_cache_finish_string      (CcCache       *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* For get_last_seq / outbox_add: the value, or -1 with @error set. */
gint64      cc_cache_finish_int         (CcCache       *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* Key/value metadata (own user JSON, resync markers). NULL deletes. */
void cc_cache_set_meta_async      (CcCache *self, const char *key, const char *value,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_get_meta_async      (CcCache *self, const char *key,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* The seq of the last stored event applied to this cache (0 when none). */
void cc_cache_get_last_seq_async  (CcCache *self,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_set_last_seq_async  (CcCache *self, gint64 seq,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Rooms: wire `room` objects. With @replace_all, rooms missing from @rooms
 * are dropped with their members and messages (not drafts nor outbox). */
void cc_cache_save_rooms_async    (CcCache *self, GPtrArray *rooms, gboolean replace_all,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Newest activity first. */
void cc_cache_load_rooms_async    (CcCache *self,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_delete_room_async   (CcCache *self, const char *room_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Users: wire `user` objects. */
void cc_cache_save_users_async    (CcCache *self, GPtrArray *users,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_load_users_async    (CcCache *self,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Members: wire `member` objects {user, role, joined_at, last_read_seq};
 * the user part is saved to the users table as well. */
void cc_cache_save_members_async  (CcCache *self, const char *room_id, GPtrArray *members,
                                   gboolean replace_all,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_load_members_async  (CcCache *self, const char *room_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Messages: wire `message` objects, upserted by id. A message whose txn_id
 * is in the outbox removes that entry in the same transaction. */
void cc_cache_save_messages_async (CcCache *self, GPtrArray *messages,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Up to @limit messages of @room_id with seq < @before_seq (0: the newest),
 * returned in ascending seq. */
void cc_cache_load_messages_async (CcCache *self, const char *room_id, gint64 before_seq, guint limit,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Drops cached messages of @room_id with seq < @below_seq (a gap found
 * after a resync). */
void cc_cache_forget_messages_async (CcCache *self, const char *room_id, gint64 below_seq,
                                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Applies one stored WebSocket event {type, seq, room_id, data} and
 * records its seq as the last one, in one transaction. */
void cc_cache_apply_event_async   (CcCache *self, JsonObject *event,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Drafts, one per room; an empty or NULL @text deletes it. */
void cc_cache_save_draft_async    (CcCache *self, const char *room_id, const char *text,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_load_draft_async    (CcCache *self, const char *room_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Every draft: JsonObject {room_id, body} (finish_array). */
void cc_cache_load_drafts_async   (CcCache *self,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Outbox. add returns (finish_int) the entry id; list returns CcOutboxEntry
 * in typing order, all rooms when @room_id is NULL. */
void cc_cache_outbox_add_async    (CcCache *self, const char *txn_id, const char *room_id,
                                   const char *body, const char *reply_to, gint64 created_at,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* The same with files (see CcOutboxEntry:files). */
void cc_cache_outbox_add_files_async (CcCache *self, const char *txn_id, const char *room_id,
                                      const char *body, const char *reply_to, gint64 created_at,
                                      JsonArray *files,
                                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* The same citing @context (nullable; see CcOutboxEntry:context). */
void cc_cache_outbox_add_cited_async (CcCache *self, const char *txn_id, const char *room_id,
                                      const char *body, const char *reply_to, gint64 created_at,
                                      JsonArray *files, const CauContext *context,
                                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Merges @update into the file of @txn_id whose path is @path, or removes
 * that file when @update is NULL; an entry left with neither files nor
 * body is removed. finish_int: 1 when the entry was removed, 0 when not,
 * -1 with an error. */
void cc_cache_outbox_update_file_async (CcCache *self, const char *txn_id, const char *path,
                                        JsonObject *update,
                                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_outbox_list_async   (CcCache *self, const char *room_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_outbox_set_state_async (CcCache *self, const char *txn_id, CcMessageState state,
                                      const char *error,
                                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void cc_cache_outbox_remove_async (CcCache *self, const char *txn_id,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
