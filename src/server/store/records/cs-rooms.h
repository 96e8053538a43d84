/* cs-rooms.h: rooms and their members, as the store keeps them. Each call
 * runs on the connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* What an engine implements for this header: one entry per function below,
 * named without its "cs_rooms_" (or "cs_") prefix; the functions
 * dispatch to it through the connection's engine (store/README.md). */
struct _CsRoomsOps {
  char *(*name) (CsDb *db, const char *room_id);
  char *(*type) (CsDb *db, const char *room_id);
  gboolean (*is_archived) (CsDb *db, const char *room_id);
  gint64 (*last_seq) (CsDb *db, const char *room_id);
  char *(*members_role) (CsDb *db, const char *room_id, const char *user_id);
  gint64 (*members_last_read) (CsDb *db, const char *room_id, const char *user_id);
  gboolean (*members_set_last_read) (CsDb *db, const char *room_id, const char *user_id, gint64 seq);
  GPtrArray *(*members_users) (CsDb *db, const char *room_id);
  GPtrArray *(*members_prefs) (CsDb *db, const char *room_id, const char *except_user_id);
  CsRoom *(*get) (CsDb *db, const char *tenant_id, const char *room_id, const char *viewer_id);
  char *(*direct_name) (CsDb *db, const char *room_id, const char *viewer_id);
  gint64 (*unread_count) (CsDb *db, const char *room_id, gint64 after_seq, const char *viewer_id);
  gint64 (*mention_count) (CsDb *db, const char *room_id, gint64 after_seq, const char *viewer_id);
  CsMessage *(*last_message) (CsDb *db, const char *room_id);
  char *(*members_role_in_tenant) (CsDb *db, const char *tenant_id, const char *room_id, const char *user_id);
  GPtrArray *(*members_list) (CsDb *db, const char *room_id);
  gboolean (*insert) (CsDb *db, const char *tenant_id, const char *room_id, const char *type, const char *name, const char *description, gboolean is_private, const char *created_by, gint64 created_at, const char *context);
  gboolean (*insert_direct) (CsDb *db, const char *tenant_id, const char *room_id, const char *created_by, gint64 created_at, const char *direct_key);
  char *(*find_direct) (CsDb *db, const char *tenant_id, const char *direct_key);
  gboolean (*set_name) (CsDb *db, const char *room_id, const char *name);
  gboolean (*set_description) (CsDb *db, const char *room_id, const char *description);
  gboolean (*set_archived) (CsDb *db, const char *room_id, gboolean archived);
  GPtrArray *(*ids_of_member) (CsDb *db, const char *tenant_id, const char *user_id, gboolean archived);
  GPtrArray *(*ids_to_discover) (CsDb *db, const char *tenant_id, const char *user_id);
  gboolean (*visible) (CsDb *db, const char *tenant_id, const char *room_id, const char *user_id);
  gboolean (*is_open_channel) (CsDb *db, const char *tenant_id, const char *room_id);
  gboolean (*members_is_member) (CsDb *db, const char *room_id, const char *user_id);
  gint64 (*members_count) (CsDb *db, const char *room_id);
  gint64 (*members_count_owners) (CsDb *db, const char *room_id);
  CsMemberPrefs *(*members_prefs_of) (CsDb *db, const char *room_id, const char *user_id);
  gboolean (*members_insert) (CsDb *db, const char *room_id, const char *user_id, const char *role, gint64 joined_at);
  gboolean (*members_set_role) (CsDb *db, const char *room_id, const char *user_id, const char *role);
  gboolean (*members_set_muted) (CsDb *db, const char *room_id, const char *user_id, gboolean muted);
  gboolean (*members_set_notify) (CsDb *db, const char *room_id, const char *user_id, const char *notify);
  gboolean (*members_delete) (CsDb *db, const char *room_id, const char *user_id);
  GPtrArray *(*members_rooms_of) (CsDb *db, const char *user_id);
  gboolean (*members_promote_successor) (CsDb *db, const char *room_id);
  char **(*members_ids) (CsDb *db, const char *room_id);   /* cs_ids_new () */
};

