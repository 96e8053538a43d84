/* cw-invite-dialog.c: invite people to a room by email (one or more
 * addresses, checked as they are typed, and an optional message), and the
 * room's pending invitations with their expiry, "Copy Link" and "Revoke".
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cau-validate.h"
#include "cc-invitation.h"
#include "cw-invitation-row.h"
#include "cw-invite-dialog.h"
#include "cw-utils.h"

/* The server takes one address a request; a long list is a paste gone wrong. */
#define MAX_EMAILS 50

struct _CwInviteDialog
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkButton       *send_button;
  AdwEntryRow     *emails_row;
  AdwEntryRow     *message_row;
  GtkLabel        *problem_label;
  GtkListBox      *pending_list;

  CcClient        *client;
  CcRoom          *room;
  GCancellable    *cancellable;
  guint            sending;      /* requests under way */
  guint            sent;
  GError          *send_error;   /* the first refusal of a batch */
};

G_DEFINE_FINAL_TYPE (CwInviteDialog, cw_invite_dialog, ADW_TYPE_WINDOW)

GStrv
cw_invite_dialog_parse_emails (const char  *text,
                               char       **out_invalid)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (out_invalid != NULL, NULL);
  *out_invalid = NULL;

  parts = g_regex_split_simple ("[,;\\s]+", text ? text : "", 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *email = NULL;

      if (*parts[i] == '\0')
        continue;
      if (!cau_validate_email (parts[i], &email, NULL))
        {
          *out_invalid = g_strdup (parts[i]);
          return NULL;
        }
      if (g_hash_table_add (seen, g_strdup (email)))
        g_strv_builder_add (builder, email);
    }
  return g_strv_builder_end (builder);
}

static void
show_problem (CwInviteDialog *self,
              const char     *text)
{
  gtk_label_set_text (self->problem_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), text != NULL);
  if (text != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->emails_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->emails_row), "error");
}

static void
on_changed_cb (CwInviteDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->emails_row));
  g_autofree char *invalid = NULL;
  g_auto(GStrv) emails = cw_invite_dialog_parse_emails (text, &invalid);
  guint n = emails ? g_strv_length (emails) : 0;

  if (invalid != NULL)
    {
      /* Translators: %s is what the person typed. */
      g_autofree char *problem = g_strdup_printf (_("“%s” is not an email address"), invalid);
      show_problem (self, problem);
    }
  else if (n > MAX_EMAILS)
    {
      g_autofree char *problem = g_strdup_printf (_("At most %u addresses at a time"), MAX_EMAILS);
      show_problem (self, problem);
    }
  else
    show_problem (self, NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            invalid == NULL && n > 0 && n <= MAX_EMAILS && self->sending == 0);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return cw_invitation_row_new (CC_INVITATION (item));
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CwInviteDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = cc_invitation_list_finish (CC_API (source), result, &error);

  if (list == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (cw_error_sentence (error)));
      return;
    }
  gtk_list_box_bind_model (self->pending_list, list, create_row_cb, NULL, NULL);
}

static void
reload (CwInviteDialog *self)
{
  cc_invitation_list_async (cc_client_get_api (self->client), cc_room_get_id (self->room),
                            self->cancellable, list_cb, g_object_ref (self));
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwInviteDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcInvitation) invitation = cc_invitation_create_finish (CC_API (source), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (invitation != NULL)
    self->sent++;
  else if (self->send_error == NULL)
    self->send_error = g_steal_pointer (&error);

  if (--self->sending > 0)
    return;

  if (self->send_error != NULL)
    text = g_strdup (cw_error_sentence (self->send_error));
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->emails_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->message_row), "");
    }
  if (self->sent > 0)
    {
      g_autofree char *done = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u invitation sent",
                                                            "%u invitations sent", self->sent),
                                               self->sent);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (done));
    }
  if (text != NULL)
    show_problem (self, text);
  g_clear_error (&self->send_error);
  on_changed_cb (self);
  reload (self);
}

static void
on_send_cb (CwInviteDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->emails_row));
  g_autofree char *message = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->message_row))));
  g_autofree char *invalid = NULL;
  g_auto(GStrv) emails = NULL;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->send_button)))
    return;
  emails = cw_invite_dialog_parse_emails (text, &invalid);
  if (emails == NULL || emails[0] == NULL)
    return;

  self->sent = 0;
  self->sending = g_strv_length (emails);
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), FALSE);
  for (guint i = 0; emails[i] != NULL; i++)
    cc_invitation_create_async (cc_client_get_api (self->client), cc_room_get_id (self->room),
                                emails[i], message, self->cancellable, create_cb, g_object_ref (self));
}

/* Actions of the rows ----------------------------------------------------- */

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CwInviteDialog *self = CW_INVITE_DIALOG (widget);
  const char *link = g_variant_get_string (param, NULL);

  if (*link == '\0')
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), link);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Link copied")));
}

static void
revoke_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwInviteDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_invitation_revoke_finish (CC_API (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (cw_error_sentence (error)));
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Invitation revoked")));
  reload (self);
}

static void
revoke_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CwInviteDialog *self = CW_INVITE_DIALOG (widget);
  const char *id = g_variant_get_string (param, NULL);

  if (*id == '\0')
    return;
  cc_invitation_revoke_async (cc_client_get_api (self->client), id, self->cancellable,
                              revoke_cb, g_object_ref (self));
}

/* GObject ----------------------------------------------------------------- */

static void
cw_invite_dialog_dispose (GObject *object)
{
  CwInviteDialog *self = CW_INVITE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->room);
  g_clear_error (&self->send_error);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_INVITE_DIALOG);

  G_OBJECT_CLASS (cw_invite_dialog_parent_class)->dispose (object);
}

static void
cw_invite_dialog_class_init (CwInviteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_invite_dialog_dispose;

  g_type_ensure (CW_TYPE_INVITATION_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-invite-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CwInviteDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CwInviteDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CwInviteDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, CwInviteDialog, emails_row);
  gtk_widget_class_bind_template_child (widget_class, CwInviteDialog, message_row);
  gtk_widget_class_bind_template_child (widget_class, CwInviteDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, CwInviteDialog, pending_list);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_send_cb);

  gtk_widget_class_install_action (widget_class, "invite.copy-link", "s", copy_link_action);
  gtk_widget_class_install_action (widget_class, "invite.revoke", "s", revoke_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cw_invite_dialog_init (CwInviteDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CwInviteDialog *
cw_invite_dialog_new (GtkWindow *parent,
                      CcClient  *client,
                      CcRoom    *room)
{
  CwInviteDialog *self;

  g_return_val_if_fail (CC_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CC_IS_ROOM (room), NULL);

  self = g_object_new (CW_TYPE_INVITE_DIALOG, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  self->room = g_object_ref (room);
  adw_window_title_set_subtitle (self->window_title, cc_room_get_name (room));
  reload (self);
  return self;
}
