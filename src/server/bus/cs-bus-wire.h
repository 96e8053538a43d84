/* cs-bus-wire.h: how a bus message travels between nodes (README.md beside
 * the folders, "The bus between nodes"): one GVariant of type
 * (ysttv), serialized in GVariant's own normal form, little-endian.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-bus.h"

G_BEGIN_DECLS

#define CS_BUS_WIRE_TYPE   "(ysttv)"
#define CS_BUS_EVENTS_TYPE "a(xsmsmsmsassmsms)"
#define CS_BUS_SIGNAL_TYPE "(msmsmsasms)"

typedef enum {
  CS_BUS_MSG_EVENTS   = 'E',
  CS_BUS_MSG_TYPING   = 'T',
  CS_BUS_MSG_PRESENCE = 'P',
  CS_BUS_MSG_CLOSE    = 'C',
} CsBusMsgKind;

/* A decoded message. Exactly one of events and signal is set. */
typedef struct {
  CsBusMsgKind kind;
  char        *node;         /* the publishing node's id */
  guint64      node_seq;     /* 1, 2, 3 ... per publishing node: a hole is a lost message */
  guint64      epoch;        /* the publisher's start, so a restarted node is not a hole */
  GPtrArray   *events;       /* CsEvent*, in seq order */
  CsSignal     signal;       /* its strings owned by the message */
} CsBusMsg;

GBytes   *cs_bus_wire_encode_events (const char     *node,
                                     guint64         epoch,
                                     guint64         node_seq,
                                     GPtrArray      *events);
GBytes   *cs_bus_wire_encode_signal (const char     *node,
                                     guint64         epoch,
                                     guint64         node_seq,
                                     const CsSignal *signal);
/* NULL (and @error set) when @data is not a message of this format. */
CsBusMsg *cs_bus_wire_decode        (gconstpointer   data,
                                     gsize           size,
                                     GError        **error);
void      cs_bus_msg_free           (CsBusMsg       *msg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBusMsg, cs_bus_msg_free)

G_END_DECLS
