/* cau-validate.c: input rules shared by server and client.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-validate.h"
#include "cau-error.h"
#include "cau-time.h"

#include <string.h>

/* Every walk below assumes valid UTF-8: g_utf8_next_char() on a stray
 * lead byte such as 0xF8 ("\770" in json-glib) steps past the NUL. */
static gboolean
is_utf8 (const char *text)
{
  return text != NULL && g_utf8_validate (text, strlen (text), NULL);
}

char *
cau_trim (const char *text)
{
  g_autofree char *valid = NULL;
  const char *start = text;
  const char *end;

  if (text == NULL)
    return g_strdup ("");
  if (!is_utf8 (text))
    start = text = valid = g_utf8_make_valid (text, -1);
  while (*start && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  return g_strndup (start, end - start);
}

gboolean
cau_unichar_is_bidi_control (gunichar c)
{
  return c == 0x061C ||                  /* ARABIC LETTER MARK */
         c == 0x200E || c == 0x200F ||   /* LRM, RLM */
         (c >= 0x202A && c <= 0x202E) || /* LRE, RLE, PDF, LRO, RLO */
         (c >= 0x2066 && c <= 0x2069);   /* LRI, RLI, FSI, PDI */
}

gboolean
cau_text_has_bidi_controls (const char *text)
{
  const char *end;

  g_return_val_if_fail (text != NULL, FALSE);

  end = text + strlen (text);
  for (const char *p = text; p < end; )
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return TRUE;  /* not text at all: as unwelcome */
      if (cau_unichar_is_bidi_control (c))
        return TRUE;
      p = g_utf8_next_char (p);
    }
  return FALSE;
}

/* TRUE also for bytes that are not UTF-8, so a caller that forgot to
 * validate first still refuses the text rather than reading past it. */
static gboolean
has_control_chars (const char *text,
                   gboolean    allow_newlines)
{
  const char *end = text + strlen (text);

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return TRUE;
      if (allow_newlines && (c == '\n' || c == '\t'))
        continue;
      if (g_unichar_iscntrl (c))
        return TRUE;
    }
  return FALSE;
}

static gboolean
not_text (const char *what,
          GError    **error)
{
  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "The %s is not valid text.", what);
  return FALSE;
}

gboolean
cau_validate_text (const char *text,
                   const char *what,
                   guint       min_chars,
                   guint       max_chars,
                   char      **out,
                   GError    **error)
{
  g_autofree char *trimmed = NULL;
  glong len;

  if (!is_utf8 (text))
    return not_text (what, error);
  trimmed = cau_trim (text);
  len = g_utf8_strlen (trimmed, -1);
  if (len < (glong) min_chars)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   min_chars == 1 ? "The %s cannot be empty." : "The %s is too short.", what);
      return FALSE;
    }
  if (len > (glong) max_chars)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The %s is too long: %ld characters, at most %u are allowed.",
                   what, len, max_chars);
      return FALSE;
    }
  if (out)
    *out = g_steal_pointer (&trimmed);
  return TRUE;
}

gboolean
cau_validate_name (const char *text,
                   char      **out,
                   GError    **error)
{
  return cau_validate_label (text, "name", FALSE, 1, CAU_LIMIT_NAME_CHARS, out, error);
}

gboolean
cau_validate_label (const char *text,
                    const char *what,
                    gboolean    multi_line,
                    guint       min_chars,
                    guint       max_chars,
                    char      **out,
                    GError    **error)
{
  if (!is_utf8 (text))
    return not_text (what, error);
  if (has_control_chars (text, multi_line))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The %s cannot contain control characters.", what);
      return FALSE;
    }
  if (cau_text_has_bidi_controls (text))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The %s cannot contain bidirectional control characters (such as U+202E), "
                   "which make text read differently from what it is.", what);
      return FALSE;
    }
  return cau_validate_text (text, what, min_chars, max_chars, out, error);
}

