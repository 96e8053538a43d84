/* cs-test-services.c: Redis, PostgreSQL and nginx started privately by a
 * test (cs-test-services.h). Every process is a child of the test, started
 * with a parent-death signal so an aborted test leaves none behind, and
 * stopped by its PID.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-test-services.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG_BIN "/usr/lib/postgresql/15/bin"

static const char *
find_program (const char *name,
              const char *fallback)
{
  static char *found[8];
  static const char *names[8];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names) && names[i]; i++)
    if (g_str_equal (names[i], name))
      return found[i];
  g_assert (i < G_N_ELEMENTS (names));
  names[i] = name;
  found[i] = g_find_program_in_path (name);
  if (found[i] == NULL && fallback && g_file_test (fallback, G_FILE_TEST_IS_EXECUTABLE))
    found[i] = g_strdup (fallback);
  return found[i];
}

guint
cs_test_free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ---- spawning ------------------------------------------------------------ */

typedef struct {
  uid_t uid;
  gid_t gid;
  int   log_fd;
} ChildSetup;

static void
child_setup (gpointer data)
{
  ChildSetup *cs = data;

  if (cs->log_fd >= 0)
    {
      dup2 (cs->log_fd, STDOUT_FILENO);
      dup2 (cs->log_fd, STDERR_FILENO);
    }
  if (cs->uid != (uid_t) -1)
    {
      if (setgid (cs->gid) != 0 || setuid (cs->uid) != 0)
        _exit (127);
    }
  /* After setuid: a change of credentials clears the death signal. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts @argv with its output appended to @log, as @user (or ourselves). */
static GPid
spawn (const char * const *argv,
       const char         *log,
       const char         *user)
{
  ChildSetup cs = { (uid_t) -1, (gid_t) -1, -1 };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  if (user)
    {
      struct passwd *pw = getpwnam (user);

      g_assert_nonnull (pw);
      cs.uid = pw->pw_uid;
      cs.gid = pw->pw_gid;
    }
  cs.log_fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  g_assert_cmpint (cs.log_fd, >=, 0);
  if (user)
    g_assert_no_errno (fchown (cs.log_fd, cs.uid, cs.gid));
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                 child_setup, &cs, &pid, &error);
  close (cs.log_fd);
  g_assert_no_error (error);
  return pid;
}

/* Runs @argv to its end as @user; asserts it exits 0. */
static void
run (const char * const *argv,
     const char         *log,
     const char         *user)
{
  GPid pid = spawn (argv, log, user);
  int status = 0;
  g_autofree char *text = NULL;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_file_get_contents (log, &text, NULL, NULL);
      g_error ("%s failed (status %d): %s", argv[0], status, text ? text : "");
    }
}

/* Signals @pid and reaps it. */
static void
stop_pid (GPid *pid,
          int   sig)
{
  if (*pid <= 0)
    return;
  kill (*pid, sig);
  while (waitpid (*pid, NULL, 0) < 0 && errno == EINTR)
    ;
  *pid = 0;
}

static gboolean
still_running (GPid pid)
{
  return waitpid (pid, NULL, WNOHANG) == 0;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children && (info = g_file_enumerator_next_file (children, NULL, NULL)))
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

/* One line from a TCP service on 127.0.0.1:@port after sending @line, or
 * NULL when nothing listens. */
static char *
tcp_exchange (guint       port,
              const char *line)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *out = g_strconcat (line, "\r\n", NULL);
  char *reply;

  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  if (conn == NULL)
    return NULL;
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), out, strlen (out),
                                  NULL, NULL, NULL))
    return NULL;
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  reply = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  return reply;
}

/* One NUL-terminated command to clamd on a unix socket, its answer without
 * the NUL, or NULL when nothing listens. */
static char *
clamd_exchange (const char *socket_path,
                const char *command)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) addr = g_unix_socket_address_new (socket_path);
  g_autoptr(GSocketConnection) conn = NULL;
  char buf[256] = { 0 };
  gsize n = 0;

  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (addr), NULL, NULL);
  if (conn == NULL ||
      !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), command,
                                  strlen (command) + 1, NULL, NULL, NULL) ||
      !g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf - 1,
                                &n, NULL, NULL))
    return NULL;
  return g_strndup (buf, n);
}

/* ---- Redis --------------------------------------------------------------- */

