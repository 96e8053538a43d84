/* cc-message.c: one line of a conversation.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-message"

#include "cau-context.h"
#include "cau-json.h"
#include "cau-time.h"
#include "cc-attachment-private.h"
#include "cc-json-private.h"
#include "cc-message-private.h"
#include "cc-bidi.h"

#include <glib/gi18n-lib.h>

struct _CcMessage
{
  GObject         parent_instance;
  guint64         live_stamp;    /* its timeline's clock at its last live change */
  char           *id;
  char           *room_id;
  char           *sender_id;
  char           *sender_name;
  char           *kind;
  char           *body;
  char           *reply_to_id;
  char           *reply_to_sender_name;
  char           *reply_to_excerpt;
  char           *txn_id;
  char           *error;
  char           *agent_error;   /* an agent's answer that failed: why */
  JsonArray      *mentions;
  JsonArray      *reactions;     /* wire `reactions`, or NULL: none */
  JsonObject     *system;        /* what a system line says, as data, or NULL */
  CauContext     *context;       /* the object it cites, or NULL */
  GListStore     *attachments;   /* of CcAttachment, made on first use */
  gint64          seq;
  gint64          created_at;
  gint64          edited_at;
  gint64          written_at;    /* 0 = as created_at */
  gint64          read_at;       /* when the other person read it (see "read-at"), 0 */
  CcMessageState  state;
  guint           read_by;
  gboolean        deleted;
  gboolean        is_own;
  gboolean        streaming;     /* an agent's answer still being written */
};

