/* test-server-scan.c: uploads scanned by a private clamd (issue 17) with
 * a signature database written here: a clean file is stored, the EICAR
 * test file is refused with 422, audited and not stored, and with clamd
 * stopped every upload is refused with 503 and nothing is stored.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"
#include "cs-test-services.h"

#include <string.h>

typedef struct {
  CsTestClamd  *clamd;
  CsTestServer *s;
  char         *admin;
  char         *room;
} Fixture;

static gboolean
fixture_init (Fixture *f)
{
  g_autofree char *why = NULL;
  g_autofree char *config = NULL;

  f->clamd = cs_test_clamd_start (&why);
  if (f->clamd == NULL)
    {
      g_test_skip (why);
      return FALSE;
    }
  config = g_strdup_printf ("[attachments]\nclamd = %s\nscan_timeout_seconds = 20\n", f->clamd->address);
  f->s = cs_test_server_new (config);
  f->admin = cs_test_tenant (f->s, "acme", "boss@acme.test");
  f->room = cs_test_room (f->s, f->admin, "group", "Files", NULL);
  return TRUE;
}

static void
fixture_clear (Fixture *f)
{
  g_free (f->admin);
  g_free (f->room);
  cs_test_server_free (f->s);
  cs_test_clamd_free (f->clamd);
}

/* POSTs @data as the file @name; returns the reply and its status. */
static JsonObject *
upload (CsTestServer *s,
        const char   *token,
        const char   *room,
        const char   *name,
        const char   *data,
        guint        *out_status)
{
  g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", s->base, room);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autofree char *disposition = g_strdup_printf ("attachment; filename=\"%s\"", name);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) body = g_bytes_new (data, strlen (data));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *text;

  soup_message_headers_replace (headers, "Authorization", auth);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_set_request_body_from_bytes (msg, "text/plain", body);
  reply = soup_session_send_and_read (s->session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  text = g_bytes_get_data (reply, &len);
  g_assert_true (json_parser_load_from_data (parser, text, (gssize) len, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Files in DATA_DIR/attachments and in its tmp folder. */
static guint
stored_files (CsTestServer *s)
{
  g_autofree char *dir = g_build_filename (s->data_dir, "db", "attachments", NULL);
  g_autofree char *tmp = g_build_filename (dir, "tmp", NULL);
  guint n = 0;
  const char *name;

  for (const char *path = dir; path; path = path == dir ? tmp : NULL)
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);

      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (!g_file_test (child, G_FILE_TEST_IS_DIR))
            n++;
        }
    }
  return n;
}

static const char *
error_code (JsonObject *reply)
{
  return json_object_get_string_member (json_object_get_object_member (reply, "error"), "code");
}

static const char *
error_message (JsonObject *reply)
{
  return json_object_get_string_member (json_object_get_object_member (reply, "error"), "message");
}

static void
test_clean_infected_down (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonObject) clean = NULL;
  g_autoptr(JsonObject) infected = NULL;
  g_autoptr(JsonObject) down = NULL;
  g_autoptr(JsonObject) down_infected = NULL;
  g_autofree char *eicar_text = NULL;
  guint status = 0;

  if (!fixture_init (&f))
    return;

  /* A clean file goes through the scan and is stored. */
  clean = upload (f.s, f.admin, f.room, "notes.txt", "Minutes of the Monday meeting.\n", &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpint (cs_test_db_int (f.s, "SELECT COUNT(*) FROM attachments"), ==, 1);
  g_assert_cmpuint (stored_files (f.s), ==, 1);

  /* The EICAR file: 422 with a sentence naming what was found, an audit
   * entry, and nothing stored. */
  infected = upload (f.s, f.admin, f.room, "eicar.txt", cs_test_eicar (), &status);
  g_assert_cmpuint (status, ==, 422);
  g_assert_cmpstr (error_code (infected), ==, "unprocessable");
  g_assert_nonnull (strstr (error_message (infected), "Eicar-Test-Signature"));
  g_assert_nonnull (strstr (error_message (infected), "not stored"));
  g_assert_cmpint (cs_test_db_int (f.s, "SELECT COUNT(*) FROM attachments"), ==, 1);
  g_assert_cmpuint (stored_files (f.s), ==, 1);
  g_assert_cmpint (cs_test_db_int (f.s, "SELECT COUNT(*) FROM audit WHERE action = 'attachment.infected'"
                                        " AND details LIKE '%Eicar-Test-Signature%'"
                                        " AND details LIKE '%eicar.txt%'"), ==, 1);
  g_assert_cmpint (cs_test_db_int (f.s, "SELECT COUNT(*) FROM audit WHERE action = 'attachment.upload'"), ==, 1);

  /* Embedded in a longer text, the signature (whole-file MD5) does not
   * match: stored, which shows the scan answers on the bytes sent. */
  eicar_text = g_strconcat ("Here is a virus: ", cs_test_eicar (), NULL);
  {
    g_autoptr(JsonObject) other = upload (f.s, f.admin, f.room, "quoted.txt", eicar_text, &status);

    g_assert_cmpuint (status, ==, 201);
  }
  g_assert_cmpint (cs_test_db_int (f.s, "SELECT COUNT(*) FROM attachments"), ==, 2);

  /* clamd down: every upload is refused, clean or not, and nothing is
   * stored unscanned. */
  cs_test_clamd_stop (f.clamd);
  down = upload (f.s, f.admin, f.room, "later.txt", "A clean file while the scanner is down.\n", &status);
  g_assert_cmpuint (status, ==, 503);
  g_assert_cmpstr (error_code (down), ==, "unavailable");
  g_assert_nonnull (strstr (error_message (down), "virus scanner"));
  down_infected = upload (f.s, f.admin, f.room, "eicar.txt", cs_test_eicar (), &status);
  g_assert_cmpuint (status, ==, 503);
  g_assert_cmpint (cs_test_db_int (f.s, "SELECT COUNT(*) FROM attachments"), ==, 2);
  g_assert_cmpuint (stored_files (f.s), ==, 2);
  g_assert_cmpint (cs_test_db_int (f.s, "SELECT COUNT(*) FROM audit WHERE action = 'attachment.infected'"), ==, 1);

  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/scan/clean-infected-down", test_clean_infected_down);
  return g_test_run ();
}
