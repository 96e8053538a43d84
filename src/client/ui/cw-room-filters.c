/* cw-room-filters.c: a row of toggle buttons that chooses which rooms the
 * sidebar lists, each with the number of rooms it would show.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>
#include <string.h>

#include "cw-room-filters.h"
#include "cw-utils.h"

struct _CwRoomFilters
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkToggleButton *buttons[CW_ROOM_N_KINDS];
  GtkLabel        *labels[CW_ROOM_N_KINDS];
  guint            counts[CW_ROOM_N_KINDS];
  CwRoomKind       kind;
};

G_DEFINE_FINAL_TYPE (CwRoomFilters, cw_room_filters, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_KIND, N_PROPS };
static GParamSpec *props[N_PROPS];

static const char * const keys[CW_ROOM_N_KINDS] = {
  "all", "unread", "mentions", "direct", "groups", "projects",
};

gboolean
cw_room_kind_match (CcRoom     *room,
                    CwRoomKind  kind)
{
  const char *type = cc_room_get_room_type (room);

  switch (kind)
    {
    case CW_ROOM_KIND_UNREAD:
      return cc_room_get_unread_count (room) > 0;
    case CW_ROOM_KIND_MENTIONS:
      return cc_room_get_mention_count (room) > 0;
    case CW_ROOM_KIND_DIRECT:
      return g_strcmp0 (type, "direct") == 0;
    case CW_ROOM_KIND_GROUPS:
      return g_strcmp0 (type, "group") == 0 || g_strcmp0 (type, "channel") == 0;
    case CW_ROOM_KIND_PROJECTS:
      return g_strcmp0 (type, "project") == 0;
    case CW_ROOM_KIND_ALL:
    case CW_ROOM_N_KINDS:
    default:
      return TRUE;
    }
}

const char *
cw_room_kind_to_key (CwRoomKind kind)
{
  return kind < CW_ROOM_N_KINDS ? keys[kind] : keys[0];
}

CwRoomKind
cw_room_kind_from_key (const char *key)
{
  for (guint i = 0; i < CW_ROOM_N_KINDS; i++)
    if (g_strcmp0 (key, keys[i]) == 0)
      return (CwRoomKind) i;
  return CW_ROOM_KIND_ALL;
}

static const char *
kind_name (CwRoomKind kind)
{
  switch (kind)
    {
    case CW_ROOM_KIND_UNREAD:   return C_("room filter", "Unread");
    case CW_ROOM_KIND_MENTIONS: return C_("room filter", "Mentions");
    case CW_ROOM_KIND_DIRECT:   return C_("room filter", "Direct");
    case CW_ROOM_KIND_GROUPS:   return C_("room filter", "Groups and channels");
    case CW_ROOM_KIND_PROJECTS: return C_("room filter", "Projects");
    case CW_ROOM_KIND_ALL:
    case CW_ROOM_N_KINDS:
    default:                    return C_("room filter", "All");
    }
}

/* On the button, where the sidebar leaves about a third of its width:
 * the full name is in the tooltip and what a screen reader says. */
static const char *
short_name (CwRoomKind kind)
{
  if (kind == CW_ROOM_KIND_GROUPS)
    /* Translators: the short label of the "Groups and channels" room filter */
    return C_("room filter", "Groups");
  return kind_name (kind);
}

static void
update_labels (CwRoomFilters *self)
{
  for (guint i = 0; i < CW_ROOM_N_KINDS; i++)
    {
      /* Translators: a room filter and how many rooms it shows, "Unread 3" */
      g_autofree char *text = g_strdup_printf (C_("room filter", "%s %u"), short_name (i), self->counts[i]);
      /* Translators: what a screen reader says for a room filter, "Unread, 3 rooms" */
      g_autofree char *spoken = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u room", "%s, %u rooms",
                                                              self->counts[i]),
                                                 kind_name (i), self->counts[i]);

      gtk_label_set_text (self->labels[i], text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->buttons[i]), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    }
}

static void
on_toggled_cb (GtkToggleButton *button,
               CwRoomFilters   *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  for (guint i = 0; i < CW_ROOM_N_KINDS; i++)
    if (self->buttons[i] == button && self->kind != i)
      {
        self->kind = i;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_KIND]);
      }
}

CwRoomKind
cw_room_filters_get_kind (CwRoomFilters *self)
{
  g_return_val_if_fail (CW_IS_ROOM_FILTERS (self), CW_ROOM_KIND_ALL);
  return self->kind;
}

