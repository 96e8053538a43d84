/* cc-sync.c: the account's WebSocket: connect, catch up from the last
 * persisted seq, apply stored events to the cache one at a time and in
 * order, then emit them; reload over REST when the server's log does not
 * reach back far enough; reconnect with capped exponential backoff and
 * full jitter.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-sync"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cau-json.h"
#include "cc-events.h"
#include "cc-json-private.h"
#include "cc-sync-private.h"

struct _CcSync
{
  GObject                  parent_instance;
  CcApi                   *api;
  CcCache                 *cache;
  SoupWebsocketConnection *ws;
  GCancellable            *cancellable;   /* this connection's work */
  GQueue                   frames;        /* JsonObject waiting to be applied */
  char                    *error;
  CcSyncState              state;
  gint64                   last_seq;      /* persisted */
  gint64                   ready_seq;
  gint64                   connect_since; /* the ?since= of this connection, or -1 */
  guint                    reconnect_id;
  guint                    attempt;
  guint                    base_ms;
  guint                    cap_ms;
  gboolean                 running;
  gboolean                 seq_loaded;
  gboolean                 busy;          /* a frame is being applied */
  guint                    generation;    /* bumped by every new connection */
};

G_DEFINE_FINAL_TYPE (CcSync, cc_sync, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, PROP_ONLINE, PROP_LAST_SEQ, PROP_ERROR, N_PROPS };
enum { EVENT, SYNCED, RELOADED, RESYNC_REQUIRED, UNAUTHORIZED, N_SIGNALS };

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_now (CcSync *self);
static void process_next (CcSync *self);

static void
set_state (CcSync      *self,
           CcSyncState  state)
{
  gboolean was_online = self->state == CC_SYNC_STATE_ONLINE;

  if (self->state == state)
    return;
  g_debug ("State %d -> %d", self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  if (was_online != (state == CC_SYNC_STATE_ONLINE))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
}

static void
set_error (CcSync     *self,
           const char *error)
{
  if (_cc_set_str (&self->error, error))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ERROR]);
}

static void
drop_connection (CcSync *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->ws);
    }
  g_queue_clear_full (&self->frames, (GDestroyNotify) json_object_unref);
  self->busy = FALSE;
}

static void
cc_sync_dispose (GObject *object)
{
  CcSync *self = CC_SYNC (object);

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  drop_connection (self);
  g_clear_object (&self->api);
  g_clear_object (&self->cache);
  G_OBJECT_CLASS (cc_sync_parent_class)->dispose (object);
}

static void
cc_sync_finalize (GObject *object)
{
  g_free (CC_SYNC (object)->error);
  G_OBJECT_CLASS (cc_sync_parent_class)->finalize (object);
}

