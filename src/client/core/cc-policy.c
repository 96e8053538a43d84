/* cc-policy.c: the organisation's contact policy, and the tenant admin's
 * calls that read and change it (README "Notes on the wire contract").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-policy"

#include "cc-policy.h"
#include "cc-api.h"
#include "cc-json-private.h"

struct _CcContactPolicy
{
  GObject     parent_instance;
  GPtrArray  *ranks;   /* char*, NULL-terminated */
  GHashTable *allow;   /* "from\x1fto" */
};

G_DEFINE_FINAL_TYPE (CcContactPolicy, cc_contact_policy, G_TYPE_OBJECT)

static char *
pair_key (const char *from,
          const char *to)
{
  return g_strconcat (from, "\x1f", to, NULL);
}

static void
cc_contact_policy_finalize (GObject *object)
{
  CcContactPolicy *self = CC_CONTACT_POLICY (object);

  g_ptr_array_unref (self->ranks);
  g_hash_table_unref (self->allow);
  G_OBJECT_CLASS (cc_contact_policy_parent_class)->finalize (object);
}

static void
cc_contact_policy_class_init (CcContactPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_contact_policy_finalize;
}

static void
cc_contact_policy_init (CcContactPolicy *self)
{
  self->ranks = g_ptr_array_new_null_terminated (8, g_free, TRUE);
  self->allow = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CcContactPolicy *
cc_contact_policy_new (void)
{
  return g_object_new (CC_TYPE_CONTACT_POLICY, NULL);
}

CcContactPolicy *
cc_contact_policy_copy (CcContactPolicy *self)
{
  CcContactPolicy *copy;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (CC_IS_CONTACT_POLICY (self), NULL);
  copy = cc_contact_policy_new ();
  for (guint i = 0; i < self->ranks->len; i++)
    g_ptr_array_add (copy->ranks, g_strdup (g_ptr_array_index (self->ranks, i)));
  g_hash_table_iter_init (&iter, self->allow);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (copy->allow, g_strdup (key));
  return copy;
}

const char * const *
cc_contact_policy_get_ranks (CcContactPolicy *self)
{
  g_return_val_if_fail (CC_IS_CONTACT_POLICY (self), NULL);
  return (const char * const *) self->ranks->pdata;
}

guint
cc_contact_policy_get_n_ranks (CcContactPolicy *self)
{
  g_return_val_if_fail (CC_IS_CONTACT_POLICY (self), 0);
  return self->ranks->len;
}

gboolean
cc_contact_policy_has_rank (CcContactPolicy *self,
                            const char      *rank)
{
  g_return_val_if_fail (CC_IS_CONTACT_POLICY (self), FALSE);
  for (guint i = 0; rank != NULL && i < self->ranks->len; i++)
    if (g_str_equal (g_ptr_array_index (self->ranks, i), rank))
      return TRUE;
  return FALSE;
}

gboolean
cc_contact_policy_allows (CcContactPolicy *self,
                          const char      *from_rank,
                          const char      *to_rank)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (CC_IS_CONTACT_POLICY (self), TRUE);
  if (!cc_contact_policy_has_rank (self, from_rank) || !cc_contact_policy_has_rank (self, to_rank))
    return TRUE;
  key = pair_key (from_rank, to_rank);
  return g_hash_table_contains (self->allow, key);
}

void
cc_contact_policy_set_allowed (CcContactPolicy *self,
                               const char      *from_rank,
                               const char      *to_rank,
                               gboolean         allowed)
{
  char *key;

  g_return_if_fail (CC_IS_CONTACT_POLICY (self));
  g_return_if_fail (from_rank != NULL && to_rank != NULL);

  key = pair_key (from_rank, to_rank);
  if (allowed)
    g_hash_table_add (self->allow, key);
  else
    {
      g_hash_table_remove (self->allow, key);
      g_free (key);
    }
}

gboolean
cc_contact_policy_add_rank (CcContactPolicy *self,
                            const char      *rank)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (CC_IS_CONTACT_POLICY (self), FALSE);
  g_return_val_if_fail (rank != NULL, FALSE);

  folded = g_utf8_casefold (rank, -1);
  for (guint i = 0; i < self->ranks->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (g_ptr_array_index (self->ranks, i), -1);

      if (g_str_equal (other, folded))
        return FALSE;
    }
  g_ptr_array_add (self->ranks, g_strdup (rank));
  for (guint i = 0; i < self->ranks->len; i++)
    {
      const char *other = g_ptr_array_index (self->ranks, i);

      cc_contact_policy_set_allowed (self, rank, other, TRUE);
      cc_contact_policy_set_allowed (self, other, rank, TRUE);
    }
  return TRUE;
}

