/* cc-user.h: a person of the tenant as the client knows them (cached).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CC_TYPE_USER (cc_user_get_type ())
G_DECLARE_FINAL_TYPE (CcUser, cc_user, CC, USER, GObject)

/* Properties (all notify): "id", "email", "display-name", "role",
 * "status-text", "presence" ("online", "idle" or "offline"),
 * "last-seen-at" (gint64, ms since the epoch, 0 when unknown). */

CcUser     *cc_user_new_from_json      (JsonObject *obj);
/* Updates the members present in @obj (a wire `user`); notifies changes. */
void        cc_user_update_from_json   (CcUser     *self,
                                        JsonObject *obj);
JsonObject *cc_user_to_json            (CcUser     *self);

const char *cc_user_get_id             (CcUser *self);
const char *cc_user_get_email          (CcUser *self);
const char *cc_user_get_display_name   (CcUser *self);
const char *cc_user_get_role           (CcUser *self);
const char *cc_user_get_status_text    (CcUser *self);
const char *cc_user_get_presence       (CcUser *self);
gint64      cc_user_get_last_seen_at   (CcUser *self);
void        cc_user_set_presence       (CcUser     *self,
                                        const char *presence,
                                        gint64      last_seen_at);

G_END_DECLS
