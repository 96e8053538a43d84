/* cc-member.h: one member of a room: the user, the room role and the read
 * watermark (for ✓✓ and "read by N").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-user.h"

G_BEGIN_DECLS

#define CC_TYPE_MEMBER (cc_member_get_type ())
G_DECLARE_FINAL_TYPE (CcMember, cc_member, CC, MEMBER, GObject)

/* Properties (all notify): "user" (CcUser), "user-id", "display-name",
 * "role" ("owner", "admin", "member", "guest"), "last-read-seq" (gint64),
 * "joined-at" (gint64 ms). */

/* @obj is a wire member {user, role, joined_at, last_read_seq}. */
CcMember   *cc_member_new_from_json     (JsonObject *obj);
JsonObject *cc_member_to_json           (CcMember   *self);

CcUser     *cc_member_get_user          (CcMember *self);
const char *cc_member_get_user_id       (CcMember *self);
const char *cc_member_get_display_name  (CcMember *self);
const char *cc_member_get_role          (CcMember *self);
gint64      cc_member_get_last_read_seq (CcMember *self);
gint64      cc_member_get_joined_at     (CcMember *self);
void        cc_member_set_role          (CcMember   *self,
                                         const char *role);
/* Watermarks only move forward; a lower value is ignored. */
void        cc_member_set_last_read_seq (CcMember *self,
                                         gint64    seq);

G_END_DECLS
