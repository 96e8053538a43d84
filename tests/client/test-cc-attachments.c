/* test-cc-attachments.c: files sent and fetched through the client core
 * against the real causerie-server, as people would use them: attached
 * offline and sent once when back online, surviving a restart of the app
 * halfway through the uploads, fetched byte for byte and then from the
 * disk cache, a broken download resumed, the cache kept under its cap, a
 * file taken off a message before it went; and refusals as sentences: a
 * file that lies about what it is, one too large, an outbox copy that
 * vanished, an upload the server forgot (sent again on retry). Also the
 * UI's named copies of opened files, removed by the cache's trim once
 * unused for a day.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "cau-error.h"
#include "cc-attachment-private.h"
#include "cc-file-cache.h"
#include "cc-test-client.h"

typedef struct {
  CcTestPair  pair;
  char       *src;        /* the files people pick */
  char       *room_id;
} Fixture;

/* What went over the wire from one client. */
typedef struct {
  guint      uploads;      /* POST …/attachments sent */
  guint      uploads_ok;   /* …answered 201 */
  guint      downloads;    /* GET /api/attachments/… */
  GPtrArray *ranges;       /* each download's Range header, "" when none */
  GArray    *statuses;     /* each download's status */
} Wire;

static void
request_queued_cb (SoupSession *session,
                   SoupMessage *msg,
                   Wire        *wire)
{
  const char *path = g_uri_get_path (soup_message_get_uri (msg));
  const char *range = soup_message_headers_get_one (soup_message_get_request_headers (msg), "Range");

  if (g_str_equal (soup_message_get_method (msg), "POST") && g_str_has_suffix (path, "/attachments"))
    wire->uploads++;
  else if (g_str_equal (soup_message_get_method (msg), "GET") && g_str_has_prefix (path, "/api/attachments/"))
    {
      wire->downloads++;
      g_ptr_array_add (wire->ranges, g_strdup (range ? range : ""));
    }
}

static void
request_unqueued_cb (SoupSession *session,
                     SoupMessage *msg,
                     Wire        *wire)
{
  const char *path = g_uri_get_path (soup_message_get_uri (msg));
  guint status = soup_message_get_status (msg);

  if (g_str_equal (soup_message_get_method (msg), "POST") && g_str_has_suffix (path, "/attachments") &&
      status == 201)
    wire->uploads_ok++;
  else if (g_str_equal (soup_message_get_method (msg), "GET") && g_str_has_prefix (path, "/api/attachments/"))
    g_array_append_val (wire->statuses, status);
}

static Wire *
wire_watch (CcClient *client)
{
  SoupSession *session = cc_api_get_session (cc_client_get_api (client));
  Wire *wire = g_new0 (Wire, 1);

  wire->ranges = g_ptr_array_new_with_free_func (g_free);
  wire->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (session, "request-queued", G_CALLBACK (request_queued_cb), wire);
  g_signal_connect (session, "request-unqueued", G_CALLBACK (request_unqueued_cb), wire);
  return wire;
}

static void
wire_free (CcClient *client,
           Wire     *wire)
{
  if (client != NULL)
    g_signal_handlers_disconnect_by_data (cc_api_get_session (cc_client_get_api (client)), wire);
  g_ptr_array_unref (wire->ranges);
  g_array_unref (wire->statuses);
  g_free (wire);
}

static void
setup (Fixture *f, gconstpointer data)
{
  cc_test_pair_init (&f->pair, 0);
  f->src = cc_test_make_tmpdir ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  cc_test_pair_clear (&f->pair);
  cc_test_rm_rf (f->src);
  g_free (f->src);
  g_free (f->room_id);
}

/* Ada creates a group with Bob; both see it. */
static void
create_room (Fixture *f)
{
  f->room_id = cc_test_pair_create_group (&f->pair, "Accounts");
}

/* Files on the user's disk */

static GFile *
write_file (Fixture    *f,
            const char *name,
            const char *data,
            gsize       size)
{
  g_autofree char *path = g_build_filename (f->src, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static GFile *
photo (Fixture *f)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures", "photo.png", NULL);
  g_autofree char *data = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (fixture, &data, &size, NULL));
  return write_file (f, "Holiday photo.png", data, size);
}

static GFile *
invoice (Fixture *f)
{
  static const char pdf[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    "trailer\n<< /Root 1 0 R >>\n%%EOF\n";

  return write_file (f, "Invoice 2026-11 (€).pdf", pdf, sizeof pdf - 1);
}

/* A text file of about @kib KiB whose lines say where they are. */
static GFile *
text_file (Fixture    *f,
           const char *name,
           guint       kib)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; text->len < kib * 1024; i++)
    g_string_append_printf (text, "%s line %06u: the quick brown fox jumps over the lazy dog\n", name, i);
  return write_file (f, name, text->str, text->len);
}

static void
assert_same_bytes (GFile *a,
                   GFile *b)
{
  g_autofree char *da = NULL;
  g_autofree char *db = NULL;
  gsize la = 0, lb = 0;

  g_assert_true (g_file_load_contents (a, NULL, &da, &la, NULL, NULL));
  g_assert_true (g_file_load_contents (b, NULL, &db, &lb, NULL, NULL));
  g_assert_cmpuint (la, ==, lb);
  g_assert_true (memcmp (da, db, la) == 0);
}