G_DEFINE_FINAL_TYPE (CcMessage, cc_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ROOM_ID,
  PROP_SEQ,
  PROP_SENDER_ID,
  PROP_SENDER_NAME,
  PROP_KIND,
  PROP_BODY,
  PROP_REPLY_TO_ID,
  PROP_REPLY_TO_SENDER_NAME,
  PROP_REPLY_TO_EXCERPT,
  PROP_CREATED_AT,
  PROP_EDITED_AT,
  PROP_WRITTEN_AT,
  PROP_SYSTEM_KIND,
  PROP_DELETED,
  PROP_TXN_ID,
  PROP_STATE,
  PROP_ERROR,
  PROP_IS_OWN,
  PROP_READ_BY,
  PROP_STREAMING,
  PROP_AGENT_ERROR,
  PROP_HAS_CONTEXT,
  PROP_N_REACTIONS,
  PROP_READ_AT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

#define NOTIFY(self, prop) g_object_notify_by_pspec (G_OBJECT (self), props[prop])

static void
cc_message_finalize (GObject *object)
{
  CcMessage *self = CC_MESSAGE (object);

  g_clear_pointer (&self->mentions, json_array_unref);
  g_clear_pointer (&self->reactions, json_array_unref);
  g_clear_pointer (&self->system, json_object_unref);
  g_clear_pointer (&self->context, cau_context_free);
  g_clear_object (&self->attachments);
  g_free (self->id);
  g_free (self->room_id);
  g_free (self->sender_id);
  g_free (self->sender_name);
  g_free (self->kind);
  g_free (self->body);
  g_free (self->reply_to_id);
  g_free (self->reply_to_sender_name);
  g_free (self->reply_to_excerpt);
  g_free (self->txn_id);
  g_free (self->error);
  g_free (self->agent_error);
  G_OBJECT_CLASS (cc_message_parent_class)->finalize (object);
}

static void
cc_message_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcMessage *self = CC_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_ROOM_ID: g_value_set_string (value, self->room_id); break;
    case PROP_SEQ: g_value_set_int64 (value, self->seq); break;
    case PROP_SENDER_ID: g_value_set_string (value, self->sender_id); break;
    case PROP_SENDER_NAME: g_value_set_string (value, self->sender_name); break;
    case PROP_KIND: g_value_set_string (value, self->kind); break;
    case PROP_BODY: g_value_set_string (value, self->body); break;
    case PROP_REPLY_TO_ID: g_value_set_string (value, self->reply_to_id); break;
    case PROP_REPLY_TO_SENDER_NAME: g_value_set_string (value, self->reply_to_sender_name); break;
    case PROP_REPLY_TO_EXCERPT: g_value_set_string (value, self->reply_to_excerpt); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_EDITED_AT: g_value_set_int64 (value, self->edited_at); break;
    case PROP_WRITTEN_AT: g_value_set_int64 (value, cc_message_get_written_at (self)); break;
    case PROP_SYSTEM_KIND: g_value_set_string (value, cc_message_get_system_kind (self)); break;
    case PROP_DELETED: g_value_set_boolean (value, self->deleted); break;
    case PROP_TXN_ID: g_value_set_string (value, self->txn_id); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_IS_OWN: g_value_set_boolean (value, self->is_own); break;
    case PROP_READ_BY: g_value_set_uint (value, self->read_by); break;
    case PROP_STREAMING: g_value_set_boolean (value, self->streaming); break;
    case PROP_AGENT_ERROR: g_value_set_string (value, self->agent_error); break;
    case PROP_HAS_CONTEXT: g_value_set_boolean (value, self->context != NULL); break;
    case PROP_N_REACTIONS: g_value_set_uint (value, cc_message_get_n_reactions (self)); break;
    case PROP_READ_AT: g_value_set_int64 (value, self->read_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_message_class_init (CcMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cc_message_finalize;
  object_class->get_property = cc_message_get_property;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_ROOM_ID] = g_param_spec_string ("room-id", NULL, NULL, NULL, flags);
  props[PROP_SEQ] = g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_SENDER_ID] = g_param_spec_string ("sender-id", NULL, NULL, NULL, flags);
  props[PROP_SENDER_NAME] = g_param_spec_string ("sender-name", NULL, NULL, NULL, flags);
  props[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, "text", flags);
  props[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, NULL, flags);
  props[PROP_REPLY_TO_ID] = g_param_spec_string ("reply-to-id", NULL, NULL, NULL, flags);
  props[PROP_REPLY_TO_SENDER_NAME] = g_param_spec_string ("reply-to-sender-name", NULL, NULL, NULL, flags);
  props[PROP_REPLY_TO_EXCERPT] = g_param_spec_string ("reply-to-excerpt", NULL, NULL, NULL, flags);
  props[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_EDITED_AT] = g_param_spec_int64 ("edited-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_WRITTEN_AT] = g_param_spec_int64 ("written-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_SYSTEM_KIND] = g_param_spec_string ("system-kind", NULL, NULL, NULL, flags);
  props[PROP_DELETED] = g_param_spec_boolean ("deleted", NULL, NULL, FALSE, flags);
  props[PROP_TXN_ID] = g_param_spec_string ("txn-id", NULL, NULL, NULL, flags);
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CC_TYPE_MESSAGE_STATE,
                                         CC_MESSAGE_STATE_STORED, flags);
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  props[PROP_IS_OWN] = g_param_spec_boolean ("is-own", NULL, NULL, FALSE, flags);
  props[PROP_READ_BY] = g_param_spec_uint ("read-by", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_STREAMING] = g_param_spec_boolean ("streaming", NULL, NULL, FALSE, flags);
  props[PROP_AGENT_ERROR] = g_param_spec_string ("agent-error", NULL, NULL, NULL, flags);
  props[PROP_HAS_CONTEXT] = g_param_spec_boolean ("has-context", NULL, NULL, FALSE, flags);
  /* Notified whenever the reactions change, even when their number does not. */
  props[PROP_N_REACTIONS] = g_param_spec_uint ("n-reactions", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_READ_AT] = g_param_spec_int64 ("read-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_message_init (CcMessage *self)
{
  self->kind = g_strdup ("text");
  self->state = CC_MESSAGE_STATE_STORED;
}

CcMessage *
cc_message_new_from_json (JsonObject *obj)
{
  CcMessage *self;

  g_return_val_if_fail (obj != NULL, NULL);
  self = g_object_new (CC_TYPE_MESSAGE, NULL);
  cc_message_update_from_json (self, obj);
  return self;
}

CcMessage *
cc_message_new_pending (const char *room_id,
                        const char *txn_id,
                        const char *body,
                        const char *reply_to_id,
                        const char *sender_id,
                        const char *sender_name,
                        gint64      created_at)
{
  CcMessage *self = g_object_new (CC_TYPE_MESSAGE, NULL);

  self->room_id = g_strdup (room_id);
  self->txn_id = g_strdup (txn_id);
  self->body = g_strdup (body);
  self->reply_to_id = g_strdup (reply_to_id);
  self->sender_id = g_strdup (sender_id);
  self->sender_name = g_strdup (sender_name);
  self->created_at = created_at;
  self->state = CC_MESSAGE_STATE_PENDING;
  self->is_own = TRUE;
  return self;
}

#define UPDATE_STR(member, field, prop) \
  G_STMT_START { \
    if (_cc_json_has (obj, member) && _cc_set_str (&self->field, _cc_json_str (obj, member))) \
      NOTIFY (self, prop); \
  } G_STMT_END

void
cc_message_update_from_json (CcMessage  *self,
                             JsonObject *obj)
{
  JsonObject *sender = _cc_json_obj (obj, "sender");
  JsonObject *reply = _cc_json_obj (obj, "reply_to");

  g_return_if_fail (CC_IS_MESSAGE (self));
  g_return_if_fail (obj != NULL);

  /* Only the fields are kept, not the JSON: a long conversation holds
   * thousands of these. */
  g_object_freeze_notify (G_OBJECT (self));
  UPDATE_STR ("id", id, PROP_ID);
  UPDATE_STR ("room_id", room_id, PROP_ROOM_ID);
  UPDATE_STR ("kind", kind, PROP_KIND);
  UPDATE_STR ("body", body, PROP_BODY);
  UPDATE_STR ("txn_id", txn_id, PROP_TXN_ID);
  if (_cc_json_has (obj, "sender"))
    {
      if (_cc_set_str (&self->sender_id, _cc_json_str (sender, "id")))
        NOTIFY (self, PROP_SENDER_ID);
      if (_cc_set_str (&self->sender_name, _cc_json_str (sender, "display_name")))
        NOTIFY (self, PROP_SENDER_NAME);
    }
  if (_cc_json_has (obj, "reply_to"))
    {
      const char *reply_id = reply ? _cc_json_str (reply, "id") : _cc_json_str (obj, "reply_to");

      if (_cc_set_str (&self->reply_to_id, reply_id))
        NOTIFY (self, PROP_REPLY_TO_ID);
      if (_cc_set_str (&self->reply_to_sender_name, _cc_json_str (reply, "sender_name")))
        NOTIFY (self, PROP_REPLY_TO_SENDER_NAME);
      if (_cc_set_str (&self->reply_to_excerpt, _cc_json_str (reply, "excerpt")))
        NOTIFY (self, PROP_REPLY_TO_EXCERPT);
    }
  if (_cc_json_has (obj, "mentions"))
    {
      JsonArray *mentions = _cc_json_array (obj, "mentions");

      g_clear_pointer (&self->mentions, json_array_unref);
      self->mentions = mentions ? json_array_ref (mentions) : NULL;
    }
  if (_cc_json_has (obj, "attachments"))
    _cc_message_set_attachments (self, _cc_json_array (obj, "attachments"));
  if (_cc_json_has (obj, "context"))
    {
      JsonObject *context = _cc_json_obj (obj, "context");

      /* A context the rules refuse is shown as none. */
      cc_message_set_context (self, NULL);
      if (context != NULL)
        {
          g_autoptr(CauContext) checked = cau_context_from_json (context, NULL);

          cc_message_set_context (self, checked);
        }
    }
  if (_cc_json_has (obj, "reactions"))
    _cc_message_set_reactions (self, _cc_json_array (obj, "reactions"));
  if (_cc_json_has (obj, "seq") && _cc_json_int (obj, "seq") != self->seq)
    {
      self->seq = _cc_json_int (obj, "seq");
      NOTIFY (self, PROP_SEQ);
    }
  if (_cc_json_has (obj, "created_at") && _cc_json_time (obj, "created_at") != self->created_at)
    {
      self->created_at = _cc_json_time (obj, "created_at");
      NOTIFY (self, PROP_CREATED_AT);
      NOTIFY (self, PROP_WRITTEN_AT);
    }
  /* Absent from a message that never waited, and from an update that
   * changes only some fields: kept as it was then. */
  if (_cc_json_has (obj, "written_at") && _cc_json_time (obj, "written_at") != self->written_at)
    {
      self->written_at = _cc_json_time (obj, "written_at");
      NOTIFY (self, PROP_WRITTEN_AT);
    }
  if (_cc_json_obj (obj, "system") != NULL)
    {
      g_clear_pointer (&self->system, json_object_unref);
      self->system = json_object_ref (_cc_json_obj (obj, "system"));
      NOTIFY (self, PROP_SYSTEM_KIND);
    }
  if (_cc_json_has (obj, "edited_at") && _cc_json_time (obj, "edited_at") != self->edited_at)
    {
      self->edited_at = _cc_json_time (obj, "edited_at");
      NOTIFY (self, PROP_EDITED_AT);
    }
  /* An agent's answer: `streaming` while it grows through message.edit,
   * false at the end; `agent_error` set when it could not answer. */
  if (_cc_json_has (obj, "streaming") && _cc_json_bool (obj, "streaming") != self->streaming)
    {
      self->streaming = _cc_json_bool (obj, "streaming");
      NOTIFY (self, PROP_STREAMING);
    }
  UPDATE_STR ("agent_error", agent_error, PROP_AGENT_ERROR);
  if (_cc_json_has (obj, "deleted") && _cc_json_bool (obj, "deleted") != self->deleted)
    {
      self->deleted = _cc_json_bool (obj, "deleted");
      NOTIFY (self, PROP_DELETED);
    }
  /* A message the server sent us is stored, whatever it was before. */
  if (self->id != NULL && self->seq > 0)
    {
      cc_message_set_state (self, CC_MESSAGE_STATE_STORED, NULL);
      /* …and owns no outbox copy any more. */
      for (guint i = 0; self->attachments && i < g_list_model_get_n_items (G_LIST_MODEL (self->attachments)); i++)
        {
          g_autoptr(CcAttachment) a = g_list_model_get_item (G_LIST_MODEL (self->attachments), i);

          _cc_attachment_clear_local (a);
        }
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_time (JsonObject *obj,
          const char *member,
          gint64      ms)
{
  g_autofree char *text = ms > 0 ? cau_time_format (ms) : NULL;

  if (text != NULL)
    json_object_set_string_member (obj, member, text);
  else
    json_object_set_null_member (obj, member);
}

/* The wire `message` this object shows (rebuilt from its fields). */
JsonObject *
cc_message_to_json (CcMessage *self)
{
  JsonObject *obj;

  g_return_val_if_fail (CC_IS_MESSAGE (self), NULL);

  obj = json_object_new ();
  cau_json_set_string_or_null (obj, "id", self->id);
  cau_json_set_string_or_null (obj, "room_id", self->room_id);
  json_object_set_int_member (obj, "seq", self->seq);
  if (self->sender_id != NULL)
    {
      JsonObject *sender = json_object_new ();

      json_object_set_string_member (sender, "id", self->sender_id);
      cau_json_set_string_or_null (sender, "display_name", self->sender_name);
      json_object_set_object_member (obj, "sender", sender);
    }
  else
    json_object_set_null_member (obj, "sender");
  json_object_set_string_member (obj, "kind", self->kind ? self->kind : "text");
  json_object_set_string_member (obj, "body", self->body ? self->body : "");
  if (self->reply_to_id != NULL)
    {
      JsonObject *reply = json_object_new ();

      json_object_set_string_member (reply, "id", self->reply_to_id);
      cau_json_set_string_or_null (reply, "sender_name", self->reply_to_sender_name);
      cau_json_set_string_or_null (reply, "excerpt", self->reply_to_excerpt);
      json_object_set_object_member (obj, "reply_to", reply);
    }
  else
    json_object_set_null_member (obj, "reply_to");
  json_object_set_array_member (obj, "mentions",
                                self->mentions ? json_array_ref (self->mentions) : json_array_new ());
  {
    JsonArray *attachments = json_array_new ();
    guint n = self->attachments ? g_list_model_get_n_items (G_LIST_MODEL (self->attachments)) : 0;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(CcAttachment) attachment = g_list_model_get_item (G_LIST_MODEL (self->attachments), i);

        if (cc_attachment_get_id (attachment) != NULL)
          json_array_add_object_element (attachments, _cc_attachment_to_json (attachment));
      }
    json_object_set_array_member (obj, "attachments", attachments);
  }
  if (self->reactions != NULL)
    json_object_set_array_member (obj, "reactions", json_array_ref (self->reactions));
  set_time (obj, "created_at", self->created_at);
  set_time (obj, "edited_at", self->edited_at);
  if (self->written_at > 0)
    set_time (obj, "written_at", self->written_at);
  if (self->system != NULL)
    json_object_set_object_member (obj, "system", json_object_ref (self->system));
  if (self->context != NULL)
    json_object_set_object_member (obj, "context", cau_context_to_json (self->context));
  else
    json_object_set_null_member (obj, "context");
  json_object_set_boolean_member (obj, "deleted", self->deleted);
  if (self->streaming)
    json_object_set_boolean_member (obj, "streaming", TRUE);
  if (self->agent_error != NULL)
    json_object_set_string_member (obj, "agent_error", self->agent_error);
  cau_json_set_string_or_null (obj, "txn_id", self->txn_id);
  return obj;
}

#define GETTER(type, name, field, fallback) \
  type cc_message_get_##name (CcMessage *self) \
  { \
    g_return_val_if_fail (CC_IS_MESSAGE (self), fallback); \
    return self->field; \
  }

GETTER (const char *, id, id, NULL)
GETTER (const char *, room_id, room_id, NULL)
GETTER (gint64, seq, seq, 0)
GETTER (const char *, sender_id, sender_id, NULL)
GETTER (const char *, sender_name, sender_name, NULL)
GETTER (const char *, kind, kind, NULL)
GETTER (const char *, body, body, NULL)
GETTER (const char *, reply_to_id, reply_to_id, NULL)
GETTER (const char *, reply_to_sender_name, reply_to_sender_name, NULL)
GETTER (const char *, reply_to_excerpt, reply_to_excerpt, NULL)
GETTER (gint64, created_at, created_at, 0)
GETTER (gint64, edited_at, edited_at, 0)
GETTER (gboolean, deleted, deleted, FALSE)
GETTER (const char *, txn_id, txn_id, NULL)
GETTER (CcMessageState, state, state, CC_MESSAGE_STATE_STORED)
GETTER (const char *, error, error, NULL)
GETTER (gboolean, is_own, is_own, FALSE)
GETTER (guint, read_by, read_by, 0)
GETTER (gboolean, streaming, streaming, FALSE)
GETTER (const char *, agent_error, agent_error, NULL)

guint
cc_message_get_n_mentions (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), 0);
  return self->mentions ? json_array_get_length (self->mentions) : 0;
}