static void
redis_spawn (CsTestRedis *r)
{
  g_autofree char *port = g_strdup_printf ("%u", r->port);
  g_autofree char *log = g_build_filename (r->dir, "redis.log", NULL);
  const char *argv[] = {
    find_program ("redis-server", "/usr/bin/redis-server"), "--port", port, "--bind", "127.0.0.1",
    "--save", "", "--appendonly", "no", "--dir", r->dir, "--daemonize", "no", NULL
  };

  r->pid = spawn (argv, log, NULL);
  for (guint tries = 0; tries < 1000; tries++)   /* up to 10 s */
    {
      g_autofree char *pong = tcp_exchange (r->port, "PING");

      if (g_strcmp0 (pong, "+PONG") == 0)
        return;
      if (!still_running (r->pid))
        {
          g_autofree char *text = NULL;

          r->pid = 0;
          g_file_get_contents (log, &text, NULL, NULL);
          g_error ("redis-server did not start: %s", text ? text : "");
        }
      g_usleep (10000);
    }
  g_error ("redis-server does not answer on port %u", r->port);
}

CsTestRedis *
cs_test_redis_start (char **why)
{
  CsTestRedis *r;

  if (find_program ("redis-server", "/usr/bin/redis-server") == NULL)
    {
      *why = g_strdup ("redis-server is not installed (apt-get install redis-server)");
      return NULL;
    }
  r = g_new0 (CsTestRedis, 1);
  r->dir = g_dir_make_tmp ("causerie-redis-XXXXXX", NULL);
  g_assert_nonnull (r->dir);
  r->port = cs_test_free_port ();
  r->url = g_strdup_printf ("redis://127.0.0.1:%u/0", r->port);
  redis_spawn (r);
  return r;
}

void
cs_test_redis_stop (CsTestRedis *r,
                    gboolean     kill_it)
{
  stop_pid (&r->pid, kill_it ? SIGKILL : SIGTERM);
}

void
cs_test_redis_restart (CsTestRedis *r)
{
  g_assert_cmpint (r->pid, ==, 0);
  redis_spawn (r);
}

char *
cs_test_redis_command (CsTestRedis *r,
                       const char  *line)
{
  return tcp_exchange (r->port, line);
}

void
cs_test_redis_free (CsTestRedis *r)
{
  if (r == NULL)
    return;
  cs_test_redis_stop (r, FALSE);
  remove_tree (r->dir);
  g_free (r->dir);
  g_free (r->url);
  g_free (r);
}

/* ---- PostgreSQL ---------------------------------------------------------- */

static CsTestPostgres *
postgres_start (gboolean   durable,
                char     **why)
{
  CsTestPostgres *pg;
  g_autofree char *data = NULL;
  g_autofree char *log = NULL;
  g_autofree char *socket = NULL;
  struct passwd *pw;

  if (!g_file_test (PG_BIN "/postgres", G_FILE_TEST_IS_EXECUTABLE))
    {
      *why = g_strdup ("PostgreSQL 15 is not installed (apt-get install postgresql-15)");
      return NULL;
    }
  pg = g_new0 (CsTestPostgres, 1);
  pg->dir = g_dir_make_tmp ("causerie-pg-XXXXXX", NULL);
  g_assert_nonnull (pg->dir);
  /* initdb and postgres refuse to run as root. */
  if (geteuid () == 0)
    {
      pw = getpwnam ("postgres");
      g_assert_nonnull (pw);
      g_assert_no_errno (chown (pg->dir, pw->pw_uid, pw->pw_gid));
      pg->run_as = g_strdup ("postgres");
    }
  data = g_build_filename (pg->dir, "pg", NULL);
  log = g_build_filename (pg->dir, "pg.log", NULL);
  socket = g_build_filename (pg->dir, ".s.PGSQL.5432", NULL);
  {
    const char *argv[] = { PG_BIN "/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", NULL };

    run (argv, log, pg->run_as);
  }
  {
    const char *argv[] = {
      PG_BIN "/postgres", "-D", data, "-k", pg->dir, "-c", "listen_addresses=",
      "-c", durable ? "fsync=on" : "fsync=off", NULL
    };

    pg->pid = spawn (argv, log, pg->run_as);
  }
  for (guint tries = 0;; tries++)
    {
      const char *argv[] = { PG_BIN "/pg_isready", "-q", "-h", pg->dir, NULL };
      int status = -1;

      if (g_file_test (socket, G_FILE_TEST_EXISTS))
        {
          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL);
          if (status == 0)
            break;
        }
      if (!still_running (pg->pid) || tries > 3000)   /* 30 s */
        {
          g_autofree char *text = NULL;

          g_file_get_contents (log, &text, NULL, NULL);
          g_error ("postgres did not start: %s", text ? text : "");
        }
      g_usleep (10000);
    }
  {
    const char *argv[] = { PG_BIN "/createdb", "-h", pg->dir, "-U", "postgres", "causerie", NULL };

    run (argv, log, NULL);
  }
  pg->conninfo = g_strdup_printf ("host=%s dbname=causerie user=postgres", pg->dir);
  return pg;
}

