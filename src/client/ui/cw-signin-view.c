/* cw-signin-view.c: the sign-in form. Says in a sentence why a sign-in
 * failed: server unreachable, wrong email or password, rate limited.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cau-error.h"
#include "cw-signin-view.h"
#include "cw-utils.h"

struct _CwSigninView
{
  GtkWidget      parent_instance;

  AdwEntryRow   *server_row;
  AdwEntryRow   *tenant_row;
  AdwEntryRow   *email_row;
  AdwEntryRow   *password_row;
  GtkRevealer   *error_revealer;
  GtkLabel      *error_label;
  GtkButton     *sign_in_button;
  GtkStack      *button_stack;
  GtkSpinner    *spinner;

  CwApplication *app;
  GCancellable  *cancellable;
  char          *server_url;
  gboolean       busy;
  gboolean       auto_tried;
};

G_DEFINE_FINAL_TYPE (CwSigninView, cw_signin_view, GTK_TYPE_WIDGET)

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
is_complete (CwSigninView *self)
{
  g_autofree char *server = g_strstrip (g_strdup (row_text (self->server_row)));

  return *server != '\0' &&
         *row_text (self->tenant_row) != '\0' &&
         *row_text (self->email_row) != '\0' &&
         *row_text (self->password_row) != '\0';
}

static void
update_sensitivity (CwSigninView *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !self->busy && is_complete (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tenant_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !self->busy);
}

static void
set_busy (CwSigninView *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_stack_set_visible_child_name (self->button_stack, busy ? "spinner" : "label");
  update_sensitivity (self);
}

static void
show_error (CwSigninView *self,
            const char   *text)
{
  gtk_label_set_text (self->error_label, text ? text : "");
  gtk_revealer_set_reveal_child (self->error_revealer, text != NULL);
}

char *
cw_signin_normalize_url (const char *text)
{
  g_autofree char *url = g_strstrip (g_strdup (text ? text : ""));
  gsize len;

  if (*url == '\0')
    return g_strdup ("");

  if (strstr (url, "://") == NULL)
    {
      gboolean local = g_str_has_prefix (url, "localhost") ||
                       g_str_has_prefix (url, "127.") ||
                       g_str_has_prefix (url, "[::1]");
      char *with_scheme = g_strconcat (local ? "http://" : "https://", url, NULL);

      g_free (url);
      url = with_scheme;
    }

  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  return g_steal_pointer (&url);
}

static char *
sentence_for (CwSigninView *self,
              const GError *error)
{
  if (g_error_matches (error, CAU_ERROR, CAU_ERROR_UNAUTHORIZED))
    return g_strdup (_("The email or password is not right for this organisation."));
  if (g_error_matches (error, CAU_ERROR, CAU_ERROR_RATE_LIMITED))
    {
      if (error->message != NULL && *error->message)
        return g_strdup (error->message);
      return g_strdup (_("Too many attempts. Wait a minute, then try again."));
    }
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
      error->domain == G_TLS_ERROR)
    /* Translators: %s is the server address typed in the form. */
    return g_strdup_printf (_("Could not reach the server at %s. Check the address and your connection."),
                            self->server_url);
  return g_strdup (cw_error_sentence (error));
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CwSigninView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cw_application_sign_in_finish (CW_APPLICATION (source), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      text = sentence_for (self, error);
      show_error (self, text);
      if (g_error_matches (error, CAU_ERROR, CAU_ERROR_UNAUTHORIZED))
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static void
sign_in (CwSigninView *self)
{
  g_autofree char *tenant = NULL;
  g_autofree char *email = NULL;

  if (self->busy || self->app == NULL || !is_complete (self))
    return;

  g_free (self->server_url);
  self->server_url = cw_signin_normalize_url (row_text (self->server_row));
  tenant = g_strstrip (g_strdup (row_text (self->tenant_row)));
  email = g_strstrip (g_strdup (row_text (self->email_row)));

  show_error (self, NULL);
  set_busy (self, TRUE);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  cw_application_sign_in_async (self->app, self->server_url, tenant, email,
                                row_text (self->password_row), self->cancellable,
                                sign_in_cb, g_object_ref (self));
}

static void
on_changed_cb (CwSigninView *self)
{
  update_sensitivity (self);
}

static void
on_activate_cb (CwSigninView *self,
                AdwEntryRow  *row)
{
  if (is_complete (self))
    sign_in (self);
  else if (row == self->server_row)
    gtk_widget_grab_focus (GTK_WIDGET (self->tenant_row));
  else if (row == self->tenant_row)
    gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_sign_in_clicked_cb (CwSigninView *self)
{
  sign_in (self);
}

static void
prefill (CwSigninView *self,
         AdwEntryRow  *row,
         const char   *key)
{
  const char *value = cw_application_get_prefill (self->app, key);

  if (value != NULL && *row_text (row) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (row), value);
}

void
cw_signin_view_reset (CwSigninView *self)
{
  g_return_if_fail (CW_IS_SIGNIN_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, NULL);
  set_busy (self, FALSE);

  if (self->app == NULL)
    return;

  prefill (self, self->server_row, "server");
  prefill (self, self->tenant_row, "organisation");
  prefill (self, self->email_row, "email");

  /* Development and tests: CAUSERIE_PASSWORD signs in once with the
   * prefilled account, the way the README's demo command starts the app. */
  if (!self->auto_tried && g_getenv ("CAUSERIE_PASSWORD") != NULL)
    {
      self->auto_tried = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), g_getenv ("CAUSERIE_PASSWORD"));
      sign_in (self);
    }
}

void
cw_signin_view_set_application (CwSigninView  *self,
                                CwApplication *app)
{
  g_return_if_fail (CW_IS_SIGNIN_VIEW (self));
  self->app = app;
}

static void
cw_signin_view_dispose (GObject *object)
{
  CwSigninView *self = CW_SIGNIN_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_SIGNIN_VIEW);
  cw_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cw_signin_view_parent_class)->dispose (object);
}

static void
cw_signin_view_finalize (GObject *object)
{
  CwSigninView *self = CW_SIGNIN_VIEW (object);

  g_free (self->server_url);
  G_OBJECT_CLASS (cw_signin_view_parent_class)->finalize (object);
}

static void
cw_signin_view_class_init (CwSigninViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_signin_view_dispose;
  object_class->finalize = cw_signin_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-signin-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, server_row);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, tenant_row);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, email_row);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, password_row);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, error_label);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, button_stack);
  gtk_widget_class_bind_template_child (widget_class, CwSigninView, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cw_signin_view_init (CwSigninView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
