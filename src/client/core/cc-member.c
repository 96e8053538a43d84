/* cc-member.c: one member of a room.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-member"

#include "cc-json-private.h"
#include "cc-member.h"

struct _CcMember
{
  GObject  parent_instance;
  CcUser  *user;
  char    *role;
  gint64   last_read_seq;
  gint64   joined_at;
};

G_DEFINE_FINAL_TYPE (CcMember, cc_member, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USER,
  PROP_USER_ID,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_LAST_READ_SEQ,
  PROP_JOINED_AT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
on_user_name_changed (CcMember *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
}

static void
cc_member_dispose (GObject *object)
{
  CcMember *self = CC_MEMBER (object);

  if (self->user != NULL)
    g_signal_handlers_disconnect_by_data (self->user, self);
  g_clear_object (&self->user);
  G_OBJECT_CLASS (cc_member_parent_class)->dispose (object);
}

static void
cc_member_finalize (GObject *object)
{
  g_free (CC_MEMBER (object)->role);
  G_OBJECT_CLASS (cc_member_parent_class)->finalize (object);
}

static void
cc_member_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcMember *self = CC_MEMBER (object);

  switch (prop_id)
    {
    case PROP_USER: g_value_set_object (value, self->user); break;
    case PROP_USER_ID: g_value_set_string (value, cc_member_get_user_id (self)); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, cc_member_get_display_name (self)); break;
    case PROP_ROLE: g_value_set_string (value, self->role); break;
    case PROP_LAST_READ_SEQ: g_value_set_int64 (value, self->last_read_seq); break;
    case PROP_JOINED_AT: g_value_set_int64 (value, self->joined_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_member_class_init (CcMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = cc_member_dispose;
  object_class->finalize = cc_member_finalize;
  object_class->get_property = cc_member_get_property;

  props[PROP_USER] = g_param_spec_object ("user", NULL, NULL, CC_TYPE_USER, flags);
  props[PROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL, flags);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  props[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  props[PROP_LAST_READ_SEQ] = g_param_spec_int64 ("last-read-seq", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_JOINED_AT] = g_param_spec_int64 ("joined-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_member_init (CcMember *self)
{
}

/**
 * cc_member_new_from_json:
 * @obj: {user: {…}, role, joined_at, last_read_seq}; {user_id} is accepted
 *   in place of a user object.
 */
CcMember *
cc_member_new_from_json (JsonObject *obj)
{
  CcMember *self;
  JsonObject *user = _cc_json_obj (obj, "user");

  g_return_val_if_fail (obj != NULL, NULL);

  self = g_object_new (CC_TYPE_MEMBER, NULL);
  if (user != NULL)
    self->user = cc_user_new_from_json (user);
  else
    {
      g_autoptr(JsonObject) stub = json_object_new ();

      json_object_set_string_member (stub, "id", _cc_json_str (obj, "user_id"));
      self->user = cc_user_new_from_json (stub);
    }
  g_signal_connect_swapped (self->user, "notify::display-name", G_CALLBACK (on_user_name_changed), self);
  self->role = g_strdup (_cc_json_str (obj, "role"));
  self->last_read_seq = _cc_json_int (obj, "last_read_seq");
  self->joined_at = _cc_json_time (obj, "joined_at");
  return self;
}

JsonObject *
cc_member_to_json (CcMember *self)
{
  JsonObject *obj;

  g_return_val_if_fail (CC_IS_MEMBER (self), NULL);
  obj = json_object_new ();
  json_object_set_object_member (obj, "user", cc_user_to_json (self->user));
  if (self->role != NULL)
    json_object_set_string_member (obj, "role", self->role);
  json_object_set_int_member (obj, "last_read_seq", self->last_read_seq);
  return obj;
}

CcUser *cc_member_get_user (CcMember *self) { g_return_val_if_fail (CC_IS_MEMBER (self), NULL); return self->user; }
const char *cc_member_get_user_id (CcMember *self) { g_return_val_if_fail (CC_IS_MEMBER (self), NULL); return cc_user_get_id (self->user); }
const char *cc_member_get_role (CcMember *self) { g_return_val_if_fail (CC_IS_MEMBER (self), NULL); return self->role; }
gint64 cc_member_get_last_read_seq (CcMember *self) { g_return_val_if_fail (CC_IS_MEMBER (self), 0); return self->last_read_seq; }
gint64 cc_member_get_joined_at (CcMember *self) { g_return_val_if_fail (CC_IS_MEMBER (self), 0); return self->joined_at; }

const char *
cc_member_get_display_name (CcMember *self)
{
  const char *name;

  g_return_val_if_fail (CC_IS_MEMBER (self), NULL);
  name = cc_user_get_display_name (self->user);
  return name != NULL ? name : cc_user_get_id (self->user);
}

void
cc_member_set_role (CcMember   *self,
                    const char *role)
{
  g_return_if_fail (CC_IS_MEMBER (self));
  if (_cc_set_str (&self->role, role))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ROLE]);
}

void
cc_member_set_last_read_seq (CcMember *self,
                             gint64    seq)
{
  g_return_if_fail (CC_IS_MEMBER (self));
  if (seq <= self->last_read_seq)
    return;
  self->last_read_seq = seq;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_READ_SEQ]);
}
