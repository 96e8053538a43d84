/* test-server-three-nodes.c: three real causerie-server processes on one
 * PostgreSQL database (CAUSERIE_TEST_STORAGE=postgresql: a private cluster)
 * and one private Redis ([bus] redis), sharing one attachments folder, as
 * the README's "Three nodes" runs them.
 *
 * What a user sees: one sign-in on node 1 works on every node; a message
 * posted on node 1 reaches sockets on nodes 2 and 3 live, in seq order,
 * once (the sender's other device with its txn_id); typing crosses nodes; a file uploaded on one node downloads from
 * another; a node killed with SIGKILL while the two others take 300
 * messages loses none: their sockets get all of them live, and the killed
 * node's client resumes on another node with `sync`, missing nothing,
 * getting nothing twice, in strictly increasing seq; with Redis killed and
 * started again, what was committed meanwhile reaches every node from the
 * store (the gap fetch), in order, once; a logout on one node closes that
 * session's sockets on the others; an invitation's mail is sent once,
 * by one node; a mention of an agent is answered once, by the node that
 * stored it.
 *
 * Skipped (77) without PostgreSQL 15 (cs-test.c) or redis-server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cs-test.h"
#include "cs-test-services.h"

#define N_NODES   3
#define PER_NODE  150   /* nodes 1 and 2 each take this many: 300 in all */
#define WAIT_MS   30000
#define OUTAGE_N  1010  /* messages while Redis is away: more than one gap fetch reads */ /* what a frame may take before the test gives up (a hang, not a measure) */

/* Polls (a hang fails the test's meson timeout, not a threshold). */
#define WAIT_FOR(cond) G_STMT_START { while (!(cond)) cs_test_spin (20); } G_STMT_END

static gboolean
metric_is (CsTestServer *s,
           const char   *line)
{
  g_autofree char *text = cs_test_metrics (s);

  return strstr (text, line) != NULL;
}

/* A socket that synced from its `ready` seq: live from there. */
static CsTestWs *
live_ws (CsTestServer *s,
         const char   *token)
{
  CsTestWs *ws = cs_test_ws_connect (s, token);
  g_autoptr(JsonObject) ready = NULL;
  g_autoptr(JsonObject) synced = NULL;
  g_autofree char *sync = NULL;

  g_assert_nonnull (ws);
  ready = cs_test_ws_wait (ws, "ready", WAIT_MS);
  g_assert_nonnull (ready);
  sync = g_strdup_printf ("{\"type\":\"sync\",\"since\":%" G_GINT64_FORMAT "}",
                          json_object_get_int_member (ready, "seq"));
  cs_test_ws_send (ws, sync);
  synced = cs_test_ws_wait (ws, "synced", WAIT_MS);
  g_assert_nonnull (synced);
  return ws;
}

/* What one socket was sent of the room's messages. */
typedef struct {
  gint64      last_seq;    /* the highest seq of any stored event it got */
  GHashTable *bodies;      /* body -> its seq: a body twice fails */
  GPtrArray  *seqs;        /* message.new seqs, in the order they came */
} Got;

static void
got_init (Got   *got,
          gint64 since)
{
  got->last_seq = since;
  got->bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  got->seqs = g_ptr_array_new ();
}

static void
got_clear (Got *got)
{
  g_hash_table_unref (got->bodies);
  g_ptr_array_unref (got->seqs);
}

/* Takes one frame: stored events in strictly increasing seq, each
 * message once. Returns FALSE on `synced` (the end of a replay). */
static gboolean
got_frame (Got        *got,
           JsonObject *frame)
{
  const char *type = json_object_get_string_member (frame, "type");

  g_assert_cmpstr (type, !=, "resync_required");
  if (g_str_equal (type, "synced"))
    return FALSE;
  if (json_object_has_member (frame, "seq") && !g_str_equal (type, "ready"))
    {
      gint64 seq = json_object_get_int_member (frame, "seq");

      g_assert_cmpint (seq, >, got->last_seq);
      got->last_seq = seq;
      if (g_str_equal (type, "message.new"))
        {
          JsonObject *data = json_object_get_object_member (frame, "data");
          const char *body = json_object_get_string_member (data, "body");

          if (g_hash_table_contains (got->bodies, body))
            g_error ("“%s” was sent twice on one socket", body);
          g_hash_table_insert (got->bodies, g_strdup (body), GINT_TO_POINTER (1));
          g_ptr_array_add (got->seqs, GSIZE_TO_POINTER ((gsize) seq));
        }
    }
  return TRUE;
}

