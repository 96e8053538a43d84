/* cs-config.c: server settings.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-config"

#include "cs-config.h"
#include "cs-redis-url.h"
#include "cau-error.h"
#include "cau-validate.h"
#include "cs-net.h"

#include <string.h>

CsConfig *
cs_config_new (void)
{
  CsConfig *c = g_new0 (CsConfig, 1);

  c->data_dir = g_build_filename (g_get_user_data_dir (), "causerie-server", NULL);
  c->listen_host = g_strdup ("127.0.0.1");
  c->listen_port = 8787;
  c->json_body_max = CAU_LIMIT_JSON_BYTES;
  c->ws_frame_max = CAU_LIMIT_WS_FRAME_BYTES;
  c->ws_queue_max = 4 * 1024 * 1024;
  c->ws_ping_interval_ms = 30 * 1000;
  c->ws_peer_timeout_ms = 75 * 1000;
  c->ws_abuse_limit = 20;
  c->typing_timeout_ms = 6000;
  c->first_frame_grace_ms = 1500;
  c->offline_delay_ms = 30 * 1000;
  c->ws_io_uring = TRUE;
  c->bus_presence_ttl_s = 30;
  c->kdf = CS_KDF_INTERACTIVE;
  c->session_ttl_s = 30 * 24 * 3600;
  c->login_fail_account = 5;
  c->login_fail_address = 20;
  c->login_window_s = 15 * 60;
  c->events_keep = 1000000;
  c->readers = 2;
  c->batch_max = 512;
  c->invite_ttl_s = 7 * 24 * 3600;
  c->invite_fail_address = 20;
  c->smtp_starttls = TRUE;
  c->edit_window_s = 0;
  c->messages_per_minute = 60;
  c->message_burst = 60;
  c->attach_max_bytes = CAU_LIMIT_ATTACHMENT_BYTES;
  c->attach_max_pixels = 40 * 1000 * 1000;
  c->attach_quota_bytes = (gint64) 10 * 1024 * 1024 * 1024;
  c->attach_unused_s = 24 * 3600;
  c->attach_sweep_s = 3600;
  c->attach_per_message = 10;
  c->attach_scan_timeout_s = 30;
  c->retention_interval_s = 3600;
  c->retention_batch = 500;
  c->forbid_direct = g_new0 (char *, 1);
  c->header_timeout_s = 10;
  c->body_timeout_s = 60;
  c->conns_per_address = 256;
  c->page_cache_kib = 4096;
  c->sqlite_heap_mb = 48;
  c->member_lists = 1000;
  c->agents_path = g_strdup ("/v1/chat/completions");
  c->agents_context_messages = 20;
  c->agents_timeout_s = 120;
  c->agents_per_minute = 10;
  c->audit_keep_days = 365;
  return c;
}

void
cs_config_free (CsConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->data_dir);
  g_free (c->listen_host);
  g_free (c->public_url);
  g_free (c->access_log);
  g_free (c->smtp_url);
  g_free (c->smtp_user);
  if (c->smtp_password)
    memset (c->smtp_password, 0, strlen (c->smtp_password));
  g_free (c->smtp_password);
  g_free (c->smtp_from);
  g_strfreev (c->forbid_direct);
  g_clear_pointer (&c->trusted_proxies, g_ptr_array_unref);
  g_free (c->metrics_host);
  g_free (c->bus_redis);
  g_free (c->storage_postgresql);
  g_free (c->agents_endpoint);
  g_free (c->attach_clamd);
  g_free (c->attach_dir);
  g_free (c->agents_path);
  g_free (c->agents_model);
  if (c->agents_api_key)
    memset (c->agents_api_key, 0, strlen (c->agents_api_key));
  g_free (c->agents_api_key);
  g_free (c);
}

gboolean
cs_config_parse_host_port (const char *host_port,
                           char      **out_host,
                           guint      *out_port,
                           GError    **error)
{
  const char *colon = host_port ? strrchr (host_port, ':') : NULL;
  guint64 port;

  if (colon == NULL || colon == host_port ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "“%s” is not HOST:PORT (for example 127.0.0.1:8787).", host_port ? host_port : "");
      return FALSE;
    }
  if (host_port[0] == '[' && colon[-1] == ']')
    *out_host = g_strndup (host_port + 1, colon - host_port - 2);
  else
    *out_host = g_strndup (host_port, colon - host_port);
  *out_port = (guint) port;
  return TRUE;
}

gboolean
cs_config_set_listen (CsConfig   *config,
                      const char *host_port,
                      GError    **error)
{
  char *host;
  guint port;

  if (!cs_config_parse_host_port (host_port, &host, &port, error))
    return FALSE;
  g_free (config->listen_host);
  config->listen_host = host;
  config->listen_port = port;
  return TRUE;
}

char *
cs_config_attachments_dir (CsConfig *config)
{
  return config->attach_dir ? g_strdup (config->attach_dir)
                            : g_build_filename (config->data_dir, "attachments", NULL);
}

const char *
cs_config_get_public_url (CsConfig *config)
{
  if (config->public_url == NULL)
    {
      gboolean v6 = strchr (config->listen_host, ':') != NULL;

      config->public_url = g_strdup_printf (v6 ? "http://[%s]:%u" : "http://%s:%u",
                                            config->listen_host, config->listen_port);
    }
  return config->public_url;
}

/* Reads the key file, remembering every key asked for: whatever the file
 * holds beyond those is a mistake (a typo, a key from another version) and
 * is refused by name rather than silently ignored. */
