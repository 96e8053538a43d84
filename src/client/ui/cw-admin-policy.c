/* cw-admin-policy.c: the admin window's Contact Policy page (issue 17).
 * The ranks in order (add, move up, remove after a question), a grid of
 * check buttons "CEO may message Employee" (rows: who starts; columns:
 * whom they reach), and each person's rank. Every change is saved at once
 * (PUT /api/admin/contact-policy, PATCH /api/admin/users/{id}); a change
 * made while one is on its way is sent after it, and a refusal puts back
 * what the server has.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cw-admin"

#include <glib/gi18n.h>

#include "cc-admin.h"
#include "cc-policy.h"
#include "cw-admin-policy.h"
#include "cw-utils.h"

struct _CwAdminPolicy
{
  AdwBin           parent_instance;

  GtkLabel        *error_label;
  GtkListBox      *ranks_list;
  GtkEntry        *new_rank_entry;
  GtkWidget       *matrix_group;
  GtkGrid         *matrix_grid;
  GtkWidget       *people_group;
  GtkListBox      *people_list;

  CcClient        *client;
  GCancellable    *cancellable;
  CcContactPolicy *stored;     /* as the server has it */
  CcContactPolicy *desired;    /* what the page shows */
  gboolean         saving;
  gboolean         dirty;      /* changed again while saving */
  gboolean         ranks_moved; /* the saved ranks changed: people's may have */
  GPtrArray       *people;     /* CcUser (people, not agents) */
  gboolean         filling;    /* the page is being built: no saving */
};

G_DEFINE_FINAL_TYPE (CwAdminPolicy, cw_admin_policy, ADW_TYPE_BIN)

static void rebuild (CwAdminPolicy *self);
static void load_people (CwAdminPolicy *self);

static void
show_error (CwAdminPolicy *self,
            const char    *sentence)
{
  gtk_label_set_text (self->error_label, sentence ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), sentence != NULL);
}

static gboolean
same_ranks (CcContactPolicy *a,
            CcContactPolicy *b)
{
  const char * const *ra = cc_contact_policy_get_ranks (a);
  const char * const *rb = cc_contact_policy_get_ranks (b);

  return g_strv_equal ((const char **) ra, (const char **) rb);
}

/* Saving -------------------------------------------------------------------- */

static void save (CwAdminPolicy *self);

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CwAdminPolicy) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcContactPolicy) stored = cc_client_set_contact_policy_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->saving = FALSE;
  if (stored == NULL)
    {
      /* Back to what the server has. */
      self->dirty = FALSE;
      show_error (self, cw_error_sentence (error));
      g_clear_object (&self->desired);
      self->desired = cc_contact_policy_copy (self->stored);
      rebuild (self);
      if (self->ranks_moved)
        load_people (self);
      self->ranks_moved = FALSE;
      return;
    }
  self->ranks_moved |= !same_ranks (self->stored, stored);
  g_set_object (&self->stored, stored);
  if (self->dirty)
    {
      save (self);
      return;
    }
  show_error (self, NULL);
  /* People of a removed rank have none now. */
  if (self->ranks_moved)
    load_people (self);
  self->ranks_moved = FALSE;
}

static void
save (CwAdminPolicy *self)
{
  g_autoptr(CcContactPolicy) copy = NULL;

  if (self->client == NULL || self->filling)
    return;
  if (self->saving)
    {
      self->dirty = TRUE;
      return;
    }
  self->saving = TRUE;
  self->dirty = FALSE;
  copy = cc_contact_policy_copy (self->desired);
  cc_client_set_contact_policy_async (self->client, copy, self->cancellable, saved_cb, g_object_ref (self));
}

/* Ranks ---------------------------------------------------------------------- */