/* Reads live frames until @body has come. */
static void
got_until (Got        *got,
           CsTestWs   *ws,
           const char *body)
{
  while (!g_hash_table_contains (got->bodies, body))
    {
      g_autoptr(JsonObject) frame = cs_test_ws_next (ws, WAIT_MS);

      if (frame == NULL)
        g_error ("“%s” never came (%u messages came)", body, got->seqs->len);
      got_frame (got, frame);
    }
}

static gint64
post (CsTestServer *s,
      const char   *token,
      const char   *room,
      const char   *txn,
      const char   *body)
{
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", room);
  g_autofree char *json = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"%s\"}", txn, body);
  g_autoptr(JsonObject) msg = cs_test_call (s, "POST", path, token, json, 201);

  return json_object_get_int_member (msg, "seq");
}

typedef struct {
  CsTestServer *server;
  const char   *token;
  const char   *room;
  guint         node;
} Poster;

static gpointer
post_all (gpointer data)
{
  Poster *p = data;

  for (guint i = 0; i < PER_NODE; i++)
    {
      g_autofree char *txn = g_strdup_printf ("storm-%u-%u", p->node, i);
      g_autofree char *body = g_strdup_printf ("storm %u %u", p->node, i);

      post (p->server, p->token, p->room, txn, body);
    }
  return NULL;
}

typedef struct {
  CsTestRedis  *redis;
  char         *folder;     /* the attachments every node shares */
  CsTestServer *node[N_NODES];
  char         *room;
  char         *alice, *alice_id;
  char         *bob, *bob_id;
  char         *carol, *carol_id;
} Nodes;

/* More configuration for every node of the next nodes_init (or NULL). */
static const char *nodes_extra;

static char *
node_config (Nodes      *n,
             const char *conninfo)
{
  g_autofree char *storage = conninfo ? g_strdup_printf ("[storage]\npostgresql=%s\n", conninfo) : g_strdup ("");

  return g_strdup_printf ("[limits]\nmessages_per_minute=0\n[bus]\nredis=%s\n[metrics]\nlisten=127.0.0.1:0\n"
                          "[attachments]\ndir=%s\n%s%s", n->redis->url, n->folder, storage,
                          nodes_extra ? nodes_extra : "");
}

