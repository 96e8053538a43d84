/* test-server-order.c: the order of stored events on one WebSocket (API.md,
 * "Ordering on one socket"): a socket that syncs first, or connects with
 * ?since=, gets every event after its seq once and in increasing seq, even
 * when events were committed between `ready` and its `sync`; one that does
 * neither is live from `ready`'s seq. Then the same under concurrent
 * senders and many syncing sockets, and the hostile-input check.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test.h"

#include <string.h>

typedef CsTestTeam Team;

static const char *
str (JsonObject *o, const char *m)
{
  return json_object_get_string_member (o, m);
}


/* Ordering, not the message rate limit: a random burst may pass it. */
static void
team_init (Team *t)
{
  cs_test_team_init (t, "[limits]\nmessages_per_minute=0\n", TRUE);
}


static gint64
post (Team *t, const char *token, const char *txn, const char *text)
{
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages", t->room);
  g_autofree char *body = g_strdup_printf ("{\"txn_id\":\"%s\",\"body\":\"%s\"}", txn, text);
  g_autoptr(JsonObject) m = cs_test_call (t->s, "POST", path, token, body, 201);

  return json_object_get_int_member (m, "seq");
}

static gint64
head_seq (Team *t, const char *token)
{
  g_autoptr(CsTestWs) ws = cs_test_ws_connect (t->s, token);
  g_autoptr(JsonObject) ready = cs_test_ws_wait (ws, "ready", 5000);

  g_assert_nonnull (ready);
  return json_object_get_int_member (ready, "seq");
}

static gboolean
is_stored (JsonObject *f)
{
  const char *type = str (f, "type");

  return json_object_has_member (f, "seq") && !g_str_equal (type, "ready") && !g_str_equal (type, "synced");
}

/* The stored-event seqs a socket has received so far, in arrival order;
 * *synced_at is the index of the first `synced` among them (-1: none). */
static GArray *
received_seqs (CsTestWs *ws,
               gint     *synced_at)
{
  GArray *seqs = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (synced_at)
    *synced_at = -1;
  for (GList *l = ws->frames.head; l; l = l->next)
    {
      JsonObject *f = l->data;

      if (is_stored (f))
        {
          gint64 seq = json_object_get_int_member (f, "seq");
          g_array_append_val (seqs, seq);
        }
      else if (synced_at && *synced_at < 0 && g_strcmp0 (str (f, "type"), "synced") == 0)
        *synced_at = (gint) seqs->len;
    }
  return seqs;
}

static gchar *
seqs_text (GArray *seqs)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < seqs->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (seqs, gint64, i));
  return g_string_free (s, FALSE);
}

/* Like cs_test_ws_wait, but leaves every frame in the queue. */
static JsonObject *
peek_wait (CsTestWs *ws, const char *type, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;)
    {
      for (GList *l = ws->frames.head; l; l = l->next)
        if (g_strcmp0 (str (l->data, "type"), type) == 0)
          return l->data;
      if (g_get_monotonic_time () > end)
        return NULL;
      cs_test_spin (20);
    }
}

static void
spin_until_seq (CsTestWs *ws, gint64 seq, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;)
    {
      g_autoptr(GArray) seqs = received_seqs (ws, NULL);

      if (seqs->len > 0 && g_array_index (seqs, gint64, seqs->len - 1) >= seq)
        return;
      if (g_get_monotonic_time () > end)
        {
          g_autofree char *text = seqs_text (seqs);
          g_error ("Waited for seq %" G_GINT64_FORMAT "; got %s", seq, text);
        }
      cs_test_spin (20);
    }
}

/* The scenario of the issue: Bob last saw S; S+1..N-3 happened while he
 * was away; he connects; N-2..N are committed before his sync arrives.
 * He must get S+1..N, once each, in order, then `synced`, then live. */
