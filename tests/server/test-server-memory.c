/* test-server-memory.c: the server's memory stays within what its
 * configuration allows. A server with small bounds takes enough messages
 * to cross every one of them once (page caches and SQLite's heap limit,
 * the event log, the member lists kept for typing, a socket that never
 * reads), and its resident memory must stay under a ceiling computed from
 * those bounds. Before the leak of every answer's JSON was fixed, these
 * 8,000 messages grew it by about 27 MB.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test-load.h"

#include <string.h>
#include <sys/socket.h>

#define MESSAGES         8000
#define EVENTS_KEEP      2000
#define SQLITE_HEAP_MB   4
#define PAGE_CACHE_KIB   512
#define QUEUE_BYTES      65536
#define SOCKETS          4
/* What no bound covers: thread stacks and malloc's arenas as they settle,
 * libsoup's and GIO's buffers. Measured at about 4 MB over the set-up. */
#define SLACK_MB         10

static const char config[] =
  "[memory]\n"
  "page_cache_kib=" G_STRINGIFY (PAGE_CACHE_KIB) "\n"
  "sqlite_heap_mb=" G_STRINGIFY (SQLITE_HEAP_MB) "\n"
  "member_lists=2\n"
  "[events]\n"
  "keep=" G_STRINGIFY (EVENTS_KEEP) "\n"
  "[limits]\n"
  "ws_queue_bytes=" G_STRINGIFY (QUEUE_BYTES) "\n"
  /* One socket sends them all: the per-person rate limit is not measured here. */
  "messages_per_minute=0\n"
  "[metrics]\n"
  "listen=127.0.0.1:0\n";



static void
test_memory_bounded (void)
{
  static const guint rooms[] = { 50, 10, 5, 0 };
  g_autoptr(CsTestServer) s = cs_test_server_new (config);
  g_autoptr(CsTestLoad) load = cs_test_load_new (s, rooms, SOCKETS);
  g_autoptr(GSocketConnection) stalled = cs_test_raw_ws (s, cs_test_load_token (load, SOCKETS));
  gint64 start_kb, half_kb, end_kb, ceiling_kb;

  /* Typing in more rooms than member_lists keeps lists for. */
  for (guint i = 0; i < cs_test_load_n_rooms (load); i++)
    {
      g_autofree char *frame = g_strdup_printf ("{\"type\":\"typing\",\"room_id\":\"%s\",\"typing\":true}",
                                                cs_test_load_room (load, i));
      cs_test_load_send_frame (load, 0, frame);
    }
  cs_test_spin (200);
  start_kb = cs_test_server_rss_kb (s, NULL);
  g_assert_cmpint (start_kb, >, 0);

  cs_test_load_send (load, MESSAGES / 2, SOCKETS, 8, 0, NULL, NULL);
  half_kb = cs_test_server_rss_kb (s, NULL);
  cs_test_load_send (load, MESSAGES / 2, SOCKETS, 8, 0, NULL, NULL);
  cs_test_spin (500);
  end_kb = cs_test_server_rss_kb (s, NULL);

  /* Every bound was crossed. */
  g_assert_cmpint (cs_test_metric_value (s, "causerie_ws_slow_closed_total"), >=, 1);
  g_assert_cmpint (cs_test_db_int (s, "SELECT COUNT(*) FROM events"), <=, EVENTS_KEEP + EVENTS_KEEP / 10 + 64);
  g_assert_cmpint (cs_test_db_int (s, "SELECT COUNT(*) FROM messages"), >=, MESSAGES);

  ceiling_kb = start_kb + SQLITE_HEAP_MB * 1024 + (SOCKETS + 1) * QUEUE_BYTES / 1024 + SLACK_MB * 1024;
  g_test_message ("RSS %" G_GINT64_FORMAT " KiB after set-up, %" G_GINT64_FORMAT " KiB after %u messages, %"
                  G_GINT64_FORMAT " KiB after %u; ceiling %" G_GINT64_FORMAT " KiB",
                  start_kb, half_kb, MESSAGES / 2, end_kb, MESSAGES, ceiling_kb);
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer keeps freed memory in quarantine and pads every
   * block: RSS says nothing of the server's own bounds in that build,
   * which checks the rest (every bound crossed, nothing leaked). */
  g_test_message ("RSS ceiling not checked under AddressSanitizer");
#else
  g_assert_cmpint (half_kb, <, ceiling_kb);
  g_assert_cmpint (end_kb, <, ceiling_kb);
#endif
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/memory/bounded", test_memory_bounded);
  return g_test_run ();
}
