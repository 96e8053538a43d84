/* cau-time.c: RFC 3339 timestamps.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-time.h"

gint64
cau_time_now_ms (void)
{
  return g_get_real_time () / 1000;
}

char *
cau_time_format (gint64 unix_ms)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 secs = unix_ms / 1000;
  int ms = (int) (unix_ms % 1000);

  if (ms < 0)
    {
      ms += 1000;
      secs -= 1;
    }
  dt = g_date_time_new_from_unix_utc (secs);
  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                          g_date_time_get_year (dt),
                          g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt),
                          g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt),
                          g_date_time_get_second (dt),
                          ms);
}

gboolean
cau_time_parse (const char *text,
                gint64     *out_unix_ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  if (out_unix_ms)
    *out_unix_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}
