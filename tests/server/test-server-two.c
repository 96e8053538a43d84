/* test-server-two.c: two servers in one process, linked from the server
 * libraries (no subprocess), each on port 0 with its own data directory.
 * They share nothing: a session opened on one is unknown to the other,
 * signing out of one leaves the other's session alone, and failed
 * sign-ins on one do not hold back the other.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-server.h"
#include "cs-api.h"
#include "cs-auth.h"
#include "cs-store.h"
#include "cs-test-services.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define TENANT   "Two"
#define EMAIL    "ada@example.org"
#define PASSWORD "correct-horse-1"

typedef struct {
  char *hash;
} Seed;

static void
seed_write (CsCtx *ctx)
{
  Seed *seed = ctx->input;
  g_autofree char *tenant_id = NULL;

  if (cs_api_create_tenant (ctx, TENANT, NULL, &tenant_id))
    cs_api_create_user (ctx, tenant_id, EMAIL, "Ada", "admin", seed->hash, NULL);
}

static CsConfig *
new_config (void)
{
  g_autoptr(GError) error = NULL;
  CsConfig *config = cs_config_new ();

  g_free (config->data_dir);
  config->data_dir = g_dir_make_tmp ("cs-two-XXXXXX", &error);
  g_assert_no_error (error);
  config->listen_port = 0;
  config->kdf = CS_KDF_MIN;
  config->login_fail_account = 2;
  /* CAUSERIE_TEST_STORAGE=postgresql: a database of its own. */
  if (cs_test_storage_is_postgresql ())
    {
      config->storage_backend = CS_STORAGE_POSTGRESQL;
      g_clear_pointer (&config->storage_postgresql, g_free);
      config->storage_postgresql = cs_test_postgres_new_database (NULL, NULL);
    }
  return config;
}

/* B starts from a copy of A's data directory: the same organisation,
 * person and ids, so that only the separation of the two servers' state
 * can make one refuse the other's token. */
static CsConfig *
copy_config (CsConfig *from)
{
  CsConfig *config = new_config ();
  g_autoptr(GDir) dir = g_dir_open (from->data_dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *src = g_build_filename (from->data_dir, name, NULL);
      g_autofree char *dst = g_build_filename (config->data_dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (g_file_test (src, G_FILE_TEST_IS_REGULAR))
        {
          g_assert_true (g_file_get_contents (src, &data, &len, NULL));
          g_assert_true (g_file_set_contents (dst, data, len, NULL));
        }
    }
  /* On PostgreSQL, a copy of A's database (A's store is closed). */
  if (from->storage_backend == CS_STORAGE_POSTGRESQL)
    {
      g_auto(GStrv) words = g_strsplit (from->storage_postgresql, " ", -1);
      const char *name = NULL;

      for (guint i = 0; words[i]; i++)
        if (g_str_has_prefix (words[i], "dbname="))
          name = words[i] + strlen ("dbname=");
      g_assert_nonnull (name);
      g_free (config->storage_postgresql);
      config->storage_postgresql = cs_test_postgres_new_database (name, NULL);
    }
  return config;
}

static CsConfig *
make_config (void)
{
  g_autoptr(GError) error = NULL;
  CsConfig *config = new_config ();
  g_autoptr(CsCtx) ctx = NULL;
  CsStore *store;
  Seed seed;

  g_assert_true (cs_auth_init ());
  seed.hash = cs_auth_hash_password (PASSWORD, config->kdf);
  store = cs_store_open (config, &error);
  g_assert_no_error (error);
  ctx = cs_ctx_new (config, store, NULL);
  ctx->input = &seed;
  g_assert_true (cs_store_run_write (store, seed_write, ctx));
  cs_store_close (store);
  g_free (seed.hash);
  return config;
}

typedef struct {
  guint       port[2];
  GMainLoop  *loop;
  gboolean    done;
} Two;

static guint
request (SoupSession *session,
         guint        port,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         JsonObject **out)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                                 g_bytes_get_size (reply), NULL));
      *out = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }
  return soup_message_get_status (msg);
}

