/* cw-reactions-bar.c: the reactions under a message, and the picker.
 * A button per emoji: "👍 2", highlighted when one of them is the user's,
 * who reacted in its tooltip and accessible name; a click toggles the
 * user's own through the client core. The bar is made only for rows whose
 * message has reactions (cw-message-row.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cc-reactions.h"
#include "cw-attachment-utils.h"
#include "cw-reactions-bar.h"
#include "cw-utils.h"

struct _CwReactionsBar
{
  GtkWidget   parent_instance;
  GtkFlowBox *flow;
  CcMessage  *message;
  gulong      notify_id;
};

G_DEFINE_FINAL_TYPE (CwReactionsBar, cw_reactions_bar, GTK_TYPE_WIDGET)

static const char *
own_id (CcClient *client)
{
  return client ? cc_account_get_user_id (cc_client_get_account (client)) : NULL;
}

static void
on_reaction_clicked_cb (GtkButton      *button,
                        CwReactionsBar *self)
{
  CcClient *client = cw_attachment_client_for (GTK_WIDGET (self));
  const char *emoji = g_object_get_data (G_OBJECT (button), "emoji");

  /* The button shows the model: it changes when the message does. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                gtk_widget_has_css_class (GTK_WIDGET (button), "own"));
  if (client != NULL && self->message != NULL && emoji != NULL)
    cc_client_toggle_reaction (client, self->message, emoji);
}

static void
rebuild (CwReactionsBar *self)
{
  CcClient *client = cw_attachment_client_for (GTK_WIDGET (self));
  guint n = self->message ? cc_message_get_n_reactions (self->message) : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GStrv) ids = NULL;
      guint count = 0;
      const char *emoji = cc_message_get_reaction (self->message, i, &count, &ids);
      gboolean mine = client != NULL && cc_message_has_reaction (self->message, emoji, own_id (client));
      g_autofree char *names = client ? cc_client_describe_reactors (client, (const char * const *) ids, count)
                                      : g_strdup ("");
      g_autofree char *text = g_strdup_printf ("%s %u", emoji, count);
      g_autofree char *a11y = NULL;
      g_autofree char *tooltip = NULL;
      GtkWidget *button = gtk_toggle_button_new_with_label (text);

      /* Translators: a reaction's accessible name: the emoji, how many
       * reacted with it, then who ("👍 2: Ada, You"). */
      a11y = g_strdup_printf (C_("reaction", "%s %u: %s"), emoji, count, names);
      tooltip = mine ? g_strdup_printf (_("%s\nClick to remove your reaction"), names)
                     : g_strdup_printf (_("%s\nClick to react with %s too"), names, emoji);
      gtk_widget_add_css_class (button, "reaction");
      if (mine)
        gtk_widget_add_css_class (button, "own");
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), mine);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
      g_object_set_data_full (G_OBJECT (button), "emoji", g_strdup (emoji), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_reaction_clicked_cb), self);
      gtk_flow_box_append (self->flow, button);
    }
}

void
cw_reactions_bar_set_message (CwReactionsBar *self,
                              CcMessage      *message)
{
  g_return_if_fail (CW_IS_REACTIONS_BAR (self));

  if (self->message != message)
    {
      if (self->message != NULL)
        g_clear_signal_handler (&self->notify_id, self->message);
      g_set_object (&self->message, message);
      if (message != NULL)
        self->notify_id = g_signal_connect_swapped (message, "notify::n-reactions", G_CALLBACK (rebuild), self);
    }
  rebuild (self);
}

static void
cw_reactions_bar_dispose (GObject *object)
{
  CwReactionsBar *self = CW_REACTIONS_BAR (object);

  if (self->message != NULL)
    g_clear_signal_handler (&self->notify_id, self->message);
  g_clear_object (&self->message);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_REACTIONS_BAR);
  G_OBJECT_CLASS (cw_reactions_bar_parent_class)->dispose (object);
}

static void
cw_reactions_bar_class_init (CwReactionsBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_reactions_bar_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-reactions-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, CwReactionsBar, flow);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "reactions");
}

static void
cw_reactions_bar_init (CwReactionsBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Names come from the client, reached through the window: again once
   * the bar is in one. */
  g_signal_connect (self, "map", G_CALLBACK (rebuild), NULL);
}

