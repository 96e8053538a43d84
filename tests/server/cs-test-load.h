/* cs-test-load.h: a steady stream of messages into a running test server,
 * with the server's resident memory read as it goes. Shared by the memory
 * test (small bounds, a few thousand messages) and the memory benchmark
 * (a million messages).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-test.h"

G_BEGIN_DECLS

typedef struct _CsTestLoad CsTestLoad;

/* The server's resident set and its anonymous part, in KiB (from
 * /proc/PID/status), or -1. */
gint64      cs_test_server_rss_kb      (CsTestServer *server,
                                        gint64       *out_anon_kb);

/* Creates @n_users users in a new tenant and one group room per entry of
 * @room_sizes (0-terminated; user 0 and the next members), then connects
 * @n_sockets WebSockets (users 0.., each a member of every room). */
CsTestLoad *cs_test_load_new           (CsTestServer *server,
                                        const guint  *room_sizes,
                                        guint         n_sockets);
/* Sends @count more messages, round robin over the rooms, from the first
 * @n_senders sockets with @window sends in flight each; returns when every
 * one is acknowledged. @progress runs every @every acknowledgements with
 * the total so far. Fails the test on an error frame or a lost ack. */
void        cs_test_load_send          (CsTestLoad   *load,
                                        guint         count,
                                        guint         n_senders,
                                        guint         window,
                                        guint         every,
                                        void        (*progress) (CsTestLoad *load, guint64 acked, gpointer data),
                                        gpointer      data);
/* Sends one text frame on socket @index. */
void        cs_test_load_send_frame    (CsTestLoad   *load,
                                        guint         index,
                                        const char   *json);
/* message.new frames received so far over all sockets. */
guint64     cs_test_load_delivered     (CsTestLoad   *load);
guint       cs_test_load_n_rooms       (CsTestLoad   *load);
const char *cs_test_load_token         (CsTestLoad   *load,
                                        guint         user);
const char *cs_test_load_room          (CsTestLoad   *load,
                                        guint         index);
/* Closes every socket and waits for the closes to finish. */
void        cs_test_load_close_sockets (CsTestLoad   *load);
void        cs_test_load_free          (CsTestLoad   *load);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestLoad, cs_test_load_free)

G_END_DECLS
