/* cs-access-log.c: [server] access_log: one line per HTTP request,
 *
 *   2026-12-06T11:49:02.113Z 203.0.113.7 GET /api/rooms/ID/messages 200 5120 3.2
 *
 * time (UTC), client address (X-Forwarded-For only from [server]
 * trusted_proxies), method, path without its query string, status, body
 * bytes sent, duration in milliseconds. Tokens never appear: queries are
 * left out and the token of an invitation link is replaced by "-".
 * Lines are queued by the event loop and written by a thread of its own.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-server"

#include "cs-server-private.h"
#include "cau-time.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

struct _CsAccessLog {
  char         *path;
  GAsyncQueue  *lines;      /* char*, or the stop marker */
  GThread      *thread;
  gint          reopen;     /* atomic: the writer reopens before its next line */
};

static char STOP[] = "";

typedef struct {
  CsAccessLog *log;
  char        *ip;
  gint64       started;     /* monotonic µs */
  guint64      bytes;
} Request;

/* Client addresses are personal data: the file is not world-readable. */
static FILE *
open_file (const char *path)
{
  int fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  FILE *f = fd >= 0 ? fdopen (fd, "a") : NULL;

  if (f == NULL)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_warning ("Cannot open the access log %s: %s", path, g_strerror (saved));
    }
  return f;
}

static gpointer
writer (gpointer data)
{
  CsAccessLog *log = data;
  FILE *f = open_file (log->path);

  for (;;)
    {
      char *line = g_async_queue_pop (log->lines);

      if (line == STOP)
        break;
      if (g_atomic_int_compare_and_exchange (&log->reopen, 1, 0))
        {
          if (f)
            fclose (f);
          f = open_file (log->path);
        }
      if (f)
        fputs (line, f);
      g_free (line);
      /* Flushed whenever the queue runs dry: a burst is one write. */
      if (f && g_async_queue_length (log->lines) <= 0)
        fflush (f);
    }
  if (f)
    fclose (f);
  return NULL;
}

CsAccessLog *
cs_access_log_open (const char *path,
                    GError    **error)
{
  CsAccessLog *log;
  int fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

  /* Refused at start-up rather than lost line by line. */
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "[server] access_log: cannot open %s: %s", path, g_strerror (saved));
      return NULL;
    }
  close (fd);
  log = g_new0 (CsAccessLog, 1);
  log->path = g_strdup (path);
  log->lines = g_async_queue_new ();
  log->thread = g_thread_new ("cs-access-log", writer, log);
  return log;
}

void
cs_access_log_reopen (CsAccessLog *log)
{
  g_atomic_int_set (&log->reopen, 1);
}

void
cs_access_log_close (CsAccessLog *log)
{
  if (log == NULL)
    return;
  g_async_queue_push (log->lines, STOP);
  g_thread_join (log->thread);
  g_async_queue_unref (log->lines);
  g_free (log->path);
  g_free (log);
}

/* The path as logged: no query, the token of an invitation link replaced,
 * anything but printable ASCII other than a space percent-encoded. */
static void
append_path (GString    *line,
             const char *path)
{
  static const char * const token_prefixes[] = { "/api/invitations/", "/invite/", NULL };
  g_autofree char *copy = g_strdup (path && path[0] ? path : "/");
  char *q = strchr (copy, '?');

  if (q)
    *q = '\0';
  for (guint i = 0; token_prefixes[i]; i++)
    if (g_str_has_prefix (copy, token_prefixes[i]) && copy[strlen (token_prefixes[i])] != '\0')
      {
        const char *rest = strchr (copy + strlen (token_prefixes[i]), '/');
        g_autofree char *redacted = g_strconcat (token_prefixes[i], "-", rest, NULL);

        g_free (copy);
        copy = g_steal_pointer (&redacted);
        break;
      }
  if (strlen (copy) > 512)
    copy[512] = '\0';
  for (const guchar *p = (const guchar *) copy; *p; p++)
    {
      if (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
        g_string_append_c (line, *p);
      else
        g_string_append_printf (line, "%%%02X", *p);
    }
}

static void
wrote_cb (SoupServerMessage *msg,
          guint              size,
          gpointer           data)
{
  Request *r = data;

  r->bytes += size;
}

static void
request_free (gpointer data)
{
  Request *r = data;

  g_free (r->ip);
  g_free (r);
}

static void
finished_cb (SoupServerMessage *msg,
             gpointer           data)
{
  Request *r = data;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *now = cau_time_format (cau_time_now_ms ());
  GString *line = g_string_sized_new (160);

  g_string_append_printf (line, "%s %s ", now, r->ip && r->ip[0] ? r->ip : "-");
  for (const char *p = method ? method : "-"; *p && p - method < 16; p++)
    g_string_append_c (line, g_ascii_isalpha (*p) ? *p : '_');
  g_string_append_c (line, ' ');
  append_path (line, uri ? g_uri_get_path (uri) : NULL);
  g_string_append_printf (line, " %u %" G_GUINT64_FORMAT " %.1f\n", soup_server_message_get_status (msg),
                          r->bytes, (g_get_monotonic_time () - r->started) / 1000.0);
  g_async_queue_push (r->log->lines, g_string_free (line, FALSE));
}

void
cs_access_log_watch (CsAccessLog       *log,
                     SoupServerMessage *msg,
                     const char        *client_ip)
{
  Request *r = g_new0 (Request, 1);

  r->log = log;
  r->ip = g_strdup (client_ip);
  r->started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "cs-access-log", r, request_free);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_cb), r);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), r);
}
