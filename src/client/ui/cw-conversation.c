/* cw-conversation.c: one room's conversation. The CcTimeline (a GListModel
 * of CcMessage), through a CwTimelineSlice of a few pages around what is on
 * screen, is shown by a GtkListView of CwMessageRow; the rows learn
 * their neighbour when bound and are refreshed when the model changes.
 * Older pages load near the top, newer ones near the bottom when the
 * timeline left them out; the timeline keeps only a window around the
 * slice (trim_timeline()). The view stays pinned to the bottom when it was
 * there, also as the last row grows (its images, files); reading at the
 * bottom marks the room read.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-ui"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cw-composer.h"
#include "cw-conversation.h"
#include "cw-message-row.h"
#include "cw-room-header.h"
#include "cw-timeline-slice.h"
#include "cw-utils.h"
#include "cc-bidi.h"

#define NEAR_TOP_PX 400
/* The list shows a slice of the timeline of at most SLICE_ITEMS messages,
 * moved by SLICE_STEP as it is scrolled (cw-timeline-slice.c says why). */
#define SLICE_ITEMS 80
#define SLICE_STEP  40
/* The timeline keeps KEEP_AROUND messages on each side of the slice: one
 * slice, so that turning back needs no load for a few screens; past that a
 * page comes from the cache in a few ms. A side is trimmed only once it
 * holds TRIM_SLACK more, so in batches (about one per page scrolled)
 * rather than at each step. The timeline then holds at most
 * SLICE_ITEMS + 2 × (KEEP_AROUND + TRIM_SLACK) = 320 stored messages
 * (~150 kB), whatever the history scrolled through. */
#define KEEP_AROUND SLICE_ITEMS
#define TRIM_SLACK  SLICE_STEP

struct _CwConversation
{
  GtkWidget       parent_instance;

  CwRoomHeader   *header;
  GtkScrolledWindow *scroller;
  GtkListView    *message_list;
  GtkRevealer    *loading_revealer;
  GtkSpinner     *loading_spinner;
  GtkRevealer    *jump_revealer;
  GtkRevealer    *drop_revealer;
  GtkRevealer    *typing_revealer;
  GtkLabel       *typing_label;
  CwComposer     *composer;

  CcClient       *client;
  CcRoom         *room;
  CcTimeline     *timeline;
  CwTimelineSlice *slice;
  GtkNoSelection *selection;
  GHashTable     *bound_rows;     /* CwMessageRow -> GtkListItem */
  GCancellable   *cancellable;
  guint           refresh_id;
  GdkFrameClock  *repin_clock;
  gulong          repin_paint_id;
  guint           initial_unread;
  gint64          marker_seq;
  gint64          marked_seq;
  gboolean        marker_done;
  gboolean        at_bottom;
  gboolean        repinning;
  gboolean        loading_older;
  gboolean        loading_newer;
  gboolean        loading_newest;
  /* Search (cw_conversation_show_message()): the message to jump to once
   * the timeline is loaded, and the one found, marked in its row. */
  char           *jump_id;
  gint64          jump_seq;
  char           *found_id;
  guint           center_tick;
  guint           center_tries;
};

G_DEFINE_FINAL_TYPE (CwConversation, cw_conversation, GTK_TYPE_WIDGET)

char *
cw_conversation_typing_text (const char * const *names)
{
  guint n = names ? g_strv_length ((char **) names) : 0;

  if (n == 0)
    return NULL;
  if (n == 1)
    /* Translators: %s is a person's name. */
    return cc_bidi_printf (_("%s is typing…"), names[0]);
  if (n == 2)
    /* Translators: two people's names. */
    return cc_bidi_printf (_("%s and %s are typing…"), names[0], names[1]);
  return g_strdup (_("Several people are typing…"));
}

static const char *
my_user_id (CwConversation *self)
{
  return self->client ? cc_account_get_user_id (cc_client_get_account (self->client)) : NULL;
}

static gboolean
can_moderate (CwConversation *self)
{
  const char *role = self->room ? cc_room_get_my_role (self->room) : NULL;

  return g_strcmp0 (role, "owner") == 0 || g_strcmp0 (role, "admin") == 0;
}

