/* cs-clamd.c: the INSTREAM exchange with clamd. "zINSTREAM\0", then the
 * file in chunks each preceded by its length (4 bytes, big-endian), then a
 * zero length; clamd answers one NUL-terminated line, "stream: OK",
 * "stream: NAME FOUND" or "... ERROR".
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-clamd"

#include "cs-clamd.h"
#include "cs-config.h"

#include <gio/gunixsocketaddress.h>
#include <string.h>

#define CHUNK       (64 * 1024)
#define MAX_REPLY   512          /* "stream: " + a signature name + " FOUND" */

static GSocketConnection *
connect_clamd (const char  *address,
               guint        timeout_s,
               GError     **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  g_socket_client_set_timeout (client, timeout_s);
  if (g_str_has_prefix (address, "unix:"))
    {
      g_autoptr(GSocketAddress) addr = g_unix_socket_address_new (address + 5);

      return g_socket_client_connect (client, G_SOCKET_CONNECTABLE (addr), NULL, error);
    }
  else
    {
      g_autofree char *host = NULL;
      guint port = 0;

      if (!cs_config_parse_host_port (address + 4, &host, &port, error))
        return NULL;
      return g_socket_client_connect_to_host (client, host, (guint16) port, NULL, error);
    }
}

/* The whole file, chunk by chunk, then the zero-length end. */
static gboolean
send_file (GOutputStream *out,
           const char    *path,
           GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  g_autofree guint8 *buf = g_malloc (CHUNK + 4);
  static const char command[] = "zINSTREAM";

  if (in == NULL)
    return FALSE;
  if (!g_output_stream_write_all (out, command, sizeof command, NULL, NULL, error))
    return FALSE;
  for (;;)
    {
      gsize n = 0;
      guint32 be;

      if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf + 4, CHUNK, &n, NULL, error))
        return FALSE;
      be = GUINT32_TO_BE ((guint32) n);
      memcpy (buf, &be, 4);
      if (!g_output_stream_write_all (out, buf, n + 4, NULL, NULL, error))
        return FALSE;
      if (n == 0)
        return TRUE;
    }
}

/* One NUL- or newline-terminated answer, at most MAX_REPLY bytes. */
static char *
read_reply (GInputStream  *in,
            GError       **error)
{
  char buf[MAX_REPLY + 1];
  gsize len = 0;

  while (len < MAX_REPLY)
    {
      gssize n = g_input_stream_read (in, buf + len, MAX_REPLY - len, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      len += (gsize) n;
      if (memchr (buf, '\0', len) || memchr (buf, '\n', len))
        break;
    }
  buf[len] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  if (buf[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "clamd closed the connection without a verdict");
      return NULL;
    }
  if (strlen (buf) == MAX_REPLY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "clamd's answer is too long");
      return NULL;
    }
  return g_strdup (buf);
}

CsClamdVerdict
cs_clamd_scan_file (const char  *address,
                    const char  *path,
                    guint        timeout_s,
                    char       **signature,
                    GError     **error)
{
  g_autoptr(GSocketConnection) conn = NULL;
  g_autofree char *reply = NULL;
  const char *verdict;
  gsize len;

  g_return_val_if_fail (address != NULL && path != NULL && signature != NULL, CS_CLAMD_FAILED);

  *signature = NULL;
  conn = connect_clamd (address, timeout_s, error);
  if (conn == NULL)
    return CS_CLAMD_FAILED;
  if (!send_file (g_io_stream_get_output_stream (G_IO_STREAM (conn)), path, error))
    return CS_CLAMD_FAILED;
  reply = read_reply (g_io_stream_get_input_stream (G_IO_STREAM (conn)), error);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  if (reply == NULL)
    return CS_CLAMD_FAILED;
  /* "stream: ..." on INSTREAM; some versions leave out the prefix. */
  verdict = g_str_has_prefix (reply, "stream: ") ? reply + 8 : reply;
  if (g_str_equal (verdict, "OK"))
    return CS_CLAMD_CLEAN;
  len = strlen (verdict);
  if (g_str_has_suffix (verdict, " FOUND") && len > 6)
    {
      *signature = g_strndup (verdict, len - 6);
      return CS_CLAMD_FOUND;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "clamd answered “%s”", reply);
  return CS_CLAMD_FAILED;
}
