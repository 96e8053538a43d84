/* cs-test.h: starts the real causerie-server on a free loopback port with a
 * fresh data directory, and talks to it with libsoup as a client would.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CS_TEST_PASSWORD "correct horse battery"

typedef struct {
  char        *data_dir;
  char        *config_path;
  GSubprocess *process;
  guint        port;
  char        *base;        /* http://127.0.0.1:PORT */
  SoupSession *session;
  guint        metrics_port; /* with "[metrics]\nlisten=127.0.0.1:0" in the config; else 0 */
  char        *log_path;    /* set before a start: the server's stderr is appended there */
  char        *pg_conninfo; /* its own database, with CAUSERIE_TEST_STORAGE=postgresql; else NULL */
} CsTestServer;

/* Whether the servers of this test store in PostgreSQL
 * (CAUSERIE_TEST_STORAGE=postgresql: one private cluster per test
 * process, a database per server), rather than SQLite. */
gboolean      cs_test_storage_is_postgresql (void);

/* @config_extra is appended to the config file (key-file text), or NULL. */
CsTestServer *cs_test_server_new     (const char   *config_extra);
void          cs_test_server_start   (CsTestServer *server);
/* SIGTERM and wait; with @crash, SIGKILL instead. */
void          cs_test_server_stop    (CsTestServer *server,
                                      gboolean      crash);
void          cs_test_server_free    (CsTestServer *server);

/* Runs the CLI with @password on stdin; returns its exit status. */
int           cs_test_cli            (CsTestServer *server,
                                      const char   *password,
                                      char        **out_stdout,
                                      ...) G_GNUC_NULL_TERMINATED;
/* tenant create + login: returns the admin's token. */
char         *cs_test_tenant         (CsTestServer *server,
                                      const char   *tenant,
                                      const char   *admin_email);
/* user add + login: returns the token; *out_user_id gets the id. */
char         *cs_test_user           (CsTestServer *server,
                                      const char   *tenant,
                                      const char   *email,
                                      const char   *name,
                                      const char   *role,
                                      char        **out_user_id);
char         *cs_test_login          (CsTestServer *server,
                                      const char   *tenant,
                                      const char   *email,
                                      char        **out_user_id);

/* The server's database, for a test that looks at or changes what it
 * stored (the server stopped, or reading beside it). cs_test_db_exec
 * asserts that @sql runs; cs_test_db_int runs every statement of @sql on
 * one connection and returns the first column of the last row any of
 * them gave, or -1. */
void          cs_test_db_exec        (CsTestServer *server,
                                      const char   *sql);
gint64        cs_test_db_int         (CsTestServer *server,
                                      const char   *sql);
/* The entries in which the search index and the messages disagree (0 when
 * the index is exactly what rebuilding it would give). */
gint64        cs_test_search_mismatches (CsTestServer *server);

/* One HTTP request; returns the parsed body (NULL when empty) and the status. */
JsonNode     *cs_test_http           (CsTestServer *server,
                                      const char   *method,
                                      const char   *path,
                                      const char   *token,
                                      const char   *body,
                                      guint        *out_status);
/* Like cs_test_http but asserts @expected and returns the body's object. */
JsonObject   *cs_test_call           (CsTestServer *server,
                                      const char   *method,
                                      const char   *path,
                                      const char   *token,
                                      const char   *body,
                                      guint         expected);
/* Like cs_test_call, for a reply the test does not look at. */
void          cs_test_ok             (CsTestServer *server,
                                      const char   *method,
                                      const char   *path,
                                      const char   *token,
                                      const char   *body,
                                      guint         expected);
/* Asserts an error response with @status and @code; returns its message. */
char         *cs_test_expect_error   (CsTestServer *server,
                                      const char   *method,
                                      const char   *path,
                                      const char   *token,
                                      const char   *body,
                                      guint         status,
                                      const char   *code);
/* The text of /metrics from the metrics listener (the config must have
 * one); asserts a 200. */
char         *cs_test_metrics        (CsTestServer *server);
/* The value of the unlabelled metric @name (which must be there). */
gint64        cs_test_metric_value   (CsTestServer *server,
                                      const char   *name);

/* Creates a room and returns its id. */
char         *cs_test_room           (CsTestServer *server,
                                      const char   *token,
                                      const char   *type,
                                      const char   *name,
                                      const char   *member_id);

/* WebSocket client. */
typedef struct {
  SoupWebsocketConnection *conn;
  GQueue                   frames;   /* JsonObject* */
  gboolean                 closed;
  gushort                  close_code;
} CsTestWs;

CsTestWs     *cs_test_ws_connect     (CsTestServer *server,
                                      const char   *token);
/* The same with "?@query" on the URL. */
CsTestWs     *cs_test_ws_connect_query (CsTestServer *server,
                                        const char   *token,
                                        const char   *query);
/* Takes the connection over from the test client (a load or a benchmark
 * reading frames its own way): frees @ws, drops the frames it queued,
 * and returns its connection, the caller's to unref. */
SoupWebsocketConnection *cs_test_ws_take (CsTestWs *ws);
void          cs_test_ws_send        (CsTestWs     *ws,
                                      const char   *json);
/* The next frame within @timeout_ms, or NULL. */
JsonObject   *cs_test_ws_next        (CsTestWs     *ws,
                                      guint         timeout_ms);
/* Skips frames until one of @type arrives; NULL after @timeout_ms. */
JsonObject   *cs_test_ws_wait        (CsTestWs     *ws,
                                      const char   *type,
                                      guint         timeout_ms);
/* Asserts that a frame of @type arrives within @timeout_ms. */
void          cs_test_ws_expect      (CsTestWs     *ws,
                                      const char   *type,
                                      guint         timeout_ms);
/* Waits for the server to close the socket; returns the close code. */
gushort       cs_test_ws_wait_closed (CsTestWs     *ws,
                                      guint         timeout_ms);
void          cs_test_ws_free        (CsTestWs     *ws);

/* Alice, admin of tenant "acme", Bob (and with @carol, Carol) members of
 * her group "Launch", on a fresh server started with @config. */
typedef struct {
  CsTestServer *s;
  char *alice, *alice_id, *bob, *bob_id, *carol, *carol_id, *room;
} CsTestTeam;

void          cs_test_team_init      (CsTestTeam   *team,
                                      const char   *config,
                                      gboolean      carol);
void          cs_test_team_clear     (CsTestTeam   *team);

/* A WebSocket that completes the handshake (every byte of the server's
 * answer read, up to its blank line) and then does nothing on its own: a
 * silent, slow or hostile peer. Its receive window is small, so a reader
 * that never reads backs up at once. */
GSocketConnection *cs_test_raw_ws    (CsTestServer *server,
                                      const char   *token);

/* Runs the main context for @ms milliseconds. */
void          cs_test_spin           (guint         ms);

char         *cs_test_printf_path    (const char   *format,
                                      ...) G_GNUC_PRINTF (1, 2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestServer, cs_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestWs, cs_test_ws_free)

G_END_DECLS