/* Client calls */

static CcMessage *
send_files (CcClient   *client,
            const char *room_id,
            const char *body,
            GFile     **files)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcMessage *message;

  cc_client_send_files_async (client, room_id, body, NULL, files, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  message = cc_client_send_files_finish (client, res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

static GFile *
fetch (CcClient     *client,
       CcAttachment *attachment,
       gboolean      thumbnail)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file;

  cc_client_fetch_attachment_async (client, attachment, thumbnail, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  file = cc_client_fetch_attachment_finish (client, res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

static CcAttachment *
attachment_at (CcMessage *message,
               guint      i)
{
  g_autoptr(CcAttachment) a = g_list_model_get_item (cc_message_get_attachments (message), i);

  g_assert_nonnull (a);
  return a;   /* the message's list keeps it */
}

static guint
n_attachments (CcMessage *message)
{
  return g_list_model_get_n_items (cc_message_get_attachments (message));
}

/* The one message of @timeline whose body is @body, once it is there. */
static CcMessage *
wait_message (CcTimeline *timeline,
              const char *body)
{
  guint guard = g_timeout_add_seconds (60, cc_test_hang_guard_cb, (gpointer) body);

  for (;;)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (timeline));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (timeline), i);

          if (g_strcmp0 (cc_message_get_body (m), body) == 0 &&
              cc_message_get_state (m) == CC_MESSAGE_STATE_STORED)
            {
              g_source_remove (guard);
              return m;   /* the timeline keeps it */
            }
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
exists (const char *path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
outbox_dir_of (CcClient  *client,
               CcMessage *message)
{
  return g_build_filename (cc_outbox_get_files_dir (cc_client_get_outbox (client)),
                           cc_message_get_txn_id (message), NULL);
}

/* Tests */

static void
test_offline_then_online (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GFile) png = photo (f);
  g_autoptr(GFile) pdf = invoice (f);
  g_autoptr(GFile) mine = NULL;
  g_autoptr(GFile) got = NULL;
  g_autoptr(GFile) again = NULL;
  g_autoptr(GFile) thumb = NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *thumb_data = NULL;
  GFile *files[] = { png, pdf, NULL };
  CcAttachment *pending_png, *pending_pdf, *a;
  CcMessage *shown;
  Wire *wire_a = wire_watch (f->pair.a);
  Wire *wire_b = wire_watch (f->pair.b);
  gsize thumb_len = 0;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta) && cc_timeline_get_loaded (tb));

  /* Offline, Ada attaches a photo and an invoice: they wait, copied. */
  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.a));
  g_object_unref (cc_test_send (f->pair.a, f->room_id, "Before"));
  sent = send_files (f->pair.a, f->room_id, "The invoice, and the view", files);
  g_object_unref (cc_test_send (f->pair.a, f->room_id, "After"));
  g_assert_true (cc_timeline_lookup (ta, cc_message_get_txn_id (sent)) == sent);
  g_assert_cmpint (cc_message_get_state (sent), ==, CC_MESSAGE_STATE_PENDING);
  g_assert_cmpuint (n_attachments (sent), ==, 2);
  pending_png = attachment_at (sent, 0);
  pending_pdf = attachment_at (sent, 1);
  g_assert_cmpstr (cc_attachment_get_name (pending_png), ==, "Holiday photo.png");
  g_assert_cmpstr (cc_attachment_get_mime_type (pending_png), ==, "image/png");
  g_assert_true (cc_attachment_is_image (pending_png));
  g_assert_cmpstr (cc_attachment_get_name (pending_pdf), ==, "Invoice 2026-11 (€).pdf");
  g_assert_cmpstr (cc_attachment_get_mime_type (pending_pdf), ==, "application/pdf");
  g_assert_cmpint (cc_attachment_get_state (pending_png), ==, CC_ATTACHMENT_QUEUED);
  g_assert_null (cc_attachment_get_id (pending_png));
  g_assert_nonnull (cc_attachment_get_local_file (pending_png));
  assert_same_bytes (cc_attachment_get_local_file (pending_png), png);
  outbox = outbox_dir_of (f->pair.a, sent);
  g_assert_true (g_str_has_prefix (outbox, f->pair.dir_a));
  g_assert_true (exists (outbox));
  g_assert_cmpuint (wire_a->uploads, ==, 0);

  /* Back online: each file goes up once, then the message. The rows the
   * UI shows are the same objects, now on the server. */
  cc_test_server_start (f->pair.srv);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (sent) == CC_MESSAGE_STATE_STORED);
  /* Ada opens her own photo at once: the sent copy moves into her cache
   * and that is what she gets, with no download. */
  mine = fetch (f->pair.a, pending_png, FALSE);
  assert_same_bytes (mine, png);
  g_assert_cmpuint (wire_a->downloads, ==, 0);
  g_assert_cmpuint (wire_a->uploads, ==, 2);
  g_assert_cmpuint (wire_a->uploads_ok, ==, 2);
  g_assert_cmpuint (n_attachments (sent), ==, 2);
  g_assert_true (attachment_at (sent, 0) == pending_png);
  g_assert_true (attachment_at (sent, 1) == pending_pdf);
  g_assert_cmpint (cc_attachment_get_state (pending_png), ==, CC_ATTACHMENT_REMOTE);
  g_assert_nonnull (cc_attachment_get_id (pending_png));
  g_assert_nonnull (cc_attachment_get_id (pending_pdf));
  g_assert_cmpint (cc_attachment_get_width (pending_png), ==, 40);
  g_assert_cmpint (cc_attachment_get_height (pending_png), ==, 30);
  g_assert_true (cc_attachment_get_has_thumbnail (pending_png));
  g_assert_cmpint (cc_attachment_get_width (pending_pdf), ==, 0);
  g_assert_null (cc_attachment_get_local_file (pending_png));
  /* The copies leave the outbox. */
  CC_TEST_WAIT_UNTIL (!exists (outbox));

  /* Bob sees the message with both files, in order, between the others. */
  shown = wait_message (tb, "The invoice, and the view");
  wait_message (tb, "After");
  {
    g_autofree char *text = cc_test_timeline_text (tb);

    g_assert_cmpstr (text, ==, "Before|The invoice, and the view|After");
  }
  g_assert_cmpuint (n_attachments (shown), ==, 2);
  a = attachment_at (shown, 0);
  g_assert_cmpstr (cc_attachment_get_id (a), ==, cc_attachment_get_id (pending_png));
  g_assert_cmpstr (cc_attachment_get_name (a), ==, "Holiday photo.png");
  g_assert_cmpuint (cc_attachment_get_size (a), ==, cc_attachment_get_size (pending_png));
  g_assert_cmpstr (cc_attachment_get_name (attachment_at (shown, 1)), ==, "Invoice 2026-11 (€).pdf");
  g_assert_cmpstr (cc_attachment_get_mime_type (attachment_at (shown, 1)), ==, "application/pdf");

  /* Bob downloads it byte for byte; the second time it is on disk. */
  got = fetch (f->pair.b, a, FALSE);
  assert_same_bytes (got, png);
  g_assert_cmpuint (wire_b->downloads, ==, 1);
  again = fetch (f->pair.b, a, FALSE);
  g_assert_true (g_file_equal (got, again));
  g_assert_cmpuint (wire_b->downloads, ==, 1);
  g_assert_true (g_str_has_prefix (g_file_peek_path (got), g_get_user_cache_dir ()));

  /* The thumbnail is an image of its own. */
  thumb = fetch (f->pair.b, a, TRUE);
  g_assert_false (g_file_equal (thumb, got));
  g_assert_true (g_file_load_contents (thumb, NULL, &thumb_data, &thumb_len, NULL, NULL));
  g_assert_cmpuint (thumb_len, >, 8);
  g_assert_true (memcmp (thumb_data, "\x89PNG", 4) == 0 || memcmp (thumb_data, "\xff\xd8\xff", 3) == 0);
  g_assert_cmpuint (wire_b->downloads, ==, 2);

  /* After a restart of Bob's app, offline, the cache still knows the files. */
  g_clear_object (&tb);
  wire_free (f->pair.b, wire_b);
  cc_test_client_quit (&f->pair.b);
  f->pair.b = cc_test_client_open (f->pair.srv, CC_TEST_BOB_EMAIL, f->pair.dir_b, f->pair.login_b);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  shown = wait_message (tb, "The invoice, and the view");
  g_assert_cmpuint (n_attachments (shown), ==, 2);
  g_assert_cmpstr (cc_attachment_get_name (attachment_at (shown, 1)), ==, "Invoice 2026-11 (€).pdf");
  g_assert_true (cc_attachment_get_has_thumbnail (attachment_at (shown, 0)));

  wire_free (f->pair.a, wire_a);
}