gboolean
cc_message_get_mention (CcMessage   *self,
                        guint        index,
                        const char **type,
                        const char **id,
                        glong       *start,
                        glong       *end)
{
  JsonObject *mention;

  g_return_val_if_fail (CC_IS_MESSAGE (self), FALSE);
  if (index >= cc_message_get_n_mentions (self))
    return FALSE;
  mention = json_array_get_object_element (self->mentions, index);
  if (mention == NULL)
    return FALSE;
  if (type)
    *type = _cc_json_str (mention, "type");
  if (id)
    *id = _cc_json_str (mention, "id");
  if (start)
    *start = (glong) _cc_json_int (mention, "start");
  if (end)
    *end = (glong) _cc_json_int (mention, "end");
  return TRUE;
}

GListModel *
cc_message_get_attachments (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), NULL);
  if (self->attachments == NULL)
    self->attachments = g_list_store_new (CC_TYPE_ATTACHMENT);
  return G_LIST_MODEL (self->attachments);
}

/* The attachment of @list that @obj describes: the same server id, or the
 * same outbox copy (a pending file). */
static CcAttachment *
find_attachment (GPtrArray  *list,
                 JsonObject *obj)
{
  const char *id = _cc_json_str (obj, "id");
  const char *path = _cc_json_str (obj, "path");

  for (guint i = 0; i < list->len; i++)
    {
      CcAttachment *a = g_ptr_array_index (list, i);

      if (id != NULL && g_strcmp0 (cc_attachment_get_id (a), id) == 0)
        return a;
      if (path != NULL && g_strcmp0 (_cc_attachment_get_path (a), path) == 0)
        return a;
    }
  return NULL;
}

