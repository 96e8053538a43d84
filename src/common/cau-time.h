/* cau-time.h: RFC 3339 UTC timestamps with milliseconds, as on the wire.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Milliseconds since the Unix epoch, wall clock. */
gint64  cau_time_now_ms (void);
/* "2026-11-21T08:00:00.123Z"; newly allocated. */
char   *cau_time_format (gint64 unix_ms);
/* Parses RFC 3339 (any offset); FALSE when @text is not a valid time. */
gboolean cau_time_parse (const char *text, gint64 *out_unix_ms);

G_END_DECLS