typedef struct {
  CcClient *client;
  guint     uploaded;
} StopAfterFirst;

static void
stop_after_first_cb (CcOutbox          *outbox,
                     const char        *txn_id,
                     const char        *path,
                     CcAttachmentState  state,
                     const char        *error,
                     JsonObject        *file,
                     StopAfterFirst    *stop)
{
  if (state != CC_ATTACHMENT_REMOTE)
    return;
  /* The app dies right after the first upload was recorded. */
  if (stop->uploaded++ == 0)
    cc_client_stop (stop->client);
}

static void
test_restart_midway (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GFile) one = text_file (f, "one.txt", 200);
  g_autoptr(GFile) two = text_file (f, "two.txt", 300);
  g_autoptr(GFile) three = text_file (f, "three.txt", 100);
  g_autofree char *txn_id = NULL;
  g_autofree char *outbox = NULL;
  GFile *files[] = { one, two, three, NULL };
  StopAfterFirst stop = { f->pair.a, 0 };
  CcMessage *pending, *shown;
  Wire *wire;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta) && cc_timeline_get_loaded (tb));

  wire = wire_watch (f->pair.a);
  g_signal_connect (cc_client_get_outbox (f->pair.a), "file-changed", G_CALLBACK (stop_after_first_cb), &stop);
  sent = send_files (f->pair.a, f->room_id, "Three files", files);
  txn_id = g_strdup (cc_message_get_txn_id (sent));
  outbox = outbox_dir_of (f->pair.a, sent);
  CC_TEST_WAIT_UNTIL (stop.uploaded == 1 && !cc_outbox_get_sending (cc_client_get_outbox (f->pair.a)));
  g_assert_cmpuint (wire->uploads_ok, ==, 1);
  g_signal_handlers_disconnect_by_data (cc_client_get_outbox (f->pair.a), &stop);
  wire_free (f->pair.a, wire);

  /* A new process on the same data: the message is still pending, the
   * first file known to be on the server, the others waiting. */
  g_clear_object (&sent);
  g_clear_object (&ta);
  cc_test_client_quit (&f->pair.a);
  f->pair.a = cc_test_client_open (f->pair.srv, CC_TEST_ADA_EMAIL, f->pair.dir_a, f->pair.login_a);
  wire = wire_watch (f->pair.a);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta));
  pending = cc_timeline_lookup (ta, txn_id);
  g_assert_nonnull (pending);
  g_assert_cmpint (cc_message_get_state (pending), ==, CC_MESSAGE_STATE_PENDING);
  g_assert_cmpuint (n_attachments (pending), ==, 3);
  g_assert_cmpint (cc_attachment_get_state (attachment_at (pending, 0)), ==, CC_ATTACHMENT_REMOTE);
  g_assert_nonnull (cc_attachment_get_id (attachment_at (pending, 0)));
  g_assert_cmpint (cc_attachment_get_state (attachment_at (pending, 1)), ==, CC_ATTACHMENT_QUEUED);
  g_assert_cmpint (cc_attachment_get_state (attachment_at (pending, 2)), ==, CC_ATTACHMENT_QUEUED);
  g_assert_true (exists (outbox));

  /* Online again: only the two others go up. */
  cc_test_client_go_online (f->pair.a);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (pending) == CC_MESSAGE_STATE_STORED);
  g_assert_cmpuint (wire->uploads, ==, 2);
  g_assert_cmpuint (wire->uploads_ok, ==, 2);
  CC_TEST_WAIT_UNTIL (!exists (outbox));
  wire_free (f->pair.a, wire);

  shown = wait_message (tb, "Three files");
  g_assert_cmpuint (n_attachments (shown), ==, 3);
  g_assert_cmpstr (cc_attachment_get_name (attachment_at (shown, 0)), ==, "one.txt");
  g_assert_cmpstr (cc_attachment_get_name (attachment_at (shown, 1)), ==, "two.txt");
  g_assert_cmpstr (cc_attachment_get_name (attachment_at (shown, 2)), ==, "three.txt");
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
restart_server_with (Fixture    *f,
                     const char *config)
{
  cc_test_server_stop (f->pair.srv);
  cc_test_server_set_config (f->pair.srv, config);
  cc_test_server_start (f->pair.srv);
}

