/* bench-ui-cache.c: writes the desktop app's cache for the UI benchmark:
 * one account with 200 rooms and 100,000 messages (one room of 10,000),
 * through the client core's CcCache API, the way the app itself stores
 * what the server sent. Also remembers the account in accounts.ini and,
 * with --store-token, puts a session token in the Secret Service, so that
 * the app restores the session and starts offline from this cache.
 *
 * Usage: bench-ui-cache DATA_DIR [--store-token]
 * Prints the id of the 10,000-message room on stdout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "cau-json.h"
#include "cau-time.h"
#include "cc-account.h"
#include "cc-cache.h"
#include "cc-secret.h"

/* Nothing listens on the discard port: the app starts offline. */
#define SERVER_URL    "http://127.0.0.1:9"
#define TENANT        "bench"
#define EMAIL         "me@bench.example"
#define N_ROOMS       200
#define N_DIRECT      20
#define N_MESSAGES    100000
#define BIG_ROOM_MSGS 10000
#define N_USERS       50
#define BATCH         2000
#define BIG_ROOM_ID   "r_bench_big"

static const char *words[] = {
  "the", "build", "is", "green", "again", "after", "we", "moved", "the", "cache",
  "to", "its", "own", "thread", "could", "you", "review", "my", "branch", "today",
  "meeting", "at", "three", "release", "notes", "look", "good", "to", "me", "thanks",
  "deploy", "tomorrow", "morning", "ticket", "customer", "reported", "a", "crash", "when",
  "scrolling", "fast", "through", "long", "rooms", "with", "images", "and", "links",
};

static GAsyncResult *
await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
check_done (CcCache      *cache,
            GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;

  if (!cc_cache_finish (cache, result, &error))
    g_error ("Cache write failed: %s", error->message);
}

static JsonObject *
user_json (guint i)
{
  JsonObject *u = json_object_new ();
  g_autofree char *id = i == G_MAXUINT ? g_strdup ("u_bench_me") : g_strdup_printf ("u_bench_%03u", i);
  g_autofree char *name = i == G_MAXUINT ? g_strdup ("Me Bench") : g_strdup_printf ("Person %03u", i);
  g_autofree char *email = i == G_MAXUINT ? g_strdup (EMAIL) : g_strdup_printf ("p%03u@bench.example", i);

  json_object_set_string_member (u, "id", id);
  json_object_set_string_member (u, "display_name", name);
  json_object_set_string_member (u, "email", email);
  json_object_set_string_member (u, "role", "member");
  return u;
}

