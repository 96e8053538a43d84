/* cw-invitation-row.h: one pending invitation in the invite dialog:
 * address, expiry, "Copy Link" and "Revoke".
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-invitation.h"

G_BEGIN_DECLS

#define CW_TYPE_INVITATION_ROW (cw_invitation_row_get_type ())
G_DECLARE_FINAL_TYPE (CwInvitationRow, cw_invitation_row, CW, INVITATION_ROW, AdwActionRow)

GtkWidget *cw_invitation_row_new (CcInvitation *invitation);

G_END_DECLS
