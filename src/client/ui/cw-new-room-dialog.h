/* cw-new-room-dialog.h: create a group or a channel.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_NEW_ROOM_DIALOG (cw_new_room_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CwNewRoomDialog, cw_new_room_dialog, CW, NEW_ROOM_DIALOG, AdwWindow)

/* @type: "group" or "channel". Opens the room once created. */
CwNewRoomDialog *cw_new_room_dialog_new (GtkWindow  *parent,
                                         CcClient   *client,
                                         const char *type);

G_END_DECLS
