/* cw-read-list.c: the popover of the "read by N" button: each member who
 * read the message (GET /api/rooms/{id}/receipts?seq= through the client
 * core) and when they first did.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cc-reactions.h"
#include "cw-attachment-utils.h"
#include "cw-read-list.h"
#include "cw-utils.h"

/* "14:02" today, "Yesterday 14:02" before. */
static char *
when_text (gint64 at)
{
  g_autofree char *clock = NULL;
  g_autofree char *day = NULL;

  if (at <= 0)
    /* Translators: someone read a message, before the server kept times. */
    return g_strdup (_("earlier"));
  clock = cw_format_clock (at);
  if (cw_same_day (at, g_get_real_time () / 1000))
    return g_steal_pointer (&clock);
  day = cw_format_day (at);
  /* Translators: a day and a time of day: "Yesterday 14:02". */
  return g_strdup_printf (C_("read at", "%s %s"), day, clock);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CcReceipt *receipt = item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (cc_receipt_get_display_name (receipt));
  g_autofree char *when = when_text (cc_receipt_get_read_at (receipt));
  GtkWidget *time = gtk_label_new (when);
  GtkWidget *row = gtk_list_box_row_new ();
  /* Translators: a screen reader's line in the list of who read a
   * message: "Bob, 14:02". */
  g_autofree char *a11y = g_strdup_printf (C_("read by", "%s, %s"), cc_receipt_get_display_name (receipt), when);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), time);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  return row;
}

static void
readers_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkBuilder) builder = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) readers = cc_client_list_readers_finish (CC_CLIENT (source), result, &error);
  GtkWidget *status = GTK_WIDGET (gtk_builder_get_object (builder, "status"));
  GtkWidget *list = GTK_WIDGET (gtk_builder_get_object (builder, "list"));

  if (readers == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (GTK_LABEL (status), cw_error_sentence (error));
      return;
    }
  if (g_list_model_get_n_items (readers) == 0)
    {
      gtk_label_set_text (GTK_LABEL (status), _("Nobody has read it yet."));
      return;
    }
  gtk_list_box_bind_model (GTK_LIST_BOX (list), readers, create_row, NULL, NULL);
  gtk_widget_set_visible (status, FALSE);
  gtk_widget_set_visible (list, TRUE);
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

static void
on_closed_cb (GtkPopover   *popover,
              GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
  g_idle_add (unparent_later_cb, g_object_ref (popover));
}

void
cw_read_list_popup (GtkWidget *anchor,
                    CcMessage *message)
{
  CcClient *client = cw_attachment_client_for (anchor);
  GtkBuilder *builder;
  GtkWidget *popover;
  GCancellable *cancellable;

  g_return_if_fail (GTK_IS_WIDGET (anchor));
  g_return_if_fail (CC_IS_MESSAGE (message));
  if (client == NULL)
    return;
  builder = gtk_builder_new_from_resource ("/org/causerie/Causerie/cw-read-list.ui");
  popover = GTK_WIDGET (gtk_builder_get_object (builder, "popover"));
  cancellable = g_cancellable_new ();
  g_signal_connect_data (popover, "closed", G_CALLBACK (on_closed_cb), cancellable,
                         (GClosureNotify) g_object_unref, 0);
  gtk_widget_set_parent (popover, anchor);
  gtk_popover_popup (GTK_POPOVER (popover));
  /* The builder keeps the popover's parts for the answer. */
  cc_client_list_readers_async (client, message, cancellable, readers_cb, builder);
}
