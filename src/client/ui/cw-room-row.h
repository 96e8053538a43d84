/* cw-room-row.h: one room in the sidebar list.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-room.h"

G_BEGIN_DECLS

#define CW_TYPE_ROOM_ROW (cw_room_row_get_type ())
G_DECLARE_FINAL_TYPE (CwRoomRow, cw_room_row, CW, ROOM_ROW, GtkWidget)

CwRoomRow *cw_room_row_new         (void);
void       cw_room_row_set_room    (CwRoomRow *self,
                                    CcRoom    *room);
CcRoom    *cw_room_row_get_room    (CwRoomRow *self);
/* Refreshes the relative time ("5 min"); the list calls it every minute. */
void       cw_room_row_update_time (CwRoomRow *self);

G_END_DECLS
