/* test-common.c: protocol helpers shared by server and client.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"
#include "cau-json.h"
#include "cau-mention.h"
#include "cau-time.h"
#include "cau-validate.h"

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
  g_test_add_func ("/common/json/typed", test_json);
  g_test_add_func ("/common/time/rfc3339", test_time);
  return g_test_run ();
}
