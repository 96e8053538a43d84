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
} CwPickerMode;

#define CW_TYPE_PICKER_DIALOG (cw_picker_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CwPickerDialog, cw_picker_dialog, CW, PICKER_DIALOG, AdwWindow)

CwPickerDialog *cw_picker_dialog_new (GtkWindow    *parent,
                                      CcClient     *client,
                                      CwPickerMode  mode);

G_END_DECLS