static void
on_add_rank_cb (CwAdminPolicy *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_rank_entry))));

  if (self->desired == NULL)
    return;
  if (*name == '\0')
    {
      show_error (self, _("Type the name of the rank first."));
      return;
    }
  if (g_utf8_strlen (name, -1) > CC_CONTACT_POLICY_RANK_MAX_CHARS)
    {
      g_autofree char *text = g_strdup_printf (_("A rank’s name can be at most %d characters long."),
                                               CC_CONTACT_POLICY_RANK_MAX_CHARS);
      show_error (self, text);
      return;
    }
  if (cc_contact_policy_get_n_ranks (self->desired) >= CC_CONTACT_POLICY_MAX_RANKS)
    {
      g_autofree char *text = g_strdup_printf (_("An organisation can have at most %d ranks."),
                                               CC_CONTACT_POLICY_MAX_RANKS);
      show_error (self, text);
      return;
    }
  if (!cc_contact_policy_add_rank (self->desired, name))
    {
      g_autofree char *text = g_strdup_printf (_("There is already a rank called “%s”."), name);
      show_error (self, text);
      return;
    }
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->new_rank_entry), "");
  rebuild (self);
  save (self);
}

static void
on_move_up_cb (GtkButton     *button,
               CwAdminPolicy *self)
{
  const char *rank = g_object_get_data (G_OBJECT (button), "cw-rank");

  cc_contact_policy_move_up (self->desired, rank);
  rebuild (self);
  save (self);
}

static void
on_remove_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  g_autoptr(CwAdminPolicy) self = g_object_steal_data (G_OBJECT (dialog), "cw-page");
  const char *rank = g_object_get_data (G_OBJECT (dialog), "cw-rank");

  if (g_strcmp0 (response, "remove") != 0 || self == NULL || self->desired == NULL)
    return;
  cc_contact_policy_remove_rank (self->desired, rank);
  rebuild (self);
  save (self);
}

static void
on_remove_cb (GtkButton     *button,
              CwAdminPolicy *self)
{
  const char *rank = g_object_get_data (G_OBJECT (button), "cw-rank");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  /* Translators: asked before a rank is removed; %s is its name. */
  heading = g_strdup_printf (_("Remove the Rank “%s”?"), rank);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("People with this rank will have none, and may then message everyone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "cw-page", g_object_ref (self), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "cw-rank", g_strdup (rank), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_remove_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
rank_button (const char    *icon,
             const char    *label,
             const char    *rank,
             GCallback      callback,
             CwAdminPolicy *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (button), "cw-rank", g_strdup (rank), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

/* A handful of ranks (20 at most): widgets made here from the policy, as
 * a GtkListBox and a GtkGrid, rather than list models. */
static void
rebuild_ranks (CwAdminPolicy *self)
{
  const char * const *ranks = cc_contact_policy_get_ranks (self->desired);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->ranks_list))) != NULL)
    gtk_list_box_remove (self->ranks_list, child);
  if (ranks[0] == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No ranks yet: everyone may message everyone."));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->ranks_list, row);
      return;
    }
  for (guint i = 0; ranks[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *up = NULL, *remove = NULL;
      GtkWidget *up_button;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ranks[i]);
      /* Translators: the buttons of a rank's row, for screen readers. */
      up = g_strdup_printf (_("Move %s up"), ranks[i]);
      remove = g_strdup_printf (_("Remove %s"), ranks[i]);
      up_button = rank_button ("go-up-symbolic", up, ranks[i], G_CALLBACK (on_move_up_cb), self);
      gtk_widget_set_sensitive (up_button, i > 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), up_button);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 rank_button ("user-trash-symbolic", remove, ranks[i], G_CALLBACK (on_remove_cb), self));
      gtk_list_box_append (self->ranks_list, row);
    }
}

/* The matrix ----------------------------------------------------------------- */

static void
on_cell_toggled_cb (GtkCheckButton *check,
                    CwAdminPolicy  *self)
{
  const char *from = g_object_get_data (G_OBJECT (check), "cw-from");
  const char *to = g_object_get_data (G_OBJECT (check), "cw-to");

  if (self->filling || self->desired == NULL)
    return;
  cc_contact_policy_set_allowed (self->desired, from, to, gtk_check_button_get_active (check));
  save (self);
}

