/* bench-memory.c: the server's memory under a long stream of messages.
 *
 * Starts the real causerie-server with its default configuration, makes a
 * room of 50 and a room of 200 members, connects WebSockets, and stores
 * BENCH_MEMORY_MESSAGES messages (default 1,000,000) alternately into the
 * two rooms, printing the server's resident memory every
 * BENCH_MEMORY_EVERY (100,000). It must level off: the figures are
 * printed, never asserted (the memory test in the server suite asserts).
 *
 * BENCH_MEMORY_SOCKETS: connected WebSockets (default 20; each is a member
 * of both rooms and receives every message). BENCH_MEMORY_CONFIG: key-file
 * text added to the server's configuration. BENCH_MEMORY_SENDERS (default
 * 10, at most the sockets) and BENCH_MEMORY_WINDOW (sends in flight per
 * sender, default 16): with 1 and 1, every message is a commit and a
 * fan-out of its own, the shape of a lightly loaded server, which makes
 * a short run under `valgrind --tool=callgrind` (CAUSERIE_SERVER pointing
 * at a wrapper) an instruction count per message of the low-rate path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test-load.h"

#include <stdio.h>
#include <sys/resource.h>

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *v = g_getenv (name);
  guint64 n;

  return v && g_ascii_string_to_unsigned (v, 10, 1, G_MAXUINT, &n, NULL) ? (guint) n : fallback;
}

typedef struct {
  CsTestServer *server;
  gint64        t0;
  gint64        last_us;
  guint64       last_acked;
} Bench;

static void
print_rss (Bench      *b,
           const char *label)
{
  gint64 anon = -1;
  gint64 rss = cs_test_server_rss_kb (b->server, &anon);

  printf ("%s: RSS %.1f MB (anonymous %.1f MB)\n", label, rss / 1024.0, anon / 1024.0);
}

static void
progress_cb (CsTestLoad *load,
             guint64     acked,
             gpointer    data)
{
  Bench *b = data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *label = g_strdup_printf ("%8" G_GUINT64_FORMAT " messages, %5.0f s, %5.0f msg/s",
                                            acked, (now - b->t0) / 1e6,
                                            (acked - b->last_acked) / ((now - b->last_us) / 1e6));

  b->last_us = now;
  b->last_acked = acked;
  print_rss (b, label);
}

int
main (int    argc,
      char **argv)
{
  static const guint rooms[] = { 50, 200, 0 };
  guint messages = env_uint ("BENCH_MEMORY_MESSAGES", 1000000);
  guint every = env_uint ("BENCH_MEMORY_EVERY", 100000);
  guint sockets = MIN (env_uint ("BENCH_MEMORY_SOCKETS", 20), 50);
  guint senders = MIN (env_uint ("BENCH_MEMORY_SENDERS", 10), sockets);
  guint window = env_uint ("BENCH_MEMORY_WINDOW", 16);
  /* The load comes from one sender: the per-person message rate limit
   * is off, the rest is the default configuration. */
  g_autofree char *config = g_strdup_printf ("[limits]\nmessages_per_minute=0\n%s",
                                             g_getenv ("BENCH_MEMORY_CONFIG") ? g_getenv ("BENCH_MEMORY_CONFIG") : "");
  g_autoptr(CsTestServer) server = NULL;
  g_autoptr(CsTestLoad) load = NULL;
  Bench b = { 0 };
  guint64 delivered;

  setvbuf (stdout, NULL, _IOLBF, 0);
  server = cs_test_server_new (config);
  b.server = server;
  printf ("causerie-server memory benchmark: %u messages alternately into rooms of 50 and 200 members,"
          " %u WebSockets connected (members of both), RSS every %u\n", messages, sockets, every);
  print_rss (&b, "fresh server");
  load = cs_test_load_new (server, rooms, sockets);
  print_rss (&b, "after set-up (200 users, 2 rooms, sockets connected)");
  b.t0 = b.last_us = g_get_monotonic_time ();
  cs_test_load_send (load, messages, senders, window, every, progress_cb, &b);
  /* The deliveries of the last acknowledged messages may still be on the way. */
  cs_test_spin (1000);
  delivered = cs_test_load_delivered (load);
  printf ("stored %u messages in %.0f s; %" G_GUINT64_FORMAT " message.new frames delivered to the sockets\n",
          messages, (g_get_monotonic_time () - b.t0) / 1e6, delivered);
  print_rss (&b, "all sent");
  cs_test_load_close_sockets (load);
  cs_test_spin (2000);
  print_rss (&b, "sockets closed, 2 s later");
  cs_test_server_stop (server, FALSE);
  cs_test_server_start (server);
  print_rss (&b, "restarted on the same data");
  return 0;
}
