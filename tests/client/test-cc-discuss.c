/* test-cc-discuss.c: "Discuss" in the client core against the real server:
 * the link's rules (each malformed link refused with a sentence), a room
 * tied to an object with the people named, a message citing it that waits
 * offline in the outbox across a restart and leaves with its context, and
 * the look-up of what is tied to the object.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cc-discuss.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

#include <string.h>

#define GOOD "causerie://discuss?server=https%3A%2F%2Fchat.example%2F&entity_type=crm.deal&entity_id=D%2F42" \
             "&label=ACME+renewal&url=https%3A%2F%2Fcrm.example%2Fdeals%2F42&with=Bob%40acme.test,ann%40acme.test&with=eve%40acme.test"

static void
test_link_rules (void)
{
  g_autoptr(CcDiscussLink) link = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = {
    "https://chat.example/discuss?entity_type=a",
    "causerie://invite/abc?server=https://chat.example",
    "causerie://discuss",
    "causerie://discuss?entity_type=deal&entity_id=1&label=x",
    "causerie://discuss?server=https://chat.example&entity_id=1&label=x",
    "causerie://discuss?server=https://chat.example&entity_type=deal&label=x",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=1",
    "causerie://discuss?server=ftp://chat.example&entity_type=deal&entity_id=1&label=x",
    "causerie://discuss?server=chat.example&entity_type=deal&entity_id=1&label=x",
    "causerie://discuss?server=https://chat.example&entity_type=Deal&entity_id=1&label=x",
    "causerie://discuss?server=https://chat.example&entity_type=9deal&entity_id=1&label=x",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=&label=x",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=1&label=",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=1&label=a%0Ab",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=1&label=x&url=javascript:alert(1)",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=1&label=x&url=file:///etc/passwd",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=1&label=x&with=not-an-address",
    "causerie://discuss?server=https://chat.example&entity_type=deal&entity_id=1&label=x%ZZ",
    NULL
  };

  link = cc_discuss_link_parse (GOOD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (link->server, ==, "https://chat.example");
  g_assert_cmpstr (link->context->entity_type, ==, "crm.deal");
  g_assert_cmpstr (link->context->entity_id, ==, "D/42");
  g_assert_cmpstr (link->context->label, ==, "ACME renewal");
  g_assert_cmpstr (link->context->url, ==, "https://crm.example/deals/42");
  g_assert_cmpuint (g_strv_length (link->with), ==, 3);
  g_assert_cmpstr (link->with[0], ==, "bob@acme.test");
  g_assert_cmpstr (link->with[2], ==, "eve@acme.test");
  g_assert_true (cc_discuss_link_is_discuss (GOOD));
  g_assert_true (cc_discuss_link_check_server (link, "https://chat.example/", NULL));
  g_assert_false (cc_discuss_link_check_server (link, "https://other.example", &error));
  g_assert_nonnull (strstr (error->message, "other.example"));
  g_clear_error (&error);

  for (guint i = 0; bad[i]; i++)
    {
      g_autoptr(CcDiscussLink) refused = cc_discuss_link_parse (bad[i], &error);

      g_assert_null (refused);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", bad[i], error->message);
      g_assert_cmpuint (strlen (error->message), >, 20);
      g_assert_true (g_str_has_suffix (error->message, "."));
      g_clear_error (&error);
    }
}

static CauContext *
deal (void)
{
  return cau_context_new ("crm.deal", "D-42", "ACME renewal", "https://crm.example/deals/42", NULL);
}

static void
test_tied_room_and_cited_offline (void)
{
  CcTestPair p;
  g_autoptr(CauContext) context = deal ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(CcRoom) room = NULL;
  g_autoptr(CcMessage) pending = NULL;
  g_autoptr(GListModel) rooms = NULL, messages = NULL;
  g_autoptr(CauContext) tied = NULL;
  const char *emails[] = { "BOB@acme.test", CC_TEST_ADA_EMAIL, NULL };
  const char *nobody[] = { "nobody@acme.test", NULL };
  const char *member_ids[2] = { NULL, NULL };
  g_autoptr(CcMessage) found = NULL;
  char *room_id;

  cc_test_pair_init (&p, 0);

  /* The people named: Bob found by his address, Ada (herself) skipped. */
  cc_client_resolve_emails_async (p.a, emails, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  people = cc_client_resolve_emails_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 1);
  g_assert_cmpstr (cc_user_get_id (g_ptr_array_index (people, 0)), ==, cc_test_pair_bob_id (&p));
  g_clear_object (&res);
  cc_client_resolve_emails_async (p.a, nobody, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_null (cc_client_resolve_emails_finish (p.a, res, &error));
  g_assert_nonnull (strstr (error->message, "nobody@acme.test"));
  g_clear_error (&error);
  g_clear_object (&res);

  /* A room tied to the deal, with Bob. */
  member_ids[0] = cc_user_get_id (g_ptr_array_index (people, 0));
  cc_client_create_tied_room_async (p.a, "group", "ACME renewal", NULL, FALSE, member_ids, context,
                                    NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_create_room_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_clear_object (&res);
  tied = cc_room_dup_context (room);
  g_assert_true (cau_context_same_entity (tied, context));
  g_assert_cmpstr (tied->url, ==, "https://crm.example/deals/42");
  room_id = g_strdup (cc_room_get_id (room));
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p.b, room_id) != NULL);

  /* Offline, Ada cites the deal; the app quits and comes back. */
  cc_client_stop (p.a);
  CC_TEST_WAIT_UNTIL (!cc_client_get_online (p.a));
  cc_client_send_cited_async (p.a, room_id, "Renewal signed?", NULL, context, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  pending = cc_client_send_message_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_clear_object (&res);
  g_assert_true (cau_context_same_entity (cc_message_get_context (pending), context));
  g_clear_object (&pending);
  cc_test_client_quit (&p.a);
  p.a = cc_test_client_open (p.srv, CC_TEST_ADA_EMAIL, p.dir_a, p.login_a);
  cc_test_client_go_online (p.a);

  /* It left with its context: Bob finds it by the deal. */
  CC_TEST_WAIT_UNTIL (g_strcmp0 (cc_room_get_last_message_excerpt (cc_client_lookup_room (p.b, room_id)),
                                 "Renewal signed?") == 0);
  cc_client_lookup_context_async (p.b, context, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_lookup_context_finish (p.b, res, &rooms, &messages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 1);
  found = g_list_model_get_item (messages, 0);
  g_assert_cmpstr (cc_message_get_body (found), ==, "Renewal signed?");
  g_assert_true (cau_context_same_entity (cc_message_get_context (found), context));
  g_assert_cmpstr (cc_message_get_context (found)->label, ==, "ACME renewal");

  g_free (room_id);
  cc_test_pair_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-core/discuss/link-rules", test_link_rules);
  g_test_add_func ("/client-core/discuss/tied-room-and-cited-offline", test_tied_room_and_cited_offline);
  return g_test_run ();
}
