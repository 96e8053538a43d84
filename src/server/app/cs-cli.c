/* cs-cli.c: the causerie-server command line: serve, tenant create,
 * user add, demo (the operator's other commands are in cs-cli-ops.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-server"

#include "cs-cli.h"
#include "cs-cli-private.h"
#include "cs-users.h"
#include "cs-api.h"
#include "cs-auth.h"
#include "cs-demo.h"
#include "cs-listener.h"
#include "cs-server.h"
#include "cs-store.h"
#include "cau-validate.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char usage[] =
  "Usage:\n"
  "  causerie-server [--data-dir DIR] [--config FILE] serve [--listen HOST:PORT] [--public-url URL]\n"
  "  causerie-server [--data-dir DIR] tenant create NAME --admin-email EMAIL [--admin-name NAME] [--language fr|en]\n"
  "  causerie-server [--data-dir DIR] user add --tenant NAME --email EMAIL --name NAME [--role admin|member|guest]\n"
  "  causerie-server [--data-dir DIR] demo\n"
  "  causerie-server [--data-dir DIR] [--config FILE] migrate\n"
  "  causerie-server [--data-dir DIR] backup DEST [--overwrite]\n"
  "  causerie-server [--data-dir DIR] restore BACKUP_DIR [--seq-gap N]\n"
  "  causerie-server [--data-dir DIR] tenant list\n"
  "  causerie-server [--data-dir DIR] user list --tenant NAME\n"
  "  causerie-server [--data-dir DIR] user disable|enable|delete --tenant NAME EMAIL_OR_ID\n"
  "  causerie-server [--data-dir DIR] user reset-password --tenant NAME EMAIL_OR_ID [--stdin]\n"
  "\n"
  "tenant create and user add read the new password as one line on standard input.\n"
  "backup runs beside a live server; restore fills an empty data directory.\n"
  "The data directory defaults to $XDG_DATA_HOME/causerie-server.\n";

static int
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  fputs ("causerie-server: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  return 1;
}

/* Reads one line; on a terminal, asks without echoing it. */
static char *
read_password (const char *prompt)
{
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char buf[1100];
  char *line;

  if (tty)
    {
      fputs (prompt, stderr);
      fflush (stderr);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }
  line = fgets (buf, sizeof buf, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      fputc ('\n', stderr);
    }
  if (line == NULL)
    return NULL;
  buf[strcspn (buf, "\r\n")] = '\0';
  line = g_strdup (buf);
  memset (buf, 0, sizeof buf);
  return line;
}

/* Takes "--name VALUE" out of argv. */
static const char *
take_option (GPtrArray  *args,
             const char *name)
{
  for (guint i = 0; i < args->len; i++)
    {
      const char *a = g_ptr_array_index (args, i);
      gsize n = strlen (name);

      if (g_str_equal (a, name) && i + 1 < args->len)
        {
          const char *value = g_ptr_array_index (args, i + 1);
          g_ptr_array_remove_range (args, i, 2);
          return value;
        }
      if (strncmp (a, name, n) == 0 && a[n] == '=')
        {
          g_ptr_array_remove_index (args, i);
          return a + n + 1;
        }
    }
  return NULL;
}

/* For cs-cli-ops.c. */
char *
cs_cli_read_password (const char *prompt)
{
  return read_password (prompt);
}

const char *
cs_cli_take_option (GPtrArray  *args,
                    const char *name)
{
  return take_option (args, name);
}

typedef struct {
  const char *tenant_name;
  const char *language;
  const char *tenant_id;
  const char *email;
  const char *name;
  const char *role;
  const char *hash;
  gboolean    create_tenant;
} AddUser;

static void
add_user_write (CsCtx *ctx)
{
  AddUser *a = ctx->input;
  g_autofree char *tenant_id = NULL;

  if (a->create_tenant)
    {
      if (!cs_api_create_tenant (ctx, a->tenant_name, a->language, &tenant_id))
        return;
    }
  else
    {
      tenant_id = cs_tenants_find (ctx->db, a->tenant_name);
      if (tenant_id == NULL)
        {
          cs_ctx_fail (ctx, CAU_ERROR_NOT_FOUND, "There is no organisation named “%s”.", a->tenant_name);
          return;
        }
      g_free (ctx->tenant_id);
      ctx->tenant_id = g_strdup (tenant_id);
    }
  cs_api_create_user (ctx, tenant_id, a->email, a->name, a->role, a->hash, NULL);
}

