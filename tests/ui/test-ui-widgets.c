/* test-ui-widgets.c: in-process tests of the UI layer's logic: time
 * formatting, mention completion, URL normalisation, typing line, message
 * markup and grouping, room filter; and the widgets themselves when a
 * display is available.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "../client/cc-test-util.h"
#include "cau-time.h"
#include "cc-cache.h"
#include "cc-room-list.h"
#include "cc-attachment-private.h"
#include "cw-attachment-card.h"
#include "cw-attachment-image.h"
#include "cw-attachment-progress.h"
#include "cw-attachment-tray.h"
#include "cw-attachment-utils.h"
#include "cw-attachment-view.h"
#include "cw-composer.h"
#include "cw-image-viewer.h"
#include "cw-resources.h"
#include "cw-conversation.h"
#include "cw-members-popover.h"
#include "cw-message-row.h"
#include "cw-room-header.h"
#include "cw-room-list.h"
#include "cw-room-row.h"
#include "cw-room-settings.h"
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

  /* Arrived together, written two hours apart (the first waited in an
   * outbox): not one burst under one time. */
  {
    g_autoptr(JsonObject) late = parse_object ("{\"id\":\"m5\",\"room_id\":\"r\",\"seq\":5,\"body\":\"train\","
                                               "\"sender\":{\"id\":\"u1\",\"display_name\":\"Ann\"},"
                                               "\"created_at\":\"2026-11-21T10:00:00.000Z\","
                                               "\"written_at\":\"2026-11-21T08:00:00.000Z\"}");
    g_autoptr(CcMessage) e = cc_message_new_from_json (late);
    g_autoptr(CcMessage) f = message ("m6", "u1", "2026-11-21T10:00:20.000Z", "desk");

    g_assert_cmpint (cc_message_get_written_at (e), <, cc_message_get_created_at (e));
    g_assert_false (cw_message_row_continues (e, f));
  }
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

/* The texts a user sees in @widget, in order, " | " between them. */
static void
visible_texts (GtkWidget *widget,
               GString   *out)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    g_string_append_printf (out, "%s%s", out->len ? " | " : "", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    visible_texts (c, out);
}

static guint
count_of (GtkWidget *widget,
          GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (widget, type);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    n += count_of (c, type);
  return n;
}

/* Day separator, unread marker, reply quote, "edited", "read by N" and the
 * failed line show where a message needs them and are gone from the next
 * one; a plain grouped message makes none of them. */
static void
test_message_row_parts (void)
{
  g_autoptr(CcMessage) a = message ("m1", "u1", "2026-11-21T08:00:00.000Z", "one");
  g_autoptr(CcMessage) b = message ("m2", "u1", "2026-11-21T08:02:00.000Z", "two");
  g_autoptr(JsonObject) obj = parse_object (
    "{\"id\":\"m3\",\"room_id\":\"r\",\"seq\":3,\"sender\":{\"id\":\"u9\",\"display_name\":\"Me\"},"
    "\"kind\":\"text\",\"body\":\"agreed\","
    "\"reply_to\":{\"id\":\"m1\",\"sender_name\":\"Alice\",\"excerpt\":\"one\"},"
    "\"mentions\":[],\"attachments\":[],\"created_at\":\"2026-11-22T09:00:00.000Z\","
    "\"edited_at\":\"2026-11-22T09:01:00.000Z\",\"deleted\":false}");
  g_autoptr(CcMessage) c = cc_message_new_from_json (obj);
  CwMessageContext context = { .previous = a, .my_user_id = "u9" };
  g_autoptr(GString) texts = g_string_new (NULL);
  g_autofree char *b_clock = cw_format_clock (cc_message_get_created_at (b));
  g_autofree char *b_texts = g_strdup_printf ("%s | two", b_clock);
  g_autofree char *c_clock = cw_format_clock (cc_message_get_created_at (c));
  g_autofree char *c_texts = g_strdup_printf ("Me | %s | Alice | one | agreed | edited | read by 2", c_clock);
  g_autofree char *day_name = NULL;
  g_autofree char *day = NULL;
  GtkWidget *row;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  row = g_object_ref_sink (GTK_WIDGET (cw_message_row_new ()));
  cw_message_row_set_message (CW_MESSAGE_ROW (row), b, &context);
  visible_texts (row, texts);
  g_assert_cmpstr (texts->str, ==, b_texts);
  g_assert_cmpuint (count_of (row, GTK_TYPE_SEPARATOR), ==, 0);
  g_assert_cmpuint (count_of (row, ADW_TYPE_AVATAR), ==, 0);
  /* The menu's own and the header's Add Reaction (in the hidden header). */
  g_assert_cmpuint (count_of (row, GTK_TYPE_BUTTON), ==, 2);

  /* The next day, after the unread marker, a reply of ours, edited, read
   * by two; then it fails. */
  cc_message_set_is_own (c, TRUE);
  cc_message_set_read_by (c, 2);
  context.previous = b;
  context.unread_marker = TRUE;
  cw_message_row_set_message (CW_MESSAGE_ROW (row), c, &context);
  g_string_truncate (texts, 0);
  visible_texts (row, texts);
  day_name = cw_format_day (cc_message_get_created_at (c));
  day = g_strdup_printf ("%s | New Messages | ", day_name);
  g_assert_true (g_str_has_prefix (texts->str, day));
  g_assert_true (g_str_has_suffix (texts->str, c_texts));
  g_assert_cmpuint (count_of (row, ADW_TYPE_AVATAR), ==, 1);
  cc_message_set_state (c, CC_MESSAGE_STATE_FAILED, "The server refused it");
  g_string_truncate (texts, 0);
  visible_texts (row, texts);
  g_assert_true (g_str_has_suffix (texts->str, "agreed | edited | The server refused it | Retry | Discard"));

  /* Back to the plain grouped message: the parts are hidden again. */
  context.previous = a;
  context.unread_marker = FALSE;
  cw_message_row_set_message (CW_MESSAGE_ROW (row), b, &context);
  g_string_truncate (texts, 0);
  visible_texts (row, texts);
  g_assert_cmpstr (texts->str, ==, b_texts);
  cw_message_row_set_message (CW_MESSAGE_ROW (row), NULL, NULL);
  g_object_unref (row);
}

