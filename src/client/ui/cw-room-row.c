/* cw-room-row.c: one room of the sidebar: initials avatar with a presence
 * dot for direct rooms, name, last message, relative time, unread and
 * mention badges, muted icon. Follows the CcRoom's notifications.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cw-room-row.h"
#include "cw-utils.h"
#include "cc-bidi.h"

struct _CwRoomRow
{
  GtkWidget  parent_instance;

  AdwAvatar *avatar;
  GtkImage  *presence_dot;
  GtkImage  *pending_icon;
  GtkImage  *type_icon;
  GtkLabel  *name_label;
  GtkImage  *muted_icon;
  GtkLabel  *time_label;
  GtkLabel  *excerpt_label;
  GtkLabel  *mention_badge;
  GtkLabel  *unread_badge;

  CcRoom    *room;
  gulong     notify_id;
};

G_DEFINE_FINAL_TYPE (CwRoomRow, cw_room_row, GTK_TYPE_WIDGET)

static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

void
cw_room_row_update_time (CwRoomRow *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CW_IS_ROOM_ROW (self));

  if (self->room == NULL)
    return;
  text = cw_format_relative_time (cc_room_get_last_activity_at (self->room));
  gtk_label_set_text (self->time_label, text);
}

static void
update (CwRoomRow *self)
{
  CcRoom *room = self->room;
  const char *type, *name, *excerpt, *sender, *presence;
  guint unread, mentions;
  gboolean direct, muted;
  g_autofree char *excerpt_text = NULL;
  g_autofree char *unread_text = NULL;
  g_autofree char *a11y = NULL;
  GString *desc;

  if (room == NULL)
    return;

  type = cc_room_get_room_type (room);
  name = cc_room_get_name (room);
  excerpt = cc_room_get_last_message_excerpt (room);
  sender = cc_room_get_last_message_sender (room);
  presence = cc_room_get_presence (room);
  unread = cc_room_get_unread_count (room);
  mentions = cc_room_get_mention_count (room);
  muted = cc_room_get_muted (room);
  direct = g_strcmp0 (type, "direct") == 0;

  if (name == NULL || *name == '\0')
    name = _("Unnamed Room");

  adw_avatar_set_text (self->avatar, name);
  gtk_label_set_text (self->name_label, name);

  /* Channels get a "#"-like mark, private rooms a lock. */
  if (cc_room_get_is_private (room) && !direct)
    {
      gtk_image_set_from_icon_name (self->type_icon, "channel-secure-symbolic");
      gtk_widget_set_visible (GTK_WIDGET (self->type_icon), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->type_icon), FALSE);

  if (cc_room_get_draft (room) != NULL)
    /* Translators: the room list shows a room's unsent text: "Draft: see you" */
    excerpt_text = cc_bidi_printf (_("Draft: %s"), cc_room_get_draft (room));
  else if (excerpt == NULL || *excerpt == '\0')
    excerpt_text = g_strdup (_("No messages yet"));
  else if (!direct && sender != NULL && *sender)
    /* Translators: last message in the room list: "Alice: see you" */
    excerpt_text = cc_bidi_printf (_("%s: %s"), sender, excerpt);
  else
    excerpt_text = g_strdup (excerpt);
  /* Messages of ours still waiting to be sent. */
  {
    guint pending = cc_room_get_pending (room);
    g_autofree char *pending_text = NULL;

    gtk_widget_set_visible (GTK_WIDGET (self->pending_icon), pending > 0);
    if (pending > 0)
      {
        /* Translators: a mark in the room list. */
        pending_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message not sent yet",
                                                     "%u messages not sent yet", pending), pending);
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->pending_icon), pending_text);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->pending_icon),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, pending_text, -1);
      }
  }
  /* One line: newlines of the excerpt become spaces. */
  g_strdelimit (excerpt_text, "\r\n", ' ');
  gtk_label_set_text (self->excerpt_label, excerpt_text);

  cw_room_row_update_time (self);

  gtk_widget_set_visible (GTK_WIDGET (self->muted_icon), muted);
  gtk_widget_set_visible (GTK_WIDGET (self->mention_badge), mentions > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->unread_badge), unread > 0);
  unread_text = unread > 999 ? g_strdup ("999+") : g_strdup_printf ("%u", unread);
  gtk_label_set_text (self->unread_badge, unread_text);
  set_class (GTK_WIDGET (self->unread_badge), "muted", muted);
  set_class (GTK_WIDGET (self), "unread", unread > 0);

  gtk_widget_set_visible (GTK_WIDGET (self->presence_dot), direct && presence != NULL);
  set_class (GTK_WIDGET (self->presence_dot), "online", g_strcmp0 (presence, "online") == 0);
  set_class (GTK_WIDGET (self->presence_dot), "idle", g_strcmp0 (presence, "idle") == 0);

  /* What a screen reader says for the row. */
  desc = g_string_new (name);
  if (direct && g_strcmp0 (presence, "online") == 0)
    g_string_append_printf (desc, ", %s", _("online"));
  else if (direct && g_strcmp0 (presence, "idle") == 0)
    g_string_append_printf (desc, ", %s", _("away"));
  if (unread > 0)
    {
      g_string_append (desc, ", ");
      g_string_append_printf (desc, g_dngettext (GETTEXT_PACKAGE, "%u unread message",
                                                 "%u unread messages", unread), unread);
    }
  if (mentions > 0)
    g_string_append_printf (desc, ", %s", _("mentioned"));
  if (muted)
    g_string_append_printf (desc, ", %s", _("muted"));
  a11y = g_string_free (desc, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, excerpt_text,
                                  -1);
}

void
cw_room_row_set_room (CwRoomRow *self,
                      CcRoom    *room)
{
  g_return_if_fail (CW_IS_ROOM_ROW (self));

  if (self->room == room)
    return;

  if (self->room != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->room);
      g_clear_object (&self->room);
    }

  if (room != NULL)
    {
      self->room = g_object_ref (room);
      self->notify_id = g_signal_connect_swapped (room, "notify", G_CALLBACK (update), self);
      update (self);
    }
}

CcRoom *
cw_room_row_get_room (CwRoomRow *self)
{
  g_return_val_if_fail (CW_IS_ROOM_ROW (self), NULL);
  return self->room;
}

static void
cw_room_row_dispose (GObject *object)
{
  CwRoomRow *self = CW_ROOM_ROW (object);

  cw_room_row_set_room (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ROOM_ROW);
  cw_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cw_room_row_parent_class)->dispose (object);
}

static void
cw_room_row_class_init (CwRoomRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_room_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-room-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, presence_dot);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, pending_icon);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, type_icon);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, muted_icon);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, excerpt_label);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, mention_badge);
  gtk_widget_class_bind_template_child (widget_class, CwRoomRow, unread_badge);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "roomrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cw_room_row_init (CwRoomRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CwRoomRow *
cw_room_row_new (void)
{
  return g_object_new (CW_TYPE_ROOM_ROW, NULL);
}