/**
 * _cc_message_set_attachments:
 * @attachments: (nullable): wire attachments, or outbox files.
 *
 * Brings the attachment list to @attachments, keeping (and updating) the
 * objects that are still there, so a pending file turns into the stored
 * one in place: the UI's rows keep their widgets.
 */
void
_cc_message_set_attachments (CcMessage *self,
                             JsonArray *attachments)
{
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) now = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_new = attachments ? json_array_get_length (attachments) : 0;
  guint n_old;
  gboolean same;

  g_return_if_fail (CC_IS_MESSAGE (self));
  /* Most messages have none: do not make a store for them. */
  if (self->attachments == NULL && n_new == 0)
    return;

  n_old = g_list_model_get_n_items (cc_message_get_attachments (self));
  for (guint i = 0; i < n_old; i++)
    g_ptr_array_add (old, g_list_model_get_item (G_LIST_MODEL (self->attachments), i));

  for (guint i = 0; i < n_new; i++)
    {
      JsonObject *obj = json_array_get_object_element (attachments, i);
      CcAttachment *a;

      if (obj == NULL)
        continue;
      a = find_attachment (old, obj);
      if (a != NULL && !g_ptr_array_find (now, a, NULL))
        {
          _cc_attachment_update_from_json (a, obj);
          g_ptr_array_add (now, g_object_ref (a));
        }
      else
        g_ptr_array_add (now, _cc_attachment_new_from_json (obj));
    }

  same = now->len == old->len;
  for (guint i = 0; same && i < now->len; i++)
    same = now->pdata[i] == old->pdata[i];
  if (!same)
    g_list_store_splice (self->attachments, 0, old->len, now->pdata, now->len);
}

