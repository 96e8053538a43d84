/* cs-context.h: what is tied to an object of another application (API.md,
 * "Business context"): the rooms and the messages whose context names it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* What an engine implements for this header: one entry per function below,
 * named without its prefix; the functions dispatch to it through the
 * connection's engine (store/README.md). */
struct _CsContextOps {
  GPtrArray *(*room_ids) (CsDb *db, const char *tenant_id, const char *user_id, const char *entity_type, const char *entity_id, guint n);
  GPtrArray *(*message_ids) (CsDb *db, const char *tenant_id, const char *user_id, const char *entity_type, const char *entity_id, guint n);
};

/* Ids (char*) of the rooms of @tenant_id tied to the object that @user_id
 * is a member of, newest first; at most @n. */
static inline GPtrArray *
cs_context_room_ids (CsDb       *db,
                     const char *tenant_id,
                     const char *user_id,
                     const char *entity_type,
                     const char *entity_id,
                     guint       n)
{
  CS_DB_NEEDS (db, context, room_ids);
  return db->engine->context->room_ids (db, tenant_id, user_id, entity_type, entity_id, n);
}

/* Ids (char*) of the messages of @tenant_id citing the object, not
 * deleted, in rooms @user_id is a member of, newest first; at most @n. */
static inline GPtrArray *
cs_context_message_ids (CsDb       *db,
                        const char *tenant_id,
                        const char *user_id,
                        const char *entity_type,
                        const char *entity_id,
                        guint       n)
{
  CS_DB_NEEDS (db, context, message_ids);
  return db->engine->context->message_ids (db, tenant_id, user_id, entity_type, entity_id, n);
}

G_END_DECLS
