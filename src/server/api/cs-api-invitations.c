/* cs-api-invitations.c: email invitations: create, list, revoke, look up,
 * accept (as a signed-in invitee or as a new account), decline, and the
 * landing page a mail's link opens.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-auth.h"
#include "cs-invitations.h"
#include "cs-limits.h"
#include "cs-mailer.h"
#include "cs-model.h"
#include "cs-rooms.h"
#include "cs-users.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-time.h"
#include "cau-validate.h"

#include <string.h>

#define MESSAGE_CHARS 1000

typedef struct {
  char  *id;
  char  *tenant_id;
  char  *room_id;
  char  *inviter_id;
  char  *email;
  char  *status;
  gint64 expires_at;
} Invite;

static void
invite_clear (Invite *inv)
{
  g_free (inv->id);
  g_free (inv->tenant_id);
  g_free (inv->room_id);
  g_free (inv->inviter_id);
  g_free (inv->email);
  g_free (inv->status);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Invite, invite_clear)

typedef enum {
  FOUND,
  UNKNOWN,
  USED,
  DECLINED,
  REVOKED,
  EXPIRED,
  LIMITED,
} Lookup;

static char *
limit_key (CsCtx *ctx)
{
  return g_strdup_printf ("invite:%s", ctx->ip ? ctx->ip : "");
}

/* Finds the invitation behind @token. Unknown tokens count against the
 * caller's address, so that guessing is slowed to a crawl. */
static Lookup
find_invite (CsCtx      *ctx,
             const char *token,
             Invite     *out)
{
  g_autofree char *key = limit_key (ctx);
  g_autofree char *hash = NULL;
  guint wait = cs_limits_wait (ctx->limits, key, ctx->config->invite_fail_address, ctx->config->login_window_s);
  g_autoptr(CsInvitation) found = NULL;

  if (wait > 0)
    {
      ctx->retry_after = wait;
      return LIMITED;
    }
  hash = cs_auth_hash_token (token);
  if (hash)
    found = cs_invitations_by_token (ctx->db, hash);
  if (found == NULL)
    {
      cs_limits_note (ctx->limits, key);
      return UNKNOWN;
    }
  out->id = g_steal_pointer (&found->id);
  out->tenant_id = g_steal_pointer (&found->tenant_id);
  out->room_id = g_steal_pointer (&found->room_id);
  out->inviter_id = g_steal_pointer (&found->inviter_id);
  out->email = g_steal_pointer (&found->email);
  out->status = g_steal_pointer (&found->status);
  out->expires_at = found->expires_at;
  if (g_str_equal (out->status, "accepted"))
    return USED;
  if (g_str_equal (out->status, "declined"))
    return DECLINED;
  if (g_str_equal (out->status, "revoked"))
    return REVOKED;
  if (out->expires_at <= cau_time_now_ms ())
    return EXPIRED;
  return FOUND;
}

/* The API answer for a look-up that found nothing usable. */
static gboolean
fail_lookup (CsCtx  *ctx,
             Lookup  result,
             Invite *inv)
{
  g_autofree char *when = NULL;

  switch (result)
    {
    case FOUND:
      return TRUE;
    case LIMITED:
      return cs_ctx_fail (ctx, CAU_ERROR_RATE_LIMITED,
                          "Too many unknown invitation links from this address. Wait %u seconds.", ctx->retry_after);
    case UNKNOWN:
      return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "This invitation link is not valid. Check that it was copied whole.");
    case USED:
      return cs_ctx_fail (ctx, CAU_ERROR_GONE, "This invitation has already been used.");
    case DECLINED:
      return cs_ctx_fail (ctx, CAU_ERROR_GONE, "This invitation was declined.");
    case REVOKED:
      return cs_ctx_fail (ctx, CAU_ERROR_GONE, "This invitation was withdrawn by the person who sent it.");
    case EXPIRED:
      when = cau_time_format (inv->expires_at);
      return cs_ctx_fail (ctx, CAU_ERROR_GONE, "This invitation expired on %.10s. Ask for a new one.", when);
    }
  return FALSE;
}

static const char *
effective_status (const char *status,
                  gint64      expires_at)
{
  if (g_str_equal (status, "pending") && expires_at <= cau_time_now_ms ())
    return "expired";
  return status;
}

