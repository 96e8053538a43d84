/* cw-discuss-dialog.h: "Discuss" from another application: the object
 * (label, link), the rooms tied to it and the recent messages citing it;
 * open one of them, start a room tied to it with the people named, or
 * write in an existing room with the object cited.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-discuss.h"
#include "cw-application.h"

G_BEGIN_DECLS

#define CW_TYPE_DISCUSS_DIALOG (cw_discuss_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CwDiscussDialog, cw_discuss_dialog, CW, DISCUSS_DIALOG, AdwWindow)

/* @link is copied. */
CwDiscussDialog  *cw_discuss_dialog_new         (GtkWindow           *parent,
                                                 CwApplication       *app,
                                                 const CcDiscussLink *link);
const CauContext *cw_discuss_dialog_get_context (CwDiscussDialog     *self);

G_END_DECLS
