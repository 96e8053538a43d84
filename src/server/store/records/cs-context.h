/* cs-context.h: what is tied to an object of another application (API.md,
 * "Business context"): the rooms and the messages whose context names it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* Ids (char*) of the rooms of @tenant_id tied to the object that @user_id
 * is a member of, newest first; at most @n. */
GPtrArray *cs_context_room_ids    (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id,
                                   const char *entity_type,
                                   const char *entity_id,
                                   guint       n);
/* Ids (char*) of the messages of @tenant_id citing the object, not
 * deleted, in rooms @user_id is a member of, newest first; at most @n. */
GPtrArray *cs_context_message_ids (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id,
                                   const char *entity_type,
                                   const char *entity_id,
                                   guint       n);

G_END_DECLS
