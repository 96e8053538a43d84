/* test-cc-agents.c: agents (issue 14) in the client core: the user and
 * message fields read from the wire and followed through edits; against
 * the real server, the tenant admin creates, lists, edits and removes an
 * agent and adds it to a room like a person, a member is refused; a
 * mention of the agent makes an answer that streams in (seen growing while
 * `streaming`, then ended) in both people's timelines, and a failing
 * model ends it with `agent_error`. The model is fake-openai.py, a real
 * HTTP server streaming server-sent events.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"
#include "cc-admin.h"
#include "cc-agents.h"
#include "cc-members.h"
#include "cc-test-client.h"
#include "cc-test-server.h"

#define ANSWER "Hello from the agent. The build is green and the tests pass."

static JsonObject *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* The fields, from the wire and through edits, without a server. */
static void
test_fields (void)
{
  g_autoptr(JsonObject) person = parse ("{\"id\": \"u1\", \"display_name\": \"Ada\", \"role\": \"admin\"}");
  g_autoptr(JsonObject) agent = parse ("{\"id\": \"u2\", \"display_name\": \"Architect\", \"kind\": \"agent\","
                                       " \"handle\": \"architect\", \"description\": \"Reviews designs\"}");
  g_autoptr(JsonObject) new_msg = parse ("{\"id\": \"m1\", \"room_id\": \"r\", \"seq\": 5, \"kind\": \"agent\","
                                         " \"sender\": {\"id\": \"u2\", \"display_name\": \"Architect\"},"
                                         " \"body\": \"\", \"streaming\": true}");
  g_autoptr(JsonObject) edit1 = parse ("{\"id\": \"m1\", \"body\": \"Hello\", \"streaming\": true}");
  g_autoptr(JsonObject) edit2 = parse ("{\"id\": \"m1\", \"body\": \"Hello there\", \"streaming\": false}");
  g_autoptr(JsonObject) failed = parse ("{\"id\": \"m1\", \"body\": \"The agent could not answer.\","
                                        " \"streaming\": false, \"agent_error\": \"The model did not answer in time.\"}");
  g_autoptr(CcUser) p = cc_user_new_from_json (person);
  g_autoptr(CcUser) a = cc_user_new_from_json (agent);
  g_autoptr(CcMessage) m = cc_message_new_from_json (new_msg);
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(CcMessage) again = NULL;
  guint streaming_notes = 0, body_notes = 0;

  /* A v1.0 server says no kind: a person. */
  g_assert_cmpstr (cc_user_get_kind (p), ==, "person");
  g_assert_false (cc_user_is_agent (p));
  g_assert_null (cc_user_get_handle (p));
  g_assert_cmpstr (cc_user_get_kind (a), ==, "agent");
  g_assert_true (cc_user_is_agent (a));
  g_assert_cmpstr (cc_user_get_handle (a), ==, "architect");
  g_assert_cmpstr (cc_user_get_description (a), ==, "Reviews designs");

  g_assert_cmpstr (cc_message_get_kind (m), ==, "agent");
  g_assert_true (cc_message_get_streaming (m));
  g_assert_cmpstr (cc_message_get_body (m), ==, "");
  g_assert_null (cc_message_get_agent_error (m));
  g_signal_connect (m, "notify::streaming", G_CALLBACK (count_notify_cb), &streaming_notes);
  g_signal_connect (m, "notify::body", G_CALLBACK (count_notify_cb), &body_notes);

  /* An edit that leaves out a field keeps it. */
  cc_message_update_from_json (m, edit1);
  g_assert_true (cc_message_get_streaming (m));
  g_assert_cmpstr (cc_message_get_body (m), ==, "Hello");
  g_assert_cmpstr (cc_message_get_kind (m), ==, "agent");
  g_assert_cmpuint (streaming_notes, ==, 0);
  g_assert_cmpuint (body_notes, ==, 1);

  /* The cache keeps what the row shows. */
  back = cc_message_to_json (m);
  again = cc_message_new_from_json (back);
  g_assert_true (cc_message_get_streaming (again));

  cc_message_update_from_json (m, edit2);
  g_assert_false (cc_message_get_streaming (m));
  g_assert_cmpstr (cc_message_get_body (m), ==, "Hello there");
  g_assert_cmpuint (streaming_notes, ==, 1);

  cc_message_update_from_json (m, failed);
  g_assert_cmpstr (cc_message_get_agent_error (m), ==, "The model did not answer in time.");
  g_assert_cmpstr (cc_message_get_body (m), ==, "The agent could not answer.");
}

/* The fake model ------------------------------------------------------------ */

typedef struct {
  GSubprocess *proc;
  char        *url;
} FakeModel;

