/* cw-room-filters.h: the room list's filters (issue 17): All, Unread,
 * Mentions, Direct, Groups and channels, Projects, each with its count.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cc-room.h"

G_BEGIN_DECLS

typedef enum {
  CW_ROOM_KIND_ALL,
  CW_ROOM_KIND_UNREAD,
  CW_ROOM_KIND_MENTIONS,
  CW_ROOM_KIND_DIRECT,
  CW_ROOM_KIND_GROUPS,      /* groups and channels */
  CW_ROOM_KIND_PROJECTS,
  CW_ROOM_N_KINDS
} CwRoomKind;

/* Whether @room belongs under @kind (archived rooms are the caller's). */
gboolean     cw_room_kind_match    (CcRoom      *room,
                                    CwRoomKind   kind);
/* The name kept in the "room-filter" setting, and back (unknown: all). */
const char  *cw_room_kind_to_key   (CwRoomKind   kind);
CwRoomKind   cw_room_kind_from_key (const char  *key);

#define CW_TYPE_ROOM_FILTERS (cw_room_filters_get_type ())
G_DECLARE_FINAL_TYPE (CwRoomFilters, cw_room_filters, CW, ROOM_FILTERS, GtkWidget)

/* The chosen kind: property "kind" (int), notified when it changes. */
CwRoomKind   cw_room_filters_get_kind   (CwRoomFilters *self);
void         cw_room_filters_set_kind   (CwRoomFilters *self,
                                         CwRoomKind     kind);
/* Counts the rooms of @rooms (CcRoom, archived ones left out) under each
 * kind and shows the counts. */
void         cw_room_filters_count      (CwRoomFilters *self,
                                         GListModel    *rooms);

G_END_DECLS
