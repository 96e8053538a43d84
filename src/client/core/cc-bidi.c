/* cc-bidi.c: translated sentences that embed names, right in both directions.
 *
 * A name or a message inserted in a sentence can be written in another
 * direction than the sentence ("أحمد joined", "انضم Alice"). Each inserted
 * string goes between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE so
 * its own letters and trailing punctuation do not mix with the sentence's,
 * and the sentence starts with a mark of the interface's direction, since
 * Pango picks a paragraph's direction from its first strong letter even
 * inside an isolate. Text with no right-to-left letter under a left-to-right
 * interface is returned as printf would: the controls change nothing there.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-bidi"

#include "cc-bidi.h"

#include <string.h>

#define FSI "\xe2\x81\xa8"   /* U+2068 FIRST STRONG ISOLATE */
#define PDI "\xe2\x81\xa9"   /* U+2069 POP DIRECTIONAL ISOLATE */
#define LRM "\xe2\x80\x8e"   /* U+200E LEFT-TO-RIGHT MARK */
#define RLM "\xe2\x80\x8f"   /* U+200F RIGHT-TO-LEFT MARK */

#define MAX_ARGS 6

/**
 * cc_bidi_ui_is_rtl:
 *
 * Whether the interface reads right to left. GTK decides its default
 * direction from the translation of "default:LTR" in its gtk40 domain; this
 * asks the same question, so the sentences agree with the layout.
 */
gboolean
cc_bidi_ui_is_rtl (void)
{
  return strcmp (g_dgettext ("gtk40", "default:LTR"), "default:RTL") == 0;
}

/* Whether @text has a letter of a right-to-left script: the blocks of
 * Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic and their
 * presentation forms, and the historic right-to-left scripts. */
static gboolean
has_rtl (const char *text)
{
  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
          (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
          (c >= 0x1E800 && c <= 0x1EFFF))
        return TRUE;
    }
  return FALSE;
}

/* The number of conversions in @format ("%%" is none). */
static guint
count_conversions (const char *format)
{
  guint n = 0;

  for (const char *p = format; (p = strchr (p, '%')) != NULL; p++)
    {
      if (p[1] == '%')
        p++;
      else
        n++;
    }
  return n;
}

/**
 * cc_bidi_printf:
 * @format: a translated sentence whose every conversion is a string (%s,
 *   or %1$s in a translation that reorders them), at most six
 * @...: the strings, never %NULL
 *
 * Like g_strdup_printf(), with each inserted string isolated and the
 * sentence marked with the interface's direction when any of it is
 * written right to left or the interface is.
 *
 * Returns: (transfer full): the sentence.
 */
char *
cc_bidi_printf (const char *format,
                ...)
{
  const char *args[MAX_ARGS] = { NULL };
  char *wrapped[MAX_ARGS] = { NULL };
  guint n = count_conversions (format);
  gboolean rtl_ui = cc_bidi_ui_is_rtl ();
  gboolean needed = rtl_ui || has_rtl (format);
  va_list ap;
  char *plain;

  g_return_val_if_fail (n <= MAX_ARGS, g_strdup (format));

  va_start (ap, format);
  for (guint i = 0; i < n; i++)
    {
      args[i] = va_arg (ap, const char *);
      if (args[i] == NULL)
        args[i] = "";
      needed = needed || has_rtl (args[i]);
    }
  va_end (ap);

  if (!needed)
    {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      plain = g_strdup_printf (format, args[0], args[1], args[2], args[3], args[4], args[5]);
#pragma GCC diagnostic pop
      return plain;
    }

  for (guint i = 0; i < n; i++)
    {
      wrapped[i] = g_strconcat (FSI, args[i], PDI, NULL);
      args[i] = wrapped[i];
    }
  {
    g_autofree char *sentence = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    sentence = g_strdup_printf (format, args[0], args[1], args[2], args[3], args[4], args[5]);
#pragma GCC diagnostic pop
    plain = g_strconcat (rtl_ui ? RLM : LRM, sentence, NULL);
  }
  for (guint i = 0; i < MAX_ARGS; i++)
    g_free (wrapped[i]);
  return plain;
}
