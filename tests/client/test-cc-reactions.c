/* test-cc-reactions.c: reactions and read times through the client core,
 * against the real server: Ada reacts, Bob's timeline shows it live with
 * her name; toggling removes it; a refusal is the server's sentence; the
 * reactions show offline from the cache; Bob reads, and Ada's message says
 * when; who read it, and the "Read 14:02" sentences.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-reactions.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

#define THUMBS "\xf0\x9f\x91\x8d"
#define PARTY  "\xf0\x9f\x8e\x89"

static CcMessage *
wait_message (CcClient   *client,
              CcTimeline *timeline,
              const char *id)
{
  CC_TEST_WAIT_UNTIL (cc_timeline_lookup (timeline, id) != NULL);
  return cc_timeline_lookup (timeline, id);
}

static void
react (CcClient   *client,
       CcMessage  *message,
       const char *emoji,
       gboolean    add,
       const char *want_error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cc_client_react_async (client, message, emoji, add, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  if (want_error == NULL)
    {
      g_assert_true (cc_client_react_finish (client, res, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (cc_client_react_finish (client, res, &error));
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, want_error);
    }
}

static char *
reaction_text (CcClient  *client,
               CcMessage *message)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < cc_message_get_n_reactions (message); i++)
    {
      g_auto(GStrv) ids = NULL;
      guint count = 0;
      const char *emoji = cc_message_get_reaction (message, i, &count, &ids);
      g_autofree char *names = cc_client_describe_reactors (client, (const char * const *) ids, count);

      g_string_append_printf (s, "%s%s %u (%s)", i ? "; " : "", emoji, count, names);
    }
  return g_string_free (s, FALSE);
}

static void
test_live_and_offline (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(CcTimeline) ta = NULL, tb = NULL;
  g_autoptr(CcMessage) sent = NULL;
  g_autofree char *id = NULL;
  CcMessage *seen;
  const char *ada_id;

  cc_test_pair_init (&p, 0);
  ada_id = json_object_get_string_member (json_object_get_object_member (p.login_a, "user"), "id");
  room_id = cc_test_pair_create_group (&p, "Reactions");
  ta = cc_client_get_timeline (p.a, room_id);
  tb = cc_client_get_timeline (p.b, room_id);
  sent = cc_test_send (p.a, room_id, "Ship it?");
  CC_TEST_WAIT_UNTIL (cc_message_get_seq (sent) > 0);
  id = g_strdup (cc_message_get_id (sent));
  seen = wait_message (p.b, tb, id);
  g_assert_cmpuint (cc_message_get_n_reactions (seen), ==, 0);

  /* Ada reacts: her own timeline at once, Bob's live, with her name. */
  react (p.a, sent, THUMBS, TRUE, NULL);
  g_assert_true (cc_message_has_reaction (sent, THUMBS, ada_id));
  CC_TEST_WAIT_UNTIL (cc_message_get_n_reactions (seen) == 1);
  {
    g_autofree char *text = reaction_text (p.b, seen);
    g_autofree char *own = reaction_text (p.a, sent);

    g_assert_cmpstr (text, ==, THUMBS " 1 (Ada Lovelace)");
    g_assert_cmpstr (own, ==, THUMBS " 1 (You)");
  }

  /* Bob adds the same and another: counts and order of first use. */
  cc_client_toggle_reaction (p.b, seen, THUMBS);
  CC_TEST_WAIT_UNTIL (cc_message_get_n_reactions (sent) == 1 && cc_message_has_reaction (sent, THUMBS, cc_test_pair_bob_id (&p)));
  react (p.b, seen, PARTY, TRUE, NULL);
  CC_TEST_WAIT_UNTIL (cc_message_get_n_reactions (sent) == 2);
  {
    g_autofree char *text = reaction_text (p.a, sent);

    g_assert_cmpstr (text, ==, THUMBS " 2 (You, Bob Marley); " PARTY " 1 (Bob Marley)");
  }

  /* Toggling Ada's removes hers only. */
  cc_client_toggle_reaction (p.a, sent, THUMBS);
  CC_TEST_WAIT_UNTIL (!cc_message_has_reaction (seen, THUMBS, ada_id));
  {
    g_autofree char *text = reaction_text (p.b, seen);

    g_assert_cmpstr (text, ==, THUMBS " 1 (You); " PARTY " 1 (You)");
  }

  /* A refusal is the server's sentence, and changes nothing. */
  react (p.a, sent, "ok", TRUE, "A reaction must be exactly one emoji.");
  g_assert_cmpuint (cc_message_get_n_reactions (sent), ==, 2);

  /* Offline: Bob's cache holds them. */
  g_clear_object (&tb);
  cc_test_client_quit (&p.b);
  p.b = cc_test_client_open (p.srv, CC_TEST_BOB_EMAIL, p.dir_b, p.login_b);
  tb = cc_client_get_timeline (p.b, room_id);
  seen = wait_message (p.b, tb, id);
  g_assert_false (cc_client_get_online (p.b));
  g_assert_cmpuint (cc_message_get_n_reactions (seen), ==, 2);
  {
    guint count = 0;

    g_assert_cmpstr (cc_message_get_reaction (seen, 0, &count, NULL), ==, THUMBS);
    g_assert_cmpuint (count, ==, 1);
    g_assert_true (cc_message_has_reaction (seen, PARTY, cc_test_pair_bob_id (&p)));
  }
  g_clear_object (&ta);
  g_clear_object (&tb);
  g_clear_object (&sent);
  cc_test_pair_clear (&p);
}

