/* test-ui-widgets.c: in-process tests of the UI layer's logic: time
 * formatting, mention completion, URL normalisation, typing line, message
 * markup and grouping, room filter; and the widgets themselves when a
 * display is available.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

#include "cau-time.h"
#include "cw-composer.h"
#include "cw-resources.h"
#include "cw-conversation.h"
#include "cw-message-row.h"
#include "cw-room-list.h"
#include "cw-signin-view.h"
#include "cw-utils.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_relative_time (void)
{
  gint64 now = g_get_real_time () / 1000;
  g_autofree char *a = cw_format_relative_time (now - 10 * 1000);
  g_autofree char *b = cw_format_relative_time (now - 5 * 60 * 1000);
  g_autofree char *c = cw_format_relative_time (0);

  g_assert_cmpstr (a, ==, "now");
  g_assert_cmpstr (b, ==, "5 min");
  g_assert_cmpstr (c, ==, "");
}

static gint64
noon_in_days (int days)
{
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) noon = g_date_time_new_local (g_date_time_get_year (today), g_date_time_get_month (today),
                                                     g_date_time_get_day_of_month (today), 12, 0, 0);
  g_autoptr(GDateTime) then = g_date_time_add_days (noon, days);

  return g_date_time_to_unix (then) * 1000;
}

static void
test_day_labels (void)
{
  g_autofree char *today = cw_format_day (noon_in_days (0));
  g_autofree char *yesterday = cw_format_day (noon_in_days (-1));
  g_autofree char *tomorrow = cw_format_day (noon_in_days (1));
  g_autofree char *week = cw_format_day (noon_in_days (7));

  g_assert_cmpstr (today, ==, "Today");
  g_assert_cmpstr (yesterday, ==, "Yesterday");
  /* An invitation that expires in a week does not expire "Today". */
  g_assert_cmpstr (tomorrow, ==, "Tomorrow");
  g_assert_cmpstr (week, !=, "Today");
  g_assert_true (cw_same_day (noon_in_days (0), noon_in_days (0) + 1000));
  g_assert_false (cw_same_day (noon_in_days (0), noon_in_days (1)));
}

static void
test_mention_query (void)
{
  gsize start = 0;
  g_autofree char *a = cw_composer_mention_query ("hello @al", 9, &start);
  g_autofree char *b = cw_composer_mention_query ("mail@example", 12, NULL);
  g_autofree char *c = cw_composer_mention_query ("@", 1, &start);
  g_autofree char *d = cw_composer_mention_query ("@alice done", 11, NULL);

  g_assert_cmpstr (a, ==, "al");
  g_assert_null (b);
  g_assert_cmpstr (c, ==, "");
  g_assert_cmpuint (start, ==, 0);
  g_assert_null (d);
}

static void
test_normalize_url (void)
{
  g_autofree char *a = cw_signin_normalize_url ("localhost:8080/");
  g_autofree char *b = cw_signin_normalize_url (" chat.example.org ");
  g_autofree char *c = cw_signin_normalize_url ("http://127.0.0.1:9/");

  g_assert_cmpstr (a, ==, "http://localhost:8080");
  g_assert_cmpstr (b, ==, "https://chat.example.org");
  g_assert_cmpstr (c, ==, "http://127.0.0.1:9");
}

static void
test_typing_text (void)
{
  const char *one[] = { "Alice", NULL };
  const char *two[] = { "Alice", "Bob", NULL };
  const char *three[] = { "Alice", "Bob", "Chloé", NULL };
  g_autofree char *a = cw_conversation_typing_text (one);
  g_autofree char *b = cw_conversation_typing_text (two);
  g_autofree char *c = cw_conversation_typing_text (three);

  g_assert_null (cw_conversation_typing_text (NULL));
  g_assert_cmpstr (a, ==, "Alice is typing…");
  g_assert_cmpstr (b, ==, "Alice and Bob are typing…");
  g_assert_cmpstr (c, ==, "Several people are typing…");
}

static CcMessage *
message (const char *id,
         const char *sender_id,
         const char *created_at,
         const char *body)
{
  g_autofree char *json = g_strdup_printf (
    "{\"id\":\"%s\",\"room_id\":\"r\",\"seq\":1,\"sender\":{\"id\":\"%s\",\"display_name\":\"%s\"},"
    "\"kind\":\"text\",\"body\":\"%s\",\"reply_to\":null,"
    "\"mentions\":[{\"type\":\"user\",\"id\":\"u2\",\"start\":3,\"end\":9}],"
    "\"attachments\":[],\"context\":null,\"created_at\":\"%s\",\"edited_at\":null,\"deleted\":false}",
    id, sender_id, sender_id, body, created_at);
  g_autoptr(JsonObject) obj = parse_object (json);

  return cc_message_new_from_json (obj);
}

