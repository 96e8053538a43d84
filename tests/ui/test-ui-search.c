/* test-ui-search.c: the search widgets in process: the words found are
 * highlighted as the index matched them (any case, accents or not,
 * prefixes, markup escaped), and a result row reads room, sender, time
 * and text.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "cau-json.h"
#include "cc-message.h"
#include "cw-resources.h"
#include "cw-search-row.h"
#include "cw-search-view.h"

static void
test_highlight (void)
{
  static const struct { const char *text, *query, *markup; } cases[] = {
    { "The quick brown fox", "fox", "The quick brown <b>fox</b>" },
    { "Un café à Noël", "cafe noel", "Un <b>café</b> à <b>Noël</b>" },
    { "REVIEW my reviews", "rev", "<b>REVIEW</b> my <b>reviews</b>" },
    { "a <b> & c", "c", "a &lt;b&gt; &amp; <b>c</b>" },
    { "nothing here", "zeppelin", "nothing here" },
    { "don't stop", "don", "<b>don</b>&apos;t stop" },
    { "text", "", "text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = cw_search_highlight (cases[i].text, cases[i].query);

      g_assert_cmpstr (markup, ==, cases[i].markup);
      g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL));
    }
}

static void
test_row (void)
{
  const char *text = "{\"id\":\"m1\",\"room_id\":\"r1\",\"seq\":7,\"kind\":\"text\","
                     "\"sender\":{\"id\":\"u1\",\"display_name\":\"Ada\"},"
                     "\"body\":\"Budget <draft>\",\"created_at\":\"2026-11-21T08:00:00.000Z\"}";
  g_autoptr(JsonObject) json = cau_json_parse_object (text, strlen (text), NULL);
  g_autoptr(CcMessage) message = cc_message_new_from_json (json);
  CwSearchRow *row = g_object_ref_sink (cw_search_row_new ());
  CwSearchView *view = g_object_ref_sink (g_object_new (CW_TYPE_SEARCH_VIEW, NULL));

  cw_search_row_set_message (row, NULL, message, "budg");
  cw_search_row_set_message (row, NULL, NULL, NULL);
  cw_search_view_start (view, NULL, NULL);
  g_object_unref (row);
  g_object_unref (view);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/search/highlight", test_highlight);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      gtk_init ();
      adw_init ();
      cw_register_resource ();
      g_test_add_func ("/ui/search/row", test_row);
    }
  return g_test_run ();
}
