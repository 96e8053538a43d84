/* cc-client.c: one signed-in account: opens the cache, fills the models
 * from it, keeps members and timelines, connects. Server and outbox events
 * are turned into model changes in cc-client-events.c; sending, drafts,
 * typing and REST actions are in cc-client-actions.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-client"

#include <string.h>

#include "cau-json.h"
#include "cc-account-private.h"
#include "cc-client-private.h"
#include "cc-invitation.h"
#include "cc-json-private.h"

G_DEFINE_FINAL_TYPE (CcClient, cc_client, G_TYPE_OBJECT)

static void timeline_gone (gpointer data, GObject *where);

enum { PROP_0, PROP_ACCOUNT, PROP_DATA_DIR, PROP_STATE, PROP_ONLINE, PROP_UNREAD_TOTAL, N_PROPS };
enum { TYPING_CHANGED, NOTIFICATION, INVITATION, SIGNED_OUT, N_SIGNALS };

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void forget_network (CcClient *self);

static void
cc_client_dispose (GObject *object)
{
  CcClient *self = CC_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  forget_network (self);
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      cc_sync_stop (self->sync);
    }
  if (self->outbox != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->outbox, self);
      cc_outbox_set_online (self->outbox, FALSE);
    }
  if (self->rooms != NULL)
    g_signal_handlers_disconnect_by_data (self->rooms, self);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  if (self->typing != NULL)
    _cc_client_typing_clear (self);
  if (self->timelines != NULL)
    {
      GHashTableIter iter;
      gpointer timeline;

      g_hash_table_iter_init (&iter, self->timelines);
      while (g_hash_table_iter_next (&iter, NULL, &timeline))
        g_object_weak_unref (timeline, timeline_gone, self);
    }
  g_clear_object (&self->activity);
  g_clear_pointer (&self->timelines, g_hash_table_unref);
  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->typing, g_hash_table_unref);
  g_clear_pointer (&self->typing_sent, g_hash_table_unref);
  g_clear_pointer (&self->unsent, g_hash_table_unref);
  g_clear_pointer (&self->live, g_hash_table_unref);
  g_clear_object (&self->sync);
  g_clear_object (&self->outbox);
  _cc_client_files_dispose (self);
  g_clear_object (&self->rooms);
  g_clear_object (&self->cache);
  g_clear_object (&self->account);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cc_client_parent_class)->dispose (object);
}

static void
cc_client_finalize (GObject *object)
{
  g_free (CC_CLIENT (object)->data_dir);
  G_OBJECT_CLASS (cc_client_parent_class)->finalize (object);
}

static void
cc_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcClient *self = CC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: g_value_set_object (value, self->account); break;
    case PROP_DATA_DIR: g_value_set_string (value, self->data_dir); break;
    case PROP_STATE: g_value_set_enum (value, cc_client_get_state (self)); break;
    case PROP_ONLINE: g_value_set_boolean (value, cc_client_get_online (self)); break;
    case PROP_UNREAD_TOTAL: g_value_set_uint (value, cc_client_get_unread_total (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CcClient *self = CC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: self->account = g_value_dup_object (value); break;
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      if (self->data_dir == NULL)
        self->data_dir = g_build_filename (g_get_user_data_dir (), "causerie", NULL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_client_class_init (CcClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags cons = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cc_client_dispose;
  object_class->finalize = cc_client_finalize;
  object_class->get_property = cc_client_get_property;
  object_class->set_property = cc_client_set_property;

  props[PROP_ACCOUNT] = g_param_spec_object ("account", NULL, NULL, CC_TYPE_ACCOUNT, cons);
  props[PROP_DATA_DIR] = g_param_spec_string ("data-dir", NULL, NULL, NULL, cons);
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CC_TYPE_SYNC_STATE, CC_SYNC_STATE_OFFLINE, ro);
  props[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, ro);
  props[PROP_UNREAD_TOTAL] = g_param_spec_uint ("unread-total", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[TYPING_CHANGED] = g_signal_new ("typing-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[NOTIFICATION] = g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2, CC_TYPE_ROOM, CC_TYPE_MESSAGE);
  signals[INVITATION] = g_signal_new ("invitation", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, CC_TYPE_INVITATION);
  signals[SIGNED_OUT] = g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* `invitation.new`: someone invited the user to a room. Without a token
 * there is nothing the user could accept: not worth a word. */
