/* cau-json-check.c: a non-recursive RFC 8259 scanner with a depth bound.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-json-check.h"
#include "cau-error.h"

#include <errno.h>
#include <math.h>
#include <string.h>

G_STATIC_ASSERT (CAU_JSON_MAX_DEPTH <= 64);  /* the stack is one guint64 */

typedef enum {
  WANT_VALUE,            /* top level, after ':' or after ',' in an array */
  WANT_VALUE_OR_CLOSE,   /* just after '[' */
  WANT_KEY,              /* after ',' in an object */
  WANT_KEY_OR_CLOSE,     /* just after '{' */
  WANT_COLON,
  WANT_COMMA_OR_CLOSE,
  WANT_END,
} State;

typedef struct {
  const guchar *start;
  const guchar *p;
  const guchar *end;
} Scan;

static gboolean
fail (Scan        *s,
      GError     **error,
      const char  *what)
{
  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
               "The JSON text is not valid at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (s->p - s->start), what);
  return FALSE;
}

static int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits after "\u"; s->p is on the 'u'. */
static gboolean
read_u_escape (Scan    *s,
               guint   *out)
{
  guint value = 0;

  if (s->end - s->p < 5)
    return FALSE;
  for (int i = 1; i <= 4; i++)
    {
      int h = hex_value (s->p[i]);

      if (h < 0)
        return FALSE;
      value = (value << 4) | (guint) h;
    }
  s->p += 5;
  *out = value;
  return TRUE;
}

/* s->p is just past the opening quote; leaves it just past the closing one.
 * The text is already known to be valid UTF-8 without NUL bytes, so bytes
 * of 0x80 and above are passed over. */
static gboolean
scan_string (Scan    *s,
             GError **error)
{
  while (s->p < s->end)
    {
      guchar c = *s->p;

      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return fail (s, error, "a string contains a raw control character; it must be escaped.");
      if (c != '\\')
        {
          s->p++;
          continue;
        }
      s->p++;
      if (s->p >= s->end)
        break;
      switch (*s->p)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          s->p++;
          break;
        case 'u':
          {
            guint unit, low;

            if (!read_u_escape (s, &unit))
              return fail (s, error, "\\u must be followed by four hexadecimal digits.");
            if (unit == 0)
              return fail (s, error, "strings cannot contain the NUL character (\\u0000).");
            if (unit >= 0xDC00 && unit <= 0xDFFF)
              return fail (s, error, "a \\u escape gives an unpaired low surrogate.");
            if (unit >= 0xD800 && unit <= 0xDBFF)
              {
                if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
                  return fail (s, error, "a \\u escape gives an unpaired high surrogate.");
                s->p++;
                if (!read_u_escape (s, &low))
                  return fail (s, error, "\\u must be followed by four hexadecimal digits.");
                if (low < 0xDC00 || low > 0xDFFF)
                  return fail (s, error, "a \\u escape gives an unpaired high surrogate.");
              }
          }
          break;
        default:
          return fail (s, error, "a string contains an invalid escape; only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX are allowed.");
        }
    }
  return fail (s, error, "a string is not closed.");
}

static gboolean
scan_digits (Scan *s)
{
  const guchar *from = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > from;
}

static gboolean
scan_number_syntax (Scan     *s,
                    gboolean *integer,
                    GError  **error)
{
  if (*s->p == '-')
    s->p++;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return fail (s, error, "a number must have digits (NaN and Infinity are not JSON).");
  if (*s->p == '0')
    {
      s->p++;
      if (s->p < s->end && g_ascii_isdigit (*s->p))
        return fail (s, error, "a number cannot have a leading zero.");
    }
  else
    scan_digits (s);
  if (s->p < s->end && *s->p == '.')
    {
      *integer = FALSE;
      s->p++;
      if (!scan_digits (s))
        return fail (s, error, "a number needs digits after the decimal point.");
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      *integer = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return fail (s, error, "a number needs digits in its exponent.");
    }
  return TRUE;
}

/* -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?, and in range: json-glib
 * 1.6 wraps integers past 64 bits (99999999999999999999 reads as -1) and
 * writes a number past the double range (1e999) as "inf.0", not JSON. */
static gboolean
scan_number (Scan    *s,
             GError **error)
{
  const guchar *from = s->p;
  gboolean integer = TRUE;
  gboolean out_of_range;
  g_autofree char *text = NULL;

  if (!scan_number_syntax (s, &integer, error))
    return FALSE;
  text = g_strndup ((const char *) from, s->p - from);
  if (integer)
    {
      errno = 0;
      g_ascii_strtoll (text, NULL, 10);
      out_of_range = errno == ERANGE;
    }
  else
    out_of_range = isinf (g_ascii_strtod (text, NULL));  /* underflow to 0 is fine */
  if (out_of_range)
    {
      s->p = from;
      return fail (s, error, integer ? "an integer is out of range (64 bits, signed)."
                                     : "a number is out of range.");
    }
  return TRUE;
}

