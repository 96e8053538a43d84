/* cw-room-settings.h: room settings: name, topic, mute, notify level,
 * leave and archive.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_ROOM_SETTINGS (cw_room_settings_get_type ())
G_DECLARE_FINAL_TYPE (CwRoomSettings, cw_room_settings, CW, ROOM_SETTINGS, AdwPreferencesWindow)

CwRoomSettings *cw_room_settings_new (GtkWindow *parent,
                                      CcClient  *client,
                                      CcRoom    *room);

G_END_DECLS
