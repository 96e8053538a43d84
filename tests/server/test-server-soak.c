/* test-server-soak.c: a long run of sign-ins and WebSocket connections
 * against one server process: its memory levels off.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CS_SOAK_CYCLES sets the number of cycles (default 3000, plus a tenth to
 * warm up: about 45 s).
 * The figures are printed; under AddressSanitizer (its quarantine holds
 * freed memory on purpose) they are printed and not judged.
 */
#include "cs-test.h"

#include <string.h>

#define USERS 4

static gint64
server_rss_kib (CsTestServer *s)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (s->process));
  g_autofree char *text = NULL;
  const char *p;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  p = strstr (text, "VmRSS:");
  g_assert_nonnull (p);
  return g_ascii_strtoll (p + strlen ("VmRSS:"), NULL, 10);
}

static gboolean
server_has_asan (CsTestServer *s)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/maps", g_subprocess_get_identifier (s->process));
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents (path, &maps, NULL, NULL));
  return strstr (maps, "libasan") != NULL;
}

/* One person signing in and opening the app: a session, a socket, gone. */
static void
cycle (CsTestServer *s,
       guint         n)
{
  g_autofree char *email = g_strdup_printf ("u%u@acme.test", n % USERS);
  g_autofree char *token = cs_test_login (s, "acme", email, NULL);
  g_autoptr(CsTestWs) ws = cs_test_ws_connect (s, token);
  g_autoptr(JsonObject) ready = NULL;

  g_assert_nonnull (ws);
  ready = cs_test_ws_wait (ws, "ready", 10000);
  g_assert_nonnull (ready);
  /* The close frame goes out before the socket is dropped, as the app's
   * does: the server forgets the socket now (its closing handshake ends
   * within half a second), not when the peer timeout finds it silent. */
  soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  cs_test_ws_wait_closed (ws, 5);
}

static void
run (CsTestServer *s,
     guint         n)
{
  static guint done;

  for (guint i = 0; i < n; i++)
    cycle (s, done++);
  /* Let the server see the last sockets close and run its offline timers. */
  cs_test_spin (300);
}

static void
test_login_connect_close (void)
{
  g_autoptr(CsTestServer) s = cs_test_server_new ("[websocket]\noffline_delay_ms=50\n"
                                                   /* SQLite's page caches fill as the database
                                                    * grows, up to their bound: kept small, they
                                                    * leave the growth to what is leaked, and to
                                                    * the sessions kept (one per sign-in). */
                                                   "[memory]\npage_cache_kib=64\n");
  g_autofree char *admin = cs_test_tenant (s, "acme", "admin@acme.test");
  guint cycles = (guint) g_ascii_strtoull (g_getenv ("CS_SOAK_CYCLES") ? g_getenv ("CS_SOAK_CYCLES") : "3000", NULL, 10);
  gint64 start_kib, warm_kib, half_kib, end_kib;
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < USERS; i++)
    {
      g_autofree char *email = g_strdup_printf ("u%u@acme.test", i);
      g_autofree char *name = g_strdup_printf ("User %u", i);

      g_free (cs_test_user (s, "acme", email, name, "member", NULL));
    }

  start_kib = server_rss_kib (s);
  run (s, cycles / 10);
  warm_kib = server_rss_kib (s);
  run (s, cycles / 2);
  half_kib = server_rss_kib (s);
  run (s, cycles / 2);
  end_kib = server_rss_kib (s);

  g_printerr ("# %u sign-in + WebSocket cycles in %.1f s; server RSS: %.1f MiB at start,"
              " %.1f after %u warm-up cycles, %.1f after the first half, %.1f after the second:"
              " %+.1f MiB over the first half, %+.1f over the second\n",
              cycles / 10 + 2 * (cycles / 2), (g_get_monotonic_time () - t0) / 1e6,
              start_kib / 1024.0, warm_kib / 1024.0, cycles / 10, half_kib / 1024.0, end_kib / 1024.0,
              (half_kib - warm_kib) / 1024.0, (end_kib - half_kib) / 1024.0);

  if (server_has_asan (s))
    {
      g_test_skip ("AddressSanitizer keeps freed memory in quarantine: RSS not judged");
      return;
    }
  /* What may grow: the sessions, one per sign-in, kept 30 days (about
   * 250 bytes each in memory). Measured here over 1,500 cycles: +0.4 MiB.
   * With every reply's JSON object kept alive (fixed with this test) it
   * was about 6 KiB a cycle; with a socket's second shutdown timer firing
   * after it was freed, the server crashed. */
  g_assert_cmpint (end_kib - half_kib, <, 1024 + cycles / 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/soak/login-connect-close", test_login_connect_close);
  return g_test_run ();
}
