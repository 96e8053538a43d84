/* cc-client.h: one signed-in account: the cache, the REST client, the
 * WebSocket sync and the outbox tied together, and the models the widgets
 * show. No GTK: tests drive it directly.
 *
 * Typical use:
 *   client = cc_client_new (account, NULL);
 *   cc_client_open_async (client, …);   // cache → models, readable offline
 *   cc_client_start (client);           // connect, sync, send the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-account.h"
#include "cc-cache.h"
#include "cc-member.h"
#include "cc-outbox.h"
#include "cc-room-list.h"
#include "cc-sync.h"
#include "cc-timeline.h"

G_BEGIN_DECLS

#define CC_TYPE_CLIENT (cc_client_get_type ())
G_DECLARE_FINAL_TYPE (CcClient, cc_client, CC, CLIENT, GObject)

/* Properties: "account" (CcAccount, construct-only), "data-dir" (string,
 * construct-only), "state" (CcSyncState), "online" (gboolean),
 * "unread-total" (guint).
 *
 * Signals:
 *   "typing-changed" (const char *room_id): call cc_client_get_typing_names().
 *   "notification" (CcRoom *room, CcMessage *message): a live message from
 *       someone else that the room's settings say to notify about (not
 *       muted, and by the room's CcNotifyLevel: by default direct and
 *       group messages, mentions of the user or @room, replies to the
 *       user). The UI decides about focus.
 *   "invitation" (CcInvitation *invitation): someone invited the user to
 *       a room, live; the invitation carries its token, so it can be
 *       accepted or declined (cc-invitation.h). The pending ones, also
 *       after a restart, are in cc_activity_get_invitations().
 *   "signed-out" (): the server refused the token; show the sign-in view.
 */

/* @data_dir: NULL for "$XDG_DATA_HOME/causerie". */
CcClient    *cc_client_new              (CcAccount  *account,
                                         const char *data_dir);
