/* cs-bus.h: the event bus. Everything the connected sockets are told goes
 * through it: the events the store commits (a batch at a time, in commit
 * order) and ephemeral signals that are never stored (typing, presence,
 * closing the sockets of a session or a user). Publishers do not know who
 * listens; the live layer of each node subscribes and delivers to its own
 * sockets.
 *
 * CsBus is an interface (a vtable): cs_bus_local_new () is the in-process
 * bus, which calls its subscribers at once on the publisher's thread, the
 * main context. A bus shared by several nodes implements the same calls
 * and must keep a batch's events in seq order, batches in commit order.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-ctx.h"

G_BEGIN_DECLS

typedef struct _CsBus CsBus;

typedef enum {
  CS_SIGNAL_TYPING,    /* frame to the sockets of recipients, but user_id's */
  CS_SIGNAL_PRESENCE,  /* frame to every socket of tenant_id */
  CS_SIGNAL_CLOSE,     /* close user_id's sockets; with token_hash, only that session's */
} CsSignalKind;

/* An ephemeral signal. Frames go only to sockets that are live (not in a
 * sync replay). */
typedef struct {
  CsSignalKind  kind;
  const char   *tenant_id;
  const char   *user_id;
  const char   *token_hash;
  char        **recipients;
  const char   *frame;       /* JSON text */
} CsSignal;

typedef struct {
  void (*events) (GPtrArray      *events,   /* CsEvent*, in seq order */
                  gpointer        data);
  void (*signal) (const CsSignal *signal,
                  gpointer        data);
} CsBusSubscriber;

typedef struct {
  void (*publish_events) (CsBus                 *bus,
                          GPtrArray             *events);
  void (*publish_signal) (CsBus                 *bus,
                          const CsSignal        *signal);
  void (*subscribe)      (CsBus                 *bus,
                          const CsBusSubscriber *subscriber,
                          gpointer               data);
  void (*unsubscribe)    (CsBus                 *bus,
                          gpointer               data);
  void (*free)           (CsBus                 *bus);
} CsBusVTable;

struct _CsBus {
  const CsBusVTable *vtable;
};

static inline void
cs_bus_publish_events (CsBus     *bus,
                       GPtrArray *events)
{
  bus->vtable->publish_events (bus, events);
}

static inline void
cs_bus_publish_signal (CsBus          *bus,
                       const CsSignal *signal)
{
  bus->vtable->publish_signal (bus, signal);
}

static inline void
cs_bus_subscribe (CsBus                 *bus,
                  const CsBusSubscriber *subscriber,
                  gpointer               data)
{
  bus->vtable->subscribe (bus, subscriber, data);
}

static inline void
cs_bus_unsubscribe (CsBus   *bus,
                    gpointer data)
{
  bus->vtable->unsubscribe (bus, data);
}

void   cs_bus_free            (CsBus     *bus);

/* A CsEventSink for cs_store_set_event_sink (): publishes on the bus. */
void   cs_bus_event_sink      (GPtrArray *events,
                               gpointer   bus);
/* A `presence` frame to every socket of @tenant_id, on every node: the
 * status of @user_id all nodes together, and @status_text when the user
 * changed it (NULL otherwise). */
void   cs_bus_publish_presence (CsBus      *bus,
                                CsPresence *presence,
                                const char *tenant_id,
                                const char *user_id,
                                const char *status_text);
/* The closes a finished job asked for (CsCtx.after), as signals. */
void   cs_bus_publish_after   (CsBus     *bus,
                               CsCtx     *ctx);

CsBus *cs_bus_local_new       (void);

G_END_DECLS
