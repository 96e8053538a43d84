/* cs-api-policy.c: the contact policy (issue 17). Tenant admins name ranks
 * (CEO, Director, Employee ...), give each person one or none, and say
 * which ranks may open a direct room with which; the role pairs of
 * `[policy] forbid_direct` still apply on top. Members read the policy,
 * and the people listing tells them whom they cannot reach and why.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-api"

#include "cs-api.h"
#include "cs-model.h"
#include "cs-policy.h"
#include "cs-users.h"
#include "cs-store.h"
#include "cau-json.h"
#include "cau-validate.h"

#include <string.h>

#define CS_POLICY_MAX_RANKS       20
#define CS_POLICY_RANK_MAX_CHARS  40

/* Input quoted back in a sentence: valid UTF-8, and not too long. */
static char *
shown (const char *text)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("?");
  return g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), CS_POLICY_RANK_MAX_CHARS + 1));
}

static gboolean
require_tenant_admin (CsCtx *ctx)
{
  g_autofree char *role = cs_model_tenant_role (ctx);

  if (g_strcmp0 (role, "admin") != 0)
    return cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "Only an administrator of the organisation may do this.");
  return TRUE;
}

/* ---- why a direct room is refused --------------------------------------- */

static char *
policy_refusal (CsCtx                 *ctx,
                       const CsContactPolicy *policy,
                       const char            *my_role,
                       const char            *my_rank,
                       const char            *other_role,
                       const char            *other_rank,
                       JsonObject           **out_rule)
{
  g_autofree char *pair = g_strdup_printf ("%s:%s", my_role, other_role);

  /* The older role pairs first: a server's configuration outranks a tenant's choice. */
  if (ctx->config->forbid_direct != NULL &&
      g_strv_contains ((const char * const *) ctx->config->forbid_direct, pair))
    {
      if (out_rule)
        {
          *out_rule = json_object_new ();
          json_object_set_string_member (*out_rule, "kind", "role");
          json_object_set_string_member (*out_rule, "from", my_role);
          json_object_set_string_member (*out_rule, "to", other_role);
        }
      return g_strdup_printf ("Your organisation does not allow a %s to start a direct conversation with an %s.",
                              my_role, other_role);
    }
  if (policy != NULL && !cs_contact_policy_allows (policy, my_rank, other_rank))
    {
      if (out_rule)
        {
          *out_rule = json_object_new ();
          json_object_set_string_member (*out_rule, "kind", "rank");
          json_object_set_string_member (*out_rule, "from", my_rank);
          json_object_set_string_member (*out_rule, "to", other_rank);
        }
      return g_strdup_printf ("Your organisation's contact policy does not let people ranked “%s” "
                              "open a direct conversation with people ranked “%s”.",
                              my_rank, other_rank);
    }
  return NULL;
}

gboolean
cs_api_policy_check_direct (CsCtx      *ctx,
                            const char *other_id)
{
  g_autoptr(CsUser) me = cs_users_get (ctx->db, ctx->tenant_id, ctx->user_id);
  g_autoptr(CsUser) other = cs_users_get (ctx->db, ctx->tenant_id, other_id);
  g_autoptr(CsContactPolicy) policy = NULL;
  g_autofree char *sentence = NULL;

  if (me == NULL || other == NULL)
    return TRUE;   /* the caller answers "no such user" */
  policy = cs_policy_get (ctx->db, ctx->tenant_id);
  sentence = policy_refusal (ctx, policy, me->role, me->rank, other->role, other->rank, NULL);
  if (sentence == NULL)
    return TRUE;
  /* A 403 is audited as forbidden_attempt with this sentence (cs-ctx.c). */
  return cs_ctx_fail (ctx, CAU_ERROR_FORBIDDEN, "%s", sentence);
}

