/* test-server-handler.c: request handlers run in-process, from the server
 * libraries, against a store opened on a temporary file: no subprocess,
 * no HTTP. A room is created and a message posted through the handlers,
 * read back as a page; a message that breaks the rules is refused with a
 * clear error and changes nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-api.h"
#include "cs-auth.h"
#include "cs-store.h"
#include "cs-test-services.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  CsConfig *config;
  CsStore  *store;
  char     *tenant_id;
  char     *user_id;
} Fixture;

static void
seed_write (CsCtx *ctx)
{
  Fixture *f = ctx->input;

  g_assert_true (cs_api_create_tenant (ctx, "Handlers", NULL, &f->tenant_id));
  g_assert_true (cs_api_create_user (ctx, f->tenant_id, "ada@example.org", "Ada", "admin", "x", &f->user_id));
}

static CsCtx *
caller_ctx (Fixture    *f,
            const char *body)
{
  CsCtx *ctx = cs_ctx_new (f->config, f->store, NULL);

  ctx->user_id = g_strdup (f->user_id);
  ctx->tenant_id = g_strdup (f->tenant_id);
  if (body)
    ctx->body = g_bytes_new (body, strlen (body));
  return ctx;
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCtx) ctx = NULL;

  f->config = cs_config_new ();
  g_free (f->config->data_dir);
  f->config->data_dir = g_dir_make_tmp ("cs-handler-XXXXXX", &error);
  g_assert_no_error (error);
  /* CAUSERIE_TEST_STORAGE=postgresql: a database of its own. */
  if (cs_test_storage_is_postgresql ())
    {
      f->config->storage_backend = CS_STORAGE_POSTGRESQL;
      f->config->storage_postgresql = cs_test_postgres_new_database (NULL, NULL);
    }
  f->store = cs_store_open (f->config, &error);
  g_assert_no_error (error);
  ctx = cs_ctx_new (f->config, f->store, NULL);
  ctx->input = f;
  g_assert_true (cs_store_run_write (f->store, seed_write, ctx));
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
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *dir = g_strdup (f->config->data_dir);

  cs_store_close (f->store);
  cs_config_free (f->config);
  g_free (f->tenant_id);
  g_free (f->user_id);
  remove_tree (dir);
}

static JsonArray *
list_messages (Fixture    *f,
               const char *room_id,
               CsCtx     **out_ctx)
{
  CsCtx *ctx = caller_ctx (f, NULL);

  ctx->params = g_new0 (char *, 2);
  ctx->params[0] = g_strdup (room_id);
  cs_store_run_read (f->store, cs_api_messages_list, ctx);
  g_assert_no_error (ctx->error);
  *out_ctx = ctx;
  return json_object_get_array_member (json_node_get_object (ctx->result), "messages");
}

static void
test_post_and_page (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(CsCtx) room_ctx = caller_ctx (f, "{\"type\": \"group\", \"name\": \"General\"}");
  g_autoptr(CsCtx) post = caller_ctx (f, "{\"txn_id\": \"t-1\", \"body\": \"Hello @everyone\"}");
  g_autoptr(CsCtx) bad = caller_ctx (f, "{\"txn_id\": \"t-2\", \"body\": \"   \"}");
  g_autoptr(CsCtx) page = NULL;
  g_autoptr(CsCtx) before = NULL;
  guint n;
  const char *room_id;
  JsonArray *messages;
  JsonObject *m;

  g_assert_true (cs_store_run_write (f->store, cs_api_rooms_create, room_ctx));
  g_assert_no_error (room_ctx->error);
  room_id = json_object_get_string_member (json_node_get_object (room_ctx->result), "id");

  post->params = g_new0 (char *, 2);
  post->params[0] = g_strdup (room_id);
  g_assert_true (cs_store_run_write (f->store, cs_api_messages_post, post));
  g_assert_no_error (post->error);
  g_assert_cmpuint (post->status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (post->result), "seq"), >, 0);

  n = json_array_get_length (list_messages (f, room_id, &before));

  /* Blank text: refused, and nothing stored. */
  bad->params = g_new0 (char *, 2);
  bad->params[0] = g_strdup (room_id);
  cs_store_run_write (f->store, cs_api_messages_post, bad);
  g_assert_error (bad->error, CAU_ERROR, CAU_ERROR_BAD_REQUEST);

  messages = list_messages (f, room_id, &page);
  g_assert_cmpuint (json_array_get_length (messages), ==, n);
  /* Oldest first: the room's system line, then the message. */
  m = json_array_get_object_element (messages, n - 1);
  g_assert_cmpstr (json_object_get_string_member (m, "body"), ==, "Hello @everyone");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (m, "sender"), "display_name"),
                   ==, "Ada");
  /* The caller's own message carries its txn_id. */
  g_assert_cmpstr (json_object_get_string_member (m, "txn_id"), ==, "t-1");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (page->result), "has_more"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/handler/post-and-page", Fixture, NULL, fixture_set_up, test_post_and_page,
              fixture_tear_down);
  return g_test_run ();
}
