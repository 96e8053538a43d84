/* cw-members-popover.c: the room's members (cc_client_get_members, kept up
 * to date by the core) in a GtkListView built from cw-member-row.ui.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cc-members.h"
#include "cw-members-actions.h"
#include "cw-members-popover.h"
#include "cw-utils.h"

struct _CwMembersPopover
{
  GtkPopover   parent_instance;

  GtkLabel    *title_label;
  GtkListView *list_view;
  GtkButton   *add_button;

  GListModel  *members;
  CcClient    *client;
  CcRoom      *room;
};

G_DEFINE_FINAL_TYPE (CwMembersPopover, cw_members_popover, GTK_TYPE_POPOVER)

const char *
cw_role_label (const char *role)
{
  if (g_strcmp0 (role, "owner") == 0)
    return _("Owner");
  if (g_strcmp0 (role, "admin") == 0)
    return _("Admin");
  if (g_strcmp0 (role, "guest") == 0)
    return _("Guest");
  return NULL;
}

static char *
role_label_cb (gpointer    this,
               const char *role)
{
  return g_strdup (cw_role_label (role));
}

static char *
presence_icon_cb (gpointer    this,
                  const char *presence)
{
  if (g_strcmp0 (presence, "online") == 0)
    return g_strdup ("user-available-symbolic");
  if (g_strcmp0 (presence, "idle") == 0)
    return g_strdup ("user-idle-symbolic");
  return g_strdup ("user-offline-symbolic");
}

static char *
presence_label_cb (gpointer    this,
                   const char *presence)
{
  if (g_strcmp0 (presence, "online") == 0)
    return g_strdup (_("Online"));
  if (g_strcmp0 (presence, "idle") == 0)
    return g_strdup (_("Away"));
  return g_strdup (_("Offline"));
}

/* issue 11 (people): status text and "Last seen …" under the name. */
static char *
member_subtitle_cb (gpointer    this,
                    const char *status_text,
                    const char *presence,
                    gint64      last_seen_at,
                    const char *kind,
                    const char *description)
{
  g_autofree char *seen = NULL;

  /* An agent is never "online": it says what it is for. */
  if (g_strcmp0 (kind, "agent") == 0)
    return g_strdup (description);
  seen = cc_format_last_seen (presence, last_seen_at, 0);

  if (status_text != NULL && *status_text && seen != NULL)
    return g_strdup_printf ("%s · %s", status_text, seen);
  if (status_text != NULL && *status_text)
    return g_strdup (status_text);
  return g_steal_pointer (&seen);
}

static gboolean
nonempty_cb (gpointer    this,
             const char *text)
{
  return text != NULL && *text != '\0';
}

static void
member_clicked_cb (GtkListItem *item,
                   GtkWidget   *button)
{
  CwMembersPopover *self = CW_MEMBERS_POPOVER (gtk_widget_get_ancestor (button, CW_TYPE_MEMBERS_POPOVER));
  CcMember *member = gtk_list_item_get_item (item);

  if (self == NULL || member == NULL || self->room == NULL)
    return;
  gtk_popover_popdown (GTK_POPOVER (self));
  cw_members_show_actions (GTK_WIDGET (self), self->client, self->room, member);
}

static void
on_add_cb (CwMembersPopover *self)
{
  if (self->room == NULL)
    return;
  gtk_popover_popdown (GTK_POPOVER (self));
  cw_members_add_people (GTK_WIDGET (self), self->client, self->room);
}

static void
update_add (CwMembersPopover *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), cw_members_can_add (self->room));
}

static void
update_title (CwMembersPopover *self)
{
  guint n = self->members ? g_list_model_get_n_items (self->members) : 0;
  g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Member",
                                                         "%u Members", n), n);

  gtk_label_set_text (self->title_label, title);
}

void
cw_members_popover_set_room (CwMembersPopover *self,
                             CcClient         *client,
                             CcRoom           *room)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (CW_IS_MEMBERS_POPOVER (self));

  if (self->members != NULL)
    g_signal_handlers_disconnect_by_data (self->members, self);
  g_clear_object (&self->members);
  if (self->room != NULL)
    g_signal_handlers_disconnect_by_data (self->room, self);
  g_set_object (&self->client, client);
  g_set_object (&self->room, room);
  if (room != NULL)
    g_signal_connect_swapped (room, "notify::my-role", G_CALLBACK (update_add), self);
  update_add (self);

  if (client != NULL && room != NULL)
    {
      self->members = cc_client_get_members (client, cc_room_get_id (room));
      g_signal_connect_swapped (self->members, "items-changed", G_CALLBACK (update_title), self);
    }

  selection = gtk_no_selection_new (self->members ? g_object_ref (self->members) : NULL);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  update_title (self);
}

static void
cw_members_popover_dispose (GObject *object)
{
  CwMembersPopover *self = CW_MEMBERS_POPOVER (object);

  if (self->members != NULL)
    g_signal_handlers_disconnect_by_data (self->members, self);
  g_clear_object (&self->members);
  if (self->room != NULL)
    g_signal_handlers_disconnect_by_data (self->room, self);
  g_clear_object (&self->room);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_MEMBERS_POPOVER);

  G_OBJECT_CLASS (cw_members_popover_parent_class)->dispose (object);
}

static void
cw_members_popover_class_init (CwMembersPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_members_popover_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-members-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, CwMembersPopover, title_label);
  gtk_widget_class_bind_template_child (widget_class, CwMembersPopover, list_view);
  gtk_widget_class_bind_template_child (widget_class, CwMembersPopover, add_button);
  gtk_widget_class_bind_template_callback (widget_class, on_add_cb);
}

static void
cw_members_popover_init (CwMembersPopover *self)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  g_autoptr(GtkListItemFactory) factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_type_ensure (CC_TYPE_MEMBER);
  g_type_ensure (CC_TYPE_USER);
  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "role_label_cb", G_CALLBACK (role_label_cb),
                                           "presence_icon_cb", G_CALLBACK (presence_icon_cb),
                                           "presence_label_cb", G_CALLBACK (presence_label_cb),
                                           "member_subtitle_cb", G_CALLBACK (member_subtitle_cb),
                                           "nonempty_cb", G_CALLBACK (nonempty_cb),
                                           "member_clicked_cb", G_CALLBACK (member_clicked_cb),
                                           NULL);
  cw_add_agent_callbacks (scope);
  factory = gtk_builder_list_item_factory_new_from_resource (scope, "/org/causerie/Causerie/cw-member-row.ui");
  gtk_list_view_set_factory (self->list_view, factory);
  update_title (self);
}