static void
cc_sync_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcSync *self = CC_SYNC (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->state == CC_SYNC_STATE_ONLINE); break;
    case PROP_LAST_SEQ: g_value_set_int64 (value, self->last_seq); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_sync_class_init (CcSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = cc_sync_dispose;
  object_class->finalize = cc_sync_finalize;
  object_class->get_property = cc_sync_get_property;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CC_TYPE_SYNC_STATE, CC_SYNC_STATE_OFFLINE, flags);
  props[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, flags);
  props[PROP_LAST_SEQ] = g_param_spec_int64 ("last-seq", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                 NULL, G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
  signals[SYNCED] = g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                  NULL, G_TYPE_NONE, 0);
  signals[RELOADED] = g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                    NULL, G_TYPE_NONE, 0);
  signals[RESYNC_REQUIRED] = g_signal_new ("resync-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[UNAUTHORIZED] = g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cc_sync_init (CcSync *self)
{
  self->base_ms = 1000;
  self->connect_since = -1;
  /* About a second first, then 2, 4, 8 and at most 15 s between tries:
   * a server back from a restart is found within seconds. */
  self->cap_ms = 15000;
  g_queue_init (&self->frames);
}

CcSync *
cc_sync_new (CcApi   *api,
             CcCache *cache)
{
  CcSync *self;

  g_return_val_if_fail (CC_IS_API (api), NULL);
  g_return_val_if_fail (CC_IS_CACHE (cache), NULL);
  self = g_object_new (CC_TYPE_SYNC, NULL);
  self->api = g_object_ref (api);
  self->cache = g_object_ref (cache);
  return self;
}

CcSyncState cc_sync_get_state (CcSync *self) { g_return_val_if_fail (CC_IS_SYNC (self), CC_SYNC_STATE_OFFLINE); return self->state; }
gboolean cc_sync_get_online (CcSync *self) { g_return_val_if_fail (CC_IS_SYNC (self), FALSE); return self->state == CC_SYNC_STATE_ONLINE; }
gint64 cc_sync_get_last_seq (CcSync *self) { g_return_val_if_fail (CC_IS_SYNC (self), 0); return self->last_seq; }
const char *cc_sync_get_error (CcSync *self) { g_return_val_if_fail (CC_IS_SYNC (self), NULL); return self->error; }

void
cc_sync_set_backoff (CcSync *self,
                     guint   base_ms,
                     guint   cap_ms)
{
  g_return_if_fail (CC_IS_SYNC (self));
  self->base_ms = MAX (base_ms, 1);
  self->cap_ms = MAX (cap_ms, self->base_ms);
}

/* Backoff */

static gboolean
reconnect_cb (gpointer data)
{
  CcSync *self = data;

  self->reconnect_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

guint
_cc_sync_backoff_delay (guint base_ms,
                        guint cap_ms,
                        guint attempt)
{
  guint64 ceiling = MIN ((guint64) cap_ms, (guint64) base_ms << MIN (attempt, 30));
  guint64 half;

  /* Equal jitter: between half the ceiling and the ceiling. Clients that
   * lost the server together do not come back together, and none waits
   * much longer than its ceiling (full jitter made waits of 30 to 40 s
   * after the server came back common with a 60 s cap). */
  ceiling = MIN (ceiling, G_MAXINT32 - 1);
  half = ceiling / 2;
  return (guint) (half + g_random_int_range (0, (gint32) (ceiling - half) + 1));
}

static void
schedule_reconnect (CcSync *self)
{
  guint delay;

  drop_connection (self);
  set_state (self, CC_SYNC_STATE_OFFLINE);
  if (!self->running || self->reconnect_id != 0)
    return;
  delay = _cc_sync_backoff_delay (self->base_ms, self->cap_ms, self->attempt);
  self->attempt++;
  g_debug ("Reconnecting in %u ms (attempt %u)", delay, self->attempt);
  self->reconnect_id = g_timeout_add (delay, reconnect_cb, self);
}

/* Sending */

static gboolean
send_frame (CcSync     *self,
            JsonObject *frame)
{
  g_autofree char *text = NULL;

  if (self->ws == NULL || soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;
  text = cau_json_object_to_string (frame);
  soup_websocket_connection_send_text (self->ws, text);
  return TRUE;
}

static void
send_sync (CcSync *self,
           gint64  since)
{
  g_autoptr(JsonObject) frame = json_object_new ();

  json_object_set_string_member (frame, "type", CC_FRAME_SYNC);
  json_object_set_int_member (frame, "since", since);
  g_debug ("sync since %" G_GINT64_FORMAT, since);
  send_frame (self, frame);
}

gboolean
cc_sync_send_typing (CcSync     *self,
                     const char *room_id,
                     gboolean    typing)
{
  g_autoptr(JsonObject) frame = json_object_new ();

  g_return_val_if_fail (CC_IS_SYNC (self), FALSE);
  g_return_val_if_fail (room_id != NULL, FALSE);
  json_object_set_string_member (frame, "type", CC_EVENT_TYPING);
  json_object_set_string_member (frame, "room_id", room_id);
  json_object_set_boolean_member (frame, "typing", typing);
  return send_frame (self, frame);
}

gboolean
cc_sync_send_presence (CcSync     *self,
                       const char *status)
{
  g_autoptr(JsonObject) frame = json_object_new ();

  g_return_val_if_fail (CC_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_strcmp0 (status, "online") == 0 || g_strcmp0 (status, "idle") == 0, FALSE);
  json_object_set_string_member (frame, "type", CC_EVENT_PRESENCE);
  json_object_set_string_member (frame, "status", status);
  return send_frame (self, frame);
}

gboolean
cc_sync_send_read (CcSync     *self,
                   const char *room_id,
                   gint64      up_to_seq)
{
  g_autoptr(JsonObject) frame = json_object_new ();

  g_return_val_if_fail (CC_IS_SYNC (self), FALSE);
  g_return_val_if_fail (room_id != NULL, FALSE);
  json_object_set_string_member (frame, "type", CC_FRAME_READ);
  json_object_set_string_member (frame, "room_id", room_id);
  json_object_set_int_member (frame, "up_to_seq", up_to_seq);
  return send_frame (self, frame);
}

/* Persisting */

static void
persist_seq (CcSync *self,
             gint64  seq)
{
  if (seq <= self->last_seq)
    return;
  self->last_seq = seq;
  cc_cache_set_last_seq_async (self->cache, seq, NULL, NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_SEQ]);
}

/* REST reload: the rooms as the server has them now. Messages are
 * fetched per room by the timelines, which detect the gaps. */

typedef struct {
  CcSync       *self;
  GCancellable *cancellable;
  GPtrArray    *rooms;             /* JsonObject */
  gint64        then_sync_since;   /* < 0: do not send sync afterwards */
  gboolean      archived_done;
} Reload;

static void
reload_free (Reload *r)
{
  g_clear_object (&r->self);
  g_clear_object (&r->cancellable);
  g_clear_pointer (&r->rooms, g_ptr_array_unref);
  g_free (r);
}

static void
reload_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reload *r = user_data;
  CcSync *self = r->self;
  g_autoptr(GError) error = NULL;

  if (!cc_cache_finish (CC_CACHE (object), result, &error))
    g_warning ("Could not store the rooms: %s", error->message);
  if (!g_cancellable_is_cancelled (r->cancellable))
    {
      g_signal_emit (self, signals[RELOADED], 0);
      if (r->then_sync_since >= 0)
        {
          persist_seq (self, r->then_sync_since);
          send_sync (self, r->then_sync_since);
        }
      self->busy = FALSE;
      process_next (self);
    }
  reload_free (r);
}

static void
reload_rooms_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reload *r = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  body = cc_api_request_finish_object (CC_API (object), result, &error);
  if (body == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* A server that went away meanwhile (cc-api maps that to
           * G_IO_ERROR) is what reconnecting is for, as when a connect
           * fails; anything else is worth a warning. */
          if (error && error->domain == G_IO_ERROR)
            g_debug ("Could not reload the rooms: %s", error->message);
          else
            g_warning ("Could not reload the rooms: %s", error ? error->message : "empty answer");
          schedule_reconnect (r->self);
        }
      reload_free (r);
      return;
    }
  array = _cc_json_array (body, "rooms");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *room = json_array_get_object_element (array, i);

      if (room != NULL)
        g_ptr_array_add (r->rooms, json_object_ref (room));
    }
  /* The list is either the archived rooms or the others: ask for both. */
  if (!r->archived_done)
    {
      r->archived_done = TRUE;
      cc_api_request_async (r->self->api, "GET", "/api/rooms?archived=true", NULL, r->cancellable,
                            reload_rooms_cb, r);
      return;
    }
  cc_cache_save_rooms_async (r->self->cache, r->rooms, TRUE, NULL, reload_saved_cb, r);
}

