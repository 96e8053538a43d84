/* cw-window.c: the main window: a loading page while a saved session is
 * restored, the sign-in view, or an AdwLeaflet with the room list beside
 * the conversation. The sign-in view and the conversation are built on
 * first need, so a start with a saved session builds neither. Keeps its
 * size and the last room in GSettings, shows the unread total in its
 * title and reports input for idle presence.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-bench.h"
#include "cw-conversation.h"
#include "cw-new-room-dialog.h"
#include "cw-members-actions.h"   /* issue 11 (people) */
#include "cw-picker-dialog.h"
#include "cw-room-list.h"
#include "cw-search-view.h"
#include "cw-activity-view.h"
#include "cc-activity.h"
#include "cc-invitation.h"
#include "cw-signin-view.h"
#include "cw-window.h"

struct _CwWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  CwSigninView         *signin_view;     /* NULL until first signed out */
  AdwLeaflet           *leaflet;
  CwRoomList           *room_list;
  GtkStack             *sidebar_stack;
  CwSearchView         *search_view;     /* NULL until search first opens */
  CwActivityView       *activity_view;   /* Activity hook: NULL until first opened */
  GtkStack             *content_stack;
  AdwHeaderBar         *empty_header;
  CwConversation       *conversation;    /* NULL until a room is first open */

  GSettings            *settings;
  CwApplication        *app;
  CcClient             *client;
  char                 *room_id;
  char                 *pending_room_id;
  gulong                rooms_changed_id;
};

G_DEFINE_FINAL_TYPE (CwWindow, cw_window, ADW_TYPE_APPLICATION_WINDOW)

static void _cw_window_activity_client_changed (CwWindow *self);  /* Activity hook */

static void
update_title (CwWindow *self)
{
  guint unread = self->client ? cc_client_get_unread_total (self->client) : 0;

  if (unread > 0)
    {
      /* Translators: the window title with the number of unread messages. */
      g_autofree char *title = g_strdup_printf (_("Causerie (%u)"), unread);
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _("Causerie"));
}

static CwSigninView *
ensure_signin_view (CwWindow *self)
{
  if (self->signin_view == NULL)
    {
      self->signin_view = g_object_new (CW_TYPE_SIGNIN_VIEW, NULL);
      cw_signin_view_set_application (self->signin_view, self->app);
      gtk_stack_add_named (self->stack, GTK_WIDGET (self->signin_view), "signin");
    }
  return self->signin_view;
}

static CwConversation *
ensure_conversation (CwWindow *self)
{
  if (self->conversation == NULL)
    {
      self->conversation = g_object_new (CW_TYPE_CONVERSATION, NULL);
      cw_conversation_set_client (self->conversation, self->client);
      cw_conversation_set_folded (self->conversation, adw_leaflet_get_folded (self->leaflet));
      gtk_stack_add_named (self->content_stack, GTK_WIDGET (self->conversation), "conversation");
    }
  return self->conversation;
}

static void
update_page (CwWindow *self)
{
  /* Straight from the spinner of a restored session to the rooms: a
   * crossfade there only delays them (the cairo renderer draws both pages
   * off screen for each of its frames). */
  if (self->client != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0)
    gtk_stack_set_visible_child_full (self->stack, "main", GTK_STACK_TRANSITION_TYPE_NONE);
  else if (self->client != NULL)
    gtk_stack_set_visible_child_name (self->stack, "main");
  else if (cw_application_get_busy (self->app))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    {
      ensure_signin_view (self);
      gtk_stack_set_visible_child_name (self->stack, "signin");
      cw_signin_view_reset (self->signin_view);
    }
}

static void
show_room (CwWindow *self,
           CcRoom   *room)
{
  g_free (self->room_id);
  self->room_id = g_strdup (cc_room_get_id (room));
  g_clear_pointer (&self->pending_room_id, g_free);

  cw_room_list_select_room (self->room_list, self->room_id);
  cw_conversation_set_room (ensure_conversation (self), room);
  gtk_stack_set_visible_child_name (self->content_stack, "conversation");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  cw_conversation_focus_composer (self->conversation);

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-room", self->room_id);
}