static void
bind_row (CwConversation *self,
          CwMessageRow   *row,
          GtkListItem    *item)
{
  CcMessage *message = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  g_autoptr(CcMessage) previous = NULL;
  CwMessageContext context = { 0 };

  if (message == NULL)
    return;

  if (position != GTK_INVALID_LIST_POSITION)
    previous = cw_timeline_slice_get_previous (self->slice, position);

  context.previous = previous;
  context.unread_marker = self->marker_seq > 0 && cc_message_get_seq (message) == self->marker_seq;
  context.direct = self->room && g_strcmp0 (cc_room_get_room_type (self->room), "direct") == 0;
  context.can_moderate = can_moderate (self);
  context.my_user_id = my_user_id (self);
  cw_message_row_set_message (row, message, &context);
  /* Search: the message jumped to stands out. */
  if (self->found_id != NULL && g_strcmp0 (cc_message_get_id (message), self->found_id) == 0)
    gtk_widget_add_css_class (GTK_WIDGET (row), "search-found");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "search-found");
}

static gboolean
refresh_rows_cb (gpointer user_data)
{
  CwConversation *self = user_data;
  GHashTableIter iter;
  gpointer row, item;

  self->refresh_id = 0;
  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, &item))
    bind_row (self, row, item);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (CwConversation *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_rows_cb, self);
}

/* Scrolling --------------------------------------------------------------- */

static GtkAdjustment *
vadjustment (CwConversation *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}

static gboolean
adjustment_at_bottom (GtkAdjustment *adj)
{
  return gtk_adjustment_get_value (adj) >=
         gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 8;
}

/* The list view keeps an anchor row in place while rows change height, and
 * learns of a scroll only from its adjustment's "value-changed" — which it
 * does not hear while it configures the adjustment itself, in its
 * allocation, where "notify::upper" is emitted. Setting the value from
 * there was lost: the adjustment said "bottom" while the rows stayed put
 * (a row that grew, such as a message sent offline with its files, stayed
 * half below the view, with no button to jump down). So the view is pinned
 * through the anchor: the last row, anchored by its end to the end of the
 * view when it reaches past it, which holds as it grows. */
static void
pin_last_row (CwConversation *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->slice));

  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->message_list), "list.scroll-to-item", "u", n - 1);
}

static void
on_repin_after_paint_cb (GdkFrameClock  *clock,
                         CwConversation *self)
{
  GtkAdjustment *adj = vadjustment (self);

  g_clear_signal_handler (&self->repin_paint_id, clock);
  g_clear_object (&self->repin_clock);
  self->repinning = FALSE;
  /* A last row taller than the view is anchored by its top: its end. */
  if (self->at_bottom && !adjustment_at_bottom (adj))
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

/* Pins the view to the bottom again; until the next frame is drawn, the
 * list's values from before (the row's old place) do not count as the
 * user scrolling away. */
static void
repin (CwConversation *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  pin_last_row (self);
  if (clock == NULL)
    return;
  self->repinning = TRUE;
  if (self->repin_paint_id == 0)
    {
      self->repin_clock = g_object_ref (clock);
      self->repin_paint_id = g_signal_connect (clock, "after-paint",
                                               G_CALLBACK (on_repin_after_paint_cb), self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Lets the timeline forget what is far from the slice. Removals outside
 * the slice do not change it (cw-timeline-slice.c), so this is safe from
 * any handler. */
static void
trim_timeline (CwConversation *self)
{
  guint start, end, n;
  guint keep_start = 0, keep_end = G_MAXUINT;

  if (self->timeline == NULL)
    return;
  start = cw_timeline_slice_get_offset (self->slice);
  end = start + g_list_model_get_n_items (G_LIST_MODEL (self->slice));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->timeline));
  if (start >= KEEP_AROUND + TRIM_SLACK)
    keep_start = start - KEEP_AROUND;
  if (n >= end + KEEP_AROUND + TRIM_SLACK)
    keep_end = end + KEEP_AROUND;
  if (keep_start > 0 || keep_end < n)
    cc_timeline_trim (self->timeline, keep_start, keep_end);
}

static void
show_bottom (CwConversation *self)
{
  cw_timeline_slice_show_newest (self->slice, SLICE_ITEMS);
  self->at_bottom = self->timeline == NULL || !cc_timeline_get_has_newer (self->timeline);
  cw_timeline_slice_set_pinned (self->slice, self->at_bottom);
  gtk_revealer_set_reveal_child (self->jump_revealer, !self->at_bottom);
  repin (self);
  trim_timeline (self);
}

static void mark_read (CwConversation *self);

static void
load_newest_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CwConversation) self = user_data;
  g_autoptr(GError) error = NULL;

  cc_timeline_load_newest_finish (CC_TIMELINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Newest messages: %s", error->message);
  self->loading_newest = FALSE;
  show_bottom (self);
  mark_read (self);
}

/* To the newest messages: those the timeline keeps, or, when it left the
 * newest out, its newest page first. */
static void
scroll_to_bottom (CwConversation *self)
{
  if (self->timeline == NULL || !cc_timeline_get_has_newer (self->timeline))
    {
      show_bottom (self);
      return;
    }
  if (self->loading_newest)
    return;
  self->loading_newest = TRUE;
  cc_timeline_load_newest_async (self->timeline, self->cancellable, load_newest_cb,
                                 g_object_ref (self));
}

static void
mark_read (CwConversation *self)
{
  GtkRoot *root;
  gint64 last;

  if (self->room == NULL || self->timeline == NULL || !self->at_bottom)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (!GTK_IS_WINDOW (root) || !gtk_window_is_active (GTK_WINDOW (root)) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  last = cc_timeline_get_last_seq (self->timeline);
  if (last > self->marked_seq || cc_room_get_unread_count (self->room) > 0)
    {
      self->marked_seq = last;
      if (last > 0)
        cc_client_mark_read (self->client, cc_room_get_id (self->room), last);
    }
}

static void
load_older_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CwConversation) self = user_data;
  g_autoptr(GError) error = NULL;

  cc_timeline_load_older_finish (CC_TIMELINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Older messages: %s", error->message);

  self->loading_older = FALSE;
  gtk_revealer_set_reveal_child (self->loading_revealer, FALSE);
  gtk_spinner_set_spinning (self->loading_spinner, FALSE);
  trim_timeline (self);
}

static void
load_newer_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CwConversation) self = user_data;
  g_autoptr(GError) error = NULL;

  cc_timeline_load_newer_finish (CC_TIMELINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Newer messages: %s", error->message);
  self->loading_newer = FALSE;
  trim_timeline (self);
}

