/* cw-room-list.c: the sidebar. The rooms are the core's GListModel
 * (newest activity first) behind a GtkFilterListModel for the filter entry
 * and archived rooms and a GtkSliceListModel that grows as the list is
 * scrolled, shown by a GtkListView of CwRoomRow.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cc-invitation.h"
#include "cw-room-filters.h"
#include "cw-room-list.h"
#include "cw-utils.h"
#include "cw-room-row.h"
#include "cc-bidi.h"

/* GTK 4.8's GtkListView keeps a row for up to 200 items around the ones it
 * shows, so 200 rooms meant 200 rows, built before the first frame and
 * kept. The list gets the rooms through a slice that holds what the window
 * shows and grows by SLICE_ROWS as the list is scrolled towards its end
 * (tests/bench, bench-ui: start-up and memory). A room row is at least
 * ROW_MIN_PX high (a 42 px avatar and margins). */
#define SLICE_ROWS 30
#define ROW_MIN_PX 54

struct _CwRoomList
{
  GtkWidget           parent_instance;

  AdwHeaderBar       *header_bar;
  GtkMenuButton      *new_button;
  GtkMenuButton      *primary_button;
  GtkWidget          *activity_button;   /* Activity hook */
  GtkLabel           *activity_badge;
  GMenuModel         *new_menu;
  GMenuModel         *primary_menu;
  AdwWindowTitle     *window_title;
  GtkRevealer        *offline_revealer;
  GtkLabel           *offline_label;
  GtkButton          *reconnect_button;
  GtkSpinner         *offline_spinner;
  GtkRevealer        *invitation_revealer;
  GtkLabel           *invitation_label;
  GtkButton          *invitation_button;
  GtkSearchEntry     *filter_entry;
  CwRoomFilters      *kind_filters;
  GSettings          *settings;      /* "room-filter"; NULL without the schema */
  GtkStack           *list_stack;
  GtkListView        *list_view;

  CcClient           *client;
  GListModel         *invitations;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filter_model;
  GtkSliceListModel  *slice;
  GtkSingleSelection *selection;
  GHashTable         *bound_rows;
  char               *filter_text;
  char               *selected_id;
  guint               tick_id;
  guint               grow_id;
  guint               recount_id;     /* the filters' counts, once per change */
  gboolean            syncing;
};

enum {
  ROOM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CwRoomList, cw_room_list, GTK_TYPE_WIDGET)

gboolean
cw_room_list_filter_match (CcRoom     *room,
                           const char *text)
{
  g_autofree char *name = NULL;
  g_autofree char *needle = NULL;
  const char *excerpt;

  if (cc_room_get_is_archived (room))
    return FALSE;
  if (text == NULL || *text == '\0')
    return TRUE;

  needle = g_utf8_casefold (text, -1);
  name = g_utf8_casefold (cc_room_get_name (room) ? cc_room_get_name (room) : "", -1);
  if (strstr (name, needle) != NULL)
    return TRUE;

  excerpt = cc_room_get_last_message_excerpt (room);
  if (excerpt != NULL)
    {
      g_autofree char *folded = g_utf8_casefold (excerpt, -1);
      return strstr (folded, needle) != NULL;
    }
  return FALSE;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  CwRoomList *self = user_data;
  CcRoom *room = CC_ROOM (item);

  /* The open room stays listed while it is open (reading it takes it out
   * of Unread, for one). */
  if (!cw_room_kind_match (room, cw_room_filters_get_kind (self->kind_filters)) &&
      g_strcmp0 (cc_room_get_id (room), self->selected_id) != 0)
    return FALSE;
  return cw_room_list_filter_match (room, self->filter_text);
}

static void
recount (CwRoomList *self)
{
  cw_room_filters_count (self->kind_filters, self->client ? cc_client_get_rooms (self->client) : NULL);
}

/* Once the event that changed a room's counts has been applied whole (its
 * unread and mention counts change one after the other): the counts
 * follow, and so do the rooms listed under Unread and Mentions. */