void
_cc_client_on_invitation (CcClient   *self,
                          JsonObject *data)
{
  g_autoptr(CcInvitation) invitation = cc_invitation_new_from_json (data);

  if (cc_invitation_get_token (invitation) != NULL)
    g_signal_emit (self, signals[INVITATION], 0, invitation);
}

static void
cc_client_init (CcClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->rooms = cc_room_list_new ();
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->timelines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->typing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_hash_table_unref);
  self->typing_sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->unsent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) json_object_unref);
}

CcClient *
cc_client_new (CcAccount  *account,
               const char *data_dir)
{
  g_return_val_if_fail (CC_IS_ACCOUNT (account), NULL);
  return g_object_new (CC_TYPE_CLIENT, "account", account, "data-dir", data_dir, NULL);
}

CcAccount *cc_client_get_account (CcClient *self) { g_return_val_if_fail (CC_IS_CLIENT (self), NULL); return self->account; }
CcApi *cc_client_get_api (CcClient *self) { g_return_val_if_fail (CC_IS_CLIENT (self), NULL); return cc_account_get_api (self->account); }
CcCache *cc_client_get_cache (CcClient *self) { g_return_val_if_fail (CC_IS_CLIENT (self), NULL); return self->cache; }
CcSync *cc_client_get_sync (CcClient *self) { g_return_val_if_fail (CC_IS_CLIENT (self), NULL); return self->sync; }
CcOutbox *cc_client_get_outbox (CcClient *self) { g_return_val_if_fail (CC_IS_CLIENT (self), NULL); return self->outbox; }
const char *cc_client_get_data_dir (CcClient *self) { g_return_val_if_fail (CC_IS_CLIENT (self), NULL); return self->data_dir; }
GListModel *cc_client_get_rooms (CcClient *self) { g_return_val_if_fail (CC_IS_CLIENT (self), NULL); return G_LIST_MODEL (self->rooms); }

CcSyncState
cc_client_get_state (CcClient *self)
{
  g_return_val_if_fail (CC_IS_CLIENT (self), CC_SYNC_STATE_OFFLINE);
  return self->sync ? cc_sync_get_state (self->sync) : CC_SYNC_STATE_OFFLINE;
}

gboolean
cc_client_get_online (CcClient *self)
{
  return cc_client_get_state (self) == CC_SYNC_STATE_ONLINE;
}

guint
cc_client_get_unread_total (CcClient *self)
{
  g_return_val_if_fail (CC_IS_CLIENT (self), 0);
  return cc_room_list_get_unread_total (self->rooms);
}

CcRoom *
cc_client_lookup_room (CcClient   *self,
                       const char *room_id)
{
  g_return_val_if_fail (CC_IS_CLIENT (self), NULL);
  return cc_room_list_lookup (self->rooms, room_id);
}

CcUser *
cc_client_lookup_user (CcClient   *self,
                       const char *user_id)
{
  g_return_val_if_fail (CC_IS_CLIENT (self), NULL);
  return user_id ? g_hash_table_lookup (self->users, user_id) : NULL;
}

CcUser *
_cc_client_ensure_user (CcClient   *self,
                        JsonObject *json)
{
  const char *id = _cc_json_str (json, "id");
  CcUser *user;

  if (id == NULL)
    return NULL;
  user = g_hash_table_lookup (self->users, id);
  if (user != NULL)
    cc_user_update_from_json (user, json);
  else
    {
      user = cc_user_new_from_json (json);
      g_hash_table_insert (self->users, g_strdup (id), user);
    }
  _cc_client_apply_live (self, user);
  return user;
}

/* A member list or user read from the cache, or fetched before a presence
 * frame arrived, must not take back what that frame said: presence and
 * status text heard while online win until the connection drops (then
 * /api/presence and the next fetches tell again). */
void
_cc_client_apply_live (CcClient *self,
                       CcUser   *user)
{
  JsonObject *live = self->live ? g_hash_table_lookup (self->live, cc_user_get_id (user)) : NULL;

  if (live != NULL)
    cc_user_update_from_json (user, live);
}

void
_cc_client_persist_room (CcClient *self,
                         CcRoom   *room)
{
  g_autoptr(GPtrArray) rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  g_ptr_array_add (rooms, cc_room_to_json (room));
  cc_cache_save_rooms_async (self->cache, rooms, FALSE, NULL, NULL, NULL);
}

/* A deleted last message: the preview shows the one before it */

