/* cw-utils.c: time formatting and small helpers shared by the widgets.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include <adwaita.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cw-utils.h"

static GDateTime *
local_from_ms (gint64 unix_ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_ms / 1000);

  return g_date_time_to_local (utc);
}

static gint
days_between (GDateTime *a,
              GDateTime *b)
{
  g_autoptr(GDateTime) da = g_date_time_new_local (g_date_time_get_year (a),
                                                   g_date_time_get_month (a),
                                                   g_date_time_get_day_of_month (a), 0, 0, 0);
  g_autoptr(GDateTime) db = g_date_time_new_local (g_date_time_get_year (b),
                                                   g_date_time_get_month (b),
                                                   g_date_time_get_day_of_month (b), 0, 0, 0);

  GTimeSpan diff = g_date_time_difference (db, da);

  /* Rounded to the nearest day (a day with a DST change is 23 or 25 hours
   * long), on both sides of today: @a may be in the future. */
  if (diff < 0)
    return -(gint) ((-diff + G_TIME_SPAN_HOUR * 12) / G_TIME_SPAN_DAY);
  return (gint) ((diff + G_TIME_SPAN_HOUR * 12) / G_TIME_SPAN_DAY);
}

char *
cw_format_clock (gint64 unix_ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_ms <= 0)
    return g_strdup ("");
  dt = local_from_ms (unix_ms);
  /* Translators: a time of day, see the strftime manual. */
  return g_date_time_format (dt, _("%H:%M"));
}

char *
cw_format_relative_time (gint64 unix_ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) dt = NULL;
  GTimeSpan diff;
  gint days;

  if (unix_ms <= 0)
    return g_strdup ("");

  dt = local_from_ms (unix_ms);
  diff = g_date_time_difference (now, dt);
  if (diff < G_TIME_SPAN_MINUTE)
    /* Translators: a message time less than a minute ago. */
    return g_strdup (C_("time", "now"));
  if (diff < G_TIME_SPAN_HOUR)
    /* Translators: minutes ago, abbreviated, shown in the room list. */
    return g_strdup_printf (_("%d min"), (int) (diff / G_TIME_SPAN_MINUTE));

  days = days_between (dt, now);
  if (days <= 0)
    return cw_format_clock (unix_ms);
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (days < 7)
    /* Translators: abbreviated weekday, see the strftime manual. */
    return g_date_time_format (dt, _("%a"));
  if (g_date_time_get_year (dt) == g_date_time_get_year (now))
    /* Translators: day and abbreviated month, see the strftime manual. */
    return g_date_time_format (dt, _("%e %b"));
  /* Translators: a short date, see the strftime manual. */
  return g_date_time_format (dt, _("%d/%m/%Y"));
}

char *
cw_format_day (gint64 unix_ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) dt = local_from_ms (unix_ms);
  gint days = days_between (dt, now);

  /* Future days too: an invitation expires "Tomorrow" or on a date. */
  if (days == 0)
    return g_strdup (_("Today"));
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (days == -1)
    return g_strdup (_("Tomorrow"));
  if (g_date_time_get_year (dt) == g_date_time_get_year (now))
    /* Translators: weekday, day and month of a day separator, see strftime. */
    return g_date_time_format (dt, _("%A %e %B"));
  /* Translators: day, month and year of a day separator, see strftime. */
  return g_date_time_format (dt, _("%e %B %Y"));
}

gboolean
cw_same_day (gint64 a_ms,
             gint64 b_ms)
{
  g_autoptr(GDateTime) a = local_from_ms (a_ms);
  g_autoptr(GDateTime) b = local_from_ms (b_ms);

  return g_date_time_get_year (a) == g_date_time_get_year (b) &&
         g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b);
}

const char *
cw_error_sentence (const GError *error)
{
  if (error == NULL || error->message == NULL || *error->message == '\0')
    return _("Something went wrong. Please try again.");
  return error->message;
}