static gboolean
recount_idle_cb (gpointer user_data)
{
  CwRoomList *self = user_data;
  CwRoomKind kind = cw_room_filters_get_kind (self->kind_filters);

  self->recount_id = 0;
  recount (self);
  if (kind == CW_ROOM_KIND_UNREAD || kind == CW_ROOM_KIND_MENTIONS)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  return G_SOURCE_REMOVE;
}

static void
on_rooms_changed_cb (CwRoomList *self)
{
  if (self->recount_id == 0)
    self->recount_id = g_idle_add (recount_idle_cb, self);
}

static void
on_kind_changed_cb (CwRoomList *self)
{
  CwRoomKind kind = cw_room_filters_get_kind (self->kind_filters);

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "room-filter", cw_room_kind_to_key (kind));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
update_stack (CwRoomList *self)
{
  guint n = self->filter_model ? g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) : 0;

  if (n > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else if ((self->filter_text != NULL && *self->filter_text) ||
           cw_room_filters_get_kind (self->kind_filters) != CW_ROOM_KIND_ALL)
    gtk_stack_set_visible_child_name (self->list_stack, "no-match");
  else
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
grow_slice (CwRoomList *self,
            guint       size)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  size = MIN (size, MAX (n, SLICE_ROWS));
  if (size > gtk_slice_list_model_get_size (self->slice))
    gtk_slice_list_model_set_size (self->slice, size);
}

static void
sync_selection (CwRoomList *self)
{
  GListModel *model;
  guint n;

  if (self->selection == NULL)
    return;

  self->syncing = TRUE;
  model = G_LIST_MODEL (self->selection);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (model, i);

      if (g_strcmp0 (cc_room_get_id (room), self->selected_id) == 0)
        {
          if (gtk_single_selection_get_selected (self->selection) != i)
            gtk_single_selection_set_selected (self->selection, i);
          self->syncing = FALSE;
          return;
        }
    }
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->syncing = FALSE;

  /* Past the slice: grow it, which comes back here. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  for (guint i = gtk_slice_list_model_get_size (self->slice); self->selected_id != NULL && i < n; i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (G_LIST_MODEL (self->filter_model), i);

      if (g_strcmp0 (cc_room_get_id (room), self->selected_id) == 0)
        {
          grow_slice (self, i + SLICE_ROWS);
          return;
        }
    }
}

static void
on_items_changed_cb (CwRoomList *self)
{
  update_stack (self);
}

static void
update_state (CwRoomList *self)
{
  CcSyncState state = self->client ? cc_client_get_state (self->client) : CC_SYNC_STATE_ONLINE;
  gboolean offline = state == CC_SYNC_STATE_OFFLINE || state == CC_SYNC_STATE_CONNECTING;

  gtk_revealer_set_reveal_child (self->offline_revealer, self->client != NULL && offline);
  gtk_spinner_set_spinning (self->offline_spinner, state == CC_SYNC_STATE_CONNECTING);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_spinner), state == CC_SYNC_STATE_CONNECTING);
  gtk_widget_set_visible (GTK_WIDGET (self->reconnect_button), state == CC_SYNC_STATE_OFFLINE);
  gtk_label_set_text (self->offline_label,
                      state == CC_SYNC_STATE_CONNECTING
                      ? _("Connecting — messages will be sent when the connection returns")
                      : _("Offline — messages will be sent when the connection returns"));

  if (self->client != NULL && state == CC_SYNC_STATE_SYNCING)
    adw_window_title_set_subtitle (self->window_title, _("Updating…"));
  else if (self->client != NULL)
    adw_window_title_set_subtitle (self->window_title,
                                   cc_account_get_tenant (cc_client_get_account (self->client)));
  else
    adw_window_title_set_subtitle (self->window_title, NULL);
}

static void
on_reconnect_cb (CwRoomList *self)
{
  if (self->client != NULL)
    cc_client_reconnect_now (self->client);
}

static gboolean
tick_cb (gpointer user_data)
{
  CwRoomList *self = user_data;
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    cw_room_row_update_time (row);
  return G_SOURCE_CONTINUE;
}

static gboolean
near_end (CwRoomList *self)
{
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  double page = gtk_adjustment_get_page_size (adj);

  /* Within two rows of the end of what the slice holds. (Not before the
   * list is allocated: nothing to measure by yet.) The first slice holds a
   * few rows more than the window shows, so nothing grows until the list
   * is scrolled: each room row is about 23 kB once drawn, and a whole
   * screen of them built at once just after the first frame was work and
   * memory for rows nobody had asked to see (tests/bench, bench-ui). */
  return page > 0 && gtk_adjustment_get_value (adj) + page + 2 * ROW_MIN_PX >= gtk_adjustment_get_upper (adj);
}