void
cc_message_set_state (CcMessage      *self,
                      CcMessageState  state,
                      const char     *error)
{
  g_return_if_fail (CC_IS_MESSAGE (self));
  if (state != self->state)
    {
      self->state = state;
      NOTIFY (self, PROP_STATE);
    }
  if (_cc_set_str (&self->error, error))
    NOTIFY (self, PROP_ERROR);
}

void
cc_message_set_is_own (CcMessage *self,
                       gboolean   is_own)
{
  g_return_if_fail (CC_IS_MESSAGE (self));
  if (is_own != self->is_own)
    {
      self->is_own = is_own;
      NOTIFY (self, PROP_IS_OWN);
    }
}

void
cc_message_set_read_by (CcMessage *self,
                        guint      read_by)
{
  g_return_if_fail (CC_IS_MESSAGE (self));
  if (read_by != self->read_by)
    {
      self->read_by = read_by;
      NOTIFY (self, PROP_READ_BY);
    }
}

CcAttachment *
_cc_message_find_pending (CcMessage  *self,
                          const char *path)
{
  guint n;

  g_return_val_if_fail (CC_IS_MESSAGE (self), NULL);
  n = self->attachments ? g_list_model_get_n_items (G_LIST_MODEL (self->attachments)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcAttachment) a = g_list_model_get_item (G_LIST_MODEL (self->attachments), i);

      if (g_strcmp0 (_cc_attachment_get_path (a), path) == 0)
        return a;   /* the store keeps it alive */
    }
  return NULL;
}