/* The slice shows the last messages the timeline keeps, near the bottom of
 * the view, and the timeline left newer ones out: the next page. */
static void
maybe_load_newer (CwConversation *self)
{
  GtkAdjustment *adj = vadjustment (self);

  if (self->timeline == NULL || self->loading_newer || self->loading_newest ||
      !cc_timeline_get_has_newer (self->timeline) ||
      cc_timeline_get_loading (self->timeline) ||
      !cw_timeline_slice_at_end (self->slice) ||
      gtk_adjustment_get_value (adj) < gtk_adjustment_get_upper (adj) -
                                       gtk_adjustment_get_page_size (adj) - NEAR_TOP_PX)
    return;
  self->loading_newer = TRUE;
  cc_timeline_load_newer_async (self->timeline, self->cancellable, load_newer_cb,
                                g_object_ref (self));
}

static void
maybe_load_older (CwConversation *self)
{
  GtkAdjustment *adj = vadjustment (self);

  /* Older messages the timeline has already: move the slice. */
  if (self->timeline != NULL && !cw_timeline_slice_at_start (self->slice) &&
      gtk_adjustment_get_value (adj) <= NEAR_TOP_PX &&
      (!self->at_bottom || gtk_adjustment_get_upper (adj) <= gtk_adjustment_get_page_size (adj)))
    {
      cw_timeline_slice_show_older (self->slice, SLICE_STEP);
      return;
    }
  if (self->timeline == NULL || self->loading_older ||
      !cw_timeline_slice_at_start (self->slice) ||
      !cc_timeline_get_loaded (self->timeline) ||
      !cc_timeline_get_has_more (self->timeline) ||
      cc_timeline_get_loading (self->timeline))
    return;

  if (gtk_adjustment_get_value (adj) > NEAR_TOP_PX)
    return;

  self->loading_older = TRUE;
  gtk_revealer_set_reveal_child (self->loading_revealer, TRUE);
  gtk_spinner_set_spinning (self->loading_spinner, TRUE);
  cc_timeline_load_older_async (self->timeline, self->cancellable, load_older_cb,
                                g_object_ref (self));
}

