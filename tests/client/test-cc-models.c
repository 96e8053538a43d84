/* test-cc-models.c: the list models the widgets show, without a server
 * (and the reconnect policy):
 * the room list keeps newest activity first as rooms change; the
 * timeline keeps seq order, puts our pending messages last and turns them
 * into stored ones in place; receipts give "read by N". Every change is
 * checked against a shadow list rebuilt from items-changed alone, as a
 * GtkListView would see it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-json.h"
#include "cc-event-private.h"
#include "cc-member.h"
#include "cc-room-list.h"
#include "cc-sync-private.h"
#include "cc-test-util.h"
#include "cc-timeline-private.h"

typedef struct {
  GListModel *model;
  GPtrArray  *shadow;
} Shadow;

static void
on_items_changed (GListModel *model, guint pos, guint removed, guint added, Shadow *s)
{
  g_assert_cmpuint (pos + removed, <=, s->shadow->len);
  g_ptr_array_remove_range (s->shadow, pos, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (s->shadow, pos + i, g_list_model_get_item (model, pos + i));
  /* When told, the model is as the signal says: a view may read it then.
   * One that finds an item at a place not yet told of holds it twice
   * (GTK: "Duplicate item detected in list", issue 11). */
  g_assert_cmpuint (s->shadow->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < s->shadow->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (s->shadow, i));
    }
}

static Shadow *
shadow_new (GListModel *model)
{
  Shadow *s = g_new0 (Shadow, 1);

  s->model = model;
  s->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  on_items_changed (model, 0, 0, g_list_model_get_n_items (model), s);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), s);
  return s;
}

static void
shadow_check (Shadow *s)
{
  g_assert_cmpuint (s->shadow->len, ==, g_list_model_get_n_items (s->model));
  for (guint i = 0; i < s->shadow->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (s->model, i);
      g_assert_true (item == g_ptr_array_index (s->shadow, i));
    }
}

static void
shadow_free (Shadow *s)
{
  g_signal_handlers_disconnect_by_data (s->model, s);
  g_ptr_array_unref (s->shadow);
  g_free (s);
}

static JsonObject *
obj (const char *text)
{
  JsonObject *o = cau_json_parse_object (text, strlen (text), NULL);

  g_assert_nonnull (o);
  return o;
}

static char *
room_names (GListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CcRoom) room = g_list_model_get_item (model, i);
      g_string_append_printf (s, "%s%s", i ? "," : "", cc_room_get_name (room));
    }
  return g_string_free (s, FALSE);
}

#define ASSERT_ROOMS(list, s, expected) \
  G_STMT_START { \
    g_autofree char *names_ = room_names (G_LIST_MODEL (list)); \
    g_assert_cmpstr (names_, ==, expected); \
    shadow_check (s); \
  } G_STMT_END

static void
test_room_list (void)
{
  g_autoptr(CcRoomList) list = cc_room_list_new ();
  g_autoptr(JsonObject) a = obj ("{\"id\":\"a\",\"name\":\"Alpha\",\"last_activity_at\":\"2026-11-20T08:00:00.000Z\",\"unread_count\":2}");
  g_autoptr(JsonObject) b = obj ("{\"id\":\"b\",\"name\":\"Beta\",\"last_activity_at\":\"2026-11-21T08:00:00.000Z\",\"unread_count\":1,\"muted\":true}");
  g_autoptr(JsonObject) c = obj ("{\"id\":\"c\",\"name\":\"Gamma\",\"last_activity_at\":\"2026-11-19T08:00:00.000Z\"}");
  g_autoptr(JsonObject) msg = obj ("{\"id\":\"m\",\"seq\":9,\"body\":\"Lunch?\",\"sender\":{\"id\":\"u\",\"display_name\":\"Ada\"},"
                                   "\"created_at\":\"2026-11-22T08:00:00.000Z\"}");
  g_autoptr(JsonObject) rename = obj ("{\"id\":\"b\",\"name\":\"Beta team\"}");
  g_autoptr(JsonObject) c_now = obj ("{\"id\":\"c\",\"name\":\"Gamma\",\"last_activity_at\":\"2026-11-22T08:00:00.000Z\",\"unread_count\":3}");
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  Shadow *s = shadow_new (G_LIST_MODEL (list));
  CcRoom *gamma;

  cc_room_list_upsert (list, a);
  cc_room_list_upsert (list, b);
  gamma = cc_room_list_upsert (list, c);
  ASSERT_ROOMS (list, s, "Beta,Alpha,Gamma");
  /* Muted rooms do not count towards the total. */
  g_assert_cmpuint (cc_room_list_get_unread_total (list), ==, 2);

  /* A new message moves Gamma to the top, with its excerpt. */
  cc_room_set_last_message (gamma, msg);
  ASSERT_ROOMS (list, s, "Gamma,Beta,Alpha");
  g_assert_cmpstr (cc_room_get_last_message_excerpt (gamma), ==, "Lunch?");
  g_assert_cmpstr (cc_room_get_last_message_sender (gamma), ==, "Ada");
  cc_room_set_counts (gamma, 3, 1);
  g_assert_cmpuint (cc_room_list_get_unread_total (list), ==, 5);

  /* A partial update keeps the rest. */
  cc_room_list_upsert (list, rename);
  ASSERT_ROOMS (list, s, "Gamma,Beta team,Alpha");
  g_assert_true (cc_room_get_muted (cc_room_list_lookup (list, "b")));

  /* After a reload without Alpha, it is gone. */
  g_ptr_array_add (keep, b);
  g_ptr_array_add (keep, c_now);
  cc_room_list_replace_all (list, keep);
  ASSERT_ROOMS (list, s, "Gamma,Beta");
  g_assert_null (cc_room_list_lookup (list, "a"));
  g_assert_cmpuint (cc_room_list_get_unread_total (list), ==, 3);

  shadow_free (s);
}

