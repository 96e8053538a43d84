/* cs-rooms.h: rooms and their members, as the store keeps them. Each call
 * runs on the connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

char      *cs_rooms_name          (CsDb       *db,
                                   const char *room_id);
char      *cs_rooms_type          (CsDb       *db,
                                   const char *room_id);
gboolean   cs_rooms_is_archived   (CsDb       *db,
                                   const char *room_id);
/* The seq of the room's latest message; 0 when none. */
gint64     cs_rooms_last_seq      (CsDb       *db,
                                   const char *room_id);

/* @user_id's role in @room_id, or NULL when not a member. */
char      *cs_members_role        (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id);
gint64     cs_members_last_read   (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id);
gboolean   cs_members_set_last_read (CsDb     *db,
                                     const char *room_id,
                                     const char *user_id,
                                     gint64      seq);
/* The members of @room_id with their names and addresses (CsMemberUser*). */
GPtrArray *cs_members_users       (CsDb       *db,
                                   const char *room_id);
/* How each member of @room_id but @except_user_id wants to be notified
 * (CsMemberPrefs*). */
GPtrArray *cs_members_prefs       (CsDb       *db,
                                   const char *room_id,
                                   const char *except_user_id);

/* @room_id of @tenant_id as @viewer_id sees it, or NULL. */
CsRoom    *cs_rooms_get           (CsDb       *db,
                                   const char *tenant_id,
                                   const char *room_id,
                                   const char *viewer_id);
/* The name of the other person in a direct room, or NULL. */
char      *cs_rooms_direct_name   (CsDb       *db,
                                   const char *room_id,
                                   const char *viewer_id);
/* Messages after @after_seq not sent by @viewer_id, and mentions of
 * @viewer_id after @after_seq; both stop counting at 1000. */
gint64     cs_rooms_unread_count  (CsDb       *db,
                                   const char *room_id,
                                   gint64      after_seq,
                                   const char *viewer_id);
gint64     cs_rooms_mention_count (CsDb       *db,
                                   const char *room_id,
                                   gint64      after_seq,
                                   const char *viewer_id);
/* The latest message not deleted (id, seq, sender_name, body,
 * created_at filled), or NULL. */
CsMessage *cs_rooms_last_message  (CsDb       *db,
                                   const char *room_id);

/* @user_id's role in @room_id of @tenant_id, or NULL when not a member. */
char      *cs_members_role_in_tenant (CsDb       *db,
                                      const char *tenant_id,
                                      const char *room_id,
                                      const char *user_id);
/* The ids of @room_id's members. */
char     **cs_members_ids         (CsDb       *db,
                                   const char *room_id);
/* The members of @room_id with their accounts (CsMember*): owners, then
 * admins, then by name. */
GPtrArray *cs_members_list        (CsDb       *db,
                                   const char *room_id);

/* Writes, inside the writer's transaction; FALSE when the engine failed. */
gboolean   cs_rooms_insert        (CsDb       *db,
                                   const char *tenant_id,
                                   const char *room_id,
                                   const char *type,
                                   const char *name,
                                   const char *description,
                                   gboolean    is_private,
                                   const char *created_by,
                                   gint64      created_at,
                                   const char *context);
/* A direct room, found again by @direct_key (the two ids, sorted). */
gboolean   cs_rooms_insert_direct (CsDb       *db,
                                   const char *tenant_id,
                                   const char *room_id,
                                   const char *created_by,
                                   gint64      created_at,
                                   const char *direct_key);
char      *cs_rooms_find_direct   (CsDb       *db,
                                   const char *tenant_id,
                                   const char *direct_key);
gboolean   cs_rooms_set_name      (CsDb       *db,
                                   const char *room_id,
                                   const char *name);
gboolean   cs_rooms_set_description (CsDb     *db,
                                     const char *room_id,
                                     const char *description);
gboolean   cs_rooms_set_archived  (CsDb       *db,
                                   const char *room_id,
                                   gboolean    archived);
/* Ids (char*) of the rooms @user_id is in, archived or not, latest
 * activity first. */
GPtrArray *cs_rooms_ids_of_member (CsDb       *db,
                                   const char *tenant_id,
                                   const char *user_id,
                                   gboolean    archived);
/* Ids (char*) of the public, open channels @user_id is not in, by name. */
GPtrArray *cs_rooms_ids_to_discover (CsDb     *db,
                                     const char *tenant_id,
                                     const char *user_id);
/* A member sees their rooms; anyone in the tenant its public channels. */
gboolean   cs_rooms_visible       (CsDb       *db,
                                   const char *tenant_id,
                                   const char *room_id,
                                   const char *user_id);
/* A public channel, not archived, that anyone in the tenant may join. */
gboolean   cs_rooms_is_open_channel (CsDb     *db,
                                     const char *tenant_id,
                                     const char *room_id);

gboolean   cs_members_is_member   (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id);
gint64     cs_members_count       (CsDb       *db,
                                   const char *room_id);
gint64     cs_members_count_owners (CsDb      *db,
                                    const char *room_id);
/* @user_id's own settings in @room_id, or NULL. */
CsMemberPrefs *cs_members_prefs_of (CsDb      *db,
                                    const char *room_id,
                                    const char *user_id);
/* Adds @user_id, with everything already in the room read. */
gboolean   cs_members_insert      (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id,
                                   const char *role,
                                   gint64      joined_at);
gboolean   cs_members_set_role    (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id,
                                   const char *role);
gboolean   cs_members_set_muted   (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id,
                                   gboolean    muted);
gboolean   cs_members_set_notify  (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id,
                                   const char *notify);
gboolean   cs_members_delete      (CsDb       *db,
                                   const char *room_id,
                                   const char *user_id);

/* Ids (char*) of the rooms @user_id is in. */
GPtrArray *cs_members_rooms_of    (CsDb       *db,
                                   const char *user_id);
/* Makes the longest-standing member (admins first) owner of @room_id. */
gboolean   cs_members_promote_successor (CsDb   *db,
                                         const char *room_id);

G_END_DECLS