static void
fake_model_start (FakeModel *fm)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fake-openai.py", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  const char *at;

  fm->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                               "/usr/bin/python3", script, "--delay", "0.3", "--answer", ANSWER, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fm->proc));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  at = strstr (line, "http://");
  g_assert_nonnull (at);
  fm->url = g_strdup (at);
}

static void
fake_model_stop (FakeModel *fm)
{
  g_subprocess_force_exit (fm->proc);
  g_subprocess_wait (fm->proc, NULL, NULL);
  g_clear_object (&fm->proc);
  g_clear_pointer (&fm->url, g_free);
}

/* Admin calls ---------------------------------------------------------------- */

static CcUser *
create_agent (CcClient   *client,
              const char *handle,
              const char *name,
              GError    **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  cc_client_create_agent_async (client, handle, name, "Reviews designs and plans",
                                "You are a careful software architect.", NULL,
                                NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  return cc_client_create_agent_finish (client, res, error);
}

static void
add_member (CcClient   *client,
            const char *room_id,
            const char *user_id)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cc_client_add_member_async (client, room_id, user_id, NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_member_op_finish (client, res, &error));
  g_assert_no_error (error);
}

static CcMember *
find_member (GListModel *members,
             const char *user_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(CcMember) m = g_list_model_get_item (members, i);

      if (g_strcmp0 (cc_member_get_user_id (m), user_id) == 0)
        return g_steal_pointer (&m);
    }
  return NULL;
}

static gboolean
has_member (GListModel *members,
            const char *user_id)
{
  g_autoptr(CcMember) m = find_member (members, user_id);

  return m != NULL;
}

static void
test_admin (void)
{
  CcTestPair p;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcUser) agent = NULL, refused = NULL, edited = NULL;
  g_autoptr(GAsyncResult) res = NULL, res2 = NULL, res3 = NULL, res4 = NULL;
  g_autoptr(GPtrArray) agents = NULL, after = NULL;
  g_autoptr(CcMember) member = NULL;
  g_autofree char *room_id = NULL;
  GListModel *members;
  CcUser *user;

  cc_test_pair_init (&p, 0);

  agent = create_agent (p.a, "@architect", "Architect", &error);
  g_assert_no_error (error);
  g_assert_true (cc_user_is_agent (agent));
  g_assert_cmpstr (cc_user_get_handle (agent), ==, "architect");
  g_assert_cmpstr (cc_user_get_display_name (agent), ==, "Architect");
  g_assert_cmpstr (cc_user_get_description (agent), ==, "Reviews designs and plans");

  /* The same handle again: refused, with a sentence. */
  refused = create_agent (p.a, "architect", "Architect Two", &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);

  /* A member may not create one. */
  refused = create_agent (p.b, "tester", "Tester", &error);
  g_assert_null (refused);
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_clear_error (&error);

  cc_client_list_agents_async (p.a, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  agents = cc_client_list_agents_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 1);
  g_assert_cmpstr (cc_user_get_id (agents->pdata[0]), ==, cc_user_get_id (agent));
  g_assert_cmpstr (cc_user_get_system_prompt (agents->pdata[0]), ==, "You are a careful software architect.");

  cc_client_update_agent_async (p.a, cc_user_get_id (agent), NULL, "Architect", "Reviews designs",
                                "Be brief.", NULL, NULL, cc_test_result_cb, &res2);
  CC_TEST_AWAIT (res2);
  edited = cc_client_update_agent_finish (p.a, res2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_user_get_description (edited), ==, "Reviews designs");
  g_assert_cmpstr (cc_user_get_handle (edited), ==, "architect");

  /* Added to a room like a person; Bob's member list shows what it is. */
  room_id = cc_test_pair_create_group (&p, "design");
  add_member (p.a, room_id, cc_user_get_id (agent));
  members = cc_client_get_members (p.b, room_id);
  CC_TEST_WAIT_UNTIL (has_member (members, cc_user_get_id (agent)));
  member = find_member (members, cc_user_get_id (agent));
  user = cc_member_get_user (member);
  g_assert_true (cc_user_is_agent (user));
  g_assert_cmpstr (cc_user_get_handle (user), ==, "architect");
  g_assert_cmpstr (cc_user_get_description (user), ==, "Reviews designs");
  /* People stay people. */
  {
    g_autoptr(CcMember) bob = find_member (members, cc_test_pair_bob_id (&p));

    g_assert_nonnull (bob);
    g_assert_false (cc_user_is_agent (cc_member_get_user (bob)));
  }

  cc_client_delete_agent_async (p.b, cc_user_get_id (agent), NULL, cc_test_result_cb, &res3);
  CC_TEST_AWAIT (res3);
  g_assert_false (cc_client_delete_agent_finish (p.b, res3, &error));
  g_assert_error (error, CAU_ERROR, CAU_ERROR_FORBIDDEN);
  g_clear_error (&error);

  cc_client_delete_agent_async (p.a, cc_user_get_id (agent), NULL, cc_test_result_cb, &res4);
  CC_TEST_AWAIT (res4);
  g_assert_true (cc_client_delete_agent_finish (p.a, res4, &error));
  g_assert_no_error (error);
  g_clear_pointer (&res, g_object_unref);
  cc_client_list_agents_async (p.a, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  after = cc_client_list_agents_finish (p.a, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 0);

  cc_test_pair_clear (&p);
}

