/* cw-admin-retention.c: the admin window's retention section (on its Users page). A switch
 * turns removal of old messages on, a number says after how many days, a
 * second switch puts the organisation on legal hold; Save sends them
 * through the client core's typed calls (cc-retention.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cw-admin"

#include <glib/gi18n.h>

#include "cc-retention.h"
#include "cw-admin-retention.h"

struct _CwAdminRetention
{
  AdwBin         parent_instance;

  GtkSwitch     *remove_switch;
  AdwActionRow  *days_row;
  GtkSpinButton *days_spin;
  GtkSwitch     *hold_switch;
  GtkLabel      *status_label;
  GtkWidget     *save_button;

  CcClient      *client;
  GCancellable  *cancellable;
  gboolean       loading;    /* the widgets are being set from the server */
};

G_DEFINE_FINAL_TYPE (CwAdminRetention, cw_admin_retention, ADW_TYPE_BIN)

static void
set_status (CwAdminRetention *self,
            const char       *text,
            gboolean          error)
{
  gtk_label_set_text (self->status_label, text ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
show_setting (CwAdminRetention *self,
              gint64            days,
              gboolean          hold)
{
  self->loading = TRUE;
  gtk_switch_set_active (self->remove_switch, days > 0);
  if (days > 0)
    gtk_spin_button_set_value (self->days_spin, (double) days);
  gtk_switch_set_active (self->hold_switch, hold);
  gtk_widget_set_sensitive (GTK_WIDGET (self->days_row), days > 0);
  gtk_widget_set_sensitive (self->save_button, FALSE);
  self->loading = FALSE;
}

static void
on_changed_cb (CwAdminRetention *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->days_row), gtk_switch_get_active (self->remove_switch));
  if (self->loading)
    return;
  gtk_widget_set_sensitive (self->save_button, self->client != NULL);
  set_status (self, NULL, FALSE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CwAdminRetention) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 days = 0;
  gboolean hold = FALSE;

  if (!cc_client_set_retention_finish (CC_CLIENT (source), result, &days, &hold, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_status (self, error->message, TRUE);
          gtk_widget_set_sensitive (self->save_button, TRUE);
        }
      return;
    }
  show_setting (self, days, hold);
  if (hold)
    set_status (self, _("Saved. The legal hold is on: no message is removed."), FALSE);
  else if (days > 0)
    set_status (self, _("Saved. Older messages will be removed shortly."), FALSE);
  else
    set_status (self, _("Saved. Messages are kept."), FALSE);
}

static void
on_save_cb (CwAdminRetention *self)
{
  gint64 days = gtk_switch_get_active (self->remove_switch) ? gtk_spin_button_get_value_as_int (self->days_spin) : 0;

  g_return_if_fail (self->client != NULL);
  gtk_widget_set_sensitive (self->save_button, FALSE);
  cc_client_set_retention_async (self->client, days, gtk_switch_get_active (self->hold_switch), self->cancellable,
                                 saved_cb, g_object_ref (self));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwAdminRetention) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 days = 0;
  gboolean hold = FALSE;

  if (!cc_client_get_retention_finish (CC_CLIENT (source), result, &days, &hold, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message, TRUE);
      return;
    }
  show_setting (self, days, hold);
}

void
cw_admin_retention_set_client (CwAdminRetention *self,
                               CcClient         *client)
{
  g_return_if_fail (CW_IS_ADMIN_RETENTION (self));
  g_return_if_fail (CC_IS_CLIENT (client));

  g_set_object (&self->client, client);
  cc_client_get_retention_async (client, self->cancellable, loaded_cb, g_object_ref (self));
}

static void
cw_admin_retention_dispose (GObject *object)
{
  CwAdminRetention *self = CW_ADMIN_RETENTION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ADMIN_RETENTION);
  G_OBJECT_CLASS (cw_admin_retention_parent_class)->dispose (object);
}

static void
cw_admin_retention_class_init (CwAdminRetentionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_admin_retention_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-admin-retention.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAdminRetention, remove_switch);
  gtk_widget_class_bind_template_child (widget_class, CwAdminRetention, days_row);
  gtk_widget_class_bind_template_child (widget_class, CwAdminRetention, days_spin);
  gtk_widget_class_bind_template_child (widget_class, CwAdminRetention, hold_switch);
  gtk_widget_class_bind_template_child (widget_class, CwAdminRetention, status_label);
  gtk_widget_class_bind_template_child (widget_class, CwAdminRetention, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_cb);
}

static void
cw_admin_retention_init (CwAdminRetention *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  show_setting (self, 0, FALSE);
}
