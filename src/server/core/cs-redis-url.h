/* cs-redis-url.h: the address of a Redis server, as [bus] redis gives it:
 * redis://[[USER]:PASSWORD@]HOST[:PORT][/DB].
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char  *host;      /* an IP address or a name; [::1] is given as ::1 */
  guint  port;      /* 6379 when absent */
  guint  db;        /* 0 when absent; names the bus's channel */
  char  *user;      /* NULL: AUTH with the password alone */
  char  *password;  /* NULL: no AUTH */
} CsRedisUrl;

/* NULL with a sentence in @error when @text is not such an address. */
CsRedisUrl *cs_redis_url_parse  (const char *text,
                                 GError    **error);
void        cs_redis_url_free   (CsRedisUrl *url);
/* HOST:PORT/DB, without the credentials: for the log. */
char       *cs_redis_url_to_display (const CsRedisUrl *url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRedisUrl, cs_redis_url_free)

G_END_DECLS
