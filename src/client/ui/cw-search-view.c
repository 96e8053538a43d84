/* cw-search-view.c: message search in the sidebar (cw-search-view.h).
 * A CcSearch (cache first, then the server) shown by a GtkListView of
 * CwSearchRow. The entry keeps the focus while Up and Down move through
 * the results and Enter opens the one selected, as in GNOME Shell's
 * search; Escape closes. The entry's own delay (150 ms) paces queries.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cc-search.h"
#include "cw-search-row.h"
#include "cw-search-view.h"
#include "cw-utils.h"

struct _CwSearchView
{
  GtkWidget          parent_instance;

  GtkSearchEntry    *entry;
  GtkToggleButton   *room_button;
  GtkToggleButton   *all_button;
  GtkWidget         *offline_label;
  GtkStack          *stack;
  AdwStatusPage     *hint_page;
  GtkListView       *list;

  CcClient          *client;
  CcSearch          *search;
  GtkSingleSelection *selection;
  char              *room_id;    /* the room "This Room" means */
};

G_DEFINE_FINAL_TYPE (CwSearchView, cw_search_view, GTK_TYPE_WIDGET)

enum { MESSAGE_ACTIVATED, CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
scope_room (CwSearchView *self)
{
  return gtk_toggle_button_get_active (self->room_button) ? self->room_id : NULL;
}

static void
update_page (CwSearchView *self)
{
  const char *page;

  if (self->search == NULL || *cc_search_get_text (self->search) == '\0')
    page = "hint";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->search)) > 0)
    page = "results";
  else if (cc_search_get_searched (self->search) && !cc_search_get_loading (self->search))
    page = "empty";
  else
    return;
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
update_hint (CwSearchView *self)
{
  adw_status_page_set_description (self->hint_page,
                                   scope_room (self) ? _("Find the messages of this room by their words")
                                                     : _("Find messages in all your rooms by their words"));
}

static void
update_online (CwSearchView *self)
{
  gtk_widget_set_visible (self->offline_label, self->client != NULL && !cc_client_get_online (self->client));
}

static void
run_query (CwSearchView *self)
{
  if (self->search != NULL)
    cc_search_set_query (self->search, gtk_editable_get_text (GTK_EDITABLE (self->entry)),
                         scope_room (self));
  update_page (self);
}

static void
on_search_changed_cb (CwSearchView *self)
{
  run_query (self);
}

static void
on_scope_toggled_cb (CwSearchView *self)
{
  update_hint (self);
  run_query (self);
}

static void
activate_position (CwSearchView *self,
                   guint         position)
{
  g_autoptr(CcMessage) message = NULL;

  if (self->search == NULL)
    return;
  message = g_list_model_get_item (G_LIST_MODEL (self->search), position);
  if (message != NULL)
    g_signal_emit (self, signals[MESSAGE_ACTIVATED], 0, message);
}

static void
on_list_activate_cb (CwSearchView *self,
                     guint         position)
{
  gtk_single_selection_set_selected (self->selection, position);
  activate_position (self, position);
}

static void
on_entry_activate_cb (CwSearchView *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    activate_position (self, selected);
}

static void
move_selection (CwSearchView *self,
                int           delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint next;

  if (n == 0)
    return;
  if (selected == GTK_INVALID_LIST_POSITION)
    next = 0;
  else if (delta < 0)
    next = selected > 0 ? selected - 1 : 0;
  else
    next = MIN (selected + 1, n - 1);
  gtk_single_selection_set_selected (self->selection, next);
  gtk_widget_activate_action (GTK_WIDGET (self->list), "list.scroll-to-item", "u", next);
}

static void
on_next_match_cb (CwSearchView *self)
{
  move_selection (self, +1);
}

static void
on_previous_match_cb (CwSearchView *self)
{
  move_selection (self, -1);
}

