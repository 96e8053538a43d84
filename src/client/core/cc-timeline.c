/* cc-timeline.c: one room's messages as a GListModel: stored messages in
 * ascending seq, then our pending ones in typing order. It keeps a window
 * of the stored ones (cc_timeline_trim()): "has-more" when older ones are
 * left out, "has-newer" when newer ones are; those are in the cache and
 * come back a page at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-timeline"

#include "cc-cache-private.h"
#include "cc-json-private.h"
#include "cc-member.h"
#include "cc-message-private.h"
#include "cc-timeline-private.h"

struct _CcTimeline
{
  GObject       parent_instance;
  char         *room_id;
  char         *own_user_id;
  char         *own_name;
  CcCache      *cache;
  CcApi        *api;
  GListModel   *members;
  GCancellable *cancellable;
  GPtrArray    *items;       /* CcMessage: [0, n_stored) stored, then pending */
  guint         n_stored;
  GHashTable   *by_id;       /* id -> CcMessage */
  GHashTable   *by_txn;      /* txn_id -> CcMessage */
  gint64        newest_seq;  /* the newest stored seq known, kept or not */
  guint         generation;  /* bumped when the stored window is replaced */
  guint         n_loads;     /* requests in flight ("loading") */
  gboolean      has_more;
  gboolean      has_newer;
  gboolean      loading;
  gboolean      loaded;
  gboolean      refresh_wanted;
};

static void cc_timeline_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcTimeline, cc_timeline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, cc_timeline_model_init))

enum { PROP_0, PROP_ROOM_ID, PROP_HAS_MORE, PROP_HAS_NEWER, PROP_LOADING, PROP_LOADED, N_PROPS };
enum { ERROR, N_SIGNALS };

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static GType model_get_item_type (GListModel *model) { return CC_TYPE_MESSAGE; }
static guint model_get_n_items (GListModel *model) { return CC_TIMELINE (model)->items->len; }

static gpointer
model_get_item (GListModel *model,
                guint       position)
{
  CcTimeline *self = CC_TIMELINE (model);

  return position < self->items->len ? g_object_ref (g_ptr_array_index (self->items, position)) : NULL;
}

static void
cc_timeline_model_init (GListModelInterface *iface)
{
  iface->get_item_type = model_get_item_type;
  iface->get_n_items = model_get_n_items;
  iface->get_item = model_get_item;
}

static void
set_flag (CcTimeline *self,
          gboolean   *field,
          gboolean    value,
          guint       prop)
{
  if (*field == !!value)
    return;
  *field = !!value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
cc_timeline_dispose (GObject *object)
{
  CcTimeline *self = CC_TIMELINE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->members != NULL)
    g_signal_handlers_disconnect_by_data (self->members, self);
  g_clear_object (&self->members);
  g_clear_object (&self->cache);
  g_clear_object (&self->api);
  G_OBJECT_CLASS (cc_timeline_parent_class)->dispose (object);
}

static void
cc_timeline_finalize (GObject *object)
{
  CcTimeline *self = CC_TIMELINE (object);

  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->by_txn);
  g_free (self->room_id);
  g_free (self->own_user_id);
  g_free (self->own_name);
  G_OBJECT_CLASS (cc_timeline_parent_class)->finalize (object);
}