void
cs_api_policy_annotate_users (CsCtx     *ctx,
                              GPtrArray *users,
                              JsonArray *json_users)
{
  g_autoptr(CsUser) me = cs_users_get (ctx->db, ctx->tenant_id, ctx->user_id);
  g_autoptr(CsContactPolicy) policy = NULL;

  if (me == NULL)
    return;
  policy = cs_policy_get (ctx->db, ctx->tenant_id);
  for (guint i = 0; i < users->len && i < json_array_get_length (json_users); i++)
    {
      CsUser *user = g_ptr_array_index (users, i);
      JsonObject *u = json_array_get_object_element (json_users, i);
      JsonObject *rule = NULL;
      g_autofree char *sentence = NULL;

      if (g_strcmp0 (user->id, ctx->user_id) == 0)
        continue;
      sentence = policy_refusal (ctx, policy, me->role, me->rank, user->role, user->rank, &rule);
      json_object_set_boolean_member (u, "can_direct", sentence == NULL);
      if (sentence != NULL)
        {
          json_object_set_string_member (u, "contact_reason", sentence);
          json_object_set_object_member (u, "contact_rule", rule);
        }
    }
}

/* ---- reading the policy ------------------------------------------------- */

static JsonObject *
policy_json (const CsContactPolicy *policy)
{
  JsonObject *obj = json_object_new ();
  JsonArray *ranks = json_array_new ();
  JsonArray *allow = json_array_new ();

  /* In rank order, so that the answer reads the same every time. */
  for (guint i = 0; i < policy->ranks->len; i++)
    json_array_add_string_element (ranks, g_ptr_array_index (policy->ranks, i));
  for (guint i = 0; i < policy->ranks->len; i++)
    for (guint j = 0; j < policy->ranks->len; j++)
      {
        const char *from = g_ptr_array_index (policy->ranks, i);
        const char *to = g_ptr_array_index (policy->ranks, j);

        if (cs_contact_policy_allows (policy, from, to))
          {
            JsonArray *pair = json_array_new ();

            json_array_add_string_element (pair, from);
            json_array_add_string_element (pair, to);
            json_array_add_array_element (allow, pair);
          }
      }
  json_object_set_array_member (obj, "ranks", ranks);
  json_object_set_array_member (obj, "allow", allow);
  return obj;
}

void
cs_api_policy_get (CsCtx *ctx)
{
  g_autoptr(CsContactPolicy) policy = cs_policy_get (ctx->db, ctx->tenant_id);
  g_autoptr(CsUser) me = cs_users_get (ctx->db, ctx->tenant_id, ctx->user_id);
  JsonObject *reply = policy_json (policy);

  cau_json_set_string_or_null (reply, "my_rank", me ? me->rank : NULL);
  cs_ctx_reply_object (ctx, 200, reply);
}

void
cs_api_admin_policy_get (CsCtx *ctx)
{
  g_autoptr(CsContactPolicy) policy = NULL;

  if (!require_tenant_admin (ctx))
    return;
  policy = cs_policy_get (ctx->db, ctx->tenant_id);
  cs_ctx_reply_object (ctx, 200, policy_json (policy));
}

/* ---- replacing it -------------------------------------------------------- */

/* Reads {ranks: [...], allow?: [[from, to], ...]}; without "allow", every
 * rank may reach every rank. */