static gboolean
grow_cb (gpointer user_data)
{
  CwRoomList *self = user_data;

  self->grow_id = 0;
  if (near_end (self))
    grow_slice (self, gtk_slice_list_model_get_size (self->slice) + SLICE_ROWS);
  return G_SOURCE_REMOVE;
}

/* Near the end of what the slice holds: more, once the list is laid out
 * (the adjustment changes while it is). */
static void
on_list_scrolled_cb (CwRoomList *self)
{
  if (self->grow_id == 0 && near_end (self))
    self->grow_id = g_idle_add (grow_cb, self);
}

/* What the window shows, for its first frame. */
static guint
first_rows (CwRoomList *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  int width, height = 0;

  if (GTK_IS_WINDOW (root))
    {
      height = gtk_widget_get_height (GTK_WIDGET (root));
      if (height <= 0)
        gtk_window_get_default_size (GTK_WINDOW (root), &width, &height);
    }
  return height > 0 ? (guint) height / ROW_MIN_PX + 1 : SLICE_ROWS;
}

/* Factory ----------------------------------------------------------------- */

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          CwRoomList               *self)
{
  gtk_list_item_set_child (item, GTK_WIDGET (cw_room_row_new ()));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         CwRoomList               *self)
{
  CwRoomRow *row = CW_ROOM_ROW (gtk_list_item_get_child (item));

  cw_room_row_set_room (row, gtk_list_item_get_item (item));
  g_hash_table_add (self->bound_rows, row);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CwRoomList               *self)
{
  CwRoomRow *row = CW_ROOM_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->bound_rows, row);
  cw_room_row_set_room (row, NULL);
}

static void
teardown_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             CwRoomList               *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row != NULL)
    g_hash_table_remove (self->bound_rows, row);
}

/* Callbacks --------------------------------------------------------------- */

static void
on_activate_cb (CwRoomList *self,
                guint       position)
{
  g_autoptr(CcRoom) room = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (room == NULL)
    return;
  g_free (self->selected_id);
  self->selected_id = g_strdup (cc_room_get_id (room));
  g_signal_emit (self, signals[ROOM_ACTIVATED], 0, room);
}

static void
on_selected_cb (CwRoomList *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  CcRoom *room;

  if (self->syncing || position == GTK_INVALID_LIST_POSITION)
    return;

  room = gtk_single_selection_get_selected_item (self->selection);
  if (room == NULL || g_strcmp0 (cc_room_get_id (room), self->selected_id) == 0)
    return;
  on_activate_cb (self, position);
}

