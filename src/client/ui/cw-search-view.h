/* cw-search-view.h: message search in the sidebar: a search entry, the
 * scope (this room or all rooms), and the results as you type.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_SEARCH_VIEW (cw_search_view_get_type ())
G_DECLARE_FINAL_TYPE (CwSearchView, cw_search_view, CW, SEARCH_VIEW, GtkWidget)

/* Signals: "message-activated" (CcMessage *) when a result is chosen,
 * "closed" on Escape or the back button. */

void cw_search_view_set_client (CwSearchView *self,
                                CcClient     *client);
/* Shows the view for @room (NULL: all rooms; the current room, when there
 * is one, stays a choice) with the entry focused and its text selected. */
void cw_search_view_start      (CwSearchView *self,
                                CcRoom       *room,
                                CcRoom       *current_room);

G_END_DECLS
