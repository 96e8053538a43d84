/* cw-room-header.h: the conversation's header bar: name and topic,
 * members popover, room menu (settings, mute, leave, archive).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_ROOM_HEADER (cw_room_header_get_type ())
G_DECLARE_FINAL_TYPE (CwRoomHeader, cw_room_header, CW, ROOM_HEADER, GtkWidget)

void cw_room_header_set_client (CwRoomHeader *self,
                                CcClient     *client);
void cw_room_header_set_room   (CwRoomHeader *self,
                                CcRoom       *room);
void cw_room_header_set_folded (CwRoomHeader *self,
                                gboolean      folded);

G_END_DECLS
