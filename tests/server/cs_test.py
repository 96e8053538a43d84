# cs_test.py: the real causerie-server for the Python tests: a fresh data
# directory, a free loopback port, the CLI to create accounts, and small
# HTTP helpers that can pick the client's source address (127.0.0.x).
# With CAUSERIE_TEST_STORAGE=postgresql every server stores in its own
# database of a private PostgreSQL cluster (cs-test-pg, from the C tests'
# cs-test-services.c; $CAUSERIE_TEST_PG is its path), as the C tests do.
# SPDX-License-Identifier: GPL-3.0-or-later
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PASSWORD = "correct horse battery"
SKIP = 77


def binary():
    path = os.environ.get("CAUSERIE_SERVER")
    if not path:
        sys.exit("CAUSERIE_SERVER is not set (meson test sets it)")
    return path


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port(host="127.0.0.1"):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def storage_is_postgresql():
    return os.environ.get("CAUSERIE_TEST_STORAGE") == "postgresql"


class Postgres:
    """The test process's private cluster, started by cs-test-pg at the first
    server and stopped when this process ends (cs-test-pg sees the end of
    its stdin). Exits with SKIP when PostgreSQL 15 is not installed."""

    def __init__(self):
        helper = os.environ.get("CAUSERIE_TEST_PG")
        if not helper:
            sys.exit("CAUSERIE_TEST_PG is not set (meson test sets it)")
        self.proc = subprocess.Popen([helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        first = self.proc.stdout.readline().decode().rstrip("\n")
        if first.startswith("skip: ") or not first:
            print("CAUSERIE_TEST_STORAGE=postgresql: " + (first[6:] or "cs-test-pg failed"), flush=True)
            sys.exit(SKIP)
        self.dir = first
        self.databases = 0

    def query(self, database, sql):
        """psql -Atc @sql in @database: its output, without the last newline."""
        assert "\n" not in sql and "\t" not in database
        self.proc.stdin.write(("%s\t%s\n" % (database, sql)).encode())
        self.proc.stdin.flush()
        size = self.proc.stdout.readline()
        if not size:
            raise RuntimeError("cs-test-pg failed on: " + sql)
        return self.proc.stdout.read(int(size)).decode()

    def new_database(self):
        """A new empty database; its libpq conninfo."""
        self.databases += 1
        name = "causerie_%d" % self.databases
        self.query("causerie", "CREATE DATABASE " + name)
        return name, "host=%s dbname=%s user=postgres" % (self.dir, name)


_postgres = None


def postgres():
    global _postgres
    if _postgres is None:
        _postgres = Postgres()
    return _postgres


def storage_config(database=None):
    """[storage] lines for a new server: a new database on PostgreSQL (or
    @database, another server's), none (SQLite in the data directory)
    otherwise. (database name or None, text)"""
    if not storage_is_postgresql():
        return None, ""
    if database is None:
        database, conninfo = postgres().new_database()
    else:
        conninfo = "host=%s dbname=%s user=postgres" % (postgres().dir, database)
    return database, "[storage]\nbackend=postgresql\npostgresql=%s\n" % conninfo


class Server:
    """causerie-server serve, with @config (key-file text) after the test
    defaults. @fd_soft_limit starts it with that soft RLIMIT_NOFILE, as a
    distribution's service manager might (1024 is common). On PostgreSQL,
    @storage_of (a Server) shares that server's database, as nodes do."""

    def __init__(self, config="", fd_soft_limit=None, min_kdf=True, storage_of=None):
        self.dir = tempfile.mkdtemp(prefix="causerie-pytest-")
        self.data = os.path.join(self.dir, "db")
        self.config_path = os.path.join(self.dir, "server.conf")
        self.database, storage = storage_config(storage_of.database if storage_of else None)
        with open(self.config_path, "w") as f:
            if min_kdf:
                f.write("[security]\npassword_hash=min\n")
            f.write(storage)
            f.write(config)
        self.fd_soft_limit = fd_soft_limit
        self.proc = None
        self.start()

    def _preexec(self):
        if self.fd_soft_limit:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.fd_soft_limit, hard))

    def start(self):
        self.proc = subprocess.Popen(
            [binary(), "--data-dir", self.data, "--config", self.config_path,
             "serve", "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=self._preexec)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            raise RuntimeError("the server did not start: %r %r" % (line, err))
        self.port = int(m.group(1))
        m = re.search(r"metrics on http://127\.0\.0\.1:(\d+)", line)
        self.metrics_port = int(m.group(1)) if m else 0
        self.base = "http://127.0.0.1:%d" % self.port

    def sql(self, query, sqlite_query=None):
        """Runs @query on the server's database, behind its back (a test
        ageing rows): PostgreSQL's psql, or SQLite's file (@sqlite_query when
        the dialects differ). Rows as lists of strings."""
        if self.database:
            out = postgres().query(self.database, query)
            return [line.split("|") for line in out.splitlines()]
        import sqlite3
        db = sqlite3.connect(os.path.join(self.data, "causerie.db"))
        try:
            rows = db.execute(sqlite_query or query).fetchall()
            db.commit()
            return [[str(v) for v in row] for row in rows]
        finally:
            db.close()

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cli(self, *args, password=PASSWORD):
        return subprocess.run([binary(), "--data-dir", self.data, "--config", self.config_path] + list(args),
                              input=password + "\n", capture_output=True, text=True, timeout=60)

    def tenant(self, name, email):
        r = self.cli("tenant", "create", name, "--admin-email", email, "--admin-name", "Admin")
        assert r.returncode == 0, r.stdout + r.stderr

    def user(self, tenant, email, name):
        r = self.cli("user", "add", "--tenant", tenant, "--email", email, "--name", name)
        assert r.returncode == 0, r.stdout + r.stderr

    def request(self, method, path, body=None, token=None, headers=None, source="127.0.0.1",
                port=None, timeout=10):
        """One request on its own connection from @source; (status, headers, parsed body)."""
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout,
                                          source_address=(source, 0))
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            raw = r.read()
            ctype = r.getheader("Content-Type") or ""
            parsed = json.loads(raw) if raw and "json" in ctype else raw.decode("utf-8", "replace")
            return r.status, r.headers, parsed
        finally:
            conn.close()

    def login(self, tenant, email, password=PASSWORD, **kw):
        return self.request("POST", "/api/auth/login",
                            {"tenant": tenant, "email": email, "password": password}, **kw)

    def token(self, tenant, email, **kw):
        status, _, body = self.login(tenant, email, **kw)
        assert status == 200, (status, body)
        return body["token"]

    def metrics(self):
        assert self.metrics_port, "the config has no [metrics] listen"
        conn = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=10)
        try:
            conn.request("GET", "/metrics")
            r = conn.getresponse()
            assert r.status == 200, r.status
            return r.read().decode()
        finally:
            conn.close()

    def metric(self, name):
        for line in self.metrics().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise KeyError(name)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def check(cond, message):
    if not cond:
        print("FAIL: " + message, flush=True)
        sys.exit(1)
    print("ok: " + message, flush=True)
