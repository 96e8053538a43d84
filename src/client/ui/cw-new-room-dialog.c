/* cw-new-room-dialog.c: create a group, channel or project room, with
 * people added at once (cc_client_create_room_async).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-new-room-dialog.h"
#include "cw-utils.h"
#include "cw-picker-dialog.h"

struct _CwNewRoomDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *create_button;
  AdwEntryRow    *name_row;
  AdwEntryRow    *topic_row;
  AdwActionRow   *private_row;
  GtkSwitch      *private_switch;
  AdwActionRow   *people_row;
  GListStore     *people;      /* CcUser chosen to add (issue 11) */

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
  g_autoptr(CcRoom) room = cc_client_create_room_finish (CC_CLIENT (source), result, &error);

  if (room == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), TRUE);
          cw_show_toast (GTK_WIDGET (self), cw_error_sentence (error));
        }
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-room", "s", cc_room_get_id (room));
  gtk_window_close (GTK_WINDOW (self));
}

/* issue 11 (people): people added while creating the room. */
static void
update_people (CwNewRoomDialog *self)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->people)); i++)
    {
      g_autoptr(CcUser) user = g_list_model_get_item (G_LIST_MODEL (self->people), i);

      if (names->len)
        g_string_append (names, ", ");
      g_string_append (names, cc_user_get_display_name (user));
    }
  adw_action_row_set_subtitle (self->people_row, names->len ? names->str : _("Only you for now"));
}

static void
on_user_chosen_cb (CwNewRoomDialog *self,
                   CcUser          *user)
{
  g_list_store_append (self->people, user);
  update_people (self);
}

static void
on_add_people_cb (CwNewRoomDialog *self)
{
  CwPickerDialog *picker = cw_picker_dialog_new (GTK_WINDOW (self), self->client, CW_PICKER_ADD_PEOPLE);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->people)); i++)
    {
      g_autoptr(CcUser) user = g_list_model_get_item (G_LIST_MODEL (self->people), i);
      cw_picker_dialog_exclude (picker, cc_user_get_id (user));
    }
  g_signal_connect_object (picker, "user-chosen", G_CALLBACK (on_user_chosen_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
on_create_cb (CwNewRoomDialog *self)
{
  g_autofree char *name = trimmed (self->name_row);
  g_autofree char *topic = trimmed (self->topic_row);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->people));
  g_autoptr(GPtrArray) member_ids = g_ptr_array_new_full (n + 1, g_free);

  if (*name == '\0' || !gtk_widget_get_sensitive (GTK_WIDGET (self->create_button)))
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcUser) user = g_list_model_get_item (G_LIST_MODEL (self->people), i);

      g_ptr_array_add (member_ids, g_strdup (cc_user_get_id (user)));
    }
  g_ptr_array_add (member_ids, NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
  cc_client_create_room_async (self->client, self->type, name, *topic != '\0' ? topic : NULL,
                               g_strcmp0 (self->type, "channel") != 0 ||
                               gtk_switch_get_active (self->private_switch),
                               (const char * const *) member_ids->pdata,
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
  g_clear_object (&self->people);
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
  gtk_widget_class_bind_template_child (widget_class, CwNewRoomDialog, people_row);
  gtk_widget_class_bind_template_callback (widget_class, on_add_people_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_create_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cw_new_room_dialog_init (CwNewRoomDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->people = g_list_store_new (CC_TYPE_USER);
}

CwNewRoomDialog *
cw_new_room_dialog_new (GtkWindow  *parent,
                        CcClient   *client,
                        const char *type)
{
  CwNewRoomDialog *self = g_object_new (CW_TYPE_NEW_ROOM_DIALOG, "transient-for", parent, NULL);
  gboolean channel = g_strcmp0 (type, "channel") == 0;
  gboolean project = g_strcmp0 (type, "project") == 0;
  const char *title = channel ? _("New Channel") : project ? _("New Project") : _("New Group");

  self->client = g_object_ref (client);
  self->type = g_strdup (channel ? "channel" : project ? "project" : "group");
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_set_visible (GTK_WIDGET (self->private_row), channel);
  return self;
}
