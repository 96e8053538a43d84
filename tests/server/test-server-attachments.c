/* test-server-attachments.c: uploads and downloads against the real
 * causerie-server: every allowed type byte for byte, lies and oversize
 * bodies refused, a decompression bomb left undecoded, EXIF orientation,
 * names, access, ranges, quota, clean-up, and messages that carry files.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

typedef struct {
  CsTestServer *s;
  char         *admin;
  char         *bob;
  char         *bob_id;
  char         *room;     /* admin and bob */
} Fixture;

static void
fixture_init (Fixture    *f,
              const char *config)
{
  f->s = cs_test_server_new (config);
  f->admin = cs_test_tenant (f->s, "acme", "boss@acme.test");
  f->bob = cs_test_user (f->s, "acme", "bob@acme.test", "Bob", "member", &f->bob_id);
  f->room = cs_test_room (f->s, f->admin, "group", "Files", f->bob_id);
}

static void
fixture_clear (Fixture *f)
{
  g_free (f->admin);
  g_free (f->bob);
  g_free (f->bob_id);
  g_free (f->room);
  cs_test_server_free (f->s);
}

/* ---- HTTP helpers ------------------------------------------------------ */

static JsonObject *
parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* POSTs @data as a file; @chunked sends it without a Content-Length. */
static JsonObject *
upload_full (CsTestServer *s,
             const char   *token,
             const char   *room,
             const char   *name,
             const char   *type,
             const void   *data,
             gsize         len,
             gboolean      chunked,
             guint        *out_status)
{
  g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", s->base, room);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (name)
    {
      g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
      g_autofree char *disposition = g_strdup_printf ("attachment; filename*=UTF-8''%s", escaped);
      soup_message_headers_replace (headers, "Content-Disposition", disposition);
    }
  if (chunked)
    {
      g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (g_memdup2 (data, len), len, g_free);
      soup_message_set_request_body (msg, type, in, -1);
    }
  else
    {
      g_autoptr(GBytes) bytes = g_bytes_new (data, len);
      soup_message_set_request_body_from_bytes (msg, type, bytes);
    }
  reply = soup_session_send_and_read (s->session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  return parse_object (reply);
}

static JsonObject *
upload (CsTestServer *s,
        const char   *token,
        const char   *room,
        const char   *name,
        const char   *type,
        const void   *data,
        gsize         len,
        guint         expected)
{
  guint status = 0;
  JsonObject *reply = upload_full (s, token, room, name, type, data, len, FALSE, &status);

  if (status != expected)
    g_error ("upload of %s: expected %u, got %u", name, expected, status);
  g_assert_nonnull (reply);
  if (expected >= 400)
    g_assert_nonnull (json_object_get_object_member (reply, "error"));
  return reply;
}

/* @method on a file, with an optional Range and If-Range. */
static GBytes *
request_file (CsTestServer        *s,
              const char          *token,
              const char          *method,
              const char          *path,
              const char          *range,
              const char          *if_range,
              guint               *out_status,
              SoupMessageHeaders **out_headers)
{
  g_autofree char *url = g_strconcat (s->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *request = soup_message_get_request_headers (msg);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  soup_message_headers_replace (request, "Authorization", auth);
  if (range)
    soup_message_headers_replace (request, "Range", range);
  if (if_range)
    soup_message_headers_replace (request, "If-Range", if_range);
  body = soup_session_send_and_read (s->session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  if (out_headers)
    *out_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return body;
}

static GBytes *
download (CsTestServer        *s,
          const char          *token,
          const char          *path,
          const char          *range,
          guint               *out_status,
          SoupMessageHeaders **out_headers)
{
  return request_file (s, token, "GET", path, range, NULL, out_status, out_headers);
}

static guint
get_status (CsTestServer *s,
            const char   *token,
            const char   *path)
{
  guint status = 0;
  g_autoptr(GBytes) body = download (s, token, path, NULL, &status, NULL);

  return status;
}

static char *
file_path (const char *id)
{
  return cs_test_printf_path ("/api/attachments/%s", id);
}

static char *
stored_path (CsTestServer *s,
             const char   *id)
{
  return g_build_filename (s->data_dir, "db", "attachments", id, NULL);
}

/* Files in DATA/attachments (not counting the tmp directory) and in tmp. */
static guint
count_files (CsTestServer *s,
             gboolean      in_tmp)
{
  g_autofree char *path = in_tmp ? g_build_filename (s->data_dir, "db", "attachments", "tmp", NULL)
                                 : g_build_filename (s->data_dir, "db", "attachments", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir && (name = g_dir_read_name (dir)))
    if (!g_str_equal (name, "tmp"))
      n++;
  return n;
}

static const char *
str (JsonObject *o, const char *m)
{
  return json_object_get_string_member (o, m);
}

/* ---- samples ----------------------------------------------------------- */

static GBytes *
make_image (const char *type,
            int         width,
            int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  gchar *buf = NULL;
  gsize len = 0;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buf, &len, type, &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buf, len);
}

static guint32
crc32 (const guint8 *data,
       gsize         len,
       guint32       crc)
{
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
  return ~crc;
}

static void
put16 (GByteArray *b, guint v)
{
  guint8 x[2] = { v & 0xFF, (v >> 8) & 0xFF };
  g_byte_array_append (b, x, 2);
}

static void
put32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24 };
  g_byte_array_append (b, x, 4);
}

/* A ZIP of stored entries: name, content, name, content, ..., NULL. */
static GBytes *
make_zip (const char *first, ...)
{
  GByteArray *zip = g_byte_array_new ();
  g_autoptr(GByteArray) cd = g_byte_array_new ();
  guint n = 0;
  va_list args;

  va_start (args, first);
  for (const char *name = first; name; name = va_arg (args, const char *))
    {
      const char *content = va_arg (args, const char *);
      guint32 crc = crc32 ((const guint8 *) content, strlen (content), 0);
      guint32 offset = zip->len;

      put32 (zip, 0x04034b50); put16 (zip, 10); put16 (zip, 0); put16 (zip, 0);
      put16 (zip, 0); put16 (zip, 0x21); put32 (zip, crc);
      put32 (zip, strlen (content)); put32 (zip, strlen (content));
      put16 (zip, strlen (name)); put16 (zip, 0);
      g_byte_array_append (zip, (const guint8 *) name, strlen (name));
      g_byte_array_append (zip, (const guint8 *) content, strlen (content));

      put32 (cd, 0x02014b50); put16 (cd, 20); put16 (cd, 10); put16 (cd, 0); put16 (cd, 0);
      put16 (cd, 0); put16 (cd, 0x21); put32 (cd, crc);
      put32 (cd, strlen (content)); put32 (cd, strlen (content));
      put16 (cd, strlen (name)); put16 (cd, 0); put16 (cd, 0); put16 (cd, 0); put16 (cd, 0);
      put32 (cd, 0); put32 (cd, offset);
      g_byte_array_append (cd, (const guint8 *) name, strlen (name));
      n++;
    }
  va_end (args);
  {
    guint32 cd_offset = zip->len;

    g_byte_array_append (zip, cd->data, cd->len);
    put32 (zip, 0x06054b50); put16 (zip, 0); put16 (zip, 0); put16 (zip, n); put16 (zip, n);
    put32 (zip, cd->len); put32 (zip, cd_offset); put16 (zip, 0);
  }
  return g_byte_array_free_to_bytes (zip);
}

