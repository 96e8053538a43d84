/* cw-window.h: the main window: sign-in, or room list beside a conversation.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cau-context.h"
#include "cw-application.h"

G_BEGIN_DECLS

#define CW_TYPE_WINDOW (cw_window_get_type ())
G_DECLARE_FINAL_TYPE (CwWindow, cw_window, CW, WINDOW, AdwApplicationWindow)

CwWindow   *cw_window_new         (CwApplication *app);
/* Opens @room_id now, or as soon as the room is known. */
void        cw_window_open_room   (CwWindow   *self,
                                   const char *room_id);
/* Opens @room_id (in the room list) with its composer citing @context. */
void        cw_window_cite_in_room (CwWindow         *self,
                                    const char       *room_id,
                                    const CauContext *context);
/* The room shown in the conversation pane, or NULL. */
const char *cw_window_get_room_id (CwWindow   *self);
void        cw_window_show_toast  (CwWindow   *self,
                                   const char *text);

G_END_DECLS
