/* cc-search.c: message search (cc-search.h). A query goes to the cache's
 * worker thread (never SQLite here), whose answer shows first; then, when
 * online, the server's answer is merged in. Typing again cancels both:
 * a late answer for old text never shows.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-search"

#include "cc-cache-search.h"
#include "cc-json-private.h"
#include "cc-message.h"
#include "cc-search.h"

struct _CcSearch
{
  GObject       parent_instance;
  CcClient     *client;
  char         *text;
  char         *room_id;
  GPtrArray    *items;       /* CcMessage, highest seq first */
  GHashTable   *by_id;       /* id -> CcMessage (in items) */
  GCancellable *cancellable;
  guint         timeout_id;
  guint         delay_ms;
  guint         n_queries;
  gboolean      searched;
};

static void cc_search_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcSearch, cc_search, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, cc_search_model_init))

enum { PROP_0, PROP_CLIENT, PROP_TEXT, PROP_ROOM_ID, PROP_LOADING, PROP_SEARCHED, N_PROPS };
enum { DONE, N_SIGNALS };
static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static GType
model_get_item_type (GListModel *model)
{
  return CC_TYPE_MESSAGE;
}

static guint
model_get_n_items (GListModel *model)
{
  return CC_SEARCH (model)->items->len;
}

static gpointer
model_get_item (GListModel *model,
                guint       position)
{
  CcSearch *self = CC_SEARCH (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
cc_search_model_init (GListModelInterface *iface)
{
  iface->get_item_type = model_get_item_type;
  iface->get_n_items = model_get_n_items;
  iface->get_item = model_get_item;
}

static void
set_loading (CcSearch *self,
             int       delta)
{
  gboolean was = self->n_queries > 0;

  self->n_queries += delta;
  if (was != (self->n_queries > 0))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOADING]);
}

static void
set_searched (CcSearch *self,
              gboolean  searched)
{
  if (self->searched == searched)
    return;
  self->searched = searched;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SEARCHED]);
}

static int
by_seq_desc (gconstpointer a,
             gconstpointer b)
{
  gint64 sa = cc_message_get_seq (*(CcMessage **) a);
  gint64 sb = cc_message_get_seq (*(CcMessage **) b);

  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

/* Adds what is new in @page (replacing everything with @replace), newest
 * first, in one change. */
static void
merge (CcSearch  *self,
       GPtrArray *page,
       gboolean   replace)
{
  guint old = self->items->len;

  if (replace)
    {
      g_hash_table_remove_all (self->by_id);
      g_ptr_array_set_size (self->items, 0);
    }
  for (guint i = 0; i < page->len; i++)
    {
      JsonObject *json = g_ptr_array_index (page, i);
      const char *id = _cc_json_str (json, "id");
      CcMessage *message;

      if (id == NULL || _cc_json_bool (json, "deleted") || g_hash_table_contains (self->by_id, id))
        continue;
      message = cc_message_new_from_json (json);
      g_hash_table_insert (self->by_id, g_strdup (id), message);
      g_ptr_array_add (self->items, message);
    }
  g_ptr_array_sort (self->items, by_seq_desc);
  if (old > 0 || self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->items->len);
}

static void
server_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CcSearch) self = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *array;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, -1);
  if (body == NULL)
    {
      /* The cache's answer stays. */
      g_debug ("Searching on the server: %s", error ? error->message : "no answer");
      g_signal_emit (self, signals[DONE], 0);
      return;
    }
  array = _cc_json_array (body, "messages");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *m = json_array_get_object_element (array, i);

      if (m != NULL)
        g_ptr_array_add (page, json_object_ref (m));
    }
  merge (self, page, FALSE);
  g_signal_emit (self, signals[DONE], 0);
}

static void
ask_server (CcSearch *self)
{
  g_autofree char *q = g_uri_escape_string (self->text, NULL, FALSE);
  g_autofree char *room = self->room_id ? g_uri_escape_string (self->room_id, NULL, FALSE) : NULL;
  g_autofree char *path = g_strdup_printf ("/api/search?q=%s%s%s&limit=%d", q,
                                           room ? "&room_id=" : "", room ? room : "",
                                           CC_SEARCH_LIMIT);

  set_loading (self, +1);
  cc_api_request_async (cc_client_get_api (self->client), "GET", path, NULL,
                        self->cancellable, server_cb, g_object_ref (self));
}