/* An OLE2 compound file (Word, Excel...) whose directory holds @stream. */
static GBytes *
make_ole (const char *stream)
{
  guint8 *f = g_malloc0 (512 * 3);
  guint8 *dir = f + 1024;
  const char *names[] = { "Root Entry", stream };

  memcpy (f, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  f[0x18] = 0x3E; f[0x1A] = 3; f[0x1C] = 0xFE; f[0x1D] = 0xFF; f[0x1E] = 9; f[0x20] = 6;
  f[0x2C] = 1;                                /* one FAT sector ... */
  f[0x30] = 1;                                /* directory in sector 1 */
  f[0x39] = 0x10;                             /* mini stream cut-off 4096 */
  memset (f + 0x3C, 0xFF, 4); f[0x3C] = 0xFE;
  memset (f + 0x44, 0xFF, 4); f[0x44] = 0xFE;
  memset (f + 0x4C, 0xFF, 512 - 0x4C);
  memset (f + 0x4C, 0, 4);                    /* ... which is sector 0 */
  memset (f + 512, 0xFF, 512);
  memcpy (f + 512, "\xFD\xFF\xFF\xFF\xFE\xFF\xFF\xFF", 8);
  for (int e = 0; e < 2; e++)
    {
      guint8 *entry = dir + 128 * e;
      gsize len = strlen (names[e]);

      for (gsize i = 0; i < len; i++)
        entry[2 * i] = (guint8) names[e][i];
      entry[0x40] = (guint8) (2 * (len + 1));
      entry[0x42] = e == 0 ? 5 : 2;
      memset (entry + 0x44, 0xFF, 12);
    }
  return g_bytes_new_take (f, 512 * 3);
}

typedef struct {
  const char *name;
  const char *declared;
  const char *expect;
  GBytes     *bytes;
  gboolean    thumbnail;
} Sample;

static const char webp_1x1[] = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";
static const guint8 gif_1x1[] = {
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
  0x00, 0x00, 0x00, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B };
static const guint8 sevenzip_empty[32] = {
  0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04, 0x8D, 0x9B, 0xD5, 0x0F };

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new_static (text, strlen (text));
}

static GBytes *
webp_bytes (void)
{
  gsize len = 0;
  guchar *data = g_base64_decode (webp_1x1, &len);

  return g_bytes_new_take (data, len);
}

#define CT "[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
#define OOXML "application/vnd.openxmlformats-officedocument."
#define ODF "application/vnd.oasis.opendocument."

static GPtrArray *
all_samples (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  Sample s[] = {
    { "photo.png", "image/png", "image/png", make_image ("png", 800, 600), TRUE },
    { "photo.jpg", "image/jpeg", "image/jpeg", make_image ("jpeg", 640, 480), TRUE },
    { "dot.gif", "image/gif", "image/gif", g_bytes_new_static (gif_1x1, sizeof gif_1x1), TRUE },
    { "dot.webp", "image/webp", "image/webp", webp_bytes (), TRUE },
    { "invoice.pdf", "application/pdf", "application/pdf",
      text_bytes ("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"), FALSE },
    { "letter.docx", OOXML "wordprocessingml.document", OOXML "wordprocessingml.document",
      make_zip (CT, "word/document.xml", "<w:document/>", NULL), FALSE },
    { "budget.xlsx", OOXML "spreadsheetml.sheet", OOXML "spreadsheetml.sheet",
      make_zip (CT, "xl/workbook.xml", "<workbook/>", NULL), FALSE },
    { "deck.pptx", "application/octet-stream", OOXML "presentationml.presentation",
      make_zip (CT, "ppt/presentation.xml", "<p/>", NULL), FALSE },
    { "notes.odt", ODF "text", ODF "text",
      make_zip ("mimetype", ODF "text", "content.xml", "<office:document-content/>", NULL), FALSE },
    { "sheet.ods", ODF "spreadsheet", ODF "spreadsheet",
      make_zip ("mimetype", ODF "spreadsheet", "content.xml", "<x/>", NULL), FALSE },
    { "old.doc", "application/msword", "application/msword", make_ole ("WordDocument"), FALSE },
    { "old.xls", "application/vnd.ms-excel", "application/vnd.ms-excel", make_ole ("Workbook"), FALSE },
    { "figures.csv", "text/csv", "text/csv", text_bytes ("name,amount\nÉlodie,12.50\n"), FALSE },
    { "readme.txt", "text/plain; charset=utf-8", "text/plain", text_bytes ("Bonjour à tous\n\tmerci\r\n"), FALSE },
    { "bundle.zip", "application/zip", "application/zip", make_zip ("a.txt", "hello", NULL), FALSE },
    { "bundle.7z", "application/x-7z-compressed", "application/x-7z-compressed",
      g_bytes_new_static (sevenzip_empty, sizeof sevenzip_empty), FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    g_ptr_array_add (list, g_memdup2 (&s[i], sizeof s[i]));
  return list;
}

static void
check_download_headers (SoupMessageHeaders *h,
                        const char         *type)
{
  g_assert_cmpstr (soup_message_headers_get_one (h, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_nonnull (strstr (soup_message_headers_get_one (h, "Content-Security-Policy"), "sandbox"));
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (h, "Content-Disposition"), "attachment; filename=\""));
  g_assert_cmpstr (soup_message_headers_get_one (h, "Accept-Ranges"), ==, "bytes");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (h, NULL), type));
}

/* ---- tests ------------------------------------------------------------- */

static void
test_round_trip (void)
{
  Fixture f;
  g_autoptr(GPtrArray) samples = all_samples ();

  fixture_init (&f, NULL);
  for (guint i = 0; i < samples->len; i++)
    {
      Sample *sample = g_ptr_array_index (samples, i);
      gsize len = 0;
      const void *data = g_bytes_get_data (sample->bytes, &len);
      g_autoptr(JsonObject) a = upload (f.s, f.bob, f.room, sample->name, sample->declared, data, len, 201);
      g_autofree char *path = file_path (str (a, "id"));
      g_autoptr(SoupMessageHeaders) h = NULL;
      g_autoptr(GBytes) back = NULL;
      guint status = 0;

      g_test_message ("%s", sample->name);
      g_assert_cmpstr (str (a, "name"), ==, sample->name);
      g_assert_cmpstr (str (a, "mime_type"), ==, sample->expect);
      g_assert_cmpint (json_object_get_int_member (a, "size"), ==, len);
      g_assert_cmpint (json_object_get_boolean_member (a, "has_thumbnail"), ==, sample->thumbnail);
      back = download (f.s, f.bob, path, NULL, &status, &h);
      g_assert_cmpuint (status, ==, 200);
      g_assert_true (g_bytes_equal (back, sample->bytes));
      g_assert_cmpint (soup_message_headers_get_content_length (h), ==, len);
      check_download_headers (h, sample->expect);
      if (sample->thumbnail)
        {
          g_autofree char *thumb_path = g_strconcat (path, "/thumbnail", NULL);
          g_autoptr(SoupMessageHeaders) th = NULL;
          g_autoptr(GBytes) thumb = download (f.s, f.bob, thumb_path, NULL, &status, &th);
          g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
          GdkPixbuf *pixbuf;

          g_assert_cmpuint (status, ==, 200);
          check_download_headers (th, "image/");
          g_assert_true (gdk_pixbuf_loader_write_bytes (loader, thumb, NULL));
          g_assert_true (gdk_pixbuf_loader_close (loader, NULL));
          pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), <=, 320);
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==,
                           MIN (320, json_object_get_int_member (a, "width")));
        }
      g_bytes_unref (sample->bytes);
    }
  g_assert_cmpuint (count_files (f.s, TRUE), ==, 0);
  fixture_clear (&f);
}