static void collect (GtkWidget *widget, GType type, GPtrArray *out);

/* An agent's answer (issue 14): the "Agent" badge and the agent's avatar;
 * "Writing…" while it streams, with the body growing in the same widgets
 * (no row rebuilt); no "edited" for its growth; the end; the error. */
static void
test_message_row_agent (void)
{
  g_autoptr(JsonObject) obj = parse_object (
    "{\"id\":\"m7\",\"room_id\":\"r\",\"seq\":7,\"sender\":{\"id\":\"a1\",\"display_name\":\"Architect\"},"
    "\"kind\":\"agent\",\"body\":\"\",\"streaming\":true,\"mentions\":[],\"attachments\":[],"
    "\"created_at\":\"2026-11-22T09:00:00.000Z\",\"deleted\":false}");
  g_autoptr(JsonObject) grow = parse_object ("{\"id\":\"m7\",\"body\":\"The build\",\"streaming\":true,"
                                             "\"edited_at\":\"2026-11-22T09:00:01.000Z\"}");
  g_autoptr(JsonObject) end = parse_object ("{\"id\":\"m7\",\"body\":\"The build is green.\",\"streaming\":false,"
                                            "\"edited_at\":\"2026-11-22T09:00:02.000Z\"}");
  g_autoptr(JsonObject) fail = parse_object ("{\"id\":\"m7\",\"body\":\"The agent could not answer.\","
                                             "\"streaming\":false,\"agent_error\":\"The model did not answer in time.\"}");
  g_autoptr(CcMessage) m = cc_message_new_from_json (obj);
  CwMessageContext context = { .my_user_id = "u9" };
  g_autoptr(GString) texts = g_string_new (NULL);
  g_autofree char *clock = cw_format_clock (cc_message_get_created_at (m));
  g_autofree char *day = cw_format_day (cc_message_get_created_at (m));
  g_autofree char *head = g_strdup_printf ("%s | Architect | Agent | %s", day, clock);
  g_autofree char *want = NULL;
  g_autoptr(GPtrArray) avatars = g_ptr_array_new ();
  GtkWidget *row;
  guint n_widgets;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  row = g_object_ref_sink (GTK_WIDGET (cw_message_row_new ()));
  cw_message_row_set_message (CW_MESSAGE_ROW (row), m, &context);
  visible_texts (row, texts);
  want = g_strdup_printf ("%s | Writing…", head);
  g_assert_cmpstr (texts->str, ==, want);
  collect (row, ADW_TYPE_AVATAR, avatars);
  g_assert_cmpuint (avatars->len, ==, 1);
  g_assert_false (adw_avatar_get_show_initials (avatars->pdata[0]));
  g_assert_cmpstr (adw_avatar_get_icon_name (avatars->pdata[0]), ==, CW_AGENT_ICON);
  g_assert_true (gtk_widget_has_css_class (avatars->pdata[0], "agent-avatar"));
  n_widgets = count_of (row, GTK_TYPE_WIDGET);

  /* It grows in place: same widgets, no "edited". */
  cc_message_update_from_json (m, grow);
  g_string_truncate (texts, 0);
  visible_texts (row, texts);
  g_free (want);
  want = g_strdup_printf ("%s | The build | Writing…", head);
  g_assert_cmpstr (texts->str, ==, want);
  g_assert_cmpuint (count_of (row, GTK_TYPE_WIDGET), ==, n_widgets);

  /* The end: the writing line goes. */
  cc_message_update_from_json (m, end);
  g_string_truncate (texts, 0);
  visible_texts (row, texts);
  g_free (want);
  want = g_strdup_printf ("%s | The build is green.", head);
  g_assert_cmpstr (texts->str, ==, want);

  /* The error: the sentence, styled as one. */
  cc_message_update_from_json (m, fail);
  g_string_truncate (texts, 0);
  visible_texts (row, texts);
  g_free (want);
  want = g_strdup_printf ("%s | The agent could not answer. | The model did not answer in time.", head);
  g_assert_cmpstr (texts->str, ==, want);

  cw_message_row_set_message (CW_MESSAGE_ROW (row), NULL, NULL);
  g_object_unref (row);
}



static void
collect_menu_items (GtkWidget *widget,
                    GPtrArray *items,
                    GString   *labels)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton"))
    {
      g_autofree char *text = NULL;

      g_object_get (widget, "text", &text, NULL);
      g_string_append_printf (labels, "%s%s", labels->len ? " | " : "", text);
      g_ptr_array_add (items, widget);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_menu_items (c, items, labels);
}

static void
reply_cb (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  g_free (*(char **) user_data);
  *(char **) user_data = g_variant_dup_string (param, NULL);
}

/* The "⋯" button opens the message's menu with what the user may do, and
 * Reply reaches the conversation with the message's id. */
