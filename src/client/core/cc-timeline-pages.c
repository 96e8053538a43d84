/* cc-timeline-pages.c: the window of stored messages a CcTimeline keeps
 * (cc_timeline_trim()): "has-more" when older ones are left out,
 * "has-newer" when newer ones are; those are in the cache and come back a
 * page at a time. The first page and the server's newest one, older pages
 * (cache first, then server), newer and newest pages from the cache, and
 * the checks that keep a page that went stale meanwhile out.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-timeline"

#include "cc-cache-private.h"
#include "cc-json-private.h"
#include "cc-message-private.h"
#include "cc-timeline-private.h"

void
_cc_timeline_begin_load (CcTimeline *self)
{
  self->n_loads++;
  _cc_timeline_set_loading (self, TRUE);
}

void
_cc_timeline_end_load (CcTimeline *self)
{
  g_assert (self->n_loads > 0);
  self->n_loads--;
  _cc_timeline_set_loading (self, self->n_loads > 0);
}

/* Adding a page */

static void
add_each (CcTimeline *self,
          GPtrArray  *page)
{
  for (guint i = 0; i < page->len; i++)
    _cc_timeline_insert_message (self, g_ptr_array_index (page, i));
}

/* A page from the cache or the server: one run of seqs. When none of it is
 * known yet and it lands in one gap of what is loaded (the first page, an
 * older page), it goes in as one change, so that a list view over the
 * timeline builds its rows once; otherwise message by message. */
static void
add_page (CcTimeline *self,
          GPtrArray  *page)
{
  gint64 first_seq = 0, last_seq = 0;
  gboolean own = FALSE;
  guint pos;

  for (guint i = 0; i < page->len; i++)
    {
      JsonObject *json = g_ptr_array_index (page, i);
      const char *id = _cc_json_str (json, "id");
      const char *txn_id = _cc_json_str (json, "txn_id");
      gint64 seq = _cc_json_int (json, "seq");

      if (id == NULL || seq <= 0 || (last_seq > 0 && seq <= last_seq) ||
          g_hash_table_contains (self->by_id, id) ||
          (txn_id != NULL && g_hash_table_contains (self->by_txn, txn_id)))
        {
          add_each (self, page);
          return;
        }
      if (first_seq == 0)
        first_seq = seq;
      last_seq = seq;
    }
  if (first_seq == 0)
    return;
  _cc_timeline_note_seq (self, last_seq);
  pos = _cc_timeline_stored_position (self, first_seq);
  if (pos != _cc_timeline_stored_position (self, last_seq))
    {
      add_each (self, page);
      return;
    }

  for (guint i = 0; i < page->len; i++)
    {
      CcMessage *message = cc_message_new_from_json (g_ptr_array_index (page, i));

      cc_message_set_is_own (message, self->own_user_id != NULL &&
                             g_strcmp0 (cc_message_get_sender_id (message), self->own_user_id) == 0);
      own |= cc_message_get_is_own (message);
      _cc_timeline_index_message (self, message);
      g_ptr_array_insert (self->items, pos + i, message);
    }
  self->n_stored += page->len;
  if (own)
    _cc_timeline_update_read_by (self);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, page->len);
}

/* Drops stored messages older than @seq (a gap behind the server page). */
static void
forget_before (CcTimeline *self,
               gint64      seq)
{
  guint n = _cc_timeline_stored_position (self, seq);

  if (n == 0)
    return;
  _cc_timeline_drop_stored (self, 0, n);
  cc_cache_forget_messages_async (self->cache, self->room_id, seq, NULL, NULL, NULL);
}

/* Loading */

static void
fetch_page (CcTimeline          *self,
            gint64               before_seq,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autofree char *room = cc_api_escape (self->room_id);
  g_autofree char *path = NULL;

  if (before_seq > 0)
    path = g_strdup_printf ("/api/rooms/%s/messages?before=%" G_GINT64_FORMAT "&limit=%d",
                            room, before_seq, CC_TIMELINE_PAGE);
  else
    path = g_strdup_printf ("/api/rooms/%s/messages?limit=%d", room, CC_TIMELINE_PAGE);
  cc_api_request_async (self->api, "GET", path, NULL, self->cancellable, callback, user_data);
}

void
_cc_timeline_fetch_newer (CcTimeline          *self,
                          gint64               after_seq,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *room = cc_api_escape (self->room_id);
  g_autofree char *path = g_strdup_printf ("/api/rooms/%s/messages?after=%" G_GINT64_FORMAT "&limit=%d",
                                           room, after_seq, CC_TIMELINE_PAGE);

  cc_api_request_async (self->api, "GET", path, NULL, self->cancellable, callback, user_data);
}

