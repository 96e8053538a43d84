/* cs-api-auth.c: sign-in, users, privacy (export and erasure), audit and
 * presence endpoints.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-auth.h"
#include "cs-limits.h"
#include "cs-sessions.h"
#include "cs-rooms.h"
#include "cs-users.h"
#include "cs-model.h"
#include "cs-presence.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-time.h"
#include "cau-validate.h"

#include <string.h>

static const char * const tenant_roles[] = { "admin", "member", "guest", NULL };

/* ---- tenants and users (command line, demo, admin) --------------------- */

gboolean
cs_api_create_tenant (CsCtx      *ctx,
                      const char *name,
                      const char *language,
                      char      **out_id)
{
  g_autofree char *clean = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();

  if (!cau_validate_name (name, &clean, &error))
    return cs_ctx_fail_error (ctx, error);
  if (cs_tenants_exists (ctx->db, clean))
    return cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "An organisation named “%s” exists already.", clean);
  if (!cs_tenants_insert (ctx->db, id, clean, language, cau_time_now_ms ()))
    return cs_ctx_fail_db (ctx, "creating a tenant");
  g_free (ctx->tenant_id);
  ctx->tenant_id = g_strdup (id);
  cs_ctx_audit (ctx, "tenant.create", "tenant", id, NULL);
  if (out_id)
    *out_id = g_steal_pointer (&id);
  return TRUE;
}

gboolean
cs_api_create_user (CsCtx      *ctx,
                    const char *tenant_id,
                    const char *email,
                    const char *display_name,
                    const char *role,
                    const char *password_hash,
                    char      **out_id)
{
  g_autofree char *id = g_uuid_string_random ();

  if (cs_users_email_taken (ctx->db, tenant_id, email))
    return cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "Someone with the address %s is already in this organisation.", email);
  if (!cs_users_insert (ctx->db, id, tenant_id, email, display_name, role, password_hash, cau_time_now_ms ()))
    return cs_ctx_fail_db (ctx, "creating a user");
  cs_ctx_audit (ctx, "user.create", "user", id, NULL);
  if (out_id)
    *out_id = g_steal_pointer (&id);
  return TRUE;
}

/* ---- login and logout -------------------------------------------------- */

typedef struct {
  CsSessions *sessions;
  char  *token_hash;
  char  *user_id;
  char  *tenant_id;
  gint64 expires_at;
} NewSession;

/* A change to the live sessions, made once its transaction commits. */
typedef struct {
  CsSessions *sessions;
  char       *arg;      /* a token hash or a user id */
  gint64      now_ms;
} SessionsHook;

static SessionsHook *
sessions_hook (CsCtx      *ctx,
               const char *arg)
{
  SessionsHook *h = g_new0 (SessionsHook, 1);

  h->sessions = ctx->sessions;
  h->arg = g_strdup (arg);
  h->now_ms = cau_time_now_ms ();
  return h;
}

static void
sessions_hook_free (gpointer data)
{
  SessionsHook *h = data;

  g_free (h->arg);
  g_free (h);
}

static void
new_session_free (gpointer data)
{
  NewSession *s = data;

  g_free (s->token_hash);
  g_free (s->user_id);
  g_free (s->tenant_id);
  g_free (s);
}

static void
session_committed (gpointer data)
{
  NewSession *s = data;

  if (s->sessions)
    cs_sessions_add (s->sessions, s->token_hash, s->user_id, s->tenant_id, s->expires_at);
}

char *
cs_api_hash_password (CsCtx      *ctx,
                      const char *password)
{
  char *hash = cs_auth_hash_password (password, ctx->config->kdf);

  if (hash == NULL)
    cs_ctx_fail (ctx, CAU_ERROR_INTERNAL, "The server is out of memory for password hashing; try again.");
  return hash;
}

