/* cw-new-room-dialog.c: create a group or channel (POST /api/rooms).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-new-room-dialog.h"
#include "cw-utils.h"

struct _CwNewRoomDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *create_button;
  AdwEntryRow    *name_row;
  AdwEntryRow    *topic_row;
  AdwActionRow   *private_row;
  GtkSwitch      *private_switch;

  CcClient       *client;
  char           *type;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (CwNewRoomDialog, cw_new_room_dialog, ADW_TYPE_WINDOW)

static char *
trimmed (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
on_changed_cb (CwNewRoomDialog *self)
{
  g_autofree char *name = trimmed (self->name_row);

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), *name != '\0');
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwNewRoomDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) room = cc_client_action_finish (CC_CLIENT (source), result, &error);

  if (room == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), TRUE);
          cw_show_toast (GTK_WIDGET (self), cw_error_sentence (error));
        }
      return;
    }

  if (json_object_has_member (room, "id"))
    gtk_widget_activate_action (GTK_WIDGET (self), "app.open-room", "s",
                                json_object_get_string_member (room, "id"));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_create_cb (CwNewRoomDialog *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *name = trimmed (self->name_row);
  g_autofree char *topic = trimmed (self->topic_row);

  if (*name == '\0' || !gtk_widget_get_sensitive (GTK_WIDGET (self->create_button)))
    return;

  json_object_set_string_member (body, "type", self->type);
  json_object_set_string_member (body, "name", name);
  if (*topic != '\0')
    json_object_set_string_member (body, "description", topic);
  json_object_set_boolean_member (body, "is_private",
                                  g_strcmp0 (self->type, "group") == 0 ||
                                  gtk_switch_get_active (self->private_switch));

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
  cc_client_action_async (self->client, CC_CLIENT_ACTION_CREATE_ROOM, NULL, NULL, body,
                          self->cancellable, create_cb, g_object_ref (self));
}

static void
cw_new_room_dialog_dispose (GObject *object)
{
  CwNewRoomDialog *self = CW_NEW_ROOM_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_pointer (&self->type, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_NEW_ROOM_DIALOG);

  G_OBJECT_CLASS (cw_new_room_dialog_parent_class)->dispose (object);
}

static void
cw_new_room_dialog_class_init (CwNewRoomDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_new_room_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-new-room-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CwNewRoomDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CwNewRoomDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, CwNewRoomDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CwNewRoomDialog, topic_row);
  gtk_widget_class_bind_template_child (widget_class, CwNewRoomDialog, private_row);
  gtk_widget_class_bind_template_child (widget_class, CwNewRoomDialog, private_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_create_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cw_new_room_dialog_init (CwNewRoomDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CwNewRoomDialog *
cw_new_room_dialog_new (GtkWindow  *parent,
                        CcClient   *client,
                        const char *type)
{
  CwNewRoomDialog *self = g_object_new (CW_TYPE_NEW_ROOM_DIALOG, "transient-for", parent, NULL);
  gboolean channel = g_strcmp0 (type, "channel") == 0;

  self->client = g_object_ref (client);
  self->type = g_strdup (channel ? "channel" : "group");
  adw_window_title_set_title (self->window_title, channel ? _("New Channel") : _("New Group"));
  gtk_window_set_title (GTK_WINDOW (self), channel ? _("New Channel") : _("New Group"));
  gtk_widget_set_visible (GTK_WIDGET (self->private_row), channel);
  return self;
}