/* Ada's app stops after the first of two uploads and stays closed longer
 * than the server keeps unused uploads. Back online, the message is
 * refused (the first upload is gone); the file is queued again and a
 * retry sends the message with both. */
static void
test_upload_forgotten (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GFile) one = text_file (f, "first.txt", 20);
  g_autoptr(GFile) two = text_file (f, "second.txt", 20);
  GFile *files[] = { one, two, NULL };
  StopAfterFirst stop = { f->pair.a, 0 };
  g_autofree char *first_id = NULL;
  CcAttachment *first;
  CcMessage *shown;
  gboolean waited = FALSE;

  restart_server_with (f, "[attachments]\nunused_lifetime_seconds = 2\nsweep_interval_seconds = 1\n");
  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta) && cc_timeline_get_loaded (tb));

  g_signal_connect (cc_client_get_outbox (f->pair.a), "file-changed", G_CALLBACK (stop_after_first_cb), &stop);
  sent = send_files (f->pair.a, f->room_id, "Both files", files);
  CC_TEST_WAIT_UNTIL (stop.uploaded == 1 && !cc_outbox_get_sending (cc_client_get_outbox (f->pair.a)));
  g_signal_handlers_disconnect_by_data (cc_client_get_outbox (f->pair.a), &stop);
  first = attachment_at (sent, 0);
  first_id = g_strdup (cc_attachment_get_id (first));
  g_assert_nonnull (first_id);

  g_timeout_add_seconds (4, flag_cb, &waited);
  CC_TEST_WAIT_UNTIL (waited);
  cc_test_client_go_online (f->pair.a);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (sent) == CC_MESSAGE_STATE_FAILED);
  g_assert_cmpint (cc_attachment_get_state (first), ==, CC_ATTACHMENT_QUEUED);
  g_assert_null (cc_attachment_get_id (first));

  cc_client_retry_message (f->pair.a, cc_message_get_txn_id (sent));
  CC_TEST_WAIT_UNTIL (cc_message_get_state (sent) == CC_MESSAGE_STATE_STORED);
  g_assert_nonnull (cc_attachment_get_id (first));
  g_assert_cmpstr (cc_attachment_get_id (first), !=, first_id);
  shown = wait_message (tb, "Both files");
  g_assert_cmpuint (n_attachments (shown), ==, 2);
}