static void
test_message_row_menu (void)
{
  g_autoptr(CcMessage) m = message ("m2", "u1", "2026-11-21T08:02:00.000Z", "two");
  CwMessageContext context = { .my_user_id = "u9" };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  const GActionEntry entries[] = { { "reply", reply_cb, "s" } };
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GString) labels = g_string_new (NULL);
  g_autofree char *replied = NULL;
  GtkWidget *window, *row, *button = NULL, *menu = NULL;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, 1, &replied);
  window = gtk_window_new ();
  gtk_widget_insert_action_group (window, "conversation", G_ACTION_GROUP (group));
  row = GTK_WIDGET (cw_message_row_new ());
  gtk_window_set_child (GTK_WINDOW (window), row);
  cw_message_row_set_message (CW_MESSAGE_ROW (row), m, &context);
  gtk_window_present (GTK_WINDOW (window));
  collect (row, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[i]), "Message Actions") == 0)
      button = buttons->pdata[i];
  g_assert_nonnull (button);
  while (g_main_context_iteration (NULL, FALSE));

  g_signal_emit_by_name (button, "clicked");
  for (GtkWidget *c = gtk_widget_get_first_child (button); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER (c))
      menu = c;
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));
  g_assert_true (gtk_widget_get_state_flags (button) & GTK_STATE_FLAG_CHECKED);
  while (g_main_context_iteration (NULL, FALSE));
  /* Someone else's message: no Edit, no Delete. */
  collect_menu_items (menu, items, labels);
  g_assert_cmpstr (labels->str, ==, "Reply | Add Reaction… | Copy Text");

  g_signal_emit_by_name (items->pdata[0], "clicked");
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpstr (replied, ==, "m2");
  g_assert_false (gtk_widget_get_visible (menu));
  g_assert_false (gtk_widget_get_state_flags (button) & GTK_STATE_FLAG_CHECKED);
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkMenuButton *
menu_button_named (GtkWidget  *root,
                   const char *tooltip)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (root, GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[i]), tooltip) == 0)
      return buttons->pdata[i];
  return NULL;
}

/* The header bars' menus are made when first opened, and then open. */
static void
test_menus_on_first_open (void)
{
  const struct { GType type; const char *tooltip; const char *first_item; } cases[] = {
    { CW_TYPE_ROOM_LIST, "New Conversation", "New Direct Message…" },
    { CW_TYPE_ROOM_LIST, "Main Menu", "Join with a Link…" },
    { CW_TYPE_ROOM_HEADER, "Room Menu", "Room Settings" },
    { CW_TYPE_ROOM_HEADER, "Members", NULL },
  };

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkWidget *window = gtk_window_new ();
      GtkWidget *widget = g_object_new (cases[i].type, NULL);
      GtkMenuButton *button;
      GtkPopover *popover;

      gtk_window_set_child (GTK_WINDOW (window), widget);
      gtk_window_present (GTK_WINDOW (window));
      while (g_main_context_iteration (NULL, FALSE));
      button = menu_button_named (widget, cases[i].tooltip);
      g_assert_nonnull (button);
      g_assert_null (gtk_menu_button_get_popover (button));
      g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));

      gtk_menu_button_popup (button);
      while (g_main_context_iteration (NULL, FALSE));
      popover = gtk_menu_button_get_popover (button);
      g_assert_nonnull (popover);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
      if (cases[i].first_item != NULL)
        {
          g_autoptr(GPtrArray) items = g_ptr_array_new ();
          g_autoptr(GString) labels = g_string_new (NULL);

          collect_menu_items (GTK_WIDGET (popover), items, labels);
          g_assert_nonnull (strstr (labels->str, cases[i].first_item));
        }
      else
        g_assert_true (CW_IS_MEMBERS_POPOVER (popover));
      gtk_menu_button_popdown (button);
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

/* Attachments ------------------------------------------------------------- */

static void
test_attachment_fit (void)
{
  int w = 0, h = 0;

  cw_attachment_fit (1920, 1080, 320, 240, &w, &h);
  g_assert_cmpint (w, ==, 320);
  g_assert_cmpint (h, ==, 180);
  cw_attachment_fit (600, 1200, 320, 240, &w, &h);
  g_assert_cmpint (w, ==, 120);
  g_assert_cmpint (h, ==, 240);
  /* Small images are not enlarged; tiny ones get a usable box. */
  cw_attachment_fit (200, 100, 320, 240, &w, &h);
  g_assert_cmpint (w, ==, 200);
  g_assert_cmpint (h, ==, 100);
  cw_attachment_fit (10, 5000, 320, 240, &w, &h);
  g_assert_cmpint (w, ==, 48);
  g_assert_cmpint (h, ==, 240);
  /* Unknown size: a 4:3 box. */
  cw_attachment_fit (0, 0, 320, 240, &w, &h);
  g_assert_cmpint (w, ==, 320);
  g_assert_cmpint (h, ==, 240);
}

static void
test_attachment_names (void)
{
  g_autofree char *a = cw_attachment_safe_name ("../../etc/passwd");
  g_autofree char *b = cw_attachment_safe_name ("Facture\nmars.pdf");
  g_autofree char *c = cw_attachment_safe_name ("");
  g_autofree char *d = cw_attachment_safe_name ("Été 2026.png");

  g_assert_null (strchr (a, '/'));
  g_assert_false (g_str_has_prefix (a, "."));
  g_assert_null (strchr (b, '\n'));
  g_assert_cmpstr (c, ==, "file");
  g_assert_cmpstr (d, ==, "Été 2026.png");

  g_assert_cmpstr (cw_attachment_icon_name ("application/pdf"), ==, "x-office-document-symbolic");
  g_assert_cmpstr (cw_attachment_icon_name ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                   ==, "x-office-spreadsheet-symbolic");
  g_assert_cmpstr (cw_attachment_icon_name ("application/zip"), ==, "package-x-generic-symbolic");
  g_assert_cmpstr (cw_attachment_icon_name ("image/png"), ==, "image-x-generic-symbolic");
  g_assert_cmpstr (cw_attachment_icon_name (NULL), ==, "text-x-generic-symbolic");
}

static CcAttachment *
attachment_from_json (const char *json)
{
  g_autoptr(JsonObject) obj = parse_object (json);
  return _cc_attachment_new_from_json (obj);
}