/* Opens "<data_dir>/<account-key>.db" and fills the models from it. */
void         cc_client_open_async       (CcClient            *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     cc_client_open_finish      (CcClient      *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* Connects (and keeps reconnecting) until cc_client_stop(). */
void         cc_client_start            (CcClient *self);
void         cc_client_stop             (CcClient *self);
void         cc_client_reconnect_now    (CcClient *self);

CcAccount   *cc_client_get_account      (CcClient *self);
CcApi       *cc_client_get_api          (CcClient *self);
CcCache     *cc_client_get_cache        (CcClient *self);
CcSync      *cc_client_get_sync         (CcClient *self);
CcOutbox    *cc_client_get_outbox       (CcClient *self);
const char  *cc_client_get_data_dir     (CcClient *self);
CcSyncState  cc_client_get_state        (CcClient *self);
gboolean     cc_client_get_online       (CcClient *self);
guint        cc_client_get_unread_total (CcClient *self);

/* (transfer none) GListModel of CcRoom, newest activity first. */
GListModel  *cc_client_get_rooms        (CcClient   *self);
/* (transfer none) or NULL. */
CcRoom      *cc_client_lookup_room      (CcClient   *self,
                                         const char *room_id);
/* (transfer full) The room's timeline; the same object while it lives. */
CcTimeline  *cc_client_get_timeline     (CcClient   *self,
                                         const char *room_id);
/* (transfer none) or NULL: a user seen in the cache or over the wire. */
CcUser      *cc_client_lookup_user      (CcClient   *self,
                                         const char *user_id);
/* (transfer full) GListModel of CcMember, from the cache at once and then
 * refreshed from the server; kept up to date by member and receipt events. */
GListModel  *cc_client_get_members      (CcClient   *self,
                                         const char *room_id);
/* Display names of the people typing in @room_id now (not the user). */
GStrv        cc_client_get_typing_names (CcClient   *self,
                                         const char *room_id);

/* Messages. send: persisted to the outbox before it returns (finish gives
 * the pending CcMessage, already in the room's timeline if one is open). */
void         cc_client_send_message_async   (CcClient            *self,
                                             const char          *room_id,
                                             const char          *body,
                                             const char          *reply_to,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* The same, the message citing @context (nullable): the object of another
 * application, kept with the message in the outbox. Finish with
 * cc_client_send_message_finish(). */
void         cc_client_send_cited_async     (CcClient            *self,
                                             const char          *room_id,
                                             const char          *body,
                                             const char          *reply_to,
                                             const CauContext    *context,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
CcMessage   *cc_client_send_message_finish  (CcClient      *self,
                                             GAsyncResult  *result,
                                             GError       **error);
void         cc_client_retry_message    (CcClient   *self,
                                         const char *txn_id);
void         cc_client_discard_message  (CcClient   *self,
                                         const char *txn_id);
/**
 * cc_client_send_files_async:
 * @body: the text, may be empty when there are @files.
 * @files: (array zero-terminated=1): the files to attach, in order.
 *
 * Like cc_client_send_message_async(), with files. Each file is copied into
 * the account's outbox directory and the outbox row is committed before
 * finish returns, so a crash or restart loses nothing; offline, it waits
 * and goes out later: the uploads in order, then the message with their
 * attachment_ids (and the same txn_id, so nothing is sent twice). Finish
 * gives the pending CcMessage whose attachments show each upload.
 */
void         cc_client_send_files_async  (CcClient            *self,
                                          const char          *room_id,
                                          const char          *body,
                                          const char          *reply_to,
                                          GFile              **files,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
CcMessage   *cc_client_send_files_finish (CcClient      *self,
                                          GAsyncResult  *result,
                                          GError       **error);
/* Cancels one pending upload: the file leaves the pending message (and its
 * outbox copy is deleted); a message left with no files and an empty body
 * is discarded. */
void         cc_client_cancel_attachment (CcClient     *self,
                                          CcMessage    *message,
                                          CcAttachment *attachment);
/**
 * cc_client_fetch_attachment_async:
 * @thumbnail: the server's thumbnail (at most 320 px wide) instead of the file.
 *
 * The attachment (or its thumbnail) as a local file in the disk cache,
 * downloaded if missing (a partial download resumes with Range). The cache
 * is "$XDG_CACHE_HOME/causerie/<account-key>/files", kept under a size cap,
 * least recently used first. Finish returns the file; do not modify it.
 * While the message is pending, the file is the outbox copy; a thumbnail
 * exists only once the server made it ("has-thumbnail").
 */
void         cc_client_fetch_attachment_async  (CcClient            *self,
                                                CcAttachment        *attachment,
                                                gboolean             thumbnail,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GFile       *cc_client_fetch_attachment_finish (CcClient      *self,
                                                GAsyncResult  *result,
                                                GError       **error);
/* The disk cache's cap in bytes (default 512 MiB); evicts at once if over. */
void         cc_client_set_file_cache_cap (CcClient *self,
                                           guint64   bytes);

/* Marks @room_id read up to @up_to_seq (WebSocket, or REST when offline
 * fails silently); clears the room's badges locally. */
void         cc_client_mark_read        (CcClient   *self,
                                         const char *room_id,
                                         gint64      up_to_seq);

/* Which messages of @room_id notify on this device (kept in the cache). */
void         cc_client_set_notify_level (CcClient      *self,
                                         const char    *room_id,
                                         CcNotifyLevel  level);

/* Drafts: call on every change of the composer text. Saves it to SQLite
 * and sends typing notices (start, refresh every 3 s, stop when cleared).
 * Call cc_client_composer_sent() after sending. */
void         cc_client_set_draft        (CcClient   *self,
                                         const char *room_id,
                                         const char *text);
void         cc_client_composer_sent    (CcClient   *self,
                                         const char *room_id);
void         cc_client_load_draft_async  (CcClient            *self,
                                          const char          *room_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char        *cc_client_load_draft_finish (CcClient      *self,
                                          GAsyncResult  *result,
                                          GError       **error);

/* Presence: idle after 5 minutes without input (the UI decides). */
void         cc_client_set_idle         (CcClient *self,
                                         gboolean  idle);

/* Editing and deleting a message of the user's. @room_id (nullable): the
 * message's room, when known; its open timeline, the room list's preview
 * and the cache follow at once, before the server's event comes back.
 * Errors are sentences. */
void         cc_client_edit_message_async   (CcClient            *self,
                                             const char          *room_id,
                                             const char          *message_id,
                                             const char          *body,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void         cc_client_delete_message_async (CcClient            *self,
                                             const char          *room_id,
                                             const char          *message_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* Finish for the two calls above. */
gboolean     cc_client_message_op_finish    (CcClient      *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* Rooms (cc-client-rooms.c). Each call applies the server's answer to the
 * room list and the cache before it finishes; errors are sentences. */

/**
 * cc_client_create_room_async:
 * @type: "channel", "group" or "project"
 * @description: (nullable): the topic
 * @is_private: a channel others cannot discover (groups and projects are)
 * @member_ids: (nullable) (array zero-terminated=1): people added at once
 *
 * POST /api/rooms. Finish gives the new room, already in the room list.
 */
void         cc_client_create_room_async    (CcClient            *self,
                                             const char          *type,
                                             const char          *name,
                                             const char          *description,
                                             gboolean             is_private,
                                             const char * const  *member_ids,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* The same, the room tied to @context (nullable): the object of another
 * application it is about. Finish with cc_client_create_room_finish(). */
void         cc_client_create_tied_room_async (CcClient            *self,
                                               const char          *type,
                                               const char          *name,
                                               const char          *description,
                                               gboolean             is_private,
                                               const char * const  *member_ids,
                                               const CauContext    *context,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* (transfer full) */
CcRoom      *cc_client_create_room_finish   (CcClient      *self,
                                             GAsyncResult  *result,
                                             GError       **error);
/* POST /api/rooms/direct: the direct room with @user_id (made when there
 * is none yet); finish gives it, in the room list. */
void         cc_client_open_direct_async    (CcClient            *self,
                                             const char          *user_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* (transfer full) */
CcRoom      *cc_client_open_direct_finish   (CcClient      *self,
                                             GAsyncResult  *result,
                                             GError       **error);
/* POST /api/rooms/{room}/join: a public channel; finish gives the room, in
 * the room list. */
void         cc_client_join_room_async      (CcClient            *self,
                                             const char          *room_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* (transfer full) */
CcRoom      *cc_client_join_room_finish     (CcClient      *self,
                                             GAsyncResult  *result,
                                             GError       **error);
/* GET /api/rooms/discover: the public channels the user may join. Finish
 * gives a GListModel of CcRoom (not in the room list). */
void         cc_client_discover_rooms_async  (CcClient            *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GListModel  *cc_client_discover_rooms_finish (CcClient      *self,
                                              GAsyncResult  *result,
                                              GError       **error);
/* PATCH /api/rooms/{room} {name} / {description} / {is_archived: true}:
 * for the room's owners and admins. */
void         cc_client_rename_room_async    (CcClient            *self,
                                             const char          *room_id,
                                             const char          *name,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void         cc_client_set_room_description_async (CcClient            *self,
                                                   const char          *room_id,
                                                   const char          *description,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
void         cc_client_archive_room_async   (CcClient            *self,
                                             const char          *room_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* PATCH /api/rooms/{room}/settings {muted}: the user's own setting. */
void         cc_client_set_room_muted_async (CcClient            *self,
                                             const char          *room_id,
                                             gboolean             muted,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* DELETE /api/rooms/{room}/members/{me}: the room leaves the room list and
 * the cache. */
void         cc_client_leave_room_async     (CcClient            *self,
                                             const char          *room_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* Finish for the five calls above. */
gboolean     cc_client_room_op_finish       (CcClient      *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* Activity hook (cc-activity.h): made on first use, owned by the client. */
struct _CcActivity *cc_client_get_activity (CcClient *self);

G_END_DECLS