static inline char *
cs_rooms_name (CsDb       *db,
               const char *room_id)
{
  CS_DB_NEEDS (db, rooms, name);
  return db->engine->rooms->name (db, room_id);
}

static inline char *
cs_rooms_type (CsDb       *db,
               const char *room_id)
{
  CS_DB_NEEDS (db, rooms, type);
  return db->engine->rooms->type (db, room_id);
}

static inline gboolean
cs_rooms_is_archived (CsDb       *db,
                      const char *room_id)
{
  CS_DB_NEEDS (db, rooms, is_archived);
  return db->engine->rooms->is_archived (db, room_id);
}

/* The seq of the room's latest message; 0 when none. */
static inline gint64
cs_rooms_last_seq (CsDb       *db,
                   const char *room_id)
{
  CS_DB_NEEDS (db, rooms, last_seq);
  return db->engine->rooms->last_seq (db, room_id);
}

/* @user_id's role in @room_id, or NULL when not a member. */
static inline char *
cs_members_role (CsDb       *db,
                 const char *room_id,
                 const char *user_id)
{
  CS_DB_NEEDS (db, rooms, members_role);
  return db->engine->rooms->members_role (db, room_id, user_id);
}

static inline gint64
cs_members_last_read (CsDb       *db,
                      const char *room_id,
                      const char *user_id)
{
  CS_DB_NEEDS (db, rooms, members_last_read);
  return db->engine->rooms->members_last_read (db, room_id, user_id);
}

static inline gboolean
cs_members_set_last_read (CsDb       *db,
                          const char *room_id,
                          const char *user_id,
                          gint64      seq)
{
  CS_DB_NEEDS (db, rooms, members_set_last_read);
  return db->engine->rooms->members_set_last_read (db, room_id, user_id, seq);
}

/* The members of @room_id with their names and addresses (CsMemberUser*). */
static inline GPtrArray *
cs_members_users (CsDb       *db,
                  const char *room_id)
{
  CS_DB_NEEDS (db, rooms, members_users);
  return db->engine->rooms->members_users (db, room_id);
}

/* How each member of @room_id but @except_user_id wants to be notified
 * (CsMemberPrefs*). */
static inline GPtrArray *
cs_members_prefs (CsDb       *db,
                  const char *room_id,
                  const char *except_user_id)
{
  CS_DB_NEEDS (db, rooms, members_prefs);
  return db->engine->rooms->members_prefs (db, room_id, except_user_id);
}

/* @room_id of @tenant_id as @viewer_id sees it, or NULL. */
static inline CsRoom *
cs_rooms_get (CsDb       *db,
              const char *tenant_id,
              const char *room_id,
              const char *viewer_id)
{
  CS_DB_NEEDS (db, rooms, get);
  return db->engine->rooms->get (db, tenant_id, room_id, viewer_id);
}

/* The name of the other person in a direct room, or NULL. */
static inline char *
cs_rooms_direct_name (CsDb       *db,
                      const char *room_id,
                      const char *viewer_id)
{
  CS_DB_NEEDS (db, rooms, direct_name);
  return db->engine->rooms->direct_name (db, room_id, viewer_id);
}

/* Messages after @after_seq not sent by @viewer_id, and mentions of
 * @viewer_id after @after_seq; both stop counting at 1000. */
static inline gint64
cs_rooms_unread_count (CsDb       *db,
                       const char *room_id,
                       gint64      after_seq,
                       const char *viewer_id)
{
  CS_DB_NEEDS (db, rooms, unread_count);
  return db->engine->rooms->unread_count (db, room_id, after_seq, viewer_id);
}

static inline gint64
cs_rooms_mention_count (CsDb       *db,
                        const char *room_id,
                        gint64      after_seq,
                        const char *viewer_id)
{
  CS_DB_NEEDS (db, rooms, mention_count);
  return db->engine->rooms->mention_count (db, room_id, after_seq, viewer_id);
}

/* The latest message not deleted (id, seq, sender_name, body,
 * created_at filled), or NULL. */