GPtrArray *
_cc_timeline_parse_page (JsonObject *body,
                         gboolean   *has_more)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *array = _cc_json_array (body, "messages");

  *has_more = _cc_json_bool (body, "has_more");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *m = json_array_get_object_element (array, i);

      if (m != NULL && _cc_json_str (m, "id") != NULL)
        g_ptr_array_add (messages, json_object_ref (m));
    }
  return messages;
}

/* The messages of a page answer, stored in the cache as they come. */
static GPtrArray *
take_page (CcTimeline *self,
           JsonObject *body,
           gboolean   *has_more)
{
  GPtrArray *messages = _cc_timeline_parse_page (body, has_more);

  /* A detached window (cc-timeline-around.c) is not contiguous with what
   * the cache holds, and the cache's pages must stay runs without gaps. */
  if (messages->len > 0 && !self->detached)
    cc_cache_save_messages_async (self->cache, messages, NULL, NULL, NULL);
  return messages;
}

/* The newest page, and the timeline's clock when it was asked for: the
 * server read it at some moment after, which may be before a live change
 * that reached us meanwhile (a slow database). A kept message changed
 * live since keeps that change; the page's copy of it is not newer. */
typedef struct {
  CcTimeline *timeline;
  guint64     clock;
} Refresh;

static gboolean
changed_live_since (CcTimeline *self,
                    JsonObject *json,
                    guint64     clock)
{
  const char *id = _cc_json_str (json, "id");
  CcMessage *kept = id ? g_hash_table_lookup (self->by_id, id) : NULL;

  return kept != NULL && _cc_message_get_live_stamp (kept) > clock;
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(CcTimeline) self = refresh->timeline;
  guint64 clock = refresh->clock;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_more = FALSE;
  gint64 server_oldest;

  g_free (refresh);
  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          _cc_timeline_end_load (self);
          if (error != NULL)
            _cc_timeline_emit_error (self, error->message);
        }
      return;
    }
  messages = take_page (self, body, &has_more);
  server_oldest = messages->len > 0 ? _cc_json_int (g_ptr_array_index (messages, 0), "seq") : 0;

  /* Missed more than a page (offline long, or a resync): what we have is
   * not contiguous with the server's page any more. The newest known seq
   * counts, not the newest kept: with "has-newer", the cache holds the
   * messages in between. */
  if (has_more && server_oldest > cc_timeline_get_last_seq (self) && self->n_stored > 0)
    {
      g_debug ("Gap in %s before seq %" G_GINT64_FORMAT, self->room_id, server_oldest);
      forget_before (self, server_oldest);
      if (self->n_stored == 0)
        {
          self->generation++;
          _cc_timeline_set_has_newer (self, FALSE);
        }
    }
  /* Kept ones are updated; with "has-newer" the rest waits in the cache. */
  for (guint i = 0; i < messages->len; i++)
    if (changed_live_since (self, g_ptr_array_index (messages, i), clock))
      continue;
    else if (self->has_newer)
      _cc_timeline_add_message (self, g_ptr_array_index (messages, i));
    else
      _cc_timeline_insert_message (self, g_ptr_array_index (messages, i));
  if (messages->len == 0)
    _cc_timeline_set_has_more (self, FALSE);
  else if (_cc_timeline_oldest_seq (self) >= server_oldest)
    _cc_timeline_set_has_more (self, has_more);
  _cc_timeline_end_load (self);
}

void
_cc_timeline_refresh (CcTimeline *self)
{
  if (!self->loaded)
    {
      self->refresh_wanted = TRUE;
      return;
    }
  Refresh *refresh = g_new0 (Refresh, 1);

  refresh->timeline = g_object_ref (self);
  refresh->clock = self->live_clock;
  _cc_timeline_begin_load (self);
  fetch_page (self, 0, refresh_cb, refresh);
}

static void
start_outbox_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CcTimeline) self = user_data;
  g_autoptr(GPtrArray) entries = cc_cache_finish_array (CC_CACHE (object), result, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    _cc_timeline_add_pending (self, g_ptr_array_index (entries, i));
  _cc_timeline_set_loaded (self, TRUE);
  if (self->refresh_wanted)
    {
      self->refresh_wanted = FALSE;
      _cc_timeline_refresh (self);
    }
}

static void
start_cache_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CcTimeline) self = user_data;
  g_autoptr(GPtrArray) messages = cc_cache_finish_array (CC_CACHE (object), result, NULL);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (messages != NULL)
    add_page (self, messages);
  cc_cache_outbox_list_async (self->cache, self->room_id, self->cancellable,
                              start_outbox_cb, g_object_ref (self));
}

