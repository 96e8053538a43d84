/* cw-join-dialog.h: an invitation opened from a link: its details fetched
 * from its server, then Accept / Decline, creating the invited account or
 * signing in to it first when needed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cw-application.h"

G_BEGIN_DECLS

#define CW_TYPE_JOIN_DIALOG (cw_join_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CwJoinDialog, cw_join_dialog, CW, JOIN_DIALOG, AdwWindow)

CwJoinDialog *cw_join_dialog_new       (GtkWindow     *parent,
                                        CwApplication *app,
                                        const char    *token,
                                        const char    *server_url);
const char   *cw_join_dialog_get_token (CwJoinDialog  *self);

G_END_DECLS
