/* cc-room-list.h: the rooms of the account as a GListModel of CcRoom,
 * newest activity first (it re-sorts itself when "last-activity-at"
 * changes). Filter archived rooms or by name with a GtkFilterListModel.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cc-room.h"

G_BEGIN_DECLS

#define CC_TYPE_ROOM_LIST (cc_room_list_get_type ())
G_DECLARE_FINAL_TYPE (CcRoomList, cc_room_list, CC, ROOM_LIST, GObject)

/* Property "unread-total" (guint): unread messages over unmuted rooms. */

CcRoomList *cc_room_list_new              (void);
/* (transfer none) or NULL. */
CcRoom     *cc_room_list_lookup           (CcRoomList *self,
                                           const char *room_id);
/* Adds or updates a room from a wire `room`; returns it (transfer none). */
CcRoom     *cc_room_list_upsert           (CcRoomList *self,
                                           JsonObject *room);
void        cc_room_list_remove           (CcRoomList *self,
                                           const char *room_id);
/* Replaces the content with @rooms (JsonObject), keeping the CcRoom
 * objects of rooms that stay. */
void        cc_room_list_replace_all      (CcRoomList *self,
                                           GPtrArray  *rooms);
guint       cc_room_list_get_unread_total (CcRoomList *self);

G_END_DECLS
