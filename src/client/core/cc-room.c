/* cc-room.c: a room as the room list shows it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-room"

#include "cau-context.h"
#include <string.h>

#include "cau-json.h"
#include "cau-time.h"
#include "cc-json-private.h"
#include "cc-message-private.h"
#include "cc-room.h"

struct _CcRoom
{
  GObject     parent_instance;
  char       *json;   /* the room as last described, compact JSON: see room_json() */
  char       *id;
  char       *type;
  char       *name;
  char       *description;
  char       *my_role;
  char       *notify;
  char       *last_message_excerpt;
  char       *last_message_sender;
  char       *other_user_id;
  char       *presence;
  char       *draft;    /* this device's unsent composer text, as an excerpt */
  guint       pending;  /* messages of ours not yet stored by the server */
  gint64      last_activity_at;
  gint64      last_message_seq;
  guint       member_count;
  guint       unread_count;
  guint       mention_count;
  gboolean    is_private;
  gboolean    is_archived;
  gboolean    muted;
  CcNotifyLevel notify_level;
};

/* CcNotifyLevel as the cache keeps it, in the room's JSON (a key the
 * server never sends, so its updates leave it). */
#define LOCAL_NOTIFY_KEY "local_notify"
static const char * const notify_level_names[] = { "default", "all", "none" };