char *
cs_api_open_session (CsCtx      *ctx,
                     const char *user_id,
                     char      **out_expires)
{
  NewSession *s = g_new0 (NewSession, 1);
  char *token = cs_auth_new_token (&s->token_hash);

  s->sessions = ctx->sessions;
  s->user_id = g_strdup (user_id);
  s->tenant_id = g_strdup (ctx->tenant_id);
  s->expires_at = cau_time_now_ms () + ctx->config->session_ttl_s * 1000;
  if (!cs_stored_sessions_insert (ctx->db, s->token_hash, s->user_id, s->tenant_id, cau_time_now_ms (),
                                  s->expires_at, ctx->ip))
    {
      new_session_free (s);
      g_free (token);
      cs_ctx_fail_db (ctx, "opening a session");
      return NULL;
    }
  if (out_expires)
    *out_expires = cau_time_format (s->expires_at);
  cs_ctx_audit (ctx, "auth.login", "user", user_id, NULL);
  /* The session authenticates only once it is on disk. */
  cs_store_on_commit (ctx->store, session_committed, s, new_session_free);
  return token;
}

typedef struct {
  char *token;
  char *expires;
} Opened;

static void
login_write (CsCtx *ctx)
{
  Opened *o = ctx->input;

  o->token = cs_api_open_session (ctx, ctx->user_id, &o->expires);
}

void
cs_api_login (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);
  g_autoptr(GError) error = NULL;
  const char *tenant = NULL, *email_in = NULL, *password = NULL;
  g_autofree char *email = NULL;
  g_autofree char *account_key = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *tenant_id = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(JsonObject) reply = NULL;
  Opened opened = { 0 };
  guint wait;

  if (body == NULL)
    return;
  if (!cau_json_get_string (body, "tenant", TRUE, &tenant, &error) ||
      !cau_json_get_string (body, "email", TRUE, &email_in, &error) ||
      !cau_json_get_string (body, "password", TRUE, &password, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  email = g_utf8_strdown (email_in, -1);
  g_strstrip (email);
  {
    g_autofree char *key = g_strdup_printf ("%s\n%s", tenant, email);

    account_key = g_utf8_strdown (key, -1);
  }

  wait = cs_limits_check (ctx->limits, ctx->config, account_key, ctx->ip);
  if (wait > 0)
    {
      ctx->retry_after = wait;
      cs_ctx_fail (ctx, CAU_ERROR_RATE_LIMITED,
                   "Too many failed sign-ins. Wait %u seconds before trying again.", wait);
      return;
    }

  cs_users_find_login (ctx->db, tenant, email, &user_id, &tenant_id, &hash);

  /* An unknown account costs the same time as a wrong password. */
  if (user_id == NULL)
    cs_auth_dummy_verify (password, ctx->config->kdf);
  if (user_id == NULL || !cs_auth_verify_password (hash, password))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      cs_limits_fail (ctx->limits, account_key, ctx->ip);
      json_object_set_string_member (details, "email", email);
      g_free (ctx->tenant_id);
      ctx->tenant_id = g_strdup (tenant_id);
      cs_ctx_audit (ctx, "auth.login_failed", user_id ? "user" : NULL, user_id, details);
      cs_ctx_fail (ctx, CAU_ERROR_UNAUTHORIZED, "The organisation, email or password is not right.");
      return;
    }

  g_free (ctx->user_id);
  ctx->user_id = g_strdup (user_id);
  g_free (ctx->tenant_id);
  ctx->tenant_id = g_strdup (tenant_id);
  reply = json_object_new ();
  json_object_set_object_member (reply, "user", cs_model_user (ctx, user_id));
  ctx->input = &opened;
  if (cs_store_run_write (ctx->store, login_write, ctx))
    {
      cs_limits_success (ctx->limits, account_key);
      json_object_set_string_member (reply, "token", opened.token);
      json_object_set_string_member (reply, "expires_at", opened.expires);
      cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
    }
  ctx->input = NULL;
  g_free (opened.token);
  g_free (opened.expires);
}

static void
sessions_expired (gpointer data)
{
  SessionsHook *h = data;

  if (h->sessions)
    cs_sessions_remove_expired (h->sessions, h->now_ms);
}

