/* cc-timeline.c: one room's messages as a GListModel: stored messages in
 * ascending seq, then our pending ones in typing order. Here are the model,
 * its properties and the bookkeeping of its items (the lookup tables, the
 * stored ones in seq order, the pending tail, read receipts) with the
 * entry points for live messages and our outbox; the pages that fill the
 * window of stored ones are in cc-timeline-pages.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-timeline"

#include "cau-json.h"
#include "cc-json-private.h"
#include "cc-member.h"
#include "cc-message-private.h"
#include "cc-timeline-private.h"

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
  _cc_timeline_reads_clear (self);
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

/* The pages (cc-timeline-pages.c) set the flags and tell of errors. */
void _cc_timeline_set_has_more (CcTimeline *self, gboolean value) { set_flag (self, &self->has_more, value, PROP_HAS_MORE); }
void _cc_timeline_set_has_newer (CcTimeline *self, gboolean value) { set_flag (self, &self->has_newer, value, PROP_HAS_NEWER); }
void _cc_timeline_set_loading (CcTimeline *self, gboolean value) { set_flag (self, &self->loading, value, PROP_LOADING); }
void _cc_timeline_set_loaded (CcTimeline *self, gboolean value) { set_flag (self, &self->loaded, value, PROP_LOADED); }

void
_cc_timeline_emit_error (CcTimeline *self,
                         const char *message)
{
  g_signal_emit (self, signals[ERROR], 0, message);
}

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

gint64
_cc_timeline_oldest_seq (CcTimeline *self)
{
  return self->n_stored > 0 ? cc_message_get_seq (g_ptr_array_index (self->items, 0)) : 0;
}

gint64
_cc_timeline_newest_kept_seq (CcTimeline *self)
{
  return self->n_stored > 0 ? cc_message_get_seq (g_ptr_array_index (self->items, self->n_stored - 1)) : 0;
}

void
_cc_timeline_note_seq (CcTimeline *self,
                       gint64      seq)
{
  self->newest_seq = MAX (self->newest_seq, seq);
}