static void
cache_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CcSearch) self = user_data;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  page = cc_cache_finish_array (CC_CACHE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, -1);
  if (page == NULL)
    {
      g_warning ("Searching the local messages: %s", error->message);
      page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
    }
  merge (self, page, TRUE);
  set_searched (self, TRUE);
  g_signal_emit (self, signals[DONE], 0);
}

static gboolean
run_cb (gpointer user_data)
{
  CcSearch *self = user_data;

  self->timeout_id = 0;
  set_loading (self, +1);
  cc_cache_search_async (cc_client_get_cache (self->client), self->text, self->room_id,
                         CC_SEARCH_LIMIT, self->cancellable, cache_cb, g_object_ref (self));
  if (cc_client_get_online (self->client))
    ask_server (self);
  return G_SOURCE_REMOVE;
}

void
cc_search_set_query (CcSearch   *self,
                     const char *text,
                     const char *room_id)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (CC_IS_SEARCH (self));

  stripped = g_strstrip (g_strdup (text ? text : ""));
  if (g_strcmp0 (stripped, self->text) == 0 && g_strcmp0 (room_id, self->room_id) == 0)
    return;

  g_free (self->text);
  self->text = g_steal_pointer (&stripped);
  g_free (self->room_id);
  self->room_id = g_strdup (room_id);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ROOM_ID]);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  set_loading (self, -(int) self->n_queries);
  set_searched (self, FALSE);

  if (self->text[0] == '\0')
    {
      g_autoptr(GPtrArray) none = g_ptr_array_new ();

      merge (self, none, TRUE);
      return;
    }
  if (self->delay_ms == 0)
    run_cb (self);
  else
    self->timeout_id = g_timeout_add (self->delay_ms, run_cb, self);
}

const char *
cc_search_get_text (CcSearch *self)
{
  g_return_val_if_fail (CC_IS_SEARCH (self), NULL);
  return self->text;
}

const char *
cc_search_get_room_id (CcSearch *self)
{
  g_return_val_if_fail (CC_IS_SEARCH (self), NULL);
  return self->room_id;
}

gboolean
cc_search_get_loading (CcSearch *self)
{
  g_return_val_if_fail (CC_IS_SEARCH (self), FALSE);
  return self->n_queries > 0;
}

gboolean
cc_search_get_searched (CcSearch *self)
{
  g_return_val_if_fail (CC_IS_SEARCH (self), FALSE);
  return self->searched;
}

void
cc_search_set_delay (CcSearch *self,
                     guint     delay_ms)
{
  g_return_if_fail (CC_IS_SEARCH (self));
  self->delay_ms = delay_ms;
}

CcSearch *
cc_search_new (CcClient *client)
{
  g_return_val_if_fail (CC_IS_CLIENT (client), NULL);
  return g_object_new (CC_TYPE_SEARCH, "client", client, NULL);
}

static void
cc_search_dispose (GObject *object)
{
  CcSearch *self = CC_SEARCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (cc_search_parent_class)->dispose (object);
}

static void
cc_search_finalize (GObject *object)
{
  CcSearch *self = CC_SEARCH (object);

  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->items);
  g_free (self->text);
  g_free (self->room_id);
  G_OBJECT_CLASS (cc_search_parent_class)->finalize (object);
}

static void
cc_search_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CcSearch *self = CC_SEARCH (object);

  switch (prop_id)
    {
    case PROP_CLIENT: g_value_set_object (value, self->client); break;
    case PROP_TEXT: g_value_set_string (value, self->text); break;
    case PROP_ROOM_ID: g_value_set_string (value, self->room_id); break;
    case PROP_LOADING: g_value_set_boolean (value, self->n_queries > 0); break;
    case PROP_SEARCHED: g_value_set_boolean (value, self->searched); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_search_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CcSearch *self = CC_SEARCH (object);

  if (prop_id == PROP_CLIENT)
    self->client = g_value_dup_object (value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cc_search_class_init (CcSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = cc_search_dispose;
  object_class->finalize = cc_search_finalize;
  object_class->get_property = cc_search_get_property;
  object_class->set_property = cc_search_set_property;

  props[PROP_CLIENT] = g_param_spec_object ("client", NULL, NULL, CC_TYPE_CLIENT,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                            G_PARAM_STATIC_STRINGS);
  props[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "", ro);
  props[PROP_ROOM_ID] = g_param_spec_string ("room-id", NULL, NULL, NULL, ro);
  props[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  props[PROP_SEARCHED] = g_param_spec_boolean ("searched", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cc_search_init (CcSearch *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->text = g_strdup ("");
  self->delay_ms = CC_SEARCH_DELAY_MS;
  self->cancellable = g_cancellable_new ();
}
