/* cw-join-dialog.c: an invitation opened from a causerie:// or https://
 * link. Nothing happens until the person presses a button: Accept when
 * signed in as the invited address; otherwise create that account (name
 * and password) or sign in to it, then accept; or Decline. The room opens
 * once joined.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cau-validate.h"
#include "cc-invitation.h"
#include "cw-join-dialog.h"
#include "cw-utils.h"
#include "cw-window.h"
#include "cc-bidi.h"

typedef enum {
  MODE_ACCEPT,   /* signed in as the invited address on that server */
  MODE_CREATE,   /* create the invited account, then accept */
  MODE_SIGN_IN,  /* sign in as the invited address, then accept */
} Mode;

struct _CwJoinDialog
{
  AdwWindow            parent_instance;

  GtkStack            *stack;
  AdwStatusPage       *error_page;
  GtkLabel            *title_label;
  GtkLabel            *details_label;
  GtkLabel            *message_label;
  GtkLabel            *account_label;
  GtkListBox          *create_list;
  AdwEntryRow         *name_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel            *problem_label;
  GtkButton           *decline_button;
  GtkButton           *switch_button;
  GtkButton           *accept_button;

  CwApplication       *app;
  CcApi               *api;          /* the invitation's server, no token */
  CcInvitation        *invitation;
  char                *token;
  char                *server_url;
  GCancellable        *cancellable;
  Mode                 mode;
  gboolean             chosen;       /* the person picked create or sign in */
  gboolean             working;
};

G_DEFINE_FINAL_TYPE (CwJoinDialog, cw_join_dialog, ADW_TYPE_WINDOW)

const char *
cw_join_dialog_get_token (CwJoinDialog *self)
{
  g_return_val_if_fail (CW_IS_JOIN_DIALOG (self), NULL);
  return self->token;
}

static char *
trimmed (GtkEditable *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

static gboolean
same_server (const char *a,
             const char *b)
{
  g_autofree char *x = g_strdup (a);
  g_autofree char *y = g_strdup (b);

  if (x == NULL || y == NULL)
    return FALSE;
  while (g_str_has_suffix (x, "/"))
    x[strlen (x) - 1] = '\0';
  while (g_str_has_suffix (y, "/"))
    y[strlen (y) - 1] = '\0';
  return g_ascii_strcasecmp (x, y) == 0;
}

/* The signed-in account, when it is the invited one. */
static gboolean
signed_in_as_invited (CwJoinDialog *self)
{
  CcClient *client = cw_application_get_client (self->app);
  CcAccount *account = client ? cc_client_get_account (client) : NULL;

  return account != NULL && self->invitation != NULL &&
         same_server (cc_account_get_server_url (account), self->server_url) &&
         g_strcmp0 (cc_account_get_tenant (account), cc_invitation_get_tenant (self->invitation)) == 0 &&
         g_ascii_strcasecmp (cc_account_get_email (account), cc_invitation_get_email (self->invitation)) == 0;
}

static void
show_problem (CwJoinDialog *self,
              const char   *text)
{
  gtk_label_set_text (self->problem_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), text != NULL);
}

static void
on_changed_cb (CwJoinDialog *self)
{
  g_autofree char *name = trimmed (GTK_EDITABLE (self->name_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  gboolean ready = !self->working && !cw_application_get_busy (self->app) && self->invitation != NULL;

  if (self->mode == MODE_CREATE)
    ready = ready && *name != '\0' && *password != '\0';
  else if (self->mode == MODE_SIGN_IN)
    ready = ready && *password != '\0';

  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->decline_button), !self->working && self->invitation != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->switch_button), !self->working);
}