static void
on_rooms_changed_cb (GListModel *rooms,
                     guint       position,
                     guint       removed,
                     guint       added,
                     CwWindow   *self)
{
  CcRoom *room;

  if (self->pending_room_id == NULL || self->client == NULL)
    return;

  room = cc_client_lookup_room (self->client, self->pending_room_id);
  if (room != NULL)
    show_room (self, room);
}

void
cw_window_open_room (CwWindow   *self,
                     const char *room_id)
{
  CcRoom *room = NULL;

  g_return_if_fail (CW_IS_WINDOW (self));
  g_return_if_fail (room_id != NULL);

  if (self->client != NULL)
    room = cc_client_lookup_room (self->client, room_id);

  if (room != NULL)
    show_room (self, room);
  else
    {
      g_free (self->pending_room_id);
      self->pending_room_id = g_strdup (room_id);
    }
}

void
cw_window_cite_in_room (CwWindow         *self,
                        const char       *room_id,
                        const CauContext *context)
{
  g_return_if_fail (CW_IS_WINDOW (self));
  g_return_if_fail (room_id != NULL && context != NULL);

  /* Only a room in the list: opening it sets the composer's room, which
   * drops any citation, so the citation comes after. */
  if (self->client == NULL || cc_client_lookup_room (self->client, room_id) == NULL)
    return;
  cw_window_open_room (self, room_id);
  cw_conversation_cite (ensure_conversation (self), context);
}

const char *
cw_window_get_room_id (CwWindow *self)
{
  g_return_val_if_fail (CW_IS_WINDOW (self), NULL);

  if (self->conversation == NULL ||
      gtk_stack_get_visible_child (self->content_stack) != GTK_WIDGET (self->conversation))
    return NULL;
  if (adw_leaflet_get_folded (self->leaflet) &&
      g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "content") != 0)
    return NULL;
  return self->room_id;
}

