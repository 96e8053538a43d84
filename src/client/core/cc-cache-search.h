/* cc-cache-search.h: the cache's full-text index of messages (schema
 * version 4): searching it, and loading a room's messages around one of
 * them, on the cache's worker thread like every other job.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-cache.h"

G_BEGIN_DECLS

/* What a person typed as an FTS5 query: every word must appear (any case,
 * any accents), the last one as a prefix since it may be half typed.
 * Quoting keeps FTS5 syntax out of it. NULL when there is no word. */
char *cc_cache_fts_query (const char *text);

/**
 * cc_cache_search_async:
 * @room_id: (nullable): one room, or all
 *
 * The newest @limit cached messages (highest seq first) whose text
 * matches @text (see cc_cache_fts_query()); deleted ones never match.
 * Finish with cc_cache_finish_array(): wire `message` objects.
 */
void cc_cache_search_async   (CcCache *self, const char *text, const char *room_id, guint limit,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/**
 * cc_cache_load_around_async:
 *
 * Up to @half messages of @room_id with seq <= @seq and up to @half with
 * seq > @seq, in ascending seq. Finish with cc_cache_finish_array().
 */
void cc_cache_load_around_async (CcCache *self, const char *room_id, gint64 seq, guint half,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