static GtkWidget *
header_label (const char *text,
              gboolean    column)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
  gtk_label_set_xalign (GTK_LABEL (label), column ? 0.5 : 0.0);
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
rebuild_matrix (CwAdminPolicy *self)
{
  const char * const *ranks = cc_contact_policy_get_ranks (self->desired);
  GtkWidget *child;
  GtkWidget *corner;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->matrix_grid))) != NULL)
    gtk_grid_remove (self->matrix_grid, child);
  gtk_widget_set_visible (self->matrix_group, ranks[0] != NULL);
  if (ranks[0] == NULL)
    return;
  /* Translators: the corner of the grid: rows are who writes, columns whom. */
  corner = gtk_label_new (_("From ╲ To"));
  gtk_widget_add_css_class (corner, "dim-label");
  gtk_grid_attach (self->matrix_grid, corner, 0, 0, 1, 1);
  for (guint j = 0; ranks[j] != NULL; j++)
    gtk_grid_attach (self->matrix_grid, header_label (ranks[j], TRUE), j + 1, 0, 1, 1);
  for (guint i = 0; ranks[i] != NULL; i++)
    {
      gtk_grid_attach (self->matrix_grid, header_label (ranks[i], FALSE), 0, i + 1, 1, 1);
      for (guint j = 0; ranks[j] != NULL; j++)
        {
          GtkWidget *check = gtk_check_button_new ();
          /* Translators: a cell of the contact grid, read by screen
           * readers: "CEO may message Employee". */
          g_autofree char *name = g_strdup_printf (_("%s may message %s"), ranks[i], ranks[j]);

          gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
          gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                       cc_contact_policy_allows (self->desired, ranks[i], ranks[j]));
          gtk_widget_set_tooltip_text (check, name);
          gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          g_object_set_data_full (G_OBJECT (check), "cw-from", g_strdup (ranks[i]), g_free);
          g_object_set_data_full (G_OBJECT (check), "cw-to", g_strdup (ranks[j]), g_free);
          g_signal_connect_object (check, "toggled", G_CALLBACK (on_cell_toggled_cb), self, 0);
          gtk_grid_attach (self->matrix_grid, check, j + 1, i + 1, 1, 1);
        }
    }
}

/* People --------------------------------------------------------------------- */

static void
rank_set_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CwAdminPolicy) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcUser) user = cc_client_set_user_rank_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (user == NULL)
    {
      show_error (self, cw_error_sentence (error));
      load_people (self);
      return;
    }
  show_error (self, NULL);
  for (guint i = 0; i < self->people->len; i++)
    if (g_strcmp0 (cc_user_get_id (g_ptr_array_index (self->people, i)), cc_user_get_id (user)) == 0)
      {
        g_object_unref (self->people->pdata[i]);
        self->people->pdata[i] = g_object_ref (user);
      }
}

static void
on_person_rank_cb (AdwComboRow   *row,
                   GParamSpec    *pspec,
                   CwAdminPolicy *self)
{
  const char *user_id = g_object_get_data (G_OBJECT (row), "cw-user-id");
  guint selected = adw_combo_row_get_selected (row);
  const char * const *ranks = cc_contact_policy_get_ranks (self->desired);
  const char *rank = selected > 0 && selected <= g_strv_length ((char **) ranks) ? ranks[selected - 1] : NULL;

  if (self->filling || self->client == NULL)
    return;
  cc_client_set_user_rank_async (self->client, user_id, rank, self->cancellable,
                                 rank_set_cb, g_object_ref (self));
}

