/* test-cc-timeline-pages.c: a room's timeline filled from the cache (the
 * server down): the newest CC_TIMELINE_FIRST_PAGE messages when it starts,
 * then older pages of CC_TIMELINE_PAGE, each page one items-changed (a
 * list view over the timeline then builds its rows once per page), in seq
 * order and without gaps. Then the window: a timeline trimmed as it is
 * scrolled through thousands of messages keeps no more than the window,
 * and loads newer pages back to the end with every message once; live
 * messages wait in the cache while it has newer ones out; sending brings
 * the newest page back.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-cache.h"
#include "cc-test-util.h"
#include "cc-timeline-private.h"

#define N_MESSAGES 130
/* The windowed room, and what the test keeps around its "slice" (as the
 * conversation does: a slice of 80 and 80 on each side). */
#define N_LONG      3000
#define KEEP        240

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
  g_autofree char *id = g_strdup_printf ("m%04u", seq);
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

/* Windowed timeline ------------------------------------------------------ */

typedef struct {
  GListStore *mirror;   /* replays the timeline's items-changed only */
  guint       max_items;
} Watch;

static void
on_window_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Watch      *watch)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_cmpuint (position + removed, <=, g_list_model_get_n_items (G_LIST_MODEL (watch->mirror)));
  for (guint i = 0; i < added; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, position + i));
  g_list_store_splice (watch->mirror, position, removed, items->pdata, items->len);
  watch->max_items = MAX (watch->max_items, g_list_model_get_n_items (model));
}

/* The model in seq order without duplicates, the same as what its signals
 * told, and by id and txn_id as its items. Returns the first stored seq. */
static gint64
check_window (CcTimeline *tl,
              Watch      *watch)
{
  GListModel *model = G_LIST_MODEL (tl);
  guint n = g_list_model_get_n_items (model);
  gint64 previous = 0, first = 0;
  gboolean pending = FALSE;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch->mirror)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (model, i);
      g_autoptr(CcMessage) shown = g_list_model_get_item (G_LIST_MODEL (watch->mirror), i);

      g_assert_true (m == shown);
      if (cc_message_get_state (m) != CC_MESSAGE_STATE_STORED)
        {
          pending = TRUE;
          g_assert_true (cc_timeline_lookup (tl, cc_message_get_txn_id (m)) == m);
          continue;
        }
      g_assert_false (pending);   /* pending ones last */
      g_assert_cmpint (cc_message_get_seq (m), >, previous);
      previous = cc_message_get_seq (m);
      if (first == 0)
        first = previous;
      g_assert_true (cc_timeline_lookup (tl, cc_message_get_id (m)) == m);
    }
  return first;
}

static gint64
seq_at (CcTimeline *tl,
        guint       position)
{
  g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (tl), position);

  return cc_message_get_seq (m);
}

static gssize
load (CcTimeline *tl,
      gboolean    newer)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gssize n;

  if (newer)
    cc_timeline_load_newer_async (tl, NULL, cc_test_result_cb, &result);
  else
    cc_timeline_load_older_async (tl, NULL, cc_test_result_cb, &result);
  CC_TEST_AWAIT (result);
  n = newer ? cc_timeline_load_newer_finish (tl, result, &error)
            : cc_timeline_load_older_finish (tl, result, &error);
  /* Older than the cache is the server's, and it is down. */
  if (!newer && error != NULL)
    return -1;
  g_assert_no_error (error);
  return n;
}

static gssize
load_newest (CcTimeline *tl)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gssize n;

  cc_timeline_load_newest_async (tl, NULL, cc_test_result_cb, &result);
  CC_TEST_AWAIT (result);
  n = cc_timeline_load_newest_finish (tl, result, &error);
  g_assert_no_error (error);
  return n;
}

static void
save (CcCache    *cache,
      GPtrArray  *messages)
{
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;

  cc_cache_save_messages_async (cache, messages, NULL, cc_test_result_cb, &saved);
  CC_TEST_AWAIT (saved);
  g_assert_true (cc_cache_finish (cache, saved, &error));
  g_assert_no_error (error);
}