static void
test_lies_refused (void)
{
  Fixture f;
  static const char elf[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00";
  static const char pe[] = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";
  g_autoptr(GBytes) png = make_image ("png", 10, 10);
  g_autoptr(GBytes) zip = make_zip ("a.txt", "x", NULL);
  gsize png_len = 0, zip_len = 0;
  const void *png_data = g_bytes_get_data (png, &png_len);
  const void *zip_data = g_bytes_get_data (zip, &zip_len);
  JsonObject *r;

  fixture_init (&f, NULL);
  /* An executable dressed as a picture. */
  r = upload (f.s, f.bob, f.room, "cat.png", "image/png", elf, sizeof elf - 1, 415);
  g_assert_cmpstr (str (json_object_get_object_member (r, "error"), "code"), ==, "unsupported_media_type");
  json_object_unref (r);
  json_object_unref (upload (f.s, f.bob, f.room, "setup.png", "application/octet-stream", pe, sizeof pe - 1, 415));
  json_object_unref (upload (f.s, f.bob, f.room, "tool.exe", NULL, pe, sizeof pe - 1, 415));
  /* Real PNG bytes that claim to be something else. */
  json_object_unref (upload (f.s, f.bob, f.room, "invoice.pdf", "image/png", png_data, png_len, 415));
  json_object_unref (upload (f.s, f.bob, f.room, "photo.png", "application/pdf", png_data, png_len, 415));
  /* A plain zip named as a Word document, text named as a web page. */
  json_object_unref (upload (f.s, f.bob, f.room, "letter.docx", NULL, zip_data, zip_len, 415));
  json_object_unref (upload (f.s, f.bob, f.room, "page.html", "text/plain", "<script>x</script>", 18, 415));
  /* Binary that is not on the list at all, and text with a NUL. */
  json_object_unref (upload (f.s, f.bob, f.room, "data.bin", NULL, "\x00\x01\x02\x03", 4, 415));
  json_object_unref (upload (f.s, f.bob, f.room, "notes.txt", "text/plain", "abc\0def", 7, 415));
  json_object_unref (upload (f.s, f.bob, f.room, "bad.txt", "text/plain", "caf\xc3", 4, 415));
  json_object_unref (upload (f.s, f.bob, f.room, "empty.txt", "text/plain", "", 0, 400));
  g_assert_cmpuint (count_files (f.s, FALSE), ==, 0);
  g_assert_cmpuint (count_files (f.s, TRUE), ==, 0);
  fixture_clear (&f);
}

static void
count_informational (SoupMessage *msg,
                     guint       *n)
{
  (*n)++;
}

static void
test_too_large (void)
{
  Fixture f;
  gsize big_len = 200 * 1024;
  g_autofree char *big = g_malloc (big_len);
  guint status = 0;
  JsonObject *r;

  memset (big, 'a', big_len);
  fixture_init (&f, "[attachments]\nmax_bytes=65536\n");
  r = upload_full (f.s, f.bob, f.room, "big.txt", "text/plain", big, big_len, FALSE, &status);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpstr (str (json_object_get_object_member (r, "error"), "code"), ==, "payload_too_large");
  json_object_unref (r);
  r = upload_full (f.s, f.bob, f.room, "big.txt", "text/plain", big, big_len, TRUE, &status);
  g_assert_cmpuint (status, ==, 413);
  json_object_unref (r);
  g_assert_cmpuint (count_files (f.s, TRUE), ==, 0);
  g_assert_cmpuint (count_files (f.s, FALSE), ==, 0);
  /* A client that asks first (Expect: 100-continue) is told before it sends. */
  {
    g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", f.s->base, f.room);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autofree char *auth = g_strdup_printf ("Bearer %s", f.bob);
    g_autoptr(GBytes) bytes = g_bytes_new_static (big, big_len);
    g_autoptr(GBytes) reply = NULL;
    guint continued = 0;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    soup_message_headers_set_expectations (soup_message_get_request_headers (msg), SOUP_EXPECTATION_CONTINUE);
    soup_message_set_request_body_from_bytes (msg, "text/plain", bytes);
    g_signal_connect (msg, "got-informational", G_CALLBACK (count_informational), &continued);
    reply = soup_session_send_and_read (f.s->session, msg, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
    g_assert_cmpuint (continued, ==, 0);   /* no "100 Continue": the body was never sent */
  }
  /* At the limit, chunked or not, it fits. */
  json_object_unref (upload (f.s, f.bob, f.room, "ok.txt", "text/plain", big, 65536, 201));
  r = upload_full (f.s, f.bob, f.room, "ok.txt", "text/plain", big, 65536, TRUE, &status);
  g_assert_cmpuint (status, ==, 201);
  json_object_unref (r);
  /* Without a session nothing is stored either. */
  r = upload_full (f.s, NULL, f.room, "ok.txt", "text/plain", big, 100, FALSE, &status);
  g_assert_cmpuint (status, ==, 401);
  json_object_unref (r);
  g_assert_cmpuint (count_files (f.s, TRUE), ==, 0);
  fixture_clear (&f);
}

static gint64
server_kb (CsTestServer *s,
           const char   *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (s->process));
  g_autofree char *text = NULL;
  const char *p;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  p = strstr (text, field);
  g_assert_nonnull (p);
  return g_ascii_strtoll (p + strlen (field) + 1, NULL, 10);
}

static void
png_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           gsize         len)
{
  guint8 be[4] = { len >> 24, len >> 16, len >> 8, len };
  guint32 crc = crc32 ((const guint8 *) type, 4, 0);

  crc = crc32 (data, len, crc);
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, len);
  be[0] = crc >> 24; be[1] = crc >> 16; be[2] = crc >> 8; be[3] = crc;
  g_byte_array_append (png, be, 4);
}

/* A complete, valid PNG of @side x @side transparent RGBA pixels: every
 * row is there, deflated about a thousand to one, so decoding it really
 * takes side² × 4 bytes (1 GB for 16000). */
static GBytes *
make_bomb (guint32 side)
{
  GByteArray *png = g_byte_array_new ();
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  guint8 ihdr[13] = { side >> 24, side >> 16, side >> 8, side, side >> 24, side >> 16, side >> 8, side, 8, 6, 0, 0, 0 };
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  gsize row_len = 1 + (gsize) side * 4;
  g_autofree guint8 *row = g_malloc0 (row_len);
  g_autofree guint8 *out = g_malloc (256 * 1024);

  for (guint32 y = 0; y < side; y++)
    {
      gsize offset = 0;

      for (;;)
        {
          gsize read = 0, written = 0;
          GConverterResult r = g_converter_convert (G_CONVERTER (zlib), row + offset, row_len - offset,
                                                    out, 256 * 1024,
                                                    y + 1 == side ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                                    &read, &written, NULL);
          g_assert_cmpint (r, !=, G_CONVERTER_ERROR);
          g_byte_array_append (idat, out, written);
          offset += read;
          if (r == G_CONVERTER_FINISHED || (offset == row_len && y + 1 < side))
            break;
        }
    }
  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  png_chunk (png, "IDAT", idat->data, idat->len);
  png_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (png);
}