CsTestPostgres *
cs_test_postgres_start (char **why)
{
  return postgres_start (FALSE, why);
}

CsTestPostgres *
cs_test_postgres_start_durable (char **why)
{
  return postgres_start (TRUE, why);
}

char *
cs_test_postgres_query (CsTestPostgres *pg,
                        const char     *sql)
{
  const char *argv[] = { PG_BIN "/psql", "-X", "-A", "-t", "-d", pg->conninfo, "-c", sql, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (status != 0)
    g_error ("psql -c '%s': %s", sql, err);
  g_strchomp (out);
  return out;
}

void
cs_test_postgres_stop (CsTestPostgres *pg)
{
  /* SIGINT: PostgreSQL's fast shutdown. */
  stop_pid (&pg->pid, SIGINT);
}

void
cs_test_postgres_free (CsTestPostgres *pg)
{
  if (pg == NULL)
    return;
  cs_test_postgres_stop (pg);
  remove_tree (pg->dir);
  g_free (pg->dir);
  g_free (pg->conninfo);
  g_free (pg->run_as);
  g_free (pg);
}

static CsTestPostgres *shared_pg;

static void
stop_shared_postgres (void)
{
  g_clear_pointer (&shared_pg, cs_test_postgres_free);
}

gboolean
cs_test_storage_is_postgresql (void)
{
  return g_strcmp0 (g_getenv ("CAUSERIE_TEST_STORAGE"), "postgresql") == 0;
}

CsTestPostgres *
cs_test_postgres_shared (void)
{
  if (shared_pg == NULL)
    {
      g_autofree char *why = NULL;

      shared_pg = cs_test_postgres_start (&why);
      if (shared_pg == NULL)
        {
          /* Skipped (exit status 77), saying why. */
          g_printerr ("CAUSERIE_TEST_STORAGE=postgresql: %s\n", why);
          exit (77);
        }
      atexit (stop_shared_postgres);
    }
  return shared_pg;
}

char *
cs_test_postgres_new_database (const char  *template_name,
                               char       **name)
{
  static guint n_databases;
  CsTestPostgres *pg = cs_test_postgres_shared ();
  g_autofree char *db = g_strdup_printf ("causerie_%u", ++n_databases);
  g_autofree char *sql = NULL;

  if (template_name)
    sql = g_strdup_printf ("CREATE DATABASE %s TEMPLATE %s", db, template_name);
  else
    sql = g_strdup_printf ("CREATE DATABASE %s", db);
  g_free (cs_test_postgres_query (pg, sql));
  if (name)
    *name = g_strdup (db);
  return g_strdup_printf ("host=%s dbname=%s user=postgres", pg->dir, db);
}

/* ---- nginx --------------------------------------------------------------- */

char *
cs_test_nginx_http_common (const char *d)
{
  return g_strdup_printf ("access_log off;\n"
                          "client_body_temp_path %s/body; proxy_temp_path %s/proxy; fastcgi_temp_path %s/f;\n"
                          "uwsgi_temp_path %s/u; scgi_temp_path %s/s;\n",
                          d, d, d, d, d);
}

CsTestNginx *
cs_test_nginx_start (const guint *node_ports,
                     guint        n_nodes,
                     const char  *server_extra,
                     char       **why)
{
  const char *nginx = find_program ("nginx", "/usr/sbin/nginx");
  CsTestNginx *n;
  g_autoptr(GString) conf = g_string_new (NULL);
  g_autofree char *common = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;

  if (nginx == NULL)
    {
      *why = g_strdup ("nginx is not installed (apt-get install nginx)");
      return NULL;
    }
  n = g_new0 (CsTestNginx, 1);
  n->dir = g_dir_make_tmp ("causerie-nginx-XXXXXX", NULL);
  g_assert_nonnull (n->dir);
  n->port = cs_test_free_port ();
  common = cs_test_nginx_http_common (n->dir);
  g_string_append_printf (conf, "daemon off; master_process off; pid %s/nginx.pid; error_log %s/error.log;\n%s"
                          "events { }\nhttp {\n%s",
                          n->dir, n->dir, geteuid () == 0 ? "user root;\n" : "", common);
  g_string_append (conf, "map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
                         "upstream causerie {\n");
  for (guint i = 0; i < n_nodes; i++)
    g_string_append_printf (conf, "  server 127.0.0.1:%u;\n", node_ports[i]);
  g_string_append_printf (conf, "}\nserver {\n  listen 127.0.0.1:%u;\n%s\n"
                                "  location / {\n"
                                "    proxy_pass http://causerie;\n"
                                "    proxy_http_version 1.1;\n"
                                "    proxy_set_header Upgrade $http_upgrade;\n"
                                "    proxy_set_header Connection $connection_upgrade;\n"
                                "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                                "  }\n}\n}\n",
                          n->port, server_extra ? server_extra : "");
  n->conf_path = g_build_filename (n->dir, "nginx.conf", NULL);
  g_file_set_contents (n->conf_path, conf->str, -1, &error);
  g_assert_no_error (error);
  log = g_build_filename (n->dir, "error.log", NULL);
  {
    const char *argv[] = { nginx, "-c", n->conf_path, "-e", log, "-p", n->dir, NULL };

    n->pid = spawn (argv, log, NULL);
  }
  for (guint tries = 0;; tries++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1", n->port,
                                                                           NULL, NULL);

      if (conn)
        break;
      if (!still_running (n->pid) || tries > 1000)
        {
          g_autofree char *text = NULL;

          g_file_get_contents (log, &text, NULL, NULL);
          g_error ("nginx did not start: %s", text ? text : "");
        }
      g_usleep (10000);
    }
  return n;
}