static gboolean
scan_literal (Scan       *s,
              const char *word,
              GError    **error)
{
  gsize n = strlen (word);

  if ((gsize) (s->end - s->p) < n || memcmp (s->p, word, n) != 0)
    return fail (s, error, "unexpected text; only true, false and null are bare words in JSON.");
  s->p += n;
  return TRUE;
}

static const char *
unexpected (guchar c)
{
  switch (c)
    {
    case '\'':
      return "strings must use double quotes, not single quotes.";
    case '/': case '#':
      return "JSON does not allow comments.";
    case ',':
      return "a comma is out of place (JSON does not allow trailing commas).";
    default:
      return "unexpected character.";
    }
}

gboolean
cau_json_check (const char *data,
                gssize      length,
                gsize       max_bytes,
                GError    **error)
{
  Scan s;
  State state = WANT_VALUE;
  guint64 objects = 0;   /* bit i set: level i is an object, else an array */
  guint depth = 0;
  gsize size;

  g_return_val_if_fail (data != NULL || length <= 0, FALSE);

  if (data == NULL)
    {
      data = "";
      length = 0;
    }

  size = length < 0 ? strlen (data) : (gsize) length;
  s.start = s.p = (const guchar *) data;
  s.end = s.start + size;

  if (size > max_bytes)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "The JSON text is too large: %" G_GSIZE_FORMAT " bytes, at most %" G_GSIZE_FORMAT " are allowed.",
                   size, max_bytes);
      return FALSE;
    }
  /* g_utf8_validate with a length also refuses NUL bytes. */
  if (!g_utf8_validate (data, size, (const char **) &s.p))
    return fail (&s, error, "the text is not valid UTF-8.");
  s.p = s.start;

  for (;;)
    {
      guchar c;

      while (s.p < s.end && (*s.p == ' ' || *s.p == '\t' || *s.p == '\n' || *s.p == '\r'))
        s.p++;
      if (s.p >= s.end)
        break;
      c = *s.p;

      switch (state)
        {
        case WANT_VALUE_OR_CLOSE:
          if (c == ']')
            goto close;
          G_GNUC_FALLTHROUGH;
        case WANT_VALUE:
          if (c == '{' || c == '[')
            {
              if (depth >= CAU_JSON_MAX_DEPTH)
                {
                  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                               "The JSON text is nested more than %d levels deep.", CAU_JSON_MAX_DEPTH);
                  return FALSE;
                }
              if (c == '{')
                objects |= G_GUINT64_CONSTANT (1) << depth;
              else
                objects &= ~(G_GUINT64_CONSTANT (1) << depth);
              depth++;
              s.p++;
              state = c == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
              continue;
            }
          if (c == '"')
            {
              s.p++;
              if (!scan_string (&s, error))
                return FALSE;
            }
          else if (c == '-' || g_ascii_isdigit (c))
            {
              if (!scan_number (&s, error))
                return FALSE;
            }
          else if (c == 't' || c == 'f' || c == 'n')
            {
              if (!scan_literal (&s, c == 't' ? "true" : c == 'f' ? "false" : "null", error))
                return FALSE;
            }
          else
            return fail (&s, error, c == ']' || c == '}' ? "a value is missing." : unexpected (c));
          state = depth == 0 ? WANT_END : WANT_COMMA_OR_CLOSE;
          continue;

        case WANT_KEY_OR_CLOSE:
          if (c == '}')
            goto close;
          G_GNUC_FALLTHROUGH;
        case WANT_KEY:
          if (c != '"')
            return fail (&s, error, c == '\'' ? unexpected (c) : "an object key must be a string in double quotes.");
          s.p++;
          if (!scan_string (&s, error))
            return FALSE;
          state = WANT_COLON;
          continue;

        case WANT_COLON:
          if (c != ':')
            return fail (&s, error, "a colon must follow an object key.");
          s.p++;
          state = WANT_VALUE;
          continue;

        case WANT_COMMA_OR_CLOSE:
          if (c == ',')
            {
              s.p++;
              state = (objects >> (depth - 1)) & 1 ? WANT_KEY : WANT_VALUE;
              continue;
            }
          if (c == ']' || c == '}')
            goto close;
          return fail (&s, error, "a comma or the end of the array or object was expected.");

        case WANT_END:
          return fail (&s, error, c == '/' || c == '#' ? unexpected (c) : "there is more text after the JSON value.");

        default:
          g_assert_not_reached ();
        }

    close:
      g_assert (depth > 0);
      if ((c == '}') != (((objects >> (depth - 1)) & 1) != 0))
        return fail (&s, error, "a closing bracket does not match its opening one.");
      depth--;
      s.p++;
      state = depth == 0 ? WANT_END : WANT_COMMA_OR_CLOSE;
    }

  if (state != WANT_END)
    return fail (&s, error, depth == 0 && state == WANT_VALUE
                              ? "there is no JSON value." : "the text ends before the JSON value does.");
  return TRUE;
}
