/* cw-timeline-slice.h: the part of a room's timeline the conversation
 * shows: at most a few pages around what is on screen.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CW_TYPE_TIMELINE_SLICE (cw_timeline_slice_get_type ())
G_DECLARE_FINAL_TYPE (CwTimelineSlice, cw_timeline_slice, CW, TIMELINE_SLICE, GObject)

/* A GListModel of the items [start, end) of another model. It follows that
 * model's changes: items added at the end join while the slice reaches the
 * end, items added at the start join while it starts at the start; and it
 * keeps at most @max_items, dropping from the side away from the change. */
CwTimelineSlice *cw_timeline_slice_new          (guint            max_items);
void             cw_timeline_slice_set_model    (CwTimelineSlice *self,
                                                 GListModel      *model);
/* The item just before @position (also when that is before the slice). */
gpointer         cw_timeline_slice_get_previous (CwTimelineSlice *self,
                                                 guint            position);
/* Where the slice starts in the model (the model's items it shows are
 * [offset, offset + n_items)), so that the model's owner can let go of what
 * is far from it. */
guint            cw_timeline_slice_get_offset   (CwTimelineSlice *self);
gboolean         cw_timeline_slice_at_start     (CwTimelineSlice *self);
gboolean         cw_timeline_slice_at_end       (CwTimelineSlice *self);
/* The view shows the end: when the slice is too long, it drops from the
 * start whatever the change. */
void             cw_timeline_slice_set_pinned   (CwTimelineSlice *self,
                                                 gboolean         pinned);
/* Moves up to @n items towards the start or the end; FALSE when already
 * there. */
gboolean         cw_timeline_slice_show_older   (CwTimelineSlice *self,
                                                 guint            n);
gboolean         cw_timeline_slice_show_newer   (CwTimelineSlice *self,
                                                 guint            n);
/* Back to the last @n items, as after cw_timeline_slice_set_model(). */
void             cw_timeline_slice_show_newest  (CwTimelineSlice *self,
                                                 guint            n);

G_END_DECLS
