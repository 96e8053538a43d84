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

/* What an engine implements for this header: one entry per function below,
 * named without its "cs_invitations_" (or "cs_") prefix; the functions
 * dispatch to it through the connection's engine (store/README.md). */
struct _CsInvitationsOps {
  CsInvitation *(*by_token) (CsDb *db, const char *token_hash);
  CsInvitation *(*get) (CsDb *db, const char *invitation_id);
  CsInvitation *(*in_tenant) (CsDb *db, const char *tenant_id, const char *invitation_id);
  GPtrArray *(*pending) (CsDb *db, const char *room_id, gint64 now_ms);
  GPtrArray *(*for_user) (CsDb *db, const char *tenant_id, const char *user_id, gint64 now_ms);
  CsInvitationContext *(*context) (CsDb *db, const char *room_id, const char *inviter_id);
  char *(*message) (CsDb *db, const char *invitation_id);
  gboolean (*insert) (CsDb *db, const char *invitation_id, const char *tenant_id, const char *room_id, const char *inviter_id, const char *email, const char *message, const char *token_hash, const char *token_box, gint64 created_at, gint64 expires_at);
  gboolean (*revoke_to) (CsDb *db, const char *room_id, const char *email);
  gboolean (*revoke) (CsDb *db, const char *invitation_id);
  gboolean (*accept) (CsDb *db, const char *invitation_id, const char *user_id, gint64 at);
  gboolean (*decline) (CsDb *db, const char *invitation_id, gint64 at);
  GPtrArray *(*mail_due) (CsDb *db, gint64 now_ms, guint n);
  gboolean (*mail_claim) (CsDb *db, const char *invitation_id, gint64 now_ms, gint64 until_ms, gboolean *out_claimed);
  gboolean (*mail_sent) (CsDb *db, const char *invitation_id);
  gboolean (*mail_failed) (CsDb *db, const char *invitation_id, gboolean give_up, const char *error, gint64 next_at);
};

/* The invitation whose token hashes to @token_hash (id, tenant_id,
 * room_id, inviter_id, email, status and expires_at), or NULL. */
static inline CsInvitation *
cs_invitations_by_token (CsDb       *db,
                         const char *token_hash)
{
  CS_DB_NEEDS (db, invitations, by_token);
  return db->engine->invitations->by_token (db, token_hash);
}

/* @invitation_id with its inviter's name, or NULL. */
static inline CsInvitation *
cs_invitations_get (CsDb       *db,
                    const char *invitation_id)
{
  CS_DB_NEEDS (db, invitations, get);
  return db->engine->invitations->get (db, invitation_id);
}

/* @invitation_id in @tenant_id (room_id, inviter_id, status), or NULL. */
static inline CsInvitation *
cs_invitations_in_tenant (CsDb       *db,
                          const char *tenant_id,
                          const char *invitation_id)
{
  CS_DB_NEEDS (db, invitations, in_tenant);
  return db->engine->invitations->in_tenant (db, tenant_id, invitation_id);
}

/* The pending, unexpired invitations of @room_id, newest first. */
static inline GPtrArray *
cs_invitations_pending (CsDb       *db,
                        const char *room_id,
                        gint64      now_ms)
{
  CS_DB_NEEDS (db, invitations, pending);
  return db->engine->invitations->pending (db, room_id, now_ms);
}

/* At most 100 pending, unexpired invitations to @user_id's address in
 * @tenant_id, to rooms they are not in; newest first, with the room's
 * name and type. */
static inline GPtrArray *
cs_invitations_for_user (CsDb       *db,
                         const char *tenant_id,
                         const char *user_id,
                         gint64      now_ms)
{
  CS_DB_NEEDS (db, invitations, for_user);
  return db->engine->invitations->for_user (db, tenant_id, user_id, now_ms);
}

