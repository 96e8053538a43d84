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
 * "last-seen-at" (gint64, ms since the epoch, 0 when unknown),
 * "kind" ("person" or "agent"; "person" when the server says nothing),
 * "handle" and "description" (agents only, NULL for people), "can-direct" (see
 * cc_user_get_can_direct()). */

CcUser     *cc_user_new_from_json      (JsonObject *obj);
/* Updates the members present in @obj (a wire `user`); notifies changes. */
void        cc_user_update_from_json   (CcUser     *self,
                                        JsonObject *obj);
JsonObject *cc_user_to_json            (CcUser     *self);
/* A CcUser for each object of @array (other elements are skipped). */
GPtrArray  *cc_user_list_new_from_json (JsonArray  *array);

const char *cc_user_get_id             (CcUser *self);
const char *cc_user_get_email          (CcUser *self);
const char *cc_user_get_display_name   (CcUser *self);
const char *cc_user_get_role           (CcUser *self);
const char *cc_user_get_status_text    (CcUser *self);
const char *cc_user_get_presence       (CcUser *self);
gint64      cc_user_get_last_seen_at   (CcUser *self);
const char *cc_user_get_kind           (CcUser *self);
const char *cc_user_get_handle         (CcUser *self);
const char *cc_user_get_description    (CcUser *self);
gboolean    cc_user_is_agent           (CcUser *self);
/* An agent's system prompt and model, as the admin endpoints give them
 * (NULL elsewhere, and the model NULL when the server's default is used). */
const char *cc_user_get_system_prompt  (CcUser *self);
const char *cc_user_get_model          (CcUser *self);
/* The contact policy (issue 17). The person's rank, or NULL. Whether the
 * signed-in user may open a direct room with them, as the people listing
 * (GET /api/users) said (TRUE when it said nothing); when not, the
 * server's English sentence and the rule: "rank" or "role" (or NULL when
 * the server gave none), with the signed-in user's rank or role in @from
 * and theirs in @to. */
const char *cc_user_get_rank           (CcUser *self);
gboolean    cc_user_get_can_direct     (CcUser *self);
const char *cc_user_get_contact_reason (CcUser *self);
const char *cc_user_get_contact_rule   (CcUser      *self,
                                        const char **from,
                                        const char **to);
void        cc_user_set_presence       (CcUser     *self,
                                        const char *presence,
                                        gint64      last_seen_at);

G_END_DECLS