static char *
invite_link (CsCtx      *ctx,
             const char *token)
{
  return g_strdup_printf ("%s/invite/%s", cs_config_get_public_url (ctx->config), token);
}

static JsonObject *
invite_json (CsCtx              *ctx,
             const CsInvitation *i)
{
  JsonObject *o = json_object_new ();
  JsonObject *inviter = json_object_new ();
  const char *status = effective_status (i->status, i->expires_at);
  g_autofree char *expires = cs_model_time_text (i->expires_at);
  g_autofree char *created = cs_model_time_text (i->created_at);

  json_object_set_string_member (o, "id", i->id);
  json_object_set_string_member (o, "room_id", i->room_id);
  json_object_set_string_member (o, "email", i->email);
  json_object_set_string_member (o, "status", status);
  json_object_set_string_member (o, "expires_at", expires);
  json_object_set_string_member (o, "created_at", created);
  json_object_set_string_member (o, "message", i->message);
  json_object_set_string_member (o, "mail_status", i->mail_status);
  json_object_set_string_member (inviter, "id", i->inviter_id);
  json_object_set_string_member (inviter, "display_name", i->inviter_name ? i->inviter_name : "");
  json_object_set_object_member (o, "inviter", inviter);
  if (g_str_equal (status, "pending"))
    {
      g_autofree char *token = cs_sealer_unseal (ctx->sealer, i->token_box);
      g_autofree char *link = token ? invite_link (ctx, token) : NULL;

      cau_json_set_string_or_null (o, "link", link);
    }
  else
    json_object_set_null_member (o, "link");
  return o;
}

/* Owners and admins invite; members too, outside direct rooms; guests never. */
static gboolean
require_inviter (CsCtx      *ctx,
                 const char *room_id)
{
  g_autofree char *role = NULL;
  g_autofree char *type = NULL;

  if (!cs_model_require_member (ctx, room_id, &role))
    return FALSE;
  type = cs_rooms_type (ctx->db, room_id);
  if (g_strcmp0 (type, "direct") == 0)
    return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "Nobody can be invited into a direct conversation; start a group.");
  if (g_str_equal (role, "guest"))
    return cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Guests cannot invite people into a room.");
  return TRUE;
}

static void
poke_mailer (gpointer data)
{
  cs_mailer_poke (data);
}