typedef struct {
  GKeyFile   *kf;
  const char *path;
  GHashTable *known;   /* group -> GPtrArray of the keys read (static strings) */
  GPtrArray  *groups;  /* the groups, in the order read, for messages */
  GError     *error;   /* the first problem */
} Reader;

static void reader_fail (Reader *r, const char *group, const char *key, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
reader_fail (Reader     *r,
             const char *group,
             const char *key,
             const char *format,
             ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (r->error)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (key)
    g_set_error (&r->error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "%s: [%s] %s: %s", r->path, group, key, text);
  else
    g_set_error (&r->error, CAU_ERROR, CAU_ERROR_BAD_REQUEST, "%s: [%s]: %s", r->path, group, text);
}

static void
reader_know (Reader     *r,
             const char *group,
             const char *key)
{
  GPtrArray *keys = g_hash_table_lookup (r->known, group);

  if (keys == NULL)
    {
      keys = g_ptr_array_new ();
      g_hash_table_insert (r->known, (gpointer) group, keys);
      g_ptr_array_add (r->groups, (gpointer) group);
    }
  for (guint i = 0; i < keys->len; i++)
    if (g_str_equal (g_ptr_array_index (keys, i), key))
      return;
  g_ptr_array_add (keys, (gpointer) key);
}

/* The value as written (escapes undone, blanks around it trimmed), or NULL
 * when the key is absent. */
static char *
read_string (Reader     *r,
             const char *group,
             const char *key)
{
  g_autoptr(GError) local_error = NULL;
  char *value;

  reader_know (r, group, key);
  if (r->error || !g_key_file_has_key (r->kf, group, key, NULL))
    return NULL;
  value = g_key_file_get_string (r->kf, group, key, &local_error);
  if (value == NULL)
    {
      reader_fail (r, group, key, "%s", local_error->message);
      return NULL;
    }
  return g_strstrip (value);
}

static const char *
comment_hint (const char *text)
{
  return strchr (text, '#') ? " (a key file takes comments only on lines of their own)" : "";
}

static void
read_uint (Reader     *r,
           const char *group,
           const char *key,
           guint64     min,
           guint64     max,
           gpointer    out,
           gsize       size)
{
  g_autofree char *text = read_string (r, group, key);
  guint64 v;

  if (text == NULL)
    return;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    {
      reader_fail (r, group, key, "“%s” is not a whole number between %" G_GUINT64_FORMAT
                   " and %" G_GUINT64_FORMAT "%s.", text, min, max, comment_hint (text));
      return;
    }
  if (size == sizeof (guint))
    *(guint *) out = (guint) v;
  else if (size == sizeof (gint64))
    *(gint64 *) out = (gint64) v;
  else
    g_assert_not_reached ();
}

static void
read_bool (Reader     *r,
           const char *group,
           const char *key,
           gboolean   *out)
{
  g_autofree char *text = read_string (r, group, key);

  if (text == NULL)
    return;
  if (g_str_equal (text, "true"))
    *out = TRUE;
  else if (g_str_equal (text, "false"))
    *out = FALSE;
  else
    reader_fail (r, group, key, "“%s” is neither true nor false%s.", text, comment_hint (text));
}

/* One of @choices (NULL-terminated); its index in *out. */
static void
read_choice (Reader             *r,
             const char         *group,
             const char         *key,
             const char * const *choices,
             guint              *out)
{
  g_autofree char *text = read_string (r, group, key);
  g_autofree char *list = NULL;

  if (text == NULL)
    return;
  for (guint i = 0; choices[i]; i++)
    if (g_str_equal (text, choices[i]))
      {
        *out = i;
        return;
      }
  list = g_strjoinv (", ", (char **) choices);
  reader_fail (r, group, key, "“%s” is not one of %s%s.", text, list, comment_hint (text));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
join_sorted (GPtrArray *names)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_copy (names, NULL, NULL);

  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv (", ", (char **) sorted->pdata);
}

static void
reader_check_unknown (Reader *r)
{
  g_auto(GStrv) groups = g_key_file_get_groups (r->kf, NULL);

  for (guint g = 0; groups[g] && r->error == NULL; g++)
    {
      GPtrArray *keys = g_hash_table_lookup (r->known, groups[g]);
      g_auto(GStrv) present = NULL;

      if (keys == NULL)
        {
          g_autofree char *list = join_sorted (r->groups);

          reader_fail (r, groups[g], NULL, "there is no such group; the groups are %s.", list);
          return;
        }
      present = g_key_file_get_keys (r->kf, groups[g], NULL, NULL);
      for (guint k = 0; present && present[k]; k++)
        {
          gboolean found = FALSE;

          for (guint i = 0; i < keys->len && !found; i++)
            found = g_str_equal (g_ptr_array_index (keys, i), present[k]);
          if (!found)
            {
              g_autofree char *list = join_sorted (keys);

              reader_fail (r, groups[g], present[k], "there is no such key in [%s]; it takes %s.",
                           groups[g], list);
              return;
            }
        }
    }
}

#define READ_UINT(g, k, min, max, field) \
  read_uint (&r, g, k, min, max, &config->field, sizeof (config->field))

gboolean
cs_config_load_file (CsConfig   *config,
                     const char *path,
                     GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  Reader r = { kf, path, known, groups, NULL };
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  g_autofree char *proxies = NULL;
  g_autofree char *access_log = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *redis = NULL;
  g_autofree char *postgresql = NULL;
  g_autofree char *clamd = NULL;
  g_autofree char *attach_dir = NULL;
  g_auto(GStrv) forbid = NULL;
  g_autofree char *agents_endpoint = NULL;
  g_autofree char *agents_path = NULL;
  g_autofree char *agents_model = NULL;
  g_autofree char *agents_key_file = NULL;
  g_autofree char *agents_key = NULL;
  static const char * const kdfs[] = { "min", "interactive", "moderate", NULL };
  static const char * const backends[] = { "sqlite", "postgresql", NULL };
  guint kdf = config->kdf;
  guint backend = config->storage_backend;
  guint json_max = (guint) config->json_body_max;
  guint frame_max = (guint) config->ws_frame_max;
  guint queue_max = (guint) config->ws_queue_max;
  guint ping_s = config->ws_ping_interval_ms / 1000;
  guint timeout_s = config->ws_peer_timeout_ms / 1000;
  guint session_days = (guint) (config->session_ttl_s / 86400);
  gint64 quota_mb = config->attach_quota_bytes / (1024 * 1024);
  gboolean starttls = config->smtp_starttls;
  gboolean io_uring = config->ws_io_uring;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "Cannot read the configuration file %s: %s", path, local_error->message);
      return FALSE;
    }

  listen = read_string (&r, "server", "listen");
  url = read_string (&r, "server", "public_url");
  proxies = read_string (&r, "server", "trusted_proxies");
  access_log = read_string (&r, "server", "access_log");
  READ_UINT ("audit", "keep_days", 1, 100 * 365, audit_keep_days);

  read_uint (&r, "limits", "json_body_bytes", 1024, 64 * 1024 * 1024, &json_max, sizeof json_max);
  read_uint (&r, "limits", "ws_frame_bytes", 1024, 16 * 1024 * 1024, &frame_max, sizeof frame_max);
  read_uint (&r, "limits", "ws_queue_bytes", 4096, 1024 * 1024 * 1024, &queue_max, sizeof queue_max);
  READ_UINT ("limits", "header_timeout_seconds", 1, 3600, header_timeout_s);
  READ_UINT ("limits", "body_timeout_seconds", 1, 3600, body_timeout_s);
  READ_UINT ("limits", "connections_per_address", 1, 1000000, conns_per_address);
  read_uint (&r, "websocket", "ping_interval_seconds", 1, 3600, &ping_s, sizeof ping_s);
  read_uint (&r, "websocket", "peer_timeout_seconds", 1, 7200, &timeout_s, sizeof timeout_s);
  READ_UINT ("limits", "messages_per_minute", 0, 1000000, messages_per_minute);
  READ_UINT ("limits", "message_burst", 1, 1000000, message_burst);
  READ_UINT ("websocket", "abuse_limit", 1, 100000, ws_abuse_limit);
  READ_UINT ("websocket", "typing_timeout_ms", 100, 600000, typing_timeout_ms);
  READ_UINT ("websocket", "first_frame_grace_ms", 0, 60000, first_frame_grace_ms);
  READ_UINT ("websocket", "offline_delay_ms", 0, 3600000, offline_delay_ms);
  read_bool (&r, "websocket", "io_uring", &io_uring);
  read_choice (&r, "security", "password_hash", kdfs, &kdf);
  read_uint (&r, "security", "session_days", 1, 3650, &session_days, sizeof session_days);
  READ_UINT ("security", "login_failures_per_account", 1, 100000, login_fail_account);
  READ_UINT ("security", "login_failures_per_address", 1, 100000, login_fail_address);
  READ_UINT ("security", "login_window_seconds", 1, 86400, login_window_s);
  READ_UINT ("events", "keep", 1, G_MAXINT64, events_keep);
  read_choice (&r, "storage", "backend", backends, &backend);
  postgresql = read_string (&r, "storage", "postgresql");
  READ_UINT ("storage", "readers", 1, 64, readers);
  READ_UINT ("storage", "batch_max", 1, 100000, batch_max);
  READ_UINT ("policy", "edit_window_seconds", 0, G_MAXINT64, edit_window_s);
  reader_know (&r, "policy", "forbid_direct");
  READ_UINT ("invitations", "expiry_seconds", 1, 365 * 86400, invite_ttl_s);
  READ_UINT ("invitations", "failures_per_address", 1, 100000, invite_fail_address);
  READ_UINT ("attachments", "max_bytes", 1, (gint64) 4 * 1024 * 1024 * 1024, attach_max_bytes);
  READ_UINT ("attachments", "max_pixels", 1, G_MAXINT32, attach_max_pixels);
  read_uint (&r, "attachments", "tenant_quota_mb", 0, G_MAXINT32, &quota_mb, sizeof quota_mb);
  READ_UINT ("attachments", "unused_lifetime_seconds", 1, 365 * 86400, attach_unused_s);
  READ_UINT ("attachments", "sweep_interval_seconds", 1, 86400, attach_sweep_s);
  READ_UINT ("attachments", "max_per_message", 1, 100, attach_per_message);
  clamd = read_string (&r, "attachments", "clamd");
  attach_dir = read_string (&r, "attachments", "dir");
  READ_UINT ("attachments", "scan_timeout_seconds", 1, 3600, attach_scan_timeout_s);
  READ_UINT ("retention", "interval_seconds", 1, 86400, retention_interval_s);
  READ_UINT ("retention", "batch_messages", 1, 100000, retention_batch);
  READ_UINT ("memory", "page_cache_kib", 64, 4 * 1024 * 1024, page_cache_kib);
  READ_UINT ("memory", "sqlite_heap_mb", 0, 1024 * 1024, sqlite_heap_mb);
  READ_UINT ("memory", "member_lists", 1, 10 * 1000 * 1000, member_lists);
  metrics = read_string (&r, "metrics", "listen");
  redis = read_string (&r, "bus", "redis");
  READ_UINT ("bus", "presence_ttl_seconds", 3, 3600, bus_presence_ttl_s);
  agents_endpoint = read_string (&r, "agents", "endpoint");
  agents_path = read_string (&r, "agents", "path");
  agents_model = read_string (&r, "agents", "model");
  agents_key_file = read_string (&r, "agents", "api_key_file");
  READ_UINT ("agents", "context_messages", 0, 200, agents_context_messages);
  READ_UINT ("agents", "timeout_seconds", 1, 3600, agents_timeout_s);
  READ_UINT ("agents", "invocations_per_minute", 0, 100000, agents_per_minute);
  read_bool (&r, "smtp", "starttls", &starttls);