static void
test_download_resumes (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GFile) big = text_file (f, "ledger.txt", 3 * 1024);
  g_autoptr(GFile) cached = NULL;
  g_autoptr(GFile) resumed = NULL;
  g_autoptr(GFile) again = NULL;
  g_autofree char *data_all = NULL;
  g_autofree char *part_path = NULL;
  GFile *files[] = { big, NULL };
  CcMessage *shown;
  CcAttachment *a;
  Wire *wire = wire_watch (f->pair.b);
  gsize len = 0;
  guint status;

  create_room (f);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  sent = send_files (f->pair.a, f->room_id, "", files);
  shown = wait_message (tb, "");
  a = attachment_at (shown, 0);
  g_assert_cmpstr (cc_attachment_get_name (a), ==, "ledger.txt");

  cached = fetch (f->pair.b, a, FALSE);
  assert_same_bytes (cached, big);
  g_assert_cmpuint (wire->downloads, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (wire->ranges, 0), ==, "");

  /* The connection broke after the first MiB last time. */
  g_assert_true (g_file_load_contents (big, NULL, &data_all, &len, NULL, NULL));
  part_path = g_strconcat (g_file_peek_path (cached), ".part", NULL);
  g_assert_true (g_file_set_contents (part_path, data_all, 1024 * 1024, NULL));
  g_assert_true (g_file_delete (cached, NULL, NULL));

  resumed = fetch (f->pair.b, a, FALSE);
  assert_same_bytes (resumed, big);
  g_assert_false (exists (part_path));
  g_assert_cmpuint (wire->downloads, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (wire->ranges, 1), ==, "bytes=1048576-");
  status = g_array_index (wire->statuses, guint, 1);
  g_assert_cmpuint (status, ==, 206);

  /* A file the server does not have (or Bob may not see): a sentence. */
  {
    g_autoptr(JsonObject) ghost_json = json_object_new ();
    g_autoptr(CcAttachment) ghost = NULL;
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GFile) none = NULL;

    json_object_set_string_member (ghost_json, "id", "00000000-0000-4000-8000-000000000000");
    json_object_set_string_member (ghost_json, "name", "ghost.pdf");
    ghost = _cc_attachment_new_from_json (ghost_json);
    cc_client_fetch_attachment_async (f->pair.b, ghost, FALSE, NULL, cc_test_result_cb, &res);
    CC_TEST_AWAIT (res);
    none = cc_client_fetch_attachment_finish (f->pair.b, res, &error);
    g_assert_null (none);
    g_assert_error (error, CAU_ERROR, CAU_ERROR_NOT_FOUND);
    g_assert_cmpuint (strlen (error->message), >, 10);
  }

  /* A .part that is already whole starts over cleanly. */
  g_assert_true (g_file_set_contents (part_path, data_all, len, NULL));
  g_assert_true (g_file_delete (resumed, NULL, NULL));
  again = fetch (f->pair.b, a, FALSE);
  assert_same_bytes (again, big);

  wire_free (f->pair.b, wire);
}

static guint64
dir_size (GFile *dir)
{
  g_autoptr(GFileEnumerator) en = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                              G_FILE_QUERY_INFO_NONE, NULL, NULL);
  guint64 total = 0;
  GFileInfo *info;

  while (en != NULL && g_file_enumerator_iterate (en, &info, NULL, NULL, NULL) && info != NULL)
    total += (guint64) g_file_info_get_size (info);
  return total;
}

/* Without files, sending files is sending a message: the same checks,
 * the same message. */
static void
test_no_files (Fixture *f, gconstpointer data)
{
  GFile *none[] = { NULL };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcMessage) message = NULL;

  create_room (f);
  cc_client_send_files_async (f->pair.a, f->room_id, "  ", NULL, none, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_null (cc_client_send_files_finish (f->pair.a, res, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);

  message = send_files (f->pair.a, f->room_id, " Just words ", none);
  g_assert_cmpstr (cc_message_get_body (message), ==, "Just words");
  g_assert_cmpuint (n_attachments (message), ==, 0);
}

/* Sets the modification time of @path to @age_s seconds ago. */
static void
make_old (const char *path,
          gint64      age_s)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                               (guint64) (g_get_real_time () / G_USEC_PER_SEC - age_s),
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  g_assert_no_error (error);
}

/* "<dir>/<name>" with a few bytes, @age_s seconds old; returns its path. */
static char *
old_file (const char *dir,
          const char *name,
          gint64      age_s)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, "some bytes", -1, &error);
  g_assert_no_error (error);
  make_old (path, age_s);
  return path;
}

#define DAYS(n) ((gint64) (n) * 24 * 3600)

/* What the UI's "Open" leaves in "<opened>/<id>/<name>": gone once neither
 * the copy nor the cached file it came from was used for a day. */
