/* cs-config.h: the server's settings, from defaults, a key file and the
 * command line.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  CS_KDF_MIN,          /* tests only: argon2id at libsodium's minimum cost */
  CS_KDF_INTERACTIVE,  /* default: 64 MiB, 2 passes */
  CS_KDF_MODERATE,     /* 256 MiB, 3 passes */
} CsKdfLevel;

/* [storage] backend: the engine behind the store interface. */
typedef enum {
  CS_STORAGE_SQLITE,       /* the default: one file in data_dir */
  CS_STORAGE_POSTGRESQL,   /* [storage] postgresql: shared by several nodes */
} CsStorageBackend;

typedef struct {
  char      *data_dir;
  char      *listen_host;
  guint      listen_port;
  char      *public_url;     /* NULL: http://HOST:PORT */
  gboolean   public_url_set; /* given by the operator, not derived */
  GPtrArray *trusted_proxies; /* GInetAddressMask*: X-Forwarded-For believed from these */
  char      *access_log;     /* [server] access_log: a file, one line per request; NULL: none */
  guint      audit_keep_days; /* [audit] keep_days: older audit entries are pruned */

  char      *bus_redis;      /* [bus] redis: redis://HOST:PORT/DB; NULL: the in-process bus */
  guint      bus_presence_ttl_s; /* [bus] presence_ttl_seconds: a node's word on presence lasts this long */

  char      *metrics_host;   /* NULL: no metrics listener */
  guint      metrics_port;

  gsize      json_body_max;
  gsize      ws_frame_max;
  gsize      ws_queue_max;   /* bytes queued to one socket before 1013 */
  guint      header_timeout_s;    /* a request's headers must be in by then */
  guint      body_timeout_s;      /* a request body that pauses this long is dropped */
  guint      conns_per_address;   /* connections one client address may hold */
  guint      ws_ping_interval_ms;
  guint      ws_peer_timeout_ms;
  guint      ws_abuse_limit; /* bad frames before close 1008 */
  guint      typing_timeout_ms;
  guint      first_frame_grace_ms;
  guint      offline_delay_ms;
  gboolean   ws_io_uring;    /* fan-out writes through an io_uring ring */

  CsKdfLevel kdf;
  gint64     session_ttl_s;
  guint      login_fail_account;
  guint      login_fail_address;
  guint      login_window_s;

  gint64     events_keep;    /* the event log keeps this many most recent events */
  CsStorageBackend storage_backend;
  char      *storage_postgresql;  /* [storage] postgresql: a libpq conninfo or URI */
  guint      readers;        /* reader threads */
  guint      batch_max;      /* writes per group commit */

  gint64     invite_ttl_s;   /* invitations expire after this */
  guint      invite_fail_address; /* unknown-token look-ups per address per window */
  char      *smtp_url;       /* smtp://host:587 or smtps://host:465; NULL: write .eml files */
  char      *smtp_user;
  char      *smtp_password;
  char      *smtp_from;
  gboolean   smtp_starttls;  /* require STARTTLS on smtp:// */

  gint64     attach_max_bytes;     /* one upload; 413 past it */
  gint64     attach_max_pixels;    /* images above this get no thumbnail */
  gint64     attach_quota_bytes;   /* per tenant; 0: no quota */
  gint64     attach_unused_s;      /* uploads not in a message are removed after this */
  guint      attach_sweep_s;       /* how often the sweep runs */
  guint      attach_per_message;   /* attachment_ids in one message */
  char      *attach_clamd;         /* unix:/path or tcp:host:port; NULL: uploads are not scanned */
  char      *attach_dir;           /* absolute; shared by several nodes; NULL: data_dir/attachments */
  guint      attach_scan_timeout_s; /* each step of a scan (connect, write, read) */

  guint      retention_interval_s; /* how often expired messages are looked for */
  guint      retention_batch;      /* messages removed per write job */

  guint      messages_per_minute; /* per user, REST and WebSocket; 0: no limit */
  guint      message_burst;  /* messages a user may send at once before the rate applies */

  gint64     edit_window_s;  /* 0: no limit */
  char     **forbid_direct;  /* "guest:admin" = guests may not open a direct room with admins */

  /* Memory bounds (README, "Memory"). */
  guint      page_cache_kib;       /* SQLite page cache of each connection */
  guint      sqlite_heap_mb;       /* soft limit on all of SQLite's memory; 0: none */
  guint      member_lists;         /* rooms whose member list the hub keeps for typing, and the writer for fan-out */

  /* [agents]: the OpenAI-compatible chat-completions endpoint agents ask. */
  char      *agents_endpoint;      /* http(s)://host:port, no trailing slash; NULL: no model */
  char      *agents_path;          /* appended to the endpoint: /v1/chat/completions */
  char      *agents_model;         /* the "model" sent unless an agent names its own */
  char      *agents_api_key;       /* read from api_key_file; never logged; NULL: none */
  guint      agents_context_messages; /* the room's latest messages sent as context */
  guint      agents_timeout_s;     /* a whole answer must be in by then */
  guint      agents_per_minute;    /* invocations per person; 0: no limit */
} CsConfig;

CsConfig *cs_config_new       (void);
gboolean  cs_config_load_file (CsConfig    *config,
                               const char  *path,
                               GError     **error);
gboolean  cs_config_set_listen (CsConfig   *config,
                                const char *host_port,
                                GError    **error);
/* Splits HOST:PORT (or [V6]:PORT) into a newly allocated host and a port. */
gboolean  cs_config_parse_host_port (const char *host_port,
                                     char      **out_host,
                                     guint      *out_port,
                                     GError    **error);
/* The public URL, without a trailing slash. */
const char *cs_config_get_public_url (CsConfig *config);
/* Where attachments and thumbnails are: [attachments] dir (one folder
 * every node shares), else the data directory's attachments/. */
char       *cs_config_attachments_dir (CsConfig *config);
void      cs_config_free      (CsConfig    *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsConfig, cs_config_free)

G_END_DECLS