static inline CsMessage *
cs_rooms_last_message (CsDb       *db,
                       const char *room_id)
{
  CS_DB_NEEDS (db, rooms, last_message);
  return db->engine->rooms->last_message (db, room_id);
}

/* @user_id's role in @room_id of @tenant_id, or NULL when not a member. */
static inline char *
cs_members_role_in_tenant (CsDb       *db,
                           const char *tenant_id,
                           const char *room_id,
                           const char *user_id)
{
  CS_DB_NEEDS (db, rooms, members_role_in_tenant);
  return db->engine->rooms->members_role_in_tenant (db, tenant_id, room_id, user_id);
}

/* The ids of @room_id's members, shared: free with cs_ids_unref. */
static inline char **
cs_members_ids (CsDb       *db,
                const char *room_id)
{
  CS_DB_NEEDS (db, rooms, members_ids);
  return db->engine->rooms->members_ids (db, room_id);
}
/* The members of @room_id with their accounts (CsMember*): owners, then
 * admins, then by name. */
static inline GPtrArray *
cs_members_list (CsDb       *db,
                 const char *room_id)
{
  CS_DB_NEEDS (db, rooms, members_list);
  return db->engine->rooms->members_list (db, room_id);
}

/* Writes, inside the writer's transaction; FALSE when the engine failed. */
static inline gboolean
cs_rooms_insert (CsDb       *db,
                 const char *tenant_id,
                 const char *room_id,
                 const char *type,
                 const char *name,
                 const char *description,
                 gboolean    is_private,
                 const char *created_by,
                 gint64      created_at,
                 const char *context)
{
  CS_DB_NEEDS (db, rooms, insert);
  return db->engine->rooms->insert (db, tenant_id, room_id, type, name, description, is_private, created_by, created_at, context);
}

/* A direct room, found again by @direct_key (the two ids, sorted). */
static inline gboolean
cs_rooms_insert_direct (CsDb       *db,
                        const char *tenant_id,
                        const char *room_id,
                        const char *created_by,
                        gint64      created_at,
                        const char *direct_key)
{
  CS_DB_NEEDS (db, rooms, insert_direct);
  return db->engine->rooms->insert_direct (db, tenant_id, room_id, created_by, created_at, direct_key);
}

static inline char *
cs_rooms_find_direct (CsDb       *db,
                      const char *tenant_id,
                      const char *direct_key)
{
  CS_DB_NEEDS (db, rooms, find_direct);
  return db->engine->rooms->find_direct (db, tenant_id, direct_key);
}

static inline gboolean
cs_rooms_set_name (CsDb       *db,
                   const char *room_id,
                   const char *name)
{
  CS_DB_NEEDS (db, rooms, set_name);
  return db->engine->rooms->set_name (db, room_id, name);
}

static inline gboolean
cs_rooms_set_description (CsDb       *db,
                          const char *room_id,
                          const char *description)
{
  CS_DB_NEEDS (db, rooms, set_description);
  return db->engine->rooms->set_description (db, room_id, description);
}

static inline gboolean
cs_rooms_set_archived (CsDb       *db,
                       const char *room_id,
                       gboolean    archived)
{
  CS_DB_NEEDS (db, rooms, set_archived);
  return db->engine->rooms->set_archived (db, room_id, archived);
}

/* Ids (char*) of the rooms @user_id is in, archived or not, latest
 * activity first. */
static inline GPtrArray *
cs_rooms_ids_of_member (CsDb       *db,
                        const char *tenant_id,
                        const char *user_id,
                        gboolean    archived)
{
  CS_DB_NEEDS (db, rooms, ids_of_member);
  return db->engine->rooms->ids_of_member (db, tenant_id, user_id, archived);
}

/* Ids (char*) of the public, open channels @user_id is not in, by name. */
static inline GPtrArray *
cs_rooms_ids_to_discover (CsDb       *db,
                          const char *tenant_id,
                          const char *user_id)
{
  CS_DB_NEEDS (db, rooms, ids_to_discover);
  return db->engine->rooms->ids_to_discover (db, tenant_id, user_id);
}

