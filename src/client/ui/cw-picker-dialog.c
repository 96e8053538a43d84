/* cw-picker-dialog.c: search people (GET /api/users) to open a direct
 * room, or list public channels (GET /api/rooms/discover) to join one.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-picker-dialog.h"
#include "cw-utils.h"
#include "cc-members.h"
#include "cc-bidi.h"
#include "cau-error.h"

struct _CwPickerDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkSearchEntry *search_entry;
  GtkStack       *stack;
  GtkListView    *list_view;
  GtkSpinner     *spinner;
  AdwStatusPage  *empty_page;

  CcClient       *client;
  CwPickerMode    mode;
  GListStore     *results;
  GtkCustomFilter *filter;
  GCancellable   *cancellable;
  char           *search;
  char           *room_id;      /* CW_PICKER_ADD_PEOPLE */
  GHashTable     *excluded;     /* user ids not to offer */
};

enum { SIGNAL_USER_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CwPickerDialog, cw_picker_dialog, ADW_TYPE_WINDOW)

static char *
title_cb (gpointer this,
          GObject *item)
{
  if (CC_IS_USER (item))
    return g_strdup (cc_user_get_display_name (CC_USER (item)));
  if (CC_IS_ROOM (item))
    return g_strdup (cc_room_get_name (CC_ROOM (item)));
  return NULL;
}

static char *
kind_cb (gpointer this,
         GObject *item)
{
  return g_strdup (CC_IS_USER (item) ? cc_user_get_kind (CC_USER (item)) : NULL);
}

static char *
subtitle_cb (gpointer this,
             GObject *item)
{
  /* An agent has no email: it says what it is for. */
  if (CC_IS_USER (item) && cc_user_is_agent (CC_USER (item)))
    return g_strdup (cc_user_get_description (CC_USER (item)));
  if (CC_IS_USER (item))
    return g_strdup (cc_user_get_email (CC_USER (item)));
  if (CC_IS_ROOM (item))
    {
      const char *d = cc_room_get_description (CC_ROOM (item));
      guint n = cc_room_get_member_count (CC_ROOM (item));

      if (d != NULL && *d)
        return g_strdup (d);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member", "%u members", n), n);
    }
  return NULL;
}

/* Why the signed-in user may not message @user directly, in the reader's
 * language when the server said which rule (else the server's sentence). */
static char *
cw_contact_reason (CcUser *user)
{
  const char *from = NULL, *to = NULL;
  const char *kind = cc_user_get_contact_rule (user, &from, &to);

  if (g_strcmp0 (kind, "rank") == 0 && from != NULL && to != NULL)
    /* Translators: why a person cannot be messaged directly; both are
     * rank names the organisation chose (CEO, Employee…). */
    return g_strdup_printf (_("Your organisation’s contact policy does not let people ranked “%s” "
                              "open a direct conversation with people ranked “%s”."), from, to);
  if (g_strcmp0 (kind, "role") == 0)
    return g_strdup (_("Your organisation does not let people with your role open a direct "
                       "conversation with people with theirs."));
  if (cc_user_get_contact_reason (user) != NULL)
    return g_strdup (cc_user_get_contact_reason (user));
  return g_strdup (_("Your organisation’s contact policy does not let you message this person directly."));
}

/* The contact policy (issue 17), for a new direct conversation only:
 * people one cannot message show why, and cannot be chosen. */
static gboolean
reachable_direct_cb (gpointer this,
                     gboolean can_direct)
{
  return can_direct;
}

static gboolean
unreachable_direct_cb (gpointer this,
                       gboolean can_direct)
{
  return !can_direct;
}

static gboolean
reachable_always_cb (gpointer this,
                     gboolean can_direct)
{
  return TRUE;
}

static gboolean
unreachable_never_cb (gpointer this,
                      gboolean can_direct)
{
  return FALSE;
}

static char *
unreachable_reason_cb (gpointer this,
                       GObject *item,
                       gboolean can_direct)
{
  return CC_IS_USER (item) && !can_direct ? cw_contact_reason (CC_USER (item)) : NULL;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  CwPickerDialog *self = user_data;
  g_autofree char *title = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *needle = NULL;

  /* People are searched by the server; channels are filtered here. */
  if (self->mode != CW_PICKER_CHANNELS || self->search == NULL || *self->search == '\0')
    return TRUE;
  title = title_cb (NULL, item);
  folded = g_utf8_casefold (title ? title : "", -1);
  needle = g_utf8_casefold (self->search, -1);
  return strstr (folded, needle) != NULL;
}