static void
test_attachment_status (void)
{
  g_autoptr(CcAttachment) a = attachment_from_json (
    "{\"path\":\"/tmp/x.pdf\",\"name\":\"x.pdf\",\"size\":10,\"mime_type\":\"application/pdf\"}");
  g_autofree char *queued_offline = NULL;
  g_autofree char *queued_online = NULL;
  g_autofree char *uploading = NULL;
  g_autofree char *failed = NULL;

  g_assert_cmpint (cc_attachment_get_state (a), ==, CC_ATTACHMENT_QUEUED);
  queued_offline = cw_attachment_progress_status_text (a, FALSE);
  queued_online = cw_attachment_progress_status_text (a, TRUE);
  g_assert_cmpstr (queued_offline, ==, "Waiting for connection");
  g_assert_cmpstr (queued_online, ==, "Waiting to upload");
  _cc_attachment_set_state (a, CC_ATTACHMENT_UPLOADING, NULL);
  _cc_attachment_set_progress (a, 0.42);
  uploading = cw_attachment_progress_status_text (a, TRUE);
  g_assert_cmpstr (uploading, ==, "Uploading… 42%");
  _cc_attachment_set_state (a, CC_ATTACHMENT_FAILED, "The file is too large.");
  failed = cw_attachment_progress_status_text (a, TRUE);
  g_assert_cmpstr (failed, ==, "The file is too large.");
  _cc_attachment_set_state (a, CC_ATTACHMENT_REMOTE, NULL);
  g_assert_null (cw_attachment_progress_status_text (a, TRUE));
}

static void
texture_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GdkTexture **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = cw_texture_load_finish (result, &error);
  if (*out == NULL)
    *out = (GdkTexture *) g_object_new (G_TYPE_OBJECT, NULL);  /* a failure marker */
}

static char *
write_png (const char *dir,
           const char *name,
           int         width,
           int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  return path;
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
    }
  return ~crc;
}

