/* test-cc-search.c: message search against the real server. The cache's
 * full-text index is filled as messages arrive, follows edits and
 * deletions, answers offline (CcSearch) and merges the server's answer
 * online; a timeline jumps to a message far back, from the cache when it
 * holds it, from the server (detached) when not. The migration of an
 * older cache file is in test-cc-cache.c (migrate-from-v*).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-cache-search.h"
#include "cc-client.h"
#include "cc-search.h"
#include "cc-timeline-private.h"
#include "cc-test-server.h"
#include "cc-test-util.h"
#include "cc-test-client.h"

#define UNLIMITED "[limits]\nmessages_per_minute = 1000000\nmessage_burst = 1000000\n"

/* Bodies of the cache's answer for @text, newest first, as "a|b". */
static char *
cache_search (CcClient   *client,
              const char *text,
              const char *room_id)
{
  CcCache *cache = cc_client_get_cache (client);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GString *s = g_string_new (NULL);

  cc_cache_search_async (cache, text, room_id, 50, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  found = cc_cache_finish_array (cache, res, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    g_string_append_printf (s, "%s%s", i ? "|" : "",
                            json_object_get_string_member (g_ptr_array_index (found, i), "body"));
  return g_string_free (s, FALSE);
}

static char *
model_text (GListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (model, i);

      g_string_append_printf (s, "%s%s", i ? "|" : "", cc_message_get_body (m));
    }
  return g_string_free (s, FALSE);
}

/* Ada posts over REST (quicker than the outbox for many); returns the message. */
static JsonObject *
post (CcClient   *client,
      const char *room_id,
      const char *body)
{
  g_autoptr(JsonObject) req = json_object_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *txn = g_uuid_string_random ();
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", room_id);
  JsonObject *message;

  json_object_set_string_member (req, "txn_id", txn);
  json_object_set_string_member (req, "body", body);
  cc_api_request_async (cc_client_get_api (client), "POST", path, req, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  message = cc_api_request_finish_object (cc_client_get_api (client), res, &error);
  g_assert_no_error (error);
  return message;
}

/* Edits (or, @body_text NULL, deletes) a message without saying its room:
 * the cache still follows, from the answer and then the event. */
static void
edit (CcClient   *client,
      const char *message_id,
      const char *body_text)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  if (body_text != NULL)
    cc_client_edit_message_async (client, NULL, message_id, body_text, NULL, cc_test_result_cb, &res);
  else
    cc_client_delete_message_async (client, NULL, message_id, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_message_op_finish (client, res, &error));
  g_assert_no_error (error);
}

/* Waits until Bob's cache answers @text with @expected. */
#define WAIT_CACHE(client, text, room, expected) \
  G_STMT_START { \
    g_autofree char *got_ = NULL; \
    for (guint try_ = 0; try_ < 200; try_++) \
      { \
        g_free (got_); \
        got_ = cache_search ((client), (text), (room)); \
        if (g_str_equal (got_, (expected))) \
          break; \
        g_usleep (10000); \
        while (g_main_context_iteration (NULL, FALSE)); \
      } \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END

static void
test_index (void)
{
  CcTestPair p;
  g_autofree char *room = NULL;
  g_autofree char *other = NULL;
  g_autoptr(JsonObject) fox = NULL;
  g_autoptr(JsonObject) dog = NULL;
  g_autoptr(JsonObject) more = NULL;
  g_autofree char *got = NULL;

  cc_test_pair_init_full (&p, 0, UNLIMITED);
  room = cc_test_pair_create_group (&p, "Zoo");
  other = cc_test_pair_create_group (&p, "Garden");

  /* Filled as messages arrive: Bob's cache, from his sync. */
  fox = post (p.a, room, "The quick brown fox");
  dog = post (p.a, room, "A lazy dog at the café");
  more = post (p.a, room, "Another fox, later");
  json_object_unref (post (p.a, other, "No animal here, just a fox hole"));
  WAIT_CACHE (p.b, "fox", NULL, "No animal here, just a fox hole|Another fox, later|The quick brown fox");
  /* One room; any case, accents or not; the last word half typed. */
  WAIT_CACHE (p.b, "FOX", room, "Another fox, later|The quick brown fox");
  WAIT_CACHE (p.b, "cafe", NULL, "A lazy dog at the café");
  WAIT_CACHE (p.b, "brown qui", NULL, "The quick brown fox");
  /* Not words: nothing, and no FTS5 syntax error. */
  WAIT_CACHE (p.b, "\" * - AND (", NULL, "");

  /* Edits and deletions follow. */
  edit (p.a, json_object_get_string_member (more, "id"), "Another wolf, later");
  WAIT_CACHE (p.b, "wolf", NULL, "Another wolf, later");
  WAIT_CACHE (p.b, "fox", room, "The quick brown fox");
  edit (p.a, json_object_get_string_member (dog, "id"), NULL);
  WAIT_CACHE (p.b, "dog", NULL, "");
  WAIT_CACHE (p.b, "lazy", NULL, "");

  /* Survives a restart of the app (the index is in the file). */
  cc_test_client_quit (&p.b);
  p.b = cc_test_client_open (p.srv, CC_TEST_BOB_EMAIL, p.dir_b, p.login_b);
  got = cache_search (p.b, "fox", NULL);
  g_assert_cmpstr (got, ==, "No animal here, just a fox hole|The quick brown fox");

  cc_test_pair_clear (&p);
}

static void
test_model (void)
{
  CcTestPair p;
  g_autofree char *room = NULL;
  g_autoptr(CcSearch) search = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(GAsyncResult) forgot = NULL;
  g_autofree char *got = NULL;

  cc_test_pair_init_full (&p, 0, UNLIMITED);
  room = cc_test_pair_create_group (&p, "Plans");
  first = post (p.a, room, "Budget draft one");
  json_object_unref (post (p.a, room, "Budget draft two"));
  json_object_unref (post (p.a, room, "Lunch?"));
  WAIT_CACHE (p.b, "budget", NULL, "Budget draft two|Budget draft one");

  /* The cache no longer holds the first: online, the server's answer
   * brings it back, merged (each message once), newest first. */
  cc_cache_forget_messages_async (cc_client_get_cache (p.b), room,
                                  json_object_get_int_member (first, "seq") + 1,
                                  NULL, cc_test_result_cb, &forgot);
  CC_TEST_AWAIT (forgot);
  WAIT_CACHE (p.b, "budget", NULL, "Budget draft two");

  search = cc_search_new (p.b);
  cc_search_set_delay (search, 0);
  cc_search_set_query (search, "budget dra", NULL);
  g_assert_true (cc_search_get_loading (search));
  CC_TEST_WAIT_UNTIL (cc_search_get_searched (search) && !cc_search_get_loading (search));
  got = model_text (G_LIST_MODEL (search));
  g_assert_cmpstr (got, ==, "Budget draft two|Budget draft one");
  g_clear_pointer (&got, g_free);

  /* Typing on replaces the answer; emptying empties it at once. */
  cc_search_set_query (search, "lunch", room);
  CC_TEST_WAIT_UNTIL (cc_search_get_searched (search) && !cc_search_get_loading (search));
  got = model_text (G_LIST_MODEL (search));
  g_assert_cmpstr (got, ==, "Lunch?");
  g_clear_pointer (&got, g_free);
  cc_search_set_query (search, "  ", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (search)), ==, 0);

  /* Offline: the cache answers alone. */
  cc_test_server_stop (p.srv);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (p.b));
  cc_search_set_query (search, "budget", NULL);
  CC_TEST_WAIT_UNTIL (cc_search_get_searched (search) && !cc_search_get_loading (search));
  got = model_text (G_LIST_MODEL (search));
  g_assert_cmpstr (got, ==, "Budget draft two");

  g_clear_object (&search);
  cc_test_pair_clear (&p);
}

