/* cw-admin-window.c: for a tenant admin only: the audit log (filter by
 * action and period, newest first, a page at a time) and the users of the
 * organisation (add one, change a role), and its agents (cw-admin-agents.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cw-admin"

#include <glib/gi18n.h>

#include "cc-admin.h"
#include "cw-admin-agents.h"
#include "cw-admin-policy.h"
#include "cw-admin-retention.h"
#include "cw-admin-window.h"

#define AUDIT_PAGE 50

static const char *roles[] = { "admin", "member", "guest", NULL };

struct _CwAdminWindow
{
  AdwWindow     parent_instance;

  CcClient     *client;
  GCancellable *cancellable;
  GListStore   *entries;
  GListStore   *users;
  GHashTable   *names;        /* user id -> display name */
  guint         generation;   /* bumped by a filter change: older pages are dropped */
  gboolean      loading;

  GtkDropDown  *action_filter;
  GtkDropDown  *period_filter;
  GtkStack     *audit_stack;
  GtkListView  *audit_view;
  GtkWidget    *load_more;
  AdwStatusPage *audit_status;
  GtkScrolledWindow *audit_scroller;
  AdwEntryRow  *new_name;
  AdwEntryRow  *new_email;
  AdwPasswordEntryRow *new_password;
  AdwComboRow  *new_role;
  GtkWidget    *create_error;
  GtkWidget    *create_button;
  GtkListBox   *users_list;
  CwAdminAgents *agents_page;
  CwAdminPolicy *policy_page;
  AdwViewStack  *stack;
  CwAdminRetention *retention_page;
};

G_DEFINE_FINAL_TYPE (CwAdminWindow, cw_admin_window, ADW_TYPE_WINDOW)

/* Audit ------------------------------------------------------------------ */

typedef struct
{
  CwAdminWindow *self;
  guint          generation;
} PageLoad;

static void load_page (CwAdminWindow *self, gint64 before_id);

static void
audit_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PageLoad *pl = user_data;
  g_autoptr(CwAdminWindow) self = pl->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = cc_client_list_audit_finish (CC_CLIENT (source), result, &error);
  guint generation = pl->generation;

  g_free (pl);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (generation != self->generation)
    return;
  self->loading = FALSE;
  if (page == NULL)
    {
      adw_status_page_set_title (self->audit_status, _("The Audit Log Could Not Be Loaded"));
      adw_status_page_set_description (self->audit_status, error->message);
      if (g_list_model_get_n_items (G_LIST_MODEL (self->entries)) == 0)
        gtk_stack_set_visible_child_name (self->audit_stack, "empty");
      return;
    }
  g_list_store_splice (self->entries, g_list_model_get_n_items (G_LIST_MODEL (self->entries)), 0,
                       page->pdata, page->len);
  gtk_widget_set_visible (self->load_more, page->len >= AUDIT_PAGE);
  adw_status_page_set_title (self->audit_status, _("No Entries"));
  adw_status_page_set_description (self->audit_status, _("Nothing was recorded that matches the filters."));
  gtk_stack_set_visible_child_name (self->audit_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->entries)) ? "list" : "empty");
}

static void
load_page (CwAdminWindow *self,
           gint64         before_id)
{
  guint action = gtk_drop_down_get_selected (self->action_filter);
  guint period = gtk_drop_down_get_selected (self->period_filter);
  static const int days[] = { 0, 1, 7, 30 };
  g_autoptr(GDateTime) since = NULL;
  PageLoad *pl;

  if (period > 0 && period < G_N_ELEMENTS (days))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      since = g_date_time_add_days (now, -days[period]);
    }
  self->loading = TRUE;
  pl = g_new0 (PageLoad, 1);
  pl->self = g_object_ref (self);
  pl->generation = self->generation;
  cc_client_list_audit_async (self->client,
                              action > 0 && action != GTK_INVALID_LIST_POSITION ? cc_audit_actions ()[action - 1] : NULL,
                              since, before_id, AUDIT_PAGE, self->cancellable,
                              audit_loaded_cb, pl);
}

static void
reload_audit (CwAdminWindow *self)
{
  self->generation++;
  g_list_store_remove_all (self->entries);
  gtk_widget_set_visible (self->load_more, FALSE);
  load_page (self, 0);
}

static void
on_load_more_cb (CwAdminWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  g_autoptr(CcAuditEntry) last = NULL;

  if (self->loading || n == 0)
    return;
  last = g_list_model_get_item (G_LIST_MODEL (self->entries), n - 1);
  load_page (self, cc_audit_entry_get_id (last));
}

/* Scrolling to the end loads the next page, as "Load More" would. */
static void
on_edge_reached_cb (CwAdminWindow   *self,
                    GtkPositionType  pos)
{
  if (pos == GTK_POS_BOTTOM && gtk_widget_get_visible (self->load_more))
    on_load_more_cb (self);
}

