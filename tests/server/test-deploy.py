#!/usr/bin/python3
# test-deploy.py: the deployment files in data/deploy/ work as shipped.
# causerie-nginx.conf, with only its addresses, ports and certificate
# replaced by the test's, passes nginx -t and balances two real nodes:
# HTTPS requests reach both, and a WebSocket upgrades through it (the
# nodes share one database copy, so a token is valid on both, as with the
# shared store). causerie-server.service passes systemd-analyze verify.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import requests  # noqa: E402
import urllib3  # noqa: E402
import websockets  # noqa: E402

DEPLOY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "deploy")


def nginx_binary():
    for path in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if path and os.access(path, os.X_OK):
            return path
    return None


def shipped_nginx_conf(d, ports, http_port, https_port):
    text = open(os.path.join(DEPLOY, "causerie-nginx.conf")).read()
    servers = "".join("    server 127.0.0.1:%d max_fails=3 fail_timeout=10s;\n" % p for p in ports)
    text, n = re.subn(r"(    server 10\.0\.0\.\d+:8787 [^\n]*\n)+", servers, text)
    check(n == 1, "the upstream's node list is where the test expects it")
    text = text.replace("listen 80;", "listen 127.0.0.1:%d;" % http_port).replace("listen [::]:80;", "")
    text = text.replace("listen 443 ssl;", "listen 127.0.0.1:%d ssl;" % https_port)
    text = text.replace("listen [::]:443 ssl;", "")
    text = text.replace("/etc/letsencrypt/live/chat.example.com/fullchain.pem", d + "/cert.pem")
    text = text.replace("/etc/letsencrypt/live/chat.example.com/privkey.pem", d + "/key.pem")
    user = "user root;\n" if os.geteuid() == 0 else ""
    return ("daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/error.log; {user}\n"
            "events {{ }}\n"
            "http {{\n  access_log off;\n"
            "  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/f;\n"
            "  uwsgi_temp_path {d}/u; scgi_temp_path {d}/s;\n"
            "{text}\n}}\n").format(d=d, user=user, text=text)


async def ws_through(port, token):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    async with websockets.connect("wss://127.0.0.1:%d/api/ws" % port, ssl=ctx,
                                  extra_headers={"Authorization": "Bearer " + token}) as ws:
        await ws.send('{"type":"sync","since":0}')
        frame = await asyncio.wait_for(ws.recv(), 20)
        return frame


def test_nginx():
    nginx = nginx_binary()
    if nginx is None:
        print("# SKIP nginx is not installed")
        return
    d = tempfile.mkdtemp(prefix="causerie-deploy-")
    a = cs_test.Server("[server]\ntrusted_proxies = 127.0.0.1\n")
    b = None
    proc = None
    try:
        a.tenant("acme", "admin@acme.test")
        token = a.token("acme", "admin@acme.test")
        a.stop()
        # On PostgreSQL the nodes share the database itself.
        b = cs_test.Server("[server]\ntrusted_proxies = 127.0.0.1\n", storage_of=a)
        b.stop()
        shutil.rmtree(b.data)
        shutil.copytree(a.data, b.data)
        a.start()
        b.start()

        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=chat.example.com", "-keyout", d + "/key.pem", "-out", d + "/cert.pem"],
                       check=True, capture_output=True)
        http_port, https_port = cs_test.free_port(), cs_test.free_port()
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(shipped_nginx_conf(d, [a.port, b.port], http_port, https_port))
        t = subprocess.run([nginx, "-t", "-c", conf, "-e", d + "/error.log", "-p", d],
                           capture_output=True, text=True)
        check(t.returncode == 0, "nginx -t accepts data/deploy/causerie-nginx.conf (%s)" % t.stderr.strip())

        proc = subprocess.Popen([nginx, "-c", conf, "-e", d + "/error.log", "-p", d],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            try:
                cs_test.socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)

        urllib3.disable_warnings()
        r = requests.get("http://127.0.0.1:%d/healthz" % http_port, allow_redirects=False, timeout=10)
        check(r.status_code == 301 and r.headers["Location"].startswith("https://"),
              "plain HTTP is sent to HTTPS (%d)" % r.status_code)
        # Both nodes answer the token (least_conn alternates idle nodes).
        for _ in range(4):
            r = requests.get("https://127.0.0.1:%d/api/me" % https_port, verify=False, timeout=10,
                             headers={"Authorization": "Bearer " + token})
            check(r.status_code == 200, "an API call through nginx is answered (%d)" % r.status_code)
        frame = asyncio.run(ws_through(https_port, token))
        check('"type"' in frame, "a WebSocket upgrades through nginx and gets frames (%s)" % frame[:80])
        # A node dies: nginx sends its requests to the other.
        a.stop()
        for _ in range(3):
            r = requests.get("https://127.0.0.1:%d/api/me" % https_port, verify=False, timeout=10,
                             headers={"Authorization": "Bearer " + token})
            check(r.status_code == 200, "with node A down, node B answers through nginx (%d)" % r.status_code)
        frame = asyncio.run(ws_through(https_port, token))
        check('"ready"' in frame, "... and takes the WebSocket")
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
        a.close()
        if b:
            b.close()
        shutil.rmtree(d, ignore_errors=True)


def test_unit():
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("# SKIP systemd-analyze is not installed")
        return
    d = tempfile.mkdtemp(prefix="causerie-unit-")
    try:
        text = open(os.path.join(DEPLOY, "causerie-server.service")).read()
        for key in ("DynamicUser=yes", "ProtectSystem=strict", "StateDirectory=causerie", "NoNewPrivileges=yes"):
            check("\n" + key + "\n" in text, "the unit has %s" % key)
        # verify wants the binary to exist: the one just built.
        unit = os.path.join(d, "causerie-server.service")
        with open(unit, "w") as f:
            f.write(text.replace("/usr/bin/causerie-server", cs_test.binary()))
        r = subprocess.run([analyze, "verify", unit], capture_output=True, text=True)
        check(r.returncode == 0 and r.stderr.strip() == "",
              "systemd-analyze verify accepts data/deploy/causerie-server.service (%s)" % r.stderr.strip())
    finally:
        shutil.rmtree(d, ignore_errors=True)


test_unit()
test_nginx()