void
cs_test_nginx_stop (CsTestNginx *n)
{
  stop_pid (&n->pid, SIGTERM);
}

void
cs_test_nginx_free (CsTestNginx *n)
{
  if (n == NULL)
    return;
  cs_test_nginx_stop (n);
  remove_tree (n->dir);
  g_free (n->dir);
  g_free (n->conf_path);
  g_free (n);
}

/* ---- clamd --------------------------------------------------------------- */

const char *
cs_test_eicar (void)
{
  return "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
}

CsTestClamd *
cs_test_clamd_start (char **why)
{
  const char *clamd = find_program ("clamd", "/usr/sbin/clamd");
  CsTestClamd *c;
  g_autofree char *checksum = NULL;
  g_autofree char *hdb = NULL;
  g_autofree char *hdb_path = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *log = NULL;

  if (clamd == NULL)
    {
      *why = g_strdup ("clamd is not installed (apt-get install clamav-daemon)");
      return NULL;
    }
  c = g_new0 (CsTestClamd, 1);
  c->dir = g_dir_make_tmp ("causerie-clamd-XXXXXX", NULL);
  g_assert_nonnull (c->dir);
  c->socket = g_build_filename (c->dir, "clamd.sock", NULL);
  c->address = g_strconcat ("unix:", c->socket, NULL);
  c->conf_path = g_build_filename (c->dir, "clamd.conf", NULL);
  log = g_build_filename (c->dir, "clamd.log", NULL);
  /* The public database cannot be downloaded here: one MD5 signature. */
  checksum = g_compute_checksum_for_string (G_CHECKSUM_MD5, cs_test_eicar (), -1);
  hdb = g_strdup_printf ("%s:%zu:Eicar-Test-Signature\n", checksum, strlen (cs_test_eicar ()));
  hdb_path = g_build_filename (c->dir, "test.hdb", NULL);
  g_assert_true (g_file_set_contents (hdb_path, hdb, -1, NULL));
  conf = g_strdup_printf ("DatabaseDirectory %s\nLocalSocket %s\nForeground yes\nTemporaryDirectory %s\n%s",
                          c->dir, c->socket, c->dir, geteuid () == 0 ? "User root\n" : "");
  g_assert_true (g_file_set_contents (c->conf_path, conf, -1, NULL));
  {
    const char *argv[] = { clamd, "-c", c->conf_path, NULL };

    c->pid = spawn (argv, log, NULL);
  }
  for (guint tries = 0;; tries++)
    {
      g_autofree char *pong = g_file_test (c->socket, G_FILE_TEST_EXISTS) ? clamd_exchange (c->socket, "zPING") : NULL;

      if (g_strcmp0 (pong, "PONG") == 0)
        break;
      if (!still_running (c->pid) || tries > 6000)   /* 60 s */
        {
          g_autofree char *text = NULL;

          g_file_get_contents (log, &text, NULL, NULL);
          g_error ("clamd did not start: %s", text ? text : "");
        }
      g_usleep (10000);
    }
  return c;
}

void
cs_test_clamd_stop (CsTestClamd *c)
{
  stop_pid (&c->pid, SIGTERM);
}

void
cs_test_clamd_free (CsTestClamd *c)
{
  if (c == NULL)
    return;
  cs_test_clamd_stop (c);
  remove_tree (c->dir);
  g_free (c->dir);
  g_free (c->conf_path);
  g_free (c->socket);
  g_free (c->address);
  g_free (c);
}