static CcTimeline *
start_long_room (const char  *dir,
                 CcCache    **out_cache,
                 Watch       *watch)
{
  g_autofree char *path = g_build_filename (dir, "t.db", NULL);
  CcCache *cache = cc_cache_new (path);
  g_autoptr(CcApi) api = cc_api_new ("http://127.0.0.1:9");
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GError) error = NULL;
  CcTimeline *tl;

  cc_cache_open_async (cache, NULL, cc_test_result_cb, &opened);
  CC_TEST_AWAIT (opened);
  g_assert_true (cc_cache_open_finish (cache, opened, &error));
  for (guint seq = 1; seq <= N_LONG; seq++)
    g_ptr_array_add (messages, message (seq));
  save (cache, messages);

  tl = _cc_timeline_new ("r", cache, api, "me", "Me");
  watch->mirror = g_list_store_new (CC_TYPE_MESSAGE);
  g_signal_connect (tl, "items-changed", G_CALLBACK (on_window_changed), watch);
  _cc_timeline_start (tl, FALSE);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (tl));
  check_window (tl, watch);
  *out_cache = cache;
  return tl;
}

static void
stop_long_room (CcTimeline *tl,
                CcCache    *cache,
                Watch      *watch,
                char       *dir)
{
  g_signal_handlers_disconnect_by_data (tl, watch);
  g_object_unref (tl);
  g_object_unref (cache);
  g_clear_object (&watch->mirror);
  cc_test_rm_rf (dir);
}

/* Up to the start and back down, trimming as the conversation does: the
 * model never holds more than the window and a page, and every message
 * comes back once, in order. */
static void
test_window_scroll (void)
{
  g_autofree char *dir = cc_test_make_tmpdir ();
  CcCache *cache = NULL;
  Watch watch = { 0 };
  CcTimeline *tl = start_long_room (dir, &cache, &watch);
  GListModel *model = G_LIST_MODEL (tl);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 oldest = 0;
  gssize n;

  g_assert_false (cc_timeline_get_has_newer (tl));
  g_assert_cmpint (cc_timeline_get_last_seq (tl), ==, N_LONG);

  /* Older: the view sits at the start; what is past KEEP goes. */
  while ((n = load (tl, FALSE)) > 0)
    {
      guint count = g_list_model_get_n_items (model);

      oldest = check_window (tl, &watch);
      if (count > KEEP)
        cc_timeline_trim (tl, 0, KEEP);
      g_assert_cmpuint (g_list_model_get_n_items (model), <=, KEEP);
      check_window (tl, &watch);
    }
  /* The cache ran out; the server is down: the start of the cache. */
  g_assert_cmpint (n, ==, -1);
  g_assert_false (cc_timeline_get_loading (tl));
  g_assert_cmpint (oldest, ==, 1);
  g_assert_cmpint (seq_at (tl, 0), ==, 1);
  g_assert_true (cc_timeline_get_has_newer (tl));
  g_assert_cmpuint (watch.max_items, <=, KEEP + CC_TIMELINE_PAGE);
  /* The newest known still counts for read receipts. */
  g_assert_cmpint (cc_timeline_get_last_seq (tl), ==, N_LONG);

  /* Newer: the view sits at the end; the start goes. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      gint64 seq = seq_at (tl, i);
      g_array_append_val (seen, seq);
    }
  while (cc_timeline_get_has_newer (tl))
    {
      guint before = g_list_model_get_n_items (model);

      n = load (tl, TRUE);
      g_assert_cmpint (n, >, 0);
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, before + n);
      for (guint i = before; i < before + n; i++)
        {
          gint64 seq = seq_at (tl, i);
          g_array_append_val (seen, seq);
        }
      check_window (tl, &watch);
      if (g_list_model_get_n_items (model) > KEEP)
        cc_timeline_trim (tl, g_list_model_get_n_items (model) - KEEP, G_MAXUINT);
      g_assert_true (cc_timeline_get_has_more (tl));
      check_window (tl, &watch);
    }
  g_assert_cmpuint (seen->len, ==, N_LONG);
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpint (g_array_index (seen, gint64, i), ==, i + 1);
  g_assert_cmpint (seq_at (tl, g_list_model_get_n_items (model) - 1), ==, N_LONG);
  g_assert_cmpuint (watch.max_items, <=, KEEP + CC_TIMELINE_PAGE);
  g_assert_cmpint (load (tl, TRUE), ==, 0);

  /* And older again from the trimmed start, without a gap. */
  {
    gint64 first = seq_at (tl, 0);

    g_assert_cmpint (load (tl, FALSE), ==, CC_TIMELINE_PAGE);
    g_assert_cmpint (seq_at (tl, CC_TIMELINE_PAGE), ==, first);
    g_assert_cmpint (seq_at (tl, 0), ==, first - CC_TIMELINE_PAGE);
    check_window (tl, &watch);
  }

  stop_long_room (tl, cache, &watch, g_steal_pointer (&dir));
}

