/* cs-api.h: the request handlers. Each runs on a storage thread with a
 * CsCtx: the writer's (inside a group-committed transaction), a reader's
 * (inside one snapshot), or a slow thread's (password hashing).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-ctx.h"

G_BEGIN_DECLS

/* cs-api-auth.c: sessions, users, privacy, audit, presence */
void cs_api_login                  (CsCtx *ctx);   /* slow */
void cs_api_logout                 (CsCtx *ctx);   /* write */
void cs_api_me_get                 (CsCtx *ctx);   /* read */
void cs_api_me_patch               (CsCtx *ctx);   /* write */
void cs_api_me_delete              (CsCtx *ctx);   /* slow */
/* Write: erases ctx->user_id's account as DELETE /api/me does (also the
 * command line's user delete). */
void cs_api_account_erase          (CsCtx *ctx);
void cs_api_me_export              (CsCtx *ctx);   /* read */
void cs_api_users_list             (CsCtx *ctx);   /* read */
void cs_api_admin_users_create     (CsCtx *ctx);   /* slow */
void cs_api_admin_users_patch      (CsCtx *ctx);   /* slow */
void cs_api_admin_audit            (CsCtx *ctx);   /* read */
void cs_api_presence               (CsCtx *ctx);   /* read */
void cs_api_touch_last_seen        (CsCtx *ctx);   /* write */

/* cs-api-agents.c: tenant admins only */
void cs_api_agents_create          (CsCtx *ctx);   /* write */
void cs_api_agents_list            (CsCtx *ctx);   /* read */
void cs_api_agent_patch            (CsCtx *ctx);   /* write */
void cs_api_agent_delete           (CsCtx *ctx);   /* write */

/* cs-api-policy.c: the contact policy (issue 17) */
void cs_api_policy_get             (CsCtx *ctx);   /* read: GET /api/contact-policy */
void cs_api_admin_policy_get       (CsCtx *ctx);   /* read */
void cs_api_admin_policy_put       (CsCtx *ctx);   /* write */
/* Whether the caller may open a direct room with @other_id; when not,
 * fails @ctx with a 403 naming the rule (audited as forbidden_attempt). */
gboolean cs_api_policy_check_direct (CsCtx     *ctx,
                                     const char *other_id);
/* Adds can_direct (and, when FALSE, contact_reason and contact_rule) to
 * each of @json_users, the JSON of @users (CsUser*), for the caller. */
void     cs_api_policy_annotate_users (CsCtx     *ctx,
                                       GPtrArray *users,
                                       JsonArray *json_users);
/* Writer thread: @user_id's rank (NULL: none); a rank the tenant does not
 * have fails @ctx with a 400. Audited as user.rank. */
gboolean cs_api_policy_set_rank     (CsCtx      *ctx,
                                     const char *user_id,
                                     const char *rank);

/* cs-api-rooms.c */
void cs_api_rooms_create           (CsCtx *ctx);   /* write */
void cs_api_rooms_direct           (CsCtx *ctx);   /* write */
void cs_api_rooms_list             (CsCtx *ctx);   /* read */
void cs_api_rooms_discover         (CsCtx *ctx);   /* read */
void cs_api_room_get               (CsCtx *ctx);   /* read */
void cs_api_room_patch             (CsCtx *ctx);   /* write */
void cs_api_room_join              (CsCtx *ctx);   /* write */
void cs_api_room_settings          (CsCtx *ctx);   /* write */
void cs_api_members_list           (CsCtx *ctx);   /* read */
void cs_api_members_add            (CsCtx *ctx);   /* write */
void cs_api_member_patch           (CsCtx *ctx);   /* write */
void cs_api_member_delete          (CsCtx *ctx);   /* write */

/* For the hub: the members of ctx->input's room, if the caller is one. */
typedef struct {
  const char *room_id;
  char      **ids;     /* out (cs_ids_unref): NULL or empty when the caller may not see it */
} CsApiRoomMembers;
void cs_api_room_member_ids        (CsCtx *ctx);   /* read */