static void
test_opened_copies (void)
{
  g_autofree char *root = cc_test_make_tmpdir ();
  g_autofree char *files = g_build_filename (root, "files", NULL);
  g_autofree char *opened = g_build_filename (root, "opened", NULL);
  g_autofree char *old_dir = g_build_filename (opened, "old", NULL);
  g_autofree char *fresh_dir = g_build_filename (opened, "fresh", NULL);
  g_autofree char *reused_dir = g_build_filename (opened, "reused", NULL);
  g_autofree char *mixed_dir = g_build_filename (opened, "mixed", NULL);
  g_autofree char *old = old_file (old_dir, "report.pdf", DAYS (2));
  g_autofree char *fresh = old_file (fresh_dir, "notes.txt", 60);
  g_autofree char *reused = old_file (reused_dir, "photo.png", DAYS (2));
  g_autofree char *mixed_old = old_file (mixed_dir, "a.txt", DAYS (2));
  g_autofree char *mixed_new = old_file (mixed_dir, "b.txt", 60);
  g_autofree char *stray = old_file (opened, "stray.txt", DAYS (3));
  /* The cache served "reused" a minute ago; "victim" was used an hour ago. */
  g_autofree char *cached = old_file (files, "reused", 60);
  g_autofree char *victim = old_file (files, "victim", 3600);
  g_autoptr(CcFileCache) cache = cc_file_cache_new (files);

  make_old (old_dir, DAYS (2));
  make_old (reused_dir, DAYS (2));
  make_old (mixed_dir, DAYS (2));

  cc_file_cache_set_opened_dir (cache, opened);
  g_assert_cmpstr (cc_file_cache_get_opened_dir (cache), ==, opened);
  cc_file_cache_trim (cache);
  CC_TEST_WAIT_UNTIL (!g_file_test (old_dir, G_FILE_TEST_EXISTS) &&
                      !g_file_test (mixed_old, G_FILE_TEST_EXISTS) &&
                      !g_file_test (stray, G_FILE_TEST_EXISTS));

  /* A second trim runs after the first: once it evicted the victim, both
   * are over, and what is left stays. */
  cc_file_cache_set_cap (cache, 10);
  CC_TEST_WAIT_UNTIL (!g_file_test (victim, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (reused, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (mixed_new, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (cached, G_FILE_TEST_EXISTS));

  cc_test_rm_rf (root);
}

static void
test_cache_cap (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(GFile) fa = text_file (f, "a.txt", 100);
  g_autoptr(GFile) fb = text_file (f, "b.txt", 100);
  g_autoptr(GFile) fc = text_file (f, "c.txt", 100);
  g_autoptr(GFile) ga = NULL;
  g_autoptr(GFile) gb = NULL;
  g_autoptr(GFile) gc = NULL;
  g_autoptr(GFile) ga2 = NULL;
  g_autoptr(GFile) dir = NULL;
  GFile *files_a[] = { fa, NULL }, *files_b[] = { fb, NULL }, *files_c[] = { fc, NULL };
  CcAttachment *aa, *ab, *ac;
  /* Where the UI's "Open" put a copy two days ago. */
  g_autofree char *opened = g_build_filename (g_get_user_cache_dir (), "causerie", "opened",
                                              "an-old-id", NULL);
  g_autofree char *opened_copy = old_file (opened, "Old report.pdf", DAYS (2));

  make_old (opened, DAYS (2));
  create_room (f);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  g_object_unref (send_files (f->pair.a, f->room_id, "a", files_a));
  g_object_unref (send_files (f->pair.a, f->room_id, "b", files_b));
  g_object_unref (send_files (f->pair.a, f->room_id, "c", files_c));
  aa = attachment_at (wait_message (tb, "a"), 0);
  ab = attachment_at (wait_message (tb, "b"), 0);
  ac = attachment_at (wait_message (tb, "c"), 0);

  /* Room for two of them. */
  cc_client_set_file_cache_cap (f->pair.b, 250 * 1024);
  ga = fetch (f->pair.b, aa, FALSE);
  g_usleep (20 * 1000);
  gb = fetch (f->pair.b, ab, FALSE);
  g_usleep (20 * 1000);
  /* a is used again: b is now the least recently used. */
  ga2 = fetch (f->pair.b, aa, FALSE);
  g_usleep (20 * 1000);
  gc = fetch (f->pair.b, ac, FALSE);

  dir = g_file_get_parent (gc);
  CC_TEST_WAIT_UNTIL (!g_file_query_exists (gb, NULL));
  g_assert_true (g_file_query_exists (ga, NULL));
  g_assert_true (g_file_query_exists (gc, NULL));
  g_assert_cmpuint (dir_size (dir), <=, 250 * 1024);

  /* A lower cap applies at once. */
  cc_client_set_file_cache_cap (f->pair.b, 150 * 1024);
  CC_TEST_WAIT_UNTIL (!g_file_query_exists (ga, NULL));
  g_assert_true (g_file_query_exists (gc, NULL));

  /* The trims also removed the old copy of an opened file. */
  CC_TEST_WAIT_UNTIL (!g_file_test (opened, G_FILE_TEST_EXISTS));
}

static void
test_cancel_attachment (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcTimeline) tb = NULL;
  g_autoptr(CcMessage) with_text = NULL;
  g_autoptr(CcMessage) only_files = NULL;
  g_autoptr(GFile) png = photo (f);
  g_autoptr(GFile) pdf = invoice (f);
  g_autoptr(GFile) removed_copy = NULL;
  g_autofree char *outbox = NULL;
  GFile *files[] = { png, pdf, NULL };
  CcMessage *shown;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  tb = cc_client_get_timeline (f->pair.b, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta) && cc_timeline_get_loaded (tb));
  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.a));

  /* Ada takes the invoice off a message with text: the text still goes. */
  with_text = send_files (f->pair.a, f->room_id, "Only the photo after all", files);
  removed_copy = g_object_ref (cc_attachment_get_local_file (attachment_at (with_text, 1)));
  cc_client_cancel_attachment (f->pair.a, with_text, attachment_at (with_text, 1));
  CC_TEST_WAIT_UNTIL (n_attachments (with_text) == 1);
  g_assert_cmpstr (cc_attachment_get_name (attachment_at (with_text, 0)), ==, "Holiday photo.png");
  CC_TEST_WAIT_UNTIL (!g_file_query_exists (removed_copy, NULL));

  /* A message of files only, all taken off, is gone. */
  only_files = send_files (f->pair.a, f->room_id, "", files);
  outbox = outbox_dir_of (f->pair.a, only_files);
  g_assert_true (exists (outbox));
  cc_client_cancel_attachment (f->pair.a, only_files, attachment_at (only_files, 0));
  CC_TEST_WAIT_UNTIL (n_attachments (only_files) == 1);
  cc_client_cancel_attachment (f->pair.a, only_files, attachment_at (only_files, 0));
  CC_TEST_WAIT_UNTIL (cc_timeline_lookup (ta, cc_message_get_txn_id (only_files)) == NULL);
  CC_TEST_WAIT_UNTIL (!exists (outbox));

  cc_test_server_start (f->pair.srv);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (with_text) == CC_MESSAGE_STATE_STORED);
  shown = wait_message (tb, "Only the photo after all");
  g_assert_cmpuint (n_attachments (shown), ==, 1);
  g_assert_cmpstr (cc_attachment_get_name (attachment_at (shown, 0)), ==, "Holiday photo.png");
  /* Nothing else arrived. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tb)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (ta)));
}

static void
test_lying_file (Fixture *f, gconstpointer data)
{
  static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0 not a picture";
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GFile) fake = write_file (f, "cat.png", elf, sizeof elf - 1);
  g_autofree char *outbox = NULL;
  GFile *files[] = { fake, NULL };
  CcAttachment *a;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta));

  /* A file that went away before it could be attached: a sentence, and
   * nothing in the outbox. */
  {
    g_autoptr(GFile) gone = g_file_new_build_filename (f->src, "gone.pdf", NULL);
    GFile *gone_files[] = { fake, gone, NULL };
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(CcMessage) none = NULL;
    g_autofree char *shown = NULL;

    cc_client_send_files_async (f->pair.a, f->room_id, "", NULL, gone_files, NULL, cc_test_result_cb, &res);
    CC_TEST_AWAIT (res);
    none = cc_client_send_files_finish (f->pair.a, res, &error);
    g_assert_null (none);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "gone.pdf"));
    shown = cc_test_timeline_text (ta);
    g_assert_cmpstr (shown, ==, "");
  }

  sent = send_files (f->pair.a, f->room_id, "Look at my cat", files);
  outbox = outbox_dir_of (f->pair.a, sent);
  a = attachment_at (sent, 0);

  /* Refused with a sentence that names the file; nothing was sent. */
  CC_TEST_WAIT_UNTIL (cc_message_get_state (sent) == CC_MESSAGE_STATE_FAILED);
  g_assert_nonnull (cc_message_get_error (sent));
  g_assert_nonnull (strstr (cc_message_get_error (sent), "cat.png"));
  g_assert_nonnull (strstr (cc_message_get_error (sent), "not allowed"));
  g_assert_cmpint (cc_attachment_get_state (a), ==, CC_ATTACHMENT_FAILED);
  g_assert_cmpstr (cc_attachment_get_error (a), ==, cc_message_get_error (sent));

  /* Retrying fails the same way; discarding removes it and its copy. */
  cc_client_retry_message (f->pair.a, cc_message_get_txn_id (sent));
  g_assert_cmpint (cc_attachment_get_state (a), ==, CC_ATTACHMENT_QUEUED);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (sent) == CC_MESSAGE_STATE_FAILED);
  g_assert_cmpint (cc_attachment_get_state (a), ==, CC_ATTACHMENT_FAILED);
  cc_client_discard_message (f->pair.a, cc_message_get_txn_id (sent));
  CC_TEST_WAIT_UNTIL (cc_timeline_lookup (ta, cc_message_get_txn_id (sent)) == NULL);
  CC_TEST_WAIT_UNTIL (!exists (outbox));
}

