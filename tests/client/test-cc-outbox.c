/* test-cc-outbox.c: the outbox against an in-process server: messages
 * typed offline go out in typing order; a lost answer is retried without a
 * duplicate; a refusal is kept with its sentence and can be discarded; a
 * restart of the app loses nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-fake-server.h"
#include "cc-outbox.h"
#include "cc-test-util.h"

typedef struct {
  char         *dir;
  char         *path;
  CcFakeServer *fake;
  CcCache      *cache;
  CcApi        *api;
  CcOutbox     *outbox;
  guint         drained;
  GPtrArray    *failed;   /* error sentences */
} Fixture;

static void
on_drained (CcOutbox *outbox, Fixture *f)
{
  f->drained++;
}

static void
on_failed (CcOutbox *outbox, const char *txn_id, const char *error, Fixture *f)
{
  g_ptr_array_add (f->failed, g_strdup (error));
}

static void
start_app (Fixture *f)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  f->cache = cc_cache_new (f->path);
  cc_cache_open_async (f->cache, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_cache_open_finish (f->cache, res, &error));
  f->api = cc_api_new (f->fake->url);
  cc_api_set_token (f->api, "test-token");
  f->outbox = cc_outbox_new (f->cache, f->api);
  g_signal_connect (f->outbox, "drained", G_CALLBACK (on_drained), f);
  g_signal_connect (f->outbox, "entry-failed", G_CALLBACK (on_failed), f);
}

/* Quits the way the app does: stop sending, let the last answer land. */
static void
stop_app (Fixture *f)
{
  cc_outbox_set_online (f->outbox, FALSE);
  CC_TEST_WAIT_UNTIL (!cc_outbox_get_sending (f->outbox));
  g_signal_handlers_disconnect_by_data (f->outbox, f);
  g_clear_object (&f->outbox);
  g_clear_object (&f->api);
  g_clear_object (&f->cache);
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = cc_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "account.db", NULL);
  f->fake = cc_fake_server_new ();
  f->failed = g_ptr_array_new_with_free_func (g_free);
  start_app (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  stop_app (f);
  cc_fake_server_free (f->fake);
  g_ptr_array_unref (f->failed);
  cc_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static CcOutboxEntry *
queue (Fixture *f, const char *room, const char *body)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcOutboxEntry *entry;

  cc_outbox_queue_async (f->outbox, room, body, NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  entry = cc_outbox_queue_finish (f->outbox, res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry->txn_id);
  return entry;
}

static GPtrArray *
outbox_rows (Fixture *f)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  cc_cache_outbox_list_async (f->cache, NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  rows = cc_cache_finish_array (f->cache, res, &error);
  g_assert_no_error (error);
  return rows;
}

static void
go_online_and_drain (Fixture *f)
{
  guint before = f->drained;

  cc_outbox_set_online (f->outbox, TRUE);
  CC_TEST_WAIT_UNTIL (f->drained > before);
}

static void
test_offline_in_order (Fixture *f, gconstpointer data)
{
  const char *bodies[] = { "first", "second", "third", "fourth", "fifth" };
  g_autoptr(GPtrArray) rows = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(CcOutboxEntry) entry = queue (f, i % 2 ? "room-b" : "room-a", bodies[i]);
    }
  /* Offline: nothing reached the server, everything is on disk. */
  g_assert_cmpuint (f->fake->posts, ==, 0);
  rows = outbox_rows (f);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (bodies));
  g_clear_pointer (&rows, g_ptr_array_unref);

  go_online_and_drain (f);
  g_assert_cmpuint (f->fake->stored->len, ==, G_N_ELEMENTS (bodies));
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    g_assert_cmpstr (cc_fake_body (f->fake, i), ==, bodies[i]);
  rows = outbox_rows (f);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_lost_answer_no_duplicate (Fixture *f, gconstpointer data)
{
  g_autoptr(CcOutboxEntry) a = NULL;
  g_autoptr(CcOutboxEntry) b = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  /* The server stores "one" but the answer is lost; then it is briefly
   * unavailable. The outbox keeps "two" behind "one" and retries. */
  f->fake->lose_answers = 1;
  f->fake->fail_before = 0;
  a = queue (f, "room-a", "one");
  b = queue (f, "room-a", "two");
  go_online_and_drain (f);

  g_assert_cmpuint (f->fake->posts, ==, 3);   /* one (lost), one again, two */
  g_assert_cmpuint (f->fake->stored->len, ==, 2);
  g_assert_cmpstr (cc_fake_body (f->fake, 0), ==, "one");
  g_assert_cmpstr (cc_fake_body (f->fake, 1), ==, "two");
  rows = outbox_rows (f);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_refused_kept (Fixture *f, gconstpointer data)
{
  g_autoptr(CcOutboxEntry) a = NULL;
  g_autoptr(CcOutboxEntry) b = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  CcOutboxEntry *row;

  f->fake->refused_room = "room-locked";
  a = queue (f, "room-locked", "let me in");
  b = queue (f, "room-a", "hello");
  go_online_and_drain (f);

  /* The refusal does not hold the others back. */
  g_assert_cmpuint (f->fake->stored->len, ==, 1);
  g_assert_cmpstr (cc_fake_body (f->fake, 0), ==, "hello");
  g_assert_cmpuint (f->failed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->failed, 0), ==, "You cannot write in this room.");

  /* It stays, failed, with the sentence: across a restart too. */
  stop_app (f);
  start_app (f);
  rows = outbox_rows (f);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->body, ==, "let me in");
  g_assert_cmpint (row->state, ==, CC_MESSAGE_STATE_FAILED);
  g_assert_cmpstr (row->error, ==, "You cannot write in this room.");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Retry once the room lets us in. */
  f->fake->refused_room = NULL;
  cc_outbox_set_online (f->outbox, TRUE);
  cc_outbox_retry (f->outbox, a->txn_id);
  CC_TEST_WAIT_UNTIL (f->fake->stored->len == 2);
  g_assert_cmpstr (cc_fake_body (f->fake, 1), ==, "let me in");
}