/* A PNG that claims 60000×60000 pixels: refused from its header. */
static char *
write_bomb (const char *dir)
{
  guint8 png[8 + 25] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a,
                         0, 0, 0, 13, 'I', 'H', 'D', 'R',
                         0, 0, 0xea, 0x60, 0, 0, 0xea, 0x60, 8, 2, 0, 0, 0 };
  guint32 crc = crc32_of (png + 12, 17);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "bomb.png", NULL);

  png[29] = crc >> 24;
  png[30] = crc >> 16;
  png[31] = crc >> 8;
  png[32] = crc;
  g_file_set_contents (path, (const char *) png, sizeof png, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_attachment_decode (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cw-test-XXXXXX", NULL);
  g_autofree char *photo = write_png (dir, "photo.png", 1600, 900);
  g_autofree char *bomb = write_bomb (dir);
  g_autoptr(GFile) photo_file = g_file_new_for_path (photo);
  g_autoptr(GFile) bomb_file = g_file_new_for_path (bomb);
  GdkTexture *texture = NULL;
  GdkTexture *refused = NULL;

  cw_texture_load_async (photo_file, 320, 240, NULL, texture_loaded_cb, &texture);
  while (texture == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (GDK_IS_TEXTURE (texture));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 320);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 180);

  cw_texture_load_async (bomb_file, 0, 0, NULL, texture_loaded_cb, &refused);
  while (refused == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (GDK_IS_TEXTURE (refused));

  cw_attachment_thumbnail_store ("att-1", texture);
  g_assert_true (cw_attachment_thumbnail_lookup ("att-1") == texture);
  g_assert_null (cw_attachment_thumbnail_lookup ("att-2"));

  g_object_unref (texture);
  g_object_unref (refused);
  g_unlink (photo);
  g_unlink (bomb);
  g_rmdir (dir);
}

static CcMessage *
message_with_files (void)
{
  g_autoptr(JsonObject) obj = parse_object (
    "{\"id\":\"m9\",\"room_id\":\"r\",\"seq\":9,\"sender\":{\"id\":\"u1\",\"display_name\":\"Alice\"},"
    "\"kind\":\"text\",\"body\":\"\",\"reply_to\":null,\"mentions\":[],\"context\":null,"
    "\"attachments\":["
    "{\"id\":\"a1\",\"name\":\"beach.jpg\",\"size\":204800,\"mime_type\":\"image/jpeg\",\"width\":1600,\"height\":1200,\"has_thumbnail\":true},"
    "{\"id\":\"a2\",\"name\":\"tall.png\",\"size\":3000,\"mime_type\":\"image/png\",\"width\":400,\"height\":1000,\"has_thumbnail\":true},"
    "{\"id\":\"a3\",\"name\":\"invoice-march.pdf\",\"size\":52000,\"mime_type\":\"application/pdf\",\"width\":0,\"height\":0,\"has_thumbnail\":false},"
    "{\"id\":\"a4\",\"name\":\"huge.png\",\"size\":9000000,\"mime_type\":\"image/png\",\"width\":0,\"height\":0,\"has_thumbnail\":false}],"
    "\"created_at\":\"2026-11-21T08:00:00.000Z\",\"edited_at\":null,\"deleted\":false}");

  return cc_message_new_from_json (obj);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect (c, type, out);
}

static void
test_attachment_view (void)
{
  g_autoptr(CcMessage) m = NULL;
  g_autoptr(CcMessage) plain = message ("m1", "u1", "2026-11-21T08:00:00.000Z", "one");
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  GtkWidget *view, *row;
  int w, h;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  m = message_with_files ();
  g_assert_cmpuint (g_list_model_get_n_items (cc_message_get_attachments (m)), ==, 4);

  view = g_object_ref_sink (GTK_WIDGET (cw_attachment_view_new ()));
  cw_attachment_view_set_message (CW_ATTACHMENT_VIEW (view), m);
  collect (view, CW_TYPE_ATTACHMENT_IMAGE, images);
  collect (view, CW_TYPE_ATTACHMENT_CARD, cards);
  /* Two previews; the PDF and the image without a thumbnail as cards. */
  g_assert_cmpuint (images->len, ==, 2);
  g_assert_cmpuint (cards->len, ==, 2);

  /* The box is reserved from the metadata, before any thumbnail; two
   * images share a line in smaller boxes. */
  gtk_widget_measure (images->pdata[0], GTK_ORIENTATION_HORIZONTAL, -1, &w, NULL, NULL, NULL);
  gtk_widget_measure (images->pdata[0], GTK_ORIENTATION_VERTICAL, -1, &h, NULL, NULL, NULL);
  g_assert_cmpint (w, ==, 200);
  g_assert_cmpint (h, ==, 150);
  gtk_widget_measure (images->pdata[1], GTK_ORIENTATION_HORIZONTAL, -1, &w, NULL, NULL, NULL);
  gtk_widget_measure (images->pdata[1], GTK_ORIENTATION_VERTICAL, -1, &h, NULL, NULL, NULL);
  g_assert_cmpint (w, ==, 64);
  g_assert_cmpint (h, ==, 160);

  cw_attachment_view_set_message (CW_ATTACHMENT_VIEW (view), NULL);
  g_ptr_array_set_size (images, 0);
  collect (view, CW_TYPE_ATTACHMENT_IMAGE, images);
  g_assert_cmpuint (images->len, ==, 0);
  g_object_unref (view);

  /* A row makes the view only for a message with files. */
  row = g_object_ref_sink (GTK_WIDGET (cw_message_row_new ()));
  cw_message_row_set_message (CW_MESSAGE_ROW (row), plain, NULL);
  collect (row, CW_TYPE_ATTACHMENT_VIEW, views);
  g_assert_cmpuint (views->len, ==, 0);
  cw_message_row_set_message (CW_MESSAGE_ROW (row), m, NULL);
  collect (row, CW_TYPE_ATTACHMENT_VIEW, views);
  g_assert_cmpuint (views->len, ==, 1);
  g_assert_true (gtk_widget_get_visible (views->pdata[0]));
  cw_message_row_set_message (CW_MESSAGE_ROW (row), plain, NULL);
  g_assert_false (gtk_widget_get_visible (views->pdata[0]));
  cw_message_row_set_message (CW_MESSAGE_ROW (row), NULL, NULL);
  g_object_unref (row);
}

static void
test_attachment_tray (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cw-test-XXXXXX", NULL);
  g_autofree char *a = write_png (dir, "a.png", 64, 48);
  g_autofree char *b = g_build_filename (dir, "notes.txt", NULL);
  g_autoptr(GFile) fa = g_file_new_for_path (a);
  g_autoptr(GFile) fb = g_file_new_for_path (b);
  g_autoptr(GPtrArray) temporary = NULL;
  CwAttachmentTray *tray;
  GFile **files;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  g_file_set_contents (b, "hello", -1, NULL);
  tray = g_object_ref_sink (cw_attachment_tray_new ());
  cw_attachment_tray_add (tray, fa, FALSE);
  cw_attachment_tray_add (tray, fb, TRUE);
  cw_attachment_tray_add (tray, fa, FALSE);   /* once */
  g_assert_cmpuint (cw_attachment_tray_get_n_files (tray), ==, 2);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  /* Issue 11, defect 8: what the server would refuse leaves the tray as
   * it is attached (a .bin; bytes with no name to go by), not after
   * sending; a text file with no extension stays. */
  {
    g_autofree char *bin = g_build_filename (dir, "firmware.bin", NULL);
    g_autofree char *blob = g_build_filename (dir, "blob", NULL);
    g_autofree char *readme = g_build_filename (dir, "README", NULL);
    g_autoptr(GFile) fbin = g_file_new_for_path (bin);
    g_autoptr(GFile) fblob = g_file_new_for_path (blob);
    g_autoptr(GFile) freadme = g_file_new_for_path (readme);
    static const char bytes[] = { 0x7f, 'E', 'L', 'F', 0, 1, 2, 0, 0, 3, 4 };
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    g_file_set_contents (bin, bytes, sizeof bytes, NULL);
    g_file_set_contents (blob, bytes, sizeof bytes, NULL);
    g_file_set_contents (readme, "Read me first.\n", -1, NULL);
    cw_attachment_tray_add (tray, fbin, FALSE);
    cw_attachment_tray_add (tray, fblob, FALSE);
    cw_attachment_tray_add (tray, freadme, FALSE);
    while (cw_attachment_tray_get_n_files (tray) > 3 && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    for (int i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (cw_attachment_tray_get_n_files (tray), ==, 3);
    g_unlink (bin);
    g_unlink (blob);
  }

  files = cw_attachment_tray_take_files (tray, &temporary);
  g_assert_cmpuint (cw_attachment_tray_get_n_files (tray), ==, 0);
  {
    g_autofree char *base = g_file_get_basename (files[2]);
    g_assert_cmpstr (base, ==, "README");
  }
  g_assert_true (g_file_equal (files[0], fa));
  g_assert_true (g_file_equal (files[1], fb));
  g_assert_null (files[3]);
  g_assert_cmpuint (temporary->len, ==, 1);
  for (guint i = 0; files[i]; i++)
    g_object_unref (files[i]);
  g_free (files);
  g_object_unref (tray);

  g_unlink (a);
  g_unlink (b);
  {
    g_autofree char *readme = g_build_filename (dir, "README", NULL);
    g_unlink (readme);
  }
  g_rmdir (dir);
}

static void
test_image_viewer (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cw-test-XXXXXX", NULL);
  g_autofree char *path = write_png (dir, "big.png", 2000, 1500);
  g_autofree char *json = g_strdup_printf ("{\"path\":\"%s\",\"name\":\"big.png\",\"size\":5000,"
                                           "\"mime_type\":\"image/png\",\"width\":2000,\"height\":1500}", path);
  g_autoptr(CcAttachment) attachment = NULL;
  CwImageViewer *viewer;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  attachment = attachment_from_json (json);
  viewer = cw_image_viewer_new (NULL, NULL, attachment, NULL);
  gtk_window_present (GTK_WINDOW (viewer));
  for (int i = 0; i < 200 && !gtk_widget_get_sensitive (
         GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (viewer), CW_TYPE_IMAGE_VIEWER, "zoom_button"))); i++)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (cw_image_viewer_get_fit (viewer));
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.zoom-original", NULL);
  g_assert_false (cw_image_viewer_get_fit (viewer));
  {
    /* 1:1 opens on the middle of the image. */
    GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (
      gtk_widget_get_template_child (GTK_WIDGET (viewer), CW_TYPE_IMAGE_VIEWER, "scroller"));
    GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (scroller);
    GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (scroller);
    gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpfloat (gtk_adjustment_get_upper (h), >=, 2000);
    g_assert_cmpfloat (fabs (gtk_adjustment_get_value (h) -
                             (gtk_adjustment_get_upper (h) - gtk_adjustment_get_page_size (h)) / 2), <, 2);
    g_assert_cmpfloat (fabs (gtk_adjustment_get_value (v) -
                             (gtk_adjustment_get_upper (v) - gtk_adjustment_get_page_size (v)) / 2), <, 2);
    {
      /* And the image is drawn there, not only the scrollbars. */
      GtkWidget *picture = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (viewer), CW_TYPE_IMAGE_VIEWER,
                                                                      "picture"));
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (picture, GTK_WIDGET (scroller), &bounds));
      g_assert_cmpfloat (fabs (bounds.origin.x + gtk_adjustment_get_value (h)), <, 2);
      g_assert_cmpfloat (fabs (bounds.origin.y + gtk_adjustment_get_value (v)), <, 2);
    }
  }
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.zoom-fit", NULL);
  g_assert_true (cw_image_viewer_get_fit (viewer));
  gtk_window_destroy (GTK_WINDOW (viewer));

  g_unlink (path);
  g_rmdir (dir);
}