void
cw_window_show_toast (CwWindow   *self,
                      const char *text)
{
  g_return_if_fail (CW_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
close_room (CwWindow *self)
{
  g_clear_pointer (&self->room_id, g_free);
  if (self->conversation != NULL)
    cw_conversation_set_room (self->conversation, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

static void
on_unread_total_cb (CwWindow *self)
{
  update_title (self);
}

static void
on_room_removed_cb (CwWindow *self)
{
  /* The open room left the list (left, archived, removed): close it. */
  if (self->room_id != NULL && self->client != NULL &&
      cc_client_lookup_room (self->client, self->room_id) == NULL)
    close_room (self);
}

static void
on_client_changed_cb (CwWindow *self)
{
  CcClient *client = cw_application_get_client (self->app);

  if (client == self->client)
    return;

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_signal_handlers_disconnect_by_data (cc_client_get_activity (self->client), self);  /* Activity hook */
      g_clear_signal_handler (&self->rooms_changed_id, cc_client_get_rooms (self->client));
      g_clear_object (&self->client);
    }

  close_room (self);

  if (client != NULL)
    {
      self->client = g_object_ref (client);
      g_signal_connect_swapped (client, "notify::unread-total",
                                G_CALLBACK (on_unread_total_cb), self);
      self->rooms_changed_id =
        g_signal_connect (cc_client_get_rooms (client), "items-changed",
                          G_CALLBACK (on_rooms_changed_cb), self);
      g_signal_connect_object (cc_client_get_rooms (client), "items-changed",
                               G_CALLBACK (on_room_removed_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }

  cw_room_list_set_client (self->room_list, client);
  if (self->search_view != NULL)
    cw_search_view_set_client (self->search_view, client);
  _cw_window_activity_client_changed (self);  /* Activity hook */
  if (self->conversation != NULL)
    cw_conversation_set_client (self->conversation, client);
  update_title (self);
  update_page (self);

  if (client != NULL && self->pending_room_id == NULL && self->settings != NULL &&
      !adw_leaflet_get_folded (self->leaflet))
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-room");

      if (last != NULL && *last != '\0')
        cw_window_open_room (self, last);
    }
  else if (client != NULL && self->pending_room_id != NULL)
    {
      g_autofree char *pending = g_strdup (self->pending_room_id);
      cw_window_open_room (self, pending);
    }
}

static void
on_room_activated_cb (CwWindow *self,
                      CcRoom   *room)
{
  show_room (self, room);
}

static void
on_folded_cb (CwWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  cw_room_list_set_folded (self->room_list, folded);
  if (self->conversation != NULL)
    cw_conversation_set_folded (self->conversation, folded);
  adw_header_bar_set_show_start_title_buttons (self->empty_header, folded);
}

/* Input for idle presence: any key or pointer event in the window. */
static gboolean
on_input_cb (GtkEventControllerLegacy *controller,
             GdkEvent                 *event,
             CwWindow                 *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_MOTION_NOTIFY:
    case GDK_BUTTON_PRESS:
    case GDK_KEY_PRESS:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
      cw_application_note_activity (self->app);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

/* Actions ----------------------------------------------------------------- */

static void
new_room_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CwWindow *self = CW_WINDOW (widget);
  const char *type = g_variant_get_string (param, NULL);

  if (self->client == NULL)
    return;
  gtk_window_present (GTK_WINDOW (cw_new_room_dialog_new (GTK_WINDOW (self), self->client, type)));
}

/* issue 11 (presence): the user's status text. */
static void
set_status_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CwWindow *self = CW_WINDOW (widget);

  if (self->client != NULL)
    cw_members_set_status (GTK_WINDOW (self), self->client);
}

static void
new_direct_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CwWindow *self = CW_WINDOW (widget);

  if (self->client == NULL)
    return;
  gtk_window_present (GTK_WINDOW (cw_picker_dialog_new (GTK_WINDOW (self), self->client,
                                                        CW_PICKER_PEOPLE)));
}

static void
browse_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CwWindow *self = CW_WINDOW (widget);

  if (self->client == NULL)
    return;
  gtk_window_present (GTK_WINDOW (cw_picker_dialog_new (GTK_WINDOW (self), self->client,
                                                        CW_PICKER_CHANNELS)));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CwWindow *self = CW_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Alt+Down / Alt+Up: the next or previous room of the list as shown. */
static void
step_room_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CwWindow *self = CW_WINDOW (widget);
  CcRoom *room;

  if (self->client == NULL)
    return;
  room = cw_room_list_get_neighbour (self->room_list, self->room_id, g_variant_get_int32 (param));
  if (room != NULL)
    show_room (self, room);
}

static void
filter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CwWindow *self = CW_WINDOW (widget);

  if (self->client == NULL)
    return;
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  cw_room_list_focus_filter (self->room_list);
}

/* Search ------------------------------------------------------------------ */

static void
on_search_result_cb (CwWindow     *self,
                     CcMessage    *message,
                     CwSearchView *view)
{
  CcRoom *room;

  if (self->client == NULL)
    return;
  room = cc_client_lookup_room (self->client, cc_message_get_room_id (message));
  if (room == NULL)
    return;
  show_room (self, room);
  cw_conversation_show_message (self->conversation, cc_message_get_id (message),
                                cc_message_get_seq (message));
}

static void
on_search_closed_cb (CwWindow *self)
{
  gtk_stack_set_visible_child_name (self->sidebar_stack, "rooms");
  if (self->conversation != NULL && self->room_id != NULL)
    {
      adw_leaflet_set_visible_child_name (self->leaflet, "content");
      cw_conversation_focus_composer (self->conversation);
    }
}

static void
open_search (CwWindow *self,
             gboolean  this_room)
{
  CcRoom *current = NULL;

  if (self->client == NULL)
    return;
  if (self->search_view == NULL)
    {
      self->search_view = g_object_new (CW_TYPE_SEARCH_VIEW, NULL);
      cw_search_view_set_client (self->search_view, self->client);
      g_signal_connect_swapped (self->search_view, "message-activated",
                                G_CALLBACK (on_search_result_cb), self);
      g_signal_connect_swapped (self->search_view, "closed", G_CALLBACK (on_search_closed_cb), self);
      gtk_stack_add_named (self->sidebar_stack, GTK_WIDGET (self->search_view), "search");
    }
  if (self->conversation != NULL && self->room_id != NULL)
    current = cw_conversation_get_room (self->conversation);
  gtk_stack_set_visible_child_name (self->sidebar_stack, "search");
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  cw_search_view_start (self->search_view, this_room ? current : NULL, current);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  open_search (CW_WINDOW (widget), TRUE);
}