CwReactionsBar *
cw_reactions_bar_new (void)
{
  return g_object_new (CW_TYPE_REACTIONS_BAR, NULL);
}

/* The picker --------------------------------------------------------------- */

static void
react_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkWidget) anchor = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_client_react_finish (CC_CLIENT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    cw_show_toast (anchor, cw_error_sentence (error));
}

static void
add_reaction (GtkWidget  *anchor,
              CcMessage  *message,
              const char *emoji)
{
  CcClient *client = cw_attachment_client_for (anchor);

  if (client == NULL || message == NULL || emoji == NULL)
    return;
  cc_client_react_async (client, message, emoji, TRUE, NULL, react_done_cb, g_object_ref (anchor));
}

static gboolean
unparent_later_cb (gpointer data)
{
  GtkWidget *popover = data;

  if (gtk_widget_get_parent (popover) != NULL)
    gtk_widget_unparent (popover);
  g_object_unref (popover);
  return G_SOURCE_REMOVE;
}

/* A popover goes once closed (after its closing has run). */
static void
on_popover_closed_cb (GtkPopover *popover)
{
  g_idle_add (unparent_later_cb, g_object_ref (popover));
}

static void
on_emoji_picked_cb (GtkEmojiChooser *chooser,
                    const char      *text,
                    GtkWidget       *anchor)
{
  add_reaction (anchor, g_object_get_data (G_OBJECT (chooser), "message"), text);
}

static void
on_quick_clicked_cb (GtkButton *button,
                     GtkWidget *picker)
{
  GtkWidget *anchor = gtk_widget_get_parent (picker);

  add_reaction (anchor, g_object_get_data (G_OBJECT (picker), "message"),
                g_object_get_data (G_OBJECT (button), "emoji"));
  gtk_popover_popdown (GTK_POPOVER (picker));
}

static void
on_more_clicked_cb (GtkButton *button,
                    GtkWidget *picker)
{
  GtkWidget *anchor = gtk_widget_get_parent (picker);
  GtkWidget *chooser = gtk_emoji_chooser_new ();
  CcMessage *message = g_object_get_data (G_OBJECT (picker), "message");

  gtk_popover_popdown (GTK_POPOVER (picker));
  g_object_set_data_full (G_OBJECT (chooser), "message", g_object_ref (message), g_object_unref);
  gtk_widget_set_parent (chooser, anchor);
  g_signal_connect (chooser, "emoji-picked", G_CALLBACK (on_emoji_picked_cb), anchor);
  g_signal_connect (chooser, "closed", G_CALLBACK (on_popover_closed_cb), NULL);
  gtk_popover_popup (GTK_POPOVER (chooser));
}

void
cw_reaction_picker_popup (GtkWidget *anchor,
                          CcMessage *message)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWidget *picker, *box, *more;
  const char * const *quick = cc_quick_reactions ();

  g_return_if_fail (GTK_IS_WIDGET (anchor));
  g_return_if_fail (CC_IS_MESSAGE (message));

  builder = gtk_builder_new_from_resource ("/org/causerie/Causerie/cw-reaction-picker.ui");
  picker = GTK_WIDGET (gtk_builder_get_object (builder, "picker"));
  box = GTK_WIDGET (gtk_builder_get_object (builder, "picker_box"));
  more = GTK_WIDGET (gtk_builder_get_object (builder, "more_button"));
  g_object_set_data_full (G_OBJECT (picker), "message", g_object_ref (message), g_object_unref);
  for (guint i = 0; quick[i] != NULL; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (quick[i]);
      /* Translators: a quick reaction's accessible name: "React with 👍". */
      g_autofree char *a11y = g_strdup_printf (_("React with %s"), quick[i]);

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "quick-reaction");
      gtk_widget_set_tooltip_text (button, a11y);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
      g_object_set_data_full (G_OBJECT (button), "emoji", g_strdup (quick[i]), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_quick_clicked_cb), picker);
      gtk_box_insert_child_after (GTK_BOX (box), button, gtk_widget_get_prev_sibling (more));
    }
  g_signal_connect (more, "clicked", G_CALLBACK (on_more_clicked_cb), picker);
  g_signal_connect (picker, "closed", G_CALLBACK (on_popover_closed_cb), NULL);
  gtk_widget_set_parent (picker, anchor);
  gtk_popover_popup (GTK_POPOVER (picker));
}