/* Ctrl+V with an image on the clipboard, and files handed over by a drop:
 * both land in the composer's tray, and Send is offered without text. */
static void
test_composer_paste_and_drop (void)
{
  g_autoptr(JsonObject) obj = parse_object (
    "{\"id\":\"r1\",\"type\":\"direct\",\"name\":\"Bruno\",\"description\":\"\","
    "\"is_private\":true,\"is_archived\":false,\"member_count\":2,\"my_role\":\"member\","
    "\"unread_count\":0,\"mention_count\":0,\"muted\":false,\"notify\":\"all\","
    "\"last_message\":null,\"context\":null}");
  g_autoptr(CcRoom) room = cc_room_new_from_json (obj);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 30);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GPtrArray) trays = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autoptr(GPtrArray) temporary = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cw-test-XXXXXX", NULL);
  g_autofree char *doc = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GFile) doc_file = g_file_new_for_path (doc);
  g_autofree char *pasted_path = NULL;
  GtkWidget *window, *composer;
  GSList *dropped = NULL;
  GFile **files;
  gint64 end;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  g_file_set_contents (doc, "%PDF-1.4\n", -1, NULL);
  gdk_pixbuf_fill (pixbuf, 0xe01b24ff);
  texture = gdk_texture_new_for_pixbuf (pixbuf);

  window = gtk_window_new ();
  composer = g_object_new (CW_TYPE_COMPOSER, NULL);
  gtk_window_set_child (GTK_WINDOW (window), composer);
  cw_composer_set_room (CW_COMPOSER (composer), room);
  collect (composer, CW_TYPE_ATTACHMENT_TRAY, trays);
  collect (composer, GTK_TYPE_TEXT_VIEW, texts);
  g_assert_cmpuint (trays->len, ==, 1);
  g_assert_cmpuint (texts->len, ==, 1);

  gdk_clipboard_set_texture (gtk_widget_get_clipboard (composer), texture);
  g_signal_emit_by_name (texts->pdata[0], "paste-clipboard");
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (cw_attachment_tray_get_n_files (trays->pdata[0]) == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (cw_attachment_tray_get_n_files (trays->pdata[0]), ==, 1);

  /* A drop on the conversation ends in cw_composer_add_files(). */
  dropped = g_slist_append (dropped, doc_file);
  cw_composer_add_files (CW_COMPOSER (composer), dropped);
  g_slist_free (dropped);
  g_assert_cmpuint (cw_attachment_tray_get_n_files (trays->pdata[0]), ==, 2);

  files = cw_attachment_tray_take_files (trays->pdata[0], &temporary);
  g_assert_cmpuint (temporary->len, ==, 1);
  pasted_path = g_file_get_path (files[0]);
  g_assert_true (g_str_has_suffix (pasted_path, ".png"));
  g_assert_true (g_str_has_prefix (strrchr (pasted_path, '/') + 1, "Pasted image "));
  g_assert_true (g_file_test (pasted_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_equal (files[1], doc_file));
  cw_attachment_delete_temporary (temporary->pdata[0]);
  for (guint i = 0; files[i]; i++)
    g_object_unref (files[i]);
  g_free (files);

  /* Another room: nothing chosen for this one follows. */
  cw_composer_add_files (CW_COMPOSER (composer), &(GSList) { doc_file, NULL });
  g_assert_cmpuint (cw_attachment_tray_get_n_files (trays->pdata[0]), ==, 1);
  cw_composer_set_room (CW_COMPOSER (composer), NULL);
  g_assert_cmpuint (cw_attachment_tray_get_n_files (trays->pdata[0]), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_file_test (pasted_path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (g_file_test (pasted_path, G_FILE_TEST_EXISTS));
  g_unlink (doc);
  g_rmdir (dir);
}

static CcRoom *
test_room (const char *id,
           const char *name)
{
  g_autofree char *json = g_strdup_printf (
    "{\"id\":\"%s\",\"type\":\"group\",\"name\":\"%s\",\"description\":\"\","
    "\"is_private\":false,\"is_archived\":false,\"member_count\":2,\"my_role\":\"member\","
    "\"unread_count\":0,\"mention_count\":0,\"muted\":false,\"notify\":\"all\","
    "\"last_message\":null,\"context\":null}", id, name);
  g_autoptr(JsonObject) obj = parse_object (json);

  return cc_room_new_from_json (obj);
}

static void
await_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
await_result (GAsyncResult **res)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*res == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*res);
  return *res;
}

static char *
saved_draft (CcClient   *client,
             const char *room_id)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  cc_cache_load_draft_async (cc_client_get_cache (client), room_id, NULL, await_cb, &res);
  text = cc_cache_finish_string (cc_client_get_cache (client), await_result (&res), &error);
  g_assert_no_error (error);
  return text;
}

