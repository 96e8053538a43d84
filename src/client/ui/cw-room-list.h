/* cw-room-list.h: the sidebar: header with menus, filter, offline banner
 * and the rooms as a GtkListView.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_ROOM_LIST (cw_room_list_get_type ())
G_DECLARE_FINAL_TYPE (CwRoomList, cw_room_list, CW, ROOM_LIST, GtkWidget)

/* Signal "room-activated" (CcRoom *room): the person picked a room. */

void cw_room_list_set_client   (CwRoomList *self,
                                CcClient   *client);
/* Activity hook: the unread count on the Activity button (0 hides it). */
void cw_room_list_set_activity_count (CwRoomList *self,
                                      guint       unread);
/* Highlights @room_id (NULL: nothing). */
void cw_room_list_select_room  (CwRoomList *self,
                                const char *room_id);
void cw_room_list_set_folded   (CwRoomList *self,
                                gboolean    folded);
void cw_room_list_focus_filter (CwRoomList *self);
/* The room @step places after @room_id (before, when negative) in the
 * list as shown, or NULL past either end; the first room when @room_id is
 * NULL or not shown. (transfer none) */
CcRoom *cw_room_list_get_neighbour (CwRoomList *self,
                                    const char *room_id,
                                    int         step);
/* The application's pending invitations (CcInvitation), shown as a banner. */
void cw_room_list_set_invitations (CwRoomList *self,
                                   GListModel *invitations);

/* The filter applied to the list: TRUE when @room is shown for @text
 * (case-insensitive, on name and last message; archived rooms hidden). */
gboolean cw_room_list_filter_match (CcRoom     *room,
                                    const char *text);

G_END_DECLS
