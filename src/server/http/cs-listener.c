/* cs-listener.c: our own accept loop in front of libsoup.
 *
 * SoupServer keeps a connection as long as its peer does: a client that
 * opens a connection and sends nothing, or a header a byte a minute, holds
 * a descriptor and a little memory forever, and 5,000 of them stopped the
 * server answering /healthz. So connections are accepted here and handed
 * to libsoup with soup_server_accept_iostream(); each has a deadline for
 * its request headers (from the moment it is accepted, or from the end of
 * the previous request on a kept-alive connection), a request body must
 * not pause longer than body_timeout_seconds, and each client
 * address has a cap on the connections it holds, WebSockets included: a
 * WebSocket is a connection held, which is exactly what the cap bounds.
 *
 * A connection from a trusted proxy is not counted under the proxy's
 * address (every client behind it would share one cap); each request on
 * it is counted under the client the proxy names, from its headers until
 * the response is sent, and a WebSocket until it closes (cs_listener_claim).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-listener"

#include "cs-listener.h"
#include "cs-net.h"
#include "cau-error.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

typedef struct {
  CsListener *listener;
  SoupServer *soup;
  GSocket    *socket;
  GSource    *source;
  guint       resume_id;   /* accepting again after running out of descriptors */
} Listen;

typedef struct {
  gint               ref_count;
  CsListener        *listener;   /* NULL once the connection is gone */
  GSocketConnection *stream;     /* weak: libsoup (or the hub) owns it */
  GSocketAddress    *remote;
  char              *key;        /* counted under this; NULL from a trusted proxy */
  char              *claim;      /* the client behind a proxy, for the request under way */
  gboolean           proxied;
  guint              requests;
  gint64             deadline;   /* monotonic µs, while in one of the queues */
  GQueue            *queue;      /* which: headers or body */
  GList              link;
} Conn;

struct _CsListener {
  CsConfig   *config;
  GPtrArray  *listens;      /* Listen* */
  GHashTable *counts;       /* limit key -> connections held (GUINT_TO_POINTER) */
  GHashTable *conns;        /* Conn* of the connections open */
  /* Connections waiting for request headers, and connections whose
   * request body is coming. Within a queue every deadline is "now + the
   * same timeout", so appending keeps it in deadline order and one timer
   * serves them all. With a timeout source each, every turn of the main
   * loop went through 5,000 more sources: /healthz took 34 ms (median)
   * with 5,000 slow connections held; 2 ms this way. */
  GQueue      headers;      /* header_timeout_seconds from the accept */
  GQueue      body;         /* body_timeout_seconds from the last bytes of body */
  guint       tick_id;
  guint       peak_open;    /* since memory was last given back */
  guint       trim_id;
  CsListenerStats stats;
  gint64      last_emfile_warning;
};

static const char refused_body[] =
  "{\"error\":{\"code\":\"rate_limited\",\"message\":"
  "\"Too many connections from your address: close some, then try again.\"}}\n";

static Conn *
conn_ref (Conn *c)
{
  c->ref_count++;
  return c;
}

static void
conn_unref (gpointer data)
{
  Conn *c = data;

  if (--c->ref_count > 0)
    return;
  g_assert (c->deadline == 0);
  g_clear_object (&c->remote);
  g_free (c->key);
  g_free (c->claim);
  g_free (c);
}

static guint
count_get (CsListener *l,
           const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (l->counts, key));
}

static void
count_add (CsListener *l,
           const char *key)
{
  g_hash_table_replace (l->counts, g_strdup (key), GUINT_TO_POINTER (count_get (l, key) + 1));
}

static void
count_release (CsListener *l,
               char      **key)
{
  guint n;

  if (*key == NULL)
    return;
  n = count_get (l, *key);
  g_assert (n > 0);
  if (n == 1)
    g_hash_table_remove (l->counts, *key);
  else
    g_hash_table_replace (l->counts, g_strdup (*key), GUINT_TO_POINTER (n - 1));
  g_clear_pointer (key, g_free);
}

static void
disarm_deadline (CsListener *l,
                 Conn       *c)
{
  if (c->deadline == 0)
    return;
  g_queue_unlink (c->queue, &c->link);
  c->deadline = 0;
  c->queue = NULL;
  conn_unref (c);
}

