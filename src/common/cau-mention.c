/* cau-mention.c: @mention parsing, in characters as API.md counts them.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-mention.h"

#include <string.h>

char *
cau_mention_handle_for_email (const char *email)
{
  const char *at = email ? strchr (email, '@') : NULL;

  if (at == NULL)
    return NULL;
  return g_utf8_strdown (email, at - email);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_' || c == '-' || c == '.';
}

/* Case-insensitive prefix match of @needle at @p; returns the byte length
 * matched in @p, or 0. */
static gsize
match_at (const char *p,
          const char *needle)
{
  const char *q = p;
  const char *n = needle;

  if (needle == NULL || *needle == '\0')
    return 0;
  while (*n)
    {
      if (*q == '\0')
        return 0;
      if (g_unichar_tolower (g_utf8_get_char (q)) != g_unichar_tolower (g_utf8_get_char (n)))
        return 0;
      q = g_utf8_next_char (q);
      n = g_utf8_next_char (n);
    }
  /* The mention must end at a boundary: "@ann" must not match "@anna". A
   * trailing '.' is punctuation, not part of the name. */
  if (*q != '\0')
    {
      gunichar next = g_utf8_get_char (q);

      if (is_word_char (next) && next != '.')
        return 0;
      if (next == '.' && q[1] != '\0' && is_word_char (g_utf8_get_char (q + 1)))
        return 0;
    }
  return q - p;
}

GArray *
cau_mention_parse (const char *body,
                   GPtrArray  *candidates)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (CauMention));
  gunichar prev = 0;
  glong offset = 0;

  if (body == NULL)
    return out;

  for (const char *p = body; *p; )
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '@' && (prev == 0 || !is_word_char (prev)))
        {
          const char *after = p + 1;
          gsize best_len = 0;
          CauMention best = { 0 };

          if (match_at (after, "room") > 0)
            {
              best_len = 4;
              best.type = "room";
              best.id = NULL;
            }
          for (guint i = 0; candidates && i < candidates->len; i++)
            {
              CauMentionCandidate *cand = g_ptr_array_index (candidates, i);
              gsize l;

              l = match_at (after, cand->display_name);
              if (l > best_len)
                {
                  best_len = l;
                  best.type = cand->type;
                  best.id = cand->id;
                }
              l = match_at (after, cand->handle);
              if (l > best_len)
                {
                  best_len = l;
                  best.type = cand->type;
                  best.id = cand->id;
                }
            }
          if (best_len > 0)
            {
              glong chars = g_utf8_strlen (after, best_len);

              best.start = offset;
              best.end = offset + 1 + chars;
              g_array_append_val (out, best);
              p = after + best_len;
              offset = best.end;
              prev = g_utf8_get_char (g_utf8_prev_char (p));
              continue;
            }
        }
      prev = c;
      p = g_utf8_next_char (p);
      offset++;
    }
  return out;
}
