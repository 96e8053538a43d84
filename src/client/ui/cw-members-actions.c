/* cw-members-actions.c: change a member's role, remove them, add people;
 * only what the user's room role allows is offered (cc_room_role_*).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cc-members.h"
#include "cw-members-actions.h"
#include "cw-members-popover.h"
#include "cw-picker-dialog.h"
#include "cw-utils.h"

const char *
cw_members_make_role_label (const char *role)
{
  if (g_strcmp0 (role, "owner") == 0)
    return _("Make _Owner");
  if (g_strcmp0 (role, "admin") == 0)
    return _("Make _Admin");
  if (g_strcmp0 (role, "member") == 0)
    return _("Make _Member");
  if (g_strcmp0 (role, "guest") == 0)
    return _("Make _Guest");
  return NULL;
}

typedef struct {
  CcClient  *client;
  char      *room_id;
  char      *user_id;
  GtkWidget *toast_target;
} Ctx;

static void
ctx_free (Ctx *c)
{
  g_clear_object (&c->client);
  g_free (c->room_id);
  g_free (c->user_id);
  g_clear_weak_pointer (&c->toast_target);
  g_free (c);
}

static void
op_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  Ctx *c = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_client_member_op_finish (CC_CLIENT (source), result, &error) &&
      c->toast_target != NULL)
    cw_show_toast (c->toast_target, cw_error_sentence (error));
  ctx_free (c);
}

static void
on_response_cb (AdwMessageDialog *dialog,
                const char       *response,
                Ctx              *c)
{
  Ctx *op;

  if (g_strcmp0 (response, "close") == 0)
    return;
  op = g_new0 (Ctx, 1);
  op->client = g_object_ref (c->client);
  op->room_id = g_strdup (c->room_id);
  op->user_id = g_strdup (c->user_id);
  g_set_weak_pointer (&op->toast_target, c->toast_target);
  if (g_strcmp0 (response, "remove") == 0)
    cc_client_remove_member_async (c->client, c->room_id, c->user_id, NULL, op_cb, op);
  else
    cc_client_set_member_role_async (c->client, c->room_id, c->user_id, response, NULL, op_cb, op);
}

void
cw_members_show_actions (GtkWidget *parent,
                         CcClient  *client,
                         CcRoom    *room,
                         CcMember  *member)
{
  const char *my_role = cc_room_get_my_role (room);
  const char *their_role = cc_member_get_role (member);
  CcUser *user = cc_member_get_user (member);
  gboolean me = g_strcmp0 (cc_member_get_user_id (member),
                           cc_account_get_user_id (cc_client_get_account (client))) == 0;
  gboolean manage = !me && g_strcmp0 (cc_room_get_room_type (room), "direct") != 0 &&
                    cc_room_role_can_manage (my_role, their_role);
  g_autofree char *seen = user ? cc_format_last_seen (cc_user_get_presence (user),
                                                      cc_user_get_last_seen_at (user), 0) : NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkRoot *root = gtk_widget_get_root (parent);
  AdwMessageDialog *dialog;
  Ctx *c;

  if (user != NULL && cc_user_get_status_text (user) != NULL && *cc_user_get_status_text (user))
    g_string_append (body, cc_user_get_status_text (user));
  if (seen != NULL)
    g_string_append_printf (body, "%s%s", body->len ? "\n" : "", seen);
  if (cw_role_label (their_role) != NULL)
    g_string_append_printf (body, "%s%s", body->len ? "\n" : "", cw_role_label (their_role));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       cc_member_get_display_name (member),
                                                       body->len ? body->str : NULL));
  /* Stacked, the dialog shows its responses last first: Close ends at the
   * bottom, the roles (most powerful first) on top. */
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  if (manage)
    {
      g_auto(GStrv) roles = cc_room_role_assignable (my_role);

      adw_message_dialog_add_response (dialog, "remove", _("_Remove from Room"));
      adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
      for (guint i = g_strv_length (roles); i > 0; i--)
        if (g_strcmp0 (roles[i - 1], their_role) != 0)
          adw_message_dialog_add_response (dialog, roles[i - 1], cw_members_make_role_label (roles[i - 1]));
    }
  adw_message_dialog_set_close_response (dialog, "close");
  adw_message_dialog_set_default_response (dialog, "close");

  c = g_new0 (Ctx, 1);
  c->client = g_object_ref (client);
  c->room_id = g_strdup (cc_room_get_id (room));
  c->user_id = g_strdup (cc_member_get_user_id (member));
  g_set_weak_pointer (&c->toast_target, GTK_WIDGET (root));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response_cb), c,
                         (GClosureNotify) ctx_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
cw_members_can_add (CcRoom *room)
{
  return room != NULL && g_strcmp0 (cc_room_get_room_type (room), "direct") != 0 &&
         cc_room_role_can_add (cc_room_get_my_role (room));
}

void
cw_members_add_people (GtkWidget *parent,
                       CcClient  *client,
                       CcRoom    *room)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  CwPickerDialog *picker = cw_picker_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                 client, CW_PICKER_ADD_PEOPLE);

  cw_picker_dialog_set_room (picker, cc_room_get_id (room));
  gtk_window_present (GTK_WINDOW (picker));
}

char *
cw_members_direct_subtitle (CcClient *client,
                            CcRoom   *room,
                            char     *fallback)
{
  g_autofree char *text = fallback;
  CcUser *user = client ? cc_client_lookup_user (client, cc_room_get_other_user_id (room)) : NULL;
  g_autofree char *seen = NULL;
  const char *status;

  if (user == NULL)
    return g_steal_pointer (&text);
  if (g_strcmp0 (cc_room_get_presence (room), "online") != 0 &&
      g_strcmp0 (cc_room_get_presence (room), "idle") != 0)
    seen = cc_format_last_seen ("offline", cc_user_get_last_seen_at (user), 0);
  if (seen != NULL)
    {
      g_free (text);
      text = g_steal_pointer (&seen);
    }
  status = cc_user_get_status_text (user);
  if (status != NULL && *status)
    return g_strdup_printf ("%s · %s", status, text);
  return g_steal_pointer (&text);
}

static void
status_set_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkWidget) parent = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_client_set_status_text_finish (CC_CLIENT (source), result, &error) &&
      gtk_widget_get_root (parent) != NULL)
    cw_show_toast (parent, cw_error_sentence (error));
}

static void
on_status_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       CcClient         *client)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "cancel") == 0)
    return;
  text = g_strstrip (g_strdup (g_strcmp0 (response, "clear") == 0 ? "" : gtk_editable_get_text (entry)));
  cc_client_set_status_text_async (client, text, NULL, status_set_cb,
                                   g_object_ref (parent ? GTK_WIDGET (parent) : GTK_WIDGET (dialog)));
}

static void
on_status_activate_cb (GtkEntry         *entry,
                       AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "set");
  gtk_window_close (GTK_WINDOW (dialog));
}

void
cw_members_set_status (GtkWindow *parent,
                       CcClient  *client)
{
  CcUser *me = cc_account_get_user (cc_client_get_account (client));
  const char *current = me ? cc_user_get_status_text (me) : NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Set Status"),
                                                       _("Others see it beside your name.")));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("What are you up to?"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Status"), -1);
  if (current != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), current);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "clear", _("C_lear"),
                                    "set", _("_Set Status"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "set", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "set");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_status_response_cb), client, 0);
  g_signal_connect (entry, "activate", G_CALLBACK (on_status_activate_cb), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}
