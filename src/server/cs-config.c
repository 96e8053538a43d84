/* cs-config.c: server settings.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-config"

#include "cs-config.h"
#include "cau-error.h"
#include "cau-validate.h"

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
  c->offline_delay_ms = 30 * 1000;
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
  c->attach_max_bytes = CAU_LIMIT_ATTACHMENT_BYTES;
  c->attach_max_pixels = 40 * 1000 * 1000;
  c->attach_quota_bytes = (gint64) 10 * 1024 * 1024 * 1024;
  c->attach_unused_s = 24 * 3600;
  c->attach_sweep_s = 3600;
  c->attach_per_message = 10;
  c->forbid_direct = g_new0 (char *, 1);
  c->page_cache_kib = 4096;
  c->sqlite_heap_mb = 48;
  c->member_lists = 1000;
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
  g_free (c->smtp_url);
  g_free (c->smtp_user);
  if (c->smtp_password)
    memset (c->smtp_password, 0, strlen (c->smtp_password));
  g_free (c->smtp_password);
  g_free (c->smtp_from);
  g_strfreev (c->forbid_direct);
  g_free (c);
}

gboolean
cs_config_set_listen (CsConfig   *config,
                      const char *host_port,
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
  g_free (config->listen_host);
  if (host_port[0] == '[' && colon[-1] == ']')
    config->listen_host = g_strndup (host_port + 1, colon - host_port - 2);
  else
    config->listen_host = g_strndup (host_port, colon - host_port);
  config->listen_port = (guint) port;
  return TRUE;
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

static void
read_uint (GKeyFile   *kf,
           const char *group,
           const char *key,
           guint64     min,
           guint64     max,
           gpointer    out,
           gsize       size,
           GError    **error)
{
  g_autofree char *text = NULL;
  guint64 v;

  if (error && *error)
    return;
  text = g_key_file_get_value (kf, group, key, NULL);
  if (text == NULL)
    return;
  g_strstrip (text);
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "[%s] %s: “%s” is not a whole number between %" G_GUINT64_FORMAT
                   " and %" G_GUINT64_FORMAT ".", group, key, text, min, max);
      return;
    }
  if (size == sizeof (guint))
    *(guint *) out = (guint) v;
  else if (size == sizeof (gint64))
    *(gint64 *) out = (gint64) v;
}

#define READ_UINT(g, k, min, max, field) \
  read_uint (kf, g, k, min, max, &config->field, sizeof (config->field), &local_error)

gboolean
cs_config_load_file (CsConfig   *config,
                     const char *path,
                     GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  g_autofree char *kdf = NULL;
  guint json_max = (guint) config->json_body_max;
  guint frame_max = (guint) config->ws_frame_max;
  guint queue_max = (guint) config->ws_queue_max;
  guint ping_s = config->ws_ping_interval_ms / 1000;
  guint timeout_s = config->ws_peer_timeout_ms / 1000;
  guint session_days = (guint) (config->session_ttl_s / 86400);
  gint64 quota_mb = config->attach_quota_bytes / (1024 * 1024);

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                   "Cannot read the configuration file %s: %s", path, local_error->message);
      return FALSE;
    }

  listen = g_key_file_get_string (kf, "server", "listen", NULL);
  if (listen && !cs_config_set_listen (config, listen, error))
    return FALSE;
  url = g_key_file_get_string (kf, "server", "public_url", NULL);
  if (url)
    {
      g_free (config->public_url);
      config->public_url = g_strdup (g_strstrip (url));
      config->public_url_set = TRUE;
      while (g_str_has_suffix (config->public_url, "/"))
        config->public_url[strlen (config->public_url) - 1] = '\0';
    }

  read_uint (kf, "limits", "json_body_bytes", 1024, 64 * 1024 * 1024, &json_max, sizeof json_max, &local_error);
  read_uint (kf, "limits", "ws_frame_bytes", 1024, 16 * 1024 * 1024, &frame_max, sizeof frame_max, &local_error);
  read_uint (kf, "limits", "ws_queue_bytes", 4096, 1024 * 1024 * 1024, &queue_max, sizeof queue_max, &local_error);
  read_uint (kf, "websocket", "ping_interval_seconds", 1, 3600, &ping_s, sizeof ping_s, &local_error);
  read_uint (kf, "websocket", "peer_timeout_seconds", 1, 7200, &timeout_s, sizeof timeout_s, &local_error);
  READ_UINT ("websocket", "abuse_limit", 1, 100000, ws_abuse_limit);
  READ_UINT ("websocket", "typing_timeout_ms", 100, 600000, typing_timeout_ms);
  READ_UINT ("websocket", "offline_delay_ms", 0, 3600000, offline_delay_ms);
  read_uint (kf, "security", "session_days", 1, 3650, &session_days, sizeof session_days, &local_error);
  READ_UINT ("security", "login_failures_per_account", 1, 100000, login_fail_account);
  READ_UINT ("security", "login_failures_per_address", 1, 100000, login_fail_address);
  READ_UINT ("security", "login_window_seconds", 1, 86400, login_window_s);
  READ_UINT ("events", "keep", 1, G_MAXINT64, events_keep);
  READ_UINT ("storage", "readers", 1, 64, readers);
  READ_UINT ("storage", "batch_max", 1, 100000, batch_max);
  READ_UINT ("policy", "edit_window_seconds", 0, G_MAXINT64, edit_window_s);
  READ_UINT ("invitations", "expiry_seconds", 1, 365 * 86400, invite_ttl_s);
  READ_UINT ("invitations", "failures_per_address", 1, 100000, invite_fail_address);
  READ_UINT ("attachments", "max_bytes", 1, (gint64) 4 * 1024 * 1024 * 1024, attach_max_bytes);
  READ_UINT ("attachments", "max_pixels", 1, G_MAXINT32, attach_max_pixels);
  read_uint (kf, "attachments", "tenant_quota_mb", 0, G_MAXINT32, &quota_mb, sizeof quota_mb, &local_error);
  READ_UINT ("attachments", "unused_lifetime_seconds", 1, 365 * 86400, attach_unused_s);
  READ_UINT ("attachments", "sweep_interval_seconds", 1, 86400, attach_sweep_s);
  READ_UINT ("attachments", "max_per_message", 1, 100, attach_per_message);
  READ_UINT ("memory", "page_cache_kib", 64, 4 * 1024 * 1024, page_cache_kib);
  READ_UINT ("memory", "sqlite_heap_mb", 0, 1024 * 1024, sqlite_heap_mb);
  READ_UINT ("memory", "member_lists", 1, 10 * 1000 * 1000, member_lists);
  if (local_error)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return FALSE;
    }
  config->json_body_max = json_max;
  config->ws_frame_max = frame_max;
  config->ws_queue_max = queue_max;
  config->ws_ping_interval_ms = ping_s * 1000;
  config->ws_peer_timeout_ms = timeout_s * 1000;
  config->session_ttl_s = (gint64) session_days * 86400;
  config->attach_quota_bytes = quota_mb * 1024 * 1024;

  {
    char *v;

#define SMTP_STRING(key, field) \
    if ((v = g_key_file_get_string (kf, "smtp", key, NULL))) { g_free (config->field); config->field = g_strstrip (v); }
    SMTP_STRING ("url", smtp_url);
    SMTP_STRING ("username", smtp_user);
    SMTP_STRING ("password", smtp_password);
    SMTP_STRING ("from", smtp_from);
#undef SMTP_STRING
    if (g_key_file_has_key (kf, "smtp", "starttls", NULL))
      config->smtp_starttls = g_key_file_get_boolean (kf, "smtp", "starttls", NULL);
    if (config->smtp_url && !g_str_has_prefix (config->smtp_url, "smtp://") &&
        !g_str_has_prefix (config->smtp_url, "smtps://"))
      {
        g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                     "%s: [smtp] url must start with smtp:// or smtps://.", path);
        return FALSE;
      }
  }

  kdf = g_key_file_get_string (kf, "security", "password_hash", NULL);
  if (kdf)
    {
      g_strstrip (kdf);
      if (g_str_equal (kdf, "min"))
        config->kdf = CS_KDF_MIN;
      else if (g_str_equal (kdf, "interactive"))
        config->kdf = CS_KDF_INTERACTIVE;
      else if (g_str_equal (kdf, "moderate"))
        config->kdf = CS_KDF_MODERATE;
      else
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                       "%s: [security] password_hash must be interactive, moderate or min.", path);
          return FALSE;
        }
    }
  if (g_key_file_has_key (kf, "policy", "forbid_direct", NULL))
    {
      g_strfreev (config->forbid_direct);
      config->forbid_direct = g_key_file_get_string_list (kf, "policy", "forbid_direct", NULL, NULL);
      if (config->forbid_direct == NULL)
        config->forbid_direct = g_new0 (char *, 1);
      for (char **p = config->forbid_direct; *p; p++)
        g_strstrip (*p);
    }
  return TRUE;
}