void
cs_api_invitations_create (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *email_in = NULL, *message_in = "";
  g_autofree char *email = NULL, *message = NULL;
  g_autofree char *token = NULL, *hash = NULL, *box = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *existing_user = NULL;
  gint64 now = cau_time_now_ms ();

  if (!require_inviter (ctx, room_id) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  if (!cau_json_get_string (body, "email", TRUE, &email_in, &error) ||
      !cau_validate_email (email_in, &email, &error) ||
      !cau_json_get_string (body, "message", FALSE, &message_in, &error) ||
      !cau_validate_text (message_in, "message", 0, MESSAGE_CHARS, &message, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  existing_user = cs_users_find_by_email (ctx->db, ctx->tenant_id, email);
  if (existing_user && cs_members_is_member (ctx->db, room_id, existing_user))
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "%s is already in this room.", email);
      return;
    }

  /* A new invitation replaces an older one to the same address. */
  token = cs_auth_new_token (&hash);
  box = cs_sealer_seal (ctx->sealer, token);
  if (!cs_invitations_revoke_to (ctx->db, room_id, email) ||
      !cs_invitations_insert (ctx->db, id, ctx->tenant_id, room_id, ctx->user_id, email, message, hash, box,
                              now, now + ctx->config->invite_ttl_s * 1000))
    {
      cs_ctx_fail_db (ctx, "storing an invitation");
      return;
    }
  cs_ctx_audit (ctx, "invitation.create", "invitation", id, NULL);

  /* Someone already here hears of it in the app as well. */
  if (existing_user)
    {
      g_autoptr(JsonObject) data = json_object_new ();
      g_autofree char *inviter = cs_model_display_name (ctx, ctx->user_id);
      g_autofree char *room = cs_rooms_name (ctx->db, room_id);
      g_autofree char *title = g_strdup_printf ("%s invited you to %s", inviter, room);
      g_autofree char *expires = cau_time_format (now + ctx->config->invite_ttl_s * 1000);
      g_autofree char *link = invite_link (ctx, token);

      json_object_set_string_member (data, "id", id);
      json_object_set_string_member (data, "room_id", room_id);
      json_object_set_string_member (data, "room_name", room);
      json_object_set_string_member (data, "inviter_name", inviter);
      json_object_set_string_member (data, "message", message);
      json_object_set_string_member (data, "expires_at", expires);
      json_object_set_string_member (data, "token", token);
      json_object_set_string_member (data, "link", link);
      if (cs_model_emit (ctx, 0, "invitation.new", NULL, existing_user, data, NULL, NULL) == 0 ||
          !cs_api_notify (ctx, existing_user, "invitation", room_id, NULL, 0, title, message))
        return;
    }
  cs_store_on_commit (ctx->store, poke_mailer, ctx->mailer, NULL);
  {
    g_autoptr(CsInvitation) stored = cs_invitations_get (ctx->db, id);

    if (stored)
      cs_ctx_reply_object (ctx, 201, invite_json (ctx, stored));
  }
}

void
cs_api_invitations_list (CsCtx *ctx)
{
  const char *room_id = ctx->params[0];
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *list;

  if (!require_inviter (ctx, room_id))
    return;
  reply = json_object_new ();
  list = json_array_new ();
  rows = cs_invitations_pending (ctx->db, room_id, cau_time_now_ms ());
  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (list, invite_json (ctx, g_ptr_array_index (rows, i)));
  json_object_set_array_member (reply, "invitations", list);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

/* The caller's own pending invitations, so the app can list them again
 * after a restart: same tenant, the caller's address, neither used,
 * revoked nor expired, to rooms the caller is not in yet.  Each carries
 * its token, as the `invitation.new` event does, so it can be accepted. */
void
cs_api_me_invitations (CsCtx *ctx)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *list = json_array_new ();
  g_autoptr(GPtrArray) rows = cs_invitations_for_user (ctx->db, ctx->tenant_id, ctx->user_id, cau_time_now_ms ());

  for (guint k = 0; k < rows->len; k++)
    {
      CsInvitation *i = g_ptr_array_index (rows, k);
      JsonObject *o = json_object_new ();
      g_autofree char *expires = cs_model_time_text (i->expires_at);
      g_autofree char *created = cs_model_time_text (i->created_at);
      g_autofree char *token = cs_sealer_unseal (ctx->sealer, i->token_box);
      g_autofree char *link = token ? invite_link (ctx, token) : NULL;

      json_object_set_string_member (o, "id", i->id);
      json_object_set_string_member (o, "room_id", i->room_id);
      json_object_set_string_member (o, "room_name", i->room_name);
      json_object_set_string_member (o, "room_type", i->room_type);
      json_object_set_string_member (o, "inviter_name", i->inviter_name ? i->inviter_name : "");
      json_object_set_string_member (o, "message", i->message);
      json_object_set_string_member (o, "expires_at", expires);
      json_object_set_string_member (o, "created_at", created);
      cau_json_set_string_or_null (o, "token", token);
      cau_json_set_string_or_null (o, "link", link);
      json_array_add_object_element (list, o);
    }
  json_object_set_array_member (reply, "invitations", list);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

void
cs_api_invitation_revoke (CsCtx *ctx)
{
  const char *id = ctx->params[0];
  g_autofree char *room_id = NULL, *inviter = NULL, *status = NULL, *role = NULL;
  g_autoptr(CsInvitation) found = cs_invitations_in_tenant (ctx->db, ctx->tenant_id, id);

  if (found)
    {
      room_id = g_steal_pointer (&found->room_id);
      inviter = g_steal_pointer (&found->inviter_id);
      status = g_steal_pointer (&found->status);
    }
  if (room_id == NULL || !cs_model_require_member (ctx, room_id, &role))
    {
      g_clear_error (&ctx->error);
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such invitation.");
      return;
    }
  if (g_strcmp0 (inviter, ctx->user_id) != 0 && !g_str_equal (role, "owner") && !g_str_equal (role, "admin"))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only the person who sent it or a room admin may withdraw an invitation.");
      return;
    }
  if (!g_str_equal (status, "pending"))
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "This invitation is no longer pending (it is %s).", status);
      return;
    }
  if (!cs_invitations_revoke (ctx->db, id))
    {
      cs_ctx_fail_db (ctx, "withdrawing an invitation");
      return;
    }
  cs_ctx_audit (ctx, "invitation.revoke", "invitation", id, NULL);
  cs_ctx_reply_empty (ctx);
}