void
cs_api_sessions_sweep (CsCtx *ctx)
{
  SessionsHook *h = sessions_hook (ctx, NULL);

  if (!cs_stored_sessions_delete_expired (ctx->db, h->now_ms))
    {
      sessions_hook_free (h);
      cs_ctx_fail_db (ctx, "removing expired sessions");
      return;
    }
  cs_store_on_commit (ctx->store, sessions_expired, h, sessions_hook_free);
}

static void
session_revoked (gpointer data)
{
  SessionsHook *h = data;

  if (h->sessions)
    cs_sessions_remove (h->sessions, h->arg);
}

void
cs_api_logout (CsCtx *ctx)
{
  if (!cs_stored_sessions_revoke (ctx->db, ctx->token_hash, cau_time_now_ms ()))
    {
      cs_ctx_fail_db (ctx, "signing out");
      return;
    }
  cs_ctx_audit (ctx, "auth.logout", "user", ctx->user_id, NULL);
  cs_store_on_commit (ctx->store, session_revoked, sessions_hook (ctx, ctx->token_hash), sessions_hook_free);
  cs_ctx_after (ctx, CS_AFTER_REVOKE_SESSION, ctx->token_hash);
  cs_ctx_reply_empty (ctx);
}

/* ---- the caller -------------------------------------------------------- */

void
cs_api_me_get (CsCtx *ctx)
{
  JsonObject *me = cs_model_user (ctx, ctx->user_id);

  if (me == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_UNAUTHORIZED, "This account no longer exists.");
      return;
    }
  cs_ctx_reply_object (ctx, 200, me);
}

void
cs_api_me_patch (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);
  g_autoptr(GError) error = NULL;
  const char *name = NULL, *status = NULL;
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_status = NULL;

  if (body == NULL)
    return;
  if (!cau_json_get_string (body, "display_name", FALSE, &name, &error) ||
      !cau_json_get_string (body, "status_text", FALSE, &status, &error) ||
      (name && !cau_validate_name (name, &clean_name, &error)) ||
      (status && !cau_validate_label (status, "status", FALSE, 0, CAU_LIMIT_STATUS_CHARS, &clean_status, &error)))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if ((clean_name && !cs_users_set_display_name (ctx->db, ctx->user_id, clean_name)) ||
      (clean_status && !cs_users_set_status_text (ctx->db, ctx->user_id, clean_status)))
    {
      cs_ctx_fail_db (ctx, "updating a profile");
      return;
    }
  /* Everyone's member lists show it at once: a presence frame carries it. */
  if (clean_status)
    cs_ctx_after (ctx, CS_AFTER_STATUS_TEXT, clean_status);
  cs_ctx_reply_object (ctx, 200, cs_model_user (ctx, ctx->user_id));
}

void
cs_api_touch_last_seen (CsCtx *ctx)
{
  cs_users_set_last_seen (ctx->db, ctx->user_id, cau_time_now_ms ());
}

