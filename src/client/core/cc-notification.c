/* cc-notification.c: one Activity entry.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-notification"

#include "cc-notification.h"

#include <glib/gi18n-lib.h>

#include "cau-time.h"
#include "cc-json-private.h"
#include "cc-bidi.h"

struct _CcNotification
{
  GObject             parent_instance;
  char               *id;
  char               *type;
  CcNotificationKind  kind;
  char               *room_id;
  char               *message_id;
  char               *title;
  char               *body;
  char               *actor_name;
  char               *room_name;
  gint64              created_at;
  gint64              message_seq;
  gboolean            read;
};

G_DEFINE_FINAL_TYPE (CcNotification, cc_notification, G_TYPE_OBJECT)

enum { PROP_0, PROP_READ, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
cc_notification_finalize (GObject *object)
{
  CcNotification *self = CC_NOTIFICATION (object);

  g_free (self->id);
  g_free (self->type);
  g_free (self->room_id);
  g_free (self->message_id);
  g_free (self->title);
  g_free (self->body);
  g_free (self->actor_name);
  g_free (self->room_name);
  G_OBJECT_CLASS (cc_notification_parent_class)->finalize (object);
}

static void
cc_notification_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CcNotification *self = CC_NOTIFICATION (object);

  switch (prop_id)
    {
    case PROP_READ:
      g_value_set_boolean (value, self->read);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_notification_class_init (CcNotificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cc_notification_finalize;
  object_class->get_property = cc_notification_get_property;
  props[PROP_READ] = g_param_spec_boolean ("read", NULL, NULL, FALSE,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_notification_init (CcNotification *self)
{
}

static CcNotificationKind
kind_of (const char *type)
{
  if (g_strcmp0 (type, "mention") == 0)
    return CC_NOTIFICATION_MENTION;
  if (g_strcmp0 (type, "reply") == 0)
    return CC_NOTIFICATION_REPLY;
  if (g_strcmp0 (type, "direct") == 0)
    return CC_NOTIFICATION_DIRECT;
  if (g_strcmp0 (type, "invitation") == 0)
    return CC_NOTIFICATION_INVITATION;
  return CC_NOTIFICATION_OTHER;
}

/* The title in the reader's language, from who caused it and where (the
 * server's English @title for entries stored before it sent those). */
static char *
local_title (CcNotification *self,
             const char     *title)
{
  const char *room = self->room_name ? self->room_name : _("a room");

  if (self->actor_name == NULL)
    return g_strdup (title ? title : "");
  switch (self->kind)
    {
    case CC_NOTIFICATION_MENTION:
      /* Translators: an Activity entry: "Alice mentioned you in Design". */
      return cc_bidi_printf (_("%s mentioned you in %s"), self->actor_name, room);
    case CC_NOTIFICATION_REPLY:
      /* Translators: an Activity entry: "Alice replied to you in Design". */
      return cc_bidi_printf (_("%s replied to you in %s"), self->actor_name, room);
    case CC_NOTIFICATION_DIRECT:
      return g_strdup (self->actor_name);
    case CC_NOTIFICATION_INVITATION:
      /* Translators: an Activity entry: "Alice invited you to Design". */
      return cc_bidi_printf (_("%s invited you to %s"), self->actor_name, room);
    case CC_NOTIFICATION_OTHER:
    default:
      return g_strdup (title ? title : "");
    }
}

CcNotification *
cc_notification_new_from_json (JsonObject *json)
{
  CcNotification *self;

  g_return_val_if_fail (json != NULL, NULL);

  if (_cc_json_str (json, "id") == NULL)
    return NULL;
  self = g_object_new (CC_TYPE_NOTIFICATION, NULL);
  self->id = g_strdup (_cc_json_str (json, "id"));
  self->type = g_strdup (_cc_json_str (json, "type"));
  self->kind = kind_of (self->type);
  self->room_id = g_strdup (_cc_json_str (json, "room_id"));
  self->message_id = g_strdup (_cc_json_str (json, "message_id"));
  self->actor_name = g_strdup (_cc_json_str (json, "actor_name"));
  self->room_name = g_strdup (_cc_json_str (json, "room_name"));
  self->title = local_title (self, _cc_json_str (json, "title"));
  self->body = g_strdup (_cc_json_str (json, "body") ? _cc_json_str (json, "body") : "");
  self->created_at = _cc_json_time (json, "created_at");
  self->read = _cc_json_bool (json, "read");
  self->message_seq = _cc_json_int (json, "message_seq");
  return self;
}

JsonObject *
cc_notification_to_json (CcNotification *self)
{
  JsonObject *o;
  g_autofree char *created = NULL;

  g_return_val_if_fail (CC_IS_NOTIFICATION (self), NULL);

  o = json_object_new ();
  created = cau_time_format (self->created_at);
  json_object_set_string_member (o, "id", self->id);
  json_object_set_string_member (o, "type", self->type ? self->type : "");
  if (self->room_id)
    json_object_set_string_member (o, "room_id", self->room_id);
  if (self->message_id)
    json_object_set_string_member (o, "message_id", self->message_id);
  json_object_set_string_member (o, "title", self->title);
  if (self->actor_name)
    json_object_set_string_member (o, "actor_name", self->actor_name);
  if (self->room_name)
    json_object_set_string_member (o, "room_name", self->room_name);
  json_object_set_string_member (o, "body", self->body);
  json_object_set_string_member (o, "created_at", created);
  json_object_set_boolean_member (o, "read", self->read);
  json_object_set_int_member (o, "message_seq", self->message_seq);
  return o;
}

const char *
cc_notification_get_id (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), NULL);
  return self->id;
}

CcNotificationKind
cc_notification_get_kind (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), CC_NOTIFICATION_OTHER);
  return self->kind;
}

const char *
cc_notification_get_room_id (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), NULL);
  return self->room_id;
}

const char *
cc_notification_get_message_id (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), NULL);
  return self->message_id;
}

const char *
cc_notification_get_title (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), NULL);
  return self->title;
}

const char *
cc_notification_get_body (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), NULL);
  return self->body;
}

gint64
cc_notification_get_created_at (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), 0);
  return self->created_at;
}

gboolean
cc_notification_get_read (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), FALSE);
  return self->read;
}

void
cc_notification_set_read (CcNotification *self,
                          gboolean        read)
{
  g_return_if_fail (CC_IS_NOTIFICATION (self));

  if (self->read == !!read)
    return;
  self->read = !!read;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_READ]);
}

gint64
cc_notification_get_message_seq (CcNotification *self)
{
  g_return_val_if_fail (CC_IS_NOTIFICATION (self), 0);
  return self->message_seq;
}