static inline CsInvitationContext *
cs_invitations_context (CsDb       *db,
                        const char *room_id,
                        const char *inviter_id)
{
  CS_DB_NEEDS (db, invitations, context);
  return db->engine->invitations->context (db, room_id, inviter_id);
}

static inline char *
cs_invitations_message (CsDb       *db,
                        const char *invitation_id)
{
  CS_DB_NEEDS (db, invitations, message);
  return db->engine->invitations->message (db, invitation_id);
}

static inline gboolean
cs_invitations_insert (CsDb       *db,
                       const char *invitation_id,
                       const char *tenant_id,
                       const char *room_id,
                       const char *inviter_id,
                       const char *email,
                       const char *message,
                       const char *token_hash,
                       const char *token_box,
                       gint64      created_at,
                       gint64      expires_at)
{
  CS_DB_NEEDS (db, invitations, insert);
  return db->engine->invitations->insert (db, invitation_id, tenant_id, room_id, inviter_id, email, message, token_hash, token_box, created_at, expires_at);
}

/* Withdraws the pending invitations of @room_id to @email. */
static inline gboolean
cs_invitations_revoke_to (CsDb       *db,
                          const char *room_id,
                          const char *email)
{
  CS_DB_NEEDS (db, invitations, revoke_to);
  return db->engine->invitations->revoke_to (db, room_id, email);
}

static inline gboolean
cs_invitations_revoke (CsDb       *db,
                       const char *invitation_id)
{
  CS_DB_NEEDS (db, invitations, revoke);
  return db->engine->invitations->revoke (db, invitation_id);
}

static inline gboolean
cs_invitations_accept (CsDb       *db,
                       const char *invitation_id,
                       const char *user_id,
                       gint64      at)
{
  CS_DB_NEEDS (db, invitations, accept);
  return db->engine->invitations->accept (db, invitation_id, user_id, at);
}

static inline gboolean
cs_invitations_decline (CsDb       *db,
                        const char *invitation_id,
                        gint64      at)
{
  CS_DB_NEEDS (db, invitations, decline);
  return db->engine->invitations->decline (db, invitation_id, at);
}

/* The mailer's queue: at most @n pending invitations whose mail is due
 * at @now_ms, soonest first, with what the mail says (email, token_box,
 * inviter_name, room_name, tenant_name, tenant_language, message,
 * expires_at, mail_attempts). */
static inline GPtrArray *
cs_invitations_mail_due (CsDb   *db,
                         gint64  now_ms,
                         guint   n)
{
  CS_DB_NEEDS (db, invitations, mail_due);
  return db->engine->invitations->mail_due (db, now_ms, n);
}

/* Takes a due mail for this node (a write): its next try moves to
 * @until_ms, so a mailer of another node sharing the store that read it
 * due too finds it taken (*@out_claimed FALSE) and sends nothing; the
 * claimer's cs_invitations_mail_sent or _failed follows. A node that dies
 * in between leaves it to be tried again at @until_ms. */
static inline gboolean
cs_invitations_mail_claim (CsDb       *db,
                           const char *invitation_id,
                           gint64      now_ms,
                           gint64      until_ms,
                           gboolean   *out_claimed)
{
  CS_DB_NEEDS (db, invitations, mail_claim);
  return db->engine->invitations->mail_claim (db, invitation_id, now_ms, until_ms, out_claimed);
}

static inline gboolean
cs_invitations_mail_sent (CsDb       *db,
                          const char *invitation_id)
{
  CS_DB_NEEDS (db, invitations, mail_sent);
  return db->engine->invitations->mail_sent (db, invitation_id);
}

/* A failed attempt: queued again at @next_at, or failed for good. */
static inline gboolean
cs_invitations_mail_failed (CsDb       *db,
                            const char *invitation_id,
                            gboolean    give_up,
                            const char *error,
                            gint64      next_at)
{
  CS_DB_NEEDS (db, invitations, mail_failed);
  return db->engine->invitations->mail_failed (db, invitation_id, give_up, error, next_at);
}

G_END_DECLS