/* Issue 11, defect 1: type in a room, go to another and back; the draft
 * shows and is still saved (switching rooms deleted it from the cache). */
static void
test_composer_draft_kept (void)
{
  g_autoptr(CcRoom) first = test_room ("r1", "general");
  g_autoptr(CcRoom) second = test_room ("r2", "random");
  g_autoptr(CcAccount) account = cc_account_new ("http://127.0.0.1:9", "demo", "ada@demo.example");
  g_autoptr(CcClient) client = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autofree char *dir = g_dir_make_tmp ("cw-draft-XXXXXX", NULL);
  g_autofree char *saved = NULL;
  GtkWidget *window, *composer;
  gint64 end;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  client = cc_client_new (account, dir);
  cc_client_open_async (client, NULL, await_cb, &res);
  g_assert_true (cc_client_open_finish (client, await_result (&res), &error));
  g_assert_no_error (error);

  window = gtk_window_new ();
  composer = g_object_new (CW_TYPE_COMPOSER, NULL);
  gtk_window_set_child (GTK_WINDOW (window), composer);
  cw_composer_set_client (CW_COMPOSER (composer), client);
  cw_composer_set_room (CW_COMPOSER (composer), first);
  collect (composer, GTK_TYPE_TEXT_VIEW, texts);
  g_assert_cmpuint (texts->len, ==, 1);

  /* As typed: every change is an edit of the draft. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (texts->pdata[0]), "half a thought", -1);
  cw_composer_set_room (CW_COMPOSER (composer), second);
  cw_composer_set_room (CW_COMPOSER (composer), first);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_autofree char *shown = cw_composer_get_text (CW_COMPOSER (composer));

      if (g_str_equal (shown, "half a thought"))
        break;
      g_main_context_iteration (NULL, FALSE);
    }
  {
    g_autofree char *shown = cw_composer_get_text (CW_COMPOSER (composer));
    g_assert_cmpstr (shown, ==, "half a thought");
  }

  /* What a restart would load (the worker runs jobs in order). */
  saved = saved_draft (client, "r1");
  g_assert_cmpstr (saved, ==, "half a thought");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&client);
  cc_test_rm_rf (dir);
}

/* Issue 11, defect 4: room settings offer Default / All messages /
 * Nothing, kept on this device (the room's CcNotifyLevel). With
 * $CAUSERIE_ARTIFACTS set, the window is saved there as a PNG. */
static void
test_room_settings_notify (void)
{
  g_autoptr(JsonObject) obj = parse_object (
    "{\"id\":\"r9\",\"type\":\"channel\",\"name\":\"general\",\"description\":\"News\","
    "\"is_private\":false,\"is_archived\":false,\"member_count\":5,\"my_role\":\"member\","
    "\"unread_count\":0,\"mention_count\":0,\"muted\":false,\"notify\":\"all\","
    "\"last_message\":null,\"context\":null}");
  g_autoptr(CcAccount) account = cc_account_new ("http://127.0.0.1:9", "demo", "ada@demo.example");
  g_autoptr(CcClient) client = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) combos = g_ptr_array_new ();
  g_autofree char *dir = g_dir_make_tmp ("cw-settings-XXXXXX", NULL);
  const char *artifacts = g_getenv ("CAUSERIE_ARTIFACTS");
  CwRoomSettings *settings;
  CcRoom *room;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  client = cc_client_new (account, dir);
  cc_client_open_async (client, NULL, await_cb, &res);
  g_assert_true (cc_client_open_finish (client, await_result (&res), &error));
  room = cc_room_list_upsert (CC_ROOM_LIST (cc_client_get_rooms (client)), obj);

  settings = cw_room_settings_new (NULL, client, room);
  collect (GTK_WIDGET (settings), ADW_TYPE_COMBO_ROW, combos);
  g_assert_cmpuint (combos->len, ==, 1);
  g_assert_cmpuint (adw_combo_row_get_selected (combos->pdata[0]), ==, CC_NOTIFY_DEFAULT);
  g_assert_cmpstr (adw_action_row_get_subtitle (combos->pdata[0]), ==,
                   "By default, mentions of you and replies to you");

  adw_combo_row_set_selected (combos->pdata[0], 1);
  g_assert_cmpint (cc_room_get_notify_level (room), ==, CC_NOTIFY_ALL);
  adw_combo_row_set_selected (combos->pdata[0], 2);
  g_assert_cmpint (cc_room_get_notify_level (room), ==, CC_NOTIFY_NONE);
  adw_combo_row_set_selected (combos->pdata[0], 0);
  g_assert_cmpint (cc_room_get_notify_level (room), ==, CC_NOTIFY_DEFAULT);

  if (artifacts != NULL)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (settings));
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *path = g_build_filename (artifacts, "ui-room-settings-notify.png", NULL);
      gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      gtk_window_set_default_size (GTK_WINDOW (settings), 560, 640);
      gtk_window_present (GTK_WINDOW (settings));
      while (g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE);
      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (GTK_WIDGET (settings)),
                              gtk_widget_get_height (GTK_WIDGET (settings)));
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        {
          texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (settings)), node, NULL);
          gdk_texture_save_to_png (texture, path);
        }
    }

  gtk_window_destroy (GTK_WINDOW (settings));
  g_clear_object (&client);
  cc_test_rm_rf (dir);
}

