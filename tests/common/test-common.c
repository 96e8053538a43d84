/* test-common.c: protocol helpers shared by server and client.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"
#include "cau-json.h"
#include "cau-mention.h"
#include "cau-time.h"
#include "cau-validate.h"
#include "cau-emoji.h"

static CauMentionCandidate *
cand (const char *id, const char *name, const char *handle)
{
  CauMentionCandidate *c = g_new0 (CauMentionCandidate, 1);
  c->type = g_strdup ("user");
  c->id = g_strdup (id);
  c->display_name = g_strdup (name);
  c->handle = g_strdup (handle);
  return c;
}

static void
cand_free (gpointer p)
{
  CauMentionCandidate *c = p;
  g_free (c->type); g_free (c->id); g_free (c->display_name); g_free (c->handle);
  g_free (c);
}

static void
test_mentions (void)
{
  g_autoptr(GPtrArray) cands = g_ptr_array_new_with_free_func (cand_free);
  g_autoptr(GArray) m = NULL;
  CauMention *x;

  g_ptr_array_add (cands, cand ("u1", "Ann", "ann"));
  g_ptr_array_add (cands, cand ("u2", "Anne Marie", "amarie"));
  g_ptr_array_add (cands, cand ("u3", "Élodie", "elodie"));

  /* Longest display name wins; offsets are in characters, not bytes. */
  m = cau_mention_parse ("Hé @Anne Marie, ask @élodie and @room.", cands);
  g_assert_cmpuint (m->len, ==, 3);
  x = &g_array_index (m, CauMention, 0);
  g_assert_cmpstr (x->id, ==, "u2");
  g_assert_cmpint (x->start, ==, 3);
  g_assert_cmpint (x->end, ==, 14);
  x = &g_array_index (m, CauMention, 1);
  g_assert_cmpstr (x->id, ==, "u3");
  g_assert_cmpint (x->start, ==, 20);
  g_assert_cmpint (x->end, ==, 27);
  x = &g_array_index (m, CauMention, 2);
  g_assert_cmpstr (x->type, ==, "room");
  g_clear_pointer (&m, g_array_unref);

  /* Not a mention: inside an email address, or a longer word. */
  m = cau_mention_parse ("mail ann@example.com or @annabel or @roomy", cands);
  g_assert_cmpuint (m->len, ==, 0);
  g_clear_pointer (&m, g_array_unref);

  m = cau_mention_parse ("@amarie: ok", cands);
  g_assert_cmpuint (m->len, ==, 1);
  g_assert_cmpstr (g_array_index (m, CauMention, 0).id, ==, "u2");
}