static int
add_user (CsConfig   *config,
          AddUser    *a,
          const char *email_in,
          const char *name_in)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *name = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(CsCtx) ctx = NULL;
  CsStore *store;
  gboolean ok;

  /* Names from the command line meet the same rules as over HTTP. */
  if (!g_utf8_validate (a->tenant_name, -1, NULL))
    return fail ("the organisation name is not valid UTF-8 text");
  if (!cau_validate_email (email_in, &email, &error) ||
      !cau_validate_name (name_in, &name, &error) ||
      (a->create_tenant && !cau_validate_name (a->tenant_name, NULL, &error)))
    return fail ("%s", error->message);
  password = read_password ("Password: ");
  if (password == NULL)
    return fail ("no password on standard input");
  if (!cau_validate_password (password, &error))
    return fail ("%s", error->message);
  if (!cs_auth_init ())
    return fail ("libsodium could not start");
  hash = cs_auth_hash_password (password, config->kdf);
  memset (password, 0, strlen (password));
  if (hash == NULL)
    return fail ("out of memory while hashing the password");

  store = cs_store_open (config, &error);
  if (store == NULL)
    return fail ("%s", error->message);
  a->email = email;
  a->name = name;
  a->hash = hash;
  ctx = cs_ctx_new (config, store, NULL);
  ctx->input = a;
  ok = cs_store_run_write (store, add_user_write, ctx);
  cs_store_close (store);
  if (!ok)
    return fail ("%s", ctx->error->message);
  if (a->create_tenant)
    printf ("Created organisation “%s” with administrator %s.\n", a->tenant_name, email);
  else
    printf ("Added %s <%s> to “%s” as %s.\n", name, email, a->tenant_name, a->role);
  return 0;
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
reopen_cb (gpointer server)
{
  cs_server_reopen_logs (server);
  return G_SOURCE_CONTINUE;
}

static int
serve (CsConfig  *config,
       GPtrArray *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const char *listen = take_option (args, "--listen");
  const char *url = take_option (args, "--public-url");

  if (args->len > 0)
    return fail ("unexpected argument “%s”\n\n%s", (char *) g_ptr_array_index (args, 0), usage);
  if (listen && !cs_config_set_listen (config, listen, &error))
    return fail ("%s", error->message);
  if (url)
    {
      g_free (config->public_url);
      config->public_url = g_strdup (url);
      config->public_url_set = TRUE;
      while (g_str_has_suffix (config->public_url, "/"))
        config->public_url[strlen (config->public_url) - 1] = '\0';
    }
  cs_listener_raise_fd_limit ();
  if (!cs_cli_lock_data_dir (config->data_dir, &error))
    return fail ("%s", error->message);
  server = cs_server_new (config, &error);
  if (server == NULL || !cs_server_listen (server, &error))
    return fail ("%s", error->message);

  /* Before the line that says the server is up: a SIGTERM right after it
   * is a clean stop, not death by signal. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGHUP, reopen_cb, server);
  /* One line, which tests read: the metrics address is on it too. */
  if (cs_server_metrics_port (server))
    {
      gboolean v6 = strchr (config->metrics_host, ':') != NULL;

      printf ("causerie-server listening on http://%s:%u (public URL %s, data in %s; metrics on http://%s%s%s:%u/metrics)\n",
              config->listen_host, cs_server_port (server), cs_config_get_public_url (config), config->data_dir,
              v6 ? "[" : "", config->metrics_host, v6 ? "]" : "", cs_server_metrics_port (server));
    }
  else
    printf ("causerie-server listening on http://%s:%u (public URL %s, data in %s)\n",
             config->listen_host, cs_server_port (server), cs_config_get_public_url (config), config->data_dir);
  fflush (stdout);
  g_main_loop_run (loop);
  printf ("causerie-server stopping\n");
  return 0;
}

