/* cc-bidi.h: translated sentences that embed names, right in both directions.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  cc_bidi_ui_is_rtl   (void);
char     *cc_bidi_printf      (const char *format,
                               ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