static void
test_validate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *big = g_strnfill (CAU_LIMIT_BODY_CHARS + 1, 'x');

  g_assert_true (cau_validate_body ("  hello \n", FALSE, &out, &error));
  g_assert_cmpstr (out, ==, "hello");
  g_assert_false (cau_validate_body ("   ", FALSE, NULL, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_assert_true (cau_validate_body ("   ", TRUE, NULL, &error));
  g_assert_false (cau_validate_body (big, FALSE, NULL, &error));
  g_assert_nonnull (strstr (error->message, "too long"));
  g_clear_error (&error);

  g_clear_pointer (&out, g_free);
  g_assert_true (cau_validate_email (" Alice@Example.ORG ", &out, &error));
  g_assert_cmpstr (out, ==, "alice@example.org");
  g_assert_false (cau_validate_email ("alice@", NULL, &error));
  g_clear_error (&error);
  g_assert_false (cau_validate_email ("a b@c.d", NULL, &error));
  g_clear_error (&error);
  g_assert_false (cau_validate_name ("bad\x01name", NULL, &error));
  g_clear_error (&error);
  g_assert_false (cau_validate_password ("short", &error));
}

static void
test_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  const char *s = NULL;
  gint64 n = 0;

  g_assert_null (cau_json_parse_object ("{\"a\":", 5, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_assert_null (cau_json_parse_object ("[1]", 3, &error));
  g_clear_error (&error);

  obj = cau_json_parse_object ("{\"a\":\"x\",\"n\":3}", 15, &error);
  g_assert_no_error (error);
  g_assert_true (cau_json_get_string (obj, "a", TRUE, &s, &error));
  g_assert_cmpstr (s, ==, "x");
  g_assert_false (cau_json_get_string (obj, "n", TRUE, &s, &error));
  g_assert_nonnull (strstr (error->message, "“n”"));
  g_clear_error (&error);
  g_assert_true (cau_json_get_int (obj, "n", TRUE, &n, &error));
  g_assert_cmpint (n, ==, 3);
  g_assert_false (cau_json_get_int (obj, "missing", TRUE, &n, &error));
  g_clear_error (&error);
}

static void
test_json_depth (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(JsonObject) obj = NULL;
  g_autofree char *brackets = g_strnfill (100000, '[');

  /* 100,000 "[" made json-glib recurse until the stack ran out. */
  g_assert_null (cau_json_parse_object (brackets, strlen (brackets), &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "nested more than 64"));
  g_clear_error (&error);

  /* 64 levels in all are fine, 65 are not. */
  g_string_append (deep, "{\"a\":");
  for (int i = 1; i < CAU_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (int i = 1; i < CAU_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  obj = cau_json_parse_object (deep->str, deep->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (obj);
  g_string_insert (deep, 5, "[");
  g_string_insert (deep, deep->len - 1, "]");
  g_assert_false (cau_json_check (deep->str, deep->len, CAU_JSON_MAX_BYTES, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  g_assert_false (cau_json_check (NULL, -1, 5, &error));
  g_assert_nonnull (strstr (error->message, "no JSON value"));
  g_clear_error (&error);
  g_assert_false (cau_json_check ("{\"a\":\"bc\"}", -1, 5, &error));
  g_assert_nonnull (strstr (error->message, "too large"));
}

static void
test_json_rfc8259 (void)
{
  /* Each accepted by json-glib 1.6, refused by RFC 8259. */
  static const char *refused[] = {
    "{'a':1}",                      /* single quotes */
    "{\"a\":'x'}",
    "{\"a\":\"tab\there\"}",         /* raw control character */
    "{\"a\":\"new\nline\"}",
    "{\"a\":\"\\770\"}",             /* octal escape */
    "{\"a\":\"\\x41\"}",
    "{\"a\":\"\\a\"}",
    "{\"a\":\"\\u12\"}",
    "{\"a\":\"\\u0000\"}",           /* NUL */
    "{\"a\":\"\\ud800\"}",           /* lone high surrogate */
    "{\"a\":\"\\udc00x\"}",          /* lone low surrogate */
    "{\"a\":\"\\ud800\\u0041\"}",
    "{\"a\":\"\xff\"}",              /* invalid UTF-8 */
    "{\"a\":\"\xc0\xaf\"}",          /* overlong */
    "{\"a\":1} x",                   /* trailing garbage */
    "{\"a\":1}{}",
    "{\"a\":1} // c",                /* comments */
    "{/* c */\"a\":1}",
    "{\"a\":NaN}",
    "{\"a\":Infinity}",
    "{\"a\":-Infinity}",
    "{\"a\":01}",                    /* leading zero */
    "{\"a\":1.}",
    "{\"a\":.5}",
    "{\"a\":1e}",
    "{\"a\":+1}",
    "{\"a\":0x10}",
    "{\"a\":99999999999999999999}",  /* json-glib wraps it to -1 */
    "{\"a\":9223372036854775808}",
    "{\"a\":1e999}",                 /* json-glib writes it as inf.0 */
    "{\"a\":-1e999}",
    "{\"a\":[1,]}",                  /* trailing commas */
    "{\"a\":1,}",
    "{\"a\":[1 2]}",
    "{\"a\" 1}",
    "{a:1}",                         /* bare key */
    "{\"a\":tru}",
    "{\"a\":True}",
    "{\"a\":[}",
    "{\"a\":]",
    "{\"a\":\"x",                    /* not closed */
    "{\"a\":1",
    "\xef\xbb\xbf{\"a\":1}",         /* byte-order mark */
    "",
    "   ",
  };
  static const char *accepted[] = {
    "{}",
    " {\"a\" : [ ] , \"b\":{}}\r\n",
    "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"}",
    "{\"a\":\"\xc3\xa9\xf0\x9f\x98\x80\"}",
    "{\"a\":[0,-0,1.5,-2e10,3E+2,4e-2,true,false,null]}",
    "{\"a\":[-9223372036854775808,9223372036854775807,1e-400,1e308]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) obj = cau_json_parse_object (refused[i], strlen (refused[i]), &error);

      if (obj != NULL)
        g_error ("accepted: %s", refused[i]);
      g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) obj = cau_json_parse_object (accepted[i], strlen (accepted[i]), &error);

      g_assert_no_error (error);
      g_assert_nonnull (obj);
    }

  /* What we write passes our own check: json-glib 1.6 wrote U+001F raw. */
  for (gunichar c = 1; c < 0x20; c++)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autofree char *text = NULL;
      char s[2] = { (char) c, 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) back = NULL;

      json_object_set_string_member (o, "a", s);
      text = cau_json_object_to_string (o);
      back = cau_json_parse_object (text, strlen (text), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (back, "a"), ==, s);
    }

  /* Stored JSON goes through the same check. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = cau_json_parse_node ("[1,{\"a\":null}]", -1, 100, &error);

    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    g_assert_null (cau_json_parse_node ("[[[[", -1, 100, &error));
    g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
  }
}

static void
test_validate_utf8 (void)
{
  /* json-glib turns "\770" into the lone byte 0xF8, whose UTF-8 length is
   * 5: the walk in has_control_chars stepped past the NUL. On the heap, at
   * the very end, so ASan sees any overread. */
  static const char *bad[] = { "\xf8", "a\xf8", "\xff\xfe", "\xe2\x80", "ok\xc3" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autofree char *trimmed = NULL;

      g_assert_false (cau_validate_body (text, FALSE, NULL, &error));
      g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
      g_assert_nonnull (strstr (error->message, "not valid text"));
      g_clear_error (&error);
      g_assert_false (cau_validate_body (text, TRUE, NULL, &error));
      g_clear_error (&error);
      g_assert_false (cau_validate_name (text, NULL, &error));
      g_clear_error (&error);
      g_assert_false (cau_validate_label (text, "status", FALSE, 0, 200, NULL, &error));
      g_clear_error (&error);
      g_assert_false (cau_validate_text (text, "description", 0, 100, NULL, &error));
      g_clear_error (&error);
      g_assert_false (cau_validate_email (text, NULL, &error));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
      g_assert_false (cau_validate_txn_id (text, &error));
      g_clear_error (&error);
      g_assert_false (cau_validate_password (text, &error));
      g_clear_error (&error);
      g_assert_true (cau_text_has_bidi_controls (text));
      trimmed = cau_trim (text);
      g_assert_true (g_utf8_validate (trimmed, -1, NULL));
    }

  /* And the JSON itself is refused before any validator runs. */
  {
    const char *frame = "{\"txn_id\":\"a\",\"body\":\"\\770\"}";
    g_autoptr(GError) error = NULL;

    g_assert_null (cau_json_parse_object (frame, strlen (frame), &error));
    g_assert_nonnull (strstr (error->message, "invalid escape"));
  }
}

static void
test_validate_bidi (void)
{
  /* RLO, LRE, PDF, LRI, PDI, FSI, LRM, RLM, ALM */
  static const char *bidi[] = {
    "evil\xe2\x80\xae" "cod.exe", "a\xe2\x80\xaa" "b", "a\xe2\x80\xac",
    "\xe2\x81\xa6x", "x\xe2\x81\xa9", "\xe2\x81\xa8x", "a\xe2\x80\x8e", "a\xe2\x80\x8f", "a\xd8\x9c",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bidi); i++)
    {
      g_assert_true (cau_text_has_bidi_controls (bidi[i]));
      g_assert_false (cau_validate_name (bidi[i], NULL, &error));
      g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
      g_assert_nonnull (strstr (error->message, "bidirectional"));
      g_clear_error (&error);
      g_assert_false (cau_validate_label (bidi[i], "description", TRUE, 0, 1000, NULL, &error));
      g_assert_nonnull (strstr (error->message, "description"));
      g_clear_error (&error);
      g_assert_false (cau_validate_label (bidi[i], "status", FALSE, 0, 200, NULL, &error));
      g_clear_error (&error);
    }

  /* Right-to-left text itself is welcome. */
  g_assert_true (cau_validate_name ("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d 42", &out, &error));
  g_assert_no_error (error);
  g_assert_false (cau_text_has_bidi_controls ("\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85"));
  g_assert_true (cau_validate_label ("line one\nline\ttwo ", "description", TRUE, 0, 1000, NULL, &error));
  g_assert_false (cau_validate_label ("line one\nline two", "status", FALSE, 0, 200, NULL, &error));
  g_clear_error (&error);
  g_assert_false (cau_validate_label ("bell\x07", "description", TRUE, 0, 1000, NULL, &error));
  g_clear_error (&error);
}

static void
test_emoji (void)
{
  const char *good[] = {
    "\xf0\x9f\x91\x8d",                                     /* thumbs up */
    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",                 /* with a skin tone */
    "\xe2\x9d\xa4\xef\xb8\x8f",                           /* red heart, VS16 */
    "\xe2\x9d\xa4",                                         /* heart, no VS16 */
    "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7",                 /* flag of France */
    "1\xef\xb8\x8f\xe2\x83\xa3",                          /* keycap 1 */
    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", /* family, ZWJ */
    "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xa5\xf3\xa0\x81\xae\xf3\xa0\x81\xa7\xf3\xa0\x81\xbf", /* England */
  };
  const char *bad[] = {
    "", "a", "ok", "1", "\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d",  /* two thumbs */
    "\xf0\x9f\x91\x8d ", "\xf0\x9f\x87\xab",                   /* one regional indicator */
    "\xf0\x9f\x91\xa8\xe2\x80\x8d",                           /* a dangling ZWJ */
    "\xf0\x9f\x91",                                               /* cut UTF-8 */
    "\xc3\x28", "\xed\xa0\x80",                                 /* invalid, a surrogate */
    "\xe2\x80\xae\xf0\x9f\x91\x8d",                           /* RLO first */
  };
  g_autoptr(GString) long_one = g_string_new ("\xf0\x9f\x91\xa8");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (cau_validate_emoji (good[i], -1, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (cau_validate_emoji (bad[i], -1, &error));
      g_assert_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);
      g_clear_error (&error);
    }
  /* A NUL inside the given length. */
  g_assert_false (cau_validate_emoji ("\xf0\x9f\x91\x8d\0", 5, &error));
  g_clear_error (&error);
  /* Eight people joined by ZWJ: one cluster, but past 32 bytes. */
  for (guint i = 0; i < 7; i++)
    g_string_append (long_one, "\xe2\x80\x8d\xf0\x9f\x91\xa8");
  g_assert_cmpuint (long_one->len, >, CAU_EMOJI_MAX_BYTES);
  g_assert_false (cau_validate_emoji (long_one->str, -1, &error));
  g_assert_nonnull (strstr (error->message, "32 bytes"));
}

static void
test_time (void)
{
  g_autofree char *s = cau_time_format (1795248000123);
  gint64 back = 0;

  g_assert_cmpstr (s, ==, "2026-11-21T08:00:00.123Z");
  g_assert_true (cau_time_parse (s, &back));
  g_assert_cmpint (back, ==, 1795248000123);
  g_assert_false (cau_time_parse ("yesterday", &back));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/common/mention/parse", test_mentions);
  g_test_add_func ("/common/validate/inputs", test_validate);
  g_test_add_func ("/common/validate/emoji", test_emoji);
  g_test_add_func ("/common/json/typed", test_json);
  g_test_add_func ("/common/json/depth", test_json_depth);
  g_test_add_func ("/common/json/rfc8259", test_json_rfc8259);
  g_test_add_func ("/common/validate/utf8", test_validate_utf8);
  g_test_add_func ("/common/validate/bidi", test_validate_bidi);
  g_test_add_func ("/common/time/rfc3339", test_time);
  return g_test_run ();
}
