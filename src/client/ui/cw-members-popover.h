/* cw-members-popover.h: the members of the open room with role and presence.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_MEMBERS_POPOVER (cw_members_popover_get_type ())
G_DECLARE_FINAL_TYPE (CwMembersPopover, cw_members_popover, CW, MEMBERS_POPOVER, GtkPopover)

void cw_members_popover_set_room (CwMembersPopover *self,
                                  CcClient         *client,
                                  CcRoom           *room);

/* "Owner", "Admin", "Guest" (translated), NULL for members. */
const char *cw_role_label (const char *role);

G_END_DECLS
