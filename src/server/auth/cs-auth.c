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

struct _CsSealer {
  guchar key[crypto_secretbox_KEYBYTES];
};

CsSealer *
cs_sealer_load (const char *data_dir,
                GError    **error)
{
  g_autofree char *path = g_build_filename (data_dir, "seal.key", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  CsSealer *sealer = g_new0 (CsSealer, 1);

  if (g_file_get_contents (path, &data, &len, NULL) && len == sizeof sealer->key)
    {
      memcpy (sealer->key, data, sizeof sealer->key);
      sodium_memzero (data, len);
      return sealer;
    }
  if (data != NULL)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "%s is damaged (wrong size).", path);
      cs_sealer_free (sealer);
      return NULL;
    }
  {
    int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);

    crypto_secretbox_keygen (sealer->key);
    if (fd < 0 || write (fd, sealer->key, sizeof sealer->key) != (ssize_t) sizeof sealer->key || fsync (fd) != 0)
      {
        int saved = errno;
        if (fd >= 0)
          close (fd);
        g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot write %s: %s", path, g_strerror (saved));
        cs_sealer_free (sealer);
        return NULL;
      }
    close (fd);
  }
  return sealer;
}

void
cs_sealer_free (CsSealer *sealer)
{
  if (sealer == NULL)
    return;
  sodium_memzero (sealer->key, sizeof sealer->key);
  g_free (sealer);
}

char *
cs_sealer_seal (CsSealer   *sealer,
                const char *plain)
{
  gsize len = strlen (plain);
  g_autofree guchar *buf = g_malloc (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len);

  g_return_val_if_fail (sealer != NULL, NULL);
  randombytes_buf (buf, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy (buf + crypto_secretbox_NONCEBYTES, (const guchar *) plain, len, buf, sealer->key);
  return g_base64_encode (buf, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len);
}

char *
cs_sealer_unseal (CsSealer   *sealer,
                  const char *sealed)
{
  g_autofree guchar *raw = NULL;
  gsize len = 0;
  char *plain;

  if (sealer == NULL || sealed == NULL)
    return NULL;
  raw = g_base64_decode (sealed, &len);
  if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return NULL;
  plain = g_malloc0 (len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES + 1);
  if (crypto_secretbox_open_easy ((guchar *) plain, raw + crypto_secretbox_NONCEBYTES,
                                  len - crypto_secretbox_NONCEBYTES, raw, sealer->key) != 0)
    {
      g_free (plain);
      return NULL;
    }
  return plain;
}
