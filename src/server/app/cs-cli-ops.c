/* cs-cli-ops.c: the operator's commands: backup, restore, tenant list,
 * user list|disable|enable|reset-password|delete, and the data
 * directory's lock that tells them whether a server runs there.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "causerie-server"

#include "cs-cli-private.h"
#include "cs-api.h"
#include "cs-auth.h"
#include "cs-ops.h"
#include "cs-store.h"
#include "cs-users.h"
#include "cau-error.h"
#include "cau-time.h"
#include "cau-validate.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_FILE "server.lock"
#define MANIFEST_FILE "MANIFEST"
#define MANIFEST_FORMAT "causerie-backup 1"
/* After a restore, seqs continue this far past the restored head
 * (cs_ops_restore_mark): more events than a server writes between two
 * backups, far below 2^53 (what a JSON number holds exactly). */
#define DEFAULT_SEQ_GAP G_GINT64_CONSTANT (1000000000)

int
cs_cli_fail (const char *format,
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

/* ---- the data directory's lock ----------------------------------------- */

static int
open_lock (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, LOCK_FILE, NULL);

  return g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

gboolean
cs_cli_lock_data_dir (const char *data_dir,
                      GError    **error)
{
  int fd;

  if (g_mkdir_with_parents (data_dir, 0700) != 0 || (fd = open_lock (data_dir)) < 0)
    {
      int saved = errno;
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot lock %s: %s", data_dir, g_strerror (saved));
      return FALSE;
    }
  /* Kept open (and locked) until the process ends, however it ends. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error (error, CAU_ERROR, CAU_ERROR_CONFLICT,
                   "Another causerie-server is serving %s: two servers on one data directory would give "
                   "the same seqs twice.", data_dir);
      return FALSE;
    }
  return TRUE;
}

gboolean
cs_cli_data_dir_busy (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, LOCK_FILE, NULL);
  /* Never created here: a command run as another user (root) must not
   * leave a lock file the server's user cannot open. */
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean busy;

  if (fd < 0)
    return FALSE;
  busy = flock (fd, LOCK_EX | LOCK_NB) != 0;
  close (fd);
  return busy;
}

/* ---- copying files ----------------------------------------------------- */

/* Copies @from to @to (which must not exist) with mode 0600, synced. */
static gboolean
copy_file (const char *from,
           const char *to,
           gint64     *out_bytes,
           GError    **error)
{
  g_autofree char *partial = g_strconcat (to, ".partial", NULL);
  char buf[64 * 1024];
  int in, out;
  ssize_t n = 0;
  gint64 total = 0;
  int saved = 0;

  in = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0)
    {
      saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot read %s: %s", from,
                   g_strerror (saved));
      return FALSE;
    }
  out = g_open (partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0)
    saved = errno;
  while (out >= 0 && (n = read (in, buf, sizeof buf)) > 0)
    {
      if (write (out, buf, n) != n)
        {
          saved = errno ? errno : ENOSPC;
          break;
        }
      total += n;
    }
  if (out >= 0 && n < 0)
    saved = errno;
  if (out >= 0 && saved == 0 && fsync (out) != 0)
    saved = errno;
  close (in);
  if (out >= 0 && close (out) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && g_rename (partial, to) != 0)
    saved = errno;
  if (saved != 0)
    {
      g_unlink (partial);
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot copy %s to %s: %s", from, to, g_strerror (saved));
      return FALSE;
    }
  if (out_bytes)
    *out_bytes += total;
  return TRUE;
}

static gboolean
make_private_dir (const char *path,
                  GError    **error)
{
  if (g_mkdir (path, 0700) != 0 && errno != EEXIST)
    {
      int saved = errno;
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot create %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  g_chmod (path, 0700);
  return TRUE;
}

static gboolean
dir_is_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir == NULL || g_dir_read_name (dir) == NULL;
}

/* ---- backup ------------------------------------------------------------ */

