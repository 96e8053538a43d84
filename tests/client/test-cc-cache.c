/* test-cc-cache.c: the SQLite cache without a server: round trips of
 * rooms, members, messages and events; migrations from a fixture per
 * schema version; drafts surviving a crash of the process; the outbox.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>
#include <unistd.h>

#include "cau-json.h"
#include "cc-cache.h"
#include "cc-cache-search.h"
#include "cc-test-util.h"

typedef struct {
  char    *dir;
  char    *path;
  CcCache *cache;
} Fixture;

static JsonObject *
obj (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *o = cau_json_parse_object (text, strlen (text), &error);

  g_assert_no_error (error);
  return o;
}

static GPtrArray *
objs (const char *first, ...)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  va_list ap;

  va_start (ap, first);
  for (const char *t = first; t != NULL; t = va_arg (ap, const char *))
    g_ptr_array_add (array, obj (t));
  va_end (ap);
  return array;
}

static void
open_cache (Fixture *f)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  f->cache = cc_cache_new (f->path);
  cc_cache_open_async (f->cache, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_true (cc_cache_open_finish (f->cache, res, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = cc_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "sub", "account.db", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->cache);
  cc_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Waits for a job that returns a boolean. */
#define AWAIT_OK(f, call) \
  G_STMT_START { \
    g_autoptr(GAsyncResult) r_ = NULL; \
    g_autoptr(GError) e_ = NULL; \
    call; \
    CC_TEST_AWAIT (r_); \
    cc_cache_finish ((f)->cache, r_, &e_); \
    g_assert_no_error (e_); \
  } G_STMT_END

static GPtrArray *
await_array (Fixture *f, GAsyncResult **res)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *array;

  CC_TEST_AWAIT (*res);
  array = cc_cache_finish_array (f->cache, *res, &error);
  g_assert_no_error (error);
  g_clear_object (res);
  return array;
}

static GPtrArray *
load_messages (Fixture *f, const char *room_id, gint64 before, guint limit)
{
  GAsyncResult *res = NULL;

  cc_cache_load_messages_async (f->cache, room_id, before, limit, NULL, cc_test_result_cb, &res);
  return await_array (f, &res);
}

static const char *
str_of (GPtrArray *array, guint i, const char *member)
{
  return json_object_get_string_member (g_ptr_array_index (array, i), member);
}

