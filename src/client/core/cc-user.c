/* cc-user.c: a person of the tenant.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-user"

#include "cc-json-private.h"
#include "cc-user.h"

struct _CcUser
{
  GObject     parent_instance;
  JsonObject *json;
  char       *id;
  char       *email;
  char       *display_name;
  char       *role;
  char       *status_text;
  char       *presence;
  gint64      last_seen_at;
  char       *kind;
  char       *handle;
  char       *description;
  char       *system_prompt;   /* admin answers only */
  char       *model;           /* admin answers only; NULL = the server's */
  /* The contact policy (issue 17): the person's rank, and whether the
   * signed-in user may open a direct room with them (GET /api/users). */
  char       *rank;
  gboolean    can_direct;
  char       *contact_reason;
  char       *contact_rule_kind;
  char       *contact_rule_from;
  char       *contact_rule_to;
};

G_DEFINE_FINAL_TYPE (CcUser, cc_user, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_EMAIL,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_STATUS_TEXT,
  PROP_PRESENCE,
  PROP_LAST_SEEN_AT,
  PROP_KIND,
  PROP_HANDLE,
  PROP_DESCRIPTION,
  PROP_CAN_DIRECT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
cc_user_finalize (GObject *object)
{
  CcUser *self = CC_USER (object);

  g_clear_pointer (&self->json, json_object_unref);
  g_free (self->id);
  g_free (self->email);
  g_free (self->display_name);
  g_free (self->role);
  g_free (self->status_text);
  g_free (self->presence);
  g_free (self->kind);
  g_free (self->handle);
  g_free (self->description);
  g_free (self->system_prompt);
  g_free (self->model);
  g_free (self->rank);
  g_free (self->contact_reason);
  g_free (self->contact_rule_kind);
  g_free (self->contact_rule_from);
  g_free (self->contact_rule_to);
  G_OBJECT_CLASS (cc_user_parent_class)->finalize (object);
}

static void
cc_user_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcUser *self = CC_USER (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_EMAIL: g_value_set_string (value, self->email); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, self->display_name); break;
    case PROP_ROLE: g_value_set_string (value, self->role); break;
    case PROP_STATUS_TEXT: g_value_set_string (value, self->status_text); break;
    case PROP_PRESENCE: g_value_set_string (value, self->presence); break;
    case PROP_LAST_SEEN_AT: g_value_set_int64 (value, self->last_seen_at); break;
    case PROP_KIND: g_value_set_string (value, self->kind); break;
    case PROP_HANDLE: g_value_set_string (value, self->handle); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_CAN_DIRECT: g_value_set_boolean (value, self->can_direct); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_user_class_init (CcUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cc_user_finalize;
  object_class->get_property = cc_user_get_property;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  props[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  props[PROP_STATUS_TEXT] = g_param_spec_string ("status-text", NULL, NULL, NULL, flags);
  props[PROP_PRESENCE] = g_param_spec_string ("presence", NULL, NULL, "offline", flags);
  props[PROP_LAST_SEEN_AT] = g_param_spec_int64 ("last-seen-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, "person", flags);
  props[PROP_HANDLE] = g_param_spec_string ("handle", NULL, NULL, NULL, flags);
  props[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  props[PROP_CAN_DIRECT] = g_param_spec_boolean ("can-direct", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_user_init (CcUser *self)
{
  self->json = json_object_new ();
  self->presence = g_strdup ("offline");
  self->kind = g_strdup ("person");
  self->can_direct = TRUE;
}

CcUser *
cc_user_new_from_json (JsonObject *obj)
{
  CcUser *self;

  g_return_val_if_fail (obj != NULL, NULL);
  self = g_object_new (CC_TYPE_USER, NULL);
  cc_user_update_from_json (self, obj);
  return self;
}

void
cc_user_update_from_json (CcUser     *self,
                          JsonObject *obj)
{
  g_return_if_fail (CC_IS_USER (self));
  g_return_if_fail (obj != NULL);

  _cc_json_merge (self->json, obj);
  g_object_freeze_notify (G_OBJECT (self));
  if (_cc_json_has (obj, "id") && _cc_set_str (&self->id, _cc_json_str (obj, "id")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ID]);
  if (_cc_json_has (obj, "email") && _cc_set_str (&self->email, _cc_json_str (obj, "email")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EMAIL]);
  if (_cc_json_has (obj, "display_name") &&
      _cc_set_str (&self->display_name, _cc_json_str (obj, "display_name")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
  if (_cc_json_has (obj, "role") && _cc_set_str (&self->role, _cc_json_str (obj, "role")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ROLE]);
  if (_cc_json_has (obj, "status_text") &&
      _cc_set_str (&self->status_text, _cc_json_str (obj, "status_text")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS_TEXT]);
  /* A v1.0 server sends no kind: everyone is a person then. */
  if (_cc_json_has (obj, "kind") &&
      _cc_set_str (&self->kind, g_strcmp0 (_cc_json_str (obj, "kind"), "agent") == 0 ? "agent" : "person"))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_KIND]);
  if (_cc_json_has (obj, "handle") && _cc_set_str (&self->handle, _cc_json_str (obj, "handle")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HANDLE]);
  if (_cc_json_has (obj, "description") &&
      _cc_set_str (&self->description, _cc_json_str (obj, "description")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DESCRIPTION]);
  /* Not properties: only the admin's agent page reads them. */
  if (_cc_json_has (obj, "system_prompt"))
    _cc_set_str (&self->system_prompt, _cc_json_str (obj, "system_prompt"));
  if (_cc_json_has (obj, "model"))
    _cc_set_str (&self->model, _cc_json_str (obj, "model"));
  if (_cc_json_has (obj, "rank"))
    _cc_set_str (&self->rank, _cc_json_str (obj, "rank"));
  /* Only the people listing says it; a server without a policy never does. */
  if (_cc_json_has (obj, "can_direct"))
    {
      JsonObject *rule = _cc_json_obj (obj, "contact_rule");
      gboolean can = _cc_json_bool (obj, "can_direct");

      /* Set before the notification, which bindings act on. */
      _cc_set_str (&self->contact_reason, can ? NULL : _cc_json_str (obj, "contact_reason"));
      _cc_set_str (&self->contact_rule_kind, rule && !can ? _cc_json_str (rule, "kind") : NULL);
      _cc_set_str (&self->contact_rule_from, rule && !can ? _cc_json_str (rule, "from") : NULL);
      _cc_set_str (&self->contact_rule_to, rule && !can ? _cc_json_str (rule, "to") : NULL);
      if (can != self->can_direct)
        {
          self->can_direct = can;
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAN_DIRECT]);
        }
    }
  if (_cc_json_str (obj, "presence") != NULL || _cc_json_has (obj, "last_seen_at"))
    cc_user_set_presence (self,
                          _cc_json_str (obj, "presence") ? _cc_json_str (obj, "presence") : self->presence,
                          _cc_json_has (obj, "last_seen_at") ? _cc_json_time (obj, "last_seen_at")
                                                             : self->last_seen_at);
  g_object_thaw_notify (G_OBJECT (self));
}

GPtrArray *
cc_user_list_new_from_json (JsonArray *array)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (users, cc_user_new_from_json (json_node_get_object (node)));
    }
  return users;
}

JsonObject *
cc_user_to_json (CcUser *self)
{
  g_return_val_if_fail (CC_IS_USER (self), NULL);
  return json_object_ref (self->json);
}

const char *cc_user_get_id (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->id; }
const char *cc_user_get_email (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->email; }
const char *cc_user_get_display_name (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->display_name; }
const char *cc_user_get_role (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->role; }
const char *cc_user_get_status_text (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->status_text; }
const char *cc_user_get_presence (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->presence; }
gint64 cc_user_get_last_seen_at (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), 0); return self->last_seen_at; }
const char *cc_user_get_kind (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->kind; }
const char *cc_user_get_handle (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->handle; }
const char *cc_user_get_description (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->description; }
const char *cc_user_get_system_prompt (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->system_prompt; }
const char *cc_user_get_model (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->model; }
const char *cc_user_get_rank (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->rank; }
gboolean cc_user_get_can_direct (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), TRUE); return self->can_direct; }
const char *cc_user_get_contact_reason (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), NULL); return self->contact_reason; }

const char *
cc_user_get_contact_rule (CcUser      *self,
                          const char **from,
                          const char **to)
{
  g_return_val_if_fail (CC_IS_USER (self), NULL);
  if (from)
    *from = self->contact_rule_from;
  if (to)
    *to = self->contact_rule_to;
  return self->contact_rule_kind;
}

gboolean cc_user_is_agent (CcUser *self) { g_return_val_if_fail (CC_IS_USER (self), FALSE); return g_strcmp0 (self->kind, "agent") == 0; }

void
cc_user_set_presence (CcUser     *self,
                      const char *presence,
                      gint64      last_seen_at)
{
  g_return_if_fail (CC_IS_USER (self));

  if (presence != NULL && _cc_set_str (&self->presence, presence))
    {
      json_object_set_string_member (self->json, "presence", presence);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PRESENCE]);
    }
  if (last_seen_at != self->last_seen_at)
    {
      self->last_seen_at = last_seen_at;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_SEEN_AT]);
    }
}