/* A member sees their rooms; anyone in the tenant its public channels. */
static inline gboolean
cs_rooms_visible (CsDb       *db,
                  const char *tenant_id,
                  const char *room_id,
                  const char *user_id)
{
  CS_DB_NEEDS (db, rooms, visible);
  return db->engine->rooms->visible (db, tenant_id, room_id, user_id);
}

/* A public channel, not archived, that anyone in the tenant may join. */
static inline gboolean
cs_rooms_is_open_channel (CsDb       *db,
                          const char *tenant_id,
                          const char *room_id)
{
  CS_DB_NEEDS (db, rooms, is_open_channel);
  return db->engine->rooms->is_open_channel (db, tenant_id, room_id);
}

static inline gboolean
cs_members_is_member (CsDb       *db,
                      const char *room_id,
                      const char *user_id)
{
  CS_DB_NEEDS (db, rooms, members_is_member);
  return db->engine->rooms->members_is_member (db, room_id, user_id);
}

static inline gint64
cs_members_count (CsDb       *db,
                  const char *room_id)
{
  CS_DB_NEEDS (db, rooms, members_count);
  return db->engine->rooms->members_count (db, room_id);
}

static inline gint64
cs_members_count_owners (CsDb       *db,
                         const char *room_id)
{
  CS_DB_NEEDS (db, rooms, members_count_owners);
  return db->engine->rooms->members_count_owners (db, room_id);
}

/* @user_id's own settings in @room_id, or NULL. */
static inline CsMemberPrefs *
cs_members_prefs_of (CsDb       *db,
                     const char *room_id,
                     const char *user_id)
{
  CS_DB_NEEDS (db, rooms, members_prefs_of);
  return db->engine->rooms->members_prefs_of (db, room_id, user_id);
}

/* Adds @user_id, with everything already in the room read. */
static inline gboolean
cs_members_insert (CsDb       *db,
                   const char *room_id,
                   const char *user_id,
                   const char *role,
                   gint64      joined_at)
{
  CS_DB_NEEDS (db, rooms, members_insert);
  return db->engine->rooms->members_insert (db, room_id, user_id, role, joined_at);
}

static inline gboolean
cs_members_set_role (CsDb       *db,
                     const char *room_id,
                     const char *user_id,
                     const char *role)
{
  CS_DB_NEEDS (db, rooms, members_set_role);
  return db->engine->rooms->members_set_role (db, room_id, user_id, role);
}

static inline gboolean
cs_members_set_muted (CsDb       *db,
                      const char *room_id,
                      const char *user_id,
                      gboolean    muted)
{
  CS_DB_NEEDS (db, rooms, members_set_muted);
  return db->engine->rooms->members_set_muted (db, room_id, user_id, muted);
}

static inline gboolean
cs_members_set_notify (CsDb       *db,
                       const char *room_id,
                       const char *user_id,
                       const char *notify)
{
  CS_DB_NEEDS (db, rooms, members_set_notify);
  return db->engine->rooms->members_set_notify (db, room_id, user_id, notify);
}

static inline gboolean
cs_members_delete (CsDb       *db,
                   const char *room_id,
                   const char *user_id)
{
  CS_DB_NEEDS (db, rooms, members_delete);
  return db->engine->rooms->members_delete (db, room_id, user_id);
}

/* Ids (char*) of the rooms @user_id is in. */
static inline GPtrArray *
cs_members_rooms_of (CsDb       *db,
                     const char *user_id)
{
  CS_DB_NEEDS (db, rooms, members_rooms_of);
  return db->engine->rooms->members_rooms_of (db, user_id);
}

/* Makes the longest-standing member (admins first) owner of @room_id. */
static inline gboolean
cs_members_promote_successor (CsDb       *db,
                              const char *room_id)
{
  CS_DB_NEEDS (db, rooms, members_promote_successor);
  return db->engine->rooms->members_promote_successor (db, room_id);
}

G_END_DECLS