static void
check_scenario (gboolean use_query)
{
  Team t;
  g_autoptr(CsTestWs) b = NULL;
  g_autoptr(JsonObject) ready = NULL;
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *got = NULL, *want = NULL;
  gint64 since, live;
  gint synced_at;

  /* The posts between `ready` and `sync` must all land before the first
   * frame's grace runs out, on a loaded machine too. */
  cs_test_team_init (&t, "[limits]\nmessages_per_minute=0\n[websocket]\nfirst_frame_grace_ms=20000\n", TRUE);
  since = head_seq (&t, t.bob);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *txn = g_strdup_printf ("away-%d", i);
      gint64 seq = post (&t, t.alice, txn, "while Bob was away");
      g_array_append_val (expected, seq);
    }

  if (use_query)
    {
      g_autofree char *q = NULL;

      /* Events committed before the socket exists are in the replay. */
      for (int i = 0; i < 3; i++)
        {
          g_autofree char *txn = g_strdup_printf ("between-%d", i);
          gint64 seq = post (&t, t.alice, txn, "between ready and sync");
          g_array_append_val (expected, seq);
        }
      q = g_strdup_printf ("since=%" G_GINT64_FORMAT, since);
      b = cs_test_ws_connect_query (t.s, t.bob, q);
      ready = cs_test_ws_wait (b, "ready", 5000);
      g_assert_nonnull (ready);
    }
  else
    {
      g_autofree char *sync = NULL;

      b = cs_test_ws_connect (t.s, t.bob);
      ready = cs_test_ws_wait (b, "ready", 5000);
      g_assert_nonnull (ready);
      for (int i = 0; i < 3; i++)
        {
          g_autofree char *txn = g_strdup_printf ("between-%d", i);
          gint64 seq = post (&t, t.alice, txn, "between ready and sync");
          g_array_append_val (expected, seq);
        }
      /* Let the server fan them out before the sync arrives. */
      cs_test_spin (300);
      sync = g_strdup_printf ("{\"type\":\"sync\",\"since\":%" G_GINT64_FORMAT "}", since);
      cs_test_ws_send (b, sync);
    }
  g_assert_nonnull (peek_wait (b, "synced", 10000));
  live = post (&t, t.alice, "after-synced", "live");
  g_array_append_val (expected, live);
  spin_until_seq (b, live, 5000);
  cs_test_spin (200);

  seqs = received_seqs (b, &synced_at);
  got = seqs_text (seqs);
  want = seqs_text (expected);
  g_test_message ("since %" G_GINT64_FORMAT ": got %s", since, got);
  g_assert_cmpstr (got, ==, want);
  /* `synced` came after the replay and before the live event. */
  g_assert_cmpint (synced_at, ==, (gint) expected->len - 1);

  /* Hostile-input check: the server still answers, Carol's socket too. */
  {
    g_autoptr(CsTestWs) c = cs_test_ws_connect (t.s, t.carol);
    guint status = 0;
    g_autoptr(JsonNode) health = cs_test_http (t.s, "GET", "/healthz", NULL, NULL, &status);
    g_autoptr(JsonObject) m = NULL;

    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (cs_test_ws_wait (c, "ready", 5000));
    cs_test_ws_send (c, "{\"type\":\"presence\",\"status\":\"online\"}");
    post (&t, t.alice, "for-carol", "hello Carol");
    m = cs_test_ws_wait (c, "message.new", 5000);
    g_assert_nonnull (m);
  }
  g_clear_pointer (&b, cs_test_ws_free);
  cs_test_team_clear (&t);
}

static void
test_sync_first_frame (void)
{
  check_scenario (FALSE);
}

static void
test_since_in_url (void)
{
  check_scenario (TRUE);
}

/* A socket that never syncs is live from `ready`'s seq, within the grace
 * the server gives a first frame. */