#define N_FAR 400

static void
test_jump (void)
{
  CcTestPair p;
  g_autofree char *room = NULL;
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) forgot = NULL;
  g_autoptr(GError) error = NULL;
  CcTimeline *tl;
  JsonObject *target;
  gssize pos;

  cc_test_pair_init_full (&p, 0, UNLIMITED);
  room = cc_test_pair_create_group (&p, "Long");
  for (guint i = 0; i < N_FAR; i++)
    {
      g_autofree char *body = g_strdup_printf (i == 30 ? "needle %u" : "hay %u", i);

      g_ptr_array_add (sent, post (p.a, room, body));
    }
  WAIT_CACHE (p.b, "hay 399", NULL, "hay 399");

  tl = cc_client_get_timeline (p.b, room);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (tl) && !cc_timeline_get_loading (tl));

  /* In the cache: the window is the messages around it. */
  target = g_ptr_array_index (sent, 30);
  cc_timeline_load_around_async (tl, json_object_get_string_member (target, "id"),
                                 json_object_get_int_member (target, "seq"), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  pos = cc_timeline_load_around_finish (tl, res, &error);
  g_assert_no_error (error);
  g_clear_object (&res);
  {
    g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (tl), pos);
    g_autoptr(CcMessage) before = g_list_model_get_item (G_LIST_MODEL (tl), pos - 1);
    g_autoptr(CcMessage) after = g_list_model_get_item (G_LIST_MODEL (tl), pos + 1);

    g_assert_cmpstr (cc_message_get_body (m), ==, "needle 30");
    g_assert_cmpstr (cc_message_get_body (before), ==, "hay 29");
    g_assert_cmpstr (cc_message_get_body (after), ==, "hay 31");
  }
  g_assert_true (cc_timeline_get_has_more (tl));
  g_assert_true (cc_timeline_get_has_newer (tl));

  /* Not in the cache: from the server, and pages go on from there. */
  g_clear_object (&tl);
  cc_test_client_quit (&p.b);
  p.b = cc_test_client_open (p.srv, CC_TEST_BOB_EMAIL, p.dir_b, p.login_b);
  cc_cache_forget_messages_async (cc_client_get_cache (p.b), room,
                                  json_object_get_int_member (g_ptr_array_index (sent, 300), "seq"),
                                  NULL, cc_test_result_cb, &forgot);
  CC_TEST_AWAIT (forgot);
  cc_test_client_go_online (p.b);
  tl = cc_client_get_timeline (p.b, room);
  CC_TEST_WAIT_UNTIL (cc_timeline_get_loaded (tl) && !cc_timeline_get_loading (tl));
  cc_timeline_load_around_async (tl, json_object_get_string_member (target, "id"),
                                 json_object_get_int_member (target, "seq"), NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  pos = cc_timeline_load_around_finish (tl, res, &error);
  g_assert_no_error (error);
  g_clear_object (&res);
  {
    g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (tl), pos);
    g_autoptr(CcMessage) before = g_list_model_get_item (G_LIST_MODEL (tl), pos - 1);
    g_autoptr(CcMessage) after = g_list_model_get_item (G_LIST_MODEL (tl), pos + 1);

    g_assert_cmpstr (cc_message_get_body (m), ==, "needle 30");
    g_assert_cmpstr (cc_message_get_body (before), ==, "hay 29");
    g_assert_cmpstr (cc_message_get_body (after), ==, "hay 31");
  }
  g_assert_true (cc_timeline_get_has_newer (tl));
  cc_timeline_load_newer_async (tl, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_cmpint (cc_timeline_load_newer_finish (tl, res, &error), ==, 50);
  g_assert_no_error (error);
  g_clear_object (&res);
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (tl));
    g_autoptr(CcMessage) last = g_list_model_get_item (G_LIST_MODEL (tl), n - 1);
    g_autofree char *want = g_strdup_printf ("hay %u", 30 + CC_TIMELINE_PAGE + 50);

    g_assert_cmpstr (cc_message_get_body (last), ==, want);
  }
  cc_timeline_load_older_async (tl, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_cmpint (cc_timeline_load_older_finish (tl, res, &error), >, 0);
  g_assert_no_error (error);
  g_clear_object (&res);
  {
    g_autoptr(CcMessage) first = g_list_model_get_item (G_LIST_MODEL (tl), 0);

    g_assert_cmpint (cc_message_get_seq (first), <, json_object_get_int_member (target, "seq") - 20);
  }
  /* The cache kept no page of the detached window: still one run. */
  {
    g_autofree char *got = cache_search (p.b, "needle", NULL);

    g_assert_cmpstr (got, ==, "");
  }
  /* Back to the newest: attached again. */
  cc_timeline_load_newest_async (tl, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_cmpint (cc_timeline_load_newest_finish (tl, res, &error), >, 0);
  g_assert_no_error (error);
  g_clear_object (&res);
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (tl));
    g_autoptr(CcMessage) last = g_list_model_get_item (G_LIST_MODEL (tl), n - 1);

    g_assert_cmpstr (cc_message_get_body (last), ==, "hay 399");
  }

  g_clear_object (&tl);
  cc_test_pair_clear (&p);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client-core/search/index", test_index);
  g_test_add_func ("/client-core/search/model", test_model);
  g_test_add_func ("/client-core/search/jump", test_jump);

  return g_test_run ();
}