/* cs-api-context.c */
void cs_api_context_get            (CsCtx *ctx);   /* read */
/* Checks the optional "context" of @body ({entity_type, entity_id, label,
 * url?}); *out_json gets its clean JSON text, or NULL when there is none.
 * FALSE, with the reply set, when it is not a valid context. */
gboolean cs_api_read_context       (CsCtx      *ctx,
                                    JsonObject *body,
                                    char      **out_json);

/* cs-api-messages.c */
void cs_api_messages_list          (CsCtx *ctx);   /* read */
void cs_api_messages_post          (CsCtx *ctx);   /* write */
void cs_api_message_patch          (CsCtx *ctx);   /* write */
void cs_api_message_delete         (CsCtx *ctx);   /* write */
void cs_api_room_read              (CsCtx *ctx);   /* write */

/* cs-api-reactions.c */
void cs_api_reaction_put           (CsCtx *ctx);   /* write */
void cs_api_reaction_delete        (CsCtx *ctx);   /* write */
void cs_api_receipts_list          (CsCtx *ctx);   /* read */
void cs_api_search                 (CsCtx *ctx);   /* read */
void cs_api_notifications_list     (CsCtx *ctx);   /* read */
void cs_api_notification_read      (CsCtx *ctx);   /* write */
void cs_api_notifications_read_all (CsCtx *ctx);   /* write */
/* WebSocket `send` and `read`: ctx->input is the frame (JsonObject*). */
void cs_api_ws_send                (CsCtx *ctx);   /* write */
void cs_api_ws_read                (CsCtx *ctx);   /* write */

/* Writer thread: a system line ("Ann joined") in @room_id: @body in
 * English for older clients, @system what happened as data (may be NULL). */
gboolean cs_api_post_system        (CsCtx      *ctx,
                                    const char *room_id,
                                    const char *body,
                                    JsonObject *system);
/* Writer thread: stores a message from the caller. *out_created is FALSE
 * when @txn_id had been used already and the first message is returned. */
JsonObject *cs_api_store_message   (CsCtx      *ctx,
                                    const char *room_id,
                                    JsonObject *input,
                                    gboolean   *out_created);

/* cs-api-attachments.c. An upload arrives as a file the HTTP layer wrote
 * into DATA_DIR/attachments/tmp; ctx->input is a CsUpload. */
typedef struct {
  char   *tmp_path;
  gint64  size;
  char   *declared_type;   /* Content-Type, or NULL */
  char   *name;            /* cleaned (cs_sniff_clean_name) */
} CsUpload;
void cs_api_attachment_upload      (CsCtx *ctx);   /* file */
void cs_api_attachment_get         (CsCtx *ctx);   /* read: ctx->file */
void cs_api_attachment_thumbnail   (CsCtx *ctx);   /* read: ctx->file */
void cs_api_attachments_sweep      (CsCtx *ctx);   /* write: unused uploads past their lifetime */
void cs_api_sessions_sweep         (CsCtx *ctx);   /* write: expired sessions, on disk and in memory */
void cs_api_attachments_remove_orphans (CsCtx *ctx); /* read, at start-up: files without a row */
/* DATA_DIR/attachments/ID (or ID.thumb); the directory for uploads in progress. */
char    *cs_api_attachment_path    (CsConfig    *config,
                                    const char  *id,
                                    gboolean     thumbnail);
char    *cs_api_attachment_tmp_dir (CsConfig    *config);
/* Writer thread: checks @ids (the caller's unused uploads to @room_id, at
 * most attach_per_message, no repeats) before a message is stored ... */
gboolean cs_api_attachments_check  (CsCtx       *ctx,
                                    const char  *room_id,
                                    char       **ids);