static void
test_no_sync_is_live (void)
{
  Team t;
  g_autoptr(CsTestWs) b = NULL;
  g_autoptr(JsonObject) ready = NULL;
  g_autoptr(GArray) seqs = NULL;
  gint64 r, s1, s2;

  team_init (&t);
  post (&t, t.alice, "before", "before ready");
  b = cs_test_ws_connect (t.s, t.bob);
  ready = cs_test_ws_wait (b, "ready", 5000);
  r = json_object_get_int_member (ready, "seq");
  s1 = post (&t, t.alice, "l1", "live 1");
  s2 = post (&t, t.alice, "l2", "live 2");
  g_assert_cmpint (s1, >, r);
  spin_until_seq (b, s2, 5000);
  seqs = received_seqs (b, NULL);
  g_assert_cmpuint (seqs->len, ==, 2);
  g_assert_cmpint (g_array_index (seqs, gint64, 0), ==, s1);
  g_assert_cmpint (g_array_index (seqs, gint64, 1), ==, s2);

  /* A later sync reaching back no further than what the socket has seen
   * adds nothing twice; one reaching further back is resync_required. */
  {
    g_autofree char *sync = g_strdup_printf ("{\"type\":\"sync\",\"since\":%" G_GINT64_FORMAT "}", r);
    JsonObject *synced;
    g_autoptr(GArray) after = NULL;

    cs_test_ws_send (b, sync);
    synced = peek_wait (b, "synced", 5000);
    g_assert_nonnull (synced);
    g_assert_cmpint (json_object_get_int_member (synced, "seq"), >=, s2);
    after = received_seqs (b, NULL);
    g_assert_cmpuint (after->len, ==, 2);
    cs_test_ws_send (b, "{\"type\":\"sync\",\"since\":0}");
    g_assert_nonnull (cs_test_ws_wait (b, "resync_required", 5000));
    g_assert_nonnull (cs_test_ws_wait (b, "synced", 5000));
  }
  g_clear_pointer (&b, cs_test_ws_free);
  cs_test_team_clear (&t);
}

/* Randomized: three senders over WebSocket and REST while Bob's sockets
 * come and go, syncing from random points, by frame or by URL, or not at
 * all. For each: strictly increasing, no duplicates, no gaps against what
 * Bob may see (a fresh full replay, taken at the end). */
typedef struct {
  CsTestWs *ws;
  gint64    start;   /* events after this are expected */
} Watcher;