static void
test_decompression_bomb (void)
{
  Fixture f;
  g_autoptr(GBytes) bomb = make_bomb (16000);
  g_autoptr(GBytes) photo = make_image ("png", 400, 300);
  gsize len = 0;
  const void *data = g_bytes_get_data (bomb, &len);
  gint64 before, after, t0;
  JsonObject *a;

  fixture_init (&f, "[attachments]\nmax_pixels=100000\n");
  before = server_kb (f.s, "VmHWM:");
  t0 = g_get_monotonic_time ();
  a = upload (f.s, f.bob, f.room, "bomb.png", "image/png", data, len, 201);
  g_test_message ("bomb of %" G_GSIZE_FORMAT " bytes answered in %.1f ms", len,
                  (g_get_monotonic_time () - t0) / 1000.0);
  after = server_kb (f.s, "VmHWM:");
  /* Kept as a file, never decoded: that would take a gigabyte. */
  g_assert_false (json_object_get_boolean_member (a, "has_thumbnail"));
  g_assert_cmpint (json_object_get_int_member (a, "width"), ==, 16000);
  g_assert_cmpint (after - before, <, 64 * 1024);
  json_object_unref (a);

  /* 120,000 pixels is past this server's limit of 100,000: no thumbnail. */
  data = g_bytes_get_data (photo, &len);
  a = upload (f.s, f.bob, f.room, "wide.png", "image/png", data, len, 201);
  g_assert_false (json_object_get_boolean_member (a, "has_thumbnail"));
  g_assert_cmpint (json_object_get_int_member (a, "width"), ==, 400);
  json_object_unref (a);
  fixture_clear (&f);
}

/* A JPEG with an EXIF block saying "rotate 90° clockwise" (orientation 6). */
static GBytes *
make_rotated_jpeg (int width,
                   int height)
{
  g_autoptr(GBytes) plain = make_image ("jpeg", width, height);
  static const guint8 exif[] = {
    0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'I', 'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
    0x01, 0x00,
    0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00 };
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (plain, &len);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, exif, sizeof exif);
  g_byte_array_append (out, data + 2, len - 2);
  return g_byte_array_free_to_bytes (out);
}

static void
test_exif_orientation (void)
{
  Fixture f;
  g_autoptr(GBytes) jpeg = make_rotated_jpeg (600, 200);
  gsize len = 0;
  const void *data = g_bytes_get_data (jpeg, &len);
  g_autoptr(JsonObject) a = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) thumb = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  GdkPixbuf *pixbuf;
  guint status = 0;

  fixture_init (&f, NULL);
  a = upload (f.s, f.bob, f.room, "portrait.jpg", "image/jpeg", data, len, 201);
  g_assert_cmpint (json_object_get_int_member (a, "width"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (a, "height"), ==, 600);
  g_assert_true (json_object_get_boolean_member (a, "has_thumbnail"));
  path = cs_test_printf_path ("/api/attachments/%s/thumbnail", str (a, "id"));
  thumb = download (f.s, f.bob, path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, thumb, NULL));
  g_assert_true (gdk_pixbuf_loader_close (loader, NULL));
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  /* Upright: taller than wide. */
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), <, gdk_pixbuf_get_height (pixbuf));
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), <=, 320);
  fixture_clear (&f);
}

static void
test_names (void)
{
  Fixture f;
  static const struct { const char *raw, *clean; } names[] = {
    { "../../etc/passwd", "passwd" },
    { "..\\..\\windows\\evil.txt", "evil.txt" },
    { "a\\b.txt", "b.txt" },
    { "tab\tand\x01" "bell\x07.txt", "tabandbell.txt" },
    { "...hidden.txt", "hidden.txt" },
    { "what?<>|.txt", "what____.txt" },
    { "gpj\xE2\x80\xAE.txt", "gpj.txt" },
    { "/", "file" },
    { "résumé ☕.txt", "résumé ☕.txt" },
  };
  g_autofree char *long_name = g_strnfill (300, 'x');
  g_autofree char *long_txt = g_strconcat (long_name, ".txt", NULL);
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(SoupMessageHeaders) h = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  const char *disposition;
  guint status = 0;

  fixture_init (&f, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonObject) r = upload (f.s, f.bob, f.room, names[i].raw, "text/plain", "hello\n", 6, 201);
      g_autofree char *stored = stored_path (f.s, str (r, "id"));

      g_assert_cmpstr (str (r, "name"), ==, names[i].clean);
      /* Stored under its id in the data directory, nothing else. */
      g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));
    }
  g_assert_cmpuint (count_files (f.s, FALSE), ==, G_N_ELEMENTS (names));
  a = upload (f.s, f.bob, f.room, long_txt, "text/plain", "hello\n", 6, 201);
  g_assert_cmpint (g_utf8_strlen (str (a, "name"), -1), ==, 200);
  g_assert_true (g_str_has_suffix (str (a, "name"), ".txt"));
  json_object_unref (g_steal_pointer (&a));

  /* A plain filename="..." is understood too. */
  {
    g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", f.s->base, f.room);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autofree char *auth = g_strdup_printf ("Bearer %s", f.bob);
    g_autoptr(GBytes) bytes = g_bytes_new_static ("hi\n", 3);
    g_autoptr(GBytes) reply = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Disposition",
                                  "attachment; filename=\"plain name.txt\"");
    soup_message_set_request_body_from_bytes (msg, "text/plain", bytes);
    reply = soup_session_send_and_read (f.s->session, msg, NULL, NULL);
    a = parse_object (reply);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
    g_assert_cmpstr (str (a, "name"), ==, "plain name.txt");
    json_object_unref (g_steal_pointer (&a));
  }

  /* Saved under an ASCII stand-in and the exact name (RFC 5987). */
  a = upload (f.s, f.bob, f.room, "résumé v2 (final).txt", "text/plain", "hello\n", 6, 201);
  path = file_path (str (a, "id"));
  body = download (f.s, f.bob, path, NULL, &status, &h);
  disposition = soup_message_headers_get_one (h, "Content-Disposition");
  g_assert_cmpstr (disposition, ==,
                   "attachment; filename=\"r_sum_ v2 (final).txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20v2%20%28final%29.txt");
  fixture_clear (&f);
}

static char *
send_message (CsTestServer *s,
              const char   *token,
              const char   *room,
              const char   *txn,
              const char   *body,
              const char   *ids_json,
              guint         expected,
              JsonObject  **out_message)
{
  g_autofree char *path = cs_test_printf_path ("/api/rooms/%s/messages", room);
  g_autofree char *json = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"%s\",\"attachment_ids\":%s}",
                                           txn, body, ids_json);
  g_autoptr(JsonObject) m = cs_test_call (s, "POST", path, token, json, expected);

  if (out_message)
    *out_message = json_object_ref (m);
  return expected < 300 ? g_strdup (str (m, "id")) : NULL;
}