typedef struct {
  CcClient *self;
  char     *room_id;
  gint64    seq;       /* the deleted message's */
  gboolean  from_cache;
} EarlierLook;

static void
earlier_look_free (EarlierLook *look)
{
  g_object_unref (look->self);
  g_free (look->room_id);
  g_free (look);
}

static void look_on_server (EarlierLook *look);

/* Shows the newest visible message of the first @n of @messages (in
 * ascending seq); FALSE when none is. */
static gboolean
show_earlier (EarlierLook *look,
              GPtrArray   *messages,
              guint        n)
{
  CcRoom *room = cc_room_list_lookup (look->self->rooms, look->room_id);

  if (room == NULL || !cc_room_get_preview_deleted (room) ||
      cc_room_get_last_message_seq (room) != look->seq)
    return TRUE;   /* it moved on meanwhile */
  for (guint i = n; i > 0; i--)
    {
      JsonObject *message = g_ptr_array_index (messages, i - 1);

      if (cc_room_show_earlier_message (room, message))
        {
          _cc_client_persist_room (look->self, room);
          return TRUE;
        }
    }
  return FALSE;
}

static void
earlier_cached_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  EarlierLook *look = user_data;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;

  messages = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (messages != NULL && show_earlier (look, messages, messages->len))
    earlier_look_free (look);
  else
    look_on_server (look);
}

static int
by_seq (gconstpointer a,
        gconstpointer b)
{
  gint64 sa = _cc_json_int (*(JsonObject **) a, "seq");
  gint64 sb = _cc_json_int (*(JsonObject **) b, "seq");

  return sa < sb ? -1 : sa > sb;
}

static void
earlier_fetched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  EarlierLook *look = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = cc_api_request_finish_object (CC_API (object), result, &error);
  JsonArray *list = page ? _cc_json_array (page, "messages") : NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new ();

  if (error != NULL)
    g_debug ("Earlier message of %s: %s", look->room_id, error->message);
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    g_ptr_array_add (messages, json_array_get_object_element (list, i));
  /* The page may come newest first or last: put it in seq order. */
  g_ptr_array_sort (messages, by_seq);
  show_earlier (look, messages, messages->len);
  earlier_look_free (look);
}

static void
look_on_server (EarlierLook *look)
{
  g_autofree char *path = NULL;

  if (!look->from_cache || !cc_client_get_online (look->self))
    {
      earlier_look_free (look);
      return;
    }
  look->from_cache = FALSE;
  path = g_strdup_printf ("/api/rooms/%s/messages?before=%" G_GINT64_FORMAT "&limit=50",
                          look->room_id, look->seq);
  cc_api_request_async (cc_client_get_api (look->self), "GET", path, NULL, NULL,
                        earlier_fetched_cb, look);
}

/* When @room's preview shows a deleted message, looks for the one before
 * it in the cache, then on the server, and shows that (Slack does). */
void
_cc_client_check_preview (CcClient *self,
                          CcRoom   *room)
{
  EarlierLook *look;

  if (room == NULL || !cc_room_get_preview_deleted (room))
    return;
  look = g_new0 (EarlierLook, 1);
  look->self = g_object_ref (self);
  look->room_id = g_strdup (cc_room_get_id (room));
  look->seq = cc_room_get_last_message_seq (room);
  look->from_cache = TRUE;
  cc_cache_load_messages_async (self->cache, look->room_id, look->seq, 50, NULL,
                                earlier_cached_cb, look);
}

/* Members */

typedef struct {
  CcClient *self;
  char     *room_id;
  gboolean  from_server;
} MembersLoad;

static void
members_load_free (MembersLoad *load)
{
  g_object_unref (load->self);
  g_free (load->room_id);
  g_free (load);
}

static void
update_direct_room (CcClient   *self,
                    const char *room_id,
                    GListModel *members)
{
  CcRoom *room = cc_room_list_lookup (self->rooms, room_id);
  const char *me = cc_account_get_user_id (self->account);
  guint n = g_list_model_get_n_items (members);

  if (room == NULL || g_strcmp0 (cc_room_get_room_type (room), "direct") != 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcMember) member = g_list_model_get_item (members, i);
      CcUser *user = cc_client_lookup_user (self, cc_member_get_user_id (member));

      if (g_strcmp0 (cc_member_get_user_id (member), me) != 0)
        cc_room_set_other_user (room, cc_member_get_user_id (member),
                                user ? cc_user_get_presence (user) : cc_user_get_presence (cc_member_get_user (member)));
    }
}

