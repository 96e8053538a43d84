/* cc-timeline-reads.c: when our last message that another member read was
 * read ("Read 14:02" in a direct room). The watermarks say whether it was
 * read; the time comes from the server's record of each watermark's moves
 * (GET /api/rooms/{id}/receipts?seq=S), asked once each time that message
 * changes, never per row.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-timeline"

#include "cc-json-private.h"
#include "cc-message-private.h"
#include "cc-reactions.h"
#include "cc-timeline-private.h"

void
_cc_timeline_reads_clear (CcTimeline *self)
{
  g_cancellable_cancel (self->read_at_cancellable);
  g_clear_object (&self->read_at_cancellable);
  if (self->read_at_message != NULL)
    _cc_message_set_read_at (self->read_at_message, 0);
  g_clear_object (&self->read_at_message);
  self->read_at_seq = 0;
}

static void
receipts_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CcTimeline) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = cc_api_request_finish_object (CC_API (object), result, &error);
  g_autoptr(GListModel) readers = NULL;
  CcMessage *message = self->read_at_message;
  gint64 first = 0;

  if (body == NULL)
    {
      /* Offline, or a server before read times: the ticks say enough. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No read time for %s: %s", self->room_id, error->message);
      return;
    }
  if (message == NULL)
    return;
  readers = _cc_receipts_from_json (_cc_json_array (body, "receipts"), cc_message_get_sender_id (message));
  for (guint i = 0; i < g_list_model_get_n_items (readers); i++)
    {
      g_autoptr(CcReceipt) r = g_list_model_get_item (readers, i);
      gint64 at = cc_receipt_get_read_at (r);

      if (at > 0 && (first == 0 || at < first))
        first = at;
    }
  _cc_message_set_read_at (message, first);
}

void
_cc_timeline_update_read_at (CcTimeline *self)
{
  g_autofree char *room = NULL, *path = NULL;
  CcMessage *last = NULL;

  if (self->api == NULL)
    return;
  for (guint i = self->n_stored; i-- > 0;)
    {
      CcMessage *m = g_ptr_array_index (self->items, i);

      if (cc_message_get_is_own (m) && cc_message_get_seq (m) > 0 && cc_message_get_read_by (m) > 0 &&
          !cc_message_get_deleted (m))
        {
          last = m;
          break;
        }
    }
  if (last == self->read_at_message && (last == NULL || cc_message_get_seq (last) == self->read_at_seq))
    return;
  _cc_timeline_reads_clear (self);
  if (last == NULL)
    return;
  self->read_at_message = g_object_ref (last);
  self->read_at_seq = cc_message_get_seq (last);
  self->read_at_cancellable = g_cancellable_new ();
  room = cc_api_escape (self->room_id);
  path = g_strdup_printf ("/api/rooms/%s/receipts?seq=%" G_GINT64_FORMAT, room, self->read_at_seq);
  cc_api_request_async (self->api, "GET", path, NULL, self->read_at_cancellable, receipts_cb, g_object_ref (self));
}