void
_cc_timeline_start (CcTimeline *self,
                    gboolean    online)
{
  self->refresh_wanted = online;
  cc_cache_load_messages_async (self->cache, self->room_id, 0, CC_TIMELINE_FIRST_PAGE,
                                self->cancellable, start_cache_cb, g_object_ref (self));
}

/* What a page request was asked from: the edge of the window then (the
 * oldest or newest seq kept) and its generation. A page that no longer
 * touches the window (trimmed or replaced meanwhile) is not added: it
 * would leave a gap. */
typedef struct {
  gint64 edge;
  guint  generation;
} PageRequest;

static void
request_page (CcTimeline *self,
              GTask      *task,
              gint64      edge)
{
  PageRequest *request = g_new0 (PageRequest, 1);

  request->edge = edge;
  request->generation = self->generation;
  g_task_set_task_data (task, request, g_free);
  _cc_timeline_begin_load (self);
}

static gboolean
request_is_current (CcTimeline *self,
                    GTask      *task,
                    gint64      edge)
{
  PageRequest *request = g_task_get_task_data (task);

  return request->generation == self->generation && request->edge == edge;
}

/* A page from the server at one edge of the window: added when the
 * request still holds, with whether more lies beyond it. */
static void
finish_server_page (GObject      *object,
                    GAsyncResult *result,
                    GTask        *task,
                    gint64      (*edge) (CcTimeline *self),
                    void        (*set_more) (CcTimeline *self,
                                             gboolean    value))
{
  CcTimeline *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  GError *error = NULL;
  gboolean has_more = FALSE;

  _cc_timeline_end_load (self);
  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  messages = take_page (self, body, &has_more);
  if (!request_is_current (self, task, edge (self)))
    {
      g_task_return_int (task, 0);
      return;
    }
  add_page (self, messages);
  set_more (self, has_more);
  g_task_return_int (task, messages->len);
}

static void
older_server_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  finish_server_page (object, result, task, _cc_timeline_oldest_seq, _cc_timeline_set_has_more);
}

static void
older_cache_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcTimeline *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) messages = NULL;
  GError *error = NULL;

  messages = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (messages == NULL)
    {
      _cc_timeline_end_load (self);
      g_task_return_error (task, error);
      return;
    }
  if (!request_is_current (self, task, _cc_timeline_oldest_seq (self)))
    {
      _cc_timeline_end_load (self);
      g_task_return_int (task, 0);
      return;
    }
  if (messages->len > 0)
    {
      add_page (self, messages);
      _cc_timeline_end_load (self);
      g_task_return_int (task, messages->len);
      return;
    }
  fetch_page (self, _cc_timeline_oldest_seq (self), older_server_cb, g_steal_pointer (&task));
}

/* The task of a page request, or NULL when it is answered at once with 0
 * (nothing to load, or a page already on its way). */
static GTask *
page_task (CcTimeline          *self,
           gboolean             wanted,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (!wanted)
    {
      g_task_return_int (task, 0);
      return NULL;
    }
  return g_steal_pointer (&task);
}

void
cc_timeline_load_older_async (CcTimeline          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 before;

  g_return_if_fail (CC_IS_TIMELINE (self));

  task = page_task (self, !self->loading && self->has_more, cc_timeline_load_older_async,
                    cancellable, callback, user_data);
  if (task == NULL)
    return;
  before = _cc_timeline_oldest_seq (self);
  request_page (self, task, before);
  if (before == 0 || self->detached)
    fetch_page (self, 0, older_server_cb, g_steal_pointer (&task));
  else
    cc_cache_load_messages_async (self->cache, self->room_id, before, CC_TIMELINE_PAGE,
                                  cancellable, older_cache_cb, g_steal_pointer (&task));
}