/* ... and gives them to @message_id. */
gboolean cs_api_attachments_attach (CsCtx       *ctx,
                                    const char  *message_id,
                                    char       **ids);
/* "📎 name" or "📎 N files", for notifications of a message of files only. */
char    *cs_api_attachments_summary (CsCtx      *ctx,
                                     char      **ids);
/* Writer thread: removes the rows of a deleted message's attachments, or
 * of everything @user_id uploaded; the files go once the batch commits. */
gboolean cs_api_attachments_remove_for_message (CsCtx      *ctx,
                                                const char *message_id);
gboolean cs_api_attachments_remove_for_user    (CsCtx      *ctx,
                                                const char *user_id);
/* ... or of the attachment ids in @ids (taken). */
gboolean cs_api_attachments_remove_ids         (CsCtx      *ctx,
                                                GPtrArray  *ids);

/* cs-api-retention.c: how long messages are kept (issue 17). */
void cs_api_retention_get          (CsCtx *ctx);   /* read */
void cs_api_retention_put          (CsCtx *ctx);   /* write */
void cs_api_retention_room_put     (CsCtx *ctx);   /* write */
/* One step of the scheduled removal (write): ctx->input is a
 * CsApiRetentionRun; at most run->budget messages go, and run->more says
 * whether more were due. */
typedef struct {
  guint    budget;
  guint    removed;   /* out */
  gboolean more;      /* out */
} CsApiRetentionRun;
void cs_api_retention_run          (CsCtx *ctx);   /* write */

/* cs-api-sync.c: one page of the event log for a WebSocket `sync`. */
typedef struct {
  gint64     since;
  guint      limit;
  GPtrArray *frames;   /* out: char* */
  gint64     last_seq; /* out */
  gint64     head;     /* out */
  gboolean   has_more; /* out */
  gboolean   resync;   /* out: the log no longer reaches back to since */
} CsApiSyncPage;
void cs_api_sync_page              (CsCtx *ctx);   /* read */

/* cs-api-invitations.c */
void cs_api_invitations_create     (CsCtx *ctx);   /* write */
void cs_api_invitations_list       (CsCtx *ctx);   /* read */
void cs_api_invitation_revoke      (CsCtx *ctx);   /* write */
void cs_api_invitation_lookup      (CsCtx *ctx);   /* read, no auth */
void cs_api_invitation_accept      (CsCtx *ctx);   /* slow, auth optional */
void cs_api_invitation_decline     (CsCtx *ctx);   /* write, no auth */
void cs_api_me_invitations         (CsCtx *ctx);   /* read */
void cs_api_invite_page            (CsCtx *ctx);   /* read, no auth, HTML */

/* Writer thread helpers shared between handlers. */
gboolean cs_api_join_room          (CsCtx       *ctx,
                                    const char  *room_id,
                                    const char  *user_id);
gboolean cs_api_notify             (CsCtx       *ctx,
                                    const char  *user_id,
                                    const char  *type,
                                    const char  *room_id,
                                    const char  *message_id,
                                    gint64       seq,
                                    const char  *title,
                                    const char  *body,
                                    const char  *actor_name,
                                    const char  *room_name);
/* The stored hash of @password, or NULL with ctx failed. */
char    *cs_api_hash_password      (CsCtx       *ctx,
                                    const char  *password);
/* A new session for @user_id in ctx's tenant; returns the token. */
char    *cs_api_open_session       (CsCtx       *ctx,
                                    const char  *user_id,
                                    char       **out_expires);

/* Command line and demo: tenant and user creation on the calling thread. */
gboolean cs_api_create_tenant      (CsCtx       *ctx,
                                    const char  *name,
                                    const char  *language,
                                    char       **out_id);
gboolean cs_api_create_user        (CsCtx       *ctx,
                                    const char  *tenant_id,
                                    const char  *email,
                                    const char  *display_name,
                                    const char  *role,
                                    const char  *password_hash,
                                    char       **out_id);

G_END_DECLS
