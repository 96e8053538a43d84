/* cc-cache-private.h: what the cache's worker thread shares between the
 * job code (cc-cache.c) and the schema (cc-cache-schema.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "cc-cache.h"

G_BEGIN_DECLS

/* Owned by the worker thread; only touched there. */
typedef struct {
  sqlite3    *db;
  GHashTable *stmts;   /* SQL text -> sqlite3_stmt, prepared once */
} CcCacheDb;

/* Returns a reset statement for @sql, prepared on first use. */
sqlite3_stmt *_cc_cache_db_prepare (CcCacheDb   *db,
                                    const char  *sql,
                                    GError     **error);
gboolean      _cc_cache_db_exec    (CcCacheDb   *db,
                                    const char  *sql,
                                    GError     **error);
gboolean      _cc_cache_db_step_done (CcCacheDb    *db,
                                      sqlite3_stmt *stmt,
                                      GError      **error);
void          _cc_cache_set_error  (CcCacheDb   *db,
                                    GError     **error,
                                    const char  *what);

/* Brings the file to CC_CACHE_SCHEMA_VERSION step by step, each step in
 * its own transaction. */
gboolean      _cc_cache_migrate    (CcCacheDb   *db,
                                    int         *out_old_version,
                                    GError     **error);

G_END_DECLS

G_BEGIN_DECLS

/* The arguments of one job, copied on the calling thread so the worker
 * never shares live objects with it. */
typedef struct {
  char      *a, *b, *c, *d;
  gint64     n, m;
  gboolean   flag;
  GPtrArray *texts;    /* JSON texts (char *) */
} CcCacheArgs;

typedef void (*CcCacheJobFunc) (CcCacheDb   *db,
                                GTask       *task,
                                CcCacheArgs *args);

/* Queues @func to run on the worker thread with @args (taken). */
void      _cc_cache_push       (CcCache             *self,
                                CcCacheJobFunc       func,
                                CcCacheArgs         *args,
                                gpointer             source_tag,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
CcCacheArgs *_cc_cache_args_new (void);
/* New arguments whose first string (args->a) is a copy of @a, usually a room id. */
CcCacheArgs *_cc_cache_args_for (const char *a);
/* Copies each JsonObject of @objects into args->texts. */
void      _cc_cache_args_take_objects (CcCacheArgs *args,
                                       GPtrArray   *objects);

/* Worker-side helpers. */
gboolean  _cc_cache_begin      (CcCacheDb *db, GError **error);
gboolean  _cc_cache_commit     (CcCacheDb *db, GError **error);
void      _cc_cache_rollback   (CcCacheDb *db);
/* Returns the task error after a rollback. */
void      _cc_cache_fail       (CcCacheDb *db, GTask *task, GError *error);
JsonObject *_cc_cache_parse    (const char *text);
gboolean  _cc_cache_set_last_seq (CcCacheDb *db, gint64 seq, GError **error);
void      _cc_cache_return_int64 (GTask *task, gint64 n);

#define CC_CACHE_CHECK_OPEN(db, task) \
  G_STMT_START { \
    if ((db)->db == NULL) \
      { \
        g_task_return_new_error ((task), G_IO_ERROR, G_IO_ERROR_CLOSED, \
                                 "The local data is not open."); \
        return; \
      } \
  } G_STMT_END

G_END_DECLS

G_BEGIN_DECLS

/* Row operations (cc-cache-rows.c), inside a transaction of the caller. */
JsonObject *_cc_cache_load_json       (CcCacheDb *db, const char *select_sql,
                                       const char *id, const char *id2);
/* A new object: @stored's members, overridden by @update's. */
JsonObject *_cc_cache_merge           (JsonObject *stored, JsonObject *update);
const char *_cc_cache_member_user_id  (JsonObject *member);
gboolean    _cc_cache_upsert_room     (CcCacheDb *db, JsonObject *room, GError **error);
gboolean    _cc_cache_delete_room     (CcCacheDb *db, const char *room_id, GError **error);
/* Removes @room_id's cached messages below @below_seq (cc-cache-store.c). */
gboolean    _cc_cache_forget_messages (CcCacheDb *db, const char *room_id, gint64 below_seq,
                                       GError **error);
gboolean    _cc_cache_upsert_user     (CcCacheDb *db, JsonObject *user, GError **error);
gboolean    _cc_cache_upsert_member   (CcCacheDb *db, const char *room_id, JsonObject *member,
                                       GError **error);
gboolean    _cc_cache_delete_member   (CcCacheDb *db, const char *room_id, const char *user_id,
                                       GError **error);
gboolean    _cc_cache_set_receipt     (CcCacheDb *db, const char *room_id, const char *user_id,
                                       gint64 seq, GError **error);
/* Also removes the outbox entry with the message's txn_id. */
gboolean    _cc_cache_upsert_message  (CcCacheDb *db, JsonObject *message, GError **error);
/* Commits (or rolls back on @error) and returns the task. */
void        _cc_cache_return_done     (CcCacheDb *db, GTask *task, GError *error);

/* Up to @limit messages of @room_id with a seq above @after_seq (> 0), in
 * ascending seq: the page after what a timeline keeps (cc-timeline-pages.c).
 * Finish with cc_cache_finish_array(). */
void        _cc_cache_load_messages_after_async (CcCache *self, const char *room_id,
                                                 gint64 after_seq, guint limit,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);

G_END_DECLS