static void
test_access_rules (void)
{
  Fixture f;
  g_autofree char *carl_id = NULL, *carl = NULL, *other = NULL, *ids = NULL, *sent_path = NULL,
                  *draft_path = NULL, *msg_id = NULL;
  g_autoptr(JsonObject) sent = NULL, draft = NULL, audit = NULL;

  fixture_init (&f, NULL);
  carl = cs_test_user (f.s, "acme", "carl@acme.test", "Carl", "member", &carl_id);
  other = cs_test_tenant (f.s, "globex", "boss@globex.test");
  sent = upload (f.s, f.bob, f.room, "sent.txt", "text/plain", "sent\n", 5, 201);
  draft = upload (f.s, f.bob, f.room, "draft.txt", "text/plain", "draft\n", 6, 201);
  ids = g_strdup_printf ("[\"%s\"]", str (sent, "id"));
  msg_id = send_message (f.s, f.bob, f.room, "t-1", "see file", ids, 201, NULL);
  sent_path = file_path (str (sent, "id"));
  draft_path = file_path (str (draft, "id"));

  /* Room members see a sent file; the uploader alone sees an unsent one. */
  g_assert_cmpuint (get_status (f.s, f.admin, sent_path), ==, 200);
  g_assert_cmpuint (get_status (f.s, f.bob, draft_path), ==, 200);
  g_assert_cmpuint (get_status (f.s, f.admin, draft_path), ==, 404);
  /* Not in the room, another tenant, or no such id: the same 404. */
  g_assert_cmpuint (get_status (f.s, carl, sent_path), ==, 404);
  g_assert_cmpuint (get_status (f.s, other, sent_path), ==, 404);
  g_assert_cmpuint (get_status (f.s, f.bob, "/api/attachments/no-such-id"), ==, 404);
  g_assert_cmpuint (get_status (f.s, f.bob, "/api/attachments/no-such-id/thumbnail"), ==, 404);
  audit = cs_test_call (f.s, "GET", "/api/admin/audit?action=forbidden_attempt", f.admin, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (audit, "entries")), >=, 1);
  /* Nor can they upload into a room they are not in. */
  json_object_unref (upload (f.s, carl, f.room, "x.txt", "text/plain", "x\n", 2, 404));
  json_object_unref (upload (f.s, other, f.room, "x.txt", "text/plain", "x\n", 2, 404));
  json_object_unref (upload (f.s, f.bob, "no-such-room", "x.txt", "text/plain", "x\n", 2, 404));
  g_assert_cmpuint (count_files (f.s, FALSE), ==, 2);
  g_assert_cmpuint (count_files (f.s, TRUE), ==, 0);
  fixture_clear (&f);
}

static void
test_ranges (void)
{
  Fixture f;
  const char *text = "0123456789abcdefghij\n";
  g_autoptr(JsonObject) a = NULL;
  g_autofree char *path = NULL;
  static const struct { const char *range; guint status; const char *body; const char *content_range; } cases[] = {
    { "bytes=0-9", 206, "0123456789", "bytes 0-9/21" },
    { "bytes=10-", 206, "abcdefghij\n", "bytes 10-20/21" },
    { "bytes=-5", 206, "ghij\n", "bytes 16-20/21" },
    { "bytes=15-100", 206, "fghij\n", "bytes 15-20/21" },
    { "bytes=21-", 416, NULL, "bytes */21" },
    { "bytes=5-2", 200, "0123456789abcdefghij\n", NULL },
    { "bytes=0-1,4-5", 200, "0123456789abcdefghij\n", NULL },
  };

  fixture_init (&f, NULL);
  a = upload (f.s, f.bob, f.room, "alphabet.txt", "text/plain", text, strlen (text), 201);
  path = file_path (str (a, "id"));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessageHeaders) h = NULL;
      guint status = 0;
      g_autoptr(GBytes) body = download (f.s, f.bob, path, cases[i].range, &status, &h);

      g_test_message ("%s", cases[i].range);
      g_assert_cmpuint (status, ==, cases[i].status);
      g_assert_cmpstr (soup_message_headers_get_one (h, "Content-Range"), ==, cases[i].content_range);
      if (cases[i].body)
        {
          g_assert_cmpuint (g_bytes_get_size (body), ==, strlen (cases[i].body));
          g_assert_cmpint (memcmp (g_bytes_get_data (body, NULL), cases[i].body, strlen (cases[i].body)), ==, 0);
        }
    }
  fixture_clear (&f);
}

/* HEAD answers what GET would, without the bytes; the ETag lets a resumed
 * download ask for the rest of the same file only (If-Range). */
static void
test_head_and_validators (void)
{
  Fixture f;
  const char *text = "0123456789abcdefghij\n";
  g_autoptr(JsonObject) a = NULL, b = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *path = NULL, *thumb = NULL, *carl = NULL, *etag = NULL;

  fixture_init (&f, NULL);
  a = upload (f.s, f.bob, f.room, "alphabet.txt", "text/plain", text, strlen (text), 201);
  path = file_path (str (a, "id"));
  {
    g_autoptr(SoupMessageHeaders) h = NULL, got = NULL;
    guint status = 0;
    g_autoptr(GBytes) body = request_file (f.s, f.bob, "HEAD", path, NULL, NULL, &status, &h);
    g_autoptr(GBytes) full = download (f.s, f.bob, path, NULL, &status, &got);

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
    g_assert_cmpint (soup_message_headers_get_content_length (h), ==, strlen (text));
    g_assert_cmpstr (soup_message_headers_get_one (h, "Content-Type"), ==,
                     soup_message_headers_get_one (got, "Content-Type"));
    g_assert_cmpstr (soup_message_headers_get_one (h, "Content-Disposition"), ==,
                     soup_message_headers_get_one (got, "Content-Disposition"));
    g_assert_cmpstr (soup_message_headers_get_one (h, "Accept-Ranges"), ==, "bytes");
    etag = g_strdup (soup_message_headers_get_one (h, "ETag"));
    g_assert_nonnull (etag);
    g_assert_true (etag[0] == '"' && g_str_has_suffix (etag, "\""));
    g_assert_cmpstr (soup_message_headers_get_one (got, "ETag"), ==, etag);
  }
  /* Same tag: the range; another tag or a date: the whole file. */
  {
    static const struct { const char *if_range; guint status; gsize size; } cases[] = {
      { NULL, 206, 11 },
      { "\"something-else\"", 200, 21 },
      { "Sat, 21 Nov 2026 08:00:00 GMT", 200, 21 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases) + 1; i++)
      {
        guint status = 0;
        const char *if_range = i == 0 ? etag : cases[i - 1].if_range;
        guint expect_status = i == 0 ? 206 : cases[i - 1].status;
        gsize expect_size = i == 0 ? 11 : cases[i - 1].size;
        g_autoptr(GBytes) body = request_file (f.s, f.bob, "GET", path, "bytes=10-", if_range, &status, NULL);

        g_test_message ("If-Range: %s", if_range ? if_range : "(none)");
        g_assert_cmpuint (status, ==, expect_status);
        g_assert_cmpuint (g_bytes_get_size (body), ==, expect_size);
      }
  }
  /* A thumbnail has a tag of its own; a stranger's HEAD is the 404 of GET. */
  png = make_image ("png", 640, 480);
  b = upload (f.s, f.bob, f.room, "pic.png", "image/png", g_bytes_get_data (png, NULL), g_bytes_get_size (png), 201);
  thumb = g_strdup_printf ("/api/attachments/%s/thumbnail", str (b, "id"));
  {
    g_autoptr(SoupMessageHeaders) h = NULL;
    guint status = 0;
    g_autoptr(GBytes) body = request_file (f.s, f.bob, "HEAD", thumb, NULL, NULL, &status, &h);

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
    g_assert_nonnull (soup_message_headers_get_one (h, "ETag"));
    g_assert_cmpstr (soup_message_headers_get_one (h, "ETag"), !=, etag);
  }
  carl = cs_test_user (f.s, "acme", "carl@acme.test", "Carl", "member", NULL);
  {
    guint status = 0;
    g_autoptr(GBytes) body = request_file (f.s, carl, "HEAD", path, NULL, NULL, &status, NULL);

    g_assert_cmpuint (status, ==, 404);
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
  }
  fixture_clear (&f);
}