static void
on_removed (CcOutbox *outbox, const char *txn_id, guint *count)
{
  (*count)++;
}

static void
test_discard (Fixture *f, gconstpointer data)
{
  g_autoptr(CcOutboxEntry) a = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint removed = 0;

  f->fake->refused_room = "room-locked";
  a = queue (f, "room-locked", "never mind");
  go_online_and_drain (f);
  g_assert_cmpuint (f->failed->len, ==, 1);

  g_signal_connect (f->outbox, "entry-removed", G_CALLBACK (on_removed), &removed);
  cc_outbox_discard (f->outbox, a->txn_id);
  CC_TEST_WAIT_UNTIL (removed == 1);
  rows = outbox_rows (f);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_restart (Fixture *f, gconstpointer data)
{
  const char *bodies[] = { "typed before", "the app", "was closed" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(CcOutboxEntry) entry = queue (f, "room-a", bodies[i]);
    }
  stop_app (f);
  start_app (f);
  go_online_and_drain (f);
  g_assert_cmpuint (f->fake->stored->len, ==, G_N_ELEMENTS (bodies));
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    g_assert_cmpstr (cc_fake_body (f->fake, i), ==, bodies[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/client-core/outbox/offline-in-order", Fixture, NULL, setup, test_offline_in_order, teardown);
  g_test_add ("/client-core/outbox/lost-answer-no-duplicate", Fixture, NULL, setup,
              test_lost_answer_no_duplicate, teardown);
  g_test_add ("/client-core/outbox/refused-kept-and-retried", Fixture, NULL, setup, test_refused_kept, teardown);
  g_test_add ("/client-core/outbox/discard", Fixture, NULL, setup, test_discard, teardown);
  g_test_add ("/client-core/outbox/restart", Fixture, NULL, setup, test_restart, teardown);

  return g_test_run ();
}
