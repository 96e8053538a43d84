/* cw-timeline-slice.c: the part of a room's timeline the conversation
 * shows. GTK 4.8's GtkListView keeps a row for up to 200 items around the
 * ones on screen, so a room scrolled through kept 200 message rows alive
 * (most of the memory it took; tests/bench, bench-ui). The conversation
 * shows a slice of a few pages instead, moved as it is scrolled; the
 * timeline keeps the messages around it (the conversation trims the rest:
 * removals before the slice shift it, after it, when it does not reach the
 * end, are not seen).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include "cw-timeline-slice.h"

struct _CwTimelineSlice
{
  GObject     parent_instance;

  GListModel *model;
  guint       max_items;
  guint       n;         /* items in the model */
  guint       start;     /* the slice is [start, end) of the model */
  guint       end;
  gboolean    pinned;
};

static void cw_timeline_slice_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CwTimelineSlice, cw_timeline_slice, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      cw_timeline_slice_model_init))

static GType
model_get_item_type (GListModel *model)
{
  CwTimelineSlice *self = CW_TIMELINE_SLICE (model);

  return self->model ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
model_get_n_items (GListModel *model)
{
  CwTimelineSlice *self = CW_TIMELINE_SLICE (model);

  return self->end - self->start;
}

static gpointer
model_get_item (GListModel *model,
                guint       position)
{
  CwTimelineSlice *self = CW_TIMELINE_SLICE (model);

  if (self->model == NULL || position >= self->end - self->start)
    return NULL;
  return g_list_model_get_item (self->model, self->start + position);
}

static void
cw_timeline_slice_model_init (GListModelInterface *iface)
{
  iface->get_item_type = model_get_item_type;
  iface->get_n_items = model_get_n_items;
  iface->get_item = model_get_item;
}

static void
changed (CwTimelineSlice *self,
         guint            position,
         guint            removed,
         guint            added)
{
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* Back to at most @max_items: drops from the start when @from_start,
 * else from the end. */
static void
trim (CwTimelineSlice *self,
      gboolean         from_start)
{
  guint size = self->end - self->start;
  guint excess;

  if (size <= self->max_items)
    return;
  excess = size - self->max_items;
  if (from_start)
    {
      self->start += excess;
      changed (self, 0, excess, 0);
    }
  else
    {
      self->end -= excess;
      changed (self, self->max_items, excess, 0);
    }
}

static void
reset (CwTimelineSlice *self,
       guint            start,
       guint            end)
{
  guint old_size = self->end - self->start;

  self->start = start;
  self->end = end;
  changed (self, 0, old_size, end - start);
}

static void
on_items_changed_cb (GListModel      *model,
                     guint            position,
                     guint            removed,
                     guint            added,
                     CwTimelineSlice *self)
{
  gboolean at_end = self->end == self->n;
  gboolean at_start = self->start == 0;

  self->n = g_list_model_get_n_items (model);

  /* Before the slice (but not older items arriving at a slice that starts
   * at the start): the slice moves along. */
  if (position + removed <= self->start && !(at_start && position == 0))
    {
      self->start = self->start + added - removed;
      self->end = self->end + added - removed;
      return;
    }
  /* After the slice, which does not reach the end: not shown. */
  if (position >= self->end && !at_end)
    return;
  /* Across an edge of the slice (a gap dropped): start again from there. */
  if (position < self->start || position + removed > self->end)
    {
      guint start = MIN (position, self->n);

      reset (self, start, MIN (self->n, start + self->max_items));
      return;
    }

  self->end = self->end + added - removed;
  changed (self, position - self->start, removed, added);
  /* Too long now: drop what is away from the change, or from the start
   * when the view is pinned to the end. */
  trim (self, self->pinned || position - self->start >= (self->end - self->start) / 2);
}

static void
cw_timeline_slice_dispose (GObject *object)
{
  CwTimelineSlice *self = CW_TIMELINE_SLICE (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (cw_timeline_slice_parent_class)->dispose (object);
}

static void
cw_timeline_slice_class_init (CwTimelineSliceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cw_timeline_slice_dispose;
}

static void
cw_timeline_slice_init (CwTimelineSlice *self)
{
  self->pinned = TRUE;
}

CwTimelineSlice *
cw_timeline_slice_new (guint max_items)
{
  CwTimelineSlice *self;

  g_return_val_if_fail (max_items > 0, NULL);

  self = g_object_new (CW_TYPE_TIMELINE_SLICE, NULL);
  self->max_items = max_items;
  return self;
}

void
cw_timeline_slice_set_model (CwTimelineSlice *self,
                             GListModel      *model)
{
  g_return_if_fail (CW_IS_TIMELINE_SLICE (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  self->n = model ? g_list_model_get_n_items (model) : 0;
  self->pinned = TRUE;
  reset (self, self->n > self->max_items ? self->n - self->max_items : 0, self->n);
}

gpointer
cw_timeline_slice_get_previous (CwTimelineSlice *self,
                                guint            position)
{
  g_return_val_if_fail (CW_IS_TIMELINE_SLICE (self), NULL);

  if (self->model == NULL || self->start + position == 0 || self->start + position > self->n)
    return NULL;
  return g_list_model_get_item (self->model, self->start + position - 1);
}

guint
cw_timeline_slice_get_offset (CwTimelineSlice *self)
{
  g_return_val_if_fail (CW_IS_TIMELINE_SLICE (self), 0);
  return self->start;
}

gboolean
cw_timeline_slice_at_start (CwTimelineSlice *self)
{
  g_return_val_if_fail (CW_IS_TIMELINE_SLICE (self), TRUE);
  return self->start == 0;
}

gboolean
cw_timeline_slice_at_end (CwTimelineSlice *self)
{
  g_return_val_if_fail (CW_IS_TIMELINE_SLICE (self), TRUE);
  return self->end == self->n;
}

void
cw_timeline_slice_set_pinned (CwTimelineSlice *self,
                              gboolean         pinned)
{
  g_return_if_fail (CW_IS_TIMELINE_SLICE (self));
  self->pinned = pinned && self->end == self->n;
}

gboolean
cw_timeline_slice_show_older (CwTimelineSlice *self,
                              guint            n)
{
  guint added;

  g_return_val_if_fail (CW_IS_TIMELINE_SLICE (self), FALSE);

  if (self->start == 0)
    return FALSE;
  added = MIN (self->start, n);
  self->start -= added;
  self->pinned = FALSE;
  changed (self, 0, 0, added);
  trim (self, FALSE);
  return TRUE;
}

gboolean
cw_timeline_slice_show_newer (CwTimelineSlice *self,
                              guint            n)
{
  guint end, size;

  g_return_val_if_fail (CW_IS_TIMELINE_SLICE (self), FALSE);

  if (self->end == self->n)
    return FALSE;
  end = MIN (self->n, self->end + n);
  size = self->end - self->start;
  self->end = end;
  changed (self, size, 0, end - self->start - size);
  trim (self, TRUE);
  return TRUE;
}

void
cw_timeline_slice_show_newest (CwTimelineSlice *self,
                               guint            n)
{
  g_return_if_fail (CW_IS_TIMELINE_SLICE (self));

  self->pinned = TRUE;
  if (self->end == self->n)
    return;
  n = MIN (n, self->max_items);
  reset (self, self->n > n ? self->n - n : 0, self->n);
}
