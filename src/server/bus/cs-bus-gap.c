/* cs-bus-gap.c: the gap detector (cs-bus-gap.h). Runs on the main context.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-bus"

#include "cs-bus-gap.h"

/* Past this many held events a hole is fetched at once, without waiting
 * for the grace period: memory stays bounded whatever the bus does. */
#define HELD_MAX 4096

struct _CsGap {
  gint64        next;       /* the seq to deliver next */
  guint         grace_ms;
  CsGapDeliver  deliver;
  CsGapFetch    fetch;
  gpointer      data;
  GTree        *held;       /* CsEvent* above a hole, by seq */
  guint         timer_id;
  gboolean      fetching;
  gboolean      resync_wanted;
  guint64       n_fetches;
};

static int
by_seq (gconstpointer a,
        gconstpointer b,
        gpointer      unused)
{
  gint64 x = ((const CsEvent *) a)->seq, y = ((const CsEvent *) b)->seq;

  return x < y ? -1 : x > y;
}

CsGap *
cs_gap_new (gint64       delivered_upto,
            guint        grace_ms,
            CsGapDeliver deliver,
            CsGapFetch   fetch,
            gpointer     data)
{
  CsGap *gap = g_new0 (CsGap, 1);

  gap->next = delivered_upto + 1;
  gap->grace_ms = grace_ms;
  gap->deliver = deliver;
  gap->fetch = fetch;
  gap->data = data;
  gap->held = g_tree_new_full (by_seq, NULL, (GDestroyNotify) cs_event_unref, NULL);
  return gap;
}

void
cs_gap_free (CsGap *gap)
{
  if (gap == NULL)
    return;
  g_clear_handle_id (&gap->timer_id, g_source_remove);
  g_tree_unref (gap->held);
  g_free (gap);
}

static CsEvent *
first_held (CsGap *gap)
{
  GTreeNode *node = g_tree_node_first (gap->held);

  return node ? g_tree_node_key (node) : NULL;
}

/* Delivers what is contiguous from next, skipping the seqs up to @known
 * that the store said do not exist. */
static void
release (CsGap *gap,
         gint64 known)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  CsEvent *ev;

  while ((ev = first_held (gap)))
    {
      if (ev->seq > gap->next && ev->seq <= known + 1)
        gap->next = ev->seq;
      if (ev->seq != gap->next)
        break;
      g_tree_steal (gap->held, ev);
      g_ptr_array_add (out, ev);
      gap->next++;
    }
  if (known >= gap->next)
    gap->next = known + 1;
  if (out->len > 0)
    gap->deliver (out, gap->data);
}

static void hold_or_fetch (CsGap *gap);

static void
start_fetch (CsGap *gap,
             gint64 to)
{
  g_clear_handle_id (&gap->timer_id, g_source_remove);
  gap->fetching = TRUE;
  gap->n_fetches++;
  gap->fetch (gap, gap->next, to, gap->data);
}

static gboolean
grace_cb (gpointer data)
{
  CsGap *gap = data;
  CsEvent *ev = first_held (gap);

  gap->timer_id = 0;
  if (ev && !gap->fetching && ev->seq > gap->next)
    start_fetch (gap, ev->seq - 1);
  return G_SOURCE_REMOVE;
}

static void
hold_or_fetch (CsGap *gap)
{
  CsEvent *ev;

  if (gap->fetching)
    return;
  if (gap->resync_wanted)
    {
      gap->resync_wanted = FALSE;
      start_fetch (gap, G_MAXINT64);
      return;
    }
  ev = first_held (gap);
  if (ev == NULL)
    {
      g_clear_handle_id (&gap->timer_id, g_source_remove);
      return;
    }
  if ((guint) g_tree_nnodes (gap->held) > HELD_MAX)
    start_fetch (gap, ev->seq - 1);
  else if (gap->timer_id == 0)
    gap->timer_id = g_timeout_add (gap->grace_ms, grace_cb, gap);
}

static void
add (CsGap     *gap,
     GPtrArray *events)
{
  for (guint i = 0; events && i < events->len; i++)
    {
      CsEvent *ev = g_ptr_array_index (events, i);

      /* Below next: delivered already (an echo, or the store's answer
       * crossing the bus's copy). Held already: the same. */
      if (ev->seq >= gap->next && !g_tree_lookup_extended (gap->held, ev, NULL, NULL))
        g_tree_insert (gap->held, cs_event_ref (ev), NULL);
    }
}

void
cs_gap_push (CsGap     *gap,
             GPtrArray *events)
{
  add (gap, events);
  release (gap, 0);
  hold_or_fetch (gap);
}

void
cs_gap_fill (CsGap     *gap,
             gint64     from,
             gint64     head,
             GPtrArray *events)
{
  g_return_if_fail (gap->fetching);

  gap->fetching = FALSE;
  add (gap, events);
  release (gap, head);
  hold_or_fetch (gap);
}

void
cs_gap_resync (CsGap *gap)
{
  gap->resync_wanted = TRUE;
  hold_or_fetch (gap);
}

gint64
cs_gap_delivered (CsGap *gap)
{
  return gap->next - 1;
}

guint
cs_gap_n_held (CsGap *gap)
{
  return (guint) g_tree_nnodes (gap->held);
}

guint64
cs_gap_n_fetches (CsGap *gap)
{
  return gap->n_fetches;
}