static void
on_value_changed_cb (GtkAdjustment  *adj,
                     CwConversation *self)
{
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  double value = gtk_adjustment_get_value (adj);

  /* The list's own value from before the last row was pinned again (in
   * this same layout): not a scroll away from the bottom. */
  if (self->repinning)
    {
      if (!adjustment_at_bottom (adj))
        return;
      self->repinning = FALSE;
    }
  /* Newer messages the slice left out: move it back; or the timeline
   * left them out: load them. */
  if (value >= bottom - NEAR_TOP_PX && !cw_timeline_slice_at_end (self->slice))
    cw_timeline_slice_show_newer (self->slice, SLICE_STEP);
  else
    maybe_load_newer (self);
  self->at_bottom = value >= bottom - 8 && cw_timeline_slice_at_end (self->slice) &&
                    self->timeline != NULL && !cc_timeline_get_has_newer (self->timeline);
  cw_timeline_slice_set_pinned (self->slice, self->at_bottom);
  gtk_revealer_set_reveal_child (self->jump_revealer, !self->at_bottom);
  if (self->at_bottom)
    mark_read (self);
  maybe_load_older (self);
  trim_timeline (self);
}

static void
on_upper_changed_cb (GtkAdjustment  *adj,
                     GParamSpec     *pspec,
                     CwConversation *self)
{
  /* Content grew (new message, rows measured, the view resized) while
   * pinned: anchor the last row again; the list lays out again before the
   * frame is drawn. */
  if (self->at_bottom && !adjustment_at_bottom (adj))
    repin (self);
  /* The first page may not fill the view: nothing to scroll, so ask here. */
  maybe_load_older (self);
  maybe_load_newer (self);
}

static void
on_jump_clicked_cb (CwConversation *self)
{
  scroll_to_bottom (self);
  mark_read (self);
}

/* Model ------------------------------------------------------------------- */

static void
compute_marker (CwConversation *self)
{
  GListModel *model = G_LIST_MODEL (self->timeline);
  guint counted = 0;

  if (self->marker_done || !cc_timeline_get_loaded (self->timeline))
    return;
  self->marker_done = TRUE;
  self->marker_seq = 0;

  if (self->initial_unread == 0)
    return;

  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr(CcMessage) m = g_list_model_get_item (model, i - 1);

      /* Counted as the server counts unread: not ours, not system lines. */
      if (cc_message_get_is_own (m) || cc_message_get_seq (m) <= 0 ||
          g_strcmp0 (cc_message_get_kind (m), "system") == 0)
        continue;
      self->marker_seq = cc_message_get_seq (m);
      if (++counted >= self->initial_unread)
        break;
    }
  queue_refresh (self);
}

static void
on_timeline_changed_cb (GListModel     *model,
                        guint           position,
                        guint           removed,
                        guint           added,
                        CwConversation *self)
{
  compute_marker (self);
  queue_refresh (self);
  mark_read (self);
}

/* After the list view has the new rows (it is connected first). */
static void
on_slice_changed_cb (GListModel     *model,
                     guint           position,
                     guint           removed,
                     guint           added,
                     CwConversation *self)
{
  if (self->at_bottom)
    repin (self);
}

static void start_jump (CwConversation *self);
static void stop_centering (CwConversation *self);
static gboolean center_found_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data);

static void
on_loaded_cb (CwConversation *self)
{
  compute_marker (self);
  if (self->jump_id != NULL)
    start_jump (self);
  else
    scroll_to_bottom (self);
}

static void
update_typing (CwConversation *self)
{
  g_auto(GStrv) names = NULL;
  g_autofree char *text = NULL;

  if (self->room != NULL && self->client != NULL)
    names = cc_client_get_typing_names (self->client, cc_room_get_id (self->room));
  text = cw_conversation_typing_text ((const char * const *) names);
  if (text != NULL)
    gtk_label_set_text (self->typing_label, text);
  gtk_revealer_set_reveal_child (self->typing_revealer, text != NULL);
}

static void
on_typing_changed_cb (CcClient       *client,
                      const char     *room_id,
                      CwConversation *self)
{
  if (self->room != NULL && g_strcmp0 (room_id, cc_room_get_id (self->room)) == 0)
    update_typing (self);
}

/* Factory ----------------------------------------------------------------- */

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          CwConversation           *self)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, GTK_WIDGET (cw_message_row_new ()));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         CwConversation           *self)
{
  CwMessageRow *row = CW_MESSAGE_ROW (gtk_list_item_get_child (item));

  g_hash_table_insert (self->bound_rows, row, item);
  bind_row (self, row, item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CwConversation           *self)
{
  CwMessageRow *row = CW_MESSAGE_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->bound_rows, row);
  cw_message_row_set_message (row, NULL, NULL);
}

