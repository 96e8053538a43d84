/* cw-discuss-dialog.c: "Discuss" from another application. Everything it
 * shows comes from typed core calls (cc-discuss.h); nothing is done until
 * the user picks one of the three ways on.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-context-card.h"
#include "cw-discuss-dialog.h"
#include "cw-utils.h"
#include "cw-window.h"

struct _CwDiscussDialog
{
  AdwWindow             parent_instance;

  AdwPreferencesGroup  *object_group;
  GtkButton            *open_object_button;
  GtkLabel             *status_label;
  GtkListBox           *rooms_list;
  GtkListBox           *messages_list;
  AdwActionRow         *with_row;
  GtkButton            *start_button;
  AdwComboRow          *room_combo;
  GtkButton            *write_button;

  CwApplication        *app;
  CcClient             *client;
  CcDiscussLink        *link;
  GCancellable         *cancellable;
  GPtrArray            *people;     /* CcUser named by the link, or NULL */
  GPtrArray            *room_ids;   /* of the combo's rooms, in order */
};

G_DEFINE_FINAL_TYPE (CwDiscussDialog, cw_discuss_dialog, ADW_TYPE_WINDOW)

static void
show_status (CwDiscussDialog *self,
             const char      *sentence)
{
  gtk_label_set_text (self->status_label, sentence);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), sentence != NULL);
}

static const char *
room_name (CcRoom *room)
{
  const char *name = cc_room_get_name (room);

  return name && *name ? name : _("Unnamed Room");
}

static GtkWidget *
room_row (gpointer item,
          gpointer user_data)
{
  CcRoom *room = item;
  GtkWidget *row = adw_action_row_new ();
  const char *excerpt = cc_room_get_last_message_excerpt (room);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), room_name (room));
  if (excerpt != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), excerpt);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "room-id", g_strdup (cc_room_get_id (room)), g_free);
  return row;
}

static GtkWidget *
message_row (gpointer item,
             gpointer user_data)
{
  CwDiscussDialog *self = user_data;
  CcMessage *message = item;
  GtkWidget *row = adw_action_row_new ();
  CcRoom *room = cc_client_lookup_room (self->client, cc_message_get_room_id (message));
  g_autofree char *clock = cw_format_relative_time (cc_message_get_created_at (message));
  g_autofree char *title = NULL;
  const char *sender = cc_message_get_sender_name (message);

  /* Translators: a message about an object: who wrote it, in which room, when. */
  title = g_strdup_printf (_("%s in %s, %s"), sender ? sender : _("Deleted user"),
                          room ? room_name (room) : _("a room"), clock);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cc_message_get_body (message));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), room != NULL);
  g_object_set_data_full (G_OBJECT (row), "room-id", g_strdup (cc_message_get_room_id (message)), g_free);
  return row;
}

static GtkWidget *
placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  return label;
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwDiscussDialog) self = user_data;
  g_autoptr(GListModel) rooms = NULL;
  g_autoptr(GListModel) messages = NULL;
  g_autoptr(GError) error = NULL;

  if (!cc_client_lookup_context_finish (CC_CLIENT (source), result, &rooms, &messages, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_status (self, cw_error_sentence (error));
      return;
    }
  gtk_list_box_set_placeholder (self->rooms_list, placeholder (_("No room of yours is about it yet.")));
  gtk_list_box_set_placeholder (self->messages_list, placeholder (_("No message you can read cites it yet.")));
  gtk_list_box_bind_model (self->rooms_list, rooms, room_row, NULL, NULL);
  gtk_list_box_bind_model (self->messages_list, messages, message_row, self, NULL);
}

static void
resolve_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwDiscussDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = cc_client_resolve_emails_finish (CC_CLIENT (source), result, &error);
  g_autoptr(GString) names = g_string_new (NULL);

  if (people == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Not started with fewer people than asked, silently. */
      show_status (self, cw_error_sentence (error));
      adw_action_row_set_subtitle (self->with_row, _("Some of the people named could not be found."));
      return;
    }
  for (guint i = 0; i < people->len; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, cc_user_get_display_name (g_ptr_array_index (people, i)));
    }
  adw_action_row_set_subtitle (self->with_row, names->len ? names->str : _("Only you, for now"));
  self->people = g_steal_pointer (&people);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
}

static void
fill_rooms (CwDiscussDialog *self)
{
  GListModel *rooms = cc_client_get_rooms (self->client);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  self->room_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (rooms); i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (rooms, i);

      if (cc_room_get_is_archived (room))
        continue;
      gtk_string_list_append (names, room_name (room));
      g_ptr_array_add (self->room_ids, g_strdup (cc_room_get_id (room)));
    }
  adw_combo_row_set_model (self->room_combo, G_LIST_MODEL (names));
  gtk_widget_set_sensitive (GTK_WIDGET (self->write_button), self->room_ids->len > 0);
}

/* The three ways on ------------------------------------------------------- */

