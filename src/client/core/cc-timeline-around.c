/* cc-timeline-around.c: jumping to one message, however far back (a
 * search result): the stored window is replaced by the messages around it.
 * From the cache when it holds the message: its rows are one run without
 * gaps, so older and newer pages go on from there as usual. Otherwise
 * from the server (GET /api/rooms/{id}/messages?before=seq+1 and
 * ?after=seq), and the window is "detached": its pages keep coming from
 * the server and are not saved, which would leave holes in the cache's
 * run; jumping to the newest messages attaches it again.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-timeline"

#include <glib/gi18n-lib.h>

#include "cc-cache-search.h"
#include "cc-json-private.h"
#include "cc-timeline-private.h"

/* Messages on each side of the one jumped to. */
#define AROUND_HALF (CC_TIMELINE_PAGE / 2)

typedef struct {
  char      *message_id;
  gint64     seq;
  guint      generation;
  GPtrArray *older;      /* the server's page up to the message */
  gboolean   older_more;
} Around;

static void
around_free (Around *around)
{
  g_free (around->message_id);
  g_clear_pointer (&around->older, g_ptr_array_unref);
  g_free (around);
}

gssize
cc_timeline_find (CcTimeline *self,
                  const char *message_id)
{
  g_return_val_if_fail (CC_IS_TIMELINE (self), -1);

  for (guint i = 0; message_id != NULL && i < self->items->len; i++)
    if (g_strcmp0 (cc_message_get_id (g_ptr_array_index (self->items, i)), message_id) == 0)
      return i;
  return -1;
}

static gboolean
page_has (GPtrArray  *page,
          const char *message_id)
{
  for (guint i = 0; i < page->len; i++)
    if (g_strcmp0 (_cc_json_str (g_ptr_array_index (page, i), "id"), message_id) == 0)
      return TRUE;
  return FALSE;
}

/* The window is now @page; returns the message's position. */
static void
finish_jump (CcTimeline *self,
             GTask      *task,
             GPtrArray  *page,
             gboolean    detached,
             gboolean    has_more,
             gboolean    has_newer)
{
  Around *around = g_task_get_task_data (task);
  gssize pos;

  if (around->generation != self->generation)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Another jump came first.");
      return;
    }
  self->generation++;
  self->detached = detached;
  _cc_timeline_replace_stored (self, page);
  _cc_timeline_set_has_more (self, has_more);
  _cc_timeline_set_has_newer (self, has_newer);
  pos = cc_timeline_find (self, around->message_id);
  if (pos < 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("This message is no longer there."));
  else
    g_task_return_int (task, pos);
}

static void
newer_server_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcTimeline *self = g_task_get_source_object (task);
  Around *around = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) page = NULL;
  GError *error = NULL;
  gboolean has_newer = FALSE;

  _cc_timeline_end_load (self);
  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  page = _cc_timeline_parse_page (body, &has_newer);
  g_ptr_array_extend_and_steal (around->older, g_steal_pointer (&page));
  finish_jump (self, task, around->older, TRUE, around->older_more, has_newer);
}

static void
older_server_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcTimeline *self = g_task_get_source_object (task);
  Around *around = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  GError *error = NULL;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      _cc_timeline_end_load (self);
      g_task_return_error (task, error);
      return;
    }
  around->older = _cc_timeline_parse_page (body, &around->older_more);
  if (!page_has (around->older, around->message_id))
    {
      _cc_timeline_end_load (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This message is no longer there."));
      return;
    }
  _cc_timeline_fetch_newer (self, around->seq, newer_server_cb, g_steal_pointer (&task));
}

static void
cache_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcTimeline *self = g_task_get_source_object (task);
  Around *around = g_task_get_task_data (task);
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *room = NULL;
  g_autofree char *path = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  page = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (page == NULL)
    {
      _cc_timeline_end_load (self);
      g_task_return_error (task, error);
      return;
    }
  if (page_has (page, around->message_id))
    {
      gint64 newest = page->len > 0 ? _cc_json_int (g_ptr_array_index (page, page->len - 1), "seq") : 0;
      guint n_after = 0;

      for (guint i = 0; i < page->len; i++)
        if (_cc_json_int (g_ptr_array_index (page, i), "seq") > around->seq)
          n_after++;
      _cc_timeline_end_load (self);
      finish_jump (self, task, page, FALSE, TRUE,
                   n_after >= AROUND_HALF || newest < self->newest_seq);
      return;
    }

  room = cc_api_escape (self->room_id);
  path = g_strdup_printf ("/api/rooms/%s/messages?before=%" G_GINT64_FORMAT "&limit=%d",
                          room, around->seq + 1, AROUND_HALF + 1);
  cancellable = g_task_get_cancellable (task);
  cc_api_request_async (self->api, "GET", path, NULL, cancellable,
                        older_server_cb, g_steal_pointer (&task));
}

void
cc_timeline_load_around_async (CcTimeline          *self,
                               const char          *message_id,
                               gint64               seq,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Around *around;
  gssize pos;

  g_return_if_fail (CC_IS_TIMELINE (self));
  g_return_if_fail (message_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_timeline_load_around_async);

  /* Already kept: nothing to load. */
  pos = cc_timeline_find (self, message_id);
  if (pos >= 0)
    {
      g_task_return_int (task, pos);
      return;
    }

  around = g_new0 (Around, 1);
  around->message_id = g_strdup (message_id);
  around->seq = seq;
  /* Pages asked for before this jump no longer fit the window. */
  around->generation = ++self->generation;
  g_task_set_task_data (task, around, (GDestroyNotify) around_free);
  _cc_timeline_begin_load (self);
  cc_cache_load_around_async (self->cache, self->room_id, seq, AROUND_HALF,
                              cancellable, cache_cb, g_steal_pointer (&task));
}

gssize
cc_timeline_load_around_finish (CcTimeline    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}