static void
update_stack (CwPickerDialog *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->list_view));

  if (g_list_model_get_n_items (model) > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    {
      adw_status_page_set_title (self->empty_page,
                                 self->mode != CW_PICKER_CHANNELS ? _("No People Found")
                                                                  : _("No Channels to Join"));
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
}

static void
rooms_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CwPickerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rooms = cc_client_discover_rooms_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  g_list_store_remove_all (self->results);
  adw_status_page_set_description (self->empty_page, rooms ? NULL : cw_error_sentence (error));
  for (guint i = 0; rooms != NULL && i < g_list_model_get_n_items (rooms); i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (rooms, i);

      g_list_store_append (self->results, room);
    }
  update_stack (self);
}

static void refresh (CwPickerDialog *self);

/* People to open a direct room with, or to add (not those excluded). */
static void
people_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwPickerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) users = cc_client_search_users_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  g_list_store_remove_all (self->results);
  adw_status_page_set_description (self->empty_page, users ? NULL : cw_error_sentence (error));
  for (guint i = 0; users != NULL && i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(CcUser) user = g_list_model_get_item (users, i);

      if (!g_hash_table_contains (self->excluded, cc_user_get_id (user)))
        g_list_store_append (self->results, user);
    }
  update_stack (self);
}

static void
drop_result (CwPickerDialog *self,
             CcUser         *user)
{
  guint pos;

  g_hash_table_add (self->excluded, g_strdup (cc_user_get_id (user)));
  if (g_list_store_find (self->results, user, &pos))
    g_list_store_remove (self->results, pos);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CwPickerDialog) self = user_data;
  g_autoptr(CcUser) user = g_object_steal_data (G_OBJECT (self), "cw-adding");
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->list_view), TRUE);
  if (!cc_client_member_op_finish (CC_CLIENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cw_show_toast (GTK_WIDGET (self), cw_error_sentence (error));
      return;
    }
  if (user != NULL)
    {
      g_autofree char *text = cc_bidi_printf (_("%s was added"), cc_user_get_display_name (user));

      drop_result (self, user);
      cw_show_toast (GTK_WIDGET (self), text);
    }
}

static void
choose_person (CwPickerDialog *self,
               CcUser         *user)
{
  if (self->room_id == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_USER_CHOSEN], 0, user);
      drop_result (self, user);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->list_view), FALSE);
  g_object_set_data_full (G_OBJECT (self), "cw-adding", g_object_ref (user), g_object_unref);
  cc_client_add_member_async (self->client, self->room_id, cc_user_get_id (user), NULL,
                              self->cancellable, added_cb, g_object_ref (self));
}

void
cw_picker_dialog_set_room (CwPickerDialog *self,
                           const char     *room_id)
{
  g_return_if_fail (CW_IS_PICKER_DIALOG (self));

  g_free (self->room_id);
  self->room_id = g_strdup (room_id);
  if (self->mode == CW_PICKER_ADD_PEOPLE)
    refresh (self);
}

void
cw_picker_dialog_exclude (CwPickerDialog *self,
                          const char     *user_id)
{
  g_return_if_fail (CW_IS_PICKER_DIALOG (self));

  g_hash_table_add (self->excluded, g_strdup (user_id));
}

static void
refresh (CwPickerDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_spinner_set_spinning (self->spinner, TRUE);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  if (self->mode == CW_PICKER_CHANNELS)
    cc_client_discover_rooms_async (self->client, self->cancellable, rooms_cb, g_object_ref (self));
  else
    cc_client_search_users_async (self->client, self->search,
                                  self->mode == CW_PICKER_ADD_PEOPLE ? self->room_id : NULL,
                                  self->cancellable, people_cb, g_object_ref (self));
}

static void
on_search_changed_cb (CwPickerDialog *self)
{
  g_free (self->search);
  self->search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  if (self->mode != CW_PICKER_CHANNELS)
    refresh (self);
  else
    {
      gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
      update_stack (self);
    }
}

