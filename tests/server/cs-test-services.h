/* cs-test-services.h: real services a test starts privately and stops by
 * PID: Redis 7 on a free loopback port with no persistence, a PostgreSQL 15
 * cluster in a temporary folder over a unix socket, nginx with a generated
 * configuration. Never a system instance (the recipes are
 * ../shared/TESTING-SERVICES.md). Each start returns NULL when the service's
 * programs are not installed, so the test can skip with that sentence.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char  *dir;       /* temporary folder, removed by _free */
  GPid   pid;       /* 0 while stopped */
  guint  port;
  char  *url;       /* redis://127.0.0.1:PORT/0 */
} CsTestRedis;

/* Starts redis-server and waits for its PONG. NULL (and @why set) when
 * redis-server is not installed. */
CsTestRedis    *cs_test_redis_start     (char          **why);
/* SIGKILL (no goodbye to the clients, as a crash or a partition) or
 * SIGTERM, and waits for the process to be gone. */
void            cs_test_redis_stop      (CsTestRedis    *redis,
                                         gboolean        kill);
/* Starts it again on the same port (after a stop). */
void            cs_test_redis_restart   (CsTestRedis    *redis);
/* Sends one command line (inline protocol) and returns the first reply
 * line, without its CRLF. */
char           *cs_test_redis_command   (CsTestRedis    *redis,
                                         const char     *line);
void            cs_test_redis_free      (CsTestRedis    *redis);

typedef struct {
  char  *dir;       /* owned by postgres when the test runs as root */
  char  *conninfo;  /* host=DIR dbname=causerie user=postgres */
  GPid   pid;       /* the postmaster */
  char  *run_as;    /* "postgres" when root, else NULL */
} CsTestPostgres;

/* initdb, postmaster on a unix socket in the folder (no TCP), createdb
 * causerie, without fsync (a test's data need not survive a crash of the
 * machine). NULL (and @why set) when PostgreSQL 15 is not installed. */
CsTestPostgres *cs_test_postgres_start  (char          **why);
/* The same with fsync on, as a production server runs (for benchmarks;
 * the tests' cluster skips fsync). */
CsTestPostgres *cs_test_postgres_start_durable (char   **why);
/* Runs psql -Atc @sql against the database, returns its output. */
char           *cs_test_postgres_query  (CsTestPostgres *pg,
                                         const char     *sql);
void            cs_test_postgres_stop   (CsTestPostgres *pg);
void            cs_test_postgres_free   (CsTestPostgres *pg);

/* The test process's own cluster, started at the first call and stopped
 * when the process exits; a test without PostgreSQL 15 exits with 77
 * (skipped), saying why. */
CsTestPostgres *cs_test_postgres_shared (void);
/* A new database in the shared cluster, empty or a copy of @template (a
 * database nobody is connected to), as a libpq conninfo; its name in
 * @name when not NULL. */
char           *cs_test_postgres_new_database (const char *template_name,
                                               char      **name);
/* TRUE when CAUSERIE_TEST_STORAGE=postgresql: servers store in PostgreSQL. */
gboolean        cs_test_storage_is_postgresql (void);

typedef struct {
  char  *dir;
  char  *conf_path;
  GPid   pid;
  guint  port;
} CsTestNginx;

/* Writes a configuration that balances @n_nodes upstreams on 127.0.0.1
 * (WebSocket upgrade, X-Forwarded-For), with @server_extra (nginx text,
 * or NULL) inside its server block, and starts nginx in the foreground. NULL
 * (and @why set) when nginx is not installed. */
CsTestNginx    *cs_test_nginx_start     (const guint    *node_ports,
                                         guint           n_nodes,
                                         const char     *server_extra,
                                         char          **why);
/* The http block's common lines (temp paths in @dir, no access log), for
 * a test that writes its own configuration around them. */
char           *cs_test_nginx_http_common (const char   *dir);
void            cs_test_nginx_stop      (CsTestNginx    *nginx);
void            cs_test_nginx_free      (CsTestNginx    *nginx);

typedef struct {
  char  *dir;
  char  *conf_path;
  char  *socket;    /* DIR/clamd.sock */
  char  *address;   /* unix:DIR/clamd.sock, for [attachments] clamd */
  GPid   pid;
} CsTestClamd;

/* Writes a signature database that detects the EICAR test file (by its
 * MD5, as Eicar-Test-Signature), starts clamd in the foreground on a unix
 * socket in a temporary folder and waits for its PONG. NULL (and @why set)
 * when clamd is not installed. */
CsTestClamd    *cs_test_clamd_start     (char          **why);
/* The EICAR test file's 68 bytes. */
const char     *cs_test_eicar           (void);
void            cs_test_clamd_stop      (CsTestClamd    *clamd);
void            cs_test_clamd_free      (CsTestClamd    *clamd);

/* A TCP port on 127.0.0.1 that nothing listens on at the time of the call. */
guint           cs_test_free_port       (void);

G_END_DECLS