gssize
cc_timeline_load_older_finish (CcTimeline    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* The window */

void
cc_timeline_trim (CcTimeline *self,
                  guint       keep_start,
                  guint       keep_end)
{
  guint newer;

  g_return_if_fail (CC_IS_TIMELINE (self));
  g_return_if_fail (keep_start <= keep_end);

  keep_end = MIN (keep_end, self->n_stored);
  /* Never all of it: the window's edges are where pages load from. */
  if (keep_start >= keep_end)
    return;
  newer = self->n_stored - keep_end;
  _cc_timeline_drop_stored (self, keep_end, newer);
  _cc_timeline_drop_stored (self, 0, keep_start);
  if (newer > 0)
    _cc_timeline_set_has_newer (self, TRUE);
  if (keep_start > 0)
    _cc_timeline_set_has_more (self, TRUE);
}

/* Messages older than what it shows will not do: has-newer stays while
 * the newest known is not in (a live one the cache query missed). */
static void
update_has_newer (CcTimeline *self,
                  guint       n_loaded,
                  guint       limit)
{
  _cc_timeline_set_has_newer (self,
                              n_loaded > 0 &&
                              (n_loaded >= limit || _cc_timeline_newest_kept_seq (self) < self->newest_seq));
}

void
_cc_timeline_replace_stored (CcTimeline *self,
                             GPtrArray  *messages)
{
  guint old;
  gboolean own = FALSE;

  /* The whole stored window is replaced, in one change. */
  old = self->n_stored;
  for (guint i = 0; i < old; i++)
    _cc_timeline_unindex_message (self, g_ptr_array_index (self->items, i));
  g_ptr_array_remove_range (self->items, 0, old);
  self->n_stored = 0;
  for (guint i = 0; i < messages->len; i++)
    {
      JsonObject *json = g_ptr_array_index (messages, i);
      CcMessage *message;

      if (_cc_json_str (json, "id") == NULL || _cc_json_int (json, "seq") <= 0 ||
          g_hash_table_contains (self->by_id, _cc_json_str (json, "id")))
        continue;
      message = cc_message_new_from_json (json);
      cc_message_set_is_own (message, self->own_user_id != NULL &&
                             g_strcmp0 (cc_message_get_sender_id (message), self->own_user_id) == 0);
      own |= cc_message_get_is_own (message);
      _cc_timeline_note_seq (self, cc_message_get_seq (message));
      _cc_timeline_index_message (self, message);
      g_ptr_array_insert (self->items, self->n_stored++, message);
    }
  if (own)
    _cc_timeline_update_read_by (self);
  if (old > 0 || self->n_stored > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_stored);
}

static void
newest_cache_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcTimeline *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) messages = NULL;
  GError *error = NULL;

  _cc_timeline_end_load (self);
  messages = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (messages == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!request_is_current (self, task, 0))
    {
      g_task_return_int (task, 0);
      return;
    }

  self->detached = FALSE;
  _cc_timeline_replace_stored (self, messages);
  _cc_timeline_set_has_more (self, TRUE);
  update_has_newer (self, self->n_stored, G_MAXUINT);
  g_task_return_int (task, self->n_stored);
}

static void
load_newest (CcTimeline   *self,
             GTask        *task,
             GCancellable *cancellable)
{
  self->generation++;
  request_page (self, task, 0);
  cc_cache_load_messages_async (self->cache, self->room_id, 0, CC_TIMELINE_FIRST_PAGE,
                                cancellable, newest_cache_cb, task);
}

static void
newer_cache_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcTimeline *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) messages = NULL;
  GError *error = NULL;

  _cc_timeline_end_load (self);
  messages = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (messages == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!request_is_current (self, task, _cc_timeline_newest_kept_seq (self)))
    {
      g_task_return_int (task, 0);
      return;
    }
  add_page (self, messages);
  update_has_newer (self, messages->len, CC_TIMELINE_PAGE);
  g_task_return_int (task, messages->len);
}

/* A detached window's next page, from the server (not saved). */
static void
newer_server_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  finish_server_page (object, result, task, _cc_timeline_newest_kept_seq, _cc_timeline_set_has_newer);
}

void
cc_timeline_load_newer_async (CcTimeline          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 after;

  g_return_if_fail (CC_IS_TIMELINE (self));

  task = page_task (self, !self->loading && self->has_newer, cc_timeline_load_newer_async,
                    cancellable, callback, user_data);
  if (task == NULL)
    return;
  after = _cc_timeline_newest_kept_seq (self);
  if (after == 0)
    {
      load_newest (self, g_steal_pointer (&task), cancellable);
      return;
    }
  request_page (self, task, after);
  if (self->detached)
    {
      _cc_timeline_fetch_newer (self, after, newer_server_cb, g_steal_pointer (&task));
      return;
    }
  _cc_cache_load_messages_after_async (self->cache, self->room_id, after, CC_TIMELINE_PAGE,
                                       cancellable, newer_cache_cb, g_steal_pointer (&task));
}

gssize
cc_timeline_load_newer_finish (CcTimeline    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

void
cc_timeline_load_newest_async (CcTimeline          *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CC_IS_TIMELINE (self));

  task = page_task (self, self->has_newer, cc_timeline_load_newest_async,
                    cancellable, callback, user_data);
  if (task != NULL)
    load_newest (self, task, cancellable);
}

gssize
cc_timeline_load_newest_finish (CcTimeline    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}
