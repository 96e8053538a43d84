/* cw-mention-item.h: one suggestion of the composer's @ completion: a
 * member (person or agent) or @room.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-member.h"

G_BEGIN_DECLS

#define CW_TYPE_MENTION_ITEM (cw_mention_item_get_type ())
G_DECLARE_FINAL_TYPE (CwMentionItem, cw_mention_item, CW, MENTION_ITEM, GObject)

/* Properties (read-only): "name" (shown), "search" (what the typed text
 * is matched against: the name and an agent's handle), "insert" (what
 * follows the "@": an agent's handle, else the name), "description" (an
 * agent's, else NULL), "kind" ("person", "agent" or "room"). */

CwMentionItem *cw_mention_item_new_room    (void);
CwMentionItem *cw_mention_item_new_member  (CcMember *member);
const char    *cw_mention_item_get_insert  (CwMentionItem *self);

G_END_DECLS