G_DEFINE_FINAL_TYPE (CcRoom, cc_room, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TYPE,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_IS_PRIVATE,
  PROP_IS_ARCHIVED,
  PROP_MY_ROLE,
  PROP_MEMBER_COUNT,
  PROP_LAST_ACTIVITY_AT,
  PROP_LAST_MESSAGE_EXCERPT,
  PROP_LAST_MESSAGE_SENDER,
  PROP_UNREAD_COUNT,
  PROP_MENTION_COUNT,
  PROP_MUTED,
  PROP_NOTIFY,
  PROP_OTHER_USER_ID,
  PROP_PRESENCE,
  PROP_DRAFT,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

#define NOTIFY(self, prop) g_object_notify_by_pspec (G_OBJECT (self), props[prop])

/* The room as the server last described it (merged with later partial
 * updates) is kept as text, not as a JsonObject: it is only read back to
 * write the room to the cache or to change what it says, and a JsonObject
 * of a room costs about 4 kB (hash tables and nodes) against half a kB of
 * text; 0.8 MB for 200 rooms (tests/bench, bench-ui: RSS). */
static JsonObject *
room_json (CcRoom *self)
{
  JsonObject *obj = NULL;

  if (self->json != NULL)
    obj = cau_json_parse_object (self->json, strlen (self->json), NULL);
  return obj != NULL ? obj : json_object_new ();
}

static void
keep_json (CcRoom     *self,
           JsonObject *obj)
{
  g_free (self->json);
  self->json = cau_json_object_to_string (obj);
}

static void
cc_room_finalize (GObject *object)
{
  CcRoom *self = CC_ROOM (object);

  g_free (self->json);
  g_free (self->id);
  g_free (self->type);
  g_free (self->name);
  g_free (self->description);
  g_free (self->my_role);
  g_free (self->notify);
  g_free (self->draft);
  g_free (self->last_message_excerpt);
  g_free (self->last_message_sender);
  g_free (self->other_user_id);
  g_free (self->presence);
  G_OBJECT_CLASS (cc_room_parent_class)->finalize (object);
}

static void
cc_room_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcRoom *self = CC_ROOM (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_TYPE: g_value_set_string (value, self->type); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_IS_PRIVATE: g_value_set_boolean (value, self->is_private); break;
    case PROP_IS_ARCHIVED: g_value_set_boolean (value, self->is_archived); break;
    case PROP_MY_ROLE: g_value_set_string (value, self->my_role); break;
    case PROP_MEMBER_COUNT: g_value_set_uint (value, self->member_count); break;
    case PROP_LAST_ACTIVITY_AT: g_value_set_int64 (value, self->last_activity_at); break;
    case PROP_LAST_MESSAGE_EXCERPT: g_value_set_string (value, self->last_message_excerpt); break;
    case PROP_LAST_MESSAGE_SENDER: g_value_set_string (value, self->last_message_sender); break;
    case PROP_UNREAD_COUNT: g_value_set_uint (value, self->unread_count); break;
    case PROP_MENTION_COUNT: g_value_set_uint (value, self->mention_count); break;
    case PROP_MUTED: g_value_set_boolean (value, self->muted); break;
    case PROP_NOTIFY: g_value_set_string (value, self->notify); break;
    case PROP_DRAFT: g_value_set_string (value, self->draft); break;
    case PROP_PENDING: g_value_set_uint (value, self->pending); break;
    case PROP_OTHER_USER_ID: g_value_set_string (value, self->other_user_id); break;
    case PROP_PRESENCE: g_value_set_string (value, self->presence); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_room_class_init (CcRoomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cc_room_finalize;
  object_class->get_property = cc_room_get_property;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_TYPE] = g_param_spec_string ("type", NULL, NULL, NULL, flags);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  props[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  props[PROP_IS_PRIVATE] = g_param_spec_boolean ("is-private", NULL, NULL, FALSE, flags);
  props[PROP_IS_ARCHIVED] = g_param_spec_boolean ("is-archived", NULL, NULL, FALSE, flags);
  props[PROP_MY_ROLE] = g_param_spec_string ("my-role", NULL, NULL, NULL, flags);
  props[PROP_MEMBER_COUNT] = g_param_spec_uint ("member-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_LAST_ACTIVITY_AT] = g_param_spec_int64 ("last-activity-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_LAST_MESSAGE_EXCERPT] = g_param_spec_string ("last-message-excerpt", NULL, NULL, NULL, flags);
  props[PROP_LAST_MESSAGE_SENDER] = g_param_spec_string ("last-message-sender", NULL, NULL, NULL, flags);
  props[PROP_UNREAD_COUNT] = g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_MENTION_COUNT] = g_param_spec_uint ("mention-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE, flags);
  props[PROP_NOTIFY] = g_param_spec_string ("notify", NULL, NULL, "all", flags);
  props[PROP_OTHER_USER_ID] = g_param_spec_string ("other-user-id", NULL, NULL, NULL, flags);
  props[PROP_PRESENCE] = g_param_spec_string ("presence", NULL, NULL, NULL, flags);
  props[PROP_DRAFT] = g_param_spec_string ("draft", NULL, NULL, NULL, flags);
  props[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_room_init (CcRoom *self)
{
  self->notify = g_strdup ("all");
}

CcRoom *
cc_room_new_from_json (JsonObject *obj)
{
  CcRoom *self;

  g_return_val_if_fail (obj != NULL, NULL);
  self = g_object_new (CC_TYPE_ROOM, NULL);
  cc_room_update_from_json (self, obj);
  return self;
}

static void
update_str (CcRoom *self, JsonObject *obj, const char *member, char **field, guint prop)
{
  if (_cc_json_has (obj, member) && _cc_set_str (field, _cc_json_str (obj, member)))
    NOTIFY (self, prop);
}

static void
update_bool (CcRoom *self, JsonObject *obj, const char *member, gboolean *field, guint prop)
{
  gboolean value = _cc_json_bool (obj, member);

  if (_cc_json_has (obj, member) && value != *field)
    {
      *field = value;
      NOTIFY (self, prop);
    }
}

static void
update_uint (CcRoom *self, JsonObject *obj, const char *member, guint *field, guint prop)
{
  guint value = (guint) CLAMP (_cc_json_int (obj, member), 0, G_MAXUINT);

  if (_cc_json_has (obj, member) && value != *field)
    {
      *field = value;
      NOTIFY (self, prop);
    }
}

static void
apply_last_message (CcRoom     *self,
                    JsonObject *preview)
{
  g_autofree char *system_text = NULL;
  const char *excerpt = _cc_json_str (preview, "excerpt");

  /* The server's preview of a system line: written here, in the reader's
   * language. */
  if (_cc_json_obj (preview, "system") != NULL && excerpt != NULL && *excerpt != '\0')
    {
      g_autofree char *text = _cc_message_system_text (_cc_json_obj (preview, "system"), excerpt);

      excerpt = system_text = _cc_make_excerpt (text);
    }
  if (_cc_set_str (&self->last_message_excerpt, excerpt))
    NOTIFY (self, PROP_LAST_MESSAGE_EXCERPT);
  if (_cc_set_str (&self->last_message_sender, _cc_json_str (preview, "sender_name")))
    NOTIFY (self, PROP_LAST_MESSAGE_SENDER);
  self->last_message_seq = _cc_json_int (preview, "seq");
}

void
cc_room_update_from_json (CcRoom     *self,
                          JsonObject *obj)
{
  g_autoptr(JsonObject) json = NULL;

  g_return_if_fail (CC_IS_ROOM (self));
  g_return_if_fail (obj != NULL);

  /* A new room takes the object as it is: no merge to make. */
  if (self->json == NULL)
    json = json_object_ref (obj);
  else
    {
      json = room_json (self);
      _cc_json_merge (json, obj);
    }
  keep_json (self, json);
  g_object_freeze_notify (G_OBJECT (self));
  update_str (self, obj, "id", &self->id, PROP_ID);
  update_str (self, obj, "type", &self->type, PROP_TYPE);
  update_str (self, obj, "name", &self->name, PROP_NAME);
  update_str (self, obj, "description", &self->description, PROP_DESCRIPTION);
  update_str (self, obj, "my_role", &self->my_role, PROP_MY_ROLE);
  if (_cc_json_str (obj, "notify") != NULL)
    update_str (self, obj, "notify", &self->notify, PROP_NOTIFY);
  update_bool (self, obj, "is_private", &self->is_private, PROP_IS_PRIVATE);
  update_bool (self, obj, "is_archived", &self->is_archived, PROP_IS_ARCHIVED);
  update_bool (self, obj, "muted", &self->muted, PROP_MUTED);
  update_uint (self, obj, "member_count", &self->member_count, PROP_MEMBER_COUNT);
  update_uint (self, obj, "unread_count", &self->unread_count, PROP_UNREAD_COUNT);
  update_uint (self, obj, "mention_count", &self->mention_count, PROP_MENTION_COUNT);
  if (_cc_json_has (obj, "last_message"))
    apply_last_message (self, _cc_json_obj (obj, "last_message"));
  if (_cc_json_str (obj, LOCAL_NOTIFY_KEY) != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (notify_level_names); i++)
      if (g_str_equal (_cc_json_str (obj, LOCAL_NOTIFY_KEY), notify_level_names[i]))
        self->notify_level = i;
  if (_cc_json_has (obj, "last_activity_at") || _cc_json_has (obj, "created_at"))
    {
      gint64 at = _cc_json_time (json, "last_activity_at");

      if (at == 0)
        at = _cc_json_time (json, "created_at");
      if (at != self->last_activity_at)
        {
          self->last_activity_at = at;
          NOTIFY (self, PROP_LAST_ACTIVITY_AT);
        }
    }
  g_object_thaw_notify (G_OBJECT (self));
}

JsonObject *
cc_room_to_json (CcRoom *self)
{
  g_return_val_if_fail (CC_IS_ROOM (self), NULL);
  return room_json (self);
}

#define GETTER(type, name, field, fallback) \
  type cc_room_get_##name (CcRoom *self) \
  { \
    g_return_val_if_fail (CC_IS_ROOM (self), fallback); \
    return self->field; \
  }

GETTER (const char *, id, id, NULL)
GETTER (const char *, room_type, type, NULL)
GETTER (const char *, name, name, NULL)
GETTER (const char *, description, description, NULL)
GETTER (gboolean, is_private, is_private, FALSE)
GETTER (gboolean, is_archived, is_archived, FALSE)
GETTER (const char *, my_role, my_role, NULL)
GETTER (guint, member_count, member_count, 0)
GETTER (gint64, last_activity_at, last_activity_at, 0)
GETTER (const char *, last_message_excerpt, last_message_excerpt, NULL)
GETTER (const char *, last_message_sender, last_message_sender, NULL)
GETTER (gint64, last_message_seq, last_message_seq, 0)
GETTER (guint, unread_count, unread_count, 0)
GETTER (guint, mention_count, mention_count, 0)
GETTER (gboolean, muted, muted, FALSE)
GETTER (CcNotifyLevel, notify_level, notify_level, CC_NOTIFY_DEFAULT)

gboolean
cc_room_set_notify_level (CcRoom        *self,
                          CcNotifyLevel  level)
{
  g_autoptr(JsonObject) json = NULL;

  g_return_val_if_fail (CC_IS_ROOM (self), FALSE);
  g_return_val_if_fail (level <= CC_NOTIFY_NONE, FALSE);

  if (level == self->notify_level)
    return FALSE;
  self->notify_level = level;
  json = room_json (self);
  json_object_set_string_member (json, LOCAL_NOTIFY_KEY, notify_level_names[level]);
  keep_json (self, json);
  return TRUE;
}
GETTER (const char *, notify, notify, NULL)
GETTER (const char *, other_user_id, other_user_id, NULL)
GETTER (const char *, presence, presence, NULL)

void
cc_room_set_counts (CcRoom *self,
                    guint   unread_count,
                    guint   mention_count)
{
  g_return_if_fail (CC_IS_ROOM (self));

  if (unread_count != self->unread_count || mention_count != self->mention_count)
    {
      g_autoptr(JsonObject) json = room_json (self);

      json_object_set_int_member (json, "unread_count", unread_count);
      json_object_set_int_member (json, "mention_count", mention_count);
      keep_json (self, json);
    }
  if (unread_count != self->unread_count)
    {
      self->unread_count = unread_count;
      NOTIFY (self, PROP_UNREAD_COUNT);
    }
  if (mention_count != self->mention_count)
    {
      self->mention_count = mention_count;
      NOTIFY (self, PROP_MENTION_COUNT);
    }
}

/* The preview text of a message body, as the server makes it: the first
 * 120 characters on one line, "…" when cut. */
#define EXCERPT_CHARS 120

char *
_cc_make_excerpt (const char *body)
{
  GString *s = g_string_new (NULL);
  glong n = 0;

  for (const char *p = body ? body : ""; *p && n < EXCERPT_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (s, c == '\n' || c == '\t' ? ' ' : c);
    }
  if (body != NULL && g_utf8_strlen (body, -1) > EXCERPT_CHARS)
    g_string_append (s, "…");
  return g_string_free (s, FALSE);
}

/**
 * cc_room_set_last_message:
 * @message: a wire `message`; it becomes the preview and moves the room's
 *   last activity forward (never back).
 */
static void set_preview (CcRoom *self, JsonObject *message);

void
cc_room_set_last_message (CcRoom     *self,
                          JsonObject *message)
{
  g_return_if_fail (CC_IS_ROOM (self));

  if (_cc_json_int (message, "seq") < self->last_message_seq)
    return;
  set_preview (self, message);
}

/**
 * cc_room_show_earlier_message:
 * @message: a wire `message` older than the one the preview shows
 *
 * While the preview shows a deleted message, the room list shows the
 * newest message before it instead (as Slack does), not "No messages
 * yet". Does nothing otherwise, or for a deleted or system @message.
 *
 * Returns: TRUE when the preview changed (the caller persists the room).
 */
gboolean
cc_room_show_earlier_message (CcRoom     *self,
                              JsonObject *message)
{
  g_return_val_if_fail (CC_IS_ROOM (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (!cc_room_get_preview_deleted (self) ||
      _cc_json_int (message, "seq") >= self->last_message_seq ||
      _cc_json_bool (message, "deleted") ||
      g_strcmp0 (_cc_json_str (message, "kind"), "system") == 0)
    return FALSE;
  set_preview (self, message);
  return TRUE;
}

/**
 * cc_room_get_preview_deleted:
 *
 * Returns: TRUE when the room has messages and the preview shows none
 *   (the one it showed was deleted).
 */
gboolean
cc_room_get_preview_deleted (CcRoom *self)
{
  g_return_val_if_fail (CC_IS_ROOM (self), FALSE);
  return self->last_message_seq > 0 &&
         (self->last_message_excerpt == NULL || self->last_message_excerpt[0] == '\0');
}

static void
set_preview (CcRoom     *self,
             JsonObject *message)
{
  g_autoptr(JsonObject) preview = json_object_new ();
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *excerpt = NULL;
  const char *body = _cc_json_str (message, "body");
  JsonObject *sender = _cc_json_obj (message, "sender");
  gint64 seq = _cc_json_int (message, "seq");
  gint64 at = _cc_json_time (message, "created_at");

  if (_cc_json_bool (message, "deleted"))
    excerpt = g_strdup ("");
  else if (_cc_json_obj (message, "system") != NULL)
    {
      /* A system line in the reader's language. */
      g_autofree char *text = _cc_message_system_text (_cc_json_obj (message, "system"), body);

      excerpt = _cc_make_excerpt (text);
    }
  else
    excerpt = _cc_make_excerpt (body);
  json_object_set_string_member (preview, "id", _cc_json_str (message, "id"));
  json_object_set_int_member (preview, "seq", seq);
  json_object_set_string_member (preview, "excerpt", excerpt);
  if (_cc_json_str (sender, "display_name") != NULL)
    json_object_set_string_member (preview, "sender_name", _cc_json_str (sender, "display_name"));
  else
    json_object_set_null_member (preview, "sender_name");
  if (_cc_json_str (message, "created_at") != NULL)
    json_object_set_string_member (preview, "created_at", _cc_json_str (message, "created_at"));
  json = room_json (self);
  json_object_set_object_member (json, "last_message", json_object_ref (preview));

  g_object_freeze_notify (G_OBJECT (self));
  apply_last_message (self, preview);
  if (at > self->last_activity_at)
    {
      g_autofree char *text = cau_time_format (at);

      json_object_set_string_member (json, "last_activity_at", text);
      self->last_activity_at = at;
      NOTIFY (self, PROP_LAST_ACTIVITY_AT);
    }
  keep_json (self, json);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * cc_room_update_last_message:
 * @message: a wire `message`, or what a message.edit or message.delete
 *   event says of one (its id and seq, "deleted", the new body).
 *
 * When @message is the one the preview shows, the preview follows it: the
 * edited text, or an empty excerpt once deleted (as the server's own
 * preview reads then). Other messages leave the preview alone.
 *
 * Returns: TRUE when the preview changed (the caller persists the room).
 */
gboolean
cc_room_update_last_message (CcRoom     *self,
                             JsonObject *message)
{
  g_autoptr(JsonObject) json = NULL;
  JsonObject *preview;
  const char *id, *shown_id, *body;
  g_autofree char *excerpt = NULL;
  g_autoptr(JsonObject) copy = NULL;

  g_return_val_if_fail (CC_IS_ROOM (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  json = room_json (self);
  preview = _cc_json_obj (json, "last_message");
  if (preview == NULL)
    return FALSE;
  id = _cc_json_str (message, "id");
  shown_id = _cc_json_str (preview, "id");
  if (shown_id != NULL ? g_strcmp0 (id, shown_id) != 0
                       : (_cc_json_int (message, "seq") <= 0 ||
                          _cc_json_int (message, "seq") != self->last_message_seq))
    return FALSE;

  body = _cc_json_str (message, "body");
  if (_cc_json_bool (message, "deleted"))
    excerpt = g_strdup ("");
  else if (body != NULL)
    excerpt = _cc_make_excerpt (body);
  else
    return FALSE;
  if (g_strcmp0 (excerpt, self->last_message_excerpt) == 0)
    return FALSE;

  copy = json_object_new ();
  _cc_json_merge (copy, preview);
  json_object_set_string_member (copy, "excerpt", excerpt);
  json_object_set_object_member (json, "last_message", json_object_ref (copy));
  keep_json (self, json);
  apply_last_message (self, copy);
  return TRUE;
}

void
cc_room_set_other_user (CcRoom     *self,
                        const char *user_id,
                        const char *presence)
{
  g_return_if_fail (CC_IS_ROOM (self));
  if (_cc_set_str (&self->other_user_id, user_id))
    NOTIFY (self, PROP_OTHER_USER_ID);
  cc_room_set_presence (self, presence);
}

void
cc_room_set_presence (CcRoom     *self,
                      const char *presence)
{
  g_return_if_fail (CC_IS_ROOM (self));
  if (_cc_set_str (&self->presence, presence))
    NOTIFY (self, PROP_PRESENCE);
}

const char *
cc_room_get_draft (CcRoom *self)
{
  g_return_val_if_fail (CC_IS_ROOM (self), NULL);
  return self->draft;
}

/* @text: the composer's text on this device (NULL or blank: no draft);
 * the room list shows it as a marker. */
void
cc_room_set_draft (CcRoom     *self,
                   const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *excerpt = *stripped ? _cc_make_excerpt (stripped) : NULL;

  g_return_if_fail (CC_IS_ROOM (self));
  if (_cc_set_str (&self->draft, excerpt))
    NOTIFY (self, PROP_DRAFT);
}

guint
cc_room_get_pending (CcRoom *self)
{
  g_return_val_if_fail (CC_IS_ROOM (self), 0);
  return self->pending;
}

void
cc_room_set_pending (CcRoom *self,
                     guint   pending)
{
  g_return_if_fail (CC_IS_ROOM (self));
  if (self->pending == pending)
    return;
  self->pending = pending;
  NOTIFY (self, PROP_PENDING);
}

CauContext *
cc_room_dup_context (CcRoom *self)
{
  g_autoptr(JsonObject) json = NULL;
  JsonObject *context;

  g_return_val_if_fail (CC_IS_ROOM (self), NULL);
  json = room_json (self);
  context = _cc_json_obj (json, "context");
  /* A context the rules refuse is shown as none. */
  return context ? cau_context_from_json (context, NULL) : NULL;
}