static void fetch_members_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
members_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MembersLoad *load = user_data;
  CcClient *self = load->self;
  g_autoptr(GPtrArray) json = cc_cache_finish_array (CC_CACHE (object), result, NULL);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (g_object_unref);
  GListStore *store;
  CcTimeline *timeline;

  if (json == NULL || self->members == NULL)
    {
      members_load_free (load);
      return;
    }
  for (guint i = 0; i < json->len; i++)
    {
      JsonObject *m = g_ptr_array_index (json, i);

      CcMember *member;

      _cc_client_ensure_user (self, _cc_json_obj (m, "user"));
      member = cc_member_new_from_json (m);
      _cc_client_apply_live (self, cc_member_get_user (member));
      g_ptr_array_add (members, member);
    }
  store = g_hash_table_lookup (self->members, load->room_id);
  if (store != NULL)
    g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                         members->pdata, members->len);
  else
    {
      g_autoptr(GListStore) tmp = g_list_store_new (CC_TYPE_MEMBER);

      g_list_store_splice (tmp, 0, 0, members->pdata, members->len);
      update_direct_room (self, load->room_id, G_LIST_MODEL (tmp));
    }
  if (store != NULL)
    update_direct_room (self, load->room_id, G_LIST_MODEL (store));
  timeline = g_hash_table_lookup (self->timelines, load->room_id);
  if (timeline != NULL)
    _cc_timeline_update_read_by (timeline);
  /* Names of people typing may just have become known. */
  if (self->typing != NULL && g_hash_table_lookup (self->typing, load->room_id) != NULL &&
      g_hash_table_size (g_hash_table_lookup (self->typing, load->room_id)) > 0)
    g_signal_emit (self, signals[TYPING_CHANGED], 0, load->room_id);

  if (load->from_server && cc_api_has_token (cc_client_get_api (self)))
    {
      g_autofree char *room = cc_api_escape (load->room_id);
      g_autofree char *path = g_strdup_printf ("/api/rooms/%s/members", room);

      load->from_server = FALSE;
      cc_api_request_async (cc_client_get_api (self), "GET", path, NULL, self->cancellable,
                            fetch_members_cb, load);
      return;
    }
  members_load_free (load);
}

static void
members_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MembersLoad *load = user_data;

  cc_cache_finish (CC_CACHE (object), result, NULL);
  cc_cache_load_members_async (load->self->cache, load->room_id, NULL, members_loaded_cb, load);
}

static void
fetch_members_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MembersLoad *load = user_data;
  g_autoptr(JsonObject) body = cc_api_request_finish_object (CC_API (object), result, NULL);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *array = _cc_json_array (body, "members");

  if (array == NULL)
    {
      members_load_free (load);
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (json_array_get_object_element (array, i) != NULL)
      g_ptr_array_add (members, json_object_ref (json_array_get_object_element (array, i)));
  cc_cache_save_members_async (load->self->cache, load->room_id, members, TRUE, NULL,
                               members_saved_cb, load);
}

/* Reads the room's members from the cache into its store (when one
 * exists) and then, with @from_server, refreshes them over REST. */
void
_cc_client_reload_members (CcClient   *self,
                           const char *room_id,
                           gboolean    from_server)
{
  MembersLoad *load = g_new0 (MembersLoad, 1);

  load->self = g_object_ref (self);
  load->room_id = g_strdup (room_id);
  load->from_server = from_server;
  cc_cache_load_members_async (self->cache, room_id, NULL, members_loaded_cb, load);
}

GListModel *
cc_client_get_members (CcClient   *self,
                       const char *room_id)
{
  GListStore *store;

  g_return_val_if_fail (CC_IS_CLIENT (self), NULL);
  g_return_val_if_fail (room_id != NULL, NULL);

  store = g_hash_table_lookup (self->members, room_id);
  if (store == NULL)
    {
      store = g_list_store_new (CC_TYPE_MEMBER);
      g_hash_table_insert (self->members, g_strdup (room_id), store);
      _cc_client_reload_members (self, room_id, cc_client_get_online (self));
    }
  return g_object_ref (G_LIST_MODEL (store));
}

