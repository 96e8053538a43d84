/* cs-net.h: client addresses: normalised text, trusted proxies and the
 * forwarded-for chain, and the key that per-address limits count under.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Parses "10.0.0.0/8, 127.0.0.1; ::1" (commas, semicolons or spaces
 * between entries; a bare address is a /32 or /128) into a GPtrArray of
 * GInetAddressMask. NULL and @error naming the bad entry otherwise. */
GPtrArray *cs_net_parse_masks      (const char   *text,
                                    GError      **error);
/* The address as text; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, what
 * a dual-stack socket reports) is given as the IPv4 address it maps. */
char      *cs_net_address_string   (GInetAddress *address);
/* Whether @address lies in one of @masks (NULL: none). */
gboolean   cs_net_is_trusted       (GPtrArray    *masks,
                                    GInetAddress *address);
/* The client's address for a request that came from @peer: @peer itself
 * unless @peer is a trusted proxy, in which case the rightmost address of
 * @forwarded_for (X-Forwarded-For) that is not a trusted proxy, or else
 * @real_ip (X-Real-IP). Text that is not an address is never believed. */
char      *cs_net_client_address   (GPtrArray    *masks,
                                    GInetAddress *peer,
                                    const char   *forwarded_for,
                                    const char   *real_ip);
/* What per-address limits count under: the address itself for IPv4, its
 * /64 for IPv6 (one subscriber's network, which hands out any address in
 * it). NULL when @address is not an address. */
char      *cs_net_limit_key        (const char   *address);

G_END_DECLS