void
cs_api_users_list (CsCtx *ctx)
{
  g_autoptr(GError) error = NULL;
  const char *q = cs_ctx_query (ctx, "q");
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *users = json_array_new ();
  guint limit;

  if (!cau_validate_limit (cs_ctx_query (ctx, "limit"), &limit, &error))
    {
      json_array_unref (users);
      cs_ctx_fail_error (ctx, error);
      return;
    }
  rows = cs_users_search (ctx->db, ctx->tenant_id, q, limit);
  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (users, cs_model_user_json (ctx, g_ptr_array_index (rows, i)));
  /* Whom the caller may not open a direct room with, and why. */
  cs_api_policy_annotate_users (ctx, rows, users);
  json_object_set_array_member (reply, "users", users);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

static gboolean
require_tenant_admin (CsCtx *ctx)
{
  g_autofree char *role = cs_model_tenant_role (ctx);

  if (g_strcmp0 (role, "admin") != 0)
    return cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only an administrator of the organisation may do this.");
  return TRUE;
}

typedef struct {
  const char *email;
  const char *name;
  const char *role;
  const char *hash;
  char       *id;
} NewUser;

static void
admin_create_write (CsCtx *ctx)
{
  NewUser *u = ctx->input;

  cs_api_create_user (ctx, ctx->tenant_id, u->email, u->name, u->role, u->hash, &u->id);
}

void
cs_api_admin_users_create (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *email_in = NULL, *name_in = NULL, *password = NULL, *role = "member";
  g_autofree char *email = NULL;
  g_autofree char *name = NULL;
  g_autofree char *hash = NULL;
  NewUser u = { 0 };

  if (!require_tenant_admin (ctx) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  if (!cau_json_get_string (body, "email", TRUE, &email_in, &error) ||
      !cau_json_get_string (body, "display_name", TRUE, &name_in, &error) ||
      !cau_json_get_string (body, "password", TRUE, &password, &error) ||
      !cau_json_get_string (body, "role", FALSE, &role, &error) ||
      !cau_validate_email (email_in, &email, &error) ||
      !cau_validate_name (name_in, &name, &error) ||
      !cau_validate_password (password, &error) ||
      !cau_validate_enum (role, "role", tenant_roles, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if ((hash = cs_api_hash_password (ctx, password)) == NULL)
    return;
  u.email = email;
  u.name = name;
  u.role = role;
  u.hash = hash;
  ctx->input = &u;
  if (cs_store_run_write (ctx->store, admin_create_write, ctx))
    cs_ctx_reply_object (ctx, 201, cs_model_user (ctx, u.id));
  ctx->input = NULL;
  g_free (u.id);
}

/* ---- admin: change a user's tenant role and rank (PATCH /api/admin/users/:id) ---- */

typedef struct {
  const char *id;
  const char *role;       /* NULL: unchanged */
  gboolean    set_rank;
  const char *rank;       /* with set_rank: NULL clears it */
} RoleChange;

static void
admin_role_write (CsCtx *ctx)
{
  RoleChange *rc = ctx->input;
  g_autofree char *old = cs_users_active_role (ctx->db, ctx->tenant_id, rc->id);
  g_autoptr(JsonObject) details = NULL;

  /* Another tenant's id answers as an unknown one. */
  if (old == NULL)
    {
      cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such user.");
      return;
    }
  /* The rank first: an unknown one fails the job before anything changes. */
  if (rc->set_rank && !cs_api_policy_set_rank (ctx, rc->id, rc->rank))
    return;
  if (rc->role == NULL || g_strcmp0 (old, rc->role) == 0)
    return;
  if (!cs_users_set_role (ctx->db, ctx->tenant_id, rc->id, rc->role))
    {
      cs_ctx_fail (ctx, CAU_ERROR_INTERNAL, "The role could not be changed.");
      return;
    }
  details = json_object_new ();
  json_object_set_string_member (details, "from", old);
  json_object_set_string_member (details, "to", rc->role);
  cs_ctx_audit (ctx, "user.role", "user", rc->id, details);
}

void
cs_api_admin_users_patch (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  RoleChange rc = { ctx->params[0], NULL, FALSE, NULL };

  if (!require_tenant_admin (ctx) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  /* {role?, rank?}: rank null takes the person's rank away (issue 17). */
  rc.set_rank = json_object_has_member (body, "rank");
  if (!cau_json_get_string (body, "role", !rc.set_rank, &rc.role, &error) ||
      (rc.role != NULL && !cau_validate_enum (rc.role, "role", tenant_roles, &error)) ||
      (rc.set_rank && !cau_json_is_null (body, "rank") &&
       !cau_json_get_string (body, "rank", TRUE, &rc.rank, &error)))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  /* An admin demoting themselves could leave the organisation without one. */
  if (rc.role != NULL && g_strcmp0 (rc.id, ctx->user_id) == 0)
    {
      cs_ctx_fail (ctx, CAU_ERROR_CONFLICT, "You cannot change your own role.");
      return;
    }
  ctx->input = &rc;
  if (cs_store_run_write (ctx->store, admin_role_write, ctx))
    cs_ctx_reply_object (ctx, 200, cs_model_user (ctx, rc.id));
  ctx->input = NULL;
}

void
cs_api_admin_audit (CsCtx *ctx)
{
  g_autoptr(GError) error = NULL;
  const char *action = cs_ctx_query (ctx, "action");
  const char *since = cs_ctx_query (ctx, "since");
  const char *before = cs_ctx_query (ctx, "before");
  gint64 since_ms = 0;
  gint64 before_id = G_MAXINT64;
  guint limit;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  JsonArray *entries;

  if (!require_tenant_admin (ctx))
    return;
  if (!cau_validate_limit (cs_ctx_query (ctx, "limit"), &limit, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  if (since && !cau_time_parse (since, &since_ms))
    {
      cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "The parameter “since” must be an RFC 3339 time.");
      return;
    }
  /* "before": an entry id, the next page of a newest-first listing. */
  if (before)
    {
      char *end = NULL;

      before_id = g_ascii_strtoll (before, &end, 10);
      if (end == before || *end != '\0' || before_id <= 0)
        {
          cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "The parameter “before” must be an entry id.");
          return;
        }
    }
  reply = json_object_new ();
  entries = json_array_new ();
  rows = cs_audit_list (ctx->db, ctx->tenant_id, action, since_ms, before_id, limit);
  for (guint i = 0; i < rows->len; i++)
    {
      CsAuditEntry *entry = g_ptr_array_index (rows, i);
      JsonObject *e = json_object_new ();
      g_autofree char *at = cs_model_time_text (entry->at);
      JsonNode *details = entry->details
        ? cau_json_parse_node (entry->details, -1, CAU_JSON_MAX_BYTES, NULL) : NULL;

      json_object_set_int_member (e, "id", entry->id);
      json_object_set_string_member (e, "at", at);
      cau_json_set_string_or_null (e, "user_id", entry->user_id);
      json_object_set_string_member (e, "action", entry->action);
      cau_json_set_string_or_null (e, "entity_type", entry->entity_type);
      cau_json_set_string_or_null (e, "entity_id", entry->entity_id);
      cau_json_set_string_or_null (e, "ip", entry->ip);
      if (details)
        json_object_set_member (e, "details", details);
      else
        json_object_set_null_member (e, "details");
      json_array_add_object_element (entries, e);
    }
  json_object_set_array_member (reply, "entries", entries);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

void
cs_api_presence (CsCtx *ctx)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *list = json_array_new ();
  g_autoptr(GPtrArray) users = cs_users_last_seen (ctx->db, ctx->tenant_id);

  for (guint i = 0; i < users->len; i++)
    {
      CsUser *u = g_ptr_array_index (users, i);
      JsonObject *p = json_object_new ();
      g_autofree char *seen = cs_model_time_text (u->last_seen_at);
      const char *id = u->id;

      json_object_set_string_member (p, "user_id", id);
      json_object_set_string_member (p, "status", cs_presence_get (ctx->presence, id));
      cau_json_set_string_or_null (p, "last_seen_at", seen);
      json_array_add_object_element (list, p);
    }
  json_object_set_array_member (reply, "presence", list);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

/* ---- privacy ----------------------------------------------------------- */

static JsonArray *
export_rows (CsCtx             *ctx,
             CsExportTable      table,
             const char *const *names)
{
  JsonArray *rows = json_array_new ();
  g_autoptr(GPtrArray) stored = cs_users_export (ctx->db, ctx->user_id, table);

  for (guint r = 0; r < stored->len; r++)
    {
      GArray *cells = g_ptr_array_index (stored, r);
      JsonObject *row = json_object_new ();

      for (guint i = 0; names[i] && i < cells->len; i++)
        {
          CsCell *cell = &g_array_index (cells, CsCell, i);

          if (g_str_has_suffix (names[i], "_at"))
            {
              g_autofree char *t = cell->type == CS_CELL_INT ? cau_time_format (cell->number) : NULL;
              cau_json_set_string_or_null (row, names[i], t);
            }
          else if (cell->type == CS_CELL_INT)
            json_object_set_int_member (row, names[i], cell->number);
          else
            cau_json_set_string_or_null (row, names[i], cell->text);
        }
      json_array_add_object_element (rows, row);
    }
  return rows;
}

void
cs_api_me_export (CsCtx *ctx)
{
  static const char * const membership_cols[] = { "room_id", "room_name", "role", "joined_at", "last_read_seq", "muted", "notify", NULL };
  static const char * const message_cols[] = { "id", "room_id", "seq", "kind", "body", "created_at", "edited_at", "deleted", NULL };
  static const char * const notification_cols[] = { "id", "type", "room_id", "message_id", "title", "body", "created_at", "read", NULL };
  static const char * const session_cols[] = { "created_at", "expires_at", "revoked_at", "ip", NULL };
  static const char * const attachment_cols[] = { "id", "room_id", "message_id", "name", "size", "mime_type", "created_at", NULL };
  static const char * const audit_cols[] = { "action", "entity_type", "entity_id", "ip", "at", NULL };
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *now = cau_time_format (cau_time_now_ms ());

  json_object_set_string_member (reply, "exported_at", now);
  json_object_set_object_member (reply, "user", cs_model_user (ctx, ctx->user_id));
  json_object_set_array_member (reply, "memberships", export_rows (ctx, CS_EXPORT_MEMBERSHIPS, membership_cols));
  json_object_set_array_member (reply, "messages", export_rows (ctx, CS_EXPORT_MESSAGES, message_cols));
  json_object_set_array_member (reply, "notifications", export_rows (ctx, CS_EXPORT_NOTIFICATIONS, notification_cols));
  json_object_set_array_member (reply, "sessions", export_rows (ctx, CS_EXPORT_SESSIONS, session_cols));
  json_object_set_array_member (reply, "attachments", export_rows (ctx, CS_EXPORT_ATTACHMENTS, attachment_cols));
  json_object_set_array_member (reply, "audit", export_rows (ctx, CS_EXPORT_AUDIT, audit_cols));
  cs_ctx_audit (ctx, "account.export", "user", ctx->user_id, NULL);
  cs_ctx_reply_object (ctx, 200, g_steal_pointer (&reply));
}

static void
user_sessions_revoked (gpointer data)
{
  SessionsHook *h = data;

  if (h->sessions)
    cs_sessions_remove_user (h->sessions, h->arg);
}

void
cs_api_account_erase (CsCtx *ctx)
{
  g_autoptr(GPtrArray) rooms = cs_members_rooms_of (ctx->db, ctx->user_id);
  gint64 now = cau_time_now_ms ();

  for (guint i = 0; i < rooms->len; i++)
    {
      const char *room_id = g_ptr_array_index (rooms, i);
      g_autoptr(JsonObject) data = json_object_new ();

      cs_members_delete (ctx->db, room_id, ctx->user_id);
      /* A room is never left without an owner: the longest-standing member takes over. */
      if (cs_members_count_owners (ctx->db, room_id) == 0)
        cs_members_promote_successor (ctx->db, room_id);
      json_object_set_string_member (data, "user_id", ctx->user_id);
      if (cs_model_emit (ctx, 0, "member.remove", room_id, NULL, data, NULL, NULL) == 0)
        return;
    }
  if (!cs_users_erase (ctx->db, ctx->user_id, now))
    {
      cs_ctx_fail_db (ctx, "erasing an account");
      return;
    }
  /* The files the person shared are theirs: they go; their messages stay. */
  if (!cs_api_attachments_remove_for_user (ctx, ctx->user_id))
    return;
  cs_ctx_audit (ctx, "account.delete", "user", ctx->user_id, NULL);
  cs_store_on_commit (ctx->store, user_sessions_revoked, sessions_hook (ctx, ctx->user_id), sessions_hook_free);
  cs_ctx_after (ctx, CS_AFTER_REVOKE_USER, ctx->user_id);
}

void
cs_api_me_delete (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = cs_ctx_body_object (ctx);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  const char *password = NULL;

  if (body == NULL)
    return;
  if (!cau_json_get_string (body, "password", TRUE, &password, &error))
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  hash = cs_users_password_hash (ctx->db, ctx->user_id);
  if (!cs_auth_verify_password (hash, password))
    {
      cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "The password is not right; the account was not deleted.");
      return;
    }
  if (cs_store_run_write (ctx->store, cs_api_account_erase, ctx))
    cs_ctx_reply_empty (ctx);
}