static void
start_reload (CcSync *self,
              gint64  then_sync_since)
{
  Reload *r = g_new0 (Reload, 1);

  g_debug ("Reloading rooms over REST");
  self->busy = TRUE;
  r->self = g_object_ref (self);
  r->cancellable = g_object_ref (self->cancellable);
  r->then_sync_since = then_sync_since;
  r->rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  cc_api_request_async (self->api, "GET", "/api/rooms?archived=false", NULL, r->cancellable,
                        reload_rooms_cb, r);
}

/* Applying frames, strictly one after the other */

typedef struct {
  CcSync     *self;
  JsonObject *frame;
  guint       generation;
} Applying;

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Applying *a = user_data;
  CcSync *self = a->self;
  g_autoptr(GError) error = NULL;

  /* Not cancellable on purpose: once in SQLite, the models must hear it. */
  if (cc_cache_finish (CC_CACHE (object), result, &error))
    {
      self->last_seq = MAX (self->last_seq, _cc_json_int (a->frame, "seq"));
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_SEQ]);
      g_signal_emit (self, signals[EVENT], 0, _cc_json_str (a->frame, "type"), a->frame);
    }
  else
    g_warning ("Could not apply an event: %s", error->message);

  if (a->generation == self->generation)
    {
      self->busy = FALSE;
      process_next (self);
    }
  g_object_unref (a->self);
  json_object_unref (a->frame);
  g_free (a);
}

