/* cw-invitation-row.c: one pending invitation in the invite dialog.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-invitation-row.h"
#include "cw-utils.h"

struct _CwInvitationRow
{
  AdwActionRow  parent_instance;

  GtkButton    *copy_button;
  GtkButton    *revoke_button;
};

G_DEFINE_FINAL_TYPE (CwInvitationRow, cw_invitation_row, ADW_TYPE_ACTION_ROW)

static void
cw_invitation_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CW_TYPE_INVITATION_ROW);
  G_OBJECT_CLASS (cw_invitation_row_parent_class)->dispose (object);
}

static void
cw_invitation_row_class_init (CwInvitationRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cw_invitation_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-invitation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CwInvitationRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, CwInvitationRow, revoke_button);
}

static void
cw_invitation_row_init (CwInvitationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cw_invitation_row_new (CcInvitation *invitation)
{
  CwInvitationRow *self;
  const char *email = cc_invitation_get_email (invitation);
  const char *link = cc_invitation_get_link (invitation);
  g_autofree char *day = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *copy_label = NULL;
  g_autofree char *revoke_label = NULL;

  g_return_val_if_fail (CC_IS_INVITATION (invitation), NULL);

  self = g_object_new (CW_TYPE_INVITATION_ROW, NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), email ? email : "");
  if (cc_invitation_get_expires_at (invitation) > 0)
    {
      day = cw_format_day (cc_invitation_get_expires_at (invitation));
      /* Translators: %s is a day: "Today", "Monday 17 November". */
      subtitle = g_strdup_printf (_("Expires %s"), day);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
    }

  /* Translators: accessible names; %s is an email address. */
  copy_label = g_strdup_printf (_("Copy link for %s"), email);
  revoke_label = g_strdup_printf (_("Revoke invitation for %s"), email);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->revoke_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, revoke_label, -1);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s", link ? link : "");
  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), link != NULL);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->revoke_button), "s",
                                    cc_invitation_get_id (invitation) ? cc_invitation_get_id (invitation) : "");
  return GTK_WIDGET (self);
}