static void
setup_entry_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_top (label, 3);
  gtk_widget_set_margin_bottom (label, 3);
  gtk_list_item_set_child (item, label);
}

static void
bind_entry_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               CwAdminWindow            *self)
{
  CcAuditEntry *entry = gtk_list_item_get_item (item);
  const char *user_id = cc_audit_entry_get_user_id (entry);
  const char *name = user_id ? g_hash_table_lookup (self->names, user_id) : NULL;
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (cc_audit_entry_get_at (entry) / G_USEC_PER_SEC);
  g_autofree char *when = at ? g_date_time_format (at, "%x %X") : g_strdup ("");
  g_autoptr(GString) text = g_string_new (NULL);
  g_string_append (text, cc_audit_entry_get_action (entry));
  g_string_append_printf (text, "  ·  %s", when);
  if (user_id != NULL)
    g_string_append_printf (text, "  ·  %s", name ? name : user_id);
  if (g_strcmp0 (cc_audit_entry_get_entity_type (entry), "user") == 0 &&
      g_strcmp0 (cc_audit_entry_get_entity_id (entry), user_id) == 0)
    ; /* the person acted on themselves: said once */
  else if (cc_audit_entry_get_entity_type (entry) != NULL)
    {
      const char *entity_id = cc_audit_entry_get_entity_id (entry);
      const char *entity_name = NULL;

      if (g_strcmp0 (cc_audit_entry_get_entity_type (entry), "user") == 0 && entity_id != NULL)
        entity_name = g_hash_table_lookup (self->names, entity_id);
      g_string_append_printf (text, "  ·  %s %s", cc_audit_entry_get_entity_type (entry),
                              entity_name ? entity_name : entity_id ? entity_id : "");
    }
  if (cc_audit_entry_get_ip (entry) != NULL)
    g_string_append_printf (text, "  ·  %s", cc_audit_entry_get_ip (entry));
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text->str);
}

/* Users ------------------------------------------------------------------ */

static guint
role_index (const char *role)
{
  for (guint i = 0; roles[i]; i++)
    if (g_strcmp0 (roles[i], role) == 0)
      return i;
  return 1;
}

static void
role_set_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AdwComboRow) row = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcUser) user = cc_client_set_user_role_finish (CC_CLIENT (source), result, &error);
  CcUser *shown = g_object_get_data (G_OBJECT (row), "cw-user");

  gtk_widget_set_sensitive (GTK_WIDGET (row), TRUE);
  if (user == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));

      adw_combo_row_set_selected (row, role_index (cc_user_get_role (shown)));
      if (ADW_IS_WINDOW (root))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      return;
    }
  g_object_set (shown, "role", cc_user_get_role (user), NULL);
}

static void
on_role_selected_cb (AdwComboRow   *row,
                     GParamSpec    *pspec,
                     CwAdminWindow *self)
{
  CcUser *user = g_object_get_data (G_OBJECT (row), "cw-user");
  guint selected = adw_combo_row_get_selected (row);

  if (selected >= G_N_ELEMENTS (roles) - 1 || g_strcmp0 (roles[selected], cc_user_get_role (user)) == 0)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (row), FALSE);
  cc_client_set_user_role_async (self->client, cc_user_get_id (user), roles[selected],
                                 self->cancellable, role_set_cb, g_object_ref (row));
}

/* One AdwComboRow per person: an organisation's users, not thousands of
 * messages, so a GtkListBox bound to the model is enough here. */
static GtkWidget *
create_user_row (gpointer item,
                 gpointer user_data)
{
  CwAdminWindow *self = user_data;
  CcUser *user = item;
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  const char *me = cc_account_get_user_id (cc_client_get_account (self->client));

  gtk_string_list_append (model, _("Administrator"));
  gtk_string_list_append (model, _("Member"));
  gtk_string_list_append (model, _("Guest"));
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cc_user_get_display_name (user));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), cc_user_get_email (user));
  adw_combo_row_set_selected (row, role_index (cc_user_get_role (user)));
  g_object_set_data_full (G_OBJECT (row), "cw-user", g_object_ref (user), g_object_unref);
  /* The server refuses to change one's own role. */
  gtk_widget_set_sensitive (GTK_WIDGET (row), g_strcmp0 (me, cc_user_get_id (user)) != 0);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_role_selected_cb), self, 0);
  return GTK_WIDGET (row);
}

static void
users_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CwAdminWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = cc_client_list_users_finish (CC_CLIENT (source), result, &error);

  if (users == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Users: %s", error->message);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    g_hash_table_replace (self->names, g_strdup (cc_user_get_id (users->pdata[i])),
                          g_strdup (cc_user_get_display_name (users->pdata[i])));
  /* Agents have their own page; their names still serve the audit log. */
  g_list_store_remove_all (self->users);
  for (guint i = 0; i < users->len; i++)
    if (!cc_user_is_agent (users->pdata[i]))
      g_list_store_append (self->users, users->pdata[i]);
  /* Names for the audit entries already shown. */
  reload_audit (self);
}

