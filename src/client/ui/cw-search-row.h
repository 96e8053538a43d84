/* cw-search-row.h: one message search result: room, sender and time
 * above the text with the searched words highlighted.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cc-client.h"

G_BEGIN_DECLS

#define CW_TYPE_SEARCH_ROW (cw_search_row_get_type ())
G_DECLARE_FINAL_TYPE (CwSearchRow, cw_search_row, CW, SEARCH_ROW, GtkWidget)

CwSearchRow *cw_search_row_new         (void);
/* @message NULL clears the row; @query is the text searched. */
void         cw_search_row_set_message (CwSearchRow *self,
                                        CcClient    *client,
                                        CcMessage   *message,
                                        const char  *query);

/* Pango markup of @text (escaped) with each word that begins with one of
 * the words of @query in bold, ignoring case and accents, as the search
 * matched it. */
char        *cw_search_highlight       (const char  *text,
                                        const char  *query);

G_END_DECLS
