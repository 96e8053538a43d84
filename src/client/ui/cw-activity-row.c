/* cw-activity-row.c: one Activity entry.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cw-activity-row"

#include "cw-activity-row.h"

#include <glib/gi18n.h>

#include "cw-utils.h"
#include "cc-bidi.h"

struct _CwActivityRow
{
  GtkListBoxRow   parent_instance;
  GtkImage       *icon;
  GtkLabel       *title_label;
  GtkLabel       *time_label;
  GtkLabel       *body_label;
  GtkWidget      *unread_dot;
  CcNotification *notification;
  CcInvitation   *invitation;
};

G_DEFINE_FINAL_TYPE (CwActivityRow, cw_activity_row, GTK_TYPE_LIST_BOX_ROW)

static char *
when_text (gint64 unix_ms)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_ms / 1000);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (when == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  /* Translators: a date in the Activity list (as elsewhere); see strftime(3). */
  return g_date_time_format (when, _("%e %b"));
}

static void
update_read (CwActivityRow *self)
{
  gboolean read = cc_notification_get_read (self->notification);
  g_autofree char *label = NULL;

  gtk_widget_set_visible (self->unread_dot, !read);
  if (read)
    gtk_widget_remove_css_class (GTK_WIDGET (self->title_label), "heading");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "heading");
  /* Screen readers, and the UI tests, hear the state with the title. */
  label = read ? g_strdup (cc_notification_get_title (self->notification))
               : g_strdup_printf (_("Unread: %s"), cc_notification_get_title (self->notification));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
cw_activity_row_dispose (GObject *object)
{
  CwActivityRow *self = CW_ACTIVITY_ROW (object);

  if (self->notification)
    g_signal_handlers_disconnect_by_data (self->notification, self);
  g_clear_object (&self->notification);
  g_clear_object (&self->invitation);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ACTIVITY_ROW);
  G_OBJECT_CLASS (cw_activity_row_parent_class)->dispose (object);
}

static void
cw_activity_row_class_init (CwActivityRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_activity_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-activity-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CwActivityRow, icon);
  gtk_widget_class_bind_template_child (widget_class, CwActivityRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, CwActivityRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, CwActivityRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, CwActivityRow, unread_dot);
}

static void
cw_activity_row_init (CwActivityRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cw_activity_row_new_notification (CcNotification *notification)
{
  CwActivityRow *self;
  const char *icon;
  g_autofree char *when = NULL;

  g_return_val_if_fail (CC_IS_NOTIFICATION (notification), NULL);

  self = g_object_new (CW_TYPE_ACTIVITY_ROW, NULL);
  self->notification = g_object_ref (notification);
  switch (cc_notification_get_kind (notification))
    {
    case CC_NOTIFICATION_DIRECT:
      icon = "mail-unread-symbolic";
      break;
    case CC_NOTIFICATION_INVITATION:
      icon = "list-add-symbolic";
      break;
    case CC_NOTIFICATION_MENTION:
    case CC_NOTIFICATION_REPLY:
    case CC_NOTIFICATION_OTHER:
    default:
      icon = "preferences-system-notifications-symbolic";
      break;
    }
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_text (self->title_label, cc_notification_get_title (notification));
  gtk_label_set_text (self->body_label, cc_notification_get_body (notification));
  gtk_widget_set_visible (GTK_WIDGET (self->body_label), *cc_notification_get_body (notification) != '\0');
  when = when_text (cc_notification_get_created_at (notification));
  gtk_label_set_text (self->time_label, when);
  g_signal_connect_swapped (notification, "notify::read", G_CALLBACK (update_read), self);
  update_read (self);
  return GTK_WIDGET (self);
}

GtkWidget *
cw_activity_row_new_invitation (CcInvitation *invitation)
{
  CwActivityRow *self;
  g_autofree char *title = NULL;
  const char *inviter, *message;

  g_return_val_if_fail (CC_IS_INVITATION (invitation), NULL);

  self = g_object_new (CW_TYPE_ACTIVITY_ROW, NULL);
  self->invitation = g_object_ref (invitation);
  inviter = cc_invitation_get_inviter_name (invitation);
  if (inviter && *inviter)
    /* Translators: a pending invitation; a person's name, then a room's. */
    title = cc_bidi_printf (_("%s invited you to %s"), inviter, cc_invitation_get_room_name (invitation));
  else
    /* Translators: a pending invitation; %s is a room's name. */
    title = cc_bidi_printf (_("Invitation to %s"), cc_invitation_get_room_name (invitation));
  gtk_image_set_from_icon_name (self->icon, "list-add-symbolic");
  gtk_label_set_text (self->title_label, title);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "heading");
  message = cc_invitation_get_message (invitation);
  gtk_label_set_text (self->body_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->body_label), message && *message);
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), FALSE);
  gtk_widget_set_visible (self->unread_dot, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return GTK_WIDGET (self);
}

CcNotification *
cw_activity_row_get_notification (CwActivityRow *self)
{
  g_return_val_if_fail (CW_IS_ACTIVITY_ROW (self), NULL);
  return self->notification;
}

CcInvitation *
cw_activity_row_get_invitation (CwActivityRow *self)
{
  g_return_val_if_fail (CW_IS_ACTIVITY_ROW (self), NULL);
  return self->invitation;
}