/* Live messages while newer ones are out: kept ones are updated, new ones
 * wait in the cache (where the sync put them) and come with the pages;
 * sending brings the newest page back with the pending message last. */
static void
test_window_live (void)
{
  g_autofree char *dir = cc_test_make_tmpdir ();
  CcCache *cache = NULL;
  Watch watch = { 0 };
  CcTimeline *tl = start_long_room (dir, &cache, &watch);
  GListModel *model = G_LIST_MODEL (tl);
  g_autoptr(JsonObject) live = message (N_LONG + 1);
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(JsonObject) far_edit = NULL;
  g_autoptr(JsonObject) sent = message (N_LONG + 2);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  CcOutboxEntry entry = { 1, (char *) "t1", (char *) "r", (char *) "message 3002", NULL,
                          CC_MESSAGE_STATE_PENDING, NULL, 0, 0 };
  CcMessage *pending;
  gint64 kept_last;
  guint count;

  /* Three pages up, then the newest 100 trimmed away. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (load (tl, FALSE), ==, CC_TIMELINE_PAGE);
  count = g_list_model_get_n_items (model);
  cc_timeline_trim (tl, 0, count - 100);
  g_assert_true (cc_timeline_get_has_newer (tl));
  count = g_list_model_get_n_items (model);
  kept_last = seq_at (tl, count - 1);
  g_assert_cmpint (kept_last, ==, N_LONG - 100);
  check_window (tl, &watch);

  /* A live message: in the cache, not in the model. */
  g_ptr_array_add (batch, json_object_ref (live));
  save (cache, batch);
  _cc_timeline_add_message (tl, live);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count);
  g_assert_null (cc_timeline_lookup (tl, "m3001"));
  g_assert_cmpint (cc_timeline_get_last_seq (tl), ==, N_LONG + 1);

  /* An edit of a kept one applies; of one left out, it does not join. */
  edit = message (kept_last);
  json_object_set_string_member (edit, "body", "edited");
  _cc_timeline_add_message (tl, edit);
  g_assert_cmpstr (cc_message_get_body (cc_timeline_lookup (tl, "m2900")), ==, "edited");
  far_edit = message (N_LONG - 10);
  json_object_set_string_member (far_edit, "body", "edited far");
  _cc_timeline_add_message (tl, far_edit);
  g_assert_null (cc_timeline_lookup (tl, "m2990"));
  /* Nor one older than the window. */
  {
    g_autoptr(JsonObject) old_edit = message (5);

    _cc_timeline_add_message (tl, old_edit);
    g_assert_null (cc_timeline_lookup (tl, "m0005"));
  }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count);
  check_window (tl, &watch);

  /* Newer pages bring the live one, last. */
  while (cc_timeline_get_has_newer (tl))
    g_assert_cmpint (load (tl, TRUE), >, 0);
  count = g_list_model_get_n_items (model);
  g_assert_cmpint (seq_at (tl, count - 1), ==, N_LONG + 1);
  g_assert_nonnull (cc_timeline_lookup (tl, "m3001"));
  g_assert_cmpint (check_window (tl, &watch), ==, N_LONG - 3 * CC_TIMELINE_PAGE - CC_TIMELINE_FIRST_PAGE + 1);

  /* Up again with the newest trimmed; then the user sends. */
  cc_timeline_trim (tl, 0, 60);
  g_assert_true (cc_timeline_get_has_newer (tl));
  _cc_timeline_add_pending (tl, &entry);
  pending = cc_timeline_lookup (tl, "t1");
  g_assert_nonnull (pending);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 61);
  check_window (tl, &watch);
  g_assert_cmpint (load_newest (tl), ==, CC_TIMELINE_FIRST_PAGE);
  g_assert_false (cc_timeline_get_has_newer (tl));
  g_assert_true (cc_timeline_get_has_more (tl));
  count = g_list_model_get_n_items (model);
  g_assert_cmpuint (count, ==, CC_TIMELINE_FIRST_PAGE + 1);
  g_assert_cmpint (seq_at (tl, 0), ==, N_LONG + 1 - CC_TIMELINE_FIRST_PAGE + 1);
  g_assert_cmpint (seq_at (tl, count - 2), ==, N_LONG + 1);
  {
    g_autoptr(CcMessage) last = g_list_model_get_item (model, count - 1);

    g_assert_true (last == pending);
  }
  check_window (tl, &watch);
  g_assert_cmpint (load_newest (tl), ==, 0);   /* nothing newer: no change */

  /* Stored by the server: it takes its place. */
  json_object_set_string_member (sent, "txn_id", "t1");
  json_object_set_string_member (json_object_get_object_member (sent, "sender"), "id", "me");
  _cc_timeline_add_message (tl, sent);
  g_assert_true (cc_timeline_lookup (tl, "m3002") == pending);
  g_assert_cmpint (cc_message_get_state (pending), ==, CC_MESSAGE_STATE_STORED);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count);
  check_window (tl, &watch);

  /* Sent while newer ones are out: it leaves the pending tail, and comes
   * back in its place with the newer pages. */
  {
    CcOutboxEntry later = { 2, (char *) "t2", (char *) "r", (char *) "message 3003", NULL,
                            CC_MESSAGE_STATE_PENDING, NULL, 0, 0 };
    g_autoptr(JsonObject) stored = message (N_LONG + 3);

    cc_timeline_trim (tl, 0, 5);
    _cc_timeline_add_pending (tl, &later);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
    json_object_set_string_member (stored, "txn_id", "t2");
    g_ptr_array_set_size (batch, 0);
    g_ptr_array_add (batch, json_object_ref (stored));
    save (cache, batch);
    _cc_timeline_add_message (tl, stored);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
    g_assert_null (cc_timeline_lookup (tl, "t2"));
    check_window (tl, &watch);
    while (cc_timeline_get_has_newer (tl))
      g_assert_cmpint (load (tl, TRUE), >, 0);
    count = g_list_model_get_n_items (model);
    g_assert_cmpint (seq_at (tl, count - 1), ==, N_LONG + 3);
    g_assert_cmpstr (cc_message_get_txn_id (cc_timeline_lookup (tl, "m3003")), ==, "t2");
    check_window (tl, &watch);
  }

  stop_long_room (tl, cache, &watch, g_steal_pointer (&dir));
}