/**
 * cc_message_get_written_at:
 *
 * When the sender wrote it: the time they pressed Send when the message
 * waited in an outbox (the server's "written_at"), else when it was
 * stored. Pending messages: when Send was pressed. Unix ms.
 */
gint64
cc_message_get_written_at (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), 0);
  return self->written_at > 0 ? self->written_at : self->created_at;
}

/**
 * cc_message_get_system_kind:
 *
 * What a system line says ("room.created", "member.added", …), or NULL
 * for a person's message and for a line stored before servers sent it.
 */
const char *
cc_message_get_system_kind (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), NULL);
  return self->system ? _cc_json_str (self->system, "kind") : NULL;
}

static const char *
person_name (JsonObject *system,
             const char *member)
{
  JsonObject *who = _cc_json_obj (system, member);
  const char *name = who ? _cc_json_str (who, "display_name") : NULL;

  /* Translators: a person whose account was deleted, in a system line. */
  return name != NULL && *name != '\0' ? name : _("Deleted user");
}

static const char *
role_phrase (const char *role)
{
  /* Translators: "Alice made Bob <this>": a role in a room. */
  if (g_strcmp0 (role, "owner") == 0)
    return _("an owner");
  if (g_strcmp0 (role, "admin") == 0)
    return _("an admin");
  if (g_strcmp0 (role, "member") == 0)
    return _("a member");
  if (g_strcmp0 (role, "guest") == 0)
    return _("a guest");
  return NULL;
}