/* What a room says of itself, written to the cache and read back, keeps
 * every change made since it came from the server, and what the server
 * said that the room has no field for (context). */
static void
test_room_json (void)
{
  g_autoptr(JsonObject) wire = obj ("{\"id\":\"r\",\"type\":\"project\",\"name\":\"Launch\",\"description\":\"Q1\","
                                    "\"is_private\":true,\"member_count\":4,\"unread_count\":0,\"mention_count\":0,"
                                    "\"muted\":false,\"notify\":\"mentions\",\"created_at\":\"2026-11-19T08:00:00.000Z\","
                                    "\"context\":{\"entity_type\":\"project\",\"entity_id\":\"p7\",\"label\":\"Launch\"},"
                                    "\"last_message\":null}");
  g_autoptr(JsonObject) msg = obj ("{\"id\":\"m\",\"seq\":9,\"body\":\"Draft ready\",\"sender\":{\"id\":\"u\",\"display_name\":\"Ada\"},"
                                   "\"created_at\":\"2026-11-22T08:00:00.000Z\"}");
  g_autoptr(JsonObject) edit = obj ("{\"id\":\"m\",\"seq\":9,\"body\":\"Final draft ready\"}");
  g_autoptr(JsonObject) rename = obj ("{\"id\":\"r\",\"name\":\"Launch 2027\"}");
  g_autoptr(CcRoom) room = cc_room_new_from_json (wire);
  g_autoptr(CcRoom) again = NULL;
  g_autoptr(JsonObject) saved = NULL;
  JsonObject *context;

  cc_room_set_last_message (room, msg);
  cc_room_set_counts (room, 2, 1);
  g_assert_true (cc_room_update_last_message (room, edit));
  cc_room_update_from_json (room, rename);

  saved = cc_room_to_json (room);
  again = cc_room_new_from_json (saved);
  g_assert_cmpstr (cc_room_get_name (again), ==, "Launch 2027");
  g_assert_cmpstr (cc_room_get_description (again), ==, "Q1");
  g_assert_true (cc_room_get_is_private (again));
  g_assert_cmpstr (cc_room_get_notify (again), ==, "mentions");
  g_assert_cmpuint (cc_room_get_member_count (again), ==, 4);
  g_assert_cmpuint (cc_room_get_unread_count (again), ==, 2);
  g_assert_cmpuint (cc_room_get_mention_count (again), ==, 1);
  g_assert_cmpstr (cc_room_get_last_message_excerpt (again), ==, "Final draft ready");
  g_assert_cmpstr (cc_room_get_last_message_sender (again), ==, "Ada");
  g_assert_cmpint (cc_room_get_last_message_seq (again), ==, 9);
  g_assert_cmpint (cc_room_get_last_activity_at (again), ==, cc_room_get_last_activity_at (room));
  g_assert_cmpint (cc_room_get_last_activity_at (again), >, 0);
  context = json_object_get_object_member (saved, "context");
  g_assert_nonnull (context);
  g_assert_cmpstr (json_object_get_string_member (context, "entity_id"), ==, "p7");
}

