/* cs-auth.h: passwords (argon2id), session tokens (256 random bits, stored
 * as SHA-256), the table of live sessions the event loop checks without
 * touching the disk, and login rate limits.
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
 * sealed with a key that lives beside the database, never in it. */
gboolean cs_auth_load_seal_key   (const char *data_dir,
                                  GError    **error);
char    *cs_auth_seal            (const char *plain);
/* NULL when @sealed was not sealed with this server's key. */
char    *cs_auth_unseal          (const char *sealed);

/* The live sessions, shared by all threads. */
typedef struct {
  char  *user_id;
  char  *tenant_id;
  gint64 expires_at_ms;
} CsSessionInfo;

void     cs_sessions_init        (void);
void     cs_sessions_add         (const char *token_hash,
                                  const char *user_id,
                                  const char *tenant_id,
                                  gint64      expires_at_ms);
void     cs_sessions_remove      (const char *token_hash);
void     cs_sessions_remove_user (const char *user_id);
/* Forgets the sessions that expired at or before @now_ms. */
void     cs_sessions_remove_expired (gint64  now_ms);
/* Fills @out (strings newly allocated) and returns TRUE for a live session. */
gboolean cs_sessions_lookup      (const char    *token_hash,
                                  CsSessionInfo *out);
void     cs_session_info_clear   (CsSessionInfo *info);
void     cs_sessions_clear       (void);

/* Login failures in a sliding window. Returns the seconds to wait before
 * another try is allowed, or 0. */
guint    cs_ratelimit_check      (const CsConfig *config,
                                  const char     *account_key,
                                  const char     *address);
void     cs_ratelimit_fail       (const char     *account_key,
                                  const char     *address);
void     cs_ratelimit_success    (const char     *account_key);
/* The same sliding window for any other key ("invite:1.2.3.4"). */
guint    cs_ratelimit_wait       (const char     *key,
                                  guint           max,
                                  guint           window_s);
void     cs_ratelimit_note       (const char     *key);

G_END_DECLS
