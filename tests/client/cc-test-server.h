/* cc-test-server.h: runs the real causerie-server for a test: a fresh
 * data directory, an organisation with two people, `serve` on a free
 * loopback port (port 0, read back from its first line), stop and restart
 * on the same port. The binary comes from $CAUSERIE_SERVER (meson sets it).
 * With CAUSERIE_TEST_STORAGE=postgresql the server stores in a database of
 * its own in the test's private PostgreSQL cluster (cs-test-services.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "cc-test-util.h"
#include "cs-test-services.h"

#define CC_TEST_TENANT      "acme"
#define CC_TEST_ADA_EMAIL   "ada@acme.test"
#define CC_TEST_BOB_EMAIL   "bob@acme.test"
#define CC_TEST_PASSWORD    "correct horse battery"

typedef struct {
  char        *dir;
  char        *config;
  char        *storage;     /* [storage] lines on PostgreSQL, else NULL */
  char        *url;
  guint        port;
  GSubprocess *proc;
} CcTestServer;

static inline void
cc_test_server_cli (CcTestServer *srv,
                    const char   *stdin_text,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CAUSERIE_SERVER"));
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, srv->dir);
  if (srv->config != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--config");
      g_ptr_array_add (argv, srv->config);
    }
  va_start (ap, stdin_text);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("causerie-server %s failed: %s", (const char *) argv->pdata[srv->config ? 5 : 3], err);
}

/* A server outlives no test, even one killed by its timeout. */
static void
cc_test_server_child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts `serve` on srv->port (0 the first time) and waits for the line
 * that says where it listens. */
static inline void
cc_test_server_start (CcTestServer *srv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", srv->port);
  g_autofree char *line = NULL;
  const char *at;

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_assert_null (srv->proc);
  g_subprocess_launcher_set_child_setup (launcher, cc_test_server_child_setup, NULL, NULL);
  if (srv->config != NULL)
    srv->proc = g_subprocess_launcher_spawn (launcher, &error,
                                             g_getenv ("CAUSERIE_SERVER"), "--data-dir", srv->dir,
                                             "--config", srv->config, "serve", "--listen", listen, NULL);
  else
    srv->proc = g_subprocess_launcher_spawn (launcher, &error,
                                             g_getenv ("CAUSERIE_SERVER"), "--data-dir", srv->dir,
                                             "serve", "--listen", listen, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (srv->proc));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  at = strstr (line, "http://");
  g_assert_nonnull (at);
  if (srv->url == NULL)
    {
      g_autoptr(GUri) uri = NULL;
      g_autofree char *url = g_strndup (at, strcspn (at, " "));

      uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
      g_assert_no_error (error);
      srv->port = g_uri_get_port (uri);
      srv->url = g_strdup_printf ("http://127.0.0.1:%u", srv->port);
    }
}

static inline void
cc_test_server_stop (CcTestServer *srv)
{
  g_autoptr(GError) error = NULL;

  if (srv->proc == NULL)
    return;
  g_subprocess_send_signal (srv->proc, SIGTERM);
  g_subprocess_wait (srv->proc, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&srv->proc);
}

/* A new server with the organisation "acme": Ada (admin) and Bob. With
 * @events_keep > 0 the event log keeps only that many events; @extra is
 * more of the configuration file, or NULL. */
static inline CcTestServer *
cc_test_server_new_full (guint       events_keep,
                         const char *extra)
{
  CcTestServer *srv = g_new0 (CcTestServer, 1);
  g_autofree char *password = g_strconcat (CC_TEST_PASSWORD, "\n", NULL);

  if (g_getenv ("CAUSERIE_SERVER") == NULL)
    g_error ("CAUSERIE_SERVER is not set");
  srv->dir = cc_test_make_tmpdir ();
  if (events_keep > 0 || extra != NULL || cs_test_storage_is_postgresql ())
    {
      g_autofree char *conninfo = cs_test_storage_is_postgresql () ? cs_test_postgres_new_database (NULL, NULL) : NULL;
      g_autofree char *text = NULL;

      if (conninfo)
        srv->storage = g_strdup_printf ("[storage]\nbackend = postgresql\npostgresql = %s\n", conninfo);
      text = g_strdup_printf ("[events]\nkeep = %u\n%s%s", events_keep > 0 ? events_keep : 1000000,
                              srv->storage ? srv->storage : "", extra ? extra : "");

      srv->config = g_build_filename (srv->dir, "server.conf", NULL);
      g_assert_true (g_file_set_contents (srv->config, text, -1, NULL));
    }
  cc_test_server_cli (srv, password, "tenant", "create", CC_TEST_TENANT,
                      "--admin-email", CC_TEST_ADA_EMAIL, "--admin-name", "Ada Lovelace", NULL);
  cc_test_server_cli (srv, password, "user", "add", "--tenant", CC_TEST_TENANT,
                      "--email", CC_TEST_BOB_EMAIL, "--name", "Bob Marley", "--role", "member", NULL);
  cc_test_server_start (srv);
  return srv;
}

/* Replaces the configuration (for the next start) with @text, keeping the
 * server's storage. */
static inline void
cc_test_server_set_config (CcTestServer *srv,
                           const char   *text)
{
  g_autofree char *all = g_strconcat (srv->storage ? srv->storage : "", text, NULL);

  g_free (srv->config);
  srv->config = g_build_filename (srv->dir, "server.conf", NULL);
  g_assert_true (g_file_set_contents (srv->config, all, -1, NULL));
}

static inline CcTestServer *
cc_test_server_new (guint events_keep)
{
  return cc_test_server_new_full (events_keep, NULL);
}

static inline void
cc_test_server_free (CcTestServer *srv)
{
  cc_test_server_stop (srv);
  cc_test_rm_rf (srv->dir);
  g_free (srv->dir);
  g_free (srv->config);
  g_free (srv->storage);
  g_free (srv->url);
  g_free (srv);
}