static gboolean
on_entry_key_cb (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 CwSearchView          *self)
{
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    move_selection (self, +1);
  else if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    move_selection (self, -1);
  else
    return GDK_EVENT_PROPAGATE;
  return GDK_EVENT_STOP;
}

static void
on_stop_search_cb (CwSearchView *self)
{
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
on_back_clicked_cb (CwSearchView *self)
{
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          CwSearchView             *self)
{
  gtk_list_item_set_child (item, GTK_WIDGET (cw_search_row_new ()));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         CwSearchView             *self)
{
  cw_search_row_set_message (CW_SEARCH_ROW (gtk_list_item_get_child (item)), self->client,
                             gtk_list_item_get_item (item),
                             self->search ? cc_search_get_text (self->search) : NULL);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CwSearchView             *self)
{
  cw_search_row_set_message (CW_SEARCH_ROW (gtk_list_item_get_child (item)), NULL, NULL, NULL);
}

void
cw_search_view_set_client (CwSearchView *self,
                           CcClient     *client)
{
  g_return_if_fail (CW_IS_SEARCH_VIEW (self));

  if (self->client == client)
    return;
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->search != NULL)
    g_signal_handlers_disconnect_by_data (self->search, self);
  g_clear_object (&self->search);
  g_set_object (&self->client, client);

  if (client != NULL)
    {
      self->search = cc_search_new (client);
      /* The entry already waits for a pause in typing. */
      cc_search_set_delay (self->search, 0);
      g_signal_connect_swapped (self->search, "items-changed", G_CALLBACK (update_page), self);
      g_signal_connect_swapped (self->search, "notify::searched", G_CALLBACK (update_page), self);
      g_signal_connect_swapped (self->search, "notify::loading", G_CALLBACK (update_page), self);
      g_signal_connect_swapped (client, "notify::online", G_CALLBACK (update_online), self);
    }
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->search));
  update_online (self);
  run_query (self);
}

void
cw_search_view_start (CwSearchView *self,
                      CcRoom       *room,
                      CcRoom       *current_room)
{
  g_return_if_fail (CW_IS_SEARCH_VIEW (self));

  g_free (self->room_id);
  self->room_id = current_room ? g_strdup (cc_room_get_id (current_room)) : NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->room_button), current_room != NULL);
  if (room != NULL && current_room != NULL)
    gtk_toggle_button_set_active (self->room_button, TRUE);
  else
    gtk_toggle_button_set_active (self->all_button, TRUE);
  update_hint (self);
  update_online (self);
  run_query (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

static void
cw_search_view_dispose (GObject *object)
{
  CwSearchView *self = CW_SEARCH_VIEW (object);

  cw_search_view_set_client (self, NULL);
  g_clear_object (&self->selection);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_SEARCH_VIEW);
  cw_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cw_search_view_parent_class)->dispose (object);
}

static void
cw_search_view_finalize (GObject *object)
{
  CwSearchView *self = CW_SEARCH_VIEW (object);

  g_free (self->room_id);
  G_OBJECT_CLASS (cw_search_view_parent_class)->finalize (object);
}

static void
cw_search_view_class_init (CwSearchViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_search_view_dispose;
  object_class->finalize = cw_search_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-search-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CwSearchView, entry);
  gtk_widget_class_bind_template_child (widget_class, CwSearchView, room_button);
  gtk_widget_class_bind_template_child (widget_class, CwSearchView, all_button);
  gtk_widget_class_bind_template_child (widget_class, CwSearchView, offline_label);
  gtk_widget_class_bind_template_child (widget_class, CwSearchView, stack);
  gtk_widget_class_bind_template_child (widget_class, CwSearchView, hint_page);
  gtk_widget_class_bind_template_child (widget_class, CwSearchView, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_next_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_previous_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_scope_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);

  signals[MESSAGE_ACTIVATED] = g_signal_new ("message-activated", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, CC_TYPE_MESSAGE);
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "searchview");
}

static void
cw_search_view_init (CwSearchView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list, factory);
  g_object_unref (factory);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
  update_hint (self);
}