static void
test_quota (void)
{
  Fixture f;
  gsize len = 600 * 1024;
  g_autofree char *data = g_malloc (len);
  g_autofree char *other = NULL;
  g_autofree char *other_room = NULL;
  JsonObject *r;

  memset (data, 'q', len);
  fixture_init (&f, "[attachments]\ntenant_quota_mb=1\n");
  json_object_unref (upload (f.s, f.bob, f.room, "one.txt", "text/plain", data, len, 201));
  r = upload (f.s, f.admin, f.room, "two.txt", "text/plain", data, len, 413);
  g_assert_nonnull (strstr (str (json_object_get_object_member (r, "error"), "message"), "storage"));
  json_object_unref (r);
  g_assert_cmpuint (count_files (f.s, FALSE), ==, 1);
  /* Another organisation has its own quota. */
  other = cs_test_tenant (f.s, "globex", "boss@globex.test");
  other_room = cs_test_room (f.s, other, "group", "Theirs", NULL);
  json_object_unref (upload (f.s, other, other_room, "one.txt", "text/plain", data, len, 201));
  fixture_clear (&f);
}

static void
test_sweep (void)
{
  Fixture f;
  g_autoptr(JsonObject) kept = NULL, unused = NULL;
  g_autofree char *ids = NULL, *kept_file = NULL, *unused_file = NULL;
  gint64 deadline;

  fixture_init (&f, "[attachments]\nunused_lifetime_seconds=1\nsweep_interval_seconds=1\n");
  kept = upload (f.s, f.bob, f.room, "kept.txt", "text/plain", "kept\n", 5, 201);
  unused = upload (f.s, f.bob, f.room, "unused.txt", "text/plain", "unused\n", 7, 201);
  ids = g_strdup_printf ("[\"%s\"]", str (kept, "id"));
  g_free (send_message (f.s, f.bob, f.room, "t-1", "", ids, 201, NULL));
  kept_file = stored_path (f.s, str (kept, "id"));
  unused_file = stored_path (f.s, str (unused, "id"));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_file_test (unused_file, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    cs_test_spin (200);
  g_assert_false (g_file_test (unused_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_file, G_FILE_TEST_EXISTS));
  {
    g_autofree char *path = file_path (str (unused, "id"));
    g_autofree char *kept_path = file_path (str (kept, "id"));

    g_assert_cmpuint (get_status (f.s, f.bob, path), ==, 404);
    g_assert_cmpuint (get_status (f.s, f.bob, kept_path), ==, 200);
  }
  /* A swept upload can no longer be sent. */
  g_free (ids);
  ids = g_strdup_printf ("[\"%s\"]", str (unused, "id"));
  g_free (send_message (f.s, f.bob, f.room, "t-2", "late", ids, 404, NULL));
  fixture_clear (&f);
}

static void
test_deletions (void)
{
  Fixture f;
  g_autoptr(JsonObject) a = NULL, b = NULL, export = NULL, history = NULL;
  g_autofree char *ids = NULL, *msg_id = NULL, *del = NULL, *a_file = NULL, *b_file = NULL, *hist = NULL;
  JsonArray *messages;

  fixture_init (&f, NULL);
  a = upload (f.s, f.bob, f.room, "a.txt", "text/plain", "a\n", 2, 201);
  b = upload (f.s, f.bob, f.room, "b.txt", "text/plain", "b\n", 2, 201);
  a_file = stored_path (f.s, str (a, "id"));
  b_file = stored_path (f.s, str (b, "id"));
  ids = g_strdup_printf ("[\"%s\"]", str (a, "id"));
  msg_id = send_message (f.s, f.bob, f.room, "t-1", "with a", ids, 201, NULL);

  /* The export lists what the person uploaded. */
  export = cs_test_call (f.s, "GET", "/api/me/export", f.bob, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (export, "attachments")), ==, 2);

  /* Deleting the message removes its file; the message has none left. */
  del = cs_test_printf_path ("/api/messages/%s", msg_id);
  cs_test_call (f.s, "DELETE", del, f.bob, NULL, 204);
  g_assert_false (g_file_test (a_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (b_file, G_FILE_TEST_EXISTS));
  hist = cs_test_printf_path ("/api/rooms/%s/messages", f.room);
  history = cs_test_call (f.s, "GET", hist, f.admin, NULL, 200);
  messages = json_object_get_array_member (history, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);
      if (g_strcmp0 (str (m, "id"), msg_id) == 0)
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "attachments")), ==, 0);
    }
  {
    g_autofree char *path = file_path (str (a, "id"));
    g_assert_cmpuint (get_status (f.s, f.admin, path), ==, 404);
  }

  /* Deleting the account removes the rest of what Bob uploaded. */
  cs_test_call (f.s, "DELETE", "/api/me", f.bob, "{\"password\":\"" CS_TEST_PASSWORD "\"}", 204);
  g_assert_false (g_file_test (b_file, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (f.s, FALSE), ==, 0);
  fixture_clear (&f);
}

static void
check_attachments (JsonObject *message,
                   const char *first_id,
                   guint       n)
{
  JsonArray *list = json_object_get_array_member (message, "attachments");
  JsonObject *a;

  g_assert_cmpuint (json_array_get_length (list), ==, n);
  a = json_array_get_object_element (list, 0);
  g_assert_cmpstr (str (a, "id"), ==, first_id);
  g_assert_true (json_object_has_member (a, "name"));
  g_assert_true (json_object_has_member (a, "size"));
  g_assert_true (json_object_has_member (a, "mime_type"));
  g_assert_true (json_object_has_member (a, "width"));
  g_assert_true (json_object_has_member (a, "height"));
  g_assert_true (json_object_has_member (a, "has_thumbnail"));
}

