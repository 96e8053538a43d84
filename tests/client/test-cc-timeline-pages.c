/* test-cc-timeline-pages.c: a room's timeline filled from the cache (the
 * server down): the newest CC_TIMELINE_FIRST_PAGE messages when it starts,
 * then older pages of CC_TIMELINE_PAGE, each page one items-changed (a
 * list view over the timeline then builds its rows once per page), in seq
 * order and without gaps.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-cache.h"
#include "cc-test-util.h"
#include "cc-timeline-private.h"

#define N_MESSAGES 130

typedef struct {
  guint signals;
  guint last_added;
} Counts;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Counts     *counts)
{
  counts->signals++;
  counts->last_added = added;
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (removed, ==, 0);
}

static JsonObject *
message (guint seq)
{
  JsonObject *m = json_object_new ();
  JsonObject *sender = json_object_new ();
  g_autofree char *id = g_strdup_printf ("m%03u", seq);
  g_autofree char *body = g_strdup_printf ("message %u", seq);

  json_object_set_string_member (sender, "id", seq % 3 ? "ann" : "me");
  json_object_set_string_member (m, "id", id);
  json_object_set_string_member (m, "room_id", "r");
  json_object_set_int_member (m, "seq", seq);
  json_object_set_string_member (m, "body", body);
  json_object_set_object_member (m, "sender", sender);
  return m;
}

static void
check_order (GListModel *model)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (model, i);

      g_assert_cmpint (cc_message_get_seq (m), ==, N_MESSAGES - n + 1 + i);
    }
}

static void
test_pages (void)
{
  g_autofree char *dir = cc_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "t.db", NULL);
  g_autoptr(CcCache) cache = cc_cache_new (path);
  g_autoptr(CcApi) api = cc_api_new ("http://127.0.0.1:9");
  g_autoptr(CcTimeline) tl = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;
  Counts counts = { 0 };
  guint expected;

  cc_cache_open_async (cache, NULL, cc_test_result_cb, &opened);
  CC_TEST_AWAIT (opened);
  g_assert_true (cc_cache_open_finish (cache, opened, &error));
  g_assert_no_error (error);
  for (guint seq = 1; seq <= N_MESSAGES; seq++)
    g_ptr_array_add (messages, message (seq));
  cc_cache_save_messages_async (cache, messages, NULL, cc_test_result_cb, &saved);
  CC_TEST_AWAIT (saved);
  g_assert_true (cc_cache_finish (cache, saved, &error));

  tl = _cc_timeline_new ("r", cache, api, "me", "Me");
  g_signal_connect (tl, "items-changed", G_CALLBACK (on_items_changed), &counts);
  _cc_timeline_start (tl, FALSE);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (tl));
  g_assert_cmpuint (counts.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tl)), ==, CC_TIMELINE_FIRST_PAGE);
  check_order (G_LIST_MODEL (tl));

  /* Older pages from the cache until it has no more. */
  expected = CC_TIMELINE_FIRST_PAGE;
  while (expected < N_MESSAGES)
    {
      g_autoptr(GAsyncResult) older = NULL;
      guint before = counts.signals;

      cc_timeline_load_older_async (tl, NULL, cc_test_result_cb, &older);
      CC_TEST_AWAIT (older);
      g_assert_cmpint (cc_timeline_load_older_finish (tl, older, &error), ==,
                       MIN (CC_TIMELINE_PAGE, N_MESSAGES - expected));
      g_assert_no_error (error);
      expected += MIN (CC_TIMELINE_PAGE, N_MESSAGES - expected);
      g_assert_cmpuint (counts.signals, ==, before + 1);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tl)), ==, expected);
      check_order (G_LIST_MODEL (tl));
    }

  g_signal_handlers_disconnect_by_data (tl, &counts);
  g_clear_object (&tl);
  g_clear_object (&cache);
  cc_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/timeline/pages-from-cache", test_pages);
  return g_test_run ();
}