gboolean
cau_validate_body (const char *text,
                   gboolean    allow_empty,
                   char      **out,
                   GError    **error)
{
  if (!is_utf8 (text))
    return not_text ("message", error);
  if (has_control_chars (text, TRUE))
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                           "The message cannot contain control characters.");
      return FALSE;
    }
  return cau_validate_text (text, "message", allow_empty ? 0 : 1, CAU_LIMIT_BODY_CHARS, out, error);
}

gboolean
cau_validate_email (const char *text,
                    char      **out,
                    GError    **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *lower = NULL;
  const char *at;
  const char *dot;

  if (!is_utf8 (text))
    return not_text ("email address", error);
  trimmed = cau_trim (text);
  if (strlen (trimmed) > 254 || has_control_chars (trimmed, FALSE))
    goto bad;
  for (const char *p = trimmed; *p; p++)
    if (*p == ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' || *p == '"')
      goto bad;
  at = strchr (trimmed, '@');
  if (at == NULL || at == trimmed || strchr (at + 1, '@') != NULL)
    goto bad;
  dot = strrchr (at + 1, '.');
  if (dot == NULL || dot == at + 1 || dot[1] == '\0')
    goto bad;

  lower = g_utf8_strdown (trimmed, -1);
  if (out)
    *out = g_steal_pointer (&lower);
  return TRUE;

bad:
  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
               "“%s” is not a valid email address.", text ? text : "");
  return FALSE;
}

gboolean
cau_validate_password (const char *text,
                       GError    **error)
{
  if (!is_utf8 (text) || g_utf8_strlen (text, -1) < CAU_PASSWORD_MIN_CHARS)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The password must have at least %d characters.", CAU_PASSWORD_MIN_CHARS);
      return FALSE;
    }
  if (strlen (text) > 1024)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "The password is too long.");
      return FALSE;
    }
  return TRUE;
}

gboolean
cau_validate_txn_id (const char *text,
                     GError    **error)
{
  if (text == NULL || *text == '\0' || strlen (text) > CAU_LIMIT_TXN_ID_CHARS ||
      !is_utf8 (text) || has_control_chars (text, FALSE))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The field “txn_id” must be a non-empty string of at most %d bytes.",
                   CAU_LIMIT_TXN_ID_CHARS);
      return FALSE;
    }
  return TRUE;
}

gboolean
cau_validate_written_at (const char *text,
                         gint64      now_ms,
                         gint64     *out,
                         GError    **error)
{
  gint64 at = 0;

  if (text == NULL || !cau_time_parse (text, &at) || at <= 0)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The field “written_at” must be a time like 2024-05-01T09:30:00.000Z.");
      return FALSE;
    }
  if (at > now_ms + CAU_WRITTEN_AT_SKEW_MS)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The field “written_at” is in the future; check this device's clock.");
      return FALSE;
    }
  if (at < now_ms - CAU_WRITTEN_AT_MAX_AGE_MS)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The field “written_at” is more than %d days ago.",
                   (int) (CAU_WRITTEN_AT_MAX_AGE_MS / (24 * 3600 * 1000)));
      return FALSE;
    }
  /* A clock a little ahead: written now, never after it was stored. */
  *out = MIN (at, now_ms);
  return TRUE;
}

gboolean
cau_validate_enum (const char         *text,
                   const char         *what,
                   const char * const *allowed,
                   GError            **error)
{
  g_autofree char *list = NULL;

  if (text && g_strv_contains (allowed, text))
    return TRUE;
  list = g_strjoinv (", ", (char **) allowed);
  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
               "The field “%s” must be one of: %s.", what, list);
  return FALSE;
}

gboolean
cau_parse_seq (const char *text,
               const char *what,
               gint64     *out,
               GError    **error)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The parameter “%s” must be a non-negative integer.", what);
      return FALSE;
    }
  *out = (gint64) value;
  return TRUE;
}

gboolean
cau_validate_limit (const char *text,
                    guint      *out,
                    GError    **error)
{
  guint64 value;

  if (text == NULL)
    {
      *out = CAU_PAGE_DEFAULT;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, CAU_PAGE_MAX, &value, NULL))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The parameter “limit” must be between 1 and %d.", CAU_PAGE_MAX);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}