static void
cc_timeline_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcTimeline *self = CC_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_ROOM_ID: g_value_set_string (value, self->room_id); break;
    case PROP_HAS_MORE: g_value_set_boolean (value, self->has_more); break;
    case PROP_HAS_NEWER: g_value_set_boolean (value, self->has_newer); break;
    case PROP_LOADING: g_value_set_boolean (value, self->loading); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_timeline_class_init (CcTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = cc_timeline_dispose;
  object_class->finalize = cc_timeline_finalize;
  object_class->get_property = cc_timeline_get_property;

  props[PROP_ROOM_ID] = g_param_spec_string ("room-id", NULL, NULL, NULL, flags);
  props[PROP_HAS_MORE] = g_param_spec_boolean ("has-more", NULL, NULL, TRUE, flags);
  props[PROP_HAS_NEWER] = g_param_spec_boolean ("has-newer", NULL, NULL, FALSE, flags);
  props[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, flags);
  props[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cc_timeline_init (CcTimeline *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_txn = g_hash_table_new (g_str_hash, g_str_equal);
  self->cancellable = g_cancellable_new ();
  self->has_more = TRUE;
}

CcTimeline *
_cc_timeline_new (const char *room_id,
                  CcCache    *cache,
                  CcApi      *api,
                  const char *own_user_id,
                  const char *own_name)
{
  CcTimeline *self = g_object_new (CC_TYPE_TIMELINE, NULL);

  self->room_id = g_strdup (room_id);
  self->cache = g_object_ref (cache);
  self->api = g_object_ref (api);
  self->own_user_id = g_strdup (own_user_id);
  self->own_name = g_strdup (own_name);
  return self;
}

const char *cc_timeline_get_room_id (CcTimeline *self) { g_return_val_if_fail (CC_IS_TIMELINE (self), NULL); return self->room_id; }
gboolean cc_timeline_get_has_more (CcTimeline *self) { g_return_val_if_fail (CC_IS_TIMELINE (self), FALSE); return self->has_more; }
gboolean cc_timeline_get_has_newer (CcTimeline *self) { g_return_val_if_fail (CC_IS_TIMELINE (self), FALSE); return self->has_newer; }
gboolean cc_timeline_get_loading (CcTimeline *self) { g_return_val_if_fail (CC_IS_TIMELINE (self), FALSE); return self->loading; }
gboolean cc_timeline_get_loaded (CcTimeline *self) { g_return_val_if_fail (CC_IS_TIMELINE (self), FALSE); return self->loaded; }

CcMessage *
cc_timeline_lookup (CcTimeline *self,
                    const char *id_or_txn_id)
{
  CcMessage *message;

  g_return_val_if_fail (CC_IS_TIMELINE (self), NULL);
  if (id_or_txn_id == NULL)
    return NULL;
  message = g_hash_table_lookup (self->by_id, id_or_txn_id);
  return message ? message : g_hash_table_lookup (self->by_txn, id_or_txn_id);
}

static gint64
oldest_seq (CcTimeline *self)
{
  return self->n_stored > 0 ? cc_message_get_seq (g_ptr_array_index (self->items, 0)) : 0;
}

static gint64
newest_kept_seq (CcTimeline *self)
{
  return self->n_stored > 0 ? cc_message_get_seq (g_ptr_array_index (self->items, self->n_stored - 1)) : 0;
}

static void
note_seq (CcTimeline *self,
          gint64      seq)
{
  self->newest_seq = MAX (self->newest_seq, seq);
}

gint64
cc_timeline_get_last_seq (CcTimeline *self)
{
  g_return_val_if_fail (CC_IS_TIMELINE (self), 0);
  return MAX (self->newest_seq, newest_kept_seq (self));
}

static void
begin_load (CcTimeline *self)
{
  self->n_loads++;
  set_flag (self, &self->loading, TRUE, PROP_LOADING);
}

static void
end_load (CcTimeline *self)
{
  g_assert (self->n_loads > 0);
  self->n_loads--;
  set_flag (self, &self->loading, self->n_loads > 0, PROP_LOADING);
}

/* Read receipts */

static void
compute_read_by (CcTimeline *self,
                 CcMessage  *message,
                 GArray     *watermarks,
                 GPtrArray  *readers)
{
  guint n = 0;

  if (!cc_message_get_is_own (message) || cc_message_get_seq (message) == 0)
    return;
  for (guint i = 0; i < watermarks->len; i++)
    if (g_strcmp0 (g_ptr_array_index (readers, i), cc_message_get_sender_id (message)) != 0 &&
        g_array_index (watermarks, gint64, i) >= cc_message_get_seq (message))
      n++;
  cc_message_set_read_by (message, n);
}

void
_cc_timeline_update_read_by (CcTimeline *self)
{
  g_autoptr(GArray) watermarks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) readers = g_ptr_array_new_with_free_func (g_free);
  guint n;

  if (self->members == NULL)
    return;
  n = g_list_model_get_n_items (self->members);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcMember) member = g_list_model_get_item (self->members, i);
      gint64 seq = cc_member_get_last_read_seq (member);

      g_array_append_val (watermarks, seq);
      g_ptr_array_add (readers, g_strdup (cc_member_get_user_id (member)));
    }
  for (guint i = 0; i < self->n_stored; i++)
    compute_read_by (self, g_ptr_array_index (self->items, i), watermarks, readers);
}

void
_cc_timeline_set_members (CcTimeline *self,
                          GListModel *members)
{
  if (self->members != NULL)
    g_signal_handlers_disconnect_by_data (self->members, self);
  g_set_object (&self->members, members);
  if (members != NULL)
    g_signal_connect_swapped (members, "items-changed", G_CALLBACK (_cc_timeline_update_read_by), self);
  _cc_timeline_update_read_by (self);
}