/* A page that no longer touches the window (trimmed meanwhile) is not
 * added; the next request fills it without a gap. */
static void
test_window_stale_page (void)
{
  g_autofree char *dir = cc_test_make_tmpdir ();
  CcCache *cache = NULL;
  Watch watch = { 0 };
  CcTimeline *tl = start_long_room (dir, &cache, &watch);
  GListModel *model = G_LIST_MODEL (tl);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (load (tl, FALSE), ==, CC_TIMELINE_PAGE);
  g_assert_cmpint (load (tl, FALSE), ==, CC_TIMELINE_PAGE);
  cc_timeline_load_older_async (tl, NULL, cc_test_result_cb, &result);
  cc_timeline_trim (tl, 10, 60);
  CC_TEST_AWAIT (result);
  g_assert_cmpint (cc_timeline_load_older_finish (tl, result, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_false (cc_timeline_get_loading (tl));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 50);
  g_assert_cmpint (load (tl, FALSE), ==, CC_TIMELINE_PAGE);
  g_assert_cmpint (seq_at (tl, CC_TIMELINE_PAGE), ==, N_LONG - 120 + 1 + 10);
  check_window (tl, &watch);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    g_assert_cmpint (seq_at (tl, i), ==, seq_at (tl, i - 1) + 1);

  stop_long_room (tl, cache, &watch, g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/timeline/pages-from-cache", test_pages);
  g_test_add_func ("/client/timeline/window/scroll", test_window_scroll);
  g_test_add_func ("/client/timeline/window/live", test_window_live);
  g_test_add_func ("/client/timeline/window/stale-page", test_window_stale_page);
  return g_test_run ();
}