static void
search_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  open_search (CW_WINDOW (widget), FALSE);
}

/* Activity hook (cw-activity-view.c) -------------------------------------- */

static void
on_activity_count_cb (CwWindow *self)
{
  CcActivity *activity = self->client ? cc_client_get_activity (self->client) : NULL;

  cw_room_list_set_activity_count (self->room_list, activity ? cc_activity_get_unread_count (activity) : 0);
}

static void
_cw_window_activity_client_changed (CwWindow *self)
{
  CcActivity *activity = self->client ? cc_client_get_activity (self->client) : NULL;

  if (activity != NULL)
    g_signal_connect_object (activity, "notify::unread-count", G_CALLBACK (on_activity_count_cb), self,
                             G_CONNECT_SWAPPED);
  if (self->activity_view != NULL)
    cw_activity_view_set_activity (self->activity_view, activity);
  on_activity_count_cb (self);
}

static void
on_activity_notification_cb (CwWindow       *self,
                             CcNotification *notification)
{
  CcActivity *activity;
  CcRoom *room;

  if (self->client == NULL)
    return;
  activity = cc_client_get_activity (self->client);
  cc_activity_mark_read (activity, cc_notification_get_id (notification));
  if (cc_notification_get_kind (notification) == CC_NOTIFICATION_INVITATION)
    {
      GListModel *pending = cc_activity_get_invitations (activity);

      for (guint i = 0; i < g_list_model_get_n_items (pending); i++)
        {
          g_autoptr(CcInvitation) inv = g_list_model_get_item (pending, i);

          if (g_strcmp0 (cc_invitation_get_room_id (inv), cc_notification_get_room_id (notification)) == 0 &&
              cc_invitation_get_token (inv) != NULL)
            {
              cw_application_review_invitation (self->app, cc_invitation_get_token (inv),
                                                cc_api_get_server_url (cc_client_get_api (self->client)));
              return;
            }
        }
    }
  room = cc_notification_get_room_id (notification)
         ? cc_client_lookup_room (self->client, cc_notification_get_room_id (notification)) : NULL;
  if (room == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("You are no longer in that room")));
      return;
    }
  show_room (self, room);
  if (cc_notification_get_message_id (notification) != NULL && cc_notification_get_message_seq (notification) > 0)
    cw_conversation_show_message (self->conversation, cc_notification_get_message_id (notification),
                                  cc_notification_get_message_seq (notification));
}

static void
on_activity_invitation_cb (CwWindow     *self,
                           CcInvitation *invitation)
{
  if (self->client == NULL || cc_invitation_get_token (invitation) == NULL)
    return;
  cw_application_review_invitation (self->app, cc_invitation_get_token (invitation),
                                    cc_api_get_server_url (cc_client_get_api (self->client)));
}

static void
on_activity_closed_cb (CwWindow *self)
{
  on_search_closed_cb (self);
}

static void
activity_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CwWindow *self = CW_WINDOW (widget);
  CcActivity *activity;

  if (self->client == NULL)
    return;
  activity = cc_client_get_activity (self->client);
  if (self->activity_view == NULL)
    {
      self->activity_view = g_object_new (CW_TYPE_ACTIVITY_VIEW, NULL);
      g_signal_connect_swapped (self->activity_view, "notification-activated",
                                G_CALLBACK (on_activity_notification_cb), self);
      g_signal_connect_swapped (self->activity_view, "invitation-activated",
                                G_CALLBACK (on_activity_invitation_cb), self);
      g_signal_connect_swapped (self->activity_view, "closed", G_CALLBACK (on_activity_closed_cb), self);
      gtk_stack_add_named (self->sidebar_stack, GTK_WIDGET (self->activity_view), "activity");
    }
  cw_activity_view_set_activity (self->activity_view, activity);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->sidebar_stack), "activity") == 0)
    {
      on_activity_closed_cb (self);
      return;
    }
  cc_activity_refresh (activity);
  gtk_stack_set_visible_child_name (self->sidebar_stack, "activity");
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