static char *
timeline_text (GListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (model, i);
      const char *mark = cc_message_get_state (m) == CC_MESSAGE_STATE_PENDING ? "…" :
                         cc_message_get_state (m) == CC_MESSAGE_STATE_FAILED ? "!" : "";

      g_string_append_printf (s, "%s%s%s", i ? "," : "", cc_message_get_body (m), mark);
    }
  return g_string_free (s, FALSE);
}

#define ASSERT_TIMELINE(tl, s, expected) \
  G_STMT_START { \
    g_autofree char *text_ = timeline_text (G_LIST_MODEL (tl)); \
    g_assert_cmpstr (text_, ==, expected); \
    shadow_check (s); \
  } G_STMT_END

static CcMember *
member (const char *user_id, gint64 last_read)
{
  g_autofree char *text = g_strdup_printf ("{\"user\":{\"id\":\"%s\",\"display_name\":\"%s\"},"
                                           "\"role\":\"member\",\"last_read_seq\":%" G_GINT64_FORMAT "}",
                                           user_id, user_id, last_read);
  g_autoptr(JsonObject) json = obj (text);

  return cc_member_new_from_json (json);
}

/* Our second pending message is stored before the first (two windows, or
 * a retry): it moves in front of the first, told as a view reads it. */
static void
test_timeline_ack_moves (void)
{
  g_autofree char *dir = cc_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "t.db", NULL);
  g_autoptr(CcCache) cache = cc_cache_new (path);
  g_autoptr(CcApi) api = cc_api_new ("http://127.0.0.1:9");
  g_autoptr(CcTimeline) tl = _cc_timeline_new ("r", cache, api, "me", "Me");
  g_autoptr(JsonObject) m1 = obj ("{\"id\":\"m1\",\"room_id\":\"r\",\"seq\":1,\"body\":\"one\",\"sender\":{\"id\":\"ann\"}}");
  g_autoptr(JsonObject) second = obj ("{\"id\":\"m8\",\"room_id\":\"r\",\"seq\":8,\"body\":\"second\","
                                      "\"txn_id\":\"t2\",\"sender\":{\"id\":\"me\"}}");
  CcOutboxEntry t1 = { 1, (char *) "t1", (char *) "r", (char *) "first", NULL, CC_MESSAGE_STATE_PENDING, NULL, 0, 0 };
  CcOutboxEntry t2 = { 2, (char *) "t2", (char *) "r", (char *) "second", NULL, CC_MESSAGE_STATE_PENDING, NULL, 0, 0 };
  Shadow *s = shadow_new (G_LIST_MODEL (tl));

  _cc_timeline_add_message (tl, m1);
  _cc_timeline_add_pending (tl, &t1);
  _cc_timeline_add_pending (tl, &t2);
  ASSERT_TIMELINE (tl, s, "one,first…,second…");
  _cc_timeline_add_message (tl, second);
  ASSERT_TIMELINE (tl, s, "one,second,first…");
  shadow_free (s);
  g_clear_object (&tl);
  g_clear_object (&cache);
  cc_test_rm_rf (dir);
}

