/* cc-search.h: message search as a GListModel of CcMessage, newest first:
 * the cache's full-text index at once (also offline), merged with the
 * server's GET /api/search when online (deduplicated by message id).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CC_TYPE_SEARCH (cc_search_get_type ())
G_DECLARE_FINAL_TYPE (CcSearch, cc_search, CC, SEARCH, GObject)

/* How long typing must pause before a search runs, by default. */
#define CC_SEARCH_DELAY_MS 150
/* Results asked of the cache and of the server. */
#define CC_SEARCH_LIMIT 50

/* Properties: "text", "room-id" (NULL: all rooms), "loading" (a query of
 * the cache or the server is under way), "searched" (the items answer the
 * current text: FALSE while typing). Signal "done" when a query finished
 * (the cache's answer, then the server's). */

CcSearch   *cc_search_new          (CcClient   *client);
/* Searches @text in @room_id (NULL: all rooms) after the delay; an empty
 * text empties the list at once. */
void        cc_search_set_query    (CcSearch   *self,
                                    const char *text,
                                    const char *room_id);
const char *cc_search_get_text     (CcSearch   *self);
const char *cc_search_get_room_id  (CcSearch   *self);
gboolean    cc_search_get_loading  (CcSearch   *self);
gboolean    cc_search_get_searched (CcSearch   *self);
/* 0 searches at once (tests). */
void        cc_search_set_delay    (CcSearch   *self,
                                    guint       delay_ms);

G_END_DECLS