/* A wire system line's text in the reader's language, from its @system
 * data; @body (the server's English sentence) when there is none, or for
 * a kind this version does not know. Also used for the room list's
 * preview. */
char *
_cc_message_system_text (JsonObject *system,
                         const char *body)
{
  const char *kind = system ? _cc_json_str (system, "kind") : NULL;
  const char *actor, *target, *room_name;

  if (kind == NULL)
    return g_strdup (body ? body : "");
  actor = person_name (system, "actor");
  target = person_name (system, "target");
  room_name = _cc_json_str (system, "room_name");

  if (g_str_equal (kind, "room.created") && room_name != NULL)
    /* Translators: a system line: "Alice created the room “Design”". */
    return cc_bidi_printf (_("%s created the room “%s”"), actor, room_name);
  if (g_str_equal (kind, "room.renamed") && room_name != NULL)
    /* Translators: a system line: "Alice renamed the room to “Design”". */
    return cc_bidi_printf (_("%s renamed the room to “%s”"), actor, room_name);
  if (g_str_equal (kind, "member.joined"))
    /* Translators: a system line: "Alice joined". */
    return cc_bidi_printf (_("%s joined"), actor);
  if (g_str_equal (kind, "member.left"))
    /* Translators: a system line: "Alice left". */
    return cc_bidi_printf (_("%s left"), actor);
  if (g_str_equal (kind, "member.added"))
    /* Translators: a system line: "Alice added Bob". */
    return cc_bidi_printf (_("%s added %s"), actor, target);
  if (g_str_equal (kind, "member.removed"))
    /* Translators: a system line: "Alice removed Bob". */
    return cc_bidi_printf (_("%s removed %s"), actor, target);
  if (g_str_equal (kind, "member.role") && role_phrase (_cc_json_str (system, "role")) != NULL)
    /* Translators: a system line: "Alice made Bob an admin"; the last %s is
     * "an owner", "an admin", "a member" or "a guest". */
    return cc_bidi_printf (_("%s made %s %s"), actor, target, role_phrase (_cc_json_str (system, "role")));
  return g_strdup (body ? body : "");
}

