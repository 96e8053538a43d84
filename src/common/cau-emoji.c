/* cau-emoji.c: one emoji grapheme cluster, checked code point by code point.
 *
 * GLib 2.74 has no Extended_Pictographic property, so the pictographs are
 * the blocks Unicode assigns emoji to (the emoji-data ranges, rounded to
 * their blocks); a text character that may be shown as emoji (U+2764
 * HEAVY BLACK HEART) counts as one, with or without U+FE0F.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cau-emoji"

#include "cau-emoji.h"
#include "cau-error.h"

#include <string.h>

static gboolean
is_pictograph (gunichar c)
{
  static const struct { gunichar lo, hi; } ranges[] = {
    { 0x00A9, 0x00A9 }, { 0x00AE, 0x00AE }, { 0x203C, 0x203C }, { 0x2049, 0x2049 },
    { 0x2122, 0x2122 }, { 0x2139, 0x2139 }, { 0x2194, 0x2199 }, { 0x21A9, 0x21AA },
    { 0x231A, 0x231B }, { 0x2328, 0x2328 }, { 0x23CF, 0x23CF }, { 0x23E9, 0x23F3 },
    { 0x23F8, 0x23FA }, { 0x24C2, 0x24C2 }, { 0x25AA, 0x25AB }, { 0x25B6, 0x25B6 },
    { 0x25C0, 0x25C0 }, { 0x25FB, 0x25FE }, { 0x2600, 0x27BF }, { 0x2934, 0x2935 },
    { 0x2B05, 0x2B07 }, { 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 },
    { 0x3030, 0x3030 }, { 0x303D, 0x303D }, { 0x3297, 0x3297 }, { 0x3299, 0x3299 },
    { 0x1F000, 0x1F0FF }, { 0x1F10D, 0x1F10F }, { 0x1F12F, 0x1F12F }, { 0x1F16C, 0x1F171 },
    { 0x1F17E, 0x1F17F }, { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F1AD, 0x1F1E5 },
    { 0x1F201, 0x1F20F }, { 0x1F21A, 0x1F21A }, { 0x1F22F, 0x1F22F }, { 0x1F232, 0x1F23A },
    { 0x1F23C, 0x1F23F }, { 0x1F249, 0x1F3FA }, { 0x1F400, 0x1F53D }, { 0x1F546, 0x1F64F },
    { 0x1F680, 0x1F6FF }, { 0x1F774, 0x1F77F }, { 0x1F7D5, 0x1F7FF }, { 0x1F80C, 0x1F80F },
    { 0x1F848, 0x1F84F }, { 0x1F85A, 0x1F85F }, { 0x1F888, 0x1F88F }, { 0x1F8AE, 0x1F8FF },
    { 0x1F90C, 0x1F93A }, { 0x1F93C, 0x1F945 }, { 0x1F947, 0x1FAFF }, { 0x1FC00, 0x1FFFD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (c >= ranges[i].lo && c <= ranges[i].hi)
      return TRUE;
  return FALSE;
}

static gboolean
is_regional_indicator (gunichar c)
{
  return c >= 0x1F1E6 && c <= 0x1F1FF;
}

static gboolean
is_skin_tone (gunichar c)
{
  return c >= 0x1F3FB && c <= 0x1F3FF;
}

static gboolean
is_keycap_base (gunichar c)
{
  return (c >= '0' && c <= '9') || c == '#' || c == '*';
}

#define VS15    0xFE0E
#define VS16    0xFE0F
#define ZWJ     0x200D
#define KEYCAP  0x20E3
#define TAG_END 0xE007F

/* One "pictograph (VS16 | skin tone)? tags*" element from @p[*i]. */
static gboolean
element (const gunichar *p,
         glong           n,
         glong          *i)
{
  if (*i >= n || !is_pictograph (p[*i]))
    return FALSE;
  (*i)++;
  if (*i < n && (p[*i] == VS16 || p[*i] == VS15 || is_skin_tone (p[*i])))
    (*i)++;
  /* A tag sequence (England's flag): tags, then CANCEL TAG. */
  if (*i < n && p[*i] >= 0xE0020 && p[*i] < TAG_END)
    {
      while (*i < n && p[*i] >= 0xE0020 && p[*i] < TAG_END)
        (*i)++;
      if (*i >= n || p[*i] != TAG_END)
        return FALSE;
      (*i)++;
    }
  return TRUE;
}

static gboolean
one_cluster (const gunichar *p,
             glong           n)
{
  glong i = 0;

  if (n == 0)
    return FALSE;
  /* A flag: exactly two regional indicators. */
  if (is_regional_indicator (p[0]))
    return n == 2 && is_regional_indicator (p[1]);
  /* A keycap: 1️⃣ is "1" VS16 U+20E3 (VS16 is often left out). */
  if (is_keycap_base (p[0]))
    return (n == 3 && p[1] == VS16 && p[2] == KEYCAP) || (n == 2 && p[1] == KEYCAP);
  if (!element (p, n, &i))
    return FALSE;
  while (i < n)
    {
      if (p[i] != ZWJ)
        return FALSE;
      i++;
      if (!element (p, n, &i))
        return FALSE;
    }
  return TRUE;
}

gboolean
cau_validate_emoji (const char  *text,
                    gssize       len,
                    GError     **error)
{
  g_autofree gunichar *chars = NULL;
  glong n = 0;

  if (text == NULL)
    len = 0;
  else if (len < 0)
    len = strlen (text);
  if (len == 0 || len > CAU_EMOJI_MAX_BYTES)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "A reaction is one emoji of at most %d bytes.", CAU_EMOJI_MAX_BYTES);
      return FALSE;
    }
  /* Checked as UTF-8 before a code point is read (a NUL inside too). */
  if (!g_utf8_validate (text, len, NULL) ||
      (chars = g_utf8_to_ucs4_fast (text, len, &n)) == NULL ||
      !one_cluster (chars, n))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "A reaction must be exactly one emoji.");
      return FALSE;
    }
  return TRUE;
}