static void
rebuild_people (CwAdminPolicy *self)
{
  const char * const *ranks = cc_contact_policy_get_ranks (self->desired);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->people_list))) != NULL)
    gtk_list_box_remove (self->people_list, child);
  gtk_widget_set_visible (self->people_group, ranks[0] != NULL && self->people != NULL && self->people->len > 0);
  if (ranks[0] == NULL || self->people == NULL)
    return;
  for (guint i = 0; i < self->people->len; i++)
    {
      CcUser *user = g_ptr_array_index (self->people, i);
      g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
      GtkWidget *row = adw_combo_row_new ();
      guint selected = 0;

      gtk_string_list_append (choices, _("No rank"));
      for (guint j = 0; ranks[j] != NULL; j++)
        {
          gtk_string_list_append (choices, ranks[j]);
          if (g_strcmp0 (cc_user_get_rank (user), ranks[j]) == 0)
            selected = j + 1;
        }
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cc_user_get_display_name (user));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), cc_user_get_email (user));
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      g_object_set_data_full (G_OBJECT (row), "cw-user-id", g_strdup (cc_user_get_id (user)), g_free);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_person_rank_cb), self, 0);
      gtk_list_box_append (self->people_list, row);
    }
}

static void
rebuild (CwAdminPolicy *self)
{
  if (self->desired == NULL)
    return;
  self->filling = TRUE;
  rebuild_ranks (self);
  rebuild_matrix (self);
  rebuild_people (self);
  self->filling = FALSE;
}

/* Loading -------------------------------------------------------------------- */

static void
people_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CwAdminPolicy) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = cc_client_list_users_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (users == NULL)
    {
      show_error (self, cw_error_sentence (error));
      return;
    }
  g_clear_pointer (&self->people, g_ptr_array_unref);
  self->people = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < users->len; i++)
    if (!cc_user_is_agent (g_ptr_array_index (users, i)))
      g_ptr_array_add (self->people, g_object_ref (g_ptr_array_index (users, i)));
  self->filling = TRUE;
  if (self->desired != NULL)
    rebuild_people (self);
  self->filling = FALSE;
}

static void
load_people (CwAdminPolicy *self)
{
  cc_client_list_users_async (self->client, self->cancellable, people_loaded_cb, g_object_ref (self));
}

static void
policy_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CwAdminPolicy) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcContactPolicy) policy = cc_client_get_contact_policy_finish (CC_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (policy == NULL)
    {
      show_error (self, cw_error_sentence (error));
      return;
    }
  g_set_object (&self->stored, policy);
  g_clear_object (&self->desired);
  self->desired = cc_contact_policy_copy (policy);
  rebuild (self);
}

void
cw_admin_policy_set_client (CwAdminPolicy *self,
                            CcClient      *client)
{
  g_return_if_fail (CW_IS_ADMIN_POLICY (self));
  g_return_if_fail (CC_IS_CLIENT (client));

  g_set_object (&self->client, client);
  cc_client_get_contact_policy_async (client, self->cancellable, policy_loaded_cb, g_object_ref (self));
  load_people (self);
}

/* GObject -------------------------------------------------------------------- */

static void
cw_admin_policy_dispose (GObject *object)
{
  CwAdminPolicy *self = CW_ADMIN_POLICY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->stored);
  g_clear_object (&self->desired);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_ADMIN_POLICY);
  G_OBJECT_CLASS (cw_admin_policy_parent_class)->dispose (object);
}

static void
cw_admin_policy_class_init (CwAdminPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_admin_policy_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-admin-policy.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAdminPolicy, error_label);
  gtk_widget_class_bind_template_child (widget_class, CwAdminPolicy, ranks_list);
  gtk_widget_class_bind_template_child (widget_class, CwAdminPolicy, new_rank_entry);
  gtk_widget_class_bind_template_child (widget_class, CwAdminPolicy, matrix_group);
  gtk_widget_class_bind_template_child (widget_class, CwAdminPolicy, matrix_grid);
  gtk_widget_class_bind_template_child (widget_class, CwAdminPolicy, people_group);
  gtk_widget_class_bind_template_child (widget_class, CwAdminPolicy, people_list);
  gtk_widget_class_bind_template_callback (widget_class, on_add_rank_cb);
}

static void
cw_admin_policy_init (CwAdminPolicy *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