static CsContactPolicy *
read_policy (JsonObject  *body,
             GError     **error)
{
  g_autoptr(CsContactPolicy) policy = cs_contact_policy_new ();
  g_auto(GStrv) ranks = NULL;
  g_autoptr(GHashTable) folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonNode *allow_node;
  JsonArray *allow;

  if (!cau_json_get_strv (body, "ranks", TRUE, &ranks, error))
    return NULL;
  if (g_strv_length (ranks) > CS_POLICY_MAX_RANKS)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "An organisation can have at most %d ranks.", CS_POLICY_MAX_RANKS);
      return NULL;
    }
  for (char **r = ranks; *r; r++)
    {
      g_autofree char *name = NULL;
      char *key;

      if (!cau_validate_label (*r, "rank name", FALSE, 1, CS_POLICY_RANK_MAX_CHARS, &name, error))
        return NULL;
      key = g_utf8_casefold (name, -1);
      if (!g_hash_table_add (folded, key))
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "The rank “%s” is listed twice.", name);
          return NULL;
        }
      cs_contact_policy_add_rank (policy, name);
    }

  allow_node = json_object_get_member (body, "allow");
  if (allow_node == NULL || JSON_NODE_HOLDS_NULL (allow_node))
    {
      for (guint i = 0; i < policy->ranks->len; i++)
        for (guint j = 0; j < policy->ranks->len; j++)
          cs_contact_policy_allow (policy, g_ptr_array_index (policy->ranks, i),
                                   g_ptr_array_index (policy->ranks, j));
      return g_steal_pointer (&policy);
    }
  if (!JSON_NODE_HOLDS_ARRAY (allow_node))
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "“allow” must be an array of [from, to] rank pairs.");
      return NULL;
    }
  allow = json_node_get_array (allow_node);
  if (json_array_get_length (allow) > policy->ranks->len * policy->ranks->len)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "“allow” lists more pairs than there are pairs of ranks.");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (allow); i++)
    {
      JsonNode *item = json_array_get_element (allow, i);
      JsonArray *pair = JSON_NODE_HOLDS_ARRAY (item) ? json_node_get_array (item) : NULL;
      const char *ends[2] = { NULL, NULL };

      if (pair == NULL || json_array_get_length (pair) != 2)
        {
          g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                               "“allow” must be an array of [from, to] rank pairs.");
          return NULL;
        }
      for (guint k = 0; k < 2; k++)
        {
          JsonNode *end = json_array_get_element (pair, k);

          if (!JSON_NODE_HOLDS_VALUE (end) || json_node_get_value_type (end) != G_TYPE_STRING)
            {
              g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                                   "“allow” must be an array of [from, to] rank pairs.");
              return NULL;
            }
          ends[k] = json_node_get_string (end);
          if (!cs_contact_policy_has_rank (policy, ends[k]))
            {
              g_autofree char *name = shown (ends[k]);

              g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "“%s” in “allow” is not one of the ranks.", name);
              return NULL;
            }
        }
      cs_contact_policy_allow (policy, ends[0], ends[1]);
    }
  return g_steal_pointer (&policy);
}

static void
policy_write (CsCtx *ctx)
{
  CsContactPolicy *policy = ctx->input;
  g_autoptr(JsonObject) details = json_object_new ();

  if (!cs_policy_replace (ctx->db, ctx->tenant_id, policy))
    {
      cs_ctx_fail_db (ctx, "saving the contact policy");
      return;
    }
  json_object_set_int_member (details, "ranks", policy->ranks->len);
  json_object_set_int_member (details, "allowed_pairs", g_hash_table_size (policy->allow));
  cs_ctx_audit (ctx, "policy.update", "tenant", ctx->tenant_id, details);
}

void
cs_api_admin_policy_put (CsCtx *ctx)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsContactPolicy) policy = NULL;

  if (!require_tenant_admin (ctx) || (body = cs_ctx_body_object (ctx)) == NULL)
    return;
  if ((policy = read_policy (body, &error)) == NULL)
    {
      cs_ctx_fail_error (ctx, error);
      return;
    }
  /* Runs on the writer already (CS_JOB_WRITE): no second job. */
  ctx->input = policy;
  policy_write (ctx);
  ctx->input = NULL;
  if (ctx->error == NULL)
    cs_ctx_reply_object (ctx, 200, policy_json (policy));
}

/* ---- a person's rank (PATCH /api/admin/users/:id {rank}) ----------------- */

gboolean
cs_api_policy_set_rank (CsCtx      *ctx,
                        const char *user_id,
                        const char *rank)
{
  g_autoptr(CsUser) user = cs_users_get (ctx->db, ctx->tenant_id, user_id);
  g_autoptr(CsContactPolicy) policy = NULL;
  g_autoptr(JsonObject) details = NULL;

  if (user == NULL || user->deleted)
    return cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no such user.");
  policy = cs_policy_get (ctx->db, ctx->tenant_id);
  if (rank != NULL && !cs_contact_policy_has_rank (policy, rank))
    {
      g_autofree char *name = shown (rank);

      return cs_ctx_fail (ctx, CAU_ERROR_BAD_REQUEST, "“%s” is not one of the organisation's ranks.", name);
    }
  if (g_strcmp0 (user->rank, rank) == 0)
    return TRUE;
  if (!cs_users_set_rank (ctx->db, ctx->tenant_id, user_id, rank))
    return cs_ctx_fail (ctx, CAU_ERROR_INTERNAL, "The rank could not be changed.");
  details = json_object_new ();
  cau_json_set_string_or_null (details, "from", user->rank);
  cau_json_set_string_or_null (details, "to", rank);
  cs_ctx_audit (ctx, "user.rank", "user", user_id, details);
  return TRUE;
}
