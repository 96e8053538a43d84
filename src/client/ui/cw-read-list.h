/* cw-read-list.h: who read a message in a group, and when, in a popover
 * under the "read by N" button.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-message.h"

G_BEGIN_DECLS

void cw_read_list_popup (GtkWidget *anchor,
                         CcMessage *message);

G_END_DECLS