static void
on_filter_changed_cb (CwRoomList *self)
{
  g_free (self->filter_text);
  self->filter_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_stop_search_cb (CwRoomList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");
}

/* The newest invitation waiting for an answer, as a banner. */
static void
update_invitations (CwRoomList *self)
{
  guint n = self->invitations ? g_list_model_get_n_items (self->invitations) : 0;
  g_autoptr(CcInvitation) newest = n > 0 ? g_list_model_get_item (self->invitations, 0) : NULL;
  g_autofree char *text = NULL;

  gtk_revealer_set_reveal_child (self->invitation_revealer, newest != NULL);
  if (newest == NULL)
    return;

  if (n == 1)
    /* Translators: "Alice Martin invited you to Design" */
    text = cc_bidi_printf (_("%s invited you to %s"), cc_invitation_get_inviter_name (newest),
                            cc_invitation_get_room_name (newest));
  else
    /* Translators: the banner when several invitations wait; the newest is reviewed first. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s invited you to %s, and %u more invitation waits",
                                         "%s invited you to %s, and %u more invitations wait", n - 1),
                            cc_invitation_get_inviter_name (newest), cc_invitation_get_room_name (newest), n - 1);
  gtk_label_set_text (self->invitation_label, text);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->invitation_button), "s",
                                    cc_invitation_get_token (newest));
}

/* Public ------------------------------------------------------------------ */

void
cw_room_list_set_invitations (CwRoomList *self,
                              GListModel *invitations)
{
  g_return_if_fail (CW_IS_ROOM_LIST (self));

  if (self->invitations != NULL)
    g_signal_handlers_disconnect_by_data (self->invitations, self);
  g_set_object (&self->invitations, invitations);
  if (invitations != NULL)
    g_signal_connect_swapped (invitations, "items-changed", G_CALLBACK (update_invitations), self);
  update_invitations (self);
}

void
cw_room_list_set_client (CwRoomList *self,
                         CcClient   *client)
{
  g_return_if_fail (CW_IS_ROOM_LIST (self));

  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_signal_handlers_disconnect_by_data (cc_client_get_rooms (self->client), self);
    }
  g_set_object (&self->client, client);
  g_clear_pointer (&self->selected_id, g_free);
  if (client != NULL)
    {
      g_signal_connect_swapped (cc_client_get_rooms (client), "items-changed", G_CALLBACK (on_rooms_changed_cb), self);
      g_signal_connect_swapped (cc_client_get_rooms (client), "notify::unread-total",
                                G_CALLBACK (on_rooms_changed_cb), self);
    }
  recount (self);

  gtk_slice_list_model_set_size (self->slice, first_rows (self));
  gtk_filter_list_model_set_model (self->filter_model,
                                   client ? cc_client_get_rooms (client) : NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");

  if (client != NULL)
    g_signal_connect_swapped (client, "notify::state", G_CALLBACK (update_state), self);

  update_state (self);
  update_stack (self);
}

void
cw_room_list_select_room (CwRoomList *self,
                          const char *room_id)
{
  g_return_if_fail (CW_IS_ROOM_LIST (self));

  g_free (self->selected_id);
  self->selected_id = g_strdup (room_id);
  sync_selection (self);
}

void
cw_room_list_set_folded (CwRoomList *self,
                         gboolean    folded)
{
  g_return_if_fail (CW_IS_ROOM_LIST (self));

  adw_header_bar_set_show_end_title_buttons (self->header_bar, folded);
  /* A folded sidebar is a page of its own: no highlighted row. */
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

void
cw_room_list_focus_filter (CwRoomList *self)
{
  g_return_if_fail (CW_IS_ROOM_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}

/* GObject ----------------------------------------------------------------- */

static void
cw_room_list_dispose (GObject *object)
{
  CwRoomList *self = CW_ROOM_LIST (object);

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_signal_handlers_disconnect_by_data (cc_client_get_rooms (self->client), self);
    }
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  if (self->invitations != NULL)
    g_signal_handlers_disconnect_by_data (self->invitations, self);
  g_clear_object (&self->invitations);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->grow_id, g_source_remove);
  g_clear_handle_id (&self->recount_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ROOM_LIST);
  cw_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);

  G_OBJECT_CLASS (cw_room_list_parent_class)->dispose (object);
}

static void
cw_room_list_finalize (GObject *object)
{
  CwRoomList *self = CW_ROOM_LIST (object);

  g_free (self->filter_text);
  g_free (self->selected_id);
  G_OBJECT_CLASS (cw_room_list_parent_class)->finalize (object);
}

static void
cw_room_list_class_init (CwRoomListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_room_list_dispose;
  object_class->finalize = cw_room_list_finalize;

  g_type_ensure (CW_TYPE_ROOM_FILTERS);

  signals[ROOM_ACTIVATED] =
    g_signal_new ("room-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CC_TYPE_ROOM);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-room-list.ui");
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, new_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, primary_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, activity_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, activity_badge);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, new_menu);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, window_title);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, invitation_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, invitation_label);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, invitation_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, offline_label);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, offline_spinner);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, kind_filters);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CwRoomList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reconnect_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);

  gtk_widget_class_set_css_name (widget_class, "roomlist");
}

