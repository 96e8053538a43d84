/* test-ui-timeline-slice.c: the slice of the timeline the conversation
 * shows (CwTimelineSlice): which items it holds as the timeline grows at
 * either end and as it is moved, and that its items-changed signals
 * describe exactly those changes (a mirror store replays them).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>

#include "cw-timeline-slice.h"

typedef struct {
  GListStore      *source;
  CwTimelineSlice *slice;
  GListStore      *mirror;   /* rebuilt from the slice's signals only */
} Fixture;

static void
on_slice_changed_cb (GListModel *slice,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListStore *mirror)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < added; i++)
    g_ptr_array_add (items, g_list_model_get_item (slice, position + i));
  g_list_store_splice (mirror, position, removed, items->pdata, items->len);
}

static void
fixture_init (Fixture *f,
              guint    n_items,
              guint    max_items)
{
  f->source = g_list_store_new (G_TYPE_OBJECT);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);
      g_list_store_append (f->source, item);
    }
  f->slice = cw_timeline_slice_new (max_items);
  f->mirror = g_list_store_new (G_TYPE_OBJECT);
  g_signal_connect (f->slice, "items-changed", G_CALLBACK (on_slice_changed_cb), f->mirror);
  cw_timeline_slice_set_model (f->slice, G_LIST_MODEL (f->source));
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->slice);
  g_clear_object (&f->mirror);
  g_clear_object (&f->source);
}

/* The slice is source[start, start + size), and its signals said so. */
static void
check (Fixture *f,
       guint    start,
       guint    size)
{
  GListModel *slice = G_LIST_MODEL (f->slice);

  g_assert_cmpuint (g_list_model_get_n_items (slice), ==, size);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->mirror)), ==, size);
  for (guint i = 0; i < size; i++)
    {
      g_autoptr(GObject) a = g_list_model_get_item (slice, i);
      g_autoptr(GObject) b = g_list_model_get_item (G_LIST_MODEL (f->source), start + i);
      g_autoptr(GObject) c = g_list_model_get_item (G_LIST_MODEL (f->mirror), i);

      g_assert_true (a == b);
      g_assert_true (a == c);
    }
  g_assert_cmpint (cw_timeline_slice_at_start (f->slice), ==, start == 0);
  g_assert_cmpint (cw_timeline_slice_at_end (f->slice), ==,
                   start + size == g_list_model_get_n_items (G_LIST_MODEL (f->source)));
}

static void
add_items (GListStore *store,
           guint       position,
           guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);
      g_list_store_insert (store, position, item);
    }
}

static void
test_follows_end (void)
{
  Fixture f;

  fixture_init (&f, 10, 4);
  check (&f, 6, 4);                       /* the newest, as a room opens */

  add_items (f.source, 10, 1);            /* a new message, pinned: the oldest leaves */
  check (&f, 7, 4);

  cw_timeline_slice_set_pinned (f.slice, FALSE);
  add_items (f.source, 11, 1);            /* at the end still: the start gives way all the same */
  check (&f, 8, 4);
  fixture_clear (&f);
}

static void
test_moves (void)
{
  Fixture f;
  g_autoptr(GObject) previous = NULL;
  g_autoptr(GObject) expected = NULL;

  fixture_init (&f, 20, 6);
  check (&f, 14, 6);

  g_assert_true (cw_timeline_slice_show_older (f.slice, 4));
  check (&f, 10, 6);                      /* older in, newest out */
  add_items (f.source, 20, 2);            /* new messages past the slice: not shown */
  check (&f, 10, 6);
  add_items (f.source, 0, 3);             /* older ones before it: it moves along */
  check (&f, 13, 6);

  previous = cw_timeline_slice_get_previous (f.slice, 0);
  expected = g_list_model_get_item (G_LIST_MODEL (f.source), 12);
  g_assert_true (previous == expected);

  while (cw_timeline_slice_show_older (f.slice, 4))
    ;
  check (&f, 0, 6);
  g_assert_null (cw_timeline_slice_get_previous (f.slice, 0));
  cw_timeline_slice_set_pinned (f.slice, FALSE);
  add_items (f.source, 0, 5);             /* an older page at the start: shown, the end gives way */
  check (&f, 0, 6);

  g_assert_true (cw_timeline_slice_show_newer (f.slice, 10));
  check (&f, 10, 6);
  cw_timeline_slice_show_newest (f.slice, 3);
  check (&f, 27, 3);
  g_assert_false (cw_timeline_slice_show_newer (f.slice, 10));
  fixture_clear (&f);
}

static void
test_changes_inside (void)
{
  Fixture f;

  fixture_init (&f, 8, 5);
  check (&f, 3, 5);
  g_list_store_remove (f.source, 4);      /* a pending message leaves */
  check (&f, 3, 4);
  add_items (f.source, 5, 1);             /* and comes back as stored */
  check (&f, 3, 5);
  g_list_store_splice (f.source, 0, 5, NULL, 0);  /* a gap dropped across the slice */
  check (&f, 0, 3);
  cw_timeline_slice_set_model (f.slice, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.slice)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.mirror)), ==, 0);
  fixture_clear (&f);
}

static void
count_cb (GListModel *model,
          guint       position,
          guint       removed,
          guint       added,
          guint      *signals)
{
  (*signals)++;
}

/* The conversation trims the timeline around the slice (the window): the
 * slice shows the same items, at its new offset, and says nothing. */
static void
test_trimmed_around (void)
{
  Fixture f;
  guint signals = 0;
  gulong id;

  fixture_init (&f, 30, 6);
  while (cw_timeline_slice_show_older (f.slice, 4) && cw_timeline_slice_get_offset (f.slice) > 12)
    ;
  check (&f, 12, 6);
  g_assert_cmpuint (cw_timeline_slice_get_offset (f.slice), ==, 12);
  id = g_signal_connect (f.slice, "items-changed", G_CALLBACK (count_cb), &signals);

  g_list_store_splice (f.source, 22, 8, NULL, 0);   /* newer ones, past the slice */
  g_list_store_splice (f.source, 0, 8, NULL, 0);    /* older ones, before it */
  check (&f, 4, 6);
  g_assert_cmpuint (cw_timeline_slice_get_offset (f.slice), ==, 4);
  g_assert_cmpuint (signals, ==, 0);
  g_assert_false (cw_timeline_slice_at_end (f.slice));

  /* Newer ones loaded back join once the slice reaches the end. */
  g_assert_true (cw_timeline_slice_show_newer (f.slice, 10));
  check (&f, 8, 6);
  g_assert_true (cw_timeline_slice_at_end (f.slice));
  add_items (f.source, 14, 3);
  check (&f, 11, 6);                       /* joined at the end, the start gave way */
  g_signal_handler_disconnect (f.slice, id);
  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/timeline-slice/follows-end", test_follows_end);
  g_test_add_func ("/ui/timeline-slice/moves", test_moves);
  g_test_add_func ("/ui/timeline-slice/changes-inside", test_changes_inside);
  g_test_add_func ("/ui/timeline-slice/trimmed-around", test_trimmed_around);
  return g_test_run ();
}