void
cs_api_invitation_lookup (CsCtx *ctx)
{
  g_auto(Invite) inv = { 0 };
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *message = NULL;
  Lookup found = find_invite (ctx, ctx->params[0], &inv);
  g_autoptr(CsInvitationContext) about = NULL;
  g_autofree char *account = NULL;

  if (!fail_lookup (ctx, found, &inv))
    return;
  about = cs_invitations_context (ctx->db, inv.room_id, inv.inviter_id);
  if (about == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "This invitation link is not valid. Check that it was copied whole.");
      return;
    }
  reply = json_object_new ();
  expires = cau_time_format (inv.expires_at);
  json_object_set_string_member (reply, "tenant_name", about->tenant_name);
  json_object_set_string_member (reply, "room_name", about->room_name);
  json_object_set_string_member (reply, "room_type", about->room_type);
  json_object_set_string_member (reply, "inviter_name", about->inviter_name);
  json_object_set_string_member (reply, "email", inv.email);
  json_object_set_string_member (reply, "expires_at", expires);
  json_object_set_string_member (reply, "status", inv.status);
  /* The inviter's own words, which the mail carried too. */
  message = cs_invitations_message (ctx->db, inv.id);
  json_object_set_string_member (reply, "message", message ? message : "");
  account = cs_users_find_by_email (ctx->db, inv.tenant_id, inv.email);
  json_object_set_boolean_member (reply, "has_account", account != NULL);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

/* Writer: takes the invitation for the caller, who joins the room.
 * Returns the room's id. */
static char *
use_invite (CsCtx      *ctx,
            const char *token)
{
  g_auto(Invite) inv = { 0 };
  Lookup found = find_invite (ctx, token, &inv);

  /* Checked again inside the transaction: two accepts race to one winner. */
  if (!fail_lookup (ctx, found, &inv))
    return NULL;
  if (!cs_members_is_member (ctx->db, inv.room_id, ctx->user_id) &&
      !cs_api_join_room (ctx, inv.room_id, ctx->user_id))
    return NULL;
  if (!cs_invitations_accept (ctx->db, inv.id, ctx->user_id, cau_time_now_ms ()))
    return cs_ctx_fail_db (ctx, "accepting an invitation"), NULL;
  cs_ctx_audit (ctx, "invitation.accept", "invitation", inv.id, NULL);
  return g_steal_pointer (&inv.room_id);
}

typedef struct {
  const char *token;
  const char *name;
  const char *email;
  const char *hash;
  char       *room_id;
  char       *session;
  char       *expires;
} NewMember;

static void
accept_write (CsCtx *ctx)
{
  NewMember *n = ctx->input;

  n->room_id = use_invite (ctx, n->token);
}

static void
accept_new_write (CsCtx *ctx)
{
  NewMember *n = ctx->input;
  char *user_id = NULL;
  g_autofree char *account = cs_users_find_by_email (ctx->db, ctx->tenant_id, n->email);

  if (account)
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "An account already exists for %s: sign in, then accept the invitation.", n->email);
      return;
    }
  if (!cs_api_create_user (ctx, ctx->tenant_id, n->email, n->name, "member", n->hash, &user_id))
    return;
  g_free (ctx->user_id);
  ctx->user_id = user_id;
  accept_write (ctx);
  if (ctx->error == NULL)
    n->session = cs_api_open_session (ctx, user_id, &n->expires);
}