/* Streaming -------------------------------------------------------------------- */

typedef struct {
  CcTimeline *timeline;
  const char *mention_id;
  gboolean    saw_empty_streaming;
  gboolean    saw_partial;       /* streaming, with part of the answer */
  gboolean    ended;
} Watch;

static CcMessage *
answer_in (CcTimeline *timeline)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (timeline));

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (timeline), i - 1);

      if (g_strcmp0 (cc_message_get_kind (m), "agent") == 0)
        return g_steal_pointer (&m);
    }
  return NULL;
}

/* Called at each turn of the main loop while waiting: notes what was seen. */
static gboolean
watch_until_ended (Watch *w)
{
  g_autoptr(CcMessage) m = answer_in (w->timeline);
  const char *body;

  if (m == NULL)
    return FALSE;
  body = cc_message_get_body (m) ? cc_message_get_body (m) : "";
  if (w->ended)
    return TRUE;
  if (cc_message_get_streaming (m))
    {
      if (*body == '\0')
        w->saw_empty_streaming = TRUE;
      else if (g_str_has_prefix (ANSWER, body) && strlen (body) < strlen (ANSWER))
        w->saw_partial = TRUE;
      return FALSE;
    }
  w->ended = TRUE;
  return TRUE;
}

static gboolean
ended_answer_to (CcTimeline *timeline,
                 const char *message_id)
{
  g_autoptr(CcMessage) m = answer_in (timeline);

  return m != NULL && g_strcmp0 (cc_message_get_reply_to_id (m), message_id) == 0 &&
         !cc_message_get_streaming (m);
}

static void
test_stream (void)
{
  FakeModel fm = { 0 };
  g_autofree char *config = NULL;
  CcTestPair p;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcUser) agent = NULL;
  g_autofree char *room_id = NULL;
  g_autoptr(CcMessage) mention = NULL, failing = NULL;
  g_autoptr(CcMessage) answer_a = NULL, answer_b = NULL, failed = NULL;
  CcTimeline *ta, *tb;
  Watch wa = { 0 }, wb = { 0 };

  fake_model_start (&fm);
  config = g_strdup_printf ("[agents]\nendpoint = %s\nmodel = fake\ncontext_messages = 10\n"
                            "timeout_seconds = 30\ninvocations_per_minute = 0\n", fm.url);
  cc_test_pair_init_full (&p, 0, config);

  agent = create_agent (p.a, "architect", "Architect", &error);
  g_assert_no_error (error);
  room_id = cc_test_pair_create_group (&p, "design");
  add_member (p.a, room_id, cc_user_get_id (agent));
  ta = cc_client_get_timeline (p.a, room_id);
  tb = cc_client_get_timeline (p.b, room_id);
  wa.timeline = ta;
  wb.timeline = tb;

  /* Bob asks; both see the answer grow, then end. */
  mention = cc_test_send (p.b, room_id, "@architect is the build green?");
  CC_TEST_WAIT_UNTIL (watch_until_ended (&wa) & watch_until_ended (&wb));
  answer_a = answer_in (ta);
  answer_b = answer_in (tb);
  g_assert_true (wa.saw_partial);
  g_assert_true (wb.saw_partial);
  g_assert_cmpstr (cc_message_get_body (answer_a), ==, ANSWER);
  g_assert_cmpstr (cc_message_get_body (answer_b), ==, ANSWER);
  g_assert_false (cc_message_get_streaming (answer_b));
  g_assert_null (cc_message_get_agent_error (answer_b));
  g_assert_cmpstr (cc_message_get_sender_id (answer_b), ==, cc_user_get_id (agent));
  g_assert_cmpstr (cc_message_get_reply_to_id (answer_b), ==, cc_message_get_id (mention));

  /* A model that fails: the answer ends with a sentence saying why. */
  failing = cc_test_send (p.a, room_id, "@architect please fail");
  CC_TEST_WAIT_UNTIL (ended_answer_to (tb, cc_message_get_id (failing)));
  failed = answer_in (tb);
  g_assert_nonnull (cc_message_get_agent_error (failed));
  g_assert_cmpstr (cc_message_get_agent_error (failed), !=, "");

  cc_test_pair_clear (&p);
  fake_model_stop (&fm);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/agents/fields", test_fields);
  g_test_add_func ("/client/agents/admin", test_admin);
  g_test_add_func ("/client/agents/stream", test_stream);
  return g_test_run ();
}