int
cs_cli_main (int    argc,
             char **argv)
{
  g_autoptr(CsConfig) config = cs_config_new ();
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *data_dir;
  const char *config_file;
  const char *command;

  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  for (guint i = 0; i < args->len; i++)
    if (g_str_equal (g_ptr_array_index (args, i), "--help") || g_str_equal (g_ptr_array_index (args, i), "-h"))
      {
        fputs (usage, stdout);
        return 0;
      }

  /* Global options come before the command. */
  while (args->len > 0 && g_str_has_prefix (g_ptr_array_index (args, 0), "--"))
    {
      if ((data_dir = take_option (args, "--data-dir")))
        {
          g_free (config->data_dir);
          config->data_dir = g_strdup (data_dir);
        }
      else if ((config_file = take_option (args, "--config")))
        {
          if (!cs_config_load_file (config, config_file, &error))
            return fail ("%s", error->message);
        }
      else
        return fail ("unknown option “%s”\n\n%s", (char *) g_ptr_array_index (args, 0), usage);
    }
  if (args->len == 0)
    return fail ("say what to do\n\n%s", usage), 2;

  command = g_ptr_array_index (args, 0);
  g_ptr_array_remove_index (args, 0);

  if (g_str_equal (command, "serve"))
    return serve (config, args);

  if (g_str_equal (command, "tenant") && args->len >= 2 && g_str_equal (g_ptr_array_index (args, 0), "create"))
    {
      AddUser a = { 0 };
      const char *email, *name;

      a.tenant_name = g_ptr_array_index (args, 1);
      g_ptr_array_remove_range (args, 0, 2);
      email = take_option (args, "--admin-email");
      name = take_option (args, "--admin-name");
      a.language = take_option (args, "--language");
      if (email == NULL || args->len > 0)
        return fail ("tenant create NAME --admin-email EMAIL [--admin-name NAME] [--language fr|en]");
      a.role = "admin";
      a.create_tenant = TRUE;
      return add_user (config, &a, email, name ? name : email);
    }

  if (g_str_equal (command, "user") && args->len >= 1 && g_str_equal (g_ptr_array_index (args, 0), "add"))
    {
      AddUser a = { 0 };
      const char *email, *name, *role;
      static const char * const roles[] = { "admin", "member", "guest", NULL };

      g_ptr_array_remove_index (args, 0);
      a.tenant_name = take_option (args, "--tenant");
      email = take_option (args, "--email");
      name = take_option (args, "--name");
      role = take_option (args, "--role");
      if (a.tenant_name == NULL || email == NULL || name == NULL || args->len > 0)
        return fail ("user add --tenant NAME --email EMAIL --name NAME [--role admin|member|guest]");
      a.role = role ? role : "member";
      if (!g_strv_contains (roles, a.role))
        return fail ("--role must be admin, member or guest");
      return add_user (config, &a, email, name);
    }

  /* Creates or upgrades the schema of the configured store, and stops:
   * what an operator runs before starting nodes on a new release. */
  if (g_str_equal (command, "migrate") && args->len == 0)
    {
      CsStore *store = cs_store_open (config, &error);

      if (store == NULL)
        return fail ("%s", error->message);
      cs_store_close (store);
      printf ("The %s store's schema is current.\n",
              config->storage_backend == CS_STORAGE_POSTGRESQL ? "PostgreSQL" : "SQLite");
      return 0;
    }

  /* Backup and restore copy the SQLite file (cs-cli-ops.c); on PostgreSQL
   * the database's own tools do their work. */
  if (config->storage_backend == CS_STORAGE_POSTGRESQL &&
      (g_str_equal (command, "backup") || g_str_equal (command, "restore")))
    return fail ("“%s” works on the SQLite store only; with backend = postgresql use pg_dump, "
                 "pg_restore and SQL instead: README.md, “Operating the server”, “With PostgreSQL”", command);

  if (g_str_equal (command, "backup"))
    return cs_cli_backup (config, args);
  if (g_str_equal (command, "restore"))
    return cs_cli_restore (config, args);
  if (g_str_equal (command, "tenant") && args->len >= 1 && g_str_equal (g_ptr_array_index (args, 0), "list"))
    {
      g_ptr_array_remove_index (args, 0);
      return cs_cli_tenant_list (config, args);
    }
  if (g_str_equal (command, "user") && args->len >= 1)
    {
      const char *verb = g_ptr_array_index (args, 0);
      g_autoptr(GPtrArray) rest = g_ptr_array_copy (args, NULL, NULL);
      int rc;

      g_ptr_array_remove_index (rest, 0);
      rc = cs_cli_user (config, verb, rest);
      if (rc >= 0)
        return rc;
    }

  if (g_str_equal (command, "demo") && args->len == 0)
    {
      CsStore *store;
      gboolean ok;

      if (!cs_auth_init ())
        return fail ("libsodium could not start");
      store = cs_store_open (config, &error);
      if (store == NULL)
        return fail ("%s", error->message);
      ok = cs_demo_create (store, config, &error);
      cs_store_close (store);
      return ok ? 0 : fail ("%s", error->message);
    }

  return fail ("unknown command “%s”\n\n%s", command, usage), 2;
}
