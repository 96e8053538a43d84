/* cw-picker-dialog.h: pick a person for a direct message, or a public
 * channel to join.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

typedef enum {
  CW_PICKER_PEOPLE,
  CW_PICKER_CHANNELS,
  /* issue 11 (people): colleagues to add to a room, or to a room being
   * made (then each choice is only emitted as "user-chosen"). */
  CW_PICKER_ADD_PEOPLE,
} CwPickerMode;

#define CW_TYPE_PICKER_DIALOG (cw_picker_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CwPickerDialog, cw_picker_dialog, CW, PICKER_DIALOG, AdwWindow)

CwPickerDialog *cw_picker_dialog_new (GtkWindow    *parent,
                                      CcClient     *client,
                                      CwPickerMode  mode);
/* CW_PICKER_ADD_PEOPLE: @room_id (nullable) is the room people are added
 * to; its members are not offered. Without a room, each choice emits
 * "user-chosen" (CcUser) and leaves the list; @exclude_ids are not offered. */
void            cw_picker_dialog_set_room    (CwPickerDialog     *self,
                                              const char         *room_id);
void            cw_picker_dialog_exclude     (CwPickerDialog     *self,
                                              const char         *user_id);

G_END_DECLS
