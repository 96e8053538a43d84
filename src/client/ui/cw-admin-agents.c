/* cw-admin-agents.c: the admin window's Agents page. A form adds an agent
 * (handle, display name, description, model, system prompt) or, after
 * Edit on a row, changes one; Remove asks first. Agents join rooms through
 * the room's member picker, like people.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cw-admin"

#include <glib/gi18n.h>

#include "cc-agents.h"
#include "cw-admin-agents.h"
#include "cw-utils.h"

struct _CwAdminAgents
{
  AdwBin         parent_instance;

  AdwPreferencesGroup *form_group;
  AdwEntryRow   *handle_row;
  AdwEntryRow   *name_row;
  AdwEntryRow   *description_row;
  AdwEntryRow   *model_row;
  GtkTextView   *prompt_view;
  GtkLabel      *form_error;
  GtkWidget     *cancel_button;
  GtkWidget     *save_button;
  GtkStack      *list_stack;
  GtkListBox    *agents_list;

  CcClient      *client;
  GCancellable  *cancellable;
  GListStore    *agents;       /* of CcUser */
  char          *editing_id;   /* the agent in the form, or NULL for a new one */
};

G_DEFINE_FINAL_TYPE (CwAdminAgents, cw_admin_agents, ADW_TYPE_BIN)

static char *
prompt_text (CwAdminAgents *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
show_error (CwAdminAgents *self,
            const char    *sentence)
{
  gtk_label_set_text (self->form_error, sentence ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), sentence != NULL);
}

/* Back to "Add an Agent", empty. */
static void
reset_form (CwAdminAgents *self)
{
  g_clear_pointer (&self->editing_id, g_free);
  adw_preferences_group_set_title (self->form_group, _("Add an Agent"));
  gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Add Agent"));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->handle_row), TRUE);
  for (AdwEntryRow **row = (AdwEntryRow *[]) { self->handle_row, self->name_row, self->description_row,
                                               self->model_row, NULL }; *row; row++)
    gtk_editable_set_text (GTK_EDITABLE (*row), "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), "", -1);
  show_error (self, NULL);
}

static void
update_stack (CwAdminAgents *self)
{
  gtk_stack_set_visible_child_name (self->list_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->agents)) ? "list" : "empty");
}

