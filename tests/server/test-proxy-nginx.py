#!/usr/bin/python3
# test-proxy-nginx.py: the server behind Debian's nginx. With [server]
# trusted_proxies naming nginx, the client nginx names in X-Forwarded-For
# is the one that per-address limits and the audit log see: two clients
# behind it have their own login-failure budgets and connection caps. A
# forged X-Forwarded-For, from a client through nginx or straight from an
# untrusted peer, is not believed.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import websockets  # noqa: E402

A, B, C = "127.0.0.2", "127.0.0.3", "127.0.0.4"   # clients (Linux answers all of 127/8)

NGINX_CONF = """
daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/error.log; user root;
events {{ }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/f;
  uwsgi_temp_path {d}/u; scgi_temp_path {d}/s;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP $remote_addr;
    }}
  }}
}}
"""


def find_nginx():
    for path in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if path and os.access(path, os.X_OK):
            return path
    return None


class Nginx:
    def __init__(self, binary, upstream):
        self.dir = tempfile.mkdtemp(prefix="causerie-nginx-")
        self.port = cs_test.free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(d=self.dir, port=self.port, upstream=upstream))
        log = os.path.join(self.dir, "error.log")
        self.proc = subprocess.Popen([binary, "-c", conf, "-e", log, "-p", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            if self.proc.poll() is not None:
                raise RuntimeError("nginx did not start: " + self.proc.stderr.read().decode())
            try:
                cs_test.socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx does not answer on %d" % self.port)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def login(s, nginx, source, email, password, xff=None):
    headers = {"X-Forwarded-For": xff} if xff else None
    status, _, _ = s.login("acme", email, password, source=source, port=nginx.port if nginx else None,
                           headers=headers)
    return status


async def open_ws(url, token, source):
    try:
        ws = await websockets.connect(url, open_timeout=5, local_addr=(source, 0),
                                      extra_headers={"Authorization": "Bearer " + token})
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code
    await asyncio.wait_for(ws.recv(), 5)   # ready
    return ws


async def connection_cap(nginx, token):
    url = "ws://127.0.0.1:%d/api/ws" % nginx.port
    held = [await open_ws(url, token, A) for _ in range(3)]
    check(all(not isinstance(w, int) for w in held), "client A opens 3 WebSockets through nginx (its cap)")
    fourth = await open_ws(url, token, A)
    check(fourth == 429, "its fourth is refused with 429 (%s)" % fourth)
    other = await open_ws(url, token, B)
    check(not isinstance(other, int), "client B, behind the same nginx, still opens one")
    for w in held + [other]:
        await w.close()
    await asyncio.sleep(0.5)
    again = await open_ws(url, token, A)
    check(not isinstance(again, int), "once A closed its sockets, A may open one again")
    await again.close()


def main():
    binary = find_nginx()
    if binary is None:
        print("SKIP: nginx is not installed (build-aux/install-deps.sh installs it)")
        sys.exit(cs_test.SKIP)

    config = ("[server]\ntrusted_proxies = 127.0.0.1/32, ::1\n"
              "[security]\nlogin_failures_per_address=3\nlogin_failures_per_account=1000\n"
              "[limits]\nconnections_per_address=3\n[invitations]\nfailures_per_address=3\n")
    with cs_test.Server(config) as s:
        s.tenant("acme", "ada@example.com")
        nginx = Nginx(binary, s.port)
        try:
            status, _, _ = s.request("GET", "/healthz", port=nginx.port, source=A)
            check(status == 200, "the server answers through nginx")

            for i in range(3):
                check(login(s, nginx, A, "ada@example.com", "wrong password") == 401,
                      "client A through nginx: wrong password %d is 401" % (i + 1))
            check(login(s, nginx, A, "ada@example.com", cs_test.PASSWORD) == 429,
                  "client A is now locked out (429), even with the right password")
            check(login(s, nginx, A, "ada@example.com", cs_test.PASSWORD, xff="10.9.9.9") == 429,
                  "client A cannot escape by sending its own X-Forwarded-For through nginx")
            check(login(s, nginx, B, "ada@example.com", cs_test.PASSWORD) == 200,
                  "client B behind the same nginx signs in (200)")
            check(login(s, nginx, B, "ada@example.com", cs_test.PASSWORD, xff=A) == 200,
                  "client B forging A's address through nginx is still B (200)")

            # Straight to the server from an untrusted peer: its X-Forwarded-For is not believed.
            for i in range(3):
                status = s.login("acme", "ada@example.com", "wrong", source=C,
                                 headers={"X-Forwarded-For": "10.0.0.%d" % i, "X-Real-IP": "10.0.1.%d" % i})[0]
                check(status == 401, "untrusted peer C, forged X-Forwarded-For 10.0.0.%d: 401" % i)
            status = s.login("acme", "ada@example.com", cs_test.PASSWORD, source=C,
                             headers={"X-Forwarded-For": "10.0.0.99"})[0]
            check(status == 429, "C is locked out under its own address whatever it claims (%s)" % status)

            # Unknown invitation links are limited per address too.
            for i in range(3):
                status = s.request("GET", "/api/invitations/no-such-token-%d" % i, source=A, port=nginx.port)[0]
                check(status == 404, "client A through nginx: unknown invitation %d is 404" % (i + 1))
            status = s.request("GET", "/api/invitations/no-such-token-x", source=A, port=nginx.port)[0]
            check(status == 429, "then A may look up no more invitations (%d)" % status)
            status = s.request("GET", "/api/invitations/no-such-token-y", source=B, port=nginx.port)[0]
            check(status == 404, "while B still may (%d)" % status)

            token = s.token("acme", "ada@example.com", source=B, port=nginx.port)
            status, _, audit = s.request("GET", "/api/admin/audit?limit=100", token=token)
            check(status == 200, "the audit log reads")
            ips = {(e["action"], e["ip"]) for e in audit["entries"]}
            check(("auth.login_failed", A) in ips, "the audit log has A's failures under %s" % A)
            check(("auth.login", B) in ips, "and B's log-in under %s" % B)
            check(("auth.login_failed", C) in ips, "and C's under its own address, not a forged one")
            check(not any(ip and ip.startswith("10.") for _, ip in ips), "no forged address reached the log")
            check(not any(ip == "127.0.0.1" for _, ip in ips), "nor nginx's own address")

            asyncio.run(connection_cap(nginx, token))
        finally:
            nginx.close()


main()
