/* test-services.c: the private services tests start (cs-test-services.h)
 * answer, and are gone after their stop: Redis answers PONG and keeps
 * nothing on disk, PostgreSQL answers a query over its unix socket only,
 * nginx balances two real causerie-server nodes and upgrades WebSockets.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>

#include "cs-test.h"
#include "cs-test-services.h"

static void
test_redis (void)
{
  g_autofree char *why = NULL;
  CsTestRedis *redis = cs_test_redis_start (&why);
  g_autofree char *pong = NULL;
  g_autofree char *save = NULL;
  g_autofree char *set = NULL;
  GPid pid;

  if (redis == NULL)
    {
      g_test_skip (why);
      return;
    }
  pong = cs_test_redis_command (redis, "PING");
  g_assert_cmpstr (pong, ==, "+PONG");
  /* No persistence: a restart starts empty. */
  set = cs_test_redis_command (redis, "SET causerie-test 1");
  g_assert_cmpstr (set, ==, "+OK");
  cs_test_redis_stop (redis, TRUE);
  g_assert_null (cs_test_redis_command (redis, "PING"));
  cs_test_redis_restart (redis);
  save = cs_test_redis_command (redis, "GET causerie-test");
  g_assert_cmpstr (save, ==, "$-1");
  pid = redis->pid;
  cs_test_redis_free (redis);
  g_assert_cmpint (kill (pid, 0), !=, 0);
}

static void
test_postgres (void)
{
  g_autofree char *why = NULL;
  CsTestPostgres *pg = cs_test_postgres_start (&why);
  g_autofree char *one = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *version = NULL;
  GPid pid;

  if (pg == NULL)
    {
      g_test_skip (why);
      return;
    }
  one = cs_test_postgres_query (pg, "SELECT 1");
  g_assert_cmpstr (one, ==, "1");
  version = cs_test_postgres_query (pg, "SHOW server_version_num");
  g_assert_true (g_str_has_prefix (version, "15"));
  /* Unix socket only: no TCP port a system instance could clash with. */
  listen = cs_test_postgres_query (pg, "SHOW listen_addresses");
  g_assert_cmpstr (listen, ==, "");
  pid = pg->pid;
  cs_test_postgres_free (pg);
  g_assert_cmpint (kill (pid, 0), !=, 0);
}

static void
test_nginx (void)
{
  g_autofree char *why = NULL;
  CsTestServer *a = cs_test_server_new ("[server]\ntrusted_proxies = 127.0.0.1\n");
  CsTestServer *b = cs_test_server_new ("[server]\ntrusted_proxies = 127.0.0.1\n");
  guint ports[2] = { a->port, b->port };
  CsTestNginx *nginx = cs_test_nginx_start (ports, 2, NULL, &why);
  g_autofree char *token = NULL;
  g_autofree char *base = NULL;
  guint status = 0;
  guint port;
  CsTestWs *ws;

  if (nginx == NULL)
    {
      g_test_skip (why);
      cs_test_server_free (a);
      cs_test_server_free (b);
      return;
    }
  /* Round robin: the requests alternate between the nodes, and both
   * answer through nginx. */
  base = a->base;
  a->base = g_strdup_printf ("http://127.0.0.1:%u", nginx->port);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonNode) body = cs_test_http (a, "GET", "/healthz", NULL, NULL, &status);

      g_assert_cmpuint (status, ==, 200);
    }
  /* A WebSocket through nginx: only node a has the account, so only its
   * upstream accepts the token; round robin sends two upgrades in a row
   * to each node once. */
  g_free (a->base);
  a->base = g_steal_pointer (&base);
  token = cs_test_tenant (a, "acme", "admin@acme.test");
  port = a->port;
  a->port = nginx->port;
  ws = cs_test_ws_connect (a, token);
  if (ws == NULL)
    ws = cs_test_ws_connect (a, token);
  a->port = port;
  g_assert_nonnull (ws);
  g_assert_false (ws->closed);
  cs_test_ws_free (ws);
  cs_test_nginx_free (nginx);
  cs_test_server_free (a);
  cs_test_server_free (b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/services/redis", test_redis);
  g_test_add_func ("/services/postgresql", test_postgres);
  g_test_add_func ("/services/nginx", test_nginx);
  return g_test_run ();
}