static void
expire (CsListener *l,
        GQueue     *queue,
        gint64      now)
{
  Conn *c;

  while ((c = g_queue_peek_head (queue)) && c->deadline <= now)
    {
      disarm_deadline (l, conn_ref (c));
      if (c->stream)
        {
          l->stats.timed_out++;
          /* libsoup's pending read sees the end of the stream and closes
           * the connection itself: its descriptor is not closed under it. */
          g_socket_shutdown (g_socket_connection_get_socket (c->stream), TRUE, TRUE, NULL);
        }
      conn_unref (c);
    }
}

static gboolean
tick_cb (gpointer data)
{
  CsListener *l = data;
  gint64 now = g_get_monotonic_time ();

  expire (l, &l->headers, now);
  expire (l, &l->body, now);
  if (g_queue_is_empty (&l->headers) && g_queue_is_empty (&l->body))
    {
      l->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
arm_deadline (CsListener *l,
              Conn       *c,
              GQueue     *queue)
{
  guint seconds = queue == &l->body ? l->config->body_timeout_s : l->config->header_timeout_s;

  disarm_deadline (l, c);
  c->deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  c->queue = queue;
  c->link.data = conn_ref (c);
  g_queue_push_tail_link (queue, &c->link);
  /* Deadlines are whole seconds: a quarter-second tick closes each
   * within a quarter second of it. */
  if (l->tick_id == 0)
    l->tick_id = g_timeout_add (250, tick_cb, l);
}

static gboolean
trim_cb (gpointer data)
{
  CsListener *l = data;

  l->trim_id = 0;
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

/* Each connection libsoup reads costs some 27 KiB of heap, which glibc
 * keeps once freed: 5,000 slow connections timed out left the server at
 * 151 MB RSS; giving the free pages back brought it to 57 MB, and it stayed
 * there over four more rounds of 5,000. So after a crowd of connections
 * has gone, the memory is given back, once the closing settles. */
static void
note_closed (CsListener *l)
{
  if (l->peak_open >= 1000 && l->stats.open < l->peak_open / 4)
    {
      l->peak_open = l->stats.open;
      if (l->trim_id == 0)
        l->trim_id = g_timeout_add_seconds (1, trim_cb, l);
    }
}

/* The connection's stream is finalized: libsoup closed it, or the hub
 * closed its WebSocket. */
static void
stream_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  Conn *c = data;
  CsListener *l = c->listener;

  c->stream = NULL;
  if (l)
    {
      disarm_deadline (l, c);
      count_release (l, &c->key);
      count_release (l, &c->claim);
      l->stats.open--;
      note_closed (l);
      g_hash_table_remove (l->conns, c);
      c->listener = NULL;
    }
  g_object_set_data (G_OBJECT (c->remote), "cs-conn", NULL);
  conn_unref (c);
}

static void
got_headers_cb (SoupServerMessage *msg,
                Conn              *c)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (c->listener == NULL)
    return;
  disarm_deadline (c->listener, c);
  /* A body on its way must keep coming: one that stops (a client gone
   * without a word, or a byte a minute) would hold the connection as
   * long as a silent one. */
  if (encoding == SOUP_ENCODING_CHUNKED ||
      (encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (headers) > 0))
    arm_deadline (c->listener, c, &c->listener->body);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              Conn              *c)
{
  if (c->listener && c->queue == &c->listener->body)
    arm_deadline (c->listener, c, &c->listener->body);
}

static void
got_body_cb (SoupServerMessage *msg,
             Conn              *c)
{
  if (c->listener)
    disarm_deadline (c->listener, c);
}

static void
finished_cb (SoupServerMessage *msg,
             Conn              *c)
{
  if (c->listener == NULL)
    return;
  count_release (c->listener, &c->claim);
  /* Answered before its body came (a 413 from the headers). */
  if (c->queue == &c->listener->body)
    disarm_deadline (c->listener, c);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    CsListener        *l)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  Conn *c = remote ? g_object_get_data (G_OBJECT (remote), "cs-conn") : NULL;

  if (c == NULL || c->listener == NULL)
    return;
  /* The first request's deadline runs from the accept. A kept-alive
   * connection (libsoup keeps none that it did not accept itself, today)
   * has as long again for the next request's headers: an idle
   * connection times out like a silent one. */
  if (c->requests++ > 0)
    arm_deadline (l, c, &l->headers);
  g_object_set_data_full (G_OBJECT (msg), "cs-conn", conn_ref (c), conn_unref);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), c);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), c);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body_cb), c);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), c);
}