static void
test_timeline (void)
{
  g_autofree char *dir = cc_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "t.db", NULL);
  g_autoptr(CcCache) cache = cc_cache_new (path);
  g_autoptr(CcApi) api = cc_api_new ("http://127.0.0.1:9");
  g_autoptr(CcTimeline) tl = _cc_timeline_new ("r", cache, api, "me", "Me");
  g_autoptr(GListStore) members = g_list_store_new (CC_TYPE_MEMBER);
  g_autoptr(JsonObject) m5 = obj ("{\"id\":\"m5\",\"room_id\":\"r\",\"seq\":5,\"body\":\"five\",\"sender\":{\"id\":\"ann\"}}");
  g_autoptr(JsonObject) m2 = obj ("{\"id\":\"m2\",\"room_id\":\"r\",\"seq\":2,\"body\":\"two\",\"sender\":{\"id\":\"me\"}}");
  g_autoptr(JsonObject) acked = obj ("{\"id\":\"m7\",\"room_id\":\"r\",\"seq\":7,\"body\":\"mine\",\"txn_id\":\"t1\",\"sender\":{\"id\":\"me\"}}");
  g_autoptr(JsonObject) m6 = obj ("{\"id\":\"m6\",\"room_id\":\"r\",\"seq\":6,\"body\":\"six\",\"sender\":{\"id\":\"bob\"}}");
  g_autoptr(JsonObject) edit = obj ("{\"id\":\"m5\",\"body\":\"five!\",\"edited_at\":\"2026-11-21T09:00:00.000Z\"}");
  g_autoptr(CcMember) ann = member ("ann", 0);
  g_autoptr(CcMember) bob = member ("bob", 0);
  CcOutboxEntry t1 = { 1, (char *) "t1", (char *) "r", (char *) "mine", NULL, CC_MESSAGE_STATE_PENDING, NULL, 0, 0 };
  CcOutboxEntry t2 = { 2, (char *) "t2", (char *) "r", (char *) "later", NULL, CC_MESSAGE_STATE_FAILED,
                       (char *) "Refused.", 0, 1 };
  CcOutboxEntry other = { 3, (char *) "t3", (char *) "elsewhere", (char *) "no", NULL, CC_MESSAGE_STATE_PENDING, NULL, 0, 0 };
  Shadow *s = shadow_new (G_LIST_MODEL (tl));
  CcMessage *pending;

  _cc_timeline_add_message (tl, m5);
  _cc_timeline_add_pending (tl, &t1);
  _cc_timeline_add_pending (tl, &t2);
  _cc_timeline_add_pending (tl, &other);
  ASSERT_TIMELINE (tl, s, "five,mine…,later!");
  pending = cc_timeline_lookup (tl, "t1");
  g_assert_true (cc_message_get_is_own (pending));
  g_assert_cmpstr (cc_message_get_error (cc_timeline_lookup (tl, "t2")), ==, "Refused.");

  /* Older history goes in front; a message from others lands before our
   * pending ones. */
  _cc_timeline_add_message (tl, m2);
  _cc_timeline_add_message (tl, m6);
  ASSERT_TIMELINE (tl, s, "two,five,six,mine…,later!");

  /* The server stored ours: the same row becomes stored, in seq order. */
  _cc_timeline_add_message (tl, acked);
  ASSERT_TIMELINE (tl, s, "two,five,six,mine,later!");
  g_assert_true (cc_timeline_lookup (tl, "m7") == pending);
  g_assert_cmpint (cc_message_get_state (pending), ==, CC_MESSAGE_STATE_STORED);
  g_assert_cmpint (cc_timeline_get_last_seq (tl), ==, 7);

  /* What the cache would store of it reads back the same. */
  {
    g_autoptr(JsonObject) back = cc_message_to_json (pending);
    g_autoptr(CcMessage) copy = cc_message_new_from_json (back);

    g_assert_cmpstr (cc_message_get_body (copy), ==, "mine");
    g_assert_cmpstr (cc_message_get_id (copy), ==, "m7");
    g_assert_cmpstr (cc_message_get_txn_id (copy), ==, "t1");
    g_assert_cmpstr (cc_message_get_sender_id (copy), ==, "me");
    g_assert_cmpint (cc_message_get_seq (copy), ==, 7);
    g_assert_cmpint (cc_message_get_state (copy), ==, CC_MESSAGE_STATE_STORED);
  }

  /* Edits change the row, not the list. */
  _cc_timeline_add_message (tl, edit);
  ASSERT_TIMELINE (tl, s, "two,five!,six,mine,later!");
  g_assert_cmpint (cc_message_get_edited_at (cc_timeline_lookup (tl, "m5")), >, 0);

  /* Receipts: ✓ until someone else's watermark passes, then read by N. */
  g_list_store_append (members, ann);
  g_list_store_append (members, bob);
  _cc_timeline_set_members (tl, G_LIST_MODEL (members));
  g_assert_cmpuint (cc_message_get_read_by (pending), ==, 0);
  cc_member_set_last_read_seq (bob, 7);
  _cc_timeline_update_read_by (tl);
  g_assert_cmpuint (cc_message_get_read_by (pending), ==, 1);
  g_assert_cmpuint (cc_message_get_read_by (cc_timeline_lookup (tl, "m2")), ==, 1);
  cc_member_set_last_read_seq (ann, 9);
  cc_member_set_last_read_seq (bob, 3);   /* never backwards */
  _cc_timeline_update_read_by (tl);
  g_assert_cmpuint (cc_message_get_read_by (pending), ==, 2);

  /* Discarding the failed one. */
  _cc_timeline_remove_pending (tl, "t2");
  ASSERT_TIMELINE (tl, s, "two,five!,six,mine");

  shadow_free (s);
  _cc_timeline_set_members (tl, NULL);
  g_clear_object (&tl);
  g_clear_object (&cache);
  cc_test_rm_rf (dir);
}