static void
teardown_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             CwConversation           *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row != NULL)
    g_hash_table_remove (self->bound_rows, row);
}

/* Actions from the message rows ------------------------------------------ */

static CcMessage *
lookup (CwConversation *self,
        GVariant       *param)
{
  if (self->timeline == NULL)
    return NULL;
  return cc_timeline_lookup (self->timeline, g_variant_get_string (param, NULL));
}

static void
reply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  CwConversation *self = CW_CONVERSATION (widget);
  CcMessage *message = lookup (self, param);

  if (message != NULL)
    cw_composer_reply_to (self->composer, message);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CwConversation *self = CW_CONVERSATION (widget);
  CcMessage *message = lookup (self, param);

  if (message != NULL)
    cw_composer_edit (self->composer, message);
}

static void
action_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CwConversation) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_client_message_op_finish (CC_CLIENT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay),
                                     adw_toast_new (cw_error_sentence (error)));
    }
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       CwConversation   *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "message-id");

  if (g_strcmp0 (response, "delete") != 0 || self->client == NULL || self->room == NULL)
    return;
  cc_client_delete_message_async (self->client, cc_room_get_id (self->room), id,
                                  self->cancellable, action_done_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CwConversation *self = CW_CONVERSATION (widget);
  CcMessage *message = lookup (self, param);
  GtkWidget *dialog;

  if (message == NULL || cc_message_get_id (message) == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Delete Message?"),
                                   _("The message will be removed for everyone in the room."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "message-id",
                          g_strdup (cc_message_get_id (message)), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  CwConversation *self = CW_CONVERSATION (widget);

  if (self->client != NULL)
    cc_client_retry_message (self->client, g_variant_get_string (param, NULL));
}

static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CwConversation *self = CW_CONVERSATION (widget);

  if (self->client != NULL)
    cc_client_discard_message (self->client, g_variant_get_string (param, NULL));
}

static void
on_sent_cb (CwConversation *self)
{
  scroll_to_bottom (self);
}

/* Files dropped anywhere on the conversation go to the composer's tray. */
static GdkDragAction
on_drop_enter_cb (GtkDropTarget  *target,
                  double          x,
                  double          y,
                  CwConversation *self)
{
  if (self->room == NULL)
    return 0;
  gtk_revealer_set_reveal_child (self->drop_revealer, TRUE);
  return GDK_ACTION_COPY;
}

static void
on_drop_leave_cb (GtkDropTarget  *target,
                  CwConversation *self)
{
  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);
}

static gboolean
on_drop_cb (GtkDropTarget  *target,
            const GValue   *value,
            double          x,
            double          y,
            CwConversation *self)
{
  GSList *files, *local = NULL;

  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);
  if (self->room == NULL)
    return FALSE;
  /* A dragged link is a "file list" too: only local files are attached. */
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    if (g_file_is_native (l->data))
      local = g_slist_append (local, l->data);
  g_slist_free (files);
  if (local == NULL)
    return FALSE;
  cw_composer_add_files (self->composer, local);
  g_slist_free (local);
  return TRUE;
}

/* Public ------------------------------------------------------------------ */

static void
on_window_active_cb (CwConversation *self)
{
  mark_read (self);
}

static void
cw_conversation_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cw_conversation_parent_class)->root (widget);
  g_signal_connect_object (gtk_widget_get_root (widget), "notify::is-active",
                           G_CALLBACK (on_window_active_cb), widget, G_CONNECT_SWAPPED);
}

void
cw_conversation_set_client (CwConversation *self,
                            CcClient       *client)
{
  g_return_if_fail (CW_IS_CONVERSATION (self));

  if (self->client == client)
    return;

  cw_conversation_set_room (self, NULL);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect (client, "typing-changed", G_CALLBACK (on_typing_changed_cb), self);

  cw_room_header_set_client (self->header, client);
  cw_composer_set_client (self->composer, client);
}