void
cs_api_invitation_accept (CsCtx *ctx)
{
  const char *token = ctx->params[0];
  g_auto(Invite) inv = { 0 };
  NewMember n = { 0 };
  g_autoptr(JsonObject) reply = NULL;
  Lookup found = find_invite (ctx, token, &inv);

  if (!fail_lookup (ctx, found, &inv))
    return;
  n.token = token;

  if (ctx->user_id)
    {
      g_autofree char *email = cs_users_email (ctx->db, ctx->user_id);

      if (g_strcmp0 (ctx->tenant_id, inv.tenant_id) != 0 || g_strcmp0 (email, inv.email) != 0)
        {
          /* Logged where the invitation's administrators will see it. */
          g_free (ctx->tenant_id);
          ctx->tenant_id = g_strdup (inv.tenant_id);
          cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "This invitation was sent to another address; sign in as %s to accept it.",
                       inv.email);
          return;
        }
      ctx->input = &n;
      if (!cs_store_run_write (ctx->store, accept_write, ctx))
        return;
      reply = json_object_new ();
    }
  else
    {
      g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *hash = NULL;
      const char *name_in = NULL, *password = NULL;

      if (body == NULL)
        return;
      if (!cau_json_get_string (body, "display_name", TRUE, &name_in, &error) ||
          !cau_validate_name (name_in, &name, &error) ||
          !cau_json_get_string (body, "password", TRUE, &password, &error) ||
          !cau_validate_password (password, &error))
        {
          cs_ctx_fail_error (ctx, error);
          return;
        }
      if ((hash = cs_api_hash_password (ctx, password)) == NULL)
        return;
      g_free (ctx->tenant_id);
      ctx->tenant_id = g_strdup (inv.tenant_id);
      n.name = name;
      n.email = inv.email;
      n.hash = hash;
      ctx->input = &n;
      if (!cs_store_run_write (ctx->store, accept_new_write, ctx))
        {
          g_free (n.room_id);
          return;
        }
      reply = json_object_new ();
      json_object_set_string_member (reply, "token", n.session);
      json_object_set_string_member (reply, "expires_at", n.expires);
      json_object_set_object_member (reply, "user", cs_model_user (ctx, ctx->user_id));
    }
  ctx->input = NULL;
  json_object_set_object_member (reply, "room", cs_model_room (ctx, n.room_id, ctx->user_id));
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
  g_free (n.room_id);
  g_free (n.session);
  g_free (n.expires);
}

void
cs_api_invitation_decline (CsCtx *ctx)
{
  g_auto(Invite) inv = { 0 };
  Lookup found = find_invite (ctx, ctx->params[0], &inv);

  if (!fail_lookup (ctx, found, &inv))
    return;
  g_free (ctx->tenant_id);
  ctx->tenant_id = g_strdup (inv.tenant_id);
  if (!cs_invitations_decline (ctx->db, inv.id, cau_time_now_ms ()))
    {
      cs_ctx_fail_db (ctx, "declining an invitation");
      return;
    }
  cs_ctx_audit (ctx, "invitation.decline", "invitation", inv.id, NULL);
  cs_ctx_reply_empty (ctx);
}

/* ---- the landing page --------------------------------------------------- */

static void
page (CsCtx      *ctx,
      guint       status,
      gboolean    fr,
      const char *title,
      const char *body_html)
{
  ctx->status = status;
  ctx->content_type = "text/html; charset=utf-8";
  ctx->text = g_strdup_printf (
    "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<meta name=\"referrer\" content=\"no-referrer\"><title>%s</title>"
    "<style>body{font-family:Cantarell,system-ui,sans-serif;background:#fafafa;color:#1e1e1e;margin:0}"
    "main{max-width:32em;margin:4em auto;padding:2em;background:#fff;border-radius:12px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.5em}"
    ".button{display:inline-block;background:#3584e4;color:#fff;padding:.7em 1.4em;border-radius:8px;"
    "text-decoration:none;font-weight:bold}.button:focus{outline:3px solid #1c71d8;outline-offset:2px}"
    ".small{color:#5e5c64;font-size:.9em}</style></head><body><main>%s</main></body></html>\n",
    fr ? "fr" : "en", title, body_html);
}

