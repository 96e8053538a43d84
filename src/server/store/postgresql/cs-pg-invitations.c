/* cs-pg-invitations.c: cs-invitations.h on PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-pg"

#include "cs-pg.h"
#include "cs-invitations.h"

#define INVITE_COLS "i.id, i.email, i.status, i.expires_at, i.created_at, i.token_box, i.message," \
                    " i.inviter_id, u.display_name, i.mail_status, i.room_id"

static CsInvitation *
invite_row (CsPgRes *stmt)
{
  CsInvitation *i = g_new0 (CsInvitation, 1);

  i->id = cs_pg_col_dup (stmt, 0);
  i->email = cs_pg_col_dup (stmt, 1);
  i->status = cs_pg_col_dup (stmt, 2);
  i->expires_at = cs_pg_col_time (stmt, 3);
  i->created_at = cs_pg_col_time (stmt, 4);
  i->token_box = cs_pg_col_dup (stmt, 5);
  i->message = cs_pg_col_dup (stmt, 6);
  i->inviter_id = cs_pg_col_dup (stmt, 7);
  i->inviter_name = cs_pg_col_dup (stmt, 8);
  i->mail_status = cs_pg_col_dup (stmt, 9);
  i->room_id = cs_pg_col_dup (stmt, 10);
  return i;
}

static CsInvitation *
pg_invitations_by_token (CsDb       *db,
                         const char *token_hash)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT id, tenant_id, room_id, inviter_id, email, status, expires_at FROM invitations"
                                " WHERE token_hash = ?", "s", token_hash);
  CsInvitation *i;

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  i = g_new0 (CsInvitation, 1);
  i->id = cs_pg_col_dup (stmt, 0);
  i->tenant_id = cs_pg_col_dup (stmt, 1);
  i->room_id = cs_pg_col_dup (stmt, 2);
  i->inviter_id = cs_pg_col_dup (stmt, 3);
  i->email = cs_pg_col_dup (stmt, 4);
  i->status = cs_pg_col_dup (stmt, 5);
  i->expires_at = cs_pg_int (stmt, 6);
  return i;
}

static CsInvitation *
pg_invitations_get (CsDb       *db,
                    const char *invitation_id)
{
  CS_PG_RES stmt = cs_pg_query (db, "SELECT " INVITE_COLS " FROM invitations i JOIN users u ON u.id = i.inviter_id"
                                " WHERE i.id = ?", "s", invitation_id);

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  return invite_row (stmt);
}

static CsInvitation *
pg_invitations_in_tenant (CsDb       *db,
                          const char *tenant_id,
                          const char *invitation_id)
{
  CS_PG_RES stmt = cs_pg_query (db, "SELECT room_id, inviter_id, status FROM invitations WHERE id = ? AND tenant_id = ?",
                                "ss", invitation_id, tenant_id);
  CsInvitation *i;

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  i = g_new0 (CsInvitation, 1);
  i->id = g_strdup (invitation_id);
  i->room_id = cs_pg_col_dup (stmt, 0);
  i->inviter_id = cs_pg_col_dup (stmt, 1);
  i->status = cs_pg_col_dup (stmt, 2);
  return i;
}

static GPtrArray *
pg_invitations_pending (CsDb       *db,
                        const char *room_id,
                        gint64      now_ms)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_invitation_free);
  CS_PG_RES stmt = cs_pg_query (db, "SELECT " INVITE_COLS " FROM invitations i JOIN users u ON u.id = i.inviter_id"
                                " WHERE i.room_id = ? AND i.status = 'pending' AND i.expires_at > ? ORDER BY i.created_at DESC",
                                "si", room_id, now_ms);

  while (stmt && cs_pg_next (stmt))
    g_ptr_array_add (list, invite_row (stmt));
  return list;
}

static GPtrArray *
pg_invitations_for_user (CsDb       *db,
                         const char *tenant_id,
                         const char *user_id,
                         gint64      now_ms)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_invitation_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT i.id, i.room_id, r.name, r.type, u.display_name, i.message,"
                                " i.expires_at, i.created_at, i.token_box"
                                " FROM invitations i JOIN users me ON me.id = ?1"
                                " JOIN rooms r ON r.id = i.room_id"
                                " LEFT JOIN users u ON u.id = i.inviter_id"
                                " WHERE i.tenant_id = ?2 AND me.tenant_id = ?2 AND i.email = me.email"
                                " AND i.status = 'pending' AND i.expires_at > ?3"
                                " AND NOT EXISTS (SELECT 1 FROM members m WHERE m.room_id = i.room_id AND m.user_id = ?1)"
                                " ORDER BY i.created_at DESC LIMIT 100",
                                "ssi", user_id, tenant_id, now_ms);

  while (stmt && cs_pg_next (stmt))
    {
      CsInvitation *i = g_new0 (CsInvitation, 1);

      i->id = cs_pg_col_dup (stmt, 0);
      i->room_id = cs_pg_col_dup (stmt, 1);
      i->room_name = cs_pg_col_dup (stmt, 2);
      i->room_type = cs_pg_col_dup (stmt, 3);
      i->inviter_name = cs_pg_col_dup (stmt, 4);
      i->message = cs_pg_col_dup (stmt, 5);
      i->expires_at = cs_pg_col_time (stmt, 6);
      i->created_at = cs_pg_col_time (stmt, 7);
      i->token_box = cs_pg_col_dup (stmt, 8);
      g_ptr_array_add (list, i);
    }
  return list;
}

static CsInvitationContext *
pg_invitations_context (CsDb       *db,
                        const char *room_id,
                        const char *inviter_id)
{
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT t.language, t.name, r.name, r.type, u.display_name FROM rooms r"
                                " JOIN tenants t ON t.id = r.tenant_id JOIN users u ON u.id = ? WHERE r.id = ?",
                                "ss", inviter_id, room_id);
  CsInvitationContext *c;

  if (stmt == NULL || !cs_pg_next (stmt))
    return NULL;
  c = g_new0 (CsInvitationContext, 1);
  c->tenant_language = cs_pg_col_dup (stmt, 0);
  c->tenant_name = cs_pg_col_dup (stmt, 1);
  c->room_name = cs_pg_col_dup (stmt, 2);
  c->room_type = cs_pg_col_dup (stmt, 3);
  c->inviter_name = cs_pg_col_dup (stmt, 4);
  return c;
}

static char *
pg_invitations_message (CsDb       *db,
                        const char *invitation_id)
{
  return cs_pg_text1 (db, "SELECT message FROM invitations WHERE id = ?", "s", invitation_id);
}

static gboolean
pg_invitations_insert (CsDb       *db,
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
  return cs_pg_exec (db,
                     "INSERT INTO invitations (id, tenant_id, room_id, inviter_id, email, message, token_hash, token_box,"
                     " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "ssssssssii", invitation_id, tenant_id, room_id, inviter_id, email, message, token_hash,
                     token_box, created_at, expires_at);
}

static gboolean
pg_invitations_revoke_to (CsDb       *db,
                          const char *room_id,
                          const char *email)
{
  return cs_pg_exec (db, "UPDATE invitations SET status = 'revoked' WHERE room_id = ? AND email = ? AND status = 'pending'",
                     "ss", room_id, email);
}

static gboolean
pg_invitations_revoke (CsDb       *db,
                       const char *invitation_id)
{
  return cs_pg_exec (db, "UPDATE invitations SET status = 'revoked' WHERE id = ?", "s", invitation_id);
}

static gboolean
pg_invitations_accept (CsDb       *db,
                       const char *invitation_id,
                       const char *user_id,
                       gint64      at)
{
  return cs_pg_exec (db, "UPDATE invitations SET status = 'accepted', used_at = ?, used_by = ? WHERE id = ?",
                     "iss", at, user_id, invitation_id);
}

static gboolean
pg_invitations_decline (CsDb       *db,
                        const char *invitation_id,
                        gint64      at)
{
  return cs_pg_exec (db, "UPDATE invitations SET status = 'declined', used_at = ? WHERE id = ?",
                     "is", at, invitation_id);
}

static GPtrArray *
pg_invitations_mail_due (CsDb  *db,
                         gint64 now_ms,
                         guint  n)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_invitation_free);
  CS_PG_RES stmt = cs_pg_query (db,
                                "SELECT i.id, i.email, i.token_box, u.display_name, r.name, t.name, t.language,"
                                " i.message, i.expires_at, i.mail_attempts FROM invitations i"
                                " JOIN users u ON u.id = i.inviter_id JOIN rooms r ON r.id = i.room_id"
                                " JOIN tenants t ON t.id = i.tenant_id"
                                " WHERE i.mail_status = 'queued' AND i.mail_next_at <= ? AND i.status = 'pending'"
                                " ORDER BY i.mail_next_at LIMIT ?", "ii", now_ms, (gint64) n);

  while (stmt && cs_pg_next (stmt))
    {
      CsInvitation *i = g_new0 (CsInvitation, 1);

      i->id = cs_pg_col_dup (stmt, 0);
      i->email = cs_pg_col_dup (stmt, 1);
      i->token_box = cs_pg_col_dup (stmt, 2);
      i->inviter_name = cs_pg_col_dup (stmt, 3);
      i->room_name = cs_pg_col_dup (stmt, 4);
      i->tenant_name = cs_pg_col_dup (stmt, 5);
      i->tenant_language = cs_pg_col_dup (stmt, 6);
      i->message = cs_pg_col_dup (stmt, 7);
      i->expires_at = cs_pg_int (stmt, 8);
      i->mail_attempts = cs_pg_int (stmt, 9);
      g_ptr_array_add (list, i);
    }
  return list;
}

static gboolean
pg_invitations_mail_claim (CsDb       *db,
                           const char *invitation_id,
                           gint64      now_ms,
                           gint64      until_ms,
                           gboolean   *out_claimed)
{
  *out_claimed = FALSE;
  if (!cs_pg_exec (db, "UPDATE invitations SET mail_next_at = ? WHERE id = ? AND mail_status = 'queued'"
                   " AND mail_next_at <= ? AND status = 'pending'", "isi", until_ms, invitation_id, now_ms))
    return FALSE;
  *out_claimed = cs_pg_changes (db) > 0;
  return TRUE;
}

static gboolean
pg_invitations_mail_sent (CsDb       *db,
                          const char *invitation_id)
{
  return cs_pg_exec (db, "UPDATE invitations SET mail_status = 'sent', mail_error = NULL,"
                     " mail_attempts = mail_attempts + 1 WHERE id = ?", "s", invitation_id);
}

static gboolean
pg_invitations_mail_failed (CsDb       *db,
                            const char *invitation_id,
                            gboolean    give_up,
                            const char *error,
                            gint64      next_at)
{
  return cs_pg_exec (db, "UPDATE invitations SET mail_status = ?, mail_error = ?,"
                     " mail_attempts = mail_attempts + 1, mail_next_at = ? WHERE id = ?",
                     "ssis", give_up ? "failed" : "queued", error, next_at, invitation_id);
}

const CsInvitationsOps cs_pg_invitations_ops = {
  .by_token = pg_invitations_by_token,
  .get = pg_invitations_get,
  .in_tenant = pg_invitations_in_tenant,
  .pending = pg_invitations_pending,
  .for_user = pg_invitations_for_user,
  .context = pg_invitations_context,
  .message = pg_invitations_message,
  .insert = pg_invitations_insert,
  .revoke_to = pg_invitations_revoke_to,
  .revoke = pg_invitations_revoke,
  .accept = pg_invitations_accept,
  .decline = pg_invitations_decline,
  .mail_due = pg_invitations_mail_due,
  .mail_claim = pg_invitations_mail_claim,
  .mail_sent = pg_invitations_mail_sent,
  .mail_failed = pg_invitations_mail_failed,
};