static gboolean
nodes_init (Nodes *n)
{
  g_autofree char *why = NULL;
  g_autofree char *first = NULL;
  g_autofree char *others = NULL;

  memset (n, 0, sizeof *n);
  if (!cs_test_storage_is_postgresql ())
    {
      g_test_skip ("Nodes share a store only with CAUSERIE_TEST_STORAGE=postgresql (suite postgresql).");
      return FALSE;
    }
  n->redis = cs_test_redis_start (&why);
  if (n->redis == NULL)
    {
      g_test_skip (why);
      return FALSE;
    }
  n->folder = g_dir_make_tmp ("causerie-nodes-attachments-XXXXXX", NULL);
  first = node_config (n, NULL);
  n->node[0] = cs_test_server_new (first);
  others = node_config (n, n->node[0]->pg_conninfo);
  for (guint i = 1; i < N_NODES; i++)
    {
      g_autofree char *key = g_build_filename (n->node[0]->data_dir, "db", "seal.key", NULL);
      g_autofree char *copy = NULL;
      g_autofree char *bytes = NULL;
      gsize len = 0;
      g_autoptr(GError) error = NULL;

      /* One seal.key for all (README, "Several nodes"): any node's mailer
       * may send an invitation another node sealed. */
      n->node[i] = cs_test_server_new (others);
      cs_test_server_stop (n->node[i], FALSE);
      copy = g_build_filename (n->node[i]->data_dir, "db", "seal.key", NULL);
      g_file_get_contents (key, &bytes, &len, &error);
      g_assert_no_error (error);
      g_file_set_contents_full (copy, bytes, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
      g_assert_no_error (error);
      cs_test_server_start (n->node[i]);
    }
  /* Every account and session is made on node 1 once all three run: a
   * token not in a node's memory is looked up in the shared store, so one
   * sign-in works on every node. */
  n->alice = cs_test_tenant (n->node[0], "Acme", "alice@acme.test");
  n->bob = cs_test_user (n->node[0], "Acme", "bob@acme.test", "Bob", "member", &n->bob_id);
  n->carol = cs_test_user (n->node[0], "Acme", "carol@acme.test", "Carol", "member", &n->carol_id);
  {
    g_autofree char *login = cs_test_login (n->node[0], "Acme", "alice@acme.test", &n->alice_id);
  }
  n->room = cs_test_room (n->node[0], n->alice, "group", "Launch", n->bob_id);
  {
    g_autofree char *path = g_strdup_printf ("/api/rooms/%s/members", n->room);
    g_autofree char *body = g_strdup_printf ("{\"user_id\":\"%s\"}", n->carol_id);
    guint status = 0;
    JsonNode *node = cs_test_http (n->node[0], "POST", path, n->alice, body, &status);

    g_assert_cmpuint (status / 100, ==, 2);
    g_clear_pointer (&node, json_node_unref);
  }
  for (guint i = 0; i < N_NODES; i++)
    WAIT_FOR (metric_is (n->node[i], "causerie_bus_up 1\n"));
  return TRUE;
}

static void
nodes_clear (Nodes *n)
{
  for (guint i = 0; i < N_NODES; i++)
    g_clear_pointer (&n->node[i], cs_test_server_free);
  g_clear_pointer (&n->redis, cs_test_redis_free);
  if (n->folder)
    {
      g_autoptr(GDir) dir = g_dir_open (n->folder, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *path = g_build_filename (n->folder, name, NULL);

          g_unlink (path);
        }
      g_rmdir (n->folder);
    }
  g_free (n->folder);
  g_free (n->room);
  g_free (n->alice); g_free (n->alice_id);
  g_free (n->bob); g_free (n->bob_id);
  g_free (n->carol); g_free (n->carol_id);
}

/* A message posted on node 1 reaches sockets on nodes 2 and 3 live, in
 * order, once; the sender's socket on node 2 gets its own copy (txn_id);
 * typing crosses nodes; a file uploaded on node 2 downloads from node 3. */
static void
test_live (void)
{
  Nodes n;
  g_autoptr(CsTestWs) bob2 = NULL;
  g_autoptr(CsTestWs) bob3 = NULL;
  g_autoptr(CsTestWs) alice2 = NULL;
  g_autoptr(CsTestWs) carol3 = NULL;
  Got g2, g3;
  gint64 seqs[5];

  if (!nodes_init (&n))
    return;
  bob2 = live_ws (n.node[1], n.bob);
  bob3 = live_ws (n.node[2], n.bob);
  alice2 = live_ws (n.node[1], n.alice);
  carol3 = live_ws (n.node[2], n.carol);
  got_init (&g2, 0);
  got_init (&g3, 0);

  for (guint i = 0; i < G_N_ELEMENTS (seqs); i++)
    {
      g_autofree char *txn = g_strdup_printf ("live-%u", i);
      g_autofree char *body = g_strdup_printf ("live %u", i);

      seqs[i] = post (n.node[0], n.alice, n.room, txn, body);
    }
  got_until (&g2, bob2, "live 4");
  got_until (&g3, bob3, "live 4");
  g_assert_cmpuint (g2.seqs->len, ==, G_N_ELEMENTS (seqs));
  g_assert_cmpuint (g3.seqs->len, ==, G_N_ELEMENTS (seqs));
  for (guint i = 0; i < G_N_ELEMENTS (seqs); i++)
    {
      g_assert_cmpint (GPOINTER_TO_SIZE (g_ptr_array_index (g2.seqs, i)), ==, seqs[i]);
      g_assert_cmpint (GPOINTER_TO_SIZE (g_ptr_array_index (g3.seqs, i)), ==, seqs[i]);
    }

  /* Alice's own socket on node 2: her copy, with the txn_id she sent. */
  {
    g_autoptr(JsonObject) frame = cs_test_ws_wait (alice2, "message.new", WAIT_MS);
    JsonObject *data;

    g_assert_nonnull (frame);
    data = json_object_get_object_member (frame, "data");
    g_assert_cmpstr (json_object_get_string_member (data, "body"), ==, "live 0");
    g_assert_cmpstr (json_object_get_string_member_with_default (data, "txn_id", ""), ==, "live-0");
  }

  /* Nothing more comes: each once. */
  {
    g_autoptr(JsonObject) extra = cs_test_ws_wait (bob2, "message.new", 500);

    g_assert_null (extra);
  }

  /* A socket opening on node 3, which has stored nothing itself, is told
   * it is live from the last seq the others committed, not from node 3's
   * own head: a client that trusts `ready` misses nothing. */
  {
    g_autoptr(CsTestWs) late = cs_test_ws_connect (n.node[2], n.bob);
    g_autoptr(JsonObject) ready = NULL;

    g_assert_nonnull (late);
    ready = cs_test_ws_wait (late, "ready", WAIT_MS);
    g_assert_nonnull (ready);
    g_assert_cmpint (json_object_get_int_member (ready, "seq"), >=, seqs[G_N_ELEMENTS (seqs) - 1]);
  }

  /* Typing on node 2 reaches Carol on node 3. */
  {
    g_autofree char *typing = g_strdup_printf ("{\"type\":\"typing\",\"room_id\":\"%s\",\"typing\":true}", n.room);
    g_autoptr(JsonObject) frame = NULL;

    cs_test_ws_send (bob2, typing);
    frame = cs_test_ws_wait (carol3, "typing", WAIT_MS);
    g_assert_nonnull (frame);
    g_assert_cmpstr (json_object_get_string_member (frame, "user_id"), ==, n.bob_id);
    g_assert_cmpstr (json_object_get_string_member (frame, "room_id"), ==, n.room);
  }

  /* A file Bob uploads on node 2 downloads from node 3, byte for byte (an
   * upload not yet sent in a message is its uploader's alone). */
  {
    g_autofree char *url = g_strdup_printf ("%s/api/rooms/%s/attachments", n.node[1]->base, n.room);
    g_autofree char *auth = g_strdup_printf ("Bearer %s", n.bob);
    g_autofree char *get_url = NULL;
    g_autoptr(SoupMessage) up = soup_message_new ("POST", url);
    g_autoptr(SoupMessage) down = NULL;
    g_autoptr(GBytes) body = g_bytes_new_static ("the plan, version 3\n", 20);
    g_autoptr(GBytes) reply = NULL, got = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    const char *id;

    soup_message_headers_replace (soup_message_get_request_headers (up), "Authorization", auth);
    soup_message_headers_replace (soup_message_get_request_headers (up), "Content-Disposition",
                                  "attachment; filename=\"plan.txt\"");
    soup_message_set_request_body_from_bytes (up, "text/plain", body);
    reply = soup_session_send_and_read (n.node[1]->session, up, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (up), ==, 201);
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                               (gssize) g_bytes_get_size (reply), NULL));
    id = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "id");
    g_assert_nonnull (id);
    get_url = g_strdup_printf ("%s/api/attachments/%s", n.node[2]->base, id);
    down = soup_message_new ("GET", get_url);
    soup_message_headers_replace (soup_message_get_request_headers (down), "Authorization", auth);
    got = soup_session_send_and_read (n.node[2]->session, down, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (down), ==, 200);
    g_assert_true (g_bytes_equal (got, body));
  }

  got_clear (&g2);
  got_clear (&g3);
  nodes_clear (&n);
}

