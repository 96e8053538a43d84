/* cc-members.h: people in a room (add, change role, remove, leave), the
 * colleague picker's search, the user's own status text, the room-role
 * rules the UI follows to offer only what the caller may do, and "Last
 * seen …" sentences.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"

G_BEGIN_DECLS

/* Role rules (API.md "Rooms and members"): owner and admin add, remove and
 * change roles; nobody but the owner touches an owner; members add people
 * as member or guest; guests read and write only. */
gboolean     cc_room_role_can_add          (const char *my_role);
/* The roles @my_role may give when adding or changing; NULL-terminated,
 * most powerful first; an empty array when none. (transfer full) */
GStrv        cc_room_role_assignable       (const char *my_role);
/* Whether @my_role may change the role of, or remove, someone whose role
 * is @their_role (the caller is not that someone). */
gboolean     cc_room_role_can_manage       (const char *my_role,
                                            const char *their_role);

/* "Online", "Last seen just now", "Last seen 5 minutes ago", "Last seen
 * yesterday at 14:02", "Last seen on 3 March"; localized. @now_ms is the
 * reference time (0 for now). NULL when @last_seen_ms is 0 and @presence
 * is not online. */
char        *cc_format_last_seen           (const char *presence,
                                            gint64      last_seen_ms,
                                            gint64      now_ms);

/* Users of the tenant matching @query (name or email), without the
 * current members of @exclude_room_id (nullable) and without the user.
 * Finish gives a GListModel of CcUser. */
void         cc_client_search_users_async  (CcClient            *self,
                                            const char          *query,
                                            const char          *exclude_room_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GListModel  *cc_client_search_users_finish (CcClient      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* POST /api/rooms/{room}/members; @role nullable (the server's default).
 * The room's member list reloads when done. */
void         cc_client_add_member_async    (CcClient            *self,
                                            const char          *room_id,
                                            const char          *user_id,
                                            const char          *role,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* PATCH /api/rooms/{room}/members/{user} {role}. */
void         cc_client_set_member_role_async (CcClient            *self,
                                              const char          *room_id,
                                              const char          *user_id,
                                              const char          *role,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* DELETE /api/rooms/{room}/members/{user}; when @user_id is the user, this
 * is leaving: the room leaves the room list and the cache. */
void         cc_client_remove_member_async (CcClient            *self,
                                            const char          *room_id,
                                            const char          *user_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* Finish for the three member calls above. */
gboolean     cc_client_member_op_finish    (CcClient      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* PATCH /api/me {status_text}; the user's CcUser follows. */
void         cc_client_set_status_text_async  (CcClient            *self,
                                               const char          *text,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     cc_client_set_status_text_finish (CcClient      *self,
                                               GAsyncResult  *result,
                                               GError       **error);

G_END_DECLS
