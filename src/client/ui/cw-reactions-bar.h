/* cw-reactions-bar.h: the reactions under a message (one button per emoji
 * with its count, the user's own highlighted, who reacted in the tooltip;
 * a click toggles the user's own), and the picker that adds one (a few
 * quick picks, then GTK's emoji chooser).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-message.h"

G_BEGIN_DECLS

#define CW_TYPE_REACTIONS_BAR (cw_reactions_bar_get_type ())
G_DECLARE_FINAL_TYPE (CwReactionsBar, cw_reactions_bar, CW, REACTIONS_BAR, GtkWidget)

CwReactionsBar *cw_reactions_bar_new         (void);
/* Follows @message's reactions (NULL: none); hidden while there are none. */
void            cw_reactions_bar_set_message (CwReactionsBar *self,
                                              CcMessage      *message);

/* Opens the picker for @message under @anchor: quick picks, and "More
 * Reactions" for GTK's emoji chooser. A pick adds the user's reaction. */
void            cw_reaction_picker_popup     (GtkWidget      *anchor,
                                              CcMessage      *message);

G_END_DECLS