/* Node 3 is killed (SIGKILL) while nodes 1 and 2 take 300 messages: the
 * sockets on nodes 1 and 2 get all of them live, in seq order, once; Bob,
 * whose socket was on node 3, resumes on node 1 with `sync` from the last
 * seq he had: the rest, nothing twice, strictly increasing. */
static void
test_kill_node (void)
{
  Nodes n;
  g_autoptr(CsTestWs) bob3 = NULL;
  g_autoptr(CsTestWs) bob1 = NULL;
  g_autoptr(CsTestWs) carol1 = NULL;
  g_autoptr(CsTestWs) carol2 = NULL;
  Poster p1, p2;
  GThread *t1, *t2;
  Got gb, g1, g2;
  g_autofree char *sync = NULL;

  if (!nodes_init (&n))
    return;
  bob3 = live_ws (n.node[2], n.bob);
  carol1 = live_ws (n.node[0], n.carol);
  carol2 = live_ws (n.node[1], n.carol);
  got_init (&gb, 0);
  got_init (&g1, 0);
  got_init (&g2, 0);

  /* Each poster uses its own node's HTTP session, on its own thread; this
   * thread reads the sockets. */
  p1 = (Poster) { n.node[0], n.alice, n.room, 1 };
  p2 = (Poster) { n.node[1], n.bob, n.room, 2 };
  t1 = g_thread_new ("post-node-1", post_all, &p1);
  t2 = g_thread_new ("post-node-2", post_all, &p2);

  /* Bob on node 3 reads some, then node 3 dies. */
  while (gb.seqs->len < 40)
    {
      g_autoptr(JsonObject) frame = cs_test_ws_next (bob3, WAIT_MS);

      g_assert_nonnull (frame);
      got_frame (&gb, frame);
    }
  cs_test_server_stop (n.node[2], TRUE);
  /* What the socket had queued before the kill may still be read. */
  for (;;)
    {
      g_autoptr(JsonObject) frame = cs_test_ws_next (bob3, 200);

      if (frame == NULL)
        break;
      got_frame (&gb, frame);
    }

  /* The survivors' sockets, meanwhile, get everything live. */
  {
    g_autofree char *last1 = g_strdup_printf ("storm 1 %u", PER_NODE - 1);
    g_autofree char *last2 = g_strdup_printf ("storm 2 %u", PER_NODE - 1);

    got_until (&g1, carol1, last1);
    got_until (&g1, carol1, last2);
    got_until (&g2, carol2, last1);
    got_until (&g2, carol2, last2);
  }
  g_thread_join (t1);
  g_thread_join (t2);
  g_assert_cmpuint (g1.seqs->len, ==, 2 * PER_NODE);
  g_assert_cmpuint (g2.seqs->len, ==, 2 * PER_NODE);
  for (guint i = 0; i < 2 * PER_NODE; i++)
    g_assert_true (g_ptr_array_index (g1.seqs, i) == g_ptr_array_index (g2.seqs, i));

  /* Bob resumes on node 1 from the last seq he had. */
  bob1 = cs_test_ws_connect (n.node[0], n.bob);
  g_assert_nonnull (bob1);
  g_assert_nonnull (cs_test_ws_wait (bob1, "ready", WAIT_MS));
  sync = g_strdup_printf ("{\"type\":\"sync\",\"since\":%" G_GINT64_FORMAT "}", gb.last_seq);
  cs_test_ws_send (bob1, sync);
  for (;;)
    {
      g_autoptr(JsonObject) frame = cs_test_ws_next (bob1, WAIT_MS);

      g_assert_nonnull (frame);
      if (!got_frame (&gb, frame))
        break;
    }
  /* Every one of the 300, once (got_frame refused a second), in order. */
  g_assert_cmpuint (gb.seqs->len, ==, 2 * PER_NODE);
  for (guint node = 1; node <= 2; node++)
    for (guint i = 0; i < PER_NODE; i++)
      {
        g_autofree char *body = g_strdup_printf ("storm %u %u", node, i);

        g_assert_true (g_hash_table_contains (gb.bodies, body));
      }
  for (guint i = 0; i < 2 * PER_NODE; i++)
    g_assert_true (g_ptr_array_index (gb.seqs, i) == g_ptr_array_index (g1.seqs, i));

  got_clear (&gb);
  got_clear (&g1);
  got_clear (&g2);
  nodes_clear (&n);
}