/* The waits grow with each failed attempt up to the cap, and spread over
 * the whole range (down to nothing) instead of clustering. */
static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  (*changes)++;
}

/* A message's attachments: one list for its life; an update that names
 * the same files keeps the same objects (the rows on screen stay); a
 * deletion empties it. */
static void
test_message_attachments (void)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(JsonObject) deleted = NULL;
  g_autoptr(CcMessage) plain = NULL;
  g_autoptr(CcMessage) message = NULL;
  g_autoptr(CcAttachment) a = NULL;
  g_autoptr(CcAttachment) again = NULL;
  g_autoptr(JsonObject) back = NULL;
  GListModel *list;
  guint changes = 0;
  g_autoptr(JsonObject) plain_json = obj ("{\"id\":\"m0\",\"seq\":1,\"body\":\"hi\",\"attachments\":[]}");

  plain = cc_message_new_from_json (plain_json);
  g_assert_nonnull (cc_message_get_attachments (plain));
  g_assert_cmpuint (g_list_model_get_n_items (cc_message_get_attachments (plain)), ==, 0);
  g_assert_true (g_list_model_get_item_type (cc_message_get_attachments (plain)) == CC_TYPE_ATTACHMENT);

  first = obj ("{\"id\":\"m1\",\"seq\":2,\"body\":\"\",\"attachments\":["
               "{\"id\":\"a1\",\"name\":\"view.jpg\",\"size\":1234,\"mime_type\":\"image/jpeg\","
               "\"width\":640,\"height\":480,\"has_thumbnail\":true},"
               "{\"id\":\"a2\",\"name\":\"q3.xlsx\",\"size\":99,"
               "\"mime_type\":\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\","
               "\"width\":null,\"height\":null,\"has_thumbnail\":false}]}");
  message = cc_message_new_from_json (first);
  list = cc_message_get_attachments (message);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  a = g_list_model_get_item (list, 0);
  g_assert_cmpstr (cc_attachment_get_id (a), ==, "a1");
  g_assert_cmpstr (cc_attachment_get_name (a), ==, "view.jpg");
  g_assert_cmpuint (cc_attachment_get_size (a), ==, 1234);
  g_assert_cmpint (cc_attachment_get_width (a), ==, 640);
  g_assert_cmpint (cc_attachment_get_height (a), ==, 480);
  g_assert_true (cc_attachment_get_has_thumbnail (a));
  g_assert_true (cc_attachment_is_image (a));
  g_assert_cmpint (cc_attachment_get_state (a), ==, CC_ATTACHMENT_REMOTE);
  g_assert_null (cc_attachment_get_local_file (a));

  g_signal_connect (list, "items-changed", G_CALLBACK (count_changes_cb), &changes);
  edit = obj ("{\"id\":\"m1\",\"body\":\"with text\",\"attachments\":["
              "{\"id\":\"a1\",\"name\":\"view.jpg\",\"size\":1234,\"mime_type\":\"image/jpeg\"},"
              "{\"id\":\"a2\",\"name\":\"q3.xlsx\",\"size\":99,\"mime_type\":\"text/plain\"}]}");
  cc_message_update_from_json (message, edit);
  g_assert_cmpuint (changes, ==, 0);
  again = g_list_model_get_item (list, 0);
  g_assert_true (again == a);

  /* The wire JSON the cache keeps carries them. */
  back = cc_message_to_json (message);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (back, "attachments")), ==, 2);

  deleted = obj ("{\"id\":\"m1\",\"deleted\":true,\"body\":\"\",\"attachments\":[]}");
  cc_message_update_from_json (message, deleted);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (cc_message_get_attachments (message) == list);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_signal_handlers_disconnect_by_data (list, &changes);
}

/* About a second first, doubling up to the cap, with equal jitter:
 * between half the ceiling and the ceiling (issue 11, defect 7). */
static void
test_backoff (void)
{
  for (guint attempt = 0; attempt < 40; attempt++)
    {
      guint ceiling = attempt < 4 ? 1000u << attempt : 15000;
      guint lo = G_MAXUINT, hi = 0;

      for (guint i = 0; i < 2000; i++)
        {
          guint d = _cc_sync_backoff_delay (1000, 15000, attempt);

          g_assert_cmpuint (d, <=, ceiling);
          g_assert_cmpuint (d, >=, ceiling / 2);
          lo = MIN (lo, d);
          hi = MAX (hi, d);
        }
      g_assert_cmpuint (hi, >, ceiling * 9 / 10);
      g_assert_cmpuint (lo, <, ceiling * 6 / 10);
    }
}