static gint64
last_seq (Fixture *f)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq;

  cc_cache_get_last_seq_async (f->cache, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  seq = cc_cache_finish_int (f->cache, res, &error);
  g_assert_no_error (error);
  return seq;
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GPtrArray) in = NULL;
  g_autoptr(JsonObject) event = NULL;
  GAsyncResult *res = NULL;

  open_cache (f);
  g_assert_cmpint (cc_cache_get_opened_version (f->cache), ==, 0);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));

  in = objs ("{\"id\":\"a\",\"name\":\"Older\",\"last_activity_at\":\"2026-11-20T08:00:00.000Z\"}",
             "{\"id\":\"b\",\"name\":\"Newer\",\"last_activity_at\":\"2026-11-21T08:00:00.000Z\"}",
             NULL);
  AWAIT_OK (f, cc_cache_save_rooms_async (f->cache, in, FALSE, NULL, cc_test_result_cb, &r_));
  cc_cache_load_rooms_async (f->cache, NULL, cc_test_result_cb, &res);
  rooms = await_array (f, &res);
  g_assert_cmpuint (rooms->len, ==, 2);
  g_assert_cmpstr (str_of (rooms, 0, "name"), ==, "Newer");
  g_assert_cmpstr (str_of (rooms, 1, "name"), ==, "Older");
  g_clear_pointer (&in, g_ptr_array_unref);

  in = objs ("{\"user\":{\"id\":\"u1\",\"display_name\":\"Bea\"},\"role\":\"owner\",\"last_read_seq\":3}", NULL);
  AWAIT_OK (f, cc_cache_save_members_async (f->cache, "b", in, TRUE, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&in, g_ptr_array_unref);

  in = objs ("{\"id\":\"m1\",\"room_id\":\"b\",\"seq\":5,\"body\":\"one\"}",
             "{\"id\":\"m2\",\"room_id\":\"b\",\"seq\":6,\"body\":\"two\"}",
             "{\"id\":\"m3\",\"room_id\":\"b\",\"seq\":9,\"body\":\"three\"}",
             "{\"id\":\"x1\",\"room_id\":\"a\",\"seq\":7,\"body\":\"elsewhere\"}",
             NULL);
  AWAIT_OK (f, cc_cache_save_messages_async (f->cache, in, NULL, cc_test_result_cb, &r_));

  /* The newest page comes back in ascending seq, then the page before. */
  messages = load_messages (f, "b", 0, 2);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (str_of (messages, 0, "body"), ==, "two");
  g_assert_cmpstr (str_of (messages, 1, "body"), ==, "three");
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = load_messages (f, "b", 6, 2);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (str_of (messages, 0, "body"), ==, "one");
  g_clear_pointer (&messages, g_ptr_array_unref);

  /* Events: an edit, a deletion, receipts that only move forward. */
  event = obj ("{\"type\":\"message.edit\",\"seq\":10,\"room_id\":\"b\","
               "\"data\":{\"id\":\"m3\",\"room_id\":\"b\",\"seq\":9,\"body\":\"three!\",\"edited_at\":\"2026-11-21T09:00:00.000Z\"}}");
  AWAIT_OK (f, cc_cache_apply_event_async (f->cache, event, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&event, json_object_unref);
  event = obj ("{\"type\":\"message.delete\",\"seq\":11,\"room_id\":\"b\",\"data\":{\"id\":\"m2\"}}");
  AWAIT_OK (f, cc_cache_apply_event_async (f->cache, event, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&event, json_object_unref);
  event = obj ("{\"type\":\"receipt\",\"seq\":12,\"room_id\":\"b\","
               "\"data\":{\"room_id\":\"b\",\"user_id\":\"u1\",\"last_read_seq\":9}}");
  AWAIT_OK (f, cc_cache_apply_event_async (f->cache, event, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&event, json_object_unref);
  event = obj ("{\"type\":\"receipt\",\"seq\":13,\"room_id\":\"b\","
               "\"data\":{\"room_id\":\"b\",\"user_id\":\"u1\",\"last_read_seq\":4}}");
  AWAIT_OK (f, cc_cache_apply_event_async (f->cache, event, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&event, json_object_unref);

  messages = load_messages (f, "b", 0, 10);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (str_of (messages, 1, "body"), ==, "");
  g_assert_true (json_object_get_boolean_member (g_ptr_array_index (messages, 1), "deleted"));
  g_assert_cmpstr (str_of (messages, 2, "body"), ==, "three!");
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (messages, 2), "seq"), ==, 9);
  g_clear_pointer (&messages, g_ptr_array_unref);

  /* A page the server read before that edit and deletion, answered after
   * them (a slow database): it does not bring the old words back. */
  in = objs ("{\"id\":\"m2\",\"room_id\":\"b\",\"seq\":6,\"body\":\"two\",\"deleted\":false,\"edited_at\":null}",
             "{\"id\":\"m3\",\"room_id\":\"b\",\"seq\":9,\"body\":\"three\",\"edited_at\":null}",
             NULL);
  AWAIT_OK (f, cc_cache_save_messages_async (f->cache, in, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&in, g_ptr_array_unref);
  messages = load_messages (f, "b", 0, 10);
  g_assert_true (json_object_get_boolean_member (g_ptr_array_index (messages, 1), "deleted"));
  g_assert_cmpstr (str_of (messages, 2, "body"), ==, "three!");
  g_clear_pointer (&messages, g_ptr_array_unref);

  cc_cache_load_members_async (f->cache, "b", NULL, cc_test_result_cb, &res);
  members = await_array (f, &res);
  g_assert_cmpuint (members->len, ==, 1);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (members, 0), "last_read_seq"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (g_ptr_array_index (members, 0), "user"),
                                                  "display_name"), ==, "Bea");
  g_assert_cmpint (last_seq (f), ==, 13);

  /* Retention removed room b's messages below seq 9 (issue 17): the cached
   * ones go, the newer one and the other room's stay. */
  event = obj ("{\"type\":\"messages.expired\",\"seq\":14,\"room_id\":\"b\","
               "\"data\":{\"room_id\":\"b\",\"before_seq\":9}}");
  AWAIT_OK (f, cc_cache_apply_event_async (f->cache, event, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&event, json_object_unref);
  messages = load_messages (f, "b", 0, 10);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (str_of (messages, 0, "id"), ==, "m3");
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = load_messages (f, "a", 0, 10);
  g_assert_cmpuint (messages->len, ==, 1);
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_assert_cmpint (last_seq (f), ==, 14);

  /* Removed from a room: it goes with its messages; the other stays. */
  event = obj ("{\"type\":\"room.removed\",\"seq\":15,\"room_id\":\"b\",\"data\":{}}");
  AWAIT_OK (f, cc_cache_apply_event_async (f->cache, event, NULL, cc_test_result_cb, &r_));
  g_clear_pointer (&rooms, g_ptr_array_unref);
  cc_cache_load_rooms_async (f->cache, NULL, cc_test_result_cb, &res);
  rooms = await_array (f, &res);
  g_assert_cmpuint (rooms->len, ==, 1);
  g_assert_cmpstr (str_of (rooms, 0, "id"), ==, "a");
  messages = load_messages (f, "b", 0, 10);
  g_assert_cmpuint (messages->len, ==, 0);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = load_messages (f, "a", 0, 10);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpint (last_seq (f), ==, 15);
}

static void
load_fixture (Fixture *f, const char *name)
{
  g_autofree char *sql_path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autofree char *sql = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  char *msg = NULL;

  g_file_get_contents (sql_path, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", name, msg);
  sqlite3_close (db);
}

static int
file_user_version (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return version;
}

static void
test_migration (Fixture *f, gconstpointer data)
{
  int version = GPOINTER_TO_INT (data);
  g_autofree char *name = g_strdup_printf ("cache-v%d.sql", version);
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) in = NULL;
  g_autoptr(GAsyncResult) draft_res = NULL;
  g_autofree char *draft = NULL;
  GAsyncResult *res = NULL;
  CcOutboxEntry *entry;

  load_fixture (f, name);
  open_cache (f);
  g_assert_cmpint (cc_cache_get_opened_version (f->cache), ==, version);

  /* What the user had is all still there after the upgrade. */
  cc_cache_load_rooms_async (f->cache, NULL, cc_test_result_cb, &res);
  rooms = await_array (f, &res);
  g_assert_cmpuint (rooms->len, ==, 2);
  g_assert_cmpstr (str_of (rooms, 0, "name"), ==, "General");
  messages = load_messages (f, "r-general", 0, 50);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (str_of (messages, 0, "body"), ==, "First");
  g_assert_cmpstr (str_of (messages, 2, "body"), ==, "Third");
  g_assert_cmpint (last_seq (f), ==, 42);

  /* Version 4 indexed what was there for search. */
  cc_cache_search_async (f->cache, "thi", NULL, 10, NULL, cc_test_result_cb, &res);
  {
    g_autoptr(GPtrArray) found = await_array (f, &res);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (str_of (found, 0, "body"), ==, "Third");
  }

  cc_cache_load_draft_async (f->cache, "r-general", NULL, cc_test_result_cb, &draft_res);
  CC_TEST_AWAIT (draft_res);
  draft = cc_cache_finish_string (f->cache, draft_res, NULL);
  g_assert_cmpstr (draft, ==, "Half a thought");

  cc_cache_outbox_list_async (f->cache, NULL, NULL, cc_test_result_cb, &res);
  outbox = await_array (f, &res);
  g_assert_cmpuint (outbox->len, ==, 2);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->txn_id, ==, "t-a");
  g_assert_cmpint (entry->state, ==, CC_MESSAGE_STATE_PENDING);
  if (version >= 3)
    {
      /* The files of a pending message, the uploaded one with its id; the
       * stored message with its attachments. */
      JsonArray *attachments = json_object_get_array_member (g_ptr_array_index (messages, 2), "attachments");

      g_assert_nonnull (entry->files);
      g_assert_cmpuint (json_array_get_length (entry->files), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entry->files, 0), "id"),
                       ==, "att-1");
      g_assert_false (json_object_has_member (json_array_get_object_element (entry->files, 1), "id"));
      g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attachments, 0), "name"),
                       ==, "plan.png");
    }
  else
    g_assert_null (entry->files);
  entry = g_ptr_array_index (outbox, 1);
  g_assert_cmpstr (entry->body, ==, "Offline two");
  g_assert_cmpstr (entry->reply_to, ==, "m1");
  /* Version 5: the object a waiting message cites. */
  if (version >= 5)
    {
      g_assert_nonnull (entry->context);
      g_assert_cmpstr (entry->context->entity_id, ==, "D-42");
      g_assert_cmpstr (entry->context->url, ==, "https://crm.example/deals/42");
    }
  else
    g_assert_null (entry->context);
  if (version >= 2)
    {
      g_assert_cmpint (entry->state, ==, CC_MESSAGE_STATE_FAILED);
      g_assert_cmpstr (entry->error, ==, "You are not a member of this room.");
    }
  g_clear_pointer (&outbox, g_ptr_array_unref);

  /* The migrated txn_id column works: the server's copy of t-a clears it. */
  in = objs ("{\"id\":\"m4\",\"room_id\":\"r-general\",\"seq\":43,\"body\":\"Offline one\",\"txn_id\":\"t-a\"}", NULL);
  AWAIT_OK (f, cc_cache_save_messages_async (f->cache, in, NULL, cc_test_result_cb, &r_));
  cc_cache_outbox_list_async (f->cache, NULL, NULL, cc_test_result_cb, &res);
  outbox = await_array (f, &res);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpstr (((CcOutboxEntry *) g_ptr_array_index (outbox, 0))->txn_id, ==, "t-b");

  g_clear_object (&f->cache);   /* joins the worker, closes the file */
  g_assert_cmpint (file_user_version (f->path), ==, CC_CACHE_SCHEMA_VERSION);
}