/* Redis killed mid-stream and started again: what nodes 1 and 2 committed
 * while it was away (more than one fetch reads: 1000) reaches the sockets
 * of node 3 from the store, in order, once, followed by what comes
 * after. A logout on node
 * 1 then closes that session's socket on node 2, and no other. */
static void
test_redis_restart_and_logout (void)
{
  Nodes n;
  g_autoptr(CsTestWs) bob3 = NULL;
  g_autoptr(CsTestWs) carol2 = NULL;
  g_autoptr(CsTestWs) bob2 = NULL;
  Got g3;
  gint64 posted[OUTAGE_N + 2];
  gint64 fetches_before;

  if (!nodes_init (&n))
    return;
  bob3 = live_ws (n.node[2], n.bob);
  got_init (&g3, 0);
  posted[0] = post (n.node[0], n.alice, n.room, "before", "before the outage");
  got_until (&g3, bob3, "before the outage");
  fetches_before = cs_test_metric_value (n.node[2], "causerie_bus_gap_fetches_total");

  cs_test_redis_stop (n.redis, TRUE);
  for (guint i = 0; i < N_NODES; i++)
    WAIT_FOR (metric_is (n.node[i], "causerie_bus_up 0\n"));
  /* Committed on nodes 1 and 2 while no bus carries them. */
  for (guint i = 0; i < OUTAGE_N; i++)
    {
      g_autofree char *txn = g_strdup_printf ("down-%u", i);
      g_autofree char *body = g_strdup_printf ("during the outage %u", i);

      posted[1 + i] = post (n.node[i % 2], i % 2 ? n.bob : n.alice, n.room, txn, body);
    }
  cs_test_redis_restart (n.redis);
  for (guint i = 0; i < N_NODES; i++)
    WAIT_FOR (metric_is (n.node[i], "causerie_bus_up 1\n"));
  posted[OUTAGE_N + 1] = post (n.node[0], n.alice, n.room, "after", "after the outage");
  got_until (&g3, bob3, "after the outage");
  g_assert_cmpuint (g3.seqs->len, ==, G_N_ELEMENTS (posted));
  for (guint i = 0; i < G_N_ELEMENTS (posted); i++)
    g_assert_cmpint (GPOINTER_TO_SIZE (g_ptr_array_index (g3.seqs, i)), ==, posted[i]);
  /* They came from the store, the bus never carried them: two reads at
   * least (1000 at most each). */
  g_assert_cmpint (cs_test_metric_value (n.node[2], "causerie_bus_gap_fetches_total"), >=, fetches_before + 2);

  /* A logout on node 1 closes Carol's socket on node 2, not Bob's. */
  carol2 = live_ws (n.node[1], n.carol);
  bob2 = live_ws (n.node[1], n.bob);
  cs_test_ok (n.node[0], "POST", "/api/auth/logout", n.carol, NULL, 204);
  g_assert_cmpuint (cs_test_ws_wait_closed (carol2, WAIT_MS), !=, 0);
  g_assert_false (bob2->closed);
  got_clear (&g3);
  nodes_clear (&n);
}

