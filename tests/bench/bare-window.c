/* bare-window.c: the UI benchmark's reference: an empty AdwApplicationWindow
 * (a header bar and nothing else) started like the app. It prints
 *   BENCH drawn <g_get_monotonic_time() µs>
 *   BENCH rss <VmRSS kB>
 * after its first frame is painted (the RSS a moment later, when the
 * start-up work has settled), then quits.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <stdio.h>
#include <string.h>

#define SETTLE_MS 500

static gulong paint_id;

static long
vm_rss_kb (void)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (line = strstr (text, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + strlen ("VmRSS:"), NULL, 10);
}

static gboolean
settled_cb (gpointer user_data)
{
  printf ("BENCH rss %ld\n", vm_rss_kb ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWindow     *window)
{
  printf ("BENCH drawn %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_signal_handler_disconnect (clock, paint_id);
  g_timeout_add (SETTLE_MS, settled_cb, gtk_window_get_application (window));
}

static void
realize_cb (GtkWidget *window)
{
  paint_id = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                               G_CALLBACK (after_paint_cb), window);
}

static void
activate_cb (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "Bare");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app =
    adw_application_new ("org.causerie.BenchBareWindow", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