static void
test_read_at (void)
{
  CcTestPair p;
  g_autofree char *room_id = NULL;
  g_autoptr(CcTimeline) ta = NULL, tb = NULL;
  g_autoptr(CcMessage) first = NULL, second = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) readers = NULL;
  gint64 before = g_get_real_time () / 1000 - 1000;

  cc_test_pair_init (&p, 0);
  room_id = cc_test_pair_create_group (&p, "Reads");
  ta = cc_client_get_timeline (p.a, room_id);
  tb = cc_client_get_timeline (p.b, room_id);
  first = cc_test_send (p.a, room_id, "first");
  second = cc_test_send (p.a, room_id, "second");
  CC_TEST_WAIT_UNTIL (cc_message_get_seq (second) > 0);
  g_assert_cmpint (cc_message_get_read_at (second), ==, 0);

  /* Bob reads the first: it carries when; then the second takes over. */
  wait_message (p.b, tb, cc_message_get_id (second));
  cc_client_mark_read (p.b, room_id, cc_message_get_seq (first));
  CC_TEST_WAIT_UNTIL (cc_message_get_read_at (first) > 0);
  g_assert_cmpint (cc_message_get_read_at (first), >=, before);
  g_assert_cmpint (cc_message_get_read_at (second), ==, 0);
  cc_client_mark_read (p.b, room_id, cc_message_get_seq (second));
  CC_TEST_WAIT_UNTIL (cc_message_get_read_at (second) > 0);
  CC_TEST_WAIT_UNTIL (cc_message_get_read_at (first) == 0);

  /* Who read it, and when: Bob, not Ada herself. */
  cc_client_list_readers_async (p.a, first, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  readers = cc_client_list_readers_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (readers), ==, 1);
  {
    g_autoptr(CcReceipt) r = g_list_model_get_item (readers, 0);

    g_assert_cmpstr (cc_receipt_get_display_name (r), ==, "Bob Marley");
    g_assert_cmpstr (cc_receipt_get_user_id (r), ==, cc_test_pair_bob_id (&p));
    g_assert_cmpint (cc_receipt_get_read_at (r), >=, before);
    g_assert_cmpint (cc_receipt_get_read_at (r), <=, cc_message_get_read_at (second));
  }
  g_clear_object (&ta);
  g_clear_object (&tb);
  g_clear_object (&first);
  g_clear_object (&second);
  cc_test_pair_clear (&p);
}

static gint64
local_ms (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (y, mo, d, h, mi, 0);

  return g_date_time_to_unix (t) * 1000;
}

static void
test_format (void)
{
  gint64 now = local_ms (2026, 3, 11, 16, 30);
  g_autofree char *today = cc_format_read_at (local_ms (2026, 3, 11, 14, 2), now);
  g_autofree char *yesterday = cc_format_read_at (local_ms (2026, 3, 10, 9, 5), now);
  g_autofree char *earlier = cc_format_read_at (local_ms (2026, 3, 3, 14, 2), now);
  g_autofree char *last_year = cc_format_read_at (local_ms (2025, 3, 3, 14, 2), now);

  g_assert_cmpstr (today, ==, "Read 14:02");
  g_assert_cmpstr (yesterday, ==, "Read yesterday at 09:05");
  g_assert_cmpstr (earlier, ==, "Read on 3 March at 14:02");
  g_assert_cmpstr (last_year, ==, "Read on 3 March 2025 at 14:02");
  g_assert_null (cc_format_read_at (0, now));
}

int
main (int argc, char **argv)
{
  g_setenv ("LC_ALL", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/reactions/live-and-offline", test_live_and_offline);
  g_test_add_func ("/client/reactions/read-at", test_read_at);
  g_test_add_func ("/client/reactions/format", test_format);
  return g_test_run ();
}