static void
remove_old_backup (const char *dest)
{
  g_autofree char *attachments = g_build_filename (dest, "attachments", NULL);
  g_autoptr(GDir) dir = g_dir_open (attachments, 0, NULL);
  const char *name;
  static const char * const files[] = { MANIFEST_FILE, CS_OPS_DB_FILE, "seal.key", NULL };

  /* The manifest first: a backup interrupted from here on is not one. */
  for (guint i = 0; files[i]; i++)
    {
      g_autofree char *path = g_build_filename (dest, files[i], NULL);
      g_unlink (path);
    }
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (attachments, name, NULL);
      g_unlink (path);
    }
}

int
cs_cli_backup (CsConfig  *config,
               GPtrArray *args)
{
  g_autoptr(GError) error = NULL;
  gboolean overwrite = FALSE;
  const char *dest;
  g_autofree char *db_path = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *key_from = NULL;
  g_autofree char *key_to = NULL;
  g_autofree char *att_from = NULL;
  g_autofree char *att_to = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *created = NULL;
  CsDb *db;
  GStatBuf st;
  guint files = 0, thumbs = 0, missing = 0;
  gint64 bytes = 0;
  gboolean have_key;

  for (guint i = 0; i < args->len; i++)
    if (g_str_equal (g_ptr_array_index (args, i), "--overwrite"))
      {
        overwrite = TRUE;
        g_ptr_array_remove_index (args, i);
        break;
      }
  if (args->len != 1 || g_str_has_prefix (g_ptr_array_index (args, 0), "-"))
    return cs_cli_fail ("backup DEST [--overwrite]");
  dest = g_ptr_array_index (args, 0);
  umask (077);

  db_path = g_build_filename (dest, CS_OPS_DB_FILE, NULL);
  manifest_path = g_build_filename (dest, MANIFEST_FILE, NULL);
  if (g_file_test (dest, G_FILE_TEST_EXISTS) && !g_file_test (dest, G_FILE_TEST_IS_DIR))
    return cs_cli_fail ("%s is not a directory", dest);
  if (!overwrite && !dir_is_empty (dest))
    return cs_cli_fail ("%s is not empty%s; give --overwrite to replace the backup in it", dest,
                        g_file_test (manifest_path, G_FILE_TEST_EXISTS) ? " (it holds a backup)" : "");
  if (overwrite && !dir_is_empty (dest) && !g_file_test (manifest_path, G_FILE_TEST_EXISTS) &&
      !g_file_test (db_path, G_FILE_TEST_EXISTS))
    return cs_cli_fail ("%s holds something else than a Causerie backup; choose an empty directory", dest);

  db = cs_ops_open (config->data_dir, TRUE, &error);
  if (db == NULL)
    return cs_cli_fail ("%s", error->message);
  if (!make_private_dir (dest, &error))
    {
      cs_ops_close (db);
      return cs_cli_fail ("%s", error->message);
    }
  if (overwrite)
    remove_old_backup (dest);

  /* 1. The database, as of one moment, checked before it counts. */
  partial = g_strconcat (db_path, ".partial", NULL);
  g_unlink (partial);
  if (!cs_ops_backup (db, partial, &ids, &error))
    {
      cs_ops_close (db);
      return cs_cli_fail ("%s", error->message);
    }
  cs_ops_close (db);
  if (!cs_ops_check_file (partial, &error) || g_rename (partial, db_path) != 0)
    {
      g_unlink (partial);
      return cs_cli_fail ("%s", error ? error->message : "cannot rename the copy");
    }
  g_chmod (db_path, 0600);
  printf ("%s: the database as of now (integrity checked), %" G_GINT64_FORMAT " bytes\n", db_path,
          g_stat (db_path, &st) == 0 ? (gint64) st.st_size : 0);

  /* 2. The key that seals stored invitation links and the like. */
  key_from = g_build_filename (config->data_dir, "seal.key", NULL);
  key_to = g_build_filename (dest, "seal.key", NULL);
  have_key = g_file_test (key_from, G_FILE_TEST_EXISTS);
  if (have_key && !copy_file (key_from, key_to, NULL, &error))
    return cs_cli_fail ("%s", error->message);
  if (have_key)
    printf ("%s: the sealing key\n", key_to);
  else
    printf ("(no seal.key in %s: no server has run there yet)\n", config->data_dir);

  /* 3. The files of the attachments the copied database records (files
   * written after the copy belong to rows it does not have). */
  att_from = cs_config_attachments_dir (config);
  att_to = g_build_filename (dest, "attachments", NULL);
  if (!make_private_dir (att_to, &error))
    return cs_cli_fail ("%s", error->message);
  for (guint i = 0; ids[i]; i++)
    {
      g_autofree char *thumb_name = g_strconcat (ids[i], ".thumb", NULL);
      g_autofree char *from = g_build_filename (att_from, ids[i], NULL);
      g_autofree char *to = g_build_filename (att_to, ids[i], NULL);
      g_autofree char *thumb_from = g_build_filename (att_from, thumb_name, NULL);
      g_autofree char *thumb_to = g_build_filename (att_to, thumb_name, NULL);

      if (!g_file_test (from, G_FILE_TEST_EXISTS))
        {
          /* Removed by the server since the copy of the database. */
          missing++;
          continue;
        }
      if (!copy_file (from, to, &bytes, &error))
        return cs_cli_fail ("%s", error->message);
      files++;
      if (g_file_test (thumb_from, G_FILE_TEST_EXISTS))
        {
          if (!copy_file (thumb_from, thumb_to, &bytes, &error))
            return cs_cli_fail ("%s", error->message);
          thumbs++;
        }
    }
  printf ("%s: %u attachments and %u thumbnails, %" G_GINT64_FORMAT " bytes\n", att_to, files, thumbs, bytes);
  if (missing > 0)
    printf ("(%u attachments were removed by the server while the backup ran; the restored server "
            "answers 404 for them)\n", missing);

  /* 4. Last, the manifest: restore takes only a backup that has one. */
  created = cau_time_format (cau_time_now_ms ());
  manifest = g_strdup_printf ("%s\ncreated_at=%s\nsource=%s\nattachments=%u\nthumbnails=%u\nseal_key=%s\n",
                              MANIFEST_FORMAT, created, config->data_dir, files, thumbs, have_key ? "yes" : "no");
  if (!g_file_set_contents_full (manifest_path, manifest, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return cs_cli_fail ("%s", error->message);
  printf ("Backed up %s to %s.\n", config->data_dir, dest);
  return 0;
}

/* ---- restore ----------------------------------------------------------- */

int
cs_cli_restore (CsConfig  *config,
                GPtrArray *args)
{
  g_autoptr(GError) error = NULL;
  const char *gap_text = cs_cli_take_option (args, "--seq-gap");
  guint64 gap = DEFAULT_SEQ_GAP;
  const char *from;
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *db_from = NULL;
  g_autofree char *db_to = NULL;
  g_autofree char *key_from = NULL;
  g_autofree char *key_to = NULL;
  g_autofree char *att_from = NULL;
  g_autofree char *att_to = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint files = 0;
  gint64 bytes = 0;
  gint64 head;
  CsDb *db;

  if (args->len != 1 || g_str_has_prefix (g_ptr_array_index (args, 0), "-"))
    return cs_cli_fail ("restore BACKUP_DIR [--seq-gap N] (into the empty directory given by --data-dir)");
  if (gap_text && !g_ascii_string_to_unsigned (gap_text, 10, 1, G_GINT64_CONSTANT (1) << 50, &gap, NULL))
    return cs_cli_fail ("--seq-gap must be a whole number between 1 and 2^50");
  from = g_ptr_array_index (args, 0);
  umask (077);

  manifest_path = g_build_filename (from, MANIFEST_FILE, NULL);
  if (!g_file_get_contents (manifest_path, &manifest, NULL, NULL) || !g_str_has_prefix (manifest, MANIFEST_FORMAT "\n"))
    return cs_cli_fail ("%s is not a complete Causerie backup (no %s written by causerie-server backup)",
                        from, MANIFEST_FILE);
  db_from = g_build_filename (from, CS_OPS_DB_FILE, NULL);
  if (!cs_ops_check_file (db_from, &error))
    return cs_cli_fail ("%s", error->message);

  if (!dir_is_empty (config->data_dir))
    return cs_cli_fail ("%s is not empty: restore only into a new or empty data directory "
                        "(move the old one aside first)", config->data_dir);
  if (g_mkdir_with_parents (config->data_dir, 0700) != 0 || !make_private_dir (config->data_dir, &error))
    return cs_cli_fail ("%s", error ? error->message : "cannot create the data directory");

  db_to = g_build_filename (config->data_dir, CS_OPS_DB_FILE, NULL);
  if (!copy_file (db_from, db_to, &bytes, &error))
    return cs_cli_fail ("%s", error->message);
  key_from = g_build_filename (from, "seal.key", NULL);
  key_to = g_build_filename (config->data_dir, "seal.key", NULL);
  if (g_file_test (key_from, G_FILE_TEST_EXISTS) && !copy_file (key_from, key_to, NULL, &error))
    return cs_cli_fail ("%s", error->message);
  att_from = g_build_filename (from, "attachments", NULL);
  att_to = cs_config_attachments_dir (config);
  if (!make_private_dir (att_to, &error))
    return cs_cli_fail ("%s", error->message);
  dir = g_dir_open (att_from, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *a = g_build_filename (att_from, name, NULL);
      g_autofree char *b = g_build_filename (att_to, name, NULL);

      if (!g_file_test (a, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!copy_file (a, b, &bytes, &error))
        return cs_cli_fail ("%s", error->message);
      files++;
    }

  db = cs_ops_open (config->data_dir, FALSE, &error);
  if (db == NULL)
    return cs_cli_fail ("%s", error->message);
  head = cs_ops_restore_mark (db, (gint64) gap);
  cs_ops_close (db);
  if (head < 0)
    return cs_cli_fail ("cannot write to the restored database %s", db_to);
  printf ("Restored %s into %s: the database, %s, %u attachment files; %" G_GINT64_FORMAT " bytes.\n",
          from, config->data_dir, g_file_test (key_to, G_FILE_TEST_EXISTS) ? "seal.key" : "no seal.key",
          files, bytes);
  printf ("New events start after seq %" G_GINT64_FORMAT ": every client reloads once (resync_required).\n", head);
  return 0;
}

/* ---- tenant list, user ... --------------------------------------------- */

static char *
format_time (gint64 ms)
{
  return ms == CS_TIME_NONE || ms <= 0 ? g_strdup ("-") : cau_time_format (ms);
}

/* TEXT padded with spaces to WIDTH characters (not bytes: “Chloé” is five),
 * so columns stay aligned for names written outside ASCII. */
static char *
pad (const char *text,
     guint       width)
{
  glong len = g_utf8_strlen (text, -1);
  GString *out = g_string_new (text);

  for (; len < (glong) width; len++)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

int
cs_cli_tenant_list (CsConfig  *config,
                    GPtrArray *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tenants = NULL;
  CsDb *db;

  if (args->len > 0)
    return cs_cli_fail ("tenant list takes no arguments");
  db = cs_store_open_beside (config, TRUE, &error);
  if (db == NULL)
    return cs_cli_fail ("%s", error->message);
  tenants = cs_ops_tenants_list (db);
  cs_ops_close (db);
  printf ("%-30s %-8s %-7s %s\n", "NAME", "LANGUAGE", "PEOPLE", "CREATED");
  for (guint i = 0; i < tenants->len; i++)
    {
      CsOpsTenant *t = g_ptr_array_index (tenants, i);
      g_autofree char *created = format_time (t->created_at);
      g_autofree char *name = pad (t->name, 30);

      printf ("%s %-8s %-7" G_GINT64_FORMAT " %s\n", name, t->language ? t->language : "-", t->people, created);
    }
  return 0;
}

static const char user_usage[] =
  "user list --tenant NAME\n"
  "  user disable|enable|reset-password|delete --tenant NAME EMAIL_OR_ID\n"
  "  (reset-password prints a new random password, or with --stdin reads one line from standard input)";

/* The tenant's id, or NULL after saying why. */
static char *
find_tenant (CsDb       *db,
             const char *name)
{
  char *id = cs_tenants_find (db, name);

  if (id == NULL)
    cs_cli_fail ("there is no organisation named “%s” (see: causerie-server tenant list)", name);
  return id;
}

static int
user_list (CsConfig   *config,
           const char *tenant)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autofree char *tenant_id = NULL;
  CsDb *db = cs_store_open_beside (config, TRUE, &error);

  if (db == NULL)
    return cs_cli_fail ("%s", error->message);
  tenant_id = find_tenant (db, tenant);
  if (tenant_id == NULL)
    {
      cs_ops_close (db);
      return 1;
    }
  users = cs_ops_users_list (db, tenant_id, cau_time_now_ms ());
  cs_ops_close (db);
  printf ("%-36s %-32s %-24s %-6s %-8s %-8s %s\n", "ID", "EMAIL", "NAME", "ROLE", "KIND", "STATE", "SESSIONS");
  for (guint i = 0; i < users->len; i++)
    {
      CsOpsUser *u = g_ptr_array_index (users, i);
      g_autofree char *email = pad (u->email ? u->email : "-", 32);
      g_autofree char *name = pad (u->display_name, 24);

      printf ("%-36s %s %s %-6s %-8s %-8s %" G_GINT64_FORMAT "\n", u->id, email, name, u->role, u->kind,
              u->deleted ? "deleted" : u->disabled ? "disabled" : "active", u->sessions);
    }
  return 0;
}

static int
user_delete (CsConfig  *config,
             CsOpsUser *user,
             const char *tenant_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCtx) ctx = NULL;
  CsStore *store;
  gboolean ok;

  /* Erasing writes events (member.remove) whose seqs only the running
   * server may hand out. */
  if (cs_cli_data_dir_busy (config->data_dir))
    return cs_cli_fail ("a server is running on %s: stop it first, or delete the account as its owner "
                        "does (DELETE /api/me)", config->data_dir);
  if (!cs_auth_init ())
    return cs_cli_fail ("libsodium could not start");
  store = cs_store_open (config, &error);
  if (store == NULL)
    return cs_cli_fail ("%s", error->message);
  ctx = cs_ctx_new (config, store, NULL);
  ctx->user_id = g_strdup (user->id);
  ctx->tenant_id = g_strdup (tenant_id);
  ok = cs_store_run_write (store, cs_api_account_erase, ctx);
  cs_store_close (store);
  if (!ok)
    return cs_cli_fail ("%s", ctx->error->message);
  printf ("Deleted the account of %s (%s): personal data erased, sessions revoked, messages kept "
          "under “Deleted user”.\n", user->email, user->id);
  return 0;
}

/* A new password of 20 random characters (120 bits). */
static char *
random_password (void)
{
  g_autofree char *hash = NULL;
  g_autofree char *token = cs_auth_new_token (&hash);

  return g_strndup (token, 20);
}

int
cs_cli_user (CsConfig   *config,
             const char *verb,
             GPtrArray  *args)
{
  static const char * const verbs[] = { "list", "disable", "enable", "reset-password", "delete", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CsOpsUser) user = NULL;
  g_autofree char *tenant_id = NULL;
  const char *tenant;
  gboolean from_stdin = FALSE;
  const char *who;
  gint64 revoked;
  CsDb *db;

  if (!g_strv_contains (verbs, verb))
    return -1;
  tenant = cs_cli_take_option (args, "--tenant");
  for (guint i = 0; i < args->len; i++)
    if (g_str_equal (g_ptr_array_index (args, i), "--stdin") && g_str_equal (verb, "reset-password"))
      {
        from_stdin = TRUE;
        g_ptr_array_remove_index (args, i);
        break;
      }
  if (tenant == NULL)
    return cs_cli_fail ("%s", user_usage);
  if (g_str_equal (verb, "list"))
    return args->len == 0 ? user_list (config, tenant) : cs_cli_fail ("%s", user_usage);
  if (args->len != 1 || g_str_has_prefix (g_ptr_array_index (args, 0), "-"))
    return cs_cli_fail ("%s", user_usage);
  who = g_ptr_array_index (args, 0);

  db = cs_store_open_beside (config, FALSE, &error);
  if (db == NULL)
    return cs_cli_fail ("%s", error->message);
  tenant_id = find_tenant (db, tenant);
  if (tenant_id)
    {
      user = cs_ops_user_find (db, tenant_id, who, cau_time_now_ms ());
      if (user == NULL)
        cs_cli_fail ("there is no account “%s” in “%s” (see: causerie-server user list --tenant %s)",
                     who, tenant, tenant);
      else if (g_str_equal (user->kind, "agent"))
        {
          cs_cli_fail ("“%s” is an agent: agents cannot sign in; remove one with DELETE /api/admin/agents/ID", who);
          g_clear_pointer (&user, cs_ops_user_free);
        }
    }
  if (user == NULL)
    {
      cs_ops_close (db);
      return 1;
    }

  if (g_str_equal (verb, "delete"))
    {
      cs_ops_close (db);
      return user_delete (config, user, tenant_id);
    }
  if (g_str_equal (verb, "disable") || g_str_equal (verb, "enable"))
    {
      gboolean disable = g_str_equal (verb, "disable");

      revoked = cs_ops_user_set_disabled (db, tenant_id, user->id, disable, cau_time_now_ms ());
      cs_ops_close (db);
      if (revoked < 0)
        return cs_cli_fail ("the database refused the change; nothing changed");
      if (disable)
        printf ("Disabled %s: they cannot sign in; %" G_GINT64_FORMAT " sessions revoked%s.\n", user->email, revoked,
                user->disabled ? " (the account was disabled already)" : "");
      else
        printf ("Enabled %s: they can sign in again with their password%s.\n", user->email,
                user->disabled ? "" : " (the account was not disabled)");
      return 0;
    }

  /* reset-password: the password goes from here to the hash, never to argv
   * or a log. */
  {
    g_autofree char *password = NULL;
    g_autofree char *hash = NULL;

    if (!cs_auth_init ())
      {
        cs_ops_close (db);
        return cs_cli_fail ("libsodium could not start");
      }
    if (from_stdin)
      {
        password = cs_cli_read_password ("New password: ");
        if (password == NULL || !cau_validate_password (password, &error))
          {
            cs_ops_close (db);
            return cs_cli_fail ("%s", password ? error->message : "no password on standard input");
          }
      }
    else
      password = random_password ();
    hash = cs_auth_hash_password (password, config->kdf);
    if (hash == NULL)
      {
        cs_ops_close (db);
        return cs_cli_fail ("out of memory while hashing the password");
      }
    revoked = cs_ops_user_set_password (db, tenant_id, user->id, hash, cau_time_now_ms ());
    cs_ops_close (db);
    if (revoked < 0)
      {
        memset (password, 0, strlen (password));
        return cs_cli_fail ("the database refused the change; nothing changed");
      }
    if (!from_stdin)
      printf ("New password for %s: %s\n", user->email, password);
    else
      printf ("Set the new password of %s.\n", user->email);
    printf ("%" G_GINT64_FORMAT " sessions revoked%s.\n", revoked,
            user->disabled ? "; the account stays disabled until user enable" : "");
    memset (password, 0, strlen (password));
  }
  return 0;
}