static void
test_newer_version (Fixture *f, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  f->cache = cc_cache_new (f->path);
  cc_cache_open_async (f->cache, NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_false (cc_cache_open_finish (f->cache, res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "newer version"));
}

/* The child saves as the user types and dies without closing anything. */
static void
test_draft_crash (Fixture *f, gconstpointer data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *draft = NULL;

  if (g_test_subprocess ())
    {
      const char *steps[] = { "H", "Hel", "Hello wor", "Hello world" };
      GAsyncResult *last = NULL;

      g_free (f->path);
      f->path = g_strdup (g_getenv ("CC_TEST_DRAFT_DB"));
      open_cache (f);
      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        cc_cache_save_draft_async (f->cache, "room-1", steps[i], NULL,
                                   i + 1 == G_N_ELEMENTS (steps) ? cc_test_result_cb : NULL,
                                   i + 1 == G_N_ELEMENTS (steps) ? &last : NULL);
      cc_cache_save_draft_async (f->cache, "room-2", "Other room", NULL, NULL, NULL);
      CC_TEST_AWAIT (last);
      _exit (0);
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  g_free (f->path);
  f->path = g_strdup (g_getenv ("CC_TEST_DRAFT_DB"));

  open_cache (f);
  cc_cache_load_draft_async (f->cache, "room-1", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  draft = cc_cache_finish_string (f->cache, res, NULL);
  g_assert_cmpstr (draft, ==, "Hello world");
  g_clear_object (&res);

  /* Sending clears it. */
  AWAIT_OK (f, cc_cache_save_draft_async (f->cache, "room-1", "", NULL, cc_test_result_cb, &r_));
  cc_cache_load_draft_async (f->cache, "room-1", NULL, cc_test_result_cb, &res);
  CC_TEST_AWAIT (res);
  g_assert_null (cc_cache_finish_string (f->cache, res, NULL));
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return json_array_ref (json_node_get_array (node));
}

static gint64
update_file (Fixture *f, const char *txn_id, const char *path, const char *update_text)
{
  g_autoptr(JsonObject) update = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  if (update_text != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (update_text, NULL);

      update = json_object_ref (json_node_get_object (node));
    }
  cc_cache_outbox_update_file_async (f->cache, txn_id, path, update, NULL, cc_test_result_cb, &r);
  CC_TEST_AWAIT (r);
  n = cc_cache_finish_int (f->cache, r, &error);
  g_assert_no_error (error);
  return n;
}

static CcOutboxEntry *
only_entry (Fixture *f, GPtrArray **keep)
{
  GAsyncResult *res = NULL;

  g_clear_pointer (keep, g_ptr_array_unref);
  cc_cache_outbox_list_async (f->cache, NULL, NULL, cc_test_result_cb, &res);
  *keep = await_array (f, &res);
  return (*keep)->len > 0 ? g_ptr_array_index (*keep, 0) : NULL;
}

/* A message with files: each upload is recorded by path, a refusal too
 * (and cleared by a retry); taking the last file off a message without
 * text removes it. */
static void
test_outbox_files (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonArray) files = parse_array ("[{\"path\":\"/o/t/0\",\"name\":\"a.png\",\"size\":3},"
                                            "{\"path\":\"/o/t/1\",\"name\":\"b.pdf\",\"size\":4}]");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  CcOutboxEntry *entry;
  JsonObject *file;

  open_cache (f);
  cc_cache_outbox_add_files_async (f->cache, "t", "r1", "", NULL, 1, files, NULL, cc_test_result_cb, &r);
  CC_TEST_AWAIT (r);
  g_assert_cmpint (cc_cache_finish_int (f->cache, r, NULL), >, 0);

  g_assert_cmpint (update_file (f, "t", "/o/t/0", "{\"id\":\"up-1\",\"width\":4,\"path\":\"/elsewhere\"}"), ==, 0);
  g_assert_cmpint (update_file (f, "t", "/o/t/1", "{\"error\":\"Refused.\"}"), ==, 0);
  entry = only_entry (f, &list);
  g_assert_cmpuint (json_array_get_length (entry->files), ==, 2);
  file = json_array_get_object_element (entry->files, 0);
  g_assert_cmpstr (json_object_get_string_member (file, "id"), ==, "up-1");
  g_assert_cmpstr (json_object_get_string_member (file, "path"), ==, "/o/t/0");
  g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, "a.png");
  g_assert_cmpint (json_object_get_int_member (file, "width"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entry->files, 1), "error"),
                   ==, "Refused.");

  AWAIT_OK (f, cc_cache_outbox_set_state_async (f->cache, "t", CC_MESSAGE_STATE_PENDING, NULL,
                                                NULL, cc_test_result_cb, &r_));
  entry = only_entry (f, &list);
  g_assert_false (json_object_has_member (json_array_get_object_element (entry->files, 1), "error"));

  g_assert_cmpint (update_file (f, "t", "/o/t/1", NULL), ==, 0);
  entry = only_entry (f, &list);
  g_assert_cmpuint (json_array_get_length (entry->files), ==, 1);
  g_assert_cmpint (update_file (f, "t", "/o/t/0", NULL), ==, 1);
  g_assert_null (only_entry (f, &list));
  /* Unknown entries are left alone. */
  g_assert_cmpint (update_file (f, "t", "/o/t/0", NULL), ==, 0);
}

