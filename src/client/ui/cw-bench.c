/* cw-bench.c: measurement hooks for the UI benchmark (tests/bench/bench-ui.c).
 *
 * Off by default: nothing happens unless the environment has
 * CAUSERIE_BENCH=1. Then the app prints to stdout, with times from
 * g_get_monotonic_time() (CLOCK_MONOTONIC, comparable across processes):
 *   CAUSERIE_BENCH rooms-drawn <µs>     first frame painted with the room
 *                                       list model holding rooms
 *   CAUSERIE_BENCH rss <kB>             VmRSS at that point
 * and with CAUSERIE_BENCH_ROOM=<room id>, a second later, it opens that room:
 *   CAUSERIE_BENCH room-open <µs>       from the open call to the first frame
 *                                       painted with the room's messages
 * then scrolls the conversation to its top one page per frame (older pages
 * load as it goes, and the timeline forgets what is far below) until the
 * oldest message shown stops changing (or for at most 5 minutes), and prints
 *   CAUSERIE_BENCH scrolled <messages> <VmRSS kB>
 * with the number of distinct messages that were in the timeline, and quits.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <stdio.h>
#include <string.h>

#include "cw-bench.h"
#include "cw-conversation.h"
#include "cw-room-list.h"

#define OPEN_AFTER_MS   1000
#define SCROLL_AFTER_MS 500
/* Frames at the top with nothing new before the scroll counts as done. */
#define STABLE_FRAMES   90
#define SCROLL_LIMIT_US (300 * G_USEC_PER_SEC)

typedef enum {
  WAIT_ROOMS,
  WAIT_OPEN,
  WAIT_MESSAGES,
  SCROLLING,
  DONE,
} Phase;

typedef struct {
  GtkWindow     *window;
  CwApplication *app;
  char          *room_id;
  CcTimeline    *timeline;
  Phase          phase;
  gint64         open_started;
  gint64         scroll_started;
  gint64         last_first;   /* seq of the oldest message in the model */
  GHashTable    *seen;         /* ids of the messages the timeline held */
  guint          stable;
  guint          timeout_id;
  GdkFrameClock *clock;
  gulong         paint_id;
} Bench;

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

/* The first mapped widget of @type under @root (popovers, such as the
 * members list, are children too, and unmapped). */
static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
mapped (Bench *bench,
        GType  type)
{
  return find_widget (GTK_WIDGET (bench->window), type) != NULL;
}

static void
finish (Bench *bench)
{
  printf ("CAUSERIE_BENCH scrolled %u %ld\n", g_hash_table_size (bench->seen), vm_rss_kb ());
  fflush (stdout);
  bench->phase = DONE;
  g_application_quit (G_APPLICATION (bench->app));
}

/* One page up per frame; the conversation loads older pages near the top. */
static gboolean
scroll_tick_cb (GtkWidget     *scroller,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  Bench *bench = user_data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  double value = gtk_adjustment_get_value (adj);
  g_autoptr(CcMessage) first = g_list_model_get_item (G_LIST_MODEL (bench->timeline), 0);
  gint64 first_seq = first != NULL ? cc_message_get_seq (first) : 0;

  if (bench->phase != SCROLLING)
    return G_SOURCE_REMOVE;

  if (value > 1)
    {
      gtk_adjustment_set_value (adj, MAX (0, value - gtk_adjustment_get_page_size (adj)));
      bench->stable = 0;
    }
  else if (value > 0)
    /* Back from a nudge: that is no news. */
    gtk_adjustment_set_value (adj, 0);
  else if (first_seq != bench->last_first)
    bench->stable = 0;
  else if (++bench->stable % 10 == 0)
    /* At the top with nothing new: nudge so the view asks again. (A nudge
     * used to count as scrolling, so the scroll only ever ended at
     * SCROLL_LIMIT_US; and with the server down, asking it for what is
     * older than the cache keeps "loading" flickering.) */
    gtk_adjustment_set_value (adj, 1);
  bench->last_first = first_seq;

  if (bench->stable >= STABLE_FRAMES ||
      g_get_monotonic_time () - bench->scroll_started > SCROLL_LIMIT_US)
    {
      finish (bench);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
start_scroll_cb (gpointer user_data)
{
  Bench *bench = user_data;
  GtkWidget *conversation = find_widget (GTK_WIDGET (bench->window), CW_TYPE_CONVERSATION);
  GtkWidget *list = conversation ? find_widget (conversation, GTK_TYPE_LIST_VIEW) : NULL;
  GtkWidget *scroller = list ? gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW) : NULL;

  bench->timeout_id = 0;
  if (scroller == NULL)
    {
      g_warning ("Benchmark: no conversation list to scroll");
      finish (bench);
      return G_SOURCE_REMOVE;
    }
  bench->phase = SCROLLING;
  bench->scroll_started = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (scroller, scroll_tick_cb, bench, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_timeline_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        Bench      *bench)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (model, i);
      const char *id = cc_message_get_id (m);

      if (id != NULL)
        g_hash_table_add (bench->seen, g_strdup (id));
    }
}