static void
test_message_markup (void)
{
  g_autoptr(CcMessage) m = message ("m1", "u1", "2026-11-21T08:00:00.000Z", "Hi @Alice <3");
  gboolean me = FALSE;
  g_autofree char *markup = cw_message_row_body_markup (m, "u2", &me);

  g_assert_cmpstr (markup, ==, "Hi <b>@Alice</b> &lt;3");
  g_assert_true (me);
}

static void
test_message_grouping (void)
{
  g_autoptr(CcMessage) a = message ("m1", "u1", "2026-11-21T08:00:00.000Z", "one");
  g_autoptr(CcMessage) b = message ("m2", "u1", "2026-11-21T08:02:00.000Z", "two");
  g_autoptr(CcMessage) c = message ("m3", "u2", "2026-11-21T08:03:00.000Z", "three");
  g_autoptr(CcMessage) d = message ("m4", "u2", "2026-11-21T09:03:00.000Z", "four");

  g_assert_true (cw_message_row_continues (a, b));
  g_assert_false (cw_message_row_continues (b, c));
  g_assert_false (cw_message_row_continues (c, d));
  g_assert_false (cw_message_row_continues (NULL, a));
}

static void
test_room_filter (void)
{
  g_autoptr(JsonObject) obj = parse_object (
    "{\"id\":\"r1\",\"type\":\"channel\",\"name\":\"Équipe Design\",\"description\":\"\","
    "\"is_private\":false,\"is_archived\":false,\"member_count\":3,\"my_role\":\"member\","
    "\"unread_count\":2,\"mention_count\":0,\"muted\":false,\"notify\":\"all\","
    "\"last_message\":{\"id\":\"m\",\"seq\":4,\"sender_name\":\"Bob\",\"excerpt\":\"Mock-ups ready\","
    "\"created_at\":\"2026-11-21T08:00:00.000Z\"},\"context\":null}");
  g_autoptr(CcRoom) room = cc_room_new_from_json (obj);

  g_assert_true (cw_room_list_filter_match (room, NULL));
  g_assert_true (cw_room_list_filter_match (room, "équipe"));
  g_assert_true (cw_room_list_filter_match (room, "MOCK"));
  g_assert_false (cw_room_list_filter_match (room, "finance"));
}

static void
test_message_row_widget (void)
{
  g_autoptr(CcMessage) a = message ("m1", "u1", "2026-11-21T08:00:00.000Z", "one");
  g_autoptr(CcMessage) b = message ("m2", "u1", "2026-11-21T08:02:00.000Z", "two");
  CwMessageContext context = { .previous = a, .my_user_id = "u9" };
  GtkWidget *row;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  row = g_object_ref_sink (GTK_WIDGET (cw_message_row_new ()));
  cw_message_row_set_message (CW_MESSAGE_ROW (row), b, &context);
  g_assert_true (gtk_widget_has_css_class (row, "grouped"));
  context.previous = NULL;
  cw_message_row_set_message (CW_MESSAGE_ROW (row), a, &context);
  g_assert_false (gtk_widget_has_css_class (row, "grouped"));
  cw_message_row_set_message (CW_MESSAGE_ROW (row), NULL, NULL);
  g_object_unref (row);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      gtk_init ();
      adw_init ();
      cw_register_resource ();
    }

  g_test_add_func ("/ui/utils/relative-time", test_relative_time);
  g_test_add_func ("/ui/utils/day-labels", test_day_labels);
  g_test_add_func ("/ui/composer/mention-query", test_mention_query);
  g_test_add_func ("/ui/signin/normalize-url", test_normalize_url);
  g_test_add_func ("/ui/conversation/typing-text", test_typing_text);
  g_test_add_func ("/ui/message-row/markup", test_message_markup);
  g_test_add_func ("/ui/message-row/grouping", test_message_grouping);
  g_test_add_func ("/ui/room-list/filter", test_room_filter);
  g_test_add_func ("/ui/message-row/widget", test_message_row_widget);

  return g_test_run ();
}