static void
process_next (CcSync *self)
{
  JsonObject *frame;
  const char *type;

  while (!self->busy && (frame = g_queue_pop_head (&self->frames)) != NULL)
    {
      type = _cc_json_str (frame, "type");
      if (g_strcmp0 (type, CC_FRAME_SYNCED) == 0)
        {
          persist_seq (self, _cc_json_int (frame, "seq"));
          self->attempt = 0;
          set_error (self, NULL);
          set_state (self, CC_SYNC_STATE_ONLINE);
          g_signal_emit (self, signals[SYNCED], 0);
        }
      else if (g_strcmp0 (type, CC_FRAME_RESYNC_REQUIRED) == 0)
        {
          g_signal_emit (self, signals[RESYNC_REQUIRED], 0);
          start_reload (self, -1);
        }
      else
        {
          Applying *a = g_new0 (Applying, 1);

          a->self = g_object_ref (self);
          a->frame = json_object_ref (frame);
          a->generation = self->generation;
          self->busy = TRUE;
          cc_cache_apply_event_async (self->cache, frame, NULL, applied_cb, a);
        }
      json_object_unref (frame);
    }
}

/* The socket */

static void
on_message (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            CcSync                  *self)
{
  g_autoptr(JsonObject) frame = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  const char *kind;

  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      (frame = cau_json_parse_object (data, size, NULL)) == NULL)
    return;
  kind = _cc_json_str (frame, "type");
  if (kind == NULL)
    return;

  if (g_str_equal (kind, CC_FRAME_READY))
    {
      self->ready_seq = _cc_json_int (frame, "seq");
      set_state (self, CC_SYNC_STATE_SYNCING);
      /* Connected with ?since=: the replay is on its way, in order, then
       * `synced`. A fresh cache has nothing to sync from: take the rooms as
       * they are, then follow the log from the server's current seq. */
      if (self->connect_since >= 0)
        ;
      else if (self->last_seq <= 0)
        start_reload (self, self->ready_seq);
      else
        send_sync (self, self->last_seq);
    }
  else if (_cc_json_has (frame, "seq") && !g_str_equal (kind, CC_FRAME_SYNCED) && !g_str_equal (kind, CC_FRAME_READY))
    g_queue_push_tail (&self->frames, g_steal_pointer (&frame));
  else if (g_str_equal (kind, CC_FRAME_SYNCED) || g_str_equal (kind, CC_FRAME_RESYNC_REQUIRED))
    g_queue_push_tail (&self->frames, g_steal_pointer (&frame));
  else if (g_str_equal (kind, CC_EVENT_TYPING) || g_str_equal (kind, CC_EVENT_PRESENCE))
    g_signal_emit (self, signals[EVENT], 0, kind, frame);
  else if (g_str_equal (kind, CC_FRAME_ERROR))
    g_debug ("The server reported: %s", _cc_json_str (_cc_json_obj (frame, "error"), "message"));
  process_next (self);
}

