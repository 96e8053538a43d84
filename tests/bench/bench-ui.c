/* bench-ui.c: the desktop app's benchmark behind
 * `meson test --benchmark --suite ui`.
 *
 * Starts a private Xvfb, writes a cache of 200 rooms and 100,000 messages
 * (bench-ui-cache, with a session token in the Secret Service of the
 * private D-Bus session this runs in), then starts, in turn, a bare
 * libadwaita window (bare-window) and the app, the same way: same
 * environment, GSK_RENDERER=cairo, no network (the app's server is down, so
 * it restores the session and starts offline from the cache). It measures:
 *   (1) from spawning the process to the first frame: the bare window's
 *       first frame; the app's first frame with the room list drawn;
 *   (2) opening a room of 10,000 cached messages to its first frame;
 *   (3) VmRSS: the bare window once settled; the app after scrolling
 *       through all 10,000 messages of that room.
 * The app's side comes from its CAUSERIE_BENCH hooks (src/client/ui/cw-bench.c).
 * One warm-up run each, then BENCH_RUNS (default 5) runs each, alternated;
 * medians are printed with each run's figures. Timings are printed, never
 * asserted: the exit status is non-zero only when something broke.
 *
 * Usage: bench-ui APP BARE_WINDOW CACHE_GENERATOR SCHEMA_DIR
 * (inside a private D-Bus session with a keyring: run-with-keyring.sh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_LIMIT_S 420

typedef struct {
  double start_ms;    /* spawn to first frame (bare) / room list drawn (app) */
  double open_ms;     /* app: room open to first frame */
  double rss_mb;      /* bare: settled; app: after scrolling */
  double start_rss_mb;
  guint  scrolled;    /* app: distinct messages the timeline held while scrolling */
} Run;

typedef struct {
  GMutex       lock;
  GCond        cond;
  GSubprocess *child;
  gboolean     done;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *w = data;
  gint64 end = g_get_monotonic_time () + CHILD_LIMIT_S * G_USEC_PER_SEC;

  g_mutex_lock (&w->lock);
  while (!w->done)
    if (!g_cond_wait_until (&w->cond, &w->lock, end))
      {
        g_printerr ("bench-ui: a child ran for %d s; stopping it\n", CHILD_LIMIT_S);
        g_subprocess_force_exit (w->child);
        break;
      }
  g_mutex_unlock (&w->lock);
  return NULL;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *runs,
        gsize   offset)
{
  g_autoptr(GArray) v = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < runs->len; i++)
    {
      const Run *r = &g_array_index (runs, Run, i);
      double x = *(const double *) ((const char *) r + offset);

      g_array_append_val (v, x);
    }
  g_array_sort (v, cmp_double);
  if (v->len == 0)
    return 0;
  return v->len % 2 ? g_array_index (v, double, v->len / 2)
                    : (g_array_index (v, double, v->len / 2 - 1) + g_array_index (v, double, v->len / 2)) / 2;
}

/* Spawns @argv with @env, reads its stdout lines beginning with @prefix
 * into @run. Returns FALSE when it failed or printed too little. */