static void
test_messages_carry_files (void)
{
  Fixture f;
  g_autoptr(GBytes) png = make_image ("png", 64, 48);
  gsize png_len = 0;
  const void *png_data = g_bytes_get_data (png, &png_len);
  g_autoptr(JsonObject) img = NULL, doc = NULL, mine = NULL, again = NULL, posted = NULL, history = NULL;
  g_autoptr(JsonObject) live = NULL, ack = NULL, ws_file = NULL, search = NULL;
  g_autoptr(CsTestWs) ws_admin = NULL, ws_bob = NULL;
  g_autofree char *ids = NULL, *hist = NULL, *frame = NULL, *too_many = NULL, *dup = NULL;
  JsonArray *messages;
  GString *many = g_string_new ("[");

  fixture_init (&f, NULL);
  img = upload (f.s, f.bob, f.room, "chart.png", "image/png", png_data, png_len, 201);
  doc = upload (f.s, f.bob, f.room, "report.txt", "text/plain", "report\n", 7, 201);
  mine = upload (f.s, f.admin, f.room, "admins.txt", "text/plain", "mine\n", 5, 201);
  g_assert_cmpint (json_object_get_int_member (img, "width"), ==, 64);
  g_assert_cmpint (json_object_get_int_member (img, "height"), ==, 48);
  g_assert_true (json_object_get_null_member (doc, "width"));

  /* Someone else's upload, an unknown id, the same id twice, too many. */
  g_free (send_message (f.s, f.bob, f.room, "bad-1", "x", "[\"no-such\"]", 404, NULL));
  ids = g_strdup_printf ("[\"%s\"]", str (mine, "id"));
  g_free (send_message (f.s, f.bob, f.room, "bad-2", "x", ids, 404, NULL));
  dup = g_strdup_printf ("[\"%s\",\"%s\"]", str (doc, "id"), str (doc, "id"));
  g_free (send_message (f.s, f.bob, f.room, "bad-3", "x", dup, 400, NULL));
  for (int i = 0; i < 11; i++)
    g_string_append_printf (many, "%s\"%s\"", i ? "," : "", str (doc, "id"));
  g_string_append (many, "]");
  too_many = g_string_free (many, FALSE);
  g_free (send_message (f.s, f.bob, f.room, "bad-4", "x", too_many, 400, NULL));
  /* An empty body needs files. */
  g_free (send_message (f.s, f.bob, f.room, "bad-5", "  ", "[]", 400, NULL));

  /* Over REST, with an empty body: the event and the answer carry both files. */
  ws_admin = cs_test_ws_connect (f.s, f.admin);
  json_object_unref (cs_test_ws_wait (ws_admin, "ready", 5000));
  g_free (ids);
  ids = g_strdup_printf ("[\"%s\",\"%s\"]", str (img, "id"), str (doc, "id"));
  g_free (send_message (f.s, f.bob, f.room, "t-1", "", ids, 201, &posted));
  g_assert_cmpstr (str (posted, "kind"), ==, "text");
  g_assert_cmpstr (str (posted, "body"), ==, "");
  check_attachments (posted, str (img, "id"), 2);
  g_assert_true (json_object_get_boolean_member (
    json_array_get_object_element (json_object_get_array_member (posted, "attachments"), 0), "has_thumbnail"));
  live = cs_test_ws_wait (ws_admin, "message.new", 5000);
  g_assert_nonnull (live);
  check_attachments (json_object_get_object_member (live, "data"), str (img, "id"), 2);
  /* A retry returns the same message with its files; they are taken now. */
  g_free (send_message (f.s, f.bob, f.room, "t-1", "", ids, 200, &again));
  g_assert_cmpstr (str (again, "id"), ==, str (posted, "id"));
  check_attachments (again, str (img, "id"), 2);
  g_free (send_message (f.s, f.bob, f.room, "t-2", "reuse", ids, 404, NULL));

  /* History and search show them. */
  hist = cs_test_printf_path ("/api/rooms/%s/messages", f.room);
  history = cs_test_call (f.s, "GET", hist, f.admin, NULL, 200);
  messages = json_object_get_array_member (history, "messages");
  check_attachments (json_array_get_object_element (messages, json_array_get_length (messages) - 1),
                     str (img, "id"), 2);

  /* Over the WebSocket: the ack carries the file. */
  ws_file = upload (f.s, f.bob, f.room, "ws.txt", "text/plain", "ws\n", 3, 201);
  ws_bob = cs_test_ws_connect (f.s, f.bob);
  json_object_unref (cs_test_ws_wait (ws_bob, "ready", 5000));
  frame = g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"w-1\",\"body\":\"findme\","
                           "\"attachment_ids\":[\"%s\"]}", f.room, str (ws_file, "id"));
  cs_test_ws_send (ws_bob, frame);
  ack = cs_test_ws_wait (ws_bob, "ack", 5000);
  g_assert_nonnull (ack);
  check_attachments (json_object_get_object_member (ack, "message"), str (ws_file, "id"), 1);
  search = cs_test_call (f.s, "GET", "/api/search?q=findme", f.admin, NULL, 200);
  check_attachments (json_array_get_object_element (json_object_get_array_member (search, "messages"), 0),
                     str (ws_file, "id"), 1);

  /* In a direct room, a message of files only is announced by its file. */
  {
    g_autofree char *body = g_strdup_printf ("{\"user_id\":\"%s\"}", f.bob_id);
    g_autoptr(JsonObject) direct = cs_test_call (f.s, "POST", "/api/rooms/direct", f.admin, body, 201);
    g_autoptr(JsonObject) file = upload (f.s, f.bob, str (direct, "id"), "plan.pdf", "application/pdf",
                                         "%PDF-1.4\n%%EOF\n", 15, 201);
    g_autofree char *one = g_strdup_printf ("[\"%s\"]", str (file, "id"));
    g_autoptr(JsonObject) notes = NULL;
    JsonArray *list;

    g_free (send_message (f.s, f.bob, str (direct, "id"), "d-1", "", one, 201, NULL));
    notes = cs_test_call (f.s, "GET", "/api/notifications", f.admin, NULL, 200);
    list = json_object_get_array_member (notes, "notifications");
    g_assert_cmpuint (json_array_get_length (list), >=, 1);
    g_assert_cmpstr (str (json_array_get_object_element (list, 0), "body"), ==, "📎 plan.pdf");
  }
  fixture_clear (&f);
}

/* Turns the stopped server's database back into schema version 3: the
 * column and the search triggers that later steps changed. */
static const char downgrade_to_v3[] =
  "DROP INDEX rooms_context; DROP INDEX messages_context;"
  "ALTER TABLE rooms DROP COLUMN context_type; ALTER TABLE rooms DROP COLUMN context_id;"
  "ALTER TABLE messages DROP COLUMN context_type; ALTER TABLE messages DROP COLUMN context_id;"
  "DROP TABLE reactions; DROP TABLE read_marks; ALTER TABLE members DROP COLUMN last_read_at;"
  "DROP TABLE contact_ranks; DROP TABLE contact_allow; ALTER TABLE users DROP COLUMN rank;"
  "ALTER TABLE tenants DROP COLUMN retention_days; ALTER TABLE tenants DROP COLUMN legal_hold;"
  "ALTER TABLE rooms DROP COLUMN retention_days;"
  "DROP INDEX users_handle; DROP INDEX messages_streaming;"
  "ALTER TABLE users DROP COLUMN kind; ALTER TABLE users DROP COLUMN handle;"
  "ALTER TABLE users DROP COLUMN description; ALTER TABLE users DROP COLUMN system_prompt;"
  "ALTER TABLE users DROP COLUMN model;"
  "ALTER TABLE messages DROP COLUMN streaming; ALTER TABLE messages DROP COLUMN agent_error;"
  "ALTER TABLE messages DROP COLUMN system; ALTER TABLE messages DROP COLUMN written_at;"
  "ALTER TABLE notifications DROP COLUMN actor_name; ALTER TABLE notifications DROP COLUMN room_name;"
  "DROP TRIGGER messages_ad; DROP TRIGGER messages_au;"
  "DELETE FROM meta WHERE key = 'fts_next_seq';"
  "ALTER TABLE messages DROP COLUMN has_attachments;"
  "CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body); END;"
  "CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body); END;"
  "CREATE TRIGGER messages_au AFTER UPDATE OF body ON messages BEGIN"
  "  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);"
  "  INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body); END;"
  "PRAGMA user_version = 3;";