/**
 * cc_message_dup_system_text:
 *
 * A system line in the reader's language, written from what the server
 * sent as data. Falls back to its body (the server's English sentence)
 * for lines cached before servers sent the data and kinds this version
 * does not know.
 *
 * Returns: (transfer full): the text.
 */
char *
cc_message_dup_system_text (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), NULL);
  return _cc_message_system_text (self->system, self->body);
}

const CauContext *
cc_message_get_context (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), NULL);
  return self->context;
}

void
cc_message_set_context (CcMessage        *self,
                        const CauContext *context)
{
  gboolean had;

  g_return_if_fail (CC_IS_MESSAGE (self));
  had = self->context != NULL;
  if (context == NULL && !had)
    return;
  g_clear_pointer (&self->context, cau_context_free);
  self->context = cau_context_copy (context);
  /* One notification either way: a card bound to "has-context" reads the
   * context again. */
  NOTIFY (self, PROP_HAS_CONTEXT);
}

/* Reactions */

void
_cc_message_set_reactions (CcMessage *self,
                           JsonArray *reactions)
{
  g_return_if_fail (CC_IS_MESSAGE (self));

  if (reactions == self->reactions)
    return;
  g_clear_pointer (&self->reactions, json_array_unref);
  if (reactions != NULL && json_array_get_length (reactions) > 0)
    self->reactions = json_array_ref (reactions);
  NOTIFY (self, PROP_N_REACTIONS);
}

JsonArray *
_cc_message_get_reactions (CcMessage *self)
{
  return self->reactions;
}

guint
cc_message_get_n_reactions (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), 0);
  return self->reactions ? json_array_get_length (self->reactions) : 0;
}

const char *
cc_message_get_reaction (CcMessage *self,
                         guint      index,
                         guint     *out_count,
                         GStrv     *out_user_ids)
{
  JsonObject *r;
  JsonArray *ids;

  g_return_val_if_fail (CC_IS_MESSAGE (self), NULL);
  if (index >= cc_message_get_n_reactions (self) ||
      (r = json_array_get_object_element (self->reactions, index)) == NULL)
    return NULL;
  if (out_count)
    *out_count = (guint) MAX (_cc_json_int (r, "count"), 0);
  if (out_user_ids)
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

      ids = _cc_json_array (r, "user_ids");
      for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
        if (json_array_get_string_element (ids, i) != NULL)
          g_strv_builder_add (b, json_array_get_string_element (ids, i));
      *out_user_ids = g_strv_builder_end (b);
    }
  return _cc_json_str (r, "emoji");
}

gboolean
cc_message_has_reaction (CcMessage  *self,
                         const char *emoji,
                         const char *user_id)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), FALSE);

  for (guint i = 0; i < cc_message_get_n_reactions (self); i++)
    {
      JsonObject *r = json_array_get_object_element (self->reactions, i);
      JsonArray *ids;

      if (r == NULL || g_strcmp0 (_cc_json_str (r, "emoji"), emoji) != 0)
        continue;
      ids = _cc_json_array (r, "user_ids");
      for (guint k = 0; ids != NULL && k < json_array_get_length (ids); k++)
        if (g_strcmp0 (json_array_get_string_element (ids, k), user_id) == 0)
          return TRUE;
    }
  return FALSE;
}

gint64
cc_message_get_read_at (CcMessage *self)
{
  g_return_val_if_fail (CC_IS_MESSAGE (self), 0);
  return self->read_at;
}

void
_cc_message_set_read_at (CcMessage *self,
                         gint64     read_at)
{
  g_return_if_fail (CC_IS_MESSAGE (self));
  if (self->read_at == read_at)
    return;
  self->read_at = read_at;
  NOTIFY (self, PROP_READ_AT);
}

guint64
_cc_message_get_live_stamp (CcMessage *self)
{
  return self->live_stamp;
}

void
_cc_message_set_live_stamp (CcMessage *self,
                            guint64    stamp)
{
  self->live_stamp = stamp;
}
