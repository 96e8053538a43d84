/* cc-room-list.c: the rooms as a GListModel, newest activity first.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-room-list"

#include "cc-json-private.h"
#include "cc-room-list.h"

struct _CcRoomList
{
  GObject     parent_instance;
  GPtrArray  *rooms;     /* CcRoom, sorted */
  GHashTable *by_id;     /* id -> CcRoom (borrowed from rooms) */
  guint       unread_total;
};

static void cc_room_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcRoomList, cc_room_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, cc_room_list_model_init))

enum { PROP_0, PROP_UNREAD_TOTAL, N_PROPS };
static GParamSpec *props[N_PROPS];

static GType
model_get_item_type (GListModel *model)
{
  return CC_TYPE_ROOM;
}

static guint
model_get_n_items (GListModel *model)
{
  return CC_ROOM_LIST (model)->rooms->len;
}

static gpointer
model_get_item (GListModel *model,
                guint       position)
{
  CcRoomList *self = CC_ROOM_LIST (model);

  if (position >= self->rooms->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rooms, position));
}

static void
cc_room_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = model_get_item_type;
  iface->get_n_items = model_get_n_items;
  iface->get_item = model_get_item;
}

/* Newer first; ties by name then id, so the order is stable. */
static int
compare_rooms (CcRoom *a,
               CcRoom *b)
{
  gint64 ta = cc_room_get_last_activity_at (a);
  gint64 tb = cc_room_get_last_activity_at (b);
  int c;

  if (ta != tb)
    return ta > tb ? -1 : 1;
  c = g_strcmp0 (cc_room_get_name (a), cc_room_get_name (b));
  return c != 0 ? c : g_strcmp0 (cc_room_get_id (a), cc_room_get_id (b));
}

static guint
find_insert_position (CcRoomList *self,
                      CcRoom     *room)
{
  guint lo = 0, hi = self->rooms->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (compare_rooms (g_ptr_array_index (self->rooms, mid), room) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
update_unread_total (CcRoomList *self)
{
  guint total = 0;

  for (guint i = 0; i < self->rooms->len; i++)
    {
      CcRoom *room = g_ptr_array_index (self->rooms, i);

      if (!cc_room_get_muted (room) && !cc_room_get_is_archived (room))
        total += cc_room_get_unread_count (room);
    }
  if (total != self->unread_total)
    {
      self->unread_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNREAD_TOTAL]);
    }
}

static void
on_room_activity (CcRoom     *room,
                  GParamSpec *pspec,
                  CcRoomList *self)
{
  guint old_pos, new_pos;

  if (!g_ptr_array_find (self->rooms, room, &old_pos))
    return;
  g_ptr_array_remove_index (self->rooms, old_pos);   /* keeps our ref: no free func */
  new_pos = find_insert_position (self, room);
  if (new_pos == old_pos)
    {
      g_ptr_array_insert (self->rooms, new_pos, room);
      return;
    }
  /* Each signal tells the list as it is then: a view that reads the list
   * while told of the removal must not find the room at its new place
   * already, or it shows it twice ("Duplicate item detected in list",
   * issue 11). */
  g_list_model_items_changed (G_LIST_MODEL (self), old_pos, 1, 0);
  g_ptr_array_insert (self->rooms, new_pos, room);
  g_list_model_items_changed (G_LIST_MODEL (self), new_pos, 0, 1);
}

static void
track (CcRoomList *self,
       CcRoom     *room)
{
  g_signal_connect (room, "notify::last-activity-at", G_CALLBACK (on_room_activity), self);
  g_signal_connect_swapped (room, "notify::unread-count", G_CALLBACK (update_unread_total), self);
  g_signal_connect_swapped (room, "notify::muted", G_CALLBACK (update_unread_total), self);
  g_signal_connect_swapped (room, "notify::is-archived", G_CALLBACK (update_unread_total), self);
}

static void
untrack (gpointer room,
         gpointer self)
{
  g_signal_handlers_disconnect_by_data (room, self);
  g_object_unref (room);
}

static void
cc_room_list_dispose (GObject *object)
{
  CcRoomList *self = CC_ROOM_LIST (object);

  if (self->rooms != NULL)
    g_ptr_array_foreach (self->rooms, untrack, self);
  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  G_OBJECT_CLASS (cc_room_list_parent_class)->dispose (object);
}

static void
cc_room_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_UNREAD_TOTAL: g_value_set_uint (value, CC_ROOM_LIST (object)->unread_total); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_room_list_class_init (CcRoomListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cc_room_list_dispose;
  object_class->get_property = cc_room_list_get_property;
  props[PROP_UNREAD_TOTAL] = g_param_spec_uint ("unread-total", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cc_room_list_init (CcRoomList *self)
{
  self->rooms = g_ptr_array_new ();
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

CcRoomList *
cc_room_list_new (void)
{
  return g_object_new (CC_TYPE_ROOM_LIST, NULL);
}

CcRoom *
cc_room_list_lookup (CcRoomList *self,
                     const char *room_id)
{
  g_return_val_if_fail (CC_IS_ROOM_LIST (self), NULL);
  return room_id ? g_hash_table_lookup (self->by_id, room_id) : NULL;
}

CcRoom *
cc_room_list_upsert (CcRoomList *self,
                     JsonObject *json)
{
  const char *id = _cc_json_str (json, "id");
  CcRoom *room;
  guint pos;

  g_return_val_if_fail (CC_IS_ROOM_LIST (self), NULL);
  if (id == NULL)
    return NULL;

  room = g_hash_table_lookup (self->by_id, id);
  if (room != NULL)
    {
      cc_room_update_from_json (room, json);   /* re-sorts through notify */
      update_unread_total (self);
      return room;
    }
  room = cc_room_new_from_json (json);
  pos = find_insert_position (self, room);
  g_ptr_array_insert (self->rooms, pos, room);
  g_hash_table_insert (self->by_id, (gpointer) cc_room_get_id (room), room);
  track (self, room);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
  update_unread_total (self);
  return room;
}

void
cc_room_list_remove (CcRoomList *self,
                     const char *room_id)
{
  CcRoom *room;
  guint pos;

  g_return_if_fail (CC_IS_ROOM_LIST (self));
  room = cc_room_list_lookup (self, room_id);
  if (room == NULL || !g_ptr_array_find (self->rooms, room, &pos))
    return;
  g_hash_table_remove (self->by_id, room_id);
  g_ptr_array_remove_index (self->rooms, pos);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
  untrack (room, self);
  update_unread_total (self);
}

void
cc_room_list_replace_all (CcRoomList *self,
                          GPtrArray  *rooms)
{
  g_autoptr(GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (CC_IS_ROOM_LIST (self));

  for (guint i = 0; i < rooms->len; i++)
    {
      const char *id = _cc_json_str (g_ptr_array_index (rooms, i), "id");

      if (id != NULL)
        g_hash_table_add (keep, (gpointer) id);
    }
  for (guint i = 0; i < self->rooms->len; i++)
    {
      const char *id = cc_room_get_id (g_ptr_array_index (self->rooms, i));

      if (!g_hash_table_contains (keep, id))
        g_ptr_array_add (gone, g_strdup (id));
    }
  for (guint i = 0; i < gone->len; i++)
    cc_room_list_remove (self, g_ptr_array_index (gone, i));
  for (guint i = 0; i < rooms->len; i++)
    cc_room_list_upsert (self, g_ptr_array_index (rooms, i));
}

guint
cc_room_list_get_unread_total (CcRoomList *self)
{
  g_return_val_if_fail (CC_IS_ROOM_LIST (self), 0);
  return self->unread_total;
}
