/* cc-activity.c: the Activity list, kept in step with the server and
 * cached (as one JSON document under the cache's meta key "activity").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-activity"

#include "cc-activity.h"

#include "cc-cache.h"
#include "cc-invitation.h"
#include "cc-events.h"
#include "cc-json-private.h"
#include "cc-sync.h"

#define CACHE_KEY "activity"

struct _CcActivity
{
  GObject       parent_instance;
  CcClient     *client;
  GListStore   *items;        /* CcNotification */
  GListStore   *invitations;  /* CcInvitation */
  JsonArray    *invitations_json;
  GCancellable *cancellable;
  guint         unread;
  gboolean      fetched;      /* the server answered once: the cache is stale */
};

G_DEFINE_FINAL_TYPE (CcActivity, cc_activity, G_TYPE_OBJECT)

enum { PROP_0, PROP_UNREAD_COUNT, N_PROPS };
static GParamSpec *props[N_PROPS];
enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
recount (CcActivity *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint unread = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcNotification) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      /* An invitation counts once, as pending (below), not as its notification. */
      if (!cc_notification_get_read (item) && cc_notification_get_kind (item) != CC_NOTIFICATION_INVITATION)
        unread++;
    }
  unread += g_list_model_get_n_items (G_LIST_MODEL (self->invitations));
  if (unread != self->unread)
    {
      self->unread = unread;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNREAD_COUNT]);
    }
}

static void
save (CcActivity *self)
{
  g_autoptr(JsonObject) doc = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonArray *list = json_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autofree char *text = NULL;

  if (self->client == NULL || cc_client_get_cache (self->client) == NULL)
    {
      json_array_unref (list);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcNotification) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      json_array_add_object_element (list, cc_notification_to_json (item));
    }
  json_object_set_array_member (doc, "notifications", list);
  json_object_set_array_member (doc, "invitations",
                                self->invitations_json ? json_array_ref (self->invitations_json) : json_array_new ());
  json_node_set_object (node, doc);
  text = json_to_string (node, FALSE);
  cc_cache_set_meta_async (cc_client_get_cache (self->client), CACHE_KEY, text, NULL, NULL, NULL);
}

static void
set_notifications (CcActivity *self,
                   JsonArray  *list)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = list ? json_array_get_length (list) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      CcNotification *item = JSON_NODE_HOLDS_OBJECT (node)
                             ? cc_notification_new_from_json (json_node_get_object (node)) : NULL;

      if (item)
        g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  recount (self);
}

static void
set_invitations (CcActivity *self,
                 JsonArray  *list)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = list ? json_array_get_length (list) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (items, cc_invitation_new_from_json (json_node_get_object (node)));
    }
  g_clear_pointer (&self->invitations_json, json_array_unref);
  self->invitations_json = list ? json_array_ref (list) : NULL;
  g_list_store_splice (self->invitations, 0, g_list_model_get_n_items (G_LIST_MODEL (self->invitations)),
                       items->pdata, items->len);
  recount (self);
}

static void
cache_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CcActivity) self = user_data;
  g_autofree char *text = cc_cache_finish_string (CC_CACHE (source), result, NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *doc;

  if (text == NULL || self->fetched)
    return;
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  doc = json_node_get_object (node);
  set_notifications (self, _cc_json_array (doc, "notifications"));
  set_invitations (self, _cc_json_array (doc, "invitations"));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
notifications_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CcActivity) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = cc_api_request_finish_object (CC_API (source), result, &error);

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not load notifications: %s", error->message);
      return;
    }
  self->fetched = TRUE;
  set_notifications (self, _cc_json_array (reply, "notifications"));
  save (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
invitations_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CcActivity) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = cc_api_request_finish_object (CC_API (source), result, &error);

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not load invitations: %s", error->message);
      return;
    }
  self->fetched = TRUE;
  set_invitations (self, _cc_json_array (reply, "invitations"));
  save (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
cc_activity_refresh (CcActivity *self)
{
  CcApi *api;

  g_return_if_fail (CC_IS_ACTIVITY (self));

  if (self->client == NULL)
    return;
  api = cc_client_get_api (self->client);
  if (!cc_api_has_token (api))
    return;
  cc_api_request_async (api, "GET", "/api/notifications", NULL, self->cancellable,
                        notifications_cb, g_object_ref (self));
  cc_api_request_async (api, "GET", "/api/me/invitations", NULL, self->cancellable,
                        invitations_cb, g_object_ref (self));
}

CcNotification *
cc_activity_lookup (CcActivity *self,
                    const char *id)
{
  guint n;

  g_return_val_if_fail (CC_IS_ACTIVITY (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcNotification) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (g_strcmp0 (cc_notification_get_id (item), id) == 0)
        return item;   /* the store keeps its ref */
    }
  return NULL;
}

static void
on_event_cb (CcSync     *sync,
             const char *type,
             JsonObject *frame,
             CcActivity *self)
{
  JsonObject *data = _cc_json_obj (frame, "data");

  if (data == NULL)
    return;
  if (g_strcmp0 (type, CC_EVENT_NOTIFICATION_NEW) == 0)
    {
      g_autoptr(CcNotification) item = cc_notification_new_from_json (data);

      if (item == NULL || cc_activity_lookup (self, cc_notification_get_id (item)) != NULL)
        return;
      g_list_store_insert (self->items, 0, item);
    }
  else if (g_strcmp0 (type, CC_EVENT_NOTIFICATION_READ) == 0)
    {
      JsonArray *ids = _cc_json_array (data, "ids");

      if (_cc_json_bool (data, "all"))
        {
          guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

          for (guint i = 0; i < n; i++)
            {
              g_autoptr(CcNotification) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

              cc_notification_set_read (item, TRUE);
            }
        }
      for (guint i = 0; ids && i < json_array_get_length (ids); i++)
        {
          CcNotification *item = cc_activity_lookup (self, json_array_get_string_element (ids, i));

          if (item)
            cc_notification_set_read (item, TRUE);
        }
    }
  else if (g_strcmp0 (type, CC_EVENT_INVITATION_NEW) == 0)
    {
      /* Asking again keeps one shape for the list and the cache. */
      cc_activity_refresh (self);
      return;
    }
  else if (g_strcmp0 (type, CC_EVENT_ROOM_NEW) == 0)
    {
      cc_activity_refresh (self);
      return;
    }
  else
    return;
  recount (self);
  save (self);
}

static void
on_synced_cb (CcSync     *sync,
              CcActivity *self)
{
  cc_activity_refresh (self);
}

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = cc_api_request_finish (CC_API (source), result, NULL, NULL, &error);

  if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not mark a notification read: %s", error->message);
}