static void
test_outbox_order (Fixture *f, gconstpointer data)
{
  const char *bodies[] = { "one", "two", "three", "four" };
  const char *rooms[] = { "r1", "r2", "r1", "r1" };
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) r1 = NULL;
  g_autoptr(GPtrArray) in = NULL;
  GAsyncResult *res = NULL;

  open_cache (f);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *txn = g_strdup_printf ("txn-%u", i);
      g_autoptr(GAsyncResult) r = NULL;
      g_autoptr(GError) error = NULL;

      /* created_at runs backwards: the order is the order of writing. */
      cc_cache_outbox_add_async (f->cache, txn, rooms[i], bodies[i], NULL, 1000 - i,
                                 NULL, cc_test_result_cb, &r);
      CC_TEST_AWAIT (r);
      g_assert_cmpint (cc_cache_finish_int (f->cache, r, &error), >, 0);
      g_assert_no_error (error);
    }

  AWAIT_OK (f, cc_cache_outbox_set_state_async (f->cache, "txn-1", CC_MESSAGE_STATE_FAILED,
                                                "Refused.", NULL, cc_test_result_cb, &r_));
  cc_cache_outbox_list_async (f->cache, NULL, NULL, cc_test_result_cb, &res);
  all = await_array (f, &res);
  g_assert_cmpuint (all->len, ==, 4);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (((CcOutboxEntry *) all->pdata[i])->body, ==, bodies[i]);
  g_assert_cmpint (((CcOutboxEntry *) all->pdata[1])->state, ==, CC_MESSAGE_STATE_FAILED);
  g_assert_cmpstr (((CcOutboxEntry *) all->pdata[1])->error, ==, "Refused.");
  g_assert_cmpuint (((CcOutboxEntry *) all->pdata[1])->attempts, ==, 1);

  /* The server's copy of "three" arrives: it leaves the outbox. */
  in = objs ("{\"id\":\"m3\",\"room_id\":\"r1\",\"seq\":3,\"body\":\"three\",\"txn_id\":\"txn-2\"}", NULL);
  AWAIT_OK (f, cc_cache_save_messages_async (f->cache, in, NULL, cc_test_result_cb, &r_));
  AWAIT_OK (f, cc_cache_outbox_remove_async (f->cache, "txn-1", NULL, cc_test_result_cb, &r_));

  cc_cache_outbox_list_async (f->cache, "r1", NULL, cc_test_result_cb, &res);
  r1 = await_array (f, &res);
  g_assert_cmpuint (r1->len, ==, 2);
  g_assert_cmpstr (((CcOutboxEntry *) r1->pdata[0])->body, ==, "one");
  g_assert_cmpstr (((CcOutboxEntry *) r1->pdata[1])->body, ==, "four");
}

