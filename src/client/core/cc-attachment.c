/* cc-attachment.c: one file attached to a message.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-attachment"

#include "cc-attachment-private.h"
#include "cc-json-private.h"

struct _CcAttachment
{
  GObject            parent_instance;
  char              *id;
  char              *name;
  char              *mime_type;
  char              *error;
  char              *path;        /* the outbox copy while pending */
  GFile             *local_file;
  guint64            size;
  double             progress;
  int                width;
  int                height;
  CcAttachmentState  state;
  gboolean           has_thumbnail;
};

G_DEFINE_FINAL_TYPE (CcAttachment, cc_attachment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_SIZE,
  PROP_MIME_TYPE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_HAS_THUMBNAIL,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_ERROR,
  PROP_LOCAL_FILE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

#define NOTIFY(self, prop) g_object_notify_by_pspec (G_OBJECT (self), props[prop])

static void
cc_attachment_finalize (GObject *object)
{
  CcAttachment *self = CC_ATTACHMENT (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->mime_type);
  g_free (self->error);
  g_free (self->path);
  g_clear_object (&self->local_file);
  G_OBJECT_CLASS (cc_attachment_parent_class)->finalize (object);
}

static void
cc_attachment_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcAttachment *self = CC_ATTACHMENT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_SIZE: g_value_set_uint64 (value, self->size); break;
    case PROP_MIME_TYPE: g_value_set_string (value, self->mime_type); break;
    case PROP_WIDTH: g_value_set_int (value, self->width); break;
    case PROP_HEIGHT: g_value_set_int (value, self->height); break;
    case PROP_HAS_THUMBNAIL: g_value_set_boolean (value, self->has_thumbnail); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_LOCAL_FILE: g_value_set_object (value, self->local_file); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_attachment_class_init (CcAttachmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cc_attachment_finalize;
  object_class->get_property = cc_attachment_get_property;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  props[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  props[PROP_MIME_TYPE] = g_param_spec_string ("mime-type", NULL, NULL, NULL, flags);
  props[PROP_WIDTH] = g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0, flags);
  props[PROP_HEIGHT] = g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0, flags);
  props[PROP_HAS_THUMBNAIL] = g_param_spec_boolean ("has-thumbnail", NULL, NULL, FALSE, flags);
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CC_TYPE_ATTACHMENT_STATE,
                                         CC_ATTACHMENT_REMOTE, flags);
  props[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, flags);
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  props[PROP_LOCAL_FILE] = g_param_spec_object ("local-file", NULL, NULL, G_TYPE_FILE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_attachment_init (CcAttachment *self)
{
  self->state = CC_ATTACHMENT_REMOTE;
}

CcAttachment *
_cc_attachment_new_from_json (JsonObject *obj)
{
  CcAttachment *self = g_object_new (CC_TYPE_ATTACHMENT, NULL);
  const char *path = _cc_json_str (obj, "path");

  if (path != NULL)
    {
      self->path = g_strdup (path);
      self->local_file = g_file_new_for_path (path);
      self->state = CC_ATTACHMENT_QUEUED;
    }
  _cc_attachment_update_from_json (self, obj);
  return self;
}

static void
set_int (CcAttachment *self,
         int          *field,
         gint64        value,
         guint         prop)
{
  int v = (int) CLAMP (value, 0, G_MAXINT);

  if (*field != v)
    {
      *field = v;
      NOTIFY (self, prop);
    }
}

void
_cc_attachment_update_from_json (CcAttachment *self,
                                 JsonObject   *obj)
{
  gint64 size;

  g_return_if_fail (CC_IS_ATTACHMENT (self));
  if (obj == NULL)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (_cc_json_has (obj, "name") && _cc_set_str (&self->name, _cc_json_str (obj, "name")))
    NOTIFY (self, PROP_NAME);
  if (_cc_json_has (obj, "mime_type") && _cc_set_str (&self->mime_type, _cc_json_str (obj, "mime_type")))
    NOTIFY (self, PROP_MIME_TYPE);
  size = MAX (_cc_json_int (obj, "size"), 0);
  if (_cc_json_has (obj, "size") && (guint64) size != self->size)
    {
      self->size = (guint64) size;
      NOTIFY (self, PROP_SIZE);
    }
  if (_cc_json_has (obj, "width"))
    set_int (self, &self->width, _cc_json_int (obj, "width"), PROP_WIDTH);
  if (_cc_json_has (obj, "height"))
    set_int (self, &self->height, _cc_json_int (obj, "height"), PROP_HEIGHT);
  if (_cc_json_has (obj, "has_thumbnail") && _cc_json_bool (obj, "has_thumbnail") != self->has_thumbnail)
    {
      self->has_thumbnail = _cc_json_bool (obj, "has_thumbnail");
      NOTIFY (self, PROP_HAS_THUMBNAIL);
    }
  if (_cc_json_str (obj, "id") != NULL && _cc_set_str (&self->id, _cc_json_str (obj, "id")))
    NOTIFY (self, PROP_ID);
  else if (_cc_json_has (obj, "id") && _cc_json_str (obj, "id") == NULL && self->path != NULL && self->id != NULL)
    {
      /* The server lost a pending upload: it goes up again. */
      g_clear_pointer (&self->id, g_free);
      NOTIFY (self, PROP_ID);
      _cc_attachment_set_progress (self, 0.0);
      _cc_attachment_set_state (self, CC_ATTACHMENT_QUEUED, NULL);
    }
  if (self->id != NULL)
    {
      _cc_attachment_set_progress (self, 1.0);
      _cc_attachment_set_state (self, CC_ATTACHMENT_REMOTE, NULL);
    }
  else if (_cc_json_str (obj, "error") != NULL)
    _cc_attachment_set_state (self, CC_ATTACHMENT_FAILED, _cc_json_str (obj, "error"));
  g_object_thaw_notify (G_OBJECT (self));
}

JsonObject *
_cc_attachment_to_json (CcAttachment *self)
{
  JsonObject *obj;

  g_return_val_if_fail (CC_IS_ATTACHMENT (self), NULL);
  obj = json_object_new ();
  if (self->id != NULL)
    json_object_set_string_member (obj, "id", self->id);
  else
    json_object_set_null_member (obj, "id");
  json_object_set_string_member (obj, "name", self->name ? self->name : "");
  json_object_set_int_member (obj, "size", (gint64) self->size);
  json_object_set_string_member (obj, "mime_type", self->mime_type ? self->mime_type : "application/octet-stream");
  json_object_set_int_member (obj, "width", self->width);
  json_object_set_int_member (obj, "height", self->height);
  json_object_set_boolean_member (obj, "has_thumbnail", self->has_thumbnail);
  return obj;
}

void
_cc_attachment_set_state (CcAttachment      *self,
                          CcAttachmentState  state,
                          const char        *error)
{
  g_return_if_fail (CC_IS_ATTACHMENT (self));
  g_object_freeze_notify (G_OBJECT (self));
  if (state != self->state)
    {
      self->state = state;
      NOTIFY (self, PROP_STATE);
    }
  if (_cc_set_str (&self->error, state == CC_ATTACHMENT_FAILED ? error : NULL))
    NOTIFY (self, PROP_ERROR);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cc_attachment_set_progress (CcAttachment *self,
                             double        progress)
{
  g_return_if_fail (CC_IS_ATTACHMENT (self));
  progress = CLAMP (progress, 0.0, 1.0);
  if (progress != self->progress)
    {
      self->progress = progress;
      NOTIFY (self, PROP_PROGRESS);
    }
}

const char *
_cc_attachment_get_path (CcAttachment *self)
{
  g_return_val_if_fail (CC_IS_ATTACHMENT (self), NULL);
  return self->path;
}

void
_cc_attachment_clear_local (CcAttachment *self)
{
  g_return_if_fail (CC_IS_ATTACHMENT (self));
  /* The path stays: the copy may still be there a moment (see
   * cc_client_fetch_attachment_async()). */
  if (self->local_file != NULL)
    {
      g_clear_object (&self->local_file);
      NOTIFY (self, PROP_LOCAL_FILE);
    }
}

#define GETTER(type, name, field, fallback) \
  type cc_attachment_get_##name (CcAttachment *self) \
  { \
    g_return_val_if_fail (CC_IS_ATTACHMENT (self), fallback); \
    return self->field; \
  }

GETTER (const char *, id, id, NULL)
GETTER (const char *, name, name, NULL)
GETTER (guint64, size, size, 0)
GETTER (const char *, mime_type, mime_type, NULL)
GETTER (int, width, width, 0)
GETTER (int, height, height, 0)
GETTER (gboolean, has_thumbnail, has_thumbnail, FALSE)
GETTER (CcAttachmentState, state, state, CC_ATTACHMENT_REMOTE)
GETTER (double, progress, progress, 0.0)
GETTER (const char *, error, error, NULL)
GETTER (GFile *, local_file, local_file, NULL)

gboolean
cc_attachment_is_image (CcAttachment *self)
{
  g_return_val_if_fail (CC_IS_ATTACHMENT (self), FALSE);
  return self->mime_type != NULL && g_str_has_prefix (self->mime_type, "image/");
}