/* Insertion */

static guint
stored_position (CcTimeline *self,
                 gint64      seq)
{
  guint lo = 0, hi = self->n_stored;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (cc_message_get_seq (g_ptr_array_index (self->items, mid)) < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
index_message (CcTimeline *self,
               CcMessage  *message)
{
  if (cc_message_get_id (message) != NULL)
    g_hash_table_insert (self->by_id, (gpointer) cc_message_get_id (message), message);
  if (cc_message_get_txn_id (message) != NULL)
    g_hash_table_insert (self->by_txn, (gpointer) cc_message_get_txn_id (message), message);
}

static void
unindex_message (CcTimeline *self,
                 CcMessage  *message)
{
  const char *id = cc_message_get_id (message);
  const char *txn_id = cc_message_get_txn_id (message);

  if (id != NULL && g_hash_table_lookup (self->by_id, id) == message)
    g_hash_table_remove (self->by_id, id);
  if (txn_id != NULL && g_hash_table_lookup (self->by_txn, txn_id) == message)
    g_hash_table_remove (self->by_txn, txn_id);
}

/* Removes the stored messages [pos, pos + n) and says so. */
static void
drop_stored (CcTimeline *self,
             guint       pos,
             guint       n)
{
  g_assert (pos + n <= self->n_stored);
  if (n == 0)
    return;
  for (guint i = pos; i < pos + n; i++)
    unindex_message (self, g_ptr_array_index (self->items, i));
  g_ptr_array_remove_range (self->items, pos, n);
  self->n_stored -= n;
  g_list_model_items_changed (G_LIST_MODEL (self), pos, n, 0);
}

/* Adds or updates @json wherever its seq puts it (a page's message). */
static void
insert_message (CcTimeline *self,
                JsonObject *json)
{
  const char *id = _cc_json_str (json, "id");
  const char *txn_id = _cc_json_str (json, "txn_id");
  gint64 seq = _cc_json_int (json, "seq");
  CcMessage *message;
  guint pos, old;

  if (id == NULL)
    return;
  if ((message = g_hash_table_lookup (self->by_id, id)) != NULL)
    {
      cc_message_update_from_json (message, json);
      return;
    }
  if (seq <= 0)
    return;
  note_seq (self, seq);

  message = txn_id ? g_hash_table_lookup (self->by_txn, txn_id) : NULL;
  if (message != NULL && g_ptr_array_find (self->items, message, &old) && old >= self->n_stored)
    {
      /* Ours, now stored: it leaves the pending tail for its place. */
      g_ptr_array_steal_index (self->items, old);
      cc_message_update_from_json (message, json);
      pos = stored_position (self, seq);
      g_ptr_array_insert (self->items, pos, message);
      self->n_stored++;
      index_message (self, message);
      if (pos != old)
        {
          g_list_model_items_changed (G_LIST_MODEL (self), old, 1, 0);
          g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
        }
      _cc_timeline_update_read_by (self);
      return;
    }

  message = cc_message_new_from_json (json);
  cc_message_set_is_own (message, self->own_user_id != NULL &&
                         g_strcmp0 (cc_message_get_sender_id (message), self->own_user_id) == 0);
  pos = stored_position (self, seq);
  g_ptr_array_insert (self->items, pos, message);
  self->n_stored++;
  index_message (self, message);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
  if (cc_message_get_is_own (message))
    _cc_timeline_update_read_by (self);
}

/* A message or an update from the server, live or in the newest page: it
 * updates a message that is kept, and joins only when it falls inside the
 * window kept (once the first page is in). Newer than the window, it is in
 * the cache (the sync and the outbox store it before they tell) and comes
 * with cc_timeline_load_newer_async(); ours, sent, leaves the pending tail
 * for it. Older, it comes with cc_timeline_load_older_async(). */
void
_cc_timeline_add_message (CcTimeline *self,
                          JsonObject *json)
{
  const char *id = _cc_json_str (json, "id");
  const char *txn_id = _cc_json_str (json, "txn_id");
  gint64 seq = _cc_json_int (json, "seq");
  CcMessage *pending;
  guint pos;

  if (id == NULL || g_hash_table_contains (self->by_id, id) || seq <= 0)
    {
      insert_message (self, json);
      return;
    }
  note_seq (self, seq);
  if (self->has_newer && seq > newest_kept_seq (self))
    {
      pending = txn_id ? g_hash_table_lookup (self->by_txn, txn_id) : NULL;
      if (pending != NULL && g_ptr_array_find (self->items, pending, &pos) && pos >= self->n_stored)
        {
          unindex_message (self, pending);
          g_ptr_array_remove_index (self->items, pos);
          g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
        }
      return;
    }
  /* An edit (the server sends the whole message) of one older than the
   * window would leave a gap in front of it. Before the first page is in
   * there is no window yet: everything joins. */
  if (self->loaded && self->has_more && self->n_stored > 0 && seq < oldest_seq (self))
    return;
  insert_message (self, json);
}

static void
add_each (CcTimeline *self,
          GPtrArray  *page)
{
  for (guint i = 0; i < page->len; i++)
    insert_message (self, g_ptr_array_index (page, i));
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
  note_seq (self, last_seq);
  pos = stored_position (self, first_seq);
  if (pos != stored_position (self, last_seq))
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
      index_message (self, message);
      g_ptr_array_insert (self->items, pos + i, message);
    }
  self->n_stored += page->len;
  if (own)
    _cc_timeline_update_read_by (self);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, page->len);
}

