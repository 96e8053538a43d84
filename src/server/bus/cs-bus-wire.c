/* cs-bus-wire.c: encoding and decoding bus messages between nodes.
 * A message from Redis is checked as any input from the network: a wrong
 * type, a kind this node does not know or a batch out of seq order is an
 * error, never a crash; GVariant reads malformed data as empty values.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-bus"

#include "cs-bus-wire.h"

static GBytes *
finish (GVariant *message)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (message);

  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    {
      g_autoptr(GVariant) swapped = g_variant_byteswap (owned);

      return g_variant_get_data_as_bytes (swapped);
    }
  return g_variant_get_data_as_bytes (owned);
}

GBytes *
cs_bus_wire_encode_events (const char *node,
                           guint64     epoch,
                           guint64     node_seq,
                           GPtrArray  *events)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE (CS_BUS_EVENTS_TYPE));
  for (guint i = 0; i < events->len; i++)
    {
      CsEvent *ev = g_ptr_array_index (events, i);
      const char * const none[] = { NULL };

      g_variant_builder_add (&b, "(xsmsmsms^assmsms)", ev->seq, ev->type, ev->tenant_id, ev->room_id, ev->user_id,
                             ev->recipients ? (const char * const *) ev->recipients : none,
                             ev->frame, ev->actor_id, ev->own_frame);
    }
  return finish (g_variant_new ("(ysttv)", (guchar) CS_BUS_MSG_EVENTS, node, epoch, node_seq,
                                g_variant_builder_end (&b)));
}

GBytes *
cs_bus_wire_encode_signal (const char     *node,
                           guint64         epoch,
                           guint64         node_seq,
                           const CsSignal *signal)
{
  static const guchar kinds[] = {
    [CS_SIGNAL_TYPING] = CS_BUS_MSG_TYPING,
    [CS_SIGNAL_PRESENCE] = CS_BUS_MSG_PRESENCE,
    [CS_SIGNAL_CLOSE] = CS_BUS_MSG_CLOSE,
  };
  const char * const none[] = { NULL };

  return finish (g_variant_new ("(ysttv)", kinds[signal->kind], node, epoch, node_seq,
                                g_variant_new ("(msmsms^asms)", signal->tenant_id, signal->user_id,
                                               signal->token_hash,
                                               signal->recipients ? (const char * const *) signal->recipients
                                                                  : none,
                                               signal->frame)));
}

void
cs_bus_msg_free (CsBusMsg *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->node);
  g_clear_pointer (&msg->events, g_ptr_array_unref);
  g_free ((char *) msg->signal.tenant_id);
  g_free ((char *) msg->signal.user_id);
  g_free ((char *) msg->signal.token_hash);
  g_strfreev (msg->signal.recipients);
  g_free ((char *) msg->signal.frame);
  g_free (msg);
}

static gboolean
bad (GError    **error,
     const char *why)
{
  g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "A bus message %s.", why);
  return FALSE;
}

static gboolean
decode_events (CsBusMsg *msg,
               GVariant *body,
               GError  **error)
{
  GVariantIter iter;
  gint64 seq;
  char *type, *tenant, *room, *user, *frame, *actor, *own;
  char **recipients;

  if (!g_variant_is_of_type (body, G_VARIANT_TYPE (CS_BUS_EVENTS_TYPE)))
    return bad (error, "of kind E does not hold events");
  msg->events = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_event_unref);
  g_variant_iter_init (&iter, body);
  while (g_variant_iter_next (&iter, "(xsmsmsms^assmsms)", &seq, &type, &tenant, &room, &user, &recipients,
                              &frame, &actor, &own))
    {
      CsEvent *ev = g_new0 (CsEvent, 1);

      ev->ref_count = 1;
      ev->seq = seq;
      ev->type = type;
      ev->tenant_id = tenant;
      ev->room_id = room;
      ev->user_id = user;
      ev->recipients = recipients[0] ? cs_ids_take_strv (recipients) : (g_free (recipients), NULL);
      ev->frame = frame;
      ev->actor_id = actor;
      ev->own_frame = own;
      g_ptr_array_add (msg->events, ev);
      if (seq <= 0 || type[0] == '\0' || frame[0] == '\0')
        return bad (error, "holds an event with no seq, type or frame");
      if (msg->events->len > 1 &&
          ((CsEvent *) g_ptr_array_index (msg->events, msg->events->len - 2))->seq >= seq)
        return bad (error, "holds events out of seq order");
    }
  if (msg->events->len == 0)
    return bad (error, "holds no events");
  return TRUE;
}

CsBusMsg *
cs_bus_wire_decode (gconstpointer data,
                    gsize         size,
                    GError      **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GVariant) message = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CS_BUS_WIRE_TYPE),
                                                                             bytes, FALSE));
  g_autoptr(GVariant) body = NULL;
  g_autoptr(CsBusMsg) msg = g_new0 (CsBusMsg, 1);
  guchar kind;

  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (message);

      g_variant_unref (message);
      message = swapped;
    }
  g_variant_get (message, "(ystt@v)", &kind, &msg->node, &msg->epoch, &msg->node_seq, &body);
  if (msg->node[0] == '\0')
    {
      bad (error, "names no node (not this format?)");
      return NULL;
    }
  {
    g_autoptr(GVariant) inner = g_variant_get_variant (body);

    msg->kind = kind;
    switch (kind)
      {
      case CS_BUS_MSG_EVENTS:
        if (!decode_events (msg, inner, error))
          return NULL;
        break;
      case CS_BUS_MSG_TYPING:
      case CS_BUS_MSG_PRESENCE:
      case CS_BUS_MSG_CLOSE:
        if (!g_variant_is_of_type (inner, G_VARIANT_TYPE (CS_BUS_SIGNAL_TYPE)))
          {
            bad (error, "does not hold a signal");
            return NULL;
          }
        msg->signal.kind = kind == CS_BUS_MSG_TYPING ? CS_SIGNAL_TYPING
                         : kind == CS_BUS_MSG_PRESENCE ? CS_SIGNAL_PRESENCE : CS_SIGNAL_CLOSE;
        g_variant_get (inner, "(msmsms^asms)", (char **) &msg->signal.tenant_id, (char **) &msg->signal.user_id,
                       (char **) &msg->signal.token_hash, &msg->signal.recipients, (char **) &msg->signal.frame);
        if (msg->signal.recipients[0] == NULL)
          g_clear_pointer (&msg->signal.recipients, g_free);
        if ((kind != CS_BUS_MSG_CLOSE && msg->signal.frame == NULL) ||
            (kind == CS_BUS_MSG_PRESENCE && msg->signal.tenant_id == NULL) ||
            (kind != CS_BUS_MSG_PRESENCE && msg->signal.user_id == NULL))
          {
            bad (error, "lacks a field its kind needs");
            return NULL;
          }
        break;
      default:
        bad (error, "is of an unknown kind");
        return NULL;
      }
  }
  return g_steal_pointer (&msg);
}
