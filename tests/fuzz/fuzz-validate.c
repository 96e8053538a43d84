/* fuzz-validate.c: every validator of cau-validate.c on any bytes, as a
 * NUL-terminated string in an exact-size heap block (ASan sees overreads).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz.h"
#include "cau-validate.h"

#include <string.h>

static void
check_out (gboolean ok,
           char    *out)
{
  if (ok)
    g_assert (out != NULL && g_utf8_validate (out, -1, NULL));
  g_free (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const allowed[] = { "group", "direct", "channel", NULL };
  char *text = g_malloc (size + 1);
  char *out = NULL;
  gint64 seq = 0;
  guint limit = 0;
  gboolean ok;

  memcpy (text, data, size);
  text[size] = '\0';

  out = cau_trim (text);
  g_assert (g_utf8_validate (out, -1, NULL));
  g_free (out);
  out = NULL;
  cau_text_has_bidi_controls (text);

  ok = cau_validate_name (text, &out, NULL);
  if (ok)
    g_assert (!cau_text_has_bidi_controls (out));
  check_out (ok, g_steal_pointer (&out));
  ok = cau_validate_label (text, "description", TRUE, 0, CAU_LIMIT_TOPIC_CHARS, &out, NULL);
  check_out (ok, g_steal_pointer (&out));
  ok = cau_validate_label (text, "status", FALSE, 0, CAU_LIMIT_STATUS_CHARS, &out, NULL);
  check_out (ok, g_steal_pointer (&out));
  ok = cau_validate_text (text, "message", 0, 64, &out, NULL);
  check_out (ok, g_steal_pointer (&out));
  ok = cau_validate_body (text, FALSE, &out, NULL);
  check_out (ok, g_steal_pointer (&out));
  ok = cau_validate_body (text, TRUE, &out, NULL);
  check_out (ok, g_steal_pointer (&out));
  ok = cau_validate_email (text, &out, NULL);
  check_out (ok, g_steal_pointer (&out));
  cau_validate_password (text, NULL);
  cau_validate_txn_id (text, NULL);
  cau_validate_enum (text, "type", allowed, NULL);
  cau_validate_limit (text, &limit, NULL);
  cau_parse_seq (text, "since", &seq, NULL);

  g_free (text);
  return 0;
}
