/* test-cc-bidi.c: names inserted in translated sentences stay whole and in
 * place whatever their direction and the sentence's (issue 16): an Arabic
 * name in an English sentence and a Latin name in an Arabic one are
 * isolated, and the sentence starts with the interface's direction.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "cau-json.h"
#include "cc-bidi.h"
#include "cc-notification.h"

#define FSI "\u2068"
#define PDI "\u2069"
#define LRM "\u200e"
#define RLM "\u200f"

/* Latin text under a left-to-right interface: exactly what printf gives. */
static void
test_plain (void)
{
  g_autofree char *a = cc_bidi_printf ("%s joined", "Alice");
  g_autofree char *b = cc_bidi_printf ("%s: %s", "Alice", "see you at 10:00");
  g_autofree char *c = cc_bidi_printf ("100%% %s", "done");

  g_assert_false (cc_bidi_ui_is_rtl ());
  g_assert_cmpstr (a, ==, "Alice joined");
  g_assert_cmpstr (b, ==, "Alice: see you at 10:00");
  g_assert_cmpstr (c, ==, "100% done");
}

/* An Arabic name or message in an English sentence. */
static void
test_arabic_in_english (void)
{
  g_autofree char *a = cc_bidi_printf ("%s joined", "أحمد بن علي");
  g_autofree char *b = cc_bidi_printf ("%s: %s", "Alice", "مرحبا بالجميع!");
  g_autofree char *c = cc_bidi_printf ("%s added %s", "سلمى", "Bob 2");

  g_assert_cmpstr (a, ==, LRM FSI "أحمد بن علي" PDI " joined");
  g_assert_cmpstr (b, ==, LRM FSI "Alice" PDI ": " FSI "مرحبا بالجميع!" PDI);
  g_assert_cmpstr (c, ==, LRM FSI "سلمى" PDI " added " FSI "Bob 2" PDI);
}

/* Activity titles are written that way. */
static void
test_notification_title (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = cau_json_parse_object ("{\"id\":\"n1\",\"type\":\"mention\",\"title\":\"x\","
                                                      "\"body\":\"\",\"actor_name\":\"ياسمين\","
                                                      "\"room_name\":\"Budget 2027\"}", -1, &error);
  g_autoptr(CcNotification) n = NULL;

  g_assert_no_error (error);
  n = cc_notification_new_from_json (json);
  g_assert_cmpstr (cc_notification_get_title (n), ==,
                   LRM FSI "ياسمين" PDI " mentioned you in " FSI "Budget 2027" PDI);
}

/* Under an Arabic interface (GTK's own catalogue says "default:RTL"), a
 * Latin name in an Arabic sentence: the sentence reads right to left. */
static void
test_latin_in_arabic (void)
{
  g_autofree char *a = NULL;

  g_setenv ("LANGUAGE", "ar", TRUE);
  setlocale (LC_ALL, "");
  if (!cc_bidi_ui_is_rtl ())
    {
      g_test_skip ("GTK's Arabic catalogue (gtk40.mo) is not installed");
      g_setenv ("LANGUAGE", "C", TRUE);
      setlocale (LC_ALL, "");
      return;
    }
  a = cc_bidi_printf ("انضم %s", "Alice Martin");
  g_assert_cmpstr (a, ==, RLM "انضم " FSI "Alice Martin" PDI);
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "");
  g_assert_false (cc_bidi_ui_is_rtl ());
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  if (g_getenv ("LANG") == NULL || g_str_equal (g_getenv ("LANG"), "C"))
    g_setenv ("LANG", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-core/bidi/plain", test_plain);
  g_test_add_func ("/client-core/bidi/arabic-in-english", test_arabic_in_english);
  g_test_add_func ("/client-core/bidi/notification-title", test_notification_title);
  g_test_add_func ("/client-core/bidi/latin-in-arabic", test_latin_in_arabic);
  return g_test_run ();
}