void
cw_conversation_set_room (CwConversation *self,
                          CcRoom         *room)
{
  g_return_if_fail (CW_IS_CONVERSATION (self));

  if (self->room == room)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->timeline != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->timeline, self);
      g_clear_object (&self->timeline);
    }
  g_set_object (&self->room, room);
  g_clear_pointer (&self->jump_id, g_free);
  g_clear_pointer (&self->found_id, g_free);
  stop_centering (self);
  self->loading_older = FALSE;
  self->loading_newer = FALSE;
  self->loading_newest = FALSE;
  self->marker_done = FALSE;
  self->marker_seq = 0;
  self->marked_seq = 0;
  self->initial_unread = room ? cc_room_get_unread_count (room) : 0;
  gtk_revealer_set_reveal_child (self->loading_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->jump_revealer, FALSE);

  if (room != NULL && self->client != NULL)
    {
      self->timeline = cc_client_get_timeline (self->client, cc_room_get_id (room));
      g_signal_connect (self->timeline, "items-changed", G_CALLBACK (on_timeline_changed_cb), self);
      g_signal_connect_swapped (self->timeline, "notify::loaded", G_CALLBACK (on_loaded_cb), self);
    }

  cw_timeline_slice_set_model (self->slice, G_LIST_MODEL (self->timeline));
  cw_room_header_set_room (self->header, room);
  cw_composer_set_room (self->composer, room);
  update_typing (self);

  if (self->timeline != NULL)
    {
      compute_marker (self);
      scroll_to_bottom (self);
      mark_read (self);
    }
}

CcRoom *
cw_conversation_get_room (CwConversation *self)
{
  g_return_val_if_fail (CW_IS_CONVERSATION (self), NULL);
  return self->room;
}

void
cw_conversation_set_folded (CwConversation *self,
                            gboolean        folded)
{
  g_return_if_fail (CW_IS_CONVERSATION (self));
  cw_room_header_set_folded (self->header, folded);
}

void
cw_conversation_cite (CwConversation   *self,
                      const CauContext *context)
{
  g_return_if_fail (CW_IS_CONVERSATION (self));
  cw_composer_set_context (self->composer, context);
  cw_composer_focus (self->composer);
}

void
cw_conversation_focus_composer (CwConversation *self)
{
  g_return_if_fail (CW_IS_CONVERSATION (self));
  cw_composer_focus (self->composer);
}

/* Search: showing one message ---------------------------------------------- */

static void
jump_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CwConversation) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize pos = cc_timeline_load_around_finish (CC_TIMELINE (source), result, &error);
  guint offset;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || CC_TIMELINE (source) != self->timeline)
    return;
  if (pos < 0)
    {
      cw_show_toast (GTK_WIDGET (self), cw_error_sentence (error));
      return;
    }
  /* The window is a page or two around the message: the slice shows all
   * of it, the view away from the bottom, the message in sight. */
  self->at_bottom = FALSE;
  cw_timeline_slice_set_pinned (self->slice, FALSE);
  cw_timeline_slice_show_newest (self->slice, SLICE_ITEMS);
  offset = cw_timeline_slice_get_offset (self->slice);
  /* Kept already, further up than the slice reaches. */
  if ((guint) pos < offset)
    {
      cw_timeline_slice_show_older (self->slice, offset - pos + SLICE_ITEMS / 3);
      offset = cw_timeline_slice_get_offset (self->slice);
    }
  gtk_revealer_set_reveal_child (self->jump_revealer, cc_timeline_get_has_newer (self->timeline));
  queue_refresh (self);
  if ((guint) pos >= offset)
    gtk_widget_activate_action (GTK_WIDGET (self->message_list), "list.scroll-to-item", "u",
                                (guint) pos - offset);
  stop_centering (self);
  self->center_tries = 0;
  self->center_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->message_list), center_found_cb,
                                                    self, NULL);
}

/* Scrolling to an item only brings it into view, at an edge: once its row
 * is laid out, the message found moves to a third of the way down, with
 * what came before it in sight. */