void
cc_contact_policy_remove_rank (CcContactPolicy *self,
                               const char      *rank)
{
  g_return_if_fail (CC_IS_CONTACT_POLICY (self));

  for (guint i = 0; rank != NULL && i < self->ranks->len; i++)
    {
      if (!g_str_equal (g_ptr_array_index (self->ranks, i), rank))
        continue;
      for (guint j = 0; j < self->ranks->len; j++)
        {
          const char *other = g_ptr_array_index (self->ranks, j);

          cc_contact_policy_set_allowed (self, rank, other, FALSE);
          cc_contact_policy_set_allowed (self, other, rank, FALSE);
        }
      g_ptr_array_remove_index (self->ranks, i);
      return;
    }
}

void
cc_contact_policy_move_up (CcContactPolicy *self,
                           const char      *rank)
{
  g_return_if_fail (CC_IS_CONTACT_POLICY (self));

  for (guint i = 1; rank != NULL && i < self->ranks->len; i++)
    if (g_str_equal (g_ptr_array_index (self->ranks, i), rank))
      {
        gpointer above = self->ranks->pdata[i - 1];

        self->ranks->pdata[i - 1] = self->ranks->pdata[i];
        self->ranks->pdata[i] = above;
        return;
      }
}

/* The wire ----------------------------------------------------------------- */

static const char *
string_at (JsonArray *array,
           guint      i)
{
  JsonNode *n = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

static CcContactPolicy *
policy_from_json (JsonObject *obj)
{
  CcContactPolicy *self = cc_contact_policy_new ();
  JsonArray *ranks = json_object_get_member (obj, "ranks") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "ranks"))
                     ? json_object_get_array_member (obj, "ranks") : NULL;
  JsonArray *allow = json_object_get_member (obj, "allow") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "allow"))
                     ? json_object_get_array_member (obj, "allow") : NULL;

  for (guint i = 0; ranks && i < json_array_get_length (ranks); i++)
    {
      if (string_at (ranks, i) != NULL)
        g_ptr_array_add (self->ranks, g_strdup (string_at (ranks, i)));
    }
  for (guint i = 0; allow && i < json_array_get_length (allow); i++)
    {
      JsonNode *n = json_array_get_element (allow, i);
      JsonArray *pair = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
      const char *from, *to;

      if (pair == NULL || json_array_get_length (pair) != 2)
        continue;
      from = string_at (pair, 0);
      to = string_at (pair, 1);
      if (from != NULL && to != NULL)
        cc_contact_policy_set_allowed (self, from, to, TRUE);
    }
  return self;
}

static JsonObject *
policy_to_json (CcContactPolicy *self)
{
  JsonObject *obj = json_object_new ();
  JsonArray *ranks = json_array_new ();
  JsonArray *allow = json_array_new ();

  for (guint i = 0; i < self->ranks->len; i++)
    json_array_add_string_element (ranks, g_ptr_array_index (self->ranks, i));
  for (guint i = 0; i < self->ranks->len; i++)
    for (guint j = 0; j < self->ranks->len; j++)
      {
        const char *from = g_ptr_array_index (self->ranks, i);
        const char *to = g_ptr_array_index (self->ranks, j);

        if (cc_contact_policy_allows (self, from, to))
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
cc_client_get_contact_policy_async (CcClient            *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_get_contact_policy_async);
  cc_api_request_task (cc_client_get_api (self), "GET", "/api/admin/contact-policy", NULL, task);
}

CcContactPolicy *
cc_client_get_contact_policy_finish (CcClient      *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_get_contact_policy_async, error);

  return obj ? policy_from_json (obj) : NULL;
}

void
cc_client_set_contact_policy_async (CcClient            *self,
                                    CcContactPolicy     *policy,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) body = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (CC_IS_CONTACT_POLICY (policy));

  body = policy_to_json (policy);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_set_contact_policy_async);
  cc_api_request_task (cc_client_get_api (self), "PUT", "/api/admin/contact-policy", body, task);
}

CcContactPolicy *
cc_client_set_contact_policy_finish (CcClient      *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_set_contact_policy_async, error);

  return obj ? policy_from_json (obj) : NULL;
}

void
cc_client_set_user_rank_async (CcClient            *self,
                               const char          *user_id,
                               const char          *rank,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *esc = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (user_id != NULL);

  if (rank != NULL)
    json_object_set_string_member (body, "rank", rank);
  else
    json_object_set_null_member (body, "rank");
  esc = cc_api_escape (user_id);
  path = g_strdup_printf ("/api/admin/users/%s", esc);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_set_user_rank_async);
  cc_api_request_task (cc_client_get_api (self), "PATCH", path, body, task);
}

CcUser *
cc_client_set_user_rank_finish (CcClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_autoptr(JsonObject) obj = cc_api_task_finish_object (result, self, cc_client_set_user_rank_async, error);

  return obj ? cc_user_new_from_json (obj) : NULL;
}