static void
refuse (GSocket *socket)
{
  g_autofree char *response = g_strdup_printf ("HTTP/1.1 429 Too Many Requests\r\n"
                                               "Content-Type: application/json; charset=utf-8\r\n"
                                               "Retry-After: 10\r\n"
                                               "Connection: close\r\n"
                                               "Content-Length: %zu\r\n\r\n%s",
                                               strlen (refused_body), refused_body);

  /* Best effort: the socket is new, so its send buffer takes this whole. */
  g_socket_send (socket, response, strlen (response), NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_socket_close (socket, NULL);
}

static void
take_connection (Listen  *ls,
                 GSocket *socket)
{
  CsListener *l = ls->listener;
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autofree char *key = NULL;
  gboolean proxied;
  Conn *c;

  if (remote == NULL || local == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_socket_close (socket, NULL);
      return;
    }
  proxied = cs_net_is_trusted (l->config->trusted_proxies,
                               g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  if (!proxied)
    {
      g_autofree char *text = cs_net_address_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));

      key = cs_net_limit_key (text);
      if (key && count_get (l, key) >= l->config->conns_per_address)
        {
          l->stats.refused++;
          refuse (socket);
          return;
        }
    }

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  stream = g_socket_connection_factory_create_connection (socket);
  c = g_new0 (Conn, 1);
  c->ref_count = 1;    /* held until the stream goes */
  c->listener = l;
  c->stream = stream;
  c->remote = g_object_ref (remote);
  c->proxied = proxied;
  c->key = g_steal_pointer (&key);
  if (c->key)
    count_add (l, c->key);
  g_hash_table_add (l->conns, c);
  l->stats.open++;
  l->peak_open = MAX (l->peak_open, l->stats.open);
  l->stats.accepted++;
  g_object_weak_ref (G_OBJECT (stream), stream_gone_cb, c);
  /* libsoup hands this very address object back from
   * soup_server_message_get_remote_address(): how a request finds its
   * connection. */
  g_object_set_data (G_OBJECT (remote), "cs-conn", c);
  arm_deadline (l, c, &l->headers);
  soup_server_accept_iostream (ls->soup, G_IO_STREAM (stream), local, remote, NULL);
}

static gboolean accept_cb (GSocket *socket, GIOCondition condition, gpointer data);

static void
watch (Listen *ls)
{
  ls->source = g_socket_create_source (ls->socket, G_IO_IN, NULL);
  g_source_set_callback (ls->source, (GSourceFunc) (void (*) (void)) accept_cb, ls, NULL);
  g_source_attach (ls->source, NULL);
}