int
main (int argc, char **argv)
{
  g_autofree char *draft_dir = NULL;
  g_autofree char *draft_db = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* The crash test's child finds the file through the environment, set
   * here before any thread exists. */
  if (g_getenv ("CC_TEST_DRAFT_DB") == NULL)
    {
      draft_dir = cc_test_make_tmpdir ();
      draft_db = g_build_filename (draft_dir, "drafts.db", NULL);
      g_setenv ("CC_TEST_DRAFT_DB", draft_db, TRUE);
    }

  g_test_add ("/client-core/cache/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/client-core/cache/migrate-from-v1", Fixture, GINT_TO_POINTER (1),
              fixture_setup, test_migration, fixture_teardown);
  g_test_add ("/client-core/cache/open-v2", Fixture, GINT_TO_POINTER (2),
              fixture_setup, test_migration, fixture_teardown);
  g_test_add ("/client-core/cache/open-v3", Fixture, GINT_TO_POINTER (3),
              fixture_setup, test_migration, fixture_teardown);
  g_test_add ("/client-core/cache/open-v4", Fixture, GINT_TO_POINTER (4),
              fixture_setup, test_migration, fixture_teardown);
  g_test_add ("/client-core/cache/open-v5", Fixture, GINT_TO_POINTER (5),
              fixture_setup, test_migration, fixture_teardown);
  g_test_add ("/client-core/cache/outbox-files", Fixture, NULL,
              fixture_setup, test_outbox_files, fixture_teardown);
  g_test_add ("/client-core/cache/newer-version-refused", Fixture, NULL,
              fixture_setup, test_newer_version, fixture_teardown);
  g_test_add ("/client-core/cache/draft-survives-crash", Fixture, NULL,
              fixture_setup, test_draft_crash, fixture_teardown);
  g_test_add ("/client-core/cache/outbox-order", Fixture, NULL,
              fixture_setup, test_outbox_order, fixture_teardown);

  ret = g_test_run ();
  if (draft_dir != NULL)
    cc_test_rm_rf (draft_dir);
  return ret;
}
