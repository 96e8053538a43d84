/* test-server-net.c: whose address a request is: trusted proxies and the
 * X-Forwarded-For chain (cs-net.c), without a server.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-net.h"

#include <string.h>

static char *
client (const char *proxies,
        const char *peer,
        const char *xff,
        const char *real_ip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) masks = cs_net_parse_masks (proxies, &error);
  g_autoptr(GInetAddress) addr = g_inet_address_new_from_string (peer);

  g_assert_no_error (error);
  g_assert_nonnull (addr);
  return cs_net_client_address (masks, addr, xff, real_ip);
}

#define ASSERT_CLIENT(proxies, peer, xff, real_ip, expected) \
  G_STMT_START { \
    g_autofree char *got = client (proxies, peer, xff, real_ip); \
    g_assert_cmpstr (got, ==, expected); \
  } G_STMT_END

static void
test_untrusted_peer (void)
{
  /* No proxies configured, or a peer outside them: the headers are ignored. */
  ASSERT_CLIENT ("", "203.0.113.7", "198.51.100.1", "198.51.100.2", "203.0.113.7");
  ASSERT_CLIENT ("10.0.0.0/8", "203.0.113.7", "198.51.100.1", NULL, "203.0.113.7");
  ASSERT_CLIENT ("10.0.0.0/8", "2001:db8::5", "198.51.100.1", NULL, "2001:db8::5");
}

static void
test_forwarded_for (void)
{
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "198.51.100.1", NULL, "198.51.100.1");
  /* The client wrote the leftmost hops itself; our proxy appended the last. */
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "1.1.1.1, 2.2.2.2, 198.51.100.1", NULL, "198.51.100.1");
  /* A chain of our own proxies is walked through. */
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "1.1.1.1, 198.51.100.1, 10.9.9.9, 10.8.8.8", NULL, "198.51.100.1");
  /* Every hop trusted: the leftmost is the client. */
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "10.5.5.5, 10.6.6.6", NULL, "10.5.5.5");
  /* Ports and brackets, as some proxies write them. */
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "198.51.100.1:5555", NULL, "198.51.100.1");
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "[2001:db8::1]:443", NULL, "2001:db8::1");
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", " 2001:db8::1 ", NULL, "2001:db8::1");
  /* Something that is not an address, where the client should be: the proxy's own. */
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "1.1.1.1, unknown", NULL, "10.1.2.3");
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "<script>", NULL, "10.1.2.3");
  /* X-Forwarded-For wins over X-Real-IP; X-Real-IP alone is believed too. */
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", "198.51.100.1", "198.51.100.9", "198.51.100.1");
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", NULL, "198.51.100.9", "198.51.100.9");
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", NULL, "nonsense", "10.1.2.3");
  ASSERT_CLIENT ("10.0.0.0/8", "10.1.2.3", NULL, NULL, "10.1.2.3");
}

static void
test_ipv6_and_mapped (void)
{
  ASSERT_CLIENT ("::1, fd00::/8", "::1", "2001:db8::7", NULL, "2001:db8::7");
  ASSERT_CLIENT ("::1, fd00::/8", "fd12::1", "2001:db8::7, fd00::2", NULL, "2001:db8::7");
  /* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d. */
  ASSERT_CLIENT ("127.0.0.1", "::ffff:127.0.0.1", "198.51.100.1", NULL, "198.51.100.1");
  ASSERT_CLIENT ("", "::ffff:203.0.113.7", NULL, NULL, "203.0.113.7");
  ASSERT_CLIENT ("127.0.0.1", "127.0.0.1", "::ffff:198.51.100.1", NULL, "198.51.100.1");
}

static void
test_masks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) masks = cs_net_parse_masks ("127.0.0.1;10.0.0.0/8 , ::1\tfd00::/8,", &error);
  GPtrArray *bad;

  g_assert_no_error (error);
  g_assert_cmpuint (masks->len, ==, 4);
  bad = cs_net_parse_masks ("10.0.0.0/8, proxy.example.com", &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "proxy.example.com"));
  g_clear_error (&error);
  bad = cs_net_parse_masks ("10.0.0.0/33", &error);
  g_assert_null (bad);
  g_clear_error (&error);
}

static void
test_limit_key (void)
{
  g_autofree char *v4 = cs_net_limit_key ("198.51.100.1");
  g_autofree char *v6a = cs_net_limit_key ("2001:db8:1:2:aaaa::1");
  g_autofree char *v6b = cs_net_limit_key ("2001:db8:1:2:bbbb::9");
  g_autofree char *v6c = cs_net_limit_key ("2001:db8:1:3::1");
  g_autofree char *none = cs_net_limit_key ("nope");

  g_assert_cmpstr (v4, ==, "198.51.100.1");
  g_assert_cmpstr (v6a, ==, "2001:db8:1:2::/64");
  g_assert_cmpstr (v6a, ==, v6b);
  g_assert_cmpstr (v6a, !=, v6c);
  g_assert_null (none);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/net/untrusted-peer", test_untrusted_peer);
  g_test_add_func ("/server/net/forwarded-for", test_forwarded_for);
  g_test_add_func ("/server/net/ipv6-and-mapped", test_ipv6_and_mapped);
  g_test_add_func ("/server/net/masks", test_masks);
  g_test_add_func ("/server/net/limit-key", test_limit_key);
  return g_test_run ();
}