gint64
_cc_client_my_read_seq (CcClient   *self,
                        const char *room_id)
{
  GListModel *store = g_hash_table_lookup (self->members, room_id);
  const char *me = cc_account_get_user_id (self->account);
  guint n = store ? g_list_model_get_n_items (store) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcMember) member = g_list_model_get_item (store, i);

      if (g_strcmp0 (cc_member_get_user_id (member), me) == 0)
        return cc_member_get_last_read_seq (member);
    }
  return -1;
}

/* Timelines */

static void
timeline_gone (gpointer  data,
               GObject  *where)
{
  CcClient *self = data;
  GHashTableIter iter;
  gpointer value;

  if (self->timelines == NULL)
    return;
  g_hash_table_iter_init (&iter, self->timelines);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == (gpointer) where)
      g_hash_table_iter_remove (&iter);
}

CcTimeline *
cc_client_get_timeline (CcClient   *self,
                        const char *room_id)
{
  CcTimeline *timeline;
  g_autoptr(GListModel) members = NULL;
  CcUser *me;

  g_return_val_if_fail (CC_IS_CLIENT (self), NULL);
  g_return_val_if_fail (room_id != NULL, NULL);
  g_return_val_if_fail (self->cache != NULL, NULL);

  timeline = g_hash_table_lookup (self->timelines, room_id);
  if (timeline != NULL)
    return g_object_ref (timeline);

  me = cc_account_get_user (self->account);
  timeline = _cc_timeline_new (room_id, self->cache, cc_client_get_api (self),
                               me ? cc_user_get_id (me) : NULL,
                               me ? cc_user_get_display_name (me) : NULL);
  g_hash_table_insert (self->timelines, g_strdup (room_id), timeline);
  g_object_weak_ref (G_OBJECT (timeline), timeline_gone, self);
  members = cc_client_get_members (self, room_id);
  _cc_timeline_set_members (timeline, members);
  _cc_timeline_start (timeline, cc_client_get_online (self));
  return timeline;
}

/* Loading from the cache */

static void
rooms_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) rooms = NULL;
  GError *error = NULL;
  gboolean from_server = GPOINTER_TO_INT (g_task_get_task_data (task));

  rooms = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (rooms == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  cc_room_list_replace_all (self->rooms, rooms);
  for (guint i = 0; i < rooms->len; i++)
    _cc_client_check_preview (self, cc_room_list_lookup (self->rooms,
                                                         _cc_json_str (g_ptr_array_index (rooms, i), "id")));
  /* Direct rooms show the other person: their members say who. */
  for (guint i = 0; i < rooms->len; i++)
    {
      JsonObject *room = g_ptr_array_index (rooms, i);

      if (g_strcmp0 (_cc_json_str (room, "type"), "direct") == 0 || from_server)
        if (g_strcmp0 (_cc_json_str (room, "type"), "direct") == 0 ||
            g_hash_table_contains (self->members, _cc_json_str (room, "id")))
          _cc_client_reload_members (self, _cc_json_str (room, "id"), from_server);
    }
  g_task_return_boolean (task, TRUE);
}

static void
load_rooms (CcClient            *self,
            gboolean             from_server,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, self->cancellable, callback, user_data);

  g_task_set_task_data (task, GINT_TO_POINTER (from_server), NULL);
  cc_cache_load_rooms_async (self->cache, self->cancellable, rooms_loaded_cb, task);
}

static void
on_reloaded (CcSync   *sync,
             CcClient *self)
{
  GHashTableIter iter;
  gpointer timeline;

  load_rooms (self, TRUE, NULL, NULL);
  g_hash_table_iter_init (&iter, self->timelines);
  while (g_hash_table_iter_next (&iter, NULL, &timeline))
    _cc_timeline_refresh (timeline);
}

static void
presence_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CcClient) self = user_data;
  g_autoptr(JsonObject) body = cc_api_request_finish_object (CC_API (object), result, NULL);
  JsonArray *list = _cc_json_array (body, "presence");

  for (guint i = 0; list != NULL && self->users != NULL && i < json_array_get_length (list); i++)
    _cc_client_on_presence (self, json_array_get_object_element (list, i));
}

static void
on_synced (CcSync   *sync,
           CcClient *self)
{
  GHashTableIter iter;
  gpointer timeline;

  /* Back online: open rooms merge the server's newest page (and find any
   * gap), and presence is refreshed. */
  g_hash_table_iter_init (&iter, self->timelines);
  while (g_hash_table_iter_next (&iter, NULL, &timeline))
    _cc_timeline_refresh (timeline);
  if (self->idle)
    cc_sync_send_presence (self->sync, "idle");
  cc_api_request_async (cc_client_get_api (self), "GET", "/api/presence", NULL, self->cancellable,
                        presence_cb, g_object_ref (self));
}