/* GObject ----------------------------------------------------------------- */

static gboolean
cw_window_close_request (GtkWindow *window)
{
  CwWindow *self = CW_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (cw_window_parent_class)->close_request (window);
}

static void
cw_window_dispose (GObject *object)
{
  CwWindow *self = CW_WINDOW (object);

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_clear_signal_handler (&self->rooms_changed_id, cc_client_get_rooms (self->client));
      g_clear_object (&self->client);
    }
  if (self->app != NULL)
    g_signal_handlers_disconnect_by_data (self->app, self);
  g_clear_object (&self->settings);
  /* Both belong to their stacks, which the template disposes. */
  self->signin_view = NULL;
  self->conversation = NULL;
  if (self->search_view != NULL)
    g_signal_handlers_disconnect_by_data (self->search_view, self);
  self->search_view = NULL;
  if (self->activity_view != NULL)  /* Activity hook */
    g_signal_handlers_disconnect_by_data (self->activity_view, self);
  self->activity_view = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_WINDOW);

  G_OBJECT_CLASS (cw_window_parent_class)->dispose (object);
}

static void
cw_window_finalize (GObject *object)
{
  CwWindow *self = CW_WINDOW (object);

  g_free (self->room_id);
  g_free (self->pending_room_id);

  G_OBJECT_CLASS (cw_window_parent_class)->finalize (object);
}

static void
cw_window_class_init (CwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cw_window_dispose;
  object_class->finalize = cw_window_finalize;
  window_class->close_request = cw_window_close_request;

  g_type_ensure (CW_TYPE_ROOM_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CwWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CwWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CwWindow, room_list);
  gtk_widget_class_bind_template_child (widget_class, CwWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, CwWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CwWindow, empty_header);
  gtk_widget_class_bind_template_callback (widget_class, on_room_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_cb);

  gtk_widget_class_install_action (widget_class, "win.new-room", "s", new_room_action);
  gtk_widget_class_install_action (widget_class, "win.new-direct", NULL, new_direct_action);
  gtk_widget_class_install_action (widget_class, "win.set-status", NULL, set_status_action);
  gtk_widget_class_install_action (widget_class, "win.browse-channels", NULL, browse_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.filter", NULL, filter_action);
  gtk_widget_class_install_action (widget_class, "win.step-room", "i", step_room_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.filter", NULL);
  /* Search: Ctrl+F in the room shown, Ctrl+Shift+F in all rooms. */
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.search-all", NULL, search_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.search-all", NULL);
  gtk_widget_class_install_action (widget_class, "win.activity", NULL, activity_action);  /* Activity hook */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-direct", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "win.step-room", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "win.step-room", "i", -1);
}

static void
cw_window_init (CwWindow *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  GtkEventController *legacy;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    {
      g_debug ("GSettings schema %s not installed: window state is not kept", APP_ID);
      gtk_window_set_default_size (GTK_WINDOW (self), 1000, 700);
    }

  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (on_input_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);
}

CwWindow *
cw_window_new (CwApplication *app)
{
  CwWindow *self = g_object_new (CW_TYPE_WINDOW, "application", app, NULL);

  self->app = app;
  g_signal_connect_swapped (app, "notify::client", G_CALLBACK (on_client_changed_cb), self);
  g_signal_connect_swapped (app, "notify::busy", G_CALLBACK (update_page), self);
  cw_room_list_set_invitations (self->room_list, cw_application_get_invitations (app));
  on_client_changed_cb (self);
  update_page (self);
  on_folded_cb (self);
  cw_bench_attach (GTK_WINDOW (self), app);   /* no-op unless CAUSERIE_BENCH=1 */
  return self;
}