static void
update_mode (CwJoinDialog *self)
{
  CcClient *client = cw_application_get_client (self->app);
  const char *email;
  g_autofree char *account_text = NULL;

  if (self->invitation == NULL)
    return;
  email = cc_invitation_get_email (self->invitation);

  if (signed_in_as_invited (self))
    self->mode = MODE_ACCEPT;
  else if (!self->chosen)
    self->mode = cc_invitation_get_has_account (self->invitation) ? MODE_SIGN_IN : MODE_CREATE;

  switch (self->mode)
    {
    case MODE_ACCEPT:
      /* Translators: %s is an email address. */
      account_text = g_strdup_printf (_("You are signed in as %s."), email);
      gtk_button_set_label (self->accept_button, _("_Accept"));
      break;
    case MODE_CREATE:
      /* Translators: %s is an email address. */
      account_text = g_strdup_printf (_("Create your account for %s to join."), email);
      gtk_button_set_label (self->accept_button, _("_Create Account and Join"));
      gtk_button_set_label (self->switch_button, _("_Sign In Instead"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Choose a password"));
      break;
    case MODE_SIGN_IN:
    default:
      /* Translators: %s is an email address. */
      account_text = g_strdup_printf (_("Sign in as %s to join."), email);
      gtk_button_set_label (self->accept_button, _("_Sign In and Join"));
      gtk_button_set_label (self->switch_button, _("_Create Account Instead"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Password"));
      break;
    }

  if (self->mode != MODE_ACCEPT && client != NULL)
    {
      /* Translators: a sentence after "Sign in as … to join."; %s is an email address. */
      g_autofree char *other = g_strdup_printf (_("You are now signed in as %s; joining switches accounts."),
                                                cc_account_get_email (cc_client_get_account (client)));
      char *both = g_strconcat (account_text, " ", other, NULL);

      g_free (account_text);
      account_text = both;
    }

  gtk_label_set_text (self->account_label, account_text);
  gtk_widget_set_visible (GTK_WIDGET (self->create_list), self->mode != MODE_ACCEPT);
  gtk_widget_set_visible (GTK_WIDGET (self->name_row), self->mode == MODE_CREATE);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_button),
                          self->mode == MODE_CREATE ||
                          (self->mode == MODE_SIGN_IN && !cc_invitation_get_has_account (self->invitation)));
  on_changed_cb (self);
}

static void
on_switch_cb (CwJoinDialog *self)
{
  self->chosen = TRUE;
  self->mode = self->mode == MODE_CREATE ? MODE_SIGN_IN : MODE_CREATE;
  show_problem (self, NULL);
  update_mode (self);
}

/* Look-up ----------------------------------------------------------------- */

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcInvitation) invitation = cc_invitation_lookup_finish (CC_API (source), result, &error);
  g_autofree char *title = NULL;
  g_autofree char *details = NULL;
  g_autofree char *day = NULL;
  const char *type;

  if (invitation == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->error_page, cw_error_sentence (error));
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->invitation = g_steal_pointer (&invitation);
  type = cc_invitation_get_room_type (self->invitation);

  /* Translators: %s is a room name. */
  title = g_strdup_printf (_("Join “%s”"), cc_invitation_get_room_name (self->invitation));
  day = cw_format_day (cc_invitation_get_expires_at (self->invitation));
  if (g_strcmp0 (type, "channel") == 0)
    /* Translators: inviter, email, room, organisation, expiry day. */
    details = cc_bidi_printf (_("%s invited %s to the channel %s of %s. The invitation expires: %s."),
                               cc_invitation_get_inviter_name (self->invitation),
                               cc_invitation_get_email (self->invitation),
                               cc_invitation_get_room_name (self->invitation),
                               cc_invitation_get_tenant (self->invitation), day);
  else
    /* Translators: inviter, email, room, organisation, expiry day. */
    details = cc_bidi_printf (_("%s invited %s to the group %s of %s. The invitation expires: %s."),
                               cc_invitation_get_inviter_name (self->invitation),
                               cc_invitation_get_email (self->invitation),
                               cc_invitation_get_room_name (self->invitation),
                               cc_invitation_get_tenant (self->invitation), day);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->details_label, details);
  {
    /* The inviter's own words, when they wrote some. */
    const char *message = cc_invitation_get_message (self->invitation);
    g_autofree char *stripped = g_strstrip (g_strdup (message ? message : ""));
    g_autofree char *quoted = NULL;

    if (*stripped != '\0')
      /* Translators: the inviter's message, quoted. */
      quoted = g_strdup_printf (_("“%s”"), stripped);
    gtk_label_set_text (self->message_label, quoted ? quoted : "");
    gtk_widget_set_visible (GTK_WIDGET (self->message_label), quoted != NULL);
  }
  gtk_stack_set_visible_child_name (self->stack, "details");
  update_mode (self);
  if (self->mode == MODE_CREATE)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else if (self->mode == MODE_SIGN_IN)
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

/* Accept ------------------------------------------------------------------ */

static void
set_working (CwJoinDialog *self,
             gboolean      working)
{
  self->working = working;
  on_changed_cb (self);
}

static void
fail (CwJoinDialog *self,
      const GError *error)
{
  set_working (self, FALSE);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_problem (self, cw_error_sentence (error));
}