static gboolean
run_child (const char * const *argv,
           char              **env,
           const char         *prefix,
           gboolean            app,
           gboolean            need_rss,
           Run                *run)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  Watchdog w = { 0 };
  GThread *thread;
  gint64 spawned;
  gsize plen = strlen (prefix);
  gboolean started = FALSE, have_rss = FALSE;
  char *line;

  memset (run, 0, sizeof *run);
  g_subprocess_launcher_set_environ (launcher, env);
  spawned = g_get_monotonic_time ();
  child = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (child == NULL)
    {
      g_printerr ("bench-ui: could not start %s: %s\n", argv[0], error->message);
      return FALSE;
    }
  w.child = child;
  thread = g_thread_new ("watchdog", watchdog_thread, &w);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, NULL)) != NULL)
    {
      g_auto(GStrv) f = NULL;

      if (strncmp (line, prefix, plen) != 0 || line[plen] != ' ')
        {
          g_free (line);
          continue;
        }
      f = g_strsplit (line + plen + 1, " ", 0);
      g_free (line);
      if (g_strv_length (f) < 2)
        continue;
      if (g_str_equal (f[0], "drawn") || g_str_equal (f[0], "rooms-drawn"))
        {
          run->start_ms = (g_ascii_strtoll (f[1], NULL, 10) - spawned) / 1000.0;
          started = TRUE;
        }
      else if (g_str_equal (f[0], "rss") && app)
        run->start_rss_mb = g_ascii_strtod (f[1], NULL) / 1024.0;
      else if (g_str_equal (f[0], "rss"))
        {
          run->rss_mb = g_ascii_strtod (f[1], NULL) / 1024.0;
          have_rss = TRUE;
        }
      else if (g_str_equal (f[0], "room-open"))
        run->open_ms = g_ascii_strtoll (f[1], NULL, 10) / 1000.0;
      else if (g_str_equal (f[0], "scrolled") && f[2] != NULL)
        {
          run->scrolled = (guint) g_ascii_strtoull (f[1], NULL, 10);
          run->rss_mb = g_ascii_strtod (f[2], NULL) / 1024.0;
          have_rss = TRUE;
        }
    }
  g_subprocess_wait (child, NULL, NULL);

  g_mutex_lock (&w.lock);
  w.done = TRUE;
  g_cond_signal (&w.cond);
  g_mutex_unlock (&w.lock);
  g_thread_join (thread);

  if (!started || (need_rss && !have_rss))
    {
      g_printerr ("bench-ui: %s stopped before reporting (status %d)\n", argv[0],
                  g_subprocess_get_status (child));
      return FALSE;
    }
  return TRUE;
}