gint64
cc_timeline_get_last_seq (CcTimeline *self)
{
  g_return_val_if_fail (CC_IS_TIMELINE (self), 0);
  return MAX (self->newest_seq, _cc_timeline_newest_kept_seq (self));
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
  _cc_timeline_update_read_at (self);
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

guint
_cc_timeline_stored_position (CcTimeline *self,
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

void
_cc_timeline_index_message (CcTimeline *self,
                            CcMessage  *message)
{
  if (cc_message_get_id (message) != NULL)
    g_hash_table_insert (self->by_id, (gpointer) cc_message_get_id (message), message);
  if (cc_message_get_txn_id (message) != NULL)
    g_hash_table_insert (self->by_txn, (gpointer) cc_message_get_txn_id (message), message);
}

void
_cc_timeline_unindex_message (CcTimeline *self,
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
void
_cc_timeline_drop_stored (CcTimeline *self,
                          guint       pos,
                          guint       n)
{
  g_assert (pos + n <= self->n_stored);
  if (n == 0)
    return;
  for (guint i = pos; i < pos + n; i++)
    _cc_timeline_unindex_message (self, g_ptr_array_index (self->items, i));
  g_ptr_array_remove_range (self->items, pos, n);
  self->n_stored -= n;
  g_list_model_items_changed (G_LIST_MODEL (self), pos, n, 0);
}

void
_cc_timeline_drop_below (CcTimeline *self,
                         gint64      before_seq)
{
  _cc_timeline_drop_stored (self, 0, _cc_timeline_stored_position (self, before_seq));
}

/* Adds or updates @json wherever its seq puts it (a page's message). */
void
_cc_timeline_insert_message (CcTimeline *self,
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
      if (!_cc_json_message_is_older (json, cc_message_get_edited_at (message), cc_message_get_deleted (message),
                                      cc_message_get_streaming (message)))
        cc_message_update_from_json (message, json);
      return;
    }
  if (seq <= 0)
    return;
  _cc_timeline_note_seq (self, seq);

  message = txn_id ? g_hash_table_lookup (self->by_txn, txn_id) : NULL;
  if (message != NULL && g_ptr_array_find (self->items, message, &old) && old >= self->n_stored)
    {
      /* Ours, now stored: it leaves the pending tail for its place. Each
       * signal tells the list as it is then (a view reading it while told
       * of the removal would otherwise find the message twice: "Duplicate
       * item detected in list", issue 11). */
      g_ptr_array_steal_index (self->items, old);
      cc_message_update_from_json (message, json);
      pos = _cc_timeline_stored_position (self, seq);
      if (pos != old)
        g_list_model_items_changed (G_LIST_MODEL (self), old, 1, 0);
      g_ptr_array_insert (self->items, pos, message);
      self->n_stored++;
      _cc_timeline_index_message (self, message);
      if (pos != old)
        g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
      _cc_timeline_update_read_by (self);
      return;
    }

  message = cc_message_new_from_json (json);
  cc_message_set_is_own (message, self->own_user_id != NULL &&
                         g_strcmp0 (cc_message_get_sender_id (message), self->own_user_id) == 0);
  pos = _cc_timeline_stored_position (self, seq);
  g_ptr_array_insert (self->items, pos, message);
  self->n_stored++;
  _cc_timeline_index_message (self, message);
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
/* The quotes of replies to a message follow its edit or deletion (they
 * kept the old text until the room was loaded again). */
static void
update_quotes (CcTimeline *self,
               const char *id,
               JsonObject *json)
{
  gboolean deleted = _cc_json_bool (json, "deleted");
  g_autofree char *excerpt = NULL;

  if (!deleted && _cc_json_str (json, "body") == NULL)
    return;
  excerpt = deleted ? g_strdup ("") : _cc_make_excerpt (_cc_json_str (json, "body"));
  for (guint i = 0; i < self->items->len; i++)
    {
      CcMessage *m = g_ptr_array_index (self->items, i);
      g_autoptr(JsonObject) update = NULL;
      JsonObject *quote;

      if (g_strcmp0 (cc_message_get_reply_to_id (m), id) != 0 ||
          g_strcmp0 (cc_message_get_reply_to_excerpt (m), excerpt) == 0)
        continue;
      update = json_object_new ();
      quote = json_object_new ();
      json_object_set_string_member (quote, "id", id);
      cau_json_set_string_or_null (quote, "sender_name", cc_message_get_reply_to_sender_name (m));
      json_object_set_string_member (quote, "excerpt", excerpt);
      if (deleted)
        json_object_set_boolean_member (quote, "deleted", TRUE);
      json_object_set_object_member (update, "reply_to", quote);
      cc_message_update_from_json (m, update);
    }
}

void
_cc_timeline_add_message (CcTimeline *self,
                          JsonObject *json)
{
  const char *id = _cc_json_str (json, "id");
  const char *txn_id = _cc_json_str (json, "txn_id");
  gint64 seq = _cc_json_int (json, "seq");
  CcMessage *pending;
  guint pos;

  if (id != NULL && (_cc_json_str (json, "edited_at") != NULL || _cc_json_bool (json, "deleted")))
    update_quotes (self, id, json);

  if (id == NULL || g_hash_table_contains (self->by_id, id) || seq <= 0)
    {
      _cc_timeline_insert_message (self, json);
      return;
    }
  _cc_timeline_note_seq (self, seq);
  if (self->has_newer && seq > _cc_timeline_newest_kept_seq (self))
    {
      pending = txn_id ? g_hash_table_lookup (self->by_txn, txn_id) : NULL;
      if (pending != NULL && g_ptr_array_find (self->items, pending, &pos) && pos >= self->n_stored)
        {
          _cc_timeline_unindex_message (self, pending);
          g_ptr_array_remove_index (self->items, pos);
          g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
        }
      return;
    }
  /* An edit (the server sends the whole message) of one older than the
   * window would leave a gap in front of it. Before the first page is in
   * there is no window yet: everything joins. */
  if (self->loaded && self->has_more && self->n_stored > 0 && seq < _cc_timeline_oldest_seq (self))
    return;
  _cc_timeline_insert_message (self, json);
}

void
_cc_timeline_touch (CcTimeline *self,
                    CcMessage  *message)
{
  _cc_message_set_live_stamp (message, ++self->live_clock);
}

void
_cc_timeline_add_live (CcTimeline *self,
                       JsonObject *json)
{
  const char *id = _cc_json_str (json, "id");
  CcMessage *message;

  _cc_timeline_add_message (self, json);
  if (id != NULL && (message = g_hash_table_lookup (self->by_id, id)) != NULL)
    _cc_timeline_touch (self, message);
}

/* Pending messages */

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
  cc_message_set_context (message, entry->context);
  if (entry->state == CC_MESSAGE_STATE_FAILED)
    cc_message_set_state (message, CC_MESSAGE_STATE_FAILED, entry->error);
  g_ptr_array_add (self->items, message);
  _cc_timeline_index_message (self, message);
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
