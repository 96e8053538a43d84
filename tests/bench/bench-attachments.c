/* bench-attachments.c: upload and download of a 10 MB file on loopback
 * against the real causerie-server, behind `meson test --benchmark`.
 *
 * Each way is timed over several runs (the median is reported) together
 * with the server's memory: VmHWM (its peak resident set) read from
 * /proc before the first transfer and after the last, so the growth is
 * what the transfers cost at their worst moment. References measured in
 * the same process: a plain POST of a one-line message, and a copy of the
 * same 10 MB through a loopback TCP socket with no HTTP at all.
 * Figures are printed, never asserted: the exit status says only whether
 * something broke (a transfer failed or came back different).
 *
 * Usage: bench-attachments (CAUSERIE_SERVER names the server binary)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <string.h>

#define FILE_BYTES (10 * 1000 * 1000)
#define RUNS       7

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *times)
{
  g_array_sort (times, cmp_double);
  return g_array_index (times, double, times->len / 2);
}

static gint64
server_kb (CsTestServer *s,
           const char   *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (s->process));
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, field)) == NULL)
    g_error ("cannot read %s", path);
  return g_ascii_strtoll (p + strlen (field) + 1, NULL, 10);
}

/* A PDF header and pseudo-random bytes: sniffed at once, incompressible. */
static GBytes *
make_file (void)
{
  guint8 *data = g_malloc (FILE_BYTES);
  GRand *rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < FILE_BYTES; i += 4)
    {
      guint32 r = g_rand_int (rand);
      memcpy (data + i, &r, MIN (4, FILE_BYTES - i));
    }
  memcpy (data, "%PDF-1.7\n", 9);
  g_rand_free (rand);
  return g_bytes_new_take (data, FILE_BYTES);
}

static double
timed_send (CsTestServer *s,
            SoupMessage  *msg,
            GBytes      **out_body)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  GBytes *body = soup_session_send_and_read (s->session, msg, NULL, &error);
  double secs = (g_get_monotonic_time () - t0) / 1e6;

  if (body == NULL)
    g_error ("%s", error->message);
  if (soup_message_get_status (msg) >= 300)
    g_error ("HTTP %u", soup_message_get_status (msg));
  if (out_body)
    *out_body = body;
  else
    g_bytes_unref (body);
  return secs;
}

static SoupMessage *
request (CsTestServer *s,
         const char   *method,
         const char   *path,
         const char   *token)
{
  g_autofree char *url = g_strconcat (s->base, path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  SoupMessage *msg = soup_message_new (method, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  return msg;
}

static char *
upload_once (CsTestServer *s,
             const char   *token,
             const char   *room,
             GBytes       *file,
             double       *secs)
{
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/attachments", room);
  g_autoptr(SoupMessage) msg = request (s, "POST", path, token);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Disposition",
                                "attachment; filename*=UTF-8''report.pdf");
  soup_message_set_request_body_from_bytes (msg, "application/pdf", file);
  *secs = timed_send (s, msg, &reply);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL))
    g_error ("bad upload answer");
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "id"));
}

static double
download_once (CsTestServer *s,
               const char   *token,
               const char   *id,
               GBytes       *expected)
{
  g_autofree char *path = g_strdup_printf ("/api/attachments/%s", id);
  g_autoptr(SoupMessage) msg = request (s, "GET", path, token);
  g_autoptr(GBytes) body = NULL;
  double secs = timed_send (s, msg, &body);

  if (!g_bytes_equal (body, expected))
    g_error ("the download differs from the upload");
  return secs;
}

static double
small_post (CsTestServer *s,
            const char   *token,
            const char   *room,
            guint         n)
{
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", room);
  g_autofree char *json = g_strdup_printf ("{\"txn_id\":\"ref-%u\",\"body\":\"A one-line message\"}", n);
  g_autoptr(SoupMessage) msg = request (s, "POST", path, token);
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  return timed_send (s, msg, NULL);
}

/* ---- the reference: 10 MB through a bare loopback socket --------------- */

typedef struct {
  GSocketListener *listener;
  gsize            received;
} Sink;