void
_cc_timeline_add_pending (CcTimeline          *self,
                          const CcOutboxEntry *entry)
{
  CcMessage *message;

  if (g_strcmp0 (entry->room_id, self->room_id) != 0 ||
      g_hash_table_contains (self->by_txn, entry->txn_id))
    return;
  message = cc_message_new_pending (entry->room_id, entry->txn_id, entry->body, entry->reply_to,
                                    self->own_user_id, self->own_name, entry->created_at);
  _cc_message_set_attachments (message, entry->files);
  if (entry->state == CC_MESSAGE_STATE_FAILED)
    cc_message_set_state (message, CC_MESSAGE_STATE_FAILED, entry->error);
  g_ptr_array_add (self->items, message);
  index_message (self, message);
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

void
_cc_timeline_set_pending_state (CcTimeline     *self,
                                const char     *txn_id,
                                CcMessageState  state,
                                const char     *error)
{
  CcMessage *message = g_hash_table_lookup (self->by_txn, txn_id);

  if (message != NULL && cc_message_get_state (message) != CC_MESSAGE_STATE_STORED)
    cc_message_set_state (message, state, error);
}

void
_cc_timeline_remove_pending (CcTimeline *self,
                             const char *txn_id)
{
  CcMessage *message = g_hash_table_lookup (self->by_txn, txn_id);
  guint pos;

  if (message == NULL || cc_message_get_state (message) == CC_MESSAGE_STATE_STORED ||
      !g_ptr_array_find (self->items, message, &pos))
    return;
  g_hash_table_remove (self->by_txn, txn_id);
  g_ptr_array_remove_index (self->items, pos);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
}

/* Drops stored messages older than @seq (a gap behind the server page). */
static void
forget_before (CcTimeline *self,
               gint64      seq)
{
  guint n = stored_position (self, seq);

  if (n == 0)
    return;
  drop_stored (self, 0, n);
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

/* The messages of a page answer, stored in the cache as they come. */
static GPtrArray *
take_page (CcTimeline *self,
           JsonObject *body,
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
  if (messages->len > 0)
    cc_cache_save_messages_async (self->cache, messages, NULL, NULL, NULL);
  return messages;
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CcTimeline) self = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_more = FALSE;
  gint64 server_oldest;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          end_load (self);
          if (error != NULL)
            g_signal_emit (self, signals[ERROR], 0, error->message);
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
          set_flag (self, &self->has_newer, FALSE, PROP_HAS_NEWER);
        }
    }
  /* Kept ones are updated; with "has-newer" the rest waits in the cache. */
  for (guint i = 0; i < messages->len; i++)
    if (self->has_newer)
      _cc_timeline_add_message (self, g_ptr_array_index (messages, i));
    else
      insert_message (self, g_ptr_array_index (messages, i));
  if (messages->len == 0)
    set_flag (self, &self->has_more, FALSE, PROP_HAS_MORE);
  else if (oldest_seq (self) >= server_oldest)
    set_flag (self, &self->has_more, has_more, PROP_HAS_MORE);
  end_load (self);
}

void
_cc_timeline_refresh (CcTimeline *self)
{
  if (!self->loaded)
    {
      self->refresh_wanted = TRUE;
      return;
    }
  begin_load (self);
  fetch_page (self, 0, refresh_cb, g_object_ref (self));
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
  set_flag (self, &self->loaded, TRUE, PROP_LOADED);
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
  begin_load (self);
}