/* A mail server that never answers: it counts the connections and holds
 * them, so a mail being sent stays in flight. */
typedef struct {
  guint      connections;
  GPtrArray *held;   /* GSocketConnection* */
} Smtp;

static gboolean
smtp_incoming (GSocketService    *service,
               GSocketConnection *connection,
               GObject           *source,
               gpointer           data)
{
  Smtp *smtp = data;

  smtp->connections++;
  g_ptr_array_add (smtp->held, g_object_ref (connection));
  return TRUE;
}

/* An invitation's mail is sent by one node, not by each: every node's
 * mailer reads the same queue, and while the first one's SMTP exchange is
 * in flight (here it hangs) the others' polls (every 5 s) find it taken. */
static void
test_mail_once (void)
{
  Nodes n;
  Smtp smtp = { 0, g_ptr_array_new_with_free_func (g_object_unref) };
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *path = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (smtp_incoming), &smtp);
  g_socket_service_start (service);
  extra = g_strdup_printf ("[smtp]\nurl=smtp://127.0.0.1:%u\nstarttls=false\n",
                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  nodes_extra = extra;
  if (!nodes_init (&n))
    {
      nodes_extra = NULL;
      g_ptr_array_unref (smtp.held);
      return;
    }
  nodes_extra = NULL;

  path = g_strdup_printf ("/api/rooms/%s/invitations", n.room);
  cs_test_ok (n.node[0], "POST", path, n.alice, "{\"email\":\"dora@example.test\"}", 201);
  WAIT_FOR (smtp.connections > 0);
  /* Every node polls twice meanwhile. */
  cs_test_spin (11000);
  g_assert_cmpuint (smtp.connections, ==, 1);

  g_socket_service_stop (service);
  g_ptr_array_unref (smtp.held);
  nodes_clear (&n);
}

