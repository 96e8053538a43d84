/* cw-room-settings.c: room settings. Name and topic (owner/admin) apply
 * with the entry's apply button; mute and notify level are the caller's
 * own and apply at once.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-room-settings.h"
#include "cw-utils.h"

struct _CwRoomSettings
{
  AdwPreferencesWindow parent_instance;

  AdwPreferencesGroup *details_group;
  AdwEntryRow         *name_row;
  AdwEntryRow         *topic_row;
  GtkSwitch           *mute_switch;
  AdwComboRow         *notify_row;
  GtkButton           *archive_button;
  GtkButton           *leave_button;

  CcClient            *client;
  CcRoom              *room;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (CwRoomSettings, cw_room_settings, ADW_TYPE_PREFERENCES_WINDOW)

/* Errors show in the main window, which outlives this one. */
static gpointer
toast_target (CwRoomSettings *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  return g_object_ref (parent ? GTK_WIDGET (parent) : GTK_WIDGET (self));
}

static void
on_name_apply_cb (CwRoomSettings *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  if (*name == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("A room needs a name.")));
      return;
    }
  cc_client_rename_room_async (self->client, cc_room_get_id (self->room), name, NULL,
                               cw_room_op_done_cb, toast_target (self));
}

static void
on_topic_apply_cb (CwRoomSettings *self)
{
  cc_client_set_room_description_async (self->client, cc_room_get_id (self->room),
                                        gtk_editable_get_text (GTK_EDITABLE (self->topic_row)), NULL,
                                        cw_room_op_done_cb, toast_target (self));
}

static void
on_mute_cb (CwRoomSettings *self)
{
  if (self->loading)
    return;
  cc_client_set_room_muted_async (self->client, cc_room_get_id (self->room),
                                  gtk_switch_get_active (self->mute_switch), NULL,
                                  cw_room_op_done_cb, toast_target (self));
}

/* The combo's items are in CcNotifyLevel order; the choice is this
 * device's (a desktop notification is this device's business). */
static void
on_notify_cb (CwRoomSettings *self)
{
  guint selected = adw_combo_row_get_selected (self->notify_row);

  if (self->loading || selected > CC_NOTIFY_NONE)
    return;
  cc_client_set_notify_level (self->client, cc_room_get_id (self->room), selected);
}

static void
on_archive_cb (CwRoomSettings *self)
{
  cc_client_archive_room_async (self->client, cc_room_get_id (self->room), NULL,
                                cw_room_op_done_cb, toast_target (self));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_leave_cb (CwRoomSettings *self)
{
  cc_client_leave_room_async (self->client, cc_room_get_id (self->room), NULL,
                              cw_room_op_done_cb, toast_target (self));
  gtk_window_close (GTK_WINDOW (self));
}

static void
load (CwRoomSettings *self)
{
  const char *role = cc_room_get_my_role (self->room);
  gboolean manager = g_strcmp0 (role, "owner") == 0 || g_strcmp0 (role, "admin") == 0;
  gboolean direct = g_strcmp0 (cc_room_get_room_type (self->room), "direct") == 0;
  gboolean conversation = direct || g_strcmp0 (cc_room_get_room_type (self->room), "group") == 0;

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), cc_room_get_name (self->room));
  gtk_editable_set_text (GTK_EDITABLE (self->topic_row),
                         cc_room_get_description (self->room) ? cc_room_get_description (self->room) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_group), !direct);
  gtk_widget_set_sensitive (GTK_WIDGET (self->details_group), manager);
  if (!manager)
    adw_preferences_group_set_description (self->details_group,
                                           _("Only the room's owners and admins can change these."));
  gtk_switch_set_active (self->mute_switch, cc_room_get_muted (self->room));
  adw_combo_row_set_selected (self->notify_row, cc_room_get_notify_level (self->room));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->notify_row),
                               conversation ? _("By default, every message")
                                            : _("By default, mentions of you and replies to you"));
  gtk_widget_set_visible (GTK_WIDGET (self->archive_button), manager && !direct);
  gtk_widget_set_visible (GTK_WIDGET (self->leave_button), !direct);
  self->loading = FALSE;
}

static void
cw_room_settings_dispose (GObject *object)
{
  CwRoomSettings *self = CW_ROOM_SETTINGS (object);

  g_clear_object (&self->client);
  g_clear_object (&self->room);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ROOM_SETTINGS);

  G_OBJECT_CLASS (cw_room_settings_parent_class)->dispose (object);
}

static void
cw_room_settings_class_init (CwRoomSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_room_settings_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-room-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, CwRoomSettings, details_group);
  gtk_widget_class_bind_template_child (widget_class, CwRoomSettings, name_row);
  gtk_widget_class_bind_template_child (widget_class, CwRoomSettings, topic_row);
  gtk_widget_class_bind_template_child (widget_class, CwRoomSettings, mute_switch);
  gtk_widget_class_bind_template_child (widget_class, CwRoomSettings, notify_row);
  gtk_widget_class_bind_template_child (widget_class, CwRoomSettings, archive_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomSettings, leave_button);
  gtk_widget_class_bind_template_callback (widget_class, on_name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_topic_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mute_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_archive_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leave_cb);
}

static void
cw_room_settings_init (CwRoomSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CwRoomSettings *
cw_room_settings_new (GtkWindow *parent,
                      CcClient  *client,
                      CcRoom    *room)
{
  CwRoomSettings *self = g_object_new (CW_TYPE_ROOM_SETTINGS, "transient-for", parent, NULL);

  self->client = g_object_ref (client);
  self->room = g_object_ref (room);
  load (self);
  return self;
}