static char *
body_text (GRand *rand)
{
  GString *s = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 3, 40);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, i % 17 == 16 ? '\n' : ' ');
      g_string_append (s, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
  s->str[0] = g_ascii_toupper (s->str[0]);
  g_string_append_c (s, '.');
  return g_string_free (s, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CcAccount) account = NULL;
  g_autoptr(CcCache) cache = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(JsonObject) me = user_json (G_MAXUINT);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *me_text = NULL;
  g_autofree char *seq_text = NULL;
  const char *data_dir;
  gboolean store_token;
  gint64 now = cau_time_now_ms ();
  gint64 seq = 0;
  guint written = 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s DATA_DIR [--store-token]\n", argv[0]);
      return 2;
    }
  data_dir = argv[1];
  store_token = argc > 2 && g_str_equal (argv[2], "--store-token");

  account = cc_account_new (SERVER_URL, TENANT, EMAIL);
  if (!cc_account_save_last (account, data_dir, &error))
    g_error ("%s", error->message);

  file = g_strconcat (cc_account_get_key (account), ".db", NULL);
  path = g_build_filename (data_dir, file, NULL);
  cache = cc_cache_new (path);
  cc_cache_open_async (cache, NULL, result_cb, &res);
  if (!cc_cache_open_finish (cache, await (&res), &error))
    g_error ("%s", error->message);
  g_clear_object (&res);

  me_text = cau_json_object_to_string (me);
  cc_cache_set_meta_async (cache, "me", me_text, NULL, result_cb, &res);
  check_done (cache, await (&res));
  g_clear_object (&res);

  g_ptr_array_add (users, json_object_ref (me));
  for (guint i = 0; i < N_USERS; i++)
    g_ptr_array_add (users, user_json (i));
  cc_cache_save_users_async (cache, users, NULL, result_cb, &res);
  check_done (cache, await (&res));
  g_clear_object (&res);

  /* Rooms oldest activity first; the big room is the newest. Messages
   * are spread one second apart, ending now. */
  batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint r = 0; r < N_ROOMS; r++)
    {
      gboolean big = r == N_ROOMS - 1;
      gboolean direct = r < N_DIRECT;
      guint count = big ? BIG_ROOM_MSGS
                        : (N_MESSAGES - BIG_ROOM_MSGS) / (N_ROOMS - 1) +
                          (r < (N_MESSAGES - BIG_ROOM_MSGS) % (N_ROOMS - 1) ? 1 : 0);
      g_autofree char *room_id = big ? g_strdup (BIG_ROOM_ID) : g_strdup_printf ("r_bench_%03u", r);
      JsonObject *room = json_object_new ();
      JsonObject *last = NULL;
      g_autofree char *created = cau_time_format (now - (gint64) (N_MESSAGES + 1000) * 1000);

      for (guint m = 0; m < count; m++)
        {
          JsonObject *msg = json_object_new ();
          guint sender = direct ? (m % 2 ? r % N_USERS : G_MAXUINT) : (guint) g_rand_int_range (rand, 0, N_USERS);
          g_autoptr(JsonObject) user = user_json (sender);
          JsonObject *s = json_object_new ();
          g_autofree char *id = g_strdup_printf ("m_%s_%05u", room_id, m);
          g_autofree char *body = body_text (rand);
          g_autofree char *at = NULL;

          seq++;
          at = cau_time_format (now - (gint64) (N_MESSAGES - seq) * 1000);
          json_object_set_string_member (s, "id", json_object_get_string_member (user, "id"));
          json_object_set_string_member (s, "display_name", json_object_get_string_member (user, "display_name"));
          json_object_set_string_member (msg, "id", id);
          json_object_set_string_member (msg, "room_id", room_id);
          json_object_set_int_member (msg, "seq", seq);
          json_object_set_object_member (msg, "sender", s);
          json_object_set_string_member (msg, "kind", "text");
          json_object_set_string_member (msg, "body", body);
          json_object_set_array_member (msg, "mentions", json_array_new ());
          json_object_set_array_member (msg, "attachments", json_array_new ());
          json_object_set_string_member (msg, "created_at", at);
          json_object_set_null_member (msg, "edited_at");
          json_object_set_boolean_member (msg, "deleted", FALSE);

          if (m == count - 1)
            {
              last = json_object_new ();
              json_object_set_string_member (last, "id", id);
              json_object_set_int_member (last, "seq", seq);
              json_object_set_string_member (last, "sender_name", json_object_get_string_member (user, "display_name"));
              json_object_set_string_member (last, "excerpt", body);
              json_object_set_string_member (last, "created_at", at);
              json_object_set_string_member (room, "last_activity_at", at);
            }
          g_ptr_array_add (batch, msg);
          if (batch->len == BATCH)
            {
              cc_cache_save_messages_async (cache, batch, NULL, result_cb, &res);
              check_done (cache, await (&res));
              g_clear_object (&res);
              written += batch->len;
              g_ptr_array_set_size (batch, 0);
            }
        }

      json_object_set_string_member (room, "id", room_id);
      json_object_set_string_member (room, "type", direct ? "direct" : (r % 3 ? "channel" : "group"));
      {
        g_autoptr(JsonObject) other = user_json (r % N_USERS);
        g_autofree char *name = direct ? g_strdup (json_object_get_string_member (other, "display_name"))
                                       : g_strdup_printf ("room-%03u", r);

        json_object_set_string_member (room, "name", name);
      }
      json_object_set_string_member (room, "description", "A room of the UI benchmark");
      json_object_set_boolean_member (room, "is_private", FALSE);
      json_object_set_boolean_member (room, "is_archived", FALSE);
      json_object_set_string_member (room, "my_role", "member");
      json_object_set_int_member (room, "member_count", direct ? 2 : 12);
      json_object_set_string_member (room, "created_at", created);
      json_object_set_int_member (room, "unread_count", r % 7 == 0 ? 3 : 0);
      json_object_set_int_member (room, "mention_count", 0);
      json_object_set_boolean_member (room, "muted", FALSE);
      json_object_set_string_member (room, "notify", "all");
      if (last != NULL)
        json_object_set_object_member (room, "last_message", last);
      g_ptr_array_add (rooms, room);
    }
  if (batch->len > 0)
    {
      cc_cache_save_messages_async (cache, batch, NULL, result_cb, &res);
      check_done (cache, await (&res));
      g_clear_object (&res);
      written += batch->len;
    }
  g_assert_cmpuint (written, ==, N_MESSAGES);

  cc_cache_save_rooms_async (cache, rooms, TRUE, NULL, result_cb, &res);
  check_done (cache, await (&res));
  g_clear_object (&res);

  /* Direct rooms: the other person and us. */
  for (guint r = 0; r < N_DIRECT; r++)
    {
      g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      g_autofree char *room_id = g_strdup_printf ("r_bench_%03u", r);

      for (guint k = 0; k < 2; k++)
        {
          JsonObject *member = json_object_new ();

          json_object_set_object_member (member, "user", user_json (k == 0 ? G_MAXUINT : r % N_USERS));
          json_object_set_string_member (member, "role", "member");
          json_object_set_int_member (member, "last_read_seq", 0);
          g_ptr_array_add (members, member);
        }
      cc_cache_save_members_async (cache, room_id, members, TRUE, NULL, result_cb, &res);
      check_done (cache, await (&res));
      g_clear_object (&res);
    }

  cc_cache_set_last_seq_async (cache, seq, NULL, result_cb, &res);
  check_done (cache, await (&res));
  g_clear_object (&res);

  if (store_token)
    {
      cc_secret_store_async (SERVER_URL, TENANT, EMAIL, "bench-session-token", NULL, result_cb, &res);
      if (!cc_secret_store_finish (await (&res), &error))
        g_error ("Could not store the token: %s", error->message);
      g_clear_object (&res);
    }

  g_print ("%s\n", BIG_ROOM_ID);
  return 0;
}