static void
on_sync_state (CcSync     *sync,
               GParamSpec *pspec,
               CcClient   *self)
{
  cc_outbox_set_online (self->outbox, cc_sync_get_online (sync));
  /* Offline, nobody's presence is known: no green dot for someone who
   * may have left hours ago. It comes back with /api/presence. */
  if (cc_sync_get_state (sync) == CC_SYNC_STATE_OFFLINE)
    g_hash_table_remove_all (self->live);
  if (cc_sync_get_state (sync) == CC_SYNC_STATE_OFFLINE)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rooms)); i++)
      {
        g_autoptr(CcRoom) room = g_list_model_get_item (G_LIST_MODEL (self->rooms), i);

        cc_room_set_presence (room, NULL);
      }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
}

static void
on_unauthorized (CcSync   *sync,
                 CcClient *self)
{
  g_signal_emit (self, signals[SIGNED_OUT], 0);
}

/* Opening */

static void
on_unread_total (CcClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNREAD_TOTAL]);
}

static void
save_me (CcClient *self)
{
  CcUser *me = cc_account_get_user (self->account);
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *text = NULL;

  if (me == NULL || self->cache == NULL)
    return;
  json = cc_user_to_json (me);
  text = cau_json_object_to_string (json);
  cc_cache_set_meta_async (self->cache, "me", text, NULL, NULL, NULL);
  _cc_client_ensure_user (self, json);
}

static void
count_unsent (CcClient   *self,
              const char *room_id)
{
  CcRoom *room = room_id ? cc_room_list_lookup (self->rooms, room_id) : NULL;
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  if (room == NULL)
    return;
  g_hash_table_iter_init (&iter, self->unsent);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += g_strcmp0 (value, room_id) == 0;
  cc_room_set_pending (room, n);
}

/**
 * _cc_client_note_unsent:
 * @room_id: (nullable): the room of @txn_id while it waits in the outbox;
 *   NULL once it is stored or discarded.
 *
 * Keeps each room's count of waiting messages (the room list's marker).
 */
void
_cc_client_note_unsent (CcClient   *self,
                        const char *txn_id,
                        const char *room_id)
{
  g_autofree char *was = NULL;
  gpointer key = NULL, value = NULL;

  if (txn_id == NULL)
    return;
  if (g_hash_table_steal_extended (self->unsent, txn_id, &key, &value))
    {
      g_free (key);
      was = value;
    }
  if (room_id != NULL)
    g_hash_table_insert (self->unsent, g_strdup (txn_id), g_strdup (room_id));
  if (was != NULL && g_strcmp0 (was, room_id) != 0)
    count_unsent (self, was);
  count_unsent (self, room_id);
}

static void
unsent_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CcClient) self = user_data;
  g_autoptr(GPtrArray) entries = cc_cache_finish_array (CC_CACHE (object), result, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      CcOutboxEntry *entry = g_ptr_array_index (entries, i);

      _cc_client_note_unsent (self, entry->txn_id, entry->room_id);
    }
}

/* The room list marks rooms with a draft on this device. */
static void
drafts_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CcClient) self = user_data;
  g_autoptr(GPtrArray) drafts = cc_cache_finish_array (CC_CACHE (object), result, NULL);

  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    {
      JsonObject *draft = g_ptr_array_index (drafts, i);
      CcRoom *room = cc_room_list_lookup (self->rooms, _cc_json_str (draft, "room_id"));

      if (room != NULL)
        cc_room_set_draft (room, _cc_json_str (draft, "body"));
    }
}

static void
open_rooms_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  self->opened = TRUE;
  cc_cache_load_drafts_async (self->cache, self->cancellable, drafts_loaded_cb, g_object_ref (self));
  cc_cache_outbox_list_async (self->cache, NULL, self->cancellable, unsent_loaded_cb, g_object_ref (self));
  g_task_return_boolean (task, TRUE);
}

static void
open_users_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) users = cc_cache_finish_array (CC_CACHE (object), result, NULL);

  for (guint i = 0; users != NULL && i < users->len; i++)
    _cc_client_ensure_user (self, g_ptr_array_index (users, i));
  load_rooms (self, FALSE, open_rooms_cb, g_steal_pointer (&task));
}

