/* cs-auth.c: passwords, tokens, sessions, rate limits.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-auth"

#include "cs-auth.h"

#include "cau-error.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

gboolean
cs_auth_init (void)
{
  return sodium_init () >= 0;
}

static void
kdf_limits (CsKdfLevel         level,
            unsigned long long *ops,
            size_t             *mem)
{
  switch (level)
    {
    case CS_KDF_MIN:
      *ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
      *mem = 64 * 1024;
      break;
    case CS_KDF_MODERATE:
      *ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
      *mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
      break;
    case CS_KDF_INTERACTIVE:
    default:
      *ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
      *mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
      break;
    }
}

char *
cs_auth_hash_password (const char *password,
                       CsKdfLevel  level)
{
  char out[crypto_pwhash_argon2id_STRBYTES];
  unsigned long long ops;
  size_t mem;

  kdf_limits (level, &ops, &mem);
  if (crypto_pwhash_argon2id_str (out, password, strlen (password), ops, mem) != 0)
    return NULL;
  return g_strdup (out);
}

gboolean
cs_auth_verify_password (const char *hash,
                         const char *password)
{
  if (hash == NULL || password == NULL)
    return FALSE;
  return crypto_pwhash_argon2id_str_verify (hash, password, strlen (password)) == 0;
}

void
cs_auth_dummy_verify (const char *password,
                      CsKdfLevel  level)
{
  static char *dummy[3];
  static GMutex lock;
  char *hash;

  g_mutex_lock (&lock);
  if (dummy[level] == NULL)
    dummy[level] = cs_auth_hash_password ("causerie-dummy-password", level);
  hash = dummy[level];
  g_mutex_unlock (&lock);
  (void) cs_auth_verify_password (hash, password ? password : "");
}

char *
cs_auth_new_token (char **out_hash)
{
  guchar raw[32];
  char *token;
  char *p;

  randombytes_buf (raw, sizeof raw);
  token = g_base64_encode (raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  /* URL-safe, no padding: the token may travel as ?access_token=. */
  for (p = token; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  if ((p = strchr (token, '=')))
    *p = '\0';
  if (out_hash)
    *out_hash = cs_auth_hash_token (token);
  return token;
}

char *
cs_auth_hash_token (const char *token)
{
  if (token == NULL || strlen (token) != 43)
    return NULL;
  for (const char *p = token; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return NULL;
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* ---- sealing ----------------------------------------------------------- */

static guchar seal_key[crypto_secretbox_KEYBYTES];
static gboolean seal_key_loaded;

gboolean
cs_auth_load_seal_key (const char *data_dir,
                       GError    **error)
{
  g_autofree char *path = g_build_filename (data_dir, "seal.key", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  if (g_file_get_contents (path, &data, &len, NULL) && len == sizeof seal_key)
    {
      memcpy (seal_key, data, sizeof seal_key);
      sodium_memzero (data, len);
      seal_key_loaded = TRUE;
      return TRUE;
    }
  if (data != NULL)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "%s is damaged (wrong size).", path);
      return FALSE;
    }
  {
    int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);

    crypto_secretbox_keygen (seal_key);
    if (fd < 0 || write (fd, seal_key, sizeof seal_key) != (ssize_t) sizeof seal_key || fsync (fd) != 0)
      {
        int saved = errno;
        if (fd >= 0)
          close (fd);
        g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot write %s: %s", path, g_strerror (saved));
        return FALSE;
      }
    close (fd);
  }
  seal_key_loaded = TRUE;
  return TRUE;
}

char *
cs_auth_seal (const char *plain)
{
  gsize len = strlen (plain);
  g_autofree guchar *buf = g_malloc (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len);

  g_return_val_if_fail (seal_key_loaded, NULL);
  randombytes_buf (buf, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy (buf + crypto_secretbox_NONCEBYTES, (const guchar *) plain, len, buf, seal_key);
  return g_base64_encode (buf, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len);
}

char *
cs_auth_unseal (const char *sealed)
{
  g_autofree guchar *raw = NULL;
  gsize len = 0;
  char *plain;

  if (!seal_key_loaded || sealed == NULL)
    return NULL;
  raw = g_base64_decode (sealed, &len);
  if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return NULL;
  plain = g_malloc0 (len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES + 1);
  if (crypto_secretbox_open_easy ((guchar *) plain, raw + crypto_secretbox_NONCEBYTES,
                                  len - crypto_secretbox_NONCEBYTES, raw, seal_key) != 0)
    {
      g_free (plain);
      return NULL;
    }
  return plain;
}

/* ---- sessions ---------------------------------------------------------- */

static GMutex sessions_lock;
static GHashTable *sessions;   /* token hash -> CsSessionInfo* */

static void
session_free (gpointer data)
{
  CsSessionInfo *info = data;

  cs_session_info_clear (info);
  g_free (info);
}

void
cs_sessions_init (void)
{
  g_mutex_lock (&sessions_lock);
  if (sessions == NULL)
    sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_free);
  g_mutex_unlock (&sessions_lock);
}

void
cs_sessions_clear (void)
{
  g_mutex_lock (&sessions_lock);
  if (sessions)
    g_hash_table_remove_all (sessions);
  g_mutex_unlock (&sessions_lock);
}

void
cs_sessions_add (const char *token_hash,
                 const char *user_id,
                 const char *tenant_id,
                 gint64      expires_at_ms)
{
  CsSessionInfo *info = g_new0 (CsSessionInfo, 1);

  info->user_id = g_strdup (user_id);
  info->tenant_id = g_strdup (tenant_id);
  info->expires_at_ms = expires_at_ms;
  g_mutex_lock (&sessions_lock);
  g_hash_table_replace (sessions, g_strdup (token_hash), info);
  g_mutex_unlock (&sessions_lock);
}