/* Each stored event's payload is read one way (cc-event.c), by the cache
 * and the models alike: a message with its id and room, a deletion
 * emptied, a wrapped or bare room with its id, a member. */
static void
test_event_payloads (void)
{
  g_autoptr(JsonObject) del = obj ("{\"type\":\"message.delete\",\"seq\":9,\"room_id\":\"r1\","
                                   "\"data\":{\"id\":\"m1\",\"seq\":4}}");
  g_autoptr(JsonObject) edit = obj ("{\"type\":\"message.edit\",\"seq\":10,\"room_id\":\"r1\","
                                    "\"data\":{\"message\":{\"id\":\"m2\",\"body\":\"hi\"}}}");
  g_autoptr(JsonObject) old = obj ("{\"type\":\"message.delete\",\"seq\":11,"
                                   "\"data\":{\"message_id\":\"m3\",\"room_id\":\"r2\"}}");
  g_autoptr(JsonObject) none = obj ("{\"type\":\"message.edit\",\"seq\":12,\"room_id\":\"r1\","
                                    "\"data\":{\"body\":\"whose?\"}}");
  g_autoptr(JsonObject) room = obj ("{\"type\":\"room.update\",\"seq\":13,\"room_id\":\"r1\","
                                    "\"data\":{\"name\":\"Plans\"}}");
  g_autoptr(JsonObject) wrapped = obj ("{\"type\":\"room.new\",\"seq\":14,"
                                       "\"data\":{\"room\":{\"id\":\"r3\",\"name\":\"New\"}}}");
  g_autoptr(JsonObject) member = obj ("{\"type\":\"member.update\",\"seq\":15,\"room_id\":\"r1\","
                                      "\"data\":{\"user_id\":\"u1\",\"role\":\"admin\"}}");
  g_autoptr(JsonObject) m = NULL;
  g_autoptr(JsonObject) r = NULL;

  m = _cc_event_message ("message.delete", del);
  g_assert_cmpstr (json_object_get_string_member (m, "id"), ==, "m1");
  g_assert_cmpstr (json_object_get_string_member (m, "room_id"), ==, "r1");
  g_assert_true (json_object_get_boolean_member (m, "deleted"));
  g_assert_cmpstr (json_object_get_string_member (m, "body"), ==, "");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "attachments")), ==, 0);
  /* The event itself is left as it was. */
  g_assert_false (json_object_has_member (json_object_get_object_member (del, "data"), "deleted"));
  g_clear_pointer (&m, json_object_unref);

  m = _cc_event_message ("message.edit", edit);
  g_assert_cmpstr (json_object_get_string_member (m, "id"), ==, "m2");
  g_assert_cmpstr (json_object_get_string_member (m, "body"), ==, "hi");
  g_assert_cmpstr (json_object_get_string_member (m, "room_id"), ==, "r1");
  g_assert_false (json_object_has_member (m, "deleted"));
  g_clear_pointer (&m, json_object_unref);

  m = _cc_event_message ("message.delete", old);
  g_assert_cmpstr (json_object_get_string_member (m, "id"), ==, "m3");
  g_assert_cmpstr (json_object_get_string_member (m, "room_id"), ==, "r2");
  g_clear_pointer (&m, json_object_unref);

  g_assert_null (_cc_event_message ("message.edit", none));

  r = _cc_event_room (room);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, "r1");
  g_assert_cmpstr (json_object_get_string_member (r, "name"), ==, "Plans");
  g_clear_pointer (&r, json_object_unref);
  r = _cc_event_room (wrapped);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, "r3");
  g_assert_cmpstr (_cc_event_room_id (wrapped), ==, NULL);

  g_assert_cmpstr (json_object_get_string_member (_cc_event_member (member), "role"), ==, "admin");
  g_assert_cmpstr (_cc_event_room_id (member), ==, "r1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client-core/models/room-list", test_room_list);
  g_test_add_func ("/client-core/models/room-json", test_room_json);
  g_test_add_func ("/client-core/models/timeline", test_timeline);
  g_test_add_func ("/client-core/models/timeline-ack-moves", test_timeline_ack_moves);
  g_test_add_func ("/client-core/models/message-attachments", test_message_attachments);
  g_test_add_func ("/client-core/models/event-payloads", test_event_payloads);
  g_test_add_func ("/client-core/sync/backoff", test_backoff);

  return g_test_run ();
}