void
cw_show_toast (GtkWidget  *widget,
               const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkRoot *root;

  if (overlay == NULL && (root = gtk_widget_get_root (widget)) != NULL &&
      GTK_IS_WINDOW (root) && gtk_window_get_transient_for (GTK_WINDOW (root)) != NULL)
    {
      /* A dialog: show it in the main window. */
      GtkWidget *main_window = GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (root)));
      GtkWidget *child = gtk_widget_get_first_child (main_window);

      while (child != NULL && !ADW_IS_TOAST_OVERLAY (child))
        child = gtk_widget_get_first_child (child);
      overlay = child;
    }

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

void
cw_room_op_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_client_room_op_finish (CC_CLIENT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    cw_show_toast (widget, cw_error_sentence (error));
}

void
cw_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

static void
set_menu_cb (GtkMenuButton *button,
             gpointer       model)
{
  if (gtk_menu_button_get_popover (button) == NULL)
    gtk_menu_button_set_menu_model (button, model);
}

void
cw_menu_button_set_menu_later (GtkMenuButton *button,
                               GMenuModel    *model)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));
  g_return_if_fail (G_IS_MENU_MODEL (model));

  gtk_menu_button_set_create_popup_func (button, set_menu_cb, g_object_ref (model), g_object_unref);
}

/* Giving memory back ------------------------------------------------------ */

#define RELEASE_AFTER_MS 1000

static guint release_id;

static void
trim_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
#ifdef __GLIBC__
  /* Returns the free pages of every arena to the system, not only the top
   * of the heap, which is all free() gives back by itself. */
  malloc_trim (0);
#endif
}

static gboolean
release_cb (gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  release_id = 0;
  g_task_set_name (task, "[causerie] malloc_trim");
  g_task_run_in_thread (task, trim_thread);
  return G_SOURCE_REMOVE;
}

void
cw_release_memory_soon (void)
{
  if (release_id != 0)
    g_source_remove (release_id);
  release_id = g_timeout_add (RELEASE_AFTER_MS, release_cb, NULL);
}

/* Agents ------------------------------------------------------------------ */

static gboolean
is_agent_cb (gpointer    this,
             const char *kind)
{
  return g_strcmp0 (kind, "agent") == 0;
}

static gboolean
is_person_cb (gpointer    this,
              const char *kind)
{
  return g_strcmp0 (kind, "agent") != 0;
}

static char *
avatar_icon_cb (gpointer    this,
                const char *kind)
{
  return g_strdup (g_strcmp0 (kind, "agent") == 0 ? CW_AGENT_ICON : NULL);
}

/* For AdwAvatar:css-classes (its own node has none of its own). */
static GStrv
avatar_classes_cb (gpointer    this,
                   const char *kind)
{
  const char *agent[] = { "agent-avatar", NULL };
  const char *none[] = { NULL };

  return g_strdupv ((char **) (g_strcmp0 (kind, "agent") == 0 ? agent : none));
}

void
cw_add_agent_callbacks (GtkBuilderScope *scope)
{
  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "is_agent_cb", G_CALLBACK (is_agent_cb),
                                           "is_person_cb", G_CALLBACK (is_person_cb),
                                           "avatar_icon_cb", G_CALLBACK (avatar_icon_cb),
                                           "avatar_classes_cb", G_CALLBACK (avatar_classes_cb),
                                           NULL);
}

void
cw_avatar_set_agent (AdwAvatar *avatar,
                     gboolean   agent)
{
  adw_avatar_set_show_initials (avatar, !agent);
  adw_avatar_set_icon_name (avatar, agent ? CW_AGENT_ICON : NULL);
  if (agent)
    gtk_widget_add_css_class (GTK_WIDGET (avatar), "agent-avatar");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (avatar), "agent-avatar");
}

GtkWidget *
cw_agent_badge_new (void)
{
  /* Translators: a small badge beside the name of an AI agent. */
  GtkWidget *badge = gtk_label_new (C_("badge", "Agent"));

  gtk_widget_add_css_class (badge, "agent-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  return badge;
}