static gboolean
center_found_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  CwConversation *self = user_data;
  GtkAdjustment *adj = vadjustment (self);
  GHashTableIter iter;
  gpointer row, item;

  /* The list applies the scroll in its next allocation: after it. */
  if (++self->center_tries < 3)
    return G_SOURCE_CONTINUE;
  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, &item))
    {
      CcMessage *message = gtk_list_item_get_item (item);
      double x, y;

      if (message == NULL || g_strcmp0 (cc_message_get_id (message), self->found_id) != 0 ||
          !gtk_widget_translate_coordinates (row, GTK_WIDGET (self->scroller), 0, 0, &x, &y))
        continue;
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + y -
                                gtk_adjustment_get_page_size (adj) / 3);
      /* All of it may fit: then this is the bottom after all. */
      self->at_bottom = adjustment_at_bottom (adj) && cw_timeline_slice_at_end (self->slice) &&
                        !cc_timeline_get_has_newer (self->timeline);
      cw_timeline_slice_set_pinned (self->slice, self->at_bottom);
      gtk_revealer_set_reveal_child (self->jump_revealer, !self->at_bottom);
      self->center_tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (self->center_tries < 30)
    return G_SOURCE_CONTINUE;
  self->center_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
stop_centering (CwConversation *self)
{
  if (self->center_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->message_list), self->center_tick);
  self->center_tick = 0;
}

static void
start_jump (CwConversation *self)
{
  g_autofree char *id = g_steal_pointer (&self->jump_id);

  g_free (self->found_id);
  self->found_id = g_strdup (id);
  cc_timeline_load_around_async (self->timeline, id, self->jump_seq, self->cancellable,
                                 jump_cb, g_object_ref (self));
}

void
cw_conversation_show_message (CwConversation *self,
                              const char     *message_id,
                              gint64          seq)
{
  g_return_if_fail (CW_IS_CONVERSATION (self));
  g_return_if_fail (message_id != NULL);

  if (self->timeline == NULL)
    return;
  g_free (self->jump_id);
  self->jump_id = g_strdup (message_id);
  self->jump_seq = seq;
  if (cc_timeline_get_loaded (self->timeline))
    start_jump (self);
}

/* GObject ----------------------------------------------------------------- */

static void
cw_conversation_dispose (GObject *object)
{
  CwConversation *self = CW_CONVERSATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->repin_clock != NULL)
    g_clear_signal_handler (&self->repin_paint_id, self->repin_clock);
  g_clear_object (&self->repin_clock);
  if (self->timeline != NULL)
    g_signal_handlers_disconnect_by_data (self->timeline, self);
  g_clear_object (&self->timeline);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->room);
  stop_centering (self);
  g_clear_pointer (&self->jump_id, g_free);
  g_clear_pointer (&self->found_id, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CW_TYPE_CONVERSATION);
  cw_unparent_children (GTK_WIDGET (self));
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);

  G_OBJECT_CLASS (cw_conversation_parent_class)->dispose (object);
}

static void
cw_conversation_class_init (CwConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cw_conversation_dispose;
  widget_class->root = cw_conversation_root;

  g_type_ensure (CW_TYPE_ROOM_HEADER);
  g_type_ensure (CW_TYPE_COMPOSER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/causerie/Causerie/cw-conversation.ui");
  gtk_widget_class_bind_template_child (widget_class, CwConversation, header);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, scroller);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, message_list);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, loading_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, drop_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, typing_revealer);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, typing_label);
  gtk_widget_class_bind_template_child (widget_class, CwConversation, composer);
  gtk_widget_class_bind_template_callback (widget_class, on_jump_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sent_cb);

  gtk_widget_class_install_action (widget_class, "conversation.reply", "s", reply_action);
  gtk_widget_class_install_action (widget_class, "conversation.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "conversation.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "conversation.retry", "s", retry_action);
  gtk_widget_class_install_action (widget_class, "conversation.discard", "s", discard_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conversation");
}

static void
cw_conversation_init (CwConversation *self)
{
  GtkListItemFactory *factory;
  GtkAdjustment *adj;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "enter", G_CALLBACK (on_drop_enter_cb), self);
  g_signal_connect (drop, "leave", G_CALLBACK (on_drop_leave_cb), self);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_cb), self);
  /* Before the composer's text view, which would take a file as its path. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drop), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  self->at_bottom = TRUE;
  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->slice = cw_timeline_slice_new (SLICE_ITEMS);
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_cb), self);
  gtk_list_view_set_factory (self->message_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->message_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "items-changed", G_CALLBACK (on_slice_changed_cb), self);

  adj = vadjustment (self);
  g_signal_connect (adj, "value-changed", G_CALLBACK (on_value_changed_cb), self);
  g_signal_connect (adj, "notify::upper", G_CALLBACK (on_upper_changed_cb), self);
  g_signal_connect (adj, "notify::page-size", G_CALLBACK (on_upper_changed_cb), self);
}
