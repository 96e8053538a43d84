/* cs-redis-url.c: parsing [bus] redis.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-redis-url.h"

#include <string.h>

#include "cau-error.h"

void
cs_redis_url_free (CsRedisUrl *url)
{
  if (url == NULL)
    return;
  g_free (url->host);
  g_free (url->user);
  if (url->password)
    memset (url->password, 0, strlen (url->password));
  g_free (url->password);
  g_free (url);
}

#define FORM "redis://[:PASSWORD@]HOST[:PORT][/DB], such as redis://127.0.0.1:6379/0"

CsRedisUrl *
cs_redis_url_parse (const char *text,
                    GError    **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(CsRedisUrl) url = g_new0 (CsRedisUrl, 1);
  g_autoptr(GError) local_error = NULL;
  const char *path;

  g_return_val_if_fail (text != NULL, NULL);

  uri = g_uri_parse (text, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH, &local_error);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "redis") != 0)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "“%s” is not a Redis address: write %s.", text, FORM);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "“%s” names no host: write %s.", text, FORM);
      return NULL;
    }
  if (g_uri_get_query (uri) || g_uri_get_fragment (uri))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "“%s” has a query or a fragment, which Causerie does not read: write %s.", text, FORM);
      return NULL;
    }
  url->host = g_strdup (g_uri_get_host (uri));
  url->port = g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri) : 6379;
  if (g_uri_get_port (uri) == 0)
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "“%s”: port 0 is not a Redis port.", text);
      return NULL;
    }
  path = g_uri_get_path (uri);
  if (path[0] == '/')
    path++;
  if (path[0] != '\0')
    {
      guint64 db = 0;

      if (!g_ascii_string_to_unsigned (path, 10, 0, 1000000, &db, NULL))
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                       "“%s”: “/%s” is not a database number: write %s.", text, path, FORM);
          return NULL;
        }
      url->db = (guint) db;
    }
  if (g_uri_get_password (uri) && g_uri_get_password (uri)[0])
    {
      url->password = g_uri_unescape_string (g_uri_get_password (uri), NULL);
      if (g_uri_get_user (uri) && g_uri_get_user (uri)[0])
        url->user = g_uri_unescape_string (g_uri_get_user (uri), NULL);
    }
  else if (g_uri_get_user (uri) && g_uri_get_user (uri)[0])
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "“%s” has a user but no password: write redis://USER:PASSWORD@HOST or redis://:PASSWORD@HOST.",
                   text);
      return NULL;
    }
  return g_steal_pointer (&url);
}

char *
cs_redis_url_to_display (const CsRedisUrl *url)
{
  gboolean v6 = strchr (url->host, ':') != NULL;

  return g_strdup_printf ("%s%s%s:%u/%u", v6 ? "[" : "", url->host, v6 ? "]" : "", url->port, url->db);
}