static gboolean
find_agent (CwAdminAgents *self,
            const char    *id,
            guint         *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->agents)); i++)
    {
      g_autoptr(CcUser) agent = g_list_model_get_item (G_LIST_MODEL (self->agents), i);

      if (g_strcmp0 (cc_user_get_id (agent), id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Saving ------------------------------------------------------------------ */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CwAdminAgents) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean created = g_task_get_source_tag (G_TASK (result)) == cc_client_create_agent_async;
  g_autoptr(CcUser) agent = created ? cc_client_create_agent_finish (CC_CLIENT (source), result, &error)
                                    : cc_client_update_agent_finish (CC_CLIENT (source), result, &error);
  guint pos;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (agent == NULL)
    {
      show_error (self, cw_error_sentence (error));
      return;
    }
  if (find_agent (self, cc_user_get_id (agent), &pos))
    g_list_store_splice (self->agents, pos, 1, (gpointer *) &agent, 1);
  else
    g_list_store_append (self->agents, agent);
  update_stack (self);
  reset_form (self);
}

static void
on_save_cb (CwAdminAgents *self)
{
  const char *handle = gtk_editable_get_text (GTK_EDITABLE (self->handle_row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *description = gtk_editable_get_text (GTK_EDITABLE (self->description_row));
  const char *model = gtk_editable_get_text (GTK_EDITABLE (self->model_row));
  g_autofree char *prompt = prompt_text (self);
  g_autofree char *handle_trimmed = g_strstrip (g_strdup (handle));
  g_autofree char *name_trimmed = g_strstrip (g_strdup (name));

  if (self->client == NULL)
    return;
  if (*handle_trimmed == '\0' || *name_trimmed == '\0')
    {
      show_error (self, _("An agent needs a handle and a display name."));
      return;
    }
  show_error (self, NULL);
  gtk_widget_set_sensitive (self->save_button, FALSE);
  if (self->editing_id == NULL)
    cc_client_create_agent_async (self->client, handle_trimmed, name_trimmed, description, prompt, model,
                                  self->cancellable, saved_cb, g_object_ref (self));
  else
    cc_client_update_agent_async (self->client, self->editing_id, NULL, name_trimmed, description, prompt,
                                  model, self->cancellable, saved_cb, g_object_ref (self));
}

static void
on_cancel_cb (CwAdminAgents *self)
{
  reset_form (self);
}

/* Rows -------------------------------------------------------------------- */

static void
on_edit_cb (GtkButton     *button,
            CwAdminAgents *self)
{
  CcUser *agent = g_object_get_data (G_OBJECT (button), "cw-agent");
  g_autofree char *title = NULL;

  reset_form (self);
  self->editing_id = g_strdup (cc_user_get_id (agent));
  /* Translators: the title of the form that changes an agent. */
  title = g_strdup_printf (_("Edit %s"), cc_user_get_display_name (agent));
  adw_preferences_group_set_title (self->form_group, title);
  gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Save"));
  gtk_widget_set_visible (self->cancel_button, TRUE);
  /* Mentions already written name the handle: it stays. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->handle_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->handle_row), cc_user_get_handle (agent) ? cc_user_get_handle (agent) : "");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), cc_user_get_display_name (agent) ? cc_user_get_display_name (agent) : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         cc_user_get_description (agent) ? cc_user_get_description (agent) : "");
  gtk_editable_set_text (GTK_EDITABLE (self->model_row), cc_user_get_model (agent) ? cc_user_get_model (agent) : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view),
                            cc_user_get_system_prompt (agent) ? cc_user_get_system_prompt (agent) : "", -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

typedef struct
{
  CwAdminAgents *self;
  char          *id;
} Removal;

static void
removal_free (Removal *r)
{
  g_object_unref (r->self);
  g_free (r->id);
  g_free (r);
}

static void
delete_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Removal *r = user_data;
  g_autoptr(GError) error = NULL;
  guint pos;

  if (!cc_client_delete_agent_finish (CC_CLIENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cw_show_toast (GTK_WIDGET (r->self), cw_error_sentence (error));
    }
  else
    {
      if (find_agent (r->self, r->id, &pos))
        g_list_store_remove (r->self->agents, pos);
      if (g_strcmp0 (r->self->editing_id, r->id) == 0)
        reset_form (r->self);
      update_stack (r->self);
    }
  removal_free (r);
}

static void
on_remove_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  Removal *r = user_data;

  if (g_strcmp0 (response, "remove") != 0 || r->self->client == NULL)
    {
      removal_free (r);
      return;
    }
  cc_client_delete_agent_async (r->self->client, r->id, r->self->cancellable, delete_done_cb, r);
}

static void
on_remove_cb (GtkButton     *button,
              CwAdminAgents *self)
{
  CcUser *agent = g_object_get_data (G_OBJECT (button), "cw-agent");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  Removal *r;

  /* Translators: asked before an agent is removed. */
  heading = g_strdup_printf (_("Remove %s?"), cc_user_get_display_name (agent));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("The agent leaves every room and no longer answers. "
                                     "Its past answers stay."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  r = g_new0 (Removal, 1);
  r->self = g_object_ref (self);
  r->id = g_strdup (cc_user_get_id (agent));
  g_signal_connect (dialog, "response", G_CALLBACK (on_remove_response_cb), r);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
row_button (const char    *icon,
            const char    *label,
            CcUser        *agent,
            GCallback      callback,
            CwAdminAgents *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (button), "cw-agent", g_object_ref (agent), g_object_unref);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

/* An organisation has a handful of agents: a GtkListBox bound to the model
 * is enough. */
static GtkWidget *
create_agent_row (gpointer item,
                  gpointer user_data)
{
  CwAdminAgents *self = user_data;
  CcUser *agent = item;
  GtkWidget *row = adw_action_row_new ();
  AdwAvatar *avatar = ADW_AVATAR (adw_avatar_new (32, cc_user_get_display_name (agent), FALSE));
  const char *handle = cc_user_get_handle (agent);
  const char *description = cc_user_get_description (agent);
  g_autofree char *subtitle = NULL;
  g_autofree char *edit = NULL;
  g_autofree char *remove = NULL;

  cw_avatar_set_agent (avatar, TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), GTK_WIDGET (avatar));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cc_user_get_display_name (agent));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (description != NULL && *description != '\0')
    subtitle = g_strdup_printf ("@%s · %s", handle ? handle : "", description);
  else
    subtitle = g_strdup_printf ("@%s", handle ? handle : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* Translators: the buttons of an agent's row, for screen readers. */
  edit = g_strdup_printf (_("Edit %s"), cc_user_get_display_name (agent));
  remove = g_strdup_printf (_("Remove %s"), cc_user_get_display_name (agent));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("document-edit-symbolic", edit, agent, G_CALLBACK (on_edit_cb), self));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("user-trash-symbolic", remove, agent, G_CALLBACK (on_remove_cb), self));
  return row;
}

static void
agents_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CwAdminAgents) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) agents = cc_client_list_agents_finish (CC_CLIENT (source), result, &error);

  if (agents == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, cw_error_sentence (error));
      return;
    }
  g_list_store_splice (self->agents, 0, g_list_model_get_n_items (G_LIST_MODEL (self->agents)),
                       agents->pdata, agents->len);
  update_stack (self);
}

void
cw_admin_agents_set_client (CwAdminAgents *self,
                            CcClient      *client)
{
  g_return_if_fail (CW_IS_ADMIN_AGENTS (self));
  g_return_if_fail (CC_IS_CLIENT (client));

  g_set_object (&self->client, client);
  cc_client_list_agents_async (client, self->cancellable, agents_loaded_cb, g_object_ref (self));
}

/* GObject ----------------------------------------------------------------- */

static void
cw_admin_agents_dispose (GObject *object)
{
  CwAdminAgents *self = CW_ADMIN_AGENTS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->agents);
  g_clear_object (&self->client);
  g_clear_pointer (&self->editing_id, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ADMIN_AGENTS);
  G_OBJECT_CLASS (cw_admin_agents_parent_class)->dispose (object);
}

static void
cw_admin_agents_class_init (CwAdminAgentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_admin_agents_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-admin-agents.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, form_group);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, handle_row);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, name_row);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, description_row);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, model_row);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, form_error);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, save_button);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CwAdminAgents, agents_list);
  gtk_widget_class_bind_template_callback (widget_class, on_save_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_cb);
}

static void
cw_admin_agents_init (CwAdminAgents *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->agents = g_list_store_new (CC_TYPE_USER);
  gtk_list_box_bind_model (self->agents_list, G_LIST_MODEL (self->agents), create_agent_row, self, NULL);
  update_stack (self);
}