/* Issue 11, defect 9: the room list marks a room with a draft ("Draft:
 * …"), also after a restart, and no longer once it is sent or cleared. */
static void
test_room_draft_marker (void)
{
  g_autoptr(CcRoom) template_room = test_room ("r1", "general");
  g_autoptr(CcAccount) account = cc_account_new ("http://127.0.0.1:9", "demo", "ada@demo.example");
  g_autoptr(CcClient) client = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *dir = g_dir_make_tmp ("cw-draft-XXXXXX", NULL);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *row;
  CcRoom *room;
  gboolean shown = FALSE;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  client = cc_client_new (account, dir);
  cc_client_open_async (client, NULL, await_cb, &res);
  g_assert_true (cc_client_open_finish (client, await_result (&res), &error));
  g_clear_object (&res);
  g_ptr_array_add (rooms, cc_room_to_json (template_room));
  cc_cache_save_rooms_async (cc_client_get_cache (client), rooms, FALSE, NULL, await_cb, &res);
  await_result (&res);
  g_clear_object (&res);
  room = cc_room_list_upsert (CC_ROOM_LIST (cc_client_get_rooms (client)), g_ptr_array_index (rooms, 0));

  cc_client_set_draft (client, "r1", "  half a thought\n");
  g_assert_cmpstr (cc_room_get_draft (room), ==, "half a thought");
  row = g_object_ref_sink (g_object_new (CW_TYPE_ROOM_ROW, NULL));
  cw_room_row_set_room (CW_ROOM_ROW (row), room);
  collect (row, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    shown |= g_strcmp0 (gtk_label_get_text (labels->pdata[i]), "Draft: half a thought") == 0;
  g_assert_true (shown);
  g_object_unref (row);

  /* After a restart. */
  g_clear_object (&client);
  client = cc_client_new (account, dir);
  cc_client_open_async (client, NULL, await_cb, &res);
  g_assert_true (cc_client_open_finish (client, await_result (&res), &error));
  room = cc_client_lookup_room (client, "r1");
  g_assert_nonnull (room);
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (cc_room_get_draft (room) == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpstr (cc_room_get_draft (room), ==, "half a thought");
  cc_client_set_draft (client, "r1", "");
  g_assert_null (cc_room_get_draft (room));

  g_clear_object (&client);
  cc_test_rm_rf (dir);
}

/* GTK's warnings, counted by a writer that passes everything on. */
static guint duplicate_warnings;

static GLogWriterOutput
count_duplicates_writer (GLogLevelFlags   level,
                         const GLogField *fields,
                         gsize            n_fields,
                         gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        strstr (fields[i].value, "Duplicate item detected in list") != NULL)
      duplicate_warnings++;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
label_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
label_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      cc_room_get_name (gtk_list_item_get_item (item)));
}

static void
spin_a_while (void)
{
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Messages arriving in many rooms move them to the top of a long room
 * list: the list view never holds a room twice (issue 11: "Gtk-WARNING:
 * Duplicate item detected in list" as messages arrived). GTK 4.8's list
 * view keeps rows for about 200 items, so the list is longer than that. */
static void
test_room_list_moves (void)
{
  g_autoptr(CcRoomList) list = cc_room_list_new ();
  g_autoptr(GtkFilterListModel) filtered = NULL;
  GtkListItemFactory *factory;
  GtkWidget *window, *scrolled, *view;
  gint64 base = cau_time_now_ms () - 1000 * 1000;

  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }

  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *at = cau_time_format (base + i * 1000);
      g_autoptr(JsonObject) obj = NULL;

      text = g_strdup_printf ("{\"id\":\"r%u\",\"type\":\"channel\",\"name\":\"Room %u\","
                              "\"last_activity_at\":\"%s\"}", i, i, at);
      obj = parse_object (text);
      cc_room_list_upsert (list, obj);
    }
  /* As the room list shows it: behind a filter, in a scrolled list view. */
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (list)), NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (label_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (label_bind_cb), NULL);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (filtered)))),
                            factory);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 300);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  spin_a_while ();

  duplicate_warnings = 0;
  /* New activity, one room after the other, from all over the list. */
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", (i * 37) % 400);
      g_autofree char *at = cau_time_format (base + (500 + i) * 1000);
      g_autofree char *text = g_strdup_printf ("{\"id\":\"%s\",\"last_activity_at\":\"%s\"}", id, at);
      g_autoptr(JsonObject) obj = parse_object (text);

      cc_room_list_upsert (list, obj);
      spin_a_while ();
    }
  g_assert_cmpuint (duplicate_warnings, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (count_duplicates_writer, NULL, NULL);
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
  g_test_add_func ("/ui/message-row/parts", test_message_row_parts);
  g_test_add_func ("/ui/message-row/menu", test_message_row_menu);
  g_test_add_func ("/ui/menus-on-first-open", test_menus_on_first_open);
  g_test_add_func ("/ui/attachments/fit", test_attachment_fit);
  g_test_add_func ("/ui/attachments/names-and-icons", test_attachment_names);
  g_test_add_func ("/ui/attachments/status", test_attachment_status);
  g_test_add_func ("/ui/attachments/decode", test_attachment_decode);
  g_test_add_func ("/ui/attachments/view", test_attachment_view);
  g_test_add_func ("/ui/attachments/tray", test_attachment_tray);
  g_test_add_func ("/ui/attachments/image-viewer", test_image_viewer);
  g_test_add_func ("/ui/attachments/composer-paste-and-drop", test_composer_paste_and_drop);
  g_test_add_func ("/ui/composer/draft-kept", test_composer_draft_kept);
  g_test_add_func ("/ui/message-row/agent", test_message_row_agent);
  g_test_add_func ("/ui/room-settings/notify", test_room_settings_notify);
  g_test_add_func ("/ui/room-list/draft-marker", test_room_draft_marker);
  g_test_add_func ("/ui/room-list/moves-no-duplicates", test_room_list_moves);

  return g_test_run ();
}