static void
open_me_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  g_autofree char *text = cc_cache_finish_string (CC_CACHE (object), result, NULL);

  if (cc_account_get_user (self->account) == NULL && text != NULL)
    {
      g_autoptr(JsonObject) me = cau_json_parse_object (text, strlen (text), NULL);

      if (me != NULL)
        _cc_account_set_user (self->account, me);
    }
  save_me (self);
  cc_cache_load_users_async (self->cache, self->cancellable, open_users_cb, g_steal_pointer (&task));
}

static void
open_cache_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!cc_cache_open_finish (CC_CACHE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cc_cache_get_meta_async (self->cache, "me", self->cancellable, open_me_cb, g_steal_pointer (&task));
}

void
cc_client_open_async (CcClient            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  CcApi *api;
  GTask *task;

  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (self->cache == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cc_client_open_async);

  file = g_strconcat (cc_account_get_key (self->account), ".db", NULL);
  path = g_build_filename (self->data_dir, file, NULL);
  api = cc_account_get_api (self->account);
  self->cache = cc_cache_new (path);
  self->sync = cc_sync_new (api, self->cache);
  self->outbox = cc_outbox_new (self->cache, api);

  g_signal_connect (self->sync, "event", G_CALLBACK (_cc_client_on_sync_event), self);
  g_signal_connect (self->sync, "reloaded", G_CALLBACK (on_reloaded), self);
  g_signal_connect (self->sync, "synced", G_CALLBACK (on_synced), self);
  g_signal_connect (self->sync, "notify::state", G_CALLBACK (on_sync_state), self);
  g_signal_connect (self->sync, "unauthorized", G_CALLBACK (on_unauthorized), self);
  g_signal_connect (self->outbox, "entry-added", G_CALLBACK (_cc_client_on_entry_added), self);
  g_signal_connect (self->outbox, "entry-sent", G_CALLBACK (_cc_client_on_entry_sent), self);
  g_signal_connect (self->outbox, "entry-failed", G_CALLBACK (_cc_client_on_entry_failed), self);
  g_signal_connect (self->outbox, "entry-removed", G_CALLBACK (_cc_client_on_entry_removed), self);
  _cc_client_files_init (self);
  g_signal_connect_swapped (self->rooms, "notify::unread-total", G_CALLBACK (on_unread_total), self);
  g_signal_connect_swapped (self->account, "notify::user", G_CALLBACK (save_me), self);

  cc_cache_open_async (self->cache, cancellable, open_cache_cb, task);
}

gboolean
cc_client_open_finish (CcClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The network is back (a cable, Wi-Fi, a VPN): try now rather than at
 * the end of the backoff wait. */
static void
on_network_changed_cb (GNetworkMonitor *monitor,
                       gboolean         available,
                       CcClient        *self)
{
  if (available)
    cc_client_reconnect_now (self);
}

static void
forget_network (CcClient *self)
{
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_clear_object (&self->network);
}

void
cc_client_start (CcClient *self)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  g_return_if_fail (self->sync != NULL);
  if (self->network == NULL)
    {
      self->network = g_object_ref (g_network_monitor_get_default ());
      g_signal_connect (self->network, "network-changed", G_CALLBACK (on_network_changed_cb), self);
    }
  cc_sync_start (self->sync);
}

/**
 * cc_client_reconnect_now:
 *
 * While offline, tries to connect at once instead of at the end of the
 * backoff wait (the offline banner's "Reconnect Now", the network coming
 * back). Does nothing while connected or stopped.
 */
void
cc_client_reconnect_now (CcClient *self)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  if (self->sync != NULL)
    cc_sync_reconnect_now (self->sync);
}

void
cc_client_stop (CcClient *self)
{
  g_return_if_fail (CC_IS_CLIENT (self));
  forget_network (self);
  if (self->sync != NULL)
    cc_sync_stop (self->sync);
  if (self->outbox != NULL)
    cc_outbox_set_online (self->outbox, FALSE);
}

/* Activity hook ------------------------------------------------------------ */

/**
 * cc_client_get_activity:
 *
 * Returns: (transfer none): the Activity list of this account, made (and
 * loaded from the cache) on first use; one for all windows.
 */
CcActivity *
cc_client_get_activity (CcClient *self)
{
  g_return_val_if_fail (CC_IS_CLIENT (self), NULL);

  if (self->activity == NULL)
    self->activity = cc_activity_new (self);
  return self->activity;
}
