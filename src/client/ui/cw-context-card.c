/* cw-context-card.c: a cited object, as a small card.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-context-card.h"
#include "cw-utils.h"

struct _CwContextCard
{
  GtkWidget   parent_instance;

  GtkLabel   *title_label;
  GtkLabel   *kind_label;
  GtkButton  *open_button;
  GtkButton  *remove_button;

  CauContext *context;
};

G_DEFINE_FINAL_TYPE (CwContextCard, cw_context_card, GTK_TYPE_WIDGET)

enum { REMOVE, N_SIGNALS };
static guint signals[N_SIGNALS];

void
cw_context_open_url (GtkWidget  *from,
                     const char *url)
{
  GtkRoot *root;

  if (url == NULL || !cau_context_check_url (url, NULL))
    return;
  root = from ? gtk_widget_get_root (from) : NULL;
  /* Deprecated in GTK 4.10 for GtkUriLauncher, which 4.8 does not have;
   * it does not block: the portal or GIO opens the browser. */
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, url, GDK_CURRENT_TIME);
}

static void
on_open_clicked_cb (CwContextCard *self)
{
  if (self->context != NULL)
    cw_context_open_url (GTK_WIDGET (self), self->context->url);
}

static void
on_remove_clicked_cb (CwContextCard *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

void
cw_context_card_set_context (CwContextCard    *self,
                             const CauContext *context)
{
  g_autofree char *kind = NULL;
  g_autofree char *a11y = NULL;
  g_autofree char *open = NULL;

  g_return_if_fail (CW_IS_CONTEXT_CARD (self));

  g_clear_pointer (&self->context, cau_context_free);
  self->context = cau_context_copy (context);
  gtk_widget_set_visible (GTK_WIDGET (self), context != NULL);
  if (context == NULL)
    return;
  /* Translators: an object of another application: its type and id, as
   * in "crm.deal · D-42". */
  kind = g_strdup_printf (_("%s · %s"), context->entity_type, context->entity_id);
  gtk_label_set_text (self->title_label, context->label);
  gtk_label_set_text (self->kind_label, kind);
  gtk_widget_set_visible (GTK_WIDGET (self->open_button), context->url != NULL);
  if (context->url != NULL)
    {
      /* Translators: a button's tooltip and name; %s is the object's label. */
      open = g_strdup_printf (_("Open “%s” in the Browser"), context->label);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->open_button), context->url);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->open_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, open, -1);
    }
  /* Translators: what a screen reader says of a cited object; %s is its label. */
  a11y = g_strdup_printf (_("About: %s"), context->label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, kind, -1);
}

const CauContext *
cw_context_card_get_context (CwContextCard *self)
{
  g_return_val_if_fail (CW_IS_CONTEXT_CARD (self), NULL);
  return self->context;
}

void
cw_context_card_set_removable (CwContextCard *self,
                               gboolean       removable)
{
  g_return_if_fail (CW_IS_CONTEXT_CARD (self));
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), removable);
}

CwContextCard *
cw_context_card_new (void)
{
  return g_object_new (CW_TYPE_CONTEXT_CARD, NULL);
}

static void
cw_context_card_dispose (GObject *object)
{
  CwContextCard *self = CW_CONTEXT_CARD (object);

  g_clear_pointer (&self->context, cau_context_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_CONTEXT_CARD);
  cw_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cw_context_card_parent_class)->dispose (object);
}

static void
cw_context_card_class_init (CwContextCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_context_card_dispose;
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-context-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CwContextCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, CwContextCard, kind_label);
  gtk_widget_class_bind_template_child (widget_class, CwContextCard, open_button);
  gtk_widget_class_bind_template_child (widget_class, CwContextCard, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "contextcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cw_context_card_init (CwContextCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