static gboolean
resume_cb (gpointer data)
{
  Listen *ls = data;

  ls->resume_id = 0;
  watch (ls);
  return G_SOURCE_REMOVE;
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      data)
{
  Listen *ls = data;

  /* A bounded batch, so that a flood of connections does not starve the
   * requests already in. */
  for (guint i = 0; i < 64; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocket *client = g_socket_accept (ls->socket, NULL, &error);

      if (client)
        {
          take_connection (ls, client);
          g_object_unref (client);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
        {
          gint64 now = g_get_monotonic_time ();

          if (now - ls->listener->last_emfile_warning > 10 * G_USEC_PER_SEC)
            {
              g_warning ("Out of file descriptors with %u connections open; not accepting for a moment",
                         ls->listener->stats.open);
              ls->listener->last_emfile_warning = now;
            }
          /* The listening socket stays readable: stop watching it for a
           * moment instead of spinning on it. */
          g_source_destroy (ls->source);
          g_clear_pointer (&ls->source, g_source_unref);
          ls->resume_id = g_timeout_add (100, resume_cb, ls);
          return G_SOURCE_REMOVE;
        }
      g_debug ("accept: %s", error->message);
      break;
    }
  return G_SOURCE_CONTINUE;
}

static void
listen_free (gpointer data)
{
  Listen *ls = data;

  if (ls->source)
    g_source_destroy (ls->source);
  g_clear_pointer (&ls->source, g_source_unref);
  g_clear_handle_id (&ls->resume_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (ls->soup, ls->listener);
  g_socket_close (ls->socket, NULL);
  g_clear_object (&ls->socket);
  g_clear_object (&ls->soup);
  g_free (ls);
}

CsListener *
cs_listener_new (CsConfig *config)
{
  CsListener *l = g_new0 (CsListener, 1);

  l->config = config;
  l->listens = g_ptr_array_new_with_free_func (listen_free);
  l->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  l->conns = g_hash_table_new (NULL, NULL);
  return l;
}

void
cs_listener_free (CsListener *l)
{
  GHashTableIter iter;
  gpointer key;

  if (l == NULL)
    return;
  g_ptr_array_unref (l->listens);
  /* Connections still open (the caller disconnected the servers first,
   * but a WebSocket may outlive them) stop reporting to us. */
  g_hash_table_iter_init (&iter, l->conns);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Conn *c = key;

      g_object_weak_unref (G_OBJECT (c->stream), stream_gone_cb, c);
      disarm_deadline (l, c);
      g_object_set_data (G_OBJECT (c->remote), "cs-conn", NULL);
      c->listener = NULL;
      c->stream = NULL;
      conn_unref (c);
    }
  g_clear_handle_id (&l->tick_id, g_source_remove);
  g_clear_handle_id (&l->trim_id, g_source_remove);
  g_hash_table_unref (l->conns);
  g_hash_table_unref (l->counts);
  g_free (l);
}

gboolean
cs_listener_add (CsListener *l,
                 SoupServer *soup,
                 const char *host,
                 guint       port,
                 guint      *out_port,
                 GError    **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) sockaddr = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) sock = NULL;
  Listen *ls;

  g_return_val_if_fail (l != NULL, FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER (soup), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  if (address == NULL)
    {
      if (g_str_equal (host, "localhost"))
        address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      else
        {
          g_set_error (error, CAU_ERROR, CAU_ERROR_BAD_REQUEST,
                       "“%s” is not an IP address to listen on.", host);
          return FALSE;
        }
    }
  sockaddr = g_inet_socket_address_new (address, port);
  sock = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL)
    return FALSE;
  g_socket_set_option (sock, SOL_SOCKET, SO_REUSEADDR, 1, NULL);
  /* A backlog that absorbs every client reconnecting at once after a
   * restart (GLib's default is 10). */
  g_socket_set_listen_backlog (sock, SOMAXCONN);
  g_socket_set_blocking (sock, FALSE);
  if (!g_socket_bind (sock, sockaddr, TRUE, error) || !g_socket_listen (sock, error))
    return FALSE;
  bound = g_socket_get_local_address (sock, error);
  if (bound == NULL)
    return FALSE;
  if (out_port)
    *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  ls = g_new0 (Listen, 1);
  ls->listener = l;
  ls->soup = g_object_ref (soup);
  ls->socket = g_steal_pointer (&sock);
  g_ptr_array_add (l->listens, ls);
  /* Once per server: a server may listen on more than one socket. */
  if (g_signal_handler_find (soup, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                             request_started_cb, l) == 0)
    g_signal_connect (soup, "request-started", G_CALLBACK (request_started_cb), l);
  watch (ls);
  return TRUE;
}

static Conn *
conn_of (SoupServerMessage *msg)
{
  Conn *c = g_object_get_data (G_OBJECT (msg), "cs-conn");

  return c && c->listener ? c : NULL;
}

gboolean
cs_listener_is_proxied (CsListener        *l,
                        SoupServerMessage *msg)
{
  Conn *c = conn_of (msg);

  return c && c->proxied;
}

gboolean
cs_listener_claim (CsListener        *l,
                   SoupServerMessage *msg,
                   const char        *client)
{
  Conn *c;
  g_autofree char *key = NULL;

  g_return_val_if_fail (l != NULL, TRUE);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), TRUE);

  c = conn_of (msg);
  key = cs_net_limit_key (client);
  if (c == NULL || !c->proxied || key == NULL)
    return TRUE;
  count_release (l, &c->claim);
  if (count_get (l, key) >= l->config->conns_per_address)
    {
      l->stats.refused++;
      return FALSE;
    }
  count_add (l, key);
  c->claim = g_steal_pointer (&key);
  return TRUE;
}

void
cs_listener_get_stats (CsListener      *l,
                       CsListenerStats *stats)
{
  *stats = l->stats;
}

void
cs_listener_raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
    return;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &rl) != 0)
    g_debug ("Cannot raise the open file limit: %s", g_strerror (errno));
}