void
cs_api_invite_page (CsCtx *ctx)
{
  const char *token = ctx->params[0];
  g_auto(Invite) inv = { 0 };
  Lookup found = find_invite (ctx, token, &inv);
  g_autofree char *language = NULL, *tenant = NULL, *room = NULL, *inviter = NULL;
  g_autofree char *e_tenant = NULL, *e_room = NULL, *e_inviter = NULL, *e_email = NULL;
  g_autofree char *server = NULL, *href = NULL, *body = NULL, *title = NULL, *when = NULL;
  g_autoptr(GDateTime) expires = NULL;
  gboolean fr;

  if (found == FOUND || found == USED || found == DECLINED || found == REVOKED || found == EXPIRED)
    {
      g_autoptr(CsInvitationContext) about = cs_invitations_context (ctx->db, inv.room_id, inv.inviter_id);

      if (about)
        {
          language = g_steal_pointer (&about->tenant_language);
          tenant = g_steal_pointer (&about->tenant_name);
          room = g_steal_pointer (&about->room_name);
          inviter = g_steal_pointer (&about->inviter_name);
        }
    }
  fr = language && g_ascii_strncasecmp (language, "fr", 2) == 0;

  if (found != FOUND || room == NULL)
    {
      const char *what;

      switch (found)
        {
        case USED: what = fr ? "Cette invitation a déjà été utilisée." : "This invitation has already been used."; break;
        case DECLINED: what = fr ? "Cette invitation a été refusée." : "This invitation was declined."; break;
        case REVOKED: what = fr ? "Cette invitation a été retirée par la personne qui l’avait envoyée."
                                : "This invitation was withdrawn by the person who sent it."; break;
        case EXPIRED: what = fr ? "Cette invitation a expiré. Demandez-en une nouvelle."
                                : "This invitation has expired. Ask for a new one."; break;
        case LIMITED: what = "Too many unknown invitation links from this address. Try again later."; break;
        default: what = "This invitation link is not valid. Check that it was copied whole."; break;
        }
      body = g_strdup_printf ("<h1>%s</h1><p>%s</p>", fr ? "Invitation indisponible" : "Invitation unavailable", what);
      page (ctx, found == LIMITED ? 429 : found == UNKNOWN ? 404 : 410, fr,
            fr ? "Invitation indisponible — Causerie" : "Invitation unavailable — Causerie", body);
      return;
    }

  e_tenant = g_markup_escape_text (tenant, -1);
  e_room = g_markup_escape_text (room, -1);
  e_inviter = g_markup_escape_text (inviter, -1);
  e_email = g_markup_escape_text (inv.email, -1);
  server = g_uri_escape_string (cs_config_get_public_url (ctx->config), NULL, FALSE);
  href = g_strdup_printf ("causerie://invite/%s?server=%s", token, server);
  expires = g_date_time_new_from_unix_utc (inv.expires_at / 1000);
  when = g_date_time_format (expires, fr ? "%d/%m/%Y à %H:%M UTC" : "%Y-%m-%d at %H:%M UTC");
  title = g_strdup_printf (fr ? "Invitation à rejoindre %s — Causerie" : "Invitation to %s — Causerie", e_room);
  if (fr)
    body = g_strdup_printf (
      "<h1>Vous êtes invité·e dans « %s »</h1>"
      "<p><strong>%s</strong> vous invite à rejoindre « %s » dans l’espace <strong>%s</strong> sur Causerie.</p>"
      "<p class=\"small\">L’invitation est adressée à %s et expire le %s.</p>"
      "<p><a class=\"button\" href=\"%s\">Ouvrir dans Causerie</a></p>"
      "<p class=\"small\">Pas encore Causerie ? Installez l’application <em>org.causerie.Causerie</em> "
      "(Flathub ou votre logithèque), puis revenez sur cette page.</p>",
      e_room, e_inviter, e_room, e_tenant, e_email, when, href);
  else
    body = g_strdup_printf (
      "<h1>You are invited to “%s”</h1>"
      "<p><strong>%s</strong> invites you to join “%s” in <strong>%s</strong> on Causerie.</p>"
      "<p class=\"small\">The invitation is for %s and expires on %s.</p>"
      "<p><a class=\"button\" href=\"%s\">Open in Causerie</a></p>"
      "<p class=\"small\">No Causerie yet? Install the app <em>org.causerie.Causerie</em> "
      "(Flathub or your software centre), then come back to this page.</p>",
      e_room, e_inviter, e_room, e_tenant, e_email, when, href);
  page (ctx, 200, fr, title, body);
}
