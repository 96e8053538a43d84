/* cs-auth.h: passwords (argon2id), session tokens (256 random bits, stored
 * as SHA-256), sealing secrets. Sessions: cs-sessions.h; failure
 * windows: cs-limits.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-config.h"

G_BEGIN_DECLS

gboolean cs_auth_init            (void);
/* Returns the encoded argon2id hash, or NULL when out of memory. */
char    *cs_auth_hash_password   (const char *password,
                                  CsKdfLevel  level);
gboolean cs_auth_verify_password (const char *hash,
                                  const char *password);
/* Spends the time a verification would, for unknown accounts. */
void     cs_auth_dummy_verify    (const char *password,
                                  CsKdfLevel  level);

/* A new random token (URL-safe base64 of 32 bytes) and its stored hash. */
char    *cs_auth_new_token       (char      **out_hash);
/* The hex SHA-256 of @token; NULL when @token is not of our shape. */
char    *cs_auth_hash_token      (const char *token);

/* Secrets the server must show again later (an invitation link) are kept
 * sealed with a key that lives beside the database, never in it: the
 * key is read (or made) from DATA_DIR/seal.key. */
typedef struct _CsSealer CsSealer;

CsSealer *cs_sealer_load         (const char *data_dir,
                                  GError    **error);
void      cs_sealer_free         (CsSealer   *sealer);
char     *cs_sealer_seal         (CsSealer   *sealer,
                                  const char *plain);
/* NULL when @sealed was not sealed with this key. */
char     *cs_sealer_unseal       (CsSealer   *sealer,
                                  const char *sealed);

G_END_DECLS
