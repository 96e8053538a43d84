/* cs-bus.c: the event bus's common calls, and the in-process bus: a list
 * of subscribers called in turn, on the publisher's thread.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-bus"

#include "cau-json.h"
#include "cau-time.h"
#include "cs-bus.h"
#include "cs-presence.h"

void
cs_bus_free (CsBus *bus)
{
  if (bus)
    bus->vtable->free (bus);
}

void
cs_bus_event_sink (GPtrArray *events,
                   gpointer   bus)
{
  cs_bus_publish_events (bus, events);
}

void
cs_bus_publish_after (CsBus *bus,
                      CsCtx *ctx)
{
  for (guint i = 0; ctx->after && i < ctx->after->len; i++)
    {
      CsAfter *a = g_ptr_array_index (ctx->after, i);
      CsSignal signal = { .kind = CS_SIGNAL_CLOSE };

      switch (a->kind)
        {
        case CS_AFTER_REVOKE_SESSION:
          signal.user_id = ctx->user_id;
          signal.token_hash = a->arg;
          break;
        case CS_AFTER_REVOKE_USER:
          signal.user_id = a->arg;
          break;
        case CS_AFTER_STATUS_TEXT:
          /* Not a close: the hub tells it (cs_hub_status_text_changed),
           * with the person's presence it knows. */
          continue;
        }
      cs_bus_publish_signal (bus, &signal);
    }
}

/* ---- the in-process bus ------------------------------------------------ */

typedef struct {
  const CsBusSubscriber *subscriber;
  gpointer               data;
} Subscription;

typedef struct {
  CsBus   parent;
  GArray *subscriptions;   /* Subscription */
} CsLocalBus;

static void
local_publish_events (CsBus     *bus,
                      GPtrArray *events)
{
  GArray *subs = ((CsLocalBus *) bus)->subscriptions;

  for (guint i = 0; i < subs->len; i++)
    {
      Subscription *s = &g_array_index (subs, Subscription, i);

      s->subscriber->events (events, s->data);
    }
}

static void
local_publish_signal (CsBus          *bus,
                      const CsSignal *signal)
{
  GArray *subs = ((CsLocalBus *) bus)->subscriptions;

  for (guint i = 0; i < subs->len; i++)
    {
      Subscription *s = &g_array_index (subs, Subscription, i);

      s->subscriber->signal (signal, s->data);
    }
}

static void
local_subscribe (CsBus                 *bus,
                 const CsBusSubscriber *subscriber,
                 gpointer               data)
{
  Subscription s = { subscriber, data };

  g_array_append_val (((CsLocalBus *) bus)->subscriptions, s);
}

static void
local_unsubscribe (CsBus   *bus,
                   gpointer data)
{
  GArray *subs = ((CsLocalBus *) bus)->subscriptions;

  for (guint i = subs->len; i-- > 0;)
    if (g_array_index (subs, Subscription, i).data == data)
      g_array_remove_index (subs, i);
}

static void
local_free (CsBus *bus)
{
  g_array_unref (((CsLocalBus *) bus)->subscriptions);
  g_free (bus);
}

static const CsBusVTable local_vtable = {
  local_publish_events,
  local_publish_signal,
  local_subscribe,
  local_unsubscribe,
  local_free,
};

CsBus *
cs_bus_local_new (void)
{
  CsLocalBus *bus = g_new0 (CsLocalBus, 1);

  bus->parent.vtable = &local_vtable;
  bus->subscriptions = g_array_new (FALSE, FALSE, sizeof (Subscription));
  return &bus->parent;
}

void
cs_bus_publish_presence (CsBus      *bus,
                         CsPresence *presence,
                         const char *tenant_id,
                         const char *user_id,
                         const char *status_text)
{
  g_autoptr(JsonObject) frame = json_object_new ();
  g_autofree char *text = NULL;
  g_autofree char *now = cau_time_format (cau_time_now_ms ());
  CsSignal signal = { .kind = CS_SIGNAL_PRESENCE };

  json_object_set_string_member (frame, "type", "presence");
  json_object_set_string_member (frame, "user_id", user_id);
  json_object_set_string_member (frame, "status", cs_presence_get (presence, user_id));
  json_object_set_string_member (frame, "last_seen_at", now);
  if (status_text)
    json_object_set_string_member (frame, "status_text", status_text);
  text = cau_json_object_to_string (frame);
  signal.tenant_id = tenant_id;
  signal.user_id = user_id;
  signal.frame = text;
  cs_bus_publish_signal (bus, &signal);
}
