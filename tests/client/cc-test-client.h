/* cc-test-client.h: a signed-in CcClient for tests against the real
 * server, driven without GTK. The token stays in memory (the keyring
 * tests are in test-cc-account.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"
#include "cc-test-server.h"

static inline JsonObject *
cc_test_login (CcTestServer *srv,
               const char   *email)
{
  g_autoptr(CcApi) api = cc_api_new (srv->url);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *answer;

  json_object_set_string_member (body, "tenant", CC_TEST_TENANT);
  json_object_set_string_member (body, "email", email);
  json_object_set_string_member (body, "password", CC_TEST_PASSWORD);
  cc_api_request_async (api, "POST", "/api/auth/login", body, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  answer = cc_api_request_finish_object (api, res, &error);
  g_assert_no_error (error);
  return answer;
}

/* Opens (but does not start) a client for @email with its data in @dir. */
static inline CcClient *
cc_test_client_open (CcTestServer *srv,
                     const char   *email,
                     const char   *dir,
                     JsonObject   *login)
{
  g_autoptr(CcAccount) account = cc_account_new (srv->url, CC_TEST_TENANT, email);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcClient *client;

  cc_account_set_token (account, json_object_get_string_member (login, "token"),
                        json_object_get_object_member (login, "user"));
  client = cc_client_new (account, dir);
  cc_client_open_async (client, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_client_open_finish (client, res, &error));
  g_assert_no_error (error);
  cc_sync_set_backoff (cc_client_get_sync (client), 20, 200);
  return client;
}

static inline void
cc_test_client_go_online (CcClient *client)
{
  cc_client_start (client);
  CC_TEST_WAIT_UNTIL (cc_client_get_online (client));
}

/* Stops the client the way quitting the app does and drops it. */
static inline void
cc_test_client_quit (CcClient **client)
{
  CcCache *cache;
  g_autoptr(GAsyncResult) res = NULL;

  if (*client == NULL)
    return;
  cc_client_stop (*client);
  /* Let queued cache writes land: the worker runs jobs in order. */
  cache = cc_client_get_cache (*client);
  cc_cache_get_last_seq_async (cache, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  CC_TEST_WAIT_UNTIL (!cc_outbox_get_sending (cc_client_get_outbox (*client)));
  g_clear_object (client);
}

/* Sends @body to @room_id; the message as the timeline shows it (pending
 * until the server acks it). */
static inline CcMessage *
cc_test_send (CcClient   *client,
              const char *room_id,
              const char *body)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CcMessage *message;

  cc_client_send_message_async (client, room_id, body, NULL, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  message = cc_client_send_message_finish (client, res, &error);
  g_assert_no_error (error);
  return message;
}

/* The bodies shown in @timeline, as "a|b|c": pending ones end with "…",
 * failed ones with "!", deleted ones read "(deleted)". */
static inline char *
cc_test_timeline_text (CcTimeline *timeline)
{
  GString *s = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (timeline));
  guint shown = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (G_LIST_MODEL (timeline), i);

      if (g_strcmp0 (cc_message_get_kind (m), "system") == 0)
        continue;
      if (shown++ > 0)
        g_string_append_c (s, '|');
      g_string_append (s, cc_message_get_deleted (m) ? "(deleted)" : cc_message_get_body (m));
      if (cc_message_get_state (m) == CC_MESSAGE_STATE_PENDING)
        g_string_append (s, "…");
      else if (cc_message_get_state (m) == CC_MESSAGE_STATE_FAILED)
        g_string_append (s, "!");
    }
  return g_string_free (s, FALSE);
}

/* Ada (a) and Bob (b), each signed in on a client of their own, with its
 * own data folder, against one real server, and online. @keep is the
 * server's event retention (cc_test_server_new()). */
typedef struct {
  CcTestServer *srv;
  char         *dir_a;
  char         *dir_b;
  JsonObject   *login_a;
  JsonObject   *login_b;
  CcClient     *a;
  CcClient     *b;
} CcTestPair;

static inline void
cc_test_pair_init_full (CcTestPair *p,
                        guint       keep,
                        const char *extra_config)
{
  p->srv = cc_test_server_new_full (keep, extra_config);
  p->dir_a = cc_test_make_tmpdir ();
  p->dir_b = cc_test_make_tmpdir ();
  p->login_a = cc_test_login (p->srv, CC_TEST_ADA_EMAIL);
  p->login_b = cc_test_login (p->srv, CC_TEST_BOB_EMAIL);
  p->a = cc_test_client_open (p->srv, CC_TEST_ADA_EMAIL, p->dir_a, p->login_a);
  p->b = cc_test_client_open (p->srv, CC_TEST_BOB_EMAIL, p->dir_b, p->login_b);
  cc_test_client_go_online (p->a);
  cc_test_client_go_online (p->b);
}

static inline void
cc_test_pair_init (CcTestPair *p,
                   guint       keep)
{
  cc_test_pair_init_full (p, keep, NULL);
}

static inline void
cc_test_pair_clear (CcTestPair *p)
{
  cc_test_client_quit (&p->a);
  cc_test_client_quit (&p->b);
  cc_test_server_free (p->srv);
  cc_test_rm_rf (p->dir_a);
  cc_test_rm_rf (p->dir_b);
  g_free (p->dir_a);
  g_free (p->dir_b);
  json_object_unref (p->login_a);
  json_object_unref (p->login_b);
}

static inline const char *
cc_test_pair_bob_id (CcTestPair *p)
{
  return json_object_get_string_member (json_object_get_object_member (p->login_b, "user"), "id");
}

/* Ada creates a group named @name with Bob; returns its id once both see it. */
static inline char *
cc_test_pair_create_group (CcTestPair *p,
                           const char *name)
{
  const char *members[] = { cc_test_pair_bob_id (p), NULL };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcRoom) room = NULL;
  char *room_id;

  cc_client_create_room_async (p->a, "group", name, NULL, FALSE, members, NULL,
                               cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  room = cc_client_create_room_finish (p->a, res, &error);
  g_assert_no_error (error);
  room_id = g_strdup (cc_room_get_id (room));
  g_assert_true (cc_client_lookup_room (p->a, room_id) == room);
  CC_TEST_WAIT_UNTIL (cc_client_lookup_room (p->b, room_id) != NULL);
  g_assert_cmpstr (cc_room_get_name (cc_client_lookup_room (p->b, room_id)), ==, name);
  return room_id;
}