static void
joined (CwJoinDialog *self,
        const char   *room_id)
{
  cw_application_forget_invitation (self->app, self->token);
  if (room_id != NULL)
    cw_application_open_room (self->app, room_id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
accept_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *room_id = cc_invitation_accept_finish (CC_API (source), result, &error);

  if (room_id == NULL)
    fail (self, error);
  else
    joined (self, room_id);
}

static void
accept_signed_in (CwJoinDialog *self)
{
  CcClient *client = cw_application_get_client (self->app);

  cc_invitation_accept_async (cc_client_get_api (client), self->token, NULL, NULL,
                              self->cancellable, accept_cb, g_object_ref (self));
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *room_id = g_object_get_data (G_OBJECT (self), "joined-room");

  if (!cw_application_sign_in_finish (CW_APPLICATION (source), result, &error))
    {
      fail (self, error);
      return;
    }
  if (room_id != NULL)
    joined (self, room_id);
  else
    accept_signed_in (self);
}

static void
sign_in (CwJoinDialog *self)
{
  g_autofree char *password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));

  cw_application_sign_in_async (self->app, self->server_url,
                                cc_invitation_get_tenant (self->invitation),
                                cc_invitation_get_email (self->invitation), password,
                                self->cancellable, sign_in_cb, g_object_ref (self));
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CwJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *room_id = cc_invitation_accept_finish (CC_API (source), result, &error);

  if (room_id == NULL)
    {
      fail (self, error);
      return;
    }
  /* The account exists and is in the room: sign in with it the usual way,
   * so the session is kept like any other. */
  g_object_set_data_full (G_OBJECT (self), "joined-room", g_steal_pointer (&room_id), g_free);
  sign_in (self);
}

static void
on_accept_cb (CwJoinDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->accept_button)) || self->invitation == NULL)
    return;
  show_problem (self, NULL);

  switch (self->mode)
    {
    case MODE_ACCEPT:
      set_working (self, TRUE);
      accept_signed_in (self);
      break;
    case MODE_CREATE:
      {
        g_autofree char *name = trimmed (GTK_EDITABLE (self->name_row));
        const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

        if (!cau_validate_password (password, &error))
          {
            show_problem (self, cw_error_sentence (error));
            return;
          }
        set_working (self, TRUE);
        cc_invitation_accept_async (self->api, self->token, name, password,
                                    self->cancellable, create_cb, g_object_ref (self));
      }
      break;
    case MODE_SIGN_IN:
    default:
      set_working (self, TRUE);
      sign_in (self);
      break;
    }
}

/* Decline ----------------------------------------------------------------- */

static void
decline_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;

  if (!cc_invitation_decline_finish (CC_API (source), result, &error))
    {
      fail (self, error);
      return;
    }
  cw_application_forget_invitation (self->app, self->token);
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (CW_IS_WINDOW (parent))
    cw_window_show_toast (CW_WINDOW (parent), _("Invitation declined"));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_decline_cb (CwJoinDialog *self)
{
  show_problem (self, NULL);
  set_working (self, TRUE);
  cc_invitation_decline_async (self->api, self->token, self->cancellable,
                               decline_cb, g_object_ref (self));
}

/* GObject ----------------------------------------------------------------- */

static void
cw_join_dialog_dispose (GObject *object)
{
  CwJoinDialog *self = CW_JOIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->app != NULL)
    g_signal_handlers_disconnect_by_data (self->app, self);
  g_clear_object (&self->app);
  g_clear_object (&self->api);
  g_clear_object (&self->invitation);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_JOIN_DIALOG);

  G_OBJECT_CLASS (cw_join_dialog_parent_class)->dispose (object);
}

static void
cw_join_dialog_finalize (GObject *object)
{
  CwJoinDialog *self = CW_JOIN_DIALOG (object);

  g_free (self->token);
  g_free (self->server_url);

  G_OBJECT_CLASS (cw_join_dialog_parent_class)->finalize (object);
}

static void
cw_join_dialog_class_init (CwJoinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_join_dialog_dispose;
  object_class->finalize = cw_join_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-join-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, details_label);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, account_label);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, create_list);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, decline_button);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, switch_button);
  gtk_widget_class_bind_template_child (widget_class, CwJoinDialog, accept_button);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_decline_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cw_join_dialog_init (CwJoinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CwJoinDialog *
cw_join_dialog_new (GtkWindow     *parent,
                    CwApplication *app,
                    const char    *token,
                    const char    *server_url)
{
  CwJoinDialog *self;

  g_return_val_if_fail (CW_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (token != NULL && server_url != NULL, NULL);

  self = g_object_new (CW_TYPE_JOIN_DIALOG, "transient-for", parent, NULL);
  self->app = g_object_ref (app);
  self->token = g_strdup (token);
  self->server_url = g_strdup (server_url);
  self->api = cc_api_new (server_url);
  g_signal_connect_swapped (app, "notify::client", G_CALLBACK (update_mode), self);
  g_signal_connect_swapped (app, "notify::busy", G_CALLBACK (on_changed_cb), self);
  cc_invitation_lookup_async (self->api, token, self->cancellable, lookup_cb, g_object_ref (self));
  return self;
}