void
cw_room_filters_set_kind (CwRoomFilters *self,
                          CwRoomKind     kind)
{
  g_return_if_fail (CW_IS_ROOM_FILTERS (self));
  g_return_if_fail (kind < CW_ROOM_N_KINDS);

  /* The button's "toggled" sets self->kind and notifies. */
  gtk_toggle_button_set_active (self->buttons[kind], TRUE);
}

void
cw_room_filters_count (CwRoomFilters *self,
                       GListModel    *rooms)
{
  guint n = rooms ? g_list_model_get_n_items (rooms) : 0;

  g_return_if_fail (CW_IS_ROOM_FILTERS (self));

  memset (self->counts, 0, sizeof self->counts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (rooms, i);

      if (cc_room_get_is_archived (room))
        continue;
      for (guint k = 0; k < CW_ROOM_N_KINDS; k++)
        if (cw_room_kind_match (room, k))
          self->counts[k]++;
    }
  update_labels (self);
}

static gboolean
shortcut_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  CwRoomFilters *self = CW_ROOM_FILTERS (widget);
  CwRoomKind kind = g_variant_get_int32 (args);

  cw_room_filters_set_kind (self, kind);
  gtk_widget_grab_focus (GTK_WIDGET (self->buttons[kind]));
  return TRUE;
}

static void
cw_room_filters_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CwRoomFilters *self = CW_ROOM_FILTERS (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cw_room_filters_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CwRoomFilters *self = CW_ROOM_FILTERS (object);

  switch (prop_id)
    {
    case PROP_KIND:
      cw_room_filters_set_kind (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cw_room_filters_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CW_TYPE_ROOM_FILTERS);
  cw_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (cw_room_filters_parent_class)->dispose (object);
}

static void
cw_room_filters_class_init (CwRoomFiltersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cw_room_filters_get_property;
  object_class->set_property = cw_room_filters_set_property;
  object_class->dispose = cw_room_filters_dispose;

  props[PROP_KIND] = g_param_spec_int ("kind", NULL, NULL, 0, CW_ROOM_N_KINDS - 1, 0,
                                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-room-filters.ui");
  gtk_widget_class_bind_template_child (widget_class, CwRoomFilters, box);
  gtk_widget_class_bind_template_child_full (widget_class, "all_button", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, buttons[CW_ROOM_KIND_ALL]));
  gtk_widget_class_bind_template_child_full (widget_class, "unread_button", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, buttons[CW_ROOM_KIND_UNREAD]));
  gtk_widget_class_bind_template_child_full (widget_class, "mentions_button", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, buttons[CW_ROOM_KIND_MENTIONS]));
  gtk_widget_class_bind_template_child_full (widget_class, "direct_button", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, buttons[CW_ROOM_KIND_DIRECT]));
  gtk_widget_class_bind_template_child_full (widget_class, "groups_button", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, buttons[CW_ROOM_KIND_GROUPS]));
  gtk_widget_class_bind_template_child_full (widget_class, "projects_button", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, buttons[CW_ROOM_KIND_PROJECTS]));
  gtk_widget_class_bind_template_child_full (widget_class, "all_label", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, labels[CW_ROOM_KIND_ALL]));
  gtk_widget_class_bind_template_child_full (widget_class, "unread_label", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, labels[CW_ROOM_KIND_UNREAD]));
  gtk_widget_class_bind_template_child_full (widget_class, "mentions_label", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, labels[CW_ROOM_KIND_MENTIONS]));
  gtk_widget_class_bind_template_child_full (widget_class, "direct_label", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, labels[CW_ROOM_KIND_DIRECT]));
  gtk_widget_class_bind_template_child_full (widget_class, "groups_label", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, labels[CW_ROOM_KIND_GROUPS]));
  gtk_widget_class_bind_template_child_full (widget_class, "projects_label", FALSE,
                                             G_STRUCT_OFFSET (CwRoomFilters, labels[CW_ROOM_KIND_PROJECTS]));
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "roomfilters");
}

static void
cw_room_filters_init (CwRoomFilters *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < CW_ROOM_N_KINDS; i++)
    g_signal_connect (self->buttons[i], "toggled", G_CALLBACK (on_toggled_cb), self);
  update_labels (self);

  /* Alt+1 … Alt+6 from anywhere in the window, as a browser's tabs. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < CW_ROOM_N_KINDS; i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (GDK_KEY_1 + i, GDK_ALT_MASK),
                                                                           gtk_callback_action_new (shortcut_cb, NULL, NULL),
                                                                           "i", (gint32) i));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}
