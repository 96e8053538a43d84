/* cw-context-card.h: the object of another application (a deal, an
 * invoice, a ticket) that a message cites or the composer will cite: its
 * label, its type and id, a button opening its address in the browser
 * and, in the composer, one removing it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cau-context.h"

G_BEGIN_DECLS

#define CW_TYPE_CONTEXT_CARD (cw_context_card_get_type ())
G_DECLARE_FINAL_TYPE (CwContextCard, cw_context_card, CW, CONTEXT_CARD, GtkWidget)

/* Signal "remove" (): the remove button was clicked (removable cards only). */
CwContextCard    *cw_context_card_new           (void);
void              cw_context_card_set_context   (CwContextCard    *self,
                                                 const CauContext *context);
const CauContext *cw_context_card_get_context   (CwContextCard    *self);
void              cw_context_card_set_removable (CwContextCard    *self,
                                                 gboolean          removable);
/* Opens @url in the browser, without waiting (GTK 4.8 has no
 * GtkUriLauncher); the window is the dialog's parent. */
void              cw_context_open_url           (GtkWidget        *from,
                                                 const char       *url);

G_END_DECLS