static void
chosen_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwPickerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcRoom) room = NULL;

  if (g_async_result_is_tagged (result, cc_client_open_direct_async))
    room = cc_client_open_direct_finish (CC_CLIENT (source), result, &error);
  else
    room = cc_client_join_room_finish (CC_CLIENT (source), result, &error);
  if (room == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cw_show_toast (GTK_WIDGET (self), cw_error_sentence (error));
      gtk_widget_set_sensitive (GTK_WIDGET (self->list_view), TRUE);
      /* The policy changed since the list came: show it as it is now. */
      if (g_error_matches (error, CAU_ERROR, CAU_ERROR_FORBIDDEN))
        refresh (self);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-room", "s", cc_room_get_id (room));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_activate_cb (CwPickerDialog *self,
                guint           position)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->list_view));
  g_autoptr(GObject) item = g_list_model_get_item (model, position);

  if (item == NULL)
    return;

  if (self->mode == CW_PICKER_ADD_PEOPLE && CC_IS_USER (item))
    {
      choose_person (self, CC_USER (item));   /* issue 11 (people) */
      return;
    }
  if (CC_IS_USER (item) && !cc_user_get_can_direct (CC_USER (item)))
    {
      g_autofree char *why = cw_contact_reason (CC_USER (item));

      cw_show_toast (GTK_WIDGET (self), why);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->list_view), FALSE);
  if (CC_IS_USER (item))
    cc_client_open_direct_async (self->client, cc_user_get_id (CC_USER (item)),
                                 self->cancellable, chosen_cb, g_object_ref (self));
  else
    cc_client_join_room_async (self->client, cc_room_get_id (CC_ROOM (item)),
                               self->cancellable, chosen_cb, g_object_ref (self));
}

static void
on_search_activate_cb (CwPickerDialog *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->list_view));

  if (g_list_model_get_n_items (model) == 1)
    on_activate_cb (self, 0);
}

static void
cw_picker_dialog_dispose (GObject *object)
{
  CwPickerDialog *self = CW_PICKER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_PICKER_DIALOG);
  g_clear_object (&self->results);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->room_id, g_free);
  g_clear_pointer (&self->excluded, g_hash_table_unref);

  G_OBJECT_CLASS (cw_picker_dialog_parent_class)->dispose (object);
}

static void
cw_picker_dialog_class_init (CwPickerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_picker_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-picker-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CwPickerDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CwPickerDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CwPickerDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CwPickerDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, CwPickerDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CwPickerDialog, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  signals[SIGNAL_USER_CHOSEN] = g_signal_new ("user-chosen", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, CC_TYPE_USER);
}

static void
setup_factory (CwPickerDialog *self)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  g_autoptr(GtkListItemFactory) factory = NULL;
  gboolean direct = self->mode == CW_PICKER_PEOPLE;

  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "title_cb", G_CALLBACK (title_cb),
                                           "subtitle_cb", G_CALLBACK (subtitle_cb),
                                           "kind_cb", G_CALLBACK (kind_cb),
                                           "reachable_cb", direct ? G_CALLBACK (reachable_direct_cb)
                                                                  : G_CALLBACK (reachable_always_cb),
                                           "unreachable_cb", direct ? G_CALLBACK (unreachable_direct_cb)
                                                                    : G_CALLBACK (unreachable_never_cb),
                                           "unreachable_reason_cb", G_CALLBACK (unreachable_reason_cb),
                                           NULL);
  cw_add_agent_callbacks (scope);
  factory = gtk_builder_list_item_factory_new_from_resource (scope, "/org/causerie/Causerie/cw-picker-row.ui");
  gtk_list_view_set_factory (self->list_view, factory);
}

static void
cw_picker_dialog_init (CwPickerDialog *self)
{
  GtkFilterListModel *filtered;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->excluded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->results = g_list_store_new (G_TYPE_OBJECT);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->results)),
                                        GTK_FILTER (self->filter));
  g_signal_connect_swapped (filtered, "items-changed", G_CALLBACK (update_stack), self);
  selection = gtk_no_selection_new (G_LIST_MODEL (filtered));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  /* The row template looks up CcUser's "can-direct" by type name. */
  g_type_ensure (CC_TYPE_USER);
}

CwPickerDialog *
cw_picker_dialog_new (GtkWindow    *parent,
                      CcClient     *client,
                      CwPickerMode  mode)
{
  CwPickerDialog *self = g_object_new (CW_TYPE_PICKER_DIALOG, "transient-for", parent, NULL);
  const char *title = mode == CW_PICKER_PEOPLE ? _("New Direct Message")
                    : mode == CW_PICKER_ADD_PEOPLE ? _("Add People") : _("Browse Channels");

  self->client = g_object_ref (client);
  self->mode = mode;
  setup_factory (self);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  g_object_set (self->search_entry, "placeholder-text",
                mode != CW_PICKER_CHANNELS ? _("Search people") : _("Filter channels"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  mode != CW_PICKER_CHANNELS ? _("Search people")
                                                           : _("Filter channels"),
                                  -1);
  refresh (self);
  return self;
}
