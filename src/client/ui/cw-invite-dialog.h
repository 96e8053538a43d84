/* cw-invite-dialog.h: invite people to a room by email, and the room's
 * pending invitations (expiry, copy link, revoke).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_INVITE_DIALOG (cw_invite_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CwInviteDialog, cw_invite_dialog, CW, INVITE_DIALOG, AdwWindow)

CwInviteDialog *cw_invite_dialog_new (GtkWindow *parent,
                                      CcClient  *client,
                                      CcRoom    *room);

/* Splits @text at commas, semicolons and white space. Returns the
 * addresses (lower-cased), or NULL with *@out_invalid set to the first
 * entry that is not an email address. An empty @text gives an empty array. */
GStrv cw_invite_dialog_parse_emails (const char  *text,
                                     char       **out_invalid);

G_END_DECLS