static void
open_room (CwDiscussDialog *self,
           const char      *room_id)
{
  if (room_id == NULL || cc_client_lookup_room (self->client, room_id) == NULL)
    return;
  cw_application_open_room (self->app, room_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_room_activated_cb (CwDiscussDialog *self,
                      GtkListBoxRow   *row)
{
  open_room (self, g_object_get_data (G_OBJECT (row), "room-id"));
}

static void
on_message_activated_cb (CwDiscussDialog *self,
                         GtkListBoxRow   *row)
{
  open_room (self, g_object_get_data (G_OBJECT (row), "room-id"));
}

static void
on_open_object_cb (CwDiscussDialog *self)
{
  cw_context_open_url (GTK_WIDGET (self), self->link->context->url);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwDiscussDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcRoom) room = cc_client_create_room_finish (CC_CLIENT (source), result, &error);

  if (room == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_status (self, cw_error_sentence (error));
          gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
        }
      return;
    }
  open_room (self, cc_room_get_id (room));
}

static void
on_start_clicked_cb (CwDiscussDialog *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autofree char *name = NULL;

  if (self->people == NULL)
    return;
  for (guint i = 0; i < self->people->len; i++)
    g_ptr_array_add (ids, (gpointer) cc_user_get_id (g_ptr_array_index (self->people, i)));
  g_ptr_array_add (ids, NULL);
  /* A label may be twice as long as a room's name. */
  name = g_utf8_substring (self->link->context->label, 0,
                           MIN (g_utf8_strlen (self->link->context->label, -1), 100));
  show_status (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
  cc_client_create_tied_room_async (self->client, "group", g_strstrip (name), NULL, FALSE,
                                    (const char * const *) ids->pdata, self->link->context,
                                    self->cancellable, created_cb, g_object_ref (self));
}

static void
on_write_clicked_cb (CwDiscussDialog *self)
{
  guint i = adw_combo_row_get_selected (self->room_combo);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (i == GTK_INVALID_LIST_POSITION || i >= self->room_ids->len || !CW_IS_WINDOW (parent))
    return;
  cw_window_cite_in_room (CW_WINDOW (parent), g_ptr_array_index (self->room_ids, i), self->link->context);
  gtk_window_present (parent);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* GObject ----------------------------------------------------------------- */

const CauContext *
cw_discuss_dialog_get_context (CwDiscussDialog *self)
{
  g_return_val_if_fail (CW_IS_DISCUSS_DIALOG (self), NULL);
  return self->link->context;
}

CwDiscussDialog *
cw_discuss_dialog_new (GtkWindow           *parent,
                       CwApplication       *app,
                       const CcDiscussLink *link)
{
  CwDiscussDialog *self;
  const CauContext *context;
  g_autofree char *kind = NULL;

  g_return_val_if_fail (CW_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (cw_application_get_client (app) != NULL && link != NULL, NULL);

  self = g_object_new (CW_TYPE_DISCUSS_DIALOG, "transient-for", parent, "application", app, NULL);
  self->app = app;
  self->client = g_object_ref (cw_application_get_client (app));
  self->link = g_new0 (CcDiscussLink, 1);
  self->link->server = g_strdup (link->server);
  self->link->context = cau_context_copy (link->context);
  self->link->with = g_strdupv (link->with);
  context = self->link->context;

  /* Translators: an object of another application: its type and id, as
   * in "crm.deal · D-42". */
  kind = g_strdup_printf (_("%s · %s"), context->entity_type, context->entity_id);
  adw_preferences_group_set_title (self->object_group, context->label);
  adw_preferences_group_set_description (self->object_group, kind);
  gtk_widget_set_visible (GTK_WIDGET (self->open_object_button), context->url != NULL);
  if (context->url != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->open_object_button), context->url);

  fill_rooms (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
  adw_action_row_set_subtitle (self->with_row, _("Looking up the people named…"));
  cc_client_lookup_context_async (self->client, context, self->cancellable, lookup_cb, g_object_ref (self));
  cc_client_resolve_emails_async (self->client, (const char * const *) self->link->with, self->cancellable,
                                  resolve_cb, g_object_ref (self));
  return self;
}

static void
cw_discuss_dialog_dispose (GObject *object)
{
  CwDiscussDialog *self = CW_DISCUSS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_pointer (&self->link, cc_discuss_link_free);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_pointer (&self->room_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (cw_discuss_dialog_parent_class)->dispose (object);
}

static void
cw_discuss_dialog_class_init (CwDiscussDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_discuss_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-discuss-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, object_group);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, open_object_button);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, rooms_list);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, messages_list);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, with_row);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, room_combo);
  gtk_widget_class_bind_template_child (widget_class, CwDiscussDialog, write_button);
  gtk_widget_class_bind_template_callback (widget_class, on_room_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_message_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_object_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_write_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cw_discuss_dialog_init (CwDiscussDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
