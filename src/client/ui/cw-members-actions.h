/* cw-members-actions.h: what one can do to a member of a room (change the
 * role, remove), offered only when the user's role allows it; adding
 * people to a room.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

/* A dialog about @member with the roles the user may give and "Remove
 * from Room"; only "Close" when the user may do neither. */
void cw_members_show_actions  (GtkWidget *parent,
                               CcClient  *client,
                               CcRoom    *room,
                               CcMember  *member);
/* Whether the user may add people to @room (not to direct rooms). */
gboolean cw_members_can_add   (CcRoom    *room);
/* The "Add People" picker over @room. */
void cw_members_add_people    (GtkWidget *parent,
                               CcClient  *client,
                               CcRoom    *room);
/* "Make Admin" and the like, translated. */
const char *cw_members_make_role_label (const char *role);

/* A direct room's header subtitle: takes @fallback ("Offline"…) and gives
 * "Last seen …" instead when known, after the other person's status text. */
char *cw_members_direct_subtitle (CcClient *client,
                                  CcRoom   *room,
                                  char     *fallback);

/* "Set Status": the user's status text (PATCH /api/me), shown to others
 * beside their name. */
void cw_members_set_status (GtkWindow *parent,
                            CcClient  *client);

G_END_DECLS
