/* fuzz-mention.c: cau_mention_parse() and cau_mention_handle_for_email().
 * The input is "name1\nname2\n...\0body": candidates' display names (their
 * handles derived as the server derives them), then the body. Both are
 * validated UTF-8 first, as the server's callers guarantee.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz.h"
#include "cau-mention.h"

#include <string.h>

static void
candidate_free (gpointer p)
{
  CauMentionCandidate *c = p;

  g_free (c->type);
  g_free (c->id);
  g_free (c->display_name);
  g_free (c->handle);
  g_free (c);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  const char *zero = memchr (text, '\0', size);
  g_autofree char *names = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (candidate_free);
  g_autoptr(GArray) found = NULL;
  glong chars;

  if (zero == NULL)
    {
      names = g_strdup ("");
      body = g_strndup (text, size);
    }
  else
    {
      names = g_strndup (text, zero - text);
      body = g_strndup (zero + 1, size - (zero - text) - 1);
    }
  if (!g_utf8_validate (names, -1, NULL) || !g_utf8_validate (body, -1, NULL))
    return 0;

  lines = g_strsplit (names, "\n", 16);
  for (guint i = 0; lines[i]; i++)
    {
      CauMentionCandidate *c = g_new0 (CauMentionCandidate, 1);
      g_autofree char *email = g_strdup_printf ("%s@example.test", lines[i]);

      c->type = g_strdup (i % 3 == 2 ? "agent" : "user");
      c->id = g_strdup_printf ("u%u", i);
      c->display_name = g_strdup (lines[i]);
      c->handle = i % 2 ? cau_mention_handle_for_email (email) : NULL;
      g_ptr_array_add (candidates, c);
    }

  found = cau_mention_parse (body, candidates);
  chars = g_utf8_strlen (body, -1);
  for (guint i = 0; i < found->len; i++)
    {
      CauMention *m = &g_array_index (found, CauMention, i);

      g_assert (m->start >= 0 && m->start < m->end && m->end <= chars);
      g_assert (m->type != NULL);
    }
  return 0;
}
