/* cw-room-header.c: name and topic of the open room, its members and its
 * menu. "room.muted" is a property action (a check item in the menu).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cw-context-card.h"
#include "cw-invite-dialog.h"
#include "cw-members-actions.h"
#include "cw-members-popover.h"
#include "cw-room-header.h"
#include "cw-room-settings.h"
#include "cw-utils.h"
#include "cc-bidi.h"

struct _CwRoomHeader
{
  GtkWidget         parent_instance;

  AdwHeaderBar     *header_bar;
  AdwWindowTitle   *window_title;
  GtkButton        *back_button;
  GtkMenuButton    *menu_button;
  GtkMenuButton    *members_button;
  GtkButton        *context_button;  /* the object the room is tied to */
  GtkLabel         *context_label;
  CwMembersPopover *members_popover;   /* made when first opened */
  GMenuModel       *room_menu;

  CcClient         *client;
  CcRoom           *room;
  gulong            notify_id;
  gulong            online_id;
  CcUser           *other;       /* a direct room's other person, followed */
  gulong            other_id;
  gboolean          muted;
  gboolean          updating;
};

enum {
  PROP_0,
  PROP_MUTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CwRoomHeader, cw_room_header, GTK_TYPE_WIDGET)

static gboolean
is_manager (CwRoomHeader *self)
{
  const char *role = self->room ? cc_room_get_my_role (self->room) : NULL;

  return g_strcmp0 (role, "owner") == 0 || g_strcmp0 (role, "admin") == 0;
}

static void update (CwRoomHeader *self);

/* A direct room's header shows the other person's status text, which
 * they may change at any time (it comes in a presence frame). */
static void
follow_other (CwRoomHeader *self,
              CcUser       *user)
{
  if (self->other == user)
    return;
  if (self->other != NULL)
    g_clear_signal_handler (&self->other_id, self->other);
  g_set_object (&self->other, user);
  if (user != NULL)
    self->other_id = g_signal_connect_swapped (user, "notify::status-text", G_CALLBACK (update), self);
}

/* A room tied to an object of another application shows it; a click opens
 * its address in the browser. */