static gboolean
open_room_cb (gpointer user_data)
{
  Bench *bench = user_data;
  CcClient *client = cw_application_get_client (bench->app);

  bench->timeout_id = 0;
  bench->phase = WAIT_MESSAGES;
  bench->open_started = g_get_monotonic_time ();
  cw_application_open_room (bench->app, bench->room_id);
  /* The conversation made the timeline; the same object is handed back. */
  bench->timeline = cc_client_get_timeline (client, bench->room_id);
  on_timeline_changed_cb (G_LIST_MODEL (bench->timeline), 0, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (bench->timeline)), bench);
  g_signal_connect (bench->timeline, "items-changed", G_CALLBACK (on_timeline_changed_cb), bench);
  gtk_widget_queue_draw (GTK_WIDGET (bench->window));
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  CcClient *client = cw_application_get_client (bench->app);
  gint64 now = g_get_monotonic_time ();

  switch (bench->phase)
    {
    case WAIT_ROOMS:
      /* Models change between frames, never inside one: rooms present at
       * this after-paint were laid out and drawn in this frame. */
      if (client == NULL || g_list_model_get_n_items (cc_client_get_rooms (client)) == 0 ||
          !mapped (bench, CW_TYPE_ROOM_LIST))
        return;
      printf ("CAUSERIE_BENCH rooms-drawn %" G_GINT64_FORMAT "\n", now);
      printf ("CAUSERIE_BENCH rss %ld\n", vm_rss_kb ());
      fflush (stdout);
      if (bench->room_id == NULL)
        {
          bench->phase = DONE;
          g_application_quit (G_APPLICATION (bench->app));
          return;
        }
      bench->phase = WAIT_OPEN;
      bench->timeout_id = g_timeout_add (OPEN_AFTER_MS, open_room_cb, bench);
      break;

    case WAIT_MESSAGES:
      if (bench->timeline == NULL ||
          g_list_model_get_n_items (G_LIST_MODEL (bench->timeline)) == 0 ||
          !mapped (bench, CW_TYPE_CONVERSATION))
        return;
      printf ("CAUSERIE_BENCH room-open %" G_GINT64_FORMAT "\n", now - bench->open_started);
      fflush (stdout);
      bench->phase = WAIT_OPEN;
      bench->timeout_id = g_timeout_add (SCROLL_AFTER_MS, start_scroll_cb, bench);
      break;

    case WAIT_OPEN:
    case SCROLLING:
    case DONE:
    default:
      break;
    }
}

static void
realize_cb (GtkWidget *window,
            Bench     *bench)
{
  bench->clock = gtk_widget_get_frame_clock (window);
  bench->paint_id = g_signal_connect (bench->clock, "after-paint",
                                      G_CALLBACK (after_paint_cb), bench);
}

static void
unrealize_cb (GtkWidget *window,
              Bench     *bench)
{
  if (bench->clock != NULL)
    g_clear_signal_handler (&bench->paint_id, bench->clock);
  bench->clock = NULL;
}

static void
bench_free (gpointer data)
{
  Bench *bench = data;

  g_clear_handle_id (&bench->timeout_id, g_source_remove);
  if (bench->timeline != NULL)
    g_signal_handlers_disconnect_by_data (bench->timeline, bench);
  g_clear_object (&bench->timeline);
  g_hash_table_unref (bench->seen);
  g_free (bench->room_id);
  g_free (bench);
}

void
cw_bench_attach (GtkWindow     *window,
                 CwApplication *app)
{
  const char *room_id = g_getenv ("CAUSERIE_BENCH_ROOM");
  Bench *bench;

  if (g_strcmp0 (g_getenv ("CAUSERIE_BENCH"), "1") != 0)
    return;

  bench = g_new0 (Bench, 1);
  bench->window = window;
  bench->app = app;
  bench->room_id = room_id && *room_id ? g_strdup (room_id) : NULL;
  bench->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_object_set_data_full (G_OBJECT (window), "cw-bench", bench, bench_free);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), bench);
  g_signal_connect (window, "unrealize", G_CALLBACK (unrealize_cb), bench);
}