static guint
search_hits (Fixture    *f,
             const char *q)
{
  g_autofree char *path = g_strdup_printf ("/api/search?q=%s", q);
  g_autoptr(JsonObject) found = cs_test_call (f->s, "GET", path, f->admin, NULL, 200);

  return json_array_get_length (json_object_get_array_member (found, "messages"));
}

/* A database of schema version 2 (before attachments) upgrades in place. */
static void
test_upgrade_from_v2 (void)
{
  Fixture f;
  g_autofree char *downgrade = g_strconcat (downgrade_to_v3, "DROP TABLE attachments; PRAGMA user_version = 2;", NULL);

  fixture_init (&f, NULL);
  cs_test_server_stop (f.s, FALSE);
  cs_test_db_exec (f.s, downgrade);
  cs_test_server_start (f.s);
  json_object_unref (upload (f.s, f.bob, f.room, "after.txt", "text/plain", "after\n", 6, 201));
  g_assert_cmpint (cs_test_db_int (f.s, "PRAGMA user_version"), ==, 11);
  fixture_clear (&f);
}

/* Version 3 to the current one: messages stored before keep their files and stay
 * searchable, edits included. */
static void
test_upgrade_from_v3 (void)
{
  Fixture f;
  g_autofree char *ids = NULL, *with_file = NULL, *plain = NULL, *hist = NULL, *edit = NULL;
  g_autoptr(JsonObject) doc = NULL, history = NULL, edited = NULL;
  JsonArray *messages;

  fixture_init (&f, NULL);
  doc = upload (f.s, f.bob, f.room, "old.txt", "text/plain", "old\n", 4, 201);
  ids = g_strdup_printf ("[\"%s\"]", str (doc, "id"));
  with_file = send_message (f.s, f.bob, f.room, "v3-1", "walrus with a file", ids, 201, NULL);
  plain = send_message (f.s, f.bob, f.room, "v3-2", "narwhal without", "[]", 201, NULL);
  cs_test_server_stop (f.s, FALSE);
  cs_test_db_exec (f.s, downgrade_to_v3);
  /* Stored under version 3: indexed by its trigger. */
  cs_test_db_exec (f.s, "INSERT INTO messages (seq, id, room_id, tenant_id, sender_id, kind, body, mentions, created_at)"
                    " SELECT seq + 1000, 'v3-direct', room_id, tenant_id, sender_id, 'text', 'dugong', '[]', created_at"
                    " FROM messages ORDER BY seq DESC LIMIT 1");
  cs_test_server_start (f.s);
  g_assert_cmpint (cs_test_db_int (f.s, "PRAGMA user_version"), ==, 11);

  hist = cs_test_printf_path ("/api/rooms/%s/messages?limit=100", f.room);
  history = cs_test_call (f.s, "GET", hist, f.admin, NULL, 200);
  messages = json_object_get_array_member (history, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);
      guint n = json_array_get_length (json_object_get_array_member (m, "attachments"));

      g_assert_cmpuint (n, ==, g_strcmp0 (str (m, "id"), with_file) == 0 ? 1 : 0);
    }
  g_assert_cmpuint (search_hits (&f, "walrus"), ==, 1);
  g_assert_cmpuint (search_hits (&f, "dugong"), ==, 1);
  edit = cs_test_printf_path ("/api/messages/%s", plain);
  edited = cs_test_call (f.s, "PATCH", edit, f.bob, "{\"body\":\"manatee instead\"}", 200);
  g_assert_cmpuint (search_hits (&f, "narwhal"), ==, 0);
  g_assert_cmpuint (search_hits (&f, "manatee"), ==, 1);
  cs_test_server_stop (f.s, FALSE);
  g_assert_cmpint (cs_test_search_mismatches (f.s), ==, 0);
  cs_test_server_start (f.s);
  fixture_clear (&f);
}

static void
test_orphans_removed_at_start (void)
{
  Fixture f;
  g_autoptr(JsonObject) kept = NULL;
  g_autofree char *orphan_id = g_uuid_string_random ();
  g_autofree char *orphan = NULL, *orphan_thumb = NULL, *stranger = NULL, *leftover = NULL, *kept_file = NULL;

  fixture_init (&f, NULL);
  kept = upload (f.s, f.bob, f.room, "kept.txt", "text/plain", "kept\n", 5, 201);
  kept_file = stored_path (f.s, str (kept, "id"));
  cs_test_server_stop (f.s, FALSE);
  orphan = stored_path (f.s, orphan_id);
  orphan_thumb = g_strconcat (orphan, ".thumb", NULL);
  stranger = stored_path (f.s, "operator-notes.txt");
  leftover = g_build_filename (f.s->data_dir, "db", "attachments", "tmp", "half-an-upload", NULL);
  g_assert_true (g_file_set_contents (orphan, "x", 1, NULL));
  g_assert_true (g_file_set_contents (orphan_thumb, "x", 1, NULL));
  g_assert_true (g_file_set_contents (stranger, "x", 1, NULL));
  g_assert_true (g_file_set_contents (leftover, "x", 1, NULL));
  cs_test_server_start (f.s);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (orphan_thumb, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (leftover, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (stranger, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_file, G_FILE_TEST_EXISTS));
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/attachments/round-trip", test_round_trip);
  g_test_add_func ("/server/attachments/lies", test_lies_refused);
  g_test_add_func ("/server/attachments/too-large", test_too_large);
  g_test_add_func ("/server/attachments/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/server/attachments/exif-orientation", test_exif_orientation);
  g_test_add_func ("/server/attachments/names", test_names);
  g_test_add_func ("/server/attachments/access", test_access_rules);
  g_test_add_func ("/server/attachments/ranges", test_ranges);
  g_test_add_func ("/server/attachments/head-validators", test_head_and_validators);
  g_test_add_func ("/server/attachments/quota", test_quota);
  g_test_add_func ("/server/attachments/sweep", test_sweep);
  g_test_add_func ("/server/attachments/deletions", test_deletions);
  g_test_add_func ("/server/attachments/messages", test_messages_carry_files);
  /* SQLite's schema steps; PostgreSQL's schema starts past them. */
  if (!cs_test_storage_is_postgresql ())
    {
      g_test_add_func ("/server/attachments/upgrade-from-v2", test_upgrade_from_v2);
      g_test_add_func ("/server/attachments/upgrade-from-v3", test_upgrade_from_v3);
    }
  g_test_add_func ("/server/attachments/orphans", test_orphans_removed_at_start);
  return g_test_run ();
}