static GSubprocess *
start_xvfb (char **display)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  GSubprocess *xvfb;
  int fd;
  const char *argv[] = { "Xvfb", "-displayfd", NULL, "-screen", "0", "1280x800x24",
                         "-nolisten", "tcp", NULL };
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *fd_text = NULL;

  fd = g_file_open_tmp ("bench-ui-display-XXXXXX", &path, &error);
  if (fd < 0)
    g_error ("%s", error->message);
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  argv[2] = "3";
  xvfb = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (xvfb == NULL)
    {
      g_printerr ("bench-ui: Xvfb: %s\n", error->message);
      g_unlink (path);
      return NULL;
    }
  for (int tries = 0; tries < 100; tries++)
    {
      g_clear_pointer (&text, g_free);
      if (g_file_get_contents (path, &text, NULL, NULL) && strchr (text, '\n') != NULL)
        break;
      g_usleep (100 * 1000);
    }
  g_unlink (path);
  if (text == NULL || *text == '\0')
    {
      g_subprocess_force_exit (xvfb);
      g_object_unref (xvfb);
      return NULL;
    }
  *display = g_strdup_printf (":%s", g_strstrip (text));
  return xvfb;
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocess) xvfb = NULL;
  g_autoptr(GSubprocess) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) bare_runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_autoptr(GArray) app_runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_autofree char *display = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *room_id = NULL;
  g_autofree char *xvfb_path = NULL;
  g_auto(GStrv) env = NULL;
  g_auto(GStrv) bare_env = NULL;
  g_auto(GStrv) app_env = NULL;
  g_auto(GStrv) warm_env = NULL;
  const char *runs_text = g_getenv ("BENCH_RUNS");
  guint runs = runs_text ? (guint) MAX (1, atoi (runs_text)) : 5;
  const char *app, *bare, *generator, *schemas;
  gboolean ok = TRUE;
  gint64 t0;
  double b_start, a_start, b_rss, a_rss, a_open;

  if (argc != 5)
    {
      g_printerr ("Usage: %s APP BARE_WINDOW CACHE_GENERATOR SCHEMA_DIR\n", argv[0]);
      return 2;
    }
  app = argv[1];
  bare = argv[2];
  generator = argv[3];
  schemas = argv[4];

  xvfb_path = g_find_program_in_path ("Xvfb");
  if (xvfb_path == NULL)
    {
      printf ("SKIP: Xvfb is not installed\n");
      return 77;
    }
  xvfb = start_xvfb (&display);
  if (xvfb == NULL)
    {
      g_printerr ("bench-ui: Xvfb did not start\n");
      return 1;
    }

  data_dir = g_dir_make_tmp ("causerie-bench-ui-XXXXXX", &error);
  if (data_dir == NULL)
    g_error ("%s", error->message);

  t0 = g_get_monotonic_time ();
  gen = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          generator, data_dir, "--store-token", NULL);
  if (gen == NULL || !g_subprocess_communicate_utf8 (gen, NULL, NULL, &room_id, NULL, &error) ||
      !g_subprocess_get_successful (gen) || room_id == NULL)
    {
      g_printerr ("bench-ui: the cache generator failed%s%s\n",
                  error ? ": " : "", error ? error->message : "");
      g_subprocess_force_exit (xvfb);
      rm_rf (data_dir);
      return 1;
    }
  g_strstrip (room_id);

  env = g_get_environ ();
  env = g_environ_setenv (env, "DISPLAY", display, TRUE);
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_setenv (env, "GDK_BACKEND", "x11", TRUE);
  env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "GSETTINGS_SCHEMA_DIR", schemas, TRUE);
  env = g_environ_setenv (env, "GTK_A11Y", "none", TRUE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", "C", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "CAUSERIE_DATA_DIR", data_dir, TRUE);
  bare_env = g_strdupv (env);
  app_env = g_environ_setenv (g_strdupv (env), "CAUSERIE_BENCH", "1", TRUE);
  /* The warm-up only starts the app: the scroll takes minutes. */
  warm_env = g_strdupv (app_env);
  app_env = g_environ_setenv (app_env, "CAUSERIE_BENCH_ROOM", room_id, TRUE);

  printf ("UI benchmark: Xvfb %s, GSK_RENDERER=cairo; cache of 200 rooms and 100,000 messages "
          "written in %.1f s; the app offline (server down)\n",
          display, (g_get_monotonic_time () - t0) / 1e6);
  printf ("1 warm-up run each, then %u runs each, alternated\n\n", runs);
  fflush (stdout);

  for (guint i = 0; i <= runs && ok; i++)
    {
      const char *bare_argv[] = { bare, NULL };
      const char *app_argv[] = { app, NULL };
      char label[16];
      Run b, a;

      ok = run_child (bare_argv, bare_env, "BENCH", FALSE, TRUE, &b) &&
           run_child (app_argv, i == 0 ? warm_env : app_env, "CAUSERIE_BENCH", TRUE, i > 0, &a);
      if (!ok)
        break;
      if (i == 0)
        {
          printf ("warm-up  bare: first frame %6.1f ms | app: room list %6.1f ms\n",
                  b.start_ms, a.start_ms);
          fflush (stdout);
          continue;
        }
      if (i == 0)
        g_strlcpy (label, "warm-up", sizeof label);
      else
        g_snprintf (label, sizeof label, "run %u", i);
      printf ("%-8s bare: first frame %6.1f ms  RSS %5.1f MB | app: room list %6.1f ms (RSS %5.1f MB)  "
              "room open %5.1f ms  RSS after scrolling %u msgs %5.1f MB\n",
              label,
              b.start_ms, b.rss_mb, a.start_ms, a.start_rss_mb, a.open_ms, a.scrolled, a.rss_mb);
      fflush (stdout);
      if (i > 0)
        {
          g_array_append_val (bare_runs, b);
          g_array_append_val (app_runs, a);
        }
    }

  if (ok)
    {
      b_start = median (bare_runs, G_STRUCT_OFFSET (Run, start_ms));
      a_start = median (app_runs, G_STRUCT_OFFSET (Run, start_ms));
      b_rss = median (bare_runs, G_STRUCT_OFFSET (Run, rss_mb));
      a_rss = median (app_runs, G_STRUCT_OFFSET (Run, rss_mb));
      a_open = median (app_runs, G_STRUCT_OFFSET (Run, open_ms));

      printf ("\nMedians of %u runs                          bare window     causerie    ratio   aim\n", runs);
      printf ("(1) spawn to first frame / room list drawn  %8.1f ms  %8.1f ms   %5.2fx   <= 1.50x\n",
              b_start, a_start, a_start / b_start);
      printf ("(2) open a 10,000-message room to 1st frame         -     %8.1f ms       -    < 100 ms\n",
              a_open);
      printf ("(3) RSS (app: after scrolling all of it)    %8.1f MB  %8.1f MB   %5.2fx   <= 1.30x\n",
              b_rss, a_rss, a_rss / b_rss);
      printf ("    (app RSS when the room list is drawn: %.1f MB)\n",
              median (app_runs, G_STRUCT_OFFSET (Run, start_rss_mb)));
    }

  g_subprocess_force_exit (xvfb);
  g_subprocess_wait (xvfb, NULL, NULL);
  rm_rf (data_dir);
  return ok ? 0 : 1;
}