#define SMTP_STRING(key, field) \
  { char *v = read_string (&r, "smtp", key); if (v) { g_free (config->field); config->field = v; } }
  SMTP_STRING ("url", smtp_url);
  SMTP_STRING ("username", smtp_user);
  SMTP_STRING ("password", smtp_password);
  SMTP_STRING ("from", smtp_from);
#undef SMTP_STRING

  if (r.error == NULL && listen && !cs_config_set_listen (config, listen, &local_error))
    reader_fail (&r, "server", "listen", "%s", local_error->message);
  if (r.error == NULL && url)
    {
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        reader_fail (&r, "server", "public_url", "“%s” is not an http:// or https:// address%s.",
                     url, comment_hint (url));
      else
        {
          g_free (config->public_url);
          config->public_url = g_steal_pointer (&url);
          config->public_url_set = TRUE;
          while (g_str_has_suffix (config->public_url, "/"))
            config->public_url[strlen (config->public_url) - 1] = '\0';
        }
    }
  if (r.error == NULL && proxies)
    {
      GPtrArray *masks = cs_net_parse_masks (proxies, &local_error);

      if (masks == NULL)
        reader_fail (&r, "server", "trusted_proxies", "%s", local_error->message);
      else
        {
          g_clear_pointer (&config->trusted_proxies, g_ptr_array_unref);
          config->trusted_proxies = masks;
        }
    }
  if (r.error == NULL && metrics)
    {
      g_autofree char *host = NULL;
      guint port;

      if (!cs_config_parse_host_port (metrics, &host, &port, &local_error))
        reader_fail (&r, "metrics", "listen", "%s", local_error->message);
      else
        {
          g_free (config->metrics_host);
          config->metrics_host = g_steal_pointer (&host);
          config->metrics_port = port;
        }
    }
  if (r.error == NULL && redis)
    {
      g_autoptr(CsRedisUrl) parsed = cs_redis_url_parse (redis, &local_error);

      if (parsed == NULL)
        reader_fail (&r, "bus", "redis", "%s", local_error->message);
      else
        {
          g_free (config->bus_redis);
          config->bus_redis = g_steal_pointer (&redis);
        }
    }
  if (r.error == NULL && postgresql)
    {
      g_free (config->storage_postgresql);
      config->storage_postgresql = g_steal_pointer (&postgresql);
    }
  if (r.error == NULL && backend == CS_STORAGE_POSTGRESQL && config->storage_postgresql == NULL)
    reader_fail (&r, "storage", "postgresql",
                 "backend = postgresql needs the database to use: postgresql = host=/run/postgresql dbname=causerie");
  if (r.error == NULL && attach_dir && !g_path_is_absolute (attach_dir))
    reader_fail (&r, "attachments", "dir", "“%s” is not an absolute path%s.", attach_dir, comment_hint (attach_dir));
  if (r.error == NULL && clamd)
    {
      g_autofree char *host = NULL;
      guint port = 0;

      if (!(g_str_has_prefix (clamd, "unix:/") && clamd[6] != '\0') &&
          !(g_str_has_prefix (clamd, "tcp:") && cs_config_parse_host_port (clamd + 4, &host, &port, NULL) && port > 0))
        reader_fail (&r, "attachments", "clamd", "“%s” is neither unix:/absolute/path nor tcp:host:port%s.",
                     clamd, comment_hint (clamd));
    }
  if (r.error == NULL && config->smtp_url && !g_str_has_prefix (config->smtp_url, "smtp://") &&
      !g_str_has_prefix (config->smtp_url, "smtps://"))
    reader_fail (&r, "smtp", "url", "“%s” does not start with smtp:// or smtps://.", config->smtp_url);
  if (r.error == NULL && g_key_file_has_key (kf, "policy", "forbid_direct", NULL))
    {
      static const char * const roles[] = { "admin", "member", "guest", NULL };

      forbid = g_key_file_get_string_list (kf, "policy", "forbid_direct", NULL, NULL);
      if (forbid == NULL)
        forbid = g_new0 (char *, 1);
      for (char **p = forbid; *p && r.error == NULL; p++)
        {
          g_auto(GStrv) pair = g_strsplit (g_strstrip (*p), ":", -1);

          if (g_strv_length (pair) != 2 || !g_strv_contains (roles, pair[0]) || !g_strv_contains (roles, pair[1]))
            reader_fail (&r, "policy", "forbid_direct",
                         "“%s” is not a pair of roles such as guest:admin (roles: admin, member, guest).", *p);
        }
    }
  if (r.error == NULL && agents_endpoint)
    {
      g_autoptr(GUri) uri = g_uri_parse (agents_endpoint, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        reader_fail (&r, "agents", "endpoint", "“%s” is not an http:// or https:// address%s.",
                     agents_endpoint, comment_hint (agents_endpoint));
      while (g_str_has_suffix (agents_endpoint, "/"))
        agents_endpoint[strlen (agents_endpoint) - 1] = '\0';
    }
  if (r.error == NULL && access_log && access_log[0] == '\0')
    g_clear_pointer (&access_log, g_free);
  if (r.error == NULL && access_log && !g_path_is_absolute (access_log))
    reader_fail (&r, "server", "access_log", "“%s” is not an absolute path.", access_log);
  if (r.error == NULL && agents_path && agents_path[0] != '/')
    reader_fail (&r, "agents", "path", "“%s” does not start with “/”.", agents_path);
  if (r.error == NULL && agents_key_file)
    {
      /* The key itself never reaches a log: only the file's name does. */
      if (!g_file_get_contents (agents_key_file, &agents_key, NULL, &local_error))
        reader_fail (&r, "agents", "api_key_file", "cannot read it: %s", local_error->message);
      else if (g_strstrip (agents_key)[0] == '\0' || strpbrk (agents_key, "\r\n") != NULL)
        reader_fail (&r, "agents", "api_key_file", "%s must hold the key on one line.", agents_key_file);
    }
  reader_check_unknown (&r);
  if (r.error)
    {
      if (agents_key)
        memset (agents_key, 0, strlen (agents_key));
      g_propagate_error (error, r.error);
      return FALSE;
    }

#define TAKE_STRING(field, value) \
  if (value) { g_free (config->field); config->field = g_steal_pointer (&value); }
  TAKE_STRING (access_log, access_log);
  TAKE_STRING (agents_endpoint, agents_endpoint);
  TAKE_STRING (attach_clamd, clamd);
  TAKE_STRING (attach_dir, attach_dir);
  TAKE_STRING (agents_path, agents_path);
  TAKE_STRING (agents_model, agents_model);
  if (agents_key && config->agents_api_key)
    memset (config->agents_api_key, 0, strlen (config->agents_api_key));
  TAKE_STRING (agents_api_key, agents_key);
#undef TAKE_STRING

  config->json_body_max = json_max;
  config->ws_frame_max = frame_max;
  config->ws_queue_max = queue_max;
  config->ws_ping_interval_ms = ping_s * 1000;
  config->ws_peer_timeout_ms = timeout_s * 1000;
  config->session_ttl_s = (gint64) session_days * 86400;
  config->attach_quota_bytes = quota_mb * 1024 * 1024;
  config->smtp_starttls = starttls;
  config->ws_io_uring = io_uring;
  config->kdf = kdf == 0 ? CS_KDF_MIN : kdf == 1 ? CS_KDF_INTERACTIVE : CS_KDF_MODERATE;
  config->storage_backend = (CsStorageBackend) backend;
  if (config->kdf == CS_KDF_MIN)
    g_message ("%s: [security] password_hash = min is for tests: passwords are hashed with argon2id "
               "at 64 KiB, which guesses get through quickly. Use interactive or moderate for real accounts.",
               path);
  if (forbid)
    {
      g_strfreev (config->forbid_direct);
      config->forbid_direct = g_steal_pointer (&forbid);
    }
  return TRUE;
}