static gpointer
sink_thread (gpointer data)
{
  Sink *sink = data;
  g_autoptr(GSocketConnection) conn = g_socket_listener_accept (sink->listener, NULL, NULL, NULL);
  g_autofree guint8 *buf = g_malloc (64 * 1024);
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  gssize n;

  while ((n = g_input_stream_read (in, buf, 64 * 1024, NULL, NULL)) > 0)
    sink->received += (gsize) n;
  return NULL;
}

static double
raw_copy (GBytes *file)
{
  Sink sink = { g_socket_listener_new (), 0 };
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autofree char *host = NULL;
  GThread *thread;
  guint16 port;
  gint64 t0;
  double secs;

  port = g_socket_listener_add_any_inet_port (sink.listener, NULL, NULL);
  thread = g_thread_new ("sink", sink_thread, &sink);
  host = g_strdup_printf ("127.0.0.1:%u", port);
  t0 = g_get_monotonic_time ();
  conn = g_socket_client_connect_to_host (client, host, 0, NULL, NULL);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             g_bytes_get_data (file, NULL), g_bytes_get_size (file), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_thread_join (thread);
  secs = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_cmpuint (sink.received, ==, g_bytes_get_size (file));
  g_object_unref (sink.listener);
  return secs;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(CsTestServer) s = cs_test_server_new (NULL);
  g_autofree char *token = cs_test_tenant (s, "bench", "boss@bench.test");
  g_autofree char *room = cs_test_room (s, token, "group", "Files", NULL);
  g_autoptr(GBytes) file = make_file ();
  g_autoptr(GArray) up = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) down = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) small = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 rss_before, hwm_before, hwm_after, rss_after;
  double secs, mb = FILE_BYTES / 1e6;
  g_autofree char *warm = NULL;

  g_autoptr(GBytes) small_file = g_bytes_new_from_bytes (file, 0, 100 * 1000);

  /* Warm up the paths with a small file, so the baseline includes what
   * every request needs (SQLite caches, threads, libsoup's buffers) but
   * not what a big file might cost. */
  warm = upload_once (s, token, room, small_file, &secs);
  download_once (s, token, warm, small_file);
  for (guint i = 0; i < 5; i++)
    small_post (s, token, room, 1000 + i);
  rss_before = server_kb (s, "VmRSS:");
  hwm_before = server_kb (s, "VmHWM:");

  for (guint i = 0; i < RUNS; i++)
    {
      g_autofree char *id = upload_once (s, token, room, file, &secs);

      g_array_append_val (up, secs);
      secs = download_once (s, token, id, file);
      g_array_append_val (down, secs);
      secs = small_post (s, token, room, i);
      g_array_append_val (small, secs);
      secs = raw_copy (file);
      g_array_append_val (raw, secs);
    }
  hwm_after = server_kb (s, "VmHWM:");
  rss_after = server_kb (s, "VmRSS:");

  g_print ("attachments: %u runs of a %.0f MB file on loopback (medians)\n", RUNS, mb);
  g_print ("  upload    %7.3f s  %7.1f MB/s   (aim < 0.5 s)\n", median (up), mb / median (up));
  g_print ("  download  %7.3f s  %7.1f MB/s   (aim < 0.5 s)\n", median (down), mb / median (down));
  g_print ("  reference: a one-line message POST %.2f ms; upload = %.0f x that\n",
           median (small) * 1000, median (up) / median (small));
  g_print ("  reference: the same bytes over a bare loopback socket %.3f s; upload %.1f x, download %.1f x that\n",
           median (raw), median (up) / median (raw), median (down) / median (raw));
  g_print ("  server peak RSS (VmHWM) %.1f MB -> %.1f MB: growth %.2f MB   (aim < 2 MB)\n",
           hwm_before / 1024.0, hwm_after / 1024.0, (hwm_after - hwm_before) / 1024.0);
  g_print ("  server RSS (VmRSS) %.1f MB before, %.1f MB after\n", rss_before / 1024.0, rss_after / 1024.0);
  return 0;
}