static gboolean
request_is_current (CcTimeline *self,
                    GTask      *task,
                    gint64      edge)
{
  PageRequest *request = g_task_get_task_data (task);

  return request->generation == self->generation && request->edge == edge;
}

static void
older_server_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcTimeline *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  GError *error = NULL;
  gboolean has_more = FALSE;

  end_load (self);
  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  messages = take_page (self, body, &has_more);
  if (!request_is_current (self, task, oldest_seq (self)))
    {
      g_task_return_int (task, 0);
      return;
    }
  add_page (self, messages);
  set_flag (self, &self->has_more, has_more, PROP_HAS_MORE);
  g_task_return_int (task, messages->len);
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
      end_load (self);
      g_task_return_error (task, error);
      return;
    }
  if (!request_is_current (self, task, oldest_seq (self)))
    {
      end_load (self);
      g_task_return_int (task, 0);
      return;
    }
  if (messages->len > 0)
    {
      add_page (self, messages);
      end_load (self);
      g_task_return_int (task, messages->len);
      return;
    }
  fetch_page (self, oldest_seq (self), older_server_cb, g_steal_pointer (&task));
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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_timeline_load_older_async);
  if (self->loading || !self->has_more)
    {
      g_task_return_int (task, 0);
      return;
    }
  before = oldest_seq (self);
  request_page (self, task, before);
  if (before == 0)
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
  drop_stored (self, keep_end, newer);
  drop_stored (self, 0, keep_start);
  if (newer > 0)
    set_flag (self, &self->has_newer, TRUE, PROP_HAS_NEWER);
  if (keep_start > 0)
    set_flag (self, &self->has_more, TRUE, PROP_HAS_MORE);
}

/* Messages older than what it shows will not do: has-newer stays while
 * the newest known is not in (a live one the cache query missed). */
static void
update_has_newer (CcTimeline *self,
                  guint       n_loaded,
                  guint       limit)
{
  set_flag (self, &self->has_newer,
            n_loaded > 0 && (n_loaded >= limit || newest_kept_seq (self) < self->newest_seq),
            PROP_HAS_NEWER);
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
  guint old;
  gboolean own = FALSE;

  end_load (self);
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

  /* The whole stored window is replaced, in one change. */
  old = self->n_stored;
  for (guint i = 0; i < old; i++)
    unindex_message (self, g_ptr_array_index (self->items, i));
  g_ptr_array_remove_range (self->items, 0, old);
  self->n_stored = 0;
  for (guint i = 0; i < messages->len; i++)
    {
      JsonObject *json = g_ptr_array_index (messages, i);
      CcMessage *message;

      if (_cc_json_str (json, "id") == NULL || _cc_json_int (json, "seq") <= 0)
        continue;
      message = cc_message_new_from_json (json);
      cc_message_set_is_own (message, self->own_user_id != NULL &&
                             g_strcmp0 (cc_message_get_sender_id (message), self->own_user_id) == 0);
      own |= cc_message_get_is_own (message);
      note_seq (self, cc_message_get_seq (message));
      index_message (self, message);
      g_ptr_array_insert (self->items, self->n_stored++, message);
    }
  if (own)
    _cc_timeline_update_read_by (self);
  if (old > 0 || self->n_stored > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_stored);
  set_flag (self, &self->has_more, TRUE, PROP_HAS_MORE);
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

  end_load (self);
  messages = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (messages == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!request_is_current (self, task, newest_kept_seq (self)))
    {
      g_task_return_int (task, 0);
      return;
    }
  add_page (self, messages);
  update_has_newer (self, messages->len, CC_TIMELINE_PAGE);
  g_task_return_int (task, messages->len);
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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_timeline_load_newer_async);
  if (self->loading || !self->has_newer)
    {
      g_task_return_int (task, 0);
      return;
    }
  after = newest_kept_seq (self);
  if (after == 0)
    {
      load_newest (self, g_steal_pointer (&task), cancellable);
      return;
    }
  request_page (self, task, after);
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CC_IS_TIMELINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_timeline_load_newest_async);
  if (!self->has_newer)
    {
      g_task_return_int (task, 0);
      return;
    }
  load_newest (self, g_steal_pointer (&task), cancellable);
}

gssize
cc_timeline_load_newest_finish (CcTimeline    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}