static void
user_created_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CwAdminWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcUser) user = cc_client_create_user_finish (CC_CLIENT (source), result, &error);

  gtk_widget_set_sensitive (self->create_button, TRUE);
  if (user == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->create_error), error->message);
      gtk_widget_set_visible (self->create_error, TRUE);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->new_name), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_email), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_password), "");
  g_hash_table_replace (self->names, g_strdup (cc_user_get_id (user)), g_strdup (cc_user_get_display_name (user)));
  g_list_store_append (self->users, user);
}

static void
on_create_cb (CwAdminWindow *self)
{
  guint role = adw_combo_row_get_selected (self->new_role);

  gtk_widget_set_visible (self->create_error, FALSE);
  gtk_widget_set_sensitive (self->create_button, FALSE);
  cc_client_create_user_async (self->client,
                               gtk_editable_get_text (GTK_EDITABLE (self->new_email)),
                               gtk_editable_get_text (GTK_EDITABLE (self->new_name)),
                               gtk_editable_get_text (GTK_EDITABLE (self->new_password)),
                               roles[MIN (role, 2)], self->cancellable,
                               user_created_cb, g_object_ref (self));
}

/* GObject ---------------------------------------------------------------- */

static void
cw_admin_window_dispose (GObject *object)
{
  CwAdminWindow *self = CW_ADMIN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->entries);
  g_clear_object (&self->users);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (cw_admin_window_parent_class)->dispose (object);
}

/* Alt+1…Alt+4 show the pages: GTK 4.8 leaves AdwViewSwitcher's buttons
 * out of the accessibility tree, so this is how keyboard and screen reader
 * users (and the UI tests) reach them. */
static gboolean
show_page_cb (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  CwAdminWindow *self = CW_ADMIN_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (args, NULL));
  return TRUE;
}

static void
cw_admin_window_class_init (CwAdminWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_admin_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-admin-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, action_filter);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, period_filter);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, audit_stack);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, audit_view);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, audit_status);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, audit_scroller);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, load_more);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, new_name);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, new_email);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, new_password);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, new_role);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, create_error);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, create_button);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, users_list);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, agents_page);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, policy_page);
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, stack);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_1, GDK_ALT_MASK, show_page_cb, "s", "audit");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_2, GDK_ALT_MASK, show_page_cb, "s", "users");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_3, GDK_ALT_MASK, show_page_cb, "s", "agents");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_4, GDK_ALT_MASK, show_page_cb, "s", "policy");
  gtk_widget_class_bind_template_child (widget_class, CwAdminWindow, retention_page);
  gtk_widget_class_bind_template_callback (widget_class, on_load_more_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_create_cb);
}

static void
cw_admin_window_init (CwAdminWindow *self)
{
  g_autoptr(GtkStringList) actions = gtk_string_list_new (NULL);
  GtkListItemFactory *factory;

  g_type_ensure (CW_TYPE_ADMIN_AGENTS);
  g_type_ensure (CW_TYPE_ADMIN_POLICY);
  g_type_ensure (CW_TYPE_ADMIN_RETENTION);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->entries = g_list_store_new (CC_TYPE_AUDIT_ENTRY);
  self->users = g_list_store_new (CC_TYPE_USER);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_string_list_append (actions, _("All Actions"));
  for (guint i = 0; cc_audit_actions ()[i]; i++)
    gtk_string_list_append (actions, cc_audit_actions ()[i]);
  gtk_drop_down_set_model (self->action_filter, G_LIST_MODEL (actions));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_entry_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_entry_cb), self);
  gtk_list_view_set_factory (self->audit_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->audit_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->entries)))));
  g_signal_connect_swapped (self->audit_scroller, "edge-reached", G_CALLBACK (on_edge_reached_cb), self);
  gtk_list_box_bind_model (self->users_list, G_LIST_MODEL (self->users), create_user_row, self, NULL);
}

CwAdminWindow *
cw_admin_window_new (CcClient *client)
{
  CwAdminWindow *self;

  g_return_val_if_fail (CC_IS_CLIENT (client), NULL);

  self = g_object_new (CW_TYPE_ADMIN_WINDOW, NULL);
  self->client = g_object_ref (client);
  g_signal_connect_swapped (self->action_filter, "notify::selected", G_CALLBACK (reload_audit), self);
  g_signal_connect_swapped (self->period_filter, "notify::selected", G_CALLBACK (reload_audit), self);
  cc_client_list_users_async (client, self->cancellable, users_loaded_cb, g_object_ref (self));
  cw_admin_agents_set_client (self->agents_page, client);
  cw_admin_policy_set_client (self->policy_page, client);
  cw_admin_retention_set_client (self->retention_page, client);
  return self;
}
