/* cc-file-cache.h: downloaded attachments and thumbnails on disk
 * ("$XDG_CACHE_HOME/causerie/<account-key>/files"), kept under a size cap
 * by evicting the least recently used first; its trims also clean the UI's
 * copies of opened files. Internal to the client core:
 * the UI goes through cc_client_fetch_attachment_async().
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-api.h"

G_BEGIN_DECLS

#define CC_FILE_CACHE_DEFAULT_CAP (512 * 1024 * 1024)

#define CC_TYPE_FILE_CACHE (cc_file_cache_get_type ())
G_DECLARE_FINAL_TYPE (CcFileCache, cc_file_cache, CC, FILE_CACHE, GObject)

CcFileCache *cc_file_cache_new        (const char  *dir);
const char  *cc_file_cache_get_dir    (CcFileCache *self);
/* Evicts at once (off the main thread) when over the new cap. */
void         cc_file_cache_set_cap    (CcFileCache *self,
                                       guint64      bytes);
guint64      cc_file_cache_get_cap    (CcFileCache *self);
/* The folder where the UI puts named copies of the files it opens
 * ("<dir>/<id>/<name>"): each trim also removes the entries in it that
 * neither were used nor had their cached file used for a day. NULL: none. */
void         cc_file_cache_set_opened_dir (CcFileCache *self,
                                           const char  *dir);
const char  *cc_file_cache_get_opened_dir (CcFileCache *self);
/* Where the attachment @id (or its thumbnail) lives once cached. */
GFile       *cc_file_cache_get_file   (CcFileCache *self,
                                       const char  *id,
                                       gboolean     thumbnail);

/* The cached file, touched as used; when missing, copied from @local (our
 * own copy of a file we sent, if it is still there) or downloaded through
 * @api (resuming a partial download). Concurrent fetches of one file share
 * the download. */
void         cc_file_cache_fetch_async  (CcFileCache         *self,
                                         CcApi               *api,
                                         const char          *id,
                                         gboolean             thumbnail,
                                         const char          *local,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GFile       *cc_file_cache_fetch_finish (CcFileCache   *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* Stops the downloads in flight (their callers get G_IO_ERROR_CANCELLED). */
void         cc_file_cache_shutdown     (CcFileCache *self);

/* Evicts the least recently used files until the cache is under its cap. */
void         cc_file_cache_trim         (CcFileCache *self);

/* Around cc_file_cache_adopt_sync(), on the owner's thread: fetches of
 * @id asked meanwhile wait for the move instead of downloading. */
gboolean     cc_file_cache_adopt_begin  (CcFileCache *self,
                                         const char  *id);
void         cc_file_cache_adopt_done   (CcFileCache *self,
                                         const char  *id,
                                         gboolean     ok);

/* For a worker thread: moves @path (a file we just uploaded) into the
 * cache as attachment @id, so our own preview needs no download. Call
 * cc_file_cache_trim() afterwards on the owner's thread. */
gboolean     cc_file_cache_adopt_sync   (const char  *dir,
                                         const char  *path,
                                         const char  *id);

/* For a worker thread: removes @dir and everything under it (links are
 * removed, not followed). */
void         cc_file_cache_remove_tree  (const char  *dir);

G_END_DECLS