static void
update_context (CwRoomHeader *self)
{
  g_autoptr(CauContext) context = self->room ? cc_room_dup_context (self->room) : NULL;
  g_autofree char *a11y = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->context_button), context != NULL);
  if (context == NULL)
    return;
  gtk_label_set_text (self->context_label, context->label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->context_button), context->url != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->context_button),
                               context->url ? context->url : context->entity_id);
  a11y = context->url
    /* Translators: a button's name; %s is the label of the object of another application the room is about. */
    ? g_strdup_printf (_("Open “%s” in the Browser"), context->label)
    /* Translators: %s is the label of the object of another application the room is about. */
    : g_strdup_printf (_("About: %s"), context->label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->context_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

static void
on_context_clicked_cb (CwRoomHeader *self)
{
  g_autoptr(CauContext) context = self->room ? cc_room_dup_context (self->room) : NULL;

  if (context != NULL)
    cw_context_open_url (GTK_WIDGET (self), context->url);
}

static void
update (CwRoomHeader *self)
{
  CcRoom *room = self->room;
  gboolean direct;
  g_autofree char *subtitle = NULL;

  update_context (self);

  if (room == NULL)
    {
      adw_window_title_set_title (self->window_title, "");
      adw_window_title_set_subtitle (self->window_title, "");
      return;
    }

  direct = g_strcmp0 (cc_room_get_room_type (room), "direct") == 0;
  adw_window_title_set_title (self->window_title, cc_room_get_name (room));

  if (cc_room_get_description (room) != NULL && *cc_room_get_description (room))
    subtitle = g_strdup (cc_room_get_description (room));
  else if (direct)
    {
      const char *presence = cc_room_get_presence (room);

      /* Disconnected, we do not know: the last state heard may be stale. */
      if (self->client == NULL || !cc_client_get_online (self->client))
        subtitle = g_strdup (_("Status unknown while offline"));
      else if (g_strcmp0 (presence, "online") == 0)
        subtitle = g_strdup (_("Online"));
      else if (g_strcmp0 (presence, "idle") == 0)
        subtitle = g_strdup (_("Away"));
      else
        subtitle = g_strdup (_("Offline"));
      /* issue 11 (presence): "Last seen …" and their status text. */
      follow_other (self, self->client ? cc_client_lookup_user (self->client, cc_room_get_other_user_id (room))
                                       : NULL);
      subtitle = cw_members_direct_subtitle (self->client, room, g_steal_pointer (&subtitle));
    }
  else
    {
      guint n = cc_room_get_member_count (room);
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member", "%u members", n), n);
    }
  adw_window_title_set_subtitle (self->window_title, subtitle);

  self->updating = TRUE;
  if (self->muted != cc_room_get_muted (room))
    {
      self->muted = cc_room_get_muted (room);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
    }
  self->updating = FALSE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.leave", !direct);
  /* As the server decides: not into direct rooms, and never by guests. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.invite",
                                 !direct && cc_room_get_my_role (room) != NULL &&
                                 g_strcmp0 (cc_room_get_my_role (room), "guest") != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.archive", !direct && is_manager (self));
}

static void
set_muted (CwRoomHeader *self,
           gboolean      muted)
{
  if (self->muted == muted)
    return;
  self->muted = muted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);

  if (self->updating || self->room == NULL || self->client == NULL)
    return;

  cc_client_set_room_muted_async (self->client, cc_room_get_id (self->room), muted, NULL,
                                  cw_room_op_done_cb, g_object_ref (self));
}

static void
settings_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CwRoomHeader *self = CW_ROOM_HEADER (widget);

  if (self->room == NULL || self->client == NULL)
    return;
  gtk_window_present (GTK_WINDOW (cw_room_settings_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                        self->client, self->room)));
}

static void
invite_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CwRoomHeader *self = CW_ROOM_HEADER (widget);

  if (self->room == NULL || self->client == NULL)
    return;
  gtk_window_present (GTK_WINDOW (cw_invite_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                        self->client, self->room)));
}

static void
archive_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CwRoomHeader *self = CW_ROOM_HEADER (widget);

  if (self->room == NULL || self->client == NULL)
    return;
  cc_client_archive_room_async (self->client, cc_room_get_id (self->room), NULL,
                                cw_room_op_done_cb, g_object_ref (widget));
}

static void
on_leave_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      CwRoomHeader     *self)
{
  if (g_strcmp0 (response, "leave") != 0 || self->room == NULL || self->client == NULL)
    return;
  cc_client_leave_room_async (self->client, cc_room_get_id (self->room), NULL,
                              cw_room_op_done_cb, g_object_ref (self));
}

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  CwRoomHeader *self = CW_ROOM_HEADER (widget);
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (self->room == NULL)
    return;

  /* Translators: %s is a room name. */
  heading = cc_bidi_printf (_("Leave %s?"), cc_room_get_name (self->room));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   _("You will stop receiving its messages. Someone will have to add you again to come back."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "leave", _("_Leave"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "leave",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_leave_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
cw_room_header_set_client (CwRoomHeader *self,
                           CcClient     *client)
{
  g_return_if_fail (CW_IS_ROOM_HEADER (self));
  cw_room_header_set_room (self, NULL);
  if (self->client != NULL)
    g_clear_signal_handler (&self->online_id, self->client);
  g_set_object (&self->client, client);
  if (client != NULL)
    self->online_id = g_signal_connect_swapped (client, "notify::online", G_CALLBACK (update), self);
}

void
cw_room_header_set_room (CwRoomHeader *self,
                         CcRoom       *room)
{
  g_return_if_fail (CW_IS_ROOM_HEADER (self));

  if (self->room == room)
    return;

  if (self->room != NULL)
    g_clear_signal_handler (&self->notify_id, self->room);
  g_set_object (&self->room, room);
  if (room != NULL)
    self->notify_id = g_signal_connect_swapped (room, "notify", G_CALLBACK (update), self);

  if (self->members_popover != NULL)
    cw_members_popover_set_room (self->members_popover, self->client, room);
  update (self);
}

void
cw_room_header_set_folded (CwRoomHeader *self,
                           gboolean      folded)
{
  g_return_if_fail (CW_IS_ROOM_HEADER (self));

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), folded);
  adw_header_bar_set_show_start_title_buttons (self->header_bar, folded);
}

static void
cw_room_header_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CwRoomHeader *self = CW_ROOM_HEADER (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cw_room_header_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CwRoomHeader *self = CW_ROOM_HEADER (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      set_muted (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cw_room_header_dispose (GObject *object)
{
  CwRoomHeader *self = CW_ROOM_HEADER (object);

  follow_other (self, NULL);
  if (self->room != NULL)
    g_clear_signal_handler (&self->notify_id, self->room);
  g_clear_object (&self->room);
  if (self->client != NULL)
    g_clear_signal_handler (&self->online_id, self->client);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ROOM_HEADER);
  cw_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cw_room_header_parent_class)->dispose (object);
}

static void
cw_room_header_class_init (CwRoomHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cw_room_header_get_property;
  object_class->set_property = cw_room_header_set_property;
  object_class->dispose = cw_room_header_dispose;

  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-room-header.ui");
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, window_title);
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, back_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, menu_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, members_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, context_button);
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, context_label);
  gtk_widget_class_bind_template_callback (widget_class, on_context_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, CwRoomHeader, room_menu);

  gtk_widget_class_install_action (widget_class, "room.settings", NULL, settings_action);
  gtk_widget_class_install_property_action (widget_class, "room.muted", "muted");
  gtk_widget_class_install_action (widget_class, "room.invite", NULL, invite_action);
  gtk_widget_class_install_action (widget_class, "room.archive", NULL, archive_action);
  gtk_widget_class_install_action (widget_class, "room.leave", NULL, leave_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* The members popover is made, and follows the room, from its first
 * opening: its list would otherwise follow every room opened. */
static void
members_popup_cb (GtkMenuButton *button,
                  gpointer       user_data)
{
  CwRoomHeader *self = user_data;

  if (self->members_popover != NULL)
    return;
  self->members_popover = g_object_new (CW_TYPE_MEMBERS_POPOVER, NULL);
  gtk_menu_button_set_popover (button, GTK_WIDGET (self->members_popover));
  cw_members_popover_set_room (self->members_popover, self->client, self->room);
}

static void
cw_room_header_init (CwRoomHeader *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cw_menu_button_set_menu_later (self->menu_button, self->room_menu);
  gtk_menu_button_set_create_popup_func (self->members_button, members_popup_cb, self, NULL);
}
