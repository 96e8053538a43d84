/* cs-net.c: client addresses, trusted proxies and X-Forwarded-For.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-net"

#include "cs-net.h"
#include "cau-error.h"

#include <string.h>

static GInetAddress *
unmap_v4 (GInetAddress *address)
{
  const guint8 *b;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_object_ref (address);
  b = g_inet_address_to_bytes (address);
  for (guint i = 0; i < 10; i++)
    if (b[i] != 0)
      return g_object_ref (address);
  if (b[10] != 0xff || b[11] != 0xff)
    return g_object_ref (address);
  return g_inet_address_new_from_bytes (b + 12, G_SOCKET_FAMILY_IPV4);
}

GPtrArray *
cs_net_parse_masks (const char  *text,
                    GError     **error)
{
  g_autoptr(GPtrArray) masks = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", ",; \t", -1);

  for (guint i = 0; parts[i]; i++)
    {
      g_autoptr(GError) local_error = NULL;
      GInetAddressMask *mask;

      if (parts[i][0] == '\0')
        continue;
      mask = g_inet_address_mask_new_from_string (parts[i], &local_error);
      if (mask == NULL)
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                       "“%s” is not an address or a network (CIDR, such as 10.0.0.0/8 or fd00::/8): %s.",
                       parts[i], local_error->message);
          return NULL;
        }
      g_ptr_array_add (masks, mask);
    }
  return g_steal_pointer (&masks);
}

char *
cs_net_address_string (GInetAddress *address)
{
  g_autoptr(GInetAddress) plain = NULL;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);
  plain = unmap_v4 (address);
  return g_inet_address_to_string (plain);
}

gboolean
cs_net_is_trusted (GPtrArray    *masks,
                   GInetAddress *address)
{
  g_autoptr(GInetAddress) plain = NULL;

  if (masks == NULL || masks->len == 0 || address == NULL)
    return FALSE;
  plain = unmap_v4 (address);
  for (guint i = 0; i < masks->len; i++)
    {
      GInetAddressMask *mask = g_ptr_array_index (masks, i);

      if (g_inet_address_mask_get_family (mask) == g_inet_address_get_family (plain) &&
          g_inet_address_mask_matches (mask, plain))
        return TRUE;
    }
  return FALSE;
}

/* One hop of X-Forwarded-For: "a.b.c.d", "a.b.c.d:port", "::1" or
 * "[::1]:port"; NULL for anything else ("unknown", obfuscated names). */
static GInetAddress *
parse_hop (const char *text)
{
  g_autofree char *hop = g_strstrip (g_strdup (text));
  const char *colon;

  if (hop[0] == '[')
    {
      char *end = strchr (hop, ']');

      if (end == NULL)
        return NULL;
      *end = '\0';
      return g_inet_address_new_from_string (hop + 1);
    }
  colon = strchr (hop, ':');
  if (colon && strchr (colon + 1, ':') == NULL)
    hop[colon - hop] = '\0';   /* IPv4 with a port */
  return g_inet_address_new_from_string (hop);
}

char *
cs_net_client_address (GPtrArray    *masks,
                       GInetAddress *peer,
                       const char   *forwarded_for,
                       const char   *real_ip)
{
  g_return_val_if_fail (G_IS_INET_ADDRESS (peer), NULL);

  if (!cs_net_is_trusted (masks, peer))
    return cs_net_address_string (peer);

  if (forwarded_for && *forwarded_for)
    {
      g_auto(GStrv) hops = g_strsplit (forwarded_for, ",", -1);
      guint n = g_strv_length (hops);

      /* From the right: each trusted proxy vouches for the hop before it;
       * the first hop that is not one of ours is the client. Whatever is
       * further left the client wrote itself. */
      for (guint i = n; i > 0; i--)
        {
          g_autoptr(GInetAddress) hop = parse_hop (hops[i - 1]);

          if (hop == NULL)
            break;
          if (!cs_net_is_trusted (masks, hop) || i == 1)
            return cs_net_address_string (hop);
        }
      return cs_net_address_string (peer);
    }
  if (real_ip && *real_ip)
    {
      g_autoptr(GInetAddress) addr = parse_hop (real_ip);

      if (addr)
        return cs_net_address_string (addr);
    }
  return cs_net_address_string (peer);
}

char *
cs_net_limit_key (const char *address)
{
  g_autoptr(GInetAddress) addr = address ? g_inet_address_new_from_string (address) : NULL;
  guint8 bytes[16];

  if (addr == NULL)
    return NULL;
  if (g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV4)
    return g_inet_address_to_string (addr);
  memcpy (bytes, g_inet_address_to_bytes (addr), 16);
  memset (bytes + 8, 0, 8);
  {
    g_autoptr(GInetAddress) net = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
    g_autofree char *text = g_inet_address_to_string (net);

    return g_strdup_printf ("%s/64", text);
  }
}