static guint
login (SoupSession *session,
       guint        port,
       const char  *password,
       char       **out_token)
{
  g_autofree char *body = g_strdup_printf ("{\"tenant\": \"" TENANT "\", \"email\": \"" EMAIL "\","
                                           " \"password\": \"%s\"}", password);
  g_autoptr(JsonObject) reply = NULL;
  guint status = request (session, port, "POST", "/api/auth/login", NULL, body, &reply);

  if (status == 200 && out_token)
    *out_token = g_strdup (json_object_get_string_member (reply, "token"));
  return status;
}

static gboolean
quit_cb (gpointer data)
{
  Two *two = data;

  two->done = TRUE;
  g_main_loop_quit (two->loop);
  return G_SOURCE_REMOVE;
}

/* The client side, on a thread of its own: the servers run on the main
 * context of this process. */
static gpointer
client_thread (gpointer data)
{
  Two *two = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token_a = NULL;
  g_autofree char *token_b = NULL;
  guint a = two->port[0], b = two->port[1];

  g_assert_cmpuint (login (session, a, PASSWORD, &token_a), ==, 200);
  g_assert_cmpuint (request (session, a, "GET", "/api/me", token_a, NULL, NULL), ==, 200);
  /* A's session is unknown to B. */
  g_assert_cmpuint (request (session, b, "GET", "/api/me", token_a, NULL, NULL), ==, 401);

  g_assert_cmpuint (login (session, b, PASSWORD, &token_b), ==, 200);
  g_assert_cmpuint (request (session, b, "GET", "/api/me", token_b, NULL, NULL), ==, 200);
  g_assert_cmpuint (request (session, a, "GET", "/api/me", token_b, NULL, NULL), ==, 401);

  /* Signing out of A leaves B's session alone. */
  g_assert_cmpuint (request (session, a, "POST", "/api/auth/logout", token_a, NULL, NULL), ==, 204);
  g_assert_cmpuint (request (session, a, "GET", "/api/me", token_a, NULL, NULL), ==, 401);
  g_assert_cmpuint (request (session, b, "GET", "/api/me", token_b, NULL, NULL), ==, 200);

  /* Failed sign-ins on A hold back A (login_fail_account = 2), not B. */
  g_assert_cmpuint (login (session, a, "wrong-password-1", NULL), ==, 401);
  g_assert_cmpuint (login (session, a, "wrong-password-1", NULL), ==, 401);
  g_assert_cmpuint (login (session, a, PASSWORD, NULL), ==, 429);
  g_assert_cmpuint (login (session, b, PASSWORD, NULL), ==, 200);

  g_idle_add (quit_cb, two);
  return NULL;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
test_two_servers (void)
{
  CsConfig *config[2];
  CsServer *server[2];
  Two two = { 0 };
  GThread *thread;

  /* Both configurations before A starts: on PostgreSQL, B's database is
   * a copy of A's, which nobody may be connected to. */
  config[0] = make_config ();
  config[1] = copy_config (config[0]);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      server[i] = cs_server_new (config[i], &error);
      g_assert_no_error (error);
      g_assert_true (cs_server_listen (server[i], &error));
      g_assert_no_error (error);
      two.port[i] = cs_server_port (server[i]);
      g_assert_cmpuint (two.port[i], !=, 0);
    }
  g_assert_cmpuint (two.port[0], !=, two.port[1]);

  two.loop = g_main_loop_new (NULL, FALSE);
  thread = g_thread_new ("client", client_thread, &two);
  g_main_loop_run (two.loop);
  g_thread_join (thread);
  g_assert_true (two.done);
  g_main_loop_unref (two.loop);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_strdup (config[i]->data_dir);

      cs_server_free (server[i]);
      cs_config_free (config[i]);
      remove_tree (dir);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/two-in-one-process", test_two_servers);
  return g_test_run ();
}