/* A model endpoint that counts the requests and answers each at once. */
static void
model_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  static const char answer[] =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Put Redis in front.\"}}]}\n\n"
    "data: [DONE]\n\n";

  (*(guint *) data)++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_STATIC, answer, sizeof answer - 1);
}

/* A mention stored on node 2 is answered once, by node 2: nodes 1 and 3,
 * which hear the message on the bus, ask the model nothing; every node's
 * sockets see the one answer. */
static void
test_agent_once (void)
{
  Nodes n;
  guint requests = 0;
  g_autoptr(SoupServer) model = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsTestWs) bob1 = NULL;
  g_autoptr(CsTestWs) bob3 = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *agent_id = NULL;
  GSList *uris;
  guint answers = 0;
  gboolean ended = FALSE;

  soup_server_add_handler (model, "/v1/chat/completions", model_cb, &requests, NULL);
  g_assert_true (soup_server_listen_local (model, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (model);
  extra = g_strdup_printf ("[agents]\nendpoint=http://127.0.0.1:%d\n", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  nodes_extra = extra;
  if (!nodes_init (&n))
    {
      nodes_extra = NULL;
      return;
    }
  nodes_extra = NULL;

  {
    g_autoptr(JsonObject) agent = cs_test_call (n.node[0], "POST", "/api/admin/agents", n.alice,
                                                "{\"handle\":\"architect\",\"display_name\":\"Architect\","
                                                "\"description\":\"Designs\",\"system_prompt\":\"Be brief.\"}", 201);
    g_autofree char *path = g_strdup_printf ("/api/rooms/%s/members", n.room);
    g_autofree char *body = NULL;
    guint status = 0;
    JsonNode *node;

    agent_id = g_strdup (json_object_get_string_member (agent, "id"));
    body = g_strdup_printf ("{\"user_id\":\"%s\"}", agent_id);
    node = cs_test_http (n.node[0], "POST", path, n.alice, body, &status);
    g_assert_cmpuint (status / 100, ==, 2);
    g_clear_pointer (&node, json_node_unref);
  }
  bob1 = live_ws (n.node[0], n.bob);
  bob3 = live_ws (n.node[2], n.bob);
  post (n.node[1], n.bob, n.room, "ask-1", "@architect which cache would you use?");

  /* The answer, seen on node 3: once, and it ends. */
  while (!ended)
    {
      g_autoptr(JsonObject) frame = cs_test_ws_next (bob3, WAIT_MS);
      const char *type;
      JsonObject *data, *sender;

      g_assert_nonnull (frame);
      type = json_object_get_string_member (frame, "type");
      data = json_object_get_object_member (frame, "data");
      if (g_str_equal (type, "message.new"))
        {
          sender = json_object_get_object_member (data, "sender");
          if (g_strcmp0 (json_object_get_string_member (sender, "id"), agent_id) == 0)
            answers++;
        }
      else if (g_str_equal (type, "message.edit") && json_object_has_member (data, "streaming") &&
               !json_object_get_boolean_member (data, "streaming"))
        ended = TRUE;
    }
  g_assert_cmpuint (answers, ==, 1);
  /* Node 1's socket saw it too (so node 1 heard the mention), and the
   * model was asked once. */
  {
    g_autoptr(JsonObject) frame = cs_test_ws_wait (bob1, "message.edit", WAIT_MS);

    g_assert_nonnull (frame);
  }
  cs_test_spin (1000);
  g_assert_cmpuint (requests, ==, 1);
  g_assert_cmpint (cs_test_db_int (n.node[0], "SELECT COUNT(*) FROM messages WHERE kind = 'agent'"), ==, 1);

  nodes_clear (&n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/three-nodes/live", test_live);
  g_test_add_func ("/three-nodes/kill-node", test_kill_node);
  g_test_add_func ("/three-nodes/redis-restart-and-logout", test_redis_restart_and_logout);
  g_test_add_func ("/three-nodes/mail-once", test_mail_once);
  g_test_add_func ("/three-nodes/agent-once", test_agent_once);
  return g_test_run ();
}
