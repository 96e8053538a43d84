/* cs-invitations.h: invitations into a room, as the store keeps them.
 * Each call runs on the connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

typedef struct {
  char   *id;
  char   *tenant_id;
  char   *room_id;
  char   *room_name;        /* cs_invitations_for_user () only */
  char   *room_type;        /* cs_invitations_for_user () only */
  char   *inviter_id;
  char   *inviter_name;
  char   *email;
  char   *status;           /* pending, accepted, declined, revoked */
  gint64  expires_at;
  gint64  created_at;
  char   *token_box;        /* the token, sealed */
  char   *message;
  char   *mail_status;
  gint64  mail_attempts;    /* cs_invitations_mail_due () only, with ... */
  char   *tenant_name;      /* ... these two */
  char   *tenant_language;
} CsInvitation;

void cs_invitation_free (CsInvitation *invitation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsInvitation, cs_invitation_free)

/* What an invitation page names: the organisation, room and inviter. */
typedef struct {
  char *tenant_language;
  char *tenant_name;
  char *room_name;
  char *room_type;
  char *inviter_name;
} CsInvitationContext;

void cs_invitation_context_free (CsInvitationContext *context);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsInvitationContext, cs_invitation_context_free)

/* The invitation whose token hashes to @token_hash (id, tenant_id,
 * room_id, inviter_id, email, status and expires_at), or NULL. */
CsInvitation *cs_invitations_by_token (CsDb       *db,
                                       const char *token_hash);
/* @invitation_id with its inviter's name, or NULL. */
CsInvitation *cs_invitations_get      (CsDb       *db,
                                       const char *invitation_id);
/* @invitation_id in @tenant_id (room_id, inviter_id, status), or NULL. */
CsInvitation *cs_invitations_in_tenant (CsDb      *db,
                                        const char *tenant_id,
                                        const char *invitation_id);
/* The pending, unexpired invitations of @room_id, newest first. */
GPtrArray    *cs_invitations_pending  (CsDb       *db,
                                       const char *room_id,
                                       gint64      now_ms);
/* At most 100 pending, unexpired invitations to @user_id's address in
 * @tenant_id, to rooms they are not in; newest first, with the room's
 * name and type. */
GPtrArray    *cs_invitations_for_user (CsDb       *db,
                                       const char *tenant_id,
                                       const char *user_id,
                                       gint64      now_ms);
CsInvitationContext *cs_invitations_context (CsDb       *db,
                                             const char *room_id,
                                             const char *inviter_id);
char         *cs_invitations_message  (CsDb       *db,
                                       const char *invitation_id);

gboolean      cs_invitations_insert   (CsDb       *db,
                                       const char *invitation_id,
                                       const char *tenant_id,
                                       const char *room_id,
                                       const char *inviter_id,
                                       const char *email,
                                       const char *message,
                                       const char *token_hash,
                                       const char *token_box,
                                       gint64      created_at,
                                       gint64      expires_at);
/* Withdraws the pending invitations of @room_id to @email. */
gboolean      cs_invitations_revoke_to (CsDb      *db,
                                        const char *room_id,
                                        const char *email);
gboolean      cs_invitations_revoke   (CsDb       *db,
                                       const char *invitation_id);
gboolean      cs_invitations_accept   (CsDb       *db,
                                       const char *invitation_id,
                                       const char *user_id,
                                       gint64      at);
gboolean      cs_invitations_decline  (CsDb       *db,
                                       const char *invitation_id,
                                       gint64      at);

/* The mailer's queue: at most @n pending invitations whose mail is due
 * at @now_ms, soonest first, with what the mail says (email, token_box,
 * inviter_name, room_name, tenant_name, tenant_language, message,
 * expires_at, mail_attempts). */
GPtrArray    *cs_invitations_mail_due (CsDb       *db,
                                       gint64      now_ms,
                                       guint       n);
gboolean      cs_invitations_mail_sent (CsDb      *db,
                                        const char *invitation_id);
/* A failed attempt: queued again at @next_at, or failed for good. */
gboolean      cs_invitations_mail_failed (CsDb       *db,
                                          const char *invitation_id,
                                          gboolean    give_up,
                                          const char *error,
                                          gint64      next_at);

G_END_DECLS