static gboolean
is_expired (gpointer key,
            gpointer value,
            gpointer now_ms)
{
  return ((CsSessionInfo *) value)->expires_at_ms <= *(gint64 *) now_ms;
}

void
cs_sessions_remove_expired (gint64 now_ms)
{
  g_mutex_lock (&sessions_lock);
  if (sessions)
    g_hash_table_foreach_remove (sessions, is_expired, &now_ms);
  g_mutex_unlock (&sessions_lock);
}

void
cs_sessions_remove (const char *token_hash)
{
  g_mutex_lock (&sessions_lock);
  g_hash_table_remove (sessions, token_hash);
  g_mutex_unlock (&sessions_lock);
}

static gboolean
is_users (gpointer key,
          gpointer value,
          gpointer user_id)
{
  return g_strcmp0 (((CsSessionInfo *) value)->user_id, user_id) == 0;
}

void
cs_sessions_remove_user (const char *user_id)
{
  g_mutex_lock (&sessions_lock);
  g_hash_table_foreach_remove (sessions, is_users, (gpointer) user_id);
  g_mutex_unlock (&sessions_lock);
}

gboolean
cs_sessions_lookup (const char    *token_hash,
                    CsSessionInfo *out)
{
  CsSessionInfo *info = NULL;
  gpointer key = NULL;
  gboolean found = FALSE;

  if (token_hash == NULL)
    return FALSE;
  g_mutex_lock (&sessions_lock);
  /* The key is a hash of the secret, so the hash-table probe leaks nothing
   * usable about the token itself; the final comparison is constant-time. */
  if (g_hash_table_lookup_extended (sessions, token_hash, &key, (gpointer *) &info) &&
      info->expires_at_ms > g_get_real_time () / 1000 &&
      strlen (key) == strlen (token_hash) &&
      sodium_memcmp (key, token_hash, strlen (token_hash)) == 0)
    {
      out->user_id = g_strdup (info->user_id);
      out->tenant_id = g_strdup (info->tenant_id);
      out->expires_at_ms = info->expires_at_ms;
      found = TRUE;
    }
  g_mutex_unlock (&sessions_lock);
  return found;
}

void
cs_session_info_clear (CsSessionInfo *info)
{
  g_clear_pointer (&info->user_id, g_free);
  g_clear_pointer (&info->tenant_id, g_free);
}

/* ---- rate limits ------------------------------------------------------- */

typedef struct {
  GArray *times;   /* gint64 seconds of recent failures */
} Window;

static GMutex rl_lock;
static GHashTable *rl_accounts;
static GHashTable *rl_addresses;

static void
window_free (gpointer data)
{
  Window *w = data;

  g_array_unref (w->times);
  g_free (w);
}

static void
rl_ensure (void)
{
  if (rl_accounts == NULL)
    {
      rl_accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, window_free);
      rl_addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, window_free);
    }
}

/* Seconds until the oldest failure in the window leaves it, when @max or
 * more failures are inside it. */
static guint
window_wait (GHashTable *table,
             const char *key,
             guint       max,
             guint       window_s,
             gint64      now)
{
  Window *w = key ? g_hash_table_lookup (table, key) : NULL;
  guint n = 0;

  if (w == NULL)
    return 0;
  while (w->times->len > 0 && g_array_index (w->times, gint64, 0) <= now - window_s)
    g_array_remove_index (w->times, 0);
  n = w->times->len;
  if (n == 0)
    {
      g_hash_table_remove (table, key);
      return 0;
    }
  if (n < max)
    return 0;
  return (guint) MAX (1, g_array_index (w->times, gint64, n - max) + window_s - now);
}

guint
cs_ratelimit_check (const CsConfig *config,
                    const char     *account_key,
                    const char     *address)
{
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  guint wait;

  g_mutex_lock (&rl_lock);
  rl_ensure ();
  wait = MAX (window_wait (rl_accounts, account_key, config->login_fail_account, config->login_window_s, now),
              window_wait (rl_addresses, address, config->login_fail_address, config->login_window_s, now));
  g_mutex_unlock (&rl_lock);
  return wait;
}

static void
window_add (GHashTable *table,
            const char *key,
            gint64      now)
{
  Window *w;

  if (key == NULL)
    return;
  w = g_hash_table_lookup (table, key);
  if (w == NULL)
    {
      w = g_new0 (Window, 1);
      w->times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (table, g_strdup (key), w);
    }
  g_array_append_val (w->times, now);
  /* Bound memory per key: older entries beyond any limit do not matter. */
  if (w->times->len > 1000)
    g_array_remove_range (w->times, 0, w->times->len - 1000);
}

void
cs_ratelimit_fail (const char *account_key,
                   const char *address)
{
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  g_mutex_lock (&rl_lock);
  rl_ensure ();
  window_add (rl_accounts, account_key, now);
  window_add (rl_addresses, address, now);
  g_mutex_unlock (&rl_lock);
}

void
cs_ratelimit_success (const char *account_key)
{
  g_mutex_lock (&rl_lock);
  rl_ensure ();
  g_hash_table_remove (rl_accounts, account_key);
  g_mutex_unlock (&rl_lock);
}

guint
cs_ratelimit_wait (const char *key,
                   guint       max,
                   guint       window_s)
{
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  guint wait;

  g_mutex_lock (&rl_lock);
  rl_ensure ();
  wait = window_wait (rl_addresses, key, max, window_s, now);
  g_mutex_unlock (&rl_lock);
  return wait;
}

void
cs_ratelimit_note (const char *key)
{
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  g_mutex_lock (&rl_lock);
  rl_ensure ();
  window_add (rl_addresses, key, now);
  g_mutex_unlock (&rl_lock);
}
