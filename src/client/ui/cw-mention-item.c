/* cw-mention-item.c: one suggestion of the composer's @ completion.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include "cw-mention-item.h"

struct _CwMentionItem
{
  GObject  parent_instance;
  char    *name;
  char    *search;
  char    *insert;
  char    *description;
  char    *kind;
};

G_DEFINE_FINAL_TYPE (CwMentionItem, cw_mention_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_SEARCH,
  PROP_INSERT,
  PROP_DESCRIPTION,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
cw_mention_item_finalize (GObject *object)
{
  CwMentionItem *self = CW_MENTION_ITEM (object);

  g_free (self->name);
  g_free (self->search);
  g_free (self->insert);
  g_free (self->description);
  g_free (self->kind);
  G_OBJECT_CLASS (cw_mention_item_parent_class)->finalize (object);
}

static void
cw_mention_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CwMentionItem *self = CW_MENTION_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_SEARCH: g_value_set_string (value, self->search); break;
    case PROP_INSERT: g_value_set_string (value, self->insert); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_KIND: g_value_set_string (value, self->kind); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cw_mention_item_class_init (CwMentionItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cw_mention_item_finalize;
  object_class->get_property = cw_mention_item_get_property;
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  props[PROP_SEARCH] = g_param_spec_string ("search", NULL, NULL, NULL, flags);
  props[PROP_INSERT] = g_param_spec_string ("insert", NULL, NULL, NULL, flags);
  props[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  props[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cw_mention_item_init (CwMentionItem *self)
{
}

CwMentionItem *
cw_mention_item_new_room (void)
{
  CwMentionItem *self = g_object_new (CW_TYPE_MENTION_ITEM, NULL);

  self->name = g_strdup ("room");
  self->search = g_strdup ("room");
  self->insert = g_strdup ("room");
  self->kind = g_strdup ("room");
  return self;
}

/* A snapshot of the member when the list is made: names rarely change
 * while someone types. */
CwMentionItem *
cw_mention_item_new_member (CcMember *member)
{
  CwMentionItem *self = g_object_new (CW_TYPE_MENTION_ITEM, NULL);
  CcUser *user = cc_member_get_user (member);
  const char *name = cc_member_get_display_name (member);
  const char *handle = user ? cc_user_get_handle (user) : NULL;

  self->name = g_strdup (name ? name : "");
  if (user != NULL && cc_user_is_agent (user))
    {
      self->kind = g_strdup ("agent");
      self->description = g_strdup (cc_user_get_description (user));
      if (handle != NULL && *handle != '\0')
        {
          self->insert = g_strdup (handle);
          self->search = g_strdup_printf ("%s %s", self->name, handle);
        }
    }
  else
    self->kind = g_strdup ("person");
  if (self->insert == NULL)
    self->insert = g_strdup (self->name);
  if (self->search == NULL)
    self->search = g_strdup (self->name);
  return self;
}

const char *
cw_mention_item_get_insert (CwMentionItem *self)
{
  g_return_val_if_fail (CW_IS_MENTION_ITEM (self), NULL);
  return self->insert;
}
