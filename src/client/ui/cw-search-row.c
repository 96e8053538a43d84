/* cw-search-row.c: one message search result (cw-search-row.h). The
 * cache's index is contentless, so the words are highlighted here, the
 * way its tokenizer matched them (unicode61, accents removed, prefixes).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <glib/gi18n.h>

#include "cw-search-row.h"
#include "cw-utils.h"
#include "cc-bidi.h"

struct _CwSearchRow
{
  GtkWidget  parent_instance;

  GtkLabel  *room_label;
  GtkLabel  *sender_label;
  GtkLabel  *time_label;
  GtkLabel  *body_label;
};

G_DEFINE_FINAL_TYPE (CwSearchRow, cw_search_row, GTK_TYPE_WIDGET)

/* Lower case without accents: "Café" -> "cafe". */
static char *
fold (const char *text,
      gssize      len)
{
  g_autofree char *decomposed = g_utf8_normalize (text, len, G_NORMALIZE_NFD);
  g_autofree char *lower = NULL;
  GString *s = g_string_new (NULL);

  if (decomposed == NULL)
    return g_string_free (s, FALSE);
  lower = g_utf8_casefold (decomposed, -1);
  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_ismark (c))
        continue;
      g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* The query's words, folded, split as the tokenizer splits them. */
static GPtrArray *
query_words (const char *query)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *p = query, *start = NULL;

  if (query == NULL || !g_utf8_validate (query, -1, NULL))
    return words;
  for (;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && is_word_char (c))
        {
          if (start == NULL)
            start = p;
          continue;
        }
      if (start != NULL)
        {
          g_ptr_array_add (words, fold (start, p - start));
          start = NULL;
        }
      if (c == 0)
        break;
    }
  return words;
}

char *
cw_search_highlight (const char *text,
                     const char *query)
{
  g_autoptr(GPtrArray) words = query_words (query);
  GString *s = g_string_new (NULL);
  const char *p, *start = NULL, *plain = text;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_string_free (s, FALSE);

  for (p = text;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && is_word_char (c))
        {
          if (start == NULL)
            start = p;
          continue;
        }
      if (start != NULL)
        {
          g_autofree char *word = fold (start, p - start);

          for (guint i = 0; i < words->len; i++)
            if (g_str_has_prefix (word, g_ptr_array_index (words, i)))
              {
                g_autofree char *before = g_markup_escape_text (plain, start - plain);
                g_autofree char *hit = g_markup_escape_text (start, p - start);

                g_string_append_printf (s, "%s<b>%s</b>", before, hit);
                plain = p;
                break;
              }
          start = NULL;
        }
      if (c == 0)
        break;
    }
  {
    g_autofree char *rest = g_markup_escape_text (plain, -1);

    g_string_append (s, rest);
  }
  return g_string_free (s, FALSE);
}

void
cw_search_row_set_message (CwSearchRow *self,
                           CcClient    *client,
                           CcMessage   *message,
                           const char  *query)
{
  g_autofree char *markup = NULL;
  g_autofree char *when = NULL;
  g_autofree char *day = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *text = NULL;
  CcRoom *room = NULL;
  const char *room_name = NULL;
  const char *sender;

  g_return_if_fail (CW_IS_SEARCH_ROW (self));

  if (message == NULL)
    {
      gtk_label_set_text (self->room_label, "");
      gtk_label_set_text (self->sender_label, "");
      gtk_label_set_text (self->time_label, "");
      gtk_label_set_text (self->body_label, "");
      return;
    }
  if (client != NULL)
    room = cc_client_lookup_room (client, cc_message_get_room_id (message));
  room_name = room ? cc_room_get_name (room) : NULL;
  sender = cc_message_get_sender_name (message);
  if (sender == NULL || *sender == '\0')
    sender = _("Causerie");
  /* A system line in the reader's language; a message at the time it was
   * written (issue 11). */
  text = g_strcmp0 (cc_message_get_kind (message), "system") == 0 ? cc_message_dup_system_text (message)
                                                                  : g_strdup (cc_message_get_body (message));
  markup = cw_search_highlight (text, query);
  day = cw_format_day (cc_message_get_written_at (message));
  clock = cw_format_clock (cc_message_get_written_at (message));
  /* Translators: when a message was written: day, then time of day. */
  when = g_strdup_printf (C_("search result", "%s, %s"), day, clock);

  gtk_label_set_text (self->room_label, room_name ? room_name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->room_label), room_name != NULL);
  gtk_label_set_text (self->sender_label, sender);
  gtk_label_set_text (self->time_label, when);
  gtk_label_set_markup (self->body_label, markup);

  /* Translators: a search result as a screen reader reads it: room,
   * sender, time, then the message. */
  accessible = cc_bidi_printf (_("%s, %s, %s: %s"), room_name ? room_name : "", sender, when, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

CwSearchRow *
cw_search_row_new (void)
{
  return g_object_new (CW_TYPE_SEARCH_ROW, NULL);
}

static void
cw_search_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CW_TYPE_SEARCH_ROW);
  cw_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (cw_search_row_parent_class)->dispose (object);
}

static void
cw_search_row_class_init (CwSearchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_search_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-search-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CwSearchRow, room_label);
  gtk_widget_class_bind_template_child (widget_class, CwSearchRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, CwSearchRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, CwSearchRow, body_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "searchrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cw_search_row_init (CwSearchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