/* The sidebar keeps one width: its natural width is its minimum (raised
 * to its width-request by GTK), not that of the longest room name or
 * excerpt shown, which made it jump between about 400 and 510 px. */
static void
measure_cb (GtkWidget      *widget,
            GtkOrientation  orientation,
            int             for_size,
            int            *minimum,
            int            *natural,
            int            *minimum_baseline,
            int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  *minimum = *natural = 0;
  *minimum_baseline = *natural_baseline = -1;
  if (child == NULL)
    return;
  gtk_widget_measure (child, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = *minimum;
}

static void
allocate_cb (GtkWidget *widget,
             int        width,
             int        height,
             int        baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static void
cw_room_list_init (CwRoomList *self)
{
  GtkListItemFactory *factory;
  GtkAdjustment *adj;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  gtk_widget_set_layout_manager (GTK_WIDGET (self), gtk_custom_layout_new (NULL, measure_cb, allocate_cb));
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The filter chosen last time (issue 17). */
  if (schema != NULL && g_settings_schema_has_key (schema, "room-filter"))
    {
      g_autofree char *key = NULL;

      self->settings = g_settings_new (APP_ID);
      key = g_settings_get_string (self->settings, "room-filter");
      cw_room_filters_set_kind (self->kind_filters, cw_room_kind_from_key (key));
    }
  g_signal_connect_swapped (self->kind_filters, "notify::kind", G_CALLBACK (on_kind_changed_cb), self);
  cw_menu_button_set_menu_later (self->new_button, self->new_menu);
  cw_menu_button_set_menu_later (self->primary_button, self->primary_menu);

  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->slice = gtk_slice_list_model_new (G_LIST_MODEL (self->filter_model), 0, SLICE_ROWS);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->slice));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (on_selected_cb), self);
  g_signal_connect_swapped (self->filter_model, "items-changed",
                            G_CALLBACK (on_items_changed_cb), self);
  /* Re-sorting moves the open room, and it may be past the slice until
   * that has grown: keep it highlighted. */
  g_signal_connect_swapped (self->slice, "items-changed",
                            G_CALLBACK (sync_selection), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (on_list_scrolled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adj, "changed", G_CALLBACK (on_list_scrolled_cb), self, G_CONNECT_SWAPPED);

  self->tick_id = g_timeout_add_seconds (60, tick_cb, self);
  update_stack (self);
}

CcRoom *
cw_room_list_get_neighbour (CwRoomList *self,
                            const char *room_id,
                            int         step)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (CW_IS_ROOM_LIST (self), NULL);

  model = G_LIST_MODEL (self->filter_model);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; room_id != NULL && i < n; i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (model, i);

      if (g_strcmp0 (cc_room_get_id (room), room_id) == 0)
        {
          g_autoptr(CcRoom) next = NULL;

          if ((int) i + step < 0 || (int) i + step >= (int) n)
            return NULL;
          next = g_list_model_get_item (model, i + step);
          /* The list keeps it alive. */
          return next;
        }
    }
  if (n == 0)
    return NULL;
  {
    g_autoptr(CcRoom) first = g_list_model_get_item (model, 0);
    return first;
  }
}

/* Activity hook ------------------------------------------------------------ */

void
cw_room_list_set_activity_count (CwRoomList *self,
                                 guint       unread)
{
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (CW_IS_ROOM_LIST (self));

  text = unread > 99 ? g_strdup ("99+") : g_strdup_printf ("%u", unread);
  gtk_label_set_text (self->activity_badge, text);
  gtk_widget_set_visible (GTK_WIDGET (self->activity_badge), unread > 0);
  label = unread == 0 ? g_strdup (_("Activity"))
                      : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Activity, %u unread", "Activity, %u unread", unread), unread);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->activity_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (self->activity_button, label);
}
