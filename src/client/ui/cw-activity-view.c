/* cw-activity-view.c: Activity in the sidebar.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cw-activity-view"

#include "cw-activity-view.h"

#include <glib/gi18n.h>

#include "cw-activity-row.h"

struct _CwActivityView
{
  GtkWidget   parent_instance;
  GtkStack   *stack;
  GtkWidget  *read_all_button;
  GtkWidget  *invitations_heading;
  GtkListBox *invitations_list;
  GtkListBox *items_list;
  CcActivity *activity;
  GtkFilterListModel *shown;   /* the activity's items but invitations */
};

G_DEFINE_FINAL_TYPE (CwActivityView, cw_activity_view, GTK_TYPE_WIDGET)

enum { NOTIFICATION_ACTIVATED, INVITATION_ACTIVATED, CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static GtkWidget *
create_notification_row (gpointer item,
                         gpointer user_data)
{
  return cw_activity_row_new_notification (item);
}

static GtkWidget *
create_invitation_row (gpointer item,
                       gpointer user_data)
{
  return cw_activity_row_new_invitation (item);
}

/* Invitations show as pending ones above; their notifications would repeat them. */
static gboolean
not_invitation (gpointer item,
                gpointer user_data)
{
  return cc_notification_get_kind (item) != CC_NOTIFICATION_INVITATION;
}

static void
update_state (CwActivityView *self)
{
  guint n_items = 0, n_invitations = 0;

  if (self->activity)
    {
      n_items = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
      n_invitations = g_list_model_get_n_items (cc_activity_get_invitations (self->activity));
    }
  gtk_stack_set_visible_child_name (self->stack, n_items + n_invitations > 0 ? "list" : "empty");
  gtk_widget_set_visible (self->invitations_heading, n_invitations > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->invitations_list), n_invitations > 0);
  gtk_widget_set_sensitive (self->read_all_button,
                            self->activity && cc_activity_get_unread_count (self->activity) > 0);
}

static void
on_row_activated_cb (CwActivityView *self,
                     GtkListBoxRow  *row)
{
  CwActivityRow *arow = CW_ACTIVITY_ROW (row);

  if (cw_activity_row_get_invitation (arow))
    g_signal_emit (self, signals[INVITATION_ACTIVATED], 0, cw_activity_row_get_invitation (arow));
  else if (cw_activity_row_get_notification (arow))
    g_signal_emit (self, signals[NOTIFICATION_ACTIVATED], 0, cw_activity_row_get_notification (arow));
}

static void
on_read_all_clicked_cb (CwActivityView *self)
{
  if (self->activity)
    cc_activity_mark_all_read (self->activity);
}

static void
on_back_clicked_cb (CwActivityView *self)
{
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSED], 0);
}

void
cw_activity_view_set_activity (CwActivityView *self,
                               CcActivity     *activity)
{
  g_return_if_fail (CW_IS_ACTIVITY_VIEW (self));

  if (self->activity == activity)
    return;
  if (self->activity)
    {
      g_signal_handlers_disconnect_by_data (self->activity, self);
      g_signal_handlers_disconnect_by_data (cc_activity_get_items (self->activity), self);
      g_signal_handlers_disconnect_by_data (cc_activity_get_invitations (self->activity), self);
    }
  g_set_object (&self->activity, activity);
  gtk_filter_list_model_set_model (self->shown, activity ? cc_activity_get_items (activity) : NULL);
  gtk_list_box_bind_model (self->items_list, activity ? G_LIST_MODEL (self->shown) : NULL,
                           create_notification_row, NULL, NULL);
  gtk_list_box_bind_model (self->invitations_list, activity ? cc_activity_get_invitations (activity) : NULL,
                           create_invitation_row, NULL, NULL);
  if (activity)
    {
      g_signal_connect_swapped (activity, "notify::unread-count", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (cc_activity_get_items (activity), "items-changed", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (cc_activity_get_invitations (activity), "items-changed",
                                G_CALLBACK (update_state), self);
    }
  update_state (self);
}

static void
cw_activity_view_dispose (GObject *object)
{
  CwActivityView *self = CW_ACTIVITY_VIEW (object);

  cw_activity_view_set_activity (self, NULL);
  g_clear_object (&self->shown);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ACTIVITY_VIEW);
  G_OBJECT_CLASS (cw_activity_view_parent_class)->dispose (object);
}

static void
cw_activity_view_class_init (CwActivityViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_activity_view_dispose;
  signals[NOTIFICATION_ACTIVATED] = g_signal_new ("notification-activated", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, CC_TYPE_NOTIFICATION);
  signals[INVITATION_ACTIVATED] = g_signal_new ("invitation-activated", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, CC_TYPE_INVITATION);
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-activity-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CwActivityView, stack);
  gtk_widget_class_bind_template_child (widget_class, CwActivityView, read_all_button);
  gtk_widget_class_bind_template_child (widget_class, CwActivityView, invitations_heading);
  gtk_widget_class_bind_template_child (widget_class, CwActivityView, invitations_list);
  gtk_widget_class_bind_template_child (widget_class, CwActivityView, items_list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_read_all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_install_action (widget_class, "activity.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "activity.close", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "activityview");
}

static void
cw_activity_view_init (CwActivityView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown = gtk_filter_list_model_new (NULL, GTK_FILTER (gtk_custom_filter_new (not_invitation, NULL, NULL)));
  g_signal_connect_swapped (self->shown, "items-changed", G_CALLBACK (update_state), self);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
}