void
cc_activity_mark_read (CcActivity *self,
                       const char *id)
{
  CcNotification *item;
  g_autofree char *escaped = NULL, *path = NULL;

  g_return_if_fail (CC_IS_ACTIVITY (self));
  g_return_if_fail (id != NULL);

  item = cc_activity_lookup (self, id);
  if (item == NULL || cc_notification_get_read (item))
    return;
  cc_notification_set_read (item, TRUE);
  recount (self);
  save (self);
  if (self->client == NULL)
    return;
  escaped = cc_api_escape (id);
  path = g_strdup_printf ("/api/notifications/%s/read", escaped);
  cc_api_request_async (cc_client_get_api (self->client), "POST", path, NULL, self->cancellable,
                        request_done_cb, NULL);
}

void
cc_activity_mark_all_read (CcActivity *self)
{
  guint n;

  g_return_if_fail (CC_IS_ACTIVITY (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcNotification) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      cc_notification_set_read (item, TRUE);
    }
  recount (self);
  save (self);
  if (self->client == NULL)
    return;
  cc_api_request_async (cc_client_get_api (self->client), "POST", "/api/notifications/read-all", NULL,
                        self->cancellable, request_done_cb, NULL);
}

void
cc_activity_forget_invitation (CcActivity *self,
                               const char *token)
{
  guint n;

  g_return_if_fail (CC_IS_ACTIVITY (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->invitations));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(CcInvitation) inv = g_list_model_get_item (G_LIST_MODEL (self->invitations), i - 1);

      if (g_strcmp0 (cc_invitation_get_token (inv), token) == 0)
        {
          g_list_store_remove (self->invitations, i - 1);
          if (self->invitations_json && i - 1 < json_array_get_length (self->invitations_json))
            json_array_remove_element (self->invitations_json, i - 1);
        }
    }
  recount (self);
  save (self);
}

GListModel *
cc_activity_get_items (CcActivity *self)
{
  g_return_val_if_fail (CC_IS_ACTIVITY (self), NULL);
  return G_LIST_MODEL (self->items);
}

GListModel *
cc_activity_get_invitations (CcActivity *self)
{
  g_return_val_if_fail (CC_IS_ACTIVITY (self), NULL);
  return G_LIST_MODEL (self->invitations);
}

guint
cc_activity_get_unread_count (CcActivity *self)
{
  g_return_val_if_fail (CC_IS_ACTIVITY (self), 0);
  return self->unread;
}

static void
cc_activity_dispose (GObject *object)
{
  CcActivity *self = CC_ACTIVITY (object);

  g_cancellable_cancel (self->cancellable);
  if (self->client)
    {
      if (cc_client_get_sync (self->client))
        g_signal_handlers_disconnect_by_data (cc_client_get_sync (self->client), self);
      g_object_remove_weak_pointer (G_OBJECT (self->client), (gpointer *) &self->client);
      self->client = NULL;
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->items);
  g_clear_object (&self->invitations);
  g_clear_pointer (&self->invitations_json, json_array_unref);
  G_OBJECT_CLASS (cc_activity_parent_class)->dispose (object);
}

static void
cc_activity_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CcActivity *self = CC_ACTIVITY (object);

  switch (prop_id)
    {
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_activity_class_init (CcActivityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cc_activity_dispose;
  object_class->get_property = cc_activity_get_property;
  props[PROP_UNREAD_COUNT] = g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);
}

static void
cc_activity_init (CcActivity *self)
{
  self->items = g_list_store_new (CC_TYPE_NOTIFICATION);
  self->invitations = g_list_store_new (CC_TYPE_INVITATION);
  self->cancellable = g_cancellable_new ();
}

CcActivity *
cc_activity_new (CcClient *client)
{
  CcActivity *self;
  CcSync *sync;

  g_return_val_if_fail (CC_IS_CLIENT (client), NULL);

  self = g_object_new (CC_TYPE_ACTIVITY, NULL);
  /* The client owns its activity: a weak pointer, no cycle. */
  self->client = client;
  g_object_add_weak_pointer (G_OBJECT (client), (gpointer *) &self->client);
  sync = cc_client_get_sync (client);
  g_signal_connect (sync, "event", G_CALLBACK (on_event_cb), self);
  g_signal_connect (sync, "synced", G_CALLBACK (on_synced_cb), self);
  cc_cache_get_meta_async (cc_client_get_cache (client), CACHE_KEY, self->cancellable,
                           cache_loaded_cb, g_object_ref (self));
  return self;
}