static void
on_closed (SoupWebsocketConnection *ws,
           CcSync                  *self)
{
  g_debug ("Connection closed (%u)", soup_websocket_connection_get_close_code (ws));
  set_error (self, _("The connection to the server was lost."));
  schedule_reconnect (self);
}

typedef struct {
  CcSync      *self;
  SoupMessage *msg;
} Connecting;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Connecting *c = user_data;
  g_autoptr(CcSync) self = c->self;
  g_autoptr(SoupMessage) msg = c->msg;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  g_free (c);
  ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (ws == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
        {
          self->running = FALSE;
          set_error (self, _("Your session has ended. Sign in again."));
          drop_connection (self);
          set_state (self, CC_SYNC_STATE_OFFLINE);
          g_signal_emit (self, signals[UNAUTHORIZED], 0);
        }
      else
        {
          g_autofree char *sentence = g_strdup_printf (_("Could not reach the server at %s."),
                                                       cc_api_get_server_url (self->api));
          g_debug ("Connect failed: %s", error->message);
          set_error (self, sentence);
          schedule_reconnect (self);
        }
      return;
    }
  if (!self->running || self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_object_unref (ws);
      return;
    }
  self->ws = ws;
  soup_websocket_connection_set_keepalive_interval (ws, 30);
  soup_websocket_connection_set_max_incoming_payload_size (ws, 1024 * 1024);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), self);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), self);
}

static void
seq_loaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CcSync) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 seq = cc_cache_finish_int (CC_CACHE (object), result, &error);

  if (seq < 0)
    return;
  self->last_seq = seq;
  self->seq_loaded = TRUE;
  if (self->running)
    connect_now (self);
}

static void
connect_now (CcSync *self)
{
  g_autoptr(GUri) uri = NULL;
  Connecting *c;

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (!self->running)
    return;
  if (!self->seq_loaded)
    {
      cc_cache_get_last_seq_async (self->cache, NULL, seq_loaded_cb, g_object_ref (self));
      return;
    }
  drop_connection (self);
  self->cancellable = g_cancellable_new ();
  set_state (self, CC_SYNC_STATE_CONNECTING);

  self->generation++;
  /* Asking for the replay in the URL makes it the socket's first request:
   * the server then sends every event after last_seq once, in seq order,
   * and no live event before them. */
  self->connect_since = self->last_seq > 0 ? self->last_seq : -1;
  if (self->connect_since >= 0)
    {
      g_autofree char *path = g_strdup_printf ("/api/ws?since=%" G_GINT64_FORMAT, self->connect_since);

      uri = cc_api_build_ws_uri (self->api, path);
    }
  else
    uri = cc_api_build_ws_uri (self->api, "/api/ws");
  c = g_new0 (Connecting, 1);
  c->self = g_object_ref (self);
  c->msg = soup_message_new_from_uri ("GET", uri);
  cc_api_authorize (self->api, c->msg);
  soup_session_websocket_connect_async (cc_api_get_session (self->api), c->msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, self->cancellable, connected_cb, c);
}

void
cc_sync_start (CcSync *self)
{
  g_return_if_fail (CC_IS_SYNC (self));
  if (self->running)
    return;
  self->running = TRUE;
  self->attempt = 0;
  connect_now (self);
}

void
cc_sync_stop (CcSync *self)
{
  g_return_if_fail (CC_IS_SYNC (self));
  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  drop_connection (self);
  set_state (self, CC_SYNC_STATE_OFFLINE);
}

void
cc_sync_reconnect_now (CcSync *self)
{
  g_return_if_fail (CC_IS_SYNC (self));
  if (!self->running || self->state == CC_SYNC_STATE_SYNCING ||
      self->state == CC_SYNC_STATE_ONLINE)
    return;
  self->attempt = 0;
  connect_now (self);
}