/* The outbox copy vanished (someone cleaned the data folder): the message
 * fails with a sentence instead of waiting for ever. */
static void
test_copy_missing (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GFile) pdf = invoice (f);
  GFile *files[] = { pdf, NULL };

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta));
  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.a));
  sent = send_files (f->pair.a, f->room_id, "The invoice", files);
  g_assert_true (g_file_delete (cc_attachment_get_local_file (attachment_at (sent, 0)), NULL, NULL));
  cc_test_server_start (f->pair.srv);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (sent) == CC_MESSAGE_STATE_FAILED);
  g_assert_nonnull (strstr (cc_message_get_error (sent), "Invoice 2026-11 (€).pdf"));
  g_assert_cmpint (cc_attachment_get_state (attachment_at (sent, 0)), ==, CC_ATTACHMENT_FAILED);
}

/* The server takes 100 KB at most; Ada sends 3 MB. It answers 413 while
 * the body is still going up: the message fails with a sentence, it does
 * not wait for a network that is fine. */
static void
test_too_large (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(CcMessage) small = NULL;
  g_autoptr(GFile) big = text_file (f, "archive.txt", 3 * 1024);
  g_autoptr(GFile) ok = text_file (f, "small.txt", 10);
  GFile *files[] = { big, NULL };
  GFile *ok_files[] = { ok, NULL };

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta));
  restart_server_with (f, "[attachments]\nmax_bytes = 100000\n");
  CC_TEST_WAIT_UNTIL (cc_client_get_online (f->pair.a));

  sent = send_files (f->pair.a, f->room_id, "Everything", files);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (sent) == CC_MESSAGE_STATE_FAILED);
  g_assert_nonnull (strstr (cc_message_get_error (sent), "archive.txt"));
  g_assert_nonnull (strstr (cc_message_get_error (sent), "larger than the server accepts"));
  g_assert_cmpint (cc_attachment_get_state (attachment_at (sent, 0)), ==, CC_ATTACHMENT_FAILED);

  /* The failed one waits for the user; what comes after still goes. */
  small = send_files (f->pair.a, f->room_id, "Just this", ok_files);
  CC_TEST_WAIT_UNTIL (cc_message_get_state (small) == CC_MESSAGE_STATE_STORED);
  g_assert_cmpint (cc_message_get_state (sent), ==, CC_MESSAGE_STATE_FAILED);
}