static void
test_randomized (void)
{
  Team t;
  CsTestWs *senders[3];
  const char *tokens[3];
  g_autoptr(GPtrArray) watchers = g_ptr_array_new ();
  g_autoptr(CsTestWs) full = NULL;
  g_autoptr(GArray) all = NULL;
  gint64 first, last_seq;
  guint n_sent = 0;

  team_init (&t);
  tokens[0] = t.alice;
  tokens[1] = t.bob;
  tokens[2] = t.carol;
  first = head_seq (&t, t.bob);
  for (int i = 0; i < 3; i++)
    {
      senders[i] = cs_test_ws_connect (t.s, tokens[i]);
      g_assert_nonnull (cs_test_ws_wait (senders[i], "ready", 5000));
      cs_test_ws_send (senders[i], "{\"type\":\"presence\",\"status\":\"online\"}");
    }

  for (int step = 0; step < 60; step++)
    {
      gint action = g_test_rand_int_range (0, 4);

      if (action <= 1)
        {
          /* A burst of sends from random senders, not waited for. */
          gint n = g_test_rand_int_range (1, 8);

          for (int k = 0; k < n; k++)
            {
              gint who = g_test_rand_int_range (0, 3);
              g_autofree char *frame =
                g_strdup_printf ("{\"type\":\"send\",\"room_id\":\"%s\",\"txn_id\":\"r-%u\",\"body\":\"m %u\"}",
                                 t.room, n_sent, n_sent);

              cs_test_ws_send (senders[who], frame);
              n_sent++;
            }
        }
      else if (action == 2)
        {
          /* A Bob socket from a random point in the past. */
          Watcher *w = g_new0 (Watcher, 1);
          gint how = g_test_rand_int_range (0, 3);
          gint64 head = head_seq (&t, t.alice);
          gint64 since = first + g_test_rand_int_range (0, (gint32) (head - first + 1));
          g_autoptr(JsonObject) ready = NULL;

          if (how == 0)
            {
              g_autofree char *q = g_strdup_printf ("since=%" G_GINT64_FORMAT, since);
              w->ws = cs_test_ws_connect_query (t.s, t.bob, q);
              w->start = since;
            }
          else
            {
              w->ws = cs_test_ws_connect (t.s, t.bob);
            }
          ready = cs_test_ws_wait (w->ws, "ready", 5000);
          g_assert_nonnull (ready);
          if (how == 1)
            {
              g_autofree char *sync = g_strdup_printf ("{\"type\":\"sync\",\"since\":%" G_GINT64_FORMAT "}", since);

              /* Sometimes after a few more events are out. */
              if (g_test_rand_bit ())
                cs_test_spin (g_test_rand_int_range (0, 100));
              cs_test_ws_send (w->ws, sync);
              w->start = since;
            }
          else if (how == 2)
            w->start = json_object_get_int_member (ready, "seq");
          g_ptr_array_add (watchers, w);
        }
      else
        cs_test_spin (g_test_rand_int_range (0, 50));
    }

  /* Every send acked, then the truth: a full replay on a fresh socket. */
  for (int i = 0; i < 3; i++)
    {
      gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
      guint acks;

      do
        {
          acks = 0;
          cs_test_spin (50);
          for (int k = 0; k < 3; k++)
            for (GList *l = senders[k]->frames.head; l; l = l->next)
              if (g_strcmp0 (str (l->data, "type"), "ack") == 0)
                acks++;
        }
      while (acks < n_sent && g_get_monotonic_time () < end);
      g_assert_cmpuint (acks, ==, n_sent);
    }
  full = cs_test_ws_connect_query (t.s, t.bob, "since=0");
  g_assert_nonnull (peek_wait (full, "synced", 20000));
  all = received_seqs (full, NULL);
  g_assert_cmpuint (all->len, >=, n_sent);
  last_seq = g_array_index (all, gint64, all->len - 1);
  g_test_message ("%u messages sent, %u events Bob may see, %u Bob sockets", n_sent, all->len, watchers->len);

  for (guint i = 0; i < watchers->len; i++)
    {
      Watcher *w = g_ptr_array_index (watchers, i);
      g_autoptr(GArray) got = NULL;
      g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autofree char *got_text = NULL, *want_text = NULL;

      for (guint k = 0; k < all->len; k++)
        if (g_array_index (all, gint64, k) > w->start)
          g_array_append_val (want, g_array_index (all, gint64, k));
      if (want->len > 0)
        spin_until_seq (w->ws, last_seq, 10000);
      got = received_seqs (w->ws, NULL);
      got_text = seqs_text (got);
      want_text = seqs_text (want);
      g_assert_cmpstr (got_text, ==, want_text);
    }

  /* Hostile-input check after the storm. */
  {
    guint status = 0;
    g_autoptr(JsonNode) health = cs_test_http (t.s, "GET", "/healthz", NULL, NULL, &status);
    g_autoptr(CsTestWs) c = cs_test_ws_connect (t.s, t.carol);
    g_autoptr(JsonObject) m = NULL;

    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (cs_test_ws_wait (c, "ready", 5000));
    cs_test_ws_send (c, "{\"type\":\"presence\",\"status\":\"online\"}");
    post (&t, t.alice, "final", "still there");
    m = cs_test_ws_wait (c, "message.new", 5000);
    g_assert_nonnull (m);
  }

  for (guint i = 0; i < watchers->len; i++)
    {
      Watcher *w = g_ptr_array_index (watchers, i);

      cs_test_ws_free (w->ws);
      g_free (w);
    }
  for (int i = 0; i < 3; i++)
    cs_test_ws_free (senders[i]);
  cs_test_team_clear (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/order/sync-first-frame", test_sync_first_frame);
  g_test_add_func ("/server/order/since-in-url", test_since_in_url);
  g_test_add_func ("/server/order/no-sync-is-live", test_no_sync_is_live);
  g_test_add_func ("/server/order/randomized", test_randomized);
  return g_test_run ();
}