static void
progress_cb (CcAttachment *a,
             GParamSpec   *pspec,
             GArray       *seen)
{
  double progress = cc_attachment_get_progress (a);

  g_array_append_val (seen, progress);
}

static void
test_progress (Fixture *f, gconstpointer data)
{
  g_autoptr(CcTimeline) ta = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autoptr(GFile) big = text_file (f, "report.txt", 4 * 1024);
  GFile *files[] = { big, NULL };
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  CcAttachment *a;
  gboolean uploading = FALSE;
  gulong id;

  create_room (f);
  ta = cc_client_get_timeline (f->pair.a, f->room_id);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (ta));
  cc_test_server_stop (f->pair.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (f->pair.a));
  sent = send_files (f->pair.a, f->room_id, "The report", files);
  a = attachment_at (sent, 0);
  g_assert_cmpuint (cc_attachment_get_size (a), >=, 4 * 1024 * 1024);

  id = g_signal_connect (a, "notify::progress", G_CALLBACK (progress_cb), seen);
  cc_test_server_start (f->pair.srv);
  while (cc_message_get_state (sent) != CC_MESSAGE_STATE_STORED)
    {
      uploading |= cc_attachment_get_state (a) == CC_ATTACHMENT_UPLOADING;
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (a, id);
  g_assert_true (uploading);
  g_assert_cmpfloat (cc_attachment_get_progress (a), ==, 1.0);
  /* Several steps on the way up, not one jump. */
  g_assert_cmpuint (seen->len, >=, 3);
}

int
main (int argc, char **argv)
{
  g_autofree char *cache_home = NULL;
  int ret;

  /* Downloads go to $XDG_CACHE_HOME: a private one, set before GLib reads it. */
  cache_home = cc_test_make_tmpdir ();
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/client-core/attachments/offline-then-online", Fixture, NULL, setup,
              test_offline_then_online, teardown);
  g_test_add ("/client-core/attachments/restart-midway", Fixture, NULL, setup, test_restart_midway, teardown);
  g_test_add ("/client-core/attachments/upload-forgotten", Fixture, NULL, setup,
              test_upload_forgotten, teardown);
  g_test_add ("/client-core/attachments/download-resumes", Fixture, NULL, setup,
              test_download_resumes, teardown);
  g_test_add ("/client-core/attachments/cache-cap", Fixture, NULL, setup, test_cache_cap, teardown);
  g_test_add ("/client-core/attachments/cancel", Fixture, NULL, setup, test_cancel_attachment, teardown);
  g_test_add ("/client-core/attachments/lying-file", Fixture, NULL, setup, test_lying_file, teardown);
  g_test_add ("/client-core/attachments/copy-missing", Fixture, NULL, setup, test_copy_missing, teardown);
  g_test_add ("/client-core/attachments/too-large", Fixture, NULL, setup, test_too_large, teardown);
  g_test_add ("/client-core/attachments/progress", Fixture, NULL, setup, test_progress, teardown);
  g_test_add ("/client-core/attachments/no-files", Fixture, NULL, setup, test_no_files, teardown);
  g_test_add_func ("/client-core/attachments/opened-copies", test_opened_copies);

  ret = g_test_run ();
  cc_test_rm_rf (cache_home);
  return ret;
}
